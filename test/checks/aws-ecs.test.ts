/**
 * `ecs.service` against moto_server (a cluster, task definitions, services and
 * a target group created here with the real SDK; moto runs 2 tasks of every
 * service, see backends/start.ts) and, for what moto cannot produce — a rollout
 * that goes from IN_PROGRESS to COMPLETED, one that FAILED, targets in `initial`,
 * unhealthy or draining, throttling, a hung endpoint — against our fault server.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2'
import {
  CreateClusterCommand,
  CreateServiceCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs'
import {
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { CHECK_KINDS } from '../../src/checks/registry.ts'
import {
  type AwsReply,
  type AwsRequest,
  pointAwsAt,
  startAwsFaultServer,
  withEnv,
} from '../helpers/aws-fault-server.ts'
import { backend, checklistOf, runChecklist } from '../helpers/checks.ts'

const moto = backend('moto')
pointAwsAt(moto)
const fault = await startAwsFaultServer()
after(() => fault.close())

const run = randomUUID().slice(0, 8)
const CLUSTER = `dw-${run}`
const FAMILY = `dw-${run}-web`
const TARGET_GROUP = `dw-${run}-web`

const aws = { region: 'us-east-1', maxAttempts: 1 }
const ec2 = new EC2Client(aws)
const ecs = new ECSClient(aws)
const elb = new ElasticLoadBalancingV2Client(aws)
let targetGroupArn = ''

before(async () => {
  const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))
  await ec2.send(new CreateSubnetCommand({ VpcId: Vpc?.VpcId, CidrBlock: '10.0.1.0/24' }))
  const { TargetGroups } = await elb.send(
    new CreateTargetGroupCommand({
      Name: TARGET_GROUP,
      Protocol: 'HTTP',
      Port: 8080,
      VpcId: Vpc?.VpcId,
      TargetType: 'ip',
    }),
  )
  targetGroupArn = TargetGroups?.[0]?.TargetGroupArn ?? ''
  await elb.send(
    new RegisterTargetsCommand({
      TargetGroupArn: targetGroupArn,
      Targets: [
        { Id: '10.0.1.5', Port: 8080 },
        { Id: '10.0.1.6', Port: 8080 },
      ],
    }),
  )
  await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }))
  for (const image of ['web:1', 'web:2']) {
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: FAMILY,
        containerDefinitions: [{ name: 'web', image, memory: 256 }],
      }),
    )
  }
  const service = (name: string, desiredCount: number, withTargets = false) =>
    ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: name,
        taskDefinition: `${FAMILY}:2`,
        desiredCount,
        ...(withTargets
          ? { loadBalancers: [{ targetGroupArn, containerName: 'web', containerPort: 8080 }] }
          : {}),
      }),
    )
  await service('web', 2, true)
  await service('worker', 2)
  await service('growing', 3)
  await service('crowded', 1)
})

after(() => {
  for (const client of [ec2, ecs, elb]) client.destroy()
})

describe('ecs.service against moto', () => {
  it('passes for a steady service on the revision asked, with its targets healthy', async () => {
    const result = (
      await runChecklist(
        checklistOf(
          `ecs.service cluster=${CLUSTER} service=web task-definition=${FAMILY}:2 targets=true`,
        ),
      )
    ).result()
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.equal(
      result.summary,
      `web 2 of 2 tasks running, deployment COMPLETED, task definition ${FAMILY}:2, 2 of 2 targets healthy`,
    )
    assert.equal(result.evidence?.taskDefinition, `${FAMILY}:2`)
    assert.deepEqual(result.evidence?.targetGroups, { [TARGET_GROUP]: '2 of 2 targets healthy' })
    assert.equal(result.evidence?.rollout, 'COMPLETED')
  })

  it('accepts the family alone, or the ARN, for the task definition', async () => {
    const checked = await runChecklist(
      checklistOf(
        `ecs.service cluster=${CLUSTER} service=worker task-definition=${FAMILY}`,
        `ecs.service cluster=${CLUSTER} service=worker task-definition=arn:aws:ecs:us-east-1:123456789012:task-definition/${FAMILY}:2`,
      ),
    )
    for (const result of checked.results.values())
      assert.equal(result.status, 'pass', result.summary)
  })

  it('lists every unmet expectation: revision, desired count, and a service without target groups', async () => {
    const result = (
      await runChecklist(
        checklistOf(
          `ecs.service cluster=${CLUSTER} service=worker task-definition=${FAMILY}:1 desired=4 targets=true`,
        ),
      )
    ).result()
    assert.equal(result.status, 'fail')
    assert.equal(
      result.summary,
      'service worker is not as required: desired count is 2 (expected 4) (and 2 more)',
    )
    assert.deepEqual(result.details, [
      'desired count is 2 (expected 4)',
      `deployment uses task definition ${FAMILY}:2 (expected ${FAMILY}:1)`,
      'the service has no load balancer target groups (expected some with targets=true)',
    ])
  })

  it('fails a service running more tasks than it desires', async () => {
    const result = (
      await runChecklist(checklistOf(`ecs.service cluster=${CLUSTER} service=crowded`))
    ).result()
    assert.equal(result.status, 'fail')
    assert.deepEqual(result.details, ['2 tasks running, 1 desired'])
  })

  it('with wait=false, fails a deployment still IN_PROGRESS at once', async () => {
    const result = (
      await runChecklist(checklistOf(`ecs.service cluster=${CLUSTER} service=growing wait=false`))
    ).result()
    assert.equal(result.status, 'fail')
    assert.deepEqual(result.details, [
      'deployment is IN_PROGRESS (expected COMPLETED)',
      '2 of 3 tasks running, 1 pending',
    ])
  })

  it('waits for a deployment IN_PROGRESS and says so when its timeout runs out', async () => {
    const checked = await runChecklist(
      checklistOf(`ecs.service cluster=${CLUSTER} service=growing; timeout: 2s`),
    )
    const result = checked.result()
    assert.equal(result.status, 'error')
    assert.equal(result.summary, 'still deployment IN_PROGRESS (2 of 3 tasks running) after 2s')
    assert.match(
      progressOf(checked)[0] ?? '',
      /^deployment IN_PROGRESS \(2 of 3 tasks running\), waiting/,
    )
  })

  it('fails for a service or a cluster that does not exist', async () => {
    const checked = await runChecklist(
      checklistOf(
        `ecs.service cluster=${CLUSTER} service=nope`,
        `ecs.service cluster=dw-${run}-nope service=web`,
      ),
    )
    const service = checked.result('check-1')
    assert.equal(service.status, 'fail')
    assert.equal(service.summary, `service nope does not exist in cluster ${CLUSTER}`)
    assert.deepEqual(service.details, [
      'check the service name, the cluster and the region (us-east-1)',
    ])
    const cluster = checked.result('check-2')
    assert.equal(cluster.status, 'fail')
    assert.equal(cluster.summary, `cluster dw-${run}-nope does not exist`)
  })
})

const SERVICE_ARN = 'arn:aws:ecs:us-east-1:123456789012:service/prod/api'
const TG_ARN =
  'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api-tg/6d0ecf831eec9f09'
const THROTTLED: AwsReply = { error: 'ThrottlingException', message: 'Rate exceeded' }

function deployment(rolloutState: string, extra: Record<string, unknown> = {}) {
  return {
    id: 'ecs-svc/1111',
    status: 'PRIMARY',
    taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/api:42',
    rolloutState,
    updatedAt: new Date('2025-01-10T09:00:00Z'),
    ...extra,
  }
}

function service(extra: Record<string, unknown> = {}): AwsReply {
  return {
    result: {
      services: [
        {
          serviceName: 'api',
          serviceArn: SERVICE_ARN,
          clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/prod',
          status: 'ACTIVE',
          desiredCount: 3,
          runningCount: 3,
          pendingCount: 0,
          deployments: [deployment('COMPLETED')],
          loadBalancers: [{ targetGroupArn: TG_ARN, containerName: 'api', containerPort: 8080 }],
          events: [
            {
              id: 'e1',
              createdAt: new Date('2025-01-10T09:01:02Z'),
              message: '(service api) has reached a steady state.',
            },
          ],
          ...extra,
        },
      ],
      failures: [],
    },
  }
}

function health(...states: (string | [string, string, string])[]): AwsReply {
  return {
    result: {
      TargetHealthDescriptions: states.map((state, i) => {
        const [State, Reason, Description] = Array.isArray(state) ? state : [state]
        return {
          Target: { Id: `10.0.1.${i + 10}`, Port: 8080 },
          HealthCheckPort: '8080',
          TargetHealth: { State, Reason, Description },
        }
      }),
    },
  }
}

/** Answers DescribeServices with `services(n)` and DescribeTargetHealth with `targets(n)`. */
function scriptEcs(
  services: (n: number) => AwsReply,
  targets: (n: number) => AwsReply = () => health('healthy', 'healthy', 'healthy'),
) {
  fault.script((request: AwsRequest, n) =>
    request.action === 'DescribeServices' ? services(n) : targets(n),
  )
}

