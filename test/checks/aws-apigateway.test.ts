/**
 * `apigateway.api` (v2) and `apigateway.rest-api` (v1) against moto_server (APIs,
 * routes, stages and resources created here with the real SDK) and against our
 * fault server for what moto cannot do: a v2 stage with a deployment, listing a v2
 * API's authorizers, paging, throttling, a hung endpoint. Names carry a per-run
 * suffix, as moto is shared.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import {
  APIGatewayClient,
  CreateDeploymentCommand,
  CreateResourceCommand,
  CreateRestApiCommand,
  GetResourcesCommand,
  PutIntegrationCommand,
  PutMethodCommand,
} from '@aws-sdk/client-api-gateway'
import {
  ApiGatewayV2Client,
  CreateApiCommand,
  CreateRouteCommand,
  CreateStageCommand,
} from '@aws-sdk/client-apigatewayv2'
import { parseChecklist } from '../../src/checklist/parse.ts'
import { iamActionsOf } from '../../src/checks/registry.ts'
import {
  type AwsReply,
  pointAwsAt,
  startAwsFaultServer,
  WITHOUT_AWS_CREDENTIALS,
  withEnv,
} from '../helpers/aws-fault-server.ts'
import { backend, checklistOf, runChecklist } from '../helpers/checks.ts'

pointAwsAt(backend('moto'))
const fault = await startAwsFaultServer()
after(() => fault.close())

const run = randomUUID().slice(0, 8)
const WS = `dw-${run}-sessions`
const HTTP = `dw-${run}-http`
const TWIN = `dw-${run}-twin`
const REST = `dw-${run}-orders`
const REST_TWIN = `dw-${run}-rest-twin`

const v2 = new ApiGatewayV2Client({ region: 'us-east-1', maxAttempts: 1 })
const v1 = new APIGatewayClient({ region: 'us-east-1', maxAttempts: 1 })
let wsId = ''
let httpId = ''
let restId = ''
let httpTwinId = ''

before(async () => {
  const ws = await v2.send(
    new CreateApiCommand({
      Name: WS,
      ProtocolType: 'WEBSOCKET',
      RouteSelectionExpression: '$request.body.action',
    }),
  )
  wsId = ws.ApiId ?? ''
  for (const key of ['$connect', '$disconnect', 'sendMessage']) {
    await v2.send(new CreateRouteCommand({ ApiId: wsId, RouteKey: key }))
  }
  await v2.send(new CreateStageCommand({ ApiId: wsId, StageName: 'prod', AutoDeploy: true }))
  // A stage nobody deployed to: moto makes v2 stages without a deployment.
  await v2.send(new CreateStageCommand({ ApiId: wsId, StageName: 'dev' }))

  const http = await v2.send(new CreateApiCommand({ Name: HTTP, ProtocolType: 'HTTP' }))
  httpId = http.ApiId ?? ''
  for (const key of ['GET /items', 'POST /items', 'GET /items/{id}']) {
    await v2.send(new CreateRouteCommand({ ApiId: httpId, RouteKey: key }))
  }
  // Two APIs of one name, told apart by their protocol.
  const twin = await v2.send(new CreateApiCommand({ Name: TWIN, ProtocolType: 'HTTP' }))
  httpTwinId = twin.ApiId ?? ''
  await v2.send(
    new CreateApiCommand({
      Name: TWIN,
      ProtocolType: 'WEBSOCKET',
      RouteSelectionExpression: '$request.body.action',
    }),
  )

  const rest = await v1.send(new CreateRestApiCommand({ name: REST }))
  restId = rest.id ?? ''
  const { items = [] } = await v1.send(new GetResourcesCommand({ restApiId: restId }))
  const items_ = await v1.send(
    new CreateResourceCommand({ restApiId: restId, parentId: items[0]?.id, pathPart: 'items' }),
  )
  const item = await v1.send(
    new CreateResourceCommand({ restApiId: restId, parentId: items_.id, pathPart: '{id}' }),
  )
  // A deployment needs a method with an integration.
  const method = { restApiId: restId, resourceId: item.id, httpMethod: 'GET' }
  await v1.send(new PutMethodCommand({ ...method, authorizationType: 'NONE' }))
  await v1.send(new PutIntegrationCommand({ ...method, type: 'MOCK' }))
  await v1.send(new CreateDeploymentCommand({ restApiId: restId, stageName: 'prod' }))
  for (let i = 0; i < 2; i++) await v1.send(new CreateRestApiCommand({ name: REST_TWIN }))
})

after(() => {
  v2.destroy()
  v1.destroy()
})

/** Runs the directives against the fault server. */
function againstFaults(...directives: string[]) {
  return withEnv({ AWS_ENDPOINT_URL: fault.url }, () => runChecklist(checklistOf(...directives)))
}

