import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseChecklist } from '../../src/checklist/parse.ts'
import { Clients } from '../../src/checks/clients.ts'
import { checkJobs, DEFAULT_TIMEOUT_MS } from '../../src/checks/jobs.ts'
import { Redactor } from '../../src/checks/redact.ts'
import { findPhases, selectCheckItems } from '../../src/checks/select.ts'
import { checklistOf, runChecklist } from '../helpers/checks.ts'

const PHASES = `---
environments: [dev, prod]
---
# Release

## 1. Preflight

- [ ] Token set <!-- id: token; check: env name=TOKEN -->
- [ ] Prod only <!-- check: env name=PROD_ONLY; only: prod -->

## 2. Deploy

- [ ] Home set <!-- id: home; check: env name=HOME; needs: token -->
- [ ] Manual step
- [ ] Shell set <!-- id: shell; check: env name=SHELL; timeout: 2m -->
`

describe('choosing the checks to run', () => {
  const { checklist } = parseChecklist(PHASES, { path: 'release.md' })

  it('finds a phase by id, by title with or without its numbering, or by part of it', () => {
    assert.deepEqual(findPhases(checklist, 'preflight'), ['preflight'])
    assert.deepEqual(findPhases(checklist, '1. Preflight'), ['preflight'])
    assert.deepEqual(findPhases(checklist, 'Deploy'), ['deploy'])
    assert.deepEqual(findPhases(checklist, 'depl'), ['deploy'])
    assert.deepEqual(findPhases(checklist, 'rollback'), [])
  })

  it('prefers a title that starts with the name to one with a later word that does', () => {
    const { checklist: example } = parseChecklist(
      '# X\n\n## Pre-Deployment\n\n- [ ] a\n\n## Deployment\n\n- [ ] b\n\n## Post deployment checks\n\n- [ ] c\n',
      { path: 'x.md' },
    )
    assert.deepEqual(findPhases(example, 'deploy'), ['deployment'])
    assert.deepEqual(findPhases(example, 'pre'), ['pre-deployment'])
    assert.deepEqual(findPhases(example, 'checks'), ['post-deployment-checks'])
    assert.deepEqual(findPhases(example, 'deployment checks'), [])
  })

  it('keeps only automated items in scope for the environment', () => {
    const ids = (env: string) => selectCheckItems(checklist, env).map((i) => i.id)
    assert.deepEqual(ids('dev'), ['token', 'home', 'shell'])
    assert.deepEqual(ids('prod'), ['token', 'preflight/prod-only', 'home', 'shell'])
  })

  it('adds what the chosen items need, from other phases too, in checklist order', () => {
    const ids = (filter: Parameters<typeof selectCheckItems>[2]) =>
      selectCheckItems(checklist, 'dev', filter).map((i) => i.id)
    assert.deepEqual(ids({ phases: ['deploy'] }), ['token', 'home', 'shell'])
    assert.deepEqual(ids({ only: ['shell'] }), ['shell'])
    assert.deepEqual(ids({ only: ['home'] }), ['token', 'home'])
  })

  it("gives each job the item's timeout, else the run's, else the kind's, else 30s", () => {
    const items = selectCheckItems(checklist, 'dev')
    const options = {
      environment: 'dev',
      processEnv: {},
      clients: new Clients(),
      redactor: new Redactor(),
      cwd: '.',
      commands: 'run' as const,
    }
    const timeouts = (extra: object) =>
      Object.fromEntries(
        checkJobs(checklist, items, { ...options, ...extra }).map((j) => [j.id, j.timeoutMs]),
      )
    assert.deepEqual(timeouts({}), {
      token: DEFAULT_TIMEOUT_MS,
      home: DEFAULT_TIMEOUT_MS,
      shell: 120_000,
    })
    assert.deepEqual(timeouts({ timeoutMs: 5000 }), { token: 5000, home: 5000, shell: 120_000 })
  })
})

describe('the service a job counts against', () => {
  it('is known before the outputs it uses exist, so AWS and PostgreSQL caps still apply', () => {
    const { checklist } = parseChecklist(
      '# S\n\n## A\n\n- [ ] Stack <!-- id: app; check: cfn.stack name=app region=eu-west-1 -->\n- [ ] Table <!-- check: dynamodb.table name=${app.outputs.Table} region=eu-west-1 -->\n- [ ] Secret <!-- check: secret name=${env:UNSET_NAME} region=eu-west-1 -->\n',
      { path: 's.md' },
    )
    const jobs = checkJobs(checklist, selectCheckItems(checklist, 'dev'), {
      environment: 'dev',
      processEnv: {},
      clients: new Clients(),
      redactor: new Redactor(),
      cwd: '.',
      commands: 'run',
    })
    assert.deepEqual(
      jobs.map((j) => j.service),
      ['aws:cloudformation:eu-west-1', 'aws:dynamodb:eu-west-1', 'aws:secretsmanager:eu-west-1'],
    )
  })
})

