/**
 * `s3.bucket` against moto_server (buckets made here with the real SDK), and
 * against our fault server for what moto cannot do: a bucket in another region
 * answering with a redirect, a bucket of another account, throttling, an
 * endpoint that never answers. moto is shared with other test files: bucket
 * names carry a per-run suffix.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import {
  CreateBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3'
import { parseChecklist } from '../../src/checklist/parse.ts'
import { iamActionsOf } from '../../src/checks/registry.ts'
import {
  type AwsReply,
  pointAwsAt,
  startAwsFaultServer,
  WITHOUT_AWS_CREDENTIALS,
  withEnv,
} from '../helpers/aws-fault-server.ts'
import { backend, checklistOf, type RunOptions, runChecklist } from '../helpers/checks.ts'

const moto = backend('moto')
pointAwsAt(moto)
const fault = await startAwsFaultServer()

const run = randomUUID().slice(0, 8)
/** Everything the kind can check, switched on. */
const FULL = `dw-${run}-assets`
/** Nothing set. */
const PLAIN = `dw-${run}-scratch`
/** Each setting made, but not as a careful operator wants it. */
const HALF = `dw-${run}-uploads`
/** In eu-west-1, with versioning on. */
const ELSEWHERE = `dw-${run}-eu-logs`

const s3 = new S3Client({ region: 'us-east-1', maxAttempts: 1 })
const s3Eu = new S3Client({ region: 'eu-west-1', maxAttempts: 1 })

before(async () => {
  for (const bucket of [FULL, PLAIN, HALF])
    await s3.send(new CreateBucketCommand({ Bucket: bucket }))
  await s3Eu.send(
    new CreateBucketCommand({
      Bucket: ELSEWHERE,
      CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
    }),
  )
  const versioning = (Bucket: string, Status: 'Enabled' | 'Suspended') =>
    new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status } })
  await s3.send(versioning(FULL, 'Enabled'))
  await s3.send(versioning(HALF, 'Enabled'))
  await s3.send(versioning(HALF, 'Suspended'))
  await s3Eu.send(versioning(ELSEWHERE, 'Enabled'))
  const encryption = (Bucket: string, SSEAlgorithm: 'AES256' | 'aws:kms') =>
    new PutBucketEncryptionCommand({
      Bucket,
      ServerSideEncryptionConfiguration: {
        Rules: [
          {
            ApplyServerSideEncryptionByDefault: {
              SSEAlgorithm,
              ...(SSEAlgorithm === 'aws:kms' ? { KMSMasterKeyID: 'alias/assets' } : {}),
            },
          },
        ],
      },
    })
  await s3.send(encryption(FULL, 'aws:kms'))
  await s3.send(encryption(HALF, 'AES256'))
  await s3.send(
    new PutPublicAccessBlockCommand({
      Bucket: FULL,
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
    }),
  )
  await s3.send(
    new PutPublicAccessBlockCommand({
      Bucket: HALF,
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true },
    }),
  )
  const lifecycle = (Bucket: string, ID: string, Status: 'Enabled' | 'Disabled') =>
    new PutBucketLifecycleConfigurationCommand({
      Bucket,
      LifecycleConfiguration: {
        Rules: [{ ID, Status, Filter: { Prefix: '' }, Expiration: { Days: 30 } }],
      },
    })
  await s3.send(lifecycle(FULL, 'expire-old', 'Enabled'))
  await s3.send(lifecycle(HALF, 'tmp', 'Disabled'))
})

after(async () => {
  s3.destroy()
  s3Eu.destroy()
  await fault.close()
})

/** The one check's result. */
async function check(directive: string, options: RunOptions = {}) {
  return (await runChecklist(checklistOf(directive), options)).result()
}

/** The one check's result, with the SDK pointed at the fault server. */
function checkOnFault(directive: string, options: RunOptions = {}) {
  return withEnv({ AWS_ENDPOINT_URL: fault.url }, () => check(directive, options))
}

/** The IAM actions the one check of `directive` declares. */
function iamOf(directive: string): readonly string[] {
  const item = parseChecklist(checklistOf(directive), { path: 'inline.md' }).checklist.items[0]
  assert.ok(item)
  return iamActionsOf(item)
}

describe('s3.bucket permissions', () => {
  it("names HeadBucket's permission, and each setting's only when it is asked for", () => {
    assert.deepEqual(iamOf('s3.bucket name=b'), ['s3:ListBucket'])
    assert.deepEqual(
      iamOf(
        's3.bucket name=b versioning=false encryption=true public-access-block=true lifecycle=no',
      ),
      [
        's3:ListBucket',
        's3:GetBucketVersioning',
        's3:GetEncryptionConfiguration',
        's3:GetBucketPublicAccessBlock',
        's3:GetLifecycleConfiguration',
      ],
    )
  })
})

