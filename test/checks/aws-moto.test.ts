/**
 * The AWS check kinds against moto_server: real SDK clients, real HTTP, real
 * CloudFormation stacks, DynamoDB tables and Secrets Manager secrets created
 * here. Names carry a per-run suffix, as moto is shared with other test files.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
} from '@aws-sdk/client-cloudformation'
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DynamoDBClient,
  UpdateContinuousBackupsCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb'
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager'
import { pointAwsAt } from '../helpers/aws-fault-server.ts'
import { backend, checklistOf, runChecklist } from '../helpers/checks.ts'

pointAwsAt(backend('moto'))

const run = randomUUID().slice(0, 8)
const STACK = `dw-${run}-sessions`
const STACK_TABLE = `dw-${run}-StackSessions`
const FULL_TABLE = `dw-${run}-Sessions`
const PLAIN_TABLE = `dw-${run}-RateLimits`
const PLAIN_SECRET = `dw/${run}/api-key`
const ROTATING_SECRET = `dw/${run}/aurora`
const DELETED_SECRET = `dw/${run}/old`
/** Distinctive, so finding it anywhere in the output cannot be a coincidence. */
const SECRET_VALUE = `s3cr3t-${randomUUID()}-never-shown`
/** The day a secret deleted now with a 7-day recovery window goes (UTC). */
let deletionDay = ''

const aws = { region: 'us-east-1', maxAttempts: 1 }
const cfn = new CloudFormationClient(aws)
const dynamo = new DynamoDBClient(aws)
const secrets = new SecretsManagerClient(aws)

const template = {
  Resources: {
    Sessions: {
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        TableName: STACK_TABLE,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
      },
    },
  },
  Outputs: {
    TableName: { Value: { Ref: 'Sessions' } },
    TableArn: { Value: { 'Fn::GetAtt': ['Sessions', 'Arn'] } },
  },
}

const keyed: Pick<CreateTableCommandInput, 'AttributeDefinitions' | 'KeySchema'> = {
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'userId', AttributeType: 'S' },
    { AttributeName: 'email', AttributeType: 'S' },
  ],
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
}

before(async () => {
  await cfn.send(
    new CreateStackCommand({ StackName: STACK, TemplateBody: JSON.stringify(template) }),
  )
  // On-demand, two GSIs, TTL, PITR and a stream: everything the kind can check, switched on.
  await dynamo.send(
    new CreateTableCommand({
      TableName: FULL_TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      ...keyed,
      GlobalSecondaryIndexes: ['userId', 'email'].map((attribute) => ({
        IndexName: `by-${attribute}`,
        KeySchema: [{ AttributeName: attribute, KeyType: 'HASH' }],
        Projection: { ProjectionType: 'ALL' },
      })),
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  )
  await dynamo.send(
    new UpdateTimeToLiveCommand({
      TableName: FULL_TABLE,
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    }),
  )
  await dynamo.send(
    new UpdateContinuousBackupsCommand({
      TableName: FULL_TABLE,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    }),
  )
  // Provisioned, and nothing else.
  await dynamo.send(
    new CreateTableCommand({
      TableName: PLAIN_TABLE,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
    }),
  )
  for (const name of [PLAIN_SECRET, ROTATING_SECRET, DELETED_SECRET]) {
    await secrets.send(new CreateSecretCommand({ Name: name, SecretString: SECRET_VALUE }))
  }
  // moto enables rotation from the rules alone; AWS would also want a rotation Lambda.
  await secrets.send(
    new RotateSecretCommand({
      SecretId: ROTATING_SECRET,
      RotationRules: { AutomaticallyAfterDays: 30 },
    }),
  )
  await secrets.send(new DeleteSecretCommand({ SecretId: DELETED_SECRET, RecoveryWindowInDays: 7 }))
  deletionDay = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10)
})

after(async () => {
  await cfn.send(new DeleteStackCommand({ StackName: STACK })).catch(() => {})
  for (const client of [cfn, dynamo, secrets]) client.destroy()
})

describe('cfn.stack', () => {
  it('passes for a created stack, capturing its outputs', async () => {
    const checked = await runChecklist(
      checklistOf(`cfn.stack name=${STACK} outputs=TableName,TableArn`),
    )
    const result = checked.result()
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(result.summary, `${STACK} CREATE_COMPLETE, 2 outputs`)
    assert.equal(result.outputs?.TableName, STACK_TABLE)
    assert.match(result.outputs?.TableArn ?? '', new RegExp(`:table/${STACK_TABLE}$`))
    assert.deepEqual(result.evidence?.outputs, result.outputs)
    assert.equal(result.evidence?.status, 'CREATE_COMPLETE')
  })

  it("feeds its outputs to a later check's parameters", async () => {
    const checked = await runChecklist(`# Deploy

## Infrastructure

- [ ] Stack is deployed <!-- id: stack; check: cfn.stack name=${STACK} -->
- [ ] Its table is ready <!-- id: table; check: dynamodb.table name=\${stack.outputs.TableName} billing=on-demand stream=NEW_IMAGE -->
`)
    const table = checked.result('table')
    assert.equal(table.status, 'pass', table.summary)
    assert.equal(table.summary, `${STACK_TABLE} ACTIVE, PAY_PER_REQUEST, stream NEW_IMAGE`)
  })

  it('fails for a stack that does not exist', async () => {
    const result = (await runChecklist(checklistOf(`cfn.stack name=dw-${run}-nope`))).result()
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, `stack dw-${run}-nope does not exist`)
    assert.deepEqual(result.details, ['check the stack name and the region (us-east-1)'])
  })

  it('fails when the status is not in the allowed set', async () => {
    const result = (
      await runChecklist(checklistOf(`cfn.stack name=${STACK} status=UPDATE_COMPLETE`))
    ).result()
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, `stack ${STACK} is CREATE_COMPLETE (expected UPDATE_COMPLETE)`)
  })

  it('fails naming the outputs that are missing', async () => {
    const result = (
      await runChecklist(checklistOf(`cfn.stack name=${STACK} outputs=TableName,ApiUrl,QueueUrl`))
    ).result()
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, `stack ${STACK} lacks outputs ApiUrl, QueueUrl`)
    assert.deepEqual(result.details, ['its outputs: TableName, TableArn'])
  })
})

