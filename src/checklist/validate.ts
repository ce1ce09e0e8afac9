/**
 * Checks that need the whole checklist: `needs:` names real checks without a
 * cycle, every check kind exists, its parameters fit the kind's schema, and every
 * `${…}` reference can be resolved — in each environment the item applies to.
 */
import { z } from '../checks/params.ts'
import { CHECK_KINDS } from '../checks/registry.ts'
import * as ruleLibraries from '../checks/rule-libraries.ts'
import { provideRuleLibraries } from '../checks/rules.ts'
import { scanShell } from '../checks/shell-scan.ts'
import {
  holdsLiteralCredential,
  shownParam,
  varHoldsLiteralCredential,
} from '../checks/shown-params.ts'
import { dependenciesOf } from './dependencies.ts'
import type { VarPositions } from './front-matter.ts'
import type { Checklist, Item } from './model.ts'
import { describeUnboxed, HOW_TO_WRITE_STEPS, unboxedSteps } from './no-steps.ts'
import { numberedProcedures } from './numbered-procedures.ts'
import type { LineIndex, Problems } from './problems.ts'
import { describeScope, isInScope } from './scope.ts'
import { VarAnalysis } from './var-analysis.ts'
import {
  describeReference,
  parseTemplate,
  type TemplatePart,
  TemplateSyntaxError,
  VAR_LIMITS,
  varsFor,
} from './variables.ts'

// The kinds' `templateProblems` are asked here, synchronously: their libraries are handed over.
provideRuleLibraries(ruleLibraries)

/** Offsets of an item's directives in the file. */
export interface DirectiveOffsets {
  kind?: number
  params?: Readonly<Record<string, number>>
  needs?: number
  timeout?: number
}

export interface ValidationContext {
  readonly directives: ReadonlyMap<string, DirectiveOffsets>
  readonly vars: VarPositions
  readonly lines: LineIndex
  readonly problems: Problems
  /** The checklist's text, to point at a reference inside a parameter. */
  readonly text?: string
}

/** Each environment's vars, analysed once for the whole checklist. */
type VarTables = ReadonlyMap<string, VarAnalysis>

/**
 * zod compiles an object schema's parser into a function (`new Function`) on its first parse,
 * which pays when a schema parses many values; validation parses each kind's a few times.
 */
const PARSE_ONCE = { jitless: true } as const

type FieldSchema = Parameters<typeof z.safeParse>[0]
type FieldOutcome = ReturnType<typeof z.safeParse>

/**
 * Each parameter value checked against its schema once for the whole checklist: most values
 * are the same in every environment, a schema's outcome depends on the value alone, and
 * checking a pattern compiles it (re2js).
 */
class FieldOutcomes {
  readonly #bySchema = new Map<FieldSchema, Map<string, FieldOutcome>>()

  of(schema: FieldSchema, value: string): FieldOutcome {
    let outcomes = this.#bySchema.get(schema)
    if (!outcomes) {
      outcomes = new Map()
      this.#bySchema.set(schema, outcomes)
    }
    let outcome = outcomes.get(value)
    if (!outcome) {
      outcome = z.safeParse(schema, value, PARSE_ONCE)
      outcomes.set(value, outcome)
    }
    return outcome
  }
}

