/**
 * `cognito.user-pool`: a Cognito user pool exists, found by id or by name, with
 * the groups, custom attributes and MFA setting asked for. Finding it by name
 * lists the pools; each group asked for costs one GetGroup. Every unmet
 * expectation is listed.
 */
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider'
import * as z from 'zod'
import { type CheckContext, error, fail, pass, type RunCheck } from '../kind.ts'
import type { MFA_SETTINGS, UserPoolParams as Params } from '../kinds/cognito.ts'
import type { CheckOutcome } from '../runner.ts'
import { expectAnswer } from './answers.ts'
import { awsCall, awsErrorName, awsErrorOutcome } from './errors.ts'
import { allPages, byName, shortList } from './pages.ts'
import { regionOf, targetOf } from './target.ts'

const PoolsAnswer = z.object({
  UserPools: z.array(z.object({ Id: z.string(), Name: z.string() })).optional(),
  NextToken: z.string().optional(),
})
type PoolSummary = NonNullable<z.output<typeof PoolsAnswer>['UserPools']>[number]

/** What is read of DescribeUserPool's answer: settings and counts, nothing a user wrote. */
const PoolAnswer = z.object({
  UserPool: z.object({
    Id: z.string(),
    Name: z.string(),
    Arn: z.string().optional(),
    MfaConfiguration: z.string().optional(),
    SchemaAttributes: z.array(z.object({ Name: z.string().optional() })).optional(),
    EstimatedNumberOfUsers: z.number().optional(),
    DeletionProtection: z.string().optional(),
    CreationDate: z.date().optional(),
    LastModifiedDate: z.date().optional(),
  }),
})
type UserPool = z.output<typeof PoolAnswer>['UserPool']

const GroupAnswer = z.object({ Group: z.object({ GroupName: z.string() }) })

/** Runs a `cognito.user-pool` check (its parameters: kinds/cognito.ts). */
export const checkUserPool: RunCheck<Params> = async (p, ctx) => {
  try {
    return await judgeUserPool(p, ctx)
  } catch (caught) {
    return awsErrorOutcome(caught, { signal: ctx.signal, profile: p.profile })
  }
}

interface Findings {
  readonly verified: string[]
  readonly unmet: string[]
}

async function judgeUserPool(p: Params, ctx: CheckContext): Promise<CheckOutcome> {
  const client = await ctx.clients.aws('cognitoidentityprovider', targetOf(p, ctx.env))
  const signal = ctx.signal
  const where = regionOf(p, ctx.env)
  const inRegion = where ? ` (${where})` : ''
  let id = p.id
  if (id === undefined) {
    const name = p.name ?? ''
    const lookup = byName(await listPools(client, signal), name, (pool) => pool.Name)
    if ('missing' in lookup) {
      return fail(`user pool ${name} does not exist`, {
        details: [`check the pool name and the region${inRegion}, or give its id= instead`],
      })
    }
    if ('ambiguous' in lookup) {
      const ids = lookup.ambiguous.map((pool) => pool.Id)
      return error(`${ids.length} user pools are named ${name}`, {
        details: [`give the one to check as id=: ${ids.join(', ')}`],
      })
    }
    id = lookup.found.Id
  }
  const pool = await describePool(client, id, signal)
  if (!pool) {
    return fail(`user pool ${id} does not exist`, {
      details: [`check the pool id and the region${inRegion}`],
    })
  }
  const groups =
    p.groups === undefined
      ? undefined
      : await Promise.all(p.groups.map((group) => hasGroup(client, pool.Id, group, signal)))

  const findings: Findings = { verified: [], unmet: [] }
  if (p.mfa) checkMfa(pool, p.mfa, findings)
  if (p.groups && groups) checkGroups(p.groups, groups, findings)
  if (p.attributes) checkAttributes(pool, p.attributes, findings)

  const present = p.groups?.filter((_, i) => groups?.[i])
  const evidence = poolEvidence(pool, present)
  const [first, ...rest] = findings.unmet
  if (first === undefined) {
    return pass([`${pool.Name} user pool ${pool.Id}`, ...findings.verified].join(', '), {
      evidence,
    })
  }
  const more = rest.length > 0 ? ` (and ${rest.length} more)` : ''
  return fail(`user pool ${pool.Name} is not as required: ${first}${more}`, {
    details: findings.unmet,
    evidence,
  })
}

async function listPools(
  client: CognitoIdentityProviderClient,
  signal: AbortSignal,
): Promise<PoolSummary[]> {
  const { ListUserPoolsCommand } = await import('@aws-sdk/client-cognito-identity-provider')
  return awsCall('cognito-idp:ListUserPools', () =>
    allPages(async (token) => {
      const page = expectAnswer(
        // 60 is the most Cognito gives in a page.
        await client.send(new ListUserPoolsCommand({ MaxResults: 60, NextToken: token }), {
          abortSignal: signal,
        }),
        PoolsAnswer,
      )
      return { items: page.UserPools ?? [], next: page.NextToken }
    }),
  )
}

