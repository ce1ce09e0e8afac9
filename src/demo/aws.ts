/**
 * The demo's AWS account: a local HTTP server answering the few read calls the
 * checks make — CloudFormation `DescribeStacks` (awsQuery, XML), DynamoDB
 * `DescribeTable` / `DescribeTimeToLive` / `DescribeContinuousBackups` (JSON
 * 1.0) and Secrets Manager `DescribeSecret` (JSON 1.1) — over the same wire
 * protocols as AWS, so the real SDK clients talk to it. Signatures are not
 * checked; anything it does not hold is "not found", as AWS would say.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface DemoAccount {
  readonly stacks: readonly DemoStack[]
  readonly tables: readonly DemoTable[]
  readonly secrets: readonly string[]
  /** How long each answer takes, so the spinners are seen. */
  readonly delayMs: number
}

export interface DemoStack {
  readonly name: string
  readonly outputs: Readonly<Record<string, string>>
}

export interface DemoTable {
  readonly name: string
  readonly key: string
  readonly gsi: readonly string[]
  /** Attribute TTL is on; null: TTL off. */
  readonly ttl: string | null
}

const ACCOUNT = '000000000000'
const REGION = 'us-east-1'
const CREATED = new Date('2026-11-20T14:02:11Z')

/** Starts the account on 127.0.0.1 (a random port); resolves with its URL and a stop function. */
export async function startDemoAws(
  account: DemoAccount,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => {
      body += chunk
    })
    req.on('end', () => {
      setTimeout(() => answer(account, req, body, res), account.delayMs)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function answer(account: DemoAccount, req: IncomingMessage, body: string, res: ServerResponse) {
  const target = req.headers['x-amz-target']
  if (typeof target === 'string') {
    const [prefix = '', action = ''] = target.split('.')
    const params = (body ? JSON.parse(body) : {}) as Record<string, string>
    const json = (status: number, value: unknown, version: string) => {
      res.writeHead(status, { 'content-type': `application/x-amz-json-${version}` })
      res.end(JSON.stringify(value))
    }
    if (prefix.startsWith('DynamoDB')) {
      const table = account.tables.find((t) => t.name === params.TableName)
      if (!table) {
        json(
          400,
          {
            __type: 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException',
            message: `Requested resource not found: Table: ${params.TableName} not found`,
          },
          '1.0',
        )
        return
      }
      json(200, dynamoAnswer(action, table), '1.0')
      return
    }
    const secret = account.secrets.find((name) => name === params.SecretId)
    if (action !== 'DescribeSecret' || !secret) {
      json(
        400,
        {
          __type: 'ResourceNotFoundException',
          message: "Secrets Manager can't find the specified secret.",
        },
        '1.1',
      )
      return
    }
    json(
      200,
      {
        ARN: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${secret}-Ab12Cd`,
        Name: secret,
        RotationEnabled: false,
        LastChangedDate: CREATED.getTime() / 1000,
        CreatedDate: CREATED.getTime() / 1000,
      },
      '1.1',
    )
    return
  }
  // CloudFormation: a form-encoded awsQuery call.
  const form = new URLSearchParams(body)
  const action = form.get('Action') ?? ''
  const name = form.get('StackName') ?? ''
  const stack = account.stacks.find((s) => s.name === name || stackId(s) === name)
  res.writeHead(stack || action === 'DescribeStackEvents' ? 200 : 400, {
    'content-type': 'text/xml',
  })
  if (action === 'DescribeStackEvents') {
    res.end(xmlResult(action, '<StackEvents/>'))
  } else if (stack) {
    res.end(xmlResult(action, `<Stacks><member>${stackXml(stack)}</member></Stacks>`))
  } else {
    res.end(
      `<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id ${xml(name)} does not exist</Message></Error></ErrorResponse>`,
    )
  }
}

function dynamoAnswer(action: string, table: DemoTable): unknown {
  switch (action) {
    case 'DescribeTimeToLive':
      return {
        TimeToLiveDescription: table.ttl
          ? { TimeToLiveStatus: 'ENABLED', AttributeName: table.ttl }
          : { TimeToLiveStatus: 'DISABLED' },
      }
    case 'DescribeContinuousBackups':
      return {
        ContinuousBackupsDescription: {
          ContinuousBackupsStatus: 'ENABLED',
          PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'DISABLED' },
        },
      }
    default:
      return {
        Table: {
          TableName: table.name,
          TableArn: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${table.name}`,
          TableStatus: 'ACTIVE',
          CreationDateTime: CREATED.getTime() / 1000,
          KeySchema: [{ AttributeName: table.key, KeyType: 'HASH' }],
          BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
          GlobalSecondaryIndexes: table.gsi.map((index) => ({
            IndexName: index,
            IndexStatus: 'ACTIVE',
            KeySchema: [{ AttributeName: index, KeyType: 'HASH' }],
          })),
        },
      }
  }
}

function stackId(stack: DemoStack): string {
  return `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${stack.name}/6f1e2d3c-demo`
}

function stackXml(stack: DemoStack): string {
  const outputs = Object.entries(stack.outputs)
    .map(
      ([key, value]) =>
        `<member><OutputKey>${xml(key)}</OutputKey><OutputValue>${xml(value)}</OutputValue></member>`,
    )
    .join('')
  return (
    `<StackName>${xml(stack.name)}</StackName><StackId>${xml(stackId(stack))}</StackId>` +
    `<StackStatus>UPDATE_COMPLETE</StackStatus><CreationTime>${CREATED.toISOString()}</CreationTime>` +
    `<LastUpdatedTime>${new Date().toISOString()}</LastUpdatedTime><Outputs>${outputs}</Outputs>`
  )
}

function xmlResult(action: string, inner: string): string {
  const xmlns = 'http://cloudformation.amazonaws.com/doc/2010-05-15/'
  return `<${action}Response xmlns="${xmlns}"><${action}Result>${inner}</${action}Result><ResponseMetadata><RequestId>demo</RequestId></ResponseMetadata></${action}Response>`
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}
