/**
 * The run store on real files in a temporary DEPLOY_WIZARD_HOME: what a run
 * file holds, listing and finding runs, the lock against a second process,
 * files that cannot be used, and that nothing secret is ever written.
 */
import assert from 'node:assert/strict'
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import { after, afterEach, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { parseChecklist } from '../../src/checklist/parse.ts'
import { UserError } from '../../src/errors.ts'
import { takeHomeProblems } from '../../src/home.ts'
import { isAlive, lockStatus } from '../../src/run/lock.ts'
import type { JournalEntry } from '../../src/run/model.ts'
import {
  createRun,
  findUnfinishedRun,
  listRuns,
  mayBeRunOf,
  newRunId,
  openRun,
  RUN_ID_PATTERN,
  type RunHandle,
  removeRun,
  runsFolder,
  toStoredResult,
} from '../../src/run/store.ts'
import { checklistOf, runChecklist } from '../helpers/checks.ts'
import { parseSeed, SEEDS } from '../helpers/fixtures.ts'
import { type RunOnDisk, readRunFiles } from '../helpers/run-files.ts'

const WRITER = fileURLToPath(new URL('../helpers/run-writer.ts', import.meta.url))
const NOV_22_0914 = new Date(2026, 10, 22, 9, 14)
const checklist = parseSeed(SEEDS[0]).checklist
const homes: string[] = []
const children: ChildProcess[] = []

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL')
})
after(() => {
  for (const home of homes) rmSync(home, { recursive: true, force: true })
})

/** A fresh DEPLOY_WIZARD_HOME; `env` is what the store is given. */
function freshHome(): { home: string; env: Record<string, string>; runs: string } {
  const home = mkdtempSync(join(tmpdir(), 'dw-store-'))
  homes.push(home)
  return { home, env: { DEPLOY_WIZARD_HOME: home }, runs: join(home, 'runs') }
}

function answer(itemId: string, n: number, at = new Date()): JournalEntry {
  return {
    type: 'item-answered',
    at: at.toISOString(),
    by: 'ana',
    itemId,
    state: 'done',
    note: `n${n}`,
  }
}

/** The run whose snapshot is `path`, as its two files hold it. */
function readRunFile(path: string): RunOnDisk {
  return readRunFiles(dirname(path), basename(path, '.json'))
}

/** A second deploy-wizard process that keeps the run open until the test ends. */
async function holdInAnotherProcess(
  id: string,
  env: Record<string, string>,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, 'hold', id], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  children.push(child)
  await new Promise<void>((resolve, reject) => {
    let out = ''
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk
      if (out.includes('opened\n')) resolve()
    })
    child.on('close', (code) => reject(new Error(`holder exited with ${code}`)))
  })
  return child
}

/** The PID of a process that has already exited. */
function deadPid(): number {
  const result = spawnSync(process.execPath, ['-e', ''])
  assert.equal(result.status, 0)
  return result.pid
}

function lockFile(runs: string, id: string): string {
  return join(runs, `${id}.lock`)
}