describe('resolving parameters when a check starts', () => {
  it('reports a missing environment variable as an error with the fix', async () => {
    const run = await runChecklist(checklistOf('tcp host=localhost port=${env:DW_TEST_PORT}'), {
      processEnv: {},
    })
    const result = run.result()
    assert.equal(result.status, 'error')
    assert.equal(result.summary, '${env:DW_TEST_PORT} has no value')
    assert.match(result.details?.[0] ?? '', /set the environment variable DW_TEST_PORT/)
  })

  it('uses a fallback when the variable is unset', async () => {
    const run = await runChecklist(checklistOf('env name=${env:DW_NAME:-DW_PRESENT}'), {
      processEnv: { DW_PRESENT: 'yes-it-is' },
    })
    assert.equal(run.result().status, 'pass', run.result().summary)
  })

  it('validates values known only at run time with the kind’s schema', async () => {
    const run = await runChecklist(checklistOf('tcp host=localhost port=${env:DW_TEST_PORT}'), {
      processEnv: { DW_TEST_PORT: 'eighty' },
    })
    assert.equal(run.result().status, 'error')
    assert.equal(run.result().summary, 'bad parameter port: expected a whole number')
  })

  it('reports untrusted commands as skipped, and what needs them as not run', async () => {
    const markdown = `# T\n\n## Build\n\n- [ ] Build <!-- id: build; check: command run="touch built" -->\n- [ ] After <!-- check: env name=HOME; needs: build -->\n`
    const run = await runChecklist(markdown, { commands: 'skip', processEnv: { HOME: '/root' } })
    assert.equal(run.results.get('build')?.status, 'skipped')
    assert.match(run.results.get('build')?.summary ?? '', /not trusted/)
    assert.equal(run.result('/after').status, 'skipped')
    assert.equal(run.result('/after').summary, 'not run: needs build, which was not run')
  })

  it('masks the value of any sensitive-looking environment variable in every output', async () => {
    const secret = 'tok-9f8e7d6c5b4a'
    const run = await runChecklist(
      checklistOf('command run="echo token is $DW_API_TOKEN; exit 3"'),
      {
        processEnv: { PATH: process.env.PATH, DW_API_TOKEN: secret },
      },
    )
    assert.equal(run.result().status, 'fail')
    assert.doesNotMatch(run.everything, new RegExp(secret))
    assert.match(run.everything, /token is \*\*\*/)
  })

  it('masks in every output the value a secret variable must equal, when the environment gives it', async () => {
    const expected = 'hunter-2-abcdef'
    const run = await runChecklist(
      checklistOf(
        'env name=DW_DB_PASSWORD equals=${env:DW_EXPECTED}',
        'command run="echo expected $DW_EXPECTED; exit 3"',
      ),
      {
        processEnv: {
          PATH: process.env.PATH,
          DW_DB_PASSWORD: 'something-else-1',
          DW_EXPECTED: expected,
        },
      },
    )
    assert.equal(run.result('check-1').status, 'fail')
    assert.doesNotMatch(run.everything, new RegExp(expected))
    assert.match(run.everything, /expected \*\*\*/)
  })

  it('shows what only names a secret — an ARN, a *_NAME — and still masks the secrets', async () => {
    const named = {
      DB_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/prod/db-Ab12Cd',
      JWT_SECRET_NAME: 'shop/prod/jwt',
      SESSION_TABLE_NAME: 'Sessions-prod',
      KMS_KEY_ID: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    }
    const secrets = {
      JWT_SECRET: 'jwt-5ecret-9Xq2Lm7Tz',
      SESSION_ID: 'sess-0a1b2c3d4e5f',
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      DB_PASSWORD_FILE_KEY: 'not-an-arn:aws:kms:eu-west-1:1:key/x',
    }
    const shown = Object.keys(named).map((name) => `$${name}`)
    const hidden = Object.keys(secrets).map((name) => `$${name}`)
    const run = await runChecklist(
      checklistOf(`command run='echo ${shown.join(' ')} / ${hidden.join(' ')}; exit 3'`),
      { processEnv: { PATH: process.env.PATH, ...named, ...secrets } },
    )
    assert.deepEqual(run.result().evidence?.output, [
      `${Object.values(named).join(' ')} / *** *** *** ***`,
    ])
    for (const value of Object.values(secrets)) assert.equal(run.everything.includes(value), false)
  })
})
