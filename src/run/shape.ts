/**
 * The shapes of what the run files hold (store.ts, run-index.ts), checked as a
 * file is read and before an entry is written, so nothing is written that could
 * not be read back. A value fits a shape when every field the shape names is
 * there and of its kind; fields it does not name are let through (a newer
 * version's, kept as they are). The rules are zod's for the same schemas, which
 * the store used before: a number is finite, a record is a plain object, an
 * optional field may be missing or undefined, a nullable one null.
 *
 * Our own few lines rather than zod's mini build: the wizard opens or creates a
 * run before its first frame, and zod cost ~8 ms of CPU to load there.
 */

/** Checks a value; says where and what was expected when it does not fit, else undefined. */
export type Shape = (value: unknown, at: string) => string | undefined

/** The first way `value` does not fit `shape`, or undefined when it fits. */
export function misfit(shape: Shape, value: unknown): string | undefined {
  return shape(value, '')
}

const expected = (at: string, what: string) => `${at || 'the value'}: expected ${what}`

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

export const string: Shape = (value, at) =>
  typeof value === 'string' ? undefined : expected(at, 'a string')

/** A finite number: NaN and the infinities would be written as null. */
export const number: Shape = (value, at) =>
  typeof value === 'number' && Number.isFinite(value) ? undefined : expected(at, 'a number')

export const boolean: Shape = (value, at) =>
  typeof value === 'boolean' ? undefined : expected(at, 'true or false')

export const unknown: Shape = () => undefined

/** One of these values (a literal when there is one). */
export function oneOf(values: readonly (string | boolean)[]): Shape {
  return (value, at) =>
    values.includes(value as string | boolean)
      ? undefined
      : expected(at, values.map((v) => JSON.stringify(v)).join(' or '))
}

export function optional(shape: Shape): Shape {
  return (value, at) => (value === undefined ? undefined : shape(value, at))
}

export function nullable(shape: Shape): Shape {
  return (value, at) => (value === null ? undefined : shape(value, at))
}

export function array(shape: Shape): Shape {
  return (value, at) => {
    if (!Array.isArray(value)) return expected(at, 'a list')
    for (let i = 0; i < value.length; i++) {
      const problem = shape(value[i], `${at}[${i}]`)
      if (problem) return problem
    }
    return undefined
  }
}

/** An object whose every value fits `shape`, whatever its keys. */
export function record(shape: Shape): Shape {
  return (value, at) => {
    const proto = isObject(value) ? Object.getPrototypeOf(value) : undefined
    if (proto !== Object.prototype && proto !== null) return expected(at, 'an object')
    const fields = value as Record<string, unknown>
    for (const key of Object.keys(fields)) {
      const problem = shape(fields[key], `${at}.${key}`)
      if (problem) return problem
    }
    return undefined
  }
}

export type Fields = Readonly<Record<string, Shape>>

export function object(fields: Fields): Shape {
  const names = Object.keys(fields)
  return (value, at) => {
    if (!isObject(value)) return expected(at, 'an object')
    for (const name of names) {
      const problem = fields[name]?.(value[name], `${at}.${name}`)
      if (problem) return problem
    }
    return undefined
  }
}

/** An object of one of several kinds, told apart by the value of its `key` field (`type`). */
export function variants(key: string, kinds: Readonly<Record<string, Fields>>): Shape {
  const shapes = new Map(Object.entries(kinds).map(([kind, fields]) => [kind, object(fields)]))
  return (value, at) => {
    if (!isObject(value)) return expected(at, 'an object')
    const shape = typeof value[key] === 'string' ? shapes.get(value[key]) : undefined
    if (!shape) return expected(`${at}.${key}`, `one of ${[...shapes.keys()].join(', ')}`)
    return shape(value, at)
  }
}
