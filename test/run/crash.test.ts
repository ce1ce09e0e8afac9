/**
 * `kill -9` at any moment loses at most the answer being written: a real
 * writer process appends answers to the run's journal file as fast as it can
 * and is killed at random points, over and over (at least 200 kills: during
 * start-up and locking, in the compaction an opener does, in the middle of a
 * line being written or synced); after each kill both files read, every answer
 * it acknowledged is there, a torn last line is the only damage a kill leaves,
 * and the next opener takes over the dead writer's lock and cuts that line off.
 * The writer is bundled once with esbuild, so a kill costs a start-up of tens
 * of milliseconds rather than tsx's second.
 *
 * And without processes, every point a kill could cut an append at: the
 * journal file cut at each byte of its last line, then reopened.
 *
 * And the same on a full disk (a real 64 KiB tmpfs, see helpers/mounts.ts): the
 * writer fills it, its saves start failing, and it is killed before, during and
 * after the failures; then space is freed and it goes on. No acknowledged answer
 * is ever lost, an answer the disk refused is never acknowledged (nor in the
 * file unless a later retry saved it), and failed saves leave no temporary files.
 */
import assert from 'node:assert/strict'
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { lockStatus } from '../../src/run/lock.ts'
import type { JournalEntry } from '../../src/run/model.ts'
import { createRun, listRuns, openRun } from '../../src/run/store.ts'
import { parseSeed, SEEDS } from '../helpers/fixtures.ts'
import { type Mount, smallDisk } from '../helpers/mounts.ts'
import { parseRunFiles, readRunFiles } from '../helpers/run-files.ts'

const WRITER_SOURCE = fileURLToPath(new URL('../helpers/run-writer.ts', import.meta.url))
const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const home = mkdtempSync(join(tmpdir(), 'dw-crash-'))
const env = { DEPLOY_WIZARD_HOME: home }
/** The bundled writer: `<bundle>/bin/run-writer.mjs`, with a package.json one level up for VERSION. */
const bundle = mkdtempSync(join(tmpdir(), 'dw-crash-writer-'))
const WRITER = join(bundle, 'bin', 'run-writer.mjs')
after(() => {
  rmSync(home, { recursive: true, force: true })
  rmSync(bundle, { recursive: true, force: true })
})
before(async () => {
  mkdirSync(join(bundle, 'bin'))
  copyFileSync(join(ROOT, 'package.json'), join(bundle, 'package.json'))
  await build({
    entryPoints: [WRITER_SOURCE],
    outdir: join(bundle, 'bin'),
    outExtension: { '.js': '.mjs' },
    // What only `create` needs (the markdown parser) stays out of the chunk every start loads.
    splitting: true,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    logLevel: 'warning',
    external: ['pg-native'],
    banner: {
      js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
    },
  })
})

/** Four runs are crashed side by side, fifty kills each: two hundred kill points. */
const LANES = 4
const KILLS_PER_LANE = 50

interface Killed {
  /** Answer numbers the writer printed, i.e. that `append` had returned for. */
  readonly acknowledged: number[]
  readonly opened: boolean
  readonly pid: number
}

/** Starts a writer and SIGKILLs it at a random point: during start-up, locking, or appending. */
async function killWriterAtRandom(id: string): Promise<Killed> {
  const child = spawn(process.execPath, [WRITER, 'append', id], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk
  })
  const closed = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('close', (_code, signal) => resolve(signal)),
  )
  const roll = Math.random()
  if (roll < 0.15) {
    // Anywhere in start-up, which ends with taking the lock, tidying and compacting the journal.
    await sleep(Math.random() * 150)
  } else {
    await waitFor(child, () => out.includes('opened\n'))
    // Mostly within the first few writes, sometimes right away, sometimes later.
    await sleep(roll < 0.4 ? 0 : Math.random() * 40)
  }
  child.kill('SIGKILL')
  // A writer that stopped by itself (an error) would make every check below vacuous.
  assert.equal(await closed, 'SIGKILL')
  const lines = out.split('\n')
  // A number whose line is cut short was never fully acknowledged: only whole lines count.
  const whole = lines.slice(0, -1)
  return {
    acknowledged: whole.filter((line) => /^\d+$/.test(line)).map(Number),
    opened: whole.includes('opened'),
    pid: child.pid as number,
  }
}

