/**
 * `logs.group` against moto_server (log groups created here with the real SDK)
 * and, for faults and pages moto does not produce, against our fault server
 * speaking CloudWatch Logs' JSON protocol. Names carry a per-run suffix.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs'
import { parseChecklist } from '../../src/checklist/parse.ts'
import { iamActionsOf } from '../../src/checks/registry.ts'
import { itReportsAwsErrors, resultAt } from '../helpers/aws-errors.ts'
import { type AwsReply, pointAwsAt, startAwsFaultServer } from '../helpers/aws-fault-server.ts'
import { backend, checklistOf, runChecklist } from '../helpers/checks.ts'

pointAwsAt(backend('moto'))
const fault = await startAwsFaultServer()

const run = randomUUID().slice(0, 8)
const ROOT = `/dw/${run}/`
/** Retention of each group made here, in days; undefined: none (kept for ever). */
const GROUPS: Record<string, number | undefined> = {
  [`${ROOT}api`]: 30,
  [`${ROOT}api-canary`]: 7,
  [`${ROOT}worker`]: 90,
  [`${ROOT}jobs`]: undefined,
}
const ARN = (name: string) => `arn:aws:logs:us-east-1:123456789012:log-group:${name}:*`

const logs = new CloudWatchLogsClient({ region: 'us-east-1', maxAttempts: 1 })

before(async () => {
  for (const [name, days] of Object.entries(GROUPS)) {
    await logs.send(new CreateLogGroupCommand({ logGroupName: name }))
    if (days !== undefined) {
      await logs.send(new PutRetentionPolicyCommand({ logGroupName: name, retentionInDays: days }))
    }
  }
})

after(async () => {
  for (const name of Object.keys(GROUPS)) {
    await logs.send(new DeleteLogGroupCommand({ logGroupName: name })).catch(() => {})
  }
  logs.destroy()
  await fault.close()
})

async function resultOf(directive: string) {
  return (await runChecklist(checklistOf(directive))).result()
}

describe('logs.group against moto', () => {
  it('passes for a group with the retention asked, saying what it keeps', async () => {
    const result = await resultOf(`logs.group name=${ROOT}api retention=30`)
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.equal(result.summary, `${ROOT}api exists, retention 30 days`)
    assert.equal(result.evidence?.logGroup, `${ROOT}api`)
    assert.equal(result.evidence?.retentionDays, 30)
    assert.match(String(result.evidence?.created), /^\d{4}-\d\d-\d\dT/)
  })

  it('finds a group by its ARN, and by its name alone among names that start alike', async () => {
    const byArn = await resultOf(`logs.group name=${ARN(`${ROOT}api`)} retention=7-30`)
    assert.equal(byArn.status, 'pass', byArn.details?.join('\n'))
    assert.equal(byArn.summary, `${ROOT}api exists, retention 30 days`)
    const exists = await resultOf(`logs.group name=${ROOT}jobs`)
    assert.equal(exists.summary, `${ROOT}jobs exists, no retention (logs kept for ever)`)
  })

  it('passes for every group with a prefix within a range of days', async () => {
    const result = await resultOf(`logs.group prefix=${ROOT}api retention=7-30`)
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.equal(result.summary, `2 log groups ${ROOT}api*, retention 7-30 days`)
    assert.deepEqual(result.evidence?.groups, [`${ROOT}api 30d`, `${ROOT}api-canary 7d`])
  })

  it('fails listing every group outside the range, with the command that sets it', async () => {
    const result = await resultOf(`logs.group prefix=${ROOT} retention=7-30`)
    assert.equal(result.status, 'fail')
    assert.equal(
      result.summary,
      `log group ${ROOT}jobs keeps logs for ever (expected 7-30 days) (and 1 more)`,
    )
    assert.deepEqual(result.details, [
      `${ROOT}jobs keeps logs for ever (expected 7-30 days)`,
      `${ROOT}worker keeps logs for 90 days (expected 7-30 days)`,
      'to set it: aws logs put-retention-policy --log-group-name <name> --retention-in-days 30',
    ])
    assert.equal(result.evidence?.count, 4)
  })

  it('fails one group with the exact command, for days and for never', async () => {
    const days = await resultOf(`logs.group name=${ROOT}jobs retention=14`)
    assert.equal(days.status, 'fail')
    assert.deepEqual(days.details, [
      `${ROOT}jobs keeps logs for ever (expected 14 days)`,
      `to set it: aws logs put-retention-policy --log-group-name ${ROOT}jobs --retention-in-days 14`,
    ])
    assert.equal(days.evidence?.retentionDays, 'never expires')
    const never = await resultOf(`logs.group name=${ROOT}api retention=never`)
    assert.equal(never.status, 'fail')
    assert.deepEqual(never.details, [
      `${ROOT}api keeps logs for 30 days (expected never to expire)`,
      `to keep logs for ever: aws logs delete-retention-policy --log-group-name ${ROOT}api`,
    ])
    const kept = await resultOf(`logs.group name=${ROOT}jobs retention=never`)
    assert.equal(kept.status, 'pass', kept.summary)
  })

  it('says when no period CloudWatch Logs offers is in the range asked', async () => {
    const result = await resultOf(`logs.group name=${ROOT}api retention=8-13`)
    assert.equal(result.status, 'fail')
    assert.match(result.details?.[1] ?? '', /^CloudWatch Logs keeps logs for one of 1, 3, 5, 7, 14/)
  })

  it('fails for a group that does not exist, and a prefix no group has', async () => {
    const named = await resultOf(`logs.group name=${ROOT}nope`)
    assert.equal(named.status, 'fail')
    assert.equal(named.summary, `log group ${ROOT}nope does not exist`)
    assert.deepEqual(named.details, ['check the log group name and the region (us-east-1)'])
    const prefixed = await resultOf(`logs.group prefix=${ROOT}nope`)
    assert.equal(prefixed.status, 'fail')
    assert.equal(prefixed.summary, `no log group's name starts with ${ROOT}nope`)
  })
})

