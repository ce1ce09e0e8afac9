/**
 * The team store's runs against moto's S3 over the wire: entries written with
 * `If-None-Match: *` (two real processes racing for the same entries), ids that
 * make a retry harmless, the lease (renewal, expiry, take-over) and a driver
 * that lost it being unable to write.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { after, describe, it } from 'node:test'
import type { RunHeader } from '../../src/run/model.ts'
import { RUN_FORMAT } from '../../src/run/model.ts'
import { Lease, LeaseHeldError, LeaseLostError, readLease } from '../../src/run/team/lease.ts'
import type { StoreObjects } from '../../src/run/team/objects.ts'
import {
  createTeamRun,
  eventPath,
  readTeamRun,
  TeamRunWriter,
  takeOverEntry,
  teamRunIds,
  writeEvent,
} from '../../src/run/team/team-run.ts'
import { pointAwsAt } from '../helpers/aws-fault-server.ts'
import { backend } from '../helpers/checks.ts'
import { driver, newTeamStore, storeObjects } from '../helpers/team-store.ts'
import { waitFor, waitForContent } from '../helpers/wait.ts'

pointAwsAt(backend('moto'))

const opened: { close(): Promise<void> }[] = []
after(async () => {
  for (const objects of opened) await objects.close()
})

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

async function newRun(label: string, id = 'prod-20261204-a7c3') {
  const address = await newTeamStore(label)
  const objects = storeObjects(address)
  opened.push(objects)
  await createTeamRun(objects, header(id), '# Deploy\n\n- [ ] Tag the release\n')
  return { address, objects, id }
}

/** A clock the test moves by hand. */
function clock(start = Date.parse('2026-12-04T12:00:00Z')) {
  let now = start
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) }
}

describe('entries in the team store', () => {
  it('reads back the header, the exact checklist text and every entry in order', async () => {
    const { objects, id } = await newRun('read')
    const lease = await Lease.acquire(objects, id, { driver: driver('ana') })
    const writer = new TeamRunWriter(objects, lease, 1)
    for (let n = 0; n < 5; n++) await writer.append({ id: `e${n}`, entry: { type: 'noted', n } })
    const run = await readTeamRun(objects, id)
    assert.equal(run?.checklistText, '# Deploy\n\n- [ ] Tag the release\n')
    assert.deepEqual(run?.header, header(id))
    assert.deepEqual(
      run?.events.map((event) => [event.seq, event.id]),
      [
        [1, 'e0'],
        [2, 'e1'],
        [3, 'e2'],
        [4, 'e3'],
        [5, 'e4'],
      ],
    )
    assert.equal(run?.lease?.holder, 'ana')
    assert.deepEqual(await teamRunIds(objects), [id])
  })

  it('counts a retry whose entry already landed as written, without writing it twice', async () => {
    const { objects, id } = await newRun('retry')
    const entry = { id: 'answer-1', entry: { type: 'item-answered', itemId: 'tag' } }
    assert.equal(await writeEvent(objects, id, 1, entry), 1)
    // The answer to the first attempt was lost: the writer tries the same entry again.
    assert.equal(await writeEvent(objects, id, 1, entry), 1)
    assert.equal(await writeEvent(objects, id, 2, { id: 'answer-2', entry: { type: 'x' } }), 2)
    assert.deepEqual(
      (await readTeamRun(objects, id))?.events.map((e) => e.id),
      ['answer-1', 'answer-2'],
    )
  })

  it('lets exactly one of two racing processes write each entry: nothing lost, nothing twice', async () => {
    const { address, objects, id } = await newRun('race')
    const count = 40
    const writers = ['left', 'right'].map((label) => {
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          'test/helpers/team-writer.ts',
          'race',
          address.bucket,
          address.prefix,
          id,
          String(count),
          label,
        ],
        { stdio: ['pipe', 'pipe', 'inherit'] },
      )
      let out = ''
      child.stdout.on('data', (chunk: Buffer) => (out += chunk))
      const exited = new Promise((resolve) => child.once('exit', resolve))
      return { child, read: () => out, exited }
    })
    for (const { read } of writers) await waitForContent(read, /ready/, 20_000)
    // Both start at once, each from entry 1.
    for (const { child } of writers) child.stdin.end('go\n')
    for (const { read } of writers) await waitForContent(read, /done/, 60_000)
    for (const { exited } of writers) await exited
    const run = await readTeamRun(objects, id)
    const ids = run?.events.map((event) => event.id) ?? []
    assert.equal(ids.length, 2 * count)
    assert.deepEqual(
      run?.events.map((event) => event.seq),
      ids.map((_, i) => i + 1),
    )
    for (const label of ['left', 'right']) {
      // Each writer's entries, all there, in the order it wrote them.
      const mine = ids.filter((entryId) => entryId.startsWith(`${label}-`))
      assert.deepEqual(
        mine,
        Array.from({ length: count }, (_, n) => `${label}-${n}`),
      )
    }
  })
})

