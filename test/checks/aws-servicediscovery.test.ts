/**
 * `servicediscovery.namespace` against moto_server (Cloud Map namespaces of each
 * type and their services, created here with the real SDK) and, for paging,
 * namespaces sharing a name, throttling and a hung endpoint, against our fault
 * server.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2'
import {
  CreateHttpNamespaceCommand,
  CreatePrivateDnsNamespaceCommand,
  CreatePublicDnsNamespaceCommand,
  CreateServiceCommand,
  ListNamespacesCommand,
  ServiceDiscoveryClient,
} from '@aws-sdk/client-servicediscovery'
import { CHECK_KINDS } from '../../src/checks/registry.ts'
import {
  type AwsReply,
  pointAwsAt,
  startAwsFaultServer,
  withEnv,
} from '../helpers/aws-fault-server.ts'
import { backend, checklistOf, runChecklist } from '../helpers/checks.ts'

pointAwsAt(backend('moto'))
const fault = await startAwsFaultServer()
after(() => fault.close())

const run = randomUUID().slice(0, 8)
const PRIVATE = `internal-${run}.local`
const PUBLIC = `public-${run}.example.com`
const HTTP = `http-${run}`
const aws = { region: 'us-east-1', maxAttempts: 1 }
const cloudMap = new ServiceDiscoveryClient(aws)
const ec2 = new EC2Client(aws)
const ids = new Map<string, string>()

before(async () => {
  const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.2.0.0/16' }))
  await cloudMap.send(new CreatePrivateDnsNamespaceCommand({ Name: PRIVATE, Vpc: Vpc?.VpcId }))
  await cloudMap.send(new CreatePublicDnsNamespaceCommand({ Name: PUBLIC }))
  await cloudMap.send(new CreateHttpNamespaceCommand({ Name: HTTP }))
  const { Namespaces } = await cloudMap.send(new ListNamespacesCommand({}))
  for (const ns of Namespaces ?? []) if (ns.Name && ns.Id) ids.set(ns.Name, ns.Id)
  const service = (Name: string, NamespaceId = '') =>
    cloudMap.send(
      new CreateServiceCommand({
        Name,
        NamespaceId,
        DnsConfig: { NamespaceId, DnsRecords: [{ Type: 'A', TTL: 60 }] },
      }),
    )
  await service('api', ids.get(PRIVATE))
  await service('worker', ids.get(PRIVATE))
  await service('web', ids.get(PUBLIC))
})

after(() => {
  cloudMap.destroy()
  ec2.destroy()
})

describe('servicediscovery.namespace against moto', () => {
  it('passes for a namespace of the type asked with its services', async () => {
    const result = (
      await runChecklist(
        checklistOf(
          `servicediscovery.namespace name=${PRIVATE} type=dns-private services=api,worker`,
        ),
      )
    ).result()
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.equal(result.summary, `${PRIVATE} DNS_PRIVATE, services api, worker`)
    assert.equal(result.evidence?.id, ids.get(PRIVATE))
    assert.deepEqual(result.evidence?.services, { api: 0, worker: 0 })
  })

  it('finds a namespace by its id, and reads no services unless asked', async () => {
    const result = (
      await runChecklist(checklistOf(`servicediscovery.namespace name=${ids.get(HTTP)} type=http`))
    ).result()
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(result.summary, `${HTTP} HTTP`)
    assert.equal(result.evidence?.services, undefined)
  })

  it('lists every unmet expectation: the type, and each missing service with what is there', async () => {
    const result = (
      await runChecklist(
        checklistOf(`servicediscovery.namespace name=${PRIVATE} type=http services=api,billing`),
      )
    ).result()
    assert.equal(result.status, 'fail')
    assert.equal(
      result.summary,
      `namespace ${PRIVATE} is not as required: namespace is DNS_PRIVATE (expected HTTP) (and 1 more)`,
    )
    assert.deepEqual(result.details, [
      'namespace is DNS_PRIVATE (expected HTTP)',
      'service billing is missing (the namespace has api, worker)',
    ])
  })

  it('does not count a service of another namespace', async () => {
    const result = (
      await runChecklist(checklistOf(`servicediscovery.namespace name=${PUBLIC} services=api`))
    ).result()
    assert.equal(result.status, 'fail')
    assert.deepEqual(result.details, ['service api is missing (the namespace has web)'])
  })

  it('fails for a namespace that does not exist', async () => {
    const result = (
      await runChecklist(checklistOf(`servicediscovery.namespace name=nope-${run}.local`))
    ).result()
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, `namespace nope-${run}.local does not exist`)
    assert.deepEqual(result.details, ['check the namespace name and the region (us-east-1)'])
  })
})

function namespace(id: string, name: string, type = 'DNS_PRIVATE') {
  return {
    Id: id,
    Arn: `arn:aws:servicediscovery:us-east-1:123456789012:namespace/${id}`,
    Name: name,
    Type: type,
  }
}

/** Runs the directives against the fault server. */
function againstFault(...directives: string[]) {
  return withEnv({ AWS_ENDPOINT_URL: fault.url }, () => runChecklist(checklistOf(...directives)))
}

