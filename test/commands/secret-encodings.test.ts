/**
 * A secret a server sends back escaped is still a secret. Secrets are planted
 * where a real run meets them — a bearer token with slashes, a password with
 * quotes, a backslash and non-ASCII sent as a request body, a token used as a
 * URL's host name — and a real server echoes the first two back as JSON (with
 * `\/` and `\u` escapes), URL-encoded, form-encoded, as HTML and in base64,
 * while the host name is lower-cased or put in punycode by the URL parser. The
 * checks run through the built CLI's `check` (text, `--json`, `--junit`) and
 * into a run that is finished and exported as the sheet, JSON and JUnit. No
 * output and no file written holds any 8 characters in a row of any secret in
 * any of its encodings.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { loadChecklist } from '../../src/checklist/load.ts'
import { SIGN_OFF_SHEET } from '../../src/report/sheet.ts'
import { startRun } from '../../src/run/start.ts'
import { runCli } from '../helpers/cli.ts'
import { assertNoTraceOf, encodingsOf } from '../helpers/secrets.ts'
import { type LocalServer, startHttpServer } from '../helpers/servers.ts'

const run = randomUUID().slice(0, 8)
/** Distinctive, so finding a piece of one anywhere cannot be a coincidence. */
const SECRETS = {
  bearer: `Qx7aLrXUtnFEMI/K7MDENG/${run}/bPxRfiCY+Zr2Lp9Tn1`,
  password: `Grüße "Jörg" C:\\temp/pässwörd €9\nLq𝄞-${run}`,
  host: `Pr3view-${run}-Tök3n`,
} as const
/** How the server writes back what it was sent. */
const ENCODINGS = ['json', 'json-php', 'json-dotnet', 'url', 'url-lower', 'form', 'html', 'base64']

const folders: string[] = []
let echo: LocalServer

before(async () => {
  // Sends back what it was given — the bearer token, or else the body — written the
  // way the encoder named in the path writes it, as part of an error, as careless servers do.
  echo = await startHttpServer(async (req, res) => {
    let body = ''
    for await (const chunk of req) body += chunk
    const given = (req.headers.authorization ?? '').replace(/^Bearer /, '') || body
    const as = (req.url ?? '/').slice(1)
    const written = as === 'basic' ? encodingsOf(`ops:${given}`).base64 : encodingsOf(given)[as]
    const json = as.startsWith('json')
    res
      .writeHead(500, { 'content-type': json ? 'application/json' : 'text/plain' })
      .end(json ? `{"error":"bad credentials","echo":"${written}"}` : `rejected ${written}.`)
  })
})

after(async () => {
  await echo.close()
  for (const folder of folders) rmSync(folder, { recursive: true, force: true })
})

function checklistText(): string {
  const items = ENCODINGS.flatMap((as) => [
    `- [ ] Token echoed as ${as} <!-- check: http url=${echo.url}/${as} bearer=\${env:DEPLOY_BEARER} -->`,
    `- [ ] Password echoed as ${as} <!-- check: http url=${echo.url}/${as} method=PUT content-type=text/plain data="\${env:DEPLOY_PAYLOAD}" -->`,
  ])
  return `---
title: Echoed secrets
environments: [dev]
---
# Echoed secrets

## Checks
${items.join('\n')}
- [ ] Token echoed inside user:token <!-- check: http url=${echo.url}/basic bearer=\${env:DEPLOY_BEARER} -->
- [ ] Preview answers <!-- check: http url=http://\${env:PREVIEW_TOKEN}.invalid/health -->
`
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
}

describe('secrets echoed in another encoding', () => {
  it('reach no output of check (text, --json, --junit), no run file, sheet or export', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-encodings-'))
    folders.push(dir)
    const home = join(dir, 'home')
    const path = join(dir, 'release.md')
    writeFileSync(path, checklistText())
    const env = {
      DEPLOY_WIZARD_HOME: home,
      DEPLOY_BEARER: SECRETS.bearer,
      DEPLOY_PAYLOAD: SECRETS.password,
      PREVIEW_TOKEN: SECRETS.host,
    }
    const secrets = Object.values(SECRETS)

    const junit = join(dir, 'check.xml')
    const text = await runCli(['check', path, '--env', 'dev', '--junit', junit], env)
    const json = await runCli(['check', path, '--env', 'dev', '--json'], env)
    for (const result of [text, json]) {
      assert.equal(result.code, 1, result.stderr)
      assertNoTraceOf(result.stdout + result.stderr, secrets, 'check output')
    }
    // Not vacuous: every server answer was shown, masked.
    const report = JSON.parse(json.stdout) as {
      checks: { text: string; summary: string; evidence: { body?: string } }[]
    }
    const bodies = Object.fromEntries(report.checks.map((c) => [c.text, c.evidence.body]))
    for (const as of ENCODINGS) {
      const masked = as.startsWith('json')
        ? '{"error":"bad credentials","echo":"***"}'
        : 'rejected ***.'
      assert.equal(bodies[`Token echoed as ${as}`], masked, as)
      assert.equal(bodies[`Password echoed as ${as}`], masked, as)
    }
    assert.match(bodies['Token echoed inside user:token'] ?? '', /^rejected \w+\*\*\*/)
    const preview = report.checks.find((c) => c.text === 'Preview answers')
    assert.match(preview?.summary ?? '', /^cannot resolve \*\*\*\.invalid: /)

    const { checklist } = await loadChecklist(path)
    const session = startRun(checklist, 'dev', 'ana', { env, cwd: dir })
    const sheet = join(dir, 'signoff.md')
    try {
      const automated = checklist.items.filter((item) => item.check).map((item) => item.id)
      await session.runChecks(automated, { isExplicit: true })
      session.finish(sheet, SIGN_OFF_SHEET)
    } finally {
      await session.close()
    }
    const exported = { md: join(dir, 'export.md'), json: join(dir, 'export.json') }
    const exports = [
      await runCli(['export', session.id, '-o', exported.md], env),
      await runCli(['export', session.id, '--format', 'json', '-o', exported.json], env),
      await runCli(['export', session.id, '--format', 'junit'], env),
    ]
    for (const result of exports) {
      assert.equal(result.code, 0, result.stderr)
      assertNoTraceOf(result.stdout + result.stderr, secrets, 'export output')
    }

    const written = [...filesUnder(home), junit, sheet, exported.md, exported.json]
    assert.ok(
      written.some((file) => file.endsWith(`${session.id}.json`)),
      'the run was stored',
    )
    assert.match(readFileSync(sheet, 'utf8'), /cannot resolve \\?\*\\?\*\\?\*\.invalid/)
    for (const file of written) assertNoTraceOf(readFileSync(file, 'utf8'), secrets, file)
  })
})
