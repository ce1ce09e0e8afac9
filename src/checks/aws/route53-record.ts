/**
 * `route53.record`: a record exists in a hosted zone, of the type asked, and
 * points at the value or alias target asked. The zone is found by id
 * (GetHostedZone) or by name (ListHostedZonesByName: two zones of one name, a
 * public and a private one, need the id to tell them apart); the record sets
 * of the name are then listed from that name on, so one call usually holds
 * them all, of every type and routing policy.
 */
import type { Route53Client, RRType } from '@aws-sdk/client-route-53'
import * as z from 'zod'
import { type CheckContext, error, fail, pass, type RunCheck } from '../kind.ts'
import { isZoneId, type RecordParams as Params } from '../kinds/route53.ts'
import type { CheckOutcome } from '../runner.ts'
import { expectAnswer } from './answers.ts'
import { awsCall, awsErrorName, awsErrorOutcome } from './errors.ts'
import { targetOf } from './target.ts'

const ZoneShape = z.object({
  Id: z.string(),
  Name: z.string(),
  Config: z.object({ PrivateZone: z.boolean().optional() }).optional(),
})
type Zone = z.output<typeof ZoneShape>
const GetZoneAnswer = z.object({ HostedZone: ZoneShape })
const ZonesByNameAnswer = z.object({ HostedZones: z.array(ZoneShape) })

const RecordSetShape = z.object({
  Name: z.string(),
  Type: z.string(),
  SetIdentifier: z.string().optional(),
  TTL: z.number().optional(),
  ResourceRecords: z.array(z.object({ Value: z.string() })).optional(),
  AliasTarget: z.object({ DNSName: z.string() }).optional(),
})
type RecordSet = z.output<typeof RecordSetShape>
const RecordSetsAnswer = z.object({
  ResourceRecordSets: z.array(RecordSetShape),
  IsTruncated: z.boolean().optional(),
  NextRecordName: z.string().optional(),
  NextRecordType: z.string().optional(),
  NextRecordIdentifier: z.string().optional(),
})
type RecordSetsPage = z.output<typeof RecordSetsAnswer>

/** Runs a `route53.record` check (its parameters: kinds/route53.ts). */
export const checkRecord: RunCheck<Params> = async (p, ctx) => {
  try {
    return await judgeRecord(p, ctx)
  } catch (caught) {
    return awsErrorOutcome(caught, { signal: ctx.signal, profile: p.profile })
  }
}

async function judgeRecord(p: Params, ctx: CheckContext): Promise<CheckOutcome> {
  const client = await ctx.clients.aws('route53', targetOf(p, ctx.env))
  const zones = isZoneId(p.zone)
    ? await getZone(client, p.zone, ctx.signal)
    : await zonesNamed(client, p.zone, ctx.signal)
  const [zone, ...others] = zones
  if (!zone) {
    return fail(`hosted zone ${p.zone} does not exist`, {
      details: [
        isZoneId(p.zone)
          ? 'check the zone id'
          : 'check the zone name (hosted zones are global: the region does not matter)',
      ],
    })
  }
  if (others.length > 0) {
    return error(`${zones.length} hosted zones are named ${normalise(zone.Name)}`, {
      details: [
        ...zones.map((z) => `${zoneId(z)} (${z.Config?.PrivateZone ? 'private' : 'public'})`),
        'give the one to check by its id: zone=<id>',
      ],
    })
  }
  const zoneName = normalise(zone.Name)
  const fqdn = qualify(p.name, zoneName)
  const zoneEvidence = {
    zone: normalise(zone.Name),
    zoneId: zoneId(zone),
    private: zone.Config?.PrivateZone === true,
  }
  if (fqdn === undefined) {
    return fail(`${normalise(p.name)} is not in zone ${zoneName}`, {
      details: [
        `a name ending in a dot is whole: give one ending .${zoneName}, or one relative to the zone (api)`,
      ],
      evidence: zoneEvidence,
    })
  }
  const named = await recordSetsNamed(client, zone.Id, fqdn, ctx.signal)
  const type = p.type ?? 'A'
  const sets = named.filter((set) => set.Type === type)
  const evidence = { ...zoneEvidence, record: fqdn, type, ...setsEvidence(sets) }
  if (sets.length === 0) {
    const types = [...new Set(named.map((set) => set.Type))]
    return fail(`no ${type} record ${fqdn} in zone ${normalise(zone.Name)}`, {
      details: [
        types.length > 0
          ? `${fqdn} has ${types.map((t) => `${t} (${pointsOf(named.filter((set) => set.Type === t)).join(', ')})`).join(', ')}`
          : `the zone has no record named ${fqdn}`,
      ],
      evidence,
    })
  }
  const points = pointsOf(sets)
  if (p.target !== undefined && !sets.some((set) => pointsAt(set, p.target ?? ''))) {
    return fail(`${fqdn} ${type} does not point at ${p.target}`, {
      details: [points.length > 0 ? `it points at ${points.join(', ')}` : 'it has no value'],
      evidence,
    })
  }
  const alias = sets.every((set) => set.AliasTarget) ? 'is an alias of' : 'points at'
  const what = p.target !== undefined ? p.target : points.join(', ')
  const routing = sets.length > 1 ? ` (${sets.length} record sets)` : ''
  return pass(`${fqdn} ${type} ${alias} ${what}${routing}`, { evidence })
}

/** The zone with this id, as a list of one, or none when Route 53 has no such zone. */
async function getZone(client: Route53Client, id: string, signal: AbortSignal): Promise<Zone[]> {
  const { GetHostedZoneCommand } = await import('@aws-sdk/client-route-53')
  return awsCall('route53:GetHostedZone', async () => {
    try {
      const answer = await client.send(new GetHostedZoneCommand({ Id: id }), {
        abortSignal: signal,
      })
      return [expectAnswer(answer, GetZoneAnswer).HostedZone]
    } catch (caught) {
      if (awsErrorName(caught) === 'NoSuchHostedZone') return []
      throw caught
    }
  })
}

