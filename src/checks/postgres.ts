/**
 * PostgreSQL checks. Connection settings are shared by every `pg.*` kind: a URL,
 * an RDS-style JSON secret in Secrets Manager, or the libpq `PG*` variables and
 * `DATABASE_URL` when neither is given (see postgres/settings.ts). Every check
 * runs inside a READ ONLY transaction that is rolled back (postgres/session.ts).
 * `pg.query` runs the checklist's own SQL without trust, so that SQL must be one
 * statement that only reads (postgres/read-only.ts), with every `${…}` in it
 * bound as a parameter (postgres/sql-template.ts).
 */
import { type CheckContext, error, fail, pass, type RunCheck } from './kind.ts'
import type {
  PgConnectParams,
  PgIndexParams,
  PgQueryParams,
  PgTableParams,
} from './kinds/postgres.ts'
import { Problem } from './postgres/problem.ts'
import { readOnlyRefusal } from './postgres/read-only.ts'
import { type Session, withSession } from './postgres/session.ts'
import {
  type Connection,
  type ConnectionParams,
  describeTarget,
  resolveConnection,
} from './postgres/settings.ts'
import type { CheckOutcome } from './runner.ts'
import { hostPort } from './socket-errors.ts'

/** Runs a `pg.connect` check (its parameters: kinds/postgres.ts). */
export const checkConnect: RunCheck<PgConnectParams> = (params, context) =>
  withDatabase(params, context, async (session, { target, sslMode, source }) => {
    const { rows } = await session.query<{ version: string; user: string; database: string }>(
      "SELECT current_setting('server_version') AS version, current_user AS user, current_database() AS database",
    )
    const row = rows[0] as { version: string; user: string; database: string }
    const server = `PostgreSQL ${row.version.split(' ')[0]}`
    const where = { ...target, user: row.user, database: row.database }
    const tls = session.tls ? 'TLS' : 'no TLS'
    return pass(`connected to ${describeTarget(where)} (${server}, ${tls})`, {
      evidence: {
        server: row.version,
        tls: session.tls ?? 'off',
        ssl: sslMode,
        database: row.database,
        user: row.user,
        host: hostPort(target.host, target.port),
        settings: source,
      },
    })
  })

/** Runs a `pg.table` check (its parameters: kinds/postgres.ts). */
export const checkTable: RunCheck<PgTableParams> = (params, context) =>
  withDatabase(params, context, async (session) => {
    const schema = params.schema ?? 'public'
    const relation = await findRelation(session, schema, params.table)
    if (!relation) {
      return fail(`table ${schema}.${params.table} does not exist`, {
        details: await schemaHint(session, schema),
      })
    }
    const name = `${relation.schema}.${relation.name}`
    const columns = await columnsOf(session, relation.oid)
    const missing = (params.columns ?? []).filter((c) => !hasName(columns, c))
    const evidence = {
      table: name,
      kind: relation.kind,
      columns: columns.slice(0, 50),
      columnCount: columns.length,
    }
    if (missing.length > 0) {
      const noun = missing.length === 1 ? 'column' : 'columns'
      return fail(`table ${name} has no ${noun} ${missing.join(', ')}`, {
        details: [`its columns: ${clip(columns.join(', '), 300)}`],
        evidence,
      })
    }
    const what = relation.kind === 'table' ? name : `${name} (${relation.kind})`
    return pass(
      params.columns
        ? `${what} exists with columns ${params.columns.join(', ')}`
        : `${what} exists, ${plural(columns.length, 'column')}`,
      { evidence },
    )
  })

/** Runs a `pg.index` check (its parameters: kinds/postgres.ts). */
export const checkIndex: RunCheck<PgIndexParams> = (params, context) =>
  withDatabase(params, context, (session) =>
    params.index !== undefined
      ? indexByName(session, params.schema ?? 'public', params.index, params.table)
      : anyIndexOn(session, params.schema ?? 'public', params.table as string),
  )

