/**
 * A deployed environment, made locally, for one bundled checklist: what the
 * checklist expects to find for `dev`, built from real parts.
 *
 *  - AWS: an account of its own in moto (moto gives each assumed role's account
 *    its own stacks, tables and secrets), so sandboxes never see each other's
 *    `Sessions-dev`. Stack states moto cannot produce (UPDATE_ROLLBACK_COMPLETE)
 *    come from a small CloudFormation front that asks moto for everything and
 *    changes only the status of the stacks it is told about. Other states moto
 *    cannot produce (a target failing its health checks, a setting moto does not
 *    keep) come from a front that passes every request to moto as it is and edits
 *    only the answers it is told to (`editAnswers`).
 *  - PostgreSQL: a database of its own in the throwaway cluster `npm test` starts.
 *  - HTTP services and TCP listeners on 127.0.0.1, random ports.
 *  - The operator's project: a folder with the files and Makefile the checklist
 *    looks at, and a `bin/` put first on PATH for the tools it asks for.
 *
 * `env` is the process environment the checks run with; `normalize` replaces
 * every value that changes from run to run (ports, account, folders) with a
 * stable name, so a sheet can be compared with a golden file.
 */

import { randomBytes } from 'node:crypto'
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import {
  ApiGatewayV2Client,
  CreateApiCommand,
  CreateAuthorizerCommand,
  CreateRouteCommand,
  CreateStageCommand,
} from '@aws-sdk/client-apigatewayv2'
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  waitUntilStackCreateComplete,
} from '@aws-sdk/client-cloudformation'
import {
  CloudWatchClient,
  PutMetricAlarmCommand,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch'
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs'
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider'
import {
  CreateTableCommand,
  DynamoDBClient,
  UpdateContinuousBackupsCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb'
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam'
import {
  CreateFunctionCommand,
  type CreateFunctionCommandInput,
  LambdaClient,
} from '@aws-sdk/client-lambda'
import {
  CreateSecretCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager'
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns'
import pg from 'pg'
import { type AwsFaultServer, startAwsFaultServer } from '../helpers/aws-fault-server.ts'
import { selfSignedCertificate } from '../helpers/certificate.ts'
import { backend } from '../helpers/checks.ts'
import { assumeMotoAccount, credentialsEnv, newAccountId } from '../helpers/moto-accounts.ts'
import {
  type LocalServer,
  startHttpServer,
  startTcpServer,
  type TcpServer,
} from '../helpers/servers.ts'

export const REGION = 'us-east-1'

export interface TableSpec {
  readonly name: string
  /** Hash key attribute (a string). */
  readonly key?: string
  readonly billing?: 'on-demand' | 'provisioned'
  /** Attribute TTL is enabled on; none: TTL off. */
  readonly ttl?: string
  /** Global secondary indexes, by name (hash key = the index's first word). */
  readonly gsi?: readonly string[]
  readonly pitr?: boolean
  /** The table's stream, of this view type; none: no stream. */
  readonly stream?: 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES' | 'KEYS_ONLY'
}

export interface ApiSpec {
  readonly name: string
  /** Default WEBSOCKET. */
  readonly protocol?: 'WEBSOCKET' | 'HTTP'
  /** Lambda (REQUEST) authorizers: name → the function that answers. */
  readonly authorizers?: Readonly<Record<string, string>>
  /** Route keys, each with the authorizer attached to it (CUSTOM authorization), if any. */
  readonly routes?: readonly { readonly key: string; readonly authorizer?: string }[]
  /** A stage, auto-deployed (moto keeps no deployments), with default route throttling if given. */
  readonly stage?: {
    readonly name: string
    readonly throttling?: { readonly burst: number; readonly rate: number }
  }
}

export interface AlarmSpec {
  readonly name: string
  /** Topic ARNs told when it goes into ALARM. */
  readonly actions?: readonly string[]
  /** Default OK (moto's state for a new alarm). */
  readonly state?: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'
  /** CloudWatch's reason for the state. */
  readonly reason?: string
}

/** What a Lambda function is deployed with; the rest is Lambda's default. */
export type FunctionSpec = Partial<
  Omit<CreateFunctionCommandInput, 'FunctionName' | 'Role' | 'Code'>
>

/** The smallest zip there is: moto keeps a function's configuration without running its code. */
const EMPTY_ZIP = Buffer.from('504b0506000000000000000000000000000000000000', 'hex')

/** How the sandbox's SDK clients reach its account in moto. */
export interface SandboxAwsConfig {
  readonly region: string
  readonly endpoint: string
  readonly credentials: {
    readonly accessKeyId: string
    readonly secretAccessKey: string
    readonly sessionToken: string
  }
}

export interface Database {
  readonly url: string
  readonly host: string
  readonly port: number
  readonly user: string
  readonly password: string
  readonly name: string
  /** Runs SQL (several statements allowed) as the owner. */
  exec(sql: string): Promise<void>
  /** Runs one statement with `$1`… parameters as the owner; returns its rows. */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>
}

export class Sandbox {
  readonly env: Record<string, string> = {}
  readonly project: string
  readonly home: string
  readonly accountId: string
  private readonly dir: string
  private readonly cleanups: (() => Promise<void>)[] = []
  private readonly stable = new Map<string, string>()
  private awsConfig!: SandboxAwsConfig
  private lambdaRole: Promise<string> | null = null
  private front: AwsFaultServer | null = null
  /** What GetAuthorizers answers, by API id: moto keeps authorizers but cannot list them. */
  private readonly authorizers = new Map<string, Record<string, unknown>[]>()
  private apiGatewayFront: AwsFaultServer | null = null
  /** The front for `editAnswers`, and its edits by `<signing name>:<action>`. */
  private editingFront: LocalServer | null = null
  private readonly edits = new Map<string, ((body: string) => string)[]>()
  private readonly statusOverrides = new Map<string, { status: string; reason: string }>()
  /** Certificates of the HTTPS services, trusted by the checks (NODE_EXTRA_CA_CERTS). */
  private readonly trusted: string[] = []

  private constructor(dir: string, accountId: string) {
    this.dir = dir
    this.project = join(dir, 'project')
    this.home = join(dir, 'home')
    this.accountId = accountId
    this.name(dir, '<sandbox>')
    this.name(accountId, '<account>')
  }

  /** A new sandbox, with its own AWS account and an empty project. */
  static async open(label: string): Promise<Sandbox> {
    const dir = await mkdtemp(join(tmpdir(), `dw-bundled-${label}-`))
    const accountId = newAccountId()
    const sandbox = new Sandbox(dir, accountId)
    await mkdir(join(sandbox.project, 'bin'), { recursive: true })
    await mkdir(sandbox.home, { recursive: true })
    await sandbox.assumeAccount()
    Object.assign(sandbox.env, {
      DEPLOY_WIZARD_HOME: sandbox.home,
      PATH: `${join(sandbox.project, 'bin')}:${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
      AWS_ENDPOINT_URL: backend('moto'),
      AWS_REGION: REGION,
      AWS_CONFIG_FILE: '/nonexistent/deploy-wizard-test/config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/deploy-wizard-test/credentials',
      AWS_EC2_METADATA_DISABLED: 'true',
    })
    return sandbox
  }

  /** Replaces `value` by `name` in `normalize`. */
  name(value: string, name: string): void {
    if (value) this.stable.set(value, name)
  }

  /** `text` with every run-specific value replaced by its stable name. */
  normalize(text: string): string {
    let out = text
    const values = [...this.stable.keys()].sort((a, b) => b.length - a.length)
    for (const value of values) out = out.replaceAll(value, this.stable.get(value) as string)
    return out
  }

  // ---- AWS ----

  /**
   * Credentials of a role in an account of our own: moto keeps each account's
   * resources apart, so sandboxes running side by side never meet.
   */
  private async assumeAccount(): Promise<void> {
    const credentials = await assumeMotoAccount(this.accountId)
    Object.assign(this.env, credentialsEnv(credentials))
    this.awsConfig = { region: REGION, endpoint: backend('moto'), credentials }
  }

  get cloudformation(): CloudFormationClient {
    return new CloudFormationClient(this.awsConfig)
  }

  /**
   * An AWS SDK client acting in this sandbox's account (in moto), for what a
   * fixture builds itself: `sandbox.aws(EC2Client)`.
   */
  aws<Client>(Client: new (config: SandboxAwsConfig) => Client): Client {
    return new Client(this.awsConfig)
  }

  /**
   * From now on the checks' calls to one AWS service go through a front that
   * passes every request to moto as it is and hands moto's answer to `action`
   * (its body: JSON or XML, as the service writes it) to `edit`, which returns
   * what the checks get instead: for states moto cannot produce. `service` is
   * the service's signing name (`rds`, `elasticloadbalancing`, `ecs`) and
   * `endpoint` the suffix of its `AWS_ENDPOINT_URL_<SERVICE>` variable
   * (`RDS`, `ELASTIC_LOAD_BALANCING_V2`, `ECS`). Edits of one action apply in
   * the order given.
   */
  async editAnswers(
    service: string,
    endpoint: string,
    action: string,
    edit: (body: string) => string,
  ): Promise<void> {
    const key = `${service}:${action}`
    this.edits.set(key, [...(this.edits.get(key) ?? []), edit])
    if (!this.editingFront) {
      const moto = new URL(backend('moto'))
      this.editingFront = await startHttpServer((req, res) => {
        void this.passToMoto(moto, req, res)
      })
      const front = this.editingFront
      this.cleanups.push(() => front.close())
    }
    this.env[`AWS_ENDPOINT_URL_${endpoint}`] = this.editingFront.url
  }

  /** One request of the `editAnswers` front: to moto and back, edited if asked. */
  private async passToMoto(moto: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks)
    // The service is the one the request is signed for; the action is in the
    // X-Amz-Target header (JSON protocols) or the form's Action (query protocols).
    const service = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(
      req.headers.authorization ?? '',
    )?.[1]
    const target = req.headers['x-amz-target']
    const action =
      typeof target === 'string'
        ? target.slice(target.lastIndexOf('.') + 1)
        : new URLSearchParams(body.toString('utf8')).get('Action')
    const edits = this.edits.get(`${service}:${action}`) ?? []
    const forwarded = httpRequest({
      host: moto.hostname,
      port: moto.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: moto.host },
    })
    forwarded.on('error', (error) => res.destroy(error))
    forwarded.on('response', async (answer) => {
      const parts: Buffer[] = []
      for await (const part of answer) parts.push(part as Buffer)
      let text = Buffer.concat(parts).toString('utf8')
      const ok = (answer.statusCode ?? 500) < 300
      if (ok) for (const edit of edits) text = edit(text)
      const { 'content-length': _, 'transfer-encoding': __, ...headers } = answer.headers
      res.writeHead(answer.statusCode ?? 500, headers)
      res.end(text)
    })
    forwarded.end(body)
  }

  /** A CloudFormation stack with these outputs, CREATE_COMPLETE. */
  async stack(name: string, outputs: Readonly<Record<string, string>> = {}): Promise<void> {
    const client = this.cloudformation
    const entries = Object.entries(outputs)
    await client.send(
      new CreateStackCommand({
        StackName: name,
        TemplateBody: JSON.stringify({
          Parameters: Object.fromEntries(entries.map(([key]) => [key, { Type: 'String' }])),
          Resources: { Handle: { Type: 'AWS::CloudFormation::WaitConditionHandle' } },
          Outputs: Object.fromEntries(entries.map(([key]) => [key, { Value: { Ref: key } }])),
        }),
        Parameters: entries.map(([key, value]) => ({ ParameterKey: key, ParameterValue: value })),
      }),
    )
    await waitUntilStackCreateComplete(
      { client, maxWaitTime: 30, minDelay: 1 },
      { StackName: name },
    )
  }

  /**
   * From now on the checks see stack `name` in `status` (with CloudFormation's
   * `reason`); everything else about it, and every other stack, is moto's.
   */
  async stackStatus(name: string, status: string, reason: string): Promise<void> {
    this.statusOverrides.set(name, { status, reason })
    if (this.front) return
    const moto = this.cloudformation
    const front = await startAwsFaultServer()
    front.script(async (request) => {
      if (request.action === 'DescribeStackEvents') {
        const override = this.statusOverrides.get(String(request.params.StackName))
        return {
          result: {
            StackEvents: override
              ? [
                  {
                    StackName: request.params.StackName,
                    LogicalResourceId: 'Handle',
                    ResourceType: 'AWS::CloudFormation::WaitConditionHandle',
                    ResourceStatus: 'UPDATE_FAILED',
                    ResourceStatusReason: override.reason,
                    Timestamp: new Date('2026-11-22T08:00:00Z'),
                    EventId: 'e1',
                    StackId: request.params.StackName,
                  },
                ]
              : [],
          },
        }
      }
      if (request.action !== 'DescribeStacks') {
        return { error: 'NotImplemented', message: `${request.action} is not served here` }
      }
      try {
        const { $metadata: _, ...answer } = await moto.send(
          new DescribeStacksCommand({ StackName: String(request.params.StackName) }),
        )
        return {
          result: {
            ...answer,
            Stacks: (answer.Stacks ?? []).map((stack) => {
              const override = this.statusOverrides.get(stack.StackName ?? '')
              return override
                ? { ...stack, StackStatus: override.status, StackStatusReason: override.reason }
                : stack
            }),
          },
        }
      } catch (error) {
        return { error: (error as Error).name, message: (error as Error).message }
      }
    })
    this.front = front
    this.env.AWS_ENDPOINT_URL_CLOUDFORMATION = front.url
    this.cleanups.push(() => front.close())
  }

  /** A DynamoDB table, ACTIVE, with the settings asked for; its stream's ARN, if it has one. */
  async table(spec: TableSpec): Promise<string | undefined> {
    const client = new DynamoDBClient(this.awsConfig)
    const key = spec.key ?? 'pk'
    const indexKeys = (spec.gsi ?? []).map((index) => index.split('-')[0] as string)
    const attributes = [...new Set([key, ...indexKeys])]
    const provisioned = { ReadCapacityUnits: 5, WriteCapacityUnits: 5 }
    const { TableDescription } = await client.send(
      new CreateTableCommand({
        TableName: spec.name,
        AttributeDefinitions: attributes.map((name) => ({
          AttributeName: name,
          AttributeType: 'S',
        })),
        KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
        ...(spec.billing === 'provisioned'
          ? { BillingMode: 'PROVISIONED', ProvisionedThroughput: provisioned }
          : { BillingMode: 'PAY_PER_REQUEST' }),
        ...(spec.gsi?.length
          ? {
              GlobalSecondaryIndexes: spec.gsi.map((index, i) => ({
                IndexName: index,
                KeySchema: [{ AttributeName: indexKeys[i] as string, KeyType: 'HASH' }],
                Projection: { ProjectionType: 'ALL' },
                ...(spec.billing === 'provisioned' ? { ProvisionedThroughput: provisioned } : {}),
              })),
            }
          : {}),
        ...(spec.stream
          ? { StreamSpecification: { StreamEnabled: true, StreamViewType: spec.stream } }
          : {}),
      }),
    )
    if (spec.ttl) {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: spec.name,
          TimeToLiveSpecification: { AttributeName: spec.ttl, Enabled: true },
        }),
      )
    }
    if (spec.pitr) {
      await client.send(
        new UpdateContinuousBackupsCommand({
          TableName: spec.name,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        }),
      )
    }
    return TableDescription?.LatestStreamArn
  }

  /** A Secrets Manager secret holding `value`; returns its ARN. */
  async secret(name: string, value: string): Promise<string> {
    const client = new SecretsManagerClient(this.awsConfig)
    const { ARN } = await client.send(new CreateSecretCommand({ Name: name, SecretString: value }))
    // moto ends every ARN with six random characters.
    if (ARN) this.name(ARN, `arn:aws:secretsmanager:${REGION}:<account>:secret:${name}-<suffix>`)
    // The secret check says on which day it last changed or rotated: today (or
    // tomorrow, when a run crosses midnight UTC).
    for (const offset of [0, 1]) {
      const day = new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)
      for (const what of ['last changed', 'last rotated'])
        this.name(`${what} ${day}`, `${what} <day>`)
    }
    return ARN as string
  }

  /** An RDS-style JSON secret (host, port, username, password, dbname) for `db`; returns its ARN. */
  rdsSecret(name: string, db: Database): Promise<string> {
    return this.secret(
      name,
      JSON.stringify({
        engine: 'postgres',
        host: db.host,
        port: db.port,
        username: db.user,
        password: db.password,
        dbname: db.name,
      }),
    )
  }

  /**
   * Turns on rotation of secret `name` every `days` days, keeping its value
   * (moto needs no rotation Lambda for it; AWS would).
   */
  async rotateSecret(name: string, days = 30): Promise<void> {
    const client = new SecretsManagerClient(this.awsConfig)
    await client.send(
      new RotateSecretCommand({
        SecretId: name,
        RotationRules: { AutomaticallyAfterDays: days },
        RotateImmediately: false,
      }),
    )
  }

  /**
   * An SDK client in the sandbox's AWS account, for what a fixture builds with
   * AWS's own calls (`sandbox.client(CloudWatchClient)`); destroyed with the sandbox.
   */
  client<Client extends { destroy(): void }>(
    Class: new (config: SandboxAwsConfig) => Client,
  ): Client {
    const client = new Class(this.awsConfig)
    this.cleanups.push(async () => client.destroy())
    return client
  }

  /** A Lambda function, Active, as `spec` deploys it (moto holds it without running it); its ARN. */
  async lambdaFunction(name: string, spec: FunctionSpec = {}): Promise<string> {
    this.lambdaRole ??= this.client(IAMClient)
      .send(
        new CreateRoleCommand({
          RoleName: 'sandbox-lambda-execution',
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
      .then(({ Role }) => Role?.Arn as string)
    const { FunctionArn } = await this.client(LambdaClient).send(
      new CreateFunctionCommand({
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        ...spec,
        FunctionName: name,
        Role: await this.lambdaRole,
        Code: { ZipFile: EMPTY_ZIP },
      }),
    )
    return FunctionArn as string
  }

  /** An API Gateway v2 API with its authorizers, routes and stage; returns its id. */
  async api(spec: ApiSpec): Promise<string> {
    const client = new ApiGatewayV2Client(this.awsConfig)
    const protocol = spec.protocol ?? 'WEBSOCKET'
    const { ApiId } = await client.send(
      new CreateApiCommand({
        Name: spec.name,
        ProtocolType: protocol,
        ...(protocol === 'WEBSOCKET' ? { RouteSelectionExpression: '$request.body.action' } : {}),
      }),
    )
    const apiId = ApiId as string
    // moto makes ids at random: they reach the evidence (and the endpoint's host).
    this.name(apiId, '<api-id>')
    const authorizerIds = new Map<string, string>()
    for (const [name, fn] of Object.entries(spec.authorizers ?? {})) {
      const arn = `arn:aws:lambda:${REGION}:${this.accountId}:function:${fn}`
      const authorizer = {
        Name: name,
        AuthorizerType: 'REQUEST' as const,
        AuthorizerUri: `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${arn}/invocations`,
        IdentitySource: ['route.request.querystring.token'],
      }
      const { AuthorizerId } = await client.send(
        new CreateAuthorizerCommand({ ApiId: apiId, ...authorizer }),
      )
      authorizerIds.set(name, AuthorizerId as string)
      this.authorizers.set(apiId, [
        ...(this.authorizers.get(apiId) ?? []),
        { AuthorizerId, ...authorizer },
      ])
    }
    if (authorizerIds.size > 0) await this.frontApiGateway()
    for (const route of spec.routes ?? []) {
      const authorizerId = route.authorizer ? authorizerIds.get(route.authorizer) : undefined
      await client.send(
        new CreateRouteCommand({
          ApiId: apiId,
          RouteKey: route.key,
          ...(authorizerId
            ? { AuthorizationType: 'CUSTOM', AuthorizerId: authorizerId }
            : { AuthorizationType: 'NONE' }),
        }),
      )
    }
    if (spec.stage) {
      const { throttling } = spec.stage
      await client.send(
        new CreateStageCommand({
          ApiId: apiId,
          StageName: spec.stage.name,
          AutoDeploy: true,
          ...(throttling
            ? {
                DefaultRouteSettings: {
                  ThrottlingBurstLimit: throttling.burst,
                  ThrottlingRateLimit: throttling.rate,
                },
              }
            : {}),
        }),
      )
    }
    return apiId
  }

  /**
   * From now on the checks reach API Gateway v2 through a front that answers
   * GetAuthorizers from what `api()` made, and asks moto everything else.
   */
  private async frontApiGateway(): Promise<void> {
    if (this.apiGatewayFront) return
    const moto = new ApiGatewayV2Client(this.awsConfig)
    const sdk = (await import('@aws-sdk/client-apigatewayv2')) as unknown as Record<
      string,
      new (
        input: object,
      ) => Parameters<ApiGatewayV2Client['send']>[0]
    >
    const front = await startAwsFaultServer()
    front.script(async ({ action, params }) => {
      if (action === 'GetAuthorizers') {
        return { result: { Items: this.authorizers.get(String(params.ApiId)) ?? [] } }
      }
      const Command = sdk[`${action}Command`]
      if (!Command) return { error: 'NotImplemented', message: `${action} is not served here` }
      // Path parameters keep their SDK names; the query's are camelCase on the wire.
      const input = Object.fromEntries(
        Object.entries(params).map(([key, value]) => [
          key.charAt(0).toUpperCase() + key.slice(1),
          value,
        ]),
      )
      try {
        const { $metadata: _, ...answer } = (await moto.send(
          new Command(input),
        )) as unknown as Record<string, unknown>
        return { result: answer }
      } catch (error) {
        const { name, message, $metadata } = error as Error & {
          $metadata?: { httpStatusCode?: number }
        }
        return { error: name, message, status: $metadata?.httpStatusCode ?? 400 }
      }
    })
    this.apiGatewayFront = front
    this.env.AWS_ENDPOINT_URL_APIGATEWAYV2 = front.url
    this.cleanups.push(() => front.close())
  }

  /** A Cognito user pool with these app clients (no secret); returns the pool's id and the clients'. */
  async userPool(
    name: string,
    clients: readonly string[] = [],
  ): Promise<{ id: string; clients: Record<string, string> }> {
    const client = new CognitoIdentityProviderClient(this.awsConfig)
    const { UserPool } = await client.send(new CreateUserPoolCommand({ PoolName: name }))
    const id = UserPool?.Id as string
    this.name(id, `<${name}-id>`)
    const clientIds: Record<string, string> = {}
    for (const clientName of clients) {
      const { UserPoolClient } = await client.send(
        new CreateUserPoolClientCommand({ UserPoolId: id, ClientName: clientName }),
      )
      clientIds[clientName] = UserPoolClient?.ClientId as string
      this.name(clientIds[clientName], `<${clientName}-id>`)
    }
    return { id, clients: clientIds }
  }

  /**
   * An SNS topic, with a subscription for each email address (moto confirms
   * them at once, as if the link in the mail had been followed); returns its ARN.
   */
  async topic(name: string, emails: readonly string[] = []): Promise<string> {
    const client = new SNSClient(this.awsConfig)
    const { TopicArn } = await client.send(new CreateTopicCommand({ Name: name }))
    for (const email of emails) {
      await client.send(new SubscribeCommand({ TopicArn, Protocol: 'email', Endpoint: email }))
    }
    return TopicArn as string
  }

  /** A CloudWatch metric alarm, in the state asked (through SetAlarmState, as AWS allows). */
  async alarm(spec: AlarmSpec): Promise<void> {
    const client = new CloudWatchClient(this.awsConfig)
    await client.send(
      new PutMetricAlarmCommand({
        AlarmName: spec.name,
        Namespace: 'Sandbox',
        MetricName: spec.name,
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        ActionsEnabled: true,
        AlarmActions: [...(spec.actions ?? [])],
      }),
    )
    if (spec.state && spec.state !== 'OK') {
      await client.send(
        new SetAlarmStateCommand({
          AlarmName: spec.name,
          StateValue: spec.state,
          StateReason: spec.reason ?? `set to ${spec.state} by the sandbox`,
        }),
      )
    }
  }

  /** A CloudWatch Logs group keeping its logs for `retentionDays` (none: for ever). */
  async logGroup(name: string, retentionDays?: number): Promise<void> {
    const client = new CloudWatchLogsClient(this.awsConfig)
    await client.send(new CreateLogGroupCommand({ logGroupName: name }))
    if (retentionDays !== undefined) {
      await client.send(
        new PutRetentionPolicyCommand({ logGroupName: name, retentionInDays: retentionDays }),
      )
    }
  }

  // ---- PostgreSQL ----

  /** A database of our own in the throwaway cluster. */
  async database(): Promise<Database> {
    const admin = new URL(backend('pg'))
    const name = `dw_${randomBytes(5).toString('hex')}`
    await this.sql(admin.href, `CREATE DATABASE ${name}`)
    const url = new URL(admin.href)
    url.pathname = `/${name}`
    this.name(name, '<database>')
    this.name(`${admin.hostname}:${admin.port}`, '<postgres>')
    this.name(admin.port, '<pg-port>')
    // pg.connect reports the server's version: the machine's, not the deploy's.
    const [{ server_version: version = '' } = {}] = (await this.sql(
      admin.href,
      'SHOW server_version',
    )) as { server_version?: string }[]
    this.name(version, '<server-version>')
    this.name(`PostgreSQL ${version.split(' ')[0]}`, 'PostgreSQL <version>')
    this.cleanups.push(() =>
      this.sql(admin.href, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).then(
        () => {},
        () => {},
      ),
    )
    return {
      url: url.href,
      host: admin.hostname,
      port: Number(admin.port),
      user: decodeURIComponent(admin.username),
      password: decodeURIComponent(admin.password),
      name,
      exec: async (sql) => {
        await this.sql(url.href, sql)
      },
      query: <Row>(sql: string, params?: readonly unknown[]) =>
        this.sql(url.href, sql, params) as Promise<Row[]>,
    }
  }

  private async sql(url: string, sql: string, params?: readonly unknown[]): Promise<unknown[]> {
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      const result = await client.query(sql, params ? [...params] : undefined)
      return result.rows
    } finally {
      await client.end()
    }
  }

  // ---- services ----

  /** An HTTP service on 127.0.0.1; `label` names its address in `normalize`. */
  async http(
    label: string,
    handler: (req: IncomingMessage, res: ServerResponse) => void,
  ): Promise<LocalServer> {
    const server = await startHttpServer(handler)
    this.name(server.url, `http://<${label}>`)
    this.cleanups.push(() => server.close())
    return server
  }

  /**
   * An HTTPS service on 127.0.0.1 whose (self-signed) certificate the checks
   * trust, as they would a public CA's; `label` names its address in `normalize`.
   */
  async https(
    label: string,
    handler: (req: IncomingMessage, res: ServerResponse) => void,
  ): Promise<LocalServer> {
    const { cert, key } = await selfSignedCertificate()
    this.trusted.push(cert)
    const bundle = join(this.dir, 'trusted-certificates.pem')
    await writeFile(bundle, this.trusted.join('\n'))
    this.env.NODE_EXTRA_CA_CERTS = bundle
    const server = createHttpsServer({ cert, key }, handler)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    const url = `https://127.0.0.1:${port}`
    this.name(url, `https://<${label}>`)
    const close = () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
    this.cleanups.push(close)
    return { url, port, close }
  }

  /** Something that accepts TCP connections (a broker, a cache). */
  async tcp(label: string): Promise<TcpServer> {
    const server = await startTcpServer()
    this.name(`${server.host}:${server.port}`, `<${label}>`)
    this.name(String(server.port), `<${label}-port>`)
    this.cleanups.push(() => server.close())
    return server
  }

  // ---- the project ----

  /** A file in the project, folders made as needed. */
  async file(path: string, content: string, mode = 0o644): Promise<void> {
    const full = join(this.project, path)
    await mkdir(dirname(full), { recursive: true })
    await writeFile(full, content)
    await chmod(full, mode)
  }

  /** An executable `bin/<name>` in the project, first on the checks' PATH. */
  async bin(name: string, script: string): Promise<void> {
    await this.file(join('bin', name), `#!/bin/sh\n${script}\n`, 0o755)
  }

  /**
   * A program on PATH that prints `output` as its version, whatever it is asked:
   * the tools the checklist wants, at versions that do not depend on the machine.
   */
  async tool(name: string, output: string): Promise<void> {
    await this.bin(name, `echo '${output}'`)
  }

  /**
   * A program on PATH that prints `output` for `--version` and otherwise runs
   * `real` (the machine's own program, by absolute path): a checklist that
   * pins a tool's version and also runs scripts with it.
   */
  async wrappedTool(name: string, output: string, real: string): Promise<void> {
    await this.bin(
      name,
      [
        'case "$1" in',
        `  --version) echo '${output}' ;;`,
        `  *) exec '${real}' "$@" ;;`,
        'esac',
      ].join('\n'),
    )
  }

  async close(): Promise<void> {
    for (const cleanup of this.cleanups.reverse()) await cleanup().catch(() => {})
    await rm(this.dir, { recursive: true, force: true })
  }
}
