/**
 * The outbox against moto's S3: what is saved locally reaches the team store in
 * order, a kill -9 in the middle of sending loses and repeats nothing, entries a
 * driver can no longer write (someone took over) are kept and reported, and
 * what a real run records — after the redactor — carries no secret to the bucket.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { loadChecklist } from '../../src/checklist/load.ts'
import type { RunHeader } from '../../src/run/model.ts'
import { RUN_FORMAT } from '../../src/run/model.ts'
import { startRun } from '../../src/run/start.ts'
import { Lease } from '../../src/run/team/lease.ts'
import { describeSync, Outbox } from '../../src/run/team/outbox.ts'
import { createTeamRun, readTeamRun } from '../../src/run/team/team-run.ts'
import { pointAwsAt } from '../helpers/aws-fault-server.ts'
import { backend } from '../helpers/checks.ts'
import { assertNoTraceOf } from '../helpers/secrets.ts'
import {
  bucketObjects,
  driver,
  eventCount,
  newTeamStore,
  storeObjects,
} from '../helpers/team-store.ts'
import { tempDir } from '../helpers/temp.ts'
import { waitFor, waitForContent } from '../helpers/wait.ts'

pointAwsAt(backend('moto'))

const opened: { close(): Promise<void> }[] = []
after(async () => {
  for (const objects of opened) await objects.close()
})

const QUICK = { baseDelayMs: 20, maxDelayMs: 100 }

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

async function newRun(label: string, id = 'prod-20261204-b8d4') {
  const address = await newTeamStore(label)
  const objects = storeObjects(address)
  opened.push(objects)
  await createTeamRun(objects, header(id), '# Deploy\n')
  return { address, objects, id }
}

describe('the outbox', () => {
  it('sends what was saved locally, in order, and then says synced', async () => {
    const { objects, id } = await newRun('order')
    const lease = await Lease.acquire(objects, id, { driver: driver('ana') })
    const outbox = await Outbox.open({ folder: tempDir('outbox'), objects, lease, backoff: QUICK })
    for (let n = 0; n < 20; n++) outbox.add({ type: 'item-answered', n })
    const state = await outbox.flush()
    await outbox.close()
    assert.equal(describeSync(state), 'synced')
    const run = await readTeamRun(objects, id)
    assert.deepEqual(
      run?.events.map((event) => event.entry.n),
      Array.from({ length: 20 }, (_, n) => n),
    )
  })

  it('after a kill -9 in the middle of sending, resumes on restart with no gap and no duplicate', async () => {
    const { address, objects, id } = await newRun('kill')
    const folder = tempDir('outbox-kill')
    const count = 150
    const args = [
      '--import',
      'tsx',
      'test/helpers/team-writer.ts',
      'outbox',
      address.bucket,
      address.prefix,
      id,
      folder,
      String(count),
    ]
    const first = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] })
    let firstOut = ''
    first.stdout.on('data', (chunk: Buffer) => (firstOut += chunk))
    const exited = new Promise((resolve) => first.once('exit', resolve))
    await waitForContent(() => firstOut, /added/, 20_000)
    // Killed once some, not all, entries are in the store.
    let inStore = 0
    const watching = (async () => {
      for (;;) {
        inStore = await eventCount(address, id)
        if (inStore >= 10) return
      }
    })()
    await waitFor(() => inStore >= 10, 'some entries in the store', 30_000)
    await watching
    first.kill('SIGKILL')
    await exited
    assert.ok(!/synced/.test(firstOut), 'the first writer finished before it was killed')
    const sentBefore = await eventCount(address, id)
    assert.ok(sentBefore < count, `all ${count} were sent before the kill`)

    const second = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] })
    let secondOut = ''
    second.stdout.on('data', (chunk: Buffer) => (secondOut += chunk))
    await waitForContent(() => secondOut, /synced|stuck/, 60_000)
    assert.match(secondOut, /synced/)

    const run = await readTeamRun(objects, id)
    assert.deepEqual(
      run?.events.map((event) => event.entry.n),
      Array.from({ length: count }, (_, n) => n),
    )
    const local = readFileSync(join(folder, 'entries.jsonl'), 'utf8').trim().split('\n')
    assert.equal(local.length, count)
  })

  it('fed by the run’s journal, keeps no file of its own and sends each entry once under the id it was given', async () => {
    const { objects, id } = await newRun('journal-fed')
    const lease = await Lease.acquire(objects, id, { driver: driver('ana') })
    const folder = tempDir('outbox-journal')
    const entries = [0, 1, 2].map((n) => ({ id: `w-${n}`, entry: { type: 'item-answered', n } }))
    const first = await Outbox.open({
      folder,
      objects,
      lease,
      backoff: QUICK,
      journal: { entries: entries.slice(0, 2) },
    })
    first.add({ type: 'item-answered', n: 2 }, 'w-2')
    assert.throws(() => first.add({ type: 'item-answered', n: 3 }), /needs each entry's id/)
    await first.flush()
    await first.close()
    assert.deepEqual(readdirSync(folder), ['sent.json'])
    // Reopened with the same entries (as after a restart): nothing is sent again.
    const second = await Outbox.open({
      folder,
      objects,
      lease,
      backoff: QUICK,
      journal: { entries },
    })
    assert.equal(describeSync(await second.flush()), 'synced')
    await second.close()
    assert.deepEqual(
      (await readTeamRun(objects, id))?.events.map((event) => event.id),
      ['w-0', 'w-1', 'w-2'],
    )
  })

  it('keeps and reports the entries it can no longer send once someone took over', async () => {
    const { objects, id } = await newRun('kept')
    const ana = await Lease.acquire(objects, id, { driver: driver('ana') })
    const folder = tempDir('outbox-kept')
    const outbox = await Outbox.open({ folder, objects, lease: ana, backoff: QUICK })
    outbox.add({ type: 'item-answered', n: 0 })
    await outbox.flush()
    await Lease.acquire(objects, id, { driver: driver('ben', 'desk-2'), takeOver: true })
    outbox.add({ type: 'item-answered', n: 1 })
    outbox.add({ type: 'item-answered', n: 2 })
    const state = await outbox.flush()
    await outbox.close()
    assert.equal(state.waiting, 2)
    assert.match(describeSync(state), /^2 not sent: run .* is now driven by ben@desk-2/)
    assert.deepEqual(
      outbox.unsent.map((item) => item.entry.n),
      [1, 2],
    )
    // Kept on this machine: a reopened outbox still has them.
    const lines = readFileSync(join(folder, 'entries.jsonl'), 'utf8').trim().split('\n')
    assert.equal(lines.length, 3)
    assert.deepEqual(
      (await readTeamRun(objects, id))?.events.map((event) => event.entry.n),
      [0],
    )
  })

  it('carries no secret value to the bucket from a real run whose checks met secrets', async () => {
    const { address, objects, id } = await newRun('secret')
    const dir = tempDir('team-secret')
    const token = 'tok-5f2c91d0a8e34b7f9c1d'
    const path = join(dir, 'release.md')
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
`,
    )
    const { checklist } = await loadChecklist(path)
    const env = {
      DEPLOY_WIZARD_HOME: join(dir, 'home'),
      DEPLOY_API_TOKEN: token,
      PATH: process.env.PATH,
    }
    const lease = await Lease.acquire(objects, id, { driver: driver('ana') })
    const outbox = await Outbox.open({
      folder: join(dir, 'outbox'),
      objects,
      lease,
      backoff: QUICK,
    })
    const session = startRun(checklist, 'dev', 'ana', { env, cwd: dir })
    session.subscribe((event) => {
      if (event.type === 'journal') outbox.add(event.entry)
    })
    try {
      session.trust()
      await session.runChecks(
        checklist.items.filter((item) => item.check).map((item) => item.id),
        { isExplicit: true },
      )
    } finally {
      await session.close()
    }
    await outbox.flush()
    await outbox.close()
    const all = await bucketObjects(address.bucket)
    const text = [...all.values()].join('\n')
    // Not vacuous: the command's output reached the bucket, masked.
    assert.match(text, /token \*\*\*/)
    assertNoTraceOf(text, [token], 'the team store')
  })
})
