/**
 * The `pg.*` check kinds against a real PostgreSQL 15 (the throwaway cluster
 * test/run.ts starts, with TLS on), moto_server for an RDS-style secret, and
 * small TCP servers of our own: one that never answers, and one that plays a
 * PostgreSQL without TLS by answering "N" to the TLS request and relaying the
 * rest to the real server.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { chmod, mkdtemp, rm } from 'node:fs/promises'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { TLSSocket } from 'node:tls'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager'
import pg from 'pg'
import { parseChecklist } from '../../src/checklist/parse.ts'
import { pgConnect, pgIndex, pgQuery } from '../../src/checks/kinds/postgres.ts'
import { freePort } from '../backends/start.ts'
import { pointAwsAt } from '../helpers/aws-fault-server.ts'
import { selfSignedCertificate } from '../helpers/certificate.ts'
import { backend, checklistOf, runChecklist } from '../helpers/checks.ts'

pointAwsAt(backend('moto'))

const run = randomUUID().slice(0, 8)
const DB = `pgcheck_${run}`
const SERVER = new URL(backend('pg'))
const PORT = Number(SERVER.port)
const SUPERUSER_PASSWORD = decodeURIComponent(SERVER.password)
/** Distinctive, so finding one anywhere in the output cannot be a coincidence. */
const READER_PASSWORD = `reader-Pass-${run}-x7`
const WRONG_PASSWORD = `wrong-Pass-${run}-q3`
const SECRET_NAME = `dw/${run}/aurora`
const BROKEN_SECRET = `dw/${run}/not-json`
const BROKEN_SECRET_VALUE = `plain-Secret-${run}-z9`
const MYSQL_SECRET = `dw/${run}/mysql`

/** Only what the checks are given: none of the machine's PG* or DATABASE_URL. */
const BARE_ENV = { PATH: process.env.PATH, USER: 'nobody' }

function url(
  options: { user?: string; password?: string; database?: string; port?: number } = {},
): string {
  const user = encodeURIComponent(options.user ?? 'wizard')
  const password = encodeURIComponent(options.password ?? SUPERUSER_PASSWORD)
  return `postgres://${user}:${password}@127.0.0.1:${options.port ?? PORT}/${options.database ?? DB}`
}

/** One check, run through the real checklist path with a bare environment. */
async function check(directive: string, processEnv: Record<string, string | undefined> = {}) {
  const result = await runChecklist(checklistOf(directive), {
    processEnv: { ...BARE_ENV, ...processEnv },
  })
  return { ...result.result(), everything: result.everything }
}

/** One check run as it is, even where validation would have stopped the run first. */
async function unvalidated(directive: string) {
  const result = await runChecklist(checklistOf(directive), {
    processEnv: BARE_ENV,
    despiteErrors: true,
  })
  return result.result()
}

/** Where `sql=` is in the line `checklistOf` writes for `directive`: where a refusal is reported. */
function sqlPosition(directive: string): [number, number] {
  return [5, (checklistOf(directive).split('\n')[4]?.indexOf('sql=') ?? -1) + 1]
}

/** What validation says about a one-check checklist, with front matter `front` if given. */
function validationErrors(directive: string, front?: string) {
  const markdown = checklistOf(directive)
  const text = front ? `---\n${front}\n---\n${markdown}` : markdown
  return parseChecklist(text, { path: 'inline.md' }).problems.filter((p) => p.severity === 'error')
}

let admin: pg.Client
let certFile: string
const secrets = new SecretsManagerClient({})

before(async () => {
  const server = new pg.Client({ connectionString: backend('pg') })
  await server.connect()
  await server.query(`CREATE DATABASE ${DB}`)
  await server.query(`CREATE ROLE reader_${run} LOGIN PASSWORD '${READER_PASSWORD}'`)
  certFile = (await server.query<{ ssl_cert_file: string }>('SHOW ssl_cert_file')).rows[0]
    ?.ssl_cert_file as string
  await server.end()

  admin = new pg.Client({ connectionString: url() })
  await admin.connect()
  await admin.query(`
    CREATE SCHEMA platform;
    CREATE TABLE platform.agents (id serial PRIMARY KEY, name text NOT NULL, status text);
    CREATE INDEX idx_agents_status ON platform.agents (status);
    INSERT INTO platform.agents (name, status)
      SELECT 'agent-' || n, CASE WHEN n % 2 = 0 THEN 'active' ELSE 'idle' END
      FROM generate_series(1, 7) AS n;
    CREATE VIEW platform.active_agents AS SELECT id, name FROM platform.agents WHERE status = 'active';
    CREATE TABLE public.notes (body text);
  `)
  // A CONCURRENTLY build that fails (duplicate values) leaves its index behind, INVALID.
  await admin
    .query('CREATE UNIQUE INDEX CONCURRENTLY idx_agents_status_unique ON platform.agents (status)')
    .catch(() => {})

  await secrets.send(
    new CreateSecretCommand({
      Name: SECRET_NAME,
      SecretString: JSON.stringify({
        engine: 'postgres',
        host: '127.0.0.1',
        port: PORT,
        username: `reader_${run}`,
        password: READER_PASSWORD,
        dbname: DB,
      }),
    }),
  )
  await secrets.send(
    new CreateSecretCommand({ Name: BROKEN_SECRET, SecretString: BROKEN_SECRET_VALUE }),
  )
  await secrets.send(
    new CreateSecretCommand({
      Name: MYSQL_SECRET,
      SecretString: JSON.stringify({
        engine: 'mysql',
        host: '127.0.0.1',
        username: 'x',
        password: READER_PASSWORD,
      }),
    }),
  )
})

