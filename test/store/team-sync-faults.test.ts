/**
 * A team run when things go wrong, through the wizard's services: the store
 * hangs (our fault server in front of moto) and comes back; the run is taken
 * over while this machine still has answers to send; the process driving it is
 * killed with kill -9 in the middle of sending. Nothing acknowledged is lost,
 * nothing is written twice, and what can no longer be sent is kept and said.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import type { Checklist } from '../../src/checklist/model.ts'
import type { UserError } from '../../src/errors.ts'
import { SIGN_OFF_SHEET } from '../../src/report/sheet.ts'
import type { JournalEntry } from '../../src/run/model.ts'
import { type WizardServices, wizardServices } from '../../src/run/start.ts'
import { openRun } from '../../src/run/store.ts'
import { type S3StoreAddress, storeUrl } from '../../src/run/team/address.ts'
import { teamFolder } from '../../src/run/team/link.ts'
import { readTeamRunState } from '../../src/run/team/read-state.ts'
import { openRun as openAsked } from '../../src/ui/open-run.ts'
import type { AwsRequest } from '../helpers/aws-fault-server.ts'
import { faultedTeamStore } from '../helpers/faulted-store.ts'
import { scriptedAsk } from '../helpers/scripted-ask.ts'
import { eventCount, newTeamStore, storeObjects } from '../helpers/team-store.ts'
import { tempDir } from '../helpers/temp.ts'
import { waitFor, waitForContent } from '../helpers/wait.ts'

const { moto, fault, open, stores } = await faultedTeamStore()

const CHECKLIST = `---
title: Team release
environments: [dev]
---
# Team release

## Before
- [ ] Change request approved
- [ ] Backup taken
- [ ] Release notes written
- [ ] Canary healthy
`

const forwardAll = () => fault.script(() => ({ forward: moto }))
const isEventWrite = (request: AwsRequest) =>
  request.action === 'PutObject' && /\/events\//.test(String(request.params.Key))
/** Event writes never answered (the VPN dropped); everything else goes to moto. */
const hangEventWrites = () =>
  fault.script((request) => (isEventWrite(request) ? 'hang' : { forward: moto }))

function laptop(label: string, address: S3StoreAddress, timeout = '300ms') {
  const dir = tempDir(`team-fault-${label}`)
  const env = {
    DEPLOY_WIZARD_HOME: join(dir, 'home'),
    DEPLOY_WIZARD_STORE_POLL: '100ms',
    DEPLOY_WIZARD_STORE_TIMEOUT: timeout,
  }
  const services = wizardServices({
    cwd: dir,
    staleAfterMs: 3_600_000,
    env,
    store: storeUrl(address),
  })
  return { dir, env, services }
}

async function checklistOn(services: WizardServices, dir: string, text = CHECKLIST) {
  const path = join(dir, 'release.md')
  writeFileSync(path, text)
  return { path, checklist: await services.loadChecklist(path) }
}

const NO_QUESTION = {
  takeOver: () => Promise.reject(new Error('the take-over question was asked')),
}
const TAKE_IT = { takeOver: () => Promise.resolve(true) }

function localJournal(env: Record<string, string>, id: string): readonly JournalEntry[] {
  const handle = openRun(id, { env })
  try {
    return handle.journal
  } finally {
    handle.close()
  }
}

async function teamJournal(address: S3StoreAddress, id: string) {
  const objects = storeObjects(address)
  stores.push(objects)
  return (await readTeamRunState(objects, id))?.journal ?? []
}

function ids(checklist: Checklist): string[] {
  return checklist.items.map((item) => item.id)
}

/** Ana's laptop with a new team store, the store answering, and a dev run she has started on it. */
async function anaStarts(store: string, label = store) {
  forwardAll()
  const address = await newTeamStore(store)
  const ana = laptop(label, address)
  const { checklist } = await checklistOn(ana.services, ana.dir)
  const session = await ana.services.startRun(checklist, 'dev', 'ana')
  open.push(session)
  return { address, ana, checklist, session }
}

