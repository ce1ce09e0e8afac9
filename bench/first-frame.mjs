/**
 * Launch → first interactive frame, for the start-up and resume benches: a
 * program started in a pty (bench/pty.mjs) until its screen shows what it
 * waits for, with the wall time and the CPU time the program had used by then;
 * pairs of launches interleaved with a reference; and the reference itself, the
 * smallest Ink app (bench/ref-ink.mjs) bundled and launched as the wizard is.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { build } from 'esbuild'
import { bundleOptions } from '../scripts/build.mjs'
import { median, ROOT } from './lib.mjs'
import { startPty } from './pty.mjs'

/**
 * The wizard's first interactive frame: the phase screen's key footer, the trust
 * question a checklist with commands asks first (a machine that has not trusted
 * it), or the list of what changed since a resumed run last saw its checklist.
 */
export const WIZARD_READY = /↑↓ move|Trust it on this machine\?|enter: continue/
export const REF_READY = 'reference ready'

/** The process `script` runs (it execs node): the first child of script. */
function childOf(pid) {
  return Number(readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0])
}

/**
 * CPU time a live process has used, in milliseconds: the sum of its threads'
 * run time from /proc/<pid>/task/<tid>/schedstat (nanoseconds; V8's compiler
 * and GC threads included), or utime + stime from /proc/<pid>/stat (10 ms
 * ticks) where schedstat is missing.
 */
export function cpuMsOf(pid) {
  try {
    let ns = 0
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0])
    }
    if (ns > 0) return ns / 1e6
  } catch {}
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100
}

/**
 * What starts the frame Ink writes over a screen the wizard painted before Ink loaded (see
 * src/ui/first-paint/screen.ts): the cursor home and the screen erased, in the write that
 * carries Ink's first frame.
 */
const INK_OVER_PAINT = '\u001B[H\u001B[J'

/**
 * Starts `argv` in a pty and waits for `ready` on its output: `{ ms, cpu }` at that moment. With
 * `painted`, the program paints its first frame before Ink loads (the wizard does on a fresh
 * home, see src/ui/first-paint/): `ink` is then the same once Ink has drawn over it, when keys
 * are acted on. A painted launch whose Ink frame never comes fails, as a first frame not painted
 * would.
 */
export async function firstFrame(argv, ready, env, { painted = false } = {}) {
  const pty = startPty(argv, { env })
  const cpuNow = () => {
    try {
      return cpuMsOf(childOf(pty.child.pid))
    } catch {
      return null
    }
  }
  try {
    const at = await pty.waitFor(ready, { timeoutMs: 60_000 })
    const cpu = cpuNow()
    if (!painted) return { ms: at - pty.started, cpu, ink: null }
    const shown = pty.output.search(ready)
    if (pty.output.lastIndexOf(INK_OVER_PAINT, shown) >= 0) {
      throw new Error('the first frame was drawn by Ink, not painted before it')
    }
    await pty.waitFor(INK_OVER_PAINT, { from: shown, timeoutMs: 60_000 })
    const inkAt = await pty.waitFor(ready, {
      from: pty.output.indexOf(INK_OVER_PAINT, shown),
      timeoutMs: 60_000,
    })
    return { ms: at - pty.started, cpu, ink: { ms: inkAt - pty.started, cpu: cpuNow() } }
  } finally {
    await pty.kill()
  }
}

/**
 * `pairs` launches of `ref` and `subject` (each resolving `{ ms, cpu }`),
 * interleaved, who goes first alternating, after one unmeasured pair: medians
 * of wall and CPU time, the medians of the per-pair ratios and differences, and
 * their ranges.
 */
