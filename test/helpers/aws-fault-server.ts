/**
 * A real HTTP server speaking the AWS wire protocols the installed SDK uses, for
 * what moto cannot do: a stack stuck in UPDATE_ROLLBACK_COMPLETE, one that stays
 * UPDATE_IN_PROGRESS for a while, throttling, 5xx, dropped connections, a
 * request that never answers, rejected credentials, and answers no AWS service
 * sends (fields of the wrong kind, truncated JSON, a gzip bomb, a web page).
 *
 *   CloudFormation, RDS   awsQuery: form-encoded `Action=…` POST, XML answers
 *   SNS, ELBv2       awsQuery, XML answers in each service's namespace
 *   EC2              ec2Query: the same requests, XML answers named by the SDK's own schema
 *   DynamoDB         JSON 1.0: `X-Amz-Target: DynamoDB_20120810.<Action>`
 *   Secrets Manager  JSON 1.1: `X-Amz-Target: secretsmanager.<Action>`
 *   CloudTrail       JSON 1.1: `X-Amz-Target: com.amazonaws.cloudtrail.….<Action>`
 *   CloudWatch       JSON 1.0: `X-Amz-Target: GraniteServiceVersion20100801.<Action>`
 *   CloudWatch Logs  JSON 1.1: `X-Amz-Target: Logs_20140328.<Action>`
 *   SQS              JSON 1.0: `X-Amz-Target: AmazonSQS.<Action>`
 *   Systems Manager  JSON 1.1: `X-Amz-Target: AmazonSSM.<Action>`
 *   ECS, ECR, Cloud Map, WAFv2   JSON 1.1: `X-Amz-Target: <prefix>.<Action>`
 *   Cognito          JSON 1.1: `X-Amz-Target: AWSCognitoIdentityProviderService.<Action>`
 *   Lambda, API Gateway (v1 and v2)
 *                    REST-JSON: the operation is the method and path (REST_ROUTES); path
 *                    and query parameters become the request's params
 *   ACM              JSON 1.1: `X-Amz-Target: CertificateManager.<Action>`
 *   S3, Route 53     restXml: the operation is the method and path (`GET /bucket?versioning`,
 *                    `GET /2013-04-01/hostedzone/Z1/rrset`), answers are XML documents
 *
 * A JS `Map` in a result is an AWS map: `<entry><key>…</key><value>…</value></entry>`
 * in XML (SNS's topic attributes), an object in JSON.
 *
 * The service is the one the request is signed for (its credential scope), as
 * every client shares the one endpoint. Each test scripts the answers with
 * `server.script((request, n) => reply)`. Signatures are not checked: a test
 * that wants rejected credentials scripts the error AWS would send.
 */
import { once } from 'node:events'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { NormalizedSchema } from '@smithy/core/schema'
import { type LocalServer, startHttpServer } from './servers.ts'

type Protocol = 'query' | 'ec2' | 'json-1.0' | 'json-1.1' | 'rest-json' | 'rest-xml'

/** Each service the server speaks, by its signing name, and how it is written on the wire. */
const PROTOCOLS = {
  cloudformation: 'query',
  sns: 'query',
  ec2: 'ec2',
  dynamodb: 'json-1.0',
  secretsmanager: 'json-1.1',
  cloudtrail: 'json-1.1',
  cloudwatch: 'json-1.0',
  logs: 'json-1.1',
  sqs: 'json-1.0',
  ssm: 'json-1.1',
  elasticloadbalancing: 'query',
  ecs: 'json-1.1',
  ecr: 'json-1.1',
  servicediscovery: 'json-1.1',
  wafv2: 'json-1.1',
  cognitoidentityprovider: 'json-1.1',
  lambda: 'rest-json',
  apigateway: 'rest-json',
  apigatewayv2: 'rest-json',
  rds: 'query',
  acm: 'json-1.1',
  s3: 'rest-xml',
  route53: 'rest-xml',
} as const satisfies Record<string, Protocol>

/** Services whose signing name is not the name tests know them by. */
const SIGNING_NAMES: Readonly<Record<string, AwsService>> = {
  monitoring: 'cloudwatch',
  'cognito-idp': 'cognitoidentityprovider',
}

