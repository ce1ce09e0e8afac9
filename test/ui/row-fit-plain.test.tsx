/**
 * Under NO_COLOR, as in row-fit.test.tsx in colour: a phase row drawn as one text node is the
 * row Ink's boxes draw. NO_COLOR is set before Ink is loaded, in this file's own process.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'

delete process.env.FORCE_COLOR
process.env.NO_COLOR = '1'
const { assertRowsDrawnAsInkDraws } = await import('../helpers/row-layouts.tsx')

test('without colour, every phase row given its width is drawn as its boxes draw it, at 40 to 100 columns', () => {
  assert.ok(assertRowsDrawnAsInkDraws() > 1000)
})