function problemsOf(directive: string): string[] {
  const { problems } = parseChecklist(checklistOf(directive), { path: 'inline.md' })
  return problems.map((p) => p.message)
}

describe('API Gateway parameters', () => {
  it('need a name or an id, not both', () => {
    for (const kind of ['apigateway.api', 'apigateway.rest-api']) {
      assert.deepEqual(problemsOf(`${kind} stage=prod`), [
        `${kind}: needs 'name' or 'id' (one of them)`,
      ])
      assert.deepEqual(problemsOf(`${kind} name=a id=b`), [
        `${kind}: needs 'name' or 'id' (one of them)`,
      ])
    }
  })

  it('call only apigateway:GET', () => {
    const { checklist } = parseChecklist(
      checklistOf('apigateway.api name=a stage=prod routes=$connect authorizers=jwt'),
      { path: 'inline.md' },
    )
    assert.deepEqual(iamActionsOf(checklist.items[0] ?? assert.fail()), ['apigateway:GET'])
  })
})

describe('apigateway.api against moto', () => {
  it('passes for a WebSocket API by name with its auto-deployed stage and routes', async () => {
    const result = (
      await runChecklist(
        checklistOf(
          `apigateway.api name=${WS} protocol=websocket stage=prod routes=$connect,$disconnect,sendMessage`,
        ),
      )
    ).result()
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.equal(
      result.summary,
      `${WS} WEBSOCKET API ${wsId}, stage prod deployed (auto-deploy), routes $connect, $disconnect, sendMessage present`,
    )
    assert.equal(result.evidence?.deployment, 'auto-deploy')
    assert.deepEqual(result.evidence?.routes, ['$connect', '$disconnect', 'sendMessage'])
  })

  it('passes for an HTTP API by id, reading route keys as API Gateway compares them', async () => {
    const result = (
      await runChecklist(
        checklistOf(
          `apigateway.api id=${httpId} protocol=http routes="get  /items,POST /items,GET /items/{id},GET /items"`,
        ),
      )
    ).result()
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.equal(result.summary, `${HTTP} HTTP API ${httpId}, all 4 routes present`)
  })

  it('lists every unmet expectation, with how to deploy the stage', async () => {
    const result = (
      await runChecklist(
        checklistOf(
          `apigateway.api name=${WS} protocol=http stage=dev routes=$connect,$default,ping`,
        ),
      )
    ).result()
    assert.equal(result.status, 'fail')
    assert.equal(
      result.summary,
      `API ${WS} is not as required: protocol is WEBSOCKET (expected HTTP) (and 2 more)`,
    )
    assert.deepEqual(result.details, [
      'protocol is WEBSOCKET (expected HTTP)',
      'stage dev has no deployment and auto-deploy is off',
      'routes $default, ping are missing (the API has $connect, $disconnect, sendMessage)',
      `deploy to it: aws apigatewayv2 create-deployment --api-id ${wsId} --stage-name dev (or turn on auto-deploy)`,
    ])
    assert.equal(result.evidence?.deployment, 'none')
  })

  it('names the stages there are when the one asked for does not exist', async () => {
    const result = (
      await runChecklist(checklistOf(`apigateway.api name=${WS} stage=staging`))
    ).result()
    assert.equal(result.status, 'fail')
    assert.deepEqual(result.details, ['stage staging does not exist (the API has prod, dev)'])
  })

  it('fails for an API that does not exist, by name or by id', async () => {
    const checked = await runChecklist(
      checklistOf(`apigateway.api name=dw-${run}-nope`, 'apigateway.api id=nope0000'),
    )
    const byName = checked.result('check-1')
    assert.equal(byName.status, 'fail')
    assert.equal(byName.summary, `API dw-${run}-nope does not exist`)
    assert.deepEqual(byName.details, [
      'check the API name and the region (us-east-1), or give its id= instead',
    ])
    assert.equal(checked.result('check-2').summary, 'API nope0000 does not exist')
  })

  it('asks for the id when a name is shared, unless the protocol tells them apart', async () => {
    const checked = await runChecklist(
      checklistOf(`apigateway.api name=${TWIN}`, `apigateway.api name=${TWIN} protocol=http`),
    )
    const ambiguous = checked.result('check-1')
    assert.equal(ambiguous.status, 'error')
    assert.equal(ambiguous.summary, `2 APIs are named ${TWIN}`)
    assert.match(
      ambiguous.details?.[0] ?? '',
      /^give the one to check as id=: \w+ \(HTTP\), \w+ \(WEBSOCKET\)$/,
    )
    const told = checked.result('check-2')
    assert.equal(told.status, 'pass', told.summary)
    assert.equal(told.summary, `${TWIN} HTTP API ${httpTwinId}`)
  })

  it('errors with what to set when there are no credentials', async () => {
    const result = await withEnv(WITHOUT_AWS_CREDENTIALS, async () =>
      (await runChecklist(checklistOf(`apigateway.api name=${WS}`))).result(),
    )
    assert.equal(result.status, 'error')
    assert.equal(result.summary, 'no AWS credentials')
  })
})

