/**
 * The team store when S3 misbehaves, from our fault server standing in front
 * of moto: it forwards every request to moto except those a test makes fail —
 * throttling (`SlowDown`), a 5xx, a request that never answers, a write that
 * lands but whose answer is lost, access denied. The outbox waits and says so,
 * then drains with nothing lost or written twice; a direct call gives up after
 * its attempts with the reason.
 */
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import type { RunHeader } from '../../src/run/model.ts'
import { RUN_FORMAT } from '../../src/run/model.ts'
import { storeUrl } from '../../src/run/team/address.ts'
import { Lease } from '../../src/run/team/lease.ts'
import { classifyS3Error, StoreUnavailableError } from '../../src/run/team/objects.ts'
import { describeSync, Outbox, type SyncState } from '../../src/run/team/outbox.ts'
import { createTeamRun, readTeamRun } from '../../src/run/team/team-run.ts'
import {
  type AwsReply,
  type AwsRequest,
  pointAwsAt,
  startAwsFaultServer,
} from '../helpers/aws-fault-server.ts'
import { backend } from '../helpers/checks.ts'
import { driver, newTeamStore, storeObjects } from '../helpers/team-store.ts'
import { tempDir } from '../helpers/temp.ts'
import { waitFor } from '../helpers/wait.ts'

const moto = backend('moto')
const fault = await startAwsFaultServer()
pointAwsAt(fault.url)

