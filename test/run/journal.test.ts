/**
 * The run's two files on real disk: answers appended one line at a time to
 * `<run-id>.journal` while the snapshot `<run-id>.json` is left alone; a torn
 * last line dropped and cut off, damage before good lines reported; compaction
 * at finish, every COMPACT_EVERY entries, and cut short; a run file of
 * deploy-wizard 0.1 migrated on first open; and the index `runs` lists from.
 */
import assert from 'node:assert/strict'
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { runProgress } from '../../src/run/describe.ts'
import type { JournalEntry } from '../../src/run/model.ts'
import { COMPACT_EVERY, createRun, listRuns, openRun, type RunHandle } from '../../src/run/store.ts'
import { fixturePath, parseSeed, SEEDS } from '../helpers/fixtures.ts'
import { readRunFiles } from '../helpers/run-files.ts'

const checklist = parseSeed(SEEDS[0]).checklist
const homes: string[] = []
after(() => {
  for (const home of homes) rmSync(home, { recursive: true, force: true })
})

function freshHome(): { home: string; env: Record<string, string>; runs: string } {
  const home = mkdtempSync(join(tmpdir(), 'dw-journal-'))
  homes.push(home)
  return { home, env: { DEPLOY_WIZARD_HOME: home }, runs: join(home, 'runs') }
}

function answer(n: number): JournalEntry {
  const item = checklist.items[n % checklist.items.length]
  assert.ok(item)
  return {
    type: 'item-answered',
    at: new Date().toISOString(),
    by: 'ana',
    itemId: item.id,
    state: 'done',
    note: `answer ${n}`,
  }
}

function notes(journal: readonly JournalEntry[]): string[] {
  return journal.flatMap((e) => (e.type === 'item-answered' && e.note ? [e.note] : []))
}

/** A closed run with `count` answers, all in its journal file (opened once, so not compacted). */
function runWithAnswers(env: Record<string, string>, count: number): RunHandle {
  const run = createRun({ checklist, environment: 'prod', env })
  for (let n = 1; n <= count; n++) run.append(answer(n))
  run.close()
  return run
}

describe('answering', () => {
  it('appends one line per answer to the journal file and leaves the snapshot alone', () => {
    const { env, runs } = freshHome()
    const run = createRun({ checklist, environment: 'prod', env })
    assert.equal(run.journalFile, join(runs, `${run.id}.journal`))
    const snapshot = readFileSync(run.file)
    const inode = statSync(run.file).ino
    for (let n = 1; n <= 5; n++) {
      run.append(answer(n))
      const lines = readFileSync(run.journalFile, 'utf8').split('\n')
      assert.equal(lines.pop(), '', 'every line is whole')
      assert.equal(lines.length, n)
      assert.deepEqual(JSON.parse(lines.at(-1) ?? '').entry, run.journal.at(-1))
    }
    assert.deepEqual(readFileSync(run.file), snapshot, 'the snapshot was not rewritten')
    assert.equal(statSync(run.file).ino, inode)
    assert.equal(statSync(run.journalFile).mode & 0o777, 0o600)
    run.close()
    assert.deepEqual(
      notes(readRunFiles(runs, run.id).journal),
      [1, 2, 3, 4, 5].map((n) => `answer ${n}`),
    )
  })

  it('folds the journal file into the snapshot when the run finishes', () => {
    const { env, runs } = freshHome()
    const run = createRun({ checklist, environment: 'prod', env })
    run.append(answer(1))
    run.append({ type: 'finished', at: new Date().toISOString(), by: 'ana' })
    assert.equal(readFileSync(run.journalFile, 'utf8'), '')
    const onDisk = readRunFiles(runs, run.id)
    assert.equal(onDisk.inSnapshot, 3)
    assert.deepEqual(onDisk.journal, run.journal)
    run.close()
  })

  it(`folds it into the snapshot every ${COMPACT_EVERY} entries, so a run never closed reads quickly`, () => {
    const { env, runs } = freshHome()
    const run = createRun({ checklist, environment: 'prod', env })
    for (let n = 1; n < COMPACT_EVERY; n++) run.append(answer(n))
    assert.equal(readRunFiles(runs, run.id).inSnapshot, 1)
    run.append(answer(COMPACT_EVERY))
    assert.equal(readRunFiles(runs, run.id).inSnapshot, COMPACT_EVERY + 1)
    assert.equal(statSync(run.journalFile).size, 0)
    run.append(answer(COMPACT_EVERY + 1))
    run.close()
    const reopened = openRun(run.id, { env })
    assert.equal(notes(reopened.journal).length, COMPACT_EVERY + 1)
    reopened.close()
  })
})

