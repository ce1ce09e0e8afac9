/**
 * `route53.record` against moto_server (zones and records made here with the
 * real SDK), and against our fault server for what moto cannot do: wildcard
 * names escaped as Route 53 sends them, a name's record sets over two pages,
 * throttling, an endpoint that never answers. moto is shared with other test
 * files: zone names carry a per-run label.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import {
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  type ResourceRecordSet,
  Route53Client,
} from '@aws-sdk/client-route-53'
import { parseChecklist } from '../../src/checklist/parse.ts'
import { iamActionsOf } from '../../src/checks/registry.ts'
import {
  type AwsReply,
  pointAwsAt,
  startAwsFaultServer,
  WITHOUT_AWS_CREDENTIALS,
  withEnv,
} from '../helpers/aws-fault-server.ts'
import { backend, checklistOf, type RunOptions, runChecklist } from '../helpers/checks.ts'

pointAwsAt(backend('moto'))
const fault = await startAwsFaultServer()

const run = randomUUID().slice(0, 8)
const ZONE = `${run}.example.org`
/** A public and a private zone of one name. */
const SPLIT = `split-${run}.example.org`
const ALB = 'my-alb-123.us-east-1.elb.amazonaws.com'

const route53 = new Route53Client({ region: 'us-east-1', maxAttempts: 1 })
let zoneId = ''

before(async () => {
  const created = await route53.send(
    new CreateHostedZoneCommand({ Name: ZONE, CallerReference: `dw-${run}` }),
  )
  zoneId = (created.HostedZone?.Id ?? '').replace('/hostedzone/', '')
  const sets: ResourceRecordSet[] = [
    {
      Name: `api.${ZONE}`,
      Type: 'A',
      TTL: 60,
      ResourceRecords: [{ Value: '10.0.0.1' }, { Value: '10.0.0.2' }],
    },
    {
      Name: `www.${ZONE}`,
      Type: 'A',
      AliasTarget: {
        HostedZoneId: 'Z35SXDOTRQ7X7K',
        DNSName: `dualstack.${ALB}.`,
        EvaluateTargetHealth: false,
      },
    },
    {
      Name: `app.${ZONE}`,
      Type: 'CNAME',
      TTL: 300,
      ResourceRecords: [{ Value: 'd111111abcdef8.cloudfront.net' }],
    },
    { Name: `*.wild.${ZONE}`, Type: 'A', TTL: 60, ResourceRecords: [{ Value: '10.0.0.9' }] },
    { Name: ZONE, Type: 'TXT', TTL: 300, ResourceRecords: [{ Value: '"v=spf1 -all"' }] },
    ...['blue', 'green'].map(
      (colour, i): ResourceRecordSet => ({
        Name: `shop.${ZONE}`,
        Type: 'A',
        SetIdentifier: colour,
        Weight: 50,
        TTL: 60,
        ResourceRecords: [{ Value: `10.0.1.${i + 1}` }],
      }),
    ),
  ]
  await route53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: zoneId,
      ChangeBatch: { Changes: sets.map((set) => ({ Action: 'CREATE', ResourceRecordSet: set })) },
    }),
  )
  await route53.send(new CreateHostedZoneCommand({ Name: SPLIT, CallerReference: `dw-${run}-pub` }))
  await route53.send(
    new CreateHostedZoneCommand({
      Name: SPLIT,
      CallerReference: `dw-${run}-priv`,
      HostedZoneConfig: { PrivateZone: true },
      VPC: { VPCRegion: 'us-east-1', VPCId: 'vpc-12345678' },
    }),
  )
})

after(async () => {
  route53.destroy()
  await fault.close()
})

async function check(directive: string, options: RunOptions = {}) {
  return (await runChecklist(checklistOf(directive), options)).result()
}

function checkOnFault(directive: string, options: RunOptions = {}) {
  return withEnv({ AWS_ENDPOINT_URL: fault.url }, () => check(directive, options))
}

function iamOf(directive: string): readonly string[] {
  const item = parseChecklist(checklistOf(directive), { path: 'inline.md' }).checklist.items[0]
  assert.ok(item)
  return iamActionsOf(item)
}

describe('route53.record parameters', () => {
  it('finds a zone by name or by id, with the permission each needs', () => {
    assert.deepEqual(iamOf('route53.record zone=example.com name=api'), [
      'route53:ListHostedZonesByName',
      'route53:ListResourceRecordSets',
    ])
    assert.deepEqual(iamOf('route53.record zone=Z0123456789ABCDEFGHIJ name=api'), [
      'route53:GetHostedZone',
      'route53:ListResourceRecordSets',
    ])
  })

  it('refuses a record type Route 53 does not serve', () => {
    const { problems } = parseChecklist(
      checklistOf('route53.record zone=example.com name=api type=AXFR'),
      { path: 'inline.md' },
    )
    assert.match(problems.map((p) => p.message).join('\n'), /expected one of: A, AAAA, CAA/)
  })
})

