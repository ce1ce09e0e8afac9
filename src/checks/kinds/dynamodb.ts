/** `dynamodb.table`: a table is ACTIVE with the settings asked for. The code is in ../aws/dynamodb-table.ts. */
import type * as Zod from 'zod'
import { awsService } from '../aws/target.ts'
import { defineCheck } from '../kind.ts'
import { awsTarget, bool, list, oneOf, text, z } from '../params.ts'

export const BILLING_MODES = ['on-demand', 'provisioned', 'PAY_PER_REQUEST', 'PROVISIONED'] as const
export const STREAM_VIEWS = [
  'off',
  'on',
  'NEW_IMAGE',
  'OLD_IMAGE',
  'NEW_AND_OLD_IMAGES',
  'KEYS_ONLY',
] as const

const tableSchema = () =>
  z
    .object({
      name: text(),
      billing: oneOf(BILLING_MODES).optional(),
      gsi: list(text()).optional(),
      ttl: text().optional(),
      pitr: bool().optional(),
      stream: oneOf(STREAM_VIEWS).optional(),
      ...awsTarget(),
    })
    .strict()

export type TableParams = Zod.output<ReturnType<typeof tableSchema>>

export const dynamodbTable = defineCheck({
  kind: 'dynamodb.table',
  description:
    'DynamoDB table is ACTIVE, with the billing mode, GSIs (ACTIVE), TTL attribute, point-in-time recovery and stream asked for',
  params: tableSchema,
  example: 'check: dynamodb.table name=Sessions-${env} ttl=expiresAt billing=on-demand',
  service: (p, { env }) => awsService('dynamodb', p, env),
  iam: (p) => [
    'dynamodb:DescribeTable',
    ...(p.ttl !== undefined ? ['dynamodb:DescribeTimeToLive'] : []),
    ...(p.pitr !== undefined ? ['dynamodb:DescribeContinuousBackups'] : []),
  ],
  load: () => import('../aws/dynamodb-table.ts').then((m) => m.checkTable),
})
