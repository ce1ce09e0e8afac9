/**
 * What a failed connection or statement means for a `pg.*` check, as a
 * sentence built from safe parts (host, port, user, database, the server's
 * SQLSTATE message) — never from a connection string or a password.
 *
 * A server that is starting up, full, or drops the connection is worth another
 * try (TransientError, retried by the runner); a database that does not exist
 * or a server that refuses the TLS asked for is a `fail` (the system is not as
 * required); everything else is an `error` (could not tell).
 */
import { TransientError } from '../runner.ts'
import { hostPort, socketProblem } from '../socket-errors.ts'
import { BackendLimitError, TLS_REFUSED } from './backend-stream.ts'
import { Problem } from './problem.ts'
import { type Connection, describeTarget, type Target } from './settings.ts'

const DROPPED = /^Connection terminated( unexpectedly)?$/

/** SQLSTATEs a second try may not meet. */
const TRANSIENT_STATES: Readonly<Record<string, string>> = {
  '57P03': 'the server is starting up or shutting down',
  '53300': 'the server has too many connections',
  '57P01': 'the server was shut down',
  '57P02': 'the server crashed',
  '08006': 'the connection failed',
  '40001': 'a serialization failure',
  '40P01': 'a deadlock',
}

/** SQLSTATEs that end a session the server had let in: the server stopping or crashing. */
const CUT_OFF_STATES: Readonly<Record<string, string>> = {
  '57P01': 'the server was shut down',
  '57P02': 'the server crashed',
}

interface PgErrorLike {
  readonly message: string
  readonly code?: string
  /** Set on errors the server sent (DatabaseError). */
  readonly severity?: string
}

function asPgError(cause: unknown): PgErrorLike {
  return cause instanceof Error ? (cause as PgErrorLike) : { message: String(cause) }
}

/** An error the server sent with a SQLSTATE, as opposed to one from the socket. */
function sqlState(cause: unknown): string | undefined {
  const e = asPgError(cause)
  return e.severity !== undefined ? e.code : undefined
}

/** True when the server answered a request for TLS with "no". */
export function isTlsRefused(cause: unknown): boolean {
  return asPgError(cause).message === TLS_REFUSED
}

/** The problem a failed connection attempt reports. */
export function connectProblem(cause: unknown, connection: Connection): Problem | TransientError {
  const { target, sslMode } = connection
  const where = hostPort(target.host, target.port)
  const settings = `connection settings from ${connection.source}`
  if (cause instanceof BackendLimitError) return limitProblem(cause, where)
  const state = sqlState(cause)
  if (state !== undefined) return serverRefused(cause, state, connection)
  if (isTlsRefused(cause)) {
    return Problem.fail(`${where}: server does not accept TLS connections (ssl=${sslMode})`, [
      'ask for TLS on the server, or set ssl=prefer to accept a plain connection',
    ])
  }
  const message = asPgError(cause).message
  if (DROPPED.test(message)) return new TransientError(`${where} closed the connection`)
  if (message.startsWith('SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string')) {
    return Problem.error(`${where} asks for a password and none was given`, [
      'give it in the url, the secret, or PGPASSWORD',
      settings,
    ])
  }
  const problem = socketProblem(cause)
  switch (problem.kind) {
    case 'refused':
    case 'unreachable':
      return Problem.error(`cannot connect to ${where}: ${problem.reason}`, [settings])
    case 'dns':
      return problem.reason.includes('temporary')
        ? new TransientError(`cannot resolve ${target.host}: ${problem.reason}`)
        : Problem.error(`cannot resolve ${target.host}: ${problem.reason}`, [settings])
    case 'reset':
      return new TransientError(`${where}: ${problem.reason}`)
    case 'tls':
      return Problem.fail(`${where}: TLS certificate not accepted (${problem.reason})`, [
        'for ssl=verify-full, name the CA bundle in PGSSLROOTCERT or sslrootcert= in the URL (for RDS, the AWS RDS CA bundle)',
      ])
    case 'other':
      return Problem.error(`cannot connect to ${where}: ${problem.reason}`, [settings])
  }
}

function serverRefused(
  cause: unknown,
  state: string,
  connection: Connection,
): Problem | TransientError {
  const { target } = connection
  const where = hostPort(target.host, target.port)
  const message = asPgError(cause).message
  const transient = TRANSIENT_STATES[state]
  if (transient) return new TransientError(`${where}: ${transient} (${message})`)
  switch (state) {
    case '28P01':
      return Problem.error(`password authentication failed for user ${target.user}`, [
        `at ${where}; connection settings from ${connection.source}`,
      ])
    case '3D000':
      return Problem.fail(`database ${target.database} does not exist on ${where}`)
    case '28000':
      return Problem.error(`${where} refused ${describeTarget(target)}: ${message}`, [
        ...(message.includes('no encryption')
          ? ['the server may require TLS: set ssl=require']
          : []),
      ])
    default:
      return Problem.error(`${where}: ${message} (SQLSTATE ${state})`)
  }
}

/** The problem a failed statement reports, for statements the kind does not judge itself. */
export function queryProblem(cause: unknown, target: Target): Problem | TransientError {
  const where = hostPort(target.host, target.port)
  const e = asPgError(cause)
  if (cause instanceof BackendLimitError) return limitProblem(cause, where)
  const state = sqlState(cause)
  if (state !== undefined) {
    // Connected, then cut off mid-statement: said so, not left to the next try's refusal.
    if (state in CUT_OFF_STATES)
      return new TransientError(
        `${where} closed the connection during the query: ${CUT_OFF_STATES[state]} (${e.message})`,
      )
    const transient = TRANSIENT_STATES[state]
    if (transient) return new TransientError(`${where}: ${transient} (${e.message})`)
    if (state === '57014') {
      return Problem.error('the query did not finish in the time the check has left', [
        "it was cancelled by statement_timeout; raise the item's timeout: if the query is expected to be slow",
      ])
    }
    return Problem.error(`${e.message} (SQLSTATE ${state})`)
  }
  if (DROPPED.test(e.message))
    return new TransientError(
      `${where} closed the connection during the query (the server shutting down?)`,
    )
  const problem = socketProblem(cause)
  if (problem.kind === 'reset')
    return new TransientError(`${where} closed the connection during the query (${problem.reason})`)
  return Problem.error(`${where}: ${problem.reason}`)
}

/** The server sent more than a check takes: not worth another try, which would read it again. */
function limitProblem(cause: BackendLimitError, where: string): Problem {
  return Problem.error(`${where}: ${cause.message}`, cause.hint ? [cause.hint] : [])
}
