/**
 * PostgreSQL checks. Connection settings are shared by every `pg.*` kind: a URL,
 * an RDS-style JSON secret in Secrets Manager, or the libpq `PG*` variables and
 * `DATABASE_URL` when neither is given.
 */
import { z } from 'zod'
import { defineCheck } from './kind.ts'
import { awsTarget, integer, list, oneOf, text } from './params.ts'

export const SSL_MODES = ['disable', 'prefer', 'require', 'verify-full'] as const

const connection = {
  url: text().optional(),
  secret: text().optional(),
  database: text().optional(),
  ssl: oneOf(SSL_MODES).optional(),
  ...awsTarget,
}

export const pgConnect = defineCheck({
  kind: 'pg.connect',
  description: 'PostgreSQL accepts a connection (with TLS when ssl=require)',
  params: z.object(connection).strict(),
  example: 'check: pg.connect url=${env:DATABASE_URL} ssl=require',
})

export const pgTable = defineCheck({
  kind: 'pg.table',
  description: 'A table exists in a schema, with the named columns',
  params: z
    .object({
      ...connection,
      table: text(),
      schema: text().optional(),
      columns: list(text()).optional(),
    })
    .strict(),
  example: 'check: pg.table schema=alquimista_platform table=agents columns=id,name,status',
})

export const pgIndex = defineCheck({
  kind: 'pg.index',
  description: 'An index exists (by name, or any index on a table)',
  params: z
    .object({
      ...connection,
      index: text().optional(),
      table: text().optional(),
      schema: text().optional(),
    })
    .strict()
    .refine((p) => p.index !== undefined || p.table !== undefined, {
      message: "needs 'index' or 'table'",
    }),
  example: 'check: pg.index schema=alquimista_platform index=idx_agents_status',
})

export const pgQuery = defineCheck({
  kind: 'pg.query',
  description:
    'A read-only query returns at least N rows, or its first value equals an expected one',
  params: z
    .object({
      ...connection,
      sql: text(),
      rows: integer().optional(),
      equals: z.string().optional(),
    })
    .strict(),
  example: `check: pg.query sql="select count(*) from agents" equals=7`,
})
