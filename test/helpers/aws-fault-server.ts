/**
 * A real HTTP server speaking the AWS wire protocols the installed SDK uses, for
 * what moto cannot do: a stack stuck in UPDATE_ROLLBACK_COMPLETE, one that stays
 * UPDATE_IN_PROGRESS for a while, throttling, 5xx, dropped connections, a
 * request that never answers, rejected credentials, and answers no AWS service
 * sends (fields of the wrong kind, truncated JSON, a gzip bomb, a web page).
 *
 *   CloudFormation, RDS     awsQuery: form-encoded `Action=…` POST, XML answers
 *   DynamoDB                JSON 1.0: `X-Amz-Target: DynamoDB_20120810.<Action>`
 *   Secrets Manager, ACM    JSON 1.1: `X-Amz-Target: <prefix>.<Action>`
 *   S3, Route 53            restXml: the operation is the method and path (`GET /bucket?versioning`,
 *                           `GET /2013-04-01/hostedzone/Z1/rrset`), answers are XML documents
 *
 * A request's service is its signing name, read from the Authorization header's
 * credential scope (`…/us-east-1/rds/aws4_request`), as AWS itself routes it;
 * `PROTOCOLS` says how each one is answered. The XML protocols name some lists'
 * elements after their members (`<DBInstances><DBInstance>…`, S3's flattened
 * `<Rule>`s): `XML_LISTS` holds those, so a test's result stays the SDK's shape.
 *
 * Each test scripts the answers with `server.script((request, n) => reply)`.
 * Signatures are not checked: a test that wants rejected credentials scripts
 * the error AWS would send.
 */
import { once } from 'node:events'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { type LocalServer, startHttpServer } from './servers.ts'

/** How each service the fault server speaks is answered, by its signing name. */
const PROTOCOLS = {
  cloudformation: { query: 'http://cloudformation.amazonaws.com/doc/2010-05-15/' },
  rds: { query: 'http://rds.amazonaws.com/doc/2014-10-31/' },
  dynamodb: { json: '1.0' },
  secretsmanager: { json: '1.1' },
  acm: { json: '1.1' },
  s3: { restXml: 'http://s3.amazonaws.com/doc/2006-03-01/' },
  route53: { restXml: 'https://route53.amazonaws.com/doc/2013-04-01/' },
} as const satisfies Record<string, Protocol>

type Protocol = { query: string } | { json: string } | { restXml: string }

/** A service by its signing name (`s3`, `rds`). */
export type AwsService = keyof typeof PROTOCOLS

export interface AwsRequest {
  readonly service: AwsService
  readonly action: string
  readonly params: Readonly<Record<string, unknown>>
  /** The region the request was signed for. */
  readonly region: string
}

/**
 * Lists whose XML elements are not `<member>`: by list name, the element of each
 * item, or `flat` for S3's lists written as repeated elements without a wrapper.
 */
const XML_LISTS: Readonly<Record<string, Readonly<Record<string, string | { flat: string }>>>> = {
  rds: {
    DBInstances: 'DBInstance',
    DBClusters: 'DBCluster',
    DBClusterMembers: 'DBClusterMember',
    VpcSecurityGroups: 'VpcSecurityGroupMembership',
  },
  route53: {
    HostedZones: 'HostedZone',
    ResourceRecordSets: 'ResourceRecordSet',
    ResourceRecords: 'ResourceRecord',
  },
  s3: { Rules: { flat: 'Rule' } },
}

/** S3 operations whose answer is one structure, sent as the document itself. */
const S3_PAYLOADS = new Set(['ServerSideEncryptionConfiguration', 'PublicAccessBlockConfiguration'])