after(async () => {
  await admin.end()
  const server = new pg.Client({ connectionString: backend('pg') })
  await server.connect()
  await server.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`)
  await server.query(`DROP ROLE IF EXISTS reader_${run}`)
  await server.end()
  for (const name of [SECRET_NAME, BROKEN_SECRET, MYSQL_SECRET]) {
    await secrets.send(
      new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }),
    )
  }
  secrets.destroy()
})

describe('pg.connect', () => {
  it('connects with a url, over TLS when the server offers it (ssl=prefer by default)', async () => {
    const result = await check(`pg.connect url=${url()}`)
    assert.equal(result.status, 'pass', result.summary)
    assert.match(
      result.summary,
      new RegExp(
        `^connected to wizard@127\\.0\\.0\\.1:${PORT}/${DB} \\(PostgreSQL 15\\.\\d+, TLS\\)$`,
      ),
    )
    assert.match(String(result.evidence?.tls), /^TLSv1\.[23]$/)
    assert.equal(result.evidence?.database, DB)
    assert.equal(result.evidence?.settings, 'url')
  })

  it('connects without TLS when ssl=disable', async () => {
    const result = await check(`pg.connect url=${url()} ssl=disable`)
    assert.equal(result.status, 'pass', result.summary)
    assert.match(result.summary, /\(PostgreSQL 15\.\d+, no TLS\)$/)
    assert.equal(result.evidence?.tls, 'off')
  })

  it('passes ssl=require against a server with TLS', async () => {
    const result = await check(`pg.connect url=${url()} ssl=require`)
    assert.equal(result.status, 'pass', result.summary)
    assert.match(result.summary, /, TLS\)$/)
  })

  it('fails ssl=require against a server without TLS, and ssl=prefer falls back to plain', async () => {
    const plain = await startServerWithoutTls(PORT)
    try {
      const required = await check(`pg.connect url=${url({ port: plain.port })} ssl=require`)
      assert.equal(required.status, 'fail')
      assert.equal(
        required.summary,
        `127.0.0.1:${plain.port}: server does not accept TLS connections (ssl=require)`,
      )
      const preferred = await check(`pg.connect url=${url({ port: plain.port })} ssl=prefer`)
      assert.equal(preferred.status, 'pass', preferred.summary)
      assert.match(preferred.summary, /, no TLS\)$/)
    } finally {
      await plain.close()
    }
  })

  it('fails ssl=verify-full on a certificate it cannot trust, passes with PGSSLROOTCERT', async () => {
    const untrusted = await check(`pg.connect url=${url()} ssl=verify-full`)
    assert.equal(untrusted.status, 'fail')
    assert.match(untrusted.summary, /^127\.0\.0\.1:\d+: TLS certificate not accepted \(self-signed/)
    assert.match(untrusted.details?.join('\n') ?? '', /PGSSLROOTCERT/)

    const trusted = await check(`pg.connect url=${url()} ssl=verify-full`, {
      PGSSLROOTCERT: certFile,
    })
    assert.equal(trusted.status, 'pass', trusted.summary)
    assert.match(trusted.summary, /, TLS\)$/)
  })

  it("honours the URL's sslmode, which ssl= overrides", async () => {
    const fromUrl = await check(`pg.connect url=${url()}?sslmode=disable`)
    assert.equal(fromUrl.status, 'pass', fromUrl.summary)
    assert.match(fromUrl.summary, /, no TLS\)$/)
    const overridden = await check(`pg.connect url=${url()}?sslmode=disable ssl=require`)
    assert.match(overridden.summary, /, TLS\)$/)
    const unknown = await check(`pg.connect url=${url()}?sslmode=sometimes`)
    assert.equal(unknown.status, 'error')
    assert.equal(
      unknown.summary,
      "sslmode 'sometimes' is not one of disable, allow, prefer, require, verify-full",
    )
  })

  it('takes the libpq PG* variables when no url or secret is given', async () => {
    const result = await check('pg.connect', {
      PGHOST: '127.0.0.1',
      PGPORT: String(PORT),
      PGUSER: `reader_${run}`,
      PGPASSWORD: READER_PASSWORD,
      PGDATABASE: DB,
      PGSSLMODE: 'disable',
    })
    assert.equal(result.status, 'pass', result.summary)
    assert.match(
      result.summary,
      new RegExp(`^connected to reader_${run}@127\\.0\\.0\\.1:${PORT}/${DB} .*no TLS\\)$`),
    )
    assert.equal(result.evidence?.settings, 'PG* variables')
    assert.ok(!result.everything.includes(READER_PASSWORD))
  })

  it('takes DATABASE_URL before the PG* variables; database= overrides the database', async () => {
    const result = await check('pg.connect database=postgres', {
      DATABASE_URL: url(),
      PGHOST: '192.0.2.1',
      PGUSER: 'someone-else',
    })
    assert.equal(result.status, 'pass', result.summary)
    assert.match(
      result.summary,
      new RegExp(`^connected to wizard@127\\.0\\.0\\.1:${PORT}/postgres `),
    )
    assert.equal(result.evidence?.settings, 'DATABASE_URL')
  })

  it('errors on a closed port: connection refused', async () => {
    const port = await freePort()
    const result = await check(`pg.connect url=${url({ port })}`)
    assert.equal(result.status, 'error')
    assert.equal(result.summary, `cannot connect to 127.0.0.1:${port}: connection refused`)
  })

  it('times out naming the server that never answers, and leaves no connection open', {
    timeout: 15_000,
  }, async () => {
    const silent = await startSilentServer()
    try {
      const result = await check(`pg.connect url=${url({ port: silent.port })}; timeout: 1s`)
      assert.equal(result.status, 'error')
      assert.equal(
        result.summary,
        `no answer from 127.0.0.1:${silent.port} within 1s: a firewall or VPN dropping the packets, or the server stuck?`,
      )
      assert.equal(silent.accepted.length, 1)
      // The check's socket is destroyed: the server sees every connection close.
      await Promise.all(silent.accepted.map((socket) => closed(socket)))
    } finally {
      await silent.close()
    }
  })

  it('errors on a wrong password without showing the wrong or the right one', async () => {
    const both = await runChecklist(
      checklistOf(
        `pg.connect url=${url({ user: `reader_${run}`, password: WRONG_PASSWORD })}`,
        `pg.connect url=${url({ user: `reader_${run}`, password: READER_PASSWORD })}`,
      ),
      { processEnv: BARE_ENV },
    )
    const wrong = both.result('check-1')
    assert.equal(wrong.status, 'error')
    assert.equal(wrong.summary, `password authentication failed for user reader_${run}`)
    assert.equal(both.result('check-2').status, 'pass')
    assert.ok(!both.everything.includes(WRONG_PASSWORD), 'the wrong password leaked')
    assert.ok(!both.everything.includes(READER_PASSWORD), 'the right password leaked')
  })

  it('fails when the database does not exist', async () => {
    const result = await check(`pg.connect url=${url({ database: 'no_such_db' })}`)
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, `database no_such_db does not exist on 127.0.0.1:${PORT}`)
  })

  it('errors on a url that is not a postgres:// URL, without repeating it', async () => {
    const result = await check(`pg.connect url=http://wizard:${WRONG_PASSWORD}@127.0.0.1/x`)
    assert.equal(result.status, 'error')
    assert.equal(result.summary, 'url is not a postgres:// URL (it starts with http://)')
    assert.ok(!result.everything.includes(WRONG_PASSWORD))
  })

  it('names its service by address, or by secret without reading it', () => {
    const env = {}
    const byUrl = pgConnect.params.parse({ url: 'postgres://a:b@db.internal:6543/app' })
    assert.equal(pgConnect.service?.(byUrl, { env }), 'pg:db.internal:6543')
    const bySecret = pgConnect.params.parse({ secret: 'prod/aurora' })
    assert.equal(pgConnect.service?.(bySecret, { env }), 'pg:secret:prod/aurora')
    const byEnv = pgConnect.params.parse({})
    assert.equal(
      pgConnect.service?.(byEnv, { env: { PGHOST: 'db', PGPORT: '6000' } }),
      'pg:db:6000',
    )
    assert.equal(pgConnect.service?.(byEnv, { env: {} }), 'pg:localhost:5432')
  })
})

