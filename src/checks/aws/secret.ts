/**
 * `secret`: a Secrets Manager secret exists, is not scheduled for deletion, and
 * rotates (or not) as asked. It calls DescribeSecret only: the value is never
 * read, so it cannot leak, and the role needs no secretsmanager:GetSecretValue.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import * as z from 'zod'
import { type CheckContext, fail, pass, type RunCheck } from '../kind.ts'
import type { SecretParams as Params } from '../kinds/secrets-manager.ts'
import type { CheckOutcome } from '../runner.ts'
import { expectAnswer } from './answers.ts'
import { awsCall, awsErrorName, awsErrorOutcome } from './errors.ts'
import { regionOf, targetOf } from './target.ts'

/** What is read of DescribeSecret's answer: metadata only; Secrets Manager always names the secret. */
const SecretAnswer = z.object({
  Name: z.string(),
  ARN: z.string().optional(),
  RotationEnabled: z.boolean().optional(),
  RotationRules: z.object({ AutomaticallyAfterDays: z.number().optional() }).optional(),
  LastChangedDate: z.date().optional(),
  LastRotatedDate: z.date().optional(),
  NextRotationDate: z.date().optional(),
  DeletedDate: z.date().optional(),
})
type DescribeSecretResponse = z.output<typeof SecretAnswer>

/** Runs a `secret` check (its parameters: kinds/secrets-manager.ts). */
export const checkSecret: RunCheck<Params> = async (p, ctx) => {
  try {
    return await judgeSecret(p, ctx)
  } catch (caught) {
    return awsErrorOutcome(caught, { signal: ctx.signal, profile: p.profile })
  }
}

async function judgeSecret(p: Params, ctx: CheckContext): Promise<CheckOutcome> {
  const client = await ctx.clients.aws('secretsmanager', targetOf(p, ctx.env))
  const found = await describeSecret(client, p.name, ctx.signal)
  if (!found) {
    const region = regionOf(p, ctx.env)
    return fail(`secret ${p.name} does not exist`, {
      details: [`check the secret name or ARN and the region${region ? ` (${region})` : ''}`],
    })
  }
  const evidence = evidenceOf(found)
  // Each as [what the summary says after the name, the detail line]. The summary
  // never puts a colon right after the name: names like `prod/db-password` would
  // read as `password: value` to the redactor and be masked.
  const unmet: (readonly [string, string])[] = []
  if (found.DeletedDate) {
    const when = `scheduled for deletion on ${day(found.DeletedDate)}`
    unmet.push([`is ${when}`, when])
  }
  const rotates = found.RotationEnabled === true
  if (p.rotation === true && !rotates) {
    unmet.push(['does not rotate', 'rotation is not enabled (expected on)'])
  }
  if (p.rotation === false && rotates) {
    unmet.push(['rotates (expected no rotation)', 'rotation is enabled (expected off)'])
  }
  const [first, ...rest] = unmet
  if (first !== undefined) {
    const restore = found.DeletedDate
      ? [`to keep it: aws secretsmanager restore-secret --secret-id ${p.name}`]
      : []
    const more = rest.length > 0 ? ` (and ${rest.length} more)` : ''
    return fail(`secret ${p.name} ${first[0]}${more}`, {
      details: [...unmet.map(([, detail]) => detail), ...restore],
      evidence,
    })
  }
  return pass(`${p.name} exists, ${rotationSummary(found)}`, { evidence })
}

/** The secret's metadata, or undefined when Secrets Manager has no such secret. */
async function describeSecret(
  client: SecretsManagerClient,
  name: string,
  signal: AbortSignal,
): Promise<DescribeSecretResponse | undefined> {
  const { DescribeSecretCommand } = await import('@aws-sdk/client-secrets-manager')
  return awsCall('secretsmanager:DescribeSecret', async () => {
    try {
      const found = await client.send(new DescribeSecretCommand({ SecretId: name }), {
        abortSignal: signal,
      })
      return expectAnswer(found, SecretAnswer)
    } catch (caught) {
      if (awsErrorName(caught) === 'ResourceNotFoundException') return undefined
      throw caught
    }
  })
}

function rotationSummary(found: DescribeSecretResponse): string {
  if (!found.RotationEnabled) {
    return found.LastChangedDate ? `last changed ${day(found.LastChangedDate)}` : 'no rotation'
  }
  return found.LastRotatedDate
    ? `rotation on, last rotated ${day(found.LastRotatedDate)}`
    : 'rotation on, not rotated yet'
}

/** Metadata only: names and dates, never a value or version contents. */
function evidenceOf(found: DescribeSecretResponse): Record<string, unknown> {
  return {
    arn: found.ARN,
    name: found.Name,
    rotationEnabled: found.RotationEnabled === true,
    ...(found.RotationRules?.AutomaticallyAfterDays
      ? { rotateEveryDays: found.RotationRules.AutomaticallyAfterDays }
      : {}),
    ...(found.LastChangedDate ? { lastChanged: found.LastChangedDate.toISOString() } : {}),
    ...(found.LastRotatedDate ? { lastRotated: found.LastRotatedDate.toISOString() } : {}),
    ...(found.NextRotationDate ? { nextRotation: found.NextRotationDate.toISOString() } : {}),
    ...(found.DeletedDate ? { deletionDate: found.DeletedDate.toISOString() } : {}),
  }
}

/** `2025-03-14`: a date an operator reads at a glance (UTC). */
function day(date: Date): string {
  return date.toISOString().slice(0, 10)
}
