/**
 * Following a team run (what `watch` reads), against moto's S3 over the wire,
 * through our fault server, which forwards every request to moto and counts
 * them, or fails them when a test says so: the run read whole once, then only
 * the entries after the last one read; nothing ever written; a gap waited out;
 * a store that stops answering keeps the last view and says since when.
 */
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import pLimit from 'p-limit'
import type { JournalEntry, RunHeader } from '../../src/run/model.ts'
import { RUN_FORMAT } from '../../src/run/model.ts'
import { readEventsAfter, TeamRunFollower } from '../../src/run/team/follow.ts'
import { Lease } from '../../src/run/team/lease.ts'
import type { StoreObjects } from '../../src/run/team/objects.ts'
import {
  createTeamRun,
  keepChecklistText,
  TeamRunWriter,
  textSha256,
  writeEvent,
} from '../../src/run/team/team-run.ts'
import {
  describeFreshness,
  describeHolder,
  followedChecklist,
  RunWatcher,
  teamRunRead,
  teamRunSource,
} from '../../src/run/watch.ts'
import { pointAwsAt, startAwsFaultServer } from '../helpers/aws-fault-server.ts'
import { backend } from '../helpers/checks.ts'
import { bucketObjects, driver, newTeamStore, storeObjects } from '../helpers/team-store.ts'
import { waitFor } from '../helpers/wait.ts'

const moto = backend('moto')
const fault = await startAwsFaultServer()
pointAwsAt(fault.url)

const opened: { close(): Promise<void> }[] = []
after(async () => {
  for (const objects of opened) await objects.close()
  await fault.close()
})

const CHECKLIST = '# Deploy\n\n## Before\n- [ ] Tag the release\n- [ ] Announce it\n'

function header(id: string): RunHeader {
  return {
    format: RUN_FORMAT,
    id,
    checklist: { path: '/home/ana/deploy.md', title: 'Deploy' },
    environment: 'prod',
    operator: 'ana',
    host: 'laptop-7',
    startedAt: '2026-12-04T12:00:00.000Z',
    toolVersion: '0.0.0-test',
  }
}

function answered(itemId: string, by = 'ana'): JournalEntry {
  return { type: 'item-answered', at: new Date().toISOString(), by, itemId, state: 'done' }
}

/** A run in a fresh bucket, its lease held by ana, and a writer appending for her. */
async function newRun(label: string) {
  fault.script(() => ({ forward: moto }))
  const address = await newTeamStore(label)
  const objects = storeObjects(address)
  opened.push(objects)
  const id = 'prod-20261204-f0c1'
  await createTeamRun(objects, header(id), CHECKLIST)
  const lease = await Lease.acquire(objects, id, { driver: driver('ana') })
  const writer = new TeamRunWriter(objects, lease, 1)
  let n = 0
  const append = (entry: JournalEntry) => writer.append({ id: `e${n++}`, entry })
  return { address, objects, id, lease, append }
}

/** What a watch of the followed run shows now, its checklist parsed. */
async function readOf(follower: TeamRunFollower) {
  return teamRunRead(follower.run, await followedChecklist(follower.run))
}

/** The watch's source over the follower, as `watch` makes it. */
async function sourceOf(follower: TeamRunFollower) {
  return teamRunSource(follower, await followedChecklist(follower.run))
}

/** The follower's own objects: a reader of its own, as `watch` on another machine. */
function reader(address: Awaited<ReturnType<typeof newRun>>['address']): StoreObjects {
  const objects = storeObjects(address)
  opened.push(objects)
  return objects
}

