/**
 * `s3.bucket`: a bucket exists, with versioning, default encryption, the public
 * access block and lifecycle rules as asked. HeadBucket says whether it exists
 * and in which region; each setting costs one more call, made only when its
 * parameter is given, in the bucket's own region (S3 answers a request sent to
 * another region with a redirect). Every unmet expectation is listed.
 */
import type { S3Client } from '@aws-sdk/client-s3'
import * as z from 'zod'
import { type CheckContext, error, fail, pass, type RunCheck } from '../kind.ts'
import type { BucketParams as Params, S3Encryption } from '../kinds/s3.ts'
import type { CheckOutcome } from '../runner.ts'
import { expectAnswer } from './answers.ts'
import { AwsCallError, awsCall, awsErrorName, awsErrorOutcome } from './errors.ts'
import { targetOf } from './target.ts'

const HeadAnswer = z.object({ BucketRegion: z.string().optional() })

const VersioningAnswer = z.object({
  Status: z.string().optional(),
  MFADelete: z.string().optional(),
})
type Versioning = z.output<typeof VersioningAnswer>

const EncryptionAnswer = z.object({
  ServerSideEncryptionConfiguration: z.object({
    Rules: z.array(
      z.object({
        ApplyServerSideEncryptionByDefault: z
          .object({ SSEAlgorithm: z.string(), KMSMasterKeyID: z.string().optional() })
          .optional(),
        BucketKeyEnabled: z.boolean().optional(),
      }),
    ),
  }),
})
type EncryptionRule = z.output<
  typeof EncryptionAnswer
>['ServerSideEncryptionConfiguration']['Rules'][number]

/** The four settings, each on only when S3 says true. */
const PUBLIC_ACCESS_SETTINGS = [
  'BlockPublicAcls',
  'IgnorePublicAcls',
  'BlockPublicPolicy',
  'RestrictPublicBuckets',
] as const
const PublicAccessAnswer = z.object({
  PublicAccessBlockConfiguration: z.object(
    Object.fromEntries(PUBLIC_ACCESS_SETTINGS.map((name) => [name, z.boolean().optional()])) as {
      [K in (typeof PUBLIC_ACCESS_SETTINGS)[number]]: z.ZodOptional<z.ZodBoolean>
    },
  ),
})
type PublicAccessBlock = z.output<typeof PublicAccessAnswer>['PublicAccessBlockConfiguration']

const LifecycleAnswer = z.object({
  Rules: z.array(z.object({ ID: z.string().optional(), Status: z.string() })).optional(),
})
type LifecycleRule = NonNullable<z.output<typeof LifecycleAnswer>['Rules']>[number]

/** Runs an `s3.bucket` check (its parameters: kinds/s3.ts). */
export const checkBucket: RunCheck<Params> = async (p, ctx) => {
  try {
    return await judgeBucket(p, ctx)
  } catch (caught) {
    return awsErrorOutcome(caught, { signal: ctx.signal, profile: p.profile })
  }
}

/** What was found against what was asked: lines for the summary and for the details. */
interface Findings {
  readonly verified: string[]
  readonly unmet: string[]
}

async function judgeBucket(p: Params, ctx: CheckContext): Promise<CheckOutcome> {
  const target = targetOf(p, ctx.env)
  const first = await ctx.clients.aws('s3', target)
  const head = await headBucket(first, p.name, ctx.signal)
  if (head.found === 'missing') {
    return fail(`bucket ${p.name} does not exist`, {
      details: ['check the bucket name (S3 bucket names are global: the region does not matter)'],
    })
  }
  if (head.found === 'forbidden') {
    return error(`access denied to bucket ${p.name}`, {
      details: [
        `grant s3:ListBucket on arn:aws:s3:::${p.name} to the role or user, or use a profile that has it`,
        "or the bucket is another AWS account's: S3 bucket names are global",
      ],
    })
  }
  // Every other call goes to the bucket's own region, which may not be the check's.
  const here = await first.config.region()
  const region = head.region ?? here
  const client = region === here ? first : await ctx.clients.aws('s3', { ...target, region })

  const [versioning, encryption, publicAccess, lifecycle] = await Promise.all([
    p.versioning === undefined ? undefined : getVersioning(client, p.name, ctx.signal),
    p.encryption === undefined ? undefined : getEncryption(client, p.name, ctx.signal),
    p['public-access-block'] === undefined
      ? undefined
      : getPublicAccessBlock(client, p.name, ctx.signal),
    p.lifecycle === undefined ? undefined : getLifecycle(client, p.name, ctx.signal),
  ])
  const findings: Findings = { verified: [], unmet: [] }
  if (versioning && p.versioning !== undefined) checkVersioning(versioning, p.versioning, findings)
  if (encryption && p.encryption !== undefined) checkEncryption(encryption, p.encryption, findings)
  if (publicAccess && p['public-access-block'] !== undefined)
    checkPublicAccess(publicAccess.block, p['public-access-block'], findings)
  if (lifecycle && p.lifecycle !== undefined) checkLifecycle(lifecycle.rules, p.lifecycle, findings)

  const evidence = {
    bucket: p.name,
    region,
    ...(versioning ? { versioning: versioning.Status ?? 'never enabled' } : {}),
    ...(versioning?.MFADelete ? { mfaDelete: versioning.MFADelete } : {}),
    ...(encryption ? encryptionEvidence(encryption.rule) : {}),
    ...(publicAccess ? { publicAccessBlock: publicAccessEvidence(publicAccess.block) } : {}),
    ...(lifecycle
      ? {
          lifecycleRules:
            lifecycle.rules.length > 0
              ? lifecycle.rules.map((rule) => `${rule.ID ?? '(no id)'} ${rule.Status}`)
              : 'none',
        }
      : {}),
  }
  const [unmet, ...rest] = findings.unmet
  if (unmet === undefined) {
    return pass([`${p.name} exists in ${region}`, ...findings.verified].join(', '), { evidence })
  }
  const more = rest.length > 0 ? ` (and ${rest.length} more)` : ''
  return fail(`bucket ${p.name} is not as required: ${unmet}${more}`, {
    details: findings.unmet,
    evidence,
  })
}

