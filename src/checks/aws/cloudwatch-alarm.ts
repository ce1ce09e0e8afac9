/**
 * `cloudwatch.alarm`: one alarm by name, or every alarm whose name starts with a
 * prefix (at least `min-count` of them), is in a state asked for (OK unless
 * told otherwise), has its actions enabled and at least one alarm action — an
 * alarm that notifies nobody guards nothing. Metric and composite alarms alike.
 *
 * With `quiet-for`, each alarm's history over that window is read as well: an
 * alarm that was in ALARM at any moment of it fails, also one that is back to OK
 * by now — which the current state alone cannot tell.
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch'
import * as z from 'zod'
import { formatLimit, formatMoment } from '../../duration.ts'
import { type CheckContext, fail, pass, type RunCheck } from '../kind.ts'
import type { ALARM_STATES, AlarmParams as Params } from '../kinds/cloudwatch.ts'
import type { CheckOutcome } from '../runner.ts'
import { shellQuote } from '../shell-quote.ts'
import { expectAnswer } from './answers.ts'
import { awsCall, awsErrorOutcome } from './errors.ts'
import { regionOf, targetOf } from './target.ts'

type AlarmState = (typeof ALARM_STATES)[number]

/** What is read of an alarm, metric or composite: CloudWatch always names it and gives its state. */
const AlarmFields = z.object({
  AlarmName: z.string(),
  AlarmArn: z.string().optional(),
  StateValue: z.string(),
  StateReason: z.string().optional(),
  StateUpdatedTimestamp: z.date().optional(),
  ActionsEnabled: z.boolean(),
  AlarmActions: z.array(z.string()).optional(),
})

const AlarmsAnswer = z.object({
  MetricAlarms: z.array(AlarmFields).optional(),
  CompositeAlarms: z.array(AlarmFields).optional(),
})

const HistoryAnswer = z.object({
  AlarmHistoryItems: z
    .array(
      z.object({
        Timestamp: z.date(),
        HistorySummary: z.string().optional(),
        HistoryData: z.string().optional(),
      }),
    )
    .optional(),
})
type HistoryItem = NonNullable<z.output<typeof HistoryAnswer>['AlarmHistoryItems']>[number]

/** The JSON document in a state update's HistoryData: the states before and after. */
const StateChange = z.object({
  oldState: z.object({ stateValue: z.string() }).partial().optional(),
  newState: z.object({ stateValue: z.string() }).partial().optional(),
})

interface Alarm {
  readonly name: string
  readonly arn: string | undefined
  readonly type: 'metric' | 'composite'
  readonly state: string
  readonly reason: string | undefined
  readonly since: Date | undefined
  readonly actionsEnabled: boolean
  readonly alarmActions: readonly string[]
}

/** What the history of the `quiet-for` window says of one alarm. */
interface AlarmWindow {
  /** When it went into ALARM within the window, newest first. */
  readonly intoAlarm: readonly Date[]
  /** When it last left ALARM within the window. */
  readonly leftAlarm: Date | undefined
}

/** An unmet expectation: as the summary says it, and as a detail (with the alarm's reason). */
interface Unmet {
  readonly summary: string
  readonly detail: string
}

const unmetAs = (text: string): Unmet => ({ summary: `alarm ${text}`, detail: text })

/** Runs a `cloudwatch.alarm` check (its parameters: kinds/cloudwatch.ts). */
export const checkAlarm: RunCheck<Params> = async (p, ctx) => {
  try {
    return await judgeAlarms(p, ctx)
  } catch (caught) {
    return awsErrorOutcome(caught, { signal: ctx.signal, profile: p.profile })
  }
}

