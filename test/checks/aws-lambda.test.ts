/**
 * `lambda.function` against moto_server (functions, a layer, a published
 * version and aliases created here with the real SDK; moto needs no Docker to
 * hold a function's configuration) and against our fault server for what moto
 * cannot make: Pending and Failed functions, updates in progress, throttling,
 * a hung endpoint. Names carry a per-run suffix, as moto is shared.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam'
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  LambdaClient,
  PublishLayerVersionCommand,
  PublishVersionCommand,
} from '@aws-sdk/client-lambda'
import { parseChecklist } from '../../src/checklist/parse.ts'
import { iamActionsOf } from '../../src/checks/registry.ts'
import {
  type AwsReply,
  pointAwsAt,
  startAwsFaultServer,
  WITHOUT_AWS_CREDENTIALS,
  withEnv,
} from '../helpers/aws-fault-server.ts'
import { backend, checklistOf, runChecklist } from '../helpers/checks.ts'

pointAwsAt(backend('moto'))
const fault = await startAwsFaultServer()
after(() => fault.close())

const run = randomUUID().slice(0, 8)
const FULL = `dw-${run}-orders`
const PLAIN = `dw-${run}-cron`
const LAYER = `dw-${run}-powertools`
/** Distinctive, so finding it anywhere in the output cannot be a coincidence. */
const SECRET_VALUE = `s3cr3t-${randomUUID()}-never-shown`
/** The smallest zip there is: moto keeps a function's configuration without running its code. */
const EMPTY_ZIP = Buffer.from('504b0506000000000000000000000000000000000000', 'hex')

const lambda = new LambdaClient({ region: 'us-east-1', maxAttempts: 1 })
const iam = new IAMClient({ region: 'us-east-1', maxAttempts: 1 })
let layerArn = ''
let fullArn = ''

before(async () => {
  const { Role } = await iam.send(
    new CreateRoleCommand({ RoleName: `dw-${run}-lambda`, AssumeRolePolicyDocument: '{}' }),
  )
  const layer = await lambda.send(
    new PublishLayerVersionCommand({ LayerName: LAYER, Content: { ZipFile: EMPTY_ZIP } }),
  )
  layerArn = layer.LayerVersionArn ?? ''
  // Everything the kind can check, set; two variables whose value is a secret.
  const full = await lambda.send(
    new CreateFunctionCommand({
      FunctionName: FULL,
      Runtime: 'nodejs20.x',
      Architectures: ['arm64'],
      MemorySize: 512,
      Timeout: 30,
      Role: Role?.Arn,
      Handler: 'index.handler',
      Code: { ZipFile: EMPTY_ZIP },
      Environment: { Variables: { DATABASE_URL: SECRET_VALUE, JWT_SECRET: SECRET_VALUE } },
      Layers: [layerArn],
    }),
  )
  fullArn = full.FunctionArn ?? ''
  const { Version } = await lambda.send(new PublishVersionCommand({ FunctionName: FULL }))
  await lambda.send(
    new CreateAliasCommand({ FunctionName: FULL, Name: 'live', FunctionVersion: Version }),
  )
  await lambda.send(
    new CreateAliasCommand({ FunctionName: FULL, Name: 'edge', FunctionVersion: '$LATEST' }),
  )
  // Lambda's defaults, nothing else.
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: PLAIN,
      Runtime: 'python3.12',
      Role: Role?.Arn,
      Handler: 'app.handler',
      Code: { ZipFile: EMPTY_ZIP },
    }),
  )
})

after(() => {
  lambda.destroy()
  iam.destroy()
})

/** What `validate` says about a directive's parameters. */
function problemsOf(directive: string): string[] {
  const { problems } = parseChecklist(checklistOf(directive), { path: 'inline.md' })
  return problems.map((p) => p.message)
}

/** The IAM actions `iam-policy` would list for a directive. */
function iamOf(directive: string): readonly string[] {
  const { checklist } = parseChecklist(checklistOf(directive), { path: 'inline.md' })
  const [item] = checklist.items
  assert.ok(item)
  return iamActionsOf(item)
}

