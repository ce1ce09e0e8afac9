/**
 * Parameter types for check directives. Every value arrives as the string the
 * checklist wrote (after `${…}` resolution); these schemas validate it and turn
 * it into what the check needs, with messages an operator can act on.
 */
import type * as Zod from 'zod'
import { parseDuration } from '../duration.ts'
import type * as Libraries from './schema-libraries.ts'

let libraries: typeof Libraries | undefined

/**
 * Brings in what the kinds' parameter schemas are built with (schema-libraries.ts).
 * A kind's schema is built the first time its `params` is read, and the libraries are
 * imported only then: the wizard's first frame, which reads a checklist parsed before,
 * needs no schema. Whatever reads a kind's `params` calls this first (a check batch
 * does), or has imported the libraries itself and handed them over (the parser).
 */
export async function loadSchemaLibraries(): Promise<void> {
  libraries ??= await import('./schema-libraries.ts')
}

/** Whether a kind's `params` can be read now, without `loadSchemaLibraries`. */
export function schemaLibrariesLoaded(): boolean {
  return libraries !== undefined
}

/** Hands over the libraries from a module that imports them anyway (the parser): no await. */
export function provideSchemaLibraries(module: typeof Libraries): void {
  libraries ??= module
}

function loaded(): typeof Libraries {
  // Our bug, not the operator's: a path that reads a schema without loading its libraries.
  if (!libraries) throw new Error('a parameter schema was built before loadSchemaLibraries()')
  return libraries
}

/** zod's functions, for building schemas once the libraries are in (see schema-libraries.ts). */
export const z: typeof Libraries.z = new Proxy({} as typeof Libraries.z, {
  get: (_target, key) => loaded().z[key as keyof typeof Libraries.z],
})

const TRUE = ['true', 'yes', 'on', '1']
const FALSE = ['false', 'no', 'off', '0']

export const text = () => z.string().min(1, 'must not be empty')

export const integer = (min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .regex(/^\d+$/, 'expected a whole number')
    .transform(Number)
    .refine((n) => n >= min && n <= max, `expected a number from ${min} to ${max}`)

export const port = () => integer(1, 65535)

export const bool = () =>
  z
    .string()
    .refine((v) => [...TRUE, ...FALSE].includes(v.toLowerCase()), 'expected true or false')
    .transform((v) => TRUE.includes(v.toLowerCase()))

/** A comma-separated list, each element validated by `item`. */
export const list = <T>(item: Zod.ZodType<T, string>) =>
  z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item).min(1, 'expected at least one value'))

/** One of a fixed set of words, case-insensitive; the canonical spelling is kept. */
export const oneOf = <const T extends string>(values: readonly T[]) =>
  z
    .string()
    .transform((v) => values.find((w) => w.toLowerCase() === v.toLowerCase()) ?? v)
    .refine((v): v is T => (values as readonly string[]).includes(v), {
      message: `expected one of: ${values.join(', ')}`,
    })
    .transform((v) => v as T)

/**
 * A regular expression from a checklist (`matches=`, `output=`), matched by
 * RE2 (re2js) rather than JavaScript's backtracking engine: `^(a|a)+$` against
 * thirty `a`s and a `!` froze the wizard for over a minute, keys and Ctrl-C
 * included, since a match cannot be interrupted. RE2 takes time linear in the
 * text, for a pattern of bounded size: no backreferences or lookarounds.
 * JavaScript's `\uXXXX`, `(?<name>…)` and `[^]` are translated; `(?i)` makes a
 * pattern case-insensitive.
 */
export interface Pattern {
  /** The pattern as written. */
  readonly source: string
  /** Whether it matches anywhere in `text`. */
  test(text: string): boolean
  /** `/source/`, as messages show it. */
  toString(): string
}

/**
 * Compiled steps a pattern may take: matching costs up to this much per
 * character in the worst case. Real patterns take under 100: `[0-9a-f]{64}` takes 66.
 */
export const MAX_PATTERN_SIZE = 2_000

const RE2_HINT =
  'patterns use RE2 syntax: no backreferences (\\1) or lookarounds ((?=…), (?<=…)); (?i) ignores case'

export const regex = () =>
  z.string().transform((v, ctx): Pattern => {
    let compiled: InstanceType<typeof Libraries.RE2JS>
    try {
      const { RE2JS } = loaded()
      compiled = RE2JS.compile(RE2JS.translateRegExp(v))
    } catch (error) {
      const reason = (error as Error).message.replace(/^error parsing regexp: /, '')
      ctx.addIssue({
        code: 'custom',
        message: `not a valid regular expression: ${reason} (${RE2_HINT})`,
      })
      return z.NEVER
    }
    if (compiled.programSize() > MAX_PATTERN_SIZE) {
      ctx.addIssue({
        code: 'custom',
        message: `the regular expression is too large: it compiles to ${compiled.programSize()} steps, more than ${MAX_PATTERN_SIZE} (use smaller counts in {n,m})`,
      })
      return z.NEVER
    }
    return { source: v, test: (text) => compiled.test(text), toString: () => `/${v}/` }
  })

export const semverRange = () =>
  z
    .string()
    .refine(
      (v) => loaded().semver.validRange(v, { loose: true }) !== null,
      'expected a semver range such as 20.x or >=3.11',
    )

export const duration = () =>
  z.string().transform((v, ctx) => {
    const ms = parseDuration(v)
    if (ms === null) {
      ctx.addIssue({ code: 'custom', message: 'expected a duration such as 500ms, 30s or 5m' })
      return z.NEVER
    }
    return ms
  })

/** `region` and `profile`, accepted by every AWS kind; default from vars of the same names. */
export const awsTarget = () => ({
  region: text().optional(),
  profile: text().optional(),
})

/**
 * Whether a boolean parameter, as the checklist wrote it, may be true: given,
 * and not plainly false (a `${…}` may turn out true). For `iam(params)`, which
 * sees parameters before their values are known.
 */
export function mayBeTrue(written: string | undefined): boolean {
  // The words, not bool()'s schema: `iam-policy` of a checklist from the parse cache builds none.
  return written !== undefined && !FALSE.includes(written.toLowerCase())
}
