/**
 * The EC2 kinds against moto_server (VPCs, subnets, route tables, gateways,
 * endpoints, flow logs and security groups created here with the real SDK)
 * and, for what moto cannot do (a NAT gateway still pending, a flow log that
 * cannot deliver, throttling, a hung endpoint, refused permissions, answers of
 * the wrong shape), against the AWS fault server speaking EC2's protocol.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import {
  AllocateAddressCommand,
  AssociateRouteTableCommand,
  AttachInternetGatewayCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateFlowLogsCommand,
  CreateInternetGatewayCommand,
  CreateNatGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcEndpointCommand,
  DescribeRouteTablesCommand,
  EC2Client,
  type IpPermission,
} from '@aws-sdk/client-ec2'
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3'
import { CHECK_KINDS } from '../../src/checks/registry.ts'
import {
  type AwsReply,
  pointAwsAt,
  type Script,
  startAwsFaultServer,
  withEnv,
} from '../helpers/aws-fault-server.ts'
import { backend, checklistOf, type RunOptions, runChecklist } from '../helpers/checks.ts'

pointAwsAt(backend('moto'))
const fault = await startAwsFaultServer()
after(() => fault.close())

const run = randomUUID().slice(0, 8)
const ec2 = new EC2Client({ region: 'us-east-1', maxAttempts: 1 })
const s3 = new S3Client({ region: 'us-east-1', maxAttempts: 1, forcePathStyle: true })
after(() => {
  ec2.destroy()
  s3.destroy()
})

/** The one check's result, run against moto. */
async function check(directive: string) {
  return (await runChecklist(checklistOf(directive))).result()
}

/** Runs `directives` against the fault server, answering with `script`. */
function atFault(script: Script, options: RunOptions = {}) {
  fault.script(script)
  return (...directives: string[]) =>
    withEnv({ AWS_ENDPOINT_URL: fault.url }, () =>
      runChecklist(checklistOf(...directives), options),
    )
}

async function createVpc(name: string, cidr: string): Promise<string> {
  const { Vpc } = await ec2.send(
    new CreateVpcCommand({
      CidrBlock: cidr,
      TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: name }] }],
    }),
  )
  assert.ok(Vpc?.VpcId)
  return Vpc.VpcId
}

async function createGroup(name: string, vpc: string, rules: IpPermission[]): Promise<string> {
  const { GroupId } = await ec2.send(
    new CreateSecurityGroupCommand({ GroupName: name, Description: name, VpcId: vpc }),
  )
  assert.ok(GroupId)
  if (rules.length > 0) {
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId, IpPermissions: rules }))
  }
  return GroupId
}

async function createSubnet(vpc: string, cidr: string, zone: string): Promise<string> {
  const { Subnet } = await ec2.send(
    new CreateSubnetCommand({ VpcId: vpc, CidrBlock: cidr, AvailabilityZone: zone }),
  )
  assert.ok(Subnet?.SubnetId)
  return Subnet.SubnetId
}

async function attachGateway(vpc: string): Promise<string> {
  const { InternetGateway } = await ec2.send(new CreateInternetGatewayCommand({}))
  const gateway = InternetGateway?.InternetGatewayId
  assert.ok(gateway)
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: gateway, VpcId: vpc }))
  return gateway
}

async function mainRouteTable(vpc: string): Promise<string> {
  const { RouteTables } = await ec2.send(
    new DescribeRouteTablesCommand({
      Filters: [
        { Name: 'vpc-id', Values: [vpc] },
        { Name: 'association.main', Values: ['true'] },
      ],
    }),
  )
  const table = RouteTables?.[0]?.RouteTableId
  assert.ok(table)
  return table
}

async function routeToInternet(table: string, gateway: string): Promise<void> {
  await ec2.send(
    new CreateRouteCommand({
      RouteTableId: table,
      DestinationCidrBlock: '0.0.0.0/0',
      GatewayId: gateway,
    }),
  )
}

const world = { IpRanges: [{ CidrIp: '0.0.0.0/0' }] }
const tcp = (from: number, to = from): IpPermission => ({
  IpProtocol: 'tcp',
  FromPort: from,
  ToPort: to,
})

