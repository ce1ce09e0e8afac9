/**
 * Start-up: `--version` and `--help` against `node -e 0`; then launch → first
 * interactive frame of `run <checklist> --env dev` (in a pty) against the
 * reference Ink app bundled and launched the same way, CPU time and wall time,
 * for each of the five bundled checklists with the parse cache warm (the
 * build's parse) and cold (a copy, parsed then cached) and with Node's compile
 * cache cold (both sides), and for a generated 500-item user checklist cold
 * (and both caches cold) and warm (the home's cache entry); what yoga's
 * WASM costs through fetch(); and which heavy packages the first frames load.
 */
import {
  copyFileSync,
  existsSync,
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
import { METAFILE } from '../scripts/build.mjs'
import {
  baseEnv,
  buildReference,
  cpuRatioRow,
  firstFrame,
  framePairs,
  REF_READY,
  WIZARD_READY,
} from './first-frame.mjs'
import { BIN, interleave, isMain, NODE, ROOT, report, row, timeRun } from './lib.mjs'

const TRACE = join(ROOT, 'bench', 'trace-loads.mjs')

/** The five bundled checklists, by the names `run` takes. */
const BUNDLED = readdirSync(join(ROOT, 'checklists'))
  .filter((name) => name.endsWith('.md'))
  .map((name) => name.slice(0, -3))
  .sort()

/**
 * A user's checklist of `count` items over five phases: every fifth item has a
 * check (an environment variable, a file, an HTTP endpoint on a closed port, a
 * command), the rest are done by hand, some with inline markdown; a sign-off.
 */
export function userChecklist(count) {
  const lines = ['---', 'title: Bench release', 'environments: [dev, prod]', '---', '']
  const perPhase = Math.ceil(count / 5)
  for (let i = 0; i < count; i++) {
    if (i % perPhase === 0) lines.push('', `## Phase ${i / perPhase + 1}`, '')
    const n = i + 1
    const checks = [
      `<!-- check: env name=HOME -->`,
      `<!-- check: file path=notes-${n}.txt -->`,
      `<!-- check: http url=http://127.0.0.1:9/item/${n} status=200 -->`,
      `<!-- check: command run="test -d /tmp" -->`,
    ]
    lines.push(
      i % 5 === 0
        ? `- [ ] Item ${n} is in place ${checks[(i / 5) % checks.length]}`
        : i % 7 === 0
          ? `- [ ] Item ${n}: confirm the **release notes** name \`v${n}\` ([runbook](https://example.com/${n}))`
          : `- [ ] Item ${n} done by hand`,
    )
  }
  lines.push('', '## Sign-Off', '', '- [ ] Deployed by: ________ Date: ______', '')
  return lines.join('\n')
}

const HEAVY = [
  ['AWS SDK', /node_modules\/@aws-sdk\/|node_modules\/@smithy\//],
  ['pg', /node_modules\/pg(-[a-z]+)?\//],
  ['markdown', /node_modules\/(micromark|mdast-util-(?!to-string\/))[^/]*\//],
  ['the checklist parser', /^src\/checklist\/parse\.ts$/],
  ['yaml', /node_modules\/yaml\//],
  ["zod's full build", /node_modules\/zod\/v4\/classic\//],
  ["zod's mini build", /node_modules\/zod\/v4\/mini\//],
  ['re2js', /node_modules\/re2js\//],
  ['semver', /node_modules\/semver\//],
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

export async function run({ reps = 11, pairs = Number(process.env.BENCH_PAIRS ?? 21) } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'dw-bench-startup-'))
  try {
    const REF = await buildReference(dir)
    const REF_FETCH = await buildReference(dir, { asPublished: true })
    let n = 0
    const freshHome = () => join(dir, `home-${n++}`)
    const env = baseEnv(freshHome())
    const bare = () => timeRun([NODE, '-e', '0']).then((r) => r.ms)
    const version = await interleave(
      bare,
      () => timeRun([NODE, BIN, '--version']).then((r) => r.ms),
      { reps },
    )
    const help = await interleave(bare, () => timeRun([NODE, BIN, '--help']).then((r) => r.ms), {
      reps,
    })

    const ref = () => firstFrame([NODE, REF], REF_READY, env)
    // Node's compile cache empty, as on the first launch after an install or an upgrade: each
    // launch, the reference's too, gets a folder of its own (bin/deploy-wizard.js and the
    // reference's launcher both enable the cache, where NODE_COMPILE_CACHE says).
    const noCompileCache = () => ({ NODE_COMPILE_CACHE: join(dir, `compile-cache-${n++}`) })
    const refCompileCold = () => firstFrame([NODE, REF], REF_READY, { ...env, ...noCompileCache() })
    // yoga's WASM: the reference as Ink ships (fetch() of a data: URL, which loads undici)
    // against the same app built as the wizard is (the bytes read from a file).
    const yoga = await framePairs(() => firstFrame([NODE, REF_FETCH], REF_READY, env), ref, pairs)

    const launch = (target, home, more = {}) =>
      firstFrame(
        [NODE, BIN, 'run', target, '--env', 'dev', '--operator', 'x'],
        WIZARD_READY,
        { ...env, DEPLOY_WIZARD_HOME: home, ...more },
        // A new run on a fresh home: its first screen is painted before Ink loads.
        { painted: true },
      )
    // A machine that has trusted the checklist: its first frame is the phase screen, not the
    // trust question. `trust --yes` once into a seed home; each launch gets a copy of its trust.
    // null for a checklist with nothing to trust (its first frame is the phase screen anyway).
    const trustedHome = (name) => {
      const seed = join(dir, `trust-seed-${name}`)
      return timeRun([NODE, BIN, 'trust', name, '--yes'], {
        env: { ...env, DEPLOY_WIZARD_HOME: seed },
      }).then(({ code, stderr }) => {
        if (code !== 0) throw new Error(`trust ${name} failed: ${stderr}`)
        const files = existsSync(seed) ? readdirSync(seed).filter((f) => f.startsWith('trust')) : []
        if (files.length === 0) return null
        return () => {
          const home = freshHome()
          mkdirSync(home, { recursive: true, mode: 0o700 })
          for (const file of files) copyFileSync(join(seed, file), join(home, file))
          return home
        }
      })
    }
    const frames = []
    for (const name of BUNDLED) {
      // Warm: by name, the build's parse (dist/parsed/); cold: a copy outside checklists/,
      // parsed, then cached. A fresh home each launch: no run to resume, nothing trusted.
      const copy = join(dir, `${name}.md`)
      copyFileSync(join(ROOT, 'checklists', `${name}.md`), copy)
      frames.push({
        name,
        warm: await framePairs(ref, () => launch(name, freshHome()), pairs),
        compileCold: await framePairs(
          refCompileCold,
          () => launch(name, freshHome(), noCompileCache()),
          pairs,
        ),
        cold: await framePairs(ref, () => launch(copy, freshHome()), pairs),
        trusted: await trustedHome(name).then((home) =>
          home ? framePairs(ref, () => launch(name, home()), pairs) : null,
        ),
      })
    }

    // A 500-item checklist of the operator's own: cold, then warm from the home's cache entry
    // (one launch leaves it; each measured launch gets a home with only that entry).
    const big = join(dir, 'release-500.md')
    writeFileSync(big, userChecklist(500))
    const bigCold = await framePairs(ref, () => launch(big, freshHome()), pairs)
    // Its first launch after an install or an upgrade: no parse kept, no compile cache.
    const bigBothCold = await framePairs(
      refCompileCold,
      () => launch(big, freshHome(), noCompileCache()),
      pairs,
    )
    const seed = join(dir, 'home-seed')
    await launch(big, seed)
    const entries = readdirSync(join(seed, 'cache', 'checklists'))
    const seeded = () => {
      const home = freshHome()
      const cache = join(home, 'cache', 'checklists')
      mkdirSync(cache, { recursive: true, mode: 0o700 })
      for (const entry of entries) {
        copyFileSync(join(seed, 'cache', 'checklists', entry), join(cache, entry))
      }
      return home
    }
    const bigWarm = await framePairs(ref, () => launch(big, seeded()), pairs)

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
    for (const [name, target] of [
      ['run marketplace-api (first frame, cache warm)', 'marketplace-api'],
      ['run marketplace-api (first frame, cache cold)', join(dir, 'marketplace-api.md')],
      ['run of the 500-item checklist (first frame, cache warm)', big],
    ]) {
      const trace = join(dir, `trace-${n}.txt`)
      await firstFrame(
        [NODE, '--import', TRACE, BIN, 'run', target, '--env', 'dev', '--operator', 'x'],
        WIZARD_READY,
        {
          ...env,
          DEPLOY_WIZARD_HOME: name.includes('500') ? seeded() : freshHome(),
          BENCH_TRACE_FILE: trace,
        },
      )
      traces[name] = heavyLoaded(trace)
    }

    const rows = [
      row('`--version` vs `node -e 0`', version.subject, version.ref, null),
      row('`--help` vs `node -e 0`', help.subject, help.ref, 2.5),
      {
        ...cpuRatioRow(
          "reference Ink app: yoga's WASM read from a file (this build) vs fetch()ed from a data: URL (as Ink ships)",
          yoga,
          null,
        ),
        note: `${yoga.pairs} pairs; CPU difference ${Math.round(yoga.cpuDiff.median)} ms (${Math.round(yoga.cpuDiff.min)} to ${Math.round(yoga.cpuDiff.max)}); wall ${Math.round(yoga.subject)} vs ${Math.round(yoga.ref)} ms`,
      },
      ...frames.flatMap(({ name, warm, compileCold, cold, trusted }) => [
        cpuRatioRow(
          `\`run ${name} --env dev\`: first frame, cache warm (the build's parse)`,
          warm,
          1.2,
        ),
        ...(trusted
          ? [
              cpuRatioRow(
                `\`run ${name} --env dev\` on a machine that trusts it: first frame (the phase screen), cache warm`,
                trusted,
                1.2,
              ),
            ]
          : []),
        cpuRatioRow(
          `\`run ${name} --env dev\`: first frame, Node's compile cache cold (its first launch after an install), the reference's too`,
          compileCold,
          1.5,
        ),
        cpuRatioRow(
          `\`run ${name} --env dev\`: first frame, checklist cache cold (a copy of it, parsed, then cached)`,
          cold,
          1.5,
        ),
      ]),
      cpuRatioRow(
        '`run` of a 500-item user checklist: first frame, cache warm (the home’s entry)',
        bigWarm,
        1.2,
      ),
      cpuRatioRow(
        '`run` of a 500-item user checklist: first frame, checklist cache cold (parsed, then cached)',
        bigCold,
        1.5,
      ),
      cpuRatioRow(
        "`run` of a 500-item user checklist: first frame, both caches cold (its first launch after an install or an upgrade), the reference's compile cache too",
        bigBothCold,
        1.5,
      ),
    ]
    const notes = [
      `first-frame rows: CPU time of the process up to its first interactive frame (its threads' run time from /proc/<pid>/task/*/schedstat), subject vs reference, medians of ${pairs} interleaved pairs each (after one unmeasured); the verdict is on the median of the per-pair CPU ratios, as the wall ratio of a pair swings with the machine's load; the wall figures are beside it`,
      "reference: bench/ref-ink.mjs (one line of text and a key handler) bundled with the wizard's own esbuild options (scripts/build.mjs, yoga's WASM from a file included) and launched as bin/deploy-wizard.js launches the wizard (Node's compile cache on)",
      "first frame = the trust question (a checklist with commands, on a machine that has not trusted it) or the phase screen's key footer; a fresh home each launch (no run to resume); checklist cache cold = a copy of the file outside checklists/, parsed and then cached (every first launch of an operator's own checklist after an edit or an upgrade); compile cache cold = Node's compile cache (V8's code for the bundle's modules) empty for both sides, each launch in a folder of its own (NODE_COMPILE_CACHE); \"on a machine that trusts it\" = a fresh home holding only the trust of that checklist (`trust --yes`), so a checklist with commands opens on its phase screen too",
      'the CPU time is read when the frame reaches the bench, a few milliseconds after it is written: a painted frame is followed at once by the loading of Ink, and a phase screen drawn by Ink by its due checks, so either may count some of that',
      'the wizard paints its first screen (the trust question, or the phase screen of the run just opened) from text before Ink and React load, and Ink draws over it when it has loaded (src/ui/first-paint/): "Ink drawing" in the notes is the CPU time at that second frame, from when keys typed are acted on (keys typed before it wait in the terminal and are acted on then)',
      `other rows: medians of ${reps} interleaved runs each`,
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
