/**
 * `ecr.image` against moto_server (a repository with images pushed and scanned
 * here with the real SDK; scan results other than moto's default one HIGH
 * finding are set through moto's own API) and, for a scan still under way,
 * throttling and a hung endpoint, against our fault server.
 */
import assert from 'node:assert/strict'
import { createHash, randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import {
  CreateRepositoryCommand,
  ECRClient,
  PutImageCommand,
  StartImageScanCommand,
} from '@aws-sdk/client-ecr'
import { CHECK_KINDS } from '../../src/checks/registry.ts'
import {
  type AwsReply,
  pointAwsAt,
  startAwsFaultServer,
  withEnv,
} from '../helpers/aws-fault-server.ts'
import { backend, checklistOf, runChecklist } from '../helpers/checks.ts'

const moto = backend('moto')
pointAwsAt(moto)
const fault = await startAwsFaultServer()
after(() => fault.close())

const run = randomUUID().slice(0, 8)
const REPOSITORY = `dw-${run}/api`
const ecr = new ECRClient({ region: 'us-east-1', maxAttempts: 1 })
const digests = new Map<string, string>()

/** A distinct image manifest per tag, so that each tag is its own image. */
function manifest(tag: string): string {
  const digest = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: {
      mediaType: 'application/vnd.docker.container.image.v1+json',
      size: 100,
      digest: digest(`config ${run} ${tag}`),
    },
    layers: [
      {
        mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
        size: 1000,
        digest: digest(`layer ${run} ${tag}`),
      },
    ],
  })
}

/** What moto will answer for the image's scan, through moto's own API. */
async function scanResult(tag: string, result: Record<string, unknown>) {
  const response = await fetch(`${moto}/moto-api/static/ecr/scan-finding-results`, {
    method: 'POST',
    body: JSON.stringify({
      region: 'us-east-1',
      results: [
        {
          registryId: '123456789012',
          repositoryName: REPOSITORY,
          imageId: { imageTag: tag },
          ...result,
        },
      ],
    }),
  })
  assert.equal(response.status, 201, await response.text())
}

before(async () => {
  await ecr.send(new CreateRepositoryCommand({ repositoryName: REPOSITORY }))
  for (const tag of ['v1', 'v2', 'v3', 'v4']) {
    const { image } = await ecr.send(
      new PutImageCommand({
        repositoryName: REPOSITORY,
        imageTag: tag,
        imageManifest: manifest(tag),
      }),
    )
    digests.set(tag, image?.imageId?.imageDigest ?? '')
  }
  // v1: moto's own result, one HIGH finding. v2: two CRITICAL (enhanced scanning). v3: not
  // scannable. v4: never scanned.
  await scanResult('v2', {
    imageScanStatus: { status: 'ACTIVE', description: 'Continuous scan is selected for image.' },
    imageScanFindings: {
      findingSeverityCounts: { CRITICAL: 2, MEDIUM: 3 },
      enhancedFindings: [
        {
          severity: 'MEDIUM',
          title: 'CVE-2024-0001 - zlib',
          packageVulnerabilityDetails: { vulnerabilityId: 'CVE-2024-0001' },
        },
        {
          severity: 'CRITICAL',
          title: 'CVE-2024-3094 - xz',
          packageVulnerabilityDetails: {
            vulnerabilityId: 'CVE-2024-3094',
            vulnerablePackages: [{ name: 'xz-utils', version: '5.6.0' }],
          },
        },
      ],
    },
  })
  await scanResult('v3', {
    imageScanStatus: {
      status: 'UNSUPPORTED_IMAGE',
      description: 'The operating system is not supported.',
    },
  })
  for (const tag of ['v1', 'v2', 'v3']) {
    await ecr.send(
      new StartImageScanCommand({ repositoryName: REPOSITORY, imageId: { imageTag: tag } }),
    )
  }
})

after(() => ecr.destroy())

