/**
 * `apigateway.rest-api`: a REST API (API Gateway v1) exists, found by id or by
 * name, with a deployed stage and the resource paths asked for. The stage and
 * the resources each cost calls made only when that parameter is given. Every
 * unmet expectation is listed.
 */
import type { APIGatewayClient } from '@aws-sdk/client-api-gateway'
import * as z from 'zod'
import { type CheckContext, error, fail, pass, type RunCheck } from '../kind.ts'
import type { RestApiParams as Params } from '../kinds/apigateway.ts'
import type { CheckOutcome } from '../runner.ts'
import { expectAnswer } from './answers.ts'
import { awsCall, awsErrorName, awsErrorOutcome } from './errors.ts'
import { allPages, byName, shortList } from './pages.ts'
import { regionOf, targetOf } from './target.ts'

/** Every read of API Gateway, whatever the resource, is this IAM action. */
const GET = 'apigateway:GET'

const RestApi = z.object({
  id: z.string(),
  name: z.string(),
  createdDate: z.date().optional(),
  endpointConfiguration: z.object({ types: z.array(z.string()).optional() }).optional(),
})
type RestApi = z.output<typeof RestApi>

const RestApisAnswer = z.object({
  items: z.array(RestApi).optional(),
  position: z.string().optional(),
})

const Stage = z.object({
  stageName: z.string(),
  deploymentId: z.string().optional(),
  lastUpdatedDate: z.date().optional(),
})
type Stage = z.output<typeof Stage>

const StagesAnswer = z.object({ item: z.array(z.object({ stageName: z.string() })).optional() })

const ResourcesAnswer = z.object({
  items: z.array(z.object({ path: z.string() })).optional(),
  position: z.string().optional(),
})