/** The awsQuery services' XML namespaces. */
const QUERY_XMLNS: Partial<Record<AwsService, string>> = {
  cloudformation: 'http://cloudformation.amazonaws.com/doc/2010-05-15/',
  sns: 'http://sns.amazonaws.com/doc/2010-03-31/',
  elasticloadbalancing: 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/',
  rds: 'http://rds.amazonaws.com/doc/2014-10-31/',
}

/** The restXml services' XML namespaces. */
const REST_XML_NS: Partial<Record<AwsService, string>> = {
  s3: 'http://s3.amazonaws.com/doc/2006-03-01/',
  route53: 'https://route53.amazonaws.com/doc/2013-04-01/',
}

export type AwsService = keyof typeof PROTOCOLS

/**
 * The REST-JSON operations the checks call, by path (all are GETs); each `{Name}`
 * segment becomes the param of that name.
 */
const REST_ROUTES: readonly { service: AwsService; action: string; path: string }[] = [
  {
    service: 'lambda',
    action: 'GetFunctionConfiguration',
    path: '/2015-03-31/functions/{FunctionName}/configuration',
  },
  {
    service: 'lambda',
    action: 'GetAlias',
    path: '/2015-03-31/functions/{FunctionName}/aliases/{Name}',
  },
  { service: 'apigatewayv2', action: 'GetApis', path: '/v2/apis' },
  { service: 'apigatewayv2', action: 'GetApi', path: '/v2/apis/{ApiId}' },
  { service: 'apigatewayv2', action: 'GetStages', path: '/v2/apis/{ApiId}/stages' },
  { service: 'apigatewayv2', action: 'GetStage', path: '/v2/apis/{ApiId}/stages/{StageName}' },
  { service: 'apigatewayv2', action: 'GetRoutes', path: '/v2/apis/{ApiId}/routes' },
  { service: 'apigatewayv2', action: 'GetAuthorizers', path: '/v2/apis/{ApiId}/authorizers' },
  { service: 'apigateway', action: 'GetRestApis', path: '/restapis' },
  { service: 'apigateway', action: 'GetRestApi', path: '/restapis/{restApiId}' },
  { service: 'apigateway', action: 'GetStages', path: '/restapis/{restApiId}/stages' },
  { service: 'apigateway', action: 'GetStage', path: '/restapis/{restApiId}/stages/{stageName}' },
  { service: 'apigateway', action: 'GetResources', path: '/restapis/{restApiId}/resources' },
]

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

