/**
 * `ec2.vpc`: a VPC exists (by id or Name tag) and is available, with at least
 * the public and private subnets asked for, a NAT gateway available, VPC
 * endpoints for the services named, and flow logs on. Each of those costs its
 * own API calls, made only when its parameter is given, at once. Every unmet
 * expectation is listed, not just the first.
 *
 * A subnet is public when its route table — the one associated with it, else the
 * VPC's main one — sends 0.0.0.0/0 (or ::/0) to an internet gateway by a route
 * that is not a blackhole; every other subnet is private.
 */
import type { EC2Client } from '@aws-sdk/client-ec2'
import * as z from 'zod'
import { type CheckContext, error, fail, pass, type RunCheck } from '../kind.ts'
import type { VpcParams as Params } from '../kinds/ec2.ts'
import type { CheckOutcome } from '../runner.ts'
import { expectAnswer } from './answers.ts'
import { awsCall, awsErrorName, awsErrorOutcome } from './errors.ts'
import { regionOf, targetOf } from './target.ts'

const Tags = z.array(z.object({ Key: z.string().optional(), Value: z.string().optional() }))

/** What is read of each answer: AWS sends each list, empty when nothing matched. */
const VpcsAnswer = z.object({
  Vpcs: z.array(
    z.object({
      VpcId: z.string(),
      State: z.string(),
      CidrBlock: z.string().optional(),
      IsDefault: z.boolean().optional(),
      Tags: Tags.optional(),
    }),
  ),
})
type Vpc = z.output<typeof VpcsAnswer>['Vpcs'][number]

const SubnetsAnswer = z.object({
  Subnets: z.array(
    z.object({
      SubnetId: z.string(),
      AvailabilityZone: z.string().optional(),
      CidrBlock: z.string().optional(),
    }),
  ),
})
type Subnet = z.output<typeof SubnetsAnswer>['Subnets'][number]

const RouteTablesAnswer = z.object({
  RouteTables: z.array(
    z.object({
      RouteTableId: z.string().optional(),
      Associations: z
        .array(z.object({ Main: z.boolean().optional(), SubnetId: z.string().optional() }))
        .optional(),
      Routes: z
        .array(
          z.object({
            DestinationCidrBlock: z.string().optional(),
            DestinationIpv6CidrBlock: z.string().optional(),
            GatewayId: z.string().optional(),
            State: z.string().optional(),
          }),
        )
        .optional(),
    }),
  ),
})
type RouteTable = z.output<typeof RouteTablesAnswer>['RouteTables'][number]

const NatGatewaysAnswer = z.object({
  NatGateways: z.array(
    z.object({
      NatGatewayId: z.string(),
      State: z.string().optional(),
      SubnetId: z.string().optional(),
      ConnectivityType: z.string().optional(),
      FailureMessage: z.string().optional(),
    }),
  ),
})
type NatGateway = z.output<typeof NatGatewaysAnswer>['NatGateways'][number]

const EndpointsAnswer = z.object({
  VpcEndpoints: z.array(
    z.object({
      VpcEndpointId: z.string(),
      ServiceName: z.string(),
      State: z.string().optional(),
      VpcEndpointType: z.string().optional(),
    }),
  ),
  NextToken: z.string().optional(),
})
type Endpoint = z.output<typeof EndpointsAnswer>['VpcEndpoints'][number]

const FlowLogsAnswer = z.object({
  FlowLogs: z.array(
    z.object({
      FlowLogId: z.string(),
      FlowLogStatus: z.string().optional(),
      DeliverLogsStatus: z.string().optional(),
      DeliverLogsErrorMessage: z.string().optional(),
      LogDestinationType: z.string().optional(),
      LogDestination: z.string().optional(),
      LogGroupName: z.string().optional(),
    }),
  ),
})
type FlowLog = z.output<typeof FlowLogsAnswer>['FlowLogs'][number]