describe('route53.record against moto', () => {
  it('passes for an A record, saying what it points at', async () => {
    const result = await check(`route53.record zone=${ZONE} name=api.${ZONE}`)
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.equal(result.summary, `api.${ZONE} A points at 10.0.0.1, 10.0.0.2`)
    assert.deepEqual(result.evidence, {
      zone: ZONE,
      zoneId,
      private: false,
      record: `api.${ZONE}`,
      type: 'A',
      values: ['10.0.0.1', '10.0.0.2'],
      ttl: 60,
    })
  })

  it('takes a zone by id and a name relative to it, and finds the target among the values', async () => {
    const result = await check(`route53.record zone=${zoneId} name=api target=10.0.0.2`)
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.equal(result.summary, `api.${ZONE} A points at 10.0.0.2`)
  })

  it("matches an alias to the load balancer's name as its console shows it, whatever the case and dot", async () => {
    const result = await check(
      `route53.record zone=${ZONE}. name=WWW.${ZONE.toUpperCase()}. target=${ALB.toUpperCase()}.`,
    )
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.equal(result.summary, `www.${ZONE} A is an alias of ${ALB.toUpperCase()}.`)
    assert.equal(result.evidence?.alias, `dualstack.${ALB}`)
  })

  it('fails a record that points elsewhere, saying where it points', async () => {
    const result = await check(`route53.record zone=${ZONE} name=api target=10.9.9.9`)
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, `api.${ZONE} A does not point at 10.9.9.9`)
    assert.deepEqual(result.details, ['it points at 10.0.0.1, 10.0.0.2'])
  })

  it('fails when the name has records of another type only, naming them', async () => {
    const result = await check(`route53.record zone=${ZONE} name=app`)
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, `no A record app.${ZONE} in zone ${ZONE}`)
    assert.deepEqual(result.details, [`app.${ZONE} has CNAME (d111111abcdef8.cloudfront.net)`])
    const cname = await check(
      `route53.record zone=${ZONE} name=app type=cname target=d111111abcdef8.cloudfront.net`,
    )
    assert.equal(cname.status, 'pass', cname.summary)
  })

  it('fails for a name with no records, and for a whole name (ending in a dot) outside the zone', async () => {
    const missing = await check(`route53.record zone=${ZONE} name=nope`)
    assert.equal(missing.status, 'fail')
    assert.equal(missing.summary, `no A record nope.${ZONE} in zone ${ZONE}`)
    assert.deepEqual(missing.details, [`the zone has no record named nope.${ZONE}`])
    const outside = await check(`route53.record zone=${ZONE} name=api.example.com.`)
    assert.equal(outside.status, 'fail')
    assert.equal(outside.summary, `api.example.com is not in zone ${ZONE}`)
  })

  it('fails for a zone that does not exist, by name or by id', async () => {
    const byName = await check(`route53.record zone=nope-${run}.example.org name=api`)
    assert.equal(byName.status, 'fail')
    assert.equal(byName.summary, `hosted zone nope-${run}.example.org does not exist`)
    const byId = await check('route53.record zone=ZNOSUCHZONE0123 name=api')
    assert.equal(byId.status, 'fail')
    assert.equal(byId.summary, 'hosted zone ZNOSUCHZONE0123 does not exist')
  })

  it('passes for every record set of a weighted name, and the apex TXT record unquoted', async () => {
    const weighted = await check(`route53.record zone=${ZONE} name=shop target=10.0.1.2`)
    assert.equal(weighted.status, 'pass', weighted.details?.join('\n'))
    assert.equal(weighted.summary, `shop.${ZONE} A points at 10.0.1.2 (2 record sets)`)
    assert.deepEqual(weighted.evidence?.setIdentifiers, ['blue', 'green'])
    const txt = await check(`route53.record zone=${ZONE} name=@ type=TXT target="v=spf1 -all"`)
    assert.equal(txt.status, 'pass', txt.details?.join('\n'))
  })

  it('finds a wildcard record by its name', async () => {
    const result = await check(`route53.record zone=${ZONE} name=*.wild target=10.0.0.9`)
    assert.equal(result.status, 'pass', result.details?.join('\n'))
  })

  it('asks for the id when a public and a private zone share the name', async () => {
    const result = await check(`route53.record zone=${SPLIT} name=api`)
    assert.equal(result.status, 'error')
    assert.equal(result.summary, `2 hosted zones are named ${SPLIT}`)
    assert.match(
      result.details?.join('\n') ?? '',
      /\(public\)\n.+\(private\)\ngive the one to check by its id: zone=<id>$/,
    )
  })
})

const ZONE_ID = 'Z0123456789ABCDEFGHIJ'

const HOSTED_ZONE = {
  Id: `/hostedzone/${ZONE_ID}`,
  Name: 'example.com.',
  CallerReference: 'x',
  Config: { PrivateZone: false },
}

function zone(): AwsReply {
  return {
    result: { HostedZone: HOSTED_ZONE, DelegationSet: { NameServers: ['ns-1.awsdns-1.org'] } },
  }
}

function records(sets: Record<string, unknown>[], next?: Record<string, unknown>): AwsReply {
  return {
    result: { ResourceRecordSets: sets, IsTruncated: next !== undefined, MaxItems: 100, ...next },
  }
}