describe('lambda.function parameters', () => {
  it('needs GetAlias only when an alias is asked for', () => {
    assert.deepEqual(iamOf('lambda.function name=f env=A memory=512'), [
      'lambda:GetFunctionConfiguration',
    ])
    assert.deepEqual(iamOf('lambda.function name=f alias=live'), [
      'lambda:GetFunctionConfiguration',
      'lambda:GetAlias',
    ])
  })

  it('refuses values it could not check, before anything runs', () => {
    assert.deepEqual(problemsOf('lambda.function name=f env=DB_URL=postgres://x'), [
      "lambda.function env='DB_URL=postgres://x': expected variable names (letters, digits, _), no values",
    ])
    assert.deepEqual(problemsOf('lambda.function name=f function-timeout=1.5s'), [
      "lambda.function function-timeout='1.5s': expected whole seconds from 1 to 900 (15m)",
    ])
    assert.deepEqual(problemsOf('lambda.function name=f function-timeout=20m'), [
      "lambda.function function-timeout='20m': expected whole seconds from 1 to 900 (15m)",
    ])
    assert.deepEqual(problemsOf('lambda.function name=f layers=6'), [
      "lambda.function layers='6': a function has at most 5 layers",
    ])
    assert.deepEqual(problemsOf('lambda.function name=f architecture=arm'), [
      "lambda.function architecture='arm': expected one of: x86_64, arm64",
    ])
    assert.deepEqual(problemsOf('lambda.function name=f memory=64'), [
      "lambda.function memory='64': expected a number from 128 to 10240",
    ])
  })
})

describe('lambda.function against moto', () => {
  it('passes with every setting as asked, naming what it verified, and never shows a value', async () => {
    const checked = await runChecklist(
      checklistOf(
        `lambda.function name=${FULL} runtime=nodejs20.x architecture=arm64 memory=512 function-timeout=30s env=DATABASE_URL,JWT_SECRET layers=${LAYER} alias=live`,
      ),
    )
    const result = checked.result()
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.equal(
      result.summary,
      `${FULL} Active, last update Successful, nodejs20.x, arm64, 512 MB, timeout 30s, env DATABASE_URL, JWT_SECRET set, layers ${LAYER} attached, alias live → version 1`,
    )
    assert.equal(result.evidence?.state, 'Active')
    assert.deepEqual(result.evidence?.env, ['DATABASE_URL', 'JWT_SECRET'])
    assert.equal(result.evidence?.alias, 'live')
    assert.equal(result.evidence?.aliasVersion, '1')
    assert.deepEqual(result.evidence?.layers, [layerArn])
    assert.ok(!checked.everything.includes(SECRET_VALUE), 'a variable value was shown')
  })

  it('takes the function ARN, a runtime among several, and a number of layers', async () => {
    const result = (
      await runChecklist(
        checklistOf(`lambda.function name=${fullArn} runtime=nodejs18.x,nodejs20.x layers=1`),
      )
    ).result()
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.equal(result.summary, `${FULL} Active, last update Successful, nodejs20.x, 1 layer`)
  })

  it('lists every unmet expectation, not just the first', async () => {
    const result = (
      await runChecklist(
        checklistOf(
          `lambda.function name=${PLAIN} runtime=nodejs20.x architecture=arm64 memory=1024 function-timeout=1m env=DATABASE_URL,QUEUE_URL layers=${LAYER} alias=live`,
        ),
      )
    ).result()
    assert.equal(result.status, 'fail')
    assert.equal(
      result.summary,
      `function ${PLAIN} is not as required: runtime is python3.12 (expected nodejs20.x) (and 6 more)`,
    )
    assert.deepEqual(result.details, [
      'runtime is python3.12 (expected nodejs20.x)',
      'architecture is x86_64 (expected arm64)',
      'memory is 128 MB (expected 1024 MB)',
      'timeout is 3s (expected 1m)',
      'environment variables DATABASE_URL, QUEUE_URL are not set (it sets no variables)',
      `layer ${LAYER} is not attached (it has none)`,
      'alias live does not exist',
    ])
  })

  it('names the variables that are missing and those the function does set, never their values', async () => {
    const checked = await runChecklist(
      checklistOf(`lambda.function name=${FULL} env=DATABASE_URL,REDIS_URL layers=0`),
    )
    const result = checked.result()
    assert.equal(result.status, 'fail')
    assert.deepEqual(result.details, [
      'environment variable REDIS_URL is not set (it sets DATABASE_URL, JWT_SECRET)',
      `it has 1 layer (expected 0)`,
    ])
    assert.ok(!checked.everything.includes(SECRET_VALUE))
  })

  it('fails an alias that points at $LATEST rather than a published version, with the fix', async () => {
    const result = (
      await runChecklist(checklistOf(`lambda.function name=${FULL} alias=edge`))
    ).result()
    assert.equal(result.status, 'fail')
    assert.equal(
      result.summary,
      `function ${FULL} is not as required: alias edge points at $LATEST, not a published version`,
    )
    assert.deepEqual(result.details, [
      'alias edge points at $LATEST, not a published version',
      'publish a version (aws lambda publish-version) and point alias edge at it',
    ])
    assert.equal(result.evidence?.aliasVersion, '$LATEST')
  })

  it('fails for a function that does not exist', async () => {
    const result = (await runChecklist(checklistOf(`lambda.function name=dw-${run}-nope`))).result()
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, `function dw-${run}-nope does not exist`)
    assert.deepEqual(result.details, ['check the function name or ARN and the region (us-east-1)'])
  })

  it('errors with what to set when there are no credentials', async () => {
    const result = await withEnv(WITHOUT_AWS_CREDENTIALS, async () =>
      (await runChecklist(checklistOf(`lambda.function name=${FULL}`))).result(),
    )
    assert.equal(result.status, 'error')
    assert.equal(result.summary, 'no AWS credentials')
    assert.match(result.details?.[0] ?? '', /aws sso login/)
  })
})

