import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { after, before, describe, it } from 'node:test'
import {
  type CheckEvent,
  type Job,
  Limits,
  runChecks,
  TransientError,
  waitingOn,
} from '../../src/checks/runner.ts'
import { type LocalServer, startHttpServer } from '../helpers/servers.ts'

/** A server that answers after `delayMs` and records how many requests it held at once. */
let server: LocalServer
let inFlight = 0
let peak = 0
const peakByService = new Map<string, number>()
const inFlightByService = new Map<string, number>()
const hits = new Map<string, number>()

before(async () => {
  server = await startHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    const service = url.searchParams.get('service') ?? ''
    const key = url.searchParams.get('key') ?? ''
    hits.set(key, (hits.get(key) ?? 0) + 1)
    inFlight++
    peak = Math.max(peak, inFlight)
    inFlightByService.set(service, (inFlightByService.get(service) ?? 0) + 1)
    peakByService.set(
      service,
      Math.max(peakByService.get(service) ?? 0, inFlightByService.get(service) ?? 0),
    )
    const throttleTimes = Number(url.searchParams.get('throttle') ?? 0)
    setTimeout(
      () => {
        inFlight--
        inFlightByService.set(service, (inFlightByService.get(service) ?? 1) - 1)
        const status = (hits.get(key) ?? 0) <= throttleTimes ? 429 : 200
        res.writeHead(status).end(status === 200 ? 'ok' : 'slow down')
      },
      Number(url.searchParams.get('delay') ?? 20),
    )
  })
})
after(() => server.close())

function resetCounters(): void {
  inFlight = 0
  peak = 0
  peakByService.clear()
  inFlightByService.clear()
}

/** A job that asks the local server, treating 429 as throttling. */
function httpJob(id: string, query: Record<string, string> = {}, extra: Partial<Job> = {}): Job {
  return {
    id,
    service: query.service ?? 'local',
    needs: [],
    timeoutMs: 5_000,
    async run({ signal }) {
      const response = await fetch(`${server.url}/?${new URLSearchParams({ key: id, ...query })}`, {
        signal,
      })
      if (response.status === 429) throw new TransientError('throttled (429)')
      return { status: 'pass', summary: `answered ${response.status}` }
    },
    ...extra,
  }
}