/** The restXml operations spoken, by service: method, path and the query key that names it. */
const REST_ROUTES: readonly {
  readonly service: AwsService
  readonly method: string
  readonly path: RegExp
  readonly query?: string
  readonly action: string
  readonly names: readonly string[]
}[] = [
  {
    service: 's3',
    method: 'HEAD',
    path: /^\/([^/]+)\/?$/,
    action: 'HeadBucket',
    names: ['Bucket'],
  },
  ...(
    [
      ['versioning', 'GetBucketVersioning'],
      ['encryption', 'GetBucketEncryption'],
      ['publicAccessBlock', 'GetPublicAccessBlock'],
      ['lifecycle', 'GetBucketLifecycleConfiguration'],
      ['location', 'GetBucketLocation'],
    ] as const
  ).map(([query, action]) => ({
    service: 's3' as const,
    method: 'GET',
    path: /^\/([^/]+)\/?$/,
    query,
    action,
    names: ['Bucket'],
  })),
  {
    service: 'route53',
    method: 'GET',
    path: /^\/2013-04-01\/hostedzonesbyname$/,
    action: 'ListHostedZonesByName',
    names: [],
  },
  {
    service: 'route53',
    method: 'GET',
    path: /^\/2013-04-01\/hostedzone\/([^/]+)\/rrset$/,
    action: 'ListResourceRecordSets',
    names: ['HostedZoneId'],
  },
  {
    service: 'route53',
    method: 'GET',
    path: /^\/2013-04-01\/hostedzone\/([^/]+)$/,
    action: 'GetHostedZone',
    names: ['Id'],
  },
]

/**
 * How to answer: `result` is the operation's output shape (as in the SDK's
 * types; Dates allowed), serialised in the service's protocol.
 */
export type AwsReply =
  | {
      readonly result: Readonly<Record<string, unknown>>
      readonly headers?: Readonly<Record<string, string>>
    }
  | {
      readonly error: string
      readonly message?: string
      readonly status?: number
      /** Sent with it: S3 names a bucket's region in `x-amz-bucket-region`. */
      readonly headers?: Readonly<Record<string, string>>
    }
  /** Accept the request and never answer. */
  | 'hang'
  /** Close the connection without an answer ("socket hang up"). */
  | 'drop'
  /**
   * These bytes as the body, exactly, whatever the protocol expects: a truncated
   * document, a gzip bomb with `content-encoding: gzip`. A body given as parts is
   * streamed as a client reads it: once the socket is full the next part waits, and
   * a client that closes the connection stops it (see `rawBytesSent`).
   */
  | {
      readonly raw: string | Buffer | readonly Buffer[]
      readonly status?: number
      readonly headers?: Readonly<Record<string, string>>
    }

/**
 * `n` counts this test's requests to the same action, from 1. A promised reply
 * is sent when it settles, so one request can wait for something another does.
 */
export type Script = (request: AwsRequest, n: number) => AwsReply | Promise<AwsReply>

export interface AwsFaultServer {
  readonly url: string
  /** Every request since the last `script()`. */
  readonly requests: readonly AwsRequest[]
  /** Answers from now on; forgets earlier requests. */
  script(script: Script): void
  /** Bytes of `raw` bodies the client took (written without waiting) since the last `script()`. */
  readonly rawBytesSent: number
  /** Requests left hanging whose connection the client has not closed yet. */
  readonly openHangingRequests: number
  /** Resolves once the client has closed the connections of `count` hanging requests. */
  hangsClosed(count: number): Promise<void>
  close(): Promise<void>
}

export async function startAwsFaultServer(): Promise<AwsFaultServer> {
  let current: Script = () => ({ error: 'NotScripted', message: 'no script', status: 400 })
  let requests: AwsRequest[] = []
  const counts = new Map<string, number>()
  const hanging = new Set<Socket>()
  let closedHangs = 0
  let rawBytesSent = 0
  let waiters: { readonly count: number; readonly resolve: () => void }[] = []

  const hang = (socket: Socket) => {
    hanging.add(socket)
    socket.once('close', () => {
      hanging.delete(socket)
      closedHangs++
      const ready = waiters.filter((w) => w.count <= closedHangs)
      waiters = waiters.filter((w) => w.count > closedHangs)
      for (const waiter of ready) waiter.resolve()
    })
  }

  const server: LocalServer = await startHttpServer(async (req, res) => {
    const request = parseRequest(req, await readBody(req))
    if (!request) {
      // Loudly, so that a test of a new service says what to add here.
      res.writeHead(400, { 'content-type': 'text/plain' }).end(unknownRequest(req))
      return
    }
    requests.push(request)
    const n = (counts.get(request.action) ?? 0) + 1
    counts.set(request.action, n)
    const reply = await current(request, n)
    if (reply === 'hang') hang(req.socket)
    else if (reply === 'drop') req.socket.destroy()
    else if ('raw' in reply) await answerRaw(res, request, reply, (n) => (rawBytesSent += n))
    else answer(res, request, reply)
  })

  return {
    url: server.url,
    get requests() {
      return requests
    },
    get rawBytesSent() {
      return rawBytesSent
    },
    get openHangingRequests() {
      return hanging.size
    },
    script(script) {
      current = script
      requests = []
      counts.clear()
      closedHangs = 0
      rawBytesSent = 0
    },
    hangsClosed(count) {
      if (closedHangs >= count) return Promise.resolve()
      return new Promise((resolve) => waiters.push({ count, resolve }))
    },
    close: () => {
      waiters = []
      return server.close()
    },
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => {
      body += chunk
    })
    req.on('end', () => resolve(body))
  })
}