describe('a journal file a kill or a power cut left', () => {
  const torn = [
    {
      name: 'cut short mid-line',
      bytes: '{"seq":6,"sha":"0123456789abcdef","entry":{"type":"item-ans',
    },
    {
      name: 'whole but with a wrong checksum',
      bytes: '{"seq":6,"sha":"0123456789abcdef","entry":{}}\n',
    },
    { name: 'zeros where the line was', bytes: '\0'.repeat(300) },
  ]
  for (const { name, bytes } of torn) {
    it(`drops a torn last line (${name}), keeps every whole one, and the next writer cuts it off`, () => {
      const { env, runs } = freshHome()
      const run = runWithAnswers(env, 5)
      const good = readFileSync(run.journalFile)
      appendFileSync(run.journalFile, bytes)

      const listed = listRuns({ env })
      assert.deepEqual(listed.problems, [])
      assert.equal(listed.runs[0]?.progress.answered, 5)

      const reopened = openRun(run.id, { env })
      assert.deepEqual(
        notes(reopened.journal),
        [1, 2, 3, 4, 5].map((n) => `answer ${n}`),
      )
      // Opening tidied up: the torn bytes are gone (here by folding everything into the snapshot).
      assert.equal(readFileSync(reopened.journalFile, 'utf8').includes('seq":6'), false)
      reopened.append(answer(6))
      reopened.close()
      const onDisk = readRunFiles(runs, run.id)
      assert.equal(onDisk.torn, '')
      assert.deepEqual(
        notes(onDisk.journal),
        [1, 2, 3, 4, 5, 6].map((n) => `answer ${n}`),
      )
      assert.ok(good.length > 0)
    })
  }

  it('reports a damaged line with good lines after it, and moves both files aside', () => {
    const { env, runs } = freshHome()
    const run = runWithAnswers(env, 3)
    const lines = readFileSync(run.journalFile, 'utf8').split('\n')
    lines[1] = lines[1]?.replace('answer 2', 'answer X') ?? ''
    writeFileSync(run.journalFile, lines.join('\n'))

    const { runs: listed, problems } = listRuns({ env })
    assert.deepEqual(listed, [])
    assert.equal(problems[0]?.reason, 'damaged journal line 2')
    assert.deepEqual(
      readdirSync(runs)
        .filter((name) => name.startsWith(run.id))
        .map((name) => name.replace(/-\d{8}T\d+Z$/, '-<time>'))
        .sort(),
      [`${run.id}.journal.corrupt-<time>`, `${run.id}.json.corrupt-<time>`],
    )
  })

  it('reads each entry once when a compaction was cut short after the snapshot was written', () => {
    const { env, runs } = freshHome()
    const run = runWithAnswers(env, 4)
    // What a kill between writing the snapshot and emptying the journal file leaves.
    const whole = readRunFiles(runs, run.id)
    const snapshot = JSON.parse(readFileSync(run.file, 'utf8'))
    writeFileSync(run.file, JSON.stringify({ ...snapshot, journal: whole.journal.slice(0, 3) }))
    assert.equal(listRuns({ env }).runs[0]?.progress.answered, 4)
    const reopened = openRun(run.id, { env })
    assert.deepEqual(
      notes(reopened.journal),
      [1, 2, 3, 4].map((n) => `answer ${n}`),
    )
    reopened.append(answer(5))
    reopened.close()
    assert.deepEqual(
      notes(readRunFiles(runs, run.id).journal),
      [1, 2, 3, 4, 5].map((n) => `answer ${n}`),
    )
  })
})

