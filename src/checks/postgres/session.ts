/**
 * One `pg.*` check's time with the database: a client from the shared pool,
 * a READ ONLY transaction whose statement_timeout is the time the check has
 * left, and a ROLLBACK at the end, so no check can change anything.
 *
 * The check's AbortSignal is honoured throughout: on timeout or cancel the
 * socket is destroyed at once, even mid-handshake with a server that never
 * answers, and the client leaves the pool instead of going back to it.
 *
 * TLS follows the `ssl` mode: `disable` never asks; `prefer` asks and, when
 * the server says no, connects again without it (libpq's behaviour, which `pg`
 * lacks); `require` insists but trusts any certificate (libpq's meaning);
 * `verify-full` checks the certificate chain and the host name.
 */
import type { ConnectionOptions } from 'node:tls'
import type {
  CustomTypesConfig,
  PoolClient,
  PoolConfig,
  QueryArrayConfig,
  QueryResult,
  QueryResultRow,
} from 'pg'
import type { CheckContext } from '../kind.ts'
import { TransientError, waitingOn } from '../runner.ts'
import { hostPort } from '../socket-errors.ts'
import { BackendStream } from './backend-stream.ts'
import { connectProblem, isTlsRefused, queryProblem } from './errors.ts'
import { Problem } from './problem.ts'
import type { Connection } from './settings.ts'
import { castParameter } from './sql-template.ts'

/** What the check sees of its session. */
export interface Session {
  /** One statement, in the session's read-only transaction. */
  query<R extends QueryResultRow>(
    text: string,
    values?: readonly unknown[],
  ): Promise<QueryResult<R>>
  /**
   * One statement from the checklist, with `values` bound to its `$1`, `$2`…: extended
   * protocol (a single statement), results as text.
   */
  queryAsText(
    text: string,
    values?: readonly string[],
  ): Promise<{ readonly fields: string[]; readonly rows: (string | null)[][] }>
  /** The TLS protocol in use (`TLSv1.3`), or undefined for a plain connection. */
  readonly tls: string | undefined
}

/** The server's statement_timeout ends a little before the runner's, so its message wins. */
const STATEMENT_TIMEOUT_MARGIN_MS = 200

/**
 * Streams made while `pool.connect()` runs: a new pool client builds its
 * connection, and so calls `newStream`, synchronously inside that call. This is
 * how a check finds the socket to destroy when it is aborted mid-handshake.
 */
let capturing: BackendStream[] | undefined
function newStream(tls: ConnectionOptions | undefined): BackendStream {
  const stream = new BackendStream({ tls })
  capturing?.push(stream)
  return stream
}

/** Every value as PostgreSQL prints it: `equals=` compares text. */
const TEXT_TYPES = {
  getTypeParser: () => (value: string) => value,
} as unknown as CustomTypesConfig

/**
 * Connects, opens the read-only transaction, runs `use`, rolls back and hands
 * the client back. Connection failures become a Problem or a TransientError;
 * statement failures `use` does not catch become one too.
 */
export async function withSession<T>(
  connection: Connection,
  context: Pick<CheckContext, 'clients' | 'signal'>,
  deadline: number,
  use: (session: Session) => Promise<T>,
): Promise<T> {
  const where = hostPort(connection.target.host, connection.target.port)
  // What a timeout names: the server that did not let the check in, or did not answer it.
  const connecting = waitingOn({
    target: where,
    hint: 'a firewall or VPN dropping the packets, or the server stuck?',
  })
  const lease = await acquire(connection, context).finally(connecting)
  const { client } = lease
  let broken = false
  const querying = waitingOn({
    target: where,
    call: 'the query',
    hint: 'the server stuck, or the connection to it dropped?',
  })
  try {
    await client.query('BEGIN READ ONLY')
    const timeout = Math.max(1, deadline - Date.now() - STATEMENT_TIMEOUT_MARGIN_MS)
    // standard_conforming_strings: the server reads '…' strings as pg.query's rule does.
    await client.query(
      "SELECT set_config('statement_timeout', $1, true), set_config('standard_conforming_strings', 'on', true)",
      [String(timeout)],
    )
    const stream = client.connection.stream
    // What this check may read is counted from here, on a new or a pooled connection.
    if (stream instanceof BackendStream) stream.startCheck()
    const session: Session = {
      query: (text, values) => client.query(text, values ? [...values] : undefined),
      queryAsText: async (text, values = []) => {
        const result = await queryWithValues(client, text, values)
        return {
          fields: result.fields.map((f) => f.name),
          rows: result.rows as (string | null)[][],
        }
      },
      tls: stream instanceof BackendStream ? stream.tlsProtocol : undefined,
    }
    const result = await use(session)
    await client.query('ROLLBACK')
    return result
  } catch (cause) {
    if (context.signal.aborted) {
      broken = true
      throw cause
    }
    // A failed statement leaves the connection usable once rolled back; a dead one is dropped.
    broken = await client.query('ROLLBACK').then(
      () => false,
      () => true,
    )
    if (cause instanceof Problem || cause instanceof TransientError) throw cause
    throw queryProblem(cause, connection.target)
  } finally {
    querying()
    lease.done(broken)
  }
}