describe('logs.group parameters', () => {
  function problemsOf(directive: string): string[] {
    const { problems } = parseChecklist(checklistOf(directive), { path: 'inline.md' })
    return problems.map((p) => p.message)
  }

  it('refuses a retention that is no number of days, range or never', () => {
    for (const written of ['30d', '30-7', '0', 'forever']) {
      assert.deepEqual(problemsOf(`logs.group name=a retention=${written}`), [
        `logs.group retention='${written}': expected days (30), a range of days (7-30), or never (logs kept for ever)`,
      ])
    }
  })

  it('needs a name or a prefix, not both', () => {
    assert.deepEqual(problemsOf('logs.group retention=30'), [
      "logs.group: needs 'name' (one log group, or its ARN) or 'prefix' (every group whose name starts with it)",
    ])
    assert.deepEqual(problemsOf('logs.group name=a prefix=b'), [
      "logs.group: takes 'name' or 'prefix', not both",
    ])
  })

  it('needs DescribeLogGroups only', () => {
    const item = parseChecklist(checklistOf('logs.group prefix=/a retention=30'), {
      path: 'inline.md',
    }).checklist.items[0]
    assert.ok(item)
    assert.deepEqual(iamActionsOf(item), ['logs:DescribeLogGroups'])
  })
})

const page = (names: string[], nextToken?: string): AwsReply => ({
  result: {
    logGroups: names.map((name) => ({ logGroupName: name, retentionInDays: 30 })),
    ...(nextToken ? { nextToken } : {}),
  },
})

describe('logs.group against the fault server', () => {
  it('reads every page to find a group whose name others share the start of', async () => {
    fault.script((request) =>
      request.params.nextToken === undefined
        ? page(['/aws/lambda/api-a', '/aws/lambda/api-b'], 'page-2')
        : page(['/aws/lambda/api']),
    )
    const result = await resultAt(fault, 'logs.group name=/aws/lambda/api retention=30')
    assert.equal(result.status, 'pass', result.summary)
    assert.deepEqual(
      fault.requests.map((r) => r.params),
      [
        { logGroupNamePrefix: '/aws/lambda/api' },
        { logGroupNamePrefix: '/aws/lambda/api', nextToken: 'page-2' },
      ],
    )
  })

  it('says a retention that is not a number is not an answer', async () => {
    fault.script(() => ({
      result: { logGroups: [{ logGroupName: '/aws/lambda/api', retentionInDays: 'thirty' }] },
    }))
    const result = await resultAt(fault, 'logs.group name=/aws/lambda/api retention=30')
    assert.equal(result.status, 'error')
    assert.equal(
      result.summary,
      `unexpected answer from CloudWatch Logs at ${fault.url}: logGroups.0.retentionInDays is text, not a number`,
    )
  })

  itReportsAwsErrors({
    fault,
    directive: 'logs.group name=/aws/lambda/api retention=30',
    answers: () => page(['/aws/lambda/api']),
    firstCall: 'logs:DescribeLogGroups',
  })
})
