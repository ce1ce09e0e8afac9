/**
 * `elb.targets`: a target group exists, every target registered in it is
 * healthy, and at least `min-healthy` are. Targets in `initial` (their first
 * health checks under way) are waited out up to the check's timeout; what
 * counts as healthy is in target-health.ts.
 */
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import * as z from 'zod'
import { formatLimit } from '../../duration.ts'
import { type CheckContext, error, fail, type RunCheck } from '../kind.ts'
import type { ElbTargetsParams as Params } from '../kinds/elb.ts'
import type { CheckOutcome } from '../runner.ts'
import { expectAnswer } from './answers.ts'
import { awsCall, awsErrorOutcome } from './errors.ts'
import { regionOf, targetOf } from './target.ts'
import {
  describeTargetHealth,
  healthSummary,
  problemLines,
  type Target,
  tally,
  targetEvidence,
} from './target-health.ts'
import { findings, isNotFound, plural, verdictOf } from './verdict.ts'
import { waitWhileBusy } from './wait.ts'

/** What is read of DescribeTargetGroups' answer for one group by name or ARN. */
const GroupsAnswer = z.object({
  TargetGroups: z
    .array(
      z.object({
        TargetGroupName: z.string(),
        TargetGroupArn: z.string(),
        Protocol: z.string().optional(),
        Port: z.number().optional(),
        TargetType: z.string().optional(),
        HealthCheckPath: z.string().optional(),
        LoadBalancerArns: z.array(z.string()).optional(),
      }),
    )
    .min(1),
})
type Group = z.output<typeof GroupsAnswer>['TargetGroups'][number]

/** Runs an `elb.targets` check (its parameters: kinds/elb.ts). */
export const checkElbTargets: RunCheck<Params> = async (p, ctx) => {
  try {
    return await judgeTargets(p, ctx)
  } catch (caught) {
    return awsErrorOutcome(caught, { signal: ctx.signal, profile: p.profile })
  }
}

async function judgeTargets(p: Params, ctx: CheckContext): Promise<CheckOutcome> {
  const client = await ctx.clients.aws('elasticloadbalancingv2', targetOf(p, ctx.env))
  const name = p['target-group']
  const group = await describeGroup(client, name, ctx.signal)
  if (!group) {
    const region = regionOf(p, ctx.env)
    return fail(`target group ${name} does not exist`, {
      details: [`check the target group name or ARN and the region${region ? ` (${region})` : ''}`],
    })
  }
  const waited = await waitWhileBusy(
    ctx,
    async () => (await describeTargetHealth(client, group.TargetGroupArn, ctx.signal)) ?? [],
    (targets) => {
      const initial = tally(targets).initial
      return initial > 0 ? `${plural(initial, 'target')} initial` : undefined
    },
  )
  const targets = waited.value
  const counted = tally(targets)
  const evidence = evidenceOf(group, targets)
  if (!waited.done) {
    return error(`still ${waited.busy} after ${formatLimit(ctx.timeoutMs)}`, {
      details: [
        `${healthSummary(counted)}; the first health checks of the others are under way`,
        'give the item a longer `timeout:` or check again in a few minutes',
      ],
      evidence,
    })
  }
  const found = findings()
  const minimum = p['min-healthy'] ?? 1
  found.unmet.push(...problemLines(counted))
  if (counted.healthy < minimum) {
    found.unmet.push(
      counted.counted === 0
        ? `no targets registered (expected at least ${minimum} healthy)`
        : `${counted.healthy} healthy (expected at least ${minimum})`,
    )
  }
  if (counted.problems.length === 0 && counted.healthy >= minimum)
    found.verified.push(healthSummary(counted))
  const path = p['health-path']
  if (path !== undefined) {
    if (group.HealthCheckPath === path) found.verified.push(`health check ${path}`)
    else
      found.unmet.push(
        `health check path is ${group.HealthCheckPath ?? 'not set'} (expected ${path})`,
      )
  }
  return verdictOf(found, {
    name: group.TargetGroupName,
    subject: `target group ${group.TargetGroupName}`,
    evidence,
  })
}

/** The target group, by name or ARN, or undefined when ELB has none of that name. */
async function describeGroup(
  client: ElasticLoadBalancingV2Client,
  name: string,
  signal: AbortSignal,
): Promise<Group | undefined> {
  const { DescribeTargetGroupsCommand } = await import('@aws-sdk/client-elastic-load-balancing-v2')
  return awsCall('elasticloadbalancing:DescribeTargetGroups', async () => {
    try {
      const input = name.startsWith('arn:') ? { TargetGroupArns: [name] } : { Names: [name] }
      const found = await client.send(new DescribeTargetGroupsCommand(input), {
        abortSignal: signal,
      })
      return expectAnswer(found, GroupsAnswer).TargetGroups[0]
    } catch (caught) {
      if (isNotFound(caught, 'TargetGroupNotFound')) return undefined
      throw caught
    }
  })
}

function evidenceOf(group: Group, targets: readonly Target[]): Record<string, unknown> {
  const counted = tally(targets)
  // Most telling first: the sign-off sheet shows the first ten lines.
  return {
    targetGroup: group.TargetGroupName,
    healthy: counted.healthy,
    registered: targets.length,
    ...(counted.draining > 0 ? { draining: counted.draining } : {}),
    healthCheckPath: group.HealthCheckPath,
    targets: targetEvidence(targets),
    loadBalancers: group.LoadBalancerArns?.length ?? 0,
    protocol: group.Protocol,
    port: group.Port,
    targetType: group.TargetType,
    arn: group.TargetGroupArn,
  }
}