describe('ec2.security-group against moto', () => {
  const WEB = `dw-${run}-web`
  const WIDE = `dw-${run}-wide`
  const CLOSED = `dw-${run}-closed`
  const TWICE = `dw-${run}-twice`
  let vpc = ''
  let otherVpc = ''
  let webId = ''
  let twiceId = ''

  before(async () => {
    vpc = await createVpc(`dw-${run}-sg`, '10.10.0.0/16')
    otherVpc = await createVpc(`dw-${run}-sg-other`, '10.11.0.0/16')
    webId = await createGroup(WEB, vpc, [
      { ...tcp(443), ...world, Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
      { ...tcp(80), ...world },
      // Not the world: a private range and another group.
      { ...tcp(5432), IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
    ])
    await createGroup(WIDE, vpc, [
      { IpProtocol: '-1', ...world },
      { ...tcp(8000, 8100), ...world },
      { IpProtocol: 'udp', FromPort: 53, ToPort: 53, ...world },
      { IpProtocol: 'icmp', FromPort: -1, ToPort: -1, ...world },
      {
        ...tcp(22),
        IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'ssh while debugging' }],
      },
    ])
    await createGroup(CLOSED, vpc, [{ ...tcp(22), IpRanges: [{ CidrIp: '192.0.2.0/24' }] }])
    twiceId = await createGroup(TWICE, vpc, [])
    await createGroup(TWICE, otherVpc, [])
  })

  it('passes a group open to the world only on the ports allowed, naming them', async () => {
    const result = await check(`ec2.security-group name=${WEB} open=443,80/tcp`)
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.equal(
      result.summary,
      `${webId} (${WEB}) is open to the world on tcp port 443, tcp port 80 only, as allowed`,
    )
    assert.deepEqual(result.evidence?.openToWorld, [
      'tcp port 443 is open to 0.0.0.0/0 and ::/0',
      'tcp port 80 is open to 0.0.0.0/0',
    ])
    assert.equal(result.evidence?.vpc, vpc)
    assert.equal(result.evidence?.inboundRules, 3)
  })

  it('passes a group no inbound rule of which is open to the world', async () => {
    const result = await check(`ec2.security-group name=${CLOSED}`)
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.match(
      result.summary,
      / \(dw-.+-closed\) has no inbound rule open to the world \(1 inbound rule\)$/,
    )
  })

  it('fails listing each rule open to the world when nothing is allowed', async () => {
    const result = await check(`ec2.security-group id=${webId}`)
    assert.equal(result.status, 'fail')
    assert.equal(
      result.summary,
      `security group ${webId} (${WEB}) lets the world in on tcp port 443 (and 1 more)`,
    )
    assert.deepEqual(result.details, [
      'tcp port 443 is open to 0.0.0.0/0 and ::/0',
      'tcp port 80 is open to 0.0.0.0/0',
      'close them, or name the ports meant to be public in open= (such as open=443)',
    ])
  })

  it('never allows all traffic, and allows a range only when every port of it is allowed', async () => {
    const result = await check(`ec2.security-group name=${WIDE} open=8000-8050,8040-8099,53/tcp`)
    assert.equal(result.status, 'fail')
    assert.deepEqual(result.details, [
      'all traffic is open to 0.0.0.0/0',
      'tcp ports 8000-8100 are open to 0.0.0.0/0',
      'udp port 53 is open to 0.0.0.0/0',
      'icmp is open to 0.0.0.0/0',
      'tcp port 22 is open to 0.0.0.0/0 ("ssh while debugging")',
      'close them, or name the ports meant to be public in open= (such as open=443)',
    ])
  })

  it('allows what open= names: a covering set of ranges, a bare port for UDP too, and icmp', async () => {
    const result = await check(
      `ec2.security-group name=${WIDE} open=8000-8050,8040-8100,53,icmp,22/tcp`,
    )
    assert.equal(result.status, 'fail')
    assert.deepEqual(result.details, [
      'all traffic is open to 0.0.0.0/0',
      'close it, or name the ports meant to be public in open= (such as open=443)',
    ])
  })

  it('errors when the name is used in two VPCs, and tells them apart with vpc=', async () => {
    const ambiguous = await check(`ec2.security-group name=${TWICE}`)
    assert.equal(ambiguous.status, 'error')
    assert.equal(ambiguous.summary, `2 security groups are named ${TWICE}`)
    assert.equal(
      ambiguous.details?.at(-1),
      'add vpc= with the VPC id, or give the id= of the one meant',
    )
    const inVpc = await check(`ec2.security-group name=${TWICE} vpc=${vpc}`)
    assert.equal(inVpc.status, 'pass', inVpc.summary)
    assert.equal(inVpc.evidence?.group, twiceId)
  })

  it('fails a group given by id that is in another VPC than the one asked', async () => {
    const result = await check(`ec2.security-group id=${twiceId} vpc=${otherVpc}`)
    assert.equal(result.status, 'fail')
    assert.equal(
      result.summary,
      `security group ${twiceId} (${TWICE}) is in ${vpc} (expected ${otherVpc})`,
    )
  })

  it('fails for a group that does not exist, by name and by id', async () => {
    const byName = await check(`ec2.security-group name=dw-${run}-nope vpc=${vpc}`)
    assert.equal(byName.status, 'fail')
    assert.equal(byName.summary, `security group dw-${run}-nope in ${vpc} does not exist`)
    assert.deepEqual(byName.details, ['check the name, the VPC and the region (us-east-1)'])
    const byId = await check('ec2.security-group id=sg-0123456789abcdef0')
    assert.equal(byId.status, 'fail')
    assert.equal(byId.summary, 'security group sg-0123456789abcdef0 does not exist')
    const idAsName = await check('ec2.security-group name=sg-0123456789abcdef0')
    assert.equal(idAsName.status, 'fail')
    assert.equal(idAsName.details?.at(-1), 'to look a group up by its id: id=sg-0123456789abcdef0')
  })
})

