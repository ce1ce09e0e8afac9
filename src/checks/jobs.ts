/**
 * From checklist items to runner jobs. Each job resolves its item's `${…}`
 * parameters only when it starts, so outputs of the checks it needs (a stack's
 * outputs) are known; shell-quotes what it substitutes into a command; validates
 * the values with the kind's schema; runs the kind; and scrubs secrets from what
 * comes back. A job never throws: every failure becomes an outcome.
 */

import { dependenciesOf } from '../checklist/dependencies.ts'
import type { Checklist, Item } from '../checklist/model.ts'
import {
  createLookup,
  describeReference,
  type Lookup,
  parseTemplate,
  type Reference,
  resolveTemplate,
  type TemplatePart,
  varsFor,
} from '../checklist/variables.ts'
import { inert, inertDeep } from '../output/terminal.ts'
import type { Clients } from './clients.ts'
import type { CheckKind, WrittenParams } from './kind.ts'
import type { SqlRefusal } from './postgres/read-only.ts'
import { resolveSqlTemplate } from './postgres/sql-template.ts'
import { isSecretVariable, type Redactor, urlPasswords } from './redact.ts'
import { CHECK_KINDS, needsTrust } from './registry.ts'
import * as ruleLibraries from './rule-libraries.ts'
import { provideRuleLibraries } from './rules.ts'
import type { CheckOutcome, Job, JobContext } from './runner.ts'
import { resolveShellTemplate, type ShellProblem } from './shell.ts'
import { resolveWordTemplate } from './words.ts'

// The kinds' `service` is asked here, synchronously: their rule libraries are handed over.
provideRuleLibraries(ruleLibraries)

export const DEFAULT_TIMEOUT_MS = 30_000

export interface CheckJob extends Job {
  readonly item: Item
  readonly kind: string
}

export interface JobOptions {
  readonly environment: string
  readonly processEnv: Readonly<Record<string, string | undefined>>
  readonly clients: Clients
  readonly redactor: Redactor
  /** The checklist's folder: relative paths in checks resolve against it. */
  readonly cwd: string
  /** Time limit for checks whose item sets none (overrides each kind's default). */
  readonly timeoutMs?: number
  /** `skip`: `command` checks are reported as skipped, not run (the checklist is not trusted). */
  readonly commands: 'run' | 'skip'
  /** Why commands are skipped, for the summary; by default, that the checklist is not trusted. */
  readonly commandsSkipReason?: string
}

export function checkJobs(
  checklist: Checklist,
  items: readonly Item[],
  options: JobOptions,
): CheckJob[] {
  const vars = varsFor(checklist.frontMatter, options.environment)
  const staticLookup = createLookup({
    environment: options.environment,
    vars,
    processEnv: options.processEnv,
    output: () => undefined,
  })
  // Every sensitive-looking environment variable's value is masked in any output.
  for (const [name, value] of Object.entries(options.processEnv)) {
    if (isSecretVariable(name, value) && !name.startsWith('npm_')) options.redactor.add(value)
  }
  const jobs: CheckJob[] = []
  for (const item of items) {
    if (!item.check) continue
    const kind = CHECK_KINDS.get(item.check.kind)
    const templates = parseTemplates(item.check.params)
    const needs = dependenciesOf(item)
    const timeoutMs =
      item.timeoutMs ?? options.timeoutMs ?? kind?.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS
    jobs.push({
      id: item.id,
      item,
      kind: item.check.kind,
      needs,
      timeoutMs,
      service:
        kind && templates
          ? serviceOf(kind, templates, staticLookup, vars, options.processEnv)
          : 'local',
      run: async (context) => {
        if (!kind) return { status: 'error', summary: `unknown check kind '${item.check?.kind}'` }
        if (!templates) return { status: 'error', summary: 'a parameter has a ${…} syntax error' }
        if (options.commands === 'skip' && needsTrust(item)) {
          const why = options.commandsSkipReason ?? 'the checklist is not trusted to run commands'
          return { status: 'skipped', summary: `not run: ${why}` }
        }
        // What a check shows comes partly from outside (a server's answer, a command's
        // output, an error message): its secrets are masked and its escape sequences made inert.
        try {
          const written = item.check?.params ?? {}
          const { outputs, ...shown } = await runJob(kind, templates, written, vars, context, {
            ...options,
            timeoutMs,
          })
          // Outputs feed later checks as they are; reports scrub them when they show them.
          return {
            ...inertDeep(options.redactor.scrubDeep(shown)),
            ...(outputs ? { outputs } : {}),
          }
        } catch (error) {
          if (error instanceof Error) error.message = inert(error.message)
          throw error
        }
      },
    })
  }
  return jobs
}

