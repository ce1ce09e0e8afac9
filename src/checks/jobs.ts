/**
 * From checklist items to runner jobs. Each job resolves its item's `${…}`
 * parameters only when it starts, so outputs of the checks it needs (a stack's
 * outputs) are known; shell-quotes what it substitutes into a command; validates
 * the values with the kind's schema; runs the kind; and scrubs secrets from what
 * comes back. A job never throws: every failure becomes an outcome.
 */

import type { Checklist, Item } from '../checklist/model.ts'
import { isInScope } from '../checklist/scope.ts'
import { dependenciesOf } from '../checklist/validate.ts'
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
import type { Clients } from './clients.ts'
import type { CheckKind } from './kind.ts'
import type { Redactor } from './redact.ts'
import { CHECK_KINDS } from './registry.ts'
import type { CheckOutcome, Job, JobContext } from './runner.ts'
import { shellQuote } from './shell.ts'

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

/** Parameters whose `${env:…}` values are credentials, whatever the variable is called. */
const SENSITIVE_PARAMS = new Set(['bearer', 'request-header', 'data', 'url'])
const SENSITIVE_NAME = /pass|secret|token|key|credential|auth|private|session|cookie|signature/i

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
    if (SENSITIVE_NAME.test(name) && !name.startsWith('npm_')) options.redactor.add(value)
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
        kind && templates ? serviceOf(kind, templates, staticLookup, vars, options) : 'local',
      run: async (context) => {
        if (!kind) return { status: 'error', summary: `unknown check kind '${item.check?.kind}'` }
        if (!templates) return { status: 'error', summary: 'a parameter has a ${…} syntax error' }
        if (kind.kind === 'command' && options.commands === 'skip') {
          const why = options.commandsSkipReason ?? 'the checklist is not trusted to run commands'
          return { status: 'skipped', summary: `not run: ${why}` }
        }
        const outcome = await runJob(kind, templates, vars, context, { ...options, timeoutMs })
        return options.redactor.scrubDeep(outcome)
      },
    })
  }
  return jobs
}

/**
 * The items to check for one environment: those in scope with a check, in the
 * phases asked for (by id or title), limited to `only` ids when given, plus
 * everything those need so their outputs exist.
 */
export function selectCheckItems(
  checklist: Checklist,
  environment: string,
  filter: { readonly phases?: readonly string[]; readonly only?: readonly string[] } = {},
): Item[] {
  const inScope = checklist.items.filter((item) => item.check && isInScope(item.scope, environment))
  const byId = new Map(inScope.map((item) => [item.id, item]))
  let chosen = inScope
  if (filter.phases && filter.phases.length > 0) {
    const phaseIds = new Set(filter.phases.map((p) => findPhase(checklist, p)))
    chosen = chosen.filter((item) => phaseIds.has(item.phaseId))
  }
  if (filter.only && filter.only.length > 0) {
    const only = new Set(filter.only)
    chosen = chosen.filter((item) => only.has(item.id))
  }
  const wanted = new Set<string>()
  const add = (item: Item) => {
    if (wanted.has(item.id)) return
    wanted.add(item.id)
    for (const dep of dependenciesOf(item)) {
      const needed = byId.get(dep)
      if (needed) add(needed)
    }
  }
  for (const item of chosen) add(item)
  return inScope.filter((item) => wanted.has(item.id))
}

/** A phase's id from its id or title (case-insensitive, numbering optional); undefined if none. */
export function findPhase(checklist: Checklist, name: string): string | undefined {
  const wanted = normalise(name)
  const phase =
    checklist.phases.find((p) => p.id === name) ??
    checklist.phases.find((p) => normalise(p.title) === wanted) ??
    checklist.phases.find((p) => normalise(p.title).includes(wanted))
  return phase?.id
}

function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/^[\d.\s]*(phase|fase|step|passo)?\s*[\d.:)-]*\s*/u, '')
    .replace(/\s+/g, ' ')
    .trim()
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
  const resolved = resolveAll(kind, templates, lookup, vars, options)
  if ('missing' in resolved) {
    return {
      status: 'error',
      summary: `${describeReference(resolved.missing)} has no value`,
      details: [hintFor(resolved.missing)],
    }
  }
  const parsed = kind.params.safeParse(resolved.values)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : ''
    return { status: 'error', summary: `bad parameter ${where}${issue?.message ?? 'invalid'}` }
  }
  try {
    return await kind.run(parsed.data, {
      signal: context.signal,
      progress: (message) => context.progress(options.redactor.scrub(message)),
      cwd: options.cwd,
      env: options.processEnv,
      clients: options.clients,
      redactor: options.redactor,
      timeoutMs: options.timeoutMs,
    })
  } catch (error) {
    if (context.signal.aborted) throw context.signal.reason
    if ((error as Error)?.name === 'TransientError') throw error
    return { status: 'error', summary: error instanceof Error ? error.message : String(error) }
  }
}

function resolveAll(
  kind: CheckKind,
  templates: Templates,
  lookup: Lookup,
  vars: Readonly<Record<string, string>>,
  options: JobOptions,
): { values: Record<string, string> } | { missing: Reference } {
  const values: Record<string, string> = {}
  const shell = new Set(kind.shellParams ?? [])
  for (const [key, parts] of Object.entries(templates)) {
    const quote = shell.has(key) ? shellQuote : (v: string) => v
    const result = resolveTemplate(parts, lookup, quote)
    const first = result.missing[0]
    if (first) return { missing: first.ref }
    values[key] = result.value
    for (const part of parts) {
      if (part.type !== 'ref' || part.ref.type !== 'process-env') continue
      if (SENSITIVE_PARAMS.has(key) || SENSITIVE_NAME.test(part.ref.name)) {
        const value = lookup(part.ref)
        // A URL's whole value is not a secret; its password is masked by shape.
        if (key !== 'url') options.redactor.add(value)
      }
    }
  }
  // AWS kinds take region and profile from front-matter vars of those names.
  const shape = kind.params.shape
  for (const key of ['region', 'profile'] as const) {
    if (key in shape && values[key] === undefined && vars[key] !== undefined) {
      const value = lookup({ type: 'var', name: key })
      if (value !== undefined) values[key] = value
    }
  }
  return { values }
}

function serviceOf(
  kind: CheckKind,
  templates: Templates,
  lookup: Lookup,
  vars: Readonly<Record<string, string>>,
  options: JobOptions,
): string {
  if (!kind.service) return kind.kind
  const resolved = resolveAll(kind, templates, lookup, vars, { ...options, redactor: nullRedactor })
  if ('missing' in resolved) return kind.kind
  const parsed = kind.params.safeParse(resolved.values)
  return parsed.success ? kind.service(parsed.data, { env: options.processEnv }) : kind.kind
}

const nullRedactor = { add() {} } as unknown as Redactor

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