/** A function's configuration as Lambda sends it. */
function configuration(extra: Record<string, unknown> = {}): AwsReply {
  return {
    result: {
      FunctionName: 'orders',
      FunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:orders',
      Runtime: 'nodejs20.x',
      MemorySize: 512,
      Timeout: 30,
      State: 'Active',
      LastUpdateStatus: 'Successful',
      Environment: { Variables: { DATABASE_URL: SECRET_VALUE } },
      ...extra,
    },
  }
}

const NOT_FOUND: AwsReply = {
  error: 'ResourceNotFoundException',
  message: 'Function not found',
  status: 404,
}

/** Runs the directives against the fault server. */
function againstFaults(...directives: string[]) {
  return withEnv({ AWS_ENDPOINT_URL: fault.url }, () => runChecklist(checklistOf(...directives)))
}

/** Progress messages the run reported, with the time taken shown as `(…)`. */
function progressOf(checked: Awaited<ReturnType<typeof runChecklist>>): string[] {
  return checked.events.flatMap((e) =>
    e.type === 'check-progress' ? [e.message.replace(/\((?:\d+ms|\d+\.\ds)\)$/, '(…)')] : [],
  )
}

describe('lambda.function in states moto cannot produce', () => {
  it('waits out a function being created, then an update in progress, then passes', async () => {
    const states: AwsReply[] = [
      configuration({ State: 'Pending', StateReasonCode: 'Creating' }),
      configuration({ LastUpdateStatus: 'InProgress' }),
    ]
    fault.script((_, n) => states[n - 1] ?? configuration())
    const checked = await againstFaults('lambda.function name=orders; timeout: 2s')
    const result = checked.result()
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(result.summary, 'orders Active, last update Successful')
    assert.deepEqual(progressOf(checked), [
      'Pending, waiting (…)',
      'update InProgress, waiting (…)',
    ])
  })

  it('says what it is still waiting for when the timeout runs out', async () => {
    fault.script(() => configuration({ State: 'Pending' }))
    const result = (await againstFaults('lambda.function name=orders; timeout: 1s')).result()
    assert.equal(result.status, 'error')
    assert.equal(result.summary, 'still Pending after 1s')
    assert.equal(result.evidence?.state, 'Pending')
  })

  it('fails a Failed function and a failed update with what Lambda said', async () => {
    fault.script(() =>
      configuration({
        State: 'Failed',
        StateReasonCode: 'SubnetOutOfIPAddresses',
        StateReason: 'All subnets have no free IP addresses',
        LastUpdateStatus: 'Failed',
        LastUpdateStatusReasonCode: 'InvalidImage',
        LastUpdateStatusReason: 'The image manifest is invalid',
      }),
    )
    const result = (await againstFaults('lambda.function name=orders')).result()
    assert.equal(result.status, 'fail')
    assert.equal(
      result.summary,
      'function orders is not as required: state is Failed (expected Active): SubnetOutOfIPAddresses: All subnets have no free IP addresses (and 1 more)',
    )
    assert.deepEqual(result.details, [
      'state is Failed (expected Active): SubnetOutOfIPAddresses: All subnets have no free IP addresses',
      'last update Failed (expected Successful): InvalidImage: The image manifest is invalid',
      'fix the cause and deploy the function again',
    ])
    assert.equal(result.evidence?.stateReason, 'All subnets have no free IP addresses')
  })

  it('fails an Inactive function, saying how to wake it', async () => {
    fault.script(() => configuration({ State: 'Inactive', StateReasonCode: 'Idle' }))
    const result = (await againstFaults('lambda.function name=orders')).result()
    assert.equal(result.status, 'fail')
    assert.deepEqual(result.details, [
      'state is Inactive (expected Active): Idle',
      'invoke the function once to make it Active again',
    ])
  })

  it('fails a container image function asked for a runtime, and names a weighted alias', async () => {
    fault.script(({ action }) =>
      action === 'GetAlias'
        ? {
            result: {
              Name: 'live',
              FunctionVersion: '7',
              RoutingConfig: { AdditionalVersionWeights: { '8': 0.1 } },
            },
          }
        : configuration({ Runtime: undefined, PackageType: 'Image' }),
    )
    const checked = await againstFaults(
      'lambda.function name=orders runtime=nodejs20.x',
      'lambda.function name=orders alias=live',
    )
    assert.deepEqual(checked.result('check-1').details, [
      'it is a container image with no runtime (expected nodejs20.x)',
    ])
    const alias = checked.result('check-2')
    assert.equal(alias.status, 'pass', alias.summary)
    assert.equal(
      alias.summary,
      'orders Active, last update Successful, alias live → version 7 (10% to 8)',
    )
  })

  it('says a variable is missing because Lambda could not read the environment', async () => {
    fault.script(() =>
      configuration({ Environment: { Error: { ErrorCode: 'KMSAccessDeniedException' } } }),
    )
    const result = (await againstFaults('lambda.function name=orders env=DATABASE_URL')).result()
    assert.deepEqual(result.details, [
      'environment variable DATABASE_URL is not set (it sets no variables; Lambda could not read its environment (KMSAccessDeniedException))',
    ])
  })

  it('asks only for the configuration unless an alias is asked for', async () => {
    fault.script(() => configuration())
    await againstFaults('lambda.function name=orders env=DATABASE_URL memory=512')
    assert.deepEqual(
      fault.requests.map((r) => r.action),
      ['GetFunctionConfiguration'],
    )
    assert.deepEqual(fault.requests[0]?.params, { FunctionName: 'orders' })
  })

  it('does not take an answer without a state for a function', async () => {
    fault.script(() => configuration({ State: undefined }))
    const result = (await againstFaults('lambda.function name=orders')).result()
    assert.equal(result.status, 'error')
    assert.equal(result.summary, `unexpected answer from Lambda at ${fault.url}: State is missing`)
  })

  it('fails when the function is gone', async () => {
    fault.script(() => NOT_FOUND)
    const result = (await againstFaults('lambda.function name=orders alias=live')).result()
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, 'function orders does not exist')
  })
})

