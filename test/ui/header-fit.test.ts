/**
 * The header's lines drawn as one text node each (header-lines.ts) are the lines the boxes drew,
 * cell for cell and style for style, at every width from 40 to 160: the title and operator cut
 * where yoga cut them. In colour; header-fit-plain.test.ts without. Colour is forced before Ink
 * is loaded, in this file's own process.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'

delete process.env.NO_COLOR
process.env.FORCE_COLOR = '1'
const {
  assertProgressLinesDrawnAsBoxesDraw,
  assertRunLinesCutWithEllipsis,
  assertRunLinesPaintedAsInkDraws,
  assertRunLinesDrawnAsBoxesDraw,
} = await import('../helpers/header-layouts.tsx')

test('in colour, the run line is drawn as its boxes drew it, at 40 to 160 columns (every one to 90, then sampled)', () => {
  assert.ok(assertRunLinesDrawnAsBoxesDraw() > 1000)
})

test('in colour, the first paint writes the run line as Ink draws it, at 40 to 160 columns', () => {
  assert.ok(assertRunLinesPaintedAsInkDraws() > 1000)
})

test('in colour, the run line cuts its title, operator and team and AWS words with … and keeps the environment and run id whole, at 40 to 160 columns', () => {
  // At 80 and 100 columns the next box was drawn over the cut text's `…` (yoga's fractional widths).
  assert.ok(assertRunLinesCutWithEllipsis() > 1000)
})

test('in colour, the progress line is drawn as its boxes drew it, at 40 to 160 columns (every one to 90, then sampled)', async () => {
  assert.ok((await assertProgressLinesDrawnAsBoxesDraw()) > 300)
})
