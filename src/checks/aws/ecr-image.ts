/**
 * `ecr.image`: an image tag (or digest) is in an ECR repository; with
 * `max-severity`, the image's scan has completed with no finding at or above
 * that severity. A scan under way is waited out; an image never scanned, or
 * whose scan failed, fails with how to scan it. A missing tag fails naming the
 * repository's newest tags, which is most often what went wrong (the build
 * pushed another version).
 *
 * The repository is a name, an ARN or a repository URI
 * (`123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/api`): the account in the
 * latter two picks the registry.
 */
import type { ECRClient } from '@aws-sdk/client-ecr'
import * as z from 'zod'
import { formatLimit } from '../../duration.ts'
import { type CheckContext, error, fail, type RunCheck } from '../kind.ts'
import { type EcrImageParams as Params, SEVERITIES } from '../kinds/ecr.ts'
import type { CheckOutcome } from '../runner.ts'
import { expectAnswer } from './answers.ts'
import { awsCall, awsErrorName, awsErrorOutcome } from './errors.ts'
import { regionOf, targetOf } from './target.ts'
import { type Findings, findings, plural, verdictOf } from './verdict.ts'
import { waitWhileBusy } from './wait.ts'

const ImageDetail = z.object({
  imageDigest: z.string(),
  imageTags: z.array(z.string()).optional(),
  imageSizeInBytes: z.number().optional(),
  imagePushedAt: z.date().optional(),
  lastRecordedPullTime: z.date().optional(),
  registryId: z.string().optional(),
})
type ImageDetail = z.output<typeof ImageDetail>

const ImagesAnswer = z.object({ imageDetails: z.array(ImageDetail) })
const OneImageAnswer = z.object({ imageDetails: z.array(ImageDetail).min(1) })

const Severity = z.string().optional()
const ScanAnswer = z.object({
  imageScanStatus: z.object({ status: z.string(), description: z.string().optional() }),
  imageScanFindings: z
    .object({
      imageScanCompletedAt: z.date().optional(),
      findingSeverityCounts: z.record(z.string(), z.number()).optional(),
      findings: z
        .array(
          z.object({
            name: z.string().optional(),
            severity: Severity,
            attributes: z
              .array(z.object({ key: z.string(), value: z.string().optional() }))
              .optional(),
          }),
        )
        .optional(),
      enhancedFindings: z
        .array(
          z.object({
            title: z.string().optional(),
            severity: Severity,
            packageVulnerabilityDetails: z
              .object({
                vulnerabilityId: z.string().optional(),
                vulnerablePackages: z
                  .array(z.object({ name: z.string().optional(), version: z.string().optional() }))
                  .optional(),
              })
              .optional(),
          }),
        )
        .optional(),
    })
    .optional(),
})
type Scan = z.output<typeof ScanAnswer>

/** Where the image is: the repository's name and, when given by ARN or URI, its registry. */
interface Repository {
  readonly repositoryName: string
  readonly registryId?: string
}

/** Scan states that end by themselves; any other but COMPLETE/ACTIVE is a failed scan. */
const SCANNING = ['IN_PROGRESS', 'PENDING']
const SCANNED = ['COMPLETE', 'ACTIVE']

/** Runs an `ecr.image` check (its parameters: kinds/ecr.ts). */
export const checkEcrImage: RunCheck<Params> = async (p, ctx) => {
  try {
    return await judgeImage(p, ctx)
  } catch (caught) {
    return awsErrorOutcome(caught, { signal: ctx.signal, profile: p.profile })
  }
}