describe('lambda.function errors', () => {
  it('retries throttling, then passes', async () => {
    fault.script((_, n) =>
      n <= 2
        ? { error: 'TooManyRequestsException', message: 'Rate exceeded', status: 429 }
        : configuration(),
    )
    const result = (await againstFaults('lambda.function name=orders')).result()
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(result.attempts, 3)
  })

  it('gives up with an error when the throttling does not stop', async () => {
    fault.script(() => ({
      error: 'TooManyRequestsException',
      message: 'Rate exceeded',
      status: 429,
    }))
    const result = (await againstFaults('lambda.function name=orders')).result()
    assert.equal(result.status, 'error')
    assert.equal(
      result.summary,
      'AWS throttled lambda:GetFunctionConfiguration (TooManyRequestsException) (gave up after 4 attempts)',
    )
  })

  it('names the call the identity may not make', async () => {
    fault.script(({ action }) =>
      action === 'GetAlias'
        ? { error: 'AccessDeniedException', message: 'not authorized', status: 403 }
        : configuration(),
    )
    const result = (await againstFaults('lambda.function name=orders alias=live')).result()
    assert.equal(result.status, 'error')
    assert.equal(result.summary, 'access denied: the AWS identity may not call lambda:GetAlias')
  })

  it('does not wait forever on an endpoint that never answers', async () => {
    fault.script(() => 'hang')
    const result = await withEnv({ AWS_ENDPOINT_URL: fault.url }, async () =>
      (
        await runChecklist(checklistOf('lambda.function name=orders'), {
          awsRequestTimeoutMs: 300,
        })
      ).result(),
    )
    assert.equal(result.status, 'error')
    assert.match(
      result.summary,
      /^no answer from .+ to lambda:GetFunctionConfiguration within \d+m?s: check the VPN/,
    )
    assert.equal(result.attempts, 4)
  })
})
