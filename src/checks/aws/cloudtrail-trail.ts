/**
 * `cloudtrail.trail`: a trail exists, is logging and delivering its logs to S3,
 * and is multi-region (or not) as asked. A multi-region trail created in another
 * region is found here too, as the shadow trail AWS shows in every region, and
 * its status is read from its home region through its ARN.
 */

import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail'
import * as z from 'zod'
import { formatMoment } from '../../duration.ts'
import { type CheckContext, error, fail, pass, type RunCheck } from '../kind.ts'
import type { TrailParams as Params } from '../kinds/cloudtrail.ts'
import type { CheckOutcome } from '../runner.ts'
import { expectAnswer } from './answers.ts'
import { awsCall, awsErrorName, awsErrorOutcome } from './errors.ts'
import { regionOf, targetOf } from './target.ts'

/** What is read of DescribeTrails' answer: AWS always sends the list, empty when there is no trail. */
const TrailsAnswer = z.object({
  trailList: z.array(
    z.object({
      Name: z.string(),
      TrailARN: z.string(),
      HomeRegion: z.string().optional(),
      IsMultiRegionTrail: z.boolean().optional(),
      IsOrganizationTrail: z.boolean().optional(),
      S3BucketName: z.string().optional(),
      LogFileValidationEnabled: z.boolean().optional(),
    }),
  ),
})
type Trail = z.output<typeof TrailsAnswer>['trailList'][number]

const StatusAnswer = z.object({
  IsLogging: z.boolean(),
  LatestDeliveryError: z.string().optional(),
  LatestDeliveryTime: z.date().optional(),
  StartLoggingTime: z.date().optional(),
  StopLoggingTime: z.date().optional(),
})
type TrailStatus = z.output<typeof StatusAnswer>

/** Runs a `cloudtrail.trail` check (its parameters: kinds/cloudtrail.ts). */
export const checkTrail: RunCheck<Params> = async (p, ctx) => {
  try {
    return await judgeTrail(p, ctx)
  } catch (caught) {
    return awsErrorOutcome(caught, { signal: ctx.signal, profile: p.profile })
  }
}

async function judgeTrail(p: Params, ctx: CheckContext): Promise<CheckOutcome> {
  const client = await ctx.clients.aws('cloudtrail', targetOf(p, ctx.env))
  const trails = await describeTrails(client, p.name, ctx.signal)
  const named = trails.filter((t) => t.Name === p.name || t.TrailARN === p.name)
  // A trail of this region and a multi-region one of another may share a name: this region's is meant.
  const region = regionOf(p, ctx.env) ?? (await client.config.region())
  const local = named.filter((t) => t.HomeRegion === region)
  const candidates = local.length > 0 ? local : named
  if (candidates.length > 1) {
    return error(`${candidates.length} trails are named ${p.name}`, {
      details: [...candidates.map((t) => t.TrailARN), 'give the ARN of the one meant as name='],
    })
  }
  const trail = candidates[0]
  const status = trail && (await trailStatus(client, trail.TrailARN, ctx.signal))
  if (!trail || !status) {
    const others = trails.map((t) => t.Name).filter((name) => name !== p.name)
    return fail(`trail ${p.name} does not exist`, {
      details: [
        `check the trail name or ARN and the region${region ? ` (${region})` : ''}`,
        others.length > 0 ? `trails seen here: ${others.join(', ')}` : 'no trail is seen here',
      ],
    })
  }

  const evidence = evidenceOf(trail, status)
  // Each as [what the summary says after the name, the detail line, a next step].
  const unmet: (readonly [string, string, string?])[] = []
  const inHome =
    trail.HomeRegion && trail.HomeRegion !== region ? ` --region ${trail.HomeRegion}` : ''
  if (!status.IsLogging) {
    const since = status.StopLoggingTime ? ` since ${formatMoment(status.StopLoggingTime)}` : ''
    unmet.push([
      'is not logging',
      `logging is stopped${since} (expected on)`,
      `to start it: aws cloudtrail start-logging --name ${trail.TrailARN}${inHome}`,
    ])
  }
  if (status.LatestDeliveryError) {
    const bucket = trail.S3BucketName ?? 'its bucket'
    unmet.push([
      `cannot deliver its logs (${status.LatestDeliveryError})`,
      `the latest delivery of logs to ${bucket} failed with ${status.LatestDeliveryError}`,
      `let CloudTrail write to ${bucket} (its bucket policy), or point the trail at another bucket`,
    ])
  }
  const isMultiRegion = trail.IsMultiRegionTrail === true
  if (p['multi-region'] === true && !isMultiRegion) {
    unmet.push([
      'covers one region only',
      `the trail logs ${trail.HomeRegion ?? 'its home region'} only (expected every region)`,
      `to cover every region: aws cloudtrail update-trail --name ${trail.TrailARN} --is-multi-region-trail${inHome}`,
    ])
  }
  if (p['multi-region'] === false && isMultiRegion) {
    unmet.push([
      'is multi-region (expected one region)',
      'the trail logs every region (expected one region)',
    ])
  }

  const [first, ...rest] = unmet
  if (first !== undefined) {
    const more = rest.length > 0 ? ` (and ${rest.length} more)` : ''
    const nextSteps = unmet.flatMap(([, , next]) => (next ? [next] : []))
    return fail(`trail ${p.name} ${first[0]}${more}`, {
      details: [...unmet.map(([, detail]) => detail), ...nextSteps],
      evidence,
    })
  }
  const parts = [
    `logging${status.StartLoggingTime ? ` since ${formatMoment(status.StartLoggingTime)}` : ''}`,
    ...(p['multi-region'] === undefined ? [] : [isMultiRegion ? 'multi-region' : 'one region']),
    status.LatestDeliveryTime
      ? `last delivery ${formatMoment(status.LatestDeliveryTime)}`
      : 'no logs delivered yet',
  ]
  return pass(`${trail.Name} ${parts.join(', ')}`, { evidence })
}

