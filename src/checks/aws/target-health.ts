/**
 * The health of a load balancer target group's targets, read by `elb.targets`
 * and by `ecs.service targets=true` (ECS calls a service stable without looking
 * at it: `aws ecs wait services-stable` passes while the load balancer marks
 * every new task unhealthy).
 *
 * What counts: a target `healthy` is healthy; `initial` (its first health checks
 * are under way) is waited out; `draining` is leaving (a task of the previous
 * deployment, deregistering) and counts for neither side; any other state —
 * `unhealthy`, `unused` (its target group serves no load balancer, or its zone
 * is not enabled), `unavailable` — is a problem, shown with ELB's reason.
 */
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import * as z from 'zod'
import { expectAnswer } from './answers.ts'
import { awsCall } from './errors.ts'
import { isNotFound, plural } from './verdict.ts'

const HealthAnswer = z.object({
  TargetHealthDescriptions: z.array(
    z.object({
      Target: z.object({ Id: z.string(), Port: z.number().optional() }),
      TargetHealth: z
        .object({
          State: z.string().optional(),
          Reason: z.string().optional(),
          Description: z.string().optional(),
        })
        .optional(),
    }),
  ),
})

/** One target as the check shows it. */
export interface Target {
  /** `10.0.1.5:8080`, `i-0abc:80`, a Lambda function's ARN. */
  readonly id: string
  readonly state: string
  readonly reason?: string | undefined
  readonly description?: string | undefined
}

/** A target group's targets, counted. */
export interface Tally {
  readonly healthy: number
  /** Targets that are not leaving: what `healthy` is out of. */
  readonly counted: number
  readonly initial: number
  readonly draining: number
  /** Targets neither healthy, nor initial, nor draining. */
  readonly problems: readonly Target[]
}

/** The targets of a target group, or undefined when ELB has no such group. */
export async function describeTargetHealth(
  client: ElasticLoadBalancingV2Client,
  targetGroupArn: string,
  signal: AbortSignal,
): Promise<Target[] | undefined> {
  const { DescribeTargetHealthCommand } = await import('@aws-sdk/client-elastic-load-balancing-v2')
  return awsCall('elasticloadbalancing:DescribeTargetHealth', async () => {
    try {
      const found = expectAnswer(
        await client.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }), {
          abortSignal: signal,
        }),
        HealthAnswer,
      )
      return found.TargetHealthDescriptions.map(({ Target: target, TargetHealth: health }) => ({
        id: target.Port === undefined ? target.Id : `${target.Id}:${target.Port}`,
        state: health?.State ?? 'unknown',
        reason: health?.Reason,
        description: health?.Description,
      }))
    } catch (caught) {
      if (isNotFound(caught, 'TargetGroupNotFound')) return undefined
      throw caught
    }
  })
}

export function tally(targets: readonly Target[]): Tally {
  const count = (state: string) => targets.filter((t) => t.state === state).length
  const draining = count('draining')
  return {
    healthy: count('healthy'),
    counted: targets.length - draining,
    initial: count('initial'),
    draining,
    problems: targets.filter((t) => !['healthy', 'initial', 'draining'].includes(t.state)),
  }
}

/** `3 of 3 targets healthy`, `2 of 3 targets healthy (1 draining)`. */
export function healthSummary(counted: Tally): string {
  const draining = counted.draining > 0 ? ` (${counted.draining} draining)` : ''
  return `${counted.healthy} of ${plural(counted.counted, 'target')} healthy${draining}`
}

/** At most this many targets are listed one by one; the rest are counted. */
const LISTED = 10

/**
 * A line per target with a problem: `10.0.1.5:8080 is unhealthy
 * (Target.ResponseCodeMismatch: Health checks failed with these codes: [502])`.
 */
export function problemLines(counted: Tally, where = ''): string[] {
  const lines = counted.problems.slice(0, LISTED).map((target) => {
    const why = [target.reason, target.description].filter(Boolean).join(': ')
    return `target ${target.id}${where} is ${target.state}${why ? ` (${why})` : ''}`
  })
  const rest = counted.problems.length - LISTED
  if (rest > 0) lines.push(`and ${plural(rest, 'more target')} not healthy${where}`)
  return lines
}

/** Each target as `10.0.1.5:8080 healthy`, for the evidence (at most 50). */
export function targetEvidence(targets: readonly Target[]): string[] {
  const lines = targets.slice(0, 50).map((t) => `${t.id} ${t.state}`)
  if (targets.length > 50) lines.push(`… ${targets.length - 50} more`)
  return lines
}

/** `web-tg` from `arn:aws:elasticloadbalancing:…:targetgroup/web-tg/6d0ecf831eec9f09`. */
export function targetGroupName(arn: string): string {
  return /:targetgroup\/([^/]+)\//.exec(arn)?.[1] ?? arn
}