describe('a team run whose store stops answering', () => {
  it('says how many wait and since when, then drains and says synced', async () => {
    const { address, ana, checklist, session } = await anaStarts('offline')
    const [a = '', b = '', c = ''] = ids(checklist)
    session.answer(a, 'done')
    await waitFor(() => session.snapshot.sync?.text === 'synced', 'synced first')

    hangEventWrites()
    session.answer(b, 'done')
    session.answer(c, 'done')
    // Acknowledged at once, as ever: the answers are on this machine's disk.
    assert.equal(session.state.items[c]?.state, 'done')
    await waitFor(
      () => /^2 waiting, offline since \d\d:\d\d$/.test(session.snapshot.sync?.text ?? ''),
      `offline, with 2 waiting (${session.snapshot.sync?.text})`,
    )

    forwardAll()
    await waitFor(() => session.snapshot.sync?.text === 'synced', 'synced once back')
    await session.close()
    assert.deepEqual(await teamJournal(address, session.id), localJournal(ana.env, session.id))
  })
})

describe('a team run with nothing to send whose store stops answering', () => {
  it('says offline since when, not synced, and synced again once the store answers', async () => {
    const { session } = await anaStarts('idle-offline')
    await waitFor(() => session.snapshot.sync?.text === 'synced', 'synced first')

    fault.script(() => 'hang')
    await waitFor(
      () => /^offline since \d\d:\d\d$/.test(session.snapshot.sync?.text ?? ''),
      `offline with nothing waiting (${session.snapshot.sync?.text})`,
    )

    forwardAll()
    await waitFor(() => session.snapshot.sync?.text === 'synced', 'synced once back')
  })
})

describe('a team run with nothing to send whose store goes silent', () => {
  it('says offline within one request timeout, not once every attempt of a look has timed out', async () => {
    forwardAll()
    const address = await newTeamStore('silent-soon')
    const ana = laptop('silent-soon', address, '1500ms')
    const { checklist } = await checklistOn(ana.services, ana.dir)
    const session = await ana.services.startRun(checklist, 'dev', 'ana')
    open.push(session)
    await waitFor(() => session.snapshot.sync?.text === 'synced', 'synced first')

    fault.script(() => 'hang')
    const silenced = Date.now()
    await waitFor(
      () => /^offline since \d\d:\d\d$/.test(session.snapshot.sync?.text ?? ''),
      `offline (${session.snapshot.sync?.text})`,
      10_000,
    )
    // One look (poll 100 ms) and its first request's 1.5 s; its three attempts would take 4.5 s.
    const tookMs = Date.now() - silenced
    assert.ok(tookMs < 3_000, `offline after ${tookMs} ms`)
    forwardAll()
    await waitFor(() => session.snapshot.sync?.text === 'synced', 'synced once back')
  })
})

describe('a team run whose AWS credentials expire mid-run', () => {
  it('says the store refused the credentials and what to do, not that it is offline; sends once they are good again', async () => {
    const { address, ana, checklist, session } = await anaStarts('expired')
    const [a = '', b = ''] = ids(checklist)
    session.answer(a, 'done')
    await waitFor(() => session.snapshot.sync?.text === 'synced', 'synced first')

    // What S3 answers a session token that has expired (an SSO login an hour old).
    fault.script(() => ({
      error: 'ExpiredToken',
      message: 'The provided token has expired.',
      status: 400,
    }))
    session.answer(b, 'done')
    assert.equal(session.state.items[b]?.state, 'done')
    await waitFor(
      () =>
        /^1 waiting: AWS credentials refused \(ExpiredToken\); log in again$/.test(
          session.snapshot.sync?.text ?? '',
        ),
      `refused, with 1 waiting (${session.snapshot.sync?.text})`,
    )
    assert.equal(session.snapshot.sync?.lost, null)

    forwardAll()
    await waitFor(
      () => session.snapshot.sync?.text === 'synced',
      'synced once the credentials are good',
    )
    await session.close()
    assert.deepEqual(await teamJournal(address, session.id), localJournal(ana.env, session.id))
  })
})

describe('a team run with nothing to send whose AWS credentials expire', () => {
  it('says the credentials were refused, not offline, and synced again once they are good', async () => {
    const { session } = await anaStarts('expired-idle')
    await waitFor(() => session.snapshot.sync?.text === 'synced', 'synced first')

    fault.script(() => ({
      error: 'ExpiredToken',
      message: 'The provided token has expired.',
      status: 400,
    }))
    await waitFor(
      () => session.snapshot.sync?.text === 'AWS credentials refused (ExpiredToken); log in again',
      `refused with nothing waiting (${session.snapshot.sync?.text})`,
    )

    forwardAll()
    await waitFor(() => session.snapshot.sync?.text === 'synced', 'synced once back')
  })
})

