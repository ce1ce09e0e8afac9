/**
 * `elb.targets` and `elb.load-balancer` against moto_server (a VPC, target
 * groups with healthy and stopped targets, load balancers with listeners and a
 * WAF web ACL, created here with the real SDK) and, for what moto cannot
 * produce — targets in `initial`, unhealthy or draining, a load balancer still
 * provisioning, throttling, a hung endpoint — against our fault server.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import {
  CreateSubnetCommand,
  CreateVpcCommand,
  EC2Client,
  RunInstancesCommand,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2'
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { AssociateWebACLCommand, CreateWebACLCommand, WAFV2Client } from '@aws-sdk/client-wafv2'
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
const WEB_TG = `dw-${run}-web`
const STOPPED_TG = `dw-${run}-stopped`
const EMPTY_TG = `dw-${run}-empty`
const SECURE_LB = `dw-${run}-secure`
const PLAIN_LB = `dw-${run}-plain`
const WEB_ACL = `dw-${run}-acl`
const CERTIFICATE = `arn:aws:iam::123456789012:server-certificate/dw-${run}`

const aws = { region: 'us-east-1', maxAttempts: 1 }
const ec2 = new EC2Client(aws)
const elb = new ElasticLoadBalancingV2Client(aws)
const waf = new WAFV2Client(aws)

before(async () => {
  const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }))
  const VpcId = Vpc?.VpcId
  const subnets: string[] = []
  for (const [i, zone] of ['us-east-1a', 'us-east-1b'].entries()) {
    const { Subnet } = await ec2.send(
      new CreateSubnetCommand({ VpcId, CidrBlock: `10.1.${i}.0/24`, AvailabilityZone: zone }),
    )
    subnets.push(Subnet?.SubnetId ?? '')
  }
  const group = async (Name: string, TargetType: 'ip' | 'instance') => {
    const { TargetGroups } = await elb.send(
      new CreateTargetGroupCommand({
        Name,
        Protocol: 'HTTP',
        Port: 8080,
        VpcId,
        TargetType,
        HealthCheckPath: '/health',
      }),
    )
    return TargetGroups?.[0]?.TargetGroupArn ?? ''
  }
  const web = await group(WEB_TG, 'ip')
  await elb.send(
    new RegisterTargetsCommand({
      TargetGroupArn: web,
      Targets: ['10.1.0.5', '10.1.0.6', '10.1.1.5'].map((Id) => ({ Id, Port: 8080 })),
    }),
  )
  // A stopped instance: moto, like ELB, calls it unused (Target.InvalidState).
  const stopped = await group(STOPPED_TG, 'instance')
  const { Instances } = await ec2.send(
    new RunInstancesCommand({
      // One of moto's own AMIs.
      ImageId: 'ami-03cf127a',
      MinCount: 1,
      MaxCount: 1,
      SubnetId: subnets[0],
    }),
  )
  const instance = Instances?.[0]?.InstanceId ?? ''
  await elb.send(
    new RegisterTargetsCommand({ TargetGroupArn: stopped, Targets: [{ Id: instance, Port: 80 }] }),
  )
  await ec2.send(new StopInstancesCommand({ InstanceIds: [instance] }))
  await group(EMPTY_TG, 'ip')

  const balancer = async (Name: string) => {
    const { LoadBalancers } = await elb.send(
      new CreateLoadBalancerCommand({ Name, Subnets: subnets, Type: 'application' }),
    )
    return LoadBalancers?.[0]?.LoadBalancerArn ?? ''
  }
  const secure = await balancer(SECURE_LB)
  await elb.send(
    new CreateListenerCommand({
      LoadBalancerArn: secure,
      Protocol: 'HTTPS',
      Port: 443,
      Certificates: [{ CertificateArn: CERTIFICATE }],
      DefaultActions: [{ Type: 'forward', TargetGroupArn: web }],
    }),
  )
  await elb.send(
    new CreateListenerCommand({
      LoadBalancerArn: secure,
      Protocol: 'HTTP',
      Port: 80,
      DefaultActions: [
        {
          Type: 'redirect',
          RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' },
        },
      ],
    }),
  )
  const plain = await balancer(PLAIN_LB)
  await elb.send(
    new CreateListenerCommand({
      LoadBalancerArn: plain,
      Protocol: 'HTTP',
      Port: 80,
      DefaultActions: [{ Type: 'forward', TargetGroupArn: web }],
    }),
  )
  const { Summary } = await waf.send(
    new CreateWebACLCommand({
      Name: WEB_ACL,
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      VisibilityConfig: {
        SampledRequestsEnabled: false,
        CloudWatchMetricsEnabled: false,
        MetricName: WEB_ACL,
      },
    }),
  )
  await waf.send(new AssociateWebACLCommand({ WebACLArn: Summary?.ARN, ResourceArn: secure }))
})

after(() => {
  for (const client of [ec2, elb, waf]) client.destroy()
})

function progressOf(checked: Awaited<ReturnType<typeof runChecklist>>): string[] {
  return checked.events.flatMap((e) => (e.type === 'check-progress' ? [e.message] : []))
}

/** Runs the directives against the fault server. */
function againstFault(...directives: string[]) {
  return withEnv({ AWS_ENDPOINT_URL: fault.url }, () => runChecklist(checklistOf(...directives)))
}