export function validateChecklist(checklist: Checklist, context: ValidationContext): void {
  const { problems, lines } = context
  const byId = new Map(checklist.items.map((item) => [item.id, item]))
  const at = (offset: number | undefined, fallback: Item) =>
    offset === undefined ? { line: fallback.line, column: 1 } : lines.position(offset)
  const tables: VarTables = new Map(
    checklist.environments.map((e) => [e, new VarAnalysis(varsFor(checklist.frontMatter, e), e)]),
  )
  const suggest = idSuggester(byId)
  const outcomes = new FieldOutcomes()

  validateVars(checklist, tables, context)

  for (const item of checklist.items) {
    const offsets = context.directives.get(item.id) ?? {}
    if (item.scope.environments?.length === 0) {
      problems.warning(
        item.line,
        1,
        `this item never applies: ${item.scope.reason}`,
        'check its only: directive and the headings above it',
      )
    }
    for (const need of item.needs) {
      const target = byId.get(need)
      if (need === item.id) {
        const { line, column } = at(offsets.needs, item)
        problems.error(line, column, 'an item cannot need itself')
        continue
      }
      const { line, column } = at(offsets.needs, item)
      if (!target)
        problems.error(line, column, `needs '${need}', but no item has that id`, suggest(need))
      else if (!target.check)
        problems.error(
          line,
          column,
          `needs '${need}', which has no check to wait for`,
          'needs: names items with a check: directive',
        )
    }
    if (!item.check) {
      if (item.needs.length > 0) {
        const { line, column } = at(offsets.needs, item)
        problems.error(
          line,
          column,
          `'needs:' on an item without a check`,
          'add a check: directive, or remove needs:',
        )
      }
      if (item.timeoutMs !== null) {
        const { line, column } = at(offsets.timeout, item)
        problems.error(
          line,
          column,
          `'timeout:' on an item without a check`,
          'add a check: directive, or remove timeout:',
        )
      }
      continue
    }
    validateCheck(checklist, item, offsets, byId, tables, suggest, outcomes, context)
    validateDependencyScopes(checklist, item, offsets, byId, context)
  }
  validateNoCycles(checklist, byId, context)
  validateSignoffCoverage(checklist, context)
  validateHasSteps(checklist, context)
  validateNumberedProcedures(checklist, context)
}

/**
 * A procedure written as numbered steps in a `##` section with no task items, beside sections
 * that have them (numbered-procedures.ts): a run asks nothing of it and can read complete
 * while the deployment itself was never answered. Said at the section's heading, with how
 * many steps. A checklist with no task items at all gets validateHasSteps' warning instead.
 */
function validateNumberedProcedures(checklist: Checklist, { problems }: ValidationContext): void {
  if (checklist.items.length === 0) return
  for (const procedure of numberedProcedures(checklist)) {
    const { section, steps } = procedure
    problems.warning(
      section.line,
      1,
      `"${section.title}" (line ${section.line}) has ${steps} numbered step${steps === 1 ? '' : 's'} and no task items: a run shows it as a reference page and asks nothing of them`,
      'write each step that is to be answered as a task item, "1. [ ] Stop the application": only task items are steps a run asks for',
    )
  }
}

/**
 * A checklist with no task items has no step a run asks for: its steps, written as numbered
 * lines, bullets or a table's ☐ cells, would pass unanswered. Said with what was found instead,
 * where the first of it is.
 */
function validateHasSteps(checklist: Checklist, { problems }: ValidationContext): void {
  if (checklist.items.length > 0) return
  const found = unboxedSteps(checklist)
  const instead = describeUnboxed(found)
  const run =
    checklist.signoff.length > 0
      ? 'a run asks only for its sign-off fields'
      : 'a run has nothing to ask'
  problems.warning(
    found.line ?? 1,
    1,
    `no task items: ${run}${instead ? `; found ${instead} instead` : ''}`,
    HOW_TO_WRITE_STEPS,
  )
}

/**
 * Sign-off blocks scoped to some environments ("Development Deployment", "Production
 * Deployment") can leave another with nothing to sign: a staging run would end with no
 * sign-off at all, which no one would notice until the change board asks for it.
 */
function validateSignoffCoverage(checklist: Checklist, { problems }: ValidationContext): void {
  const first = checklist.signoff[0]
  if (!first) return
  const bare = checklist.environments.filter(
    (e) => !checklist.signoff.some((field) => isInScope(field.scope, e)),
  )
  if (bare.length === 0) return
  const scopes = [...new Set(checklist.signoff.map((field) => describeScope(field.scope)))]
  problems.warning(
    first.line,
    1,
    `no sign-off field applies to ${bare.join(', ')}: the sign-off is for ${scopes.join('; ')}`,
    `name ${bare.join(', ')} in the only: of the block that applies there too, e.g. ### Production Deployment <!-- only: staging, prod -->`,
  )
}

