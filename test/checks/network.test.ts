import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { freePort } from '../backends/start.ts'
import { checklistOf, runChecklist } from '../helpers/checks.ts'
import { startBlackhole, startTcpServer, type TcpServer, waitFor } from '../helpers/servers.ts'

describe('tcp', () => {
  let server: TcpServer
  before(async () => {
    server = await startTcpServer()
  })
  after(() => server.close())

  it('passes when the port accepts a connection, and closes it at once', async () => {
    const run = await runChecklist(checklistOf(`tcp host=127.0.0.1 port=${server.port}`))
    const result = run.result()
    assert.equal(result.status, 'pass')
    assert.equal(result.summary, `127.0.0.1:${server.port} accepts connections`)
    assert.equal(server.accepted(), 1)
    await waitFor(() => server.open() === 0, 'the check closed its connection')
  })

  it('fails when nothing listens on the port', async () => {
    const port = await freePort()
    const result = (await runChecklist(checklistOf(`tcp host=127.0.0.1 port=${port}`))).result()
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, `nothing listens on 127.0.0.1:${port}`)
  })

  it('is an error when the host does not resolve', async () => {
    const result = (
      await runChecklist(checklistOf('tcp host=no-such-host.invalid port=80'))
    ).result()
    assert.equal(result.status, 'error')
    assert.match(result.summary, /^cannot resolve no-such-host\.invalid: /)
  })

  it('is an error naming the host when the connection hangs past the timeout', async () => {
    const blackhole = await startBlackhole()
    try {
      const result = (
        await runChecklist(
          checklistOf(`tcp host=${blackhole.host} port=${blackhole.port}; timeout: 1s`),
        )
      ).result()
      assert.equal(result.status, 'error')
      assert.equal(
        result.summary,
        `no answer from ${blackhole.host}:${blackhole.port} within 1s: a firewall or VPN dropping the packets?`,
      )
    } finally {
      await blackhole.close()
    }
  })
})

describe('port', () => {
  /** Resolves once `port` can be listened on again: the check released it. */
  async function canListen(port: number, host = '127.0.0.1'): Promise<boolean> {
    const server = createServer()
    return new Promise((resolve) => {
      server.once('error', () => resolve(false))
      server.listen(port, host, () => server.close(() => resolve(true)))
    })
  }

  it('passes when every port is free, and releases them', async () => {
    const ports = [await freePort(), await freePort()]
    const result = (await runChecklist(checklistOf(`port port=${ports.join(',')}`))).result()
    assert.equal(result.status, 'pass')
    assert.equal(result.summary, `ports ${ports.join(', ')} are free`)
    for (const port of ports) assert.equal(await canListen(port), true, `port ${port} released`)
  })

  it('fails naming the ports in use, on every interface by default', async () => {
    const busy: Server = createServer()
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve))
    const busyPort = (busy.address() as { port: number }).port
    const free = await freePort()
    try {
      const result = (await runChecklist(checklistOf(`port port=${free},${busyPort}`))).result()
      assert.equal(result.status, 'fail')
      assert.equal(result.summary, `port ${busyPort} is in use`)
      assert.deepEqual(result.evidence, { free: [free], inUse: [busyPort] })
      assert.equal(await canListen(free), true, 'the free port was released')
    } finally {
      await new Promise((resolve) => busy.close(resolve))
    }
  })

  it('checks one interface when given a host', async () => {
    const port = await freePort()
    const result = (await runChecklist(checklistOf(`port port=${port} host=127.0.0.1`))).result()
    assert.equal(result.status, 'pass')
    assert.equal(result.summary, `port ${port} is free on 127.0.0.1`)
  })

  it('is an error when the host is not an address of this machine', async () => {
    const result = (await runChecklist(checklistOf('port port=8000 host=192.0.2.1'))).result()
    assert.equal(result.status, 'error')
    assert.equal(result.summary, '192.0.2.1 is not an address of this machine')
  })
})
