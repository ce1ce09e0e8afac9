/**
 * `ec2.security-group`: a security group exists and none of its inbound rules
 * lets the world (0.0.0.0/0 or ::/0) in beyond the ports `open=` allows. All
 * traffic (protocol -1) is never allowed; a port range is allowed only when
 * every port in it is; ICMP only when `open` says `icmp`. Every offending rule is
 * listed. Egress is not looked at.
 */
import type { EC2Client } from '@aws-sdk/client-ec2'
import * as z from 'zod'
import { type CheckContext, error, fail, pass, type RunCheck } from '../kind.ts'
import type { OpenPorts, SecurityGroupParams as Params } from '../kinds/ec2.ts'
import type { CheckOutcome } from '../runner.ts'
import { expectAnswer } from './answers.ts'
import { awsCall, awsErrorName, awsErrorOutcome } from './errors.ts'
import { regionOf, targetOf } from './target.ts'

const WORLD_V4 = '0.0.0.0/0'
const WORLD_V6 = '::/0'

const Permission = z.object({
  IpProtocol: z.string(),
  FromPort: z.number().optional(),
  ToPort: z.number().optional(),
  IpRanges: z
    .array(z.object({ CidrIp: z.string().optional(), Description: z.string().optional() }))
    .optional(),
  Ipv6Ranges: z
    .array(z.object({ CidrIpv6: z.string().optional(), Description: z.string().optional() }))
    .optional(),
})
type Permission = z.output<typeof Permission>

/** What is read of DescribeSecurityGroups' answer: AWS sends the list, empty when nothing matched. */
const GroupsAnswer = z.object({
  SecurityGroups: z.array(
    z.object({
      GroupId: z.string(),
      GroupName: z.string().optional(),
      VpcId: z.string().optional(),
      IpPermissions: z.array(Permission).optional(),
    }),
  ),
})
type SecurityGroup = z.output<typeof GroupsAnswer>['SecurityGroups'][number]

/** Runs an `ec2.security-group` check (its parameters: kinds/ec2.ts). */
export const checkSecurityGroup: RunCheck<Params> = async (p, ctx) => {
  try {
    return await judgeGroup(p, ctx)
  } catch (caught) {
    return awsErrorOutcome(caught, { signal: ctx.signal, profile: p.profile })
  }
}

async function judgeGroup(p: Params, ctx: CheckContext): Promise<CheckOutcome> {
  const client = await ctx.clients.aws('ec2', targetOf(p, ctx.env))
  const groups = await findGroups(client, p, ctx.signal)
  const asked = p.id ?? p.name ?? ''
  if (groups.length === 0) {
    const region = regionOf(p, ctx.env)
    const what = p.id ? 'id' : p.vpc ? 'name, the VPC' : 'name'
    return fail(`security group ${asked}${p.vpc ? ` in ${p.vpc}` : ''} does not exist`, {
      details: [
        `check the ${what} and the region${region ? ` (${region})` : ''}`,
        ...(p.name && /^sg-[0-9a-z]+$/.test(p.name)
          ? [`to look a group up by its id: id=${p.name}`]
          : []),
      ],
    })
  }
  if (groups.length > 1) {
    return error(`${groups.length} security groups are named ${asked}`, {
      details: [
        groups.map((g) => `${g.GroupId} (${g.VpcId ?? 'no VPC'})`).join(', '),
        'add vpc= with the VPC id, or give the id= of the one meant',
      ],
    })
  }
  const group = groups[0] as SecurityGroup
  const label = `${group.GroupId}${group.GroupName ? ` (${group.GroupName})` : ''}`
  const inbound = group.IpPermissions ?? []
  const worldOpen = inbound.flatMap((rule) => {
    const sources = worldSources(rule)
    return sources.length > 0 ? [{ rule, sources }] : []
  })
  const allowed = p.open ?? []
  const offending = worldOpen.filter(({ rule }) => !isAllowed(rule, allowed))
  const evidence = {
    group: group.GroupId,
    name: group.GroupName,
    vpc: group.VpcId,
    inboundRules: inbound.length,
    openToWorld: worldOpen.map(({ rule, sources }) => describeRule(rule, sources)),
  }
  // Each as [what the summary says after the group, the detail line].
  const unmet: (readonly [string, string])[] = []
  if (p.id && p.vpc && group.VpcId !== p.vpc) {
    const where = group.VpcId ?? 'no VPC'
    unmet.push([
      `is in ${where} (expected ${p.vpc})`,
      `the group is in ${where} (expected ${p.vpc})`,
    ])
  }
  for (const { rule, sources } of offending) {
    unmet.push([`lets the world in on ${whatOf(rule)}`, describeRule(rule, sources)])
  }

  const [first, ...rest] = unmet
  if (first !== undefined) {
    const more = rest.length > 0 ? ` (and ${rest.length} more)` : ''
    const them = offending.length > 1 ? 'them' : 'it'
    return fail(`security group ${label} ${first[0]}${more}`, {
      details: [
        ...unmet.map(([, detail]) => detail),
        ...(offending.length > 0
          ? [`close ${them}, or name the ports meant to be public in open= (such as open=443)`]
          : []),
      ],
      evidence,
    })
  }
  if (worldOpen.length === 0) {
    return pass(`${label} has no inbound rule open to the world (${count(inbound.length)})`, {
      evidence,
    })
  }
  const shown = [...new Set(worldOpen.map(({ rule }) => whatOf(rule)))]
  return pass(`${label} is open to the world on ${shown.join(', ')} only, as allowed`, {
    evidence,
  })
}