describe('createRun', () => {
  it('writes one file under DEPLOY_WIZARD_HOME/runs with the header and a run-started entry', () => {
    const { env, runs } = freshHome()
    const run = createRun({
      checklist,
      environment: 'prod',
      now: NOV_22_0914,
      env: { ...env, DEPLOY_WIZARD_OPERATOR: 'ana' },
    })
    try {
      assert.match(run.id, /^prod-20261122-[a-z0-9]{4}$/)
      assert.equal(run.file, join(runs, `${run.id}.json`))
      assert.equal(runsFolder({ env }), runs)
      assert.equal(statSync(run.file).mode & 0o777, 0o600)

      const onDisk = readRunFile(run.file)
      assert.deepEqual(onDisk.header, {
        format: 'deploy-wizard/run@2',
        id: run.id,
        checklist: { path: resolve(checklist.path), title: checklist.title },
        environment: 'prod',
        operator: 'ana',
        host: hostname(),
        startedAt: NOV_22_0914.toISOString(),
        toolVersion: run.header.toolVersion,
      })
      const [started] = onDisk.journal
      assert.equal(started?.type, 'run-started')
      assert.ok(started?.type === 'run-started')
      assert.equal(started.sha256, checklist.sha256)
      assert.equal(started.items.length, checklist.items.length)
      const first = checklist.items[0]
      assert.ok(first)
      assert.deepEqual(started.items[0], {
        id: first.id,
        text: first.plain,
        phaseId: first.phaseId,
      })
      assert.deepEqual(run.state.sha256History, [checklist.sha256])
    } finally {
      run.close()
    }
  })

  it('takes the operator from DEPLOY_WIZARD_OPERATOR, or is told one', () => {
    const { env } = freshHome()
    const named = createRun({
      checklist,
      environment: 'dev',
      env: { ...env, DEPLOY_WIZARD_OPERATOR: 'kim' },
    })
    named.close()
    const told = createRun({ checklist, environment: 'dev', operator: 'lee', host: 'ci-7', env })
    told.close()
    assert.equal(named.header.operator, 'kim')
    assert.equal(told.header.operator, 'lee')
    assert.equal(told.header.host, 'ci-7')
  })

  it('gives every run a distinct short id', () => {
    const { env } = freshHome()
    const ids = new Set<string>()
    for (let i = 0; i < 20; i++) {
      const run = createRun({ checklist, environment: 'prod', now: NOV_22_0914, env })
      run.close()
      ids.add(run.id)
    }
    assert.equal(ids.size, 20)
    assert.equal(newRunId('Prod EU', NOV_22_0914).slice(0, -4), 'prod-eu-20261122-')
    assert.match(newRunId('staging_2', NOV_22_0914), RUN_ID_PATTERN)
  })

  it('tells another environment’s run by its id alone, and any other id is read to be sure', () => {
    for (const environment of ['prod', 'Prod EU', 'staging-eu-west-1-blue', 'dev']) {
      const id = newRunId(environment, NOV_22_0914)
      assert.ok(mayBeRunOf(id, environment), id)
      for (const other of ['prod', 'Prod EU', 'staging-eu-west-1-blue', 'dev'].filter(
        (name) => name !== environment,
      ))
        assert.ok(!mayBeRunOf(id, other), `${id} taken for ${other}'s`)
    }
    // Not newRunId's form: nothing can be told from it.
    assert.ok(mayBeRunOf('imported-run', 'prod'))
  })
})

describe('append', () => {
  it('is on disk when it returns, and a reopened run folds to the same state', () => {
    const { env } = freshHome()
    const run = createRun({ checklist, environment: 'prod', env })
    const [a, b] = checklist.items
    assert.ok(a && b)
    run.append(answer(a.id, 1))
    assert.equal(readRunFile(run.file).journal.length, 2)
    const state = run.append({
      type: 'item-answered',
      at: new Date().toISOString(),
      by: 'ana',
      itemId: b.id,
      state: 'skipped',
      note: 'not on this release',
    })
    assert.equal(readRunFile(run.file).journal.length, 3)
    assert.equal(state.items[b.id]?.state, 'skipped')
    // An answer its check gave stays the check's when the run is read back.
    const checked = run.append({
      type: 'item-answered',
      at: new Date().toISOString(),
      by: 'ana',
      itemId: a.id,
      state: 'done',
      byCheck: true,
    })
    assert.equal(checked.items[a.id]?.byCheck, true)
    run.close()

    const reopened = openRun(run.id, { env })
    try {
      assert.deepEqual(reopened.state, checked)
      assert.equal(reopened.state.items[a.id]?.byCheck, true)
      assert.deepEqual(reopened.journal, run.journal)
    } finally {
      reopened.close()
    }
  })

  it('refuses an entry it could not read back, and anything after close', () => {
    const { env } = freshHome()
    const run = createRun({ checklist, environment: 'prod', env })
    const bad = { type: 'item-answered', at: 'now', by: 'ana', itemId: 'x', state: 'maybe' }
    assert.throws(() => run.append(bad as unknown as JournalEntry), /malformed/)
    run.close()
    assert.throws(() => run.append(answer('x', 1)), /closed/)
    assert.equal(readRunFile(run.file).journal.length, 1)
  })
})

