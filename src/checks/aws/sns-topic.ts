/**
 * `sns.topic`: an SNS topic exists (by name or ARN) and, when asked, has at
 * least N confirmed subscriptions, of one protocol if given. A subscription
 * still pending confirmation delivers nothing: an email address nobody
 * confirmed is an alert nobody gets, so only confirmed ones count.
 *
 * Subscription endpoints are never shown: they are email addresses, phone
 * numbers and webhook URLs, some of which (a chat webhook) are credentials.
 */
import type { SNSClient } from '@aws-sdk/client-sns'
import * as z from 'zod'
import { type CheckContext, fail, pass, type RunCheck } from '../kind.ts'
import type { TopicParams as Params } from '../kinds/sns.ts'
import type { CheckOutcome } from '../runner.ts'
import { expectAnswer } from './answers.ts'
import { awsCall, awsErrorName, awsErrorOutcome } from './errors.ts'
import { regionOf, targetOf } from './target.ts'

const TopicsAnswer = z.object({
  Topics: z.array(z.object({ TopicArn: z.string() })).optional(),
})

const AttributesAnswer = z.object({
  Attributes: z.record(z.string(), z.string()),
})
type Attributes = z.output<typeof AttributesAnswer>['Attributes']

const SubscriptionsAnswer = z.object({
  Subscriptions: z
    .array(z.object({ SubscriptionArn: z.string(), Protocol: z.string() }))
    .optional(),
})

/** What the list of subscriptions says, per protocol. */
interface Subscriptions {
  readonly confirmed: ReadonlyMap<string, number>
  readonly pending: ReadonlyMap<string, number>
}

/** Runs an `sns.topic` check (its parameters: kinds/sns.ts). */
export const checkTopic: RunCheck<Params> = async (p, ctx) => {
  try {
    return await judgeTopic(p, ctx)
  } catch (caught) {
    return awsErrorOutcome(caught, { signal: ctx.signal, profile: p.profile })
  }
}

async function judgeTopic(p: Params, ctx: CheckContext): Promise<CheckOutcome> {
  const client = await ctx.clients.aws('sns', targetOf(p, ctx.env))
  const arn = p.name.startsWith('arn:') ? p.name : await findTopic(client, p.name, ctx.signal)
  const attributes = arn && (await topicAttributes(client, arn, ctx.signal))
  if (!arn || !attributes) {
    const region = regionOf(p, ctx.env)
    return fail(`topic ${p.name} does not exist`, {
      details: [`check the topic name or ARN and the region${region ? ` (${region})` : ''}`],
    })
  }
  const name = arn.slice(arn.lastIndexOf(':') + 1)
  const wantsSubscriptions = p.subscriptions !== undefined || p.protocol !== undefined
  const subscriptions = wantsSubscriptions
    ? await listSubscriptions(client, arn, ctx.signal)
    : undefined
  const evidence = evidenceOf(arn, attributes, subscriptions)
  if (!subscriptions) return pass(`${name} exists${traits(attributes)}`, { evidence })

  // Naming a protocol asks for one of them unless a number says otherwise.
  const min = p.subscriptions ?? 1
  const kind = p.protocol ? `${p.protocol} ` : ''
  const confirmed = count(subscriptions.confirmed, p.protocol)
  const pending = count(subscriptions.pending, p.protocol)
  if (confirmed < min) {
    const details = [
      `${plural(confirmed, `confirmed ${kind}subscription`)} (expected at least ${min})`,
    ]
    if (pending > 0) {
      details.push(
        `${plural(pending, `${kind}subscription`)} ${pending === 1 ? 'is' : 'are'} pending confirmation: the recipient must confirm it (an email has a link)`,
      )
    }
    const others = described(subscriptions.confirmed)
    if (p.protocol && others) details.push(`its confirmed subscriptions: ${others}`)
    return fail(
      `topic ${name} has ${plural(confirmed, `confirmed ${kind}subscription`)} (expected at least ${min})`,
      { details, evidence },
    )
  }
  const byProtocol = described(subscriptions.confirmed)
  const summary = p.protocol
    ? plural(confirmed, `confirmed ${kind}subscription`)
    : `${plural(confirmed, 'confirmed subscription')}${byProtocol ? ` (${byProtocol})` : ''}`
  const waiting = pending > 0 ? `, ${pending} pending` : ''
  return pass(`${name} exists${traits(attributes)}, ${summary}${waiting}`, { evidence })
}

