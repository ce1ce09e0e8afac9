/**
 * Driving a run in a team store, through the wizard's own services (start.ts)
 * against moto's S3 over the wire: what a new run puts in the bucket, another
 * machine (a home of its own) resuming it from the store alone, the take-over
 * question, an expired lease taken without it, approvals written by someone
 * else adopted once, and no secret reaching any object. The fault server's
 * cases and a kill during sending are in team-sync-faults.test.ts.
 */
import assert from 'node:assert/strict'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import type { Checklist } from '../../src/checklist/model.ts'
import type { JournalEntry } from '../../src/run/model.ts'
import type { RunSession } from '../../src/run/session.ts'
import { type WizardServices, wizardServices } from '../../src/run/start.ts'
import { listRuns, openRun } from '../../src/run/store.ts'
import { type S3StoreAddress, storeUrl } from '../../src/run/team/address.ts'
import { TeamRunFollower } from '../../src/run/team/follow.ts'
import type { LeaseRecord } from '../../src/run/team/lease.ts'
import { type DriverWords, importedChecklistPath } from '../../src/run/team/link.ts'
import { readTeamRunState } from '../../src/run/team/read-state.ts'
import { checklistTextPath, writeEvent } from '../../src/run/team/team-run.ts'
import { followedChecklist, RunWatcher, teamRunRead, teamRunSource } from '../../src/run/watch.ts'
import { pointAwsAt } from '../helpers/aws-fault-server.ts'
import { backend } from '../helpers/checks.ts'
import { runCli } from '../helpers/cli.ts'
import { assertNoTraceOf } from '../helpers/secrets.ts'
import {
  bucketObjects,
  eventCount,
  newTeamStore,
  removeObject,
  storeObjects,
} from '../helpers/team-store.ts'
import { tempDir } from '../helpers/temp.ts'
import { waitFor } from '../helpers/wait.ts'

pointAwsAt(backend('moto'))

const CHECKLIST = `---
title: Team release
environments: [dev, prod]
---
# Team release

## Before
- [ ] Change request approved
- [ ] Backup taken
- [ ] Release notes written

## Sign-Off
- [ ] Deployed by: ________
`

const open: RunSession[] = []
const stores: { close(): Promise<void> }[] = []
after(async () => {
  for (const session of open) await session.close(0)
  for (const objects of stores) await objects.close()
})

/** A laptop: a home of its own, the wizard's services with the store named as --store does. */
function laptop(label: string, address: S3StoreAddress) {
  const dir = tempDir(`team-${label}`)
  const env = {
    DEPLOY_WIZARD_HOME: join(dir, 'home'),
    DEPLOY_WIZARD_STORE_POLL: '100ms',
    DEPLOY_WIZARD_STORE_TIMEOUT: '2s',
  }
  const services = wizardServices({
    cwd: dir,
    staleAfterMs: 3_600_000,
    env,
    store: storeUrl(address),
  })
  return { dir, env, services }
}

async function checklistOn(services: WizardServices, dir: string): Promise<Checklist> {
  const path = join(dir, 'release.md')
  writeFileSync(path, CHECKLIST)
  return services.loadChecklist(path)
}

function objectsOf(address: S3StoreAddress) {
  const objects = storeObjects(address)
  stores.push(objects)
  return objects
}

/** Asked nothing: fails the test if the take-over question is asked. */
const NO_QUESTION = {
  takeOver: () => Promise.reject(new Error('the take-over question was asked')),
}

async function started(label: string, operator = 'ana') {
  const address = await newTeamStore(label)
  const ana = laptop(`${label}-ana`, address)
  const checklist = await checklistOn(ana.services, ana.dir)
  const session = await ana.services.startRun(checklist, 'dev', operator)
  open.push(session)
  const [first = '', second = '', third = ''] = checklist.items.map((item) => item.id)
  const items: readonly [string, string, string] = [first, second, third]
  return { address, ana, checklist, session, items }
}

