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
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  EC2Client,
  type IpPermission,
} from '@aws-sdk/client-ec2'
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
after(() => ec2.destroy())

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
    assert.match(result.summary, /^no answer from .+ to ec2:DescribeSecurityGroups: check the VPN/)
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
