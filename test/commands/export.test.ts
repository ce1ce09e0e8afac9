/**
 * `deploy-wizard export` never writes a secret. Secrets are planted where a real
 * run meets them — a token in the environment that an `env` check reads and a
 * command prints, a password in a URL (written in the checklist, and taken from
 * the environment) that a server echoes back, an RDS-style secret in Secrets
 * Manager (moto) whose password connects to PostgreSQL and sits in a table a
 * query reads — the checks run into a run as the wizard runs them, the run is
 * finished and then exported through the built CLI as the sheet, JSON and JUnit.
 * No file written (the run, trust.json, the sheet, every export) holds any of them.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager'
import pg from 'pg'
import { loadChecklist } from '../../src/checklist/load.ts'
import { SIGN_OFF_SHEET } from '../../src/report/sheet.ts'
import { startRun } from '../../src/run/start.ts'
import { pointAwsAt } from '../helpers/aws-fault-server.ts'
import { backend } from '../helpers/checks.ts'
import { runCli } from '../helpers/cli.ts'
import { type LocalServer, startHttpServer } from '../helpers/servers.ts'

pointAwsAt(backend('moto'))

const run = randomUUID().slice(0, 8)
/** Distinctive, so finding one anywhere cannot be a coincidence. */
const SECRETS = {
  token: `tok-${run}-Hq7Zr2Lp9`,
  sitePassword: `site-${run}-Vb4Nx8Kc`,
  writtenPassword: `written-${run}-Mj3Ty6Wd`,
  databaseUrlPassword: `dburl-${run}-Pf5Gs1Rn`,
  dbPassword: `aurora-${run}-Xe9Ua4Qm`,
} as const
const DB = `export_${run}`
const ROLE = `app_${run}`
const SECRET_NAME = `dw/${run}/aurora`
const SERVER = new URL(backend('pg'))

const folders: string[] = []
let echo: LocalServer
const secrets = new SecretsManagerClient({})

before(async () => {
  const server = new pg.Client({ connectionString: backend('pg') })
  await server.connect()
  await server.query(`CREATE DATABASE ${DB}`)
  await server.query(`CREATE ROLE ${ROLE} LOGIN PASSWORD '${SECRETS.dbPassword}'`)
  await server.end()
  const admin = new pg.Client({ connectionString: backend('pg').replace(/\/[^/]*$/, `/${DB}`) })
  await admin.connect()
  // A careless table: the database password kept as a setting, where a query will read it.
  await admin.query('CREATE TABLE settings (value text)')
  await admin.query('INSERT INTO settings VALUES ($1)', [SECRETS.dbPassword])
  await admin.query(`GRANT SELECT ON settings TO ${ROLE}`)
  await admin.end()
  await secrets.send(
    new CreateSecretCommand({
      Name: SECRET_NAME,
      SecretString: JSON.stringify({
        engine: 'postgres',
        host: '127.0.0.1',
        port: Number(SERVER.port),
        username: ROLE,
        password: SECRETS.dbPassword,
        dbname: DB,
      }),
    }),
  )
  // Says who it thinks is calling, credentials and all.
  echo = await startHttpServer((req, res) => {
    const basic = (req.headers.authorization ?? '').replace(/^Basic /, '')
    res
      .writeHead(401, { 'content-type': 'text/plain' })
      .end(`no entry for ${Buffer.from(basic, 'base64').toString()}`)
  })
})