describe('a new team run', () => {
  it('puts its header, the exact checklist text and every journal entry in the bucket', async () => {
    const { address, ana, session, items } = await started('new')
    session.answer(items[0], 'done')
    session.answer(items[1], 'skipped', 'no schema change')
    session.note(items[2], 'drafted by ben')
    const id = session.id
    await session.close()

    const objects = await bucketObjects(address.bucket)
    const header = JSON.parse(objects.get(`${address.prefix}/runs/${id}/header.json`) ?? '{}')
    assert.equal(header.checklistText, CHECKLIST)
    assert.equal(header.header.id, id)
    const team = await readTeamRunState(objectsOf(address), id)
    const local = openRun(id, { env: ana.env })
    try {
      assert.deepEqual(team?.journal, local.journal)
      assert.deepEqual(
        team?.journal.map((entry) => entry.type),
        ['run-started', 'item-answered', 'item-answered', 'note-added'],
      )
    } finally {
      local.close()
    }
    // Closed with everything sent: the lease is given up, so the next driver need not ask.
    assert.ok(Date.parse(team?.lease?.expiresAt ?? '') <= Date.now())
    assert.equal(session.snapshot.sync?.text, 'synced')
  })

  it('a run kept on this machine only writes nothing to any store', async () => {
    const address = await newTeamStore('local')
    const dir = tempDir('team-local')
    const services = wizardServices({
      cwd: dir,
      staleAfterMs: 3_600_000,
      env: { DEPLOY_WIZARD_HOME: join(dir, 'home') },
    })
    const checklist = await checklistOn(services, dir)
    const session = await services.startRun(checklist, 'dev', 'ana')
    session.answer(checklist.items[0]?.id ?? '', 'done')
    await session.close()
    assert.equal(session.snapshot.sync, undefined)
    assert.equal((await bucketObjects(address.bucket)).size, 0)
    assert.equal(existsSync(join(dir, 'home', 'outbox')), false)
  })
})

describe('a team run resumed with an edited checklist', () => {
  it('keeps the edited text in the store, and a watcher lays the run out from it from then on', async () => {
    const { address, ana, checklist, session, items } = await started('edited')
    session.answer(items[0], 'done')
    const id = session.id
    await session.close()
    const follower = await TeamRunFollower.open(objectsOf(address), id)
    assert.ok(follower)
    const first = await followedChecklist(follower.run)
    const watcher = new RunWatcher(
      teamRunSource(follower, first),
      teamRunRead(follower.run, first),
      {
        intervalMs: 60_000,
      },
    )
    const texts = () => watcher.snapshot.checklist.items.map((item) => item.plain)
    assert.deepEqual(
      texts(),
      checklist.items.map((item) => item.plain),
    )

    // ana adds an item to her file and resumes the run with it.
    const edited = CHECKLIST.replace(
      '- [ ] Backup taken\n',
      '- [ ] Backup taken\n- [ ] Backup restored on staging\n',
    )
    writeFileSync(checklist.path, edited)
    const newer = await ana.services.loadChecklist(checklist.path)
    const resumed = await ana.services.resumeRun(id, newer, 'ana', NO_QUESTION)
    open.push(resumed.session)
    const objects = await bucketObjects(address.bucket)
    assert.equal(objects.get(`${address.prefix}/${checklistTextPath(id, newer.sha256)}`), edited)
    await waitFor(() => resumed.session.snapshot.sync?.text === 'synced', 'the resume sent')

    await watcher.tick()
    assert.equal(watcher.snapshot.problem, null)
    assert.equal(watcher.snapshot.checklist.sha256, newer.sha256)
    assert.ok(texts().includes('Backup restored on staging'), texts().join(', '))
    assert.equal(watcher.snapshot.state.items[items[0]]?.state, 'done')
    // A watcher opened from now on starts on it.
    const later = await TeamRunFollower.open(objectsOf(address), id)
    assert.equal(later?.run.checklist.text, edited)
    assert.equal(later?.run.checklistText, CHECKLIST, 'the header keeps the text it started with')
  })
})