/** The credential scope's region and signing name: `Credential=AKID/20250110/us-east-1/rds/aws4_request`. */
function credentialScope(req: IncomingMessage): { region: string; service: string } {
  const scope = /Credential=[^/]+\/[^/]+\/([^/]+)\/([^/]+)\//.exec(req.headers.authorization ?? '')
  return { region: scope?.[1] ?? '', service: scope?.[2] ?? '' }
}

function isSpoken(service: string): service is AwsService {
  return Object.hasOwn(PROTOCOLS, service)
}

function unknownRequest(req: IncomingMessage): string {
  const { service } = credentialScope(req)
  return isSpoken(service)
    ? `the fault server does not speak ${service} ${req.method} ${req.url}: add it to REST_ROUTES`
    : `the fault server does not speak ${service || 'unsigned requests'}: add it to PROTOCOLS`
}

function parseRequest(req: IncomingMessage, body: string): AwsRequest | undefined {
  const { region, service } = credentialScope(req)
  if (!isSpoken(service)) return undefined
  if ('restXml' in PROTOCOLS[service]) return parseRestRequest(req, service, region)
  const target = req.headers['x-amz-target']
  if (typeof target === 'string') {
    const action = target.slice(target.lastIndexOf('.') + 1)
    return { service, action, params: body ? JSON.parse(body) : {}, region }
  }
  const form = Object.fromEntries(new URLSearchParams(body))
  const { Action = '', Version: _, ...params } = form
  return { service, action: Action, params, region }
}

/** A restXml request: the route it takes names the operation; path parts and the query are its params. */
function parseRestRequest(
  req: IncomingMessage,
  service: AwsService,
  region: string,
): AwsRequest | undefined {
  const url = new URL(req.url ?? '/', 'http://fault')
  for (const route of REST_ROUTES) {
    const match = route.path.exec(url.pathname)
    if (route.service !== service || route.method !== req.method || !match) continue
    if (route.query !== undefined && !url.searchParams.has(route.query)) continue
    const named = route.names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? '')])
    const query = [...url.searchParams].filter(([key]) => key !== route.query)
    return {
      service,
      action: route.action,
      params: Object.fromEntries([...named, ...query]),
      region,
    }
  }
  return undefined
}

type RawReply = Extract<AwsReply, { readonly raw: unknown }>

async function answerRaw(
  res: ServerResponse,
  request: AwsRequest,
  reply: RawReply,
  sent: (bytes: number) => void,
) {
  const protocol: Protocol = PROTOCOLS[request.service]
  res.writeHead(reply.status ?? 200, {
    'content-type': 'json' in protocol ? `application/x-amz-json-${protocol.json}` : 'text/xml',
    'x-amzn-requestid': crypto.randomUUID(),
    ...reply.headers,
  })
  const parts =
    typeof reply.raw === 'string' || Buffer.isBuffer(reply.raw) ? [reply.raw] : reply.raw
  const closed = once(res, 'close')
  for (const part of parts) {
    if (res.destroyed) return
    sent(part.length)
    // Backpressure: a client that stops reading stops the server from writing more.
    if (!res.write(part)) await Promise.race([once(res, 'drain'), closed])
  }
  res.end()
}