/** The pool, or undefined when Cognito has none with this id. */
async function describePool(
  client: CognitoIdentityProviderClient,
  id: string,
  signal: AbortSignal,
): Promise<UserPool | undefined> {
  const { DescribeUserPoolCommand } = await import('@aws-sdk/client-cognito-identity-provider')
  return awsCall('cognito-idp:DescribeUserPool', async () => {
    try {
      const found = await client.send(new DescribeUserPoolCommand({ UserPoolId: id }), {
        abortSignal: signal,
      })
      return expectAnswer(found, PoolAnswer).UserPool
    } catch (caught) {
      if (awsErrorName(caught) === 'ResourceNotFoundException') return undefined
      throw caught
    }
  })
}

async function hasGroup(
  client: CognitoIdentityProviderClient,
  poolId: string,
  name: string,
  signal: AbortSignal,
): Promise<boolean> {
  const { GetGroupCommand } = await import('@aws-sdk/client-cognito-identity-provider')
  return awsCall('cognito-idp:GetGroup', async () => {
    try {
      const found = await client.send(
        new GetGroupCommand({ UserPoolId: poolId, GroupName: name }),
        {
          abortSignal: signal,
        },
      )
      expectAnswer(found, GroupAnswer)
      return true
    } catch (caught) {
      if (awsErrorName(caught) === 'ResourceNotFoundException') return false
      throw caught
    }
  })
}

/** A pool that never set MFA reports none: it is off. */
function mfaOf(pool: UserPool): string {
  return pool.MfaConfiguration ?? 'OFF'
}

function checkMfa(pool: UserPool, wanted: (typeof MFA_SETTINGS)[number], findings: Findings) {
  const expected = wanted.toUpperCase()
  const actual = mfaOf(pool)
  if (actual === expected) findings.verified.push(`MFA ${actual}`)
  else findings.unmet.push(`MFA is ${actual} (expected ${expected})`)
}

function checkGroups(wanted: readonly string[], exist: readonly boolean[], findings: Findings) {
  const missing = wanted.filter((_, i) => !exist[i])
  if (missing.length === 0) {
    findings.verified.push(
      `${wanted.length === 1 ? 'group' : 'groups'} ${wanted.join(', ')} present`,
    )
    return
  }
  const groups = missing.length === 1 ? 'group' : 'groups'
  const are = missing.length === 1 ? 'is' : 'are'
  findings.unmet.push(`${groups} ${missing.join(', ')} ${are} missing`)
}

/** `tenant_id` and `custom:tenant_id` name the same custom attribute. */
function customAttribute(written: string): string {
  return written.startsWith('custom:') ? written : `custom:${written}`
}

function customAttributesOf(pool: UserPool): string[] {
  return (pool.SchemaAttributes ?? [])
    .map((attribute) => attribute.Name ?? '')
    .filter((name) => name.startsWith('custom:'))
}

function checkAttributes(pool: UserPool, wanted: readonly string[], findings: Findings) {
  const names = wanted.map(customAttribute)
  const present = customAttributesOf(pool)
  const missing = names.filter((name) => !present.includes(name))
  if (missing.length === 0) {
    findings.verified.push(
      `${names.length === 1 ? 'attribute' : 'attributes'} ${names.join(', ')} present`,
    )
    return
  }
  const has =
    present.length > 0 ? `the pool has ${shortList(present)}` : 'the pool has no custom attributes'
  const attributes = missing.length === 1 ? 'custom attribute' : 'custom attributes'
  const are = missing.length === 1 ? 'is' : 'are'
  findings.unmet.push(`${attributes} ${missing.join(', ')} ${are} missing (${has})`)
}

function poolEvidence(pool: UserPool, groups: readonly string[] | undefined) {
  return {
    pool: pool.Name,
    id: pool.Id,
    mfa: mfaOf(pool),
    customAttributes: customAttributesOf(pool),
    ...(groups ? { groups } : {}),
    ...(pool.EstimatedNumberOfUsers !== undefined
      ? { estimatedUsers: pool.EstimatedNumberOfUsers }
      : {}),
    ...(pool.DeletionProtection ? { deletionProtection: pool.DeletionProtection } : {}),
    ...(pool.CreationDate ? { created: pool.CreationDate.toISOString() } : {}),
    ...(pool.LastModifiedDate ? { lastModified: pool.LastModifiedDate.toISOString() } : {}),
    ...(pool.Arn ? { arn: pool.Arn } : {}),
  }
}