/** Runs an `ec2.vpc` check (its parameters: kinds/ec2.ts). */
export const checkVpc: RunCheck<Params> = async (p, ctx) => {
  try {
    return await judgeVpc(p, ctx)
  } catch (caught) {
    return awsErrorOutcome(caught, { signal: ctx.signal, profile: p.profile })
  }
}

/** What was found against what was asked: phrases for the summary and lines for the details. */
interface Findings {
  readonly verified: string[]
  readonly unmet: string[]
  /** Said once, after the unmet expectations: how to read or fix them. */
  readonly notes: string[]
}

async function judgeVpc(p: Params, ctx: CheckContext): Promise<CheckOutcome> {
  const client = await ctx.clients.aws('ec2', targetOf(p, ctx.env))
  const vpcs = await findVpcs(client, p, ctx.signal)
  const asked = p.id ?? p.name ?? ''
  if (vpcs.length === 0) {
    const region = regionOf(p, ctx.env)
    return fail(`VPC ${asked} does not exist`, {
      details: [
        `check the ${p.id ? 'id' : 'Name tag'} and the region${region ? ` (${region})` : ''}`,
        ...(p.name && /^vpc-[0-9a-z]+$/.test(p.name)
          ? [`to look a VPC up by its id: id=${p.name}`]
          : []),
      ],
    })
  }
  if (vpcs.length > 1) {
    return error(`${vpcs.length} VPCs are named ${asked}`, {
      details: [vpcs.map((v) => v.VpcId).join(', '), 'give the id= of the one meant'],
    })
  }
  const vpc = vpcs[0] as Vpc
  const id = vpc.VpcId
  const wantsSubnets = p['public-subnets'] !== undefined || p['private-subnets'] !== undefined
  const [layout, nats, endpoints, flowLogs] = await Promise.all([
    wantsSubnets ? subnetLayout(client, id, ctx.signal) : undefined,
    p['nat-gateway'] === undefined ? undefined : natGateways(client, id, ctx.signal),
    p.endpoints === undefined ? undefined : vpcEndpoints(client, id, ctx.signal),
    p['flow-logs'] === undefined ? undefined : flowLogsOf(client, id, ctx.signal),
  ])

  const findings: Findings = { verified: [], unmet: [], notes: [] }
  if (vpc.State === 'available') findings.verified.push('available')
  else findings.unmet.push(`the VPC is ${vpc.State} (expected available)`)
  if (layout) checkSubnets(layout, p, findings)
  if (nats && p['nat-gateway'] !== undefined) checkNat(nats, p['nat-gateway'], findings)
  if (endpoints && p.endpoints) checkEndpoints(endpoints, p.endpoints, findings)
  if (flowLogs && p['flow-logs'] !== undefined) checkFlowLogs(flowLogs, p['flow-logs'], findings)

  const name = nameOf(vpc)
  const label = `${id}${name && name !== id ? ` (${name})` : ''}`
  const evidence = {
    vpc: id,
    name,
    state: vpc.State,
    cidr: vpc.CidrBlock,
    ...(vpc.IsDefault ? { default: true } : {}),
    ...(layout
      ? {
          publicSubnets: layout.public.map(subnetText),
          privateSubnets: layout.private.map(subnetText),
        }
      : {}),
    ...(nats ? { natGateways: nats.map(natText) } : {}),
    ...(endpoints ? { endpoints: endpoints.map(endpointText) } : {}),
    ...(flowLogs ? { flowLogs: flowLogs.map(flowLogText) } : {}),
  }
  const [first, ...rest] = findings.unmet
  if (first === undefined) return pass(`${label} ${findings.verified.join(', ')}`, { evidence })
  const more = rest.length > 0 ? ` (and ${rest.length} more)` : ''
  return fail(`VPC ${label} is not as required: ${first}${more}`, {
    details: [...findings.unmet, ...findings.notes],
    evidence,
  })
}

