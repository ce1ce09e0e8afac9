/**
 * A team run opened again while its store is silent (the wizard killed while the VPN was
 * down): asked once whether to go on offline with this machine's copy, no unless said. Yes
 * opens it without the lease, its answers saved here and counted as waiting; once the store
 * answers, they are sent if nobody else drove the run meanwhile, and kept aside (the session
 * taken over) if someone did. No, or no way to ask, refuses as a store that did not answer
 * (exit 69); a store that refuses (access denied) is not offered offline at all. Through the
 * wizard's questions (ui/open-run.ts) answered from a script, against moto behind our fault
 * server.
 */
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import type { UserError } from '../../src/errors.ts'
import { SIGN_OFF_SHEET } from '../../src/report/sheet.ts'
import type { JournalEntry } from '../../src/run/model.ts'
import { wizardServices } from '../../src/run/start.ts'
import { listRuns, readRunUnlocked } from '../../src/run/store.ts'
import { type S3StoreAddress, storeUrl } from '../../src/run/team/address.ts'
import { readTeamRunState } from '../../src/run/team/read-state.ts'
import { type AppOptions, openRun } from '../../src/ui/open-run.ts'
import { runCli } from '../helpers/cli.ts'
import { faultedTeamStore } from '../helpers/faulted-store.ts'
import { afterUpdate, scriptedAsk } from '../helpers/scripted-ask.ts'
import { eventCount, newTeamStore, storeObjects } from '../helpers/team-store.ts'
import { tempDir } from '../helpers/temp.ts'
import { waitFor } from '../helpers/wait.ts'

const { moto, fault, open, stores } = await faultedTeamStore()

const CHECKLIST = `---
title: Team release
environments: [dev, prod]
---
# Team release

## Before
- [ ] Change request approved
- [ ] Backup taken
- [ ] Release notes written
`

const forwardAll = () => fault.script(() => ({ forward: moto }))
const hangAll = () => fault.script(() => 'hang')

/** A laptop: a home of its own, the wizard's services, the store named as `--store` names it. */
function laptop(label: string, store: S3StoreAddress) {
  const dir = tempDir(`team-offline-${label}`)
  const env = {
    DEPLOY_WIZARD_HOME: join(dir, 'home'),
    DEPLOY_WIZARD_STORE_POLL: '100ms',
    DEPLOY_WIZARD_STORE_TIMEOUT: '300ms',
  }
  const services = wizardServices({
    cwd: dir,
    staleAfterMs: 3_600_000,
    env,
    store: storeUrl(store),
  })
  return { dir, env, services }
}

function options(dir: string, given: Partial<AppOptions> = {}): AppOptions {
  return {
    staleAfterMs: 3_600_000,
    sheetPathFor: (id) => join(dir, `${id}-signoff.md`),
    today: '2026-12-05',
    now: () => new Date(),
    ...given,
  }
}

/** This laptop's journal of the run, read without its lock (the wizard may hold it). */
function onDisk(env: Record<string, string>, id: string): readonly JournalEntry[] {
  return readRunUnlocked(id, { env })?.journal ?? []
}

async function teamJournal(address: S3StoreAddress, id: string) {
  const objects = storeObjects(address)
  stores.push(objects)
  return (await readTeamRunState(objects, id))?.journal ?? []
}

function answerOf(journal: readonly JournalEntry[], itemId: string, by: string) {
  return journal.find(
    (entry) => entry.type === 'item-answered' && entry.itemId === itemId && entry.by === by,
  )
}

/**
 * Ana drives a prod run, one answer sent; her VPN drops, a second answer stays on her laptop,
 * and the wizard is killed (closed with no time to send): her copy here is unfinished, the
 * store has her first answer and her lease.
 */
async function killedWhileOffline(label: string) {
  forwardAll()
  const address = await newTeamStore(label)
  const ana = laptop(`${label}-ana`, address)
  const path = join(ana.dir, 'release.md')
  writeFileSync(path, CHECKLIST)
  const checklist = await ana.services.loadChecklist(path)
  const session = await ana.services.startRun(checklist, 'prod', 'ana')
  const id = session.id
  const [a = '', b = '', c = ''] = checklist.items.map((item) => item.id)
  session.answer(a, 'done')
  await waitFor(() => session.snapshot.sync?.text === 'synced', 'ana synced')
  hangAll()
  session.answer(b, 'done')
  await waitFor(() => /offline/.test(session.snapshot.sync?.text ?? ''), 'ana offline')
  await session.close(0)
  return { address, ana, id, items: { a, b, c }, inStore: await eventCount(address, id) }
}

