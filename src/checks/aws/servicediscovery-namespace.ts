/**
 * `servicediscovery.namespace`: an AWS Cloud Map namespace exists, of the type
 * asked, and the services named are registered in it. The namespace is found by
 * name (or id, or ARN) among the region's namespaces; its services are read only
 * when `services` asks. Two private DNS namespaces may share a name (one per
 * VPC): the check then says so and asks for the id rather than pick one.
 */
import type { ServiceDiscoveryClient } from '@aws-sdk/client-servicediscovery'
import * as z from 'zod'
import { type CheckContext, error, fail, type RunCheck } from '../kind.ts'
import type { NAMESPACE_TYPES, NamespaceParams as Params } from '../kinds/servicediscovery.ts'
import type { CheckOutcome } from '../runner.ts'
import { expectAnswer } from './answers.ts'
import { awsCall, awsErrorOutcome } from './errors.ts'
import { regionOf, targetOf } from './target.ts'
import { findings, verdictOf } from './verdict.ts'

const NamespacesAnswer = z.object({
  Namespaces: z.array(
    z.object({
      Id: z.string(),
      Arn: z.string().optional(),
      Name: z.string(),
      Type: z.string().optional(),
      ServiceCount: z.number().optional(),
      Properties: z
        .object({
          DnsProperties: z.object({ HostedZoneId: z.string().optional() }).optional(),
        })
        .optional(),
    }),
  ),
  NextToken: z.string().optional(),
})
type Namespace = z.output<typeof NamespacesAnswer>['Namespaces'][number]

const ServicesAnswer = z.object({
  Services: z.array(
    z.object({
      Name: z.string(),
      Id: z.string().optional(),
      InstanceCount: z.number().optional(),
      DnsConfig: z.object({ NamespaceId: z.string().optional() }).optional(),
    }),
  ),
  NextToken: z.string().optional(),
})
type Service = z.output<typeof ServicesAnswer>['Services'][number]

const TYPES: Readonly<Record<(typeof NAMESPACE_TYPES)[number], string>> = {
  'dns-private': 'DNS_PRIVATE',
  'dns-public': 'DNS_PUBLIC',
  http: 'HTTP',
}

/** Runs a `servicediscovery.namespace` check (its parameters: kinds/servicediscovery.ts). */
export const checkNamespace: RunCheck<Params> = async (p, ctx) => {
  try {
    return await judgeNamespace(p, ctx)
  } catch (caught) {
    return awsErrorOutcome(caught, { signal: ctx.signal, profile: p.profile })
  }
}

async function judgeNamespace(p: Params, ctx: CheckContext): Promise<CheckOutcome> {
  const client = await ctx.clients.aws('servicediscovery', targetOf(p, ctx.env))
  const wantedType = p.type ? TYPES[p.type] : undefined
  const named = await findNamespaces(client, p.name, ctx.signal)
  // Of several of that name, the type asked tells them apart.
  const ofType = named.filter((ns) => ns.Type === wantedType)
  const candidates = named.length > 1 && ofType.length > 0 ? ofType : named
  const [namespace, ...others] = candidates
  if (!namespace) {
    const region = regionOf(p, ctx.env)
    return fail(`namespace ${p.name} does not exist`, {
      details: [`check the namespace name and the region${region ? ` (${region})` : ''}`],
    })
  }
  if (others.length > 0) {
    const ids = candidates.map((ns) => `${ns.Id} (${ns.Type})`).join(', ')
    return error(`${candidates.length} namespaces are named ${p.name}: ${ids}`, {
      details: ['name one by its id instead (name=ns-…)'],
    })
  }
  const services =
    p.services === undefined ? undefined : await listServices(client, namespace.Id, ctx.signal)
  const found = findings()
  const type = namespace.Type ?? 'UNKNOWN'
  if (!wantedType || type === wantedType) found.verified.push(type)
  else found.unmet.push(`namespace is ${type} (expected ${wantedType})`)
  if (services && p.services) {
    const names = services.map((s) => s.Name)
    const present = p.services.filter((name) => names.includes(name))
    for (const name of p.services.filter((name) => !names.includes(name))) {
      found.unmet.push(`service ${name} is missing (the namespace has ${listed(names)})`)
    }
    if (present.length > 0) found.verified.push(`services ${present.join(', ')}`)
  }
  return verdictOf(found, {
    name: namespace.Name,
    subject: `namespace ${namespace.Name}`,
    evidence: {
      namespace: namespace.Name,
      type,
      id: namespace.Id,
      // Each service with its instance count.
      ...(services
        ? { services: Object.fromEntries(services.map((s) => [s.Name, s.InstanceCount ?? 0])) }
        : {}),
      ...(namespace.Properties?.DnsProperties?.HostedZoneId
        ? { hostedZone: namespace.Properties.DnsProperties.HostedZoneId }
        : {}),
      arn: namespace.Arn,
    },
  })
}

/** The region's namespaces that are `name`: by name, id (`ns-…`) or ARN. */
async function findNamespaces(
  client: ServiceDiscoveryClient,
  name: string,
  signal: AbortSignal,
): Promise<Namespace[]> {
  const { paginateListNamespaces } = await import('@aws-sdk/client-servicediscovery')
  const byName = !name.startsWith('ns-') && !name.startsWith('arn:')
  return awsCall('servicediscovery:ListNamespaces', async () => {
    const matching: Namespace[] = []
    const pages = paginateListNamespaces(
      { client, stopOnSameToken: true },
      byName ? { Filters: [{ Name: 'NAME', Values: [name], Condition: 'EQ' }] } : {},
      { abortSignal: signal },
    )
    for await (const page of pages) {
      // The filter narrows the listing; the names are compared here all the same.
      for (const ns of expectAnswer(page, NamespacesAnswer).Namespaces)
        if (ns.Name === name || ns.Id === name || ns.Arn === name) matching.push(ns)
    }
    return matching
  })
}

/** The services registered in the namespace. */
async function listServices(
  client: ServiceDiscoveryClient,
  namespaceId: string,
  signal: AbortSignal,
): Promise<Service[]> {
  const { paginateListServices } = await import('@aws-sdk/client-servicediscovery')
  return awsCall('servicediscovery:ListServices', async () => {
    const services: Service[] = []
    const pages = paginateListServices(
      { client, stopOnSameToken: true },
      { Filters: [{ Name: 'NAMESPACE_ID', Values: [namespaceId], Condition: 'EQ' }] },
      { abortSignal: signal },
    )
    for await (const page of pages) {
      for (const service of expectAnswer(page, ServicesAnswer).Services) {
        // A service that says it is in another namespace is not this one's, whatever the filter did.
        const elsewhere = service.DnsConfig?.NamespaceId
        if (!elsewhere || elsewhere === namespaceId) services.push(service)
      }
    }
    return services
  })
}

/** `api, web` or `none`; at most ten names. */
function listed(names: readonly string[]): string {
  if (names.length === 0) return 'none'
  const shown = names.slice(0, 10).join(', ')
  return names.length > 10 ? `${shown} and ${names.length - 10} more` : shown
}