type Templates = Readonly<Record<string, readonly TemplatePart[]>>

function parseTemplates(params: Readonly<Record<string, string>>): Templates | null {
  try {
    return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, parseTemplate(v)]))
  } catch {
    return null
  }
}

async function runJob(
  kind: CheckKind,
  templates: Templates,
  written: WrittenParams,
  vars: Readonly<Record<string, string>>,
  context: JobContext,
  options: JobOptions & { timeoutMs: number },
): Promise<CheckOutcome> {
  const lookup = createLookup({
    environment: options.environment,
    vars,
    processEnv: options.processEnv,
    output: (itemId, key) => context.outputs.get(itemId)?.[key],
  })
  const credentials = new Set(Object.keys(kind.credentials?.(written) ?? {}))
  const resolved = resolveAll(kind, templates, lookup, vars, { credentials })
  if ('missing' in resolved) {
    return {
      status: 'error',
      summary: `${describeReference(resolved.missing)} has no value`,
      details: [hintFor(resolved.missing)],
    }
  }
  // A value where the shell would read it as code or as a number it is not: never run.
  if ('refused' in resolved) {
    return { status: 'error', summary: resolved.refused.message, details: [resolved.refused.hint] }
  }
  for (const secret of resolved.secrets) options.redactor.add(secret)
  const parsed = kind.params.safeParse(resolved.values)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : ''
    return { status: 'error', summary: `bad parameter ${where}${issue?.message ?? 'invalid'}` }
  }
  try {
    const run = await kind.load()
    return await run(parsed.data, {
      signal: context.signal,
      progress: (message) => context.progress(options.redactor.scrub(message)),
      cwd: options.cwd,
      env: { ...options.processEnv, ...resolved.shellEnv },
      clients: options.clients,
      redactor: options.redactor,
      timeoutMs: options.timeoutMs,
      ...(resolved.sqlValues.length > 0 ? { sqlValues: resolved.sqlValues } : {}),
    })
  } catch (error) {
    if (context.signal.aborted) throw context.signal.reason
    if ((error as Error)?.name === 'TransientError') throw error
    return { status: 'error', summary: error instanceof Error ? error.message : String(error) }
  }
}

interface Resolved {
  readonly values: Record<string, string>
  /** Values that are secrets wherever they appear (credentials taken from the environment). */
  readonly secrets: readonly string[]
  /** What shell text refers to (see shell.ts): added to the environment the check runs with. */
  readonly shellEnv: Readonly<Record<string, string>>
  /** The values SQL's `$1`, `$2`… stand for (see postgres/sql-template.ts). */
  readonly sqlValues: readonly string[]
}

/**
 * Every parameter's value for this run. With `keepMissing`, a reference without
 * a value stays as written (to guess the service before outputs exist);
 * without it, the first such reference is returned instead.
 */
