/**
 * A check kind is data plus one async function: its name, what it verifies, the
 * schema of its parameters and the rules they imply (kinds/), and the code that
 * looks at a real system and says pass, fail (the system is not as required) or
 * error (could not tell), loaded only when a check runs. Kinds are looked up by
 * name in `registry.ts`.
 */
import type { z } from 'zod'
import type { TemplatePart } from '../checklist/variables.ts'
import type { Clients } from './clients.ts'
import type { Redactor } from './redact.ts'
import type { CheckOutcome } from './runner.ts'

export interface CheckContext {
  /** Aborted on timeout or cancel: stop, close sockets, kill children. */
  readonly signal: AbortSignal
  /** Tell the operator what the check is doing now ("UPDATE_IN_PROGRESS, waiting"). */
  progress(message: string): void
  /** Relative paths (files, command cwd) resolve against this: the checklist's folder. */
  readonly cwd: string
  /** The process environment the checks see. */
  readonly env: Readonly<Record<string, string | undefined>>
  /** AWS and PostgreSQL clients, created on first use and shared. */
  readonly clients: Clients
  /** Secret values a check learns (a password from a secret) are added here, to be scrubbed. */
  readonly redactor: Redactor
  /** The check's own time limit, for checks that wait (a stack in progress). */
  readonly timeoutMs: number
  /** The values of `$1`, `$2`… in the kind's `sqlParams`, bound as parameters, never SQL text. */
  readonly sqlValues?: readonly string[]
}

/** A parameter the kind refuses as written, whatever its values (`validate` reports it there). */
export interface TemplateProblem {
  readonly param: string
  readonly message: string
  readonly hint: string
}

/** A check's parameters as the checklist wrote them, before any `${…}` is resolved. */
export type WrittenParams = Readonly<Record<string, string>>

/**
 * How a parameter holds a credential: `whole`, the value is one (`bearer`); `header`, a
 * header line whose value, after the colon, is one (`Authorization: Basic …`);
 * `from-env`, only what the environment gives it is one (a request body may carry a
 * token, or may not: a literal body is shown as written).
 */
export type CredentialShape = 'whole' | 'header' | 'from-env'

/** What a kind does to the systems it looks at: every kind reads, unless it says otherwise. */
export type Effect = 'read' | 'write'

/** The code that runs a check of a kind: parameters already resolved and validated. */
export type RunCheck<Params> = (params: Params, context: CheckContext) => Promise<CheckOutcome>

/**
 * A check kind as the rest of the tool sees it: its name, what it verifies, its
 * parameters, and the rules that follow from them (does it write, does it need
 * trust, which IAM actions it calls). All of it is known without loading the
 * code that runs the check, which `load()` brings in only when a check of the
 * kind runs: `validate`, `plan` and the wizard's first screen never load it.
 */
export interface CheckKind<Params = unknown> {
  readonly kind: string
  /** One line for `--help`, the README and `plan`. */
  readonly description: string
  /** The parameter schema, built the first time it is read (building zod schemas costs start-up time). */
  readonly params: z.ZodObject<z.ZodRawShape, z.core.$strict> & z.ZodType<Params>
  /** A directive that uses the kind, for hints and docs. */
  readonly example: string
  /** Time limit when the item sets none. */
  readonly defaultTimeoutMs?: number
  /** Params holding shell text: references substituted into them are shell-quoted. */
  readonly shellParams?: readonly string[]
  /** Params holding SQL: references in them become bound parameters (`sqlValues`). */
  readonly sqlParams?: readonly string[]
  /**
   * Params holding a command line (`aws lambda …`): a value substituted into one stays
   * one word, never more words or an option, whatever it holds (see words.ts).
   */
  readonly wordParams?: readonly string[]
  /** What the kind refuses in its parameters as written, before values are known. */
  templateProblems?(
    templates: Readonly<Record<string, readonly TemplatePart[]>>,
  ): readonly TemplateProblem[]
  /**
   * Whether a check with these parameters changes something (an http POST): in
   * the wizard such a check runs only when the operator asks for it by itself.
   * Every kind reads unless this says `write`.
   */
  effect?(params: WrittenParams): Effect
  /**
   * Whether a check with these parameters runs a program the checklist chooses
   * (a `command`, a `tool` given a path): it runs only once the checklist is trusted.
   */
  needsTrust?(params: WrittenParams): boolean
  /**
   * The parameters that hold a credential, given these parameters, and how: shown
   * masked (`***`) in `plan`, `validate` and the wizard, and a value the environment
   * gives one is a secret to mask in what checks report, whatever its variable is called.
   */
  credentials?(params: WrittenParams): Readonly<Record<string, CredentialShape>>
  /** The IAM actions a check with these parameters may call, for `iam-policy` and the docs. */
  iam?(params: WrittenParams): readonly string[]
  /**
   * The service the check talks to, for per-service concurrency caps:
   * `aws:dynamodb:eu-west-1`, `pg:db.internal:5432`. Defaults to the kind.
   */
  service?(params: Params, context: Pick<CheckContext, 'env'>): string
  /** The code that runs the check, imported on first use. */
  load(): Promise<RunCheck<Params>>
}

type StrictObject = z.ZodObject<z.ZodRawShape, z.core.$strict>

/**
 * Declares a kind. `params` is a function so that the schema is built only when
 * first read; `load` imports the module that runs the check.
 */
export function defineCheck<Schema extends StrictObject>(
  definition: Omit<CheckKind<z.output<Schema>>, 'params' | 'load' | 'service'> & {
    params: () => Schema
    service?(params: NoInfer<z.output<Schema>>, context: Pick<CheckContext, 'env'>): string
    load(): Promise<RunCheck<NoInfer<z.output<Schema>>>>
  },
): CheckKind<z.output<Schema>> {
  const { params: build, ...rest } = definition
  let built: Schema | undefined
  const kind = Object.defineProperty({ ...rest }, 'params', {
    enumerable: true,
    get: () => {
      built ??= build()
      return built
    },
  })
  return kind as unknown as CheckKind<z.output<Schema>>
}

/** Outcome helpers (pass, fail, error), kept where every kind's code has always found them. */
export { error, fail, pass } from './outcome.ts'