/**
 * A check that waits for an item out of scope in some environment it runs in
 * waits for nothing there, and a `${id.outputs.Key}` of that item has no value:
 * said here, rather than left to a check that errors at run time.
 */
function validateDependencyScopes(
  checklist: Checklist,
  item: Item,
  offsets: DirectiveOffsets,
  byId: ReadonlyMap<string, Item>,
  context: ValidationContext,
): void {
  const { problems, lines } = context
  const check = item.check
  if (!check) return
  const missingIn = (target: Item) =>
    checklist.environments.filter((e) => isInScope(item.scope, e) && !isInScope(target.scope, e))
  const hint = (target: Item) =>
    `'${target.id}' applies to ${describeScope(target.scope)}; give this item the same only:, or let '${target.id}' apply there too`
  for (const need of item.needs) {
    const target = byId.get(need)
    if (!target?.check || need === item.id) continue // reported above
    const environments = missingIn(target)
    if (environments.length === 0) continue
    const { line, column } =
      offsets.needs === undefined ? { line: item.line, column: 1 } : lines.position(offsets.needs)
    problems.warning(
      line,
      column,
      `needs '${need}', which does not apply to ${environments.join(', ')}: there this check runs without waiting for it`,
      hint(target),
    )
  }
  for (const [key, template] of Object.entries(check.params)) {
    let parts: TemplatePart[]
    try {
      parts = parseTemplate(template)
    } catch {
      continue // reported by validateCheck
    }
    for (const part of parts) {
      if (part.type !== 'ref' || part.ref.type !== 'output' || part.fallback !== null) continue
      const target = byId.get(part.ref.itemId)
      if (!target?.check) continue // reported by validateCheck
      const environments = missingIn(target)
      if (environments.length === 0) continue
      const offset = offsets.params?.[key]
      const { line, column } = offset === undefined ? check.position : lines.position(offset)
      problems.warning(
        line,
        column,
        `${part.source}: item '${target.id}' does not apply to ${environments.join(', ')}, so there it has no outputs`,
        `${hint(target)}; or give the reference a fallback: \${${part.ref.itemId}.outputs.${part.ref.key}:-…}`,
      )
    }
  }
}