/** The group asked for, or every group of that name (more than one is ambiguous). */
async function findGroups(
  client: EC2Client,
  p: Params,
  signal: AbortSignal,
): Promise<SecurityGroup[]> {
  const { DescribeSecurityGroupsCommand, paginateDescribeSecurityGroups } = await import(
    '@aws-sdk/client-ec2'
  )
  return awsCall('ec2:DescribeSecurityGroups', async () => {
    if (p.id) {
      try {
        const found = await client.send(new DescribeSecurityGroupsCommand({ GroupIds: [p.id] }), {
          abortSignal: signal,
        })
        return expectAnswer(found, GroupsAnswer).SecurityGroups
      } catch (caught) {
        if (awsErrorName(caught) === 'InvalidGroup.NotFound') return []
        throw caught
      }
    }
    const filters = [
      { Name: 'group-name', Values: [p.name ?? ''] },
      ...(p.vpc ? [{ Name: 'vpc-id', Values: [p.vpc] }] : []),
    ]
    const groups: SecurityGroup[] = []
    const pages = paginateDescribeSecurityGroups(
      { client },
      { Filters: filters },
      {
        abortSignal: signal,
      },
    )
    for await (const page of pages) groups.push(...expectAnswer(page, GroupsAnswer).SecurityGroups)
    return groups
  })
}

/** The world-wide sources of a rule (`0.0.0.0/0`, `::/0`), with what they were noted as. */
function worldSources(rule: Permission): { readonly cidr: string; readonly note?: string }[] {
  const note = (description: string | undefined) => (description ? { note: description } : {})
  return [
    ...(rule.IpRanges ?? [])
      .filter((range) => range.CidrIp === WORLD_V4)
      .map((range) => ({ cidr: WORLD_V4, ...note(range.Description) })),
    ...(rule.Ipv6Ranges ?? [])
      .filter((range) => range.CidrIpv6 === WORLD_V6)
      .map((range) => ({ cidr: WORLD_V6, ...note(range.Description) })),
  ]
}

/** `tcp`, `udp`, `icmp`, `icmpv6`, `all` (-1), or the protocol number AWS gave. */
function protocolOf(rule: Permission): string {
  const numbers: Readonly<Record<string, string>> = {
    '-1': 'all',
    '6': 'tcp',
    '17': 'udp',
    '1': 'icmp',
    '58': 'icmpv6',
  }
  const protocol = rule.IpProtocol.toLowerCase()
  return numbers[protocol] ?? protocol
}

/** Whether every port of the rule is one the world may reach. */
function isAllowed(rule: Permission, allowed: readonly OpenPorts[]): boolean {
  const protocol = protocolOf(rule)
  if (protocol === 'icmp' || protocol === 'icmpv6')
    return allowed.some((o) => o.protocol === 'icmp')
  if (protocol !== 'tcp' && protocol !== 'udp') return false
  const [from, to] = portsOf(rule)
  const ranges = allowed
    .filter((o) => o.protocol === protocol || o.protocol === 'any')
    .sort((a, b) => a.from - b.from)
  // Walk the allowed ranges in order: covered up to `reached - 1` so far.
  let reached = from
  for (const range of ranges) {
    if (range.from > reached) break
    reached = Math.max(reached, range.to + 1)
    if (reached > to) return true
  }
  return false
}

/** A TCP or UDP rule's ports; AWS omits them (or sends -1) for every port. */
function portsOf(rule: Permission): [number, number] {
  const from = rule.FromPort === undefined || rule.FromPort < 0 ? 0 : rule.FromPort
  const to = rule.ToPort === undefined || rule.ToPort < 0 ? 65535 : rule.ToPort
  return [from, to]
}

/** `tcp port 22`, `tcp ports 1000-2000`, `all traffic`, `icmp`, `protocol 50`. */
function whatOf(rule: Permission): string {
  const protocol = protocolOf(rule)
  if (protocol === 'all') return 'all traffic'
  if (protocol === 'tcp' || protocol === 'udp') {
    const [from, to] = portsOf(rule)
    return from === to ? `${protocol} port ${from}` : `${protocol} ports ${from}-${to}`
  }
  if (protocol === 'icmp' || protocol === 'icmpv6') return protocol
  return `protocol ${protocol}`
}

/** `tcp port 22 is open to 0.0.0.0/0 ("ssh for debugging")`. */
function describeRule(rule: Permission, sources: ReturnType<typeof worldSources>): string {
  const note = sources.find((source) => source.note)?.note
  const cidrs = sources.map((source) => source.cidr).join(' and ')
  const what = whatOf(rule)
  const verb = what.includes(' ports ') ? 'are' : 'is'
  return `${what} ${verb} open to ${cidrs}${note ? ` ("${note}")` : ''}`
}

function count(rules: number): string {
  return rules === 1 ? '1 inbound rule' : `${rules} inbound rules`
}