const API = {
  ApiId: 'a1b2c3',
  Name: 'sessions',
  ProtocolType: 'WEBSOCKET',
  ApiEndpoint: 'wss://a1b2c3.execute-api.us-east-1.amazonaws.com',
}

describe('apigateway.api in states moto cannot produce', () => {
  it('passes a stage with a deployment and the authorizers asked for', async () => {
    fault.script(({ action }) => {
      if (action === 'GetApi') return { result: API }
      if (action === 'GetStage') {
        return {
          result: {
            StageName: 'prod',
            DeploymentId: 'dep123',
            LastUpdatedDate: new Date('2025-03-14T10:00:00Z'),
          },
        }
      }
      return { result: { Items: [{ AuthorizerId: 'au1', Name: 'jwt' }] } }
    })
    const result = (
      await againstFaults('apigateway.api id=a1b2c3 stage=prod authorizers=jwt')
    ).result()
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.equal(
      result.summary,
      'sessions WEBSOCKET API a1b2c3, stage prod deployed, authorizer jwt present',
    )
    assert.equal(result.evidence?.deployment, 'dep123')
    assert.equal(result.evidence?.stageUpdated, '2025-03-14T10:00:00.000Z')
  })

  it('fails naming the authorizers that are missing', async () => {
    fault.script(({ action }) =>
      action === 'GetApi' ? { result: API } : { result: { Items: [{ Name: 'iam' }] } },
    )
    const result = (
      await againstFaults('apigateway.api id=a1b2c3 authorizers=jwt,cognito')
    ).result()
    assert.equal(result.status, 'fail')
    assert.deepEqual(result.details, ['authorizers jwt, cognito are missing (the API has iam)'])
  })

  it('reads every page of APIs to find one by name', async () => {
    fault.script(({ params }) =>
      params.nextToken === undefined
        ? { result: { Items: [{ ...API, ApiId: 'other', Name: 'other' }], NextToken: 'page-2' } }
        : { result: { Items: [API] } },
    )
    const result = (await againstFaults('apigateway.api name=sessions')).result()
    assert.equal(result.status, 'pass', result.summary)
    assert.deepEqual(
      fault.requests.map((r) => r.params.nextToken),
      [undefined, 'page-2'],
    )
  })

  it('does not read the same pages forever', async () => {
    fault.script(() => ({ result: { Items: [], NextToken: 'again' } }))
    const result = (await againstFaults('apigateway.api name=sessions')).result()
    assert.equal(result.status, 'error')
    assert.equal(
      result.summary,
      'apigateway:GET failed: it handed back a page token it had already given, so its pages never end',
    )
  })

  it('retries throttling, then passes', async () => {
    fault.script((_, n) =>
      n <= 2
        ? { error: 'TooManyRequestsException', message: 'Too Many Requests', status: 429 }
        : { result: API },
    )
    const result = (await againstFaults('apigateway.api id=a1b2c3')).result()
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(result.attempts, 3)
  })

  it('names the permission it lacks', async () => {
    fault.script(() => ({ error: 'AccessDeniedException', message: 'not allowed', status: 403 }))
    const result = (await againstFaults('apigateway.api id=a1b2c3')).result()
    assert.equal(result.status, 'error')
    assert.equal(result.summary, 'access denied: the AWS identity may not call apigateway:GET')
  })

  it('does not take an API without a protocol for one', async () => {
    fault.script(() => ({ result: { ApiId: 'a1b2c3', Name: 'sessions' } }))
    const result = (await againstFaults('apigateway.api id=a1b2c3')).result()
    assert.equal(result.status, 'error')
    assert.equal(
      result.summary,
      `unexpected answer from API Gateway at ${fault.url}: ProtocolType is missing`,
    )
  })

  it('does not wait forever on an endpoint that never answers', async () => {
    fault.script(() => 'hang')
    const result = await withEnv({ AWS_ENDPOINT_URL: fault.url }, async () =>
      (
        await runChecklist(checklistOf('apigateway.api id=a1b2c3'), { awsRequestTimeoutMs: 300 })
      ).result(),
    )
    assert.equal(result.status, 'error')
    assert.match(
      result.summary,
      /^no answer from .+ to apigateway:GET within \d+m?s: check the VPN/,
    )
  })
})

