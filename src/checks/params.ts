/**
 * Parameter types for check directives. Every value arrives as the string the
 * checklist wrote (after `${…}` resolution); these schemas validate it and turn
 * it into what the check needs, with messages an operator can act on.
 */
import semver from 'semver'
import * as z from 'zod'
import { parseDuration } from '../duration.ts'

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
export const list = <T>(item: z.ZodType<T, string>) =>
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

export const regex = () =>
  z.string().transform((v, ctx) => {
    try {
      return new RegExp(v)
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        message: `not a valid regular expression: ${(error as Error).message}`,
      })
      return z.NEVER
    }
  })

export const semverRange = () =>
  z
    .string()
    .refine(
      (v) => semver.validRange(v, { loose: true }) !== null,
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
  return written !== undefined && bool().safeParse(written).data !== false
}
