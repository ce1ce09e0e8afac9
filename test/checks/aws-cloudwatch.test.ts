/**
 * `cloudwatch.alarm` against moto_server (alarms created here with the real SDK)
 * and, for what moto cannot do — alarm history, throttling, a hung endpoint,
 * answers of the wrong shape — against our fault server speaking CloudWatch's
 * JSON protocol. Names carry a per-run suffix, as moto is shared with other files.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  PutMetricAlarmCommand,
  type PutMetricAlarmCommandInput,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch'
import { parseChecklist } from '../../src/checklist/parse.ts'
import { iamActionsOf } from '../../src/checks/registry.ts'
import { itReportsAwsErrors, resultAt } from '../helpers/aws-errors.ts'
import { type AwsReply, pointAwsAt, startAwsFaultServer } from '../helpers/aws-fault-server.ts'
import { backend, checklistOf, runChecklist } from '../helpers/checks.ts'

const moto = backend('moto')
pointAwsAt(moto)
const fault = await startAwsFaultServer()

const run = randomUUID().slice(0, 8)
/** Every alarm under it is OK, has its actions enabled and an alarm action. */
const GOOD = `dw-${run}-good-`
/** One alarm in ALARM, one with actions disabled, one without an alarm action. */
const BAD = `dw-${run}-bad-`
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:on-call'

const cloudwatch = new CloudWatchClient({ region: 'us-east-1', maxAttempts: 1 })
const created: string[] = []

async function putAlarm(name: string, extra: Partial<PutMetricAlarmCommandInput> = {}) {
  await cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName: name,
      Namespace: 'AWS/ApplicationELB',
      MetricName: 'HTTPCode_Target_5XX_Count',
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 5,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [TOPIC],
      ...extra,
    }),
  )
  created.push(name)
}

before(async () => {
  await putAlarm(`${GOOD}5xx`)
  await putAlarm(`${GOOD}latency`, { MetricName: 'TargetResponseTime', Threshold: 1 })
  await putAlarm(`${BAD}5xx`)
  await cloudwatch.send(
    new SetAlarmStateCommand({
      AlarmName: `${BAD}5xx`,
      StateValue: 'ALARM',
      StateReason: 'Threshold Crossed: 1 datapoint [12.0] was greater than the threshold (5.0).',
    }),
  )
  await putAlarm(`${BAD}latency`, { ActionsEnabled: false })
  await putAlarm(`${BAD}silent`, { AlarmActions: [] })
})

after(async () => {
  await cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: created })).catch(() => {})
  cloudwatch.destroy()
  await fault.close()
})

