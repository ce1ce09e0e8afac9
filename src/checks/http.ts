/**
 * `http`: an endpoint answers as the checklist expects — status, body text, a
 * JSON field, a header, or a redirect (asserted without following it, the
 * http → https case). Requests go through `node:http`/`node:https` rather than
 * `fetch`, because `insecure=true` (a self-signed staging certificate) needs
 * per-request TLS options that global fetch does not take without undici.
 *
 * A bearer token is sent, never shown; it is not sent on to another origin
 * when following a redirect. Connections are kept alive and reused by later
 * checks of the same origin, at most the per-host cap of them (http-hosts.ts);
 * one that times out, is cancelled or whose body is cut short is closed. An idle
 * connection never keeps the process alive.
 */
import type { Agent, ClientRequest, IncomingHttpHeaders, IncomingMessage } from 'node:http'
import { createRequire } from 'node:module'
import { pipeline, type Readable } from 'node:stream'
import { isDeepStrictEqual } from 'node:util'
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib'
import { VERSION } from '../version.ts'
import { httpPerHost } from './http-hosts.ts'
import { error, fail, pass, type RunCheck } from './kind.ts'
import type { HttpParams as Params } from './kinds/http.ts'
import type { Redactor } from './redact.ts'
import { type CheckOutcome, TransientError, waitingOn } from './runner.ts'
import { hostPort, socketProblem } from './socket-errors.ts'

// Required, not imported: importing node:http as an ES module reads every export, and
// its lazy getters (http.WebSocket…) load undici, 55 ms of every command's start-up.
const require = createRequire(import.meta.url)
const {
  Agent: HttpAgent,
  request: httpRequest,
  validateHeaderName,
  validateHeaderValue,
} = require('node:http') as typeof import('node:http')
const { Agent: HttpsAgent, request: httpsRequest } =
  require('node:https') as typeof import('node:https')

/** Bodies are read up to this size; `body=` and `json=` look at this much. */
const MAX_BODY_BYTES = 1024 * 1024
const MAX_REDIRECTS = 10
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])
/** Response headers worth keeping as evidence; never cookies or credentials. */
const EVIDENCE_HEADERS = [
  'content-type',
  'content-length',
  'location',
  'server',
  'cache-control',
  'www-authenticate',
  'strict-transport-security',
]
const SECRET_HEADER = /cookie|authorization|token|secret|api-?key|session/i
/** How much of a textual body the evidence keeps, and a failure's details show. */
const EVIDENCE_BODY_CHARS = 200
const DETAIL_BODY_CHARS = 120
const INSECURE_HINT = 'insecure=true skips verification (not for prod)'

/**
 * Keep-alive pools, one per scheme and cap. An agent pools by host, port and TLS options
 * (`rejectUnauthorized` among them), so a connection made with `insecure=true` is never
 * handed to a check that verifies the certificate, and `maxSockets` is the cap per origin.
 */
const agents = new Map<string, Agent>()

function agentFor(protocol: string, perHost: number): Agent {
  const key = `${protocol}${perHost}`
  let agent = agents.get(key)
  if (!agent) {
    // lifo: the connection used last is the one least likely to have been closed while idle.
    const options = { keepAlive: true, maxSockets: perHost, scheduling: 'lifo' as const }
    agent = protocol === 'https:' ? new HttpsAgent(options) : new HttpAgent(options)
    agents.set(key, agent)
  }
  return agent
}

/** Runs an `http` check (its parameters: kinds/http.ts). */
export const checkHttp: RunCheck<Params> = async (params, context) => {
  const planned = plan(params)
  if ('problem' in planned) return planned.problem
  const perHost = httpPerHost(context.env)
  const started = performance.now()
  let response: Response
  try {
    response = await send(planned.exchange, planned.follow, perHost, context.signal)
  } catch (cause) {
    if (context.signal.aborted) throw cause
    return describeFailure(cause)
  }
  const elapsedMs = Math.round(performance.now() - started)
  return judge(response, params, elapsedMs, context.redactor)
}

/** One request to make. */
interface Exchange {
  readonly url: URL
  readonly method: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string | undefined
  readonly insecure: boolean
  /** Header names that carry credentials: dropped when a redirect leaves the origin. */
  readonly credentials: readonly string[]
}

interface Response {
  readonly status: number
  readonly statusText: string
  readonly headers: IncomingHttpHeaders
  readonly body: string
  /** Bytes of `body` as read (decompressed), and whether they look like binary data. */
  readonly bodyBytes: number
  readonly isBinary: boolean
  /** The body was longer than MAX_BODY_BYTES; `body` holds its start. */
  readonly truncated: boolean
  /** Where the answer came from, after redirects. */
  readonly url: URL
  readonly redirects: number
}

