/**
 * `cloudtrail.trail` against moto_server (trails created here, logging started
 * and not, in this region and another) and, for what moto cannot do (a failing
 * delivery, throttling, a hung endpoint, refused permissions, answers of the
 * wrong shape), against the AWS fault server.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import {
  CloudTrailClient,
  CreateTrailCommand,
  DeleteTrailCommand,
  StartLoggingCommand,
} from '@aws-sdk/client-cloudtrail'
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3'
import { CHECK_KINDS } from '../../src/checks/registry.ts'
import {
  type AwsReply,
  pointAwsAt,
  startAwsFaultServer,
  withEnv,
} from '../helpers/aws-fault-server.ts'
import { backend, checklistOf, type RunOptions, runChecklist } from '../helpers/checks.ts'

pointAwsAt(backend('moto'))
const fault = await startAwsFaultServer()
after(() => fault.close())

const run = randomUUID().slice(0, 8)
const BUCKET = `dw-${run}-trail-logs`
/** Logging, every region. */
const ORG = `dw-${run}-org`
/** Created and never started; one region. */
const IDLE = `dw-${run}-idle`
const ARN_PREFIX = 'arn:aws:cloudtrail:us-east-1:123456789012:trail/'

const aws = { region: 'us-east-1', maxAttempts: 1 }
const trails = new CloudTrailClient(aws)
const s3 = new S3Client({ ...aws, forcePathStyle: true })

before(async () => {
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }))
  await trails.send(
    new CreateTrailCommand({ Name: ORG, S3BucketName: BUCKET, IsMultiRegionTrail: true }),
  )
  await trails.send(new StartLoggingCommand({ Name: ORG }))
  await trails.send(new CreateTrailCommand({ Name: IDLE, S3BucketName: BUCKET }))
})

after(async () => {
  for (const name of [ORG, IDLE]) {
    await trails.send(new DeleteTrailCommand({ Name: name })).catch(() => {})
  }
  trails.destroy()
  s3.destroy()
})

/** The one check's result, run against moto. */
async function check(directive: string) {
  return (await runChecklist(checklistOf(directive))).result()
}

/** The run of `directives` against the fault server, scripted with `script`. */
function atFault(script: Parameters<typeof fault.script>[0], options: RunOptions = {}) {
  fault.script(script)
  return (...directives: string[]) =>
    withEnv({ AWS_ENDPOINT_URL: fault.url }, () =>
      runChecklist(checklistOf(...directives), options),
    )
}

const TRAIL = {
  Name: 'org',
  TrailARN: `${ARN_PREFIX}org`,
  HomeRegion: 'us-east-1',
  IsMultiRegionTrail: true,
  S3BucketName: 'org-trail-logs',
}

function trailAnswer(status: Record<string, unknown>): (r: { action: string }) => AwsReply {
  return ({ action }) =>
    action === 'DescribeTrails' ? { result: { trailList: [TRAIL] } } : { result: status }
}

describe('cloudtrail.trail against moto', () => {
  it('passes for a trail that is logging in every region, saying since when', async () => {
    const result = await check(`cloudtrail.trail name=${ORG} multi-region=true`)
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.match(
      result.summary,
      new RegExp(
        `^${ORG} logging since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC, multi-region, last delivery \\d{4}-`,
      ),
    )
    assert.equal(result.evidence?.arn, `${ARN_PREFIX}${ORG}`)
    assert.equal(result.evidence?.logging, true)
    assert.equal(result.evidence?.multiRegion, true)
    assert.equal(result.evidence?.bucket, BUCKET)
  })

  it('finds a trail by its ARN', async () => {
    const result = await check(`cloudtrail.trail name=${ARN_PREFIX}${ORG}`)
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.match(result.summary, new RegExp(`^${ORG} logging since `))
  })

  it('finds a multi-region trail from another region, where AWS shows it as a shadow', async () => {
    const result = await check(`cloudtrail.trail name=${ORG} multi-region=true region=eu-west-1`)
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.equal(result.evidence?.homeRegion, 'us-east-1')
  })

  it('fails a trail that is not logging, saying how to start it', async () => {
    const result = await check(`cloudtrail.trail name=${IDLE}`)
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, `trail ${IDLE} is not logging`)
    assert.deepEqual(result.details, [
      'logging is stopped (expected on)',
      `to start it: aws cloudtrail start-logging --name ${ARN_PREFIX}${IDLE}`,
    ])
    assert.equal(result.evidence?.logging, false)
  })

  it('lists every unmet expectation: not logging and one region only', async () => {
    const result = await check(`cloudtrail.trail name=${IDLE} multi-region=true`)
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, `trail ${IDLE} is not logging (and 1 more)`)
    assert.deepEqual(result.details, [
      'logging is stopped (expected on)',
      'the trail logs us-east-1 only (expected every region)',
      `to start it: aws cloudtrail start-logging --name ${ARN_PREFIX}${IDLE}`,
      `to cover every region: aws cloudtrail update-trail --name ${ARN_PREFIX}${IDLE} --is-multi-region-trail`,
    ])
  })

  it('fails a multi-region trail when one region only is asked for', async () => {
    const result = await check(`cloudtrail.trail name=${ORG} multi-region=false`)
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, `trail ${ORG} is multi-region (expected one region)`)
  })

  it('fails for a trail that does not exist, naming the trails it sees', async () => {
    const result = await check(`cloudtrail.trail name=dw-${run}-nope`)
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, `trail dw-${run}-nope does not exist`)
    assert.equal(result.details?.[0], 'check the trail name or ARN and the region (us-east-1)')
    assert.match(result.details?.[1] ?? '', new RegExp(`^trails seen here: .*${ORG}`))
  })
})