describe('cloudwatch.alarm against moto', () => {
  it('passes for an OK alarm with actions, saying so', async () => {
    const result = (await runChecklist(checklistOf(`cloudwatch.alarm name=${GOOD}5xx`))).result()
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.equal(result.summary, `${GOOD}5xx OK, actions enabled (1 alarm action)`)
    assert.equal(result.evidence?.alarm, `${GOOD}5xx`)
    assert.equal(result.evidence?.state, 'OK')
    assert.equal(result.evidence?.type, 'metric')
    assert.deepEqual(result.evidence?.alarmActions, [TOPIC])
    assert.match(String(result.evidence?.arn), new RegExp(`:alarm:${GOOD}5xx$`))
  })

  it('passes for every alarm with a prefix', async () => {
    const result = (
      await runChecklist(checklistOf(`cloudwatch.alarm prefix=${GOOD} min-count=2`))
    ).result()
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.equal(result.summary, `2 alarms ${GOOD}* OK, actions enabled`)
    assert.deepEqual(result.evidence?.alarms, [`${GOOD}5xx OK`, `${GOOD}latency OK`])
  })

  it('fails listing every alarm that is not as required, with how to enable actions', async () => {
    const result = (await runChecklist(checklistOf(`cloudwatch.alarm prefix=${BAD}`))).result()
    assert.equal(result.status, 'fail')
    assert.match(
      result.summary,
      new RegExp(
        `^alarm ${BAD}5xx is ALARM since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC \\(expected OK\\) \\(and 2 more\\)$`,
      ),
    )
    const [state, ...rest] = result.details ?? []
    assert.match(
      state ?? '',
      /\(expected OK\): Threshold Crossed: 1 datapoint \[12\.0\] was greater than the threshold \(5\.0\)\.$/,
    )
    assert.deepEqual(rest, [
      `${BAD}latency has its actions disabled`,
      `${BAD}silent has no alarm action: nobody is told when it goes into ALARM`,
      `to enable their actions: aws cloudwatch enable-alarm-actions --alarm-names ${BAD}latency`,
      'give each alarm an alarm action, such as an SNS topic that pages the on-call',
    ])
    assert.deepEqual(result.evidence?.states, { OK: 2, ALARM: 1 })
    assert.deepEqual(result.evidence?.actionsDisabled, [`${BAD}latency`])
    assert.deepEqual(result.evidence?.withoutAlarmActions, [`${BAD}silent`])
  })

  it('accepts the states asked for, and checks no actions when told not to', async () => {
    const result = (
      await runChecklist(checklistOf(`cloudwatch.alarm prefix=${BAD} state=OK,ALARM actions=false`))
    ).result()
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.equal(result.summary, `3 alarms ${BAD}* (2 OK, 1 ALARM)`)
  })

  it('fails a single alarm with its actions disabled', async () => {
    const result = (await runChecklist(checklistOf(`cloudwatch.alarm name=${BAD}latency`))).result()
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, `alarm ${BAD}latency has its actions disabled`)
    assert.equal(result.evidence?.actionsEnabled, false)
  })

  it('fails when fewer alarms than min-count have the prefix', async () => {
    const result = (
      await runChecklist(checklistOf(`cloudwatch.alarm prefix=${GOOD} min-count=5`))
    ).result()
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, `only 2 alarms' names start with ${GOOD} (expected at least 5)`)
    assert.equal(result.evidence?.count, 2)
  })

  it('fails for an alarm that does not exist, and a prefix no alarm has', async () => {
    const checked = await runChecklist(
      checklistOf(
        `cloudwatch.alarm name=dw-${run}-nope`,
        `cloudwatch.alarm prefix=dw-${run}-nope-`,
      ),
    )
    const [named, prefixed] = [checked.result('check-1'), checked.result('check-2')]
    assert.equal(named.status, 'fail')
    assert.equal(named.summary, `alarm dw-${run}-nope does not exist`)
    assert.deepEqual(named.details, ['check the alarm name and the region (us-east-1)'])
    assert.equal(prefixed.status, 'fail')
    assert.equal(prefixed.summary, `no alarm's name starts with dw-${run}-nope-`)
    assert.deepEqual(prefixed.details, ['check the prefix and the region (us-east-1)'])
  })
})

describe('cloudwatch.alarm parameters', () => {
  function problemsOf(directive: string): string[] {
    const { problems } = parseChecklist(checklistOf(directive), { path: 'inline.md' })
    return problems.map((p) => p.message)
  }

  it('needs a name or a prefix, not both, and min-count only with a prefix', () => {
    assert.deepEqual(problemsOf('cloudwatch.alarm state=OK'), [
      "cloudwatch.alarm: needs 'name' (one alarm) or 'prefix' (every alarm whose name starts with it)",
    ])
    assert.deepEqual(problemsOf('cloudwatch.alarm name=a prefix=b'), [
      "cloudwatch.alarm: takes 'name' or 'prefix', not both",
    ])
    assert.deepEqual(problemsOf('cloudwatch.alarm name=a min-count=2'), [
      "cloudwatch.alarm: 'min-count' counts the alarms a 'prefix' matches: give 'prefix', or drop 'min-count'",
    ])
  })

  it('refuses a state CloudWatch does not have and a window that is no duration', () => {
    assert.deepEqual(problemsOf('cloudwatch.alarm name=a state=OK,FIRING quiet-for=a-day'), [
      "cloudwatch.alarm state='OK,FIRING': expected one of: OK, ALARM, INSUFFICIENT_DATA",
      "cloudwatch.alarm quiet-for='a-day': expected a duration such as 500ms, 30s or 5m",
    ])
  })

  it('names the history permission only when quiet-for asks for the history', () => {
    const actionsOf = (directive: string) => {
      const item = parseChecklist(checklistOf(directive), { path: 'inline.md' }).checklist.items[0]
      assert.ok(item)
      return iamActionsOf(item)
    }
    assert.deepEqual(actionsOf('cloudwatch.alarm name=a'), ['cloudwatch:DescribeAlarms'])
    assert.deepEqual(actionsOf('cloudwatch.alarm prefix=a quiet-for=24h'), [
      'cloudwatch:DescribeAlarms',
      'cloudwatch:DescribeAlarmHistory',
    ])
  })
})

