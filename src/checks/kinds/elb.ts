/**
 * `elb.targets` and `elb.load-balancer`: an Elastic Load Balancing (v2) target
 * group's targets are healthy; a load balancer is active with the listeners,
 * redirect and web ACL asked for. The code is in ../aws/elb-targets.ts and
 * ../aws/elb-load-balancer.ts.
 */
import * as z from 'zod'
import { awsService } from '../aws/target.ts'
import { defineCheck } from '../kind.ts'
import { awsTarget, integer, text } from '../params.ts'

const targetsSchema = () =>
  z
    .object({
      'target-group': text(),
      'min-healthy': integer().optional(),
      'health-path': text().optional(),
      ...awsTarget(),
    })
    .strict()

export type ElbTargetsParams = z.output<ReturnType<typeof targetsSchema>>

export const elbTargets = defineCheck({
  kind: 'elb.targets',
  description:
    'Load balancer target group exists and every registered target is healthy (at least min-healthy); targets in initial are waited out',
  params: targetsSchema,
  example: 'check: elb.targets target-group=api-${env} min-healthy=2 health-path=/health',
  // A new target's first health checks take minutes (5 checks of 30s by default).
  defaultTimeoutMs: 5 * 60_000,
  service: (p, { env }) => awsService('elasticloadbalancingv2', p, env),
  iam: () => [
    'elasticloadbalancing:DescribeTargetGroups',
    'elasticloadbalancing:DescribeTargetHealth',
  ],
  load: () => import('../aws/elb-targets.ts').then((m) => m.checkElbTargets),
})
