/**
 * `elb.targets` and `elb.load-balancer`: an Elastic Load Balancing (v2) target
 * group's targets are healthy; a load balancer is active with the listeners,
 * redirect and web ACL asked for. The code is in ../aws/elb-targets.ts and
 * ../aws/elb-load-balancer.ts.
 */
import type * as Zod from 'zod'
import { awsService } from '../aws/target.ts'
import { defineCheck } from '../kind.ts'
import { awsTarget, bool, integer, list, text, z } from '../params.ts'

const targetsSchema = () =>
  z
    .object({
      'target-group': text(),
      'min-healthy': integer().optional(),
      'health-path': text().optional(),
      ...awsTarget(),
    })
    .strict()

export type ElbTargetsParams = Zod.output<ReturnType<typeof targetsSchema>>

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

/** `HTTPS:443`: a listener's protocol and port, the protocol upper-cased. */
const listener = () =>
  z
    .string()
    .regex(/^[A-Za-z_]+:\d{1,5}$/, 'expected PROTOCOL:PORT, such as HTTPS:443')
    .transform((v) => v.toUpperCase())

const loadBalancerSchema = () =>
  z
    .object({
      name: text(),
      listeners: list(listener()).optional(),
      'https-redirect': bool().optional(),
      // true / false, or the name (or ARN) of the web ACL that must be attached.
      waf: z.union([bool(), text()]).optional(),
      ...awsTarget(),
    })
    .strict()

export type ElbLoadBalancerParams = Zod.output<ReturnType<typeof loadBalancerSchema>>

export const elbLoadBalancer = defineCheck({
  kind: 'elb.load-balancer',
  description:
    'Load balancer is active, with the listeners asked for (HTTPS ones with a certificate), HTTP redirected to HTTPS, and a WAF web ACL attached',
  params: loadBalancerSchema,
  example:
    'check: elb.load-balancer name=api-${env} listeners=HTTPS:443,HTTP:80 https-redirect=true waf=true',
  // A new load balancer is provisioning for a few minutes.
  defaultTimeoutMs: 5 * 60_000,
  service: (p, { env }) => awsService('elasticloadbalancingv2', p, env),
  iam: (p) => [
    'elasticloadbalancing:DescribeLoadBalancers',
    ...(p.listeners !== undefined || p['https-redirect'] !== undefined
      ? ['elasticloadbalancing:DescribeListeners']
      : []),
    ...(p.waf !== undefined ? ['wafv2:GetWebACLForResource'] : []),
  ],
  load: () => import('../aws/elb-load-balancer.ts').then((m) => m.checkElbLoadBalancer),
})
