/**
 * RunSession on a real run file (a temporary DEPLOY_WIZARD_HOME) with real
 * checks against a local HTTP server: every entry is on disk before anyone is
 * told of it, check results set answers (and respect a skip), nothing secret is
 * stored, a resume records what changed and which results went stale, and
 * closing drops what was still running without losing what was said.
 */
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { loadChecklist } from '../../src/checklist/load.ts'
import { SIGN_OFF_SHEET } from '../../src/report/sheet.ts'
import { runProgress } from '../../src/run/describe.ts'
import type { JournalEntry } from '../../src/run/model.ts'
import type { RunSession, SessionEvent } from '../../src/run/session.ts'
import { liveCheck, startedCount } from '../../src/run/snapshot.ts'
import { resumeRun, startRun, unfinishedRuns } from '../../src/run/start.ts'
import { revokeTrust } from '../../src/trust.ts'
import { readRunFiles } from '../helpers/run-files.ts'
import { type LocalServer, startHttpServer } from '../helpers/servers.ts'
import { waitFor } from '../helpers/wait.ts'

const SECRET = 'tok-9f8e7d6c5b4a39281706'
const folders: string[] = []
const servers: LocalServer[] = []
after(async () => {
  for (const server of servers) await server.close()
  for (const folder of folders) rmSync(folder, { recursive: true, force: true })
})

/** A checklist on disk, a home for runs, and a server whose /slow answers after `slowMs`. */
async function setUp(slowMs = 50) {
  const dir = mkdtempSync(join(tmpdir(), 'dw-session-'))
  folders.push(dir)
  const server = await startHttpServer((req, res) => {
    if (req.url === '/slow') {
      setTimeout(() => res.writeHead(200).end('ok'), slowMs)
    } else if (req.url === '/echo') {
      // Echoes the credential it was sent: the session must not store it.
      res.writeHead(500).end(`denied for ${req.headers.authorization}`)
    } else res.writeHead(404).end()
  })
  servers.push(server)
  const path = join(dir, 'deploy.md')
  writeFileSync(
    path,
    `---
title: Session
environments: [dev]
---
## Checks
- [ ] Slow endpoint answers <!-- check: http url=${server.url}/slow status=200 -->
- [ ] Echo endpoint answers <!-- check: http url=${server.url}/echo status=200 bearer=\${env:API_TOKEN} -->
- [ ] Manual step

## Sign-Off
- [ ] Deployed by: ________ Date: ______
`,
  )
  const env = { DEPLOY_WIZARD_HOME: join(dir, 'home'), API_TOKEN: SECRET }
  const { checklist } = await loadChecklist(path)
  return { dir, path, env, checklist, runs: join(dir, 'home', 'runs') }
}

function journalOnDisk(runs: string, id: string): JournalEntry[] {
  return readRunFiles(runs, id).journal
}

function events(session: RunSession): SessionEvent[] {
  const seen: SessionEvent[] = []
  session.subscribe((event) => seen.push(event))
  return seen
}