function progressOf(checked: Awaited<ReturnType<typeof runChecklist>>): string[] {
  return checked.events.flatMap((e) => (e.type === 'check-progress' ? [e.message] : []))
}

/** Runs the directives against the fault server. */
function againstFault(...directives: string[]) {
  return withEnv({ AWS_ENDPOINT_URL: fault.url }, () => runChecklist(checklistOf(...directives)))
}

describe('ecs.service in states moto cannot produce', () => {
  it('waits out a rollout, then targets in initial, showing each, then passes', async () => {
    scriptEcs(
      (n) =>
        n === 1
          ? service({
              runningCount: 1,
              pendingCount: 2,
              deployments: [
                deployment('IN_PROGRESS'),
                { ...deployment('COMPLETED'), id: 'ecs-svc/0000', status: 'ACTIVE' },
              ],
            })
          : service(),
      (n) =>
        n === 1
          ? health('healthy', 'initial', 'initial', 'draining')
          : health('healthy', 'healthy', 'healthy', 'draining'),
    )
    const checked = await againstFault(
      'ecs.service cluster=prod service=api targets=true; timeout: 3s',
    )
    const result = checked.result()
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.equal(
      result.summary,
      'api 3 of 3 tasks running, deployment COMPLETED, 3 of 3 targets healthy (1 draining)',
    )
    assert.deepEqual(
      progressOf(checked).map((m) => m.replace(/\((?:\d+ms|\d+\.\ds)\)$/, '(…)')),
      [
        'deployment IN_PROGRESS (1 of 3 tasks running), waiting (…)',
        '2 targets initial in api-tg, waiting (…)',
      ],
    )
    // Target health is read only once the rollout is over: before, it is the old tasks'.
    assert.deepEqual(
      fault.requests.map((r) => r.action),
      [
        'DescribeServices',
        'DescribeServices',
        'DescribeTargetHealth',
        'DescribeServices',
        'DescribeTargetHealth',
      ],
    )
    assert.deepEqual(fault.requests[0]?.params, { cluster: 'prod', services: ['api'] })
  })

  it('fails a FAILED rollout at once, while ECS rolls back, with the reason and where to look', async () => {
    scriptEcs(() =>
      service({
        runningCount: 2,
        deployments: [
          {
            ...deployment('IN_PROGRESS'),
            id: 'ecs-svc/0000',
            taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/api:41',
          },
          {
            ...deployment('FAILED', {
              rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
            }),
            status: 'ACTIVE',
          },
        ],
        events: [
          {
            createdAt: new Date('2025-01-10T09:05:00Z'),
            message: '(service api) (task 0a1b) failed container health checks.',
          },
        ],
      }),
    )
    const checked = await againstFault('ecs.service cluster=prod service=api; timeout: 3s')
    const result = checked.result()
    assert.equal(result.status, 'fail')
    assert.equal(
      result.summary,
      'service api is not as required: deployment ecs-svc/1111 FAILED: ECS deployment circuit breaker: tasks failed to start. (and 2 more)',
    )
    assert.deepEqual(result.details, [
      'deployment ecs-svc/1111 FAILED: ECS deployment circuit breaker: tasks failed to start.',
      'ECS is rolling back to api:41 (IN_PROGRESS)',
      '2 of 3 tasks running',
      'stopped tasks say why: aws ecs list-tasks --cluster prod --service-name api --desired-status STOPPED',
      'latest service event (2025-01-10 09:05:00Z): (service api) (task 0a1b) failed container health checks.',
    ])
    assert.deepEqual(progressOf(checked), [])
  })

  it('fails targets that are unhealthy, unused or missing, with ELB’s reasons', async () => {
    scriptEcs(
      () =>
        service({
          loadBalancers: [
            { targetGroupArn: TG_ARN },
            { targetGroupArn: TG_ARN.replace('api-tg', 'gone-tg') },
            { targetGroupArn: TG_ARN.replace('api-tg', 'empty-tg') },
          ],
        }),
      (n) => {
        const arn = String(
          fault.requests.filter((r) => r.action === 'DescribeTargetHealth')[n - 1]?.params
            .TargetGroupArn,
        )
        if (arn.includes('gone-tg'))
          return { error: 'TargetGroupNotFound', message: 'One or more target groups not found' }
        if (arn.includes('empty-tg')) return health()
        return health(
          'healthy',
          [
            'unhealthy',
            'Target.ResponseCodeMismatch',
            'Health checks failed with these codes: [502]',
          ],
          [
            'unused',
            'Target.NotInUse',
            'Target group is not configured to receive traffic from the load balancer',
          ],
        )
      },
    )
    const result = (
      await againstFault('ecs.service cluster=prod service=api targets=true')
    ).result()
    assert.equal(result.status, 'fail')
    assert.deepEqual(result.details, [
      'target 10.0.1.11:8080 in api-tg is unhealthy (Target.ResponseCodeMismatch: Health checks failed with these codes: [502])',
      'target 10.0.1.12:8080 in api-tg is unused (Target.NotInUse: Target group is not configured to receive traffic from the load balancer)',
      'target group gone-tg does not exist',
      'no targets registered in empty-tg',
      'latest service event (2025-01-10 09:01:02Z): (service api) has reached a steady state.',
    ])
  })

  it('asks for a desired count of at least 1 unless desired=0 is written', async () => {
    scriptEcs(() => service({ desiredCount: 0, runningCount: 0, loadBalancers: [] }))
    const checked = await againstFault(
      'ecs.service cluster=prod service=api',
      'ecs.service cluster=prod service=api desired=0',
    )
    assert.equal(checked.result('check-1').status, 'fail')
    assert.deepEqual(
      checked.result('check-1').details?.[0],
      'desired count is 0 (expected at least 1; write desired=0 if it is scaled in on purpose)',
    )
    const scaledIn = checked.result('check-2')
    assert.equal(scaledIn.status, 'pass', scaledIn.summary)
    assert.equal(scaledIn.summary, 'api 0 of 0 tasks running, deployment COMPLETED')
  })

  it('fails a DRAINING service', async () => {
    scriptEcs(() => service({ status: 'DRAINING' }))
    const result = (await againstFault('ecs.service cluster=prod service=api')).result()
    assert.equal(result.status, 'fail')
    assert.equal(result.details?.[0], 'service is DRAINING (expected ACTIVE)')
  })

  it('does not take an answer with neither the service nor a failure for either', async () => {
    scriptEcs(() => ({ result: { services: [], failures: [] } }))
    const result = (await againstFault('ecs.service cluster=prod service=api')).result()
    assert.equal(result.status, 'error')
    assert.match(
      result.summary,
      /^unexpected answer from ECS at .*: the answer is not as AWS sends it \(it names neither the service nor a failure\)$/,
    )
  })
})

