/**
 * Start-up: `--version` and `--help` against `node -e 0`; launch to the first
 * interactive frame of `run` (in a pty) against the reference Ink app; and
 * which heavy packages each of them loads.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { bundleOptions, METAFILE } from '../scripts/build.mjs'
import { BIN, interleave, isMain, NODE, ROOT, report, row, timeRun } from './lib.mjs'
import { startPty } from './pty.mjs'

const REF_INK_SOURCE = join(ROOT, 'bench', 'ref-ink.mjs')
const TRACE = join(ROOT, 'bench', 'trace-loads.mjs')

/** The wizard's key footer: on screen once the phase screen is interactive. */
const WIZARD_READY = '↑↓ move'
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
  const pty = startPty(argv, { env })
  try {
    const at = await pty.waitFor(ready)
    return at - pty.started
  } finally {
    await pty.kill()
  }
}

const HEAVY = [
  ['AWS SDK', /node_modules\/@aws-sdk\/|node_modules\/@smithy\//],
  ['pg', /node_modules\/pg(-[a-z]+)?\//],
  ['markdown', /node_modules\/(micromark|mdast-util)[^/]*\//],
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

export async function run({ reps = 11 } = {}) {
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

    const rows = [
      row('`--version` vs `node -e 0`', version.subject, version.ref, null),
      row('`--help` vs `node -e 0`', help.subject, help.ref, 2.5),
      row(
        '`run`: launch → first interactive frame (pty) vs bare Ink app',
        frame.subject,
        frame.ref,
        1.2,
      ),
    ]
    const notes = [
      `medians of ${reps} interleaved runs each; first frame = the key footer of the phase screen (the wizard) / the one line (reference), read from a pty made by \`script\`; the reference is bench/ref-ink.mjs bundled with the wizard's own esbuild options`,
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
