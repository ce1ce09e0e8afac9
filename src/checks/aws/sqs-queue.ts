/**
 * `sqs.queue`: an SQS queue exists (by name, URL or ARN) and, when asked, has
 * a dead-letter queue — a redrive policy whose target queue exists — and is
 * encrypted (SSE-SQS or KMS). `dlq=false` and `encrypted=false` assert the
 * opposite (a dead-letter queue itself has none).
 */
import type { SQSClient } from '@aws-sdk/client-sqs'
import * as z from 'zod'
import { type CheckContext, error, fail, pass, type RunCheck } from '../kind.ts'
import type { QueueParams as Params } from '../kinds/sqs.ts'
import type { CheckOutcome } from '../runner.ts'
import { shellQuote } from '../shell-quote.ts'
import { expectAnswer } from './answers.ts'
import { awsCall, awsErrorName, awsErrorOutcome } from './errors.ts'
import { regionOf, targetOf } from './target.ts'

/** The attributes read; the message counts and settings are evidence only. */
const ATTRIBUTES = [
  'QueueArn',
  'RedrivePolicy',
  'SqsManagedSseEnabled',
  'KmsMasterKeyId',
  'FifoQueue',
  'ApproximateNumberOfMessages',
  'VisibilityTimeout',
  'MessageRetentionPeriod',
] as const

const UrlAnswer = z.object({ QueueUrl: z.string() })
const AttributesAnswer = z.object({
  Attributes: z.record(z.string(), z.string()).optional(),
})
type Attributes = Readonly<Record<string, string>>

/** The redrive policy, a JSON document in an attribute; SQS writes the count as a number. */
const RedrivePolicy = z.object({
  deadLetterTargetArn: z.string(),
  maxReceiveCount: z.union([z.number(), z.string()]).optional(),
})
type Redrive = z.output<typeof RedrivePolicy>

/** SQS's answer when a queue does not exist, in its JSON protocol and in its query one. */
const NO_QUEUE = new Set(['QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue'])

/** Runs an `sqs.queue` check (its parameters: kinds/sqs.ts). */
export const checkQueue: RunCheck<Params> = async (p, ctx) => {
  try {
    return await judgeQueue(p, ctx)
  } catch (caught) {
    return awsErrorOutcome(caught, { signal: ctx.signal, profile: p.profile })
  }
}

async function judgeQueue(p: Params, ctx: CheckContext): Promise<CheckOutcome> {
  const client = await ctx.clients.aws('sqs', targetOf(p, ctx.env))
  // Every request goes to the endpoint the client resolved (the region's, or
  // AWS_ENDPOINT_URL), never to the host a queue URL names: a URL in a checklist
  // must not send signed requests elsewhere, and the SDK's warning when it does
  // would be written over the wizard's screen.
  client.middlewareStack.remove('queueUrlMiddleware')
  const region = regionOf(p, ctx.env)
  const url = p.name.startsWith('http')
    ? p.name
    : await queueUrl(client, queueOf(p.name), ctx.signal)
  const attributes = url && (await queueAttributes(client, url, ctx.signal))
  if (!url || !attributes) {
    return fail(`queue ${p.name} does not exist`, {
      details: [notFoundHint(p.name, region)],
    })
  }
  const name = url.slice(url.lastIndexOf('/') + 1)
  let redrive: Redrive | undefined
  if (attributes.RedrivePolicy) {
    const parsed = RedrivePolicy.safeParse(parseJson(attributes.RedrivePolicy))
    if (!parsed.success) {
      return error(`the redrive policy of queue ${name} is not as SQS writes it`, {
        details: ['its deadLetterTargetArn is missing or the policy is not JSON'],
      })
    }
    redrive = parsed.data
  }
  const dlqName = redrive && queueOf(redrive.deadLetterTargetArn).name
  const dlqExists =
    p.dlq === true && redrive
      ? (await queueUrl(client, queueOf(redrive.deadLetterTargetArn), ctx.signal)) !== undefined
      : undefined

  const verified: string[] = []
  const unmet: string[] = []
  const steps: string[] = []
  if (p.dlq === true) {
    if (!redrive) {
      unmet.push('no dead-letter queue (no redrive policy)')
      steps.push('give it a redrive policy naming a dead-letter queue and a maxReceiveCount')
    } else if (!dlqExists) {
      unmet.push(`dead-letter queue ${dlqName} does not exist`)
      steps.push(`create ${dlqName}, or point the redrive policy at a queue that exists`)
    } else {
      verified.push(`dead-letter queue ${dlqName}${receives(redrive)}`)
    }
  } else if (p.dlq === false) {
    if (redrive) unmet.push(`dead-letter queue ${dlqName} (expected none)`)
    else verified.push('no dead-letter queue')
  }
  const encryption = encryptionOf(attributes)
  if (p.encrypted === true) {
    if (encryption === 'none') {
      unmet.push('not encrypted')
      steps.push(
        `to encrypt it: aws sqs set-queue-attributes --queue-url ${shellQuote(url)} --attributes SqsManagedSseEnabled=true`,
      )
    } else verified.push(`encrypted (${encryption})`)
  } else if (p.encrypted === false) {
    if (encryption === 'none') verified.push('not encrypted')
    else unmet.push(`encrypted (${encryption}) (expected not)`)
  }

  const evidence = evidenceOf(url, attributes, redrive, dlqExists, encryption)
  const [first, ...rest] = unmet
  if (first !== undefined) {
    const more = rest.length > 0 ? ` (and ${rest.length} more)` : ''
    return fail(`queue ${name} is not as required: ${first}${more}`, {
      details: [...unmet, ...steps],
      evidence,
    })
  }
  const fifo = attributes.FifoQueue === 'true' ? ', FIFO' : ''
  return pass([`${name} exists${fifo}`, ...verified].join(', '), { evidence })
}