describe('elb.targets against moto', () => {
  it('passes when every target is healthy, with the health check path asked', async () => {
    const result = (
      await runChecklist(
        checklistOf(`elb.targets target-group=${WEB_TG} min-healthy=3 health-path=/health`),
      )
    ).result()
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.equal(result.summary, `${WEB_TG} 3 of 3 targets healthy, health check /health`)
    assert.equal(result.evidence?.healthy, 3)
    assert.deepEqual(result.evidence?.targets, [
      '10.1.0.5:8080 healthy',
      '10.1.0.6:8080 healthy',
      '10.1.1.5:8080 healthy',
    ])
  })

  it('takes the target group by ARN', async () => {
    const { TargetGroups } = await elb.send(
      new (await import('@aws-sdk/client-elastic-load-balancing-v2')).DescribeTargetGroupsCommand({
        Names: [WEB_TG],
      }),
    )
    const arn = TargetGroups?.[0]?.TargetGroupArn ?? ''
    const result = (await runChecklist(checklistOf(`elb.targets target-group=${arn}`))).result()
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(result.evidence?.arn, arn)
  })

  it('lists every unmet expectation: too few healthy, and the wrong health check path', async () => {
    const result = (
      await runChecklist(
        checklistOf(`elb.targets target-group=${WEB_TG} min-healthy=4 health-path=/ready`),
      )
    ).result()
    assert.equal(result.status, 'fail')
    assert.equal(
      result.summary,
      `target group ${WEB_TG} is not as required: 3 healthy (expected at least 4) (and 1 more)`,
    )
    assert.deepEqual(result.details, [
      '3 healthy (expected at least 4)',
      'health check path is /health (expected /ready)',
    ])
  })

  it('fails a target on a stopped instance with ELB’s reason, and a group without targets', async () => {
    const checked = await runChecklist(
      checklistOf(`elb.targets target-group=${STOPPED_TG}`, `elb.targets target-group=${EMPTY_TG}`),
    )
    const stopped = checked.result('check-1')
    assert.equal(stopped.status, 'fail')
    assert.match(
      stopped.details?.[0] ?? '',
      /^target i-\w+:80 is unused \(Target\.InvalidState: Target is in the stopped state\)$/,
    )
    const empty = checked.result('check-2')
    assert.equal(empty.status, 'fail')
    assert.deepEqual(empty.details, ['no targets registered (expected at least 1 healthy)'])
  })

  it('passes an empty group when min-healthy=0', async () => {
    const result = (
      await runChecklist(checklistOf(`elb.targets target-group=${EMPTY_TG} min-healthy=0`))
    ).result()
    assert.equal(result.status, 'pass', result.summary)
  })

  it('fails for a target group that does not exist', async () => {
    const result = (
      await runChecklist(checklistOf(`elb.targets target-group=dw-${run}-nope`))
    ).result()
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, `target group dw-${run}-nope does not exist`)
    assert.deepEqual(result.details, [
      'check the target group name or ARN and the region (us-east-1)',
    ])
  })
})