describe('pg connection from an RDS-style secret', () => {
  it('reads host, port, username, password and dbname from the secret', async () => {
    const result = await check(
      `pg.table secret=${SECRET_NAME} schema=platform table=agents columns=id,name`,
    )
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(result.summary, 'platform.agents exists with columns id, name')
    assert.ok(!result.everything.includes(READER_PASSWORD), 'the secret password leaked')
  })

  it('errors when the secret does not exist', async () => {
    const result = await check(`pg.connect secret=dw/${run}/missing`)
    assert.equal(result.status, 'error')
    assert.equal(result.summary, `secret dw/${run}/missing not found`)
  })

  it('errors on a secret that is not RDS-style JSON, without quoting it', async () => {
    const result = await check(`pg.connect secret=${BROKEN_SECRET}`)
    assert.equal(result.status, 'error')
    assert.equal(result.summary, `secret ${BROKEN_SECRET} is not JSON`)
    assert.ok(!result.everything.includes(BROKEN_SECRET_VALUE), 'the secret value leaked')
  })

  it('errors on a secret for another engine', async () => {
    const result = await check(`pg.connect secret=${MYSQL_SECRET}`)
    assert.equal(result.status, 'error')
    assert.equal(result.summary, `secret ${MYSQL_SECRET} is for engine mysql, not PostgreSQL`)
    assert.ok(!result.everything.includes(READER_PASSWORD))
  })

  it('errors when both url and secret are given', async () => {
    const result = await check(`pg.connect url=${url()} secret=${SECRET_NAME}`)
    assert.equal(result.status, 'error')
    assert.equal(result.summary, 'give url or secret, not both')
  })
})

describe('pg.table', () => {
  it('passes when the table has every named column', async () => {
    const result = await check(
      `pg.table url=${url()} schema=platform table=agents columns=id,name,status`,
    )
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(result.summary, 'platform.agents exists with columns id, name, status')
    assert.deepEqual(result.evidence?.columns, ['id', 'name', 'status'])
  })

  it('looks in public by default, and counts the columns when none are named', async () => {
    const result = await check(`pg.table url=${url()} table=notes`)
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(result.summary, 'public.notes exists, 1 column')
  })

  it('says when the relation is a view', async () => {
    const result = await check(`pg.table url=${url()} schema=platform table=active_agents`)
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(result.summary, 'platform.active_agents (view) exists, 2 columns')
  })

  it('fails when the table does not exist', async () => {
    const result = await check(`pg.table url=${url()} schema=platform table=tasks`)
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, 'table platform.tasks does not exist')
    assert.deepEqual(result.details ?? [], [])
  })

  it('fails, naming the schema, when the schema does not exist', async () => {
    const result = await check(`pg.table url=${url()} schema=billing table=invoices`)
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, 'table billing.invoices does not exist')
    assert.deepEqual(result.details, ['schema billing does not exist'])
  })

  it('fails naming the missing columns', async () => {
    const two = await check(
      `pg.table url=${url()} schema=platform table=agents columns=id,owner,colour`,
    )
    assert.equal(two.status, 'fail')
    assert.equal(two.summary, 'table platform.agents has no columns owner, colour')
    assert.deepEqual(two.details, ['its columns: id, name, status'])
    const one = await check(`pg.table url=${url()} schema=platform table=agents columns=owner`)
    assert.equal(one.summary, 'table platform.agents has no column owner')
  })
})