describe('a team run finished while the store does not answer', () => {
  it('is not opened again: what waits is sent, and the store then has it finished', async () => {
    const { address, ana, checklist, session } = await anaStarts('finish-offline')
    const id = session.id
    for (const item of ids(checklist)) session.answer(item, 'done')
    await waitFor(() => session.snapshot.sync?.text === 'synced', 'synced first')
    hangEventWrites()
    session.finish(join(ana.dir, 'sheet.md'), SIGN_OFF_SHEET)
    await session.close(0)
    assert.match(session.snapshot.sync?.text ?? '', /^\d+ waiting/)
    forwardAll()

    const before = localJournal(ana.env, id).length
    await assert.rejects(
      Promise.resolve(ana.services.resumeRun(id, checklist, 'ana', NO_QUESTION)),
      (error: UserError) =>
        new RegExp(`run ${id} was finished on this machine; the team store has all of it now`).test(
          error.message,
        ) &&
        // Its sheet from the store, which records the export for the team's `verify --store`.
        error.hint ===
          `its sign-off sheet: deploy-wizard export ${id} --store ${storeUrl(address)}`,
    )
    const local = localJournal(ana.env, id)
    assert.equal(local.length, before, 'nothing added to a finished run')
    assert.deepEqual(await teamJournal(address, id), local)
    assert.equal(local.at(-1)?.type, 'exported')
  })
})

describe('a production team run finished while its store, named with --store, does not answer', () => {
  it('is sent by the printed `run --resume <id>` alone, with nothing asked', async () => {
    forwardAll()
    const address = await newTeamStore('finish-resume')
    const ana = laptop('finish-resume', address)
    const { checklist } = await checklistOn(
      ana.services,
      ana.dir,
      CHECKLIST.replace('environments: [dev]', 'environments: [dev, prod]'),
    )
    const session = await ana.services.startRun(checklist, 'prod', 'ana')
    open.push(session)
    const id = session.id
    for (const item of ids(checklist)) session.answer(item, 'done')
    await waitFor(() => session.snapshot.sync?.text === 'synced', 'synced first')
    hangEventWrites()
    session.finish(join(ana.dir, 'sheet.md'), SIGN_OFF_SHEET)
    await session.close(0)
    assert.ok((session.snapshot.sync?.waiting ?? 0) > 0, 'the finish waits on this machine')
    forwardAll()

    // As printed: no --store, no DEPLOY_WIZARD_STORE, no checklist named.
    const bare = wizardServices({ cwd: ana.dir, staleAfterMs: 3_600_000, env: ana.env })
    const { ask, asked } = scriptedAsk([])
    await assert.rejects(
      openAsked(ask, bare, {
        resume: id,
        staleAfterMs: 3_600_000,
        sheetPathFor: (run) => join(ana.dir, `${run}.md`),
        today: '2026-12-05',
        now: () => new Date(),
      }),
      (error: UserError) =>
        new RegExp(`run ${id} was finished on this machine; the team store has all of it now`).test(
          error.message,
        ),
    )
    // Nothing is run: production's name is not asked for again.
    assert.deepEqual(asked, [])
    const local = localJournal(ana.env, id)
    assert.deepEqual(await teamJournal(address, id), local)
    assert.equal(local.at(-1)?.type, 'exported')
  })
})

