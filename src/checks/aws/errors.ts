/**
 * What an AWS SDK error means for a check, in words an operator can act on.
 *
 * Throttling, 5xx answers and dropped connections are worth another try: they
 * become a TransientError, which the runner retries with backoff. Everything
 * else becomes an `error` outcome (we could not tell whether the system is as
 * required) with a next step where there is one. Messages name the API call and
 * the endpoint, never the credentials: for signature and token errors AWS's own
 * text is left out, because some services echo the key id or string-to-sign.
 */

import type { AwsAccount } from '../../checklist/model.ts'
import { formatLimit } from '../../duration.ts'
import { error } from '../outcome.ts'
import { type CheckOutcome, TransientError, waitingOn } from '../runner.ts'
import { UnexpectedAnswer } from './answers.ts'

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
])

/** Rejected credentials, each with the next step that fixes it. */
const REJECTED_CREDENTIALS: Readonly<Record<string, string>> = {
  ExpiredToken: 'the AWS session has expired',
  ExpiredTokenException: 'the AWS session has expired',
  InvalidClientTokenId: 'AWS does not recognise the access key',
  UnrecognizedClientException: 'AWS does not recognise the access key or session token',
  SignatureDoesNotMatch: 'AWS rejected the request signature',
  InvalidSignatureException: 'AWS rejected the request signature',
  IncompleteSignature: 'AWS rejected the request signature',
}

const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'AuthorizationError',
])

/** Connection failures that a second try may not meet. */
const DROPPED = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED'])
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
])

const CREDENTIALS_HINT =
  'set AWS_PROFILE, run `aws sso login`, or set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY'
const GENERIC_NO_CREDENTIALS = 'Could not load credentials from any providers'

/** The credentials are for another account than the environment's. */
export class WrongAccountError extends Error {
  override readonly name = 'WrongAccountError'
  constructor(
    readonly environment: string,
    readonly expected: AwsAccount,
    readonly actual: {
      readonly account: string
      readonly alias?: string
      readonly profile?: string
    },
  ) {
    super(
      `wrong AWS account: these credentials are for ${describeAccount(actual)}, not ${environment}'s ${expected.id}`,
    )
  }

  get hint(): string {
    const profile = this.expected.profile ?? this.actual.profile
    return profile
      ? `use the credentials for ${this.environment} (profile ${profile}: AWS_PROFILE=${profile}), or check 'accounts:' in the checklist's front matter`
      : `use the credentials for ${this.environment} (AWS_PROFILE or the SSO role for account ${this.expected.id}), or check 'accounts:' in the checklist's front matter`
  }
}

/** `111111111111 (acme-dev)`. */
export function describeAccount(identity: {
  readonly account: string
  readonly alias?: string
}): string {
  return identity.alias ? `${identity.account} (${identity.alias})` : identity.account
}

/** An AWS call that failed, tagged with the IAM action it needed. */
export class AwsCallError extends Error {
  override readonly name = 'AwsCallError'
  constructor(
    readonly action: string,
    override readonly cause: unknown,
  ) {
    super(`${action} failed`)
  }
}

/**
 * Runs one AWS call, tagging a failure with its IAM action (`dynamodb:DescribeTable`)
 * so an access-denied error can say which permission the role lacks.
 */
export async function awsCall<T>(
  action: string,
  send: () => Promise<T>,
  purpose?: string,
): Promise<T> {
  // What a check's timeout names while the call is out: the endpoint (answers.ts names it once
  // the SDK has resolved it), the call, and why the check makes it when that is not plain.
  const done = waitingOn({
    target: 'the AWS endpoint',
    call: action,
    ...(purpose !== undefined ? { purpose } : {}),
    hint: AWS_SILENT_HINT,
  })
  try {
    return await send()
  } catch (cause) {
    throw new AwsCallError(action, cause)
  } finally {
    done()
  }
}

/** What to look at when an AWS endpoint does not answer. */
const AWS_SILENT_HINT = 'check the VPN, or AWS_ENDPOINT_URL if set'

/** The AWS error code (`ResourceNotFoundException`) of an SDK error, if it is one. */
export function awsErrorName(caught: unknown): string | undefined {
  const e = caught instanceof AwsCallError ? caught.cause : caught
  return e instanceof Error ? e.name : undefined
}

interface ErrorContext {
  readonly signal: AbortSignal
  readonly profile?: string | undefined
}

/**
 * The outcome for an error thrown while talking to AWS. Throws a TransientError
 * for what is worth retrying, and rethrows when the check was aborted (the runner
 * reports the timeout or the cancel itself).
 */
