/**
 * `ssm.parameter`: a Systems Manager parameter exists and is of the type asked.
 * It calls DescribeParameters only: the value is never read, so it cannot leak,
 * and the role needs no ssm:GetParameter (nor kms:Decrypt for a SecureString).
 */
import type { SSMClient } from '@aws-sdk/client-ssm'
import * as z from 'zod'
import { type CheckContext, fail, pass, type RunCheck } from '../kind.ts'
import type { ParameterParams as Params } from '../kinds/ssm.ts'
import type { CheckOutcome } from '../runner.ts'
import { shellQuote } from '../shell-quote.ts'
import { expectAnswer } from './answers.ts'
import { awsCall, awsErrorOutcome } from './errors.ts'
import { regionOf, targetOf } from './target.ts'

/** What is read of a parameter's metadata: DescribeParameters never holds a value. */
const ParametersAnswer = z.object({
  Parameters: z
    .array(
      z.object({
        Name: z.string(),
        ARN: z.string().optional(),
        Type: z.string(),
        Version: z.number().optional(),
        LastModifiedDate: z.date().optional(),
        LastModifiedUser: z.string().optional(),
        Tier: z.string().optional(),
        DataType: z.string().optional(),
        KeyId: z.string().optional(),
      }),
    )
    .optional(),
})
type Parameter = NonNullable<z.output<typeof ParametersAnswer>['Parameters']>[number]

/** Runs an `ssm.parameter` check (its parameters: kinds/ssm.ts). */
export const checkParameter: RunCheck<Params> = async (p, ctx) => {
  try {
    return await judgeParameter(p, ctx)
  } catch (caught) {
    return awsErrorOutcome(caught, { signal: ctx.signal, profile: p.profile })
  }
}

async function judgeParameter(p: Params, ctx: CheckContext): Promise<CheckOutcome> {
  const client = await ctx.clients.aws('ssm', targetOf(p, ctx.env))
  const name = parameterNameOf(p.name)
  const found = await describeParameter(client, name, ctx.signal)
  if (!found) {
    const region = regionOf(p, ctx.env)
    return fail(`parameter ${name} does not exist`, {
      details: [`check the parameter name or ARN and the region${region ? ` (${region})` : ''}`],
    })
  }
  const evidence = evidenceOf(found)
  if (p.type && found.Type !== p.type) {
    const details = [`it is a ${found.Type}; the check expects a ${p.type}`]
    if (p.type === 'SecureString') {
      details.push(
        `a ${found.Type} is stored unencrypted: to re-create it, aws ssm put-parameter --name ${shellQuote(found.Name)} --type SecureString --overwrite --value …`,
      )
    }
    // No colon right after the name: `/app/db-password: …` would look like a secret to the redactor.
    return fail(`parameter ${found.Name} is ${found.Type} (expected ${p.type})`, {
      details,
      evidence,
    })
  }
  const version = found.Version === undefined ? '' : `, version ${found.Version}`
  const modified = found.LastModifiedDate
    ? `, last modified ${found.LastModifiedDate.toISOString().slice(0, 10)}`
    : ''
  return pass(`${found.Name} exists, ${found.Type}${version}${modified}`, { evidence })
}

/**
 * `/app/db` from itself or its ARN (`arn:aws:ssm:…:parameter/app/db`): the ARN
 * drops the leading slash of a name in a hierarchy, and only such names hold one.
 */
function parameterNameOf(nameOrArn: string): string {
  const rest = /^arn:aws[a-z-]*:ssm:[^:]*:[^:]*:parameter\/(.+)$/.exec(nameOrArn)?.[1]
  if (rest === undefined) return nameOrArn
  return rest.includes('/') ? `/${rest}` : rest
}

/**
 * The parameter's metadata, or undefined when there is none. DescribeParameters
 * filters after it pages: a page may come back empty with more to read.
 */
async function describeParameter(
  client: SSMClient,
  name: string,
  signal: AbortSignal,
): Promise<Parameter | undefined> {
  const { paginateDescribeParameters } = await import('@aws-sdk/client-ssm')
  return awsCall('ssm:DescribeParameters', async () => {
    const pages = paginateDescribeParameters(
      { client, stopOnSameToken: true },
      { ParameterFilters: [{ Key: 'Name', Option: 'Equals', Values: [name] }] },
      { abortSignal: signal },
    )
    for await (const page of pages) {
      const found = expectAnswer(page, ParametersAnswer).Parameters?.find((x) => x.Name === name)
      if (found) return found
    }
    return undefined
  })
}

/** Metadata only: never a value. */
function evidenceOf(found: Parameter): Record<string, unknown> {
  return {
    name: found.Name,
    ...(found.ARN ? { arn: found.ARN } : {}),
    type: found.Type,
    version: found.Version,
    lastModified: found.LastModifiedDate?.toISOString(),
    lastModifiedBy: found.LastModifiedUser,
    tier: found.Tier,
    dataType: found.DataType,
    ...(found.KeyId ? { kmsKey: found.KeyId } : {}),
  }
}
