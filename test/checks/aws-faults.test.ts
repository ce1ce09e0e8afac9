/**
 * The AWS check kinds against what moto cannot do: a server of ours speaking the
 * AWS wire protocols (test/helpers/aws-fault-server.ts) scripted per test with
 * rolled-back and in-progress stacks, throttling, 5xx, dropped and never-answered
 * requests and rejected credentials; plus no credentials, no region and an
 * endpoint nobody listens on. The SDK is pointed at the server with
 * AWS_ENDPOINT_URL for the whole file; tests that need another environment
 * change process.env for their run only (clients are created per run).
 */
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { gzipSync } from 'node:zlib'
import { freePort } from '../backends/start.ts'
import {
  type AwsReply,
  pointAwsAt,
  startAwsFaultServer,
  withEnv,
} from '../helpers/aws-fault-server.ts'
import { checklistOf, runChecklist } from '../helpers/checks.ts'

const fault = await startAwsFaultServer()
pointAwsAt(fault.url)
after(() => fault.close())

const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/api/6f1c2e40'
const THROTTLED: AwsReply = { error: 'Throttling', message: 'Rate exceeded', status: 400 }

function stack(status: string, extra: Record<string, unknown> = {}): AwsReply {
  return {
    result: {
      Stacks: [
        {
          StackName: 'api',
          StackId: STACK_ID,
          CreationTime: new Date('2025-01-10T09:00:00Z'),
          StackStatus: status,
          ...extra,
        },
      ],
    },
  }
}

function table(name: string, extra: Record<string, unknown> = {}): AwsReply {
  return {
    result: {
      Table: {
        TableName: name,
        TableStatus: 'ACTIVE',
        BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
        ...extra,
      },
    },
  }
}

function index(name: string, status: string) {
  return { IndexName: name, IndexStatus: status }
}

function event(logicalId: string, type: string, status: string, reason?: string) {
  const isStack = logicalId === 'api'
  return {
    StackId: STACK_ID,
    StackName: 'api',
    EventId: crypto.randomUUID(),
    LogicalResourceId: logicalId,
    PhysicalResourceId: isStack ? STACK_ID : `${logicalId}-physical`,
    ResourceType: type,
    Timestamp: new Date(),
    ResourceStatus: status,
    ...(reason ? { ResourceStatusReason: reason } : {}),
  }
}

/** Progress messages the run reported, in order. */
function progressOf(run: Awaited<ReturnType<typeof runChecklist>>): string[] {
  return run.events.flatMap((e) => (e.type === 'check-progress' ? [e.message] : []))
}