function resolveAll(
  kind: CheckKind,
  templates: Templates,
  lookup: Lookup,
  vars: Readonly<Record<string, string>>,
  how: {
    /** The parameters that hold a credential (see `credentials` in kind.ts). */
    readonly credentials?: ReadonlySet<string>
    readonly keepMissing?: boolean
  } = {},
): Resolved | { missing: Reference } | { refused: SqlRefusal | ShellProblem } {
  const values: Record<string, string> = {}
  const secrets: string[] = []
  const shellEnv: Record<string, string> = {}
  const sqlValues: string[] = []
  const shell = new Set(kind.shellParams ?? [])
  const sql = new Set(kind.sqlParams ?? [])
  const word = new Set(kind.wordParams ?? [])
  const lenient: Lookup = (ref) =>
    lookup(ref) ?? (how.keepMissing ? describeReference(ref) : undefined)
  const credentials = how.credentials ?? new Set<string>()
  for (const [key, parts] of Object.entries(templates)) {
    const inSql = sql.has(key) ? resolveSqlTemplate(parts, lenient) : undefined
    const inShell = !inSql && shell.has(key) ? resolveShellTemplate(parts, lenient) : null
    const result =
      inSql ??
      inShell ??
      (word.has(key) ? resolveWordTemplate(parts, lenient) : resolveTemplate(parts, lenient))
    const first = result.missing[0]
    if (first) return { missing: first.ref }
    if (inSql?.refusal) return { refused: inSql.refusal }
    if (inShell?.problem) return { refused: inShell.problem }
    values[key] = result.value
    if (inShell) Object.assign(shellEnv, inShell.env)
    if (inSql) sqlValues.push(...inSql.values)
    // A password written in a URL, in the checklist or a var, is a secret as much as one from the
    // environment: the server may echo it back in a body or an error.
    secrets.push(...urlPasswords(result.value))
    parts.forEach((part, i) => {
      if (part.type !== 'ref' || part.ref.type !== 'process-env') return
      const value = lookup(part.ref)
      if (
        value !== undefined &&
        isSecretPlace(key, credentials.has(key), part.ref.name, value, parts[i - 1], parts[i + 1])
      ) {
        secrets.push(value)
      }
    })
  }
  // AWS kinds take region and profile from front-matter vars of those names.
  const shape = kind.params.shape
  for (const key of ['region', 'profile'] as const) {
    if (key in shape && values[key] === undefined && vars[key] !== undefined) {
      const value = lookup({ type: 'var', name: key })
      if (value !== undefined) values[key] = value
    }
  }
  return { values, secrets, shellEnv, sqlValues }
}

/**
 * An environment value is a secret when it goes into a credential parameter
 * (`isCredential`: its kind says so), when its variable's name says so, or when it
 * sits in a URL's password place (`https://user:${env:PW}@host`).
 */
function isSecretPlace(
  key: string,
  isCredential: boolean,
  name: string,
  value: string,
  before: TemplatePart | undefined,
  after: TemplatePart | undefined,
): boolean {
  if (isSecretVariable(name, value)) return true
  if (isCredential) return true
  if (key !== 'url') return false
  const precededByColon =
    before?.type === 'text' && before.text.endsWith(':') && before.text.includes('://')
  const followedByAt = after?.type === 'text' && after.text.startsWith('@')
  return precededByColon && followedByAt
}

/** The service a job will talk to, for its concurrency cap, guessed before outputs exist. */
function serviceOf(
  kind: CheckKind,
  templates: Templates,
  lookup: Lookup,
  vars: Readonly<Record<string, string>>,
  env: Readonly<Record<string, string | undefined>>,
): string {
  if (!kind.service) return kind.kind
  const resolved = resolveAll(kind, templates, lookup, vars, { keepMissing: true })
  if (!('values' in resolved)) return kind.kind
  const parsed = kind.params.safeParse(resolved.values)
  if (!parsed.success) return kind.kind
  try {
    return kind.service(parsed.data, { env })
  } catch {
    return kind.kind
  }
}

function hintFor(ref: Reference): string {
  switch (ref.type) {
    case 'process-env':
      return `set the environment variable ${ref.name} before running, or give a fallback: \${env:${ref.name}:-value}`
    case 'output':
      return `the check on '${ref.itemId}' did not report an output named ${ref.key}`
    case 'var':
      return `define ${ref.name} under vars: in the checklist's front matter`
    case 'environment':
      return 'no environment chosen'
  }
}