/** PostgreSQL's words when nothing tells it a parameter's type (`format('%s', $1)`). */
const INDETERMINATE_TYPE = /^could not determine data type of parameter \$(\d+)$/

/**
 * Runs the checklist's statement. A value bound where PostgreSQL cannot tell its type is
 * read as text, as the '…' string it was written in would have been: the statement runs
 * again with that parameter cast, back from a savepoint, since the failed try ends the
 * transaction otherwise.
 */
async function queryWithValues(client: PoolClient, text: string, values: readonly string[]) {
  const query = (sql: string) => {
    const config: QueryArrayConfig & { readonly queryMode: 'extended' } = {
      text: sql,
      values: [...values],
      rowMode: 'array',
      types: TEXT_TYPES,
      // One statement only: `COMMIT; INSERT …` cannot escape the transaction.
      queryMode: 'extended',
    }
    return client.query(config)
  }
  if (values.length === 0) return query(text)
  let sql = text
  for (let tries = 0; ; tries++) {
    await client.query('SAVEPOINT dw_query')
    try {
      return await query(sql)
    } catch (cause) {
      const { code, message } = cause as { code?: string; message?: string }
      const n = Number(INDETERMINATE_TYPE.exec(message ?? '')?.[1])
      if (code !== '42P18' || !(n >= 1) || tries >= values.length) throw cause
      await client.query('ROLLBACK TO SAVEPOINT dw_query')
      sql = castParameter(sql, n)
    }
  }
}

interface Lease {
  readonly client: PoolClient
  /** Back to the pool, or out of it when `broken` (the transaction may still be open). */
  done(broken: boolean): void
}

async function acquire(
  connection: Connection,
  context: Pick<CheckContext, 'clients' | 'signal'>,
): Promise<Lease> {
  const wantsTls = connection.sslMode !== 'disable'
  try {
    return await acquireOnce(connection, wantsTls, context)
  } catch (cause) {
    if (context.signal.aborted) throw cause
    if (connection.sslMode === 'prefer' && isTlsRefused(cause)) {
      try {
        return await acquireOnce(connection, false, context)
      } catch (again) {
        if (context.signal.aborted) throw again
        throw connectProblem(again, connection)
      }
    }
    throw connectProblem(cause, connection)
  }
}

async function acquireOnce(
  connection: Connection,
  tls: boolean,
  context: Pick<CheckContext, 'clients' | 'signal'>,
): Promise<Lease> {
  const pool = await context.clients.pg(poolConfig(connection, tls), tls ? 'tls' : 'plain')
  context.signal.throwIfAborted()
  const sockets: BackendStream[] = []
  let pending: Promise<PoolClient>
  capturing = sockets
  try {
    pending = pool.connect()
  } finally {
    capturing = undefined
  }
  let released = false
  const release = (client: PoolClient, broken: boolean) => {
    if (released) return
    released = true
    client.release(broken)
  }
  const abandon = () => {
    for (const socket of sockets) socket.destroy()
    pending.then(
      (client) => {
        client.connection.stream.destroy()
        release(client, true)
      },
      () => {},
    )
  }
  context.signal.addEventListener('abort', abandon, { once: true })
  try {
    const client = await pending
    // A connection lost mid-statement fails the statement; pg also emits it on the client, which
    // the pool stops listening to while the client is out: unheard, it would end the process.
    const ignore = () => {}
    client.on('error', ignore)
    return {
      client,
      done: (broken) => {
        context.signal.removeEventListener('abort', abandon)
        client.removeListener('error', ignore)
        release(client, broken)
      },
    }
  } catch (cause) {
    context.signal.removeEventListener('abort', abandon)
    throw cause
  }
}

/**
 * Every setting spelled out, so `pg` never falls back to `process.env` (PGHOST,
 * PGSSLMODE…) behind the check's environment. TLS is the stream's to do
 * (backend-stream.ts), below what `pg` reads, so `pg` itself is told `ssl: false`.
 */
function poolConfig(connection: Connection, tls: boolean): PoolConfig {
  const { target } = connection
  const tlsConnection = tls ? tlsOptions(connection) : undefined
  return {
    host: target.host,
    port: target.port,
    user: target.user,
    database: target.database,
    ...(connection.password !== undefined ? { password: connection.password } : {}),
    ssl: false,
    application_name: 'deploy-wizard',
    stream: () => newStream(tlsConnection),
  }
}

function tlsOptions(connection: Connection): ConnectionOptions {
  if (connection.sslMode !== 'verify-full') return { rejectUnauthorized: false }
  return { rejectUnauthorized: true, ...(connection.ca !== undefined ? { ca: connection.ca } : {}) }
}