describe('cloudtrail.trail in states moto cannot produce', () => {
  it('fails a trail that logs but cannot deliver to its bucket', async () => {
    const run = await atFault(
      trailAnswer({
        IsLogging: true,
        StartLoggingTime: new Date('2025-01-02T03:04:05Z'),
        LatestDeliveryError: 'AccessDenied',
      }),
    )('cloudtrail.trail name=org')
    const result = run.result()
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, 'trail org cannot deliver its logs (AccessDenied)')
    assert.deepEqual(result.details, [
      'the latest delivery of logs to org-trail-logs failed with AccessDenied',
      'let CloudTrail write to org-trail-logs (its bucket policy), or point the trail at another bucket',
    ])
    assert.equal(result.evidence?.latestDeliveryError, 'AccessDenied')
  })

  it('tells a stopped shadow trail to be started in its home region', async () => {
    const run = await atFault(
      trailAnswer({ IsLogging: false, StopLoggingTime: new Date('2025-01-02T03:04:05Z') }),
    )('cloudtrail.trail name=org region=eu-west-1')
    const result = run.result()
    assert.equal(result.status, 'fail')
    assert.deepEqual(result.details, [
      'logging is stopped since 2025-01-02 03:04 UTC (expected on)',
      `to start it: aws cloudtrail start-logging --name ${ARN_PREFIX}org --region us-east-1`,
    ])
    // The status is asked of the trail by its ARN: a shadow trail is found by nothing else.
    assert.deepEqual(fault.requests[1]?.params, { Name: `${ARN_PREFIX}org` })
  })

  it('errors, rather than guess, when two trails of other regions share the name', async () => {
    const other = { ...TRAIL, TrailARN: TRAIL.TrailARN.replace('us-east-1', 'us-west-2') }
    const run = await atFault(() => ({
      result: { trailList: [TRAIL, { ...other, HomeRegion: 'us-west-2' }] },
    }))('cloudtrail.trail name=org region=eu-west-1')
    const result = run.result()
    assert.equal(result.status, 'error')
    assert.equal(result.summary, '2 trails are named org')
    assert.equal(result.details?.at(-1), 'give the ARN of the one meant as name=')
  })
})

describe('cloudtrail.trail permissions', () => {
  it('calls exactly the IAM actions it declares', async () => {
    const run = await atFault(trailAnswer({ IsLogging: true }))(
      'cloudtrail.trail name=org multi-region=true',
    )
    assert.equal(run.result().status, 'pass', run.result().summary)
    const declared = CHECK_KINDS.get('cloudtrail.trail')?.iam?.({
      name: 'org',
      'multi-region': 'true',
    })
    assert.deepEqual(
      fault.requests.map((r) => `${r.service}:${r.action}`),
      declared,
    )
  })
})

describe('cloudtrail.trail errors', () => {
  it('retries throttling, then passes', async () => {
    const answer = trailAnswer({ IsLogging: true })
    const run = await atFault((request, n) =>
      request.action === 'DescribeTrails' && n === 1
        ? { error: 'ThrottlingException', message: 'Rate exceeded' }
        : answer(request),
    )('cloudtrail.trail name=org')
    const result = run.result()
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(result.summary, 'org logging, no logs delivered yet')
    assert.equal(result.attempts, 2)
  })

  it('gives up with an error when the throttling does not stop', async () => {
    const run = await atFault(() => ({ error: 'ThrottlingException', message: 'Rate exceeded' }))(
      'cloudtrail.trail name=org',
    )
    const result = run.result()
    assert.equal(result.status, 'error')
    assert.equal(
      result.summary,
      'AWS throttled cloudtrail:DescribeTrails (ThrottlingException) (gave up after 4 attempts)',
    )
  })

  it('says which endpoint did not answer when the calls hang', async () => {
    const run = await atFault(() => 'hang', { awsRequestTimeoutMs: 200 })(
      'cloudtrail.trail name=org',
    )
    const result = run.result()
    assert.equal(result.status, 'error')
    assert.match(
      result.summary,
      /^no answer from .+ to cloudtrail:DescribeTrails within \d+m?s: check the VPN/,
    )
  })

  it('names the permission the identity lacks', async () => {
    const run = await atFault(({ action }) =>
      action === 'GetTrailStatus'
        ? { error: 'AccessDeniedException', message: 'not authorized' }
        : { result: { trailList: [TRAIL] } },
    )('cloudtrail.trail name=org')
    const result = run.result()
    assert.equal(result.status, 'error')
    assert.equal(
      result.summary,
      'access denied: the AWS identity may not call cloudtrail:GetTrailStatus',
    )
  })

  it('errors with what to set when there are no credentials', async () => {
    const run = await withEnv(
      {
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined,
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/deploy-wizard/credentials',
        AWS_CONFIG_FILE: '/nonexistent/deploy-wizard/config',
      },
      () => runChecklist(checklistOf('cloudtrail.trail name=org')),
    )
    const result = run.result()
    assert.equal(result.status, 'error')
    assert.equal(result.summary, 'no AWS credentials')
  })

  it('does not take an answer without the trail list for a trail that does not exist', async () => {
    const run = await atFault(() => ({ result: {} }))('cloudtrail.trail name=org')
    const result = run.result()
    assert.equal(result.status, 'error')
    assert.equal(
      result.summary,
      `unexpected answer from CloudTrail at ${fault.url}: trailList is missing`,
    )
  })

  it('does not pass a trail whose status does not say whether it logs', async () => {
    const run = await atFault(trailAnswer({ IsLogging: 'yes' }))('cloudtrail.trail name=org')
    const result = run.result()
    assert.equal(result.status, 'error')
    assert.match(result.summary, /: IsLogging is text, not true or false$/)
  })
})
