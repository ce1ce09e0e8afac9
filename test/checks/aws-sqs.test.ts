/**
 * `sqs.queue` against moto_server (queues created here with the real SDK) and,
 * for faults and where requests go, against our fault server speaking SQS's
 * JSON protocol. Names carry a per-run suffix.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs'
import { parseChecklist } from '../../src/checklist/parse.ts'
import { iamActionsOf } from '../../src/checks/registry.ts'
import { itReportsAwsErrors, resultAt } from '../helpers/aws-errors.ts'
import { type AwsReply, pointAwsAt, startAwsFaultServer } from '../helpers/aws-fault-server.ts'
import { backend, checklistOf, runChecklist } from '../helpers/checks.ts'

pointAwsAt(backend('moto'))
const fault = await startAwsFaultServer()

const run = randomUUID().slice(0, 8)
const DLQ = `dw-${run}-orders-dlq`
/** Redrives to DLQ after 5 receives; SSE-SQS. */
const ORDERS = `dw-${run}-orders`
/** No redrive policy, no encryption. */
const PLAIN = `dw-${run}-plain`
/** Encrypted with a KMS key. */
const KMS = `dw-${run}-kms`
/** Redrives to a queue that was deleted since. */
const ORPHAN = `dw-${run}-orphan`
const GONE = `dw-${run}-gone`
const urls = new Map<string, string>()

const sqs = new SQSClient({ region: 'us-east-1', maxAttempts: 1 })

async function create(name: string, attributes: Record<string, string> = {}) {
  const { QueueUrl = '' } = await sqs.send(
    new CreateQueueCommand({ QueueName: name, Attributes: attributes }),
  )
  urls.set(name, QueueUrl)
  return QueueUrl
}

async function arnOf(url: string): Promise<string> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  )
  return Attributes?.QueueArn ?? ''
}

const redriveTo = (arn: string) => JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: 5 })

before(async () => {
  const dlqArn = await arnOf(await create(DLQ))
  await create(ORDERS, { RedrivePolicy: redriveTo(dlqArn), SqsManagedSseEnabled: 'true' })
  await create(PLAIN, { SqsManagedSseEnabled: 'false' })
  await create(KMS, { KmsMasterKeyId: 'alias/orders' })
  const goneUrl = await create(GONE)
  await create(ORPHAN, { RedrivePolicy: redriveTo(await arnOf(goneUrl)) })
  await sqs.send(new DeleteQueueCommand({ QueueUrl: goneUrl }))
  urls.delete(GONE)
})

after(async () => {
  for (const url of urls.values())
    await sqs.send(new DeleteQueueCommand({ QueueUrl: url })).catch(() => {})
  sqs.destroy()
  await fault.close()
})

async function resultOf(directive: string) {
  return (await runChecklist(checklistOf(directive))).result()
}

describe('sqs.queue against moto', () => {
  it('passes for a queue with a dead-letter queue that exists and encryption', async () => {
    const result = await resultOf(`sqs.queue name=${ORDERS} dlq=true encrypted=true`)
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.equal(
      result.summary,
      `${ORDERS} exists, dead-letter queue ${DLQ} after 5 receives, encrypted (SSE-SQS)`,
    )
    assert.equal(result.evidence?.url, urls.get(ORDERS))
    assert.match(String(result.evidence?.deadLetterQueue), new RegExp(`:${DLQ}$`))
    assert.equal(result.evidence?.maxReceiveCount, 5)
    assert.equal(result.evidence?.deadLetterQueueExists, true)
    assert.equal(result.evidence?.messages, 0)
  })

  it('finds a queue by its URL and by its ARN', async () => {
    const url = urls.get(KMS) ?? ''
    const checked = await runChecklist(
      checklistOf(
        `sqs.queue name=${url} encrypted=true`,
        `sqs.queue name=${await arnOf(url)} encrypted=true`,
      ),
    )
    for (const id of ['check-1', 'check-2']) {
      const result = checked.result(id)
      assert.equal(result.status, 'pass', result.details?.join('\n'))
      assert.equal(result.summary, `${KMS} exists, encrypted (SSE-KMS (alias/orders))`)
    }
  })

  it('passes a queue without a dead-letter queue or encryption when that is asked', async () => {
    const result = await resultOf(`sqs.queue name=${PLAIN} dlq=false encrypted=false`)
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.equal(result.summary, `${PLAIN} exists, no dead-letter queue, not encrypted`)
  })

  it('lists every unmet expectation with what to do about it', async () => {
    const result = await resultOf(`sqs.queue name=${PLAIN} dlq=true encrypted=true`)
    assert.equal(result.status, 'fail')
    assert.equal(
      result.summary,
      `queue ${PLAIN} is not as required: no dead-letter queue (no redrive policy) (and 1 more)`,
    )
    assert.deepEqual(result.details, [
      'no dead-letter queue (no redrive policy)',
      'not encrypted',
      'give it a redrive policy naming a dead-letter queue and a maxReceiveCount',
      `to encrypt it: aws sqs set-queue-attributes --queue-url ${urls.get(PLAIN)} --attributes SqsManagedSseEnabled=true`,
    ])
    assert.equal(result.evidence?.encryption, 'none')
  })

  it('fails a dead-letter queue that no longer exists', async () => {
    const result = await resultOf(`sqs.queue name=${ORPHAN} dlq=true`)
    assert.equal(result.status, 'fail')
    assert.equal(
      result.summary,
      `queue ${ORPHAN} is not as required: dead-letter queue ${GONE} does not exist`,
    )
    assert.equal(result.evidence?.deadLetterQueueExists, false)
  })

  it('fails the opposite settings when dlq=false and encrypted=false are asked', async () => {
    const result = await resultOf(`sqs.queue name=${ORDERS} dlq=false encrypted=false`)
    assert.equal(result.status, 'fail')
    assert.deepEqual(result.details, [
      `dead-letter queue ${DLQ} (expected none)`,
      'encrypted (SSE-SQS) (expected not)',
    ])
  })

  it('fails for a queue that does not exist', async () => {
    const result = await resultOf(`sqs.queue name=dw-${run}-nope`)
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, `queue dw-${run}-nope does not exist`)
    assert.deepEqual(result.details, [
      'check the queue name, URL or ARN and the region (us-east-1)',
    ])
  })
})

