/**
 * `tcp`: something accepts connections on host:port (the connection is closed
 * at once, nothing is sent). `port`: local ports are free for a service to
 * listen on (each is bound for a moment, then released).
 */
import { connect, createServer } from 'node:net'
import { error, fail, pass, type RunCheck } from './kind.ts'

import type { PortParams, TcpParams } from './kinds/network.ts'
import { waitingOn } from './runner.ts'
import { errorCode, hostPort, socketProblem } from './socket-errors.ts'

/** Runs a `tcp` check (its parameters: kinds/network.ts). */
export const checkTcp: RunCheck<TcpParams> = async (params, context) => {
  const target = hostPort(params.host, params.port)
  // A connection that neither opens nor is refused: what a timeout then names.
  const done = waitingOn({
    target,
    hint: 'a firewall or VPN dropping the packets?',
  })
  try {
    const address = await openAndClose(params.host, params.port, context.signal).finally(done)
    return pass(`${target} accepts connections`, { evidence: { address } })
  } catch (cause) {
    if (context.signal.aborted) throw cause
    const problem = socketProblem(cause)
    if (problem.kind === 'refused') return fail(`nothing listens on ${target}`)
    if (problem.kind === 'dns') return error(`cannot resolve ${params.host}: ${problem.reason}`)
    return error(`cannot connect to ${target}: ${problem.reason}`)
  }
}

/** Connects, closes at once; resolves with the address connected to. */
function openAndClose(host: string, port: number, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port })
    const onAbort = () => {
      socket.destroy()
      reject(signal.reason)
    }
    signal.addEventListener('abort', onAbort, { once: true })
    socket.once('connect', () => {
      signal.removeEventListener('abort', onAbort)
      const address = hostPort(socket.remoteAddress ?? host, socket.remotePort ?? port)
      socket.destroy()
      resolve(address)
    })
    socket.once('error', (cause) => {
      signal.removeEventListener('abort', onAbort)
      socket.destroy()
      reject(cause)
    })
  })
}

/** Runs a `port` check (its parameters: kinds/network.ts). */
export const checkPortsFree: RunCheck<PortParams> = async (params, context) => {
  const ports = [...new Set(params.port)]
  const results = await Promise.all(ports.map((p) => tryListen(p, params.host, context.signal)))
  const problem = results.find((r) => r.state === 'error')
  if (problem?.state === 'error') return error(problem.message)
  const taken = results.filter((r) => r.state !== 'free')
  const evidence = {
    free: results.filter((r) => r.state === 'free').map((r) => r.port),
    inUse: results.filter((r) => r.state === 'in-use').map((r) => r.port),
    ...(results.some((r) => r.state === 'denied')
      ? { denied: results.filter((r) => r.state === 'denied').map((r) => r.port) }
      : {}),
  }
  const on = params.host ? ` on ${params.host}` : ''
  if (taken.length === 0) return pass(`${portWords(ports)} ${isAre(ports)} free${on}`, { evidence })
  const inUse = taken.filter((r) => r.state === 'in-use').map((r) => r.port)
  const denied = taken.filter((r) => r.state === 'denied').map((r) => r.port)
  const unmet = [
    ...(inUse.length > 0 ? [`${portWords(inUse)} ${isAre(inUse)} in use${on}`] : []),
    ...(denied.length > 0
      ? [`${portWords(denied)} ${needsNeed(denied)} privileges to listen on${on}`]
      : []),
  ]
  return fail(unmet.join('; '), { details: unmet, evidence })
}

type ListenResult =
  | { readonly port: number; readonly state: 'free' | 'in-use' | 'denied' }
  | { readonly port: number; readonly state: 'error'; readonly message: string }

/** Binds `port` on `host` (all interfaces when absent) and releases it at once. */
function tryListen(
  port: number,
  host: string | undefined,
  signal: AbortSignal,
): Promise<ListenResult> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason)
    const server = createServer()
    server.once('error', (cause) => {
      const code = errorCode(cause)
      if (code === 'EADDRINUSE') resolve({ port, state: 'in-use' })
      else if (code === 'EACCES') resolve({ port, state: 'denied' })
      else if (code === 'EADDRNOTAVAIL')
        resolve({ port, state: 'error', message: `${host} is not an address of this machine` })
      else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
        resolve({ port, state: 'error', message: `cannot resolve ${host}` })
      else
        resolve({
          port,
          state: 'error',
          message: `cannot listen on port ${port}: ${(cause as Error).message}`,
        })
    })
    // exclusive: never share a port with a cluster primary; we want the kernel's own answer.
    server.listen({ port, host, exclusive: true }, () => {
      server.close(() => resolve({ port, state: 'free' }))
    })
  })
}

function portWords(ports: readonly number[]): string {
  return ports.length === 1 ? `port ${ports[0]}` : `ports ${ports.join(', ')}`
}

function isAre(ports: readonly number[]): string {
  return ports.length === 1 ? 'is' : 'are'
}

function needsNeed(ports: readonly number[]): string {
  return ports.length === 1 ? 'needs' : 'need'
}
