/** `route53.record`: a DNS record exists in a hosted zone and points where asked. The code is in ../aws/route53-record.ts. */
import type * as Zod from 'zod'
import { awsService } from '../aws/target.ts'
import { defineCheck } from '../kind.ts'
import { awsTarget, oneOf, text, z } from '../params.ts'

/** The record types Route 53 serves. */
export const RECORD_TYPES = [
  'A',
  'AAAA',
  'CAA',
  'CNAME',
  'DS',
  'HTTPS',
  'MX',
  'NAPTR',
  'NS',
  'PTR',
  'SOA',
  'SPF',
  'SRV',
  'SSHFP',
  'SVCB',
  'TLSA',
  'TXT',
] as const

/**
 * Whether `zone` is a hosted zone id (`Z0123456789ABCDEFGHIJ`, `/hostedzone/Z…`)
 * rather than a zone name: ids are upper-case letters and digits, names have dots
 * or are lower-case.
 */
export function isZoneId(zone: string): boolean {
  return /^(\/hostedzone\/)?[A-Z0-9]{8,32}$/.test(zone)
}

const recordSchema = () =>
  z
    .object({
      zone: text(),
      name: text(),
      type: oneOf(RECORD_TYPES).optional(),
      target: text().optional(),
      ...awsTarget(),
    })
    .strict()

export type RecordParams = Zod.output<ReturnType<typeof recordSchema>>

export const route53Record = defineCheck({
  kind: 'route53.record',
  description:
    'Route 53 record exists in the hosted zone (by name or id), of the type asked (default A), pointing at the value or alias target asked',
  params: recordSchema,
  example:
    'check: route53.record zone=example.com name=api.example.com type=A target=${alb.outputs.DnsName}',
  // Route 53 is global: one endpoint whatever the region.
  service: (p, { env }) => awsService('route53', { ...p, region: 'global' }, env),
  iam: (p) => [
    // A zone written as a `${…}` reference may turn out to be either.
    ...(p.zone === undefined || p.zone.includes('${') || !isZoneId(p.zone)
      ? ['route53:ListHostedZonesByName']
      : []),
    ...(p.zone === undefined || p.zone.includes('${') || isZoneId(p.zone)
      ? ['route53:GetHostedZone']
      : []),
    'route53:ListResourceRecordSets',
  ],
  load: () => import('../aws/route53-record.ts').then((m) => m.checkRecord),
})
