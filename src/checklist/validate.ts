/**
 * Checks that need the whole checklist: `needs:` names real checks without a
 * cycle, every check kind exists, its parameters fit the kind's schema, and every
 * `${…}` reference can be resolved — in each environment the item applies to.
 */
import * as z from 'zod'
import { CHECK_KINDS } from '../checks/registry.ts'
import { scanShell } from '../checks/shell-scan.ts'
import type { VarPositions } from './front-matter.ts'
import type { Checklist, Item } from './model.ts'
import type { LineIndex, Problems } from './problems.ts'
import { describeScope, isInScope } from './scope.ts'
import {
  describeReference,
  parseTemplate,
  type TemplatePart,
  TemplateSyntaxError,
  varsFor,
} from './variables.ts'

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

type Analysis =
  | { readonly kind: 'static'; readonly value: string }
  | { readonly kind: 'dynamic' }
  | { readonly kind: 'invalid' }

export function validateChecklist(checklist: Checklist, context: ValidationContext): void {
  const { problems, lines } = context
  const byId = new Map(checklist.items.map((item) => [item.id, item]))
  const at = (offset: number | undefined, fallback: Item) =>
    offset === undefined ? { line: fallback.line, column: 1 } : lines.position(offset)

  validateVars(checklist, context)

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
        problems.error(
          line,
          column,
          `needs '${need}', but no item has that id`,
          suggestId(need, byId),
        )
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
    validateCheck(checklist, item, offsets, byId, context)
    validateDependencyScopes(checklist, item, offsets, byId, context)
  }
  validateNoCycles(checklist, byId, context)
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
            suggestId(part.ref.itemId, byId),
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
  }
  for (const [key, field] of Object.entries(shape)) {
    if (!(key in check.params) && !z.safeParse(field, undefined).success) {
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
    const values: Record<string, string> = {}
    let isStatic = true
    for (const [key, parts] of parsed) {
      const result = analyse(parts, checklist, environment, new Set())
      const where = paramAt(key)
      if (result.kind === 'invalid') {
        for (const name of undefinedVars(parts, checklist, environment)) {
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
      const outcome = fieldSchema ? z.safeParse(fieldSchema, result.value) : null
      if (outcome && !outcome.success) {
        const message = outcome.error?.issues[0]?.message ?? 'invalid value'
        // Name the environment only when the value differs between environments.
        const isSameEverywhere = environments.every((e) => {
          const other = analyse(parts, checklist, e, new Set())
          return other.kind === 'static' && other.value === result.value
        })
        const template = check.params[key] ?? ''
        const shown =
          result.value === template
            ? `'${result.value}'`
            : `${template} = '${result.value}'${isSameEverywhere ? '' : ` for ${environment}`}`
        problems.error(where.line, where.column, `${check.kind} ${key}=${shown}: ${message}`)
      }
    }
    if (isStatic && Object.keys(values).length === Object.keys(check.params).length) {
      const outcome = kind.params.safeParse(values)
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

/** Whether a template can be resolved now, only at run time, or not at all. */
function analyse(
  parts: readonly TemplatePart[],
  checklist: Checklist,
  environment: string,
  seen: Set<string>,
): Analysis {
  let value = ''
  let isDynamic = false
  for (const part of parts) {
    if (part.type === 'text') {
      value += part.text
      continue
    }
    const ref = part.ref
    if (ref.type === 'environment') value += environment
    else if (ref.type === 'process-env' || ref.type === 'output') isDynamic = true
    else {
      const template = varsFor(checklist.frontMatter, environment)[ref.name]
      if (template === undefined || seen.has(ref.name)) {
        if (part.fallback === null) return { kind: 'invalid' }
        value += part.fallback
        continue
      }
      let inner: Analysis
      try {
        inner = analyse(
          parseTemplate(template),
          checklist,
          environment,
          new Set([...seen, ref.name]),
        )
      } catch {
        return { kind: 'invalid' }
      }
      if (inner.kind === 'invalid') return inner
      if (inner.kind === 'dynamic') isDynamic = true
      else value += inner.value
    }
  }
  return isDynamic ? { kind: 'dynamic' } : { kind: 'static', value }
}

/** The var names a template uses, directly or through other vars, that have no value. */
function undefinedVars(
  parts: readonly TemplatePart[],
  checklist: Checklist,
  environment: string,
): string[] {
  const vars = varsFor(checklist.frontMatter, environment)
  const missing = new Set<string>()
  const visit = (list: readonly TemplatePart[], seen: Set<string>) => {
    for (const part of list) {
      if (part.type !== 'ref' || part.ref.type !== 'var' || part.fallback !== null) continue
      const template = vars[part.ref.name]
      if (template === undefined) missing.add(part.ref.name)
      else if (!seen.has(part.ref.name)) {
        try {
          visit(parseTemplate(template), new Set([...seen, part.ref.name]))
        } catch {
          // reported where the var is defined
        }
      }
    }
  }
  visit(parts, new Set())
  return [...missing]
}

/** Vars must parse, name only defined vars, and not refer to themselves. */
function validateVars(checklist: Checklist, context: ValidationContext): void {
  const { problems } = context
  for (const environment of checklist.environments) {
    const vars = varsFor(checklist.frontMatter, environment)
    for (const [name, template] of Object.entries(vars)) {
      const where = context.vars.get(`${environment}.${name}`) ??
        context.vars.get(name) ?? { line: 1, column: 1 }
      let parts: TemplatePart[]
      try {
        parts = parseTemplate(template)
      } catch (error) {
        if (!(error instanceof TemplateSyntaxError)) throw error
        problems.error(where.line, where.column, `var '${name}': ${error.message}`)
        continue
      }
      if (refersToItself(name, parts, vars, new Set([name]))) {
        problems.error(
          where.line,
          where.column,
          `var '${name}' refers to itself`,
          'a var may use other vars, but not in a circle',
        )
        continue
      }
      for (const part of parts) {
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
    }
  }
}

function refersToItself(
  name: string,
  parts: readonly TemplatePart[],
  vars: Readonly<Record<string, string>>,
  path: Set<string>,
): boolean {
  for (const part of parts) {
    if (part.type !== 'ref' || part.ref.type !== 'var') continue
    if (part.ref.name === name) return true
    const template = vars[part.ref.name]
    if (template === undefined || path.has(part.ref.name)) continue
    try {
      if (refersToItself(name, parseTemplate(template), vars, new Set([...path, part.ref.name])))
        return true
    } catch {
      // a var that does not parse is reported on its own
    }
  }
  return false
}

/** Checks wait for what they need, and for the items whose outputs they use. */
export function dependenciesOf(item: Item): string[] {
  const deps = new Set(item.needs)
  for (const template of Object.values(item.check?.params ?? {})) {
    try {
      for (const part of parseTemplate(template)) {
        if (part.type === 'ref' && part.ref.type === 'output') deps.add(part.ref.itemId)
      }
    } catch {
      // reported by validateCheck
    }
  }
  deps.delete(item.id)
  return [...deps]
}

function validateNoCycles(
  checklist: Checklist,
  byId: ReadonlyMap<string, Item>,
  context: ValidationContext,
): void {
  const state = new Map<string, 'visiting' | 'done'>()
  const reported = new Set<string>()
  const visit = (item: Item, path: Item[]): void => {
    state.set(item.id, 'visiting')
    for (const dep of dependenciesOf(item)) {
      const next = byId.get(dep)
      if (!next) continue
      if (state.get(dep) === 'visiting') {
        const cycle = [...path.slice(path.findIndex((p) => p.id === dep)), item]
        const first = cycle[0]
        if (first && !reported.has(first.id)) {
          for (const c of cycle) reported.add(c.id)
          context.problems.error(
            item.line,
            1,
            `checks wait for each other in a circle: ${[...cycle.map((c) => c.id), dep].join(' → ')}`,
            'remove one of these needs:',
          )
        }
      } else if (!state.has(dep)) visit(next, [...path, item])
    }
    state.set(item.id, 'done')
  }
  for (const item of checklist.items) if (!state.has(item.id)) visit(item, [])
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

function suggestId(id: string, byId: ReadonlyMap<string, Item>): string {
  const match = [...byId.values()].find((item) => item.id.endsWith(`/${id}`))
  return match
    ? `give the item on line ${match.line} an id: <!-- id: ${id} -->`
    : `give the item to wait for an id: <!-- id: ${id} -->`
}
