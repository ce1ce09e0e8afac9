import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { type AddressInfo, connect, createServer as createNetServer, type Socket } from 'node:net'
import { selfSignedCertificate } from './certificate.ts'

export interface LocalServer {
  readonly url: string
  readonly port: number
  close(): Promise<void>
}

/** A real HTTP server on 127.0.0.1 with a random port, for tests. */
export async function startHttpServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<LocalServer> {
  const server: Server = createServer(handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** What an HTTP server saw of its clients: connections and requests, how many at most at once. */
export interface CountingServer extends LocalServer {
  /** Connections accepted so far, and the most open at once. */
  readonly connections: number
  readonly peakConnections: number
  /** Requests received so far, those not answered yet, and the most unanswered at once. */
  readonly requests: number
  readonly inFlight: number
  readonly peakInFlight: number
}

/**
 * A real HTTP server on 127.0.0.1 that counts, on its side, the connections clients open and
 * the requests they have waiting: what per-host caps and connection reuse are judged by.
 */
export async function startCountingServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<CountingServer> {
  let connections = 0
  let open = 0
  let peakConnections = 0
  let requests = 0
  let inFlight = 0
  let peakInFlight = 0
  const server = createServer((req, res) => {
    requests++
    inFlight++
    peakInFlight = Math.max(peakInFlight, inFlight)
    res.once('close', () => inFlight--)
    handler(req, res)
  })
  server.on('connection', (socket: Socket) => {
    connections++
    open++
    peakConnections = Math.max(peakConnections, open)
    socket.once('close', () => open--)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
    get connections() {
      return connections
    },
    get peakConnections() {
      return peakConnections
    },
    get requests() {
      return requests
    },
    get inFlight() {
      return inFlight
    },
    get peakInFlight() {
      return peakInFlight
    },
  }
}

/** A real HTTPS server on 127.0.0.1 with a fresh self-signed certificate (made with openssl). */
export async function startHttpsServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<LocalServer> {
  const { cert, key } = await selfSignedCertificate()
  const server = createHttpsServer({ cert, key }, handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** A TCP server that counts the connections it has accepted and still holds open. */
export interface TcpServer extends LocalServer {
  readonly host: string
  /** Connections accepted so far. */
  accepted(): number
  /** Connections still open on the server's side. */
  open(): number
}

/**
 * A TCP server that accepts connections and then does `onConnection` with
 * them: nothing (a server that never answers), or drop them.
 */
export async function startTcpServer(
  onConnection: (socket: Socket) => void = () => {},
): Promise<TcpServer> {
  const sockets = new Set<Socket>()
  let accepted = 0
  const server = createNetServer((socket) => {
    accepted++
    sockets.add(socket)
    socket.on('error', () => {})
    socket.on('close', () => sockets.delete(socket))
    // Read (and drop) what arrives, so a client's close is noticed.
    socket.resume()
    onConnection(socket)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    host: '127.0.0.1',
    url: `http://127.0.0.1:${port}`,
    port,
    accepted: () => accepted,
    open: () => sockets.size,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

/**
 * An address where a connection attempt hangs, like a firewall that drops
 * packets: a listening socket in another process whose event loop is blocked
 * (so it never accepts) and whose accept queue we fill first, so the kernel
 * drops further SYNs.
 */
export async function startBlackhole(): Promise<{
  host: string
  port: number
  close(): Promise<void>
}> {
  const program = `
    const server = require('node:net').createServer()
    server.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
      // Writes to a pipe are synchronous on Linux: the port is out before the loop blocks.
      process.stdout.write(server.address().port + '\\n')
      // Block the event loop: nothing is ever accepted.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0)
    })`
  const child = spawn(process.execPath, ['-e', program], { stdio: ['ignore', 'pipe', 'inherit'] })
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject)
    child.stdout.once('data', (data) => resolve(Number(String(data).trim())))
  })
  // backlog 1 holds two completed connections; with those queued, new ones hang.
  const fillers = await Promise.all(
    [1, 2].map(
      () =>
        new Promise<Socket>((resolve, reject) => {
          const socket = connect({ host: '127.0.0.1', port })
          socket.once('connect', () => resolve(socket))
          socket.once('error', reject)
        }),
    ),
  )
  return {
    host: '127.0.0.1',
    port,
    close: async () => {
      for (const socket of fillers) socket.destroy()
      child.kill('SIGKILL')
      if (child.exitCode === null && child.signalCode === null) await once(child, 'exit')
    },
  }
}

/** Kept here for the tests that import it with the servers they wait on. */
export { waitFor } from './wait.ts'
