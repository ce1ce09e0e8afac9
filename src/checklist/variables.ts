/**
 * `${…}` references in check parameters and front-matter vars.
 *
 *   ${env}                 the environment being deployed (dev, staging, prod…)
 *   ${name}                a front-matter var, after the environment's overrides
 *   ${env:NAME}            the process environment variable NAME
 *   ${id.outputs.Key}      output Key of the check on item `id` (a stack's outputs)
 *   ${ref:-fallback}       fallback text when the reference has no value
 *   $${                    a literal "${"
 *
 * Templates are parsed once into parts; resolving them is a separate, pure step,
 * so the check runner can resolve outputs just before a check runs and escape
 * what it interpolates into a shell command.
 */
import type { FrontMatter } from './model.ts'

export type Reference =
  | { readonly type: 'environment' }
  | { readonly type: 'var'; readonly name: string }
  | { readonly type: 'process-env'; readonly name: string }
  | { readonly type: 'output'; readonly itemId: string; readonly key: string }

export type TemplatePart =
  | { readonly type: 'text'; readonly text: string }
  | {
      readonly type: 'ref'
      readonly ref: Reference
      readonly fallback: string | null
      /** The reference as written, `${…}` included. */
      readonly source: string
      /** Offset of `${` in the template. */
      readonly offset: number
    }

/**
 * How far vars may expand. A var whose value is longer, or that uses a chain of
 * vars deeper, is an error in `validate` and has no value in a run: 21 vars that
 * each double the one before would otherwise make a value of 2 MB, and a few
 * more, one of gigabytes. Real vars are a few words and two or three levels.
 */
export const VAR_LIMITS = {
  /** Characters in one expanded value. */
  length: 64 * 1024,
  /** Vars in a chain, each using the next. */
  depth: 32,
} as const

export class TemplateSyntaxError extends Error {
  override readonly name = 'TemplateSyntaxError'
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message)
  }
}

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/
const PROCESS_ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
const OUTPUT = /^([A-Za-z0-9][A-Za-z0-9._-]*?)\.outputs\.([A-Za-z0-9_.:-]+)$/

/** Splits a template into literal text and references; throws `TemplateSyntaxError`. */
export function parseTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = []
  let text = ''
  let i = 0
  while (i < template.length) {
    if (template.startsWith('$${', i)) {
      text += '${'
      i += 3
      continue
    }
    if (!template.startsWith('${', i)) {
      text += template[i]
      i++
      continue
    }
    const close = template.indexOf('}', i + 2)
    if (close < 0) throw new TemplateSyntaxError(`unclosed '\${' (add a '}')`, i)
    const inner = template.slice(i + 2, close)
    if (text) parts.push({ type: 'text', text })
    text = ''
    const split = inner.indexOf(':-')
    const body = (split >= 0 ? inner.slice(0, split) : inner).trim()
    const fallback = split >= 0 ? inner.slice(split + 2) : null
    parts.push({
      type: 'ref',
      ref: parseReference(body, i),
      fallback,
      source: template.slice(i, close + 1),
      offset: i,
    })
    i = close + 1
  }
  if (text) parts.push({ type: 'text', text })
  return parts
}

function parseReference(body: string, offset: number): Reference {
  if (body === 'env') return { type: 'environment' }
  if (body.startsWith('env:')) {
    const name = body.slice(4)
    if (!PROCESS_ENV_NAME.test(name))
      throw new TemplateSyntaxError(`'${name}' is not an environment variable name`, offset)
    return { type: 'process-env', name }
  }
  const output = OUTPUT.exec(body)
  if (output?.[1] && output[2]) return { type: 'output', itemId: output[1], key: output[2] }
  if (NAME.test(body)) return { type: 'var', name: body }
  throw new TemplateSyntaxError(
    body ? `'\${${body}}' is not a reference this tool knows` : `empty '\${}'`,
    offset,
  )
}

/** True when the template has no references at all. */
export function isLiteral(parts: readonly TemplatePart[]): boolean {
  return parts.every((p) => p.type === 'text')
}

/** What a reference resolves to: a value, or `undefined` when it has none (yet). */
export type Lookup = (ref: Reference) => string | undefined

export interface Resolved {
  readonly value: string
  /** References that had no value and no fallback. */
  readonly missing: readonly (TemplatePart & { type: 'ref' })[]
}