/** Runs an `apigateway.rest-api` check (its parameters: kinds/apigateway.ts). */
export const checkRestApi: RunCheck<Params> = async (p, ctx) => {
  try {
    return await judgeRestApi(p, ctx)
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

async function judgeRestApi(p: Params, ctx: CheckContext): Promise<CheckOutcome> {
  const client = await ctx.clients.aws('apigateway', targetOf(p, ctx.env))
  const signal = ctx.signal
  const where = regionOf(p, ctx.env)
  const inRegion = where ? ` (${where})` : ''
  let api: RestApi
  if (p.id !== undefined) {
    const found = await getRestApi(client, p.id, signal)
    if (!found) {
      return fail(`REST API ${p.id} does not exist`, {
        details: [`check the API id and the region${inRegion}`],
      })
    }
    api = found
  } else {
    const name = p.name ?? ''
    const lookup = byName(await getRestApis(client, signal), name, (candidate) => candidate.name)
    if ('missing' in lookup) {
      return fail(`REST API ${name} does not exist`, {
        details: [`check the API name and the region${inRegion}, or give its id= instead`],
      })
    }
    if ('ambiguous' in lookup) {
      const ids = lookup.ambiguous.map((candidate) => candidate.id)
      return error(`${ids.length} REST APIs are named ${name}`, {
        details: [`give the one to check as id=: ${ids.join(', ')}`],
      })
    }
    api = lookup.found
  }

  const [stage, paths] = await Promise.all([
    p.stage === undefined ? undefined : getStage(client, api.id, p.stage, signal),
    p.resources === undefined ? undefined : getResourcePaths(client, api.id, signal),
  ])
  const findings: Findings = { verified: [], unmet: [], next: [] }
  if (p.stage !== undefined && stage) checkStage(api, p.stage, stage, findings)
  if (p.resources && paths) checkResources(p.resources, paths, findings)

  const evidence = restApiEvidence(api, stage, paths)
  const [first, ...rest] = findings.unmet
  if (first === undefined) {
    return pass([`${api.name} REST API ${api.id}`, ...findings.verified].join(', '), { evidence })
  }
  const more = rest.length > 0 ? ` (and ${rest.length} more)` : ''
  return fail(`REST API ${api.name} is not as required: ${first}${more}`, {
    details: [...findings.unmet, ...findings.next],
    evidence,
  })
}

/** The REST API, or undefined when API Gateway has none with this id. */
async function getRestApi(
  client: APIGatewayClient,
  id: string,
  signal: AbortSignal,
): Promise<RestApi | undefined> {
  const { GetRestApiCommand } = await import('@aws-sdk/client-api-gateway')
  return awsCall(GET, async () => {
    try {
      const found = await client.send(new GetRestApiCommand({ restApiId: id }), {
        abortSignal: signal,
      })
      return expectAnswer(found, RestApi)
    } catch (caught) {
      if (awsErrorName(caught) === 'NotFoundException') return undefined
      throw caught
    }
  })
}

async function getRestApis(client: APIGatewayClient, signal: AbortSignal): Promise<RestApi[]> {
  const { GetRestApisCommand } = await import('@aws-sdk/client-api-gateway')
  return awsCall(GET, () =>
    allPages(async (token) => {
      const page = expectAnswer(
        await client.send(new GetRestApisCommand({ position: token, limit: 500 }), {
          abortSignal: signal,
        }),
        RestApisAnswer,
      )
      return { items: page.items ?? [], next: page.position }
    }),
  )
}

/** The stage, or the names of the stages the API has when it has not this one. */
async function getStage(
  client: APIGatewayClient,
  apiId: string,
  name: string,
  signal: AbortSignal,
): Promise<StageLookup> {
  const { GetStageCommand, GetStagesCommand } = await import('@aws-sdk/client-api-gateway')
  const stage = await awsCall(GET, async () => {
    try {
      const found = await client.send(new GetStageCommand({ restApiId: apiId, stageName: name }), {
        abortSignal: signal,
      })
      return expectAnswer(found, Stage)
    } catch (caught) {
      if (awsErrorName(caught) === 'NotFoundException') return undefined
      throw caught
    }
  })
  if (stage) return { stage }
  const stages = await awsCall(GET, async () =>
    expectAnswer(
      await client.send(new GetStagesCommand({ restApiId: apiId }), { abortSignal: signal }),
      StagesAnswer,
    ),
  )
  return { others: (stages.item ?? []).map((s) => s.stageName) }
}

async function getResourcePaths(
  client: APIGatewayClient,
  apiId: string,
  signal: AbortSignal,
): Promise<string[]> {
  const { GetResourcesCommand } = await import('@aws-sdk/client-api-gateway')
  return awsCall(GET, () =>
    allPages(async (token) => {
      const page = expectAnswer(
        await client.send(
          new GetResourcesCommand({ restApiId: apiId, position: token, limit: 500 }),
          { abortSignal: signal },
        ),
        ResourcesAnswer,
      )
      return { items: (page.items ?? []).map((resource) => resource.path), next: page.position }
    }),
  )
}

function checkStage(api: RestApi, name: string, lookup: StageLookup, findings: Findings): void {
  if (!('stage' in lookup)) {
    const has =
      lookup.others.length > 0 ? `the API has ${shortList(lookup.others)}` : 'the API has no stages'
    findings.unmet.push(`stage ${name} does not exist (${has})`)
    findings.next.push(
      `deploy the API to it: aws apigateway create-deployment --rest-api-id ${api.id} --stage-name ${name}`,
    )
    return
  }
  // A REST API's stage is made with a deployment; one without is not as API Gateway makes them.
  if (lookup.stage.deploymentId) findings.verified.push(`stage ${name} deployed`)
  else {
    findings.unmet.push(`stage ${name} has no deployment`)
    findings.next.push(
      `deploy the API to it: aws apigateway create-deployment --rest-api-id ${api.id} --stage-name ${name}`,
    )
  }
}

/** `/items/{id}` as API Gateway writes paths: from the root, no trailing slash. */
export function resourcePath(written: string): string {
  const path = `/${written.trim()}`.replace(/\/{2,}/g, '/')
  return path.length > 1 ? path.replace(/\/$/, '') : path
}

function checkResources(wanted: readonly string[], paths: readonly string[], findings: Findings) {
  const present = new Set(paths.map(resourcePath))
  const missing = wanted.map(resourcePath).filter((path) => !present.has(path))
  if (missing.length === 0) {
    findings.verified.push(
      wanted.length <= 3
        ? `resources ${wanted.map(resourcePath).join(', ')} present`
        : `all ${wanted.length} resources present`,
    )
    return
  }
  const resources = missing.length === 1 ? 'resource' : 'resources'
  const are = missing.length === 1 ? 'is' : 'are'
  const has = paths.length > 0 ? `the API has ${shortList(paths)}` : 'the API has no resources'
  findings.unmet.push(`${resources} ${missing.join(', ')} ${are} missing (${has})`)
}

function restApiEvidence(
  api: RestApi,
  lookup: StageLookup | undefined,
  paths: readonly string[] | undefined,
): Record<string, unknown> {
  const stage = lookup && 'stage' in lookup ? lookup.stage : undefined
  return {
    api: api.name,
    id: api.id,
    ...(api.endpointConfiguration?.types ? { endpoint: api.endpointConfiguration.types } : {}),
    ...(stage
      ? {
          stage: stage.stageName,
          deployment: stage.deploymentId ?? 'none',
          ...(stage.lastUpdatedDate ? { stageUpdated: stage.lastUpdatedDate.toISOString() } : {}),
        }
      : {}),
    ...(paths ? { resources: paths } : {}),
    ...(api.createdDate ? { created: api.createdDate.toISOString() } : {}),
  }
}
