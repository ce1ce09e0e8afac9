/**
 * `dynamodb.table`: a table is ACTIVE, with the billing mode, global secondary
 * indexes, TTL, point-in-time recovery and stream asked for. A table or index
 * still CREATING/UPDATING is waited out up to the timeout. TTL and PITR each
 * cost one more API call, made only when that parameter is given. Every unmet
 * expectation is listed, not just the first.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import * as z from 'zod'
import { formatLimit } from '../../duration.ts'
import { type CheckContext, error, fail, pass, type RunCheck } from '../kind.ts'
import type { BILLING_MODES, TableParams as Params, STREAM_VIEWS } from '../kinds/dynamodb.ts'
import type { CheckOutcome } from '../runner.ts'
import { expectAnswer } from './answers.ts'
import { awsCall, awsErrorName, awsErrorOutcome } from './errors.ts'
import { regionOf, targetOf } from './target.ts'
import { waitWhileBusy } from './wait.ts'

/** What is read of DescribeTable's answer: an answer without these is not DynamoDB's. */
const TableAnswer = z.object({
  Table: z.object({
    TableName: z.string(),
    TableStatus: z.string(),
    TableArn: z.string().optional(),
    BillingModeSummary: z.object({ BillingMode: z.string().optional() }).optional(),
    GlobalSecondaryIndexes: z
      .array(z.object({ IndexName: z.string(), IndexStatus: z.string().optional() }))
      .optional(),
    StreamSpecification: z
      .object({ StreamEnabled: z.boolean(), StreamViewType: z.string().optional() })
      .optional(),
  }),
})
type TableDescription = z.output<typeof TableAnswer>['Table']

const TtlAnswer = z.object({
  TimeToLiveDescription: z
    .object({ TimeToLiveStatus: z.string().optional(), AttributeName: z.string().optional() })
    .optional(),
})
type TimeToLiveDescription = NonNullable<z.output<typeof TtlAnswer>['TimeToLiveDescription']>

const BackupsAnswer = z.object({
  ContinuousBackupsDescription: z.object({
    PointInTimeRecoveryDescription: z
      .object({ PointInTimeRecoveryStatus: z.string().optional() })
      .optional(),
  }),
})

/** Runs a `dynamodb.table` check (its parameters: kinds/dynamodb.ts). */
export const checkTable: RunCheck<Params> = async (p, ctx) => {
  try {
    return await judgeTable(p, ctx)
  } catch (caught) {
    return awsErrorOutcome(caught, { signal: ctx.signal, profile: p.profile })
  }
}

/** What was found against what was asked: lines for the summary and for the details. */
interface Findings {
  readonly verified: string[]
  readonly unmet: string[]
}

async function judgeTable(p: Params, ctx: CheckContext): Promise<CheckOutcome> {
  const client = await ctx.clients.aws('dynamodb', targetOf(p, ctx.env))
  const waited = await waitWhileBusy(
    ctx,
    () => describeTable(client, p.name, ctx.signal),
    (table) => (table ? busyStatus(table, p.gsi ?? []) : undefined),
  )
  const table = waited.value
  if (!table) {
    const region = regionOf(p, ctx.env)
    return fail(`table ${p.name} does not exist`, {
      details: [`check the table name and the region${region ? ` (${region})` : ''}`],
    })
  }
  if (!waited.done) {
    return error(`still ${waited.busy} after ${formatLimit(ctx.timeoutMs)}`, {
      details: ['give the item a longer `timeout:` or check again once the table is ACTIVE'],
      evidence: tableEvidence(table),
    })
  }
  const [ttl, pitr] = await Promise.all([
    p.ttl === undefined ? undefined : describeTtl(client, p.name, ctx.signal),
    p.pitr === undefined ? undefined : describePitr(client, p.name, ctx.signal),
  ])
  const findings: Findings = { verified: [], unmet: [] }
  checkStatus(table, findings)
  if (p.billing) checkBilling(table, p.billing, findings)
  if (p.gsi) checkIndexes(table, p.gsi, findings)
  if (p.ttl !== undefined) checkTtl(ttl, p.ttl, findings)
  if (p.pitr !== undefined) checkPitr(pitr, p.pitr, findings)
  if (p.stream) checkStream(table, p.stream, findings)

  const evidence = {
    ...tableEvidence(table),
    ...(ttl ? { ttl: { status: ttl.TimeToLiveStatus, attribute: ttl.AttributeName } } : {}),
    ...(pitr ? { pitr } : {}),
  }
  const [first, ...rest] = findings.unmet
  if (first === undefined) return pass(`${p.name} ${findings.verified.join(', ')}`, { evidence })
  const more = rest.length > 0 ? ` (and ${rest.length} more)` : ''
  // No colon right after the name: `user-token: …` would look like a secret to the redactor.
  return fail(`table ${p.name} is not as required: ${first}${more}`, {
    details: findings.unmet,
    evidence,
  })
}

async function describeTable(
  client: DynamoDBClient,
  name: string,
  signal: AbortSignal,
): Promise<TableDescription | undefined> {
  const { DescribeTableCommand } = await import('@aws-sdk/client-dynamodb')
  return awsCall('dynamodb:DescribeTable', async () => {
    try {
      const found = await client.send(new DescribeTableCommand({ TableName: name }), {
        abortSignal: signal,
      })
      return expectAnswer(found, TableAnswer).Table
    } catch (caught) {
      if (awsErrorName(caught) === 'ResourceNotFoundException') return undefined
      throw caught
    }
  })
}

