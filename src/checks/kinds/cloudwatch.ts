/** `cloudwatch.alarm`: alarms exist, are in a good state and notify someone. The code is in ../aws/cloudwatch-alarm.ts. */
import type * as Zod from 'zod'
import { awsService } from '../aws/target.ts'
import { defineCheck } from '../kind.ts'
import { awsTarget, bool, duration, integer, list, oneOf, text, z } from '../params.ts'

export const ALARM_STATES = ['OK', 'ALARM', 'INSUFFICIENT_DATA'] as const

const alarmSchema = () =>
  z
    .object({
      name: text().optional(),
      prefix: text().optional(),
      state: list(oneOf(ALARM_STATES)).optional(),
      actions: bool().optional(),
      'quiet-for': duration().optional(),
      'min-count': integer(1).optional(),
      ...awsTarget(),
    })
    .strict()
    .refine((p) => p.name !== undefined || p.prefix !== undefined, {
      message: "needs 'name' (one alarm) or 'prefix' (every alarm whose name starts with it)",
    })
    .refine((p) => p.name === undefined || p.prefix === undefined, {
      message: "takes 'name' or 'prefix', not both",
    })
    .refine((p) => p['min-count'] === undefined || p.prefix !== undefined, {
      message:
        "'min-count' counts the alarms a 'prefix' matches: give 'prefix', or drop 'min-count'",
    })

export type AlarmParams = Zod.output<ReturnType<typeof alarmSchema>>

export const cloudwatchAlarm = defineCheck({
  kind: 'cloudwatch.alarm',
  description:
    'CloudWatch alarms (one by name, or every one with a prefix) are in the states asked for, with actions enabled and an alarm action; quiet-for: none was in ALARM lately',
  params: alarmSchema,
  example: 'check: cloudwatch.alarm prefix=orders-${env}- min-count=3 quiet-for=24h',
  service: (p, { env }) => awsService('cloudwatch', p, env),
  iam: (p) => [
    'cloudwatch:DescribeAlarms',
    ...(p['quiet-for'] !== undefined ? ['cloudwatch:DescribeAlarmHistory'] : []),
  ],
  load: () => import('../aws/cloudwatch-alarm.ts').then((m) => m.checkAlarm),
})