/** Runs a `pg.query` check (its parameters: kinds/postgres.ts). */
export const checkQuery: RunCheck<PgQueryParams> = async (params, context) => {
  const values = context.sqlValues ?? []
  // Validation may have been skipped (`check` does not run it): refused here too, unsent.
  const refusal = readOnlyRefusal(params.sql, values.length)
  if (refusal) return error(refusal.message, { details: [refusal.hint] })
  return withDatabase(params, context, async (session) => {
    const { fields, rows } = await session
      .queryAsText(params.sql, values)
      .catch((cause: unknown) => {
        throw sqlProblem(cause) ?? cause
      })
    const first = rows[0]?.[0]
    const evidence = {
      rows: rows.length,
      columns: fields.slice(0, 10),
      firstRows: rows.slice(0, 3).map((row) => row.slice(0, 10).map((v) => v && clip(v, 100))),
    }
    const unmet: string[] = []
    if (params.rows !== undefined && rows.length < params.rows) {
      unmet.push(`${plural(rows.length, 'row')}, expected at least ${params.rows}`)
    }
    if (params.equals !== undefined && rows.length === 0) {
      unmet.push(`no rows, expected a first value of ${show(params.equals)}`)
    } else if (params.equals !== undefined && first !== params.equals) {
      unmet.push(`first value is ${show(first ?? null)}, expected ${show(params.equals)}`)
    }
    if (params.rows === undefined && params.equals === undefined && rows.length === 0) {
      unmet.push('no rows, expected at least 1')
    }
    if (unmet.length > 0) {
      return fail(unmet[0] as string, { details: unmet.slice(1), evidence })
    }
    const count = plural(rows.length, 'row')
    if (params.equals !== undefined) {
      return pass(`first value is ${show(params.equals)} (${count})`, { evidence })
    }
    const atLeast = params.rows !== undefined ? ` (at least ${params.rows} expected)` : ''
    return pass(`${count}${atLeast}`, { evidence })
  })
}

/**
 * Resolves the connection, runs `check` in a read-only session, and turns a
 * Problem met on the way into the outcome. The time left for statements is
 * counted from here, where the check's own clock starts.
 */
async function withDatabase(
  params: ConnectionParams,
  context: CheckContext,
  check: (session: Session, connection: Connection) => Promise<CheckOutcome>,
): Promise<CheckOutcome> {
  const deadline = Date.now() + context.timeoutMs
  try {
    const connection = await resolveConnection(params, context)
    return await withSession(connection, context, deadline, (session) => check(session, connection))
  } catch (cause) {
    if (cause instanceof Problem && !context.signal.aborted) return cause.outcome
    throw cause
  }
}

/** SQLSTATEs of a query naming something that is not there: the database is not as required. */
const MISSING_OBJECT = new Set(['42P01', '42703', '42883', '42704', '3F000'])

/** The problem a checklist's SQL met, when it says something about the query itself. */
function sqlProblem(cause: unknown): Problem | undefined {
  const { code, message, severity } = cause as { code?: string; message: string; severity?: string }
  if (severity === undefined) return undefined
  if (code === '25006') {
    return Problem.error(`the query tried to write, but pg.query runs read-only: ${message}`)
  }
  if (code === '42601' && message.includes('multiple commands')) {
    return Problem.error('pg.query runs one statement; the sql holds several')
  }
  if (code !== undefined && MISSING_OBJECT.has(code)) return Problem.fail(message)
  return undefined
}

interface Relation {
  readonly oid: number
  readonly schema: string
  readonly name: string
  readonly kind: string
}

const RELATION_KINDS: Readonly<Record<string, string>> = {
  r: 'table',
  p: 'partitioned table',
  v: 'view',
  m: 'materialized view',
  f: 'foreign table',
}

/**
 * A table-like relation by name. Names match as written, or else lower-cased,
 * as PostgreSQL folds an unquoted identifier.
 */
async function findRelation(
  session: Session,
  schema: string,
  name: string,
): Promise<Relation | undefined> {
  const { rows } = await session.query<{ oid: number; schema: string; name: string; kind: string }>(
    `SELECT c.oid, n.nspname AS schema, c.relname AS name, c.relkind AS kind
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname IN ($1::text, lower($1::text)) AND c.relname IN ($2::text, lower($2::text))
        AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
      ORDER BY n.nspname = $1::text DESC, c.relname = $2::text DESC
      LIMIT 1`,
    [schema, name],
  )
  const row = rows[0]
  return row && { ...row, kind: RELATION_KINDS[row.kind] ?? row.kind }
}

async function columnsOf(session: Session, oid: number): Promise<string[]> {
  const { rows } = await session.query<{ name: string }>(
    `SELECT attname AS name FROM pg_attribute
      WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped
      ORDER BY attnum`,
    [oid],
  )
  return rows.map((r) => r.name)
}