describe('listRuns and findUnfinishedRun', () => {
  it('derives the list from the files, most recently active first, with who has a run open', () => {
    const { env } = freshHome()
    const older = createRun({
      checklist,
      environment: 'prod',
      env,
      now: new Date('2026-11-20T10:00:00Z'),
    })
    older.close()
    const newer = createRun({
      checklist,
      environment: 'staging',
      env,
      now: new Date('2026-11-21T10:00:00Z'),
    })
    const item = checklist.items[0]
    assert.ok(item)
    newer.append(answer(item.id, 1, new Date('2026-11-21T10:05:00Z')))

    const listed = listRuns({ env })
    assert.deepEqual(listed.problems, [])
    assert.deepEqual(
      listed.runs.map((r) => r.id),
      [newer.id, older.id],
    )
    const [open, closed] = listed.runs
    assert.equal(open?.state.items[item.id]?.state, 'done')
    assert.equal(open?.locked?.pid, process.pid)
    assert.equal(open?.locked?.host, hostname())
    assert.equal(closed?.locked, undefined)
    newer.close()
    assert.equal(listRuns({ env }).runs[0]?.locked, undefined)
  })

  it('finds the latest unfinished run of a checklist in an environment', () => {
    const { env } = freshHome()
    const other = parseSeed(SEEDS[1]).checklist
    const at = (day: number) => new Date(`2026-11-${day}T10:00:00Z`)
    const make = (c: typeof checklist, environment: string, day: number, finished = false) => {
      const run = createRun({ checklist: c, environment, env, now: at(day) })
      if (finished) run.append({ type: 'finished', at: at(day).toISOString(), by: 'ana' })
      run.close()
      return run.id
    }
    make(checklist, 'prod', 10)
    const wanted = make(checklist, 'prod', 11)
    make(checklist, 'prod', 12, true)
    make(checklist, 'staging', 13)
    make(other, 'prod', 14)

    const found = findUnfinishedRun(checklist.path, 'prod', { env })
    assert.equal(found.run?.id, wanted)
    assert.deepEqual(found.problems, [])
    assert.equal(findUnfinishedRun(checklist.path, 'dev', { env }).run, undefined)
  })

  it('lists nothing in a home that has no runs yet', () => {
    const { env } = freshHome()
    assert.deepEqual(listRuns({ env }), { runs: [], problems: [] })
  })
})

describe('removeRun', () => {
  it('deletes a run and its leftovers', () => {
    const { env, runs } = freshHome()
    const run = createRun({ checklist, environment: 'prod', env })
    run.close()
    writeFileSync(join(runs, `${run.id}.json.tmp-17000000001a2b3c`), '{"hal')
    removeRun(run.id, { env })
    assert.deepEqual(readdirSync(runs), [])
    assert.deepEqual(listRuns({ env }).runs, [])
  })

  it('refuses while another process has the run open, and names no run it does not know', async () => {
    const { env } = freshHome()
    const run = createRun({ checklist, environment: 'prod', env })
    run.close()
    const holder = await holdInAnotherProcess(run.id, env)
    assert.throws(
      () => removeRun(run.id, { env }),
      (error: unknown) =>
        error instanceof UserError && error.message.includes(`open in PID ${holder.pid}`),
    )
    assert.ok(existsSync(run.file))
    assert.throws(() => removeRun('prod-20261122-zzzz', { env }), /no run prod-20261122-zzzz/)
  })
})

