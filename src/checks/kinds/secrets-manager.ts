/** `secret`: a Secrets Manager secret exists and rotates; its value is never read. The code is in ../aws/secret.ts. */
import type * as Zod from 'zod'
import { awsService } from '../aws/target.ts'
import { defineCheck } from '../kind.ts'
import { awsTarget, bool, text, z } from '../params.ts'

const secretSchema = () =>
  z
    .object({
      name: text(),
      rotation: bool().optional(),
      ...awsTarget(),
    })
    .strict()

export type SecretParams = Zod.output<ReturnType<typeof secretSchema>>

export const secret = defineCheck({
  kind: 'secret',
  description:
    'Secrets Manager secret exists, is not scheduled for deletion, and rotates if asked; its value is never read',
  params: secretSchema,
  example: 'check: secret name=/alquimista/${env}/aurora/credentials',
  service: (p, { env }) => awsService('secretsmanager', p, env),
  iam: () => ['secretsmanager:DescribeSecret'],
  load: () => import('../aws/secret.ts').then((m) => m.checkSecret),
})
