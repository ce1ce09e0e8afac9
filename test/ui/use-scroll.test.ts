/** Scrolling a list read in less room than it needs: where each key leaves the window. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { scrolled } from '../../src/ui/use-scroll.ts'

describe('scrolled', () => {
  // 60 lines in 13 rows: the window's first line goes from 0 to 47.
  const TOTAL = 60
  const HEIGHT = 13

  it('moves a line, and stops at either end', () => {
    assert.equal(scrolled(0, 'down', TOTAL, HEIGHT), 1)
    assert.equal(scrolled(0, 'up', TOTAL, HEIGHT), 0)
    assert.equal(scrolled(47, 'down', TOTAL, HEIGHT), 47)
  })

  it('pages by what the window shows between its "more" lines', () => {
    assert.equal(scrolled(0, 'page-down', TOTAL, HEIGHT), 11)
    assert.equal(scrolled(11, 'page-up', TOTAL, HEIGHT), 0)
    assert.equal(scrolled(40, 'page-down', TOTAL, HEIGHT), 47)
  })

  it('goes to either end', () => {
    assert.equal(scrolled(20, 'last', TOTAL, HEIGHT), 47)
    assert.equal(scrolled(20, 'first', TOTAL, HEIGHT), 0)
  })

  it('does not move a list that fits', () => {
    assert.equal(scrolled(0, 'last', 5, HEIGHT), 0)
    assert.equal(scrolled(0, 'page-down', 5, HEIGHT), 0)
  })
})
