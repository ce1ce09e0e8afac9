/**
 * Start-up: `--version` and `--help` against `node -e 0`; launch to the first
 * interactive frame of `run` (in a pty) against the reference Ink app, wall time
 * and CPU time, for a bundled checklist with the parse cache warm and cold; and
 * which heavy packages each of them loads.
 */
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { bundleOptions, METAFILE } from '../scripts/build.mjs'
import { BIN, interleave, isMain, median, NODE, ROOT, report, row, timeRun } from './lib.mjs'
import { startPty } from './pty.mjs'

const REF_INK_SOURCE = join(ROOT, 'bench', 'ref-ink.mjs')
const TRACE = join(ROOT, 'bench', 'trace-loads.mjs')

/**
 * The wizard's first interactive frame: the phase screen's key footer, or the trust
 * question a checklist with commands asks first (a bundled one, on a machine that has
 * not trusted it).
 */
const WIZARD_READY = /↑↓ move|Trust it on this machine\?/

/** The bundled checklist whose first frame is measured: the largest, 15.6 kB. */
const BUNDLED = 'marketplace-api'
const CLK_TCK = 100
const REF_READY = 'reference ready'

const CHECKLIST = `---
title: Startup bench
environments: [dev]
---
## Pre-Deployment
- [ ] Change request approved
- [ ] HOME is set <!-- check: env name=HOME -->
- [ ] API answers <!-- check: http url=http://127.0.0.1:9/ status=200 -->

## Deployment
- [ ] Stack healthy <!-- check: cfn.stack name=App-\${env} -->
- [ ] Table ready <!-- check: dynamodb.table name=T-\${env} -->
- [ ] Database up <!-- check: pg.connect url=postgres://x@127.0.0.1:9/x -->
- [ ] Announced

## Sign-Off
- [ ] Deployed by: ________ Date: ______
`

function baseEnv(home) {
  const env = { ...process.env, NO_COLOR: '1', DEPLOY_WIZARD_HOME: home, TERM: 'xterm-256color' }
  delete env.CI
  delete env.FORCE_COLOR
  return env
}

async function firstFrame(argv, ready, env) {
  return (await firstFrameCpu(argv, ready, env)).ms
}

/**
 * Launch → first frame: wall milliseconds, and the CPU milliseconds the program
 * (`script` execs it) had used by then, from /proc (10 ms ticks).
 */
async function firstFrameCpu(argv, ready, env) {
  const pty = startPty(argv, { env })
  try {
    const at = await pty.waitFor(ready)
    let cpu = null
    try {
      cpu = (cpuTicks(childOf(pty.child.pid)) * 1000) / CLK_TCK
    } catch {}
    return { ms: at - pty.started, cpu }
  } finally {
    await pty.kill()
  }
}

/** The process `script` runs (it execs node): the first child of script. */
function childOf(pid) {
  return Number(readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0])
}

function cpuTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return Number(fields[11]) + Number(fields[12])
}

/**
 * `pairs` launches of the reference and the subject, interleaved (who goes first
 * alternates), after one unmeasured pair: medians of wall and CPU time, the median of
 * the per-pair ratios, and their range.
 */
async function framePairs(ref, subject, pairs) {
  const samples = []
  for (let i = 0; i < pairs + 1; i++) {
    const order = i % 2 ? [subject, ref] : [ref, subject]
    const got = []
    for (const fn of order) got.push(await fn())
    const [r, s] = i % 2 ? [got[1], got[0]] : got
    if (i > 0) samples.push({ r, s })
  }
  const wall = samples.map(({ r, s }) => s.ms / r.ms)
  const cpu = samples.filter(({ r, s }) => r.cpu && s.cpu).map(({ r, s }) => s.cpu / r.cpu)
  return {
    subject: median(samples.map(({ s }) => s.ms)),
    ref: median(samples.map(({ r }) => r.ms)),
    subjectCpu: median(samples.map(({ s }) => s.cpu ?? 0)),
    refCpu: median(samples.map(({ r }) => r.cpu ?? 0)),
    wall: median(wall),
    wallRange: [Math.min(...wall), Math.max(...wall)],
    cpu: median(cpu),
    cpuRange: [Math.min(...cpu), Math.max(...cpu)],
  }
}