/** Every zone of this name: Route 53 lists zones in name order, from the one asked. */
async function zonesNamed(
  client: Route53Client,
  name: string,
  signal: AbortSignal,
): Promise<Zone[]> {
  const { ListHostedZonesByNameCommand } = await import('@aws-sdk/client-route-53')
  const wanted = normalise(name)
  return awsCall('route53:ListHostedZonesByName', async () => {
    const answer = await client.send(
      new ListHostedZonesByNameCommand({ DNSName: wanted, MaxItems: 100 }),
      { abortSignal: signal },
    )
    return expectAnswer(answer, ZonesByNameAnswer).HostedZones.filter(
      (zone) => normalise(zone.Name) === wanted,
    )
  })
}

/**
 * The record sets named `fqdn`, of every type. Listing starts at the name and
 * goes on only while the next page still holds it (many weighted records).
 */
async function recordSetsNamed(
  client: Route53Client,
  zoneId: string,
  fqdn: string,
  signal: AbortSignal,
): Promise<RecordSet[]> {
  const { ListResourceRecordSetsCommand } = await import('@aws-sdk/client-route-53')
  return awsCall('route53:ListResourceRecordSets', async () => {
    const found: RecordSet[] = []
    let start: { name: string; type?: string; identifier?: string } | undefined = { name: fqdn }
    while (start) {
      const answer = await client.send(
        new ListResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          StartRecordName: start.name,
          ...(start.type ? { StartRecordType: start.type as RRType } : {}),
          ...(start.identifier ? { StartRecordIdentifier: start.identifier } : {}),
          MaxItems: 100,
        }),
        { abortSignal: signal },
      )
      const page: RecordSetsPage = expectAnswer(answer, RecordSetsAnswer)
      found.push(...page.ResourceRecordSets.filter((set) => normalise(set.Name) === fqdn))
      const next = page.NextRecordName
      const same = next !== undefined && normalise(next) === fqdn
      // A page that does not move on would be read for ever.
      const moved: boolean = next !== start.name || page.NextRecordType !== start.type
      start =
        page.IsTruncated && same && moved
          ? {
              name: next,
              ...(page.NextRecordType ? { type: page.NextRecordType } : {}),
              ...(page.NextRecordIdentifier ? { identifier: page.NextRecordIdentifier } : {}),
            }
          : undefined
    }
    return found
  })
}

/** What the record sets point at: their values, and alias targets as Route 53 has them. */
function pointsOf(sets: readonly RecordSet[]): string[] {
  return [
    ...new Set(
      sets.flatMap((set) => [
        ...(set.ResourceRecords ?? []).map((record) => record.Value),
        ...(set.AliasTarget ? [normalise(set.AliasTarget.DNSName)] : []),
      ]),
    ),
  ]
}

/**
 * Whether a record set points at `target`: one of its values, or its alias
 * target, ignoring case, a trailing dot, TXT quotes, and the `dualstack.` the
 * console puts before a load balancer's name.
 */
function pointsAt(set: RecordSet, target: string): boolean {
  const wanted = comparable(target)
  const values = (set.ResourceRecords ?? []).map((record) => comparable(record.Value))
  const alias = set.AliasTarget ? comparable(set.AliasTarget.DNSName) : undefined
  return values.includes(wanted) || alias === wanted
}

function comparable(value: string): string {
  return normalise(value.replace(/^"(.*)"$/, '$1')).replace(/^dualstack\./, '')
}

function setsEvidence(sets: readonly RecordSet[]): Record<string, unknown> {
  if (sets.length === 0) return {}
  const values = sets.flatMap((set) => (set.ResourceRecords ?? []).map((r) => r.Value))
  const aliases = sets.flatMap((set) =>
    set.AliasTarget ? [normalise(set.AliasTarget.DNSName)] : [],
  )
  const ttls = [...new Set(sets.flatMap((set) => (set.TTL !== undefined ? [set.TTL] : [])))]
  const identifiers = sets.flatMap((set) => (set.SetIdentifier ? [set.SetIdentifier] : []))
  return {
    ...(values.length > 0 ? { values } : {}),
    ...(aliases.length > 0 ? { alias: aliases.length === 1 ? aliases[0] : aliases } : {}),
    ...(ttls.length > 0 && values.length > 0 ? { ttl: ttls.length === 1 ? ttls[0] : ttls } : {}),
    ...(identifiers.length > 0 ? { setIdentifiers: identifiers } : {}),
  }
}

/**
 * The full name of `name` in the zone, as a zone file reads it: one ending in
 * the zone's name, or in a dot, is whole; any other (`api`, `api.eu`, `*.wild`)
 * is under the zone, and `@` is the zone itself. Undefined for a whole name of
 * another zone.
 */
function qualify(name: string, zone: string): string | undefined {
  const wanted = normalise(name)
  if (wanted === '@') return zone
  if (wanted === zone || wanted.endsWith(`.${zone}`)) return wanted
  return name.endsWith('.') ? undefined : `${wanted}.${zone}`
}

/**
 * Names compare without case and without the trailing dot, with Route 53's
 * octal escapes read (`\052` is the `*` of a wildcard record).
 */
function normalise(name: string): string {
  return name
    .replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)))
    .toLowerCase()
    .replace(/\.$/, '')
}

/** `Z0123456789ABC`, without Route 53's `/hostedzone/` prefix. */
function zoneId(zone: Zone): string {
  return zone.Id.replace(/^\/hostedzone\//, '')
}