describe('RunSession', () => {
  test('an answer is on disk before the listeners hear of it', async () => {
    const { env, checklist, runs } = await setUp()
    const session = startRun(checklist, 'dev', 'ana', { env })
    try {
      const seenOnDisk: boolean[] = []
      session.subscribe((event) => {
        if (event.type !== 'journal') return
        const journal = journalOnDisk(runs, session.id)
        seenOnDisk.push(journal.some((e) => JSON.stringify(e) === JSON.stringify(event.entry)))
      })
      session.answer('checks/manual-step', 'skipped', '  covered by CAB-12  ')
      session.note('checks/manual-step', 'asked Carla')
      assert.deepEqual(seenOnDisk, [true, true])
      const record = session.state.items['checks/manual-step']
      assert.equal(record?.state, 'skipped')
      assert.equal(record?.note, 'asked Carla')
      assert.equal(record?.by, 'ana')
    } finally {
      await session.close()
    }
  })

  test('check results are stored scrubbed, and set the item’s answer', async () => {
    const { env, checklist, runs } = await setUp()
    const session = startRun(checklist, 'dev', 'ana', { env })
    const seen = events(session)
    try {
      await session.runChecks(['checks/slow-endpoint-answers', 'checks/echo-endpoint-answers'])
      assert.deepEqual(
        seen
          .filter((e) => e.type === 'check-started')
          .map((e) => e.type === 'check-started' && e.itemId)
          .sort(),
        ['checks/echo-endpoint-answers', 'checks/slow-endpoint-answers'],
      )
      const items = session.state.items
      assert.equal(items['checks/slow-endpoint-answers']?.check?.status, 'pass')
      assert.equal(items['checks/slow-endpoint-answers']?.state, 'done')
      assert.equal(items['checks/echo-endpoint-answers']?.check?.status, 'fail')
      assert.equal(items['checks/echo-endpoint-answers']?.state, 'failed')
    } finally {
      await session.close()
    }
    for (const file of readdirSync(runs)) {
      assert.doesNotMatch(readFileSync(join(runs, file), 'utf8'), new RegExp(SECRET), file)
    }
    const stored = JSON.stringify(journalOnDisk(runs, session.id))
    assert.match(stored, /denied for Bearer/, 'the body was kept, masked')
  })

  test('a run closed while the code that runs checks still loads starts none, and none stays drawn as running', async () => {
    const { env, checklist, runs } = await setUp()
    const session = startRun(checklist, 'dev', 'ana', { env })
    const seen = events(session)
    // Asked for, then closed at once: the engine is imported when checks are first asked for.
    const running = session.runChecks(['checks/slow-endpoint-answers'])
    assert.deepEqual(Object.keys(session.snapshot.running), ['checks/slow-endpoint-answers'])
    await session.close()
    await running
    assert.deepEqual(session.snapshot.running, {})
    assert.equal(seen.filter((e) => e.type === 'check-started').length, 0)
    assert.ok(!journalOnDisk(runs, session.id).some((e) => e.type === 'check-finished'))
  })

  test('a check run the operator did not ask for leaves a skipped item alone', async () => {
    const { env, checklist } = await setUp()
    const session = startRun(checklist, 'dev', 'ana', { env })
    const id = 'checks/echo-endpoint-answers'
    try {
      session.answer(id, 'skipped', 'endpoint retired')
      await session.runChecks([id])
      assert.equal(session.state.items[id]?.state, 'skipped')
      assert.equal(session.state.items[id]?.check?.status, 'fail')
      await session.runChecks([id], { isExplicit: true })
      assert.equal(session.state.items[id]?.state, 'failed')
    } finally {
      await session.close()
    }
  })

  test('an untrusted command that another check needs keeps its earlier result', async () => {
    const { dir, env, runs } = await setUp()
    const path = join(dir, 'build.md')
    writeFileSync(
      path,
      `# Build\n\n## Build\n\n- [ ] Build <!-- id: build; check: command run="echo built" -->\n- [ ] After the build <!-- id: after; check: env name=PATH; needs: build -->\n`,
    )
    const { checklist } = await loadChecklist(path)
    const trusted = startRun(checklist, 'dev', 'ana', { env })
    trusted.trust()
    await trusted.runChecks(['after'])
    assert.equal(trusted.state.items.build?.check?.status, 'pass')
    await trusted.close()
    revokeTrust(checklist, env)

    const { session } = resumeRun(trusted.id, checklist, 'ana', 60_000, { env })
    try {
      assert.equal(session.isTrusted, false)
      await session.runChecks(['after'])
      const build = journalOnDisk(runs, session.id).filter(
        (entry) => entry.type === 'check-finished' && entry.itemId === 'build',
      )
      assert.equal(build.length, 1, 'the command was recorded again')
      assert.equal(session.state.items.build?.check?.status, 'pass')
      assert.equal(session.state.items.after?.check?.status, 'pass')
      // Asked for by itself, it is not run, and says so.
      await session.runChecks(['build'])
      assert.match(session.state.items.build?.check?.summary ?? '', /not run: .*not trusted/)
    } finally {
      await session.close()
    }
  })

  test('checks that need an untrusted command are judged on its earlier result: a failure blocks them', async () => {
    const { dir, env } = await setUp()
    const path = join(dir, 'failing-build.md')
    writeFileSync(
      path,
      `# Build\n\n## Build\n\n- [ ] Build <!-- id: build; check: command run="exit 1" -->\n- [ ] After the build <!-- id: after; check: env name=PATH; needs: build -->\n`,
    )
    const { checklist } = await loadChecklist(path)
    const trusted = startRun(checklist, 'dev', 'ana', { env })
    trusted.trust()
    await trusted.runChecks(['after'])
    assert.equal(trusted.state.items.build?.check?.status, 'fail')
    assert.equal(trusted.state.items.after?.check?.status, 'blocked')
    await trusted.close()
    revokeTrust(checklist, env)

    const { session } = resumeRun(trusted.id, checklist, 'ana', 60_000, { env })
    try {
      await session.runChecks(['after'])
      assert.equal(session.state.items.build?.check?.status, 'fail')
      assert.equal(session.state.items.after?.check?.status, 'blocked')
      assert.match(
        session.state.items.after?.check?.summary ?? '',
        /blocked: needs build, which failed/,
      )
      assert.notEqual(session.state.items.after?.state, 'done')
    } finally {
      await session.close()
    }
  })

  test('a check run the operator did not ask for leaves an answer given since the last result', async () => {
    const { env, checklist } = await setUp()
    const session = startRun(checklist, 'dev', 'ana', { env })
    const id = 'checks/echo-endpoint-answers'
    try {
      await session.runChecks([id])
      assert.equal(session.state.items[id]?.state, 'failed', 'the check’s own answer')
      await new Promise((done) => setTimeout(done, 5))
      session.answer(id, 'done', 'the endpoint is retired; 500 is expected')
      await session.runChecks([id])
      assert.equal(session.state.items[id]?.state, 'done', 'what the operator said stands')
      assert.equal(session.state.items[id]?.check?.status, 'fail')
      await session.runChecks([id], { isExplicit: true })
      assert.equal(session.state.items[id]?.state, 'failed', 'a run they asked for decides')
    } finally {
      await session.close()
    }
  })

  test('a write (a POST) runs only when asked for by itself, never because another check needs it', async () => {
    const { dir, env } = await setUp()
    let posts = 0
    const server = await startHttpServer((req, res) => {
      if (req.method === 'POST') posts++
      res.writeHead(200).end('ok')
    })
    servers.push(server)
    const path = join(dir, 'smoke.md')
    writeFileSync(
      path,
      `# Smoke\n\n## Smoke\n\n- [ ] Activate <!-- id: activate; check: http url=${server.url}/activate method=POST -->\n- [ ] Active <!-- id: active; check: http url=${server.url}/state; needs: activate -->\n`,
    )
    const { checklist } = await loadChecklist(path)
    const session = startRun(checklist, 'dev', 'ana', { env })
    try {
      await session.runChecks(['active', 'activate'])
      assert.equal(posts, 0, 'entering the phase wrote')
      assert.match(session.state.items.active?.check?.summary ?? '', /not run: needs activate/)
      await session.runChecks(['activate'], { isExplicit: true })
      assert.equal(posts, 1)
      await session.runChecks(['active'], { isExplicit: true })
      assert.equal(posts, 1, 'the check needing it wrote again')
      assert.equal(session.state.items.active?.check?.status, 'pass')
    } finally {
      await session.close()
    }
  })

  test('the snapshot holds a check from when it is asked for until its result is in, and changes with every change', async () => {
    const { env, checklist } = await setUp(200)
    const session = startRun(checklist, 'dev', 'ana', { env })
    const snapshots = [session.snapshot]
    session.subscribe(() => snapshots.push(session.snapshot))
    try {
      const id = 'checks/slow-endpoint-answers'
      const inFlight = () => session.snapshot.running[id]
      const done = session.runChecks([id])
      assert.equal(inFlight(), null, 'asked for, waiting its turn')
      await waitFor(() => liveCheck(inFlight()) !== undefined, 'the check started')
      assert.equal(liveCheck(inFlight())?.attempt, 1)
      await done
      assert.equal(id in session.snapshot.running, false)
      assert.equal(session.snapshot.run, session.state)
      assert.equal(session.snapshot.run.items[id]?.check?.status, 'pass')
      assert.equal(new Set(snapshots).size, snapshots.length, 'a new value on every change')
      assert.equal(session.snapshot.isTrusted, session.isTrusted)
    } finally {
      await session.close()
    }
  })

  test('closing drops checks still running, keeps what was said, and frees the run', async () => {
    const { env, checklist, runs } = await setUp(5_000)
    const session = startRun(checklist, 'dev', 'ana', { env })
    const seen = events(session)
    session.answer('checks/manual-step', 'done')
    const running = session.runChecks(['checks/slow-endpoint-answers'])
    await waitFor(() => startedCount(session.snapshot.running) > 0, 'a check is running')
    await session.close()
    await running
    assert.ok(seen.some((e) => e.type === 'check-dropped'))
    const journal = journalOnDisk(runs, session.id)
    assert.equal(journal.filter((e) => e.type === 'check-finished').length, 0)
    assert.ok(journal.some((e) => e.type === 'item-answered' && e.state === 'done'))
    assert.ok(!existsSync(join(runs, `${session.id}.lock`)))
    assert.throws(() => session.answer('checks/manual-step', 'failed'), /closed/)
  })

  test('a resume records who resumed and what changed, and names stale results', async () => {
    const { env, checklist, path } = await setUp()
    const first = startRun(checklist, 'dev', 'ana', { env })
    await first.runChecks(['checks/slow-endpoint-answers'])
    first.answer('checks/manual-step', 'done')
    await first.close()

    // The file changes: one item reworded, one added.
    writeFileSync(
      path,
      readFileSync(path, 'utf8').replace(
        '- [ ] Manual step',
        '- [ ] Manual steps\n- [ ] Tell the on-call engineer',
      ),
    )
    const { checklist: changed } = await loadChecklist(path)
    const later = () => new Date(Date.now() + 2 * 60 * 60_000)
    const resumed = resumeRun(first.id, changed, 'bruno', 60 * 60_000, { env, now: later })
    try {
      assert.deepEqual(resumed.changes, {
        added: ['checks/tell-the-on-call-engineer'],
        removed: [],
        reworded: [{ from: 'checks/manual-step', to: 'checks/manual-steps' }],
      })
      assert.deepEqual(resumed.stale, ['checks/slow-endpoint-answers'])
      const state = resumed.session.state
      assert.equal(state.items['checks/manual-steps']?.state, 'done')
      assert.equal(state.sha256History.length, 2)
      assert.equal(unfinishedRuns({ checklistPath: path, environment: 'dev' }, env).runs.length, 1)
      assert.throws(
        () => resumeRun(first.id, changed, 'carla', 60 * 60_000, { env }),
        /open in PID/,
        'a second wizard on the same run is refused',
      )
    } finally {
      await resumed.session.close()
    }
  })

  test('an item said to apply here after all is saved first, runs its check, and stays so on resume', async () => {
    const { env, path, runs } = await setUp()
    writeFileSync(
      path,
      readFileSync(path, 'utf8')
        .replace('environments: [dev]', 'environments: [dev, prod]')
        .replace('Slow endpoint answers', 'Slow endpoint answers (production only)'),
    )
    const { checklist } = await loadChecklist(path)
    const id = 'checks/slow-endpoint-answers-production-only'
    const first = startRun(checklist, 'dev', 'ana', { env })
    const status = () => first.state.items[id]?.check?.status
    await first.runChecks([id], { isExplicit: true })
    assert.equal(status(), undefined, 'not run while it does not apply')
    assert.deepEqual(runProgress(first.state), { answered: 0, total: 3 })
    first.overrideScope(id, true)
    const saved = journalOnDisk(runs, first.id).filter((e) => e.type === 'scope-overridden')
    assert.deepEqual(
      saved.map((e) => e.type === 'scope-overridden' && [e.itemId, e.applies, e.by]),
      [[id, true, 'ana']],
    )
    await first.runChecks([id], { isExplicit: true })
    assert.equal(status(), 'pass')
    assert.deepEqual(runProgress(first.state), { answered: 1, total: 4 })
    await first.close()

    const later = () => new Date(Date.now() + 2 * 60 * 60_000)
    const resumed = resumeRun(first.id, checklist, 'ana', 60 * 60_000, { env, now: later })
    try {
      assert.deepEqual(Object.keys(resumed.session.state.overrides), [id])
      assert.deepEqual(resumed.stale, [id], 'its result is run again like any other')
    } finally {
      await resumed.session.close()
    }
  })

  test('filling every field of a sign-off line completes its item', async () => {
    const { env, checklist } = await setUp()
    const session = startRun(checklist, 'dev', 'ana', { env })
    try {
      const [name, date] = checklist.signoff
      assert.ok(name && date && name.itemId === date.itemId && name.itemId)
      session.sign(name.id, 'Ana Souza')
      assert.equal(session.state.items[name.itemId]?.state ?? 'pending', 'pending')
      session.sign(date.id, '2026-11-22')
      assert.equal(session.state.items[name.itemId]?.state, 'done')
    } finally {
      await session.close()
    }
  })

  test('finishing writes the sheet and records the export', async () => {
    const { env, checklist, dir, runs } = await setUp()
    const session = startRun(checklist, 'dev', 'ana', { env })
    session.answer('checks/manual-step', 'done', 'by hand')
    const sheet = join(dir, 'sheet.md')
    const digest = session.finish(sheet, SIGN_OFF_SHEET)
    await session.close()
    const text = readFileSync(sheet, 'utf8')
    assert.match(text, /# Sign-off sheet: Session/)
    assert.match(text, /by hand/)
    const journal = journalOnDisk(runs, session.id)
    assert.deepEqual(
      journal.slice(-2).map((e) => e.type),
      ['finished', 'exported'],
    )
    assert.equal((journal.at(-1) as { digest: string }).digest, digest)
    assert.equal(unfinishedRuns({}, env).runs.length, 0)
    assert.match(text, /\*\*Finished:\*\* \d{4}-/)
  })

  test('a sheet that cannot be written leaves the run unfinished, to finish again', async () => {
    const { env, checklist, dir } = await setUp()
    const session = startRun(checklist, 'dev', 'ana', { env })
    try {
      assert.throws(
        () => session.finish(join(dir, 'no-such-folder', 'sheet.md'), SIGN_OFF_SHEET),
        /cannot write the sign-off sheet/,
      )
      assert.equal(session.state.finishedAt, null)
      assert.equal(unfinishedRuns({}, env).runs.length, 1)
      const sheet = join(dir, 'sheet.md')
      session.finish(sheet, SIGN_OFF_SHEET)
      assert.notEqual(session.state.finishedAt, null)
      assert.match(readFileSync(sheet, 'utf8'), /# Sign-off sheet: Session/)
    } finally {
      await session.close()
    }
  })
})

describe('RunSession.adopt and refuse', () => {
  const approval: JournalEntry = {
    type: 'approval-recorded',
    at: '2026-12-04T12:05:00.000Z',
    by: 'carol',
    gate: 'Change board',
    arn: 'arn:aws:sts::123456789012:assumed-role/approver/carol',
    account: '123456789012',
  }

  test('an entry someone else wrote is recorded and told like any, and never twice, also after a reopen', async () => {
    const { env, checklist, runs } = await setUp()
    const session = startRun(checklist, 'dev', 'ana', { env })
    const id = session.id
    const seen = events(session)
    try {
      assert.equal(session.adopt(approval), true)
      assert.equal(session.adopt({ ...approval }), false)
      assert.equal(session.state.approvals?.['Change board']?.by, 'carol')
      assert.deepEqual(
        seen.filter((e) => e.type === 'journal').map((e) => e.type === 'journal' && e.entry),
        [approval],
      )
    } finally {
      await session.close()
    }
    const again = resumeRun(id, checklist, 'ana', 3_600_000, { env })
    try {
      assert.equal(again.session.adopt(approval), false)
    } finally {
      await again.session.close()
    }
    const onDisk = journalOnDisk(runs, id).filter((e) => e.type === 'approval-recorded')
    assert.deepEqual(onDisk, [approval])
  })

  test('once refused, nothing more is recorded, and nothing is reported as not saved', async () => {
    const { env, checklist, runs } = await setUp()
    const session = startRun(checklist, 'dev', 'ana', { env })
    try {
      session.answer('checks/manual-step', 'done')
      session.refuse(new Error('run is now driven by ben@desk-2'))
      assert.throws(() => session.answer('checks/manual-step', 'failed'), /driven by ben/)
      assert.throws(() => session.sign('sign-off/deployed-by', 'ana'), /driven by ben/)
      session.leave({ phaseId: 'checks', itemId: null })
      await session.runChecks(['checks/slow-endpoint-answers'])
      assert.deepEqual(session.unsaved, [])
      assert.equal(session.state.items['checks/manual-step']?.state, 'done')
      const types = journalOnDisk(runs, session.id).map((e) => e.type)
      assert.deepEqual(types, ['run-started', 'item-answered'])
    } finally {
      await session.close()
    }
  })
})