export async function framePairs(ref, subject, pairs) {
  const samples = []
  for (let i = 0; i < pairs + 1; i++) {
    const first = i % 2 ? subject : ref
    const second = i % 2 ? ref : subject
    const a = await first()
    const b = await second()
    const [r, s] = i % 2 ? [b, a] : [a, b]
    if (i > 0) samples.push({ r, s })
  }
  const both = samples.filter(({ r, s }) => r.cpu && s.cpu)
  const stats = (values) => ({
    median: median(values),
    min: Math.min(...values),
    max: Math.max(...values),
  })
  return {
    pairs,
    subject: median(samples.map(({ s }) => s.ms)),
    ref: median(samples.map(({ r }) => r.ms)),
    subjectCpu: median(both.map(({ s }) => s.cpu)),
    refCpu: median(both.map(({ r }) => r.cpu)),
    wall: stats(samples.map(({ r, s }) => s.ms / r.ms)),
    cpu: stats(both.map(({ r, s }) => s.cpu / r.cpu)),
    wallDiff: stats(samples.map(({ r, s }) => s.ms - r.ms)),
    cpuDiff: stats(both.map(({ r, s }) => s.cpu - r.cpu)),
    // Until Ink draws (keys acted on): the first frame itself where it was not painted first.
    painted: samples.filter(({ s }) => s.ink).length,
    inkCpu: median(both.map(({ s }) => s.ink?.cpu ?? s.cpu)),
    ink: stats(both.map(({ r, s }) => (s.ink?.cpu ?? s.cpu) / r.cpu)),
  }
}

const range = ({ min, max }, digits = 2) => `${min.toFixed(digits)}–${max.toFixed(digits)}`

/**
 * A first-frame row judged on the median of the per-pair CPU ratios (the wall
 * ratio of a pair swings with the machine's load; the CPU ratio does not), with
 * the wall figures beside it.
 */
export function cpuRatioRow(measure, m, budget) {
  return {
    measure,
    subject: m.subjectCpu,
    reference: m.refCpu,
    ratio: m.cpu.median,
    budget,
    unit: 'ms CPU',
    verdict: budget === null ? 'report' : m.cpu.median <= budget ? 'PASS' : 'MISS',
    note: `${m.pairs} pairs; CPU ratio ${range(m.cpu)}×; wall ${Math.round(m.subject)} vs ${Math.round(m.ref)} ms, ratio ${m.wall.median.toFixed(2)}× (${range(m.wall)}×)${
      m.painted
        ? `; painted before Ink in ${m.painted} of ${m.pairs}, Ink drawing (keys acted on) at ${Math.round(m.inkCpu)} ms CPU, ${m.ink.median.toFixed(2)}× (${range(m.ink)}×)`
        : '; drawn by Ink'
    }`,
  }
}

/** The reference's source: one line of text and a key handler, as small as an Ink app gets. */
const REF_INK_SOURCE = join(ROOT, 'bench', 'ref-ink.mjs')

/**
 * bench/ref-ink.mjs bundled with the wizard's own esbuild options into `dir`,
 * and a launcher that does what bin/deploy-wizard.js does (Node's compile cache
 * on, then the bundle), so both load the same way. `asPublished` leaves out the
 * build's yoga plugin: yoga then fetch()es its WASM, as Ink does unbundled.
 * Returns the launcher's path.
 */
export async function buildReference(dir, { asPublished = false } = {}) {
  const outdir = join(dir, asPublished ? 'ref-ink-fetch' : 'ref-ink')
  await build({
    ...bundleOptions,
    plugins: bundleOptions.plugins.filter(
      (plugin) => !asPublished || plugin.name !== 'yoga-wasm-from-file',
    ),
    metafile: false,
    entryPoints: [REF_INK_SOURCE],
    outdir,
  })
  const launcher = join(outdir, 'launch.mjs')
  writeFileSync(
    launcher,
    "import module from 'node:module'\nmodule.enableCompileCache?.()\nawait import('./ref-ink.js')\n",
  )
  return launcher
}

/** The environment every launch gets: no colour, a fresh home, not CI. */
export function baseEnv(home) {
  const env = { ...process.env, NO_COLOR: '1', DEPLOY_WIZARD_HOME: home, TERM: 'xterm-256color' }
  delete env.CI
  delete env.FORCE_COLOR
  delete env.DEPLOY_WIZARD_NO_CACHE
  return env
}
