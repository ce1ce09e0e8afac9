/**
 * Under NO_COLOR, as first-paint-phase.test.ts in colour: the phase screen's first paint is the
 * frame Ink writes first for the wizard. NO_COLOR is set (and FORCE_COLOR=0, as the run command
 * sets it) before chalk is loaded, in this file's own process.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'

process.env.NO_COLOR = '1'
process.env.FORCE_COLOR = '0'
const { assertFirstPaintIsInksFirstFrame } = await import('../helpers/first-paint-check.ts')

test('without colour, the first paint of a run just opened is the frame Ink writes first for the wizard', async () => {
  assert.ok((await assertFirstPaintIsInksFirstFrame()) > 100)
})