function validateCheck(
  checklist: Checklist,
  item: Item,
  offsets: DirectiveOffsets,
  byId: ReadonlyMap<string, Item>,
  tables: VarTables,
  suggest: (id: string) => string,
  outcomes: FieldOutcomes,
  context: ValidationContext,
): void {
  const { problems, lines } = context
  const check = item.check
  if (!check) return
  const kind = CHECK_KINDS.get(check.kind)
  if (!kind) {
    const near = closestKind(check.kind)
    const where = offsets.kind === undefined ? check.position : lines.position(offsets.kind)
    problems.error(
      where.line,
      where.column,
      `unknown check kind '${check.kind}'`,
      near ? `did you mean '${near}'?` : `kinds: ${[...CHECK_KINDS.keys()].join(', ')}`,
    )
    return
  }
  const shape = kind.params.shape
  const paramAt = (key: string) => {
    const offset = offsets.params?.[key]
    return offset === undefined ? check.position : lines.position(offset)
  }
  const parsed = new Map<string, TemplatePart[]>()
  for (const [key, template] of Object.entries(check.params)) {
    const where = paramAt(key)
    if (!(key in shape)) {
      problems.error(
        where.line,
        where.column,
        `${check.kind} has no parameter '${key}'`,
        `its parameters: ${Object.keys(shape).join(', ')}`,
      )
      continue
    }
    try {
      const parts = parseTemplate(template)
      parsed.set(key, parts)
      for (const part of parts) {
        if (part.type !== 'ref' || part.ref.type !== 'output') continue
        const source = byId.get(part.ref.itemId)
        if (!source)
          problems.error(
            where.line,
            where.column,
            `${part.source}: no item has id '${part.ref.itemId}'`,
            suggest(part.ref.itemId),
          )
        else if (!source.check)
          problems.error(
            where.line,
            where.column,
            `${part.source}: item '${part.ref.itemId}' has no check, so no outputs`,
          )
      }
    } catch (error) {
      if (!(error instanceof TemplateSyntaxError)) throw error
      problems.error(where.line, where.column, `${check.kind} ${key}: ${error.message}`)
    }
    if (holdsLiteralCredential(check.kind, key, check.params)) {
      problems.warning(
        where.line,
        where.column,
        `${check.kind} ${key}: a credential written in the checklist (everyone who can read the file has it)`,
        credentialHint(key),
      )
    }
  }
  for (const problem of kind.templateProblems?.(Object.fromEntries(parsed)) ?? []) {
    const where = paramAt(problem.param)
    problems.error(
      where.line,
      where.column,
      `${check.kind} ${problem.param}: ${problem.message}`,
      problem.hint,
    )
  }
  for (const [key, field] of Object.entries(shape)) {
    if (!(key in check.params) && !z.safeParse(field, undefined, PARSE_ONCE).success) {
      problems.error(
        check.position.line,
        check.position.column,
        `${check.kind} needs '${key}='`,
        `for example: ${kind.example}`,
      )
    }
  }

  const environments = checklist.environments.filter((e) => isInScope(item.scope, e))
  for (const key of kind.shellParams ?? []) {
    const parts = parsed.get(key)
    if (parts)
      validateShellText(check.kind, key, parts, paramAt(key), offsets.params?.[key], context)
  }
  for (const environment of environments) {
    const table = tables.get(environment)
    if (!table) continue
    const values: Record<string, string> = {}
    let isStatic = true
    for (const [key, parts] of parsed) {
      const result = table.analyse(parts)
      const where = paramAt(key)
      if (result.kind === 'invalid' && result.reason.type === 'too-long') {
        problems.error(
          where.line,
          where.column,
          `${check.kind} ${key}: its value grows past ${formatLength(VAR_LIMITS.length)}`,
          'a value is at most that long: check the vars it uses',
        )
        isStatic = false
        continue
      }
      if (result.kind === 'invalid') {
        for (const name of table.undefinedVars(parts)) {
          const elsewhere = checklist.environments.filter(
            (e) => name in varsFor(checklist.frontMatter, e),
          )
          problems.error(
            where.line,
            where.column,
            `\${${name}} is not defined${elsewhere.length > 0 ? ` for ${environment}` : ''}`,
            elsewhere.length > 0
              ? `it is defined for ${elsewhere.join(', ')}; add it to vars or to env.${environment} in the front matter`
              : 'define it under vars: in the front matter, or use ${env:NAME} for an environment variable',
          )
        }
        isStatic = false
        continue
      }
      if (result.kind === 'dynamic') {
        isStatic = false
        continue
      }
      values[key] = result.value
      const fieldSchema = shape[key]
      const outcome = fieldSchema ? outcomes.of(fieldSchema, result.value) : null
      if (outcome && !outcome.success) {
        const message = outcome.error?.issues[0]?.message ?? 'invalid value'
        // Name the environment only when the value differs between environments.
        const isSameEverywhere = environments.every((e) => {
          const other = tables.get(e)?.analyse(parts)
          return other?.kind === 'static' && other.value === result.value
        })
        // Quoted as plan shows it: a credential in it masked.
        const template = shownParam(check.kind, key, check.params)
        const value = shownParam(check.kind, key, { ...check.params, [key]: result.value })
        const shown =
          result.value === check.params[key]
            ? `'${value}'`
            : `${template} = '${value}'${isSameEverywhere ? '' : ` for ${environment}`}`
        problems.error(where.line, where.column, `${check.kind} ${key}=${shown}: ${message}`)
      }
    }
    if (isStatic && Object.keys(values).length === Object.keys(check.params).length) {
      const outcome = kind.params.safeParse(values, PARSE_ONCE)
      if (!outcome.success) {
        for (const issue of outcome.error.issues) {
          if (issue.path.length === 0)
            problems.error(
              check.position.line,
              check.position.column,
              `${check.kind}: ${issue.message}`,
              `for example: ${kind.example}`,
            )
        }
      }
    }
  }
}