/** A queue's name and, from an ARN, its account: what GetQueueUrl asks for. */
function queueOf(nameOrArn: string): { name: string; account?: string } {
  const arn = /^arn:aws[a-z-]*:sqs:[^:]*:(\d*):(.+)$/.exec(nameOrArn)
  if (!arn) return { name: nameOrArn }
  return { name: arn[2] ?? nameOrArn, ...(arn[1] ? { account: arn[1] } : {}) }
}

/** The queue's URL, or undefined when SQS has no such queue. */
async function queueUrl(
  client: SQSClient,
  queue: { name: string; account?: string },
  signal: AbortSignal,
): Promise<string | undefined> {
  const { GetQueueUrlCommand } = await import('@aws-sdk/client-sqs')
  return awsCall('sqs:GetQueueUrl', async () => {
    try {
      const found = await client.send(
        new GetQueueUrlCommand({
          QueueName: queue.name,
          ...(queue.account ? { QueueOwnerAWSAccountId: queue.account } : {}),
        }),
        { abortSignal: signal },
      )
      return expectAnswer(found, UrlAnswer).QueueUrl
    } catch (caught) {
      if (NO_QUEUE.has(awsErrorName(caught) ?? '')) return undefined
      throw caught
    }
  })
}

async function queueAttributes(
  client: SQSClient,
  url: string,
  signal: AbortSignal,
): Promise<Attributes | undefined> {
  const { GetQueueAttributesCommand } = await import('@aws-sdk/client-sqs')
  return awsCall('sqs:GetQueueAttributes', async () => {
    try {
      const found = await client.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: [...ATTRIBUTES] }),
        { abortSignal: signal },
      )
      return expectAnswer(found, AttributesAnswer).Attributes ?? {}
    } catch (caught) {
      if (NO_QUEUE.has(awsErrorName(caught) ?? '')) return undefined
      throw caught
    }
  })
}

/** Where to look when the queue is not found, naming the region a URL or ARN says it is in. */
function notFoundHint(written: string, region: string | undefined): string {
  const named =
    /^https?:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com/.exec(written)?.[1] ??
    /^arn:aws[a-z-]*:sqs:([a-z0-9-]+):/.exec(written)?.[1]
  if (named && region && named !== region) {
    return `it is in ${named}, but the check asked ${region}: set region=${named}`
  }
  return `check the queue name, URL or ARN and the region${region ? ` (${region})` : ''}`
}

/** `SSE-SQS`, `SSE-KMS (alias/orders)`, or `none`. */
function encryptionOf(attributes: Attributes): string {
  if (attributes.KmsMasterKeyId) return `SSE-KMS (${attributes.KmsMasterKeyId})`
  return attributes.SqsManagedSseEnabled === 'true' ? 'SSE-SQS' : 'none'
}

/** ` after 5 receives`. */
function receives(redrive: Redrive): string {
  return redrive.maxReceiveCount === undefined ? '' : ` after ${redrive.maxReceiveCount} receives`
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function evidenceOf(
  url: string,
  attributes: Attributes,
  redrive: Redrive | undefined,
  dlqExists: boolean | undefined,
  encryption: string,
): Record<string, unknown> {
  const number = (value: string | undefined) =>
    value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined
  return {
    url,
    arn: attributes.QueueArn,
    fifo: attributes.FifoQueue === 'true',
    messages: number(attributes.ApproximateNumberOfMessages),
    visibilityTimeoutSeconds: number(attributes.VisibilityTimeout),
    retentionSeconds: number(attributes.MessageRetentionPeriod),
    deadLetterQueue: redrive?.deadLetterTargetArn ?? 'none',
    ...(redrive?.maxReceiveCount !== undefined
      ? { maxReceiveCount: Number(redrive.maxReceiveCount) }
      : {}),
    ...(dlqExists !== undefined ? { deadLetterQueueExists: dlqExists } : {}),
    encryption,
  }
}
