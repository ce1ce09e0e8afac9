/** `ecs.service`: an ECS service runs as deployed. The code is in ../aws/ecs-service.ts. */
import type * as Zod from 'zod'
import { awsService } from '../aws/target.ts'
import { defineCheck } from '../kind.ts'
import { awsTarget, bool, integer, mayBeTrue, text, z } from '../params.ts'

const serviceSchema = () =>
  z
    .object({
      cluster: text(),
      service: text(),
      desired: integer().optional(),
      'task-definition': text().optional(),
      targets: bool().optional(),
      wait: bool().optional(),
      ...awsTarget(),
    })
    .strict()

export type EcsServiceParams = Zod.output<ReturnType<typeof serviceSchema>>

export const ecsService = defineCheck({
  kind: 'ecs.service',
  description:
    'ECS service is ACTIVE with its desired tasks running and its deployment COMPLETED (IN_PROGRESS is waited out); optionally its load balancer targets healthy',
  params: serviceSchema,
  example: 'check: ecs.service cluster=prod service=api task-definition=api targets=true',
  // A rolling deployment takes minutes; the check waits it out.
  defaultTimeoutMs: 10 * 60_000,
  service: (p, { env }) => awsService('ecs', p, env),
  iam: (p) => [
    'ecs:DescribeServices',
    ...(mayBeTrue(p.targets) ? ['elasticloadbalancing:DescribeTargetHealth'] : []),
  ],
  load: () => import('../aws/ecs-service.ts').then((m) => m.checkEcsService),
})
