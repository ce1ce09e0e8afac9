/** `logs.group`: CloudWatch Logs groups exist and keep logs as long as asked. The code is in ../aws/logs-group.ts. */
import type * as Zod from 'zod'
import { awsService } from '../aws/target.ts'
import { defineCheck } from '../kind.ts'
import { awsTarget, text, z } from '../params.ts'

/** How long a group must keep its events: a number of days in a range, or for ever. */
export type Retention =
  | { readonly never: true }
  | { readonly never: false; readonly min: number; readonly max: number }

/** `30` (exactly), `7-30` (a range, both ends allowed) or `never` (no expiry). */
const retention = () =>
  z.string().transform((v, ctx): Retention => {
    const written = v.trim().toLowerCase()
    if (written === 'never') return { never: true }
    const match = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(written)
    const min = Number(match?.[1])
    const max = Number(match?.[2] ?? match?.[1])
    if (!match || min < 1 || max < min) {
      ctx.addIssue({
        code: 'custom',
        message: 'expected days (30), a range of days (7-30), or never (logs kept for ever)',
      })
      return z.NEVER
    }
    return { never: false, min, max }
  })

const groupSchema = () =>
  z
    .object({
      name: text().optional(),
      prefix: text().optional(),
      retention: retention().optional(),
      ...awsTarget(),
    })
    .strict()
    .refine((p) => p.name !== undefined || p.prefix !== undefined, {
      message:
        "needs 'name' (one log group, or its ARN) or 'prefix' (every group whose name starts with it)",
    })
    .refine((p) => p.name === undefined || p.prefix === undefined, {
      message: "takes 'name' or 'prefix', not both",
    })

export type LogGroupParams = Zod.output<ReturnType<typeof groupSchema>>

export const logsGroup = defineCheck({
  kind: 'logs.group',
  description:
    'CloudWatch Logs group exists (by name or ARN, or at least one by prefix), keeping logs for the days asked (30, 7-30 or never)',
  params: groupSchema,
  example: 'check: logs.group prefix=/aws/lambda/orders-${env}- retention=14-90',
  service: (p, { env }) => awsService('cloudwatchlogs', p, env),
  iam: () => ['logs:DescribeLogGroups'],
  load: () => import('../aws/logs-group.ts').then((m) => m.checkLogGroup),
})