describe('ec2.security-group parameters', () => {
  it('refuses a port it cannot read, a malformed id and neither name nor id', async () => {
    const run = await runChecklist(
      checklistOf(
        'ec2.security-group name=web open=443/sctp',
        'ec2.security-group id=web',
        'ec2.security-group vpc=vpc-1',
      ),
      { despiteErrors: true },
    )
    assert.match(run.result('check-1').summary, /'443\/sctp' is not a port \(443\), a range/)
    assert.match(run.result('check-2').summary, /expected an id such as sg-0123456789abcdef0/)
    assert.match(run.result('check-3').summary, /needs 'name' or 'id' \(one of them\)/)
  })
})

/** A DescribeSecurityGroups answer with one group holding these inbound rules. */
function group(rules: IpPermission[]): AwsReply {
  return {
    result: {
      SecurityGroups: [
        { GroupId: 'sg-0f00', GroupName: 'api', VpcId: 'vpc-0f00', IpPermissions: rules },
      ],
    },
  }
}

describe('ec2.security-group in states moto cannot produce', () => {
  it('reads protocols given by number, and every port when a TCP rule names none', async () => {
    const run = await atFault(() =>
      group([
        { IpProtocol: '6', FromPort: 22, ToPort: 22, ...world },
        { IpProtocol: '17', ...world },
        { IpProtocol: '50', ...world },
        { IpProtocol: '58', Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
      ]),
    )('ec2.security-group name=api open=icmp')
    const result = run.result()
    assert.equal(result.status, 'fail')
    assert.deepEqual(result.details?.slice(0, -1), [
      'tcp port 22 is open to 0.0.0.0/0',
      'udp ports 0-65535 are open to 0.0.0.0/0',
      'protocol 50 is open to 0.0.0.0/0',
    ])
  })
})

describe('the EC2 kinds when AWS does not answer as asked', () => {
  it('retries EC2 throttling (RequestLimitExceeded), then passes', async () => {
    const run = await atFault((_, n) =>
      n === 1 ? { error: 'RequestLimitExceeded', message: 'Request limit exceeded.' } : group([]),
    )('ec2.security-group name=api')
    const result = run.result()
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(result.attempts, 2)
  })

  it('gives up with an error when the throttling does not stop', async () => {
    const run = await atFault(() => ({ error: 'RequestLimitExceeded', message: 'slow down' }))(
      'ec2.security-group name=api',
    )
    const result = run.result()
    assert.equal(result.status, 'error')
    assert.equal(
      result.summary,
      'AWS throttled ec2:DescribeSecurityGroups (RequestLimitExceeded) (gave up after 4 attempts)',
    )
  })

  it('says which endpoint did not answer when the calls hang', async () => {
    const run = await atFault(() => 'hang', { awsRequestTimeoutMs: 200 })(
      'ec2.security-group name=api',
    )
    const result = run.result()
    assert.equal(result.status, 'error')
    assert.match(
      result.summary,
      /^no answer from .+ to ec2:DescribeSecurityGroups within \d+m?s: check the VPN/,
    )
  })

  it('names the permission the identity lacks (EC2 says UnauthorizedOperation)', async () => {
    const run = await atFault(() => ({
      error: 'UnauthorizedOperation',
      message: 'You are not authorized to perform this operation.',
      status: 403,
    }))('ec2.security-group name=api')
    const result = run.result()
    assert.equal(result.status, 'error')
    assert.equal(
      result.summary,
      'access denied: the AWS identity may not call ec2:DescribeSecurityGroups',
    )
  })

  it('errors with what to set when there are no credentials', async () => {
    const run = await withEnv(
      {
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined,
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/deploy-wizard/credentials',
        AWS_CONFIG_FILE: '/nonexistent/deploy-wizard/config',
      },
      () => runChecklist(checklistOf('ec2.security-group name=api')),
    )
    assert.equal(run.result().status, 'error')
    assert.equal(run.result().summary, 'no AWS credentials')
  })

  it('does not take an answer without the group list for a group that does not exist', async () => {
    const run = await atFault(() => ({ result: {} }))('ec2.security-group name=api')
    const result = run.result()
    assert.equal(result.status, 'error')
    assert.equal(
      result.summary,
      `unexpected answer from EC2 at ${fault.url}: SecurityGroups is missing`,
    )
  })

  it('calls exactly the IAM action it declares', async () => {
    await atFault(() => group([]))('ec2.security-group name=api')
    const declared = CHECK_KINDS.get('ec2.security-group')?.iam?.({ name: 'api' })
    assert.deepEqual(
      fault.requests.map((r) => `${r.service}:${r.action}`),
      declared,
    )
  })
})

describe('ec2.vpc against moto', () => {
  const FULL = `dw-${run}-full`
  const BARE = `dw-${run}-bare`
  const TWIN = `dw-${run}-twin`
  const LOGS = `dw-${run}-flow-logs`
  const ALL =
    'public-subnets=2 private-subnets=2 nat-gateway=true endpoints=s3,dynamodb flow-logs=true'
  let full = ''
  let bare = ''
  let nat = ''
  let bareSubnet = ''

  before(async () => {
    // Two public subnets (their own table routes to the internet gateway), two private ones
    // (the main table, which does not), a NAT gateway, two endpoints and a flow log.
    full = await createVpc(FULL, '10.20.0.0/16')
    const gateway = await attachGateway(full)
    const { RouteTable } = await ec2.send(new CreateRouteTableCommand({ VpcId: full }))
    const publicTable = RouteTable?.RouteTableId
    assert.ok(publicTable)
    await routeToInternet(publicTable, gateway)
    const publicA = await createSubnet(full, '10.20.1.0/24', 'us-east-1a')
    const publicB = await createSubnet(full, '10.20.2.0/24', 'us-east-1b')
    for (const subnet of [publicA, publicB]) {
      await ec2.send(
        new AssociateRouteTableCommand({ RouteTableId: publicTable, SubnetId: subnet }),
      )
    }
    await createSubnet(full, '10.20.11.0/24', 'us-east-1a')
    await createSubnet(full, '10.20.12.0/24', 'us-east-1b')
    const { AllocationId } = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }))
    const { NatGateway } = await ec2.send(
      new CreateNatGatewayCommand({ SubnetId: publicA, AllocationId }),
    )
    nat = NatGateway?.NatGatewayId ?? ''
    const main = await mainRouteTable(full)
    for (const service of ['s3', 'dynamodb']) {
      await ec2.send(
        new CreateVpcEndpointCommand({
          VpcId: full,
          ServiceName: `com.amazonaws.us-east-1.${service}`,
          RouteTableIds: [main],
        }),
      )
    }
    await s3.send(new CreateBucketCommand({ Bucket: LOGS }))
    const { FlowLogIds } = await ec2.send(
      new CreateFlowLogsCommand({
        ResourceIds: [full],
        ResourceType: 'VPC',
        TrafficType: 'ALL',
        LogDestinationType: 's3',
        LogDestination: `arn:aws:s3:::${LOGS}`,
      }),
    )
    assert.equal(FlowLogIds?.length, 1)

    // One subnet, public through the main route table; nothing else.
    bare = await createVpc(BARE, '10.21.0.0/16')
    await routeToInternet(await mainRouteTable(bare), await attachGateway(bare))
    bareSubnet = await createSubnet(bare, '10.21.1.0/24', 'us-east-1c')

    await createVpc(TWIN, '10.22.0.0/16')
    await createVpc(TWIN, '10.23.0.0/16')
  })

  it('passes a VPC with everything asked for, saying what it verified', async () => {
    const result = await check(`ec2.vpc name=${FULL} ${ALL}`)
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.equal(
      result.summary,
      `${full} (${FULL}) available, 2 public and 2 private subnets, NAT gateway ${nat} available, endpoints s3, dynamodb, flow logs on (s3 arn:aws:s3:::${LOGS})`,
    )
    assert.equal(result.evidence?.cidr, '10.20.0.0/16')
    assert.deepEqual(
      ((result.evidence?.publicSubnets ?? []) as string[]).map((s) =>
        s.replace(/^subnet-\w+ /, ''),
      ),
      ['(us-east-1a, 10.20.1.0/24)', '(us-east-1b, 10.20.2.0/24)'],
    )
    assert.deepEqual(result.evidence?.natGateways, [`${nat} available`])
  })

  it('finds a VPC by id, and checks only that it is available when nothing else is asked', async () => {
    const result = await check(`ec2.vpc id=${full}`)
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.equal(result.summary, `${full} (${FULL}) available`)
    assert.equal(result.evidence?.natGateways, undefined)
  })

  it('counts a subnet without a table of its own as public when the main table routes to the internet', async () => {
    const result = await check(`ec2.vpc name=${BARE} public-subnets=1 private-subnets=0`)
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.equal(result.summary, `${bare} (${BARE}) available, 1 public and 0 private subnets`)
  })

  it('lists every unmet expectation, with what a public subnet is', async () => {
    const result = await check(`ec2.vpc name=${BARE} ${ALL}`)
    assert.equal(result.status, 'fail')
    assert.equal(
      result.summary,
      `VPC ${bare} (${BARE}) is not as required: 1 public subnet (expected at least 2): ${bareSubnet} (and 5 more)`,
    )
    assert.deepEqual(result.details, [
      `1 public subnet (expected at least 2): ${bareSubnet}`,
      '0 private subnets (expected at least 2)',
      'the VPC has no NAT gateway (expected one available)',
      'no VPC endpoint for s3 (it has none)',
      'no VPC endpoint for dynamodb (it has none)',
      'the VPC has no flow log (expected one)',
      'a subnet is public when its route table (or the VPC main one) sends 0.0.0.0/0 to an internet gateway; all others are private',
    ])
  })

  it('fails a VPC with a NAT gateway and flow logs when none are asked for, and an endpoint it lacks', async () => {
    const result = await check(
      `ec2.vpc id=${full} nat-gateway=false flow-logs=false endpoints=s3,ecr.api`,
    )
    assert.equal(result.status, 'fail')
    assert.deepEqual(result.details, [
      `the VPC has NAT gateway ${nat} available (expected none)`,
      'no VPC endpoint for ecr.api (it has s3, dynamodb)',
      `flow logs are on (${result.evidence?.flowLogs}) (expected off)`,
    ])
    assert.match(
      String(result.evidence?.flowLogs),
      new RegExp(`^fl-\\w+ ACTIVE to s3 arn:aws:s3:::${LOGS}`),
    )
  })

  it('fails for a VPC that does not exist, by name and by id', async () => {
    const byName = await check(`ec2.vpc name=dw-${run}-nope`)
    assert.equal(byName.status, 'fail')
    assert.equal(byName.summary, `VPC dw-${run}-nope does not exist`)
    assert.deepEqual(byName.details, ['check the Name tag and the region (us-east-1)'])
    const byId = await check('ec2.vpc id=vpc-0123456789abcdef0')
    assert.equal(byId.status, 'fail')
    assert.equal(byId.summary, 'VPC vpc-0123456789abcdef0 does not exist')
    const idAsName = await check('ec2.vpc name=vpc-0123456789abcdef0')
    assert.equal(idAsName.status, 'fail')
    assert.deepEqual(idAsName.details, [
      'check the Name tag and the region (us-east-1)',
      'to look a VPC up by its id: id=vpc-0123456789abcdef0',
    ])
  })

  it('errors, rather than guess, when two VPCs share the Name tag', async () => {
    const result = await check(`ec2.vpc name=${TWIN}`)
    assert.equal(result.status, 'error')
    assert.equal(result.summary, `2 VPCs are named ${TWIN}`)
    assert.equal(result.details?.at(-1), 'give the id= of the one meant')
  })
})