// --- what moto cannot do: alarm history, faults -------------------------------------------

function alarm(name: string, extra: Record<string, unknown> = {}) {
  return {
    AlarmName: name,
    AlarmArn: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${name}`,
    StateValue: 'OK',
    StateUpdatedTimestamp: new Date('2025-01-01T00:00:00Z'),
    ActionsEnabled: true,
    AlarmActions: [TOPIC],
    ...extra,
  }
}

function alarms(...metric: ReturnType<typeof alarm>[]): AwsReply {
  return { result: { MetricAlarms: metric, CompositeAlarms: [] } }
}

/** A StateUpdate history item as CloudWatch writes it, `minutesAgo` before now. */
function update(name: string, from: string, to: string, minutesAgo: number) {
  return {
    AlarmName: name,
    AlarmType: 'MetricAlarm',
    Timestamp: new Date(Date.now() - minutesAgo * 60_000),
    HistoryItemType: 'StateUpdate',
    HistorySummary: `Alarm updated from ${from} to ${to}`,
    HistoryData: JSON.stringify({
      version: '1.0',
      oldState: { stateValue: from, stateReason: 'before' },
      newState: { stateValue: to, stateReason: 'after' },
    }),
  }
}

/** Answers DescribeAlarms with `found` and DescribeAlarmHistory with each alarm's `history`. */
function scriptHistory(
  found: ReturnType<typeof alarm>[],
  history: Record<string, ReturnType<typeof update>[]>,
) {
  fault.script(({ action, params }) =>
    action === 'DescribeAlarms'
      ? alarms(...found)
      : { result: { AlarmHistoryItems: history[String(params.AlarmName)] ?? [] } },
  )
}

describe('cloudwatch.alarm quiet-for, from the alarm history', () => {
  it('passes when no alarm was in ALARM in the window, asking for exactly that window', async () => {
    scriptHistory([alarm('api-5xx'), alarm('api-latency')], {
      'api-5xx': [update('api-5xx', 'INSUFFICIENT_DATA', 'OK', 90)],
    })
    const before = Date.now()
    const result = await resultAt(fault, 'cloudwatch.alarm prefix=api- quiet-for=2h')
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.equal(result.summary, '2 alarms api-* OK, actions enabled, no ALARM in the last 2h')
    const history = fault.requests.filter((r) => r.action === 'DescribeAlarmHistory')
    assert.deepEqual(
      history.map((r) => r.params.AlarmName),
      ['api-5xx', 'api-latency'],
    )
    const asked = history[0]?.params ?? {}
    assert.equal(asked.HistoryItemType, 'StateUpdate')
    const start = Number(asked.StartDate) * 1000
    const end = Number(asked.EndDate) * 1000
    assert.ok(Math.abs(end - start - 2 * 3_600_000) < 1000, `window ${end - start}ms`)
    assert.ok(end >= before - 1000 && end <= Date.now() + 1000)
    assert.deepEqual(result.evidence?.inAlarmWithin, [])
  })

  it('fails an alarm that went into ALARM and back to OK within the window', async () => {
    scriptHistory([alarm('api-5xx'), alarm('api-latency')], {
      'api-5xx': [
        update('api-5xx', 'ALARM', 'OK', 10),
        update('api-5xx', 'OK', 'ALARM', 20),
        update('api-5xx', 'ALARM', 'OK', 200),
        update('api-5xx', 'OK', 'ALARM', 230),
      ],
    })
    const result = await resultAt(fault, 'cloudwatch.alarm prefix=api- quiet-for=24h')
    assert.equal(result.status, 'fail')
    const last = new Date(Date.now() - 20 * 60_000).toISOString().slice(0, 16).replace('T', ' ')
    assert.equal(
      result.summary,
      `alarm api-5xx went into ALARM 2 times in the last 24h, last at ${last} UTC`,
    )
    assert.deepEqual(result.details, [
      `api-5xx went into ALARM 2 times in the last 24h, last at ${last} UTC`,
    ])
    assert.match(String(result.evidence?.inAlarmWithin), /^api-5xx into ALARM 2x, last /)
  })

  it('fails an alarm that was already in ALARM when the window began and left it within', async () => {
    scriptHistory([alarm('api-5xx')], { 'api-5xx': [update('api-5xx', 'ALARM', 'OK', 30)] })
    const result = await resultAt(fault, 'cloudwatch.alarm name=api-5xx quiet-for=1h')
    assert.equal(result.status, 'fail')
    assert.match(result.summary, /^alarm api-5xx was in ALARM until .+ UTC, in the last 1h$/)
  })

  it('fails an alarm in ALARM all through the window when ALARM is an allowed state', async () => {
    scriptHistory([alarm('api-5xx', { StateValue: 'ALARM' })], {})
    const result = await resultAt(
      fault,
      'cloudwatch.alarm name=api-5xx state=OK,ALARM quiet-for=1h',
    )
    assert.equal(result.status, 'fail')
    assert.equal(
      result.summary,
      'alarm api-5xx has been in ALARM since 2025-01-01 00:00 UTC, all through the last 1h',
    )
  })

  it('asks for composite alarms too, and judges them like metric alarms', async () => {
    fault.script(({ action }) =>
      action === 'DescribeAlarms'
        ? {
            result: {
              MetricAlarms: [alarm('api-5xx')],
              CompositeAlarms: [alarm('api-health', { StateValue: 'INSUFFICIENT_DATA' })],
            },
          }
        : { result: { AlarmHistoryItems: [] } },
    )
    const result = await resultAt(fault, 'cloudwatch.alarm prefix=api-')
    assert.equal(result.status, 'fail')
    assert.equal(
      result.summary,
      'alarm api-health is INSUFFICIENT_DATA since 2025-01-01 00:00 UTC (expected OK)',
    )
    assert.deepEqual(fault.requests[0]?.params.AlarmTypes, ['MetricAlarm', 'CompositeAlarm'])
  })

  it('reads the state change from the summary when the history data is not JSON', async () => {
    const item = { ...update('api-5xx', 'OK', 'ALARM', 5), HistoryData: 'not json' }
    scriptHistory([alarm('api-5xx')], { 'api-5xx': [item] })
    const result = await resultAt(fault, 'cloudwatch.alarm name=api-5xx quiet-for=1h')
    assert.equal(result.status, 'fail')
    assert.match(result.summary, /^alarm api-5xx went into ALARM once in the last 1h/)
  })
})

describe('cloudwatch.alarm when it cannot tell', () => {
  itReportsAwsErrors({
    fault,
    directive: 'cloudwatch.alarm name=api-5xx quiet-for=1h',
    answers: ({ action }) =>
      action === 'DescribeAlarms'
        ? alarms(alarm('api-5xx'))
        : { result: { AlarmHistoryItems: [] } },
    firstCall: 'cloudwatch:DescribeAlarms',
    deniedCall: { action: 'cloudwatch:DescribeAlarmHistory', operation: 'DescribeAlarmHistory' },
  })

  it('says an alarm without a state is not an answer, rather than judging it', async () => {
    const { StateValue: _, ...stateless } = alarm('api-5xx')
    fault.script(() => ({ result: { MetricAlarms: [stateless] } }))
    const result = await resultAt(fault, 'cloudwatch.alarm name=api-5xx')
    assert.equal(result.status, 'error')
    assert.equal(
      result.summary,
      `unexpected answer from CloudWatch at ${fault.url}: MetricAlarms.0.StateValue is missing`,
    )
  })
})