describe('a driver whose run is taken over', () => {
  it('is told at once, answers nothing more, and keeps what it had not sent', async () => {
    const { address, ana, checklist, session } = await anaStarts('lost', 'lost-ana')
    const id = session.id
    const [a = '', b = '', c = '', d = ''] = ids(checklist)
    session.answer(a, 'done')
    await waitFor(() => session.snapshot.sync?.text === 'synced', 'ana synced')
    // Ana's link drops; two more answers stay on her laptop.
    hangEventWrites()
    session.answer(b, 'done')
    session.answer(c, 'failed', 'canary at 40% errors')
    await waitFor(() => /offline/.test(session.snapshot.sync?.text ?? ''), 'ana offline')

    const ben = laptop('lost-ben', address)
    const found = await ben.services.findTeamRun?.(id)
    assert.ok(found)
    const own = await ben.services.loadChecklist(found.header.checklist.path)
    const resumed = await ben.services.resumeRun(id, own, 'ben', TAKE_IT)
    open.push(resumed.session)

    // Within Ana's poll interval: the header says so, and nothing more is recorded.
    await waitFor(() => session.snapshot.sync?.lost != null, 'ana told of the take-over', 5_000)
    assert.match(session.snapshot.sync?.lost ?? '', /^taken over by ben@/)
    assert.match(session.snapshot.sync?.lost ?? '', /2 answers not sent, kept on this machine/)
    assert.equal(session.snapshot.sync?.text, '2 not sent')
    assert.throws(() => session.answer(d, 'done'), /now driven by ben@/)
    assert.equal(session.state.items[d], undefined)
    assert.deepEqual(session.unsaved, [])

    forwardAll()
    await waitFor(() => resumed.session.snapshot.sync?.text === 'synced', 'ben synced')
    await resumed.session.close()
    await session.close()
    const team = await teamJournal(address, id)
    // Ana's two answers never reached the store, and are still on her laptop.
    const answered = (journal: readonly JournalEntry[]) =>
      journal.flatMap((entry) => (entry.type === 'item-answered' ? [entry.itemId] : []))
    assert.deepEqual(answered(team), [a])
    assert.deepEqual(answered(localJournal(ana.env, id)), [a, b, c])

    // Ana opens the run again: her copy is the store's, and the two answers are kept aside, named.
    const again = await ana.services.resumeRun(id, checklist, 'ana', NO_QUESTION)
    open.push(again.session)
    const notice = again.notices?.join('\n') ?? ''
    assert.match(notice, /2 answers recorded on this machine never reached the team store/)
    const kept = readdirSync(teamFolder(id, ana.env)).filter((name) => name.startsWith('kept-'))
    assert.equal(kept.length, 1)
    assert.match(notice, new RegExp(kept[0] ?? 'none'))
    const keptEntries = readFileSync(join(teamFolder(id, ana.env), kept[0] ?? ''), 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { entry: JournalEntry }).entry)
    assert.deepEqual(
      keptEntries.map((entry) => entry.type === 'item-answered' && entry.itemId),
      [b, c],
    )
    assert.equal(again.session.state.items[b], undefined)
    assert.equal(again.session.state.handovers?.length, 2)
    await again.session.close()
  })
})

describe('a run taken over and finished elsewhere, opened again by its first driver', () => {
  it('is not opened: says who finished it, names the answers kept aside, and exports from the store', async () => {
    const { address, ana, checklist, session } = await anaStarts(
      'finished-elsewhere',
      'finished-elsewhere-ana',
    )
    const id = session.id
    const [a = '', b = ''] = ids(checklist)
    session.answer(a, 'done')
    await waitFor(() => session.snapshot.sync?.text === 'synced', 'ana synced')
    // One answer stays on Ana's laptop: her link drops, then Ben takes the run and finishes it.
    hangEventWrites()
    session.answer(b, 'done')
    await waitFor(() => /offline/.test(session.snapshot.sync?.text ?? ''), 'ana offline')
    const ben = laptop('finished-elsewhere-ben', address)
    const found = await ben.services.findTeamRun?.(id)
    assert.ok(found)
    const own = await ben.services.loadChecklist(found.header.checklist.path)
    const resumed = await ben.services.resumeRun(id, own, 'ben', TAKE_IT)
    open.push(resumed.session)
    // The store answers again only once Ana knows: her answer can no longer land.
    await waitFor(() => session.snapshot.sync?.lost != null, 'ana told of the take-over')
    forwardAll()
    await session.close(0)
    for (const item of ids(own)) resumed.session.answer(item, 'done')
    resumed.session.finish(join(ben.dir, 'sheet.md'), SIGN_OFF_SHEET)
    await resumed.session.close()
    const inStore = await eventCount(address, id)

    await assert.rejects(
      Promise.resolve(ana.services.resumeRun(id, checklist, 'ana', NO_QUESTION)),
      (error: UserError) => {
        // When, as an operator reads it (not an ISO timestamp), in UTC for every reader alike.
        assert.match(
          error.message,
          new RegExp(
            `^run ${id} was finished by ben at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC, in the team store`,
          ),
        )
        const kept = readdirSync(teamFolder(id, ana.env)).filter((name) => name.startsWith('kept-'))
        assert.equal(kept.length, 1)
        // Not silently: the answer her laptop never sent is named, and where it is kept.
        assert.match(
          error.hint ?? '',
          new RegExp(
            `1 answer recorded on this machine never reached the team store before someone else drove run ${id}: kept in \\S+${kept[0]}`,
          ),
        )
        // A sheet the team's `verify --store` accepts: exported from the store, not this copy.
        assert.match(
          error.hint ?? '',
          new RegExp(`deploy-wizard export ${id} --store ${storeUrl(address)}$`),
        )
        return true
      },
    )
    assert.equal(await eventCount(address, id), inStore, 'nothing written to a finished run')
    assert.deepEqual(localJournal(ana.env, id), await teamJournal(address, id))
  })
})