describe('the lock', () => {
  it('tells a second opener the PID, host and time of the process that has the run', async () => {
    const { env } = freshHome()
    const run = createRun({ checklist, environment: 'prod', env })
    run.close()
    const holder = await holdInAnotherProcess(run.id, env)
    let thrown: unknown
    try {
      openRun(run.id, { env }).close()
    } catch (error) {
      thrown = error
    }
    assert.ok(thrown instanceof UserError)
    assert.match(
      thrown.message,
      new RegExp(
        `^run ${run.id} is open in PID ${holder.pid} on ${hostname()} since \\d\\d:\\d\\d$`,
      ),
    )
    assert.equal(thrown.hint, 'finish or quit the other deploy-wizard first')

    holder.kill('SIGKILL')
    await new Promise((resolve) => holder.once('close', resolve))
    // Killed, it could not release the lock: the next opener takes it over.
    const reopened = openRun(run.id, { env })
    reopened.close()
  })

  it('takes over a lock left by a dead process on this host, and an empty one', () => {
    const { env, runs } = freshHome()
    const run = createRun({ checklist, environment: 'prod', env })
    run.close()
    const path = lockFile(runs, run.id)
    const dead = { pid: deadPid(), host: hostname(), since: new Date().toISOString() }
    writeFileSync(path, JSON.stringify(dead))
    assert.equal(lockStatus(path).kind, 'stale')
    const reopened = openRun(run.id, { env })
    assert.equal(JSON.parse(readFileSync(path, 'utf8')).pid, process.pid)
    reopened.close()
    assert.equal(existsSync(path), false, 'close releases the lock')

    // Killed between creating the lock and writing it.
    writeFileSync(path, '')
    openRun(run.id, { env }).close()
  })

  it('never takes over a lock from another host, and says how to clear it', () => {
    const { env, runs } = freshHome()
    const run = createRun({ checklist, environment: 'prod', env })
    run.close()
    const path = lockFile(runs, run.id)
    const since = new Date(2026, 10, 21, 17, 5)
    writeFileSync(
      path,
      JSON.stringify({ pid: deadPid(), host: 'build-box', since: since.toISOString() }),
    )
    assert.throws(
      () => openRun(run.id, { env }),
      (error: unknown) =>
        error instanceof UserError &&
        error.message.startsWith(`run ${run.id} is open in PID `) &&
        error.message.endsWith(' on build-box since 2026-11-21 17:05') &&
        error.hint === `if deploy-wizard is no longer running on build-box, delete ${path}`,
    )
  })
})