/** A row judged on the median of per-pair wall ratios, with the CPU ratio beside it. */
function frameRow(measure, m, budget) {
  const r = row(measure, m.subject, m.ref, budget)
  const range = ([a, b]) => `${a.toFixed(2)}–${b.toFixed(2)}×`
  return {
    ...r,
    ratio: m.wall,
    verdict: m.wall <= budget ? 'PASS' : 'MISS',
    note: `wall ratio range ${range(m.wallRange)}; CPU ${Math.round(m.subjectCpu)} vs ${Math.round(m.refCpu)} ms, ratio ${m.cpu.toFixed(2)}× (${range(m.cpuRange)})`,
  }
}

const HEAVY = [
  ['AWS SDK', /node_modules\/@aws-sdk\/|node_modules\/@smithy\//],
  ['pg', /node_modules\/pg(-[a-z]+)?\//],
  ['markdown', /node_modules\/(micromark|mdast-util)[^/]*\//],
  ['the checklist parser', /^src\/checklist\/parse\.ts$/],
  ['yaml', /node_modules\/yaml\//],
  ['zod', /node_modules\/zod\//],
  ['ink/react', /node_modules\/(ink|react)\//],
]

/**
 * The heavy packages among the modules a traced launch loaded. dist/ is a
 * bundle, so a loaded chunk stands for the packages esbuild put into it (the
 * build's metafile says which).
 */
function heavyLoaded(file) {
  let urls = []
  try {
    urls = readFileSync(file, 'utf8').split('\n').filter(Boolean)
  } catch {}
  const { outputs } = JSON.parse(readFileSync(METAFILE, 'utf8'))
  const sources = urls.flatMap((url) => {
    if (!url.startsWith('file:')) return []
    const chunk = relative(ROOT, fileURLToPath(url)).split(sep).join('/')
    return Object.keys(outputs[chunk]?.inputs ?? {})
  })
  const found = HEAVY.filter(([, re]) => sources.some((u) => re.test(u))).map(([name]) => name)
  const chunks = urls.filter((u) => u.includes('/dist/')).length
  return { chunks, found }
}

/** The reference: bench/ref-ink.mjs bundled exactly as the wizard is, into `dir`. */
async function buildReference(dir) {
  const outdir = join(dir, 'ref-ink')
  await build({ ...bundleOptions, metafile: false, entryPoints: [REF_INK_SOURCE], outdir })
  return join(outdir, 'ref-ink.js')
}

export async function run({ reps = 11, framePairsCount = 31 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'dw-bench-startup-'))
  try {
    const REF_INK = await buildReference(dir)
    const checklist = join(dir, 'checklist.md')
    writeFileSync(checklist, CHECKLIST)
    const env = baseEnv(join(dir, 'home'))
    const bare = () => timeRun([NODE, '-e', '0']).then((r) => r.ms)
    const version = await interleave(
      bare,
      () => timeRun([NODE, BIN, '--version']).then((r) => r.ms),
      {
        reps,
      },
    )
    const help = await interleave(bare, () => timeRun([NODE, BIN, '--help']).then((r) => r.ms), {
      reps,
    })
    let n = 0
    const frame = await interleave(
      () => firstFrame([NODE, REF_INK], REF_READY, env),
      () => {
        // A fresh store each launch, so every launch opens a new run (no resume prompt).
        const home = join(dir, `home-${n++}`)
        return firstFrame(
          [NODE, BIN, 'run', checklist, '--env', 'dev', '--operator', 'x'],
          WIZARD_READY,
          { ...env, DEPLOY_WIZARD_HOME: home },
        )
      },
      { reps },
    )

    // A bundled checklist: warm = the build's parse (dist/parsed/), a fresh home each launch;
    // cold = the same file outside checklists/ in a fresh home (parsed, then cached); home =
    // that copy again, its entry in the home's cache.
    const ref = () => firstFrameCpu([NODE, REF_INK], REF_READY, env)
    const copy = join(dir, `${BUNDLED}.md`)
    copyFileSync(join(ROOT, 'checklists', `${BUNDLED}.md`), copy)
    const launch = (file, home) =>
      firstFrameCpu([NODE, BIN, 'run', file, '--env', 'dev', '--operator', 'x'], WIZARD_READY, {
        ...env,
        DEPLOY_WIZARD_HOME: home,
      })
    const warm = await framePairs(
      ref,
      () => launch(BUNDLED, join(dir, `home-${n++}`)),
      framePairsCount,
    )
    const cold = await framePairs(
      ref,
      () => launch(copy, join(dir, `home-${n++}`)),
      framePairsCount,
    )
    // One launch leaves the copy's entry; each measured launch gets a home with only that.
    const seed = join(dir, 'home-seed')
    await launch(copy, seed)
    const seeded = () => {
      const home = join(dir, `home-${n++}`)
      const cache = join(home, 'cache', 'checklists')
      mkdirSync(cache, { recursive: true, mode: 0o700 })
      const entry = readdirSync(join(seed, 'cache', 'checklists'))[0]
      copyFileSync(join(seed, 'cache', 'checklists', entry), join(cache, entry))
      return home
    }
    const home = await framePairs(ref, () => launch(copy, seeded()), framePairsCount)

    // What each one loads (one traced launch each; tracing slows them, so not timed).
    const traces = {}
    for (const [name, args] of [
      ['--version', ['--version']],
      ['--help', ['--help']],
    ]) {
      const file = join(dir, `trace-${name}.txt`)
      await timeRun([NODE, '--import', TRACE, BIN, ...args], {
        env: { ...env, BENCH_TRACE_FILE: file },
      })
      traces[name] = heavyLoaded(file)
    }
    const file = join(dir, 'trace-run.txt')
    await firstFrame(
      [NODE, '--import', TRACE, BIN, 'run', checklist, '--env', 'dev', '--operator', 'x'],
      WIZARD_READY,
      { ...env, DEPLOY_WIZARD_HOME: join(dir, 'home-trace'), BENCH_TRACE_FILE: file },
    )
    traces['run (first frame)'] = heavyLoaded(file)
    for (const [name, target, home] of [
      [`run ${BUNDLED} (first frame, cache warm)`, BUNDLED, join(dir, 'home-trace-warm')],
      [`run ${BUNDLED} (first frame, cache cold)`, copy, join(dir, 'home-trace-cold')],
    ]) {
      const trace = join(dir, `trace-${name.includes('warm') ? 'warm' : 'cold'}.txt`)
      await firstFrame(
        [NODE, '--import', TRACE, BIN, 'run', target, '--env', 'dev', '--operator', 'x'],
        WIZARD_READY,
        { ...env, DEPLOY_WIZARD_HOME: home, BENCH_TRACE_FILE: trace },
      )
      traces[name] = heavyLoaded(trace)
    }

    const rows = [
      row('`--version` vs `node -e 0`', version.subject, version.ref, null),
      row('`--help` vs `node -e 0`', help.subject, help.ref, 2.5),
      row(
        '`run`: launch → first interactive frame (pty) vs bare Ink app',
        frame.subject,
        frame.ref,
        1.2,
        'ms',
        "the bench's 7-item checklist, cache cold",
      ),
      frameRow(
        `\`run ${BUNDLED} --env dev\`: first frame, cache warm (the build's parse)`,
        warm,
        1.2,
      ),
      frameRow(
        `\`run ${BUNDLED} --env dev\`: first frame, cache warm (the home's entry)`,
        home,
        1.2,
      ),
      frameRow(
        `\`run ${BUNDLED} --env dev\`: first frame, cache cold (parsed, then cached)`,
        cold,
        1.5,
      ),
    ]
    const notes = [
      `${BUNDLED} rows: medians of ${framePairsCount} interleaved pairs each (after one unmeasured), the verdict on the median of the per-pair wall ratios; CPU = user + system time of the process up to its first frame (/proc, 10 ms ticks); the first frame of ${BUNDLED} is its trust question (a fresh home has not trusted it)`,
      `other rows: medians of ${reps} interleaved runs each; first frame = the key footer of the phase screen (the wizard) / the one line (reference), read from a pty made by \`script\`; the reference is bench/ref-ink.mjs bundled with the wizard's own esbuild options`,
      ...Object.entries(traces).map(
        ([name, t]) =>
          `${name} loads ${t.chunks} of the bundle's chunks; heavy packages among them: ${t.found.length ? t.found.join(', ') : 'none'}`,
      ),
    ]
    return report('Start-up', rows, notes)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (isMain(import.meta.url)) await run()