/** A detail line when the schema itself is missing. */
async function schemaHint(session: Session, schema: string): Promise<string[]> {
  const { rows } = await session.query(
    'SELECT 1 FROM pg_namespace WHERE nspname IN ($1::text, lower($1::text))',
    [schema],
  )
  return rows.length === 0 ? [`schema ${schema} does not exist`] : []
}

interface IndexRow {
  readonly schema: string
  readonly name: string
  readonly table_schema: string
  readonly table: string
  readonly definition: string
  readonly valid: boolean
}

async function indexByName(
  session: Session,
  schema: string,
  name: string,
  table: string | undefined,
): Promise<CheckOutcome> {
  const { rows } = await session.query<IndexRow>(
    `SELECT n.nspname AS schema, i.relname AS name, tn.nspname AS table_schema, t.relname AS table,
            pg_get_indexdef(i.oid) AS definition, x.indisvalid AS valid
       FROM pg_class i
       JOIN pg_namespace n ON n.oid = i.relnamespace
       JOIN pg_index x ON x.indexrelid = i.oid
       JOIN pg_class t ON t.oid = x.indrelid
       JOIN pg_namespace tn ON tn.oid = t.relnamespace
      WHERE n.nspname IN ($1::text, lower($1::text)) AND i.relname IN ($2::text, lower($2::text))
      ORDER BY n.nspname = $1::text DESC, i.relname = $2::text DESC
      LIMIT 1`,
    [schema, name],
  )
  const index = rows[0]
  if (!index) return fail(`index ${schema}.${name} does not exist`)
  const indexName = `${index.schema}.${index.name}`
  const tableName = `${index.table_schema}.${index.table}`
  const evidence = { index: indexName, table: tableName, definition: index.definition }
  if (table !== undefined && !hasName([index.table], table)) {
    return fail(`index ${indexName} is on ${tableName}, not ${schema}.${table}`, { evidence })
  }
  if (!index.valid) {
    return fail(`index ${indexName} is INVALID`, {
      details: ['a CREATE INDEX CONCURRENTLY failed part-way: drop the index and build it again'],
      evidence,
    })
  }
  return pass(`index ${indexName} on ${tableName} ${usingPart(index.definition)}`, { evidence })
}

async function anyIndexOn(session: Session, schema: string, table: string): Promise<CheckOutcome> {
  const relation = await findRelation(session, schema, table)
  if (!relation) {
    return fail(`table ${schema}.${table} does not exist`, {
      details: await schemaHint(session, schema),
    })
  }
  const tableName = `${relation.schema}.${relation.name}`
  const { rows } = await session.query<{ name: string; definition: string; valid: boolean }>(
    `SELECT i.relname AS name, pg_get_indexdef(i.oid) AS definition, x.indisvalid AS valid
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
      WHERE x.indrelid = $1
      ORDER BY i.relname`,
    [relation.oid],
  )
  const valid = rows.filter((r) => r.valid)
  const invalid = rows.filter((r) => !r.valid).map((r) => `${r.name} is INVALID`)
  const evidence = { table: tableName, indexes: rows.slice(0, 20).map((r) => r.definition) }
  if (valid.length === 0)
    return fail(`table ${tableName} has no index`, { details: invalid, evidence })
  const names = valid.map((r) => r.name)
  return pass(
    `${tableName} has ${plural(valid.length, 'index', 'indexes')}: ${clip(names.join(', '), 200)}`,
    { details: invalid, evidence },
  )
}

/** `USING btree (status)` from `CREATE INDEX … ON … USING btree (status)`. */
function usingPart(definition: string): string {
  const at = definition.indexOf(' USING ')
  return at === -1 ? '' : `(${definition.slice(at + 7)})`
}

/** True when `names` has `wanted` as written or lower-cased (an unquoted identifier). */
function hasName(names: readonly string[], wanted: string): boolean {
  return names.includes(wanted) || names.includes(wanted.toLowerCase())
}

function plural(n: number, word: string, words = `${word}s`): string {
  return `${n} ${n === 1 ? word : words}`
}

function show(value: string | null): string {
  return value === null ? 'NULL' : `'${clip(value, 100)}'`
}

function clip(value: string, max: number): string {
  return value.length > max ? `${value.slice(0, max - 1)}…` : value
}
