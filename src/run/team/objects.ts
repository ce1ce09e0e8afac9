/**
 * The team store's objects on S3, through the AWS SDK's S3 client (loaded on
 * first use, as checks load theirs): reads, conditional writes and listings
 * under the store's prefix, each retried with backoff while S3 throttles
 * (`SlowDown`), fails on its side (5xx) or does not answer in time. What S3
 * refuses for good (no such bucket, access denied) is said at once, with the
 * permissions the store needs.
 *
 * Conditional writes are the whole of the store's consistency: `If-None-Match: *`
 * creates an object only if no one has (a journal entry, a lease), `If-Match`
 * replaces it only if it is still the version read (a lease renewed).
 */
import type { S3Client } from '@aws-sdk/client-s3'
import { Clients } from '../../checks/clients.ts'
import { formatLimit } from '../../duration.ts'
import { UserError } from '../../errors.ts'
import { type S3StoreAddress, storeKey, storeUrl } from './address.ts'

/** Why an S3 call failed, as the store acts on it. */
export type S3Failure =
  /** A conditional write lost: the object exists, or is no longer the version read. */
  | 'precondition'
  | 'missing'
  | 'throttled'
  /** 5xx other than throttling. */
  | 'server'
  /** No answer: refused connection, reset, or no answer within the request timeout. */
  | 'unreachable'
  /** S3 said no for good: access denied, no such bucket, bad credentials. */
  | 'refused'

interface SdkError {
  readonly name?: string
  readonly code?: string
  readonly message?: string
  readonly $metadata?: { readonly httpStatusCode?: number }
}

/** No credentials found, or no region to send to: nothing was sent, and no retry finds them. */
function isNothingToSendWith({ name, message = '' }: SdkError): boolean {
  return name === 'CredentialsProviderError' || /region is missing/i.test(message)
}

/** S3's names for credentials it will not take: expired, unknown, or not signing what was sent. */
export function isCredentialsRefused(name: string): boolean {
  return ['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'InvalidToken'].includes(
    name,
  )
}

/**
 * Why the store said no, in a few words with what to do, for the wizard's header: a team run
 * whose SSO login expires mid-run must not read "offline" and send its operator to the VPN.
 */
export function refusalWords(error: StoreUnavailableError): string {
  const cause = (error.cause ?? {}) as SdkError
  const name = cause.name ?? ''
  if (name === 'CredentialsProviderError') return 'no AWS credentials; log in again'
  if (/region is missing/i.test(cause.message ?? '')) return 'no AWS region; set AWS_REGION'
  if (isCredentialsRefused(name)) return `AWS credentials refused (${name}); log in again`
  if (name === 'NoSuchBucket') return 'the bucket does not exist'
  return `access refused (${name || 'refused'})`
}

/** How the store reads an S3 error; anything without an HTTP status never got an answer. */
export function classifyS3Error(error: unknown): S3Failure {
  const { name = '', $metadata } = (error ?? {}) as SdkError
  if (isNothingToSendWith((error ?? {}) as SdkError)) return 'refused'
  const status = $metadata?.httpStatusCode
  // S3 answers 409 ConditionalRequestConflict when two conditional writes to a key overlap.
  if (status === 412 || status === 409 || name === 'PreconditionFailed') return 'precondition'
  if (status === 404 || name === 'NoSuchKey' || name === 'NotFound') {
    return name === 'NoSuchBucket' ? 'refused' : 'missing'
  }
  if (name === 'SlowDown' || name === 'Throttling' || status === 429 || status === 503) {
    return 'throttled'
  }
  if (status !== undefined && status >= 500) return 'server'
  if (status === undefined) return 'unreachable'
  // A 400 RequestTimeout: S3 gave up waiting for the body. Worth another go.
  if (name === 'RequestTimeout') return 'unreachable'
  return 'refused'
}

/** True for failures another attempt may cure. */
export function isTransient(failure: S3Failure): boolean {
  return failure === 'throttled' || failure === 'server' || failure === 'unreachable'
}