const opened: { close(): Promise<void> }[] = []
after(async () => {
  for (const objects of opened) await objects.close()
  await fault.close()
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

const isEventWrite = (request: AwsRequest) =>
  request.action === 'PutObject' && /\/events\//.test(String(request.params.Key))

/** Everything goes to moto, but the first `times` event writes get `reply`. */
function failEventWrites(times: number, reply: AwsReply): void {
  let failed = 0
  fault.script((request) => {
    if (isEventWrite(request) && failed < times) {
      failed++
      return reply
    }
    return { forward: moto }
  })
}

async function newRun(label: string, requestTimeoutMs = 2_000) {
  fault.script(() => ({ forward: moto }))
  const address = await newTeamStore(label)
  const objects = storeObjects(address, { requestTimeoutMs })
  opened.push(objects)
  const id = 'prod-20261204-c9e5'
  await createTeamRun(objects, header(id), '# Deploy\n')
  const lease = await Lease.acquire(objects, id, { driver: driver('ana') })
  const states: SyncState[] = []
  const outbox = await Outbox.open({
    folder: tempDir('outbox-fault'),
    objects,
    lease,
    backoff: QUICK,
  })
  outbox.onChange((state) => states.push(state))
  return { objects, id, outbox, states }
}

/** Sends three entries through a store failing as told; checks they all arrive once, in order. */
async function drainsThrough(label: string, fail: () => void, requestTimeoutMs?: number) {
  const { objects, id, outbox, states } = await newRun(label, requestTimeoutMs)
  fail()
  for (let n = 0; n < 3; n++) outbox.add({ type: 'item-answered', n })
  const final = await outbox.flush()
  await outbox.close()
  assert.equal(describeSync(final), 'synced')
  assert.deepEqual(
    (await readTeamRun(objects, id))?.events.map((event) => event.entry.n),
    [0, 1, 2],
  )
  return states
}

describe('which S3 failures another attempt may cure', () => {
  it('takes no credentials and no region as final, at once: no request was sent, and retrying finds neither', () => {
    const noCredentials = Object.assign(
      new Error('Could not load credentials from any providers'),
      {
        name: 'CredentialsProviderError',
      },
    )
    assert.equal(classifyS3Error(noCredentials), 'refused')
    assert.equal(classifyS3Error(new Error('Region is missing')), 'refused')
    // Still no answer at all: the network, worth another go.
    assert.equal(
      classifyS3Error(Object.assign(new Error('connect ECONNREFUSED'), { name: 'Error' })),
      'unreachable',
    )
  })
})

describe('the team store when S3 misbehaves', () => {
  it('waits out throttling (SlowDown), saying how many wait and since when, then drains', async () => {
    const states = await drainsThrough('slowdown', () =>
      failEventWrites(6, {
        error: 'SlowDown',
        message: 'Please reduce your request rate.',
        status: 503,
      }),
    )
    const offline = states.find((state) => state.offlineSince)
    assert.ok(offline, 'never said it was offline')
    assert.match(describeSync(offline), /^\d waiting, offline since \d\d:\d\d$/)
    assert.match(offline.problem ?? '', /S3 is throttling \(SlowDown\)/)
  })

  it('waits out S3 failing on its side (500), then drains', async () => {
    const states = await drainsThrough('server', () =>
      failEventWrites(6, {
        error: 'InternalError',
        message: 'We encountered an internal error.',
        status: 500,
      }),
    )
    assert.ok(
      states.some((state) => /failed on its side \(InternalError\)/.test(state.problem ?? '')),
    )
  })

  it('gives up on a request that never answers after its timeout, and tries again', async () => {
    const states = await drainsThrough('hang', () => failEventWrites(5, 'hang'), 300)
    assert.ok(states.some((state) => /no answer/.test(state.problem ?? '')))
    await fault.hangsClosed(5)
  })

  it('dates "offline since" from when the first unanswered write was sent, not when it was given up on', async () => {
    const { outbox } = await newRun('offline-since', 400)
    fault.script((request) => (isEventWrite(request) ? 'hang' : { forward: moto }))
    const sent = Date.now()
    outbox.add({ type: 'item-answered', n: 0 })
    await waitFor(() => outbox.state.offlineSince !== undefined, 'offline', 10_000)
    const since = outbox.state.offlineSince?.getTime() ?? 0
    // Given up on only after its attempts (400 ms each); sent at once.
    assert.ok(since - sent < 400, `offline since ${since - sent} ms after it was sent`)
    fault.script(() => ({ forward: moto }))
    await outbox.flush()
    await outbox.close()
  })

  it('writes an entry once when its write landed but the answer was lost', async () => {
    await drainsThrough('lost-answer', () =>
      failEventWrites(2, { forward: moto, loseAnswer: true }),
    )
  })

  it('says at once, with the permissions needed, when S3 refuses access', async () => {
    fault.script(() => ({ forward: moto }))
    const address = await newTeamStore('denied')
    const objects = storeObjects(address)
    opened.push(objects)
    fault.script(() => ({ error: 'AccessDenied', message: 'Access Denied', status: 403 }))
    await assert.rejects(
      createTeamRun(objects, header('prod-20261204-d0f6'), '# Deploy\n'),
      (error: unknown) =>
        error instanceof StoreUnavailableError &&
        error.failure === 'refused' &&
        /could not write runs\/prod-20261204-d0f6\/header\.json: AccessDenied/.test(
          error.message,
        ) &&
        /s3:GetObject, s3:PutObject and s3:ListBucket/.test(error.hint ?? ''),
    )
    // Not retried: S3 said no for good.
    assert.equal(fault.requests.length, 1)
  })

  it('makes no further attempt at a call once the store is closed: a read given up on ends there', async () => {
    fault.script(() => ({ forward: moto }))
    const address = await newTeamStore('closed')
    const objects = storeObjects(address, { requestTimeoutMs: 300 })
    fault.script(() => 'hang')
    const reading = objects.get('runs/prod-20261204-c1o5/header.json')
    reading.catch(() => {})
    await waitFor(() => fault.requests.length === 1, 'the read at the store')
    await objects.close()
    await assert.rejects(
      reading,
      (error: unknown) =>
        error instanceof StoreUnavailableError && /it was closed/.test(error.message),
    )
    assert.equal(fault.requests.length, 1, 'no attempt after the one under way when it closed')
    await assert.rejects(objects.list('runs'), /could not list runs: it was closed/)
    assert.equal(fault.requests.length, 1, 'nothing sent once closed')
  })

  it('says a call that was never answered in plain words: how long each try waited, and how many tries', async () => {
    fault.script(() => ({ forward: moto }))
    const address = await newTeamStore('silent')
    const objects = storeObjects(address, {
      requestTimeoutMs: 300,
      retry: { attempts: 2, ...QUICK },
    })
    opened.push(objects)
    fault.script(() => 'hang')
    await assert.rejects(objects.get('runs/prod-20261204-f2b3/header.json'), (error: unknown) => {
      assert.ok(error instanceof StoreUnavailableError)
      assert.equal(
        error.message,
        `the team store ${storeUrl(address)} could not read runs/prod-20261204-f2b3/header.json: no answer within 300ms (2 attempts)`,
      )
      assert.doesNotMatch(`${error.message} ${error.hint}`, /smithy|\[ERROR\]|requestTimeout/)
      assert.doesNotMatch(error.hint ?? '', /saved on this machine/)
      return true
    })
    await fault.hangsClosed(2)
  })

  it('gives up a direct call after its attempts, saying S3 throttled', async () => {
    fault.script(() => ({ forward: moto }))
    const address = await newTeamStore('attempts')
    const objects = storeObjects(address)
    opened.push(objects)
    fault.script(() => ({
      error: 'SlowDown',
      message: 'Please reduce your request rate.',
      status: 503,
    }))
    await assert.rejects(
      createTeamRun(objects, header('prod-20261204-e1a7'), '# Deploy\n'),
      (error: unknown) =>
        error instanceof StoreUnavailableError &&
        /S3 is throttling \(SlowDown\) \(4 attempts\)/.test(error.message),
    )
    assert.equal(fault.requests.length, 4)
  })
})