/** The first request and whether to follow redirects, or why the parameters cannot work. */
function plan(params: Params): { exchange: Exchange; follow: boolean } | { problem: CheckOutcome } {
  let url: URL
  try {
    url = new URL(params.url)
  } catch {
    return { problem: error(`bad parameter url: '${params.url}' is not a URL`) }
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return {
      problem: error(`bad parameter url: expected http:// or https://, got ${url.protocol}`),
    }
  }
  if (params.redirect !== undefined && params.follow === true) {
    return {
      problem: error(
        'bad parameter follow: redirect= checks the redirect itself, so it is not followed',
      ),
    }
  }
  if (params.bearer === '') {
    return { problem: error('bad parameter bearer: the token is empty') }
  }
  const headers: Record<string, string> = {
    'user-agent': `deploy-wizard/${VERSION}`,
    accept: '*/*',
  }
  const credentials: string[] = []
  if (params.bearer !== undefined) {
    headers.authorization = `Bearer ${params.bearer}`
    credentials.push('authorization')
  }
  const custom = params['request-header']
  if (custom !== undefined) {
    const colon = custom.indexOf(':')
    const name = custom.slice(0, colon).trim().toLowerCase()
    headers[name] = custom.slice(colon + 1).trim()
    credentials.push(name)
  }
  if (params.data !== undefined) {
    headers['content-type'] = params['content-type'] ?? guessContentType(params.data)
    headers['content-length'] = String(Buffer.byteLength(params.data))
  } else if (params['content-type'] !== undefined) {
    headers['content-type'] = params['content-type']
  }
  for (const [name, value] of Object.entries(headers)) {
    try {
      validateHeaderName(name)
      validateHeaderValue(name, value)
    } catch {
      // Never echo the value: it may be a token.
      const param = name === 'authorization' ? 'bearer' : 'request-header'
      return {
        problem: error(`bad parameter ${param}: it holds a character not allowed in a header`),
      }
    }
  }
  return {
    exchange: {
      url,
      // curl's habit: a request with a body is a POST unless told otherwise.
      method: params.method ?? (params.data !== undefined ? 'POST' : 'GET'),
      headers,
      body: params.data,
      insecure: params.insecure ?? false,
      credentials,
    },
    follow: params.redirect === undefined && (params.follow ?? true),
  }
}

function guessContentType(data: string): string {
  try {
    JSON.parse(data)
    return 'application/json'
  } catch {
    return 'text/plain; charset=utf-8'
  }
}

/** A request failed at `url` (on the first request or a redirect). */
class RequestFailed extends Error {
  constructor(
    readonly url: URL,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause))
  }
}

class TooManyRedirects extends Error {
  constructor(readonly last: URL) {
    super(`more than ${MAX_REDIRECTS} redirects`)
  }
}

/** Makes the request, following redirects when asked, the way browsers do. */
async function send(
  first: Exchange,
  follow: boolean,
  perHost: number,
  signal: AbortSignal,
): Promise<Response> {
  let exchange = first
  for (let redirects = 0; ; redirects++) {
    const { url } = exchange
    // The host a timeout names (never the path or the query: they may hold a token).
    const done = waitingOn({
      target: hostPort(url.hostname, url.port || (url.protocol === 'https:' ? 443 : 80)),
      hint: 'a firewall, VPN or proxy in the way, or the service stuck?',
    })
    const answer = await request(exchange, perHost, signal)
      .catch((cause: unknown) => {
        throw new RequestFailed(exchange.url, cause)
      })
      .finally(done)
    const location = answer.headers.location
    if (!follow || !REDIRECT_STATUSES.has(answer.status) || !location) {
      return { ...answer, url: exchange.url, redirects }
    }
    if (redirects === MAX_REDIRECTS) throw new TooManyRedirects(exchange.url)
    exchange = redirected(exchange, answer.status, new URL(location, exchange.url))
  }
}

/** The request to make after a redirect to `to`. */
function redirected(from: Exchange, status: number, to: URL): Exchange {
  // 303, and 301/302 after a POST, turn into a GET without a body (as fetch does).
  const toGet =
    (status === 303 && from.method !== 'HEAD') ||
    ((status === 301 || status === 302) && from.method === 'POST')
  const headers = { ...from.headers }
  if (toGet) {
    delete headers['content-type']
    delete headers['content-length']
  }
  // A token for one origin is not handed to another.
  if (to.origin !== from.url.origin) for (const name of from.credentials) delete headers[name]
  return {
    ...from,
    url: to,
    method: toGet ? 'GET' : from.method,
    body: toGet ? undefined : from.body,
    headers,
  }
}