describe('cfn.stack against stacks moto cannot produce', () => {
  it('fails a rolled-back stack with its reason and the first resource that failed', async () => {
    fault.script(({ action }) => {
      if (action === 'DescribeStacks') {
        return stack('UPDATE_ROLLBACK_COMPLETE', {
          StackStatusReason: 'The following resource(s) failed to update: [Queue].',
        })
      }
      // Newest first; the previous operation's failure must not be taken for this one's.
      return {
        result: {
          StackEvents: [
            event('api', 'AWS::CloudFormation::Stack', 'UPDATE_ROLLBACK_COMPLETE'),
            event('Table', 'AWS::DynamoDB::Table', 'UPDATE_COMPLETE'),
            event('api', 'AWS::CloudFormation::Stack', 'UPDATE_ROLLBACK_IN_PROGRESS'),
            event('Table', 'AWS::DynamoDB::Table', 'UPDATE_FAILED', 'Resource update cancelled'),
            event('Queue', 'AWS::SQS::Queue', 'UPDATE_FAILED', 'Queue api-jobs already exists'),
            event('api', 'AWS::CloudFormation::Stack', 'UPDATE_IN_PROGRESS', 'User Initiated'),
            event('Old', 'AWS::SNS::Topic', 'CREATE_FAILED', 'an older failure'),
          ],
        },
      }
    })
    const result = (await runChecklist(checklistOf('cfn.stack name=api'))).result()
    assert.equal(result.status, 'fail')
    assert.equal(
      result.summary,
      'stack api is UPDATE_ROLLBACK_COMPLETE: The following resource(s) failed to update: [Queue].',
    )
    assert.deepEqual(result.details, [
      'first failure: Queue (AWS::SQS::Queue) UPDATE_FAILED: Queue api-jobs already exists',
    ])
    assert.deepEqual(
      fault.requests.map((r) => r.action),
      ['DescribeStacks', 'DescribeStackEvents'],
    )
  })

  it('waits out UPDATE_IN_PROGRESS, showing the status, then passes with the outputs', async () => {
    fault.script(({ action }, n) =>
      action === 'DescribeStacks' && n <= 3
        ? stack('UPDATE_IN_PROGRESS')
        : stack('UPDATE_COMPLETE', {
            Outputs: [{ OutputKey: 'ApiUrl', OutputValue: 'https://api.example.com' }],
          }),
    )
    const run = await runChecklist(checklistOf('cfn.stack name=api outputs=ApiUrl; timeout: 2s'))
    const result = run.result()
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(result.summary, 'api UPDATE_COMPLETE, 1 output')
    assert.deepEqual(result.outputs, { ApiUrl: 'https://api.example.com' })
    const progress = progressOf(run)
    assert.equal(progress.length, 3)
    for (const message of progress)
      assert.match(message, /^UPDATE_IN_PROGRESS, waiting \((?:\d+ms|\d+\.\ds)\)$/)
    assert.equal(fault.requests.length, 4)
  })

  it('waits out a rollback in progress, then fails with the reason', async () => {
    fault.script(({ action }, n) => {
      if (action === 'DescribeStackEvents') return { result: { StackEvents: [] } }
      return n <= 2
        ? stack('UPDATE_ROLLBACK_IN_PROGRESS')
        : stack('UPDATE_ROLLBACK_COMPLETE', { StackStatusReason: 'Resource creation cancelled' })
    })
    const run = await runChecklist(checklistOf('cfn.stack name=api; timeout: 2s'))
    const result = run.result()
    assert.equal(result.status, 'fail')
    assert.equal(
      result.summary,
      'stack api is UPDATE_ROLLBACK_COMPLETE: Resource creation cancelled',
    )
    assert.deepEqual(result.details, [])
    assert.match(progressOf(run)[0] ?? '', /^UPDATE_ROLLBACK_IN_PROGRESS, waiting/)
  })

  it('says what it is still waiting for just before its timeout runs out', async () => {
    fault.script(() => stack('UPDATE_IN_PROGRESS'))
    const result = (await runChecklist(checklistOf('cfn.stack name=api; timeout: 1s'))).result()
    assert.equal(result.status, 'error')
    assert.equal(result.summary, 'still UPDATE_IN_PROGRESS after 1s')
    assert.ok(fault.requests.length > 2, `polled ${fault.requests.length} times`)
  })

  it('does not wait for a change set nobody executed (REVIEW_IN_PROGRESS)', async () => {
    fault.script(() => stack('REVIEW_IN_PROGRESS'))
    const result = (await runChecklist(checklistOf('cfn.stack name=api; timeout: 2s'))).result()
    assert.equal(result.status, 'fail')
    assert.match(result.summary, /^stack api is REVIEW_IN_PROGRESS \(expected CREATE_COMPLETE or/)
    assert.equal(fault.requests.length, 1)
  })
})

describe('dynamodb.table in states moto cannot produce', () => {
  it('waits out a table and then an index being created, then passes', async () => {
    const states: AwsReply[] = [
      table('Sessions', { TableStatus: 'CREATING' }),
      table('Sessions', { GlobalSecondaryIndexes: [index('by-user', 'CREATING')] }),
    ]
    fault.script(
      (_, n) =>
        states[n - 1] ??
        table('Sessions', { GlobalSecondaryIndexes: [index('by-user', 'ACTIVE')] }),
    )
    const run = await runChecklist(
      checklistOf('dynamodb.table name=Sessions gsi=by-user; timeout: 2s'),
    )
    const result = run.result()
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(result.summary, 'Sessions ACTIVE, GSI by-user ACTIVE')
    assert.deepEqual(
      progressOf(run).map((message) => message.replace(/\((?:\d+ms|\d+\.\ds)\)$/, '(…)')),
      ['CREATING, waiting (…)', 'index by-user CREATING, waiting (…)'],
    )
  })

  it('fails a table that is not ACTIVE and an index that is being deleted', async () => {
    fault.script(() =>
      table('Sessions', {
        TableStatus: 'INACCESSIBLE_ENCRYPTION_CREDENTIALS',
        GlobalSecondaryIndexes: [index('by-user', 'DELETING')],
      }),
    )
    const result = (
      await runChecklist(checklistOf('dynamodb.table name=Sessions gsi=by-user'))
    ).result()
    assert.equal(result.status, 'fail')
    assert.deepEqual(result.details, [
      'table is INACCESSIBLE_ENCRYPTION_CREDENTIALS (expected ACTIVE)',
      'index by-user is DELETING (expected ACTIVE)',
    ])
  })
})

describe('retries', () => {
  it('retries CloudFormation throttling, then passes', async () => {
    fault.script((_, n) => (n <= 2 ? THROTTLED : stack('CREATE_COMPLETE')))
    const run = await runChecklist(checklistOf('cfn.stack name=api'))
    const result = run.result()
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(result.attempts, 3)
    assert.deepEqual(progressOf(run), [
      'AWS throttled cloudformation:DescribeStacks (Throttling); retrying (1/3)',
      'AWS throttled cloudformation:DescribeStacks (Throttling); retrying (2/3)',
    ])
  })

  it('retries DynamoDB throttling, 5xx and a dropped connection, then passes', async () => {
    const replies: AwsReply[] = [
      { error: 'ProvisionedThroughputExceededException', message: 'slow down' },
      { error: 'InternalServerError', message: 'oops', status: 500 },
      'drop',
    ]
    fault.script((_, n) => replies[n - 1] ?? table('Sessions'))
    const result = (await runChecklist(checklistOf('dynamodb.table name=Sessions'))).result()
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(result.attempts, 4)
    // Without ttl= or pitr=, DescribeTable is the only call.
    assert.deepEqual(new Set(fault.requests.map((r) => r.action)), new Set(['DescribeTable']))
  })

  it('gives up with an error when the throttling does not stop', async () => {
    fault.script(() => THROTTLED)
    const result = (await runChecklist(checklistOf('cfn.stack name=api'))).result()
    assert.equal(result.status, 'error')
    assert.equal(
      result.summary,
      'AWS throttled cloudformation:DescribeStacks (Throttling) (gave up after 4 attempts)',
    )
    assert.equal(fault.requests.length, 4)
  })
})

describe('a request that never answers', () => {
  it('times out within the item timeout naming the endpoint and the call, and closes its connection at once', async () => {
    // The secret's answer waits until the client has closed the hanging table
    // request: it arrives in time only if the timeout aborted that request,
    // rather than the connection lingering until the clients are closed.
    fault.script(({ service }) =>
      service === 'dynamodb'
        ? 'hang'
        : fault.hangsClosed(1).then(() => ({ result: { Name: 'db', ARN: 'arn:db' } })),
    )
    const run = await runChecklist(
      checklistOf('dynamodb.table name=Sessions; timeout: 300ms', 'secret name=db; timeout: 3s'),
    )
    const hung = run.result('check-1')
    assert.equal(hung.status, 'error')
    assert.equal(
      hung.summary,
      `no answer from ${fault.url} to dynamodb:DescribeTable within 300ms: check the VPN, or AWS_ENDPOINT_URL if set`,
    )
    assert.equal(hung.attempts, 1)
    assert.equal(run.result('check-2').status, 'pass', run.result('check-2').summary)
    assert.equal(fault.openHangingRequests, 0)
  })
})

describe('an endpoint that accepts and never answers', () => {
  it('a pg check held up reading its database secret says AWS did not answer, not the database', async () => {
    fault.script(() => 'hang')
    const run = await runChecklist(
      checklistOf('pg.table secret=prod/db table=agents region=us-east-1; timeout: 300ms'),
    )
    const result = run.result()
    assert.equal(result.status, 'error')
    assert.equal(
      result.summary,
      `no answer from ${fault.url} to secretsmanager:GetSecretValue (reading the database secret prod/db) within 300ms: check the VPN, or AWS_ENDPOINT_URL if set`,
    )
  })

  it('a stack check does not wait out its ten minutes: each call gives up, is retried, then says why', async () => {
    fault.script(() => 'hang')
    const started = Date.now()
    const run = await runChecklist(checklistOf('cfn.stack name=api'), { awsRequestTimeoutMs: 300 })
    const result = run.result()
    assert.equal(result.status, 'error')
    // Each try's own limit, and the endpoint, named as a refused connection names it.
    assert.equal(
      result.summary,
      `no answer from ${fault.url} to cloudformation:DescribeStacks within 300ms: check the VPN, or AWS_ENDPOINT_URL if set (gave up after 4 attempts)`,
    )
    assert.equal(result.attempts, 4)
    assert.ok(Date.now() - started < 10_000, 'it waited')
  })
})

describe('credentials and permissions', () => {
  it('says the credentials were rejected, with a next step, for each service', async () => {
    fault.script(({ service }) => {
      if (service === 'cloudformation') {
        return {
          error: 'InvalidClientTokenId',
          message: 'The security token included in the request is invalid.',
          status: 403,
        }
      }
      if (service === 'dynamodb') {
        return { error: 'UnrecognizedClientException', message: 'The security token is invalid.' }
      }
      return { error: 'ExpiredTokenException', message: 'The security token has expired.' }
    })
    const run = await runChecklist(
      checklistOf('cfn.stack name=api', 'dynamodb.table name=Sessions', 'secret name=db'),
    )
    const stackResult = run.result('check-1')
    assert.equal(stackResult.status, 'error')
    assert.equal(
      stackResult.summary,
      'AWS does not recognise the access key (InvalidClientTokenId)',
    )
    assert.match(stackResult.details?.[0] ?? '', /aws sso login/)
    const tableResult = run.result('check-2')
    assert.equal(tableResult.status, 'error')
    assert.match(tableResult.summary, /\(UnrecognizedClientException\)$/)
    const secretResult = run.result('check-3')
    assert.equal(secretResult.status, 'error')
    assert.equal(secretResult.summary, 'the AWS session has expired (ExpiredTokenException)')
    assert.match(secretResult.details?.[0] ?? '', /^run `aws sso login`/)
    // Rejected credentials are not retried.
    for (const result of run.results.values()) assert.equal(result.attempts, 1)
  })

  it("does not repeat a signature error's text, which may carry the request signing details", async () => {
    const signingDetails = 'StringToSign AWS4-HMAC-SHA256 20250110T090000Z credential-scope'
    fault.script(() => ({ error: 'SignatureDoesNotMatch', message: signingDetails, status: 403 }))
    const run = await runChecklist(checklistOf('cfn.stack name=api'))
    assert.equal(run.result().summary, 'AWS rejected the request signature (SignatureDoesNotMatch)')
    assert.ok(!run.everything.includes('StringToSign'))
  })

  it('names the API call the identity is not allowed to make', async () => {
    fault.script(({ action }) =>
      action === 'DescribeTimeToLive'
        ? {
            error: 'AccessDeniedException',
            message:
              'User: arn:aws:sts::123456789012:assumed-role/deployer/me is not authorized to perform: dynamodb:DescribeTimeToLive',
          }
        : table('Sessions'),
    )
    const result = (
      await runChecklist(checklistOf('dynamodb.table name=Sessions ttl=expiresAt'))
    ).result()
    assert.equal(result.status, 'error')
    assert.equal(
      result.summary,
      'access denied: the AWS identity may not call dynamodb:DescribeTimeToLive',
    )
    assert.equal(
      result.details?.[0],
      'grant dynamodb:DescribeTimeToLive to the role or user, or use a profile that has it',
    )
  })

  it('errors with what to set when there are no credentials at all', async () => {
    fault.script(() => table('Sessions'))
    const run = await withEnv(
      {
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined,
        AWS_SESSION_TOKEN: undefined,
        AWS_PROFILE: undefined,
        AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
        AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
        AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/deploy-wizard/credentials',
        AWS_CONFIG_FILE: '/nonexistent/deploy-wizard/config',
        AWS_EC2_METADATA_DISABLED: 'true',
      },
      () => runChecklist(checklistOf('dynamodb.table name=Sessions', 'secret name=db profile=ops')),
    )
    const plain = run.result('check-1')
    assert.equal(plain.status, 'error')
    assert.equal(plain.summary, 'no AWS credentials')
    assert.deepEqual(plain.details, [
      'set AWS_PROFILE, run `aws sso login`, or set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY',
    ])
    assert.equal(run.result('check-2').summary, 'no AWS credentials for profile ops')
    assert.equal(fault.requests.length, 0)
  })

  it('errors with where to set one when there is no region', async () => {
    fault.script(() => table('Sessions'))
    const checklist = `---
env:
  prod: { region: eu-west-1 }
---
# Deploy

## Checks

- [ ] Sessions table <!-- check: dynamodb.table name=Sessions -->
`
    const [dev, prod] = await withEnv({ AWS_REGION: undefined }, async () => [
      (await runChecklist(checklist, { env: 'dev' })).result(),
      (await runChecklist(checklist, { env: 'prod' })).result(),
    ])
    assert.equal(dev?.status, 'error')
    assert.equal(
      dev?.summary,
      "no AWS region: set AWS_REGION or `region` in the checklist's front matter vars",
    )
    // The front matter's region for prod is used.
    assert.equal(prod?.status, 'pass', prod?.summary)
  })
})

describe('an endpoint nobody listens on', () => {
  it('errors naming the endpoint it cannot reach', async () => {
    const port = await freePort()
    const result = await withEnv({ AWS_ENDPOINT_URL: `http://127.0.0.1:${port}` }, async () =>
      (await runChecklist(checklistOf('secret name=db'))).result(),
    )
    assert.equal(result.status, 'error')
    assert.equal(result.summary, `cannot reach 127.0.0.1:${port}`)
    assert.match(result.details?.[0] ?? '', /^ECONNREFUSED calling secretsmanager:DescribeSecret/)
  })
})

describe('secret', () => {
  it('asks Secrets Manager for the metadata only, never the value', async () => {
    fault.script(() => ({
      result: {
        ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf',
        Name: 'db',
        RotationEnabled: true,
        LastRotatedDate: new Date('2025-01-02T03:04:05Z'),
        LastChangedDate: new Date('2025-01-02T03:04:05Z'),
      },
    }))
    const result = (await runChecklist(checklistOf('secret name=db rotation=true'))).result()
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(result.summary, 'db exists, rotation on, last rotated 2025-01-02')
    assert.deepEqual(
      fault.requests.map((r) => `${r.service}:${r.action}`),
      ['secretsmanager:DescribeSecret'],
    )
    assert.deepEqual(fault.requests[0]?.params, { SecretId: 'db' })
  })
})

describe('answers no AWS service sends', () => {
  const WHERE = `at ${fault.url}:`
  const NEXT_STEP = 'is AWS_ENDPOINT_URL pointing at AWS (or at a working LocalStack or moto)?'

  /** The one check's result, which must be an error: the state of the resource is unknown. */
  async function errorOf(directive: string) {
    const result = (await runChecklist(checklistOf(directive))).result()
    assert.equal(result.status, 'error', result.summary)
    return result
  }

  it('names the service, the endpoint and the field when a field is of the wrong kind', async () => {
    fault.script(() => table('Sessions', { GlobalSecondaryIndexes: 'by-user' }))
    const result = await errorOf('dynamodb.table name=Sessions gsi=by-user')
    assert.equal(
      result.summary,
      `unexpected answer from DynamoDB ${WHERE} Table.GlobalSecondaryIndexes is text, not a list`,
    )
    assert.deepEqual(result.details, [
      'the answer to dynamodb:DescribeTable, with HTTP 200',
      NEXT_STEP,
    ])
  })

  it('says a table status that is not text is not an answer, rather than failing on it', async () => {
    fault.script(() => table('Sessions', { TableStatus: 5 }))
    const result = await errorOf('dynamodb.table name=Sessions')
    assert.match(result.summary, /: Table\.TableStatus is a number, not text$/)
  })

  it('does not take an answer without the table for a table that does not exist', async () => {
    fault.script(() => ({ result: {} }))
    const result = await errorOf('dynamodb.table name=Sessions')
    assert.equal(result.summary, `unexpected answer from DynamoDB ${WHERE} Table is missing`)
  })

  it('says truncated JSON is cut short, naming the endpoint', async () => {
    fault.script(() => ({ raw: '{"Table":{"TableName":"Sessions","Tab' }))
    const result = await errorOf('dynamodb.table name=Sessions')
    assert.equal(result.summary, `unexpected answer from DynamoDB ${WHERE} its JSON is cut short`)
    assert.equal(result.details?.[1], NEXT_STEP)
  })

  it('does not pass a secret on an answer that does not name it', async () => {
    fault.script(() => ({ result: {} }))
    const missing = await errorOf('secret name=db')
    assert.equal(missing.summary, `unexpected answer from Secrets Manager ${WHERE} Name is missing`)
    fault.script(() => ({ result: { Name: 'db', RotationEnabled: 'yes' } }))
    const rotation = await errorOf('secret name=db rotation=true')
    assert.match(rotation.summary, /: RotationEnabled is text, not true or false$/)
  })

  it('does not take a stack list without the stack, or a web page, for a missing stack', async () => {
    fault.script(() => ({ result: { Stacks: [] } }))
    const empty = await errorOf('cfn.stack name=api')
    assert.equal(empty.summary, `unexpected answer from CloudFormation ${WHERE} Stacks is empty`)
    fault.script(() => ({
      raw: '<html><body>Sign in to continue</body></html>',
      headers: { 'content-type': 'text/html; charset=utf-8' },
    }))
    const page = await errorOf('cfn.stack name=api')
    assert.equal(
      page.summary,
      `unexpected answer from CloudFormation ${WHERE} it is a web page (text/html; charset=utf-8)`,
    )
  })

  it('says truncated XML is not well-formed', async () => {
    fault.script(() => ({
      raw: '<DescribeStacksResponse><DescribeStacksResult><Stacks><member><StackName>api',
    }))
    const result = await errorOf('cfn.stack name=api')
    assert.match(result.summary, /: it is not well-formed XML$/)
  })

  it('retries a proxy error page (5xx) as it retries AWS 5xx, then says what answered', async () => {
    fault.script(() => ({
      raw: '<html>502 Bad Gateway</html>',
      status: 502,
      headers: { 'content-type': 'text/html' },
    }))
    const result = await errorOf('secret name=db')
    assert.equal(result.attempts, 4)
    assert.match(result.summary, /^unexpected answer from Secrets Manager .* \(HTTP 502\)/)
  })

  it('reads no gzip bomb: a compressed answer is refused unread', async () => {
    // 1 GB of zeros, as 1,024 gzip members of 1 MB (about 1 kB each on the wire).
    const member = gzipSync(Buffer.alloc(1024 * 1024))
    fault.script(() => ({
      raw: Array.from({ length: 1024 }, () => member),
      headers: { 'content-encoding': 'gzip' },
    }))
    const result = await errorOf('dynamodb.table name=Sessions')
    assert.equal(
      result.summary,
      `unexpected answer from DynamoDB ${WHERE} its body is compressed (content-encoding: gzip), which AWS does not send unasked`,
    )
  })

  it('stops reading an answer past 8 MB instead of holding all of it', async () => {
    const megabyte = Buffer.alloc(1024 * 1024, ' ')
    const parts = 256
    fault.script(() => ({ raw: Array.from({ length: parts }, () => megabyte) }))
    const result = await errorOf('dynamodb.table name=Sessions')
    assert.equal(
      result.summary,
      `unexpected answer from DynamoDB ${WHERE} it is longer than 8 MB, more than any answer to this call needs`,
    )
    // The connection was closed: the server could not write the rest (256 MB) into it.
    assert.ok(
      fault.rawBytesSent < 64 * megabyte.length,
      `the client took ${fault.rawBytesSent} bytes`,
    )
  })
})
