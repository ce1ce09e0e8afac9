/**
 * Who drives a team run, in the words `runs` prints: a live lease, one that ran
 * out, one let go on purpose, none at all.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { holderOf } from '../../src/run/team/holder.ts'
import type { LeaseRecord } from '../../src/run/team/lease.ts'

const NOW = new Date('2026-12-04T12:30:00.000Z')

function lease(renewedAt: string, expiresAt: string): LeaseRecord {
  return {
    holder: 'ana',
    host: 'laptop-7',
    arn: 'arn:aws:sts::123456789012:assumed-role/deployer/ana',
    acquiredAt: '2026-12-04T12:00:00.000Z',
    renewedAt,
    expiresAt,
    write: 'w',
  }
}

describe('the holder of a team run', () => {
  it('is its driver while the lease runs, last seen at the last renewal', () => {
    assert.deepEqual(holderOf(lease('2026-12-04T12:28:00.000Z', '2026-12-04T12:31:00.000Z'), NOW), {
      kind: 'driven',
      words: 'driven by ana@laptop-7, last seen 2 min ago',
    })
  })

  it('is no one once the lease ran out, saying since when and who was last seen', () => {
    assert.deepEqual(holderOf(lease('2026-12-04T12:15:00.000Z', '2026-12-04T12:16:00.000Z'), NOW), {
      kind: 'expired',
      words: 'lease expired 14 min ago (ana@laptop-7, last seen 15 min ago)',
    })
  })

  it('is no one once the driver let go, which is not an expiry', () => {
    assert.deepEqual(holderOf(lease('2026-12-04T12:20:00.000Z', '2026-12-04T12:20:00.000Z'), NOW), {
      kind: 'released',
      words: 'not driven (ana@laptop-7 let go 10 min ago)',
    })
  })

  it('is no one when the run never had a lease', () => {
    assert.deepEqual(holderOf(undefined, NOW), { kind: 'none', words: 'not driven' })
  })
})
