/**
 * Where a `pg.*` check connects and as whom, worked out as libpq would: the
 * directive's `url`, else its RDS-style `secret`, else DATABASE_URL, else the
 * PG* variables alone. Whatever the url or secret leaves out comes from the PG*
 * variables, then from libpq's defaults (localhost, 5432, the OS user, a
 * database named like the user). Everything is read from the check's own
 * environment, never from `process.env` behind its back, and every password is
 * handed to the redactor the moment it is known.
 */
import { readFile } from 'node:fs/promises'
import { userInfo } from 'node:os'
import { resolve } from 'node:path'
import type { CheckContext } from '../kind.ts'
import { hostPort } from '../socket-errors.ts'
import type { Fields } from './fields.ts'
import { Problem } from './problem.ts'
import { SSL_MODES, type SslMode } from './ssl-modes.ts'

type Env = Readonly<Record<string, string | undefined>>

/** The connection parameters every `pg.*` kind takes. */
export interface ConnectionParams {
  readonly url?: string | undefined
  readonly secret?: string | undefined
  readonly database?: string | undefined
  readonly ssl?: SslMode | undefined
  readonly region?: string | undefined
  readonly profile?: string | undefined
}

/** Where and as whom: safe to print, it holds no password. */
export interface Target {
  readonly host: string
  readonly port: number
  readonly user: string
  readonly database: string
}

export interface Connection {
  readonly target: Target
  readonly password: string | undefined
  readonly sslMode: SslMode
  /** The CA bundle `verify-full` trusts, when sslrootcert / PGSSLROOTCERT names one. */
  readonly ca: string | undefined
  /** Where the settings came from: `url`, `secret <name>`, `DATABASE_URL`, `PG* variables`. */
  readonly source: string
}

/** `app@db.internal:5432/app`. */
export function describeTarget(target: Target): string {
  return `${target.user}@${hostPort(target.host, target.port)}/${target.database}`
}

/** Reads the settings (and, for `secret=`, the secret) a check connects with. */
export async function resolveConnection(
  params: ConnectionParams,
  context: Pick<CheckContext, 'env' | 'cwd' | 'clients' | 'redactor' | 'signal'>,
): Promise<Connection> {
  const { fields, source } = params.secret
    ? await fromSecret(params, params.secret, context)
    : fromUrlOrEnv(params, context.env)
  context.redactor.add(fields.password)
  const target = targetOf(params, fields, context.env)
  const sslMode = params.ssl ?? sslModeOf(fields.sslmode) ?? 'prefer'
  const ca =
    sslMode === 'verify-full' && fields.sslrootcert && fields.sslrootcert !== 'system'
      ? await readCa(resolve(context.cwd, fields.sslrootcert))
      : undefined
  return { target, password: fields.password, sslMode, ca, source }
}

/**
 * The runner's service name, without reading any secret: `pg:db.internal:5432`,
 * or `pg:secret:<name>` when the address is inside a secret.
 */
export function serviceOf(params: ConnectionParams, env: Env): string {
  if (params.secret) return `pg:secret:${params.secret}`
  try {
    const target = targetOf(params, fromUrlOrEnv(params, env).fields, env)
    return `pg:${hostPort(target.host, target.port)}`
  } catch {
    return 'pg'
  }
}

function fromUrlOrEnv(params: ConnectionParams, env: Env): { fields: Fields; source: string } {
  const defaults = fromEnv(env)
  if (params.url) return { fields: merge(defaults, fromUrl(params.url, 'url')), source: 'url' }
  if (env.DATABASE_URL) {
    return {
      fields: merge(defaults, fromUrl(env.DATABASE_URL, 'DATABASE_URL')),
      source: 'DATABASE_URL',
    }
  }
  const anySet = Object.values(defaults).some((value) => value !== undefined)
  return { fields: defaults, source: anySet ? 'PG* variables' : "libpq's defaults" }
}