/** Ana opens the run by id, the store silent, and says yes to going on offline. */
async function openOffline(run: Awaited<ReturnType<typeof killedWhileOffline>>) {
  hangAll()
  const { ask, asked } = scriptedAsk([
    ['confirm', true],
    ['confirm-name', 'prod'],
  ])
  const opened = await openRun(
    ask,
    run.ana.services,
    options(run.ana.dir, { resume: run.id, operator: 'ana' }),
  )
  open.push(opened.session)
  return { session: opened.session, asked, notices: opened.notices ?? [] }
}

describe('a team run opened by id while its store is silent, with a copy on this machine', () => {
  it('asks once whether to go on offline; yes opens it offline, answers saved here, and sent once the store answers', async () => {
    const run = await killedWhileOffline('offline-yes')
    const { session, asked, notices } = await openOffline(run)
    assert.equal(asked.length, 2, asked.join('\n'))
    assert.match(
      asked[0] ?? '',
      new RegExp(
        `^confirm: The team store is not answering: go on with run ${run.id} offline\\? \\[y/N\\] The team store ${storeUrl(run.address)} is not answering \\(no answer within 300ms\\)\\. Go on with run ${run.id} from this machine's copy\\? Who drives it is known only in the store: if someone else took it over meanwhile, what you answer here is kept aside, not sent\\.$`,
      ),
    )
    assert.equal(asked[1], 'confirm-name: prod', 'production is still confirmed, after')
    assert.match(
      notices.join('\n'),
      new RegExp(
        `^offline, from this machine's copy: answers wait here, sent once the team store ${storeUrl(run.address)} answers, unless someone else drove run ${run.id} meanwhile$`,
      ),
    )
    // The answer never sent before the kill, and the `resumed` entry, wait: offline, not synced.
    assert.match(session.snapshot.sync?.text ?? '', /^2 waiting, offline since \d\d:\d\d$/)

    session.answer(run.items.c, 'done')
    const here = onDisk(run.ana.env, run.id)
    assert.ok(answerOf(here, run.items.c, 'ana'), 'the answer is on disk at once')
    const resumed = here.filter((entry) => entry.type === 'resumed')
    assert.deepEqual(
      resumed.map((entry) => entry.type === 'resumed' && entry.offline),
      [true],
      'the journal says the run was opened offline',
    )
    assert.match(session.snapshot.sync?.text ?? '', /^3 waiting, offline since/)
    assert.equal(await eventCount(run.address, run.id), run.inStore, 'nothing written offline')

    forwardAll()
    await waitFor(() => session.snapshot.sync?.text === 'synced', 'synced once the store answers')
    const team = await teamJournal(run.address, run.id)
    assert.ok(answerOf(team, run.items.b, 'ana'), 'the answer given before the kill is sent')
    assert.ok(answerOf(team, run.items.c, 'ana'), 'the answer given offline is sent')
    assert.ok(
      team.some((entry) => entry.type === 'resumed' && entry.offline === true),
      'the store can tell the run was driven offline',
    )
    assert.equal(session.snapshot.sync?.lost, null)

    // The sheet of a run driven offline for a while exports and verifies as any other.
    session.finish(join(run.ana.dir, 'local-sheet.md'), SIGN_OFF_SHEET)
    await waitFor(() => session.snapshot.sync?.text === 'synced', 'the finish sent')
    await session.close()
    const sheet = join(run.ana.dir, 'team-sheet.md')
    const url = storeUrl(run.address)
    const exported = await runCli(
      ['export', run.id, '--store', url, '--output', sheet],
      run.ana.env,
    )
    assert.equal(exported.code, 0, exported.stderr)
    const verified = await runCli(['verify', sheet, '--store', url], run.ana.env)
    assert.equal(verified.code, 0, verified.stderr)
  })

  it('taken over by someone else meanwhile, is said taken over once the store answers: the offline answers kept, not sent, nothing more recorded', async () => {
    const run = await killedWhileOffline('offline-taken')
    // Ben takes the run over from a laptop whose link works, and drives on.
    forwardAll()
    const ben = laptop('offline-taken-ben', run.address)
    const found = await ben.services.findTeamRun?.(run.id)
    assert.ok(found)
    const own = await ben.services.loadChecklist(found.header.checklist.path)
    const driven = await ben.services.resumeRun(run.id, own, 'ben', {
      takeOver: () => Promise.resolve(true),
    })
    open.push(driven.session)
    await waitFor(() => driven.session.snapshot.sync?.text === 'synced', 'ben synced')

    const { session } = await openOffline(run)
    session.answer(run.items.c, 'failed', 'backup job failed')
    assert.ok(answerOf(onDisk(run.ana.env, run.id), run.items.c, 'ana'), 'saved here')

    forwardAll()
    await waitFor(() => session.snapshot.sync?.lost != null, 'ana told of the take-over')
    const sync = session.snapshot.sync
    assert.match(
      sync?.lost ?? '',
      new RegExp(
        `^taken over by ben@${hostname()}: nothing more is recorded here; 2 answers and 1 other record not sent, kept on this machine$`,
      ),
    )
    assert.ok(
      sync?.notSent?.some(
        (entry) => entry.type === 'item-answered' && entry.itemId === run.items.c,
      ),
      'the offline answer is listed as not sent',
    )
    assert.throws(() => session.answer(run.items.a, 'done'), /driven by ben/)
    const team = await teamJournal(run.address, run.id)
    assert.equal(answerOf(team, run.items.c, 'ana'), undefined, 'the offline answer is not sent')
    assert.equal(answerOf(team, run.items.b, 'ana'), undefined)
    const lease = (await readTeamRunState(storeObjects(run.address), run.id))?.lease
    assert.equal(lease?.holder, 'ben', "ben's lease untouched")
    await session.close()
    await driven.session.close()
  })

  it('exported by someone else meanwhile, is moved on by nothing: the offline answers reach the store', async () => {
    const run = await killedWhileOffline('offline-export')
    const { session } = await openOffline(run)
    session.answer(run.items.c, 'done')
    // A lead exports the sheet to look at progress, on a link that works: that records an
    // export in the run, with no lease, and drives nothing.
    const lead = tempDir('team-offline-export-lead')
    const url = storeUrl(run.address)
    const exported = await runCli(
      ['export', run.id, '--store', url, '--output', join(lead, 'sheet.md')],
      { DEPLOY_WIZARD_HOME: join(lead, 'home'), AWS_ENDPOINT_URL_S3: moto },
    )
    assert.equal(exported.code, 0, exported.stderr)

    forwardAll()
    await waitFor(() => session.snapshot.sync?.text === 'synced', 'synced once the store answers')
    assert.equal(session.snapshot.sync?.lost, null, 'not lost over an export')
    const team = await teamJournal(run.address, run.id)
    assert.ok(
      team.some((entry) => entry.type === 'exported'),
      'the export is recorded in the run',
    )
    assert.ok(answerOf(team, run.items.b, 'ana'), 'the answer given before the kill is sent')
    assert.ok(answerOf(team, run.items.c, 'ana'), 'the answer given offline is sent')
    await session.close()
  })

  it('finished here offline, and exported by someone else before it was sent, sends the finish when opened again', async () => {
    const run = await killedWhileOffline('offline-export-finish')
    const { session } = await openOffline(run)
    session.answer(run.items.c, 'done')
    session.finish(join(run.ana.dir, 'local-sheet.md'), SIGN_OFF_SHEET)
    await session.close(0)
    const lead = tempDir('team-offline-export-finish-lead')
    const url = storeUrl(run.address)
    const exported = await runCli(
      ['export', run.id, '--store', url, '--output', join(lead, 'sheet.md')],
      { DEPLOY_WIZARD_HOME: join(lead, 'home'), AWS_ENDPOINT_URL_S3: moto },
    )
    assert.equal(exported.code, 0, exported.stderr)

    forwardAll()
    // Opened again with the store answering: only sent, nothing asked, nothing set aside.
    const { ask, asked } = scriptedAsk([])
    const opening = openRun(
      ask,
      run.ana.services,
      options(run.ana.dir, { resume: run.id, operator: 'ana' }),
    )
    // Opened after all (the defect): closed after the file, so the test fails rather than hangs.
    opening.then(
      (opened) => open.push(opened.session),
      () => {},
    )
    await assert.rejects(opening, (error: UserError) => {
      assert.match(error.message, /was finished on this machine; the team store has all of it now/)
      assert.equal(error.exitCode, 0)
      return true
    })
    assert.deepEqual(asked, [])
    const team = await teamJournal(run.address, run.id)
    assert.ok(
      team.some((entry) => entry.type === 'finished'),
      'the finish is in the store',
    )
    assert.ok(answerOf(team, run.items.c, 'ana'), 'and the answer given offline')
  })

  it('finished here offline, and driven by someone else before it was sent, is not opened for answers unconfirmed', async () => {
    const run = await killedWhileOffline('offline-finish-taken')
    const { session } = await openOffline(run)
    session.finish(join(run.ana.dir, 'local-sheet.md'), SIGN_OFF_SHEET)
    await session.close(0)
    // Ben takes the run over and answers, on a link that works.
    forwardAll()
    const ben = laptop('offline-finish-taken-ben', run.address)
    const found = await ben.services.findTeamRun?.(run.id)
    assert.ok(found)
    const own = await ben.services.loadChecklist(found.header.checklist.path)
    const driven = await ben.services.resumeRun(run.id, own, 'ben', {
      takeOver: () => Promise.resolve(true),
    })
    driven.session.answer(run.items.c, 'done')
    await waitFor(() => driven.session.snapshot.sync?.text === 'synced', 'ben synced')
    await driven.session.close()

    // Ana's copy says finished, so opening it only sends, and asks nothing: but the finish can
    // no longer be sent, and the run is not opened for answers without production confirmed.
    const { ask, asked } = scriptedAsk([])
    await assert.rejects(
      openRun(ask, run.ana.services, options(run.ana.dir, { resume: run.id, operator: 'ana' })),
      (error: UserError) => {
        assert.match(
          error.message,
          new RegExp(
            `^run ${run.id} was finished on this machine, but it was driven in the team store .* meanwhile: the finish could not be sent$`,
          ),
        )
        assert.match(
          error.hint ?? '',
          /open it again to go on with it \(production is confirmed first\)/,
        )
        return true
      },
    )
    assert.deepEqual(asked, [])
    const team = await teamJournal(run.address, run.id)
    assert.equal(
      team.some((entry) => entry.type === 'finished'),
      false,
      'no finish sent',
    )
  })

  it('finished by someone else meanwhile, says so once the store answers, and sends nothing', async () => {
    const run = await killedWhileOffline('offline-finished')
    forwardAll()
    const ben = laptop('offline-finished-ben', run.address)
    const found = await ben.services.findTeamRun?.(run.id)
    assert.ok(found)
    const own = await ben.services.loadChecklist(found.header.checklist.path)
    const driven = await ben.services.resumeRun(run.id, own, 'ben', {
      takeOver: () => Promise.resolve(true),
    })
    for (const item of own.items) driven.session.answer(item.id, 'done')
    driven.session.finish(join(ben.dir, 'sheet.md'), SIGN_OFF_SHEET)
    await driven.session.close()
    const inStore = await eventCount(run.address, run.id)

    // Ana's copy still says unfinished; the store, silent, cannot say otherwise.
    const { session } = await openOffline(run)
    session.answer(run.items.c, 'done')
    forwardAll()
    await waitFor(() => session.snapshot.sync?.lost != null, 'ana told it was finished')
    assert.match(
      session.snapshot.sync?.lost ?? '',
      new RegExp(
        `^finished by ben in the team store ${storeUrl(run.address)}: nothing more is recorded here; 2 answers and 1 other record not sent, kept on this machine$`,
      ),
    )
    assert.equal(session.snapshot.sync?.isFinishedThere, true, 'nobody drives it to hand them to')
    assert.equal(await eventCount(run.address, run.id), inStore, 'nothing written to the run')
    await session.close()
  })

  it('picked from the list of runs to resume, is asked about the same way, and opens offline', async () => {
    const run = await killedWhileOffline('offline-picked')
    hangAll()
    const { ask, asked, updated } = scriptedAsk([
      ['choose', afterUpdate(run.id)],
      ['confirm', true],
      ['confirm-name', 'prod'],
    ])
    const opened = await openRun(
      ask,
      run.ana.services,
      options(run.ana.dir, {
        checklistPath: join(run.ana.dir, 'release.md'),
        environment: 'prod',
        operator: 'ana',
      }),
    )
    open.push(opened.session)
    const list = updated[0]
    assert.ok(list && 'notes' in list)
    assert.match(list.notes?.join('\n') ?? '', /did not answer within 300ms/)
    assert.match(asked[1] ?? '', new RegExp(`^confirm: .*go on with run ${run.id} offline\\?`))
    assert.match(opened.session.snapshot.sync?.text ?? '', /waiting, offline since/)
    forwardAll()
    await waitFor(() => opened.session.snapshot.sync?.text === 'synced', 'synced')
    await opened.session.close()
  })

  it('left (no, the default), is refused as a store that did not answer: exit 69, the store named, nothing recorded', async () => {
    const run = await killedWhileOffline('offline-no')
    const before = onDisk(run.ana.env, run.id).length
    hangAll()
    const { ask, asked } = scriptedAsk([['confirm', false]])
    await assert.rejects(
      openRun(ask, run.ana.services, options(run.ana.dir, { resume: run.id, operator: 'ana' })),
      (error: UserError) => {
        assert.equal(error.exitCode, 69)
        assert.match(
          error.message,
          new RegExp(
            `^cannot open run ${run.id} in the team store ${storeUrl(run.address)}: the team store ${storeUrl(run.address)} could not .*no answer within 300ms`,
          ),
        )
        assert.match(error.hint ?? '', /open it again once the store answers/)
        return true
      },
    )
    assert.equal(asked.length, 1, 'asked once, production not confirmed')
    assert.equal(onDisk(run.ana.env, run.id).length, before, 'nothing recorded here')
    forwardAll()
    assert.equal(await eventCount(run.address, run.id), run.inStore, 'nor in the store')
  })

  it('with no way to ask, is refused as a store that did not answer: exit 69', async () => {
    const run = await killedWhileOffline('offline-unasked')
    hangAll()
    await assert.rejects(run.ana.services.checkResumable?.(run.id) ?? Promise.resolve(), {
      exitCode: 69,
    })
    forwardAll()
  })

  it('refused by the store (access denied) is not offered offline: said in the store’s words, exit 2', async () => {
    const run = await killedWhileOffline('offline-denied')
    fault.script(() => ({ error: 'AccessDenied', message: 'Access Denied', status: 403 }))
    const { ask, asked } = scriptedAsk([])
    await assert.rejects(
      openRun(ask, run.ana.services, options(run.ana.dir, { resume: run.id, operator: 'ana' })),
      (error: UserError) => {
        assert.equal(error.exitCode, 2)
        assert.match(error.message, /AccessDenied/)
        return true
      },
    )
    assert.deepEqual(asked, [], 'nothing asked')
    forwardAll()
  })
})