describe('dynamodb.table', () => {
  it('passes with every setting as asked, and says what it verified', async () => {
    const result = (
      await runChecklist(
        checklistOf(
          `dynamodb.table name=${FULL_TABLE} billing=on-demand gsi=by-userId,by-email ttl=expiresAt pitr=true stream=NEW_AND_OLD_IMAGES`,
        ),
      )
    ).result()
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.equal(
      result.summary,
      `${FULL_TABLE} ACTIVE, PAY_PER_REQUEST, GSI by-userId, by-email ACTIVE, TTL on expiresAt, PITR on, stream NEW_AND_OLD_IMAGES`,
    )
    assert.deepEqual(result.evidence?.ttl, { status: 'ENABLED', attribute: 'expiresAt' })
    assert.equal(result.evidence?.pitr, 'ENABLED')
  })

  it('passes for a provisioned table without PITR or stream when that is asked', async () => {
    const result = (
      await runChecklist(
        checklistOf(`dynamodb.table name=${PLAIN_TABLE} billing=provisioned pitr=false stream=off`),
      )
    ).result()
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.equal(result.summary, `${PLAIN_TABLE} ACTIVE, PROVISIONED, PITR off, stream off`)
  })

  it('lists every unmet expectation, not just the first', async () => {
    const result = (
      await runChecklist(
        checklistOf(
          `dynamodb.table name=${PLAIN_TABLE} billing=on-demand gsi=by-userId ttl=expiresAt pitr=true stream=NEW_IMAGE`,
        ),
      )
    ).result()
    assert.equal(result.status, 'fail')
    assert.equal(
      result.summary,
      `table ${PLAIN_TABLE} is not as required: billing mode is PROVISIONED (expected PAY_PER_REQUEST) (and 4 more)`,
    )
    assert.deepEqual(result.details, [
      'billing mode is PROVISIONED (expected PAY_PER_REQUEST)',
      'index by-userId is missing (the table has none)',
      'TTL is DISABLED (expected ENABLED on expiresAt)',
      'point-in-time recovery is DISABLED (expected ENABLED)',
      'stream is off (expected NEW_IMAGE)',
    ])
  })

  it('fails for the wrong TTL attribute, stream view, index and the opposite settings', async () => {
    const checked = await runChecklist(
      checklistOf(
        `dynamodb.table name=${FULL_TABLE} billing=provisioned gsi=by-userId,by-tenant ttl=ttl pitr=false stream=KEYS_ONLY`,
        `dynamodb.table name=${FULL_TABLE} stream=off`,
      ),
    )
    const [first, second] = [checked.result('check-1'), checked.result('check-2')]
    assert.equal(first.status, 'fail')
    assert.deepEqual(first.details, [
      'billing mode is PAY_PER_REQUEST (expected PROVISIONED)',
      'index by-tenant is missing (the table has by-userId, by-email)',
      'TTL is ENABLED on expiresAt (expected ENABLED on ttl)',
      'point-in-time recovery is ENABLED (expected DISABLED)',
      'stream view is NEW_AND_OLD_IMAGES (expected KEYS_ONLY)',
    ])
    assert.equal(second.status, 'fail')
    assert.deepEqual(second.details, ['stream is on (NEW_AND_OLD_IMAGES) (expected off)'])
  })

  it('fails for a table that does not exist', async () => {
    const result = (await runChecklist(checklistOf(`dynamodb.table name=dw-${run}-nope`))).result()
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, `table dw-${run}-nope does not exist`)
  })
})