async function fromSecret(
  params: ConnectionParams,
  name: string,
  context: Pick<CheckContext, 'env' | 'clients' | 'redactor' | 'signal'>,
): Promise<{ fields: Fields; source: string }> {
  if (params.url) throw Problem.error('give url or secret, not both')
  // Imported here: it brings the AWS error handling, which validate and plan never need.
  const { readRdsSecret } = await import('./rds-secret.ts')
  const secret = await readRdsSecret(name, params, context)
  return { fields: merge(fromEnv(context.env), secret), source: `secret ${name}` }
}

function fromEnv(env: Env): Fields {
  return {
    host: env.PGHOST || undefined,
    port: env.PGPORT || undefined,
    user: env.PGUSER || undefined,
    password: env.PGPASSWORD || undefined,
    database: env.PGDATABASE || undefined,
    sslmode: env.PGSSLMODE || undefined,
    sslrootcert: env.PGSSLROOTCERT || undefined,
  }
}

/**
 * The fields of a `postgres://user:password@host:port/database?sslmode=…` URL.
 * libpq's query parameters `host`, `port`, `user`, `password`, `dbname`,
 * `sslmode` and `sslrootcert` are honoured; others (Prisma's `schema`, …) are
 * ignored. Messages name the parameter, never the URL: it may hold a password.
 */
function fromUrl(text: string, name: string): Fields {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw Problem.error(`${name} is not a valid URL`, [
      'expected postgres://user:password@host:5432/database (percent-encode special characters)',
    ])
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw Problem.error(`${name} is not a postgres:// URL (it starts with ${url.protocol}//)`)
  }
  const query = url.searchParams
  const decode = (value: string) => {
    try {
      return decodeURIComponent(value) || undefined
    } catch {
      throw Problem.error(`${name} has a malformed %-escape`)
    }
  }
  return {
    host: query.get('host') ?? decode(url.hostname.replace(/^\[(.*)\]$/, '$1')),
    port: query.get('port') ?? (url.port || undefined),
    user: query.get('user') ?? decode(url.username),
    password: query.get('password') ?? decode(url.password),
    database: query.get('dbname') ?? decode(url.pathname.slice(1)),
    sslmode: query.get('sslmode') ?? undefined,
    sslrootcert: query.get('sslrootcert') ?? undefined,
  }
}

/** `over`'s fields where it has them, `base`'s elsewhere. */
function merge(base: Fields, over: Fields): Fields {
  const defined = Object.entries(over).filter(([, value]) => value !== undefined)
  return { ...base, ...Object.fromEntries(defined) }
}

function targetOf(params: ConnectionParams, fields: Fields, env: Env): Target {
  const user = fields.user ?? env.USER ?? env.LOGNAME ?? osUser()
  if (!user) throw Problem.error('no user to connect as: set PGUSER or put one in the url')
  return {
    host: fields.host ?? 'localhost',
    port: portOf(fields.port ?? '5432'),
    user,
    database: params.database ?? fields.database ?? user,
  }
}

/** libpq's last resort for the user name; some containers have no passwd entry. */
function osUser(): string | undefined {
  try {
    return userInfo().username
  } catch {
    return undefined
  }
}

function portOf(text: string): number {
  const port = /^\d+$/.test(text) ? Number(text) : Number.NaN
  if (!(port >= 1 && port <= 65535)) throw Problem.error(`port '${text}' is not a port number`)
  return port
}

/** libpq's sslmode words, mapped onto the modes this check implements. */
function sslModeOf(word: string | undefined): SslMode | undefined {
  if (word === undefined) return undefined
  const mode = word.toLowerCase()
  if (mode === 'allow') return 'prefer' // either way a plain or a TLS connection is accepted
  if (mode === 'no-verify') return 'require' // pg's and Heroku's spelling of libpq's require
  if ((SSL_MODES as readonly string[]).includes(mode)) return mode as SslMode
  if (mode === 'verify-ca') {
    throw Problem.error('sslmode verify-ca is not supported', [
      'use ssl=verify-full (checks the certificate and the host name) or ssl=require',
    ])
  }
  throw Problem.error(
    `sslmode '${word}' is not one of disable, allow, prefer, require, verify-full`,
  )
}

async function readCa(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message
    throw Problem.error(`cannot read the CA certificate ${path} (${code})`, [
      'sslrootcert in the URL or PGSSLROOTCERT must name a PEM file of trusted CA certificates',
    ])
  }
}