/** How often and how patiently a call is retried. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number
  /** The first wait; each next one doubles, with jitter, up to `maxDelayMs`. */
  readonly baseDelayMs: number
  readonly maxDelayMs: number
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 200, maxDelayMs: 3_000 }

/** The wait before attempt `attempt + 1` (attempt counts from 1): full jitter on a doubling cap. */
export function backoffMs(policy: RetryPolicy, attempt: number): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1))
  return Math.round(cap / 2 + (Math.random() * cap) / 2)
}

/** The store did not answer usefully after every attempt; `failure` says how the last one failed. */
export class StoreUnavailableError extends UserError {
  readonly failure: S3Failure
  /** How the last attempt failed, in a few words ("no answer within 10s"), when known. */
  readonly reason: string | undefined
  constructor(message: string, failure: S3Failure, cause: unknown, reason?: string) {
    super(message, {
      cause,
      exitCode: 1,
      hint:
        failure === 'refused'
          ? 'the store needs s3:GetObject, s3:PutObject and s3:ListBucket on its prefix (README, "Team runs")'
          : 'check the network or VPN (and AWS_ENDPOINT_URL, if set), then try again',
    })
    this.failure = failure
    this.reason = reason
  }
}

/**
 * Words for a failure, in messages: what an operator acts on, never the SDK's own text
 * (`@smithy/node-http-handler - [ERROR] a request has exceeded…`). Every command that reads or
 * writes the store says it so, from here.
 */
function failureWords(failure: S3Failure, error: unknown, timeoutMs: number): string {
  const name = (error as SdkError | undefined)?.name ?? 'error'
  switch (failure) {
    case 'throttled':
      return `S3 is throttling (${name})`
    case 'server':
      return `S3 failed on its side (${name})`
    case 'unreachable':
      return unansweredWords(error, timeoutMs)
    default:
      return name
  }
}

/** Why no answer came: refused, reset, no such host, or none within the request timeout. */
function unansweredWords(error: unknown, timeoutMs: number): string {
  const { name = '', code, message = '' } = (error ?? {}) as SdkError
  const cause = (error as { cause?: { code?: string } } | undefined)?.cause
  const why = code ?? cause?.code ?? /\b(E[A-Z]{4,})\b/.exec(message)?.[1]
  if (why === 'ECONNREFUSED') return 'connection refused'
  if (why === 'ECONNRESET' || why === 'EPIPE') return 'the connection was reset'
  if (why === 'ENOTFOUND' || why === 'EAI_AGAIN') return 'the endpoint’s host was not found'
  if (why && why !== 'ETIMEDOUT') return `no answer (${why})`
  if (name === 'RequestTimeout') return 'S3 gave up waiting for the request (RequestTimeout)'
  return `no answer within ${formatLimit(timeoutMs)}`
}

export interface StoreObjectsOptions {
  readonly retry?: RetryPolicy
  /** How long one call may go unanswered before it counts as lost and is retried. */
  readonly requestTimeoutMs?: number
  /** The bucket's region; AWS_REGION and the profile's otherwise. */
  readonly region?: string
}

export interface StoredObject {
  readonly body: string
  readonly etag: string
}

/** Reads and writes objects under one team store's prefix. Paths are relative to the prefix. */
export class StoreObjects {
  readonly address: S3StoreAddress
  readonly #clients: Clients
  readonly #region: string | undefined
  readonly #retry: RetryPolicy
  readonly #timeoutMs: number
  /** When each attempt under way was sent. */
  readonly #underWay = new Set<{ readonly sentAt: number }>()
  readonly #onAttempt = new Set<(answered: boolean, sentAt: Date) => void>()
  #isClosed = false

  constructor(address: S3StoreAddress, options: StoreObjectsOptions = {}) {
    this.address = address
    this.#retry = options.retry ?? DEFAULT_RETRY
    this.#region = options.region
    this.#timeoutMs = options.requestTimeoutMs ?? 10_000
    this.#clients = new Clients({ awsRequestTimeoutMs: this.#timeoutMs })
  }

