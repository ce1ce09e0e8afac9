/**
 * The `pg.*` check kinds against a real PostgreSQL 15 (the throwaway cluster
 * test/run.ts starts, with TLS on), moto_server for an RDS-style secret, and
 * small TCP servers of our own: one that never answers, and one that plays a
 * PostgreSQL without TLS by answering "N" to the TLS request and relaying the
 * rest to the real server.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager'
import pg from 'pg'
import { pgConnect, pgIndex, pgQuery } from '../../src/checks/postgres.ts'
import { freePort } from '../backends/start.ts'
import { pointAwsAt } from '../helpers/aws-fault-server.ts'
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

  it('times out on a server that never answers, and leaves no connection open', {
    timeout: 15_000,
  }, async () => {
    const silent = await startSilentServer()
    try {
      const result = await check(`pg.connect url=${url({ port: silent.port })}; timeout: 1s`)
      assert.equal(result.status, 'error')
      assert.equal(result.summary, 'timed out after 1s')
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

  it('runs read-only: an INSERT errors and changes nothing', async () => {
    const result = await check(
      `pg.query url=${url()} sql="insert into platform.agents (name) values ('intruder') returning id"`,
    )
    assert.equal(result.status, 'error')
    assert.equal(
      result.summary,
      'the query tried to write, but pg.query runs read-only: cannot execute INSERT in a read-only transaction',
    )
    const { rows } = await admin.query('SELECT count(*)::int AS n FROM platform.agents')
    assert.equal(rows[0].n, 7)
  })

  it('runs read-only: a CREATE TABLE errors, also when it tries to COMMIT first', async () => {
    const create = await check(`pg.query url=${url()} sql="create table public.intruder (x int)"`)
    assert.equal(create.status, 'error')
    assert.match(
      create.summary,
      /read-only: cannot execute CREATE TABLE in a read-only transaction$/,
    )
    const escaping = await check(
      `pg.query url=${url()} sql="commit; create table public.escaped (x int)"`,
    )
    assert.equal(escaping.status, 'error')
    assert.equal(escaping.summary, 'pg.query runs one statement; the sql holds several')
    const { rows } = await admin.query(
      "SELECT relname FROM pg_class WHERE relname IN ('intruder', 'escaped')",
    )
    assert.deepEqual(rows, [])
  })

  it('stops a slow query when the time is up, leaving nothing running', {
    timeout: 20_000,
  }, async () => {
    const result = await check(`pg.query url=${url()} sql="select pg_sleep(30)"; timeout: 1s`)
    assert.equal(result.status, 'error')
    assert.match(result.summary, /did not finish in the time the check has left|timed out after 1s/)
    // Wait for the server to show no such query still running (it would run 30 s if left).
    for (;;) {
      const { rows } = await admin.query(
        "SELECT 1 FROM pg_stat_activity WHERE query LIKE 'select pg_sleep(30)%' AND state = 'active'",
      )
      if (rows.length === 0) break
      await sleep(50)
    }
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