async function describeTtl(
  client: DynamoDBClient,
  name: string,
  signal: AbortSignal,
): Promise<TimeToLiveDescription> {
  const { DescribeTimeToLiveCommand } = await import('@aws-sdk/client-dynamodb')
  const found = await awsCall('dynamodb:DescribeTimeToLive', async () =>
    expectAnswer(
      await client.send(new DescribeTimeToLiveCommand({ TableName: name }), {
        abortSignal: signal,
      }),
      TtlAnswer,
    ),
  )
  return found.TimeToLiveDescription ?? {}
}

async function describePitr(
  client: DynamoDBClient,
  name: string,
  signal: AbortSignal,
): Promise<string> {
  const { DescribeContinuousBackupsCommand } = await import('@aws-sdk/client-dynamodb')
  const found = await awsCall('dynamodb:DescribeContinuousBackups', async () =>
    expectAnswer(
      await client.send(new DescribeContinuousBackupsCommand({ TableName: name }), {
        abortSignal: signal,
      }),
      BackupsAnswer,
    ),
  )
  const description = found.ContinuousBackupsDescription.PointInTimeRecoveryDescription
  return description?.PointInTimeRecoveryStatus ?? 'DISABLED'
}

/** What the table is busy with, if it is CREATING/UPDATING or a named index is. */
function busyStatus(table: TableDescription, gsiNames: readonly string[]): string | undefined {
  const transitional = (status: string | undefined) =>
    status === 'CREATING' || status === 'UPDATING'
  if (transitional(table.TableStatus)) return table.TableStatus
  const index = table.GlobalSecondaryIndexes?.find(
    (gsi) => gsiNames.includes(gsi.IndexName ?? '') && transitional(gsi.IndexStatus),
  )
  return index ? `index ${index.IndexName} ${index.IndexStatus}` : undefined
}

function checkStatus(table: TableDescription, findings: Findings): void {
  const status = table.TableStatus ?? 'UNKNOWN'
  if (status === 'ACTIVE') findings.verified.push('ACTIVE')
  else findings.unmet.push(`table is ${status} (expected ACTIVE)`)
}

function checkBilling(
  table: TableDescription,
  wanted: (typeof BILLING_MODES)[number],
  findings: Findings,
): void {
  const expected =
    wanted === 'on-demand' || wanted === 'PAY_PER_REQUEST' ? 'PAY_PER_REQUEST' : 'PROVISIONED'
  const actual = billingOf(table)
  if (actual === expected) findings.verified.push(actual)
  else findings.unmet.push(`billing mode is ${actual} (expected ${expected})`)
}

/** Tables created before on-demand existed report no summary: they are provisioned. */
function billingOf(table: TableDescription): string {
  return table.BillingModeSummary?.BillingMode ?? 'PROVISIONED'
}

function checkIndexes(table: TableDescription, names: readonly string[], findings: Findings) {
  const indexes = table.GlobalSecondaryIndexes ?? []
  const existing = indexes.map((gsi) => gsi.IndexName).filter(Boolean)
  const active: string[] = []
  for (const name of names) {
    const index = indexes.find((gsi) => gsi.IndexName === name)
    if (!index) {
      const has =
        existing.length > 0 ? `the table has ${existing.join(', ')}` : 'the table has none'
      findings.unmet.push(`index ${name} is missing (${has})`)
    } else if (index.IndexStatus !== 'ACTIVE') {
      findings.unmet.push(`index ${name} is ${index.IndexStatus} (expected ACTIVE)`)
    } else {
      active.push(name)
    }
  }
  if (active.length > 0) findings.verified.push(`GSI ${active.join(', ')} ACTIVE`)
}

function checkTtl(ttl: TimeToLiveDescription | undefined, attribute: string, findings: Findings) {
  const status = ttl?.TimeToLiveStatus ?? 'DISABLED'
  const on = ttl?.AttributeName
  if (status === 'ENABLED' && on === attribute) findings.verified.push(`TTL on ${attribute}`)
  else if (on && on !== attribute)
    findings.unmet.push(`TTL is ${status} on ${on} (expected ENABLED on ${attribute})`)
  else findings.unmet.push(`TTL is ${status} (expected ENABLED on ${attribute})`)
}

function checkPitr(status: string | undefined, wanted: boolean, findings: Findings) {
  const expected = wanted ? 'ENABLED' : 'DISABLED'
  if (status === expected) findings.verified.push(`PITR ${wanted ? 'on' : 'off'}`)
  else findings.unmet.push(`point-in-time recovery is ${status} (expected ${expected})`)
}

function checkStream(
  table: TableDescription,
  wanted: (typeof STREAM_VIEWS)[number],
  findings: Findings,
): void {
  const enabled = table.StreamSpecification?.StreamEnabled === true
  const view = table.StreamSpecification?.StreamViewType
  if (wanted === 'off') {
    if (enabled) findings.unmet.push(`stream is on (${view}) (expected off)`)
    else findings.verified.push('stream off')
  } else if (!enabled) {
    findings.unmet.push(`stream is off (expected ${wanted === 'on' ? 'on' : wanted})`)
  } else if (wanted !== 'on' && view !== wanted) {
    findings.unmet.push(`stream view is ${view} (expected ${wanted})`)
  } else {
    findings.verified.push(`stream ${view}`)
  }
}

function tableEvidence(table: TableDescription): Record<string, unknown> {
  return {
    table: table.TableName,
    arn: table.TableArn,
    status: table.TableStatus,
    billing: billingOf(table),
    gsi: Object.fromEntries(
      (table.GlobalSecondaryIndexes ?? []).map((gsi) => [gsi.IndexName, gsi.IndexStatus]),
    ),
    stream: table.StreamSpecification?.StreamEnabled
      ? (table.StreamSpecification.StreamViewType ?? 'on')
      : 'off',
  }
}