/**
 * Shell text (`command run=`): a reference where the shell would read its value as code or
 * as a variable name is an error, at the reference (see checks/shell-scan.ts).
 */
function validateShellText(
  kind: string,
  key: string,
  parts: readonly TemplatePart[],
  param: { line: number; column: number },
  paramOffset: number | undefined,
  context: ValidationContext,
): void {
  const seen = new Map<string, number>()
  for (const site of scanShell(parts).sites) {
    const source = site.part.source
    const nth = seen.get(source) ?? 0
    seen.set(source, nth + 1)
    if (!site.refusal) continue
    const where = referencePosition(source, nth, paramOffset, context) ?? param
    context.problems.error(
      where.line,
      where.column,
      `${kind} ${key}: ${source} ${site.refusal.message}`,
      site.refusal.hint,
    )
  }
}

/** Where the `nth` `source` after a parameter's offset is in the file, when it can be found. */
function referencePosition(
  source: string,
  nth: number,
  paramOffset: number | undefined,
  context: ValidationContext,
): { line: number; column: number } | null {
  if (paramOffset === undefined || context.text === undefined) return null
  let at = paramOffset - 1
  for (let k = 0; k <= nth; k++) {
    at = context.text.indexOf(source, at + 1)
    if (at < 0) return null
  }
  // Not past the end of the comment the parameter is in.
  const end = context.text.indexOf('-->', paramOffset)
  if (end >= 0 && at > end) return null
  return context.lines.position(at)
}

/** What to write instead of a credential in a check's parameter. */
function credentialHint(key: string): string {
  const shown = 'plan and the wizard show it as ***'
  switch (key) {
    case 'bearer':
      return `take it from the environment: bearer=\${env:API_TOKEN}; ${shown}`
    case 'request-header':
      return `take its value from the environment: request-header="X-Api-Key: \${env:API_KEY}"; ${shown}`
    case 'url':
      return `take the password from the environment, postgres://app:\${env:PGPASSWORD}@db/app, or the whole URL, url=\${env:DATABASE_URL}; ${shown}`
    default:
      return `take it from the environment, such as \${env:API_TOKEN}; ${shown}`
  }
}

/**
 * Vars must parse, name only defined vars, not refer to themselves, and stay
 * within `VAR_LIMITS`; each is reported where it is defined.
 */
function validateVars(checklist: Checklist, tables: VarTables, context: ValidationContext): void {
  const { problems } = context
  for (const environment of checklist.environments) {
    const vars = varsFor(checklist.frontMatter, environment)
    const table = tables.get(environment)
    if (!table) continue
    for (const name of Object.keys(vars)) {
      const where = context.vars.get(`${environment}.${name}`) ??
        context.vars.get(name) ?? { line: 1, column: 1 }
      const parts = table.parts(name)
      if (parts instanceof TemplateSyntaxError) {
        problems.error(where.line, where.column, `var '${name}': ${parts.message}`)
        continue
      }
      if (varHoldsLiteralCredential(vars[name] ?? '')) {
        problems.warning(
          where.line,
          where.column,
          `var '${name}' holds a credential written in the checklist (everyone who can read the file has it)`,
          'take it from the environment, such as postgres://app:${env:PGPASSWORD}@db/app; plan shows it as ***',
        )
      }
      if (table.isCyclic(name)) {
        problems.error(
          where.line,
          where.column,
          `var '${name}' refers to itself`,
          'a var may use other vars, but not in a circle',
        )
        continue
      }
      for (const part of parts ?? []) {
        if (
          part.type === 'ref' &&
          part.ref.type === 'var' &&
          part.fallback === null &&
          !(part.ref.name in vars)
        ) {
          problems.error(
            where.line,
            where.column,
            `var '${name}' uses ${describeReference(part.ref)}, which is not defined for ${environment}`,
          )
        }
      }
      const analysis = table.var(name)
      if (analysis?.kind !== 'invalid') continue
      if (analysis.reason.type === 'too-deep') {
        problems.error(
          where.line,
          where.column,
          `var '${name}' uses vars more than ${VAR_LIMITS.depth} deep (a var that uses a var that uses a var…)`,
          'use fewer vars in a chain: write the value out in one of them',
        )
      } else if (analysis.reason.type === 'too-long') {
        problems.error(
          where.line,
          where.column,
          `var '${name}' grows past ${formatLength(VAR_LIMITS.length)} once the vars it uses are put in`,
          'a value is at most that long: a var that uses another twice doubles it, so look for vars that repeat one another',
        )
      }
    }
  }
}