const TG_ARN =
  'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api-tg/6d0ecf831eec9f09'
const LB_ARN =
  'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/api/50dc6c495c0c9188'
const THROTTLED: AwsReply = { error: 'Throttling', message: 'Rate exceeded', status: 400 }

const targetGroup: AwsReply = {
  result: {
    TargetGroups: [
      {
        TargetGroupName: 'api-tg',
        TargetGroupArn: TG_ARN,
        Protocol: 'HTTP',
        Port: 8080,
        HealthCheckPath: '/health',
        LoadBalancerArns: [LB_ARN],
      },
    ],
  },
}

function health(...states: (string | [string, string, string])[]): AwsReply {
  return {
    result: {
      TargetHealthDescriptions: states.map((state, i) => {
        const [State, Reason, Description] = Array.isArray(state) ? state : [state]
        return {
          Target: { Id: `10.0.1.${i + 10}`, Port: 8080 },
          TargetHealth: { State, Reason, Description },
        }
      }),
    },
  }
}

describe('elb.targets in states moto cannot produce', () => {
  it('waits out targets in initial, then passes leaving draining ones aside', async () => {
    fault.script(({ action }, n) => {
      if (action === 'DescribeTargetGroups') return targetGroup
      return n <= 2
        ? health('healthy', 'initial', 'draining')
        : health('healthy', 'healthy', 'draining')
    })
    const checked = await againstFault('elb.targets target-group=api-tg; timeout: 3s')
    const result = checked.result()
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.equal(result.summary, 'api-tg 2 of 2 targets healthy (1 draining)')
    assert.equal(progressOf(checked).length, 2)
    assert.match(progressOf(checked)[0] ?? '', /^1 target initial, waiting/)
    assert.deepEqual(
      fault.requests.map((r) => r.action),
      [
        'DescribeTargetGroups',
        'DescribeTargetHealth',
        'DescribeTargetHealth',
        'DescribeTargetHealth',
      ],
    )
  })

  it('says targets are still initial when its time runs out', async () => {
    fault.script(({ action }) =>
      action === 'DescribeTargetGroups' ? targetGroup : health('healthy', 'initial'),
    )
    const result = (await againstFault('elb.targets target-group=api-tg; timeout: 2s')).result()
    assert.equal(result.status, 'error')
    assert.equal(result.summary, 'still 1 target initial after 2s')
    assert.equal(
      result.details?.[0],
      '1 of 2 targets healthy; the first health checks of the others are under way',
    )
  })

  it('fails every unhealthy target with its reason, listing ten and counting the rest', async () => {
    const failing: [string, string, string] = ['unhealthy', 'Target.Timeout', 'Request timed out']
    fault.script(({ action }) =>
      action === 'DescribeTargetGroups'
        ? targetGroup
        : health('healthy', ...Array.from({ length: 12 }, () => failing)),
    )
    const result = (await againstFault('elb.targets target-group=api-tg')).result()
    assert.equal(result.status, 'fail')
    assert.equal(
      result.summary,
      'target group api-tg is not as required: target 10.0.1.11:8080 is unhealthy (Target.Timeout: Request timed out) (and 10 more)',
    )
    assert.equal(result.details?.length, 11)
    assert.equal(result.details?.at(-1), 'and 2 more targets not healthy')
  })
})

describe('elb.targets errors', () => {
  it('retries throttling, then passes', async () => {
    fault.script(({ action }, n) =>
      action === 'DescribeTargetGroups' && n <= 2
        ? THROTTLED
        : action === 'DescribeTargetGroups'
          ? targetGroup
          : health('healthy'),
    )
    const result = (await againstFault('elb.targets target-group=api-tg')).result()
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(result.attempts, 3)
  })

  it('gives up on an endpoint that never answers, saying so', async () => {
    fault.script(() => 'hang')
    const result = await withEnv({ AWS_ENDPOINT_URL: fault.url }, async () =>
      (
        await runChecklist(checklistOf('elb.targets target-group=api-tg'), {
          awsRequestTimeoutMs: 200,
        })
      ).result(),
    )
    assert.equal(result.status, 'error')
    assert.match(
      result.summary,
      /^no answer from .+ to elasticloadbalancing:DescribeTargetGroups within \d+m?s: check the VPN/,
    )
  })

  it('errors with what to set when there are no credentials', async () => {
    const result = await withEnv(
      { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined },
      async () => (await runChecklist(checklistOf('elb.targets target-group=api-tg'))).result(),
    )
    assert.equal(result.status, 'error')
    assert.equal(result.summary, 'no AWS credentials')
  })

  it('declares the IAM actions it calls', () => {
    assert.deepEqual(CHECK_KINDS.get('elb.targets')?.iam?.({ 'target-group': 'tg' }), [
      'elasticloadbalancing:DescribeTargetGroups',
      'elasticloadbalancing:DescribeTargetHealth',
    ])
  })
})

