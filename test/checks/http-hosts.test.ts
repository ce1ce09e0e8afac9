/**
 * `http` checks capped per host, over reused connections, and spread over many hosts at
 * once: judged by what real servers count on their side, never by wall time.
 */
import assert from 'node:assert/strict'
import type { ServerResponse } from 'node:http'
import { describe, it } from 'node:test'
import { DEFAULT_HTTP_PER_HOST, HTTP_PER_HOST_VARIABLE } from '../../src/checks/http-hosts.ts'
import type { CheckEvent } from '../../src/checks/runner.ts'
import { checklistOf, runChecklist } from '../helpers/checks.ts'
import { type CountingServer, startCountingServer, startTcpServer } from '../helpers/servers.ts'

/**
 * Answers held until `size` requests wait, then all at once: the server sees exactly how
 * many requests the client has out together (`largest`). When a group never fills (a cap
 * lower than `size`), the ones waiting are answered after `fallbackMs` without a request
 * arriving, and every later one at once, so a failing test ends soon.
 */
function inGroupsOf(size: number, fallbackMs = 5_000) {
  const waiting: ServerResponse[] = []
  let timer: NodeJS.Timeout | undefined
  let gaveUp = false
  const group = {
    largest: 0,
    answer(res: ServerResponse) {
      waiting.push(res)
      clearTimeout(timer)
      if (gaveUp || waiting.length >= size) release()
      else
        timer = setTimeout(() => {
          gaveUp = true
          release()
        }, fallbackMs)
    },
  }
  const release = () => {
    group.largest = Math.max(group.largest, waiting.length)
    for (const res of waiting.splice(0)) res.end('ok')
  }
  return group
}

const checksOf = (count: number, url: (i: number) => string) =>
  checklistOf(...Array.from({ length: count }, (_, i) => `http url=${url(i)} body=ok`))

/** The most checks running at once, by the runner's events: started and not yet finished. */
function mostRunning(events: readonly CheckEvent[]): number {
  const running = new Set<string>()
  let most = 0
  for (const event of events) {
    if (event.type === 'check-started') running.add(event.id)
    if (event.type === 'check-finished') running.delete(event.id)
    most = Math.max(most, running.size)
  }
  return most
}

function assertAllPassed(results: ReadonlyMap<string, { status: string; summary: string }>) {
  const failed = [...results.values()].filter((r) => r.status !== 'pass')
  assert.deepEqual(failed, [])
}

describe('http checks against one host', () => {
  it(`open at most ${DEFAULT_HTTP_PER_HOST} connections, reused from one check to the next`, async () => {
    const group = inGroupsOf(DEFAULT_HTTP_PER_HOST)
    const server = await startCountingServer((_req, res) => group.answer(res))
    try {
      const count = DEFAULT_HTTP_PER_HOST * 6
      const { results, events } = await runChecklist(checksOf(count, (i) => `${server.url}/${i}`))
      assertAllPassed(results)
      // The rest wait their turn in the runner, holding none of its global slots.
      assert.equal(mostRunning(events), DEFAULT_HTTP_PER_HOST)
      assert.equal(server.requests, count)
      assert.equal(server.peakInFlight, DEFAULT_HTTP_PER_HOST)
      assert.equal(group.largest, DEFAULT_HTTP_PER_HOST)
      assert.ok(server.peakConnections <= DEFAULT_HTTP_PER_HOST, `${server.peakConnections} open`)
      // Each group of answers frees the connections the next group is sent on.
      assert.ok(server.connections <= DEFAULT_HTTP_PER_HOST, `${server.connections} connections`)
    } finally {
      await server.close()
    }
  })

  it(`open no more connections than ${HTTP_PER_HOST_VARIABLE} says, whatever runs at once`, async () => {
    const group = inGroupsOf(4)
    const server = await startCountingServer((_req, res) => group.answer(res))
    try {
      const { results } = await runChecklist(
        checksOf(24, (i) => `${server.url}/${i}`),
        { processEnv: { ...process.env, [HTTP_PER_HOST_VARIABLE]: '4' } },
      )
      assertAllPassed(results)
      assert.equal(server.requests, 24)
      assert.equal(server.peakInFlight, 4)
      assert.equal(group.largest, 4)
      assert.ok(server.peakConnections <= 4, `${server.peakConnections} open`)
      assert.ok(server.connections <= 4, `${server.connections} connections`)
    } finally {
      await server.close()
    }
  })

  it('send a request again at once on a new connection when a kept-alive one was dropped while idle', async () => {
    // Answers the first request on a connection, keeping it alive, and drops the connection
    // when a second request comes on it: a server that closed an idle connection.
    const server = await startTcpServer((socket) => {
      let requests = 0
      socket.on('data', (data) => {
        if (!String(data).includes('\r\n\r\n')) return
        requests++
        if (requests === 1) {
          socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok')
        } else socket.destroy()
      })
    })
    try {
      const first = await runChecklist(checklistOf(`http url=${server.url}/a body=ok`))
      assert.equal(first.result().status, 'pass')
      const second = await runChecklist(checklistOf(`http url=${server.url}/b body=ok`))
      assert.equal(second.result().status, 'pass', second.result().summary)
      // Not the runner's retry after a pause: the check went again at once, on a new connection.
      assert.equal(second.result().attempts, 1)
      assert.equal(server.accepted(), 2)
    } finally {
      await server.close()
    }
  })
})

describe('http checks spread over many hosts', () => {
  it('run all at once: 500 checks over 50 hosts are in flight together', {
    timeout: 60_000,
  }, async () => {
    const hosts = 50
    const count = 500
    // Every server holds its answers until all 500 requests have arrived, across servers.
    const group = inGroupsOf(count)
    const servers: CountingServer[] = []
    try {
      for (let i = 0; i < hosts; i++)
        servers.push(await startCountingServer((_q, res) => group.answer(res)))
      const { results } = await runChecklist(
        checksOf(count, (i) => `${servers[i % hosts]?.url}/${i}`),
        { timeoutMs: 30_000 },
      )
      assertAllPassed(results)
      assert.equal(group.largest, count)
      for (const server of servers) {
        assert.equal(server.requests, count / hosts)
        assert.ok(server.peakConnections <= DEFAULT_HTTP_PER_HOST)
      }
    } finally {
      await Promise.all(servers.map((s) => s.close()))
    }
  })
})