/** The team's checklist with an item added: what Ana resumes her run with. */
const EDITED = CHECKLIST.replace(
  '- [ ] Backup taken\n',
  '- [ ] Backup taken\n- [ ] Backup restored on staging\n',
)

/**
 * Ana starts a run and answers its first item; then edits her file (an item added), resumes the
 * run with it, sees what changed, answers the new item and leaves, everything sent.
 */
async function resumedEdited(label: string) {
  const run = await started(label)
  const id = run.session.id
  run.session.answer(run.items[0], 'done')
  await run.session.close()
  writeFileSync(run.checklist.path, EDITED)
  const newer = await run.ana.services.loadChecklist(run.checklist.path)
  const resumed = await run.ana.services.resumeRun(id, newer, 'ana', NO_QUESTION)
  open.push(resumed.session)
  resumed.session.changesSeen()
  const added = newer.items.find((item) => item.plain === 'Backup restored on staging')?.id
  assert.ok(added)
  resumed.session.answer(added, 'done')
  await resumed.session.close()
  assert.equal(resumed.session.snapshot.sync?.text, 'synced')
  return { ...run, id, newer, added }
}

describe('a team run resumed with an edited checklist, on another machine', () => {
  it('is resumed there with the text it is on: what the edit added is neither missing nor called removed', async () => {
    const run = await resumedEdited('edited-ben')
    const ben = laptop('edited-ben-ben', run.address)
    const found = await ben.services.findTeamRun?.(run.id)
    assert.ok(found)
    assert.equal(readFileSync(found.header.checklist.path, 'utf8'), EDITED)
    await ben.services.checkResumable?.(run.id)
    const checklist = await ben.services.loadChecklist(found.header.checklist.path)
    assert.equal(checklist.sha256, run.newer.sha256)
    const resumed = await ben.services.resumeRun(run.id, checklist, 'ben', NO_QUESTION)
    open.push(resumed.session)
    assert.deepEqual(resumed.changes, { added: [], removed: [], reworded: [] })
    assert.equal(resumed.session.state.items[run.added]?.state, 'done')
    assert.ok(resumed.session.checklist.items.some((item) => item.id === run.added))
    assert.equal(
      resumed.notices?.some((notice) => /keeps no text/.test(notice)),
      false,
    )
    await resumed.session.close()
    const team = await readTeamRunState(objectsOf(run.address), run.id)
    assert.equal(team?.state.sha256History.at(-1), run.newer.sha256)
    assert.equal(team?.checklist.text, EDITED)
  })

  it('brings a copy imported there before to the text it is on, before its checklist is read', async () => {
    const run = await started('edited-again')
    const id = run.session.id
    run.session.answer(run.items[0], 'done')
    await run.session.close()
    // Ben drove it once: his copy's checklist is the text it started with, saved in his home.
    const ben = laptop('edited-again-ben', run.address)
    const found = await ben.services.findTeamRun?.(id)
    assert.ok(found)
    const first = await ben.services.loadChecklist(found.header.checklist.path)
    const his = await ben.services.resumeRun(id, first, 'ben', NO_QUESTION)
    open.push(his.session)
    his.session.answer(run.items[1], 'done')
    await his.session.close()
    // Ana resumes it with her edited file, and answers what it added.
    writeFileSync(run.checklist.path, EDITED)
    const newer = await run.ana.services.loadChecklist(run.checklist.path)
    const hers = await run.ana.services.resumeRun(id, newer, 'ana', NO_QUESTION)
    open.push(hers.session)
    hers.session.changesSeen()
    await hers.session.close()

    // Ben opens his copy again, as the wizard does: the store first, then the checklist.
    const copy = ben.services.unfinishedRuns({}).runs.find((listed) => listed.id === id)
    assert.ok(copy)
    assert.equal(copy.header.checklist.path, importedChecklistPath(id, ben.env))
    await ben.services.checkResumable?.(id)
    const checklist = await ben.services.loadChecklist(copy.header.checklist.path)
    assert.equal(checklist.sha256, newer.sha256)
    const again = await ben.services.resumeRun(id, checklist, 'ben', NO_QUESTION)
    open.push(again.session)
    assert.deepEqual(again.changes, { added: [], removed: [], reworded: [] })
    assert.equal(again.session.state.items[run.items[1]]?.by, 'ben')
    await again.session.close()
  })

  it('falls back to the text it started with, and says so, when the store keeps none (an older version resumed it)', async () => {
    const run = await resumedEdited('edited-untold')
    await removeObject(run.address, checklistTextPath(run.id, run.newer.sha256))
    const ben = laptop('edited-untold-ben', run.address)
    const found = await ben.services.findTeamRun?.(run.id)
    assert.ok(found)
    assert.equal(readFileSync(found.header.checklist.path, 'utf8'), CHECKLIST)
    const checklist = await ben.services.loadChecklist(found.header.checklist.path)
    const resumed = await ben.services.resumeRun(run.id, checklist, 'ben', NO_QUESTION)
    open.push(resumed.session)
    assert.match(
      resumed.notices?.join('\n') ?? '',
      new RegExp(
        `run ${run.id} was last resumed with an edited checklist \\(sha256 ${run.newer.sha256.slice(0, 12)}…\\) that the team store keeps no text of \\(resumed by an older deploy-wizard\\): \\S+ has the text the run started with instead`,
      ),
    )
    // Its answer is kept, shown as one to an item no longer in the checklist.
    assert.deepEqual(resumed.changes.removed, [run.added])
    assert.equal(resumed.session.state.items[run.added]?.state, 'done')
    await resumed.session.close()
  })

  it('is exported with --store from the text it is on, and the sheet verifies', async () => {
    const run = await resumedEdited('edited-export')
    const carl = tempDir('edited-export-carl')
    const env = { DEPLOY_WIZARD_HOME: join(carl, 'home'), DEPLOY_WIZARD_STORE: undefined }
    const sheet = join(carl, 'sheet.md')
    const url = storeUrl(run.address)
    const exported = await runCli(['export', run.id, '--store', url, '-o', sheet], env)
    assert.equal(exported.code, 0, exported.stderr)
    assert.equal(exported.stderr, `wrote ${sheet}\n`)
    const text = readFileSync(sheet, 'utf8')
    assert.match(text, new RegExp(`^- \\*\\*Checklist sha256:\\*\\* \`${run.newer.sha256}\`$`, 'm'))
    assert.match(text, /Backup restored on staging/)
    assert.doesNotMatch(text, /differs from the version the run last used/)
    assert.doesNotMatch(text, /Answers to removed items/)
    const verified = await runCli(['verify', sheet, '--store', url], env)
    assert.equal(verified.code, 0, verified.stdout + verified.stderr)

    // The store keeps no text of it (an older version resumed the run): the text it started
    // with, and the export says so.
    await removeObject(run.address, checklistTextPath(run.id, run.newer.sha256))
    const untold = await runCli(['export', run.id, '--store', url], env)
    assert.equal(untold.code, 0, untold.stderr)
    assert.match(untold.stderr, /keeps no text of .*: exported with the text it started with/)
    assert.match(untold.stdout, /differs from the version the run last used/)
    assert.match(
      untold.stdout,
      new RegExp(`^- \\*\\*Checklist sha256:\\*\\* \`${run.checklist.sha256}\`$`, 'm'),
    )
  })
})