/** Resolves once `ready()` holds, or when the child ends, whichever is first. */
function waitFor(child: ChildProcess, ready: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (ready()) {
        child.stdout?.off('data', check)
        resolve()
      }
    }
    child.stdout?.on('data', check)
    child.on('close', () => resolve())
    check()
  })
}

function answerNumbers(journal: readonly JournalEntry[]): number[] {
  return journal.flatMap((entry) =>
    entry.type === 'item-answered' && entry.note?.startsWith('answer ')
      ? [Number(entry.note.slice('answer '.length))]
      : [],
  )
}

interface Lane {
  readonly answers: number
  readonly leftovers: number
  /** Kills that left the journal file ending in part of a line: caught mid-append. */
  readonly torn: number
}

/** Kills writers on one run again and again, checking the run after every kill. */
async function crashLane(id: string): Promise<Lane> {
  let everAcknowledged = 0
  let leftovers = 0
  let torn = 0
  for (let kill = 0; kill < KILLS_PER_LANE; kill++) {
    const killed = await killWriterAtRandom(id)
    everAcknowledged = Math.max(everAcknowledged, ...killed.acknowledged)

    // Both files read as they are, whatever the kill interrupted: the snapshot is JSON, and
    // every whole line of the journal file is a good entry in sequence.
    const onDisk = readRunFiles(join(home, 'runs'), id)
    if (onDisk.torn !== '') torn++
    const numbers = answerNumbers(onDisk.journal)
    // Nothing acknowledged is lost, in this life of the writer or an earlier one…
    for (let n = 1; n <= everAcknowledged; n++) {
      assert.ok(numbers.includes(n), `answer ${n} was acknowledged but is not in the journal`)
    }
    // …and at most the one answer being written went beyond what was acknowledged.
    assert.deepEqual(
      numbers,
      Array.from({ length: numbers.length }, (_, i) => i + 1),
      'answers are in order, without gaps or repeats',
    )
    assert.ok(
      numbers.length <= everAcknowledged + 1,
      `${numbers.length} answers, ${everAcknowledged} acknowledged`,
    )

    leftovers += readdirSync(join(home, 'runs')).filter((n) => n.includes('.tmp-')).length
    // Listing is not confused by the dead writer's temporary files or lock.
    const listed = listRuns({ env })
    assert.deepEqual(listed.problems, [])
    assert.ok(listed.runs.some((run) => run.id === id))

    // A writer killed after it opened the run left its lock; it is stale and taken over.
    const lockPath = join(home, 'runs', `${id}.lock`)
    if (killed.opened) {
      const status = lockStatus(lockPath)
      assert.equal(status.kind, 'stale')
      assert.equal(status.kind === 'stale' && JSON.parse(status.raw).pid, killed.pid)
    }
    const resumed = openRun(id, { env })
    assert.deepEqual(answerNumbers(resumed.journal), numbers)
    assert.equal(lockStatus(lockPath).kind, 'held')
    // The opener cut off the torn line: what the next writer appends follows a whole one.
    assert.equal(readRunFiles(join(home, 'runs'), id).torn, '')
    // The opener clears what the killed writer left behind.
    assert.deepEqual(
      readdirSync(join(home, 'runs')).filter((n) => n.startsWith(`${id}.json.tmp-`)),
      [],
    )
    resumed.close()
    everAcknowledged = numbers.length
  }
  return { answers: everAcknowledged, leftovers, torn }
}

describe('a writer killed with SIGKILL at random points', () => {
  it('never loses an acknowledged answer nor leaves a run that cannot be read', async (t) => {
    const checklist = parseSeed(SEEDS[0]).checklist
    const ids = Array.from({ length: LANES }, () => {
      const run = createRun({ checklist, environment: 'prod', env })
      run.close()
      return run.id
    })
    const lanes = await Promise.all(ids.map(crashLane))
    const answers = lanes.reduce((sum, lane) => sum + lane.answers, 0)
    const leftovers = lanes.reduce((sum, lane) => sum + lane.leftovers, 0)
    const torn = lanes.reduce((sum, lane) => sum + lane.torn, 0)
    t.diagnostic(
      `${LANES * KILLS_PER_LANE} kills, ${answers} answers kept, ${torn} torn last lines dropped, ${leftovers} temp files found after kills`,
    )
    assert.ok(LANES * KILLS_PER_LANE >= 200, 'at least 200 kill points')
    assert.ok(answers > 0, 'the writers got to answer something before being killed')

    // And the run resumes: one more answer after all that, read back by a fresh listing.
    const [first] = ids as [string]
    const run = openRun(first, { env })
    const before = answerNumbers(run.journal).length
    const item = run.state.snapshot[0]
    assert.ok(item)
    run.append({
      type: 'item-answered',
      at: new Date().toISOString(),
      by: 'test',
      itemId: item.id,
      state: 'done',
      note: `answer ${before + 1}`,
    })
    run.close()
    const listed = listRuns({ env }).runs.find((r) => r.id === first)
    assert.equal(listed?.state.items[item.id]?.note, `answer ${before + 1}`)
  })
})

