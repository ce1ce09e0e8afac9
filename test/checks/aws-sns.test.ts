/**
 * `sns.topic` against moto_server (topics and subscriptions created here with
 * the real SDK) and, for pending subscriptions, pages and faults, against our
 * fault server speaking SNS's query protocol. Names carry a per-run suffix.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import {
  CreateTopicCommand,
  DeleteTopicCommand,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns'
import { parseChecklist } from '../../src/checklist/parse.ts'
import { iamActionsOf } from '../../src/checks/registry.ts'
import { itReportsAwsErrors, resultAt } from '../helpers/aws-errors.ts'
import { type AwsReply, pointAwsAt, startAwsFaultServer } from '../helpers/aws-fault-server.ts'
import { backend, checklistOf, runChecklist } from '../helpers/checks.ts'

pointAwsAt(backend('moto'))
const fault = await startAwsFaultServer()

const run = randomUUID().slice(0, 8)
/** One email and one SQS subscription. */
const ALERTS = `dw-${run}-alerts`
/** No subscription. */
const QUIET = `dw-${run}-quiet`
const FIFO = `dw-${run}-orders.fifo`
/** Distinctive, so finding it in any output cannot be a coincidence. */
const ADDRESS = `on-call-${run}@example.com`
const arns = new Map<string, string>()

const sns = new SNSClient({ region: 'us-east-1', maxAttempts: 1 })

before(async () => {
  for (const name of [ALERTS, QUIET]) {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name }))
    arns.set(name, TopicArn ?? '')
  }
  const { TopicArn } = await sns.send(
    new CreateTopicCommand({
      Name: FIFO,
      Attributes: { FifoTopic: 'true', KmsMasterKeyId: 'alias/aws/sns' },
    }),
  )
  arns.set(FIFO, TopicArn ?? '')
  const alerts = arns.get(ALERTS)
  await sns.send(new SubscribeCommand({ TopicArn: alerts, Protocol: 'email', Endpoint: ADDRESS }))
  await sns.send(
    new SubscribeCommand({
      TopicArn: alerts,
      Protocol: 'sqs',
      Endpoint: `arn:aws:sqs:us-east-1:123456789012:dw-${run}-inbox`,
    }),
  )
})

after(async () => {
  for (const arn of arns.values())
    await sns.send(new DeleteTopicCommand({ TopicArn: arn })).catch(() => {})
  sns.destroy()
  await fault.close()
})

describe('sns.topic against moto', () => {
  it('passes for a topic that exists, reading no subscriptions unless asked', async () => {
    const result = (await runChecklist(checklistOf(`sns.topic name=${ALERTS}`))).result()
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.equal(result.summary, `${ALERTS} exists`)
    assert.equal(result.evidence?.arn, arns.get(ALERTS))
    assert.equal(result.evidence?.fifo, false)
  })

  it('counts confirmed subscriptions by protocol, never showing an endpoint', async () => {
    const checked = await runChecklist(
      checklistOf(
        `sns.topic name=${ALERTS} subscriptions=2`,
        `sns.topic name=${arns.get(ALERTS)} protocol=email`,
      ),
    )
    const [all, email] = [checked.result('check-1'), checked.result('check-2')]
    assert.equal(all.status, 'pass', all.details?.join('\n'))
    assert.equal(all.summary, `${ALERTS} exists, 2 confirmed subscriptions (1 email, 1 sqs)`)
    assert.equal(all.evidence?.confirmed, '1 email, 1 sqs')
    assert.equal(email.status, 'pass', email.details?.join('\n'))
    assert.equal(email.summary, `${ALERTS} exists, 1 confirmed email subscription`)
    assert.ok(!checked.everything.includes(ADDRESS), 'an endpoint was shown')
  })

  it('says when a topic is FIFO and encrypted', async () => {
    const result = (await runChecklist(checklistOf(`sns.topic name=${FIFO}`))).result()
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.equal(result.summary, `${FIFO} exists, FIFO, encrypted`)
    assert.equal(result.evidence?.kmsKey, 'alias/aws/sns')
  })

  it('fails a topic with too few confirmed subscriptions', async () => {
    const result = (
      await runChecklist(checklistOf(`sns.topic name=${QUIET} subscriptions=1`))
    ).result()
    assert.equal(result.status, 'fail')
    assert.equal(
      result.summary,
      `topic ${QUIET} has 0 confirmed subscriptions (expected at least 1)`,
    )
  })

  it('fails a topic without the protocol asked, saying which it has', async () => {
    const result = (
      await runChecklist(checklistOf(`sns.topic name=${ALERTS} protocol=lambda`))
    ).result()
    assert.equal(result.status, 'fail')
    assert.equal(
      result.summary,
      `topic ${ALERTS} has 0 confirmed lambda subscriptions (expected at least 1)`,
    )
    assert.deepEqual(result.details, [
      '0 confirmed lambda subscriptions (expected at least 1)',
      'its confirmed subscriptions: 1 email, 1 sqs',
    ])
  })

  it('fails for a topic that does not exist, by name and by ARN', async () => {
    const missingArn = `arn:aws:sns:us-east-1:123456789012:dw-${run}-nope`
    const checked = await runChecklist(
      checklistOf(`sns.topic name=dw-${run}-nope`, `sns.topic name=${missingArn}`),
    )
    const [named, byArn] = [checked.result('check-1'), checked.result('check-2')]
    assert.equal(named.status, 'fail')
    assert.equal(named.summary, `topic dw-${run}-nope does not exist`)
    assert.deepEqual(named.details, ['check the topic name or ARN and the region (us-east-1)'])
    assert.equal(byArn.status, 'fail')
    assert.equal(byArn.summary, `topic ${missingArn} does not exist`)
  })
})