function answer(
  res: ServerResponse,
  request: AwsRequest,
  reply: Exclude<AwsReply, 'hang' | 'drop' | RawReply>,
): void {
  const requestId = crypto.randomUUID()
  const protocol: Protocol = PROTOCOLS[request.service]
  const status = 'error' in reply ? (reply.status ?? 400) : 200
  const lists = XML_LISTS[request.service] ?? {}
  let contentType: string
  let body: string
  if ('json' in protocol) {
    contentType = `application/x-amz-json-${protocol.json}`
    body = JSON.stringify(
      'error' in reply
        ? { __type: reply.error, message: reply.message ?? reply.error }
        : toJsonValue(reply.result),
    )
  } else if ('error' in reply) {
    contentType = 'text/xml'
    const error = `<Code>${xmlEscape(reply.error)}</Code><Message>${xmlEscape(reply.message ?? reply.error)}</Message>`
    body =
      request.service === 's3'
        ? `<Error>${error}<RequestId>${requestId}</RequestId></Error>`
        : `<ErrorResponse xmlns="${'query' in protocol ? protocol.query : protocol.restXml}"><Error><Type>Sender</Type>${error}</Error><RequestId>${requestId}</RequestId></ErrorResponse>`
  } else if ('query' in protocol) {
    contentType = 'text/xml'
    body = `<${request.action}Response xmlns="${protocol.query}"><${request.action}Result>${toXml(reply.result, lists)}</${request.action}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${request.action}Response>`
  } else {
    contentType = 'application/xml'
    // An S3 payload is the document itself (`<PublicAccessBlockConfiguration>…`).
    const [only, ...others] = Object.keys(reply.result)
    const payload = only !== undefined && others.length === 0 && S3_PAYLOADS.has(only)
    const root = payload ? only : `${request.action}Response`
    const members = payload ? reply.result[only] : reply.result
    body = `<?xml version="1.0" encoding="UTF-8"?><${root} xmlns="${protocol.restXml}">${toXml(members, lists)}</${root}>`
  }
  res.writeHead(status, {
    'content-type': contentType,
    'x-amzn-requestid': requestId,
    ...reply.headers,
  })
  // A HEAD answer has no body: what it says is in its status and headers.
  res.end(request.action.startsWith('Head') ? undefined : body)
}

/** The JSON protocols send timestamps as epoch seconds. */
function toJsonValue(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000
  if (Array.isArray(value)) return value.map(toJsonValue)
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonValue(v)]))
  }
  return value
}

/**
 * XML for the query and restXml protocols: members by name, lists as `<member>`
 * elements unless `lists` names them, timestamps as ISO 8601.
 */
function toXml(value: unknown, lists: (typeof XML_LISTS)[string] = {}): string {
  if (value instanceof Date) return value.toISOString()
  if (Array.isArray(value)) return value.map((v) => `<member>${toXml(v, lists)}</member>`).join('')
  if (value && typeof value === 'object') {
    return Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => {
        const list = lists[k]
        if (!Array.isArray(v) || list === undefined) return `<${k}>${toXml(v, lists)}</${k}>`
        const element = typeof list === 'string' ? list : list.flat
        const items = v.map((item) => `<${element}>${toXml(item, lists)}</${element}>`).join('')
        return typeof list === 'string' ? `<${k}>${items}</${k}>` : items
      })
      .join('')
  }
  return xmlEscape(String(value))
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/**
 * Points the AWS SDK of this test process at `endpoint` with moto's dummy
 * credentials, and away from the machine's own ~/.aws and instance metadata.
 */
export function pointAwsAt(endpoint: string): void {
  for (const name of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_DEFAULT_REGION']) {
    delete process.env[name]
  }
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/nonexistent/deploy-wizard-test/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/deploy-wizard-test/credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
  })
}

/** Runs `body` with these process environment changes (undefined deletes), then restores. */
export async function withEnv<T>(
  changes: Readonly<Record<string, string | undefined>>,
  body: () => Promise<T>,
): Promise<T> {
  const saved = Object.fromEntries(Object.keys(changes).map((k) => [k, process.env[k]]))
  const apply = (values: Readonly<Record<string, string | undefined>>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
  }
  apply(changes)
  try {
    return await body()
  } finally {
    apply(saved)
  }
}

/** process.env changes under which the SDK finds no credentials at all (for `withEnv`). */
export const NO_AWS_CREDENTIALS: Readonly<Record<string, string | undefined>> = {
  AWS_ACCESS_KEY_ID: undefined,
  AWS_SECRET_ACCESS_KEY: undefined,
  AWS_SESSION_TOKEN: undefined,
  AWS_PROFILE: undefined,
  AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
  AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
  AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/deploy-wizard/credentials',
  AWS_CONFIG_FILE: '/nonexistent/deploy-wizard/config',
  AWS_EC2_METADATA_DISABLED: 'true',
}
