/**
 * `kill -9` at any moment loses at most the answer being written: a real
 * writer process appends answers as fast as it can and is killed at random
 * points, over and over; after each kill the run still reads, every answer it
 * acknowledged is there, and the next opener takes over the dead writer's lock.
 */
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { lockStatus } from '../../src/run/lock.ts'
import type { JournalEntry } from '../../src/run/model.ts'
import { createRun, listRuns, openRun } from '../../src/run/store.ts'
import { parseSeed, SEEDS } from '../helpers/fixtures.ts'

const WRITER = fileURLToPath(new URL('../helpers/run-writer.ts', import.meta.url))
const home = mkdtempSync(join(tmpdir(), 'dw-crash-'))
const env = { DEPLOY_WIZARD_HOME: home }
after(() => rmSync(home, { recursive: true, force: true }))

/** Three runs are crashed side by side, ten kills each: thirty kills in a few seconds. */
const LANES = 3
const KILLS_PER_LANE = 10

interface Killed {
  /** Answer numbers the writer printed, i.e. that `append` had returned for. */
  readonly acknowledged: number[]
  readonly opened: boolean
  readonly pid: number
}

/** Starts a writer and SIGKILLs it at a random point: during start-up, locking, or appending. */
async function killWriterAtRandom(id: string): Promise<Killed> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, 'append', id], {
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
    // Anywhere in start-up, which ends with taking the lock and clearing leftovers.
    await sleep(Math.random() * 600)
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

/** Kills writers on one run again and again, checking the run after every kill. */
async function crashLane(id: string): Promise<{ answers: number; leftovers: number }> {
  let everAcknowledged = 0
  let leftovers = 0
  for (let kill = 0; kill < KILLS_PER_LANE; kill++) {
    const killed = await killWriterAtRandom(id)
    everAcknowledged = Math.max(everAcknowledged, ...killed.acknowledged)

    // The file reads as JSON as it is, whatever the kill interrupted.
    const file = join(home, 'runs', `${id}.json`)
    const onDisk = JSON.parse(readFileSync(file, 'utf8')) as { journal: JournalEntry[] }
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
    // The opener clears what the killed writer left behind.
    assert.deepEqual(
      readdirSync(join(home, 'runs')).filter((n) => n.startsWith(`${id}.json.tmp-`)),
      [],
    )
    resumed.close()
    everAcknowledged = numbers.length
  }
  return { answers: everAcknowledged, leftovers }
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
    t.diagnostic(
      `${LANES * KILLS_PER_LANE} kills, ${answers} answers kept, ${leftovers} temp files found after kills`,
    )
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
