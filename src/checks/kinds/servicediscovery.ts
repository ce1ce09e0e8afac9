/** `servicediscovery.namespace`: a Cloud Map namespace and its services exist. The code is in ../aws/servicediscovery-namespace.ts. */
import type * as Zod from 'zod'
import { awsService } from '../aws/target.ts'
import { defineCheck } from '../kind.ts'
import { awsTarget, list, oneOf, text, z } from '../params.ts'

export const NAMESPACE_TYPES = ['dns-private', 'dns-public', 'http'] as const

const namespaceSchema = () =>
  z
    .object({
      name: text(),
      type: oneOf(NAMESPACE_TYPES).optional(),
      services: list(text()).optional(),
      ...awsTarget(),
    })
    .strict()

export type NamespaceParams = Zod.output<ReturnType<typeof namespaceSchema>>

export const servicediscoveryNamespace = defineCheck({
  kind: 'servicediscovery.namespace',
  description: 'Cloud Map namespace exists (of the type asked), with the services named in it',
  params: namespaceSchema,
  example:
    'check: servicediscovery.namespace name=internal.${env} type=dns-private services=api,worker',
  service: (p, { env }) => awsService('servicediscovery', p, env),
  iam: (p) => [
    'servicediscovery:ListNamespaces',
    ...(p.services !== undefined ? ['servicediscovery:ListServices'] : []),
  ],
  load: () => import('../aws/servicediscovery-namespace.ts').then((m) => m.checkNamespace),
})