/** Answers for a VPC `vpc-0f00` named `main`, by action; `replies` replaces any of them. */
function vpcAccount(replies: Record<string, AwsReply> = {}): Script {
  const answers: Record<string, AwsReply> = {
    DescribeVpcs: {
      result: {
        Vpcs: [
          {
            VpcId: 'vpc-0f00',
            State: 'available',
            CidrBlock: '10.0.0.0/16',
            Tags: [{ Key: 'Name', Value: 'main' }],
          },
        ],
      },
    },
    DescribeSubnets: { result: { Subnets: [] } },
    DescribeRouteTables: { result: { RouteTables: [] } },
    DescribeNatGateways: { result: { NatGateways: [] } },
    DescribeVpcEndpoints: { result: { VpcEndpoints: [] } },
    DescribeFlowLogs: { result: { FlowLogs: [] } },
    ...replies,
  }
  return ({ action }) => answers[action] ?? { error: 'InvalidAction', message: action }
}

describe('ec2.vpc in states moto cannot produce', () => {
  it('fails what is on its way or broken: pending, failed, private-only, blackholed, not delivering', async () => {
    const run = await atFault(
      vpcAccount({
        DescribeVpcs: {
          result: { Vpcs: [{ VpcId: 'vpc-0f00', State: 'pending', Tags: [] }] },
        },
        DescribeSubnets: { result: { Subnets: [{ SubnetId: 'subnet-0a' }] } },
        DescribeRouteTables: {
          result: {
            RouteTables: [
              {
                Associations: [{ SubnetId: 'subnet-0a' }],
                Routes: [
                  { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-0f', State: 'blackhole' },
                ],
              },
            ],
          },
        },
        DescribeNatGateways: {
          result: {
            NatGateways: [
              { NatGatewayId: 'nat-01', State: 'pending' },
              { NatGatewayId: 'nat-02', State: 'failed', FailureMessage: 'EIP in use' },
              { NatGatewayId: 'nat-03', State: 'available', ConnectivityType: 'private' },
              { NatGatewayId: 'nat-04', State: 'deleted' },
            ],
          },
        },
        DescribeVpcEndpoints: {
          result: {
            VpcEndpoints: [
              {
                VpcEndpointId: 'vpce-01',
                ServiceName: 'com.amazonaws.us-east-1.ecr.api',
                State: 'pendingAcceptance',
              },
            ],
          },
        },
        DescribeFlowLogs: {
          result: {
            FlowLogs: [
              {
                FlowLogId: 'fl-01',
                FlowLogStatus: 'ACTIVE',
                DeliverLogsStatus: 'FAILED',
                DeliverLogsErrorMessage: 'Access error',
              },
            ],
          },
        },
      }),
    )('ec2.vpc id=vpc-0f00 public-subnets=1 nat-gateway=true endpoints=ecr.api flow-logs=true')
    const result = run.result()
    assert.equal(result.status, 'fail')
    assert.deepEqual(result.details, [
      'the VPC is pending (expected available)',
      '0 public subnets (expected at least 1)',
      'no NAT gateway to the internet is available (nat-01 pending; nat-02 failed: EIP in use; nat-03 available (private))',
      'the VPC endpoint for ecr.api is not available (vpce-01 pendingAcceptance)',
      'flow logs are on but cannot deliver (fl-01: Access error)',
      'a subnet is public when its route table (or the VPC main one) sends 0.0.0.0/0 to an internet gateway; all others are private',
    ])
  })

  it('follows the pages of VPC endpoints', async () => {
    const endpoint = (id: string, service: string) => ({
      VpcEndpointId: id,
      ServiceName: `com.amazonaws.us-east-1.${service}`,
      State: 'available',
    })
    const firstPage: AwsReply = {
      result: { VpcEndpoints: [endpoint('vpce-01', 's3')], NextToken: 'page-2' },
    }
    const lastPage: AwsReply = { result: { VpcEndpoints: [endpoint('vpce-02', 'ecr.dkr')] } }
    const account = vpcAccount()
    const run = await atFault((request, n) => {
      if (request.action !== 'DescribeVpcEndpoints') return account(request, n)
      return n === 1 ? firstPage : lastPage
    })('ec2.vpc name=main endpoints=s3,ecr.dkr')
    const result = run.result()
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.equal(result.summary, 'vpc-0f00 (main) available, endpoints s3, ecr.dkr')
    const asked = fault.requests.filter((r) => r.action === 'DescribeVpcEndpoints')
    assert.equal(asked[1]?.params.NextToken, 'page-2')
  })
})

describe('ec2.vpc permissions and answers', () => {
  it('makes only the calls its parameters ask for, each declared', async () => {
    const kind = CHECK_KINDS.get('ec2.vpc')
    const actionsOf = () => fault.requests.map((r) => `${r.service}:${r.action}`).sort()
    await atFault(vpcAccount())('ec2.vpc name=main flow-logs=true')
    assert.deepEqual(actionsOf(), ['ec2:DescribeFlowLogs', 'ec2:DescribeVpcs'])
    assert.deepEqual(
      actionsOf(),
      [...(kind?.iam?.({ name: 'main', 'flow-logs': 'true' }) ?? [])].sort(),
    )
    const all = {
      name: 'main',
      'public-subnets': '1',
      'nat-gateway': 'true',
      endpoints: 's3',
      'flow-logs': 'false',
    }
    await atFault(vpcAccount())(
      `ec2.vpc ${Object.entries(all)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`,
    )
    assert.deepEqual(actionsOf(), [...(kind?.iam?.(all) ?? [])].sort())
    assert.equal(fault.requests.length, 6)
  })

  it('names the permission the identity lacks', async () => {
    const run = await atFault(
      vpcAccount({
        DescribeNatGateways: {
          error: 'UnauthorizedOperation',
          message: 'You are not authorized to perform this operation.',
          status: 403,
        },
      }),
    )('ec2.vpc name=main nat-gateway=true')
    const result = run.result()
    assert.equal(result.status, 'error')
    assert.equal(
      result.summary,
      'access denied: the AWS identity may not call ec2:DescribeNatGateways',
    )
  })

  it('does not take an answer without the route tables for a VPC without public subnets', async () => {
    const run = await atFault(vpcAccount({ DescribeRouteTables: { result: {} } }))(
      'ec2.vpc name=main public-subnets=1',
    )
    const result = run.result()
    assert.equal(result.status, 'error')
    assert.equal(
      result.summary,
      `unexpected answer from EC2 at ${fault.url}: RouteTables is missing`,
    )
    assert.equal(result.details?.[0], 'the answer to ec2:DescribeRouteTables, with HTTP 200')
  })

  it('retries throttling of any of its calls, then passes', async () => {
    const account = vpcAccount()
    const run = await atFault((request, n) =>
      request.action === 'DescribeFlowLogs' && n === 1
        ? { error: 'RequestLimitExceeded', message: 'Request limit exceeded.' }
        : account(request, n),
    )('ec2.vpc name=main flow-logs=false')
    const result = run.result()
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(result.summary, 'vpc-0f00 (main) available, flow logs off')
    assert.equal(result.attempts, 2)
  })

  it('says which endpoint did not answer when the calls hang', async () => {
    const run = await atFault(() => 'hang', { awsRequestTimeoutMs: 200 })('ec2.vpc name=main')
    const result = run.result()
    assert.equal(result.status, 'error')
    assert.match(
      result.summary,
      /^no answer from .+ to ec2:DescribeVpcs within \d+m?s: check the VPN/,
    )
  })

  it('errors with what to set when there are no credentials', async () => {
    const run = await withEnv(
      {
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined,
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/deploy-wizard/credentials',
        AWS_CONFIG_FILE: '/nonexistent/deploy-wizard/config',
      },
      () => runChecklist(checklistOf('ec2.vpc name=main profile=ops')),
    )
    assert.equal(run.result().status, 'error')
    assert.equal(run.result().summary, 'no AWS credentials for profile ops')
  })
})
