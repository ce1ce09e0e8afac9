/** `cognito.user-pool`: a Cognito user pool exists with the groups, custom attributes and MFA asked for. The code is in ../aws/cognito-user-pool.ts. */
import type * as Zod from 'zod'
import { awsService } from '../aws/target.ts'
import { defineCheck } from '../kind.ts'
import { awsTarget, list, oneOf, text, z } from '../params.ts'

export const MFA_SETTINGS = ['on', 'optional', 'off'] as const

/** Cognito's own pattern for a pool id: the region, `_`, then letters and digits. */
const poolId = () =>
  z.string().regex(/^[\w-]+_[0-9a-zA-Z]+$/, 'expected a user pool id such as us-east-1_AbCdEf123')

const userPoolSchema = () =>
  z
    .object({
      name: text().optional(),
      id: poolId().optional(),
      groups: list(text()).optional(),
      attributes: list(text()).optional(),
      mfa: oneOf(MFA_SETTINGS).optional(),
      ...awsTarget(),
    })
    .strict()
    .refine((p) => (p.name === undefined) !== (p.id === undefined), {
      message: "needs 'name' or 'id' (one of them)",
    })

export type UserPoolParams = Zod.output<ReturnType<typeof userPoolSchema>>

export const cognitoUserPool = defineCheck({
  kind: 'cognito.user-pool',
  description:
    'Cognito user pool exists by name or id, with the groups, custom attributes and MFA setting asked for',
  params: userPoolSchema,
  example: 'check: cognito.user-pool name=users-${env} groups=admins attributes=tenant_id mfa=on',
  service: (p, { env }) => awsService('cognitoidentityprovider', p, env),
  iam: (p) => [
    ...(p.id === undefined ? ['cognito-idp:ListUserPools'] : []),
    'cognito-idp:DescribeUserPool',
    ...(p.groups !== undefined ? ['cognito-idp:GetGroup'] : []),
  ],
  load: () => import('../aws/cognito-user-pool.ts').then((m) => m.checkUserPool),
})