/** A process that has exited but that its parent never reaps: a zombie, as /proc shows it. */
async function zombie(): Promise<{ pid: number; parent: ChildProcess }> {
  // sh starts a short sleep in the background, then becomes a long one, which never waits for
  // children: when the short one ends, nobody reaps it.
  const parent = spawn('sh', ['-c', 'sleep 0.2 & echo $!; exec sleep 1000'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  children.push(parent)
  const pid = await new Promise<number>((resolve) => {
    parent.stdout?.setEncoding('utf8').once('data', (line: string) => resolve(Number(line.trim())))
  })
  for (;;) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return { pid, parent }
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** A live process that is not deploy-wizard, started after this test's own process. */
function unrelatedProcess(): ChildProcess {
  const child = spawn('sleep', ['1000'], { stdio: 'ignore' })
  children.push(child)
  return child
}

describe('a lock whose PID is not the process that took it', () => {
  it('a zombie (exited, not reaped) holds nothing: the lock is taken over, saying what was found', async () => {
    const { env, runs } = freshHome()
    const run = createRun({ checklist, environment: 'prod', env })
    run.close()
    const path = lockFile(runs, run.id)
    const { pid } = await zombie()
    assert.equal(isAlive(pid), true, 'kill(pid, 0) alone takes a zombie for alive')
    writeFileSync(path, JSON.stringify({ pid, host: hostname(), since: new Date().toISOString() }))
    const status = lockStatus(path)
    assert.equal(status.kind, 'stale')
    assert.equal(
      status.kind === 'stale' && status.why,
      `the lock names PID ${pid} on this host, which has exited (a zombie its parent has not reaped yet)`,
    )
    assert.equal(listRuns({ env }).runs[0]?.locked, undefined, 'runs does not call it open')
    takeHomeProblems()
    openRun(run.id, { env }).close()
    assert.deepEqual(takeHomeProblems(), [
      `took over ${path}: ${status.kind === 'stale' && status.why}`,
    ])
  })

  for (const pid of [0, -1, 1.5, '42']) {
    it(`a lock naming PID ${JSON.stringify(pid)} is invalid, so stale, and taken over`, () => {
      const { env, runs } = freshHome()
      const run = createRun({ checklist, environment: 'prod', env })
      run.close()
      const path = lockFile(runs, run.id)
      writeFileSync(
        path,
        JSON.stringify({ pid, host: hostname(), since: new Date().toISOString() }),
      )
      const status = lockStatus(path)
      assert.equal(status.kind, 'stale')
      assert.equal(
        status.kind === 'stale' && status.why,
        `the lock names PID ${JSON.stringify(pid)}, which no process can have`,
      )
      const reopened = openRun(run.id, { env })
      assert.equal(JSON.parse(readFileSync(path, 'utf8')).pid, process.pid)
      reopened.close()
    })
  }

  it('a PID now used by another program (a different start time) is taken over, saying both times', async () => {
    const { env, runs } = freshHome()
    const run = createRun({ checklist, environment: 'prod', env })
    const path = lockFile(runs, run.id)
    // The lock as this process wrote it, with its start time…
    const ours = JSON.parse(readFileSync(path, 'utf8'))
    run.close()
    assert.match(ours.started?.token ?? '', /^linux:/)
    // …but naming a PID that now belongs to a live program started later.
    const other = unrelatedProcess()
    writeFileSync(path, JSON.stringify({ ...ours, pid: other.pid }))
    const status = lockStatus(path)
    assert.equal(status.kind, 'stale')
    assert.match(
      status.kind === 'stale' ? status.why : '',
      new RegExp(
        `^the lock names PID ${other.pid} on this host, which is now a different program \\(started \\d\\d:\\d\\d, the lock is from \\d\\d:\\d\\d\\)$`,
      ),
    )
    const reopened = openRun(run.id, { env })
    assert.equal(JSON.parse(readFileSync(path, 'utf8')).pid, process.pid)
    reopened.close()
    assert.equal(other.exitCode, null, 'the other program is left alone')
  })

  it('a live PID the lock cannot vouch for (no start time: an older lock) still holds, and the hint says how to check', () => {
    const { env, runs } = freshHome()
    const run = createRun({ checklist, environment: 'prod', env })
    run.close()
    const path = lockFile(runs, run.id)
    const other = unrelatedProcess()
    writeFileSync(
      path,
      JSON.stringify({ pid: other.pid, host: hostname(), since: new Date().toISOString() }),
    )
    assert.throws(
      () => openRun(run.id, { env }),
      (error: unknown) =>
        error instanceof UserError &&
        error.message.startsWith(`run ${run.id} is open in PID ${other.pid} on ${hostname()}`) &&
        error.hint ===
          `finish or quit the other deploy-wizard first; if PID ${other.pid} is not one (ps -p ${other.pid}), delete ${path}`,
    )
  })
})

describe('files the store cannot use', () => {
  const cases = [
    {
      name: 'bad JSON',
      content: '{"header": {"format": "deploy-wizard/run@1", ',
      kind: 'corrupt',
      reason: 'not valid JSON',
    },
    { name: 'no header', content: '{"journal": []}', kind: 'corrupt', reason: 'no run header' },
    {
      name: 'a newer format',
      content: JSON.stringify({ header: { format: 'deploy-wizard/run@3', id: 'x' }, entries: [] }),
      kind: 'newer',
      reason: 'written by a newer deploy-wizard (deploy-wizard/run@3)',
    },
  ] as const

  for (const { name, content, kind, reason } of cases) {
    it(`moves a file with ${name} aside and reports both paths`, () => {
      const { env, runs } = freshHome()
      const good = createRun({ checklist, environment: 'prod', env })
      good.close()
      const file = join(runs, 'prod-20261122-bad1.json')
      writeFileSync(file, content)

      const listed = listRuns({ env })
      assert.deepEqual(
        listed.runs.map((r) => r.id),
        [good.id],
      )
      const [problem] = listed.problems
      assert.equal(listed.problems.length, 1)
      assert.equal(problem?.kind, kind)
      assert.equal(problem?.file, file)
      assert.equal(problem?.reason, reason)
      const movedTo = problem?.movedTo
      assert.ok(typeof movedTo === 'string' && movedTo.startsWith(`${file}.${kind}-`))
      assert.equal(problem?.message, `run file ${file} is ${reason}; moved it aside to ${movedTo}`)
      // Moved, not wiped: the bytes are all there for the operator.
      assert.equal(readFileSync(movedTo, 'utf8'), content)
      assert.equal(existsSync(file), false)
      assert.deepEqual(listRuns({ env }).problems, [], 'reported once, then out of the way')
    })
  }

  it('opening an unusable run moves it aside too and says where it went', () => {
    const { env, runs } = freshHome()
    const file = join(runs, 'prod-20261122-bad2.json')
    mkdirSync(runs, { recursive: true })
    writeFileSync(file, 'not json')
    assert.throws(
      () => openRun('prod-20261122-bad2', { env }),
      (error: unknown) =>
        error instanceof UserError &&
        error.message.startsWith(
          `run file ${file} is not valid JSON; moved it aside to ${file}.corrupt-`,
        ),
    )
    assert.equal(existsSync(file), false)
    assert.equal(existsSync(lockFile(runs, 'prod-20261122-bad2')), false)
  })

  it('leaves an unusable file in place while a live process holds its lock', async () => {
    const { env, runs } = freshHome()
    const run = createRun({ checklist, environment: 'prod', env })
    run.close()
    const holder = await holdInAnotherProcess(run.id, env)
    writeFileSync(run.file, '{')
    const [problem] = listRuns({ env }).problems
    assert.equal(problem?.movedTo, null)
    assert.match(problem?.message ?? '', /open$/)
    assert.ok(problem?.message.includes(`PID ${holder.pid}`))
    assert.ok(existsSync(run.file))
    assert.ok(existsSync(lockFile(runs, run.id)))
  })

  it('keeps an entry of an unknown type in the file but leaves it out of the state', () => {
    const { env } = freshHome()
    const run = createRun({ checklist, environment: 'prod', env })
    run.close()
    const onDisk = JSON.parse(readFileSync(run.file, 'utf8'))
    const fromTheFuture = { type: 'approval-requested', at: new Date().toISOString(), by: 'zed' }
    writeFileSync(
      run.file,
      JSON.stringify({ ...onDisk, journal: [...onDisk.journal, fromTheFuture] }),
    )

    const listed = listRuns({ env })
    assert.deepEqual(listed.problems, [])
    assert.equal(listed.runs[0]?.skippedEntries, 1)
    const reopened = openRun(run.id, { env })
    assert.equal(reopened.skippedEntries, 1)
    assert.deepEqual(
      reopened.journal.map((e) => e.type),
      ['run-started'],
    )
    const item = checklist.items[0]
    assert.ok(item)
    reopened.append(answer(item.id, 1))
    reopened.close()
    assert.deepEqual(
      readRunFile(run.file).journal.map((e) => e.type),
      ['run-started', 'approval-requested', 'item-answered'],
    )
  })
})

describe('secrets', () => {
  it('a whole run with checks that touch a secret writes it to no file', async () => {
    const { home, env } = freshHome()
    const secret = `s3cr3t-${Math.random().toString(36).slice(2)}-never-stored`
    const markdown = checklistOf(
      'env name=DEPLOY_API_TOKEN min-length=8',
      'command run="echo the token is $DEPLOY_API_TOKEN"',
    )
    const checked = await runChecklist(markdown, {
      processEnv: { ...process.env, DEPLOY_API_TOKEN: secret },
    })
    const parsed = parseChecklist(markdown, { path: join(home, 'inline.md') }).checklist

    const run: RunHandle = createRun({ checklist: parsed, environment: 'dev', env })
    for (const [itemId, result] of checked.results) {
      run.append({
        type: 'check-finished',
        at: new Date().toISOString(),
        itemId,
        result: toStoredResult(result, new Date()),
      })
      run.append(answer(itemId, 1))
    }
    run.append({
      type: 'signoff-entered',
      at: new Date().toISOString(),
      by: 'ana',
      fieldId: 'qa',
      value: 'Ana',
    })
    run.append({ type: 'finished', at: new Date().toISOString(), by: 'ana' })
    run.close()
    listRuns({ env })

    // Not vacuous: both checks ran, and the command's output was kept (masked).
    const stored = readFileSync(run.file, 'utf8')
    assert.equal(checked.results.size, 2)
    assert.ok(stored.includes('the token is ***'), 'the command output is stored, masked')
    const written = filesUnder(home)
    assert.ok(written.includes(run.file))
    for (const file of written) {
      assert.equal(readFileSync(file, 'utf8').includes(secret), false, `${file} holds the secret`)
    }
  })
})

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
}