describe('another machine', () => {
  it('resumes a team run by id with only the store named, and sees its answers', async () => {
    const { address, session, items } = await started('resume')
    session.answer(items[0], 'done')
    session.answer(items[1], 'failed', 'backup job timed out')
    const id = session.id
    await session.close()

    const ben = laptop('resume-ben', address)
    const found = await ben.services.findTeamRun?.(id)
    assert.ok(found)
    assert.equal(found.isHere, false)
    // The checklist the run started with, saved on this machine, not the other's path.
    assert.equal(found.header.checklist.path, importedChecklistPath(id, ben.env))
    assert.equal(readFileSync(found.header.checklist.path, 'utf8'), CHECKLIST)
    const checklist = await ben.services.loadChecklist(found.header.checklist.path)
    const resumed = await ben.services.resumeRun(id, checklist, 'ben', NO_QUESTION)
    open.push(resumed.session)
    assert.equal(resumed.session.state.items[items[0]]?.state, 'done')
    assert.equal(resumed.session.state.items[items[1]]?.note, 'backup job timed out')
    assert.match(resumed.notices?.join('\n') ?? '', /took run .* over from ana@.*lease had expired/)
    resumed.session.answer(items[2], 'done')
    await resumed.session.close()

    // Local files `runs` and `export` read as any run's, with the checklist the run started with.
    const listed = listRuns({ env: ben.env }).runs.find((run) => run.id === id)
    assert.equal(listed?.progress.answered, 3)
    const home = { DEPLOY_WIZARD_HOME: ben.env.DEPLOY_WIZARD_HOME }
    const runs = await runCli(['runs'], home)
    assert.equal(runs.code, 0, runs.stderr)
    assert.match(runs.stdout, new RegExp(id))
    const sheet = await runCli(['export', id], home)
    assert.equal(sheet.code, 0, sheet.stderr)
    // Recorded in this copy only: said, with the command that records it in the store.
    assert.match(
      sheet.stderr,
      new RegExp(
        `^note: run ${id} is a team run of ${storeUrl(address).replace(/[/.]/g, '\\$&')}; this export is recorded on this machine only, so \`verify --store\` will refuse its sheet. To record it in the team store: deploy-wizard export ${id} --store s3://`,
        'm',
      ),
    )
    assert.match(sheet.stdout, /Backup taken/)
    assert.match(sheet.stdout, /backup job timed out/)
    const team = await readTeamRunState(objectsOf(address), id)
    assert.equal(team?.state.items[items[2]]?.by, 'ben')
    assert.deepEqual(
      team?.state.handovers?.map((handover) => [handover.from.holder, handover.to.holder]),
      [['ana', 'ben']],
    )
  })

  it('asks before taking over from a driver still there, and a refusal writes nothing', async () => {
    const { address, session, items } = await started('question')
    session.answer(items[0], 'done')
    const id = session.id
    await waitFor(() => session.snapshot.sync?.text === 'synced', 'ana synced')
    const before = await bucketObjects(address.bucket)

    const ben = laptop('question-ben', address)
    const found = await ben.services.findTeamRun?.(id)
    assert.ok(found)
    const checklist = await ben.services.loadChecklist(found.header.checklist.path)
    const asked: DriverWords[] = []
    await assert.rejects(
      Promise.resolve(
        ben.services.resumeRun(id, checklist, 'ben', {
          takeOver: async (holder) => {
            asked.push(holder)
            return false
          },
        }),
      ),
      /run .* is left to ana@.*: nothing was written/,
    )
    assert.match(asked[0]?.name ?? '', /^ana@/)
    assert.match(asked[0]?.lastSeen ?? '', /^\d+ s ago$/)
    assert.deepEqual(
      [...(await bucketObjects(address.bucket)).keys()].filter((key) => key.includes('/events/')),
      [...before.keys()].filter((key) => key.includes('/events/')),
    )
    assert.deepEqual(listRuns({ env: ben.env }).runs, [])
    // Ana drives on.
    session.answer(items[1], 'done')
    await waitFor(() => session.snapshot.sync?.text === 'synced', 'ana synced again')
    assert.equal(session.snapshot.sync?.lost, null)
  })

  it('tells a driver with nothing left to send, within its poll interval, that its run was taken', async () => {
    const { address, session, items } = await started('idle')
    session.answer(items[0], 'done')
    const id = session.id
    await waitFor(() => session.snapshot.sync?.text === 'synced', 'ana synced')

    const ben = laptop('idle-ben', address)
    const found = await ben.services.findTeamRun?.(id)
    assert.ok(found)
    const checklist = await ben.services.loadChecklist(found.header.checklist.path)
    const resumed = await ben.services.resumeRun(id, checklist, 'ben', {
      takeOver: () => Promise.resolve(true),
    })
    open.push(resumed.session)
    // Ana sends nothing and renews her lease only every 20 s: only her look at the store tells her.
    await waitFor(() => session.snapshot.sync?.lost != null, 'ana told', 3_000)
    assert.equal(
      session.snapshot.sync?.lost,
      `taken over by ben@${hostname()}: nothing more is recorded here`,
    )
    assert.throws(() => session.answer(items[1], 'done'), /is now driven by ben@/)
    await resumed.session.close()
  })

  it('refuses a run open in another wizard here before touching its lease, and that wizard drives on', async () => {
    const { ana, checklist, session, items } = await started('open-twice')
    session.answer(items[0], 'done')
    await waitFor(() => session.snapshot.sync?.text === 'synced', 'ana synced')
    await assert.rejects(
      Promise.resolve(ana.services.resumeRun(session.id, checklist, 'ana', NO_QUESTION)),
      /is open in PID/,
    )
    // Give her poll time to see a lease that would have been let go.
    const polls = Date.now() + 500
    await waitFor(() => Date.now() > polls, 'a few polls')
    assert.equal(session.snapshot.sync?.lost, null)
    session.answer(items[1], 'done')
    await waitFor(() => session.snapshot.sync?.text === 'synced', 'ana synced again')
  })

  it('takes an expired lease without asking, and journals the take-over all the same', async () => {
    const { address, session, items } = await started('expired')
    session.answer(items[0], 'done')
    const id = session.id
    await waitFor(() => session.snapshot.sync?.text === 'synced', 'ana synced')
    // Ana's laptop died a while ago: her lease ran out (written as its renewal would have left it).
    const objects = objectsOf(address)
    const lease = await objects.get(`runs/${id}/lease.json`)
    const record = JSON.parse(lease?.body ?? '{}') as LeaseRecord
    const past = new Date(Date.now() - 5 * 60_000).toISOString()
    await objects.putIfMatch(
      `runs/${id}/lease.json`,
      JSON.stringify({ ...record, renewedAt: past, expiresAt: past }),
      lease?.etag ?? '',
    )

    const ben = laptop('expired-ben', address)
    const found = await ben.services.findTeamRun?.(id)
    assert.ok(found)
    const checklist = await ben.services.loadChecklist(found.header.checklist.path)
    const resumed = await ben.services.resumeRun(id, checklist, 'ben', NO_QUESTION)
    open.push(resumed.session)
    assert.match(
      resumed.notices?.[0] ?? '',
      /from ana@.*, last seen 5 min ago \(their lease had expired\)/,
    )
    await resumed.session.close()
    const team = await readTeamRunState(objects, id)
    const taken = team?.journal.find((entry) => entry.type === 'lease-taken-over')
    assert.equal(taken?.type === 'lease-taken-over' && taken.reason, 'expired')
    assert.equal(taken?.by, 'ben')
    // The entry comes before Ben's resume, as the hand-over came first.
    const types = team?.journal.map((entry) => entry.type) ?? []
    assert.ok(types.indexOf('lease-taken-over') < types.lastIndexOf('resumed'))
  })
})

