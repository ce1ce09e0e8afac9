/**
 * The generic `aws` kind: AWS CLI commands as the seeds write them, called
 * through the SDK against moto_server over the wire (resources created here
 * with the real SDK), and against our fault server for throttling, a hung
 * endpoint and endless pages. What `validate` refuses is read off the
 * checklist's problems. Names carry a per-run suffix: moto is shared.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import {
  ApiGatewayV2Client,
  CreateApiCommand,
  CreateRouteCommand,
} from '@aws-sdk/client-apigatewayv2'
import { CloudWatchClient, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch'
import {
  CognitoIdentityProviderClient,
  CreateIdentityProviderCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider'
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb'
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeImagesCommand,
  EC2Client,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2'
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam'
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda'
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns'
import { parseChecklist } from '../../src/checklist/parse.ts'
import { iamActionsOf } from '../../src/checks/registry.ts'
import { iamPolicy } from '../../src/commands/iam-policy.ts'
import {
  type AwsReply,
  pointAwsAt,
  startAwsFaultServer,
  withEnv,
} from '../helpers/aws-fault-server.ts'
import { backend, checklistOf, runChecklist } from '../helpers/checks.ts'

const moto = backend('moto')
pointAwsAt(moto)

const run = randomUUID().slice(0, 8)
const FUNCTION = `dw-${run}-connect`
const TABLE = `dw-${run}-Sessions`
const GROUP = `dw-${run}-redis`
/** With spaces: it must reach AWS as one name. */
const ALARM = `dw ${run} connection errors`
const TOPICS = 120
/** Distinctive, so finding it anywhere in the output cannot be a coincidence. */
const SECRET_VALUE = `s3cr3t-${randomUUID()}-never-shown`
let apiId = ''
let groupId = ''

const aws = { region: 'us-east-1', maxAttempts: 1 }
const lambda = new LambdaClient(aws)
const iam = new IAMClient(aws)
const apis = new ApiGatewayV2Client(aws)
const cloudwatch = new CloudWatchClient(aws)
const dynamo = new DynamoDBClient(aws)
const ec2 = new EC2Client(aws)
const sns = new SNSClient(aws)

before(async () => {
  const { Role } = await iam.send(
    new CreateRoleCommand({
      RoleName: `dw-${run}-lambda`,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'lambda.amazonaws.com' },
            Action: 'sts:AssumeRole',
          },
        ],
      }),
    }),
  )
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: FUNCTION,
      Runtime: 'nodejs20.x',
      Role: Role?.Arn,
      Handler: 'index.handler',
      Code: { ZipFile: new TextEncoder().encode('not really a zip') },
      MemorySize: 512,
      Environment: { Variables: { DB_HOST: 'db.internal', API_SECRET: SECRET_VALUE } },
    }),
  )
  const api = await apis.send(
    new CreateApiCommand({
      Name: `dw-${run}-ws`,
      ProtocolType: 'WEBSOCKET',
      RouteSelectionExpression: '$request.body.action',
    }),
  )
  apiId = api.ApiId ?? ''
  for (const RouteKey of ['$connect', '$disconnect', 'sendMessage']) {
    await apis.send(new CreateRouteCommand({ ApiId: apiId, RouteKey }))
  }
  await cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName: ALARM,
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 250,
      ComparisonOperator: 'GreaterThanThreshold',
    }),
  )
  await dynamo.send(
    new CreateTableCommand({
      TableName: TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'userId', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'by-user',
          KeySchema: [{ AttributeName: 'userId', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  )
  const group = await ec2.send(
    new CreateSecurityGroupCommand({ GroupName: GROUP, Description: 'redis' }),
  )
  groupId = group.GroupId ?? ''
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: groupId,
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 6379, ToPort: 6379, IpRanges: [{ CidrIp: '10.0.0.0/16' }] },
      ],
    }),
  )
  for (let i = 0; i < TOPICS; i++) {
    await sns.send(new CreateTopicCommand({ Name: `dw-${run}-topic-${i}` }))
  }
})

after(() => {
  for (const client of [lambda, iam, apis, cloudwatch, dynamo, ec2, sns]) client.destroy()
})

/** The result of one `aws` check written as `call="…"` plus expectations. */
async function check(directive: string, options: Parameters<typeof runChecklist>[1] = {}) {
  return (await runChecklist(checklistOf(`aws ${directive}`), options)).result()
}