describe('pg.index', () => {
  it('passes for an index found by name', async () => {
    const result = await check(`pg.index url=${url()} schema=platform index=idx_agents_status`)
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(
      result.summary,
      'index platform.idx_agents_status on platform.agents (btree (status))',
    )
  })

  it('fails when the named index does not exist', async () => {
    const result = await check(`pg.index url=${url()} schema=platform index=idx_agents_name`)
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, 'index platform.idx_agents_name does not exist')
  })

  it('fails when the named index is on another table than the one given', async () => {
    const result = await check(
      `pg.index url=${url()} schema=platform index=idx_agents_status table=tasks`,
    )
    assert.equal(result.status, 'fail')
    assert.equal(
      result.summary,
      'index platform.idx_agents_status is on platform.agents, not platform.tasks',
    )
  })

  it('fails for an index left INVALID by a failed concurrent build', async () => {
    const result = await check(
      `pg.index url=${url()} schema=platform index=idx_agents_status_unique`,
    )
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, 'index platform.idx_agents_status_unique is INVALID')
  })

  it('with table= only, passes when the table has any valid index', async () => {
    const result = await check(`pg.index url=${url()} schema=platform table=agents`)
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(result.summary, 'platform.agents has 2 indexes: agents_pkey, idx_agents_status')
    assert.deepEqual(result.details, ['idx_agents_status_unique is INVALID'])
  })

  it('with table= only, fails when the table has no index, or does not exist', async () => {
    const none = await check(`pg.index url=${url()} table=notes`)
    assert.equal(none.status, 'fail')
    assert.equal(none.summary, 'table public.notes has no index')
    const missing = await check(`pg.index url=${url()} table=tasks`)
    assert.equal(missing.status, 'fail')
    assert.equal(missing.summary, 'table public.tasks does not exist')
  })

  it('needs index or table', () => {
    const parsed = pgIndex.params.safeParse({ url: url() })
    assert.equal(parsed.success, false)
    assert.equal(parsed.error?.issues[0]?.message, "needs 'index' or 'table'")
  })
})

describe('pg.query', () => {
  const count = 'sql="select count(*) from platform.agents"'

  it('passes when the first value equals the expected text', async () => {
    const result = await check(`pg.query url=${url()} ${count} equals=7`)
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(result.summary, "first value is '7' (1 row)")
    assert.deepEqual(result.evidence, { rows: 1, columns: ['count'], firstRows: [['7']] })
  })

  it('fails when the first value differs, or there is no row', async () => {
    const differs = await check(`pg.query url=${url()} ${count} equals=8`)
    assert.equal(differs.status, 'fail')
    assert.equal(differs.summary, "first value is '7', expected '8'")
    const none = await check(
      `pg.query url=${url()} sql="select name from platform.agents where false" equals=x`,
    )
    assert.equal(none.status, 'fail')
    assert.equal(none.summary, "no rows, expected a first value of 'x'")
  })

  it('passes with at least rows= rows, fails with fewer', async () => {
    const sql = 'sql="select id, name from platform.agents order by id"'
    const enough = await check(`pg.query url=${url()} ${sql} rows=5`)
    assert.equal(enough.status, 'pass', enough.summary)
    assert.equal(enough.summary, '7 rows (at least 5 expected)')
    assert.deepEqual(enough.evidence?.firstRows, [
      ['1', 'agent-1'],
      ['2', 'agent-2'],
      ['3', 'agent-3'],
    ])
    const short = await check(`pg.query url=${url()} ${sql} rows=100`)
    assert.equal(short.status, 'fail')
    assert.equal(short.summary, '7 rows, expected at least 100')
  })

  it('with neither rows= nor equals=, wants at least one row', async () => {
    const some = await check(`pg.query url=${url()} sql="select 1"`)
    assert.equal(some.status, 'pass', some.summary)
    assert.equal(some.summary, '1 row')
    const none = await check(`pg.query url=${url()} sql="select 1 where false"`)
    assert.equal(none.status, 'fail')
    assert.equal(none.summary, 'no rows, expected at least 1')
  })

  it('fails when the query names a table that does not exist', async () => {
    const result = await check(`pg.query url=${url()} sql="select * from platform.tasks"`)
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, 'relation "platform.tasks" does not exist')
  })

  it('refuses an INSERT and a CREATE TABLE before sending them, also behind a COMMIT', async () => {
    const silent = await startSilentServer()
    try {
      const at = url({ port: silent.port })
      const insert = await unvalidated(
        `pg.query url=${at} sql="insert into platform.agents (name) values ('intruder') returning id"; timeout: 2s`,
      )
      assert.equal(insert.status, 'error')
      assert.equal(
        insert.summary,
        'pg.query runs one read statement (SELECT, WITH … SELECT, VALUES, TABLE, SHOW or EXPLAIN); this one starts with INSERT',
      )
      const create = await unvalidated(
        `pg.query url=${at} sql="create table public.intruder (x int)"; timeout: 2s`,
      )
      assert.match(create.summary, /this one starts with CREATE$/)
      const escaping = await unvalidated(
        `pg.query url=${at} sql="commit; create table public.escaped (x int)"; timeout: 2s`,
      )
      assert.equal(escaping.summary, 'pg.query runs one statement; the sql holds several')
      assert.equal(silent.accepted.length, 0, 'a refused statement reached the server')
    } finally {
      await silent.close()
    }
  })

  it('still runs read-only: a function of the database that writes errors and changes nothing', async () => {
    await admin.query(`CREATE FUNCTION platform.sneaky() RETURNS int LANGUAGE sql
      AS $$ INSERT INTO platform.agents (name) VALUES ('intruder') RETURNING 1 $$`)
    try {
      const result = await check(`pg.query url=${url()} sql="select platform.sneaky()"`)
      assert.equal(result.status, 'error')
      assert.equal(
        result.summary,
        'the query tried to write, but pg.query runs read-only: cannot execute INSERT in a read-only transaction',
      )
      const { rows } = await admin.query('SELECT count(*)::int AS n FROM platform.agents')
      assert.equal(rows[0].n, 7)
    } finally {
      await admin.query('DROP FUNCTION platform.sneaky()')
    }
  })

  it('stops a slow query when the time is up, leaving nothing running', {
    timeout: 20_000,
  }, async () => {
    const result = await check(`pg.query url=${url()} sql="select pg_sleep(30)"; timeout: 1s`)
    assert.equal(result.status, 'error')
    assert.match(
      result.summary,
      /did not finish in the time the check has left|no answer from 127\.0\.0\.1:\d+ to the query within 1s/,
    )
    // Wait for the server to show no such query still running (it would run 30 s if left).
    for (;;) {
      const { rows } = await admin.query(
        "SELECT 1 FROM pg_stat_activity WHERE query LIKE 'select pg_sleep(30)%' AND state = 'active'",
      )
      if (rows.length === 0) break
      await sleep(50)
    }
  })

  it('says the server closed the connection during the query when it is stopped mid-query', {
    timeout: 20_000,
  }, async () => {
    // What a server shutting down does to its sessions: each try's query is cut off.
    const pending = check(`pg.query url=${url()} sql="select 1 from pg_sleep(20)"`)
    let settled = false
    void pending.finally(() => {
      settled = true
    })
    while (!settled) {
      await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'select 1 from pg_sleep(20)%' AND state = 'active'",
      )
      await sleep(20)
    }
    const result = await pending
    assert.equal(result.status, 'error')
    assert.match(
      result.summary,
      new RegExp(
        `^127\\.0\\.0\\.1:${PORT} closed the connection during the query: the server was shut down \\(`,
      ),
    )
    assert.doesNotMatch(result.summary, /cannot connect/)
  })

  it('shows values as PostgreSQL prints them, NULL as NULL', async () => {
    const result = await check(`pg.query url=${url()} sql="select null::text, true" equals=x`)
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, "first value is NULL, expected 'x'")
    assert.deepEqual(result.evidence?.firstRows, [[null, 't']])
  })

  it('has the statement in its example', () => {
    assert.match(pgQuery.example, /pg\.query sql=/)
  })
})