type Head =
  | { readonly found: 'yes'; readonly region: string | undefined }
  | { readonly found: 'missing' }
  | { readonly found: 'forbidden' }

/**
 * Whether the bucket exists, and its region. A HEAD answer has no body, so S3's
 * verdict is in the status, and the bucket's region in `x-amz-bucket-region`:
 * asked in the wrong region S3 redirects (301), or refuses the signature (400),
 * naming the right one.
 */
async function headBucket(client: S3Client, bucket: string, signal: AbortSignal): Promise<Head> {
  const { HeadBucketCommand } = await import('@aws-sdk/client-s3')
  return awsCall('s3:ListBucket', async () => {
    try {
      const answer = await client.send(new HeadBucketCommand({ Bucket: bucket }), {
        abortSignal: signal,
      })
      return { found: 'yes', region: expectAnswer(answer, HeadAnswer).BucketRegion }
    } catch (caught) {
      const { status, region } = responseOf(caught)
      if (status === 404) return { found: 'missing' }
      if (status === 403) return { found: 'forbidden' }
      if ((status === 301 || status === 400) && region) return { found: 'yes', region }
      throw caught
    }
  })
}

/** The HTTP status and the bucket region header of an S3 error answer. */
function responseOf(caught: unknown): { status?: number; region?: string } {
  const e = (caught instanceof AwsCallError ? caught.cause : caught) as {
    $metadata?: { httpStatusCode?: unknown }
    $response?: { headers?: Record<string, unknown> }
  }
  const status = e?.$metadata?.httpStatusCode
  const region = e?.$response?.headers?.['x-amz-bucket-region']
  return {
    ...(typeof status === 'number' ? { status } : {}),
    ...(typeof region === 'string' && /^[a-z0-9-]+$/.test(region) ? { region } : {}),
  }
}

/** Runs one read of a bucket setting; `absent` names the error S3 sends when the setting was never made. */
async function read<T>(
  action: string,
  absent: string | undefined,
  send: () => Promise<T>,
): Promise<T | undefined> {
  return awsCall(action, async () => {
    try {
      return await send()
    } catch (caught) {
      if (absent !== undefined && awsErrorName(caught) === absent) return undefined
      throw caught
    }
  })
}

async function getVersioning(client: S3Client, bucket: string, signal: AbortSignal) {
  const { GetBucketVersioningCommand } = await import('@aws-sdk/client-s3')
  const found = await read('s3:GetBucketVersioning', undefined, async () =>
    expectAnswer(
      await client.send(new GetBucketVersioningCommand({ Bucket: bucket }), {
        abortSignal: signal,
      }),
      VersioningAnswer,
    ),
  )
  return found ?? {}
}

async function getEncryption(client: S3Client, bucket: string, signal: AbortSignal) {
  const { GetBucketEncryptionCommand } = await import('@aws-sdk/client-s3')
  const found = await read(
    's3:GetEncryptionConfiguration',
    'ServerSideEncryptionConfigurationNotFoundError',
    async () =>
      expectAnswer(
        await client.send(new GetBucketEncryptionCommand({ Bucket: bucket }), {
          abortSignal: signal,
        }),
        EncryptionAnswer,
      ),
  )
  // S3 keeps one rule; the first with a default algorithm is the one applied.
  const rules = found?.ServerSideEncryptionConfiguration.Rules ?? []
  return { rule: rules.find((rule) => rule.ApplyServerSideEncryptionByDefault) }
}

