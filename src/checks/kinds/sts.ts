/**
 * `aws.identity`: AWS credentials work here, and are for the account asked (by
 * default the one the front matter pins the environment to): "AWS CLI installed
 * and configured". The code that asks STS is in ../aws/identity.ts.
 */
import type * as Zod from 'zod'
import { awsService } from '../aws/target.ts'
import { defineCheck } from '../kind.ts'
import { awsTarget, z } from '../params.ts'

const schema = () =>
  z
    .object({
      account: z
        .string()
        .regex(/^\d{12}$/, 'expected a 12-digit AWS account id')
        .optional(),
      ...awsTarget(),
    })
    .strict()

export type IdentityParams = Zod.output<ReturnType<typeof schema>>

export const awsIdentity = defineCheck({
  kind: 'aws.identity',
  description:
    "AWS credentials work, and are for the account asked (by default the environment's, from the front matter)",
  params: schema,
  example: 'check: aws.identity account=123456789012',
  service: (p, { env }) => awsService('sts', p, env),
  iam: () => ['sts:GetCallerIdentity'],
  load: () => import('../aws/identity.ts').then((m) => m.checkIdentity),
})
