/**
 * Which environments a section or an item applies to.
 *
 * Besides the explicit `only:` directive, checklists say it in words: headings
 * such as "Production Environment", "Staging Deployment" or "Deploy em PROD", and
 * items ending in "(production only)". Those words are matched against each
 * environment's aliases; front matter can change the aliases or turn inference off.
 */
import type { Scope } from './model.ts'

export const DEFAULT_ENVIRONMENTS = ['dev', 'staging', 'prod'] as const

export const DEFAULT_ALIASES: Readonly<Record<string, readonly string[]>> = {
  dev: ['dev', 'development', 'desenvolvimento'],
  staging: ['staging', 'homologação', 'homologacao', 'hml'],
  prod: ['prod', 'production', 'produção', 'producao', 'prd'],
}

/** Words that make a parenthesised environment name a restriction: "(staging only)". */
const ONLY_WORDS = /(?<![\p{L}\p{N}])(only|apenas|somente|solo|nur)(?![\p{L}\p{N}])/iu

export const ALL: Scope = { environments: null, reason: null }

export interface Aliases {
  /** Environments named in `text`, each at most once, in the checklist's order. */
  named(text: string): string[]
}

export function buildAliases(
  environments: readonly string[],
  overrides: Readonly<Record<string, readonly string[]>> = {},
): Aliases {
  // A hyphen before the word disqualifies it: "Pre-Production" names a moment, not an environment.
  const patterns = environments.map((env) => {
    const words = overrides[env] ?? DEFAULT_ALIASES[env] ?? [env]
    const alternatives = [env, ...words].map(escapeRegExp).join('|')
    return {
      env,
      pattern: new RegExp(`(?<![\\p{L}\\p{N}-])(?:${alternatives})(?![\\p{L}\\p{N}])`, 'iu'),
    }
  })
  return {
    named: (text) => patterns.filter((p) => p.pattern.test(text)).map((p) => p.env),
  }
}

/** The environments a heading names, or `null` when it names none. */
export function scopeFromHeading(title: string, aliases: Aliases): string[] | null {
  const named = aliases.named(title)
  return named.length > 0 ? named : null
}

/** The environments an item restricts itself to with "(… only)", or `null`. */
export function scopeFromItemText(text: string, aliases: Aliases): string[] | null {
  for (const match of text.matchAll(/\(([^()]*)\)/g)) {
    const inside = match[1] ?? ''
    if (!ONLY_WORDS.test(inside)) continue
    const named = aliases.named(inside)
    if (named.length > 0) return named
  }
  return null
}

/** The scope that satisfies both: the inner restriction within the outer one. */
export function intersect(outer: Scope, inner: Scope): Scope {
  if (inner.environments === null) return outer
  if (outer.environments === null) return inner
  // "Pre-Production Checklist" inside "Production Deployment" narrows nothing.
  if (outer.environments.every((e) => inner.environments?.includes(e))) return outer
  const environments = inner.environments.filter((e) => outer.environments?.includes(e))
  return { environments, reason: `${inner.reason}, within ${outer.reason}` }
}

/** "staging only (section "Staging Deployment", line 205)" */
export function describeScope(scope: Scope): string {
  if (scope.environments === null) return 'all environments'
  const which =
    scope.environments.length === 0 ? 'no environment' : `${scope.environments.join(', ')} only`
  return scope.reason ? `${which} (${scope.reason})` : which
}

export function isInScope(scope: Scope, environment: string): boolean {
  return scope.environments === null || scope.environments.includes(environment)
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
