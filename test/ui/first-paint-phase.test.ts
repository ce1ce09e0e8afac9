/**
 * The phase screen's first paint (first-paint/phase-screen.ts) is the frame Ink writes first for
 * the wizard, byte for byte, in colour; first-paint-phase-plain.test.ts without. Colour is forced
 * before chalk is loaded, in this file's own process.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'

delete process.env.NO_COLOR
process.env.FORCE_COLOR = '1'
const { assertFirstPaintIsInksFirstFrame } = await import('../helpers/first-paint-check.ts')

test('in colour, the first paint of a run just opened is the frame Ink writes first for the wizard', async () => {
  assert.ok((await assertFirstPaintIsInksFirstFrame()) > 100)
})
