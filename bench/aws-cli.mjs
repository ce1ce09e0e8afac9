/**
 * Against what operators do today: every AWS item of the session-management
 * checklist (seed 003) through `deploy-wizard check --only` those items,
 * against the AWS CLI commands the checklist itself lists (its "Verification
 * Commands"), completed so that they verify the same items, run one after
 * another as an operator would. Both talk to one moto_server (started here on
 * a free port, the deploy made with the AWS SDK, stopped at the end), through
 * a small front that answers API Gateway v2's GetAuthorizers, which moto lacks,
 * and passes every other request through.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  BIN,
  freePort,
  interleave,
  isMain,
  NODE,
  ROOT,
  report,
  row,
  sleep,
  timeRun,
} from './lib.mjs'

const MOTO = process.env.MOTO_SERVER ?? '/root/.pyenv/shims/moto_server'
const AWS_CLI = process.env.AWS_CLI ?? 'aws'
const CHECKLIST = join(ROOT, 'checklists', 'session-management-websocket.md')
const REGION = 'us-east-1'
const TABLES = ['Sessions-dev', 'Connections-dev', 'RateLimits-dev']
const FUNCTIONS = [
  ['session-authorizer-dev', 128, 10],
  ['session-connection-handler-dev', 256, 30],
  ['session-heartbeat-handler-dev', 128, 10],
  ['session-disconnect-handler-dev', 256, 30],
  ['session-refresh-handler-dev', 256, 30],
]
const ALARMS = [
  'session-creation-latency-dev',
  'connection-errors-dev',
  'active-sessions-limit-dev',
  'authorizer-errors-dev',
  'connection-handler-errors-dev',
  'heartbeat-handler-errors-dev',
  'disconnect-handler-errors-dev',
  'refresh-handler-errors-dev',
]
const API = 'session-websocket-api-dev'
const TOPIC = 'session-management-alarms-dev'
/** The kinds that do not talk to AWS: every other kind's items are the AWS items. */
const LOCAL_KINDS = new Set(['http', 'tcp', 'port', 'command', 'tool', 'env', 'file'])

async function startMoto() {
  const port = await freePort()
  const child = spawn(MOTO, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: 'ignore',
    detached: true,
  })
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; i < 150; i++) {
    try {
      await fetch(`${url}/moto-api/`)
      return { url, child }
    } catch {
      await sleep(100)
    }
  }
  process.kill(-child.pid, 'SIGTERM')
  throw new Error('moto_server did not start')
}

/**
 * In front of moto: GetAuthorizers (GET /v2/apis/{id}/authorizers) answered
 * from what `provision` made; everything else passed to moto as it came.
 */
async function startFront(motoUrl, authorizers) {
  const moto = new URL(motoUrl)
  const server = createServer((req, res) => {
    const listed = /^\/v2\/apis\/([^/?]+)\/authorizers(?:\?|$)/.exec(req.url ?? '')
    if (req.method === 'GET' && listed) {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ items: authorizers.get(listed[1]) ?? [] }))
      return
    }
    const upstream = httpRequest(
      {
        host: moto.hostname,
        port: moto.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      },
    )
    upstream.on('error', () => res.destroy())
    req.pipe(upstream)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() }
}