/** The ARN of the topic named `name`, looked for through every page of ListTopics. */
async function findTopic(
  client: SNSClient,
  name: string,
  signal: AbortSignal,
): Promise<string | undefined> {
  const { paginateListTopics } = await import('@aws-sdk/client-sns')
  return awsCall('sns:ListTopics', async () => {
    const pages = paginateListTopics({ client, stopOnSameToken: true }, {}, { abortSignal: signal })
    for await (const page of pages) {
      const topic = expectAnswer(page, TopicsAnswer).Topics?.find((t) =>
        t.TopicArn.endsWith(`:${name}`),
      )
      if (topic) return topic.TopicArn
    }
    return undefined
  })
}

/** The topic's attributes, or undefined when SNS has no such topic. */
async function topicAttributes(
  client: SNSClient,
  arn: string,
  signal: AbortSignal,
): Promise<Attributes | undefined> {
  const { GetTopicAttributesCommand } = await import('@aws-sdk/client-sns')
  return awsCall('sns:GetTopicAttributes', async () => {
    try {
      const found = await client.send(new GetTopicAttributesCommand({ TopicArn: arn }), {
        abortSignal: signal,
      })
      return expectAnswer(found, AttributesAnswer).Attributes
    } catch (caught) {
      if (awsErrorName(caught) === 'NotFoundException') return undefined
      throw caught
    }
  })
}

async function listSubscriptions(
  client: SNSClient,
  arn: string,
  signal: AbortSignal,
): Promise<Subscriptions> {
  const { paginateListSubscriptionsByTopic } = await import('@aws-sdk/client-sns')
  return awsCall('sns:ListSubscriptionsByTopic', async () => {
    const confirmed = new Map<string, number>()
    const pending = new Map<string, number>()
    const pages = paginateListSubscriptionsByTopic(
      { client, stopOnSameToken: true },
      { TopicArn: arn },
      { abortSignal: signal },
    )
    for await (const page of pages) {
      for (const s of expectAnswer(page, SubscriptionsAnswer).Subscriptions ?? []) {
        // A confirmed subscription has an ARN; else SNS writes `PendingConfirmation` (or `Deleted`).
        const tally = s.SubscriptionArn.startsWith('arn:')
          ? confirmed
          : s.SubscriptionArn === 'PendingConfirmation'
            ? pending
            : undefined
        tally?.set(s.Protocol, (tally.get(s.Protocol) ?? 0) + 1)
      }
    }
    return { confirmed, pending }
  })
}

function count(byProtocol: ReadonlyMap<string, number>, protocol: string | undefined): number {
  if (protocol) return byProtocol.get(protocol) ?? 0
  return [...byProtocol.values()].reduce((sum, n) => sum + n, 0)
}

/** `2 email, 1 sqs`. */
function described(byProtocol: ReadonlyMap<string, number>): string {
  return [...byProtocol]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([protocol, n]) => `${n} ${protocol}`)
    .join(', ')
}

/** `, FIFO, encrypted`: what the operator may want to see at a glance. */
function traits(attributes: Attributes): string {
  const fifo = attributes.FifoTopic === 'true' ? ', FIFO' : ''
  const encrypted = attributes.KmsMasterKeyId ? ', encrypted' : ''
  return `${fifo}${encrypted}`
}

/** Counts and settings only: never an endpoint, which may be an address or a webhook's secret URL. */
function evidenceOf(
  arn: string,
  attributes: Attributes,
  subscriptions: Subscriptions | undefined,
): Record<string, unknown> {
  const number = (value: string | undefined) =>
    value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined
  return {
    arn,
    ...(attributes.DisplayName ? { displayName: attributes.DisplayName } : {}),
    fifo: attributes.FifoTopic === 'true',
    kmsKey: attributes.KmsMasterKeyId ?? 'none',
    ...(subscriptions
      ? {
          confirmed: described(subscriptions.confirmed) || 'none',
          pending: described(subscriptions.pending) || 'none',
        }
      : {
          // SNS's own counts, refreshed now and then: the list is read only when asked.
          subscriptionsConfirmed: number(attributes.SubscriptionsConfirmed),
          subscriptionsPending: number(attributes.SubscriptionsPending),
        }),
  }
}

function plural(n: number, thing: string): string {
  return `${n} ${thing}${n === 1 ? '' : 's'}`
}