const THROTTLED: AwsReply = { error: 'Throttling', message: 'Rate exceeded', status: 400 }

describe('route53.record in states moto cannot produce', () => {
  it('reads a wildcard name as Route 53 escapes it (\\052)', async () => {
    fault.script(({ action }) =>
      action === 'GetHostedZone'
        ? zone()
        : records([
            {
              Name: '\\052.example.com.',
              Type: 'A',
              TTL: 60,
              ResourceRecords: [{ Value: '10.0.0.9' }],
            },
          ]),
    )
    const result = await checkOnFault(`route53.record zone=${ZONE_ID} name=*.example.com`)
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.equal(result.summary, '*.example.com A points at 10.0.0.9')
    assert.deepEqual(fault.requests[1]?.params, {
      HostedZoneId: ZONE_ID,
      name: '*.example.com',
      maxitems: '100',
    })
  })

  it("reads a name's record sets over two pages, and no further", async () => {
    const set = (id: string, ip: string) => ({
      Name: 'api.example.com.',
      Type: 'A',
      SetIdentifier: id,
      Weight: 1,
      TTL: 60,
      ResourceRecords: [{ Value: ip }],
    })
    fault.script(({ action, params }) => {
      if (action === 'GetHostedZone') return zone()
      return params.identifier === undefined
        ? records([set('a', '10.0.0.1')], {
            NextRecordName: 'api.example.com.',
            NextRecordType: 'A',
            NextRecordIdentifier: 'b',
          })
        : records(
            [
              set('b', '10.0.0.2'),
              {
                Name: 'www.example.com.',
                Type: 'A',
                TTL: 60,
                ResourceRecords: [{ Value: '10.0.0.3' }],
              },
            ],
            {
              NextRecordName: 'zzz.example.com.',
              NextRecordType: 'A',
            },
          )
    })
    const result = await checkOnFault(`route53.record zone=${ZONE_ID} name=api target=10.0.0.2`)
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.deepEqual(result.evidence?.values, ['10.0.0.1', '10.0.0.2'])
    assert.deepEqual(
      fault.requests.map((r) => r.action),
      ['GetHostedZone', 'ListResourceRecordSets', 'ListResourceRecordSets'],
    )
  })

  it('retries throttling, then passes', async () => {
    // Two throttled requests in all, whichever calls they are.
    fault.script(({ action }) =>
      fault.requests.length <= 2
        ? THROTTLED
        : action === 'ListHostedZonesByName'
          ? {
              result: {
                HostedZones: [HOSTED_ZONE],
                DNSName: 'example.com.',
                IsTruncated: false,
                MaxItems: 100,
              },
            }
          : records([
              {
                Name: 'example.com.',
                Type: 'A',
                TTL: 60,
                ResourceRecords: [{ Value: '10.0.0.1' }],
              },
            ]),
    )
    const result = await checkOnFault('route53.record zone=example.com name=@')
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(result.attempts, 3)
  })

  it('gives up with an error when the throttling does not stop', async () => {
    fault.script(() => THROTTLED)
    const result = await checkOnFault('route53.record zone=example.com name=api')
    assert.equal(result.status, 'error')
    assert.equal(
      result.summary,
      'AWS throttled route53:ListHostedZonesByName (Throttling) (gave up after 4 attempts)',
    )
  })

  it('names the permission listing records needs', async () => {
    fault.script(({ action }) =>
      action === 'GetHostedZone'
        ? zone()
        : { error: 'AccessDenied', message: 'not authorized', status: 403 },
    )
    const result = await checkOnFault(`route53.record zone=${ZONE_ID} name=api`)
    assert.equal(result.status, 'error')
    assert.equal(
      result.summary,
      'access denied: the AWS identity may not call route53:ListResourceRecordSets',
    )
  })

  it('says no answer came from an endpoint that never answers', async () => {
    fault.script(() => 'hang')
    const result = await checkOnFault(`route53.record zone=${ZONE_ID} name=api`, {
      awsRequestTimeoutMs: 200,
    })
    assert.equal(result.status, 'error')
    assert.match(
      result.summary,
      /^no answer from .+ to route53:GetHostedZone within \d+m?s: check the VPN/,
    )
  })

  it('errors with what to set when there are no credentials', async () => {
    fault.script(() => zone())
    const result = await withEnv(WITHOUT_AWS_CREDENTIALS, () =>
      checkOnFault(`route53.record zone=${ZONE_ID} name=api`),
    )
    assert.equal(result.status, 'error')
    assert.equal(result.summary, 'no AWS credentials')
    assert.equal(fault.requests.length, 0)
  })

  it('does not take a zone answer without the zone', async () => {
    fault.script(() => ({ result: { DelegationSet: { NameServers: [] } } }))
    const result = await checkOnFault(`route53.record zone=${ZONE_ID} name=api`)
    assert.equal(result.status, 'error')
    assert.match(result.summary, /^unexpected answer from Route 53 at .*: HostedZone is missing$/)
  })
})