describe('ecr.image against moto', () => {
  it('passes for a tag that exists, saying its digest and date', async () => {
    const result = (
      await runChecklist(checklistOf(`ecr.image repository=${REPOSITORY} tag=v4`))
    ).result()
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    const digest = digests.get('v4') ?? ''
    assert.match(
      result.summary,
      new RegExp(`^${REPOSITORY}:v4 ${digest.slice(0, 19)}…, pushed \\d{4}-\\d\\d-\\d\\d$`),
    )
    assert.equal(result.evidence?.digest, digest)
    assert.deepEqual(result.evidence?.tags, ['v4'])
  })

  it('takes the repository by URI or ARN, and the image by digest', async () => {
    const digest = digests.get('v1') ?? ''
    const checked = await runChecklist(
      checklistOf(
        `ecr.image repository=123456789012.dkr.ecr.us-east-1.amazonaws.com/${REPOSITORY} tag=v1`,
        `ecr.image repository=arn:aws:ecr:us-east-1:123456789012:repository/${REPOSITORY} tag=${digest}`,
      ),
    )
    assert.equal(checked.result('check-1').status, 'pass', checked.result('check-1').summary)
    const byDigest = checked.result('check-2')
    assert.equal(byDigest.status, 'pass', byDigest.summary)
    assert.ok(byDigest.summary.startsWith(`${REPOSITORY}@${digest} `), byDigest.summary)
  })

  it('passes when the findings are below the severity asked, counting them', async () => {
    const result = (
      await runChecklist(
        checklistOf(`ecr.image repository=${REPOSITORY} tag=v1 max-severity=CRITICAL`),
      )
    ).result()
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.match(result.summary, /, no findings at or above CRITICAL \(1 HIGH\)$/)
    assert.deepEqual(result.evidence?.findings, { HIGH: 1 })
    assert.equal(result.evidence?.scanStatus, 'COMPLETE')
  })

  it('fails findings at or above the severity, naming the worst', async () => {
    const checked = await runChecklist(
      checklistOf(
        `ecr.image repository=${REPOSITORY} tag=v1 max-severity=high`,
        `ecr.image repository=${REPOSITORY} tag=v2 max-severity=MEDIUM`,
      ),
    )
    const basic = checked.result('check-1')
    assert.equal(basic.status, 'fail')
    assert.equal(
      basic.summary,
      `image ${REPOSITORY}:v1 is not as required: 1 finding at or above HIGH (1 HIGH)`,
    )
    assert.deepEqual(basic.details, [
      '1 finding at or above HIGH (1 HIGH)',
      'CVE-9999-9999 (HIGH) in moto_fake 9.9.9',
    ])
    const enhanced = checked.result('check-2')
    assert.equal(enhanced.status, 'fail')
    assert.deepEqual(enhanced.details, [
      '5 findings at or above MEDIUM (2 CRITICAL, 3 MEDIUM)',
      'CVE-2024-3094 (CRITICAL) in xz-utils 5.6.0',
      'CVE-2024-0001 (MEDIUM)',
    ])
  })

  it('fails an image never scanned, or whose scan could not be done, saying how to scan it', async () => {
    const checked = await runChecklist(
      checklistOf(
        `ecr.image repository=${REPOSITORY} tag=v4 max-severity=HIGH`,
        `ecr.image repository=${REPOSITORY} tag=v3 max-severity=HIGH`,
      ),
    )
    const unscanned = checked.result('check-1')
    assert.equal(unscanned.status, 'fail')
    assert.deepEqual(unscanned.details, [
      'the image has not been scanned (expected no findings at or above HIGH)',
      `scan it: aws ecr start-image-scan --repository-name ${REPOSITORY} --image-id imageDigest=${digests.get('v4')} (or turn on scan on push)`,
    ])
    const unsupported = checked.result('check-2')
    assert.equal(unsupported.status, 'fail')
    assert.equal(
      unsupported.details?.[0],
      'its scan is UNSUPPORTED_IMAGE: The operating system is not supported.',
    )
  })

  it('fails a tag that does not exist, naming the newest tags there', async () => {
    const result = (
      await runChecklist(checklistOf(`ecr.image repository=${REPOSITORY} tag=v5`))
    ).result()
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, `image ${REPOSITORY}:v5 does not exist`)
    assert.match(
      result.details?.[0] ?? '',
      new RegExp(`^the newest tags in ${REPOSITORY}: (v[1-4] \\(\\d{4}-\\d\\d-\\d\\d\\)(, |$)){4}`),
    )
  })

  it('fails for a repository that does not exist', async () => {
    const result = (
      await runChecklist(checklistOf(`ecr.image repository=dw-${run}/nope tag=v1`))
    ).result()
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, `repository dw-${run}/nope does not exist`)
  })
})

