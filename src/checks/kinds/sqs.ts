/** `sqs.queue`: an SQS queue exists, with a dead-letter queue and encryption as asked. The code is in ../aws/sqs-queue.ts. */
import type * as Zod from 'zod'
import { awsService } from '../aws/target.ts'
import { defineCheck } from '../kind.ts'
import { awsTarget, bool, text, z } from '../params.ts'

const queueSchema = () =>
  z
    .object({
      name: text(),
      dlq: bool().optional(),
      encrypted: bool().optional(),
      ...awsTarget(),
    })
    .strict()

export type QueueParams = Zod.output<ReturnType<typeof queueSchema>>

/** Whether a written boolean may be true: `false`, `no`, `off`, `0` are not; a `${…}` may be. */
const mayBeTrue = (written: string | undefined) =>
  written !== undefined && !['false', 'no', 'off', '0'].includes(written.toLowerCase())

export const sqsQueue = defineCheck({
  kind: 'sqs.queue',
  description:
    'SQS queue exists (by name, URL or ARN), with a dead-letter queue that exists and encryption, if asked',
  params: queueSchema,
  example: 'check: sqs.queue name=orders-${env} dlq=true encrypted=true',
  service: (p, { env }) => awsService('sqs', p, env),
  iam: (p) => [
    // A URL is asked about directly; a name or ARN, and a dead-letter queue, are looked up.
    ...(p.name?.startsWith('http') && !mayBeTrue(p.dlq) ? [] : ['sqs:GetQueueUrl']),
    'sqs:GetQueueAttributes',
  ],
  load: () => import('../aws/sqs-queue.ts').then((m) => m.checkQueue),
})