/** Dev as the checklist expects it (as test/bundled/fixtures/session-management-websocket.ts makes it). */
async function provision(endpoint, authorizers) {
  const config = {
    endpoint,
    region: REGION,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  }
  const [cfn, ddb, iam, lambda, logs, v2, cognito, sns, cloudwatch] = await Promise.all([
    import('@aws-sdk/client-cloudformation'),
    import('@aws-sdk/client-dynamodb'),
    import('@aws-sdk/client-iam'),
    import('@aws-sdk/client-lambda'),
    import('@aws-sdk/client-cloudwatch-logs'),
    import('@aws-sdk/client-apigatewayv2'),
    import('@aws-sdk/client-cognito-identity-provider'),
    import('@aws-sdk/client-sns'),
    import('@aws-sdk/client-cloudwatch'),
  ])

  const dynamodb = new ddb.DynamoDBClient(config)
  const key = (name) => ({
    AttributeDefinitions: [{ AttributeName: name, AttributeType: 'S' }],
    KeySchema: [{ AttributeName: name, KeyType: 'HASH' }],
  })
  await dynamodb.send(
    new ddb.CreateTableCommand({
      TableName: 'Sessions-dev',
      BillingMode: 'PAY_PER_REQUEST',
      ...key('sessionId'),
    }),
  )
  await dynamodb.send(
    new ddb.CreateTableCommand({
      TableName: 'Connections-dev',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'connectionId', AttributeType: 'S' },
        { AttributeName: 'sessionId', AttributeType: 'S' },
        { AttributeName: 'targetLanguage', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'connectionId', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'sessionId-targetLanguage-index',
          KeySchema: [
            { AttributeName: 'sessionId', KeyType: 'HASH' },
            { AttributeName: 'targetLanguage', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  )
  await dynamodb.send(
    new ddb.CreateTableCommand({
      TableName: 'RateLimits-dev',
      BillingMode: 'PAY_PER_REQUEST',
      ...key('key'),
    }),
  )
  for (const [table, attribute] of [
    ['Sessions-dev', 'expiresAt'],
    ['Connections-dev', 'ttl'],
    ['RateLimits-dev', 'expiresAt'],
  ]) {
    await dynamodb.send(
      new ddb.UpdateTimeToLiveCommand({
        TableName: table,
        TimeToLiveSpecification: { Enabled: true, AttributeName: attribute },
      }),
    )
  }

  const { Role } = await new iam.IAMClient(config).send(
    new iam.CreateRoleCommand({ RoleName: 'session-lambda', AssumeRolePolicyDocument: '{}' }),
  )
  const functions = new lambda.LambdaClient(config)
  const logGroups = new logs.CloudWatchLogsClient(config)
  for (const [name, memory, timeout] of FUNCTIONS) {
    await functions.send(
      new lambda.CreateFunctionCommand({
        FunctionName: name,
        Runtime: 'python3.11',
        Handler: 'handler.lambda_handler',
        Role: Role.Arn,
        // The smallest zip: moto keeps the configuration without running the code.
        Code: { ZipFile: Buffer.from('504b0506000000000000000000000000000000000000', 'hex') },
        MemorySize: memory,
        Timeout: timeout,
      }),
    )
    const group = `/aws/lambda/${name}`
    await logGroups.send(new logs.CreateLogGroupCommand({ logGroupName: group }))
    await logGroups.send(
      new logs.PutRetentionPolicyCommand({ logGroupName: group, retentionInDays: 1 }),
    )
  }

  const apis = new v2.ApiGatewayV2Client(config)
  const { ApiId } = await apis.send(
    new v2.CreateApiCommand({
      Name: API,
      ProtocolType: 'WEBSOCKET',
      RouteSelectionExpression: '$request.body.action',
    }),
  )
  const authorizer = {
    name: 'session-authorizer-dev',
    authorizerType: 'REQUEST',
    authorizerUri: `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/arn:aws:lambda:${REGION}:123456789012:function:session-authorizer-dev/invocations`,
    identitySource: ['route.request.querystring.token'],
  }
  const { AuthorizerId } = await apis.send(
    new v2.CreateAuthorizerCommand({
      ApiId,
      Name: authorizer.name,
      AuthorizerType: authorizer.authorizerType,
      AuthorizerUri: authorizer.authorizerUri,
      IdentitySource: authorizer.identitySource,
    }),
  )
  authorizers.set(ApiId, [{ authorizerId: AuthorizerId, ...authorizer }])
  for (const route of ['$connect', '$disconnect', 'heartbeat', 'refreshConnection']) {
    await apis.send(
      new v2.CreateRouteCommand({
        ApiId,
        RouteKey: route,
        ...(route === '$connect'
          ? { AuthorizationType: 'CUSTOM', AuthorizerId }
          : { AuthorizationType: 'NONE' }),
      }),
    )
  }
  await apis.send(
    new v2.CreateStageCommand({
      ApiId,
      StageName: 'prod',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingBurstLimit: 5000, ThrottlingRateLimit: 10000 },
    }),
  )

  const pools = new cognito.CognitoIdentityProviderClient(config)
  const { UserPool } = await pools.send(
    new cognito.CreateUserPoolCommand({ PoolName: 'translation-speakers' }),
  )
  await pools.send(
    new cognito.CreateUserPoolClientCommand({
      UserPoolId: UserPool.Id,
      ClientName: 'translation-web-client',
    }),
  )

  const topics = new sns.SNSClient(config)
  const { TopicArn } = await topics.send(new sns.CreateTopicCommand({ Name: TOPIC }))
  await topics.send(
    new sns.SubscribeCommand({ TopicArn, Protocol: 'email', Endpoint: 'oncall@example.com' }),
  )
  const alarms = new cloudwatch.CloudWatchClient(config)
  for (const name of ALARMS) {
    await alarms.send(
      new cloudwatch.PutMetricAlarmCommand({
        AlarmName: name,
        Namespace: 'SessionManagement',
        MetricName: name,
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [TopicArn],
      }),
    )
  }

  const stacks = new cfn.CloudFormationClient(config)
  for (const [name, outputs] of [
    ['CDKToolkit', { BucketName: 'cdk-hnb659fds-assets-dev' }],
    [
      'SessionManagement-dev',
      {
        WebSocketAPIEndpoint: `wss://${ApiId}.execute-api.${REGION}.amazonaws.com/prod`,
        AlarmTopicArn: TopicArn,
      },
    ],
  ]) {
    const entries = Object.entries(outputs)
    await stacks.send(
      new cfn.CreateStackCommand({
        StackName: name,
        TemplateBody: JSON.stringify({
          Parameters: Object.fromEntries(entries.map(([k]) => [k, { Type: 'String' }])),
          Resources: { Handle: { Type: 'AWS::CloudFormation::WaitConditionHandle' } },
          Outputs: Object.fromEntries(entries.map(([k]) => [k, { Value: { Ref: k } }])),
        }),
        Parameters: entries.map(([k, v]) => ({ ParameterKey: k, ParameterValue: v })),
      }),
    )
    await cfn.waitUntilStackCreateComplete(
      { client: stacks, maxWaitTime: 30, minDelay: 1 },
      { StackName: name },
    )
  }
  for (const client of [dynamodb, functions, logGroups, apis, pools, topics, alarms, stacks]) {
    client.destroy()
  }
}

/**
 * What an operator runs to verify the same items: the checklist's own
 * "Verification Commands" in order (their `| grep` left out), the per-table
 * and per-function ones completed for every table and function the items
 * name, then the calls for the items its lists leave out (the account, the
 * stacks, Cognito's pool and app client, the log groups, the stage). `$API_ID` is taken from the
 * command that prints it, as the checklist does.
 */
function operatorCommands() {
  const listed = [
    ['dynamodb', 'list-tables'],
    ...TABLES.flatMap((table) => [
      ['dynamodb', 'describe-table', '--table-name', table],
      ['dynamodb', 'describe-time-to-live', '--table-name', table],
    ]),
    ['lambda', 'list-functions'],
    ['lambda', 'get-function', '--function-name', 'session-connection-handler-dev'],
    ...FUNCTIONS.map(([name]) => ['lambda', 'get-function-configuration', '--function-name', name]),
    ['apigatewayv2', 'get-apis'],
    [
      'apigatewayv2',
      'get-apis',
      '--query',
      `Items[?Name==\`${API}\`].ApiId`,
      '--output',
      'text',
      { capture: 'API_ID' },
    ],
    ['apigatewayv2', 'get-routes', '--api-id', '$API_ID'],
    ['apigatewayv2', 'get-authorizers', '--api-id', '$API_ID'],
    ['cloudwatch', 'describe-alarms'],
    ['sns', 'list-topics'],
    ['sns', 'list-subscriptions'],
  ]
  const added = [
    ['sts', 'get-caller-identity'],
    ['cloudformation', 'describe-stacks', '--stack-name', 'CDKToolkit'],
    ['cloudformation', 'describe-stacks', '--stack-name', 'SessionManagement-dev'],
    [
      'cognito-idp',
      'list-user-pools',
      '--max-results',
      '60',
      '--query',
      'UserPools[?Name==`translation-speakers`].Id',
      '--output',
      'text',
      { capture: 'POOL_ID' },
    ],
    ['cognito-idp', 'list-user-pool-clients', '--user-pool-id', '$POOL_ID'],
    ['logs', 'describe-log-groups', '--log-group-name-prefix', '/aws/lambda/session-'],
    ['apigatewayv2', 'get-stages', '--api-id', '$API_ID'],
  ]
  return { listed, added }
}

export async function run({ reps = 5 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'dw-bench-aws-'))
  const moto = await startMoto()
  const authorizers = new Map()
  const front = await startFront(moto.url, authorizers)
  try {
    await provision(moto.url, authorizers)
    const env = {
      ...process.env,
      NO_COLOR: '1',
      DEPLOY_WIZARD_HOME: join(dir, 'home'),
      AWS_ENDPOINT_URL: front.url,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: REGION,
      AWS_CONFIG_FILE: join(dir, 'none'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
    }
    const plan = JSON.parse(
      (await timeRun([NODE, BIN, 'plan', CHECKLIST, '--env', 'dev', '--json'], { env })).stdout,
    )
    const ids = []
    const kinds = new Set()
    const walk = (node) => {
      for (const item of node.items ?? []) {
        if (item.applies && item.check && !LOCAL_KINDS.has(item.check.kind)) {
          ids.push(item.id)
          kinds.add(item.check.kind)
        }
      }
      for (const child of [...(node.sections ?? []), ...(node.phases ?? [])]) walk(child)
    }
    walk(plan)
    const { listed, added } = operatorCommands()
    const commands = [...listed, ...added]
    const problems = new Set()
    const sequential = async () => {
      const started = performance.now()
      const captured = {}
      for (const command of commands) {
        const options = typeof command.at(-1) === 'object' ? command.at(-1) : {}
        const args = command
          .filter((arg) => typeof arg === 'string')
          .map((arg) => (arg.startsWith('$') ? (captured[arg.slice(1)] ?? arg) : arg))
        const r = await timeRun([AWS_CLI, ...args], { env })
        if (r.code !== 0)
          problems.add(`aws ${args.join(' ')}: ${r.stderr.trim().split('\n').at(-1)}`)
        if (options.capture) captured[options.capture] = r.stdout.trim()
      }
      return performance.now() - started
    }
    const check = async () => {
      const r = await timeRun(
        [NODE, BIN, 'check', CHECKLIST, '--env', 'dev', '--only', ids.join(','), '--json'],
        { env },
      )
      if (r.code !== 0) {
        // A figure for a check that did not pass would measure the wrong thing.
        throw new Error(`check failed (exit ${r.code}):\n${r.stdout.slice(0, 2000)}${r.stderr}`)
      }
      return r.ms
    }
    const result = await interleave(sequential, check, { reps, warmup: 1 })
    if (problems.size > 0) {
      throw new Error(`AWS CLI commands failed:\n${[...problems].join('\n')}`)
    }
    const rows = [
      row(
        `\`check\` of the ${ids.length} AWS items vs ${commands.length} AWS CLI commands in a row`,
        result.subject,
        result.ref,
        null,
      ),
    ]
    const notes = [
      `the AWS items: every item of ${CHECKLIST.slice(ROOT.length + 1)} that applies to dev whose check talks to AWS (${[...kinds].sort().join(', ')}), one \`check --only\` run`,
      `operator: the checklist's own Verification Commands in order (${listed.length}, \`describe-table\`, \`describe-time-to-live\` and \`get-function-configuration\` repeated for every table and function the items name; \`$API_ID\` from its \`get-apis --query\`), then ${added.length} for what its lists leave out (\`sts get-caller-identity\`, two \`cloudformation describe-stacks\`, \`cognito-idp list-user-pools\` and \`list-user-pool-clients\`, \`logs describe-log-groups\`, \`apigatewayv2 get-stages\`); AWS CLI v1, one after another, without reading the output`,
      `both against one moto_server on a free port (behind a pass-through front that answers GetAuthorizers, which moto lacks); medians of ${reps} interleaved runs; every check run passed`,
    ]
    return report('Against the AWS CLI', rows, notes)
  } finally {
    front.close()
    try {
      process.kill(-moto.child.pid, 'SIGTERM')
    } catch {}
    rmSync(dir, { recursive: true, force: true })
  }
}

if (isMain(import.meta.url)) await run()