describe('a new team run started on a fresh machine while its store is silent', () => {
  it('is warned of before production is confirmed, then refused plainly: exit 69, nothing saved', async () => {
    forwardAll()
    const address = await newTeamStore('offline-start')
    const ana = laptop('offline-start-ana', address)
    const path = join(ana.dir, 'release.md')
    writeFileSync(path, CHECKLIST)
    hangAll()
    const { ask, asked } = scriptedAsk([
      ['choose', afterUpdate('Start a new run')],
      ['confirm-name', 'prod'],
    ])
    await assert.rejects(
      openRun(
        ask,
        ana.services,
        options(ana.dir, { checklistPath: path, environment: 'prod', operator: 'ana' }),
      ),
      (error: UserError) => {
        assert.equal(error.exitCode, 69)
        assert.match(
          error.message,
          new RegExp(
            `^a new team run cannot start while the team store ${storeUrl(address)} is not answering: .*no answer within 300ms`,
          ),
        )
        assert.match(error.hint ?? '', /nothing was saved/)
        return true
      },
    )
    assert.equal(
      asked[1],
      `confirm-name: prod (⚠ the team store ${storeUrl(address)} did not answer within 300ms: a new team run cannot start until it answers)`,
    )
    assert.deepEqual(listRuns({ env: ana.env }).runs, [], 'nothing saved here')
    forwardAll()
  })
})