describe('secret', () => {
  it('passes for an existing secret without reading or showing its value', async () => {
    const checked = await runChecklist(
      checklistOf(`secret name=${PLAIN_SECRET}`, `secret name=${PLAIN_SECRET} rotation=false`),
    )
    for (const result of checked.results.values()) {
      assert.equal(result.status, 'pass', result.summary)
      assert.match(result.summary, new RegExp(`^${PLAIN_SECRET} exists, last changed \\d{4}-`))
      assert.match(String(result.evidence?.arn), /^arn:aws:secretsmanager:us-east-1:/)
      assert.equal(result.evidence?.rotationEnabled, false)
    }
    assert.ok(!checked.everything.includes(SECRET_VALUE))
  })

  it('passes when rotation is asked for and enabled', async () => {
    const result = (
      await runChecklist(checklistOf(`secret name=${ROTATING_SECRET} rotation=true`))
    ).result()
    assert.equal(result.status, 'pass', result.summary)
    assert.match(result.summary, /rotation on, last rotated \d{4}-\d\d-\d\d$/)
    assert.equal(result.evidence?.rotateEveryDays, 30)
  })

  it('fails when rotation is not as asked', async () => {
    const checked = await runChecklist(
      checklistOf(
        `secret name=${PLAIN_SECRET} rotation=true`,
        `secret name=${ROTATING_SECRET} rotation=false`,
      ),
    )
    const notRotating = checked.result('check-1')
    assert.equal(notRotating.status, 'fail')
    assert.equal(notRotating.summary, `secret ${PLAIN_SECRET} does not rotate`)
    assert.deepEqual(notRotating.details, ['rotation is not enabled (expected on)'])
    const rotating = checked.result('check-2')
    assert.equal(rotating.status, 'fail')
    assert.equal(rotating.summary, `secret ${ROTATING_SECRET} rotates (expected no rotation)`)
    assert.deepEqual(rotating.details, ['rotation is enabled (expected off)'])
  })

  it('fails for a secret scheduled for deletion, with the date and how to keep it', async () => {
    const result = (await runChecklist(checklistOf(`secret name=${DELETED_SECRET}`))).result()
    assert.equal(result.status, 'fail')
    assert.equal(
      result.summary,
      `secret ${DELETED_SECRET} is scheduled for deletion on ${deletionDay}`,
    )
    assert.match(result.details?.at(-1) ?? '', /restore-secret --secret-id dw\//)
  })

  it('fails for a secret that does not exist', async () => {
    const result = (await runChecklist(checklistOf(`secret name=dw/${run}/nope`))).result()
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, `secret dw/${run}/nope does not exist`)
  })

  it('shows the ARN it is given in a secret-sounding variable: an ARN names a secret, it is none', async () => {
    const { ARN: arn = '' } = await secrets.send(
      new DescribeSecretCommand({ SecretId: PLAIN_SECRET }),
    )
    const checked = await runChecklist(checklistOf('secret name=${env:DB_SECRET_ARN}'), {
      processEnv: { ...process.env, DB_SECRET_ARN: arn },
    })
    const result = checked.result()
    assert.equal(result.status, 'pass', result.summary)
    assert.ok(result.summary.startsWith(`${arn} exists, last changed `), result.summary)
    assert.equal(result.evidence?.arn, arn)
    assert.equal(checked.everything.includes('***'), false)
  })

  it('never lets a secret value reach any event', async () => {
    const checked = await runChecklist(
      checklistOf(
        `secret name=${PLAIN_SECRET}`,
        `secret name=${ROTATING_SECRET} rotation=true`,
        `secret name=${DELETED_SECRET}`,
        `secret name=${PLAIN_SECRET} rotation=true`,
      ),
    )
    assert.equal(checked.results.size, 4)
    assert.ok(!checked.everything.includes(SECRET_VALUE))
    assert.ok(!checked.everything.includes(SECRET_VALUE.slice(7, 25)))
  })
})