after(async () => {
  await echo.close()
  const server = new pg.Client({ connectionString: backend('pg') })
  await server.connect()
  await server.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`)
  await server.query(`DROP ROLE IF EXISTS ${ROLE}`)
  await server.end()
  await secrets.send(
    new DeleteSecretCommand({ SecretId: SECRET_NAME, ForceDeleteWithoutRecovery: true }),
  )
  secrets.destroy()
  for (const folder of folders) rmSync(folder, { recursive: true, force: true })
})

function checklistText(): string {
  const port = new URL(echo.url).port
  return `---
title: Secret release
environments: [dev]
---
# Secret release

## Checks
- [ ] Deploy token is set <!-- check: env name=DEPLOY_API_TOKEN min-length=16 -->
- [ ] Deploy script sees its settings <!-- check: command run="echo token $DEPLOY_API_TOKEN db $DATABASE_URL" -->
- [ ] Site lets the deployer in <!-- check: http url=http://deploy:\${env:SITE_PASSWORD}@127.0.0.1:${port}/site -->
- [ ] Admin lets ops in <!-- check: http url=http://ops:${SECRETS.writtenPassword}@127.0.0.1:${port}/admin -->
- [ ] Database credentials exist <!-- check: secret name=${SECRET_NAME} -->
- [ ] Database accepts the app <!-- check: pg.connect secret=${SECRET_NAME} -->
- [ ] Settings hold the expected value <!-- check: pg.query secret=${SECRET_NAME} sql="select value from settings" equals=expected -->
- [ ] Change approved

## Sign-Off
- [ ] Deployed by: ________ Date: ______
`
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
}

function assertHoldsNoSecret(label: string, text: string): void {
  for (const [name, value] of Object.entries(SECRETS)) {
    assert.equal(text.includes(value), false, `${label} holds the ${name}`)
    assert.equal(text.includes(encodeURIComponent(value)), false, `${label} holds the ${name}`)
  }
}

describe('export', () => {
  it('writes no secret the checks met into the run, trust.json, the sheet, JSON or JUnit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-export-'))
    folders.push(dir)
    const home = join(dir, 'home')
    const path = join(dir, 'release.md')
    writeFileSync(path, checklistText())
    const { checklist } = await loadChecklist(path)
    const env = {
      DEPLOY_WIZARD_HOME: home,
      DEPLOY_API_TOKEN: SECRETS.token,
      SITE_PASSWORD: SECRETS.sitePassword,
      DATABASE_URL: `postgres://app:${SECRETS.databaseUrlPassword}@db.internal:5432/app`,
    }

    const session = startRun(checklist, 'dev', 'ana', { env, cwd: dir })
    const sheet = join(dir, 'signoff.md')
    try {
      session.trust()
      const automated = checklist.items.filter((item) => item.check).map((item) => item.id)
      await session.runChecks(automated, { isExplicit: true })
      session.answer('checks/change-approved', 'done')
      for (const field of checklist.signoff) session.sign(field.id, 'Ana Souza')
      session.finish(sheet, SIGN_OFF_SHEET)
    } finally {
      await session.close()
    }

    // Not vacuous: every check ran and met its secret, and what it reported was kept, masked.
    const checks = Object.fromEntries(
      Object.entries(session.state.items).map(([id, record]) => [
        id.replace('checks/', ''),
        record.check,
      ]),
    )
    assert.equal(checks['deploy-token-is-set']?.status, 'pass')
    assert.deepEqual(checks['deploy-script-sees-its-settings']?.evidence.output, [
      'token *** db postgres://app:***@db.internal:5432/app',
    ])
    assert.equal(checks['site-lets-the-deployer-in']?.evidence.body, 'no entry for deploy:***')
    assert.equal(checks['admin-lets-ops-in']?.evidence.body, 'no entry for ops:***')
    assert.equal(checks['database-credentials-exist']?.status, 'pass')
    assert.equal(checks['database-accepts-the-app']?.status, 'pass')
    assert.equal(
      checks['settings-hold-the-expected-value']?.summary,
      "first value is '***', expected 'expected'",
    )

    const md = join(dir, 'export.md')
    const json = join(dir, 'export.json')
    const junit = join(dir, 'export.xml')
    const cli = { DEPLOY_WIZARD_HOME: home }
    const exports = [
      await runCli(['export', session.id, '-o', md], cli),
      await runCli(['export', session.id, '--format', 'json', '-o', json], cli),
      await runCli(['export', session.id, '--format', 'junit', '-o', junit], cli),
      await runCli(['export', session.id], cli),
    ]
    for (const result of exports) {
      assert.equal(result.code, 0, result.stderr)
      assertHoldsNoSecret('export output', result.stdout + result.stderr)
    }
    assert.equal((await runCli(['verify', md])).code, 0)
    assert.match(readFileSync(md, 'utf8'), /Check `pg\.query`: ❌ \*\*fail\*\* — first value is/)
    assert.match(readFileSync(junit, 'utf8'), /<failure message="first value is/)

    const written = [...filesUnder(home), sheet, md, json, junit]
    assert.ok(
      written.some((file) => file.endsWith('trust.json')),
      'trust was recorded',
    )
    assert.ok(
      written.some((file) => file.endsWith(`${session.id}.json`)),
      'the run was stored',
    )
    for (const file of written) assertHoldsNoSecret(file, readFileSync(file, 'utf8'))
  })
})