const DIGEST = `sha256:${'ab'.repeat(32)}`
const IMAGE: AwsReply = {
  result: {
    imageDetails: [
      {
        registryId: '123456789012',
        repositoryName: 'api',
        imageDigest: DIGEST,
        imageTags: ['v42'],
        imagePushedAt: new Date('2025-01-10T09:00:00Z'),
      },
    ],
  },
}

function scan(status: string, counts: Record<string, number> = {}): AwsReply {
  return {
    result: {
      imageScanStatus: { status },
      ...(status === 'COMPLETE' ? { imageScanFindings: { findingSeverityCounts: counts } } : {}),
    },
  }
}

/** Runs the directives against the fault server. */
function againstFault(...directives: string[]) {
  return withEnv({ AWS_ENDPOINT_URL: fault.url }, () => runChecklist(checklistOf(...directives)))
}

describe('ecr.image in states moto cannot produce', () => {
  it('waits out a scan in progress, then judges its findings', async () => {
    fault.script(({ action }, n) =>
      action === 'DescribeImages'
        ? IMAGE
        : n <= 2
          ? scan('IN_PROGRESS')
          : scan('COMPLETE', { LOW: 2 }),
    )
    const checked = await againstFault(
      'ecr.image repository=api tag=v42 max-severity=HIGH; timeout: 3s',
    )
    const result = checked.result()
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.equal(
      result.summary,
      'api:v42 sha256:abababababab…, pushed 2025-01-10, no findings at or above HIGH (2 LOW)',
    )
    const progress = checked.events.flatMap((e) => (e.type === 'check-progress' ? [e.message] : []))
    assert.equal(progress.length, 2)
    assert.match(progress[0] ?? '', /^scan IN_PROGRESS, waiting/)
    assert.deepEqual(fault.requests[1]?.params, {
      repositoryName: 'api',
      imageId: { imageDigest: DIGEST },
      maxResults: 100,
    })
  })

  it('asks for the scan only when max-severity is given', async () => {
    fault.script(() => IMAGE)
    const result = (await againstFault('ecr.image repository=api tag=v42')).result()
    assert.equal(result.status, 'pass', result.summary)
    assert.deepEqual(
      fault.requests.map((r) => r.action),
      ['DescribeImages'],
    )
  })
})

describe('ecr.image errors', () => {
  it('retries throttling, then passes', async () => {
    fault.script((_, n) =>
      n <= 2 ? { error: 'ThrottlingException', message: 'Rate exceeded' } : IMAGE,
    )
    const result = (await againstFault('ecr.image repository=api tag=v42')).result()
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(result.attempts, 3)
  })

  it('names the permission it lacks for the scan', async () => {
    fault.script(({ action }) =>
      action === 'DescribeImages'
        ? IMAGE
        : {
            error: 'AccessDeniedException',
            message: 'not authorized to perform: ecr:DescribeImageScanFindings',
          },
    )
    const result = (
      await againstFault('ecr.image repository=api tag=v42 max-severity=HIGH')
    ).result()
    assert.equal(result.status, 'error')
    assert.equal(
      result.summary,
      'access denied: the AWS identity may not call ecr:DescribeImageScanFindings',
    )
  })

  it('gives up on an endpoint that never answers, saying so', async () => {
    fault.script(() => 'hang')
    const result = await withEnv({ AWS_ENDPOINT_URL: fault.url }, async () =>
      (
        await runChecklist(checklistOf('ecr.image repository=api tag=v42'), {
          awsRequestTimeoutMs: 200,
        })
      ).result(),
    )
    assert.equal(result.status, 'error')
    assert.match(
      result.summary,
      /^no answer from .+ to ecr:DescribeImages within \d+m?s: check the VPN/,
    )
  })

  it('errors with what to set when there are no credentials', async () => {
    const result = await withEnv(
      { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined },
      async () => (await runChecklist(checklistOf('ecr.image repository=api tag=v42'))).result(),
    )
    assert.equal(result.status, 'error')
    assert.equal(result.summary, 'no AWS credentials')
  })

  it('declares the IAM actions it calls, the scan only with max-severity', () => {
    const kind = CHECK_KINDS.get('ecr.image')
    assert.deepEqual(kind?.iam?.({ repository: 'r', tag: 't' }), ['ecr:DescribeImages'])
    assert.deepEqual(kind?.iam?.({ repository: 'r', tag: 't', 'max-severity': 'HIGH' }), [
      'ecr:DescribeImages',
      'ecr:DescribeImageScanFindings',
    ])
  })
})