describe('segments: a long run read in few requests', () => {
  const segmentKeys = async (objects: StoreObjects, id: string) =>
    (await objects.list(`runs/${id}/segments`)).map((path) => path.replace(/^.*\//, ''))

  it('are written by the driver as each hundred completes, and read back as the entries', async () => {
    const { objects, id } = await newRun('segments-writer')
    const lease = await Lease.acquire(objects, id, { driver: driver('ana') })
    const writer = new TeamRunWriter(objects, lease, 1)
    for (let n = 0; n < 250; n++) await writer.append({ id: `e${n}`, entry: { type: 'x', n } })
    assert.deepEqual(await segmentKeys(objects, id), [
      '00000001-00000100.json',
      '00000101-00000200.json',
    ])
    const run = await readTeamRun(objects, id)
    assert.deepEqual(
      run?.events.map((event) => [event.seq, event.id]),
      Array.from({ length: 250 }, (_, n) => [n + 1, `e${n}`]),
    )
  })

  it('are written by a reader for the hundreds no driver sealed, and the next read is the same', async () => {
    const { objects, id } = await newRun('segments-reader')
    for (let n = 0; n < 150; n++) {
      await writeEvent(objects, id, n + 1, { id: `e${n}`, entry: { type: 'x', n } })
    }
    assert.deepEqual(await segmentKeys(objects, id), [])
    const first = await readTeamRun(objects, id)
    assert.deepEqual(await segmentKeys(objects, id), ['00000001-00000100.json'])
    const second = await readTeamRun(objects, id)
    assert.deepEqual(second?.events, first?.events)
    assert.equal(second?.events.length, 150)
  })
})

describe('the lease', () => {
  it('is renewed with If-Match: the expiry moves on and the holder keeps writing', async () => {
    const { objects, id } = await newRun('renew')
    const time = clock()
    const lease = await Lease.acquire(objects, id, {
      driver: driver('ana'),
      leaseMs: 60_000,
      now: time.now,
    })
    const before = lease.etag
    time.advance(20_000)
    await lease.renew()
    assert.notEqual(lease.etag, before)
    const stored = await readLease(objects, id)
    assert.equal(stored?.etag, lease.etag)
    assert.equal(stored?.record.expiresAt, '2026-12-04T12:01:20.000Z')
    assert.equal(stored?.record.acquiredAt, '2026-12-04T12:00:00.000Z')
    await new TeamRunWriter(objects, lease, 1).append({ id: 'a', entry: { type: 'x' } })
  })

  it('is renewed in the background until someone takes over, and the driver hears of the loss', async () => {
    const { objects, id } = await newRun('renewing')
    const ana = await Lease.acquire(objects, id, { driver: driver('ana') })
    const first = ana.etag
    let lost: LeaseLostError | undefined
    ana.startRenewing(20, (error) => {
      lost = error
    })
    await waitFor(() => ana.etag !== first, 'a renewal')
    assert.equal((await readLease(objects, id))?.record.holder, 'ana')
    await Lease.acquire(objects, id, { driver: driver('ben', 'desk-2'), takeOver: true })
    await waitFor(() => lost !== undefined, 'the loss reported')
    assert.match(lost?.message ?? '', /now driven by ben@desk-2/)
    assert.equal((await readLease(objects, id))?.record.holder, 'ben')
  })

  it('refuses another driver while it has not expired, saying who holds it and since when', async () => {
    const { objects, id } = await newRun('held')
    const time = clock()
    await Lease.acquire(objects, id, { driver: driver('ana'), leaseMs: 5 * 60_000, now: time.now })
    time.advance(3 * 60_000 - 10_000)
    await assert.rejects(
      Lease.acquire(objects, id, { driver: driver('ben', 'desk-2'), now: time.now }),
      (error: unknown) =>
        error instanceof LeaseHeldError &&
        /driven by ana@laptop-7 .*last seen 3 min ago/.test(error.message) &&
        /take over from ana@laptop-7/.test(error.hint ?? ''),
    )
  })

  it('passes to another driver once expired, and the take-over is an entry on the sheet', async () => {
    const { objects, id } = await newRun('expired')
    const time = clock()
    const ana = await Lease.acquire(objects, id, {
      driver: driver('ana'),
      leaseMs: 60_000,
      now: time.now,
    })
    time.advance(61_000)
    const ben = await Lease.acquire(objects, id, { driver: driver('ben', 'desk-2'), now: time.now })
    assert.equal(ben.acquired.kind, 'taken-over')
    const entry = takeOverEntry(ben, time.now())
    assert.deepEqual(entry && { reason: entry.reason, from: entry.from, by: entry.by }, {
      reason: 'expired',
      from: {
        holder: 'ana',
        host: 'laptop-7',
        arn: ana.record.arn,
        lastSeen: '2026-12-04T12:00:00.000Z',
      },
      by: 'ben',
    })
    await new TeamRunWriter(objects, ben, 1).append({ id: 'take', entry: entry ?? { type: '?' } })
    assert.equal((await readTeamRun(objects, id))?.events[0]?.entry.type, 'lease-taken-over')
  })

  it('is taken over explicitly before it expires; of two taking over at once, one gets it', async () => {
    const { objects, id } = await newRun('explicit')
    await Lease.acquire(objects, id, { driver: driver('ana') })
    const results = await Promise.allSettled([
      Lease.acquire(objects, id, { driver: driver('ben', 'desk-2'), takeOver: true }),
      Lease.acquire(objects, id, { driver: driver('cem', 'desk-3'), takeOver: true }),
    ])
    const won = results.filter((r) => r.status === 'fulfilled')
    assert.ok(won.length >= 1)
    const holder = (await readLease(objects, id))?.record.holder
    // Whoever holds it now is the one whose lease is current; the other (if it won first) lost it.
    for (const result of won) {
      const lease = result.value
      if (lease.record.holder === holder) await lease.check()
      else await assert.rejects(lease.check(), LeaseLostError)
      assert.equal(lease.acquired.kind, 'taken-over')
    }
  })

  it('stops a driver that lost it from writing, at once and saying who drives now', async () => {
    const { objects, id } = await newRun('lost')
    const ana = await Lease.acquire(objects, id, { driver: driver('ana') })
    const writer = new TeamRunWriter(objects, ana, 1)
    await writer.append({ id: 'a1', entry: { type: 'x' } })
    await Lease.acquire(objects, id, { driver: driver('ben', 'desk-2'), takeOver: true })
    await assert.rejects(
      writer.append({ id: 'a2', entry: { type: 'x' } }),
      (error: unknown) =>
        error instanceof LeaseLostError && /now driven by ben@desk-2/.test(error.message),
    )
    await assert.rejects(ana.renew(), LeaseLostError)
    assert.deepEqual(
      (await readTeamRun(objects, id))?.events.map((e) => e.id),
      ['a1'],
    )
    // Nothing was written at entry 2 by the driver that lost.
    assert.equal((await objects.get(eventPath(id, 2))) === undefined, true)
  })

  it('is taken again by the same driver after a restart, without a take-over', async () => {
    const { objects, id } = await newRun('again')
    await Lease.acquire(objects, id, { driver: driver('ana') })
    const again = await Lease.acquire(objects, id, { driver: driver('ana') })
    assert.equal(again.acquired.kind, 'again')
    assert.equal(takeOverEntry(again, new Date()), undefined)
  })

  it('once released, may be taken by another driver at once', async () => {
    const { objects, id } = await newRun('release')
    const ana = await Lease.acquire(objects, id, { driver: driver('ana') })
    await ana.release()
    const ben = await Lease.acquire(objects, id, { driver: driver('ben', 'desk-2') })
    assert.deepEqual(ben.acquired.kind === 'taken-over' && ben.acquired.reason, 'expired')
  })
})