function formatLength(characters: number): string {
  return characters >= 1024
    ? `${Math.round(characters / 1024)} K characters`
    : `${characters} characters`
}

/**
 * `needs:` and outputs must not wait in a circle. The walk keeps its own stack:
 * a chain of thousands of items each needing the one before is a file's to write.
 */
function validateNoCycles(
  checklist: Checklist,
  byId: ReadonlyMap<string, Item>,
  context: ValidationContext,
): void {
  const state = new Map<string, 'visiting' | 'done'>()
  const reported = new Set<string>()
  for (const root of checklist.items) {
    if (state.has(root.id)) continue
    // The items being visited, root first, each with the dependencies still to look at.
    const path: { item: Item; deps: string[]; at: number }[] = []
    const positions = new Map<string, number>()
    const open = (item: Item) => {
      state.set(item.id, 'visiting')
      positions.set(item.id, path.length)
      path.push({ item, deps: dependenciesOf(item), at: 0 })
    }
    open(root)
    while (path.length > 0) {
      const frame = path[path.length - 1] as (typeof path)[number]
      const dep = frame.deps[frame.at]
      if (dep === undefined) {
        state.set(frame.item.id, 'done')
        positions.delete(frame.item.id)
        path.pop()
        continue
      }
      frame.at++
      const next = byId.get(dep)
      if (!next) continue
      if (state.get(dep) === 'visiting') {
        const first = path[positions.get(dep) ?? 0]?.item
        if (first && !reported.has(first.id)) {
          const cycle = path.slice(positions.get(dep)).map((p) => p.item)
          for (const c of cycle) reported.add(c.id)
          context.problems.error(
            frame.item.line,
            1,
            `checks wait for each other in a circle: ${[...cycle.map((c) => c.id), dep].join(' → ')}`,
            'remove one of these needs:',
          )
        }
      } else if (!state.has(dep)) open(next)
    }
  }
}

function closestKind(kind: string): string | null {
  const lower = kind.toLowerCase()
  const keys = [...CHECK_KINDS.keys()]
  return (
    keys.find((k) => k === lower) ??
    keys.find((k) => k.startsWith(lower) || lower.startsWith(k) || k.endsWith(`.${lower}`)) ??
    null
  )
}

/**
 * What to write for an id no item has: give one the id, naming the item whose
 * generated id ends with it. Indexed once, so thousands of unknown ids cost no
 * more than the items.
 */
function idSuggester(byId: ReadonlyMap<string, Item>): (id: string) => string {
  let byTail: Map<string, Item> | null = null
  return (id) => {
    if (!byTail) {
      byTail = new Map()
      for (const item of byId.values()) {
        const segments = item.id.split('/')
        // Every tail of the path: `a/b/c` ends with `c`, `b/c` and `a/b/c`.
        for (let i = segments.length - 1; i >= 1; i--) {
          const tail = segments.slice(i).join('/')
          if (!byTail.has(tail)) byTail.set(tail, item)
        }
      }
    }
    const match = byTail.get(id)
    return match
      ? `give the item on line ${match.line} an id: <!-- id: ${id} -->`
      : `give the item to wait for an id: <!-- id: ${id} -->`
  }
}