/** The VPC asked for, or every VPC with that Name tag (more than one is ambiguous). */
async function findVpcs(client: EC2Client, p: Params, signal: AbortSignal): Promise<Vpc[]> {
  const { DescribeVpcsCommand, paginateDescribeVpcs } = await import('@aws-sdk/client-ec2')
  return awsCall('ec2:DescribeVpcs', async () => {
    if (p.id) {
      try {
        const found = await client.send(new DescribeVpcsCommand({ VpcIds: [p.id] }), {
          abortSignal: signal,
        })
        return expectAnswer(found, VpcsAnswer).Vpcs
      } catch (caught) {
        if (awsErrorName(caught) === 'InvalidVpcID.NotFound') return []
        throw caught
      }
    }
    const vpcs: Vpc[] = []
    const filters = [{ Name: 'tag:Name', Values: [p.name ?? ''] }]
    for await (const page of paginateDescribeVpcs(
      { client },
      { Filters: filters },
      { abortSignal: signal },
    ))
      vpcs.push(...expectAnswer(page, VpcsAnswer).Vpcs)
    return vpcs
  })
}

interface SubnetLayout {
  readonly public: Subnet[]
  readonly private: Subnet[]
}

/** The VPC's subnets, public or private by their route tables. */
async function subnetLayout(
  client: EC2Client,
  vpcId: string,
  signal: AbortSignal,
): Promise<SubnetLayout> {
  const { paginateDescribeSubnets, paginateDescribeRouteTables } = await import(
    '@aws-sdk/client-ec2'
  )
  const filters = [{ Name: 'vpc-id', Values: [vpcId] }]
  const [subnets, tables] = await Promise.all([
    awsCall('ec2:DescribeSubnets', async () => {
      const found: Subnet[] = []
      for await (const page of paginateDescribeSubnets(
        { client },
        { Filters: filters },
        { abortSignal: signal },
      ))
        found.push(...expectAnswer(page, SubnetsAnswer).Subnets)
      return found
    }),
    awsCall('ec2:DescribeRouteTables', async () => {
      const found: RouteTable[] = []
      for await (const page of paginateDescribeRouteTables(
        { client },
        { Filters: filters },
        { abortSignal: signal },
      ))
        found.push(...expectAnswer(page, RouteTablesAnswer).RouteTables)
      return found
    }),
  ])
  const main = tables.find((table) => table.Associations?.some((a) => a.Main === true))
  const tableOf = (subnet: Subnet) =>
    tables.find((table) => table.Associations?.some((a) => a.SubnetId === subnet.SubnetId)) ?? main
  const isPublic = (subnet: Subnet) => routesToInternet(tableOf(subnet))
  return {
    public: subnets.filter(isPublic),
    private: subnets.filter((subnet) => !isPublic(subnet)),
  }
}

/** Whether the table sends the whole internet to an internet gateway, by a route that works. */
function routesToInternet(table: RouteTable | undefined): boolean {
  return (table?.Routes ?? []).some(
    (route) =>
      (route.DestinationCidrBlock === '0.0.0.0/0' || route.DestinationIpv6CidrBlock === '::/0') &&
      route.GatewayId?.startsWith('igw-') === true &&
      route.State !== 'blackhole',
  )
}

async function natGateways(
  client: EC2Client,
  vpcId: string,
  signal: AbortSignal,
): Promise<NatGateway[]> {
  const { paginateDescribeNatGateways } = await import('@aws-sdk/client-ec2')
  return awsCall('ec2:DescribeNatGateways', async () => {
    const found: NatGateway[] = []
    const filter = [{ Name: 'vpc-id', Values: [vpcId] }]
    for await (const page of paginateDescribeNatGateways(
      { client },
      { Filter: filter },
      { abortSignal: signal },
    ))
      found.push(...expectAnswer(page, NatGatewaysAnswer).NatGateways)
    // Deleted ones linger in the answer for about an hour: they are gone.
    return found.filter((nat) => nat.State !== 'deleted')
  })
}

