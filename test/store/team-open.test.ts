/**
 * Opening a team run through the wizard's questions (ui/open-run.ts), answered
 * from a script, against moto's S3 behind our fault server: a run finished
 * elsewhere is refused before anyone confirms production for it, and not
 * offered at all where the store is named; a run only in the store is found by
 * id wherever the store is named, and offered beside this machine's runs, with
 * who drove it last; a store that does not answer holds the list up no longer
 * than its request timeout, and says so.
 */
import assert from 'node:assert/strict'
import { readdirSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import type { UserError } from '../../src/errors.ts'
import { SIGN_OFF_SHEET } from '../../src/report/sheet.ts'
import type { JournalEntry } from '../../src/run/model.ts'
import { type WizardServices, wizardServices } from '../../src/run/start.ts'
import { openRun as openRunFile } from '../../src/run/store.ts'
import { type S3StoreAddress, storeUrl } from '../../src/run/team/address.ts'
import { teamFolder } from '../../src/run/team/link.ts'
import type { TeamRunsOffered } from '../../src/run/team/offered.ts'
import { readTeamRunState } from '../../src/run/team/read-state.ts'
import { Cancelled, type ChooseQuestion } from '../../src/ui/ask.ts'
import { type AppOptions, type OpenRunHooks, openRun } from '../../src/ui/open-run.ts'
import type { AwsReply, AwsRequest } from '../helpers/aws-fault-server.ts'
import { faultedTeamStore } from '../helpers/faulted-store.ts'
import { afterUpdate, ESC, scriptedAsk } from '../helpers/scripted-ask.ts'
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
const isEventWrite = (request: AwsRequest) =>
  request.action === 'PutObject' && /\/events\//.test(String(request.params.Key))
const hangEventWrites = () =>
  fault.script((request) => (isEventWrite(request) ? 'hang' : { forward: moto }))

const TAKE_IT = { takeOver: () => Promise.resolve(true) }

/**
 * A laptop: a home of its own and the wizard's services, the store named as `--store` names it
 * (or not named, when `store` is undefined), `env` added to what the services read.
 */
function laptop(
  label: string,
  {
    store,
    timeout = '2s',
    env: extra = {},
  }: { store?: S3StoreAddress; timeout?: string; env?: Record<string, string> } = {},
) {
  const dir = tempDir(`team-open-${label}`)
  const env = {
    DEPLOY_WIZARD_HOME: join(dir, 'home'),
    DEPLOY_WIZARD_STORE_POLL: '100ms',
    DEPLOY_WIZARD_STORE_TIMEOUT: timeout,
    ...extra,
  }
  const services = wizardServices({
    cwd: dir,
    staleAfterMs: 3_600_000,
    env,
    ...(store ? { store: storeUrl(store) } : {}),
  })
  return { dir, env, services }
}

/** The team's checklist, written on a laptop; with `store:` in its front matter when given. */
function checklistFile(dir: string, store?: S3StoreAddress): string {
  const path = join(dir, 'release.md')
  const text = store ? CHECKLIST.replace('title:', `store: ${storeUrl(store)}\ntitle:`) : CHECKLIST
  writeFileSync(path, text)
  return path
}

/** What `run` passes the opening, as the command line says it. */
function options(dir: string, given: Partial<AppOptions> = {}): AppOptions {
  return {
    staleAfterMs: 3_600_000,
    sheetPathFor: (id) => join(dir, `${id}-signoff.md`),
    today: '2026-12-04',
    now: () => new Date(),
    ...given,
  }
}

/** What the opening said for after the screens are gone, kept as it says it. */
function said(): { lines: string[]; hooks: OpenRunHooks } {
  const lines: string[] = []
  return { lines, hooks: { onNotices: (notices) => lines.push(...notices) } }
}

function localJournal(env: Record<string, string>, id: string): readonly JournalEntry[] {
  const handle = openRunFile(id, { env })
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

/**
 * Ana starts a prod run in a new store and answers one item; a second answer stays on her
 * laptop (her link drops); Ben takes the run over and finishes it. Ana's laptop still has its
 * copy, unfinished, with the answer it never sent.
 */
async function finishedElsewhere(label: string) {
  forwardAll()
  const address = await newTeamStore(label)
  // Quick to say it is offline once her link drops.
  const ana = laptop(`${label}-ana`, { store: address, timeout: '300ms' })
  const path = checklistFile(ana.dir)
  const checklist = await ana.services.loadChecklist(path)
  const session = await ana.services.startRun(checklist, 'prod', 'ana')
  open.push(session)
  const id = session.id
  const [a = '', b = ''] = checklist.items.map((item) => item.id)
  session.answer(a, 'done')
  await waitFor(() => session.snapshot.sync?.text === 'synced', 'ana synced')
  hangEventWrites()
  session.answer(b, 'done')
  await waitFor(() => /offline/.test(session.snapshot.sync?.text ?? ''), 'ana offline')
  const ben = laptop(`${label}-ben`, { store: address })
  const found = await ben.services.findTeamRun?.(id)
  assert.ok(found)
  const own = await ben.services.loadChecklist(found.header.checklist.path)
  const resumed = await ben.services.resumeRun(id, own, 'ben', TAKE_IT)
  open.push(resumed.session)
  await waitFor(() => session.snapshot.sync?.lost != null, 'ana told of the take-over')
  forwardAll()
  await session.close(0)
  for (const item of own.items) resumed.session.answer(item.id, 'done')
  resumed.session.finish(join(ben.dir, 'sheet.md'), SIGN_OFF_SHEET)
  await resumed.session.close()
  return { address, ana, path, id, inStore: await eventCount(address, id) }
}

/** The refusal's words: who finished the run, the answer kept aside, where the sheet comes from. */
function assertFinishedElsewhere(
  text: string,
  {
    id,
    address,
    ana,
  }: { id: string; address: S3StoreAddress; ana: { env: Record<string, string> } },
) {
  assert.match(
    text,
    new RegExp(
      `run ${id} was finished by ben at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC, in the team store ${storeUrl(address)}`,
    ),
  )
  const kept = readdirSync(teamFolder(id, ana.env)).filter((name) => name.startsWith('kept-'))
  assert.equal(kept.length, 1, 'the answer never sent, kept once')
  assert.match(
    text,
    new RegExp(
      `1 answer recorded on this machine never reached the team store before someone else drove run ${id}: kept in \\S+${kept[0]}`,
    ),
  )
  assert.match(
    text,
    new RegExp(`its sign-off sheet: deploy-wizard export ${id} --store ${storeUrl(address)}`),
  )
}

describe('a team run finished elsewhere, opened again on the laptop that drove it first', () => {
  it('is not offered where the store is named: the list says it was finished, and nobody is asked to confirm prod for it', async () => {
    const run = await finishedElsewhere('finished-offered')
    const { ask, asked, updated } = scriptedAsk([['choose', afterUpdate(ESC)]])
    const { lines, hooks } = said()
    await assert.rejects(
      openRun(
        ask,
        run.ana.services,
        options(run.ana.dir, { checklistPath: run.path, environment: 'prod', operator: 'ana' }),
        hooks,
      ),
      Cancelled,
    )
    assert.deepEqual(asked, [
      'choose: Unfinished runs on this machine — resume one, or start a new run:',
    ])
    // The list as the store's answer left it.
    const question = updated[0]
    assert.ok(question && 'choices' in question)
    assert.equal(
      question.title,
      'Unfinished runs on this machine — resume one, or start a new run:',
    )
    assert.deepEqual(
      question.choices.map((choice) => choice.label),
      ['Start a new run'],
      'the finished run is not offered',
    )
    assert.match(
      question.notes?.join('\n') ?? '',
      new RegExp(
        `^⚠ run ${run.id} was finished by ben at .* UTC, in the team store ${storeUrl(run.address)}: not offered \\(1 answer never sent from here is kept aside; said in full when you leave\\)$`,
        'm',
      ),
    )
    // Said in full once the screens are gone, as the refusal says it.
    assertFinishedElsewhere(lines.join('\n'), run)
    // The copy here is the team's now: `runs` on this laptop no longer lists it unfinished.
    assert.deepEqual(localJournal(run.ana.env, run.id), await teamJournal(run.address, run.id))
    assert.equal(await eventCount(run.address, run.id), run.inStore, 'nothing written to the run')
  })

  it('by id, is refused before the prod confirmation, the store named only by its copy here', async () => {
    const run = await finishedElsewhere('finished-by-id')
    // No --store: the copy's own tie to its store is enough.
    const services = wizardServices({ cwd: run.ana.dir, staleAfterMs: 3_600_000, env: run.ana.env })
    const { ask, asked } = scriptedAsk([])
    await assert.rejects(
      openRun(ask, services, options(run.ana.dir, { resume: run.id, operator: 'ana' })),
      (error: UserError) => {
        assertFinishedElsewhere(`${error.message}\n  ${error.hint}`, run)
        return true
      },
    )
    assert.deepEqual(asked, [], 'nothing asked, production least of all')
    assert.equal(await eventCount(run.address, run.id), run.inStore, 'nothing written to the run')
  })

  it('picked from the list with no store named, is refused before the prod confirmation; the list itself reads no store', async () => {
    const run = await finishedElsewhere('finished-picked')
    const services = wizardServices({ cwd: run.ana.dir, staleAfterMs: 3_600_000, env: run.ana.env })
    const given = options(run.ana.dir, {
      checklistPath: run.path,
      environment: 'prod',
      operator: 'ana',
    })

    forwardAll()
    const first = scriptedAsk([['choose', ESC]])
    await assert.rejects(openRun(first.ask, services, given), Cancelled)
    assert.match(first.chosen[0]?.choices[0]?.label ?? '', new RegExp(`^${run.id} · `))
    assert.deepEqual(fault.requests, [], 'no store is named: listing runs reads none')

    const { ask, asked } = scriptedAsk([['choose', run.id]])
    await assert.rejects(openRun(ask, services, given), (error: UserError) => {
      assertFinishedElsewhere(`${error.message}\n  ${error.hint}`, run)
      return true
    })
    assert.equal(asked.length, 1, `only the list was asked: ${asked.join(', ')}`)
  })
})

describe('a team run finished in the store while the operator confirms production', () => {
  it('is refused in the finished-elsewhere words, not said to be finished on this machine', async () => {
    forwardAll()
    const address = await newTeamStore('finished-at-prod')
    const ana = laptop('finished-at-prod-ana', { store: address })
    const path = checklistFile(ana.dir)
    const checklist = await ana.services.loadChecklist(path)
    const session = await ana.services.startRun(checklist, 'prod', 'ana')
    const id = session.id
    const [first = '', ...rest] = checklist.items.map((item) => item.id)
    session.answer(first, 'done')
    await waitFor(() => session.snapshot.sync?.text === 'synced', 'ana synced')
    await session.close(0)
    // Ben drives it now; Ana opens it again, and Ben finishes it while she types prod.
    const ben = laptop('finished-at-prod-ben', { store: address })
    const found = await ben.services.findTeamRun?.(id)
    assert.ok(found)
    const resumed = await ben.services.resumeRun(id, checklist, 'ben', TAKE_IT)
    open.push(resumed.session)
    const script = scriptedAsk([['confirm-name', 'prod']])
    const ask = {
      ...script.ask,
      confirmName: async (question: Parameters<typeof script.ask.confirmName>[0]) => {
        for (const item of rest) resumed.session.answer(item, 'done')
        resumed.session.finish(join(ben.dir, 'sheet.md'), SIGN_OFF_SHEET)
        await resumed.session.close()
        return script.ask.confirmName(question)
      },
    }
    await assert.rejects(
      openRun(ask, ana.services, options(ana.dir, { resume: id, operator: 'ana' })),
      (error: UserError) => {
        const text = `${error.message}\n  ${error.hint}`
        assert.match(
          text,
          new RegExp(
            `^run ${id} was finished by ben at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC, in the team store ${storeUrl(address)}`,
          ),
        )
        assert.doesNotMatch(text, /finished on this machine/)
        assert.match(text, new RegExp(`deploy-wizard export ${id} --store ${storeUrl(address)}`))
        return true
      },
    )
    assert.deepEqual(script.asked, ['confirm-name: prod'])
    // Ana's copy is the team's, finished: her laptop no longer lists it unfinished.
    assert.deepEqual(localJournal(ana.env, id), await teamJournal(address, id))
  })
})

describe('a team run open in another wizard on this machine', () => {
  it('is refused before the prod confirmation, its lease untouched, and that wizard drives on', async () => {
    forwardAll()
    const address = await newTeamStore('open-here')
    const ana = laptop('open-here-ana', { store: address })
    const checklist = await ana.services.loadChecklist(checklistFile(ana.dir))
    const session = await ana.services.startRun(checklist, 'prod', 'ana')
    open.push(session)
    const [a = '', b = ''] = checklist.items.map((item) => item.id)
    session.answer(a, 'done')
    await waitFor(() => session.snapshot.sync?.text === 'synced', 'ana synced')
    const inStore = await eventCount(address, session.id)

    const { ask, asked } = scriptedAsk([])
    await assert.rejects(
      openRun(ask, ana.services, options(ana.dir, { resume: session.id, operator: 'ana' })),
      new RegExp(`^UserError: run ${session.id} is open in PID ${process.pid} on `),
    )
    assert.deepEqual(asked, [], 'nothing asked, production least of all')
    assert.equal(await eventCount(address, session.id), inStore, 'nothing written to the run')
    session.answer(b, 'done')
    await waitFor(() => session.snapshot.sync?.text === 'synced', 'ana synced again')
    assert.equal(session.snapshot.sync?.lost, null)
  })

  it('once closed there, opened and cancelled at the prod confirmation, is left free: the next open takes it', async () => {
    forwardAll()
    const address = await newTeamStore('open-cancel')
    const ana = laptop('open-cancel-ana', { store: address })
    const checklist = await ana.services.loadChecklist(checklistFile(ana.dir))
    const session = await ana.services.startRun(checklist, 'prod', 'ana')
    open.push(session)
    const id = session.id
    await session.close()
    const inStore = await eventCount(address, id)

    const cancelled = scriptedAsk([['confirm-name', ESC]])
    await assert.rejects(
      openRun(cancelled.ask, ana.services, options(ana.dir, { resume: id, operator: 'ana' })),
      Cancelled,
    )
    assert.equal(await eventCount(address, id), inStore, 'nothing written to the run')
    openRunFile(id, { env: ana.env }).close()
    const again = scriptedAsk([['confirm-name', undefined]])
    const opened = await openRun(
      again.ask,
      ana.services,
      options(ana.dir, { resume: id, operator: 'ana' }),
    )
    open.push(opened.session)
    assert.equal(opened.session.id, id)
    await opened.session.close()
  })
})

describe('a team run found only in the store', () => {
  it('is resumed by id with the store named by the checklist’s store:, or by DEPLOY_WIZARD_STORE, with no --store', async () => {
    forwardAll()
    const address = await newTeamStore('by-id')
    const ana = laptop('by-id-ana', { store: address })
    const checklist = await ana.services.loadChecklist(checklistFile(ana.dir))
    const session = await ana.services.startRun(checklist, 'dev', 'ana')
    open.push(session)
    const id = session.id
    const [a = '', b = ''] = checklist.items.map((item) => item.id)
    session.answer(a, 'done')
    await session.close()

    const ben = laptop('by-id-ben')
    const path = checklistFile(ben.dir, address)
    const asBen = scriptedAsk([['text', 'ben']])
    const opened = await openRun(
      asBen.ask,
      ben.services,
      options(ben.dir, { checklistPath: path, resume: id }),
    )
    open.push(opened.session)
    assert.equal(opened.session.id, id)
    assert.equal(opened.session.operator, 'ben')
    assert.equal(opened.session.state.items[a]?.state, 'done')
    opened.session.answer(b, 'done')
    await opened.session.close()

    const carl = laptop('by-id-carl', { env: { DEPLOY_WIZARD_STORE: storeUrl(address) } })
    const asCarl = scriptedAsk([['text', 'carl']])
    const again = await openRun(asCarl.ask, carl.services, options(carl.dir, { resume: id }))
    open.push(again.session)
    assert.equal(again.session.state.items[b]?.by, 'ben')
    await again.session.close()
  })

  it('is offered beside this machine’s runs, from the team store with who drives it, and opens when picked', async () => {
    forwardAll()
    const address = await newTeamStore('offered')
    const ana = laptop('offered-ana', { store: address })
    const checklist = await ana.services.loadChecklist(checklistFile(ana.dir))
    const [a = ''] = checklist.items.map((item) => item.id)
    // Driven by Ana right now.
    const driven = await ana.services.startRun(checklist, 'dev', 'ana')
    open.push(driven)
    driven.answer(a, 'done')
    await waitFor(() => driven.snapshot.sync?.text === 'synced', 'ana synced')
    // Finished: nothing to take over.
    const finished = await ana.services.startRun(checklist, 'dev', 'ana')
    open.push(finished)
    for (const item of checklist.items) finished.answer(item.id, 'done')
    finished.finish(join(ana.dir, 'sheet.md'), SIGN_OFF_SHEET)
    await finished.close()
    // Another environment than the one asked for.
    const prod = await ana.services.startRun(checklist, 'prod', 'ana')
    open.push(prod)
    await prod.close()

    const ben = laptop('offered-ben', { store: address })
    const path = checklistFile(ben.dir)
    // One run of Ben's own, on his machine only.
    const own = wizardServices({ cwd: ben.dir, staleAfterMs: 3_600_000, env: ben.env })
    const local = await own.startRun(await own.loadChecklist(path), 'dev', 'ben')
    await local.close()

    const { ask, asked, updated } = scriptedAsk([
      ['choose', afterUpdate(driven.id)],
      ['text', 'ben'],
      ['choose', 'Take over'],
    ])
    forwardAll()
    const opened = await openRun(
      ask,
      ben.services,
      options(ben.dir, { checklistPath: path, environment: 'dev' }),
    )
    open.push(opened.session)
    // The prod run is known for another environment's by its id: none of its objects is read.
    const readOfProd = fault.requests.filter(
      (request) =>
        request.action === 'GetObject' && String(request.params.Key).includes(`/runs/${prod.id}/`),
    )
    assert.deepEqual(readOfProd, [])
    assert.equal(opened.session.id, driven.id)
    assert.equal(opened.session.state.items[a]?.state, 'done')
    // Drawn before the store answered, then with its runs.
    assert.equal(
      asked[0],
      'choose: Unfinished runs on this machine — resume one, or start a new run:',
    )
    const list = updated[0]
    assert.ok(list && 'choices' in list)
    assert.equal(
      list.title,
      'Unfinished runs on this machine and in the team store — resume one, or start a new run:',
    )
    // A line as drawn: its label (id and title, cut first) and its tail (kept whole).
    const labels = list.choices.map((choice) => choice.label + (choice.tail ?? ''))
    assert.equal(labels.length, 3, labels.join('\n'))
    assert.match(labels[0] ?? '', new RegExp(`^${local.id} · Team release · 0/3 answered · ben · `))
    assert.doesNotMatch(labels[0] ?? '', /team store/)
    assert.match(
      labels[1] ?? '',
      new RegExp(
        `^${driven.id} · Team release · 1/3 answered · ana · just now · from the team store, driven by ana@${hostname().replace(/\W/g, '\\$&')}, last seen \\d+ s ago$`,
      ),
    )
    assert.equal(labels[2], 'Start a new run')
    assert.match(asked[2] ?? '', new RegExp(`^choose: Take over run ${driven.id} from ana@`))
    await waitFor(() => driven.snapshot.sync?.lost != null, 'ana told of the take-over')
    await opened.session.close()
  })

  it('is not waited for longer than the store’s request timeout: the list says the store did not answer, with this machine’s runs or none', async () => {
    forwardAll()
    const address = await newTeamStore('hung')
    const ben = laptop('hung-ben', {
      store: address,
      timeout: '300ms',
      env: { DEPLOY_WIZARD_OPERATOR: 'ben' },
    })
    const path = checklistFile(ben.dir)
    const given = options(ben.dir, { checklistPath: path, environment: 'dev' })
    fault.script(() => 'hang')
    // Nothing here to resume: the list says the store did not answer, a new run highlighted.
    const bare = scriptedAsk([
      ['choose', afterUpdate('Start a new run')],
      ['text', ESC],
    ])
    await assert.rejects(openRun(bare.ask, ben.services, given), Cancelled)
    assert.deepEqual(bare.asked, [
      'choose: Unfinished runs on this machine — resume one, or start a new run:',
      'text: Your name, as the sheet should show it: [ben]',
    ])
    const unanswered = bare.updated[0]
    assert.ok(unanswered && 'choices' in unanswered)
    assert.deepEqual(unanswered.notes, [
      `⚠ the team store ${storeUrl(address)} did not answer within 300ms: only this machine's runs are listed`,
    ])
    assert.deepEqual(
      unanswered.choices.map((choice) => choice.label),
      ['Start a new run'],
    )

    forwardAll()
    const own = wizardServices({ cwd: ben.dir, staleAfterMs: 3_600_000, env: ben.env })
    const local = await own.startRun(await own.loadChecklist(path), 'dev', 'ben')
    await local.close()

    fault.script(() => 'hang')
    const { ask, updated } = scriptedAsk([['choose', afterUpdate(ESC)]])
    const started = Date.now()
    await assert.rejects(openRun(ask, ben.services, given), Cancelled)
    const tookMs = Date.now() - started
    forwardAll()
    const question = updated[0]
    assert.ok(question && 'choices' in question)
    assert.deepEqual(question.notes, [
      `⚠ the team store ${storeUrl(address)} did not answer within 300ms: only this machine's runs are listed`,
    ])
    assert.match(question.choices[0]?.label ?? '', new RegExp(`^${local.id} · `))
    // The timeout, and the time the test's own machine takes to get there: not the SDK's retries.
    assert.ok(tookMs < 3_000, `listed after ${tookMs} ms`)
  })
})

/**
 * The store holding every request until `release`d: then they are answered with `reply` (as
 * moto answers, by default). `held` counts the requests that came.
 */
function holdStore() {
  let release: (reply: AwsReply) => void = () => {}
  const released = new Promise<AwsReply>((resolve) => {
    release = resolve
  })
  let held = 0
  let isReleased = false
  fault.script(() => {
    held++
    return released
  })
  return {
    held: () => held,
    isReleased: () => isReleased,
    release: (reply: AwsReply = { forward: moto }) => {
      isReleased = true
      release(reply)
    },
  }
}

/** Each choice as drawn: its label and its tail. */
function lines(question: Pick<ChooseQuestion<unknown>, 'choices'> | undefined): string[] {
  return question?.choices.map((choice) => choice.label + (choice.tail ?? '')) ?? []
}

const lookingIn = (address: S3StoreAddress) =>
  `looking for runs in the team store ${storeUrl(address)} — they are added here when it answers`

describe('the list of runs to resume, with a team store named', () => {
  it('is drawn before the store answers, with this machine’s runs and a note that the store is being asked; its runs are added to it when it answers', async () => {
    forwardAll()
    const address = await newTeamStore('live')
    const ana = laptop('live-ana', { store: address })
    const checklist = await ana.services.loadChecklist(checklistFile(ana.dir))
    const driven = await ana.services.startRun(checklist, 'dev', 'ana')
    open.push(driven)
    await driven.close()
    const ben = laptop('live-ben', { store: address, timeout: '10s' })
    const path = checklistFile(ben.dir)
    const own = wizardServices({ cwd: ben.dir, staleAfterMs: 3_600_000, env: ben.env })
    const local = await own.startRun(await own.loadChecklist(path), 'dev', 'ben')
    await local.close()

    const store = holdStore()
    const { ask, asked, chosen, updated } = scriptedAsk([
      ['choose', afterUpdate(driven.id)],
      ['text', 'ben'],
    ])
    const opening = openRun(
      ask,
      ben.services,
      options(ben.dir, { checklistPath: path, environment: 'dev' }),
    )
    await waitFor(() => chosen.length === 1, 'the list, drawn while the store is silent')
    // Drawn before the store was even asked, and standing while it is.
    await waitFor(() => store.held() > 0, 'the store asked')
    const first = chosen[0]
    assert.deepEqual(first?.notes, [lookingIn(address)])
    assert.equal(lines(first).length, 2, lines(first).join('\n'))
    assert.match(lines(first)[0] ?? '', new RegExp(`^${local.id} · Team release · 0/3 answered`))
    assert.equal(lines(first)[1], 'Start a new run')
    assert.equal(updated.length, 0, 'not updated before the store answers')

    store.release()
    const opened = await opening
    open.push(opened.session)
    assert.equal(opened.session.id, driven.id)
    assert.equal(
      asked[0],
      'choose: Unfinished runs on this machine — resume one, or start a new run:',
    )
    assert.match(asked[1] ?? '', /^text: Your name, as the sheet should show it:/)
    // The same question, updated: the store's run added, the note gone, this machine's run the
    // same choice (its value) as before.
    const list = updated[0]
    assert.ok(list && 'choices' in list)
    assert.equal(updated.length, 1)
    assert.ok(!list.notes, 'the store answered: no note')
    assert.equal(lines(list).length, 3, lines(list).join('\n'))
    assert.equal(list.choices[0]?.value, first?.choices[0]?.value)
    assert.match(
      lines(list)[1] ?? '',
      new RegExp(`^${driven.id} · Team release · 0/3 answered · ana · .* · from the team store, `),
    )
    assert.equal(lines(list)[2], 'Start a new run')
    await opened.session.close()
  })

  it('with no run on this machine, offers a new run at once: picked, the silent store is not waited for, and its late answer is not acted on', async () => {
    forwardAll()
    const address = await newTeamStore('silent-new')
    const ben = laptop('silent-new-ben', {
      store: address,
      timeout: '10s',
      env: { DEPLOY_WIZARD_OPERATOR: 'ben' },
    })
    const path = checklistFile(ben.dir)
    // The wizard's own services, the listing they start kept to look at once the list is left.
    let listing: Promise<TeamRunsOffered> | undefined
    const services: WizardServices = {
      ...ben.services,
      teamRuns: (filter, given) => {
        const team = ben.services.teamRuns?.(filter, given)
        listing = team?.listing
        return team
      },
    }
    const store = holdStore()
    const { ask, asked, chosen } = scriptedAsk([
      ['choose', 'Start a new run'],
      ['text', ESC],
    ])
    await assert.rejects(
      openRun(ask, services, options(ben.dir, { checklistPath: path, environment: 'dev' })),
      Cancelled,
    )
    // Opened on, as far as the name, with the store held all the while.
    assert.ok(!store.isReleased())
    assert.deepEqual(asked, [
      'choose: Unfinished runs on this machine — resume one, or start a new run:',
      'text: Your name, as the sheet should show it: [ben]',
    ])
    assert.deepEqual(chosen[0]?.notes, [lookingIn(address)])
    assert.deepEqual(lines(chosen[0]), ['Start a new run'])
    // Left before the store answered: the listing stopped there, offering nothing, and what the
    // store says after (a failure) is nobody's.
    assert.deepEqual(await listing, { runs: [], setAside: [], notes: [], notices: [] })
    store.release({ error: 'InternalError', status: 500 })
    forwardAll()
  })

  it('with no run on this machine and none in the store, goes on to a new run by itself once the store answers', async () => {
    forwardAll()
    const address = await newTeamStore('empty')
    const ben = laptop('empty-ben', { store: address, env: { DEPLOY_WIZARD_OPERATOR: 'ben' } })
    const path = checklistFile(ben.dir)
    const { ask, asked, chosen, updated } = scriptedAsk([
      ['choose', afterUpdate()],
      ['text', ESC],
    ])
    await assert.rejects(
      openRun(ask, ben.services, options(ben.dir, { checklistPath: path, environment: 'dev' })),
      Cancelled,
    )
    assert.deepEqual(asked, [
      'choose: Unfinished runs on this machine — resume one, or start a new run:',
      'text: Your name, as the sheet should show it: [ben]',
    ])
    assert.deepEqual(chosen[0]?.notes, [lookingIn(address)])
    // Answered by the store's answer itself: a new run, no key pressed.
    assert.deepEqual(updated, [{ answer: null }])
  })

  it('picked, a run of the store’s finished since the list was drawn brings the list back, saying why, and the rest said in full on leaving', async () => {
    forwardAll()
    const address = await newTeamStore('gone')
    const ana = laptop('gone-ana', { store: address })
    const checklist = await ana.services.loadChecklist(checklistFile(ana.dir))
    const driven = await ana.services.startRun(checklist, 'dev', 'ana')
    open.push(driven)
    await waitFor(() => driven.snapshot.sync?.text === 'synced', 'ana synced')
    const ben = laptop('gone-ben', { store: address })
    const path = checklistFile(ben.dir)

    const { ask, asked, chosen } = scriptedAsk([
      [
        'choose',
        afterUpdate(async () => {
          // Ana finishes it while Ben reads the list.
          for (const item of checklist.items) driven.answer(item.id, 'done')
          driven.finish(join(ana.dir, 'sheet.md'), SIGN_OFF_SHEET)
          await driven.close()
          return driven.id
        }),
      ],
      ['choose', ESC],
    ])
    const { lines: notices, hooks } = said()
    await assert.rejects(
      openRun(
        ask,
        ben.services,
        options(ben.dir, { checklistPath: path, environment: 'dev' }),
        hooks,
      ),
      Cancelled,
    )
    // Nothing asked about the run (no name): the list, and the list again.
    assert.deepEqual(asked, [
      'choose: Unfinished runs on this machine — resume one, or start a new run:',
      'choose: Unfinished runs on this machine and in the team store — resume one, or start a new run:',
    ])
    const again = chosen[1]
    assert.ok(again)
    assert.equal(again.update, undefined, 'the store has answered: nothing more to wait for')
    assert.match(
      again.notes?.join('\n') ?? '',
      new RegExp(
        `^⚠ run ${driven.id} was finished by ana at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC, in the team store ${storeUrl(address)}: said in full when you leave$`,
      ),
    )
    assert.match(
      notices.join('\n'),
      new RegExp(
        `run ${driven.id} was finished by ana at .*\\n {2}its sign-off sheet: deploy-wizard export ${driven.id} --store ${storeUrl(address)}`,
      ),
    )
  })
})