describe('sqs.queue parameters', () => {
  it('names GetQueueUrl only when it looks a queue up', () => {
    const actionsOf = (directive: string) => {
      const item = parseChecklist(checklistOf(directive), { path: 'inline.md' }).checklist.items[0]
      assert.ok(item)
      return iamActionsOf(item)
    }
    assert.deepEqual(actionsOf('sqs.queue name=orders'), [
      'sqs:GetQueueUrl',
      'sqs:GetQueueAttributes',
    ])
    const url = 'https://sqs.us-east-1.amazonaws.com/123456789012/orders'
    assert.deepEqual(actionsOf(`sqs.queue name=${url} encrypted=true`), ['sqs:GetQueueAttributes'])
    assert.deepEqual(actionsOf(`sqs.queue name=${url} dlq=true`), [
      'sqs:GetQueueUrl',
      'sqs:GetQueueAttributes',
    ])
  })
})

const ORDERS_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/orders'

function attributes(extra: Record<string, string> = {}): AwsReply {
  return {
    result: {
      Attributes: {
        QueueArn: 'arn:aws:sqs:us-east-1:123456789012:orders',
        SqsManagedSseEnabled: 'true',
        ...extra,
      },
    },
  }
}

describe('sqs.queue against the fault server', () => {
  it('asks the configured endpoint about a queue URL, never the host the URL names', async () => {
    fault.script(() => attributes())
    const result = await resultAt(fault, `sqs.queue name=${ORDERS_URL} encrypted=true`)
    assert.equal(result.status, 'pass', result.summary)
    assert.deepEqual(
      fault.requests.map((r) => [r.action, r.params.QueueUrl]),
      [['GetQueueAttributes', ORDERS_URL]],
    )
  })

  it('says which region a queue URL names when it is not the one asked', async () => {
    fault.script(() => ({
      error: 'QueueDoesNotExist',
      message: 'The specified queue does not exist.',
    }))
    const url = 'https://sqs.eu-west-1.amazonaws.com/123456789012/orders'
    const result = await resultAt(fault, `sqs.queue name=${url}`)
    assert.equal(result.status, 'fail')
    assert.deepEqual(result.details, [
      'it is in eu-west-1, but the check asked us-east-1: set region=eu-west-1',
    ])
  })

  it('errors on a redrive policy it cannot read, rather than passing or failing', async () => {
    fault.script(() => attributes({ RedrivePolicy: '{"maxReceiveCount":5' }))
    const result = await resultAt(fault, `sqs.queue name=${ORDERS_URL} dlq=true`)
    assert.equal(result.status, 'error')
    assert.equal(result.summary, 'the redrive policy of queue orders is not as SQS writes it')
  })

  itReportsAwsErrors({
    fault,
    directive: 'sqs.queue name=orders dlq=true',
    answers: ({ action, params }) =>
      action === 'GetQueueUrl'
        ? {
            result: {
              QueueUrl: `https://sqs.us-east-1.amazonaws.com/123456789012/${params.QueueName}`,
            },
          }
        : attributes({
            RedrivePolicy: JSON.stringify({
              deadLetterTargetArn: 'arn:aws:sqs:us-east-1:123456789012:orders-dlq',
              maxReceiveCount: 3,
            }),
          }),
    firstCall: 'sqs:GetQueueUrl',
    deniedCall: { action: 'sqs:GetQueueAttributes', operation: 'GetQueueAttributes' },
  })
})
