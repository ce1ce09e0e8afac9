/**
 * The API Gateway kinds: `apigateway.api` (an HTTP or WebSocket API, API Gateway
 * v2) and `apigateway.rest-api` (a REST API, v1) exist, with a deployed stage and
 * the routes, authorizers or resources asked for. The code is in
 * ../aws/apigateway-api.ts and ../aws/apigateway-rest-api.ts.
 */
import type * as Zod from 'zod'
import { awsService } from '../aws/target.ts'
import { defineCheck } from '../kind.ts'
import { awsTarget, list, oneOf, text, z } from '../params.ts'

export const API_PROTOCOLS = ['http', 'websocket'] as const

/** An API is named, or given by id: one of the two. */
const NAME_OR_ID = {
  check: (p: { name?: string | undefined; id?: string | undefined }) =>
    (p.name === undefined) !== (p.id === undefined),
  message: "needs 'name' or 'id' (one of them)",
}

const apiSchema = () =>
  z
    .object({
      name: text().optional(),
      id: text().optional(),
      protocol: oneOf(API_PROTOCOLS).optional(),
      stage: text().optional(),
      routes: list(text()).optional(),
      authorizers: list(text()).optional(),
      ...awsTarget(),
    })
    .strict()
    .refine(NAME_OR_ID.check, { message: NAME_OR_ID.message })

const restApiSchema = () =>
  z
    .object({
      name: text().optional(),
      id: text().optional(),
      stage: text().optional(),
      resources: list(text()).optional(),
      ...awsTarget(),
    })
    .strict()
    .refine(NAME_OR_ID.check, { message: NAME_OR_ID.message })

export type ApiParams = Zod.output<ReturnType<typeof apiSchema>>
export type RestApiParams = Zod.output<ReturnType<typeof restApiSchema>>

export const apigatewayApi = defineCheck({
  kind: 'apigateway.api',
  description:
    'API Gateway HTTP or WebSocket API (v2) exists by name or id, with the protocol, a deployed stage, the routes and the authorizers asked for',
  params: apiSchema,
  example:
    'check: apigateway.api name=sessions-${env} protocol=websocket stage=prod routes=$connect,$disconnect',
  service: (p, { env }) => awsService('apigatewayv2', p, env),
  // Every read of API Gateway is this one action, whatever the resource.
  iam: () => ['apigateway:GET'],
  load: () => import('../aws/apigateway-api.ts').then((m) => m.checkApi),
})

export const apigatewayRestApi = defineCheck({
  kind: 'apigateway.rest-api',
  description:
    'API Gateway REST API (v1) exists by name or id, with a deployed stage and the resource paths asked for',
  params: restApiSchema,
  example: 'check: apigateway.rest-api name=orders-${env} stage=prod resources=/items,/items/{id}',
  service: (p, { env }) => awsService('apigateway', p, env),
  iam: () => ['apigateway:GET'],
  load: () => import('../aws/apigateway-rest-api.ts').then((m) => m.checkRestApi),
})