describe('ecs.service errors', () => {
  it('retries throttling, then passes', async () => {
    scriptEcs((n) => (n <= 2 ? THROTTLED : service({ loadBalancers: [] })))
    const result = (await againstFault('ecs.service cluster=prod service=api')).result()
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(result.attempts, 3)
  })

  it('names the load balancer permission it lacks', async () => {
    scriptEcs(
      () => service(),
      () => ({
        error: 'AccessDenied',
        message: 'User is not authorized to perform: elasticloadbalancing:DescribeTargetHealth',
        status: 403,
      }),
    )
    const result = (
      await againstFault('ecs.service cluster=prod service=api targets=true')
    ).result()
    assert.equal(result.status, 'error')
    assert.equal(
      result.summary,
      'access denied: the AWS identity may not call elasticloadbalancing:DescribeTargetHealth',
    )
  })

  it('gives up on an endpoint that never answers, saying so', async () => {
    fault.script(() => 'hang')
    const result = await withEnv({ AWS_ENDPOINT_URL: fault.url }, async () =>
      (
        await runChecklist(checklistOf('ecs.service cluster=prod service=api'), {
          awsRequestTimeoutMs: 200,
        })
      ).result(),
    )
    assert.equal(result.status, 'error')
    assert.match(
      result.summary,
      /^no answer from .+ to ecs:DescribeServices within \d+m?s: check the VPN/,
    )
  })

  it('errors with what to set when there are no credentials', async () => {
    const result = await withEnv(
      { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined },
      async () =>
        (await runChecklist(checklistOf('ecs.service cluster=prod service=api'))).result(),
    )
    assert.equal(result.status, 'error')
    assert.equal(result.summary, 'no AWS credentials')
  })
})

describe('ecs.service declares', () => {
  it('the IAM actions it calls: target health only with targets', () => {
    const kind = CHECK_KINDS.get('ecs.service')
    assert.deepEqual(kind?.iam?.({ cluster: 'c', service: 's' }), ['ecs:DescribeServices'])
    assert.deepEqual(kind?.iam?.({ cluster: 'c', service: 's', targets: 'false' }), [
      'ecs:DescribeServices',
    ])
    assert.deepEqual(kind?.iam?.({ cluster: 'c', service: 's', targets: 'yes' }), [
      'ecs:DescribeServices',
      'elasticloadbalancing:DescribeTargetHealth',
    ])
  })
})