describe('the check runner', () => {
  it('never has more checks in flight than the global cap', async () => {
    resetCounters()
    const jobs = Array.from({ length: 20 }, (_, i) => httpJob(`j${i}`, { delay: '30' }))
    const results = await runChecks(jobs, { concurrency: 5 })
    assert.equal(peak, 5)
    assert.ok([...results.values()].every((r) => r.status === 'pass'))
  })

  it('caps each service on its own, below the global cap', async () => {
    resetCounters()
    const jobs = [
      ...Array.from({ length: 8 }, (_, i) =>
        httpJob(`aws${i}`, { service: 'aws:cfn:us-east-1', delay: '30' }),
      ),
      ...Array.from({ length: 8 }, (_, i) => httpJob(`web${i}`, { service: 'http', delay: '30' })),
    ]
    await runChecks(jobs, { concurrency: 10, serviceCaps: { 'aws:': 2 } })
    assert.equal(peakByService.get('aws:cfn:us-east-1'), 2)
    assert.ok((peakByService.get('http') ?? 0) > 2)
  })

  it('batches running at once share the caps they are given', async () => {
    resetCounters()
    const batch = (name: string) =>
      Array.from({ length: 6 }, (_, i) =>
        httpJob(`${name}${i}`, { service: 'aws:dynamodb:eu-west-1', delay: '30' }),
      )
    const limits = new Limits({ concurrency: 10, serviceCaps: { 'aws:': 3 } })
    await Promise.all([runChecks(batch('a'), { limits }), runChecks(batch('b'), { limits })])
    assert.equal(peakByService.get('aws:dynamodb:eu-west-1'), 3)
    // Without shared caps, each batch has its own.
    resetCounters()
    const caps = { concurrency: 10, serviceCaps: { 'aws:': 3 } }
    await Promise.all([runChecks(batch('c'), caps), runChecks(batch('d'), caps)])
    assert.equal(peakByService.get('aws:dynamodb:eu-west-1'), 6)
  })

  it('times a check out, and stops the process it started', async () => {
    let pid: number | undefined
    let exited: Promise<unknown> | undefined
    const job: Job = {
      id: 'slow',
      service: 'local',
      needs: [],
      timeoutMs: 200,
      async run({ signal }) {
        const child = spawn('sleep', ['30'], { signal, stdio: 'ignore' })
        child.on('error', () => {})
        pid = child.pid
        exited = new Promise((resolve) => child.on('exit', resolve))
        await exited
        return { status: 'pass', summary: 'slept' }
      },
    }
    const results = await runChecks([job])
    assert.deepEqual(
      [results.get('slow')?.status, results.get('slow')?.summary],
      ['error', 'timed out after 200ms'],
    )
    await exited
    assert.ok(pid)
    assert.throws(() => process.kill(pid as number, 0), { code: 'ESRCH' })
  })

  it('says the time limit a check ran out of as it is written: 1.5s, not 1500ms', async () => {
    const job: Job = {
      id: 'slow',
      service: 'local',
      needs: [],
      timeoutMs: 1500,
      run: ({ signal }) =>
        new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
    }
    const results = await runChecks([job])
    assert.equal(results.get('slow')?.summary, 'timed out after 1.5s')
  })

  it('on cancel, stops running checks and skips the ones not started', async () => {
    const controller = new AbortController()
    const jobs = [
      httpJob('running', { delay: '2000' }),
      httpJob('waiting', {}, { needs: ['running'] }),
    ]
    const events: CheckEvent[] = []
    const pending = runChecks(jobs, {
      signal: controller.signal,
      onEvent: (e) => {
        events.push(e)
        if (e.type === 'check-started' && e.id === 'running')
          setTimeout(() => controller.abort(), 50)
      },
    })
    const results = await pending
    assert.deepEqual(results.get('running')?.summary, 'cancelled')
    assert.equal(results.get('running')?.status, 'skipped')
    assert.equal(results.get('waiting')?.status, 'skipped')
    assert.match(results.get('waiting')?.summary ?? '', /needs running, which was not run/)
  })

  it('retries within the check’s time limit, never past it', async () => {
    let attempts = 0
    const results = await runChecks(
      [
        {
          id: 'flaky',
          service: 'local',
          needs: [],
          timeoutMs: 300,
          run: async () => {
            attempts++
            throw new TransientError('throttled')
          },
        },
      ],
      { retries: 10, retryDelayMs: 100 },
    )
    // Waits of about 100, 200, 400 ms: the third would end past the 300 ms limit.
    assert.ok(attempts >= 2 && attempts <= 3, `attempts: ${attempts}`)
    assert.equal(results.get('flaky')?.status, 'error')
    assert.match(results.get('flaky')?.summary ?? '', /^throttled \(gave up after [23] attempts\)$/)
  })

  it('blocks a check whose prerequisite failed, naming it, and never runs it', async () => {
    let ran = false
    const results = await runChecks([
      {
        id: 'stack',
        service: 'local',
        needs: [],
        timeoutMs: 1000,
        run: async () => ({ status: 'fail', summary: 'UPDATE_ROLLBACK_COMPLETE' }),
      },
      {
        id: 'api',
        service: 'local',
        needs: ['stack'],
        timeoutMs: 1000,
        run: async () => {
          ran = true
          return { status: 'pass', summary: '' }
        },
      },
    ])
    assert.equal(ran, false)
    assert.deepEqual(
      [results.get('api')?.status, results.get('api')?.summary],
      ['blocked', 'blocked: needs stack, which failed'],
    )
  })

  it("runs a check after what it needs, with that check's outputs", async () => {
    const order: string[] = []
    const results = await runChecks([
      {
        id: 'api',
        service: 'local',
        needs: ['stack'],
        timeoutMs: 1000,
        async run({ outputs }) {
          order.push('api')
          return { status: 'pass', summary: `url ${outputs.get('stack')?.ApiUrl}` }
        },
      },
      {
        id: 'stack',
        service: 'local',
        needs: [],
        timeoutMs: 1000,
        async run() {
          await new Promise((r) => setTimeout(r, 30))
          order.push('stack')
          return { status: 'pass', summary: 'CREATE_COMPLETE', outputs: { ApiUrl: 'https://api' } }
        },
      },
    ])
    assert.deepEqual(order, ['stack', 'api'])
    assert.equal(results.get('api')?.summary, 'url https://api')
  })

  it('retries throttling with backoff until it passes', async () => {
    const events: CheckEvent[] = []
    const results = await runChecks([httpJob('throttled', { throttle: '2' })], {
      retryDelayMs: 10,
      onEvent: (e) => events.push(e),
    })
    assert.deepEqual(
      [results.get('throttled')?.status, results.get('throttled')?.attempts],
      ['pass', 3],
    )
    assert.deepEqual(
      events
        .filter((e) => e.type === 'check-progress')
        .map((e) => (e.type === 'check-progress' ? e.message : '')),
      ['throttled (429); retrying (1/3)', 'throttled (429); retrying (2/3)'],
    )
  })

  it('gives up after the retries, and never retries a final error', async () => {
    const results = await runChecks(
      [
        httpJob('always', { throttle: '99' }),
        {
          id: 'broken',
          service: 'local',
          needs: [],
          timeoutMs: 1000,
          run: async () => {
            throw new Error('AccessDenied: not authorized')
          },
        },
      ],
      { retryDelayMs: 5, retries: 2 },
    )
    assert.deepEqual(
      [
        results.get('always')?.status,
        results.get('always')?.summary,
        results.get('always')?.attempts,
      ],
      ['error', 'throttled (429) (gave up after 3 attempts)', 3],
    )
    assert.deepEqual(
      [
        results.get('broken')?.status,
        results.get('broken')?.summary,
        results.get('broken')?.attempts,
      ],
      ['error', 'AccessDenied: not authorized', 1],
    )
  })

  it('tells each check started before it finished, once finished', async () => {
    const events: CheckEvent[] = []
    await runChecks([httpJob('a'), httpJob('b')], { onEvent: (e) => events.push(e) })
    for (const id of ['a', 'b']) {
      const kinds = events.filter((e) => e.id === id).map((e) => e.type)
      assert.deepEqual(kinds, ['check-started', 'check-finished'])
    }
  })
})