/**
 * The trails this region shows, its own and the shadows of multi-region trails of
 * other regions; a trail asked for by ARN is asked for by it, as only that finds
 * a single-region trail of another region.
 */
async function describeTrails(
  client: CloudTrailClient,
  name: string,
  signal: AbortSignal,
): Promise<Trail[]> {
  const { DescribeTrailsCommand } = await import('@aws-sdk/client-cloudtrail')
  const byArn = name.startsWith('arn:')
  const found = await awsCall('cloudtrail:DescribeTrails', async () =>
    expectAnswer(
      await client.send(
        new DescribeTrailsCommand({
          includeShadowTrails: true,
          ...(byArn ? { trailNameList: [name] } : {}),
        }),
        { abortSignal: signal },
      ),
      TrailsAnswer,
    ),
  )
  return found.trailList
}

/** The trail's status, or undefined when it is gone (deleted since it was listed). */
async function trailStatus(
  client: CloudTrailClient,
  arn: string,
  signal: AbortSignal,
): Promise<TrailStatus | undefined> {
  const { GetTrailStatusCommand } = await import('@aws-sdk/client-cloudtrail')
  return awsCall('cloudtrail:GetTrailStatus', async () => {
    try {
      const found = await client.send(new GetTrailStatusCommand({ Name: arn }), {
        abortSignal: signal,
      })
      return expectAnswer(found, StatusAnswer)
    } catch (caught) {
      if (awsErrorName(caught) === 'TrailNotFoundException') return undefined
      throw caught
    }
  })
}

function evidenceOf(trail: Trail, status: TrailStatus): Record<string, unknown> {
  return {
    trail: trail.Name,
    arn: trail.TrailARN,
    homeRegion: trail.HomeRegion,
    multiRegion: trail.IsMultiRegionTrail === true,
    logging: status.IsLogging,
    bucket: trail.S3BucketName,
    ...(status.IsLogging
      ? { loggingSince: status.StartLoggingTime?.toISOString() }
      : { stoppedAt: status.StopLoggingTime?.toISOString() }),
    latestDelivery: status.LatestDeliveryTime?.toISOString() ?? 'none',
    ...(status.LatestDeliveryError ? { latestDeliveryError: status.LatestDeliveryError } : {}),
    ...(trail.IsOrganizationTrail ? { organizationTrail: true } : {}),
    logFileValidation: trail.LogFileValidationEnabled === true,
  }
}