describe('pg.query only reads, even as a superuser', () => {
  /** Statements a READ ONLY transaction lets through, each leaving a trace on the server's disk. */
  const effects = (file: string) => [
    `copy (select 1) to program 'touch ${file}'`,
    `copy (select 'x') to '${file}'`,
    `select lo_export(lo_from_bytea(0, 'x'), '${file}')`,
    `select 1; copy (select 1) to program 'touch ${file}'`,
    `select 1 /* a comment; */ ; copy (select 1) to program 'touch ${file}'`,
    `select $$;$$ ; copy (select 1) to program 'touch ${file}'`,
    `select E'\\\\'' ; copy (select 1) to program 'touch ${file}'`,
    `select 1 /* /* nested */ */ ; copy (select 1) to program 'touch ${file}'`,
    `select 1 as \\"a;\\" ; copy (select 1) to program 'touch ${file}'`,
    `select pg_catalog.\\"lo_export\\" /* */ (lo_from_bytea(0, 'x'), '${file}')`,
  ]

  it('refuses, at validate, what would write files or run programs on the server', () => {
    for (const sql of effects('/tmp/dw-never')) {
      const directive = `pg.query url=${url()} sql="${sql}"`
      const errors = validationErrors(directive)
      assert.equal(errors.length, 1, `not refused: ${sql}`)
      const [error] = errors
      assert.match(
        error?.message ?? '',
        /^pg\.query sql: (COPY is refused|pg\.query runs one statement|lo_export\(\) is refused|pg_catalog\.lo_export\(\) is refused)/,
      )
      assert.ok(error?.hint, `no hint for: ${sql}`)
      assert.deepEqual([error?.line, error?.column], sqlPosition(directive), sql)
    }
  })

  it('refuses them when it runs, unvalidated, before the server sees them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dw-pg-'))
    await chmod(dir, 0o777) // the server, another user, could write here if it ran the statement
    const file = join(dir, 'written')
    try {
      for (const sql of effects(file)) {
        const result = await unvalidated(`pg.query url=${url()} sql="${sql}"; timeout: 5s`)
        assert.equal(result.status, 'error', sql)
        assert.match(
          result.summary,
          /^(COPY is refused|pg\.query runs one statement|(pg_catalog\.)?lo_export\(\) is refused)/,
        )
        assert.ok(!existsSync(file), `the server ran: ${sql}`)
      }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('refuses dblink_exec, which would write through a connection of its own', async (t) => {
    const { rows } = await admin.query(
      "SELECT 1 FROM pg_available_extensions WHERE name = 'dblink'",
    )
    if (rows.length === 0)
      return t.skip('dblink is not installed (validate refuses it all the same)')
    await admin.query('CREATE EXTENSION IF NOT EXISTS dblink')
    try {
      const other = `host=127.0.0.1 port=${PORT} dbname=${DB} user=wizard password=${SUPERUSER_PASSWORD}`
      const result = await unvalidated(
        `pg.query url=${url()} sql="select dblink_exec('${other}', 'create table public.via_dblink (x int)')"; timeout: 5s`,
      )
      assert.equal(result.status, 'error')
      assert.match(result.summary, /^dblink_exec\(\) is refused: it connects to other servers/)
      const { rows: tables } = await admin.query(
        "SELECT 1 FROM pg_class WHERE relname = 'via_dblink'",
      )
      assert.deepEqual(tables, [])
    } finally {
      await admin.query('DROP EXTENSION IF EXISTS dblink')
    }
  })

  it('refuses functions that act outside the transaction, and data-modifying statements', () => {
    const refused: Record<string, RegExp> = {
      'select pg_terminate_backend(1)':
        /^pg_terminate_backend\(\) is refused: it signals or stops server processes$/,
      'select pg_reload_conf()': /^pg_reload_conf\(\) is refused/,
      "select set_config('statement_timeout', '0', false)":
        /^set_config\(\) is refused: it changes settings/,
      "select pg_notify('deploys', 'x')": /^pg_notify\(\) is refused/,
      'select pg_advisory_lock(42)': /^pg_advisory_lock\(\) is refused: it takes advisory locks/,
      "select lo_import('/etc/passwd')": /^lo_import\(\) is refused/,
      "select pg_read_file('PG_VERSION')": /^pg_read_file\(\) is refused: it reads or writes files/,
      "select dblink_exec('host=elsewhere', 'drop table x')":
        /^dblink_exec\(\) is refused: it connects to other servers/,
      "select * from dblink('host=elsewhere', 'select 1') as t(x int)": /^dblink\(\) is refused/,
      "select query_to_xml('select 1', true, false, '')":
        /^query_to_xml\(\) is refused: it runs SQL given to it as text/,
      "select nextval('some_seq')": /^nextval\(\) is refused/,
      'with gone as (delete from platform.agents returning *) select count(*) from gone':
        /^DELETE is refused: pg\.query only reads \(a data-modifying WITH too\)$/,
      "with x as (insert into public.notes values ('x') returning 1) select * from x":
        /^INSERT is refused/,
      'select * into public.copied from platform.agents':
        /^SELECT … INTO is refused: it creates a table$/,
      'select * from platform.agents for update':
        /^SELECT … FOR UPDATE or FOR SHARE is refused: it locks rows$/,
      'explain analyze select 1': /^EXPLAIN ANALYZE is refused: it runs the statement it explains$/,
      'set statement_timeout = 0': /this one starts with SET$/,
      "do 'begin null; end'": /this one starts with DO$/,
      'select 1; select 2': /^pg\.query runs one statement; the sql holds several$/,
      "select 'unclosed": /^the sql has an unterminated '…' string$/,
    }
    for (const [sql, expected] of Object.entries(refused)) {
      const errors = validationErrors(`pg.query url=${url()} sql="${sql}"`)
      assert.equal(errors.length, 1, `not refused: ${sql}`)
      assert.match(errors[0]?.message.replace(/^pg\.query sql: /, '') ?? '', expected, sql)
    }
  })

  it('runs ordinary reads: joins, CTEs, casts, functions, and words like COPY inside strings', async () => {
    const reads: [string, string][] = [
      [
        'select count(*) from platform.agents a join platform.active_agents v on v.id = a.id',
        'equals=3',
      ],
      [
        "with active as (select * from platform.agents where status = 'active') select count(*) from active",
        'equals=3',
      ],
      [
        "select 'copy (select 1) to program ''x''; delete from t'",
        `equals="copy (select 1) to program 'x'; delete from t"`,
      ],
      ["select E'it\\\\'s' || $$; copy$$ /* ; copy */", `equals="it's; copy"`],
      ["select now() <= now()::timestamptz + interval '1 day'", 'equals=t'],
      ["select cast('7' as int) + '1'::int", 'equals=8'],
      [
        "select count(*) from platform.agents where name like 'agent-%' and id in (select id from platform.agents)",
        'equals=7',
      ],
      ['values (1), (2)', 'rows=2'],
      ['table platform.active_agents', 'rows=3'],
      ['show standard_conforming_strings', 'equals=on'],
      ['explain select * from platform.agents', 'rows=1'],
      ['(select 1) union all (select 2);', 'rows=2'],
      ['select \\"Copy\\".x from (select 1 as x) \\"Copy\\"', 'equals=1'],
    ]
    for (const [sql, expected] of reads) {
      const result = await check(`pg.query url=${url()} sql="${sql}" ${expected}`)
      assert.equal(result.status, 'pass', `${sql}: ${result.summary}`)
    }
  })
})