describe('sns.topic parameters', () => {
  const actionsOf = (directive: string) => {
    const item = parseChecklist(checklistOf(directive), { path: 'inline.md' }).checklist.items[0]
    assert.ok(item)
    return iamActionsOf(item)
  }

  it('names only the calls its parameters make', () => {
    assert.deepEqual(actionsOf('sns.topic name=alerts'), [
      'sns:ListTopics',
      'sns:GetTopicAttributes',
    ])
    assert.deepEqual(actionsOf('sns.topic name=arn:aws:sns:us-east-1:1:alerts protocol=email'), [
      'sns:GetTopicAttributes',
      'sns:ListSubscriptionsByTopic',
    ])
  })

  it('refuses a protocol SNS does not have', () => {
    const { problems } = parseChecklist(checklistOf('sns.topic name=a protocol=pager'), {
      path: 'inline.md',
    })
    assert.match(
      problems[0]?.message ?? '',
      /^sns\.topic protocol='pager': expected one of: email,/,
    )
  })
})

const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:alerts'

/** SNS answering for the topic `alerts` with these subscriptions. */
function topicWith(subscriptions: { SubscriptionArn: string; Protocol: string }[]) {
  return ({ action }: { action: string }): AwsReply => {
    if (action === 'ListTopics') return { result: { Topics: [{ TopicArn: TOPIC_ARN }] } }
    if (action === 'GetTopicAttributes')
      return { result: { Attributes: new Map([['TopicArn', TOPIC_ARN]]) } }
    return { result: { Subscriptions: subscriptions } }
  }
}

describe('sns.topic against the fault server', () => {
  it('does not count a subscription nobody confirmed, and says it waits for confirmation', async () => {
    fault.script(
      topicWith([
        { SubscriptionArn: 'PendingConfirmation', Protocol: 'email' },
        { SubscriptionArn: `${TOPIC_ARN}:1b2c`, Protocol: 'sqs' },
      ]),
    )
    const result = await resultAt(fault, 'sns.topic name=alerts protocol=email')
    assert.equal(result.status, 'fail')
    assert.equal(
      result.summary,
      'topic alerts has 0 confirmed email subscriptions (expected at least 1)',
    )
    assert.deepEqual(result.details, [
      '0 confirmed email subscriptions (expected at least 1)',
      '1 email subscription is pending confirmation: the recipient must confirm it (an email has a link)',
      'its confirmed subscriptions: 1 sqs',
    ])
    assert.equal(result.evidence?.pending, '1 email')
  })

  it('reads every page of topics to find the one named', async () => {
    fault.script(({ action, params }) =>
      action === 'ListTopics' && params.NextToken === undefined
        ? {
            result: {
              Topics: [{ TopicArn: 'arn:aws:sns:us-east-1:123456789012:alerts-old' }],
              NextToken: 'page-2',
            },
          }
        : topicWith([])({ action }),
    )
    const result = await resultAt(fault, 'sns.topic name=alerts')
    assert.equal(result.status, 'pass', result.summary)
    assert.deepEqual(
      fault.requests.map((r) => r.action),
      ['ListTopics', 'ListTopics', 'GetTopicAttributes'],
    )
  })

  itReportsAwsErrors({
    fault,
    directive: 'sns.topic name=alerts subscriptions=1',
    answers: topicWith([{ SubscriptionArn: `${TOPIC_ARN}:1b2c`, Protocol: 'email' }]),
    firstCall: 'sns:ListTopics',
    deniedCall: {
      action: 'sns:ListSubscriptionsByTopic',
      operation: 'ListSubscriptionsByTopic',
    },
  })
})