/**
 * Substitutes every reference. `escapeValue` is applied to substituted values only,
 * never to the literal text around them (used to shell-quote into commands).
 */
export function resolveTemplate(
  parts: readonly TemplatePart[],
  lookup: Lookup,
  escapeValue: (value: string) => string = (v) => v,
): Resolved {
  let value = ''
  const missing: (TemplatePart & { type: 'ref' })[] = []
  for (const part of parts) {
    if (part.type === 'text') {
      value += part.text
      continue
    }
    const found = lookup(part.ref) ?? part.fallback ?? undefined
    if (found === undefined) missing.push(part)
    else value += escapeValue(found)
  }
  return { value, missing }
}

/** How a reference reads in a message: `${name}`. */
export function describeReference(ref: Reference): string {
  switch (ref.type) {
    case 'environment':
      return '${env}'
    case 'var':
      return `\${${ref.name}}`
    case 'process-env':
      return `\${env:${ref.name}}`
    case 'output':
      return `\${${ref.itemId}.outputs.${ref.key}}`
  }
}

/** Front-matter vars for one environment: the base vars with that environment's overrides. */
export function varsFor(
  frontMatter: Pick<FrontMatter, 'vars' | 'env' | 'accounts'>,
  environment: string,
): Record<string, string> {
  // An environment's account may name the region and profile its AWS checks use; its own
  // `env:` overrides still win.
  const account = frontMatter.accounts?.[environment]
  return {
    ...frontMatter.vars,
    ...(account?.region ? { region: account.region } : {}),
    ...(account?.profile ? { profile: account.profile } : {}),
    ...frontMatter.env?.[environment],
  }
}

export interface LookupSources {
  readonly environment: string
  /** Var templates for the environment (see `varsFor`). */
  readonly vars: Readonly<Record<string, string>>
  readonly processEnv: Readonly<Record<string, string | undefined>>
  /** Outputs captured from checks that already ran. */
  readonly output: (itemId: string, key: string) => string | undefined
}

/**
 * A `Lookup` over the real sources. Vars are templates themselves and are
 * resolved on demand, each once per lookup; a var that refers to itself,
 * directly or not, or that goes past `VAR_LIMITS`, has no value. (`validate`
 * refuses such vars: these guards keep a run bounded all the same.)
 */
export function createLookup(sources: LookupSources): Lookup {
  const resolving = new Set<string>()
  const resolved = new Map<string, string | undefined>()
  /** How deep each resolved var's chain goes, so a remembered var still counts its depth. */
  const heights = new Map<string, number>()
  /** Cycles and depth cuts met so far: an answer that met one depends on the way in. */
  let cuts = 0
  /** The var being resolved goes past the depth limit: it has no value, whatever else it uses. */
  let isTooDeep = false
  const resolveVar = (name: string): string | undefined => {
    if (resolved.has(name)) return resolved.get(name)
    const template = sources.vars[name]
    if (template === undefined) return undefined
    if (isTooDeep) return undefined
    if (resolving.has(name) || resolving.size >= VAR_LIMITS.depth) {
      cuts++
      isTooDeep = resolving.size >= VAR_LIMITS.depth
      return undefined
    }
    const cutsBefore = cuts
    resolving.add(name)
    let value: string | undefined
    try {
      const parts = parseTemplate(template)
      const result = resolveTemplate(parts, lookup)
      let height = 1
      for (const part of parts) {
        if (part.type === 'ref' && part.ref.type === 'var')
          height = Math.max(height, (heights.get(part.ref.name) ?? 0) + 1)
      }
      heights.set(name, height)
      if (
        result.missing.length === 0 &&
        result.value.length <= VAR_LIMITS.length &&
        height <= VAR_LIMITS.depth
      )
        value = result.value
    } catch {
      value = undefined
    } finally {
      resolving.delete(name)
    }
    if (resolving.size === 0) {
      value = isTooDeep ? undefined : value
      isTooDeep = false
      resolved.set(name, value)
    } else if (cuts === cutsBefore) resolved.set(name, value)
    return value
  }
  const lookup: Lookup = (ref) => {
    switch (ref.type) {
      case 'environment':
        return sources.environment
      case 'process-env':
        return sources.processEnv[ref.name]
      case 'output':
        return sources.output(ref.itemId, ref.key)
      case 'var':
        return resolveVar(ref.name)
    }
  }
  return lookup
}
