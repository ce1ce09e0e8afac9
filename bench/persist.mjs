/**
 * Persistence, through the store's own modules (src/run, loaded with tsx:
 * dist/ is one bundle): with 200 runs stored,
 * answer-to-disk latency on a 2,000-item run (p50/p99; the reference is the
 * least a durable append of the same line can cost: write it, fdatasync; the
 * whole-file replace the store did before is measured alongside for the note),
 * the same on a 40-item run (flat: an answer costs the same at item 5 and at
 * item 2,000), listing the runs (against reading and parsing every run file),
 * and resuming a 2,000-item run whose journal holds an answer and a check
 * result for every item (against reading and parsing it). Also, when moto_server
 * is there, the same answers on a team run (a store in moto): the outbox reads
 * the journal, so acknowledging an answer is still the one durable append, while
 * the entries go to the store in the background between answers.
 */
import {
  closeSync,
  fdatasyncSync,
  fsyncSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { register } from 'tsx/esm/api'
import { absRow, isMain, median, percentile, ROOT, report, row } from './lib.mjs'
import { startMoto } from './team-store.mjs'

register()
const source = (path) => import(join(ROOT, 'src', path))

function checklistText(count) {
  const lines = ['---', 'title: Persist bench', 'environments: [dev]', '---']
  const perPhase = Math.ceil(count / 4)
  for (let i = 0; i < count; i++) {
    if (i % perPhase === 0) lines.push(`## Phase ${i / perPhase + 1}`)
    lines.push(
      i % 10 === 0
        ? `- [ ] Item ${i + 1} is set <!-- check: env name=HOME -->`
        : `- [ ] Item ${i + 1} done by hand`,
    )
  }
  return `${lines.join('\n')}\n`
}

/** The least a durable append of `bytes` to the open `fd` can cost. */
function durableAppend(fd, bytes) {
  writeSync(fd, bytes)
  fdatasyncSync(fd)
}

/** The last line of a file, newline included: what the store appended for the last answer. */
function lastLine(file) {
  const text = readFileSync(file, 'utf8')
  return text.slice(text.lastIndexOf('\n', text.length - 2) + 1)
}

/** The least a durable replace of `file` with `bytes` can cost. */
function durableWrite(file, bytes) {
  const temp = `${file}.ref-tmp`
  const fd = openSync(temp, 'w', 0o600)
  writeSync(fd, bytes)
  fsyncSync(fd)
  closeSync(fd)
  renameSync(temp, file)
  const dir = openSync(join(file, '..'), 'r')
  fsyncSync(dir)
  closeSync(dir)
}

export async function run({ answers = 500, stored = 200, items = 2000 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'dw-bench-persist-'))
  const env = { DEPLOY_WIZARD_HOME: join(dir, 'home') }
  const { loadChecklist } = await source('checklist/load.ts')
  const { startRun, resumeRun } = await source('run/start.ts')
  const { COMPACT_EVERY, listRuns } = await source('run/store.ts')
  try {
    const smallFile = join(dir, 'small.md')
    const bigFile = join(dir, 'big.md')
    writeFileSync(smallFile, checklistText(40))
    writeFileSync(bigFile, checklistText(items))
    const small = (await loadChecklist(smallFile)).checklist
    const big = (await loadChecklist(bigFile)).checklist
    const options = { env, cwd: dir }

    // 200 stored runs of a 40-item checklist, each answered in part.
    for (let r = 0; r < stored; r++) {
      const session = startRun(small, 'dev', 'bench', options)
      for (const item of small.items.slice(0, 20)) session.answer(item.id, 'done')
      await session.close(0)
    }

    // Answer-to-disk on a fresh 2,000-item run, interleaved with the reference append; then,
    // for the note, the whole-file replace the store did before this layout (not interleaved:
    // its large syncs would slow the appends measured next to them).
    const runs = join(env.DEPLOY_WIZARD_HOME, 'runs')
    const session = startRun(big, 'dev', 'bench', options)
    // The same on a 40-item run, interleaved too: the cost does not grow with the run.
    const smallSession = startRun(small, 'dev', 'bench', options)
    const smallLatencies = []
    const runFile = join(runs, `${session.id}.json`)
    const journalFile = join(runs, `${session.id}.journal`)
    const refFile = join(dir, 'reference.json')
    const refJournal = openSync(join(dir, 'reference.journal'), 'a', 0o600)
    const latencies = []
    const refs = []
    const replaces = []
    // And on a team run of the same checklist (when moto_server is there), interleaved too, the
    // event loop turning after each round as between keypresses: its outbox sends meanwhile.
    const team = await teamRun(big, options)
    const teamLatencies = []
    let line = Buffer.alloc(0)
    for (let i = 0; i < answers; i++) {
      let t = performance.now()
      durableAppend(refJournal, i === 0 ? Buffer.alloc(220, 0x20) : line)
      refs.push(performance.now() - t)
      t = performance.now()
      session.answer(big.items[i].id, 'done')
      latencies.push(performance.now() - t)
      line = Buffer.from(lastLine(journalFile))
      t = performance.now()
      smallSession.answer(small.items[i % small.items.length].id, i % 2 ? 'done' : 'failed')
      smallLatencies.push(performance.now() - t)
      if (team.session) {
        t = performance.now()
        team.session.answer(big.items[i].id, 'done')
        teamLatencies.push(performance.now() - t)
        await new Promise((resolve) => setImmediate(resolve))
      }
    }
    const teamNote = await team.finish()
    await smallSession.close(0)
    closeSync(refJournal)
    const snapshotSize = statSync(runFile).size
    const journalSize = statSync(journalFile).size
    const whole = Buffer.concat([readFileSync(runFile), readFileSync(journalFile)])
    for (let i = 0; i < answers; i++) {
      const t = performance.now()
      durableWrite(refFile, whole)
      replaces.push(performance.now() - t)
    }
    await session.close(0)

    // A 2,000-item run with an answer and a check result for every item.
    const full = startRun(big, 'dev', 'bench', options)
    const fullId = full.id
    await full.close(0)
    const fullFile = join(env.DEPLOY_WIZARD_HOME, 'runs', `${fullId}.json`)
    const data = JSON.parse(readFileSync(fullFile, 'utf8'))
    const at = new Date().toISOString()
    for (const item of big.items) {
      if (item.check) {
        data.journal.push({
          type: 'check-finished',
          at,
          itemId: item.id,
          result: {
            status: 'pass',
            summary: 'HOME is set (12 characters)',
            details: [],
            evidence: { length: 12 },
            outputs: {},
            durationMs: 1,
            at,
          },
        })
      }
      data.journal.push({ type: 'item-answered', at, by: 'bench', itemId: item.id, state: 'done' })
    }
    writeFileSync(fullFile, JSON.stringify(data, undefined, '\t'))
    const fullSize = statSync(fullFile).size

    const resumes = []
    const parses = []
    for (let i = 0; i < 7; i++) {
      let t = performance.now()
      JSON.parse(readFileSync(fullFile, 'utf8'))
      parses.push(performance.now() - t)
      t = performance.now()
      const resumed = resumeRun(fullId, big, 'bench', 3_600_000, options)
      resumes.push(performance.now() - t)
      await resumed.session.close(0)
    }

    const lists = []
    const reads = []
    const folder = join(env.DEPLOY_WIZARD_HOME, 'runs')
    let count = 0
    for (let i = 0; i < 7; i++) {
      let t = performance.now()
      for (const name of readdirSync(folder)) {
        if (name.endsWith('.json')) JSON.parse(readFileSync(join(folder, name), 'utf8'))
      }
      reads.push(performance.now() - t)
      t = performance.now()
      count = listRuns({ env }).runs.length
      lists.push(performance.now() - t)
    }

    const rows = [
      absRow('answer → on disk, p50', percentile(latencies, 50), percentile(refs, 50), 10),
      absRow('answer → on disk, p99', percentile(latencies, 99), percentile(refs, 99), 10),
      absRow(
        'answer → on disk on a 40-item run, p99',
        percentile(smallLatencies, 99),
        percentile(refs, 99),
        10,
      ),
      row(`list ${count} runs (\`runs\`, the wizard's start)`, median(lists), median(reads), null),
      absRow(`resume a ${items}-item run`, median(resumes), median(parses), 200),
      ...(teamLatencies.length > 0
        ? [
            absRow(
              'answer → on disk on a team run, p50',
              percentile(teamLatencies, 50),
              percentile(latencies, 50),
              10,
            ),
            absRow(
              'answer → on disk on a team run, p99',
              percentile(teamLatencies, 99),
              percentile(latencies, 99),
              10,
            ),
          ]
        : []),
    ]
    const kb = (n) => `${Math.round(n / 1024)} KB`
    const ms = (n) => `${n.toFixed(2)} ms`
    const notes = [
      `${answers} answers on a ${items}-item run (one of them folds the journal file into the snapshot, every ${COMPACT_EVERY} entries; snapshot ${kb(snapshotSize)}, journal file ${kb(journalSize)} after them) with ${stored} other runs stored; reference = append a line of the same size to a file and fdatasync it (the floor for a durable answer)`,
      `for scale, the whole-file replace the store did before (write a temp file of the run's size, fsync, rename, fsync the folder), ${answers} times after the answers: p50 ${ms(percentile(replaces, 50))}, p99 ${ms(percentile(replaces, 99))}`,
      `listing reads runs-index.json and stats each run's files (a run changed since is read whole); listing reference = read and JSON.parse every run file; resume reference = read and JSON.parse the run file (${kb(fullSize)}, ${data.journal.length} journal entries); medians of 7`,
      teamNote,
    ]
    return report('Persistence', rows, notes)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * A new team run of `checklist` in a store in moto, through the wizard's services, to answer
 * alongside the local run; `finish` waits for the store to have every answer, and says how long
 * that took. No moto_server: no session, and a note saying so.
 */
async function teamRun(checklist, options) {
  let moto
  try {
    moto = await startMoto()
  } catch (error) {
    return { session: null, finish: async () => `team run not measured: ${error.message}` }
  }
  const saved = { ...process.env }
  const restore = () => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name]
    Object.assign(process.env, saved)
    try {
      process.kill(-moto.child.pid, 'SIGTERM')
    } catch {}
  }
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: moto.url,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
  })
  try {
    const { S3Client, CreateBucketCommand } = await import('@aws-sdk/client-s3')
    const s3 = new S3Client({ forcePathStyle: true })
    await s3.send(new CreateBucketCommand({ Bucket: 'dw-bench-persist' }))
    s3.destroy()
    const { wizardServices } = await source('run/start.ts')
    const services = wizardServices({
      ...options,
      staleAfterMs: 3_600_000,
      store: 's3://dw-bench-persist/dw',
    })
    const session = await services.startRun(checklist, 'dev', 'bench')
    return {
      session,
      finish: async () => {
        try {
          const started = performance.now()
          while (session.snapshot.sync?.text !== 'synced')
            await new Promise((r) => setTimeout(r, 20))
          const drainMs = performance.now() - started
          await session.close(0)
          return `team run: the same answers on a team run of the ${checklist.items.length}-item checklist, its store in moto on this machine (reference: the local run's answers); its outbox reads the journal, so an answer is the same one durable append; the store had every answer ${Math.round(drainMs)} ms after the last`
        } finally {
          restore()
        }
      },
    }
  } catch (error) {
    restore()
    throw error
  }
}

if (isMain(import.meta.url)) await run(process.env.BENCH_QUICK ? { answers: 20, stored: 20 } : {})
