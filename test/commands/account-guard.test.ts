/**
 * The account guard, with two AWS accounts in moto: the checklist pins dev to
 * one; the built CLI's `check` run with credentials for that account passes and
 * says whose they are, with the other account's it refuses every AWS check.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { parseChecklist } from '../../src/checklist/parse.ts'
import { iamPolicy } from '../../src/commands/iam-policy.ts'
import { backend } from '../helpers/checks.ts'
import { runCli } from '../helpers/cli.ts'
import {
  assumeMotoAccount,
  credentialsEnv,
  type MotoCredentials,
  newAccountId,
} from '../helpers/moto-accounts.ts'

const dir = mkdtempSync(join(tmpdir(), 'dw-guard-'))
after(() => rmSync(dir, { recursive: true, force: true }))

const devAccount = newAccountId()
const otherAccount = newAccountId()
let dev: MotoCredentials
let other: MotoCredentials

function checklist(frontMatter: string, body: string): string {
  const file = join(dir, `c-${Math.random().toString(36).slice(2)}.md`)
  writeFileSync(file, `---\n${frontMatter}\n---\n# Release\n## Deploy\n${body}\n`)
  return file
}

function cli(args: readonly string[], credentials: MotoCredentials) {
  return runCli(args, {
    ...credentialsEnv(credentials),
    AWS_ENDPOINT_URL: backend('moto'),
    AWS_REGION: 'us-east-1',
    AWS_PROFILE: undefined,
    DEPLOY_WIZARD_HOME: join(dir, 'home'),
  })
}

before(async () => {
  dev = await assumeMotoAccount(devAccount)
  other = await assumeMotoAccount(otherAccount)
  const dynamo = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: backend('moto'),
    credentials: dev,
  })
  await dynamo.send(
    new CreateTableCommand({
      TableName: 'Sessions-dev',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    }),
  )
  dynamo.destroy()
})

describe('the account guard', () => {
  const table = '- [ ] Sessions table <!-- check: dynamodb.table name=Sessions-${env} -->'

  it("passes with the environment's own account, and says whose credentials they are", async () => {
    const file = checklist(`accounts: { dev: '${devAccount}', prod: '${otherAccount}' }`, table)
    const text = await cli(['check', file, '--env', 'dev'], dev)
    assert.equal(text.code, 0, text.stdout + text.stderr)
    assert.match(
      text.stdout,
      new RegExp(`AWS {3}account ${devAccount} as arn:aws:sts::${devAccount}:`),
    )
    assert.match(text.stdout, /dev's account/)
    const json = await cli(['check', file, '--env', 'dev', '--json'], dev)
    const report = JSON.parse(json.stdout)
    assert.equal(report.aws.expectedAccount, devAccount)
    assert.deepEqual(
      report.aws.identities.map((i: { account: string }) => i.account),
      [devAccount],
    )
  })

  it("refuses every AWS check with another account's credentials, saying which and what to do", async () => {
    const file = checklist(
      `accounts: { dev: { id: '${devAccount}', profile: acme-dev } }`,
      `${table}\n- [ ] Secret <!-- check: secret name=db -->\n- [ ] Tables <!-- check: aws call="aws dynamodb list-tables --query TableNames" contains=Sessions-dev -->`,
    )
    // The front matter's profile is used, and it holds the other account's credentials.
    const credentials = join(dir, 'credentials')
    writeFileSync(
      credentials,
      `[acme-dev]\naws_access_key_id = ${other.accessKeyId}\naws_secret_access_key = ${other.secretAccessKey}\naws_session_token = ${other.sessionToken}\n`,
    )
    const result = await runCli(['check', file, '--env', 'dev', '--json'], {
      AWS_SHARED_CREDENTIALS_FILE: credentials,
      AWS_CONFIG_FILE: join(dir, 'no-config'),
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_SESSION_TOKEN: undefined,
      AWS_ENDPOINT_URL: backend('moto'),
      AWS_REGION: 'us-east-1',
      DEPLOY_WIZARD_HOME: join(dir, 'home'),
    })
    assert.equal(result.code, 1)
    const report = JSON.parse(result.stdout)
    assert.equal(report.checks.length, 3, 'the generic aws kind is guarded too')
    for (const check of report.checks) {
      assert.equal(check.status, 'error')
      assert.equal(
        check.summary,
        `wrong AWS account: these credentials are for ${otherAccount}, not dev's ${devAccount}`,
      )
      assert.match(check.details.join('\n'), /AWS_PROFILE=acme-dev/)
    }
    const plain = checklist(`accounts: { dev: '${devAccount}' }`, table)
    const text = await cli(['check', plain, '--env', 'dev'], other)
    assert.equal(text.code, 1)
    assert.match(text.stdout, new RegExp(`NOT dev's account ${devAccount}: AWS checks stop`))
  })

  it('only identifies the caller when no account is pinned: the checks run', async () => {
    const file = checklist('title: Release', table)
    const result = await cli(['check', file, '--env', 'dev'], dev)
    assert.equal(result.code, 0, result.stdout)
    assert.match(result.stdout, new RegExp(`account ${devAccount} .*no account pinned`))
  })

  it('aws.identity passes for the pinned account and fails for another', async () => {
    const file = checklist(
      `accounts: { dev: '${devAccount}' }`,
      '- [ ] AWS CLI configured <!-- check: aws.identity -->',
    )
    const good = await cli(['check', file, '--env', 'dev', '--json'], dev)
    assert.equal(JSON.parse(good.stdout).checks[0].status, 'pass')
    assert.match(JSON.parse(good.stdout).checks[0].summary, new RegExp(`account ${devAccount} as`))
    const asked = checklist(
      'title: x',
      `- [ ] Prod creds <!-- check: aws.identity account=${otherAccount} -->`,
    )
    const wrong = await cli(['check', asked, '--env', 'dev', '--json'], dev)
    const check = JSON.parse(wrong.stdout).checks[0]
    assert.equal(check.status, 'fail')
    assert.match(check.summary, new RegExp(`for account ${devAccount} .* not ${otherAccount}`))
  })
})

describe('accounts in the front matter', () => {
  it('plan shows the account each environment must be in', async () => {
    const file = checklist(
      `accounts: { prod: { id: '${otherAccount}', region: eu-west-1, profile: prod } }`,
      '- [ ] x <!-- check: secret name=s -->',
    )
    const result = await runCli(['plan', file, '--env', 'prod'])
    assert.match(
      result.stdout,
      new RegExp(
        `AWS account ${otherAccount} \\(profile prod, region eu-west-1\\): AWS checks refuse`,
      ),
    )
    const json = await runCli(['plan', file, '--env', 'prod', '--json'])
    assert.deepEqual(JSON.parse(json.stdout).awsAccount, {
      id: otherAccount,
      region: 'eu-west-1',
      profile: 'prod',
    })
  })

  it("an account's region and profile reach the AWS checks of its environment", () => {
    const { checklist: parsed } = parseChecklist(
      `---\naccounts: { prod: { id: '012345678901', region: eu-west-1 } }\nvars: { region: us-east-1 }\n---\n# T\n## P\n- [ ] x <!-- check: secret name=s -->\n`,
      { path: 'x.md' },
    )
    assert.deepEqual(parsed.frontMatter.accounts, {
      prod: { id: '012345678901', region: 'eu-west-1' },
    })
  })

  it('validate refuses an account id that is not 12 digits, and an unknown environment', async () => {
    const file = checklist(
      "accounts: { dev: '1234', staging: '111111111111', qa: '222222222222' }",
      '- [ ] x',
    )
    const result = await runCli(['validate', file])
    assert.equal(result.code, 1)
    assert.match(
      result.stdout,
      /front matter 'accounts': expected each environment with its 12-digit AWS account id/,
    )
    const unknown = checklist("accounts: { qa: '222222222222' }", '- [ ] x')
    const second = await runCli(['validate', unknown])
    assert.match(second.stdout, /'qa' is not one of this checklist's environments/)
  })
})

describe('iam-policy', () => {
  it("lists exactly the actions the checks' kinds declare, and the guard's", () => {
    const { checklist: parsed } = parseChecklist(
      [
        '# T',
        '## P',
        '- [ ] a <!-- check: dynamodb.table name=t ttl=expiresAt -->',
        '- [ ] b <!-- check: secret name=s -->',
        '- [ ] c <!-- check: cfn.stack name=s -->',
        '- [ ] d <!-- check: http url=http://x/ -->',
        '### Production <!-- only: prod -->',
        '- [ ] e <!-- check: pg.connect secret=db -->',
      ].join('\n'),
      { path: 'x.md' },
    )
    const policy = iamPolicy(parsed, 'dev') as { Statement: { Sid: string; Action: string[] }[] }
    assert.deepEqual(policy.Statement, [
      {
        Sid: 'DeployWizardChecks',
        Effect: 'Allow',
        Action: [
          'cloudformation:DescribeStackEvents',
          'cloudformation:DescribeStacks',
          'dynamodb:DescribeTable',
          'dynamodb:DescribeTimeToLive',
          'secretsmanager:DescribeSecret',
        ],
        Resource: '*',
      },
      {
        Sid: 'DeployWizardAccountGuard',
        Effect: 'Allow',
        Action: ['sts:GetCallerIdentity', 'iam:ListAccountAliases'],
        Resource: '*',
      },
    ])
    const prod = iamPolicy(parsed, 'prod') as { Statement: { Action: string[] }[] }
    assert.ok(prod.Statement[0]?.Action.includes('secretsmanager:GetSecretValue'))
    const none = parseChecklist('# T\n## P\n- [ ] d <!-- check: http url=http://x/ -->\n', {
      path: 'y.md',
    }).checklist
    assert.deepEqual((iamPolicy(none) as { Statement: unknown[] }).Statement, [])
  })
})