describe('pg.query binds ${…} values as parameters', () => {
  const agents = "select count(*) from platform.agents where name = '${env:NAME}'"

  it('a value cannot end its string: quotes in it are part of the value', async () => {
    const injected = await check(`pg.query url=${url()} sql="${agents}" equals=0`, {
      NAME: "x' or '1'='1",
    })
    assert.equal(injected.status, 'pass', injected.summary)
    const plain = await check(`pg.query url=${url()} sql="${agents}" equals=1`, { NAME: 'agent-3' })
    assert.equal(plain.status, 'pass', plain.summary)
  })

  it('a value cannot add a union that reads a server file', async () => {
    const result = await check(
      `pg.query url=${url()} sql="select name from platform.agents where name = '\${env:NAME}'"`,
      { NAME: "x' union select pg_read_file('PG_VERSION') --" },
    )
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, 'no rows, expected at least 1')
    assert.doesNotMatch(result.everything, /"15\\n/)
  })

  it('binds a string built from text and values, a dollar-quoted one, and a bare value', async () => {
    const cases: [string, Record<string, string>, string][] = [
      ["select count(*) from platform.agents where name = 'agent-${env:N}'", { N: '4' }, '1'],
      ['select count(*) from platform.agents where name = $$agent-${env:N}$$', { N: '4' }, '1'],
      ['select count(*) from platform.agents where id <= ${env:N}', { N: '3' }, '3'],
      ["select '${env:A}' || ':' || '${env:B}'", { A: "it's", B: '$1' }, "it's:$1"],
      ["select format('%s!', '${env:A}')", { A: 'typed as text' }, 'typed as text!'],
      ["select '${env:D} days'::interval", { D: '2' }, '2 days'],
      ['select 1 -- ${env:A}', { A: 'ignored' }, '1'],
    ]
    for (const [sql, env, first] of cases) {
      const result = await check(`pg.query url=${url()} sql="${sql}" equals="${first}"`, env)
      assert.equal(result.status, 'pass', `${sql}: ${result.summary}`)
    }
  })

  it('a bare value is one value: "3 or true" is not a number', async () => {
    const result = await check(
      `pg.query url=${url()} sql="select count(*) from platform.agents where id <= \${env:N}" equals=7`,
      { N: '3 or true' },
    )
    assert.equal(result.status, 'error')
    assert.match(result.summary, /^invalid input syntax for type integer: "3 or true"/)
  })

  it('a value in a quoted name is that name, its quotes doubled', async () => {
    const sql = 'sql="select count(*) from \\"${env:SCHEMA}\\".agents"'
    const named = await check(`pg.query url=${url()} ${sql} equals=7`, { SCHEMA: 'platform' })
    assert.equal(named.status, 'pass', named.summary)
    const breaking = await check(`pg.query url=${url()} ${sql} equals=7`, {
      SCHEMA: 'platform".agents; --',
    })
    assert.equal(breaking.status, 'fail')
    assert.equal(breaking.summary, 'relation "platform".agents; --.agents" does not exist')
  })

  it('validate refuses a reference where no value can be bound, with what to write instead', () => {
    const refused: Record<string, [RegExp, RegExp]> = {
      'select count(*) from ${schema}.agents': [
        /^\${schema} stands where a name goes/,
        /"\${schema}"/,
      ],
      "select now() - interval '${env:D} days'": [
        /^\${env:D} is in a typed literal \(interval '…'\), which takes no bound value$/,
        /^write it as a cast instead: '…'::interval$/,
      ],
      "select E'${env:A}'": [/^\${env:A} is inside an E'…' string/, /plain '…' string/],
      "select 'a'${env:A}'b'": [/^\${env:A} is joined to a string/, /inside '…'/],
      'select id${env:A} from platform.agents': [
        /^\${env:A} is joined to the SQL word id\${…}/,
        /stand it alone/,
      ],
      'select \\"${env:A}\\"(1)': [
        /^a function's name cannot come from \${env:A}$/,
        /in the sql itself/,
      ],
      'show ${env:A}': [/^SHOW takes no \${…} values$/, /current_setting/],
      'select $1': [
        /^\$1 has no value: pg\.query has no parameters of its own$/,
        /\${…} reference/,
      ],
    }
    for (const [sql, [message, hint]] of Object.entries(refused)) {
      const errors = validationErrors(
        `pg.query url=${url()} sql="${sql}"`,
        'vars:\n  schema: platform',
      )
      assert.equal(errors.length, 1, `not refused: ${sql}`)
      assert.match(errors[0]?.message.replace(/^pg\.query sql: /, '') ?? '', message, sql)
      assert.match(errors[0]?.hint ?? '', hint, sql)
    }
  })

  it('refuses such a reference when it runs, unvalidated, before connecting', async () => {
    const silent = await startSilentServer()
    try {
      const at = url({ port: silent.port })
      const call = await unvalidated(
        `pg.query url=${at} sql="select \\"\${env:USER}\\"(pg_backend_pid())"; timeout: 2s`,
      )
      assert.equal(call.status, 'error')
      assert.equal(call.summary, "a function's name cannot come from ${env:USER}")
      assert.deepEqual(call.details, ['write the function name in the sql itself'])
      const joined = await unvalidated(`pg.query url=${at} sql="select 1\${env:USER}"; timeout: 2s`)
      assert.equal(joined.summary, "${env:USER} is joined to '1', where no value can be bound")
      assert.equal(silent.accepted.length, 0)
    } finally {
      await silent.close()
    }
  })

  it("the bundled checklists' queries are accepted", () => {
    const sql =
      "select coalesce('missing: ' || string_agg(t.name, ', '), 'ok') from unnest(array['a','b']) as t(name) where to_regclass('${schema}.' || t.name) is null"
    assert.deepEqual(
      validationErrors(`pg.query url=${url()} sql="${sql}"`, 'vars:\n  schema: platform'),
      [],
    )
  })
})