/** The restXml operations spoken (S3, Route 53): method, path and the query key that names it. */
const REST_XML_ROUTES: readonly {
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
  // The team store's objects (src/run/team/): most tests forward these to moto.
  {
    service: 's3',
    method: 'GET',
    path: /^\/([^/]+)\/?$/,
    query: 'list-type',
    action: 'ListObjectsV2',
    names: ['Bucket'],
  },
  {
    service: 's3',
    method: 'GET',
    path: /^\/([^/]+)\/(.+)$/,
    action: 'GetObject',
    names: ['Bucket', 'Key'],
  },
  {
    service: 's3',
    method: 'PUT',
    path: /^\/([^/]+)\/(.+)$/,
    action: 'PutObject',
    names: ['Bucket', 'Key'],
  },
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
  /**
   * Send the request as it came to this endpoint (moto) and its answer back as it
   * came: faults for some requests, the real service for the rest.
   */
  | {
      readonly forward: string
      /** Forward it (so it takes effect), then close the connection instead of answering. */
      readonly loseAnswer?: boolean
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

const EC2_XMLNS = 'http://ec2.amazonaws.com/doc/2016-11-15/'

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
    const body = await readBody(req)
    let request: AwsRequest | undefined
    try {
      request = parseRequest(req, body)
    } catch (unknown) {
      // Said to the check (and so to the failing test), rather than crashing the test process.
      res.writeHead(400, {
        'content-type': 'application/json',
        'x-amzn-errortype': 'NotImplemented',
      })
      res.end(JSON.stringify({ __type: 'NotImplemented', message: (unknown as Error).message }))
      return
    }
    if (!request) {
      // Loudly, so that a test of a new service says what to add to PROTOCOLS.
      res.writeHead(400, { 'content-type': 'text/plain' }).end(unknownService(req))
      return
    }
    requests.push(request)
    const n = (counts.get(request.action) ?? 0) + 1
    counts.set(request.action, n)
    const reply = await current(request, n)
    if (reply === 'hang') hang(req.socket)
    else if (reply === 'drop') req.socket.destroy()
    else if ('forward' in reply) {
      await forward(req, body, reply.loseAnswer ? undefined : res, reply.forward)
      if (reply.loseAnswer) req.socket.destroy()
    } else if ('raw' in reply) await answerRaw(res, request, reply, (n) => (rawBytesSent += n))
    else await answer(res, request, reply)
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

function parseRequest(req: IncomingMessage, body: string): AwsRequest | undefined {
  const { service, region } = signedFor(req)
  if (!service) return undefined
  if (PROTOCOLS[service] === 'rest-xml') return parseRestXmlRequest(req, service, region)
  const target = req.headers['x-amz-target']
  if (typeof target === 'string') {
    // `DynamoDB_20120810.DescribeTable`, `com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.GetTrailStatus`
    const action = target.slice(target.lastIndexOf('.') + 1)
    return { service, action, params: body ? JSON.parse(body) : {}, region }
  }
  // REST-JSON (Lambda, API Gateway): the path names the operation, and v1 or v2.
  if (PROTOCOLS[service] === 'rest-json') {
    return parseRestRequest(new URL(req.url ?? '/', 'http://fault.invalid'), region)
  }
  const form = Object.fromEntries(new URLSearchParams(body))
  const { Action = '', Version: _, ...params } = form
  return { service, action: Action, params, region }
}

/** The service and region in the request's credential scope: `Credential=AKID/20250110/us-east-1/ec2/aws4_request`. */
function signedFor(req: IncomingMessage): { service: AwsService | undefined; region: string } {
  const scope = /Credential=[^/,]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(
    req.headers.authorization ?? '',
  )
  const signed = scope?.[2] ?? ''
  const service = SIGNING_NAMES[signed] ?? signed
  return {
    service: Object.hasOwn(PROTOCOLS, service) ? (service as AwsService) : undefined,
    region: scope?.[1] ?? '',
  }
}

function unknownService(req: IncomingMessage): string {
  const scope = /Credential=[^/,]+\/\d{8}\/[^/]+\/([^/]+)\//.exec(req.headers.authorization ?? '')
  return `the fault server does not speak ${scope?.[1] ?? 'unsigned requests'}: add it to PROTOCOLS`
}

/** A REST-JSON request: the operation its path names, with the path's and the query's params. */
function parseRestRequest(url: URL, region: string): AwsRequest {
  const segments = url.pathname.split('/')
  for (const route of REST_ROUTES) {
    const pattern = route.path.split('/')
    if (pattern.length !== segments.length) continue
    const params: Record<string, string> = Object.fromEntries(url.searchParams)
    const matches = pattern.every((part, i) => {
      const segment = decodeURIComponent(segments[i] ?? '')
      if (!part.startsWith('{')) return part === segment
      params[part.slice(1, -1)] = segment
      return true
    })
    if (matches) return { service: route.service, action: route.action, params, region }
  }
  throw new Error(`the fault server knows no operation at GET ${url.pathname}`)
}

/** A restXml request: the route it takes names the operation; path parts and the query are its params. */
function parseRestXmlRequest(
  req: IncomingMessage,
  service: AwsService,
  region: string,
): AwsRequest | undefined {
  const url = new URL(req.url ?? '/', 'http://fault')
  for (const route of REST_XML_ROUTES) {
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
  throw new Error(`the fault server knows no ${service} operation at ${req.method} ${url.pathname}`)
}

/** Hop-by-hop headers, and those `fetch` sets itself. */
const NOT_FORWARDED = new Set([
  'host',
  'connection',
  'content-length',
  'expect',
  'transfer-encoding',
])

/** Sends the request to `endpoint` and its answer back (to `res`, if any): status, headers and body. */
async function forward(
  req: IncomingMessage,
  body: string,
  res: ServerResponse | undefined,
  endpoint: string,
) {
  const headers = Object.entries(req.headers).flatMap(([name, value]) =>
    NOT_FORWARDED.has(name) || value === undefined
      ? []
      : [[name, String(value)] as [string, string]],
  )
  const method = req.method ?? 'GET'
  const answer = await fetch(new URL(req.url ?? '/', endpoint), {
    method,
    headers,
    ...(method === 'GET' || method === 'HEAD' ? {} : { body }),
  })
  const bytes = Buffer.from(await answer.arrayBuffer())
  if (!res) return
  const back: Record<string, string> = {}
  answer.headers.forEach((value, name) => {
    if (!NOT_FORWARDED.has(name) && name !== 'content-encoding') back[name] = value
  })
  res.writeHead(answer.status, { ...back, 'content-length': String(bytes.length) })
  res.end(method === 'HEAD' ? undefined : bytes)
}

type RawReply = Extract<AwsReply, { readonly raw: unknown }>

async function answerRaw(
  res: ServerResponse,
  request: AwsRequest,
  reply: RawReply,
  sent: (bytes: number) => void,
) {
  res.writeHead(reply.status ?? 200, {
    'content-type': contentType(PROTOCOLS[request.service]),
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

async function answer(
  res: ServerResponse,
  request: AwsRequest,
  reply: Exclude<AwsReply, 'hang' | 'drop' | RawReply | { readonly forward: unknown }>,
): Promise<void> {
  const requestId = crypto.randomUUID()
  const protocol = PROTOCOLS[request.service]
  const status = 'error' in reply ? (reply.status ?? 400) : 200
  const lists = XML_LISTS[request.service] ?? {}
  let body: string
  if (protocol === 'query') {
    body =
      'error' in reply
        ? `<ErrorResponse xmlns="${QUERY_XMLNS[request.service]}"><Error><Type>Sender</Type><Code>${xmlEscape(reply.error)}</Code><Message>${xmlEscape(reply.message ?? reply.error)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`
        : `<${request.action}Response xmlns="${QUERY_XMLNS[request.service]}"><${request.action}Result>${toXml(reply.result, lists)}</${request.action}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${request.action}Response>`
  } else if (protocol === 'ec2') {
    body =
      'error' in reply
        ? `<Response><Errors><Error><Code>${xmlEscape(reply.error)}</Code><Message>${xmlEscape(reply.message ?? reply.error)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`
        : `<${request.action}Response xmlns="${EC2_XMLNS}"><requestId>${requestId}</requestId>${await toEc2Xml(request.action, reply.result)}</${request.action}Response>`
  } else if (protocol === 'rest-xml') {
    const xmlns = REST_XML_NS[request.service]
    if ('error' in reply) {
      const error = `<Code>${xmlEscape(reply.error)}</Code><Message>${xmlEscape(reply.message ?? reply.error)}</Message>`
      body =
        request.service === 's3'
          ? `<Error>${error}<RequestId>${requestId}</RequestId></Error>`
          : `<ErrorResponse xmlns="${xmlns}"><Error><Type>Sender</Type>${error}</Error><RequestId>${requestId}</RequestId></ErrorResponse>`
    } else {
      // An S3 payload is the document itself (`<PublicAccessBlockConfiguration>…`).
      const [only, ...others] = Object.keys(reply.result)
      const payload = only !== undefined && others.length === 0 && S3_PAYLOADS.has(only)
      const root = payload ? only : `${request.action}Response`
      const members = payload ? reply.result[only] : reply.result
      body = `<?xml version="1.0" encoding="UTF-8"?><${root} xmlns="${xmlns}">${toXml(members, lists)}</${root}>`
    }
  } else {
    body = JSON.stringify(
      'error' in reply
        ? { __type: reply.error, message: reply.message ?? reply.error }
        : protocol === 'rest-json'
          ? toRestJsonValue(reply.result, request.service)
          : toJsonValue(reply.result),
    )
  }
  res.writeHead(status, {
    'content-type': contentType(protocol),
    'x-amzn-requestid': requestId,
    // REST-JSON names the error in a header.
    ...('error' in reply && protocol === 'rest-json' ? { 'x-amzn-errortype': reply.error } : {}),
    ...reply.headers,
  })
  // A HEAD answer has no body: what it says is in its status and headers.
  res.end(request.action.startsWith('Head') ? undefined : body)
}

function contentType(protocol: Protocol): string {
  if (protocol === 'query' || protocol === 'ec2') return 'text/xml'
  if (protocol === 'rest-json') return 'application/json'
  if (protocol === 'rest-xml') return 'application/xml'
  return `application/x-amz-${protocol.replace('-', '')}`
}

/**
 * REST-JSON as each service writes it: API Gateway v2 names its members in
 * camelCase (`ApiId` is `apiId`) and its timestamps in ISO 8601; API Gateway v1
 * sends a page's `items` as `item`; the others as the SDK names them. Timestamps
 * are epoch seconds but in v2.
 */
function toRestJsonValue(value: unknown, service: AwsService): unknown {
  if (service === 'apigateway' && value && typeof value === 'object' && 'items' in value) {
    const { items, ...rest } = value as Record<string, unknown>
    return toJsonValue({ item: items, ...rest })
  }
  if (service !== 'apigatewayv2') return toJsonValue(value)
  if (value instanceof Date) return value.toISOString()
  if (Array.isArray(value)) return value.map((v) => toRestJsonValue(v, service))
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k.charAt(0).toLowerCase() + k.slice(1),
        toRestJsonValue(v, service),
      ]),
    )
  }
  return value
}

/** The JSON protocols send timestamps as epoch seconds. */
function toJsonValue(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000
  if (value instanceof Map) return toJsonValue(Object.fromEntries(value))
  if (Array.isArray(value)) return value.map(toJsonValue)
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonValue(v)]))
  }
  return value
}