type Answer = Omit<Response, 'url' | 'redirects'>

/**
 * One request, on a pooled connection. A kept-alive connection the server closed while it
 * sat idle fails the request sent on it before any answer: that is no news about the server,
 * so the request goes again at once, on another connection (as many times as the pool may
 * hold stale ones, and a new one after that). A fresh connection dropped without an answer
 * is the runner's to retry (describeFailure).
 */
async function request(exchange: Exchange, perHost: number, signal: AbortSignal): Promise<Answer> {
  for (let stale = 0; ; stale++) {
    try {
      return await requestOnce(exchange, perHost, signal)
    } catch (cause) {
      const reused = cause instanceof OnReusedConnection
      if (reused && stale < perHost && !signal.aborted) continue
      throw reused ? cause.cause : cause
    }
  }
}

/** A request failed before any answer on a connection an earlier request had used. */
class OnReusedConnection extends Error {
  constructor(override readonly cause: unknown) {
    super('reused connection dropped')
  }
}

function requestOnce(exchange: Exchange, perHost: number, signal: AbortSignal): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = exchange.url.protocol === 'https:' ? httpsRequest : httpRequest
    let answered = false
    const req: ClientRequest = request(
      exchange.url,
      {
        method: exchange.method,
        headers: exchange.headers,
        agent: agentFor(exchange.url.protocol, perHost),
        signal,
        rejectUnauthorized: !exchange.insecure,
      },
      (res) => {
        answered = true
        const skip = exchange.method === 'HEAD' || res.statusCode === 204 || res.statusCode === 304
        readBody(res, skip).then(
          ({ bytes, truncated }) =>
            resolve({
              status: res.statusCode ?? 0,
              statusText: res.statusMessage ?? '',
              headers: res.headers,
              body: bytes.toString('utf8'),
              bodyBytes: bytes.length,
              isBinary: looksBinary(bytes),
              truncated,
            }),
          reject,
        )
      },
    )
    req.once('error', (cause: NodeJS.ErrnoException) => {
      const dropped = cause.code === 'ECONNRESET' || cause.code === 'EPIPE'
      reject(req.reusedSocket && !answered && dropped ? new OnReusedConnection(cause) : cause)
    })
    req.end(exchange.body)
  })
}

/**
 * The response body, decompressed, up to MAX_BODY_BYTES. Decompression goes only
 * as far as the bytes are read (the decoder waits for its output to be taken), so
 * a gzip bomb costs 1 MB and the moment to inflate it, and the connection is
 * closed on the rest.
 */
async function readBody(
  res: IncomingMessage,
  skip: boolean,
): Promise<{ bytes: Buffer; truncated: boolean }> {
  if (skip) {
    res.resume()
    return { bytes: Buffer.alloc(0), truncated: false }
  }
  const stream = decoded(res)
  const chunks: Buffer[] = []
  let size = 0
  let truncated = false
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const room = MAX_BODY_BYTES - size
    chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk)
    size += Math.min(chunk.length, room)
    if (chunk.length > room) {
      truncated = true
      break
    }
  }
  if (truncated) res.destroy()
  return { bytes: Buffer.concat(chunks), truncated }
}

/**
 * Binary, not text: a NUL in the first 8 kB (as git and grep decide), or more
 * than a tenth of it not UTF-8. Escape sequences alone do not make text binary.
 */
function looksBinary(bytes: Buffer): boolean {
  const start = bytes.subarray(0, 8192)
  if (start.includes(0)) return true
  const text = start.toString('utf8')
  const invalid = text.match(/\uFFFD/g)?.length ?? 0
  return invalid > text.length / 10
}

function decoded(res: IncomingMessage): Readable {
  const encoding = String(res.headers['content-encoding'] ?? '').toLowerCase()
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? createGunzip()
      : encoding === 'deflate'
        ? createInflate()
        : encoding === 'br'
          ? createBrotliDecompress()
          : null
  if (!decoder) return res
  return pipeline(res, decoder, () => {})
}