describe('what the runner says of a check that does not settle', () => {
  /** A job whose first try fails with `first`, and whose second does `second`. */
  function twoTries(first: string, second: (signal: AbortSignal) => Promise<never> | never): Job {
    let tries = 0
    return {
      id: 'db',
      service: 'pg:db.internal:5432',
      needs: [],
      timeoutMs: 400,
      run: async ({ signal }) => {
        tries++
        if (tries === 1) throw new TransientError(first)
        return second(signal)
      },
    }
  }

  it('a timeout names what the check waited on, and keeps what the try before ended on', async () => {
    const job = twoTries('db.internal:5432 closed the connection (connection reset)', (signal) => {
      waitingOn({ target: 'db.internal:5432', call: 'the query', hint: 'the server stuck?' })
      return new Promise<never>((_, reject) =>
        signal.addEventListener('abort', () => reject(signal.reason)),
      )
    })
    const events: CheckEvent[] = []
    const result = (
      await runChecks([job], { retryDelayMs: 5, onEvent: (e) => events.push(e) })
    ).get('db')
    assert.equal(result?.status, 'error')
    assert.equal(
      result?.summary,
      'no answer from db.internal:5432 to the query within 400ms: the server stuck?',
    )
    assert.deepEqual(result?.details, [
      'the try before: db.internal:5432 closed the connection (connection reset)',
    ])
    // The second try started knowing why the first did not settle it, of 4 at most.
    const second = events.find((e) => e.type === 'check-started' && e.attempt === 2)
    assert.deepEqual(second, {
      type: 'check-started',
      id: 'db',
      attempt: 2,
      tries: 4,
      lastTry: 'db.internal:5432 closed the connection (connection reset)',
    })
  })

  it('a retry that errors leads with what the try before met', async () => {
    const job = twoTries('db.internal:5432 closed the connection during the query', () => {
      throw new Error('cannot connect to db.internal:5432: connection refused')
    })
    const result = (await runChecks([job], { retryDelayMs: 5 })).get('db')
    assert.equal(
      result?.summary,
      'db.internal:5432 closed the connection during the query; then: cannot connect to db.internal:5432: connection refused',
    )
  })

  it('a check waiting for its turn says why: the server’s cap is full, or what it needs runs', async () => {
    let release: () => void = () => {}
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    const job = (id: string, extra: Partial<Job> = {}): Job => ({
      id,
      service: 'pg:db.internal:5432',
      needs: [],
      timeoutMs: 5_000,
      run: async () => {
        await held
        return { status: 'pass', summary: 'ok' }
      },
      ...extra,
    })
    const events: CheckEvent[] = []
    const done = runChecks(
      [job('first'), job('second'), job('third', { needs: ['first'], service: 'local' })],
      {
        serviceCaps: { 'pg:': 1 },
        onEvent: (e) => {
          events.push(e)
          if (e.type === 'check-queued' && e.id === 'second') release()
        },
      },
    )
    await done
    const queued = events
      .filter((e) => e.type === 'check-queued')
      .sort((a, b) => a.id.localeCompare(b.id))
    assert.deepEqual(queued, [
      { type: 'check-queued', id: 'second', why: '1 check to this server is running' },
      { type: 'check-queued', id: 'third', why: 'waiting for first, which it needs' },
    ])
  })
})

describe('the runner’s default caps', () => {
  /** Runs `jobs` (by service) that each hold until `expected` run together or 2 s pass; the most at once. */
  async function mostAtOnce(services: readonly string[], expected: number): Promise<number> {
    let running = 0
    let most = 0
    let open: () => void = () => {}
    const gate = new Promise<void>((resolve) => {
      open = resolve
    })
    const fallback = setTimeout(open, 2_000)
    const jobs: Job[] = services.map((service, i) => ({
      id: `j${i}`,
      service,
      needs: [],
      timeoutMs: 30_000,
      async run() {
        running++
        most = Math.max(most, running)
        if (running >= expected) open()
        await gate
        running--
        return { status: 'pass', summary: 'ok' }
      },
    }))
    await runChecks(jobs)
    clearTimeout(fallback)
    return most
  }

  it('run HTTP checks over many hosts all at once, 16 per host', async () => {
    const hosts = Array.from({ length: 40 }, (_, i) => `http:http://10.0.0.${i}`)
    const services = Array.from({ length: 400 }, (_, i) => hosts[i % 40] as string)
    assert.equal(await mostAtOnce(services, 400), 400)
    assert.equal(await mostAtOnce(Array(40).fill('http:http://one'), 16), 16)
  })

  it('run the kinds without a cap of their own (commands, tcp…) 64 at a time, as before', async () => {
    const services = Array.from({ length: 100 }, (_, i) => (i % 2 ? 'command' : 'tcp'))
    assert.equal(await mostAtOnce(services, 64), 64)
  })
})
