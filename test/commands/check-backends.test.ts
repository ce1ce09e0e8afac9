/**
 * `deploy-wizard check` end to end against the real backends: the built CLI,
 * moto_server for AWS and the throwaway PostgreSQL, as an operator runs it.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { before, describe, it } from 'node:test'
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation'
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import { backend } from '../helpers/checks.ts'
import { runCli } from '../helpers/cli.ts'
import { tempDir } from '../helpers/temp.ts'

const suffix = randomUUID().slice(0, 8)
const STACK = `dw-cli-${suffix}`
const SECRET = `dw/cli/${suffix}/db`
const SECRET_VALUE = `never-shown-${randomUUID()}`
const awsEnv = {
  AWS_ENDPOINT_URL: backend('moto'),
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
}
const pgUrl = new URL(backend('pg'))

before(async () => {
  const client = {
    region: 'us-east-1',
    endpoint: awsEnv.AWS_ENDPOINT_URL,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  }
  await new CloudFormationClient(client).send(
    new CreateStackCommand({
      StackName: STACK,
      TemplateBody: JSON.stringify({
        Resources: {
          Table: {
            Type: 'AWS::DynamoDB::Table',
            Properties: {
              TableName: `${STACK}-sessions`,
              BillingMode: 'PAY_PER_REQUEST',
              AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
              KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
            },
          },
        },
        Outputs: { TableName: { Value: { Ref: 'Table' } } },
      }),
    }),
  )
  await new SecretsManagerClient(client).send(
    new CreateSecretCommand({ Name: SECRET, SecretString: SECRET_VALUE }),
  )
})

describe('deploy-wizard check against moto and PostgreSQL', () => {
  it('passes, feeds stack outputs to later checks, and never prints a secret', async () => {
    const dir = tempDir('check-backends')
    const file = join(dir, 'release.md')
    await writeFile(
      file,
      `---
environments: [dev]
vars:
  stack: ${STACK}
---
# Release

## Deployment

- [ ] Stack deployed <!-- id: stack; check: cfn.stack name=\${stack} outputs=TableName -->
- [ ] Its table is on demand <!-- check: dynamodb.table name=\${stack.outputs.TableName} billing=on-demand -->
- [ ] Database credentials exist <!-- check: secret name=${SECRET} -->
- [ ] Database answers <!-- check: pg.connect url=\${env:DATABASE_URL} -->
`,
    )
    const junit = join(dir, 'junit.xml')
    // A variable whose name looks secret and whose value equals a stack output:
    // masked in what is shown, yet the output still reaches the next check intact.
    const env = {
      ...awsEnv,
      DATABASE_URL: backend('pg'),
      DEPLOY_WIZARD_HOME: dir,
      SESSIONS_API_KEY: `${STACK}-sessions`,
    }
    const text = await runCli(['check', file, '--env', 'dev', '--junit', junit], env)
    assert.equal(text.code, 0, text.stdout + text.stderr)
    assert.match(text.stdout, /^PASS {2}Its table is on demand — .*PAY_PER_REQUEST/m)
    assert.match(text.stdout, /4 checks on dev: 4 passed/)

    const json = await runCli(['check', file, '--env', 'dev', '--json'], env)
    const report = JSON.parse(json.stdout)
    assert.equal(report.ok, true)
    assert.equal(report.checks[0].outputs.TableName, '***')

    const everything =
      text.stdout + text.stderr + json.stdout + json.stderr + (await readFile(junit, 'utf8'))
    assert.doesNotMatch(everything, new RegExp(SECRET_VALUE))
    assert.ok(pgUrl.password.length > 0)
    assert.doesNotMatch(everything, new RegExp(pgUrl.password))
  })
})
