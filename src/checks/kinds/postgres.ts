/**
 * The `pg.*` kinds: PostgreSQL accepts a connection, a table or index exists, a
 * read-only query returns what is expected. Every one shares the connection
 * parameters; the code that connects and asks is in ../postgres.ts.
 */
import type * as Zod from 'zod'
import { type CheckContext, defineCheck } from '../kind.ts'
import { awsTarget, integer, list, oneOf, text, z } from '../params.ts'
import type { ConnectionParams } from '../postgres/settings.ts'
import { SSL_MODES } from '../postgres/ssl-modes.ts'
import { ruleLibraries } from '../rules.ts'

const connection = () => ({
  url: text().optional(),
  secret: text().optional(),
  database: text().optional(),
  ssl: oneOf(SSL_MODES).optional(),
  ...awsTarget(),
})

const service = (params: ConnectionParams, context: Pick<CheckContext, 'env'>) =>
  ruleLibraries().postgresService(params, context.env)

/** With `secret=`, the secret's metadata and value are read to connect. */
const iam = (params: Readonly<Record<string, string>>) =>
  params.secret !== undefined ? ['secretsmanager:GetSecretValue'] : []

const connectSchema = () => z.object(connection()).strict()
const tableSchema = () =>
  z
    .object({
      ...connection(),
      table: text(),
      schema: text().optional(),
      columns: list(text()).optional(),
    })
    .strict()
const indexSchema = () =>
  z
    .object({
      ...connection(),
      index: text().optional(),
      table: text().optional(),
      schema: text().optional(),
    })
    .strict()
    .refine((p) => p.index !== undefined || p.table !== undefined, {
      message: "needs 'index' or 'table'",
    })
const querySchema = () =>
  z
    .object({
      ...connection(),
      sql: text(),
      rows: integer().optional(),
      equals: z.string().optional(),
    })
    .strict()

export type PgConnectParams = Zod.output<ReturnType<typeof connectSchema>>
export type PgTableParams = Zod.output<ReturnType<typeof tableSchema>>
export type PgIndexParams = Zod.output<ReturnType<typeof indexSchema>>
export type PgQueryParams = Zod.output<ReturnType<typeof querySchema>>

export const pgConnect = defineCheck({
  kind: 'pg.connect',
  description: 'PostgreSQL accepts a connection (with TLS when ssl=require)',
  params: connectSchema,
  example: 'check: pg.connect url=${env:DATABASE_URL} ssl=require',
  service,
  iam,
  load: () => import('../postgres.ts').then((m) => m.checkConnect),
})

export const pgTable = defineCheck({
  kind: 'pg.table',
  description: 'A table exists in a schema, with the named columns',
  params: tableSchema,
  example: 'check: pg.table schema=alquimista_platform table=agents columns=id,name,status',
  service,
  iam,
  load: () => import('../postgres.ts').then((m) => m.checkTable),
})

export const pgIndex = defineCheck({
  kind: 'pg.index',
  description: 'An index exists (by name, or any index on a table)',
  params: indexSchema,
  example: 'check: pg.index schema=alquimista_platform index=idx_agents_status',
  service,
  iam,
  load: () => import('../postgres.ts').then((m) => m.checkIndex),
})

export const pgQuery = defineCheck({
  kind: 'pg.query',
  description:
    'A read-only query returns at least N rows, or its first value equals an expected one',
  params: querySchema,
  example: `check: pg.query sql="select count(*) from agents" equals=7`,
  service,
  iam,
  sqlParams: ['sql'],
  templateProblems: ({ sql }) => {
    const refusal = sql && ruleLibraries().sqlTemplateRefusal(sql)
    return refusal ? [{ param: 'sql', ...refusal }] : []
  },
  load: () => import('../postgres.ts').then((m) => m.checkQuery),
})