async function judgeAlarms(p: Params, ctx: CheckContext): Promise<CheckOutcome> {
  const client = await ctx.clients.aws('cloudwatch', targetOf(p, ctx.env))
  const alarms = await describeAlarms(client, p, ctx.signal)
  const region = regionOf(p, ctx.env)
  const inRegion = region ? ` (${region})` : ''
  if (alarms.length === 0) {
    return p.name !== undefined
      ? fail(`alarm ${p.name} does not exist`, {
          details: [`check the alarm name and the region${inRegion}`],
        })
      : fail(`no alarm's name starts with ${p.prefix}`, {
          details: [`check the prefix and the region${inRegion}`],
        })
  }

  const quietFor = p['quiet-for']
  const windows = new Map<string, AlarmWindow>()
  if (quietFor !== undefined) {
    const until = new Date()
    const since = new Date(until.getTime() - quietFor)
    // One alarm at a time: DescribeAlarmHistory has a low rate limit.
    for (const alarm of alarms) {
      windows.set(alarm.name, await alarmWindow(client, alarm.name, since, until, ctx.signal))
    }
  }

  const states: readonly string[] = p.state ?? (['OK'] satisfies AlarmState[])
  const checkActions = p.actions ?? true
  const unmet: Unmet[] = []
  const minCount = p['min-count'] ?? 1
  if (p.prefix !== undefined && alarms.length < minCount) {
    const only = `only ${alarms.length} ${alarms.length === 1 ? "alarm's name starts" : "alarms' names start"} with ${p.prefix} (expected at least ${minCount})`
    unmet.push({ summary: only, detail: only })
  }
  for (const alarm of alarms) {
    if (!states.includes(alarm.state)) {
      const since = alarm.since ? ` since ${formatMoment(alarm.since)}` : ''
      const state = `${alarm.name} is ${alarm.state}${since} (expected ${states.join(' or ')})`
      // The reason (`Threshold Crossed: 1 datapoint [5.0 …]`) is long: the detail has it.
      const why = alarm.reason ? `: ${alarm.reason}` : ''
      unmet.push({ summary: `alarm ${state}`, detail: `${state}${why}` })
    }
    if (checkActions && !alarm.actionsEnabled) {
      unmet.push(unmetAs(`${alarm.name} has its actions disabled`))
    } else if (checkActions && alarm.alarmActions.length === 0) {
      unmet.push(
        unmetAs(`${alarm.name} has no alarm action: nobody is told when it goes into ALARM`),
      )
    }
    const window = windows.get(alarm.name)
    if (quietFor !== undefined && window) {
      const noisy = noisyIn(alarm, window, quietFor, states)
      if (noisy) unmet.push(unmetAs(noisy))
    }
  }

  const evidence = evidenceOf(p, alarms, windows, quietFor)
  const [first, ...rest] = unmet
  if (first !== undefined) {
    const more = rest.length > 0 ? ` (and ${rest.length} more)` : ''
    return fail(`${first.summary}${more}`, {
      details: [...unmet.map((u) => u.detail), ...nextSteps(alarms, checkActions)],
      evidence,
    })
  }
  return pass(passSummary(p, alarms, checkActions, quietFor), { evidence })
}

async function describeAlarms(
  client: CloudWatchClient,
  p: Params,
  signal: AbortSignal,
): Promise<Alarm[]> {
  const { paginateDescribeAlarms } = await import('@aws-sdk/client-cloudwatch')
  return awsCall('cloudwatch:DescribeAlarms', async () => {
    const found: Alarm[] = []
    const pages = paginateDescribeAlarms(
      { client, stopOnSameToken: true },
      {
        ...(p.name !== undefined ? { AlarmNames: [p.name] } : { AlarmNamePrefix: p.prefix }),
        // Without it CloudWatch lists metric alarms only.
        AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
      },
      { abortSignal: signal },
    )
    for await (const page of pages) {
      const answer = expectAnswer(page, AlarmsAnswer)
      for (const alarm of answer.MetricAlarms ?? []) found.push(alarmOf(alarm, 'metric'))
      for (const alarm of answer.CompositeAlarms ?? []) found.push(alarmOf(alarm, 'composite'))
    }
    return found.sort((a, b) => a.name.localeCompare(b.name))
  })
}

function alarmOf(alarm: z.output<typeof AlarmFields>, type: Alarm['type']): Alarm {
  return {
    name: alarm.AlarmName,
    arn: alarm.AlarmArn,
    type,
    state: alarm.StateValue,
    reason: alarm.StateReason,
    since: alarm.StateUpdatedTimestamp,
    actionsEnabled: alarm.ActionsEnabled,
    alarmActions: alarm.AlarmActions ?? [],
  }
}

/** The alarm's state changes between `since` and `until`, as they bear on being in ALARM. */
async function alarmWindow(
  client: CloudWatchClient,
  name: string,
  since: Date,
  until: Date,
  signal: AbortSignal,
): Promise<AlarmWindow> {
  const { paginateDescribeAlarmHistory } = await import('@aws-sdk/client-cloudwatch')
  return awsCall('cloudwatch:DescribeAlarmHistory', async () => {
    const intoAlarm: Date[] = []
    let leftAlarm: Date | undefined
    const pages = paginateDescribeAlarmHistory(
      { client, stopOnSameToken: true },
      {
        AlarmName: name,
        AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
        HistoryItemType: 'StateUpdate',
        StartDate: since,
        EndDate: until,
        ScanBy: 'TimestampDescending',
      },
      { abortSignal: signal },
    )
    for await (const page of pages) {
      for (const item of expectAnswer(page, HistoryAnswer).AlarmHistoryItems ?? []) {
        const change = stateChangeOf(item)
        if (change.to === 'ALARM') intoAlarm.push(item.Timestamp)
        if (change.from === 'ALARM' && (!leftAlarm || item.Timestamp > leftAlarm))
          leftAlarm = item.Timestamp
      }
    }
    intoAlarm.sort((a, b) => b.getTime() - a.getTime())
    return { intoAlarm, leftAlarm }
  })
}

/**
 * The states an update went from and to: from its HistoryData document, else
 * from its summary (`Alarm updated from OK to ALARM`).
 */