describe('pg checks read a bounded amount from the server', () => {
  it('ends a check whose server announces a 2 GB message at once, with and without TLS, its memory bounded', {
    timeout: 120_000,
  }, async () => {
    const certificate = await selfSignedCertificate()
    for (const tls of [undefined, certificate]) {
      const server = await startFloodingServer(announceHugeMessage, tls)
      try {
        const ssl = tls ? 'require' : 'disable'
        const outcome = await checkInChild(
          `pg.connect url=${url({ port: server.port })} ssl=${ssl}; timeout: 10s`,
        )
        assert.equal(outcome.status, 'error', outcome.summary)
        assert.equal(
          outcome.summary,
          `127.0.0.1:${server.port}: the server sent a 2.0 GB message: not a PostgreSQL server, or a hostile one`,
        )
        assert.ok(outcome.elapsedMs < 10_000, `took ${outcome.elapsedMs} ms`)
        // The server sends up to 512 MB; a check that kept it would be past this.
        assert.ok(
          outcome.peakRssBytes < 300 * 2 ** 20,
          `peak memory ${Math.round(outcome.peakRssBytes / 2 ** 20)} MB`,
        )
        assert.ok(server.accepted.length >= 1)
      } finally {
        await server.close()
      }
    }
  })

  it('refuses a value larger than a check takes, and an answer larger in all; the next check runs', async () => {
    const run = await runChecklist(
      checklistOf(
        `pg.query url=${url()} sql="select repeat('x', 20000000)"`,
        `pg.query url=${url()} sql="select repeat('x', 1000000) from generate_series(1, 40)"`,
        `pg.query url=${url()} sql="select count(*) from platform.agents" equals=7`,
      ),
      { processEnv: BARE_ENV },
    )
    const large = run.result('check-1')
    assert.equal(large.status, 'error')
    assert.equal(
      large.summary,
      `127.0.0.1:${PORT}: the server sent a 19 MB message, more than the 16 MB a check takes`,
    )
    assert.deepEqual(large.details, [
      'ask for less: a part of a large value (left(body, 1000)), not all of it',
    ])
    const many = run.result('check-2')
    assert.equal(many.status, 'error')
    assert.equal(many.summary, `127.0.0.1:${PORT}: the server sent more than 32 MB for one check`)
    assert.match(many.details?.[0] ?? '', /select count\(\*\)/)
    assert.equal(run.result('check-3').status, 'pass')
  })
})

