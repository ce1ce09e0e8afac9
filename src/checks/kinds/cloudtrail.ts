/** `cloudtrail.trail`: a CloudTrail trail exists and is logging. The code is in ../aws/cloudtrail-trail.ts. */
import type * as Zod from 'zod'
import { awsService } from '../aws/target.ts'
import { defineCheck } from '../kind.ts'
import { awsTarget, bool, text, z } from '../params.ts'

const trailSchema = () =>
  z
    .object({
      name: text(),
      'multi-region': bool().optional(),
      ...awsTarget(),
    })
    .strict()

export type TrailParams = Zod.output<ReturnType<typeof trailSchema>>

export const cloudtrailTrail = defineCheck({
  kind: 'cloudtrail.trail',
  description:
    'CloudTrail trail exists, is logging and delivering its logs, and covers every region if asked',
  params: trailSchema,
  example: 'check: cloudtrail.trail name=org-trail multi-region=true',
  service: (p, { env }) => awsService('cloudtrail', p, env),
  iam: () => ['cloudtrail:DescribeTrails', 'cloudtrail:GetTrailStatus'],
  load: () => import('../aws/cloudtrail-trail.ts').then((m) => m.checkTrail),
})
