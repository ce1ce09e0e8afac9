/**
 * A check kind is data plus one async function: its name, what it verifies, the
 * schema of its parameters, and `run(params, context)` that looks at a real
 * system and says pass, fail (the system is not as required) or error (could
 * not tell). The runner looks kinds up by name in `registry.ts`.
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

export interface CheckKind<Params = unknown> {
  readonly kind: string
  /** One line for `--help`, the README and `plan`. */
  readonly description: string
  readonly params: z.ZodObject<z.ZodRawShape, z.core.$strict> & z.ZodType<Params>
  /** A directive that uses the kind, for hints and docs. */
  readonly example: string
  /** Time limit when the item sets none. */
  readonly defaultTimeoutMs?: number
  /** Params holding shell text: references substituted into them are shell-quoted. */
  readonly shellParams?: readonly string[]
  /** Params holding SQL: references in them become bound parameters (`sqlValues`). */
  readonly sqlParams?: readonly string[]
  /** What the kind refuses in its parameters as written, before values are known. */
  templateProblems?(
    templates: Readonly<Record<string, readonly TemplatePart[]>>,
  ): readonly TemplateProblem[]
  /**
   * The service the check talks to, for per-service concurrency caps:
   * `aws:dynamodb:eu-west-1`, `pg:db.internal:5432`. Defaults to the kind.
   */
  service?(params: Params, context: Pick<CheckContext, 'env'>): string
  run(params: Params, context: CheckContext): Promise<CheckOutcome>
}

export function defineCheck<Shape extends z.ZodRawShape>(
  definition: Omit<CheckKind<z.output<z.ZodObject<Shape, z.core.$strict>>>, 'params'> & {
    params: z.ZodObject<Shape, z.core.$strict>
  },
): CheckKind<z.output<z.ZodObject<Shape, z.core.$strict>>> {
  return definition as unknown as CheckKind<z.output<z.ZodObject<Shape, z.core.$strict>>>
}

/** Outcome helpers, so checks read as what they conclude. */
export const pass = (summary: string, extra: Omit<CheckOutcome, 'status' | 'summary'> = {}) =>
  ({ status: 'pass', summary, ...extra }) as const satisfies CheckOutcome
export const fail = (summary: string, extra: Omit<CheckOutcome, 'status' | 'summary'> = {}) =>
  ({ status: 'fail', summary, ...extra }) as const satisfies CheckOutcome
export const error = (summary: string, extra: Omit<CheckOutcome, 'status' | 'summary'> = {}) =>
  ({ status: 'error', summary, ...extra }) as const satisfies CheckOutcome
