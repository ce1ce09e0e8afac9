/**
 * The trust question painted before Ink loads (first-paint/trust-screen.ts) is the frame Ink
 * then writes for App's trust question, code for code: every bundled checklist, the bench's
 * 500-item one, a long path, long and wide commands, a command many items run, with and without
 * the line for run files set aside, at widths 40 to 160 and heights 14 to 60. In colour;
 * first-paint-trust-plain.test.tsx without. Colour is forced before chalk is loaded, in this
 * file's own process.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'

delete process.env.NO_COLOR
process.env.FORCE_COLOR = '1'
const { assertTrustFramesAsInkDraws, EDGE_HEIGHTS, EDGE_WIDTHS, sizesFor, trustCases } =
  await import('../helpers/trust-frames.tsx')

const cases = await trustCases()

test('the bundled checklists with commands for dev are among the cases', () => {
  assert.ok(cases.filter((trust) => trust.name.startsWith('bundled')).length >= 4)
})

for (const [index, trust] of cases.entries()) {
  test(`in colour, the painted trust question is Ink's frame: ${trust.name}`, async () => {
    const { frames, nulls } = await assertTrustFramesAsInkDraws(trust, sizesFor(index))
    assert.ok(frames > 190)
    // Only a path too long for the smallest screens leaves the frame to Ink.
    if (!trust.name.startsWith('a path')) assert.equal(nulls, 0)
  })
}

test('in colour, with a run file set aside, the painted trust question has App’s line above it', async () => {
  for (const [index, trust] of cases.entries()) {
    const sizes = [
      ...EDGE_WIDTHS.flatMap((columns) => EDGE_HEIGHTS.map((rows) => [columns, rows] as const)),
      ...[40, 100].flatMap((columns) =>
        [16, 20, 33, 47].map((rows) => [columns + index, rows] as const),
      ),
    ]
    const { nulls } = await assertTrustFramesAsInkDraws(trust, sizes, { setAside: true })
    if (!trust.name.startsWith('a path')) assert.equal(nulls, 0)
  }
})