  /**
   * Since when (ms since the epoch) the oldest attempt still under way has waited for its answer;
   * undefined when none is. A command says the store is slow from this, not from how long its
   * whole work has taken: a big run read from a store that answers is not "not answering".
   */
  get unansweredSince(): number | undefined {
    let oldest: number | undefined
    for (const { sentAt } of this.#underWay) oldest = Math.min(oldest ?? sentAt, sentAt)
    return oldest
  }

  /**
   * Tells `listener` of every attempt as it ends: answered (whatever the answer), or not (timed
   * out, refused, reset), with when it was sent. An attempt unanswered is told before the call's
   * next attempt: the wizard says it is offline after one request's timeout, not after them all.
   * Returns the unsubscribe.
   */
  onAttempt(listener: (answered: boolean, sentAt: Date) => void): () => void {
    this.#onAttempt.add(listener)
    return () => this.#onAttempt.delete(listener)
  }

  #told(answered: boolean, sentAt: number): void {
    if (this.#isClosed) return
    for (const listener of this.#onAttempt) listener(answered, new Date(sentAt))
  }

  /** How patient a call is: its attempts, and how long each may go unanswered. */
  get patience(): { readonly attempts: number; readonly timeoutMs: number } {
    return { attempts: this.#retry.attempts, timeoutMs: this.#timeoutMs }
  }

  /** The object, or undefined when there is none. */
  async get(path: string): Promise<StoredObject | undefined> {
    const { GetObjectCommand } = await import('@aws-sdk/client-s3')
    return this.#call(`read ${path}`, async (s3) => {
      try {
        const got = await s3.send(
          new GetObjectCommand({ Bucket: this.address.bucket, Key: this.#key(path) }),
        )
        return { body: (await got.Body?.transformToString()) ?? '', etag: String(got.ETag ?? '') }
      } catch (error) {
        if (classifyS3Error(error) === 'missing') return undefined
        throw error
      }
    })
  }

  /** Creates the object if none exists (`If-None-Match: *`): its ETag, or 'exists'. */
  async putIfAbsent(path: string, body: string): Promise<{ etag: string } | 'exists'> {
    const result = await this.#put(path, body, { IfNoneMatch: '*' })
    return result === 'precondition' ? 'exists' : result
  }

  /**
   * Replaces the object if it is still version `etag` (`If-Match`): its new ETag, or
   * 'changed' when someone replaced it meanwhile (or it is gone).
   */
  async putIfMatch(
    path: string,
    body: string,
    etag: string,
  ): Promise<{ etag: string } | 'changed'> {
    const result = await this.#put(path, body, { IfMatch: etag })
    return result === 'precondition' ? 'changed' : result
  }

  async #put(
    path: string,
    body: string,
    condition: { IfNoneMatch: string } | { IfMatch: string },
  ): Promise<{ etag: string } | 'precondition'> {
    const { PutObjectCommand } = await import('@aws-sdk/client-s3')
    return this.#call(`write ${path}`, async (s3) => {
      try {
        const put = await s3.send(
          new PutObjectCommand({
            Bucket: this.address.bucket,
            Key: this.#key(path),
            Body: body,
            ContentType: 'application/json',
            ...condition,
          }),
        )
        return { etag: String(put.ETag ?? '') }
      } catch (error) {
        const failure = classifyS3Error(error)
        // If-Match on an object that is gone: 404, which for a lease means the same as 412.
        if (failure === 'precondition' || ('IfMatch' in condition && failure === 'missing')) {
          return 'precondition' as const
        }
        throw error
      }
    })
  }