describe('s3.bucket against moto', () => {
  it('passes with every setting as asked, and says what it verified', async () => {
    const result = await check(
      `s3.bucket name=${FULL} versioning=true encryption=aws:kms public-access-block=true lifecycle=true`,
    )
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.equal(
      result.summary,
      `${FULL} exists in us-east-1, versioning Enabled, encryption aws:kms, public access blocked, 1 lifecycle rule enabled`,
    )
    assert.deepEqual(result.evidence, {
      bucket: FULL,
      region: 'us-east-1',
      versioning: 'Enabled',
      encryption: 'aws:kms',
      kmsKey: 'alias/assets',
      bucketKey: false,
      publicAccessBlock: 'all on',
      lifecycleRules: ['expire-old Enabled'],
    })
  })

  it('passes for any default encryption with encryption=true', async () => {
    const result = await check(`s3.bucket name=${HALF} encryption=true`)
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(result.summary, `${HALF} exists in us-east-1, encryption AES256`)
  })

  it('passes for a bare bucket when every setting is asked to be off', async () => {
    const result = await check(
      `s3.bucket name=${PLAIN} versioning=false encryption=false public-access-block=false lifecycle=false`,
    )
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.equal(
      result.summary,
      `${PLAIN} exists in us-east-1, versioning off, no default encryption, public access not fully blocked, no lifecycle rule enabled`,
    )
    assert.deepEqual(result.evidence, {
      bucket: PLAIN,
      region: 'us-east-1',
      versioning: 'never enabled',
      encryption: 'none',
      publicAccessBlock: 'none',
      lifecycleRules: 'none',
    })
  })

  it('lists every unmet expectation of a bare bucket, the first in the summary', async () => {
    const result = await check(
      `s3.bucket name=${PLAIN} versioning=true encryption=true public-access-block=true lifecycle=true`,
    )
    assert.equal(result.status, 'fail')
    assert.equal(
      result.summary,
      `bucket ${PLAIN} is not as required: versioning is off (expected Enabled) (and 3 more)`,
    )
    assert.deepEqual(result.details, [
      'versioning is off (expected Enabled)',
      'no default encryption (expected one)',
      'no public access block (expected all four settings on)',
      'no lifecycle rules (expected at least one enabled)',
    ])
  })

  it('names what is set but not as asked: suspended, another algorithm, settings off, rules disabled', async () => {
    const result = await check(
      `s3.bucket name=${HALF} versioning=true encryption=aws:kms public-access-block=true lifecycle=true`,
    )
    assert.equal(result.status, 'fail')
    assert.deepEqual(result.details, [
      'versioning is Suspended (expected Enabled)',
      'default encryption is AES256 (expected aws:kms)',
      'public access block has IgnorePublicAcls, RestrictPublicBuckets off (expected all four settings on)',
      'no lifecycle rule is enabled (1 lifecycle rule disabled: tmp)',
    ])
    assert.equal(result.evidence?.publicAccessBlock, 'off: IgnorePublicAcls, RestrictPublicBuckets')
  })

  it('fails a fully set bucket asked to have each setting off', async () => {
    const result = await check(
      `s3.bucket name=${FULL} versioning=off encryption=no public-access-block=false lifecycle=false`,
    )
    assert.equal(result.status, 'fail')
    assert.deepEqual(result.details, [
      'versioning is Enabled (expected off)',
      'default encryption is aws:kms (expected none)',
      'public access block is all on (expected some setting off)',
      '1 lifecycle rule enabled (expected none)',
    ])
  })

  it('fails for a bucket that does not exist', async () => {
    const result = await check(`s3.bucket name=dw-${run}-nope versioning=true`)
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, `bucket dw-${run}-nope does not exist`)
    assert.deepEqual(result.details, [
      'check the bucket name (S3 bucket names are global: the region does not matter)',
    ])
  })

  it('reads a bucket of another region in that region', async () => {
    const result = await check(`s3.bucket name=${ELSEWHERE} versioning=true`)
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(result.summary, `${ELSEWHERE} exists in eu-west-1, versioning Enabled`)
    assert.equal(result.evidence?.region, 'eu-west-1')
  })

  it("reaches S3 through an endpoint named by host name (LocalStack's localhost:4566), bucket in the path", async () => {
    const byName = moto.replace('127.0.0.1', 'localhost')
    const result = await withEnv({ AWS_ENDPOINT_URL_S3: byName }, () =>
      check(`s3.bucket name=${FULL} versioning=true`),
    )
    assert.equal(result.status, 'pass', result.summary)
  })

  it('refuses an encryption that is neither a boolean nor an algorithm', async () => {
    await assert.rejects(
      () => check(`s3.bucket name=${FULL} encryption=kms`),
      /expected true, false or an algorithm: AES256, aws:kms, aws:kms:dsse/,
    )
  })
})

