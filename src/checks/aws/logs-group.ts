/**
 * `logs.group`: a CloudWatch Logs group exists (by name or ARN), or at least
 * one whose name starts with a prefix, and each keeps its events for the days
 * asked: exactly N, N to M, or never deleted. A group without a retention
 * policy keeps its logs for ever — and is billed for them for ever.
 */
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs'
import * as z from 'zod'
import { type CheckContext, fail, pass, type RunCheck } from '../kind.ts'
import type { LogGroupParams as Params, Retention } from '../kinds/logs.ts'
import type { CheckOutcome } from '../runner.ts'
import { shellQuote } from '../shell-quote.ts'
import { expectAnswer } from './answers.ts'
import { awsCall, awsErrorOutcome } from './errors.ts'
import { regionOf, targetOf } from './target.ts'

/** What is read of DescribeLogGroups' answer: every group has a name. */
const GroupsAnswer = z.object({
  logGroups: z
    .array(
      z.object({
        logGroupName: z.string(),
        logGroupArn: z.string().optional(),
        arn: z.string().optional(),
        retentionInDays: z.number().optional(),
        creationTime: z.number().optional(),
        kmsKeyId: z.string().optional(),
        logGroupClass: z.string().optional(),
      }),
    )
    .optional(),
})
type Group = NonNullable<z.output<typeof GroupsAnswer>['logGroups']>[number]

/** The retention periods CloudWatch Logs accepts, in days: a next step suggests one of these. */
const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
]

/** Runs a `logs.group` check (its parameters: kinds/logs.ts). */
export const checkLogGroup: RunCheck<Params> = async (p, ctx) => {
  try {
    return await judgeGroups(p, ctx)
  } catch (caught) {
    return awsErrorOutcome(caught, { signal: ctx.signal, profile: p.profile })
  }
}

async function judgeGroups(p: Params, ctx: CheckContext): Promise<CheckOutcome> {
  const client = await ctx.clients.aws('cloudwatchlogs', targetOf(p, ctx.env))
  const name = p.name === undefined ? undefined : groupNameOf(p.name)
  const groups = await describeGroups(client, name ?? p.prefix ?? '', name, ctx.signal)
  if (groups.length === 0) {
    const region = regionOf(p, ctx.env)
    const inRegion = region ? ` (${region})` : ''
    return name !== undefined
      ? fail(`log group ${name} does not exist`, {
          details: [`check the log group name and the region${inRegion}`],
        })
      : fail(`no log group's name starts with ${p.prefix}`, {
          details: [`check the prefix and the region${inRegion}`],
        })
  }

  const evidence = evidenceOf(p, groups)
  const wanted = p.retention
  const wrong = wanted ? groups.filter((group) => !keepsAsAsked(group, wanted)) : []
  const [first, ...rest] = wrong
  if (wanted && first) {
    const unmet = wrong.map(
      (group) => `${group.logGroupName} ${keeps(group)} (expected ${describe(wanted)})`,
    )
    const more = rest.length > 0 ? ` (and ${rest.length} more)` : ''
    return fail(`log group ${unmet[0]}${more}`, {
      details: [...unmet, ...fixFor(wrong, wanted)],
      evidence,
    })
  }
  const [only] = groups
  const summary =
    name !== undefined && only
      ? `${only.logGroupName} exists, ${retentionOf(only)}`
      : `${groups.length} log group${groups.length === 1 ? '' : 's'} ${p.prefix}*${
          wanted ? `, ${wanted.never ? 'none expires' : `retention ${describe(wanted)}`}` : ''
        }`
  return pass(summary, { evidence })
}

/** `/aws/lambda/api` from itself or its ARN (`arn:aws:logs:…:log-group:/aws/lambda/api:*`). */
function groupNameOf(nameOrArn: string): string {
  const arn = /^arn:aws[a-z-]*:logs:[^:]*:[^:]*:log-group:(.+?)(?::\*)?$/.exec(nameOrArn)
  return arn?.[1] ?? nameOrArn
}

/**
 * The groups whose names start with `prefix`; for one `name`, only that group.
 * CloudWatch Logs finds groups by prefix only, so a name is looked up as one.
 */
async function describeGroups(
  client: CloudWatchLogsClient,
  prefix: string,
  name: string | undefined,
  signal: AbortSignal,
): Promise<Group[]> {
  const { paginateDescribeLogGroups } = await import('@aws-sdk/client-cloudwatch-logs')
  return awsCall('logs:DescribeLogGroups', async () => {
    const found: Group[] = []
    const pages = paginateDescribeLogGroups(
      { client, stopOnSameToken: true },
      { logGroupNamePrefix: prefix },
      { abortSignal: signal },
    )
    for await (const page of pages) {
      for (const group of expectAnswer(page, GroupsAnswer).logGroups ?? []) {
        if (name === undefined) found.push(group)
        else if (group.logGroupName === name) return [group]
      }
    }
    return found
  })
}

function keepsAsAsked(group: Group, wanted: Retention): boolean {
  const days = group.retentionInDays
  if (wanted.never) return days === undefined
  return days !== undefined && days >= wanted.min && days <= wanted.max
}

/** `keeps logs for 90 days`, `keeps logs for ever`. */
function keeps(group: Group): string {
  const days = group.retentionInDays
  return days === undefined ? 'keeps logs for ever' : `keeps logs for ${plural(days, 'day')}`
}

/** `retention 30 days`, `no retention (logs kept for ever)`. */
function retentionOf(group: Group): string {
  const days = group.retentionInDays
  return days === undefined
    ? 'no retention (logs kept for ever)'
    : `retention ${plural(days, 'day')}`
}

/** What was asked: `30 days`, `7-30 days`, `never to expire`. */
function describe(wanted: Retention): string {
  if (wanted.never) return 'never to expire'
  return wanted.min === wanted.max ? plural(wanted.min, 'day') : `${wanted.min}-${wanted.max} days`
}

/** The command that sets the retention asked for, when CloudWatch Logs has such a period. */
function fixFor(groups: readonly Group[], wanted: Retention): string[] {
  const [only] = groups
  const group = groups.length === 1 && only ? shellQuote(only.logGroupName) : '<name>'
  if (wanted.never)
    return [`to keep logs for ever: aws logs delete-retention-policy --log-group-name ${group}`]
  const days = RETENTION_DAYS.filter((d) => d >= wanted.min && d <= wanted.max).at(-1)
  if (days === undefined) {
    return [
      `CloudWatch Logs keeps logs for one of ${RETENTION_DAYS.join(', ')} days: no period is ${describe(wanted)}`,
    ]
  }
  return [
    `to set it: aws logs put-retention-policy --log-group-name ${group} --retention-in-days ${days}`,
  ]
}

function evidenceOf(p: Params, groups: readonly Group[]): Record<string, unknown> {
  const [only] = groups
  if (p.name !== undefined && only) {
    return {
      logGroup: only.logGroupName,
      arn: only.logGroupArn ?? only.arn,
      retentionDays: only.retentionInDays ?? 'never expires',
      ...(only.creationTime ? { created: new Date(only.creationTime).toISOString() } : {}),
      ...(only.logGroupClass ? { class: only.logGroupClass } : {}),
      kmsKey: only.kmsKeyId ?? 'none (encrypted by CloudWatch Logs)',
    }
  }
  return {
    prefix: p.prefix,
    count: groups.length,
    groups: groups.map(
      (group) =>
        `${group.logGroupName} ${group.retentionInDays === undefined ? 'never expires' : `${group.retentionInDays}d`}`,
    ),
  }
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`
}