describe('apigateway.rest-api against moto', () => {
  it('passes for a REST API by name, with its deployed stage and resources', async () => {
    const result = (
      await runChecklist(
        checklistOf(`apigateway.rest-api name=${REST} stage=prod resources=/items,items/{id}/`),
      )
    ).result()
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.equal(
      result.summary,
      `${REST} REST API ${restId}, stage prod deployed, resources /items, /items/{id} present`,
    )
    assert.equal(result.evidence?.stage, 'prod')
    assert.match(String(result.evidence?.deployment), /^\w+$/)
    assert.deepEqual(result.evidence?.resources, ['/', '/items', '/items/{id}'])
  })

  it('passes for a REST API by id', async () => {
    const result = (await runChecklist(checklistOf(`apigateway.rest-api id=${restId}`))).result()
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(result.summary, `${REST} REST API ${restId}`)
  })

  it('lists every unmet expectation, with how to deploy the stage', async () => {
    const result = (
      await runChecklist(
        checklistOf(
          `apigateway.rest-api name=${REST} stage=staging resources=/items,/orders,/items/{itemId}`,
        ),
      )
    ).result()
    assert.equal(result.status, 'fail')
    assert.equal(
      result.summary,
      `REST API ${REST} is not as required: stage staging does not exist (the API has prod) (and 1 more)`,
    )
    assert.deepEqual(result.details, [
      'stage staging does not exist (the API has prod)',
      'resources /orders, /items/{itemId} are missing (the API has /, /items, /items/{id})',
      `deploy the API to it: aws apigateway create-deployment --rest-api-id ${restId} --stage-name staging`,
    ])
  })

  it('fails for a REST API that does not exist, and asks for the id when a name is shared', async () => {
    const checked = await runChecklist(
      checklistOf(
        `apigateway.rest-api name=dw-${run}-nope`,
        'apigateway.rest-api id=nope0000',
        `apigateway.rest-api name=${REST_TWIN}`,
      ),
    )
    assert.equal(checked.result('check-1').summary, `REST API dw-${run}-nope does not exist`)
    assert.equal(checked.result('check-1').status, 'fail')
    assert.equal(checked.result('check-2').summary, 'REST API nope0000 does not exist')
    const twin = checked.result('check-3')
    assert.equal(twin.status, 'error')
    assert.equal(twin.summary, `2 REST APIs are named ${REST_TWIN}`)
  })
})

describe('apigateway.rest-api in states moto cannot produce', () => {
  const REST_API: AwsReply = {
    result: { id: 'r1', name: 'orders', createdDate: new Date('2025-01-02T03:04:05Z') },
  }

  it('fails a stage without a deployment, and reads every page of resources', async () => {
    fault.script(({ action, params }) => {
      if (action === 'GetRestApi') return REST_API
      if (action === 'GetStage') return { result: { stageName: 'prod' } }
      return params.position === undefined
        ? { result: { items: [{ id: '1', path: '/' }], position: 'p2' } }
        : { result: { items: [{ id: '2', path: '/items' }] } }
    })
    const result = (
      await againstFaults('apigateway.rest-api id=r1 stage=prod resources=/items')
    ).result()
    assert.equal(result.status, 'fail')
    assert.deepEqual(result.details, [
      'stage prod has no deployment',
      'deploy the API to it: aws apigateway create-deployment --rest-api-id r1 --stage-name prod',
    ])
    assert.equal(result.evidence?.created, '2025-01-02T03:04:05.000Z')
    assert.deepEqual(result.evidence?.resources, ['/', '/items'])
  })

  it('gives up with an error when the throttling does not stop', async () => {
    fault.script(() => ({ error: 'TooManyRequestsException', message: 'slow down', status: 429 }))
    const result = (await againstFaults('apigateway.rest-api id=r1')).result()
    assert.equal(result.status, 'error')
    assert.equal(
      result.summary,
      'AWS throttled apigateway:GET (TooManyRequestsException) (gave up after 4 attempts)',
    )
  })
})