describe('a write held up by a hung request', () => {
  it('never lands once someone else has taken the run over', async () => {
    forwardAll()
    const address = await newTeamStore('held-up')
    // Patient requests: the take-over happens while Ana's one write still hangs.
    const ana = laptop('held-up-ana', address, '3s')
    const { checklist } = await checklistOn(ana.services, ana.dir)
    const session = await ana.services.startRun(checklist, 'dev', 'ana')
    open.push(session)
    const id = session.id
    const [a = '', b = ''] = ids(checklist)
    session.answer(a, 'done')
    await waitFor(() => session.snapshot.sync?.text === 'synced', 'ana synced')
    hangEventWrites()
    session.answer(b, 'done')
    await waitFor(() => fault.requests.some(isEventWrite), 'ana’s write hanging')

    const ben = laptop('held-up-ben', address)
    const found = await ben.services.findTeamRun?.(id)
    assert.ok(found)
    const own = await ben.services.loadChecklist(found.header.checklist.path)
    const resumed = await ben.services.resumeRun(id, own, 'ben', TAKE_IT)
    open.push(resumed.session)
    // The store answers again while Ana's write is still held up.
    forwardAll()
    await waitFor(() => session.snapshot.sync?.lost != null, 'ana told')
    // Closing waits for her outbox to be done with that write: given up, or landed.
    await session.close()
    assert.equal(session.snapshot.sync?.text, '1 not sent')
    await waitFor(() => resumed.session.snapshot.sync?.text === 'synced', 'ben synced')
    const answered = (await teamJournal(address, id)).flatMap((entry) =>
      entry.type === 'item-answered' ? [entry.itemId] : [],
    )
    assert.deepEqual(answered, [a])
    await resumed.session.close()
  })
})

describe('a kill -9 in the middle of sending', () => {
  it('loses nothing and writes nothing twice once the run is opened again', async () => {
    forwardAll()
    const address = await newTeamStore('kill')
    const ana = laptop('kill', address)
    const items = Array.from({ length: 120 }, (_, n) => `- [ ] Step ${n + 1} done`).join('\n')
    const { path, checklist } = await checklistOn(
      ana.services,
      ana.dir,
      `---\ntitle: Long release\nenvironments: [dev]\n---\n# Long release\n\n## Steps\n${items}\n`,
    )
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'test/helpers/team-driver.ts',
        storeUrl(address),
        ana.env.DEPLOY_WIZARD_HOME,
        path,
        'ana',
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
        // Straight to moto: this process is killed, not faulted.
        env: { ...process.env, AWS_ENDPOINT_URL: moto },
      },
    )
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk))
    const exited = new Promise((resolve) => child.once('exit', resolve))
    const id = /id (\S+)/.exec(await waitForContent(() => out, /answered/, 30_000))?.[1] ?? ''
    let sent = 0
    while (sent < 10) sent = await eventCount(address, id)
    child.kill('SIGKILL')
    await exited
    const before = await eventCount(address, id)
    assert.ok(before < checklist.items.length + 1, `all ${before} were sent before the kill`)

    const resumed = await ana.services.resumeRun(id, checklist, 'ana', NO_QUESTION)
    open.push(resumed.session)
    await waitFor(() => resumed.session.snapshot.sync?.text === 'synced', 'drained', 60_000)
    await resumed.session.close()
    // readTeamRunState refuses a gap or an id twice; the journals match entry for entry.
    const team = await teamJournal(address, id)
    const local = localJournal(ana.env, id)
    assert.deepEqual(team, local)
    assert.equal(team.filter((entry) => entry.type === 'item-answered').length, 120)
  })
})