// elb.load-balancer

function balancer(code: string): AwsReply {
  return {
    result: {
      LoadBalancers: [
        {
          LoadBalancerName: 'api',
          LoadBalancerArn: LB_ARN,
          DNSName: 'api-123.us-east-1.elb.amazonaws.com',
          Type: 'application',
          Scheme: 'internet-facing',
          State: { Code: code },
        },
      ],
    },
  }
}

describe('elb.load-balancer against moto', () => {
  it('passes with its listeners, certificate, redirect and web ACL', async () => {
    const result = (
      await runChecklist(
        checklistOf(
          `elb.load-balancer name=${SECURE_LB} listeners=https:443,HTTP:80 https-redirect=true waf=true`,
        ),
      )
    ).result()
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.equal(
      result.summary,
      `${SECURE_LB} active, listeners HTTPS:443, HTTP:80, HTTP:80 redirects to HTTPS:443, web ACL ${WEB_ACL}`,
    )
    assert.deepEqual(result.evidence?.listeners, {
      'HTTPS:443': `forwards to ${WEB_TG}, certificate ${CERTIFICATE}`,
      'HTTP:80': 'redirects to HTTPS:443',
    })
    assert.equal(result.evidence?.webAcl, WEB_ACL)
  })

  it('checks the web ACL by name, and no more than it is asked', async () => {
    const checked = await runChecklist(
      checklistOf(
        `elb.load-balancer name=${SECURE_LB} waf=${WEB_ACL}`,
        `elb.load-balancer name=${PLAIN_LB}`,
      ),
    )
    assert.equal(checked.result('check-1').status, 'pass', checked.result('check-1').summary)
    const plain = checked.result('check-2')
    assert.equal(plain.status, 'pass', plain.summary)
    assert.equal(plain.summary, `${PLAIN_LB} active`)
    assert.equal(plain.evidence?.listeners, undefined)
  })

  it('lists every unmet expectation: listener, redirect and web ACL', async () => {
    const result = (
      await runChecklist(
        checklistOf(
          `elb.load-balancer name=${PLAIN_LB} listeners=HTTPS:443,HTTP:80 https-redirect=true waf=true`,
        ),
      )
    ).result()
    assert.equal(result.status, 'fail')
    assert.equal(
      result.summary,
      `load balancer ${PLAIN_LB} is not as required: no HTTPS:443 listener (it has HTTP:80) (and 2 more)`,
    )
    assert.deepEqual(result.details, [
      'no HTTPS:443 listener (it has HTTP:80)',
      `listener HTTP:80 forwards to ${WEB_TG} (expected a redirect to HTTPS)`,
      'no WAF web ACL attached (expected one)',
    ])
  })

  it('fails the opposite expectations: no redirect, no web ACL, another web ACL', async () => {
    const checked = await runChecklist(
      checklistOf(
        `elb.load-balancer name=${SECURE_LB} https-redirect=false waf=false`,
        `elb.load-balancer name=${SECURE_LB} waf=other-acl`,
      ),
    )
    assert.deepEqual(checked.result('check-1').details, [
      'listener HTTP:80 redirects to HTTPS (expected no redirect)',
      `web ACL ${WEB_ACL} attached (expected none)`,
    ])
    assert.deepEqual(checked.result('check-2').details, [
      `web ACL ${WEB_ACL} is attached (expected other-acl)`,
    ])
  })

  it('fails for a load balancer that does not exist', async () => {
    const result = (
      await runChecklist(checklistOf(`elb.load-balancer name=dw-${run}-nope`))
    ).result()
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, `load balancer dw-${run}-nope does not exist`)
  })
})