/** A request that got no answer, as an outcome; a dropped connection is retried. */
function describeFailure(cause: unknown): CheckOutcome {
  if (cause instanceof TooManyRedirects) {
    return error(`${cause.message}; the last went to ${withoutPassword(cause.last)}`)
  }
  const url = cause instanceof RequestFailed ? cause.url : null
  const inner = cause instanceof RequestFailed ? cause.cause : cause
  if (!url) return error(inner instanceof Error ? inner.message : String(inner))
  const defaultPort = url.protocol === 'https:' ? 443 : 80
  const target = hostPort(url.hostname, url.port || defaultPort)
  const problem = socketProblem(inner)
  const code = String((inner as NodeJS.ErrnoException)?.code ?? '')
  switch (problem.kind) {
    case 'reset':
      throw new TransientError(
        `${target} closed the connection without answering (${problem.reason})`,
      )
    case 'dns':
      return error(`cannot resolve ${url.hostname}: ${problem.reason}`)
    case 'tls':
      return error(`TLS certificate of ${target} not accepted: ${problem.reason}`, {
        details: [INSECURE_HINT],
      })
    case 'refused':
    case 'unreachable':
      return error(`cannot connect to ${target}: ${problem.reason}`)
    case 'other':
      if (code.startsWith('HPE_'))
        return error(`${target} did not answer with HTTP: ${problem.reason}`)
      if (code === 'EPROTO' || code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS')) {
        return error(`TLS handshake with ${target} failed: ${problem.reason}`)
      }
      if (code.startsWith('Z_')) return error(`the body from ${target} could not be decompressed`)
      return error(`request to ${target} failed: ${problem.reason}`)
  }
}

/**
 * Pass or fail, with every unmet expectation; evidence either way. A failure
 * also shows the start of the body, where a server says why (`{"error": …}`).
 */
function judge(
  response: Response,
  params: Params,
  elapsedMs: number,
  redactor: Redactor,
): CheckOutcome {
  const expected = params.status ?? [params.redirect === undefined ? '2xx' : '3xx']
  const unmet: string[] = []
  const met: string[] = [`HTTP ${response.status}`]
  const hints: string[] = []
  if (!expected.some((s) => statusMatches(response.status, s))) {
    unmet.push(`HTTP ${response.status} (expected ${expected.join(' or ')})`)
    const location = response.headers.location
    if (REDIRECT_STATUSES.has(response.status) && location && params.redirect === undefined) {
      hints.push(`it redirects to ${location}; redirect=<url> asserts that, follow=true follows it`)
    }
  }
  if (params.redirect !== undefined) {
    const location = response.headers.location
    if (!location) unmet.push(`no Location header (expected a redirect to ${params.redirect})`)
    else if (!redirectsTo(location, response.url, params.redirect)) {
      unmet.push(`redirects to ${location} (expected ${params.redirect})`)
    } else met[0] = `HTTP ${response.status} to ${location}`
  }
  if (params.body !== undefined) {
    if (response.body.includes(params.body)) met.push(`body contains '${params.body}'`)
    else {
      const within = response.truncated ? ' (in its first 1 MB)' : ''
      unmet.push(`body does not contain '${params.body}'${within}`)
    }
  }
  if (params.json !== undefined) {
    const problem = jsonProblem(response.body, params.json)
    if (problem) unmet.push(problem)
    else met.push(`json ${params.json}`)
  }
  if (params.header !== undefined) {
    const problem = headerProblem(response.headers, params.header)
    if (problem) unmet.push(problem)
    else met.push(`header ${params.header.trim()}`)
  }
  const body = bodyLine(response, redactor)
  const evidence = evidenceOf(response, params, elapsedMs, body)
  const [first] = unmet
  if (first === undefined) return pass(met.join(', '), { evidence })
  const shown =
    body === null
      ? []
      : [`body: ${body.isDescribed ? body.text : cut(body.text, DETAIL_BODY_CHARS)}`]
  return fail(first, { details: [...unmet, ...hints, ...shown], evidence })
}

function statusMatches(status: number, pattern: string): boolean {
  const wanted = pattern.toLowerCase()
  if (wanted.endsWith('xx')) return String(status).startsWith(wanted[0] ?? '-')
  return String(status) === wanted
}

/** The Location, as written or made absolute against the request URL, starts with `prefix`. */
function redirectsTo(location: string, from: URL, prefix: string): boolean {
  if (location.startsWith(prefix)) return true
  try {
    return new URL(location, from).href.startsWith(prefix)
  } catch {
    return false
  }
}