describe('following a team run', () => {
  it('reads the run whole once, then each refresh gets only the entries written since', async () => {
    const { address, id, append } = await newRun('follow-incremental')
    for (let i = 0; i < 30; i++) await append(answered(`before/item-${i}`))
    const follower = await TeamRunFollower.open(reader(address), id)
    assert.ok(follower)
    assert.equal(follower.run.lastSeq, 30)
    assert.equal(follower.run.checklistText, CHECKLIST)
    assert.equal(follower.run.state.items['before/item-29']?.state, 'done')

    await append(answered('before/tag-the-release'))
    await append({
      type: 'note-added',
      at: new Date().toISOString(),
      by: 'ana',
      itemId: 'before/tag-the-release',
      note: 'v1.4.2',
    })
    fault.script(() => ({ forward: moto }))
    assert.equal(await follower.refresh(), 2)
    const gets = fault.requests.filter((request) => request.action === 'GetObject')
    const lists = fault.requests.filter((request) => request.action === 'ListObjectsV2')
    // The two new entries and the lease: not the 30 read before, not the header.
    assert.deepEqual(
      gets.map((request) => String(request.params.Key).replace(/^.*\/runs\/[^/]+\//, '')).sort(),
      ['events/00000031.json', 'events/00000032.json', 'lease.json'],
    )
    assert.equal(lists.length, 1)
    assert.equal(follower.run.lastSeq, 32)
    const record = follower.run.state.items['before/tag-the-release']
    assert.equal(record?.state, 'done')
    assert.equal(record?.note, 'v1.4.2')

    // Nothing new: one listing, the lease, and no entry read.
    fault.script(() => ({ forward: moto }))
    assert.equal(await follower.refresh(), 0)
    assert.deepEqual(fault.requests.map((request) => request.action).sort(), [
      'GetObject',
      'ListObjectsV2',
    ])
  })

  it('writes nothing to the bucket, not even the segments a reader of the whole run may seal', async () => {
    const { address, objects, id } = await newRun('follow-read-only')
    // 120 entries from no driver's writer: no segment sealed yet, one is possible.
    const limit = pLimit(16)
    await Promise.all(
      Array.from({ length: 120 }, (_, n) =>
        limit(() =>
          writeEvent(objects, id, n + 1, { id: `x${n}`, entry: answered(`before/item-${n}`) }),
        ),
      ),
    )
    const before = await bucketObjects(address.bucket)
    fault.script(() => ({ forward: moto }))
    const follower = await TeamRunFollower.open(reader(address), id)
    await follower?.refresh()
    assert.equal(follower?.run.lastSeq, 120)
    assert.deepEqual(
      fault.requests.filter((request) => request.action === 'PutObject'),
      [],
      'a follower wrote to the store',
    )
    assert.deepEqual([...(await bucketObjects(address.bucket)).keys()], [...before.keys()])
  })

  it('waits at a gap: an entry not there yet holds back those after it until it lands', async () => {
    const { address, objects, id, append } = await newRun('follow-gap')
    await append(answered('before/item-1'))
    const follower = await TeamRunFollower.open(reader(address), id)
    assert.ok(follower)
    // Entry 3 lands before entry 2 (two writers, the first one slow).
    await writeEvent(objects, id, 3, { id: 'late-3', entry: answered('before/item-3') })
    assert.equal(await follower.refresh(), 0)
    const items: Readonly<Record<string, unknown>> = follower.run.state.items
    assert.equal(items['before/item-3'], undefined, 'folded past a gap')
    await writeEvent(objects, id, 2, { id: 'late-2', entry: answered('before/item-2') })
    assert.equal(await follower.refresh(), 2)
    assert.equal(follower.run.lastSeq, 3)
    assert.equal(follower.run.state.items['before/item-3']?.state, 'done')
    assert.deepEqual(
      (await readEventsAfter(objects, id, 1)).map((event) => event.id),
      ['late-2', 'late-3'],
    )
  })

  it('tells who drives, a take-over, and who finished, as the header says them', async () => {
    const { address, objects, id, append } = await newRun('follow-holder')
    await append(answered('before/item-1'))
    const follower = await TeamRunFollower.open(reader(address), id)
    assert.ok(follower)
    const now = new Date()
    assert.match(
      describeHolder(await readOf(follower), now),
      /^driven by ana@laptop-7, last seen \d+ s ago$/,
    )

    const ben = await Lease.acquire(objects, id, {
      driver: driver('ben', 'desk-2'),
      takeOver: true,
    })
    const benWriter = new TeamRunWriter(objects, ben, 2)
    await benWriter.append({
      id: 'ben-finish',
      entry: { type: 'finished', at: '2026-12-04T12:30:05.000Z', by: 'ben' },
    })
    await follower.refresh()
    assert.equal(follower.run.lease?.holder, 'ben')
    assert.equal(follower.run.finishedBy, 'ben')
    const words = describeHolder(await readOf(follower), new Date())
    const at = new Date('2026-12-04T12:30:05.000Z').toTimeString().slice(0, 8)
    assert.equal(words, `finished at ${at} by ben`)
  })

  it('says "not driven" once the lease has expired or been given up', async () => {
    const { address, id, lease } = await newRun('follow-released')
    await lease.release()
    const follower = await TeamRunFollower.open(reader(address), id)
    assert.ok(follower)
    assert.match(
      describeHolder(await readOf(follower), new Date()),
      /^not driven \(ana@laptop-7 last seen \d+ s ago\)$/,
    )
  })
})

describe('a followed run resumed with an edited checklist', () => {
  const resumedWith = (sha256: string): JournalEntry => ({
    type: 'resumed',
    at: new Date().toISOString(),
    by: 'ana',
    sha256,
    items: [],
    changes: { added: [], removed: [], reworded: [] },
  })
  const checklistGets = () =>
    fault.requests.filter(
      (request) =>
        request.action === 'GetObject' && /\/checklists\//.test(String(request.params.Key)),
    )

  it('is followed onto the text its driver kept for it, read once, and back to the first', async () => {
    const { address, objects, id, append } = await newRun('follow-edited')
    await append(resumedWith(textSha256(CHECKLIST)))
    const follower = await TeamRunFollower.open(reader(address), id)
    assert.ok(follower)
    assert.equal(follower.run.checklist.text, CHECKLIST)
    const edited = `${CHECKLIST}- [ ] Close the ticket\n`
    await keepChecklistText(objects, id, textSha256(edited), edited)
    await append(resumedWith(textSha256(edited)))
    fault.script(() => ({ forward: moto }))
    await follower.refresh()
    assert.deepEqual(follower.run.checklist, { sha256: textSha256(edited), text: edited })
    assert.equal(checklistGets().length, 1)
    fault.script(() => ({ forward: moto }))
    await follower.refresh()
    assert.equal(checklistGets().length, 0, 'not read again')
    // Resumed with the first text again: the header's, no read.
    await append(resumedWith(textSha256(CHECKLIST)))
    fault.script(() => ({ forward: moto }))
    await follower.refresh()
    assert.equal(follower.run.checklist.text, CHECKLIST)
    assert.equal(checklistGets().length, 0)
  })

  it('keeps the last text when the store has none for a resume (an older version resumed), looked for once', async () => {
    const { address, objects, id, append } = await newRun('follow-edited-untold')
    const follower = await TeamRunFollower.open(reader(address), id)
    assert.ok(follower)
    const before = follower.run.checklist
    await append(resumedWith('f'.repeat(64)))
    // Not the text it is named by: none.
    await objects.putIfAbsent(`runs/${id}/checklists/${'e'.repeat(64)}.md`, '# Not this\n')
    fault.script(() => ({ forward: moto }))
    assert.equal(await follower.refresh(), 1)
    assert.deepEqual(follower.run.checklist, before)
    assert.equal(checklistGets().length, 1)
    fault.script(() => ({ forward: moto }))
    assert.equal(await follower.refresh(), 0)
    assert.equal(checklistGets().length, 0, 'not looked for again')
    await append(resumedWith('e'.repeat(64)))
    await follower.refresh()
    assert.deepEqual(follower.run.checklist, before)
  })
})

describe('a watcher whose store stops answering', () => {
  it('keeps the last view, says since when it is unreachable, and picks up again when it answers', async () => {
    const { address, id, append } = await newRun('follow-unreachable')
    await append(answered('before/item-1'))
    const objects = storeObjects(address, { requestTimeoutMs: 300 })
    opened.push(objects)
    const follower = await TeamRunFollower.open(objects, id)
    assert.ok(follower)
    const watcher = new RunWatcher(await sourceOf(follower), await readOf(follower), {
      intervalMs: 1_000,
    })
    // The store hangs: every request, forever.
    fault.script(() => 'hang')
    await watcher.tick()
    const stuck = watcher.snapshot
    assert.ok(stuck.failingSince, 'not told the store is unreachable')
    assert.equal(stuck.state.items['before/item-1']?.state, 'done', 'the last view was lost')
    const since = stuck.failingSince.toTimeString().slice(0, 5)
    assert.equal(describeFreshness(stuck), `store unreachable since ${since}, retrying`)
    assert.match(stuck.problem ?? '', /no answer/)
    // Who drives is known only from the store: not worked out from this watcher's stale lease.
    assert.match(
      describeHolder(stuck, new Date(Date.now() + 10 * 60_000)),
      /^driver unknown \(last known: ana@/,
    )
    // Still failing: still since the first failure.
    await watcher.tick()
    assert.equal(watcher.snapshot.failingSince, stuck.failingSince)

    fault.script(() => ({ forward: moto }))
    await append(answered('before/item-2'))
    await watcher.tick()
    assert.equal(watcher.snapshot.failingSince, null)
    assert.equal(watcher.snapshot.state.items['before/item-2']?.state, 'done')
    assert.match(describeFreshness(watcher.snapshot), /^updated \d\d:\d\d:\d\d$/)
  })

  it('reads again every interval, on its own, and tells its listeners', async () => {
    const { address, id, append } = await newRun('follow-interval')
    const follower = await TeamRunFollower.open(reader(address), id)
    assert.ok(follower)
    const watcher = new RunWatcher(await sourceOf(follower), await readOf(follower), {
      intervalMs: 100,
    })
    let told = 0
    watcher.subscribe(() => told++)
    watcher.start()
    try {
      await append(answered('before/item-7'))
      await waitFor(
        () => watcher.snapshot.state.items['before/item-7'] !== undefined,
        "the new answer in the watcher's view",
      )
      assert.equal(watcher.snapshot.state.items['before/item-7']?.state, 'done')
      assert.ok(told > 0)
    } finally {
      watcher.stop()
    }
  })
})