describe('a run file of deploy-wizard 0.1 (one file, run@1)', () => {
  const FIXTURE = fixturePath('runs/prod-20261122-v01a.json')
  const ID = 'prod-20261122-v01a'

  it('is listed as it is, and migrated by the first writer with nothing lost', () => {
    const { env, runs } = freshHome()
    mkdirSync(runs, { recursive: true })
    copyFileSync(FIXTURE, join(runs, `${ID}.json`))
    const original = JSON.parse(readFileSync(FIXTURE, 'utf8'))
    assert.equal(original.header.format, 'deploy-wizard/run@1')

    const [listed] = listRuns({ env }).runs
    assert.equal(listed?.id, ID)
    assert.deepEqual(listed?.progress, runProgress(listed.state))
    assert.equal(listed?.progress.answered, 2)
    assert.equal(listed?.state.items[original.journal[3].itemId]?.note, 'waiting for the DBA')
    assert.deepEqual(
      readFileSync(join(runs, `${ID}.json`), 'utf8'),
      readFileSync(FIXTURE, 'utf8'),
      'listing only reads',
    )

    const run = openRun(ID, { env })
    assert.deepEqual(run.journal, original.journal)
    assert.deepEqual(run.state, listed.state)
    const migrated = JSON.parse(readFileSync(run.file, 'utf8'))
    assert.deepEqual(migrated, {
      ...original,
      header: { ...original.header, format: 'deploy-wizard/run@2' },
    })
    run.append(answer(9))
    run.close()
    const onDisk = readRunFiles(runs, ID)
    assert.deepEqual(onDisk.journal, [...original.journal, run.journal.at(-1)])
  })
})

describe('the index of runs', () => {
  it('holds each run’s progress, follows a run that changed, and is rebuilt when damaged', () => {
    const { home, env } = freshHome()
    const first = runWithAnswers(env, 2)
    const second = runWithAnswers(env, 3)
    const index = join(home, 'runs-index.json')
    const listed = listRuns({ env }).runs
    assert.deepEqual(
      listed.map((r) => [r.id, r.progress.answered]),
      [
        [second.id, 3],
        [first.id, 2],
      ],
    )
    for (const run of listed) assert.deepEqual(run.progress, runProgress(run.state))
    const saved = JSON.parse(readFileSync(index, 'utf8'))
    assert.deepEqual(Object.keys(saved.runs).sort(), [first.id, second.id].sort())

    // Another process answers: the index no longer matches the files, so the run is read again.
    const again = openRun(first.id, { env })
    again.append(answer(3))
    again.append(answer(4))
    assert.equal(listRuns({ env }).runs.find((r) => r.id === first.id)?.progress.answered, 4)
    again.close()

    writeFileSync(index, '{"format": "deploy-wizard/runs-index@1", "runs": {"x": ')
    assert.deepEqual(
      listRuns({ env }).runs.map((r) => r.progress.answered),
      [4, 3],
    )
    assert.equal(JSON.parse(readFileSync(index, 'utf8')).format, 'deploy-wizard/runs-index@1')
    assert.ok(!existsSync(`${index}.corrupt`), 'a cache is rebuilt, not set aside')
  })

  it('is left without the temporary files of writers killed mid-write, once an hour old', () => {
    const { home, env } = freshHome()
    const first = runWithAnswers(env, 1)
    const index = join(home, 'runs-index.json')
    const left = `${index}.tmp-4242-deadbeef`
    const writing = `${index}.tmp-4243-cafef00d`
    writeFileSync(left, '{"format": "deploy-wizard/runs-ind')
    writeFileSync(writing, '{"format": "deploy-wizard/runs-ind')
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000)
    utimesSync(left, twoHoursAgo, twoHoursAgo)
    // Another process answers, so the listing rewrites the index.
    const again = openRun(first.id, { env })
    again.append(answer(2))
    again.close()
    assert.equal(listRuns({ env }).runs[0]?.progress.answered, 2)
    assert.ok(!existsSync(left), 'a killed writer’s temporary file is removed')
    assert.ok(existsSync(writing), 'a writer’s file of a minute ago may still be in use: kept')
  })
})