  /**
   * The paths of every object under `folder` (relative to the prefix), in key
   * order; with `after`, only those whose path sorts after it.
   */
  async list(folder: string, after?: string): Promise<string[]> {
    const paths: string[] = []
    for await (const page of this.#pages(folder, false, after)) paths.push(...page.keys)
    return paths
  }

  /** The names of the sub-folders of `folder` (`runs/` → run ids). */
  async folders(folder: string): Promise<string[]> {
    const names: string[] = []
    for await (const page of this.#pages(folder, true)) names.push(...page.folders)
    return names
  }

  async *#pages(
    folder: string,
    delimited: boolean,
    after?: string,
  ): AsyncGenerator<{ keys: string[]; folders: string[] }> {
    const { ListObjectsV2Command } = await import('@aws-sdk/client-s3')
    const base = this.#key(folder.endsWith('/') ? folder : `${folder}/`)
    const strip = this.address.prefix ? this.address.prefix.length + 1 : 0
    let token: string | undefined
    do {
      const page = await this.#call(`list ${folder}`, (s3) =>
        s3.send(
          new ListObjectsV2Command({
            Bucket: this.address.bucket,
            Prefix: base,
            ...(delimited ? { Delimiter: '/' } : {}),
            ...(after ? { StartAfter: this.#key(after) } : {}),
            ...(token ? { ContinuationToken: token } : {}),
          }),
        ),
      )
      yield {
        keys: (page.Contents ?? []).map((o) => (o.Key ?? '').slice(strip)),
        folders: (page.CommonPrefixes ?? []).map((p) =>
          (p.Prefix ?? '').slice(base.length).replace(/\/$/, ''),
        ),
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (token)
  }

  /** Who the store's calls are made as (STS): the ARN a lease records. */
  async callerArn(): Promise<string> {
    const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts')
    this.#refuseClosed('identify the AWS caller')
    const sts = await this.#clients.aws('sts', { region: this.#region })
    const identity = await this.#attempts('identify the AWS caller', () =>
      sts.send(new GetCallerIdentityCommand({})),
    )
    return String(identity.Arn ?? 'unknown')
  }

  /**
   * Loads the S3 code and makes the client, which every call does on first use anyway: work on
   * this machine, done before a deadline that is meant for the store's answers starts.
   */
  async ready(): Promise<void> {
    await import('@aws-sdk/client-s3')
    this.#refuseClosed('open')
    await this.#clients.aws('s3', { region: this.#region })
  }

  /**
   * Closes the clients. A call still under way then fails at its next attempt instead of
   * opening a client anew: a read given up on (a list that stopped waiting for it) ends there.
   */
  close(): Promise<void> {
    this.#isClosed = true
    return this.#clients.close()
  }

  #key(path: string): string {
    return storeKey(this.address, path)
  }

  /** After `close()`: no client is opened again, no attempt made. */
  #refuseClosed(what: string): void {
    if (!this.#isClosed) return
    throw new StoreUnavailableError(
      `the team store ${storeUrl(this.address)} could not ${what}: it was closed`,
      'unreachable',
      undefined,
    )
  }

  async #call<T>(what: string, call: (s3: S3Client) => Promise<T>): Promise<T> {
    this.#refuseClosed(what)
    const s3 = await this.#clients.aws('s3', { region: this.#region })
    return this.#attempts(what, () => call(s3))
  }

  async #attempts<T>(what: string, call: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      this.#refuseClosed(what)
      const sent = { sentAt: Date.now() }
      this.#underWay.add(sent)
      try {
        const answer = await call()
        this.#told(true, sent.sentAt)
        return answer
      } catch (error) {
        const failure = classifyS3Error(error)
        this.#told(failure !== 'unreachable', sent.sentAt)
        if (!isTransient(failure) || attempt >= this.#retry.attempts) {
          const words = failureWords(failure, error, this.#timeoutMs)
          throw new StoreUnavailableError(
            `the team store ${storeUrl(this.address)} could not ${what}: ${words}${attempt > 1 ? ` (${attempt} attempts)` : ''}`,
            failure,
            error,
            words,
          )
        }
        this.#underWay.delete(sent)
        await new Promise((resolve) => setTimeout(resolve, backoffMs(this.#retry, attempt)))
      } finally {
        this.#underWay.delete(sent)
      }
    }
  }
}
