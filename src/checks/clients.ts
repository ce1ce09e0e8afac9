/**
 * Clients for the systems checks talk to, created the first time a check needs
 * one and shared by every check with the same target. The AWS SDK and `pg` are
 * imported here, lazily, so `validate`, `plan` and `--help` never load them.
 *
 * AWS configuration is the SDK's own default chain: AWS_PROFILE, SSO,
 * AWS_REGION, AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> (LocalStack,
 * moto). A `region` or `profile` from the checklist overrides it. The SDK's own
 * retries are off: the runner retries throttling visibly, with backoff.
 */

import { Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import type { Pool, PoolConfig } from 'pg'
import { AccountGuard, type AccountGuardOptions } from './aws/account.ts'
import { guardAnswers } from './aws/answers.ts'
import {
  AWS_SERVICES,
  type AwsClients,
  type AwsSdkClient,
  type AwsSdkModule,
  type AwsService,
} from './aws/services.ts'
import type { AwsTarget } from './aws/target.ts'

export type { AwsTarget }

/**
 * How long one AWS call may go unanswered before it counts as a dropped connection (and is
 * retried): an endpoint that accepts and never answers — a half-dead VPN — would otherwise
 * hold a check for its whole time limit, ten minutes for a stack. Connecting gets 5 s.
 */
export const AWS_REQUEST_TIMEOUT_MS = 20_000
const AWS_CONNECT_TIMEOUT_MS = 5_000

/**
 * S3 names a bucket in the host name (`assets.s3.eu-west-1.amazonaws.com`). An
 * endpoint of one's own (`AWS_ENDPOINT_URL[_S3]` or a profile's `endpoint_url`:
 * LocalStack's http://localhost:4566, moto) has no such host names, so there the
 * bucket goes in the path, as the AWS CLI does.
 */
async function addressBucketsInPath(client: AwsSdkClient): Promise<void> {
  const config = (client as { config?: S3EndpointConfig }).config
  // The endpoint the SDK's configuration chain names; unset: AWS's own.
  const configured = await config?.serviceConfiguredEndpoint?.().catch(() => undefined)
  if (config && configured) config.forcePathStyle = true
}

/** What `addressBucketsInPath` reads and sets of an S3 client's resolved configuration. */
interface S3EndpointConfig {
  forcePathStyle?: boolean
  readonly serviceConfiguredEndpoint?: () => Promise<string | undefined>
}

export class Clients {
  readonly #aws = new Map<string, Promise<AwsSdkClient>>()
  readonly #requestTimeoutMs: number

  /** Who AWS calls are made as, and whether that is the environment's account. */
  readonly accountGuard: AccountGuard | undefined

  constructor({
    awsRequestTimeoutMs = AWS_REQUEST_TIMEOUT_MS,
    account,
  }: {
    awsRequestTimeoutMs?: number
    /** Identify the AWS caller before the first call, and refuse another account than this. */
    account?: AccountGuardOptions
  } = {}) {
    this.#requestTimeoutMs = awsRequestTimeoutMs
    this.accountGuard = account
      ? new AccountGuard(account, (service, target) => this.#sdkClient(service, target))
      : undefined
  }
  readonly #pools = new Map<string, Promise<Pool>>()
  /** Every socket a pool opened, so none can outlive `close()`. */
  readonly #sockets = new Set<Duplex>()

  /**
   * The SDK client for an AWS service (see aws/services.ts), created on first use and
   * shared by every check with the same region and profile.
   */
  async aws<S extends AwsService>(service: S, target: AwsTarget): Promise<AwsClients[S]> {
    // The account is confirmed before the first call with these credentials (aws/account.ts).
    await this.accountGuard?.admit(target)
    return (await this.#sdkClient(service, target)) as AwsClients[S]
  }

  #sdkClient(service: AwsService, target: AwsTarget): Promise<AwsSdkClient> {
    return this.#awsClient(service, target, async (config) => {
      const info = AWS_SERVICES[service]
      const module: AwsSdkModule = await info.load()
      const Client = module[info.client] as new (config: object) => AwsSdkClient
      const client = new Client(config)
      if (service === 's3') await addressBucketsInPath(client)
      return client
    })
  }

  /**
   * A small pool per connection (host, port, database, user, TLS), shared by `pg.*` checks.
   * `variant` tells apart pools `config` does not: TLS done by the config's `stream`.
   */
  pg(config: PoolConfig, variant = ''): Promise<Pool> {
    const key = JSON.stringify([
      config.connectionString,
      config.host,
      config.port,
      config.database,
      config.user,
      config.password,
      config.ssl,
      variant,
    ])
    let pool = this.#pools.get(key)
    if (!pool) {
      const stream = this.#trackedStream(config.stream)
      pool = import('pg').then(({ default: pg }) => {
        // connectionTimeoutMillis: a connection waiting in the pool's queue for a
        // server that never answers gives up rather than holding the run open.
        const created = new pg.Pool({
          max: 4,
          idleTimeoutMillis: 5_000,
          connectionTimeoutMillis: 30_000,
          ...config,
          stream,
        })
        // An idle client losing its connection must not crash the process.
        created.on('error', () => {})
        return created
      })
      this.#pools.set(key, pool)
    }
    return pool
  }

  /**
   * Closes every client and pool, waiting at most `graceMs` for pools to end:
   * a connection stuck on a server that never answers must not hold the exit.
   */
  async close(graceMs = 2_000): Promise<void> {
    const aws = [...this.#aws.values()]
    const pools = [...this.#pools.values()]
    this.#aws.clear()
    this.#pools.clear()
    const closing = Promise.allSettled([
      ...aws.map(async (client) => (await client).destroy()),
      ...pools.map(async (pool) => (await pool).end()),
    ])
    let timer: NodeJS.Timeout | undefined
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs)
      timer.unref()
    })
    await Promise.race([closing, grace])
    clearTimeout(timer)
    // Whatever is still connecting (a server that accepted and never answered) is cut.
    for (const socket of this.#sockets) socket.destroy()
    this.#sockets.clear()
  }

  /** Wraps pg's socket factory so every socket it makes is known. */
  #trackedStream(stream: PoolConfig['stream']): NonNullable<PoolConfig['stream']> {
    const make = (): Duplex => {
      const made = typeof stream === 'function' ? stream() : stream
      const socket = made ?? new Socket()
      this.#sockets.add(socket)
      socket.once('close', () => this.#sockets.delete(socket))
      return socket
    }
    return make as NonNullable<PoolConfig['stream']>
  }

  #awsClient(
    service: AwsService,
    target: AwsTarget,
    create: (config: {
      region?: string
      profile?: string
      maxAttempts: number
      requestHandler: {
        connectionTimeout: number
        requestTimeout: number
        throwOnRequestTimeout: boolean
      }
    }) => Promise<AwsSdkClient>,
  ): Promise<AwsSdkClient> {
    const key = `${service}|${target.region ?? ''}|${target.profile ?? ''}`
    let client = this.#aws.get(key)
    if (!client) {
      client = create({
        ...(target.region ? { region: target.region } : {}),
        ...(target.profile ? { profile: target.profile } : {}),
        maxAttempts: 1,
        requestHandler: {
          connectionTimeout: Math.min(AWS_CONNECT_TIMEOUT_MS, this.#requestTimeoutMs),
          requestTimeout: this.#requestTimeoutMs,
          throwOnRequestTimeout: true,
        },
      }).then((created) => {
        // An answer that is not AWS's says so, naming the endpoint (aws/answers.ts).
        guardAnswers(created, AWS_SERVICES[service].name)
        return created
      })
      this.#aws.set(key, client)
    }
    return client
  }
}