function stateChangeOf(item: HistoryItem): { from?: string; to?: string } {
  try {
    const data = StateChange.safeParse(JSON.parse(item.HistoryData ?? ''))
    const from = data.data?.oldState?.stateValue
    const to = data.data?.newState?.stateValue
    if (from !== undefined || to !== undefined) return { from, to }
  } catch {
    // Not JSON: the summary says it in words.
  }
  const words = /from (\w+) to (\w+)/.exec(item.HistorySummary ?? '')
  return words ? { from: words[1], to: words[2] } : {}
}

/** Why the alarm was not quiet over the window, or undefined when it was. */
function noisyIn(
  alarm: Alarm,
  window: AlarmWindow,
  quietForMs: number,
  states: readonly string[],
): string | undefined {
  const within = `in the last ${formatLimit(quietForMs)}`
  const [last] = window.intoAlarm
  if (last) {
    const times = window.intoAlarm.length === 1 ? 'once' : `${window.intoAlarm.length} times`
    return `${alarm.name} went into ALARM ${times} ${within}, last at ${formatMoment(last)}`
  }
  if (window.leftAlarm) {
    return `${alarm.name} was in ALARM until ${formatMoment(window.leftAlarm)}, ${within}`
  }
  // In ALARM for longer than the window: said already when ALARM is not an allowed state.
  if (alarm.state === 'ALARM' && states.includes('ALARM')) {
    const since = alarm.since ? ` since ${formatMoment(alarm.since)}` : ''
    return `${alarm.name} has been in ALARM${since}, all through the last ${formatLimit(quietForMs)}`
  }
  return undefined
}

/** What the operator can run to fix what failed, where there is such a thing. */
function nextSteps(alarms: readonly Alarm[], checkActions: boolean): string[] {
  if (!checkActions) return []
  const disabled = alarms.filter((a) => !a.actionsEnabled).map((a) => shellQuote(a.name))
  const steps =
    disabled.length > 0
      ? [
          `to enable their actions: aws cloudwatch enable-alarm-actions --alarm-names ${disabled.join(' ')}`,
        ]
      : []
  if (alarms.some((a) => a.actionsEnabled && a.alarmActions.length === 0))
    steps.push('give each alarm an alarm action, such as an SNS topic that pages the on-call')
  return steps
}

function passSummary(
  p: Params,
  alarms: readonly Alarm[],
  checkActions: boolean,
  quietForMs: number | undefined,
): string {
  const parts: string[] = []
  const [only] = alarms
  if (p.name !== undefined && only) {
    parts.push(`${only.name} ${only.state}`)
    if (checkActions) {
      const n = only.alarmActions.length
      parts.push(`actions enabled (${n} alarm action${n === 1 ? '' : 's'})`)
    }
  } else {
    const counts = countStates(alarms)
    const states =
      counts.length === 1 ? counts[0]?.[0] : `(${counts.map(([s, n]) => `${n} ${s}`).join(', ')})`
    parts.push(`${alarms.length} alarm${alarms.length === 1 ? '' : 's'} ${p.prefix}* ${states}`)
    if (checkActions) parts.push('actions enabled')
  }
  if (quietForMs !== undefined) parts.push(`no ALARM in the last ${formatLimit(quietForMs)}`)
  return parts.join(', ')
}

/** `[['OK', 2], ['INSUFFICIENT_DATA', 1]]`, most common first. */
function countStates(alarms: readonly Alarm[]): [string, number][] {
  const counts = new Map<string, number>()
  for (const alarm of alarms) counts.set(alarm.state, (counts.get(alarm.state) ?? 0) + 1)
  return [...counts].sort((a, b) => b[1] - a[1])
}

function evidenceOf(
  p: Params,
  alarms: readonly Alarm[],
  windows: ReadonlyMap<string, AlarmWindow>,
  quietForMs: number | undefined,
): Record<string, unknown> {
  const history =
    quietForMs === undefined
      ? {}
      : {
          quietFor: formatLimit(quietForMs),
          inAlarmWithin: [...windows].flatMap(([name, w]) => {
            const [last] = w.intoAlarm
            if (last)
              return [`${name} into ALARM ${w.intoAlarm.length}x, last ${last.toISOString()}`]
            return w.leftAlarm ? [`${name} in ALARM until ${w.leftAlarm.toISOString()}`] : []
          }),
        }
  const [only] = alarms
  if (p.name !== undefined && only) {
    return {
      alarm: only.name,
      arn: only.arn,
      type: only.type,
      state: only.state,
      stateSince: only.since?.toISOString(),
      stateReason: only.reason,
      actionsEnabled: only.actionsEnabled,
      alarmActions: only.alarmActions,
      ...history,
    }
  }
  return {
    prefix: p.prefix,
    count: alarms.length,
    states: Object.fromEntries(countStates(alarms)),
    alarms: alarms.map((a) => `${a.name} ${a.state}`),
    actionsDisabled: alarms.filter((a) => !a.actionsEnabled).map((a) => a.name),
    withoutAlarmActions: alarms.filter((a) => a.alarmActions.length === 0).map((a) => a.name),
    ...history,
  }
}