describe('approvals written by someone else', () => {
  const approval = (gate: string): JournalEntry => ({
    type: 'approval-recorded',
    at: new Date().toISOString(),
    by: 'carol',
    gate,
    arn: 'arn:aws:sts::123456789012:assumed-role/approver/carol',
    account: '123456789012',
    host: 'desk-9',
  })

  it('arrive in the driver’s run within the poll interval, once, are never sent back, and stay once after a restart', async () => {
    const { address, ana, checklist, session, items } = await started('approval')
    session.answer(items[0], 'done')
    const id = session.id
    await waitFor(() => session.snapshot.sync?.text === 'synced', 'ana synced')
    const objects = objectsOf(address)
    const seen: JournalEntry[] = []
    session.subscribe((event) => {
      if (event.type === 'journal' && event.entry.type === 'approval-recorded')
        seen.push(event.entry)
    })
    const entry = approval('Change board')
    await writeEvent(objects, id, (await eventCount(address, id)) + 1, {
      id: 'approver-carol-1',
      entry,
    })
    await waitFor(() => session.state.approvals?.['Change board'] !== undefined, 'adopted', 5_000)
    assert.equal(seen.length, 1)
    // More polls, more answers: still once, and the store has it once (it is not sent back).
    session.answer(items[1], 'done')
    await waitFor(() => session.snapshot.sync?.text === 'synced', 'synced after')
    const polls = Date.now() + 500
    await waitFor(() => Date.now() > polls, 'a few more polls')
    assert.equal(seen.length, 1)
    const countIn = (journal: readonly JournalEntry[]) =>
      journal.filter((one) => one.type === 'approval-recorded').length
    await session.close()
    assert.equal(countIn(localJournal(ana.env, id)), 1)
    assert.equal(countIn((await readTeamRunState(objects, id))?.journal ?? []), 1)

    const again = await ana.services.resumeRun(id, checklist, 'ana', NO_QUESTION)
    open.push(again.session)
    const polled = Date.now() + 500
    await waitFor(() => Date.now() > polled, 'polls after the restart')
    await again.session.close()
    assert.equal(countIn(localJournal(ana.env, id)), 1)
    assert.equal(countIn((await readTeamRunState(objects, id))?.journal ?? []), 1)
  })
})