describe('elb.load-balancer in states moto cannot produce', () => {
  it('waits out provisioning, then checks its listeners', async () => {
    fault.script(({ action }, n) => {
      if (action === 'DescribeLoadBalancers') return balancer(n === 1 ? 'provisioning' : 'active')
      return {
        result: {
          Listeners: [
            { Protocol: 'TLS', Port: 443, Certificates: [] },
            {
              Protocol: 'HTTP',
              Port: 80,
              DefaultActions: [
                { Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '#{port}' } },
              ],
            },
          ],
        },
      }
    })
    const checked = await againstFault(
      'elb.load-balancer name=api listeners=TLS:443 https-redirect=true; timeout: 3s',
    )
    const result = checked.result()
    assert.match(progressOf(checked)[0] ?? '', /^provisioning, waiting/)
    assert.equal(result.status, 'fail')
    assert.deepEqual(result.details, [
      'listener TLS:443 has no certificate',
      'listener HTTP:80 redirects to HTTPS:80, where there is no HTTPS listener',
    ])
  })

  it('fails a load balancer that failed, with its reason', async () => {
    fault.script(() => {
      const reply = balancer('failed') as { result: { LoadBalancers: { State: object }[] } }
      const [lb] = reply.result.LoadBalancers
      if (lb) lb.State = { Code: 'failed', Reason: 'Subnet subnet-1 has no free addresses' }
      return reply
    })
    const result = (await againstFault('elb.load-balancer name=api')).result()
    assert.equal(result.status, 'fail')
    assert.deepEqual(result.details, ['it is failed: Subnet subnet-1 has no free addresses'])
  })

  it('names the WAF permission it lacks', async () => {
    fault.script(({ service }) =>
      service === 'wafv2'
        ? {
            error: 'AccessDeniedException',
            message: 'not authorized to perform: wafv2:GetWebACLForResource',
          }
        : balancer('active'),
    )
    const result = (await againstFault('elb.load-balancer name=api waf=true')).result()
    assert.equal(result.status, 'error')
    assert.equal(
      result.summary,
      'access denied: the AWS identity may not call wafv2:GetWebACLForResource',
    )
  })
})

describe('elb.load-balancer errors', () => {
  it('retries throttling, then passes', async () => {
    fault.script((_, n) => (n <= 1 ? THROTTLED : balancer('active')))
    const result = (await againstFault('elb.load-balancer name=api')).result()
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(result.attempts, 2)
  })

  it('gives up on an endpoint that never answers, saying so', async () => {
    fault.script(() => 'hang')
    const result = await withEnv({ AWS_ENDPOINT_URL: fault.url }, async () =>
      (
        await runChecklist(checklistOf('elb.load-balancer name=api'), { awsRequestTimeoutMs: 200 })
      ).result(),
    )
    assert.equal(result.status, 'error')
    assert.match(
      result.summary,
      /^no answer from .+ to elasticloadbalancing:DescribeLoadBalancers within \d+m?s: check the VPN/,
    )
  })

  it('errors with what to set when there are no credentials', async () => {
    const result = await withEnv(
      { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined },
      async () => (await runChecklist(checklistOf('elb.load-balancer name=api'))).result(),
    )
    assert.equal(result.status, 'error')
    assert.equal(result.summary, 'no AWS credentials')
  })

  it('declares the IAM actions it calls, only those its parameters ask for', () => {
    const kind = CHECK_KINDS.get('elb.load-balancer')
    assert.deepEqual(kind?.iam?.({ name: 'lb' }), ['elasticloadbalancing:DescribeLoadBalancers'])
    assert.deepEqual(kind?.iam?.({ name: 'lb', 'https-redirect': 'true', waf: 'false' }), [
      'elasticloadbalancing:DescribeLoadBalancers',
      'elasticloadbalancing:DescribeListeners',
      'wafv2:GetWebACLForResource',
    ])
  })
})
