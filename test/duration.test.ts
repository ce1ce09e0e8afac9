import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { formatDuration, formatLimit, formatMoment, parseDuration } from '../src/duration.ts'

describe('formatDuration: how long something took', () => {
  it('reads milliseconds under a second, tenths under a minute, then minutes and seconds', () => {
    const shown = [0, 4, 45.4, 999, 1000, 3340, 14_250, 59_900, 65_000, 754_000].map(formatDuration)
    assert.deepEqual(shown, [
      '0ms',
      '4ms',
      '45ms',
      '999ms',
      '1.0s',
      '3.3s',
      '14.3s',
      '59.9s',
      '1m5s',
      '12m34s',
    ])
  })

  it('rounds once, at the precision it shows, so no unit ever overflows', () => {
    // Rounded piece by piece these read 1000ms, 60.0s and 1m60s.
    assert.equal(formatDuration(999.7), '1.0s')
    assert.equal(formatDuration(59_960), '1m0s')
    assert.equal(formatDuration(119_600), '2m0s')
  })

  it('never reads below zero, when a clock steps back between two readings', () => {
    assert.equal(formatDuration(-3), '0ms')
  })
})

describe('formatLimit: a time limit', () => {
  it('reads in the units an operator writes one', () => {
    const shown = [
      200, 1500, 30_000, 90_000, 600_000, 1_200_000, 3_600_000, 5_430_000, 86_400_000, 604_800_000,
    ].map(formatLimit)
    assert.deepEqual(shown, [
      '200ms',
      '1.5s',
      '30s',
      '1m30s',
      '10m',
      '20m',
      '1h',
      '1h30m30s',
      '24h',
      '7d',
    ])
  })

  it('is read back by parseDuration as the same limit', () => {
    for (const ms of [
      200, 1050, 1500, 30_000, 90_000, 600_000, 3_600_000, 5_430_000, 61_001, 90_000_000,
    ]) {
      assert.equal(parseDuration(formatLimit(ms)), ms, formatLimit(ms))
    }
  })
})

describe('parseDuration: a limit someone wrote', () => {
  it('reads one unit, several largest first, and a bare number as seconds', () => {
    const read = [
      '500ms',
      '30s',
      '1.5s',
      '5m',
      '1h',
      '1m30s',
      '1h30m',
      '2m500ms',
      '45',
      '7d',
      '1d12h',
    ]
    assert.deepEqual(
      read.map(parseDuration),
      [
        500, 30_000, 1500, 300_000, 3_600_000, 90_000, 5_400_000, 120_500, 45_000, 604_800_000,
        129_600_000,
      ],
    )
  })

  it('refuses what is not a positive duration', () => {
    for (const text of [
      '',
      '0',
      '0s',
      '0.0004',
      '0.4ms',
      'soon',
      '5 m',
      '30s1m',
      '1m1m',
      'm',
      '-5s',
      '1h1d',
    ]) {
      assert.equal(parseDuration(text), null, text)
    }
  })
})

describe('formatMoment', () => {
  it('says when something happened to the minute, in UTC, from a Date or an ISO timestamp', () => {
    assert.equal(formatMoment('2026-12-04T14:03:59.999Z'), '2026-12-04 14:03 UTC')
    assert.equal(formatMoment('2026-12-04T16:03:00+02:00'), '2026-12-04 14:03 UTC')
    assert.equal(formatMoment(new Date(Date.UTC(2025, 2, 14, 9, 5))), '2025-03-14 09:05 UTC')
  })

  it('shows a timestamp that is not a date as written', () => {
    assert.equal(formatMoment('yesterday'), 'yesterday')
  })
})