describe('servicediscovery.namespace in states moto cannot produce', () => {
  it('reads every page of namespaces and of services', async () => {
    fault.script(({ action, params }) => {
      const token = params.NextToken
      if (action === 'ListNamespaces')
        return token
          ? { result: { Namespaces: [namespace('ns-2', 'internal')] } }
          : { result: { Namespaces: [], NextToken: 'page-2' } }
      return token
        ? { result: { Services: [{ Name: 'worker' }] } }
        : { result: { Services: [{ Name: 'api' }], NextToken: 'page-2' } }
    })
    const result = (
      await againstFault('servicediscovery.namespace name=internal services=api,worker')
    ).result()
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.deepEqual(
      fault.requests.map((r) => r.action),
      ['ListNamespaces', 'ListNamespaces', 'ListServices', 'ListServices'],
    )
    assert.deepEqual(fault.requests[0]?.params, {
      Filters: [{ Name: 'NAME', Values: ['internal'], Condition: 'EQ' }],
    })
    assert.deepEqual(fault.requests[2]?.params, {
      Filters: [{ Name: 'NAMESPACE_ID', Values: ['ns-2'], Condition: 'EQ' }],
    })
  })

  it('does not read for ever an endpoint that hands back the same page token', async () => {
    fault.script(() => ({ result: { Namespaces: [], NextToken: 'again' } }))
    const result = (await againstFault('servicediscovery.namespace name=internal')).result()
    assert.equal(result.status, 'fail')
    assert.equal(fault.requests.length, 2)
  })

  it('does not pick one of two namespaces of the same name, unless the type tells them apart', async () => {
    fault.script(() => ({
      result: {
        Namespaces: [
          namespace('ns-1', 'internal'),
          namespace('ns-2', 'internal'),
          namespace('ns-3', 'internal', 'HTTP'),
        ],
      },
    }))
    const checked = await againstFault(
      'servicediscovery.namespace name=internal',
      'servicediscovery.namespace name=internal type=http',
    )
    const ambiguous = checked.result('check-1')
    assert.equal(ambiguous.status, 'error')
    assert.equal(
      ambiguous.summary,
      '3 namespaces are named internal: ns-1 (DNS_PRIVATE), ns-2 (DNS_PRIVATE), ns-3 (HTTP)',
    )
    assert.deepEqual(ambiguous.details, ['name one by its id instead (name=ns-…)'])
    const byType = checked.result('check-2')
    assert.equal(byType.status, 'pass', byType.summary)
    assert.equal(byType.evidence?.id, 'ns-3')
  })
})

describe('servicediscovery.namespace errors', () => {
  const THROTTLED: AwsReply = { error: 'ThrottlingException', message: 'Rate exceeded' }

  it('retries throttling, then passes', async () => {
    fault.script((_, n) =>
      n <= 2 ? THROTTLED : { result: { Namespaces: [namespace('ns-1', 'internal')] } },
    )
    const result = (await againstFault('servicediscovery.namespace name=internal')).result()
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(result.attempts, 3)
  })

  it('names the permission it lacks', async () => {
    fault.script(({ action }) =>
      action === 'ListNamespaces'
        ? { result: { Namespaces: [namespace('ns-1', 'internal')] } }
        : {
            error: 'AccessDeniedException',
            message: 'not authorized to perform: servicediscovery:ListServices',
          },
    )
    const result = (
      await againstFault('servicediscovery.namespace name=internal services=api')
    ).result()
    assert.equal(result.status, 'error')
    assert.equal(
      result.summary,
      'access denied: the AWS identity may not call servicediscovery:ListServices',
    )
  })

  it('gives up on an endpoint that never answers, saying so', async () => {
    fault.script(() => 'hang')
    const result = await withEnv({ AWS_ENDPOINT_URL: fault.url }, async () =>
      (
        await runChecklist(checklistOf('servicediscovery.namespace name=internal'), {
          awsRequestTimeoutMs: 200,
        })
      ).result(),
    )
    assert.equal(result.status, 'error')
    assert.match(
      result.summary,
      /^no answer from .+ to servicediscovery:ListNamespaces within \d+m?s: check the VPN/,
    )
  })

  it('errors with what to set when there are no credentials', async () => {
    const result = await withEnv(
      { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined },
      async () =>
        (await runChecklist(checklistOf('servicediscovery.namespace name=internal'))).result(),
    )
    assert.equal(result.status, 'error')
    assert.equal(result.summary, 'no AWS credentials')
  })

  it('declares the IAM actions it calls, services only when asked', () => {
    const kind = CHECK_KINDS.get('servicediscovery.namespace')
    assert.deepEqual(kind?.iam?.({ name: 'n' }), ['servicediscovery:ListNamespaces'])
    assert.deepEqual(kind?.iam?.({ name: 'n', services: 'api' }), [
      'servicediscovery:ListNamespaces',
      'servicediscovery:ListServices',
    ])
  })
})