/** Why `path=value` does not hold in the JSON body, or null when it does. */
function jsonProblem(body: string, spec: string): string | null {
  const equals = spec.indexOf('=')
  const path = spec.slice(0, equals).trim()
  const expected = spec.slice(equals + 1)
  let document: unknown
  try {
    document = JSON.parse(body)
  } catch {
    return `body is not JSON (expected json ${path}=${expected})`
  }
  const found = valueAt(document, path)
  if (!found.exists) return `json has no ${path}`
  if (jsonEquals(found.value, expected)) return null
  const wanted = typeof found.value === 'string' ? JSON.stringify(expected) : expected
  return `json ${path} is ${shortJson(found.value)} (expected ${wanted})`
}

/** A dot path with array indexes: `data.0.id`, `data[0].id`. */
function valueAt(document: unknown, path: string): { exists: boolean; value?: unknown } {
  const keys = path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((k) => k !== '')
  let current: unknown = document
  for (const key of keys) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) {
      return { exists: false }
    }
    current = (current as Record<string, unknown>)[key]
  }
  return { exists: true, value: current }
}

/** A string field equals the text; anything else equals the text read as JSON (7, true, null). */
function jsonEquals(actual: unknown, expected: string): boolean {
  if (typeof actual === 'string') return actual === expected
  try {
    return isDeepStrictEqual(actual, JSON.parse(expected))
  } catch {
    return false
  }
}

function shortJson(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 80 ? `${text.slice(0, 77)}...` : text
}

/** Why `Name: value` is not among the response headers (value contained, ignoring case). */
function headerProblem(headers: IncomingHttpHeaders, spec: string): string | null {
  const colon = spec.indexOf(':')
  const name = spec.slice(0, colon).trim()
  const wanted = spec.slice(colon + 1).trim()
  const raw = headers[name.toLowerCase()]
  if (raw === undefined) return `no ${name} header`
  const actual = Array.isArray(raw) ? raw.join(', ') : raw
  if (actual.toLowerCase().includes(wanted.toLowerCase())) return null
  if (SECRET_HEADER.test(name)) return `header ${name} does not contain "${wanted}"`
  return `header ${name} is "${actual}" (expected to contain "${wanted}")`
}

function evidenceOf(response: Response, params: Params, elapsedMs: number, body: BodyLine | null) {
  const asked = params.header?.slice(0, params.header.indexOf(':')).trim().toLowerCase()
  const shown = [...EVIDENCE_HEADERS, ...(asked && !SECRET_HEADER.test(asked) ? [asked] : [])]
  const headers = Object.fromEntries(
    shown.flatMap((name) => {
      const value = response.headers[name]
      return value === undefined ? [] : [[name, Array.isArray(value) ? value.join(', ') : value]]
    }),
  )
  return {
    url: withoutPassword(response.url),
    status: response.status,
    ...(response.statusText ? { statusText: response.statusText } : {}),
    elapsedMs,
    ...(response.redirects > 0 ? { redirects: response.redirects } : {}),
    headers,
    ...(body ? { body: body.isDescribed ? body.text : cut(body.text, EVIDENCE_BODY_CHARS) } : {}),
  }
}

interface BodyLine {
  readonly text: string
  /** A binary body: `text` only says what it is. */
  readonly isDescribed: boolean
}

/**
 * A textual body on one line, secrets masked — all of it, before any excerpt is
 * cut from it: a secret cut in half (`"password": "hunt…`) no longer looks like
 * one, so masking after cutting would show its start. A binary body (by its
 * type, or by its bytes whatever the type says) is only described:
 * `4,096 bytes of binary data (application/octet-stream)`, not 4,096 escapes.
 * Null when there is no body.
 */
function bodyLine(response: Response, redactor: Redactor): BodyLine | null {
  if (response.bodyBytes === 0) return null
  const contentType = response.headers['content-type']
  if (
    response.isBinary ||
    (contentType && !/text|json|xml|html|javascript|form/i.test(contentType))
  ) {
    const size = response.truncated
      ? `over ${MAX_BODY_BYTES / 1024 / 1024} MB`
      : `${response.bodyBytes.toLocaleString('en-US')} ${response.bodyBytes === 1 ? 'byte' : 'bytes'}`
    return {
      text: `${size} of binary data (${contentType || 'no content type'})`,
      isDescribed: true,
    }
  }
  // Masked before the whitespace is folded: a secret with a newline in it still matches.
  return { text: redactor.scrub(response.body).replace(/\s+/g, ' ').trim(), isDescribed: false }
}

function cut(line: string, max: number): string {
  return line.length > max ? `${line.slice(0, max - 3)}...` : line
}

function withoutPassword(url: URL): string {
  if (!url.password) return url.href
  const copy = new URL(url.href)
  copy.password = ''
  return copy.href
}