interface TestServer {
  readonly port: number
  readonly accepted: Socket[]
  close(): Promise<void>
}

async function listen(server: Server, accepted: Socket[]): Promise<TestServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return {
    port: address.port,
    accepted,
    close: () =>
      new Promise((resolve) => {
        for (const socket of accepted) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

/** Accepts connections and never says a word (it reads, so it notices when one closes). */
async function startSilentServer(): Promise<TestServer> {
  const accepted: Socket[] = []
  const server = createServer((socket) => {
    accepted.push(socket)
    socket.on('error', () => {})
    socket.resume()
  })
  return listen(server, accepted)
}

const SSL_REQUEST_CODE = 80877103

/**
 * A PostgreSQL without TLS: answers "N" to the client's TLS request, then
 * relays everything else to the real server at `upstreamPort`.
 */
async function startServerWithoutTls(upstreamPort: number): Promise<TestServer> {
  const accepted: Socket[] = []
  const server = createServer((client) => {
    accepted.push(client)
    client.once('data', (first: Buffer) => {
      const upstream = connect(upstreamPort, '127.0.0.1')
      accepted.push(upstream)
      const asksForTls = first.length >= 8 && first.readInt32BE(4) === SSL_REQUEST_CODE
      if (asksForTls) client.write('N')
      const rest = asksForTls ? first.subarray(8) : first
      if (rest.length > 0) upstream.write(rest)
      client.pipe(upstream)
      upstream.pipe(client)
      upstream.on('error', () => client.destroy())
      client.on('error', () => upstream.destroy())
      upstream.on('close', () => client.destroy())
      client.on('close', () => upstream.destroy())
    })
  })
  return listen(server, accepted)
}

function closed(socket: Socket): Promise<void> {
  return socket.closed
    ? Promise.resolve()
    : new Promise((resolve) => socket.once('close', () => resolve()))
}

/** How a check ran in a process of its own (test/helpers/child-check.ts). */
interface ChildOutcome {
  readonly status: string
  readonly summary: string
  readonly elapsedMs: number
  readonly peakRssBytes: number
}

async function checkInChild(directive: string): Promise<ChildOutcome> {
  const helper = fileURLToPath(new URL('../helpers/child-check.ts', import.meta.url))
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', helper, directive],
    { env: { PATH: process.env.PATH }, maxBuffer: 2 ** 20 },
  )
  return JSON.parse(stdout) as ChildOutcome
}

/** The most a flooding server sends on one connection. */
const FLOOD_BYTES = 512 * 2 ** 20

/**
 * A server that speaks just enough PostgreSQL to flood a client: it answers a
 * TLS request ('S' and a TLS handshake with `tls`, else 'N'), reads the startup
 * message, then sends what `flood` makes until the client goes or FLOOD_BYTES
 * have gone.
 */
async function startFloodingServer(
  flood: () => Generator<Buffer>,
  tls?: { cert: string; key: string },
): Promise<TestServer> {
  const accepted: Socket[] = []
  const server = createServer((socket) => {
    accepted.push(socket)
    socket.on('error', () => {})
    socket.once('data', (first: Buffer) => {
      const asksForTls = first.length >= 8 && first.readInt32BE(4) === SSL_REQUEST_CODE
      if (!asksForTls) return pump(socket, flood())
      if (!tls) {
        socket.write('N')
        socket.once('data', () => pump(socket, flood()))
        return
      }
      socket.write('S')
      const secure = new TLSSocket(socket, { isServer: true, ...tls })
      secure.on('error', () => {})
      secure.once('data', () => pump(secure, flood()))
    })
  })
  return listen(server, accepted)
}

/** Writes the chunks as fast as the client takes them, until it closes or FLOOD_BYTES are sent. */
function pump(out: Socket, chunks: Generator<Buffer>): void {
  let sent = 0
  const write = () => {
    while (!out.destroyed && sent < FLOOD_BYTES) {
      const { value, done } = chunks.next()
      if (done) return
      sent += value.length
      if (!out.write(value)) {
        out.once('drain', write)
        return
      }
    }
  }
  write()
}

/** An authentication request 2 GB long, and then its bytes, a megabyte at a time. */
function* announceHugeMessage(): Generator<Buffer> {
  yield Buffer.from([0x52, 0x7f, 0xff, 0xff, 0xff])
  const zeros = Buffer.alloc(2 ** 20)
  for (;;) yield zeros
}
