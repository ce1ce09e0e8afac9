/** Progress bars: failed and skipped items keep cells of their own colour, and words of their own. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { progressWords } from '../../src/run/describe.ts'
import { barParts } from '../../src/ui/theme.ts'

describe('a progress bar', () => {
  it('full with one of five failed is not all green: the failure has its red cells', () => {
    const parts = barParts({ answered: 5, total: 5, failed: 1, skipped: 0 }, 10)
    assert.deepEqual(
      parts.map((part) => [part.color, part.cells.length]),
      [
        ['green', 8],
        ['red', 2],
      ],
    )
  })

  it('one failure among 40 still gets a cell; skipped are yellow; the rest is open', () => {
    const parts = barParts({ answered: 20, total: 40, failed: 1, skipped: 1 }, 10)
    assert.deepEqual(
      parts.map((part) => [part.color, part.cells]),
      [
        ['green', '███'],
        ['yellow', '█'],
        ['red', '█'],
        [undefined, '░░░░░'],
      ],
    )
  })

  it('says failed and skipped in words, which read without colour', () => {
    assert.equal(progressWords({ answered: 5, total: 5, failed: 1, skipped: 0 }), '5/5 · 1 failed')
    assert.equal(progressWords({ answered: 3, total: 5, failed: 0, skipped: 0 }), '3/5')
    assert.equal(
      progressWords({ answered: 19, total: 19, failed: 3, skipped: 2 }, true),
      '19/19 ✘3 »2',
    )
  })
})