describe('a journal file cut at every byte of its last line', () => {
  it('drops the cut line, keeps every whole one, and the next append follows them', () => {
    const checklist = parseSeed(SEEDS[0]).checklist
    const runs = join(home, 'runs')
    const run = createRun({ checklist, environment: 'dev', env })
    const item = run.state.snapshot[0]
    assert.ok(item)
    const nth = (n: number): JournalEntry => ({
      type: 'item-answered',
      at: new Date().toISOString(),
      by: 'test',
      itemId: item.id,
      state: 'done',
      note: `answer ${n}`,
    })
    for (let n = 1; n <= 3; n++) run.append(nth(n))
    const before = readFileSync(run.journalFile)
    // The line cut is longer than the answer appended after it: none of it may survive.
    run.append({
      type: 'note-added',
      at: new Date().toISOString(),
      by: 'test',
      itemId: item.id,
      note: 'a long note '.repeat(20),
    })
    run.close()
    const snapshot = readFileSync(run.file)
    const whole = readFileSync(run.journalFile)
    let cuts = 0
    for (let cut = before.length; cut < whole.length; cut++) {
      // What a kill in the middle of writing the note leaves: its first `cut` bytes.
      writeFileSync(run.file, snapshot)
      writeFileSync(run.journalFile, whole)
      truncateSync(run.journalFile, cut)
      const listed = listRuns({ env })
      assert.deepEqual(listed.problems, [])
      // Listed from the files (they changed): answer 3 is the last one the run holds.
      assert.equal(listed.runs.find((r) => r.id === run.id)?.state.items[item.id]?.note, 'answer 3')
      const reopened = openRun(run.id, { env })
      assert.deepEqual(answerNumbers(reopened.journal), [1, 2, 3], `cut at byte ${cut}`)
      assert.equal(reopened.journal.at(-1)?.type, 'item-answered', 'the cut note is not read')
      reopened.append(nth(4))
      reopened.close()
      const onDisk = readRunFiles(runs, run.id)
      assert.equal(onDisk.torn, '')
      assert.deepEqual(answerNumbers(onDisk.journal), [1, 2, 3, 4], `cut at byte ${cut}`)
      cuts++
    }
    assert.ok(cuts >= 200, `${cuts} cut points`)
  })
})

/** Kills on the full disk: enough for every kind of moment, few enough to keep the file quick. */
const FULL_DISK_KILLS = 12
/** Before this kill the ballast filling the disk is removed: the writer must go on from there. */
const SPACE_FREED_AT = 8
const PAGE = 4096

interface KilledOnFullDisk extends Killed {
  /** Answer numbers the writer printed as `not-saved n`: `append` threw for them. */
  readonly refused: number[]
}

/** The writer, seeing the small disk, SIGKILLed before, while, or after its saves fail. */
async function killWriterOnFullDisk(
  disk: Mount,
  diskEnv: NodeJS.ProcessEnv,
  id: string,
): Promise<KilledOnFullDisk> {
  const [command = '', ...args] = disk.wrap([process.execPath, WRITER, 'append', id])
  const child = spawn(command, args, {
    env: { ...process.env, ...diskEnv },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk
  })
  const closed = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('close', (_code, signal) => resolve(signal)),
  )
  const roll = Math.random()
  await waitFor(child, () => out.includes('opened\n'))
  if (roll < 0.3) {
    // Among the saves, full or not yet.
    await sleep(Math.random() * 20)
  } else {
    // Once saving fails: at once, or after a few failed tries. A writer whose saves never fail
    // on this full disk is writing cut-short files: it is killed all the same, and the file read.
    await Promise.race([waitFor(child, () => out.includes('not-saved ')), sleep(3_000)])
    await sleep(roll < 0.6 ? 0 : Math.random() * 30)
  }
  child.kill('SIGKILL')
  assert.equal(await closed, 'SIGKILL', `the writer stopped by itself: ${out.slice(-200)}`)
  const whole = out.split('\n').slice(0, -1)
  return {
    acknowledged: whole.filter((line) => /^\d+$/.test(line)).map(Number),
    refused: whole.flatMap((line) => /^not-saved (\d+)$/.exec(line)?.slice(1).map(Number) ?? []),
    opened: whole.includes('opened'),
    pid: child.pid as number,
  }
}

