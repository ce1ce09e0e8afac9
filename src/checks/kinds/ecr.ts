/** `ecr.image`: an image tag is in an ECR repository, scanned clean enough. The code is in ../aws/ecr-image.ts. */
import type * as Zod from 'zod'
import { awsService } from '../aws/target.ts'
import { defineCheck } from '../kind.ts'
import { awsTarget, oneOf, text, z } from '../params.ts'

/** From the most severe down: `max-severity=HIGH` allows MEDIUM and LOW findings, not HIGH or CRITICAL. */
export const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const

const imageSchema = () =>
  z
    .object({
      repository: text(),
      tag: text(),
      'max-severity': oneOf(SEVERITIES).optional(),
      ...awsTarget(),
    })
    .strict()

export type EcrImageParams = Zod.output<ReturnType<typeof imageSchema>>

export const ecrImage = defineCheck({
  kind: 'ecr.image',
  description:
    'ECR image tag exists in the repository; with max-severity, its scan has no finding at or above that severity',
  params: imageSchema,
  example: 'check: ecr.image repository=api tag=${version} max-severity=HIGH',
  // A scan under way takes a minute or two; it is waited out.
  defaultTimeoutMs: 5 * 60_000,
  service: (p, { env }) => awsService('ecr', p, env),
  iam: (p) => [
    'ecr:DescribeImages',
    ...(p['max-severity'] !== undefined ? ['ecr:DescribeImageScanFindings'] : []),
  ],
  load: () => import('../aws/ecr-image.ts').then((m) => m.checkEcrImage),
})