async function vpcEndpoints(
  client: EC2Client,
  vpcId: string,
  signal: AbortSignal,
): Promise<Endpoint[]> {
  const { DescribeVpcEndpointsCommand } = await import('@aws-sdk/client-ec2')
  return awsCall('ec2:DescribeVpcEndpoints', async () => {
    // The SDK has no paginator for this call: follow NextToken by hand.
    const found: Endpoint[] = []
    let token: string | undefined
    do {
      const page = expectAnswer(
        await client.send(
          new DescribeVpcEndpointsCommand({
            Filters: [{ Name: 'vpc-id', Values: [vpcId] }],
            ...(token ? { NextToken: token } : {}),
          }),
          { abortSignal: signal },
        ),
        EndpointsAnswer,
      )
      found.push(...page.VpcEndpoints)
      token = page.NextToken
    } while (token)
    return found.filter((endpoint) => !/^deleted$/i.test(endpoint.State ?? ''))
  })
}

async function flowLogsOf(
  client: EC2Client,
  vpcId: string,
  signal: AbortSignal,
): Promise<FlowLog[]> {
  const { paginateDescribeFlowLogs } = await import('@aws-sdk/client-ec2')
  return awsCall('ec2:DescribeFlowLogs', async () => {
    const found: FlowLog[] = []
    const filter = [{ Name: 'resource-id', Values: [vpcId] }]
    for await (const page of paginateDescribeFlowLogs(
      { client },
      { Filter: filter },
      { abortSignal: signal },
    ))
      found.push(...expectAnswer(page, FlowLogsAnswer).FlowLogs)
    return found
  })
}

function checkSubnets(layout: SubnetLayout, p: Params, findings: Findings): void {
  const asked = (
    [
      ['public', p['public-subnets']],
      ['private', p['private-subnets']],
    ] as const
  ).filter(([, wanted]) => wanted !== undefined)
  const short = asked.filter(([kind, wanted]) => layout[kind].length < (wanted ?? 0))
  for (const [kind, wanted] of short) {
    const have = layout[kind]
    const ids = have.length > 0 ? `: ${have.map((s) => s.SubnetId).join(', ')}` : ''
    findings.unmet.push(`${subnets(have.length, kind)} (expected at least ${wanted})${ids}`)
  }
  if (short.length > 0) {
    findings.notes.push(
      'a subnet is public when its route table (or the VPC main one) sends 0.0.0.0/0 to an internet gateway; all others are private',
    )
    return
  }
  // `2 public and 3 private subnets`, `1 public subnet`.
  const counts = asked.map(([kind]) => `${layout[kind].length} ${kind}`)
  const last = asked.at(-1)?.[0] ?? 'public'
  findings.verified.push(`${counts.join(' and ')} subnet${layout[last].length === 1 ? '' : 's'}`)
}

/** `1 public subnet`, `0 private subnets`. */
function subnets(count: number, kind: string): string {
  return `${count} ${kind} subnet${count === 1 ? '' : 's'}`
}

function checkNat(nats: readonly NatGateway[], wanted: boolean, findings: Findings): void {
  const isPublic = (nat: NatGateway) => nat.ConnectivityType !== 'private'
  const available = nats.filter((nat) => nat.State === 'available' && isPublic(nat))
  if (wanted) {
    if (available[0]) {
      findings.verified.push(
        `NAT gateway ${available.map((nat) => nat.NatGatewayId).join(', ')} available`,
      )
      return
    }
    const others = nats.map(natText)
    findings.unmet.push(
      others.length > 0
        ? `no NAT gateway to the internet is available (${others.join('; ')})`
        : 'the VPC has no NAT gateway (expected one available)',
    )
    return
  }
  const working = nats.filter((nat) => nat.State === 'available' || nat.State === 'pending')
  if (working.length === 0) findings.verified.push('no NAT gateway')
  else
    findings.unmet.push(
      `the VPC has NAT gateway ${working.map(natText).join('; ')} (expected none)`,
    )
}

/**
 * `s3` for `com.amazonaws.us-east-1.s3`, `ecr.api` for `com.amazonaws.eu-west-1.ecr.api`;
 * any other service name (a partner's, `aws.sagemaker.…`) as it is.
 */