export function awsErrorOutcome(caught: unknown, context: ErrorContext): CheckOutcome {
  if (context.signal.aborted) throw caught
  const action = caught instanceof AwsCallError ? caught.action : undefined
  const cause = caught instanceof AwsCallError ? caught.cause : caught
  const call = action ?? 'the AWS call'
  if (cause instanceof UnexpectedAnswer) return unexpectedAnswer(cause, call)
  // Not retried: the same credentials would meet the same account.
  if (caught instanceof WrongAccountError) return error(caught.message, { details: [caught.hint] })
  const e = asErrorLike(cause)

  if (e.name === 'CredentialsProviderError' || e.name === 'TokenProviderError') {
    return noCredentials(e, context.profile)
  }
  if (e.message === 'Region is missing') {
    return error("no AWS region: set AWS_REGION or `region` in the checklist's front matter vars")
  }
  const status = e.$metadata?.httpStatusCode
  if (THROTTLING.has(e.name) || status === 429) {
    throw new TransientError(`AWS throttled ${call} (${e.name})`)
  }
  const rejected = REJECTED_CREDENTIALS[e.name]
  if (rejected) return rejectedCredentials(e.name, rejected, context.profile)
  if (ACCESS_DENIED.has(e.name)) {
    return error(`access denied: the AWS identity may not call ${call}`, {
      details: [
        `grant ${call} to the role or user, or use a profile that has it`,
        ...(e.message ? [`AWS said: ${e.message}`] : []),
      ],
    })
  }
  if (status !== undefined && status >= 500) {
    throw new TransientError(`AWS answered ${call} with HTTP ${status} (${e.name})`)
  }
  if (e.name === 'TimeoutError') {
    // The SDK's limit on one request ("exceeded the configured 20000 ms requestTimeout"): the
    // endpoint may answer later, so "no answer" alone would say more than is known.
    const ms = /(\d+) ?ms/.exec(e.message)?.[1]
    const within = ms ? ` within ${formatLimit(Number(ms))}` : ''
    throw new TransientError(
      `no answer from ${endpointOf(e) ?? 'the AWS endpoint'} to ${call}${within}: ${AWS_SILENT_HINT}`,
    )
  }
  const code = networkCode(e)
  if (code && DROPPED.has(code)) throw new TransientError(`${call}: connection dropped (${code})`)
  if (code && UNREACHABLE.has(code)) {
    return error(`cannot reach ${endpointOf(e) ?? 'the AWS endpoint'}`, {
      details: [
        `${code} calling ${call}: check the network, the region, and AWS_ENDPOINT_URL if set`,
      ],
    })
  }
  const why = e.message || e.name
  return error(action ? `${action} failed: ${why}` : why)
}

/** An answer no AWS service sends: most often an endpoint that is not AWS at all. */
function unexpectedAnswer(answer: UnexpectedAnswer, call: string): CheckOutcome {
  // A 5xx page from a proxy in the way may be gone on the next try.
  if (answer.status !== undefined && answer.status >= 500)
    throw new TransientError(`${answer.message} (HTTP ${answer.status})`)
  const isAws = /\.amazonaws\.com(\.cn)?(:\d+)?$|\.api\.aws(:\d+)?$/.test(answer.endpoint)
  return error(answer.message, {
    details: [
      `the answer to ${call}${answer.status === undefined ? '' : `, with HTTP ${answer.status}`}`,
      isAws
        ? 'AWS does not answer like this: something between here and AWS (a proxy, a captive portal) may have answered'
        : 'is AWS_ENDPOINT_URL pointing at AWS (or at a working LocalStack or moto)?',
    ],
  })
}

function noCredentials(e: ErrorLike, profile: string | undefined): CheckOutcome {
  const summary = profile ? `no AWS credentials for profile ${profile}` : 'no AWS credentials'
  // The chain's own words help when they are specific ("SSO session has expired").
  const specific = e.message && e.message !== GENERIC_NO_CREDENTIALS ? [e.message] : []
  return error(summary, { details: [CREDENTIALS_HINT, ...specific] })
}

function rejectedCredentials(
  code: string,
  what: string,
  profile: string | undefined,
): CheckOutcome {
  const where = profile ? `profile ${profile}` : 'AWS_PROFILE or AWS_ACCESS_KEY_ID'
  const next = code.startsWith('Expired')
    ? 'run `aws sso login` (or refresh AWS_SESSION_TOKEN) and try again'
    : code.includes('Signature')
      ? `check that the secret access key belongs to the access key (${where}) and that the clock is right`
      : `check ${where}; for SSO run \`aws sso login\`; a session token must be set with temporary keys`
  return error(`${what} (${code})`, { details: [next] })
}

interface ErrorLike {
  readonly name: string
  readonly message: string
  readonly code?: string
  readonly address?: string
  readonly port?: number
  readonly hostname?: string
  /** The endpoint a timed-out request went to (answers.ts adds it: the SDK names none). */
  readonly endpoint?: string
  readonly errors?: readonly unknown[]
  readonly $metadata?: { readonly httpStatusCode?: number }
}

/**
 * The fields read of an SDK error, each checked: an endpoint that is not AWS can
 * put anything in an error's `__type` and `message`.
 */
function asErrorLike(value: unknown): ErrorLike {
  if (!(value instanceof Error)) return { name: 'Error', message: String(value) }
  const e = value as unknown as Record<string, unknown>
  const text = (field: unknown) => (typeof field === 'string' ? field : undefined)
  const status = (e.$metadata as { httpStatusCode?: unknown } | undefined)?.httpStatusCode
  const port = e.port
  return {
    name: text(e.name) ?? 'Error',
    message: text(e.message) ?? '',
    ...(text(e.code) ? { code: text(e.code) } : {}),
    ...(text(e.address) ? { address: text(e.address) } : {}),
    ...(typeof port === 'number' ? { port } : {}),
    ...(text(e.hostname) ? { hostname: text(e.hostname) } : {}),
    ...(text(e.endpoint) ? { endpoint: text(e.endpoint) } : {}),
    ...(Array.isArray(e.errors) ? { errors: e.errors } : {}),
    ...(typeof status === 'number' ? { $metadata: { httpStatusCode: status } } : {}),
  }
}

/** A Node network error code, also from inside an AggregateError (IPv6 and IPv4 both tried). */
function networkCode(e: ErrorLike): string | undefined {
  if (e.code) return e.code
  const inner = e.errors?.map(asErrorLike).find((x) => x.code)
  return inner?.code
}

function endpointOf(e: ErrorLike): string | undefined {
  if (e.endpoint) return e.endpoint
  const target = e.address || e.hostname ? e : e.errors?.map(asErrorLike).find((x) => x.address)
  if (!target) return undefined
  const host = target.address ?? target.hostname
  return target.port ? `${host}:${target.port}` : host
}