describe('a writer on a full disk, killed with SIGKILL at random points', () => {
  let disk: Mount | undefined
  after(async () => disk?.close())

  it('never loses an acknowledged answer, never acknowledges a refused one, and leaves no temporary files', async (t) => {
    disk = await smallDisk(64)
    const runs = join(disk.path, 'home', 'runs')
    const diskEnv = { DEPLOY_WIZARD_HOME: join(disk.path, 'home') }
    // Created through tsx: the seed is found beside the test helpers, not the bundle.
    const [command = '', ...args] = disk.wrap([
      process.execPath,
      '--import',
      'tsx',
      WRITER_SOURCE,
      'create',
      'prod',
    ])
    const created = spawnSync(command, args, {
      env: { ...process.env, ...diskEnv },
      encoding: 'utf8',
    })
    assert.equal(created.status, 0, created.stderr)
    const id = created.stdout.trim()
    const file = join(runs, `${id}.json`)
    const journal = join(runs, `${id}.journal`)

    // Room for about 6 KiB more of journal (some 25 answers), the rest filled with ballast.
    const [available = 0] = (await disk.sh('stat -f -c %a "$1"', disk.path))
      .trim()
      .split(' ')
      .map(Number)
    const keep = Math.ceil(6_000 / PAGE) + 1
    const ballast = join(disk.path, 'ballast')
    await disk.sh('head -c "$2" /dev/zero > "$1"', ballast, String((available - keep) * PAGE))

    let everAcknowledged = 0
    let refusals = 0
    let acknowledgedAfterFreeing = 0
    for (let kill = 0; kill < FULL_DISK_KILLS; kill++) {
      if (kill === SPACE_FREED_AT) await disk.sh('rm "$1"', ballast)
      const killed = await killWriterOnFullDisk(disk, diskEnv, id)
      if (kill >= SPACE_FREED_AT) acknowledgedAfterFreeing += killed.acknowledged.length
      refusals += killed.refused.length
      everAcknowledged = Math.max(everAcknowledged, ...killed.acknowledged)

      const onDisk = parseRunFiles(
        await disk.sh('cat "$1"', file),
        await disk.sh('cat "$1" 2>/dev/null || true', journal),
      )
      const numbers = answerNumbers(onDisk.journal)
      for (let n = 1; n <= everAcknowledged; n++) {
        assert.ok(numbers.includes(n), `answer ${n} was acknowledged but is not in the journal`)
      }
      assert.deepEqual(
        numbers,
        Array.from({ length: numbers.length }, (_, i) => i + 1),
        'answers are in order, without gaps or repeats',
      )
      assert.ok(
        numbers.length <= everAcknowledged + 1,
        `${numbers.length} answers, ${everAcknowledged} acknowledged`,
      )
      for (const n of killed.refused) {
        assert.ok(
          !killed.acknowledged.includes(n) || numbers.includes(n),
          `answer ${n} was refused, then acknowledged, yet is not in the file`,
        )
      }
      if (killed.refused.length > 0) {
        // The disk filled at the first refused answer: it, and nothing after it, was written.
        assert.equal(numbers.length, Math.min(...killed.refused) - 1)
      }
      // At most the one save the kill cut short left its temporary file; a failed one leaves none.
      const names = (await disk.sh('ls -A "$1"', runs)).trim().split('\n')
      assert.ok(names.filter((name) => name.includes('.tmp-')).length <= 1, names.join(' '))
      everAcknowledged = numbers.length
    }
    t.diagnostic(
      `${FULL_DISK_KILLS} kills, ${everAcknowledged} answers kept, ${refusals} saves refused, 0 acknowledged answers lost`,
    )
    assert.ok(refusals > 0, 'the disk filled: some saves were refused')
    assert.ok(acknowledgedAfterFreeing > 0, 'with space again, answers were saved again')
  })
})
