/**
 * Resuming a big run, to its first frame: `run --resume <id>` of a 2,000-item
 * run with 1,800 answers (written through the store's own modules, src/run,
 * loaded with tsx: the same files the built CLI reads) against `run` of a new
 * 7-item checklist, both launched in a pty from the built CLI, interleaved. The
 * budget is the difference: resuming may take at most 300 ms more. Each resume
 * gets its own copy of the home as it was before the first one, so every launch
 * reads the same run (a resume appends an entry, and a killed one leaves its lock).
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { register } from 'tsx/esm/api'
import { baseEnv, firstFrame, framePairs, WIZARD_READY } from './first-frame.mjs'
import { BIN, isMain, NODE, ROOT, report, timeRun } from './lib.mjs'

register()
const source = (path) => import(join(ROOT, 'src', path))

/** Items of the big run, and how many of them are answered. */
const ITEMS = 2000
const ANSWERED = 1800

/** The new run's checklist: seven items, checks of four kinds, no commands (no trust question). */
const SMALL = `---
title: Resume bench, new run
environments: [dev]
---
## Pre-Deployment
- [ ] Change request approved
- [ ] HOME is set <!-- check: env name=HOME -->
- [ ] API answers <!-- check: http url=http://127.0.0.1:9/ status=200 -->

## Deployment
- [ ] Stack healthy <!-- check: cfn.stack name=App-\${env} -->
- [ ] Table ready <!-- check: dynamodb.table name=T-\${env} -->
- [ ] Announced

## Sign-Off
- [ ] Deployed by: ________ Date: ______
`

/** A 2,000-item checklist over eight phases; every tenth item checks an environment variable. */
function bigChecklist() {
  const lines = ['---', 'title: Resume bench, big run', 'environments: [dev]', '---']
  const perPhase = ITEMS / 8
  for (let i = 0; i < ITEMS; i++) {
    if (i % perPhase === 0) lines.push('', `## Phase ${i / perPhase + 1}`, '')
    lines.push(
      i % 10 === 0
        ? `- [ ] Item ${i + 1} is set <!-- check: env name=HOME -->`
        : `- [ ] Item ${i + 1} done by hand`,
    )
  }
  lines.push('', '## Sign-Off', '', '- [ ] Deployed by: ________ Date: ______', '')
  return lines.join('\n')
}

export async function run({ pairs = Number(process.env.BENCH_PAIRS ?? 21) } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'dw-bench-resume-'))
  try {
    const small = join(dir, 'small.md')
    const big = join(dir, 'big.md')
    writeFileSync(small, SMALL)
    writeFileSync(big, bigChecklist())
    const pristine = join(dir, 'home-pristine')
    const env = baseEnv(pristine)

    // The run, through the store: 1,800 answers (one in ten skipped with a note), each a
    // durable append to the journal, as the wizard writes them.
    const { loadChecklist } = await source('checklist/load.ts')
    const { startRun } = await source('run/start.ts')
    const checklist = (await loadChecklist(big, { DEPLOY_WIZARD_NO_CACHE: '1' })).checklist
    const session = startRun(checklist, 'dev', 'bench', { env: { DEPLOY_WIZARD_HOME: pristine } })
    const id = session.id
    for (const [i, item] of checklist.items.slice(0, ANSWERED).entries()) {
      if (i % 10 === 9) session.answer(item.id, 'skipped', `not this time (${i})`)
      else session.answer(item.id, 'done')
    }
    await session.close(0)
    // The built CLI's parse of the big checklist in the home's cache, as after the run's
    // first launch: `validate` reads it once and leaves the entry.
    const validated = await timeRun([NODE, BIN, 'validate', big], { env })
    if (validated.code !== 0) throw new Error(`validate failed: ${validated.stdout}`)

    let n = 0
    const newRun = () =>
      firstFrame([NODE, BIN, 'run', small, '--env', 'dev', '--operator', 'x'], WIZARD_READY, {
        ...env,
        DEPLOY_WIZARD_HOME: join(dir, `home-new-${n++}`),
      })
    const resume = () => {
      const home = join(dir, `home-resume-${n++}`)
      cpSync(pristine, home, { recursive: true })
      return firstFrame([NODE, BIN, 'run', '--resume', id, '--operator', 'x'], WIZARD_READY, {
        ...env,
        DEPLOY_WIZARD_HOME: home,
      })
    }
    const m = await framePairs(newRun, resume, pairs)
    // The same resume with the cache cold (a new deploy-wizard version: its entries are not
    // used), for scale: the parse of 2,000 items comes back.
    const coldPairs = Math.min(pairs, 7)
    const cold = await framePairs(
      newRun,
      () => {
        const home = join(dir, `home-resume-${n++}`)
        cpSync(pristine, home, { recursive: true })
        rmSync(join(home, 'cache'), { recursive: true, force: true })
        return firstFrame([NODE, BIN, 'run', '--resume', id, '--operator', 'x'], WIZARD_READY, {
          ...env,
          DEPLOY_WIZARD_HOME: home,
        })
      },
      coldPairs,
    )
    const verdict = m.cpuDiff.median <= 300 ? 'PASS' : 'MISS'
    const rows = [
      {
        measure: `\`run --resume\` of a ${ITEMS}-item run with ${ANSWERED} answers vs \`run\` of a new 7-item checklist: first frame, CPU`,
        subject: m.subjectCpu,
        reference: m.refCpu,
        ratio: m.cpu.median,
        budget: '≤ +300 ms',
        unit: 'ms',
        verdict,
        note: `${pairs} pairs; ${Math.round(m.cpuDiff.median)} ms more (${Math.round(m.cpuDiff.min)} to ${Math.round(m.cpuDiff.max)})`,
      },
      {
        measure: '… the same, wall time',
        subject: m.subject,
        reference: m.ref,
        ratio: m.wall.median,
        budget: '≤ +300 ms',
        unit: 'ms',
        verdict: m.wallDiff.median <= 300 ? 'PASS' : 'MISS',
        note: `${Math.round(m.wallDiff.median)} ms more (${Math.round(m.wallDiff.min)} to ${Math.round(m.wallDiff.max)})`,
      },
      {
        measure: '… the same with the parse cache cold (a new version of deploy-wizard), CPU',
        subject: cold.subjectCpu,
        reference: cold.refCpu,
        ratio: cold.cpu.median,
        budget: null,
        unit: 'ms',
        verdict: 'report',
        note: `${coldPairs} pairs; ${Math.round(cold.cpuDiff.median)} ms more; wall ${Math.round(cold.wallDiff.median)} ms more`,
      },
    ]
    const notes = [
      `the run: ${ITEMS} items in 8 phases, ${ANSWERED} answered through the store (src/run, with tsx), one in ten skipped with a note; its checklist's parse in the home's cache (a \`validate\` of it by the built CLI); each resume on a copy of that home; first frame = the phase screen's key footer (the checklist has no commands and is unchanged: no trust question, nothing changed to show)`,
      `medians of ${pairs} interleaved pairs (after one unmeasured); the differences are medians of the per-pair differences; CPU = the process's threads' run time up to the first frame (/proc/<pid>/task/*/schedstat), read when the frame reaches the bench (both sides start their due checks right after drawing, so both may count a little of that)`,
    ]
    return report('Resume', rows, notes)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (isMain(import.meta.url)) await run()