describe('secrets', () => {
  it('no object in the bucket holds a planted secret a team run’s checks met', async () => {
    const address = await newTeamStore('secret')
    const ana = laptop('secret-ana', address)
    const token = 'tok-8e2f61c0b9d44a7e3b5c'
    const path = join(ana.dir, 'secret.md')
    writeFileSync(
      path,
      `---
title: Secret release
environments: [dev]
---
# Secret release

## Checks
- [ ] Deploy token is set <!-- check: env name=DEPLOY_API_TOKEN min-length=16 -->
- [ ] Deploy script sees its settings <!-- check: command run="echo token $DEPLOY_API_TOKEN" -->
- [ ] Told the team
`,
    )
    const services = wizardServices({
      cwd: ana.dir,
      staleAfterMs: 3_600_000,
      env: { ...ana.env, DEPLOY_API_TOKEN: token },
      store: storeUrl(address),
    })
    const checklist = await services.loadChecklist(path)
    const session = await services.startRun(checklist, 'dev', 'ana')
    open.push(session)
    session.trust()
    await session.runChecks(
      checklist.items.filter((item) => item.check).map((item) => item.id),
      { isExplicit: true },
    )
    session.answer(checklist.items[2]?.id ?? '', 'done', 'told #deploys')
    await session.close()
    const all = await bucketObjects(address.bucket)
    const text = [...all.values()].join('\n')
    // Not vacuous: the command's output and the checklist text reached the bucket.
    assert.match(text, /token \*\*\*/)
    assert.match(text, /DEPLOY_API_TOKEN min-length=16/)
    assertNoTraceOf(text, [token], 'the team store')
  })
})

/** The run's journal as this machine's files hold it. */
function localJournal(env: Record<string, string>, id: string): readonly JournalEntry[] {
  const handle = openRun(id, { env })
  try {
    return handle.journal
  } finally {
    handle.close()
  }
}
