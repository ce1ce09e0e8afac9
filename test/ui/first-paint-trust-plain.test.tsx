/**
 * Under NO_COLOR, as in first-paint-trust.test.tsx in colour: the trust question painted before
 * Ink loads is the frame Ink writes for App's trust question. NO_COLOR is set before chalk is
 * loaded, in this file's own process (the run command turns it into FORCE_COLOR=0 for Ink).
 * The sizes are the edges and a sweep of every width and every height, fewer than in colour:
 * what colour changes is the codes, not where the lines break.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'

delete process.env.FORCE_COLOR
process.env.NO_COLOR = '1'
process.env.FORCE_COLOR = '0'
const { assertTrustFramesAsInkDraws, EDGE_HEIGHTS, EDGE_WIDTHS, HEIGHTS, WIDTHS, trustCases } =
  await import('../helpers/trust-frames.tsx')

const cases = await trustCases()
const EDGES = EDGE_WIDTHS.flatMap((columns) => EDGE_HEIGHTS.map((rows) => [columns, rows] as const))

test('without colour, the painted trust question is Ink’s frame for every case, at the edges', async () => {
  for (const [index, trust] of cases.entries()) {
    for (const setAside of [false, true]) {
      // A first render at a different edge each time, then every edge.
      const sizes = [...EDGES.slice(index), ...EDGES.slice(0, index)]
      const { nulls } = await assertTrustFramesAsInkDraws(trust, sizes, { setAside })
      if (!trust.name.startsWith('a path')) assert.equal(nulls, 0)
    }
  }
})

test('without colour, the painted trust question is Ink’s frame at every width and every height', async () => {
  // Each case sweeps a share of the widths and heights; together they cover all of them.
  for (const [index, trust] of cases.entries()) {
    const sizes = [
      ...WIDTHS.filter((_, at) => at % cases.length === index).map(
        (columns) => [columns, 24] as const,
      ),
      ...HEIGHTS.filter((_, at) => at % cases.length === index).map((rows) => [40, rows] as const),
    ]
    const { frames } = await assertTrustFramesAsInkDraws(trust, sizes, {
      setAside: index % 2 === 1,
    })
    assert.ok(frames > 10)
  }
})

test('without colour, the painted frame has no escape code in it', async () => {
  const { trustScreenFrame } = await import('../../src/ui/first-paint/trust-screen.ts')
  const { trustQuestionOf } = await import('../helpers/trust-frames.tsx')
  const [first] = cases
  assert.ok(first)
  const frame = trustScreenFrame({
    question: await trustQuestionOf(first.path),
    problemLine: null,
    columns: 80,
    rows: 24,
  })
  assert.match(
    frame ?? '',
    /^╭─+╮\n│ This checklist runs shell commands\. Trust it on this machine\? +│\n/,
  )
  assert.ok(!(frame ?? '').includes('\u001b'))
})