/**
 * XML for the query and restXml protocols: members by name, lists as `<member>`
 * elements unless `lists` names them, maps as `<entry>`, timestamps as ISO 8601.
 */
function toXml(value: unknown, lists: (typeof XML_LISTS)[string] = {}): string {
  if (value instanceof Date) return value.toISOString()
  if (value instanceof Map) {
    return [...value]
      .map(
        ([k, v]) => `<entry><key>${toXml(k, lists)}</key><value>${toXml(v, lists)}</value></entry>`,
      )
      .join('')
  }
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

/**
 * An EC2 answer's members as EC2 writes them. EC2's XML names (`vpcSet`,
 * `securityGroupInfo`, `groups` for UserIdGroupPairs) follow no rule, so they are
 * read from the SDK's own schema of the operation's output, as its parser does.
 */
async function toEc2Xml(action: string, result: Readonly<Record<string, unknown>>) {
  const ec2: Record<string, unknown> = await import('@aws-sdk/client-ec2')
  const operation = ec2[`${action}$`]
  if (!Array.isArray(operation)) throw new Error(`@aws-sdk/client-ec2 has no operation ${action}`)
  // A static operation schema: [kind, namespace, name, traits, input, output].
  return schemaXml(NormalizedSchema.of(operation[5]), result)
}

function schemaXml(schema: NormalizedSchema, value: unknown): string {
  if (value === undefined || value === null) return ''
  if (schema.isStructSchema()) {
    const record = value as Record<string, unknown>
    const members = [...schema.structIterator()].map(([name, member]) => {
      const tag = member.getMergedTraits().xmlName ?? name
      const inner = record[name]
      if (inner === undefined) return ''
      return member.isListSchema() && member.getMergedTraits().xmlFlattened
        ? (inner as unknown[])
            .map((v) => `<${tag}>${schemaXml(member.getValueSchema(), v)}</${tag}>`)
            .join('')
        : `<${tag}>${schemaXml(member, inner)}</${tag}>`
    })
    return members.join('')
  }
  if (schema.isListSchema()) {
    const item = schema.getValueSchema()
    const tag = item.getMergedTraits().xmlName ?? 'member'
    return (value as unknown[]).map((v) => `<${tag}>${schemaXml(item, v)}</${tag}>`).join('')
  }
  if (value instanceof Date) return value.toISOString()
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

/**
 * The environment with no AWS credentials anywhere the SDK's chain looks: for
 * `withEnv(WITHOUT_AWS_CREDENTIALS, …)`.
 */
export const WITHOUT_AWS_CREDENTIALS: Readonly<Record<string, string | undefined>> = {
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
