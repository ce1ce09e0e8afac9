/** `ssm.parameter`: an SSM parameter exists, of the type asked; its value is never read. The code is in ../aws/ssm-parameter.ts. */
import type * as Zod from 'zod'
import { awsService } from '../aws/target.ts'
import { defineCheck } from '../kind.ts'
import { awsTarget, oneOf, text, z } from '../params.ts'

export const PARAMETER_TYPES = ['String', 'StringList', 'SecureString'] as const

const parameterSchema = () =>
  z
    .object({
      name: text(),
      type: oneOf(PARAMETER_TYPES).optional(),
      ...awsTarget(),
    })
    .strict()

export type ParameterParams = Zod.output<ReturnType<typeof parameterSchema>>

export const ssmParameter = defineCheck({
  kind: 'ssm.parameter',
  description:
    'Systems Manager parameter exists (by name or ARN), of the type asked; only its metadata is read, never its value',
  params: parameterSchema,
  example: 'check: ssm.parameter name=/orders/${env}/db-password type=SecureString',
  service: (p, { env }) => awsService('ssm', p, env),
  // Never ssm:GetParameter: the value is not read, so the role needs no access to it.
  iam: () => ['ssm:DescribeParameters'],
  load: () => import('../aws/ssm-parameter.ts').then((m) => m.checkParameter),
})