describe('aws: the seeds’ own commands, with each expectation', () => {
  it('passes when the value found equals the expectation, and shows it', async () => {
    const result = await check(
      `call="aws lambda get-function-configuration --function-name ${FUNCTION} --region us-east-1 --query 'Runtime'" equals=nodejs20.x`,
    )
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(result.summary, 'Runtime is nodejs20.x')
    assert.deepEqual(result.evidence, {
      call: 'lambda get-function-configuration',
      action: 'lambda:GetFunctionConfiguration',
      arguments: { FunctionName: FUNCTION },
      region: 'us-east-1',
      query: 'Runtime',
      value: 'nodejs20.x',
    })
  })

  it('fails saying what it found and what was expected', async () => {
    const result = await check(
      `call="aws lambda get-function-configuration --function-name ${FUNCTION} --query Runtime" equals=python3.12`,
    )
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, 'Runtime is nodejs20.x, expected python3.12')
  })

  it('compares numbers as numbers, and checks min and max', async () => {
    const checked = await runChecklist(
      checklistOf(
        `aws call="aws lambda get-function-configuration --function-name ${FUNCTION} --query MemorySize" equals=512.0`,
        `aws call="aws lambda get-function-configuration --function-name ${FUNCTION} --query MemorySize" min=256 max=1024`,
        `aws call="aws lambda get-function-configuration --function-name ${FUNCTION} --query MemorySize" min=1024 max=256`,
      ),
    )
    assert.equal(checked.result('check-1').status, 'pass', checked.result('check-1').summary)
    assert.equal(checked.result('check-2').status, 'pass', checked.result('check-2').summary)
    const both = checked.result('check-3')
    assert.equal(both.status, 'fail')
    assert.equal(both.summary, 'MemorySize is 512, expected at least 1024 (and 1 more)')
    assert.deepEqual(both.details, [
      'MemorySize is 512, expected at least 1024',
      'MemorySize is 512, expected at most 256',
    ])
  })

  it('matches a regular expression, and says which when it does not', async () => {
    const checked = await runChecklist(
      checklistOf(
        `aws call="aws lambda get-function-configuration --function-name ${FUNCTION} --query Runtime" matches=^nodejs2\\d`,
        `aws call="aws lambda get-function-configuration --function-name ${FUNCTION} --query Runtime" matches=^python`,
      ),
    )
    assert.equal(checked.result('check-1').status, 'pass', checked.result('check-1').summary)
    const failed = checked.result('check-2')
    assert.equal(failed.status, 'fail')
    assert.equal(failed.summary, 'Runtime is nodejs20.x, expected to match /^python/')
  })

  it("masks what AWS marks sensitive: a Lambda's variable names show, never their values", async () => {
    const checked = await runChecklist(
      checklistOf(
        `aws call="aws lambda get-function-configuration --function-name ${FUNCTION} --region us-east-1 --query 'Environment.Variables'" contains=DB_HOST`,
        `aws call="aws lambda get-function-configuration --function-name ${FUNCTION} --query 'keys(Environment.Variables)'" count=2`,
        `aws call="aws lambda get-function-configuration --function-name ${FUNCTION}"`,
      ),
    )
    const variables = checked.result('check-1')
    assert.equal(variables.status, 'pass', variables.summary)
    // (The redactor masks API_SECRET's quotes too, by its own rule for secret-looking keys.)
    assert.match(
      variables.summary,
      /^Environment\.Variables is \{"DB_HOST":"\*\*\*","API_SECRET":"?\*\*\*"?\}$/,
    )
    assert.equal(checked.result('check-2').status, 'pass', checked.result('check-2').summary)
    const whole = checked.result('check-3')
    assert.equal(whole.status, 'pass', whole.summary)
    assert.match(String(whole.evidence?.value), /"Environment":\{"Variables":\{"DB_HOST":"\*\*\*"/)
    assert.ok(!checked.everything.includes(SECRET_VALUE.slice(7, 30)), 'the value never shows')
    assert.ok(!checked.everything.includes('db.internal'))
  })

  it('reads the routes of a WebSocket API (get-routes), an id from the environment', async () => {
    const env = { ...process.env, API_ID: apiId }
    const checked = await runChecklist(
      checklistOf(
        `aws call="aws apigatewayv2 get-routes --api-id \${env:API_ID} --region us-east-1 --query 'Items[].RouteKey'" contains=$connect`,
        `aws call="aws apigatewayv2 get-routes --api-id \${env:API_ID} --query 'Items[].RouteKey'" count=3`,
        `aws call="aws apigatewayv2 get-routes --api-id \${env:API_ID} --query 'Items[].RouteKey'" count=>=5`,
        `aws call="aws apigatewayv2 get-routes --api-id \${env:API_ID} --query 'Items[].RouteKey'" contains=$default`,
      ),
      { processEnv: env },
    )
    const contains = checked.result('check-1')
    assert.equal(contains.status, 'pass', contains.summary)
    assert.match(contains.summary, /^Items\[\]\.RouteKey is \[.*"\$connect".*\] \(3 items\)$/)
    assert.equal(checked.result('check-2').status, 'pass', checked.result('check-2').summary)
    const tooFew = checked.result('check-3')
    assert.equal(tooFew.status, 'fail')
    assert.equal(tooFew.summary, 'Items[].RouteKey has 3 items, expected >= 5')
    const missing = checked.result('check-4')
    assert.equal(missing.status, 'fail')
    assert.match(missing.summary, /, expected to contain \$default$/)
  })

  it("hands the value found on as ${id.outputs.value}, as the seeds' API_ID=$(…) does", async () => {
    const checked = await runChecklist(`# Test

## Checks

- [ ] API <!-- id: api; check: aws call="aws apigatewayv2 get-apis --region us-east-1 --query 'Items[?Name==\`dw-${run}-ws\`].ApiId'" -->
- [ ] Routes <!-- id: routes; check: aws call="aws apigatewayv2 get-routes --api-id \${api.outputs.value} --query 'Items[].RouteKey'" contains=$disconnect -->
`)
    const api = checked.result('api')
    assert.equal(api.status, 'pass', api.summary)
    assert.deepEqual(api.outputs, { value: apiId })
    const routes = checked.result('routes')
    assert.equal(routes.status, 'pass', routes.summary)
    assert.deepEqual(routes.evidence?.arguments, { ApiId: apiId })
  })

  it('keeps a value with spaces one argument, and a value like an option a value', async () => {
    const checked = await runChecklist(
      `---
vars:
  alarm: ${ALARM}
  sneaky: --region=eu-west-1
---
# Test

## Checks

- [ ] Alarm <!-- id: alarm; check: aws call="aws cloudwatch describe-alarms --alarm-names \${alarm} --query 'MetricAlarms[0].AlarmName'" equals="${ALARM}" -->
- [ ] Quoted <!-- id: quoted; check: aws call="aws cloudwatch describe-alarms --alarm-names '\${alarm}' --query 'MetricAlarms[].Threshold'" equals=[250] -->
- [ ] Sneaky <!-- id: sneaky; check: aws call="aws cloudwatch describe-alarms --alarm-names \${sneaky} --query MetricAlarms" empty=true -->
`,
    )
    const alarm = checked.result('alarm')
    assert.equal(alarm.status, 'pass', alarm.summary)
    assert.deepEqual(alarm.evidence?.arguments, { AlarmNames: [ALARM] })
    assert.equal(checked.result('quoted').status, 'pass', checked.result('quoted').summary)
    const sneaky = checked.result('sneaky')
    assert.equal(sneaky.status, 'pass', sneaky.summary)
    assert.deepEqual(sneaky.evidence?.arguments, { AlarmNames: ['--region=eu-west-1'] })
    assert.equal(sneaky.evidence?.region, 'us-east-1')
  })

  it('tells empty from non-empty: the default expects a value', async () => {
    const checked = await runChecklist(
      checklistOf(
        `aws call="aws cloudwatch describe-alarms --alarm-names dw-${run}-nope --query MetricAlarms" empty=true`,
        `aws call="aws cloudwatch describe-alarms --alarm-names dw-${run}-nope --query MetricAlarms"`,
        `aws call="aws cloudwatch describe-alarms --alarm-names '${ALARM}' --query MetricAlarms" empty=true`,
      ),
    )
    const empty = checked.result('check-1')
    assert.equal(empty.status, 'pass', empty.summary)
    assert.equal(empty.summary, 'MetricAlarms is [] (0 items)')
    const notEmpty = checked.result('check-2')
    assert.equal(notEmpty.status, 'fail')
    assert.equal(notEmpty.summary, 'MetricAlarms is [] (0 items), expected a value')
    const some = checked.result('check-3')
    assert.equal(some.status, 'fail')
    assert.match(some.summary, /^MetricAlarms is \[\{.*\(1 item\), expected nothing$/)
  })

  it('reads a DynamoDB table (describe-table --query), with times as the CLI shows them', async () => {
    const checked = await runChecklist(
      checklistOf(
        `aws call="aws dynamodb describe-table --table-name ${TABLE} --region us-east-1 --query 'Table.TableStatus'" equals=ACTIVE`,
        `aws call="aws dynamodb describe-table --table-name ${TABLE} --query 'Table.GlobalSecondaryIndexes[].IndexName'" contains=by-user`,
        `aws call="aws dynamodb describe-table --table-name ${TABLE} --query Table.CreationDateTime" matches=^\\d{4}-\\d\\d-\\d\\dT`,
      ),
    )
    for (const result of checked.results.values())
      assert.equal(result.status, 'pass', result.summary)
  })

  it('fails for a resource that does not exist, with AWS’s words; only empty=true passes', async () => {
    const checked = await runChecklist(
      checklistOf(
        `aws call="aws dynamodb describe-table --table-name dw-${run}-nope --query Table.TableStatus" equals=ACTIVE`,
        `aws call="aws dynamodb describe-table --table-name dw-${run}-nope" empty=true`,
        `aws call="aws dynamodb describe-table --table-name dw-${run}-nope --query 'Table.GlobalSecondaryIndexes'" count=0`,
        `aws call="aws dynamodb describe-table --table-name ${TABLE} --query 'Table.LocalSecondaryIndexes'" count=0`,
      ),
    )
    const missing = checked.result('check-1')
    assert.equal(missing.status, 'fail')
    assert.equal(missing.summary, 'Table.TableStatus is nothing, expected ACTIVE')
    assert.match(missing.details?.at(-1) ?? '', /^AWS said ResourceNotFoundException: /)
    const gone = checked.result('check-2')
    assert.equal(gone.status, 'pass', gone.summary)
    assert.equal(gone.summary, 'dynamodb describe-table found nothing (ResourceNotFoundException)')
    // A missing table has no list of indexes to count; a list AWS leaves out is empty.
    const uncounted = checked.result('check-3')
    assert.equal(uncounted.status, 'fail')
    assert.equal(uncounted.summary, 'Table.GlobalSecondaryIndexes is nothing, expected 0 items')
    assert.equal(checked.result('check-4').status, 'pass', checked.result('check-4').summary)
  })

  it("takes CloudFormation's “does not exist” for nothing, as the other services' NotFound", async () => {
    const checked = await runChecklist(
      checklistOf(
        `aws call="aws cloudformation describe-stacks --stack-name dw-${run}-gone --region us-east-1" empty=true`,
        `aws call="aws cloudformation describe-stacks --stack-name dw-${run}-gone --query 'Stacks[0].StackStatus'" equals=CREATE_COMPLETE`,
      ),
    )
    const gone = checked.result('check-1')
    assert.equal(gone.status, 'pass', gone.summary)
    assert.equal(gone.summary, 'cloudformation describe-stacks found nothing (ValidationError)')
    const missing = checked.result('check-2')
    assert.equal(missing.status, 'fail', missing.summary)
    assert.equal(missing.summary, 'Stacks[0].StackStatus is nothing, expected CREATE_COMPLETE')
  })

  it('compares JSON as JSON: spaces in equals= do not matter', async () => {
    const result = await check(
      `call="aws dynamodb describe-table --table-name ${TABLE} --query 'Table.KeySchema[0]'" equals='{"AttributeName": "pk", "KeyType": "HASH"}'`,
    )
    assert.equal(result.status, 'pass', result.summary)
  })

  it('reads security groups with lists, shorthand and JSON filters', async () => {
    const checked = await runChecklist(
      checklistOf(
        `aws call="aws ec2 describe-security-groups --group-ids ${groupId} --query \\"SecurityGroups[0].IpPermissions[?IpRanges[?CidrIp=='0.0.0.0/0']].FromPort\\"" empty=true`,
        `aws call="aws ec2 describe-security-groups --group-ids ${groupId} --query 'SecurityGroups[0].IpPermissions[].FromPort'" equals=[6379]`,
        `aws call="aws ec2 describe-security-groups --filters Name=group-name,Values=${GROUP} --query 'SecurityGroups[].GroupId'" count=1`,
        `aws call='aws ec2 describe-security-groups --filters "[{\\"Name\\":\\"group-name\\",\\"Values\\":[\\"${GROUP}\\"]}]" --query "SecurityGroups[].GroupName"' contains=${GROUP}`,
      ),
    )
    for (const [id, result] of checked.results)
      assert.equal(result.status, 'pass', `${id}: ${result.summary}`)
  })

  it('reads every page as the CLI does, or one with --no-paginate, or --max-items', async () => {
    const mine = `length(Topics[?contains(TopicArn, 'dw-${run}-topic-')])`
    const checked = await runChecklist(
      checklistOf(
        `aws call="aws sns list-topics --region us-east-1 --query \\"${mine}\\"" equals=${TOPICS}`,
        `aws call="aws sns list-topics --no-paginate --query 'length(Topics)'" max=100`,
        `aws call="aws sns list-topics --max-items 5 --query 'Topics'" count=5`,
      ),
    )
    const all = checked.result('check-1')
    assert.equal(all.status, 'pass', all.summary)
    assert.ok(Number(all.evidence?.pages) >= 2, `read ${all.evidence?.pages} pages`)
    const onePage = checked.result('check-2')
    assert.equal(onePage.status, 'pass', onePage.summary)
    assert.equal(onePage.evidence?.pages, undefined)
    assert.equal(checked.result('check-3').status, 'pass', checked.result('check-3').summary)
  })
})

describe('aws: secrets AWS does not mark sensitive', () => {
  const USER_DATA = `#!/bin/sh\nexport DB_PASSWORD=${SECRET_VALUE}\n`
  const CLIENT_SECRET = `oidc-${SECRET_VALUE}`
  let instanceId = ''
  let poolId = ''
  const cognito = new CognitoIdentityProviderClient(aws)
  after(() => cognito.destroy())

  before(async () => {
    const { Images } = await ec2.send(new DescribeImagesCommand({}))
    const image = Images?.[0]?.ImageId
    assert.ok(image, 'moto has an image to run')
    const { Instances } = await ec2.send(
      new RunInstancesCommand({
        ImageId: image,
        MinCount: 1,
        MaxCount: 1,
        UserData: Buffer.from(USER_DATA).toString('base64'),
      }),
    )
    instanceId = Instances?.[0]?.InstanceId ?? ''
    const pool = await cognito.send(new CreateUserPoolCommand({ PoolName: `dw-${run}-users` }))
    poolId = pool.UserPool?.Id ?? ''
    await cognito.send(
      new CreateIdentityProviderCommand({
        UserPoolId: poolId,
        ProviderName: 'corp',
        ProviderType: 'OIDC',
        ProviderDetails: {
          client_id: 'corp-client',
          client_secret: CLIENT_SECRET,
          attributes_request_method: 'GET',
          oidc_issuer: 'https://issuer.example.com',
          authorize_scopes: 'openid',
        },
      }),
    )
  })

  it("masks an instance's user data, which often holds the passwords it was started with", async () => {
    const checked = await runChecklist(
      checklistOf(
        `aws call="aws ec2 describe-instance-attribute --instance-id \${env:INSTANCE} --attribute userData --region us-east-1"`,
        `aws call="aws ec2 describe-instance-attribute --instance-id \${env:INSTANCE} --attribute userData --query UserData.Value"`,
      ),
      { processEnv: { ...process.env, INSTANCE: instanceId } },
    )
    assert.equal(checked.result('check-1').status, 'pass', checked.result('check-1').summary)
    assert.match(
      String(checked.result('check-1').evidence?.value),
      /"UserData":\{"Value":"\*\*\*"\}/,
    )
    // Masked, the value is still there: a check that an instance has user data still can.
    assert.equal(checked.result('check-2').status, 'pass', checked.result('check-2').summary)
    assert.equal(checked.result('check-2').summary, 'UserData.Value is ***')
    const encoded = Buffer.from(USER_DATA).toString('base64')
    assert.ok(!checked.everything.includes(encoded.slice(8, 40)), 'the user data never shows')
    assert.ok(!checked.everything.includes(SECRET_VALUE.slice(7, 30)))
  })

  it("masks an identity provider's client secret, and keeps its other details", async () => {
    const checked = await runChecklist(
      checklistOf(
        `aws call="aws cognito-idp describe-identity-provider --user-pool-id ${poolId} --provider-name corp --region us-east-1 --query IdentityProvider.ProviderDetails.client_secret"`,
        `aws call="aws cognito-idp describe-identity-provider --user-pool-id ${poolId} --provider-name corp --query IdentityProvider.ProviderDetails.client_id" equals=corp-client`,
      ),
    )
    const secret = checked.result('check-1')
    assert.equal(secret.status, 'pass', secret.summary)
    assert.equal(secret.summary, 'IdentityProvider.ProviderDetails.client_secret is ***')
    assert.equal(secret.outputs, undefined, 'a masked value is not handed on')
    assert.equal(checked.result('check-2').status, 'pass', checked.result('check-2').summary)
    assert.ok(!checked.everything.includes(CLIENT_SECRET.slice(5, 30)))
  })
})

describe('aws: what it refuses when the check runs', () => {
  it('names the options of the operation when one is not its own', async () => {
    const result = await check(
      `call="aws lambda get-function-configuration --functon-name ${FUNCTION}"`,
    )
    assert.equal(result.status, 'error')
    assert.equal(result.summary, 'lambda get-function-configuration has no option --functon-name')
    assert.deepEqual(result.details, ['its options: --function-name, --qualifier'])
  })

  it('says a value is not of the option’s type', async () => {
    const result = await check(`call="aws cloudwatch describe-alarms --max-records lots"`)
    assert.equal(result.status, 'error')
    assert.equal(result.summary, '--max-records lots: expected a number')
  })

  it('says a query that does not fit the answer failed on it', async () => {
    const result = await check(`call="aws sns list-topics --query 'abs(Topics)'"`)
    assert.equal(result.status, 'error')
    assert.equal(result.summary, '--query abs(Topics) failed on the answer')
  })

  it('says a query is not JMESPath', async () => {
    const result = await check(`call="aws sns list-topics --query 'Topics[?'"`)
    assert.equal(result.status, 'error')
    assert.equal(result.summary, '--query Topics[? is not valid JMESPath')
    assert.match(result.details?.[0] ?? '', /^JMESPath says: /)
  })
})

/** The problems `validate` reports for a checklist with these directives. */
function problemsOf(...directives: string[]): string[] {
  const { problems } = parseChecklist(checklistOf(...directives), { path: 'inline.md' })
  return problems.map((p) => `${p.message}${p.hint ? ` — ${p.hint}` : ''}`)
}

describe('aws: what validate refuses, without loading the SDK', () => {
  it('refuses an operation that is not a read, naming it', () => {
    const [problem] = problemsOf(
      'aws call="aws cognito-idp delete-group --user-pool-id p --group-name TENANT_USER"',
    )
    assert.match(
      problem ?? '',
      /^aws call: cognito-idp delete-group is not a read operation: only describe-, get-, list-, head-, lookup- and search- operations are called/,
    )
  })

  it('refuses reads that return a secret, a credential or data, saying why', () => {
    const refusals = {
      'sts get-session-token': /sts get-session-token is not called: it returns credentials/,
      'ecr get-authorization-token': /it returns a registry credential/,
      's3api get-object --bucket b --key k out.txt':
        /s3api get-object is not called: it reads an object's content/,
      'dynamodb get-item --table-name t --key {}': /it reads a table's data/,
      'logs get-log-events --log-group-name g --log-stream-name s': /it reads log contents/,
      'ssm get-command-invocation --command-id c --instance-id i': /it reads a command's output/,
      'wafv2 list-api-keys --scope REGIONAL': /it lists the API keys themselves/,
      'apigateway get-usage-plan-keys --usage-plan-id u1': /it returns the API keys' values/,
      'ec2 get-password-data --instance-id i-1': /administrator password/,
      'dynamodb scan --table-name t': /dynamodb scan is not a read operation/,
      'dynamodb batch-get-item --request-items {}':
        /dynamodb batch-get-item is not a read operation/,
      'kms decrypt --ciphertext-blob x':
        /does not include the AWS service 'kms' — it includes: acm, /,
    }
    for (const [call, expected] of Object.entries(refusals)) {
      assert.match(problemsOf(`aws call="aws ${call}"`)[0] ?? '', expected, call)
    }
  })

  it('refuses reads that return a secret value', () => {
    assert.match(
      problemsOf('aws call="aws secretsmanager get-secret-value --secret-id db"')[0] ?? '',
      /secretsmanager get-secret-value is not called: it returns the secret's value/,
    )
    assert.match(
      problemsOf('aws call="aws ssm get-parameter --name /db/password --with-decryption"')[0] ?? '',
      /--with-decryption is not accepted/,
    )
  })

  it('refuses a decrypting option however it is spelt, as the SDK would match it', () => {
    for (const written of ['--withDecryption', '--WithDecryption', '--with-Decryption=true']) {
      assert.match(
        problemsOf(`aws call="aws ssm get-parameters-by-path --path /db ${written}"`)[0] ?? '',
        /--with-decryption is not accepted — it decrypts SecureString values/,
        written,
      )
    }
    assert.match(
      problemsOf('aws call="aws apigateway get-api-key --api-key k1 --includeValue"')[0] ?? '',
      /--include-value is not accepted/,
    )
  })

  it('refuses a service the build does not include, naming those it does', () => {
    const [problem] = problemsOf('aws call="aws kafka list-clusters"')
    assert.match(
      problem ?? '',
      /this build does not include the AWS service 'kafka' — it includes: acm, .*cognito-idp, .*elbv2, .*s3api, .*wafv2$/,
    )
  })

  it("refuses the CLI's own options given what they cannot take", () => {
    assert.deepEqual(problemsOf('aws call="aws sns list-topics --max-items lots"'), [
      'aws call: --max-items lots: expected a whole number — such as --max-items 10',
    ])
    assert.match(
      problemsOf('aws call="aws sns list-topics --endpoint-url http://localhost:4566"')[0] ?? '',
      /--endpoint-url is not accepted — the checks take the endpoint from AWS_ENDPOINT_URL/,
    )
  })

  it('refuses an operation the service does not have, suggesting the near ones', () => {
    const [problem] = problemsOf('aws call="aws lambda get-function-config --function-name x"')
    assert.equal(
      problem,
      'aws call: lambda has no read operation get-function-config — did you mean: get-function, get-function-configuration?',
    )
  })

  it('refuses shell: pipes, variables, and a service from a reference', () => {
    assert.match(
      problemsOf('aws call="aws sns list-topics | grep alarms"')[0] ?? '',
      /a pipe \(\|\) is shell/,
    )
    assert.match(
      problemsOf('aws call="aws apigatewayv2 get-routes --api-id $API_ID"')[0] ?? '',
      /\$API_ID would be expanded by a shell.*\$\{env:NAME\}/,
    )
    assert.match(
      problemsOf('aws call="aws ${service} list-topics"')[0] ?? '',
      /the service cannot come from a \$\{…\} reference/,
    )
  })

  it('accepts the seeds’ commands as written', () => {
    assert.deepEqual(
      problemsOf(
        `aws call="aws apigatewayv2 get-apis --region us-east-1 --query 'Items[?Name==\`session-websocket-api-dev\`].ApiId' --output text"`,
        `aws call="aws cognito-idp list-user-pools --max-results 10 --query \\"UserPools[?Name=='alquimista-users-dev'].Id\\" --output text"`,
        'aws call="aws ec2 describe-security-groups --group-ids ${env:SG} --query \\"SecurityGroups[0].IpPermissions\\""',
        'aws call="aws dynamodb describe-table --table-name Connections-${env} --region us-east-1 --query \'Table.GlobalSecondaryIndexes\'"',
      ),
      [],
    )
  })

  it("names the operation's own IAM action, as IAM spells it", () => {
    const item = (directive: string) =>
      parseChecklist(checklistOf(directive), { path: 'inline.md' }).checklist.items[0]
    const actions = (directive: string) => {
      const found = item(directive)
      assert.ok(found)
      return iamActionsOf(found)
    }
    assert.deepEqual(
      actions('aws call="aws lambda get-function-configuration --function-name ${fn}"'),
      ['lambda:GetFunctionConfiguration'],
    )
    assert.deepEqual(actions('aws call="rds describe-db-instances --db-instance-identifier db"'), [
      'rds:DescribeDBInstances',
    ])
    assert.deepEqual(actions('aws call="aws elbv2 describe-target-health --target-group-arn x"'), [
      'elasticloadbalancing:DescribeTargetHealth',
    ])
    // Where IAM's name is not the operation's: every API Gateway read is apigateway:GET, and S3's
    // differ by bucket and object.
    assert.deepEqual(actions('aws call="aws apigatewayv2 get-routes --api-id a1"'), [
      'apigateway:GET',
    ])
    assert.deepEqual(actions('aws call="aws apigateway get-rest-apis"'), ['apigateway:GET'])
    assert.deepEqual(actions('aws call="aws s3api list-objects-v2 --bucket b"'), ['s3:ListBucket'])
    assert.deepEqual(actions('aws call="aws s3api head-bucket --bucket b"'), ['s3:ListBucket'])
    assert.deepEqual(actions('aws call="aws s3api get-bucket-encryption --bucket b"'), [
      's3:GetEncryptionConfiguration',
    ])
    assert.deepEqual(actions('aws call="aws s3api get-public-access-block --bucket b"'), [
      's3:GetBucketPublicAccessBlock',
    ])
    assert.deepEqual(actions('aws call="aws s3api list-buckets"'), ['s3:ListAllMyBuckets'])
    assert.deepEqual(actions('aws call="aws lambda delete-function --function-name x"'), [])
  })
})

describe('aws: iam-policy', () => {
  it("puts each call's own action in the policy, once, beside the other kinds'", () => {
    const { checklist } = parseChecklist(
      checklistOf(
        'aws call="aws lambda get-function-configuration --function-name api-${env} --query Runtime" equals=nodejs20.x',
        'aws call="aws apigatewayv2 get-routes --api-id ${env:API_ID} --query \'Items[].RouteKey\'" count=>=3',
        'aws call="aws lambda get-function-configuration --function-name worker-${env}"',
        'secret name=db',
      ),
      { path: 'inline.md' },
    )
    const policy = iamPolicy(checklist, 'dev') as { Statement: { Sid: string; Action: string[] }[] }
    assert.deepEqual(policy.Statement[0]?.Action, [
      'apigateway:GET',
      'lambda:GetFunctionConfiguration',
      'secretsmanager:DescribeSecret',
    ])
  })
})

describe('aws: errors, against the fault server', async () => {
  const fault = await startAwsFaultServer()
  after(() => fault.close())
  const THROTTLED: AwsReply = {
    error: 'ThrottlingException',
    message: 'Rate exceeded',
    status: 400,
  }
  const atFault = <T>(body: () => Promise<T>) => withEnv({ AWS_ENDPOINT_URL: fault.url }, body)
  const table = { result: { Table: { TableName: 'Sessions', TableStatus: 'ACTIVE' } } }

  it('retries throttling, then passes', async () => {
    fault.script((_, n) => (n <= 2 ? THROTTLED : table))
    const result = await atFault(() =>
      check(
        'call="aws dynamodb describe-table --table-name Sessions --query Table.TableStatus" equals=ACTIVE',
      ),
    )
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(result.attempts, 3)
  })

  it('gives up with an error naming the call when the throttling does not stop', async () => {
    fault.script(() => THROTTLED)
    const result = await atFault(() =>
      check('call="aws dynamodb describe-table --table-name Sessions"'),
    )
    assert.equal(result.status, 'error')
    assert.match(result.summary, /AWS throttled dynamodb:DescribeTable/)
  })

  it('gives up on an endpoint that never answers, and says so', async () => {
    fault.script(() => 'hang')
    const result = await atFault(() =>
      check('call="aws dynamodb describe-table --table-name Sessions"', {
        awsRequestTimeoutMs: 200,
      }),
    )
    assert.equal(result.status, 'error')
    assert.match(result.summary, /^no answer from .* to dynamodb:DescribeTable/)
  })

  it('names the IAM action when access is denied', async () => {
    fault.script(() => ({ error: 'AccessDeniedException', message: 'not allowed', status: 400 }))
    const result = await atFault(() => check('call="aws dynamodb list-tables"'))
    assert.equal(result.status, 'error')
    assert.equal(result.summary, 'access denied: the AWS identity may not call dynamodb:ListTables')
  })

  it('stops after 100 pages of a call that never ends, and says so', async () => {
    fault.script((_, n) => ({
      result: { TableNames: [`t-${n}`], LastEvaluatedTableName: `t-${n}` },
    }))
    const result = await atFault(() =>
      check(`call="aws dynamodb list-tables --query 'length(TableNames)'" equals=100`),
    )
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(fault.requests.length, 100)
    assert.equal(result.evidence?.pages, 100)
    assert.equal(result.evidence?.cut, 'stopped after 100 pages')
    assert.match(result.details?.[0] ?? '', /^read the first 100 pages only/)
  })

  it('errors with what to set when there are no credentials', async () => {
    fault.script(() => table)
    const result = await withEnv(
      {
        AWS_ENDPOINT_URL: fault.url,
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined,
      },
      () => check('call="aws dynamodb list-tables"'),
    )
    assert.equal(result.status, 'error')
    assert.equal(result.summary, 'no AWS credentials')
    assert.equal(fault.requests.length, 0)
  })
})