async function judgeImage(p: Params, ctx: CheckContext): Promise<CheckOutcome> {
  const client = await ctx.clients.aws('ecr', targetOf(p, ctx.env))
  const repository = repositoryOf(p.repository)
  const image = await describeImage(client, repository, p.tag, ctx.signal)
  const shown = `${repository.repositoryName}${p.tag.startsWith('sha256:') ? '@' : ':'}${p.tag}`
  if (image === 'no repository') {
    const region = regionOf(p, ctx.env)
    return fail(`repository ${repository.repositoryName} does not exist`, {
      details: [`check the repository name and the region${region ? ` (${region})` : ''}`],
    })
  }
  if (image === 'no image') {
    const newest = await newestTags(client, repository, ctx.signal)
    return fail(`image ${shown} does not exist`, {
      details: [
        newest.length > 0
          ? `the newest tags in ${repository.repositoryName}: ${newest.join(', ')}`
          : `${repository.repositoryName} holds no tagged image`,
      ],
    })
  }
  let evidence = evidenceOf(repository, image, undefined)
  const found = findings()
  found.verified.push(
    `${image.imageDigest.slice(0, 19)}…${image.imagePushedAt ? `, pushed ${day(image.imagePushedAt)}` : ''}`,
  )
  const maxSeverity = p['max-severity']
  const nextSteps: string[] = []
  if (maxSeverity) {
    const waited = await waitWhileBusy(
      ctx,
      () => describeScan(client, repository, image.imageDigest, ctx.signal),
      (scan) =>
        scan && SCANNING.includes(scan.imageScanStatus.status)
          ? `scan ${scan.imageScanStatus.status}`
          : undefined,
    )
    const scan = waited.value
    evidence = evidenceOf(repository, image, scan)
    if (!waited.done) {
      return error(`still ${waited.busy} after ${formatLimit(ctx.timeoutMs)}`, {
        details: ['give the item a longer `timeout:` or check again once the scan has finished'],
        evidence,
      })
    }
    if (!scan || !SCANNED.includes(scan.imageScanStatus.status)) {
      nextSteps.push(
        `scan it: aws ecr start-image-scan --repository-name ${repository.repositoryName} --image-id imageDigest=${image.imageDigest} (or turn on scan on push)`,
      )
    }
    // The worst findings follow the unmet expectation: what to fix first.
    nextSteps.unshift(...checkScan(scan, maxSeverity, found))
  }
  return verdictOf(found, { name: shown, subject: `image ${shown}`, evidence, nextSteps })
}

/** `api`, `arn:aws:ecr:…:repository/team/api` or `1234….dkr.ecr.….amazonaws.com/team/api`. */
function repositoryOf(written: string): Repository {
  const arn = /^arn:aws[a-z-]*:ecr:[^:]*:(\d{12}):repository\/(.+)$/.exec(written)
  if (arn?.[1] && arn[2]) return { registryId: arn[1], repositoryName: arn[2] }
  const uri = /^(\d{12})\.dkr\.ecr\.[^/]+\/(.+)$/.exec(written)
  if (uri?.[1] && uri[2]) return { registryId: uri[1], repositoryName: uri[2] }
  return { repositoryName: written }
}

async function describeImage(
  client: ECRClient,
  repository: Repository,
  tag: string,
  signal: AbortSignal,
): Promise<ImageDetail | 'no repository' | 'no image'> {
  const { DescribeImagesCommand } = await import('@aws-sdk/client-ecr')
  const imageId = tag.startsWith('sha256:') ? { imageDigest: tag } : { imageTag: tag }
  return awsCall('ecr:DescribeImages', async () => {
    try {
      const found = await client.send(
        new DescribeImagesCommand({ ...repository, imageIds: [imageId] }),
        { abortSignal: signal },
      )
      return expectAnswer(found, OneImageAnswer).imageDetails[0] as ImageDetail
    } catch (caught) {
      const name = awsErrorName(caught)
      if (name === 'RepositoryNotFoundException') return 'no repository'
      if (name === 'ImageNotFoundException') return 'no image'
      throw caught
    }
  })
}

/**
 * `v42 (2025-01-10)`…: the five newest tags, from the first page of images (ECR
 * lists in no order). Best effort: nothing rather than an error.
 */
async function newestTags(
  client: ECRClient,
  repository: Repository,
  signal: AbortSignal,
): Promise<string[]> {
  const { DescribeImagesCommand } = await import('@aws-sdk/client-ecr')
  let images: readonly ImageDetail[]
  try {
    const page = await client.send(
      new DescribeImagesCommand({
        ...repository,
        filter: { tagStatus: 'TAGGED' },
        maxResults: 1000,
      }),
      { abortSignal: signal },
    )
    images = ImagesAnswer.safeParse(page).data?.imageDetails ?? []
  } catch (caught) {
    if (signal.aborted) throw caught
    return []
  }
  return [...images]
    .sort((a, b) => (b.imagePushedAt?.getTime() ?? 0) - (a.imagePushedAt?.getTime() ?? 0))
    .flatMap((image) =>
      (image.imageTags ?? []).map(
        (tag) => `${tag}${image.imagePushedAt ? ` (${day(image.imagePushedAt)})` : ''}`,
      ),
    )
    .slice(0, 5)
}

