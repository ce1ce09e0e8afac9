/**
 * The equality of the first paint and Ink's first frame over the cases FIRST-PAINT.md lists:
 * every bundled checklist for dev and staging, fresh and resumed, the generated 500 items, with
 * and without a notice, at widths 40 to 160 and heights 14 to 60 (sampled: every case at the
 * edges 40, 41, 99, 100, 119, 120 and 160, and each at other widths and heights in turn, so that
 * together they cover every width). Run after colour is set for the file.
 */
import assert from 'node:assert/strict'
import { phaseScreenFrame } from '../../src/ui/first-paint/phase-screen.ts'
import { answerSome, cases, inkFirstFrame, opener } from './first-paint.tsx'

const EDGES = [40, 41, 99, 100, 119, 120, 160]
const HEIGHTS = [14, 15, 24, 37, 60]
const NOTICE = 'NOT TRUSTED: the home folder is read-only · 2 entries kept aside'

/** Sizes for the case numbered `k`: the edges, and widths and heights the other cases do not take. */
function sizes(k: number, count: number): [number, number][] {
  const out: [number, number][] = []
  for (let n = 0; n < count; n++) {
    const width = n < EDGES.length ? (EDGES[n] ?? 40) : 40 + ((k * 37 + n * 53) % 121)
    const height =
      n % 3 === 0 ? (HEIGHTS[(k + n) % HEIGHTS.length] ?? 24) : 14 + ((k * 11 + n * 17) % 47)
    out.push([width, height])
  }
  return out
}

function compare(
  name: string,
  opened: Parameters<typeof inkFirstFrame>[0],
  width: number,
  height: number,
  notice: string | null,
) {
  const painted = phaseScreenFrame({
    opened,
    notice: notice ? { tone: 'warn', text: notice } : null,
    today: '2026-11-22',
    columns: width,
    rows: height,
  })
  const drawn = inkFirstFrame(opened, notice, width, height)
  assert.notEqual(painted, null, `${name} at ${width}×${height}: painted`)
  assert.equal(painted, drawn, `${name} at ${width}×${height}${notice ? ' with a notice' : ''}`)
}

/** Compares every case; returns how many frames. */
export async function assertFirstPaintIsInksFirstFrame(): Promise<number> {
  let compared = 0
  for (const [k, one] of (await cases()).entries()) {
    const open = opener(one)
    // A fresh run: each frame its own run (the wizard starts the phase's checks once drawn).
    for (const [n, [width, height]] of sizes(k, 3).entries()) {
      const opened = await open.fresh()
      try {
        compare(`${one.name} fresh`, opened, width, height, n % 2 === 0 ? NOTICE : null)
      } finally {
        await opened.session.close(0)
      }
      compared++
    }
    // Resumed with answers and stored results: nothing is due, so one run serves every size.
    const first = await open.fresh()
    await answerSome(first)
    const opened = await open.resume(first.session.id)
    try {
      for (const [n, [width, height]] of sizes(k + 5, 14).entries()) {
        compare(`${one.name} resumed`, opened, width, height, n % 2 === 1 ? NOTICE : null)
        compared++
      }
    } finally {
      await opened.session.close(0)
    }
  }
  return compared
}