function shortName(serviceName: string): string {
  const match = /^(?:cn\.)?com\.amazonaws\.[a-z]{2}(?:-[a-z]+)+-\d+\.(.+)$/.exec(serviceName)
  return match?.[1] ?? serviceName
}

function checkEndpoints(
  endpoints: readonly Endpoint[],
  services: readonly string[],
  findings: Findings,
): void {
  const has = [...new Set(endpoints.map((e) => shortName(e.ServiceName)))]
  const available: string[] = []
  for (const service of services) {
    const matching = endpoints.filter(
      (e) => shortName(e.ServiceName) === service || e.ServiceName === service,
    )
    if (matching.some((e) => e.State?.toLowerCase() === 'available')) {
      available.push(service)
    } else if (matching[0]) {
      const states = matching.map((e) => `${e.VpcEndpointId} ${e.State ?? 'in no state'}`)
      findings.unmet.push(`the VPC endpoint for ${service} is not available (${states.join(', ')})`)
    } else {
      const present = has.length > 0 ? `it has ${has.join(', ')}` : 'it has none'
      findings.unmet.push(`no VPC endpoint for ${service} (${present})`)
    }
  }
  if (available.length > 0) findings.verified.push(`endpoints ${available.join(', ')}`)
}

function checkFlowLogs(logs: readonly FlowLog[], wanted: boolean, findings: Findings): void {
  const active = logs.filter((log) => log.FlowLogStatus === 'ACTIVE')
  if (!wanted) {
    if (active.length === 0) findings.verified.push('flow logs off')
    else
      findings.unmet.push(`flow logs are on (${active.map(flowLogText).join('; ')}) (expected off)`)
    return
  }
  const delivering = active.filter((log) => log.DeliverLogsStatus !== 'FAILED')
  if (delivering.length > 0) {
    findings.verified.push(`flow logs on (${delivering.map(destinationOf).join(', ')})`)
  } else if (active.length > 0) {
    const why = active.map((log) => `${log.FlowLogId}: ${log.DeliverLogsErrorMessage ?? 'FAILED'}`)
    findings.unmet.push(`flow logs are on but cannot deliver (${why.join('; ')})`)
  } else {
    findings.unmet.push('the VPC has no flow log (expected one)')
  }
}

function nameOf(vpc: Vpc): string | undefined {
  return vpc.Tags?.find((tag) => tag.Key === 'Name')?.Value
}

function subnetText(subnet: Subnet): string {
  const where = [subnet.AvailabilityZone, subnet.CidrBlock].filter(Boolean).join(', ')
  return where ? `${subnet.SubnetId} (${where})` : subnet.SubnetId
}

/** `nat-0ab pending`, `nat-0cd failed: Elastic IP address is already associated`. */
function natText(nat: NatGateway): string {
  const kind = nat.ConnectivityType === 'private' ? ' (private)' : ''
  const why = nat.State === 'failed' && nat.FailureMessage ? `: ${nat.FailureMessage}` : ''
  return `${nat.NatGatewayId} ${nat.State ?? 'in no state'}${kind}${why}`
}

function endpointText(endpoint: Endpoint): string {
  const type = endpoint.VpcEndpointType ? `, ${endpoint.VpcEndpointType}` : ''
  return `${shortName(endpoint.ServiceName)} (${endpoint.VpcEndpointId} ${endpoint.State ?? ''}${type})`
}

/** `s3 arn:aws:s3:::flow-logs`, `cloud-watch-logs vpc-flow`. */
function destinationOf(log: FlowLog): string {
  const type = log.LogDestinationType ?? 'cloud-watch-logs'
  const where = log.LogDestination ?? log.LogGroupName
  return where ? `${type} ${where}` : type
}

function flowLogText(log: FlowLog): string {
  const delivery = log.DeliverLogsStatus ? `, ${log.DeliverLogsStatus}` : ''
  return `${log.FlowLogId} ${log.FlowLogStatus ?? ''} to ${destinationOf(log)}${delivery}`
}
