/**
 * The run files' shapes (src/run/shape.ts) follow zod's rules for the same
 * schemas, which the store used before: each one is held against its zod
 * counterpart on arbitrary values, so a run file zod accepted is still read, and
 * what zod refused to write is still refused.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import * as z from 'zod/mini'
import {
  array,
  boolean,
  misfit,
  nullable,
  number,
  object,
  oneOf,
  optional,
  record,
  type Shape,
  string,
  unknown,
  variants,
} from '../../src/run/shape.ts'

/** Values as JSON gives them, and the few a bug could hand the writer (NaN, undefined). */
const values = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, undefined, -0),
  fc.dictionary(fc.constantFrom('a', 'b', 'type', 'c'), fc.jsonValue()),
  fc.record(
    {
      type: fc.constantFrom('one', 'two', 'three', 7),
      a: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
      b: fc.oneof(fc.constant(undefined), fc.double(), fc.array(fc.string())),
    },
    { requiredKeys: [] },
  ),
)

const PAIRS: readonly [string, Shape, z.ZodMiniType][] = [
  ['string', string, z.string()],
  ['number', number, z.number()],
  ['boolean', boolean, z.boolean()],
  ['unknown', unknown, z.unknown()],
  ['oneOf', oneOf(['one', 'two']), z.enum(['one', 'two'])],
  ['a literal', oneOf([true]), z.literal(true)],
  ['optional', optional(string), z.optional(z.string())],
  ['nullable', nullable(number), z.nullable(z.number())],
  ['array', array(string), z.array(z.string())],
  ['record', record(string), z.record(z.string(), z.string())],
  ['record of anything', record(unknown), z.record(z.string(), z.unknown())],
  [
    'object',
    object({ a: string, b: optional(array(string)) }),
    z.object({ a: z.string(), b: z.optional(z.array(z.string())) }),
  ],
  [
    'variants',
    variants('type', { one: { a: string }, two: { a: nullable(string), b: optional(number) } }),
    z.discriminatedUnion('type', [
      z.object({ type: z.literal('one'), a: z.string() }),
      z.object({ type: z.literal('two'), a: z.nullable(z.string()), b: z.optional(z.number()) }),
    ]),
  ],
]

describe('run file shapes', () => {
  for (const [name, shape, schema] of PAIRS) {
    it(`${name} accepts exactly what zod accepts`, () => {
      fc.assert(
        fc.property(values, (value) => {
          // Inside an object too: a field left out is read as undefined there.
          const fits = misfit(shape, value) === undefined
          assert.equal(fits, schema.safeParse(value).success, JSON.stringify(value))
        }),
        { numRuns: 400 },
      )
    })
  }

  it('says where a value does not fit, and what was expected there', () => {
    const entry = object({ items: array(object({ id: string })), durationMs: number })
    assert.equal(
      misfit(entry, { items: [{ id: 'a' }, { id: 3 }], durationMs: 1 }),
      '.items[1].id: expected a string',
    )
    // NaN would be written as null, which could not be read back.
    assert.equal(
      misfit(entry, { items: [], durationMs: Number.NaN }),
      '.durationMs: expected a number',
    )
    assert.equal(misfit(string, 3), 'the value: expected a string')
  })

  it('lets through fields it does not name, as a newer version may write them', () => {
    assert.equal(misfit(object({ a: string }), { a: 'x', later: [1] }), undefined)
  })
})