/** The image's scan, or undefined when it was never scanned. */
async function describeScan(
  client: ECRClient,
  repository: Repository,
  digest: string,
  signal: AbortSignal,
): Promise<Scan | undefined> {
  const { DescribeImageScanFindingsCommand } = await import('@aws-sdk/client-ecr')
  return awsCall('ecr:DescribeImageScanFindings', async () => {
    try {
      const found = await client.send(
        new DescribeImageScanFindingsCommand({
          ...repository,
          imageId: { imageDigest: digest },
          maxResults: 100,
        }),
        { abortSignal: signal },
      )
      return expectAnswer(found, ScanAnswer)
    } catch (caught) {
      if (awsErrorName(caught) === 'ScanNotFoundException') return undefined
      throw caught
    }
  })
}

/** Judges the scan; returns the worst findings when there are too severe ones. */
function checkScan(
  scan: Scan | undefined,
  maxSeverity: (typeof SEVERITIES)[number],
  found: Findings,
): string[] {
  const limit = `at or above ${maxSeverity}`
  if (!scan) {
    found.unmet.push(`the image has not been scanned (expected no findings ${limit})`)
    return []
  }
  const { status, description } = scan.imageScanStatus
  if (!SCANNED.includes(status)) {
    found.unmet.push(`its scan is ${status}${description ? `: ${description}` : ''}`)
    return []
  }
  const counts = scan.imageScanFindings?.findingSeverityCounts ?? {}
  const blocking = SEVERITIES.slice(0, SEVERITIES.indexOf(maxSeverity) + 1)
  const over = blocking.filter((s) => (counts[s] ?? 0) > 0)
  const rest = Object.keys(counts).filter((s) => !blocking.some((b) => b === s) && counts[s])
  const countsOf = (severities: readonly string[]) =>
    severities.map((s) => `${counts[s]} ${s}`).join(', ')
  if (over.length === 0) {
    found.verified.push(`no findings ${limit}${rest.length > 0 ? ` (${countsOf(rest)})` : ''}`)
    return []
  }
  const total = over.reduce((sum, s) => sum + (counts[s] ?? 0), 0)
  found.unmet.push(`${plural(total, 'finding')} ${limit} (${countsOf(over)})`)
  return worstFindings(scan, blocking)
}

/** `CVE-2024-1234 (CRITICAL) in openssl 3.0.2`: the five worst findings on the first page. */
function worstFindings(scan: Scan, blocking: readonly string[]): string[] {
  const basic = (scan.imageScanFindings?.findings ?? []).map((f) => {
    const attribute = (key: string) => f.attributes?.find((a) => a.key === key)?.value
    const what = [attribute('package_name'), attribute('package_version')].filter(Boolean)
    return { id: f.name, severity: f.severity, what: what.join(' ') }
  })
  const enhanced = (scan.imageScanFindings?.enhancedFindings ?? []).map((f) => {
    const details = f.packageVulnerabilityDetails
    const what = (details?.vulnerablePackages ?? [])
      .map((pkg) => [pkg.name, pkg.version].filter(Boolean).join(' '))
      .join(', ')
    return { id: details?.vulnerabilityId ?? f.title, severity: f.severity, what }
  })
  return [...basic, ...enhanced]
    .filter((f) => blocking.includes(f.severity ?? ''))
    .sort((a, b) => blocking.indexOf(a.severity ?? '') - blocking.indexOf(b.severity ?? ''))
    .slice(0, 5)
    .map((f) => `${f.id ?? 'a finding'} (${f.severity})${f.what ? ` in ${f.what}` : ''}`)
}

/** The facts read, most telling first: the sign-off sheet shows the first ten lines. */
function evidenceOf(
  repository: Repository,
  image: ImageDetail,
  scan: Scan | undefined,
): Record<string, unknown> {
  const completed = scan?.imageScanFindings?.imageScanCompletedAt
  return {
    repository: repository.repositoryName,
    digest: image.imageDigest,
    tags: image.imageTags ?? [],
    ...(image.imagePushedAt ? { pushed: image.imagePushedAt.toISOString() } : {}),
    ...(scan
      ? {
          scanStatus: scan.imageScanStatus.status,
          findings: scan.imageScanFindings?.findingSeverityCounts ?? {},
          ...(completed ? { scanCompleted: completed.toISOString() } : {}),
        }
      : {}),
    ...(image.imageSizeInBytes !== undefined
      ? { sizeMB: Math.round(image.imageSizeInBytes / 1024 / 102.4) / 10 }
      : {}),
    ...(image.lastRecordedPullTime ? { lastPulled: image.lastRecordedPullTime.toISOString() } : {}),
    registryId: image.registryId ?? repository.registryId,
  }
}

/** `2025-03-14` (UTC). */
function day(date: Date): string {
  return date.toISOString().slice(0, 10)
}
