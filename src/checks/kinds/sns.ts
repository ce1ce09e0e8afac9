/** `sns.topic`: an SNS topic exists and has confirmed subscriptions. The code is in ../aws/sns-topic.ts. */
import type * as Zod from 'zod'
import { awsService } from '../aws/target.ts'
import { defineCheck } from '../kind.ts'
import { awsTarget, integer, oneOf, text, z } from '../params.ts'

export const SNS_PROTOCOLS = [
  'email',
  'email-json',
  'sms',
  'http',
  'https',
  'sqs',
  'lambda',
  'firehose',
  'application',
] as const

const topicSchema = () =>
  z
    .object({
      name: text(),
      subscriptions: integer().optional(),
      protocol: oneOf(SNS_PROTOCOLS).optional(),
      ...awsTarget(),
    })
    .strict()

export type TopicParams = Zod.output<ReturnType<typeof topicSchema>>

export const snsTopic = defineCheck({
  kind: 'sns.topic',
  description:
    'SNS topic exists (by name or ARN), with at least N confirmed subscriptions, of a protocol if asked; endpoints are never shown',
  params: topicSchema,
  example: 'check: sns.topic name=orders-${env}-alerts subscriptions=1 protocol=email',
  service: (p, { env }) => awsService('sns', p, env),
  iam: (p) => [
    // An ARN is asked for directly; a name is found in the list of topics first.
    ...(p.name?.startsWith('arn:') ? [] : ['sns:ListTopics']),
    'sns:GetTopicAttributes',
    ...(p.subscriptions !== undefined || p.protocol !== undefined
      ? ['sns:ListSubscriptionsByTopic']
      : []),
  ],
  load: () => import('../aws/sns-topic.ts').then((m) => m.checkTopic),
})
