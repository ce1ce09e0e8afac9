/**
 * `apigateway.api`: an HTTP or WebSocket API (API Gateway v2) exists, found by
 * id or by name, with the protocol, a deployed stage, the routes and the
 * authorizers asked for. The stage, routes and authorizers each cost calls made
 * only when that parameter is given. Every unmet expectation is listed.
 */
import type { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2'
import * as z from 'zod'
import { type CheckContext, error, fail, pass, type RunCheck } from '../kind.ts'
import type { ApiParams as Params } from '../kinds/apigateway.ts'
import type { CheckOutcome } from '../runner.ts'
import { expectAnswer } from './answers.ts'
import { awsCall, awsErrorName, awsErrorOutcome } from './errors.ts'
import { allPages, byName, shortList } from './pages.ts'
import { regionOf, targetOf } from './target.ts'

/** Every read of API Gateway, whatever the resource, is this IAM action. */
const GET = 'apigateway:GET'

const Api = z.object({
  ApiId: z.string(),
  Name: z.string(),
  ProtocolType: z.string(),
  ApiEndpoint: z.string().optional(),
  CreatedDate: z.date().optional(),
})
type Api = z.output<typeof Api>

const ApisAnswer = z.object({ Items: z.array(Api).optional(), NextToken: z.string().optional() })

const Stage = z.object({
  StageName: z.string(),
  DeploymentId: z.string().optional(),
  AutoDeploy: z.boolean().optional(),
  LastUpdatedDate: z.date().optional(),
  LastDeploymentStatusMessage: z.string().optional(),
})
type Stage = z.output<typeof Stage>

const StagesAnswer = z.object({
  Items: z.array(z.object({ StageName: z.string() })).optional(),
  NextToken: z.string().optional(),
})
const RoutesAnswer = z.object({
  Items: z.array(z.object({ RouteKey: z.string() })).optional(),
  NextToken: z.string().optional(),
})
const AuthorizersAnswer = z.object({
  Items: z.array(z.object({ Name: z.string() })).optional(),
  NextToken: z.string().optional(),
})

/** Runs an `apigateway.api` check (its parameters: kinds/apigateway.ts). */
export const checkApi: RunCheck<Params> = async (p, ctx) => {
  try {
    return await judgeApi(p, ctx)
  } catch (caught) {
    return awsErrorOutcome(caught, { signal: ctx.signal, profile: p.profile })
  }
}

/** The stage as found: the stage itself, or the names of the stages there are. */
type StageLookup = { readonly stage: Stage } | { readonly others: readonly string[] }

interface Findings {
  readonly verified: string[]
  readonly unmet: string[]
  readonly next: string[]
}

async function judgeApi(p: Params, ctx: CheckContext): Promise<CheckOutcome> {
  const client = await ctx.clients.aws('apigatewayv2', targetOf(p, ctx.env))
  const signal = ctx.signal
  const where = regionOf(p, ctx.env)
  const inRegion = where ? ` (${where})` : ''
  let api: Api
  if (p.id !== undefined) {
    const found = await getApi(client, p.id, signal)
    if (!found) {
      return fail(`API ${p.id} does not exist`, {
        details: [`check the API id and the region${inRegion}`],
      })
    }
    api = found
  } else {
    const name = p.name ?? ''
    const all = await getApis(client, signal)
    // Names need not be unique: the protocol asked for may tell two apart.
    let lookup = byName(all, name, (candidate) => candidate.Name)
    const wanted = protocolType(p.protocol)
    if ('ambiguous' in lookup && wanted) {
      const ofProtocol = lookup.ambiguous.filter((candidate) => candidate.ProtocolType === wanted)
      const narrowed = byName(ofProtocol, name, (candidate) => candidate.Name)
      if (!('missing' in narrowed)) lookup = narrowed
    }
    if ('missing' in lookup) {
      return fail(`API ${name} does not exist`, {
        details: [`check the API name and the region${inRegion}, or give its id= instead`],
      })
    }
    if ('ambiguous' in lookup) {
      const ids = lookup.ambiguous.map(
        (candidate) => `${candidate.ApiId} (${candidate.ProtocolType})`,
      )
      return error(`${lookup.ambiguous.length} APIs are named ${name}`, {
        details: [`give the one to check as id=: ${ids.join(', ')}`],
      })
    }
    api = lookup.found
  }

  const [stage, routes, authorizers] = await Promise.all([
    p.stage === undefined ? undefined : getStage(client, api.ApiId, p.stage, signal),
    p.routes === undefined ? undefined : getRouteKeys(client, api.ApiId, signal),
    p.authorizers === undefined ? undefined : getAuthorizerNames(client, api.ApiId, signal),
  ])
  const findings: Findings = { verified: [], unmet: [], next: [] }
  if (p.protocol) checkProtocol(api, p.protocol, findings)
  if (p.stage !== undefined && stage) checkStage(api, p.stage, stage, findings)
  if (p.routes && routes) checkRoutes(p.routes, routes, findings)
  if (p.authorizers && authorizers) checkAuthorizers(p.authorizers, authorizers, findings)

  const evidence = apiEvidence(api, stage, routes, authorizers)
  const [first, ...rest] = findings.unmet
  const title = `${api.Name} ${api.ProtocolType} API ${api.ApiId}`
  if (first === undefined) {
    return pass([title, ...findings.verified].join(', '), { evidence })
  }
  const more = rest.length > 0 ? ` (and ${rest.length} more)` : ''
  return fail(`API ${api.Name} is not as required: ${first}${more}`, {
    details: [...findings.unmet, ...findings.next],
    evidence,
  })
}

function protocolType(protocol: Params['protocol']): string | undefined {
  return protocol?.toUpperCase()
}

/** The API, or undefined when API Gateway has none with this id. */
async function getApi(
  client: ApiGatewayV2Client,
  id: string,
  signal: AbortSignal,
): Promise<Api | undefined> {
  const { GetApiCommand } = await import('@aws-sdk/client-apigatewayv2')
  return awsCall(GET, async () => {
    try {
      const found = await client.send(new GetApiCommand({ ApiId: id }), { abortSignal: signal })
      return expectAnswer(found, Api)
    } catch (caught) {
      if (awsErrorName(caught) === 'NotFoundException') return undefined
      throw caught
    }
  })
}

async function getApis(client: ApiGatewayV2Client, signal: AbortSignal): Promise<Api[]> {
  const { GetApisCommand } = await import('@aws-sdk/client-apigatewayv2')
  return awsCall(GET, () =>
    allPages(async (token) => {
      const page = expectAnswer(
        await client.send(new GetApisCommand({ NextToken: token, MaxResults: '500' }), {
          abortSignal: signal,
        }),
        ApisAnswer,
      )
      return { items: page.Items ?? [], next: page.NextToken }
    }),
  )
}

/** The stage, or the names of the stages the API has when it has not this one. */
async function getStage(
  client: ApiGatewayV2Client,
  apiId: string,
  name: string,
  signal: AbortSignal,
): Promise<StageLookup> {
  const { GetStageCommand, GetStagesCommand } = await import('@aws-sdk/client-apigatewayv2')
  const stage = await awsCall(GET, async () => {
    try {
      const found = await client.send(new GetStageCommand({ ApiId: apiId, StageName: name }), {
        abortSignal: signal,
      })
      return expectAnswer(found, Stage)
    } catch (caught) {
      if (awsErrorName(caught) === 'NotFoundException') return undefined
      throw caught
    }
  })
  if (stage) return { stage }
  const others = await awsCall(GET, () =>
    allPages(async (token) => {
      const page = expectAnswer(
        await client.send(new GetStagesCommand({ ApiId: apiId, NextToken: token }), {
          abortSignal: signal,
        }),
        StagesAnswer,
      )
      return { items: (page.Items ?? []).map((s) => s.StageName), next: page.NextToken }
    }),
  )
  return { others }
}

async function getRouteKeys(
  client: ApiGatewayV2Client,
  apiId: string,
  signal: AbortSignal,
): Promise<string[]> {
  const { GetRoutesCommand } = await import('@aws-sdk/client-apigatewayv2')
  return awsCall(GET, () =>
    allPages(async (token) => {
      const page = expectAnswer(
        await client.send(
          new GetRoutesCommand({ ApiId: apiId, NextToken: token, MaxResults: '500' }),
          { abortSignal: signal },
        ),
        RoutesAnswer,
      )
      return { items: (page.Items ?? []).map((route) => route.RouteKey), next: page.NextToken }
    }),
  )
}

async function getAuthorizerNames(
  client: ApiGatewayV2Client,
  apiId: string,
  signal: AbortSignal,
): Promise<string[]> {
  const { GetAuthorizersCommand } = await import('@aws-sdk/client-apigatewayv2')
  return awsCall(GET, () =>
    allPages(async (token) => {
      const page = expectAnswer(
        await client.send(
          new GetAuthorizersCommand({ ApiId: apiId, NextToken: token, MaxResults: '500' }),
          { abortSignal: signal },
        ),
        AuthorizersAnswer,
      )
      return {
        items: (page.Items ?? []).map((authorizer) => authorizer.Name),
        next: page.NextToken,
      }
    }),
  )
}

function checkProtocol(api: Api, wanted: NonNullable<Params['protocol']>, findings: Findings) {
  const expected = protocolType(wanted)
  // The title already says the protocol: nothing to add when it is right.
  if (api.ProtocolType !== expected) {
    findings.unmet.push(`protocol is ${api.ProtocolType} (expected ${expected})`)
  }
}

function checkStage(api: Api, name: string, lookup: StageLookup, findings: Findings): void {
  if (!('stage' in lookup)) {
    const has =
      lookup.others.length > 0 ? `the API has ${shortList(lookup.others)}` : 'the API has no stages'
    findings.unmet.push(`stage ${name} does not exist (${has})`)
    return
  }
  const { stage } = lookup
  if (stage.DeploymentId) findings.verified.push(`stage ${name} deployed`)
  else if (stage.AutoDeploy) findings.verified.push(`stage ${name} deployed (auto-deploy)`)
  else {
    findings.unmet.push(`stage ${name} has no deployment and auto-deploy is off`)
    findings.next.push(
      `deploy to it: aws apigatewayv2 create-deployment --api-id ${api.ApiId} --stage-name ${name} (or turn on auto-deploy)`,
    )
  }
}

/**
 * A route key as API Gateway compares it: `GET /items`, `$connect`, `sendMessage`.
 * The method of an HTTP route is upper case and one space apart from the path.
 */
export function routeKey(written: string): string {
  const key = written.trim().replace(/\s+/g, ' ')
  const http = /^([A-Za-z]+) (\/.*)$/.exec(key)
  return http ? `${http[1]?.toUpperCase()} ${http[2]}` : key
}

function checkRoutes(wanted: readonly string[], keys: readonly string[], findings: Findings) {
  const present = new Set(keys.map(routeKey))
  const missing = wanted.filter((key) => !present.has(routeKey(key)))
  if (missing.length === 0) {
    findings.verified.push(
      wanted.length <= 3
        ? `routes ${wanted.map(routeKey).join(', ')} present`
        : `all ${wanted.length} routes present`,
    )
    return
  }
  const has = keys.length > 0 ? `the API has ${shortList(keys)}` : 'the API has no routes'
  const routes = missing.length === 1 ? 'route' : 'routes'
  const are = missing.length === 1 ? 'is' : 'are'
  findings.unmet.push(`${routes} ${missing.map(routeKey).join(', ')} ${are} missing (${has})`)
}

function checkAuthorizers(wanted: readonly string[], names: readonly string[], findings: Findings) {
  const missing = wanted.filter((name) => !names.includes(name))
  if (missing.length === 0) {
    const authorizers = wanted.length === 1 ? 'authorizer' : 'authorizers'
    findings.verified.push(`${authorizers} ${wanted.join(', ')} present`)
    return
  }
  const has = names.length > 0 ? `the API has ${shortList(names)}` : 'the API has none'
  const authorizers = missing.length === 1 ? 'authorizer' : 'authorizers'
  const are = missing.length === 1 ? 'is' : 'are'
  findings.unmet.push(`${authorizers} ${missing.join(', ')} ${are} missing (${has})`)
}

function apiEvidence(
  api: Api,
  lookup: StageLookup | undefined,
  routes: readonly string[] | undefined,
  authorizers: readonly string[] | undefined,
): Record<string, unknown> {
  const stage = lookup && 'stage' in lookup ? lookup.stage : undefined
  return {
    api: api.Name,
    id: api.ApiId,
    protocol: api.ProtocolType,
    endpoint: api.ApiEndpoint,
    ...(stage
      ? {
          stage: stage.StageName,
          deployment: stage.DeploymentId ?? (stage.AutoDeploy ? 'auto-deploy' : 'none'),
          ...(stage.LastUpdatedDate ? { stageUpdated: stage.LastUpdatedDate.toISOString() } : {}),
          ...(stage.LastDeploymentStatusMessage
            ? { lastDeployment: stage.LastDeploymentStatusMessage }
            : {}),
        }
      : {}),
    ...(routes ? { routes } : {}),
    ...(authorizers ? { authorizers } : {}),
    ...(api.CreatedDate ? { created: api.CreatedDate.toISOString() } : {}),
  }
}
