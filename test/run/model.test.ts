/**
 * The journal fold: `foldJournal` updates the item table in place for speed
 * (a long run opens in linear time), so it must give exactly the state the
 * pure `reduceRun`, entry by entry, gives — checked on random journals.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import {
  foldJournal,
  initialRunState,
  type JournalEntry,
  RUN_FORMAT,
  type RunHeader,
  reduceRun,
} from '../../src/run/model.ts'

const header: RunHeader = {
  format: RUN_FORMAT,
  id: 'dev-20261122-a7c3',
  checklist: { path: '/srv/checklist.md', title: 'Release' },
  environment: 'dev',
  operator: 'ana',
  host: 'laptop',
  startedAt: '2026-11-22T09:00:00.000Z',
  toolVersion: '0.1.0',
}

const itemId = fc.constantFrom('a', 'b', 'c', 'd')
const at = fc
  .integer({ min: 0, max: 10_000 })
  .map((s) => new Date(Date.parse('2026-11-22T09:00:00Z') + s * 1000).toISOString())
const by = fc.constantFrom('ana', 'bo')

const entry: fc.Arbitrary<JournalEntry> = fc.oneof(
  fc.record({
    type: fc.constant('item-answered' as const),
    at,
    by,
    itemId,
    state: fc.constantFrom('pending', 'done', 'failed', 'skipped', 'na'),
    note: fc.option(fc.string(), { nil: undefined }),
  }),
  fc.record({ type: fc.constant('note-added' as const), at, by, itemId, note: fc.string() }),
  fc.record({
    type: fc.constant('check-finished' as const),
    at,
    itemId,
    result: fc.record({
      status: fc.constantFrom('pass', 'fail', 'error'),
      summary: fc.string(),
      details: fc.array(fc.string(), { maxLength: 2 }),
      evidence: fc.constant({}),
      outputs: fc.constant({}),
      durationMs: fc.nat(),
      at,
    }),
  }),
  fc.record({
    type: fc.constant('signoff-entered' as const),
    at,
    by,
    fieldId: fc.constantFrom('deployed-by', 'date'),
    value: fc.string(),
  }),
  fc.record({
    type: fc.constant('resumed' as const),
    at,
    by,
    sha256: fc.constant('0'.repeat(64)),
    items: fc.constant([]),
    changes: fc.record({
      added: fc.constant([]),
      removed: fc.constant([]),
      reworded: fc.array(fc.record({ from: itemId, to: itemId }), { maxLength: 2 }),
    }),
  }),
  fc.record({
    type: fc.constant('scope-overridden' as const),
    at,
    by,
    itemId,
    applies: fc.boolean(),
  }),
  fc.record({ type: fc.constant('finished' as const), at, by }),
) as fc.Arbitrary<JournalEntry>

describe('foldJournal', () => {
  it('gives the same state as reduceRun entry by entry, on any journal', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 40 }), (journal) => {
        assert.deepEqual(
          foldJournal(header, journal),
          journal.reduce(reduceRun, initialRunState(header)),
        )
      }),
      { numRuns: 300 },
    )
  })
})

describe('a scope override', () => {
  const overridden = (id: string, applies: boolean, when = '2026-11-22T09:05:00.000Z') =>
    ({ type: 'scope-overridden', at: when, by: 'ana', itemId: id, applies }) as const

  it('is kept with who said it and when, until it is taken back', () => {
    const said = foldJournal(header, [overridden('a', true)])
    assert.deepEqual(said.overrides, { a: { by: 'ana', at: '2026-11-22T09:05:00.000Z' } })
    assert.deepEqual(
      foldJournal(header, [overridden('a', true), overridden('a', false)]).overrides,
      {},
    )
  })

  it('follows a reworded item to its new id, as its answer does', () => {
    const state = foldJournal(header, [
      overridden('a', true),
      {
        type: 'resumed',
        at: '2026-11-22T10:00:00.000Z',
        by: 'ana',
        sha256: '0'.repeat(64),
        items: [],
        changes: { added: [], removed: [], reworded: [{ from: 'a', to: 'a2' }] },
      },
    ])
    assert.deepEqual(state.overrides.a2, { by: 'ana', at: '2026-11-22T09:05:00.000Z' })
  })
})

describe('team entries', () => {
  const approval = (by: string, at: string) =>
    ({
      type: 'approval-recorded',
      at,
      by,
      gate: 'Change board',
      arn: `arn:aws:iam::111111111111:user/${by}`,
      account: '111111111111',
    }) as const

  it('an approval is kept under its gate, and the first approval of a gate is the one that counts', () => {
    const state = foldJournal(header, [
      approval('cleo', '2026-11-22T09:10:00.000Z'),
      approval('dan', '2026-11-22T09:11:00.000Z'),
    ])
    assert.deepEqual(state.approvals, {
      'Change board': {
        by: 'cleo',
        at: '2026-11-22T09:10:00.000Z',
        arn: 'arn:aws:iam::111111111111:user/cleo',
        account: '111111111111',
      },
    })
  })

  it('a take-over is kept as a hand-over from the old driver to the new, in order', () => {
    const state = foldJournal(header, [
      {
        type: 'lease-taken-over',
        at: '2026-11-22T09:20:00.000Z',
        by: 'bo',
        host: 'desk-2',
        arn: 'arn:aws:iam::111111111111:user/bo',
        reason: 'expired',
        from: {
          holder: 'ana',
          host: 'laptop',
          arn: 'arn:aws:iam::111111111111:user/ana',
          lastSeen: '2026-11-22T09:12:00.000Z',
        },
      },
    ])
    assert.equal(state.handovers?.length, 1)
    assert.equal(state.handovers?.[0]?.to.holder, 'bo')
    assert.equal(state.handovers?.[0]?.from.holder, 'ana')
    assert.equal(state.lastActivityAt, '2026-11-22T09:20:00.000Z')
  })
})