const THROTTLED: AwsReply = {
  error: 'SlowDown',
  message: 'Please reduce your request rate.',
  status: 503,
}

describe('s3.bucket in states moto cannot produce', () => {
  it('asks only HeadBucket when only the name is given', async () => {
    fault.script(() => ({ result: {}, headers: { 'x-amz-bucket-region': 'us-east-1' } }))
    const result = await checkOnFault('s3.bucket name=assets')
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(result.summary, 'assets exists in us-east-1')
    assert.deepEqual(
      fault.requests.map((r) => `${r.service}:${r.action}`),
      ['s3:HeadBucket'],
    )
  })

  it('follows the redirect of a bucket in another region and reads it there', async () => {
    fault.script(({ action, region }) => {
      if (action === 'HeadBucket')
        return {
          error: 'MovedPermanently',
          status: 301,
          headers: { 'x-amz-bucket-region': 'ap-southeast-2' },
        }
      if (region !== 'ap-southeast-2')
        return { error: 'PermanentRedirect', message: 'wrong region', status: 301 }
      return { result: { Status: 'Enabled' } }
    })
    const result = await checkOnFault('s3.bucket name=assets versioning=true')
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(result.summary, 'assets exists in ap-southeast-2, versioning Enabled')
    assert.deepEqual(
      fault.requests.map((r) => `${r.action} ${r.region}`),
      ['HeadBucket us-east-1', 'GetBucketVersioning ap-southeast-2'],
    )
  })

  it("says a bucket it may not see may be another account's", async () => {
    fault.script(() => ({ error: 'Forbidden', status: 403 }))
    const result = await checkOnFault('s3.bucket name=assets versioning=true')
    assert.equal(result.status, 'error')
    assert.equal(result.summary, 'access denied to bucket assets')
    assert.deepEqual(result.details, [
      'grant s3:ListBucket on arn:aws:s3:::assets to the role or user, or use a profile that has it',
      "or the bucket is another AWS account's: S3 bucket names are global",
    ])
    assert.equal(result.attempts, 1)
  })

  it('names the permission a setting needs when it is denied', async () => {
    fault.script(({ action }) =>
      action === 'GetBucketEncryption'
        ? { error: 'AccessDenied', message: 'Access Denied', status: 403 }
        : { result: {} },
    )
    const result = await checkOnFault('s3.bucket name=assets encryption=true')
    assert.equal(result.status, 'error')
    assert.equal(
      result.summary,
      'access denied: the AWS identity may not call s3:GetEncryptionConfiguration',
    )
  })

  it('retries S3 slowing it down (a HEAD answer has no body: HTTP 503 alone), then passes', async () => {
    fault.script(({ action }, n) =>
      action === 'HeadBucket' && n <= 2
        ? THROTTLED
        : {
            result: {
              PublicAccessBlockConfiguration: {
                BlockPublicAcls: true,
                IgnorePublicAcls: true,
                BlockPublicPolicy: true,
                RestrictPublicBuckets: true,
              },
            },
          },
    )
    const result = await checkOnFault('s3.bucket name=assets public-access-block=true')
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(result.attempts, 3)
  })

  it('gives up with an error when the throttling does not stop', async () => {
    fault.script(({ action }) => (action === 'HeadBucket' ? { result: {} } : THROTTLED))
    const result = await checkOnFault('s3.bucket name=assets versioning=true')
    assert.equal(result.status, 'error')
    assert.equal(
      result.summary,
      'AWS throttled s3:GetBucketVersioning (SlowDown) (gave up after 4 attempts)',
    )
  })

  it('says no answer came from an endpoint that never answers', async () => {
    fault.script(() => 'hang')
    const result = await checkOnFault('s3.bucket name=assets', { awsRequestTimeoutMs: 200 })
    assert.equal(result.status, 'error')
    assert.match(result.summary, /^no answer from .+ to s3:ListBucket within \d+m?s: check the VPN/)
    assert.equal(result.attempts, 4)
  })

  it('errors with what to set when there are no credentials', async () => {
    fault.script(() => ({ result: {} }))
    const result = await withEnv(WITHOUT_AWS_CREDENTIALS, () =>
      checkOnFault('s3.bucket name=assets versioning=true'),
    )
    assert.equal(result.status, 'error')
    assert.equal(result.summary, 'no AWS credentials')
    assert.equal(fault.requests.length, 0)
  })

  it('does not take a lifecycle rule without a status for an enabled one', async () => {
    fault.script(({ action }) =>
      action === 'HeadBucket' ? { result: {} } : { result: { Rules: [{ ID: 'expire' }] } },
    )
    const result = await checkOnFault('s3.bucket name=assets lifecycle=true')
    assert.equal(result.status, 'error')
    assert.match(result.summary, /^unexpected answer from S3 at .*: Rules\.0\.Status is missing$/)
  })
})