async function getPublicAccessBlock(client: S3Client, bucket: string, signal: AbortSignal) {
  const { GetPublicAccessBlockCommand } = await import('@aws-sdk/client-s3')
  const found = await read(
    's3:GetBucketPublicAccessBlock',
    'NoSuchPublicAccessBlockConfiguration',
    async () =>
      expectAnswer(
        await client.send(new GetPublicAccessBlockCommand({ Bucket: bucket }), {
          abortSignal: signal,
        }),
        PublicAccessAnswer,
      ),
  )
  return { block: found?.PublicAccessBlockConfiguration }
}

async function getLifecycle(client: S3Client, bucket: string, signal: AbortSignal) {
  const { GetBucketLifecycleConfigurationCommand } = await import('@aws-sdk/client-s3')
  const found = await read(
    's3:GetLifecycleConfiguration',
    'NoSuchLifecycleConfiguration',
    async () =>
      expectAnswer(
        await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }), {
          abortSignal: signal,
        }),
        LifecycleAnswer,
      ),
  )
  return { rules: found?.Rules ?? [] }
}

function checkVersioning(versioning: Versioning, wanted: boolean, findings: Findings): void {
  // A bucket whose versioning was never enabled has no status at all.
  const status = versioning.Status ?? 'off'
  if (wanted === (status === 'Enabled')) findings.verified.push(`versioning ${status}`)
  else findings.unmet.push(`versioning is ${status} (expected ${wanted ? 'Enabled' : 'off'})`)
}

function checkEncryption(
  encryption: { rule: EncryptionRule | undefined },
  wanted: boolean | S3Encryption,
  findings: Findings,
): void {
  const algorithm = encryption.rule?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm
  if (wanted === false) {
    if (algorithm) findings.unmet.push(`default encryption is ${algorithm} (expected none)`)
    else findings.verified.push('no default encryption')
  } else if (!algorithm) {
    findings.unmet.push(`no default encryption (expected ${wanted === true ? 'one' : wanted})`)
  } else if (wanted !== true && algorithm !== wanted) {
    findings.unmet.push(`default encryption is ${algorithm} (expected ${wanted})`)
  } else {
    findings.verified.push(`encryption ${algorithm}`)
  }
}

function checkPublicAccess(
  block: PublicAccessBlock | undefined,
  wanted: boolean,
  findings: Findings,
): void {
  const off = PUBLIC_ACCESS_SETTINGS.filter((name) => block?.[name] !== true)
  const allOn = off.length === 0
  if (wanted === allOn) {
    findings.verified.push(allOn ? 'public access blocked' : 'public access not fully blocked')
  } else if (!wanted) {
    findings.unmet.push('public access block is all on (expected some setting off)')
  } else if (!block) {
    findings.unmet.push('no public access block (expected all four settings on)')
  } else {
    findings.unmet.push(
      `public access block has ${off.join(', ')} off (expected all four settings on)`,
    )
  }
}

function checkLifecycle(rules: readonly LifecycleRule[], wanted: boolean, findings: Findings) {
  const enabled = rules.filter((rule) => rule.Status === 'Enabled')
  const count = (n: number) => `${n} lifecycle rule${n === 1 ? '' : 's'}`
  if (!wanted) {
    if (enabled.length === 0) findings.verified.push('no lifecycle rule enabled')
    else findings.unmet.push(`${count(enabled.length)} enabled (expected none)`)
  } else if (enabled.length > 0) {
    findings.verified.push(`${count(enabled.length)} enabled`)
  } else if (rules.length > 0) {
    const names = rules.map((rule) => rule.ID ?? '(no id)').join(', ')
    findings.unmet.push(`no lifecycle rule is enabled (${count(rules.length)} disabled: ${names})`)
  } else {
    findings.unmet.push('no lifecycle rules (expected at least one enabled)')
  }
}

function encryptionEvidence(rule: EncryptionRule | undefined): Record<string, unknown> {
  const applied = rule?.ApplyServerSideEncryptionByDefault
  return {
    encryption: applied?.SSEAlgorithm ?? 'none',
    ...(applied?.KMSMasterKeyID ? { kmsKey: applied.KMSMasterKeyID } : {}),
    ...(rule?.BucketKeyEnabled !== undefined ? { bucketKey: rule.BucketKeyEnabled } : {}),
  }
}

/** `all on`, `none`, or the settings that are off: one line on the sheet. */
function publicAccessEvidence(block: PublicAccessBlock | undefined): string {
  if (!block) return 'none'
  const off = PUBLIC_ACCESS_SETTINGS.filter((name) => block[name] !== true)
  return off.length === 0 ? 'all on' : `off: ${off.join(', ')}`
}
