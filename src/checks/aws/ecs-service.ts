/**
 * `ecs.service`: an ECS service is ACTIVE, runs its desired count of tasks, and
 * its latest deployment has COMPLETED. A deployment IN_PROGRESS is waited out up
 * to the check's timeout; one that FAILED (the deployment circuit breaker) fails
 * at once with ECS's reason, even while ECS rolls back to the previous revision.
 *
 * With `targets=true` it also reads the health of the service's load balancer
 * targets, which `aws ecs wait services-stable` ignores: ECS calls a service
 * stable with every new task failing the load balancer's health checks. Targets
 * still in `initial` (first health checks under way) are waited out too.
 */
import type { ECSClient } from '@aws-sdk/client-ecs'
import * as z from 'zod'
import { formatLimit } from '../../duration.ts'
import { type CheckContext, error, fail, type RunCheck } from '../kind.ts'
import type { EcsServiceParams as Params } from '../kinds/ecs.ts'
import type { CheckOutcome } from '../runner.ts'
import { expectAnswer } from './answers.ts'
import { awsCall, awsErrorName, awsErrorOutcome } from './errors.ts'
import { regionOf, targetOf } from './target.ts'
import {
  describeTargetHealth,
  healthSummary,
  problemLines,
  type Target,
  tally,
  targetEvidence,
  targetGroupName,
} from './target-health.ts'
import { type Findings, findings, moment, plural, verdictOf } from './verdict.ts'
import { waitWhileBusy } from './wait.ts'

const Deployment = z.object({
  id: z.string().optional(),
  status: z.string().optional(),
  taskDefinition: z.string().optional(),
  failedTasks: z.number().optional(),
  rolloutState: z.string().optional(),
  rolloutStateReason: z.string().optional(),
  updatedAt: z.date().optional(),
})
type Deployment = z.output<typeof Deployment>

/** What is read of DescribeServices' answer: the service, or ECS's word that it is missing. */
const ServicesAnswer = z
  .object({
    services: z
      .array(
        z.object({
          serviceName: z.string(),
          serviceArn: z.string().optional(),
          clusterArn: z.string().optional(),
          status: z.string(),
          desiredCount: z.number(),
          runningCount: z.number(),
          pendingCount: z.number().optional(),
          taskDefinition: z.string().optional(),
          deployments: z.array(Deployment).optional(),
          loadBalancers: z
            .array(
              z.object({
                targetGroupArn: z.string().optional(),
                loadBalancerName: z.string().optional(),
              }),
            )
            .optional(),
          events: z
            .array(z.object({ createdAt: z.date().optional(), message: z.string().optional() }))
            .optional(),
        }),
      )
      .optional(),
    failures: z
      .array(z.object({ reason: z.string().optional(), detail: z.string().optional() }))
      .optional(),
  })
  .refine(
    (answer) => (answer.services?.length ?? 0) + (answer.failures?.length ?? 0) > 0,
    'it names neither the service nor a failure',
  )
type Service = NonNullable<z.output<typeof ServicesAnswer>['services']>[number]

/** A target group of the service and its targets (undefined: ELB has no such group). */
interface Group {
  readonly arn: string
  readonly name: string
  readonly targets: readonly Target[] | undefined
}

/** One look at the service: it, or what is missing; and its targets, once it is settled. */
type Observed =
  | { readonly missing: 'service' | 'cluster' }
  | { readonly service: Service; readonly groups?: readonly Group[] }

/** Runs an `ecs.service` check (its parameters: kinds/ecs.ts). */
export const checkEcsService: RunCheck<Params> = async (p, ctx) => {
  try {
    return await judgeService(p, ctx)
  } catch (caught) {
    return awsErrorOutcome(caught, { signal: ctx.signal, profile: p.profile })
  }
}

async function judgeService(p: Params, ctx: CheckContext): Promise<CheckOutcome> {
  const target = targetOf(p, ctx.env)
  const ecs = await ctx.clients.aws('ecs', target)
  const look = async (): Promise<Observed> => {
    const found = await describeService(ecs, p, ctx.signal)
    // While waiting, targets are read once the rollout is over: until then they are the old tasks'.
    const isWaiting = p.wait !== false
    if ('missing' in found || !p.targets || (isWaiting && deploymentBusy(found.service)))
      return found
    const elb = await ctx.clients.aws('elasticloadbalancingv2', target)
    const arns = [
      ...new Set((found.service.loadBalancers ?? []).flatMap((lb) => lb.targetGroupArn ?? [])),
    ]
    const groups = await Promise.all(
      arns.map(async (arn) => ({
        arn,
        name: targetGroupName(arn),
        targets: await describeTargetHealth(elb, arn, ctx.signal),
      })),
    )
    return { ...found, groups }
  }
  const waited =
    p.wait === false
      ? ({ done: true, value: await look() } as const)
      : await waitWhileBusy(ctx, look, busyStatus)
  const observed = waited.value
  if ('missing' in observed) {
    const region = regionOf(p, ctx.env)
    const where = `the region${region ? ` (${region})` : ''}`
    return observed.missing === 'cluster'
      ? fail(`cluster ${p.cluster} does not exist`, {
          details: [`check the cluster name and ${where}`],
        })
      : fail(`service ${p.service} does not exist in cluster ${p.cluster}`, {
          details: [`check the service name, the cluster and ${where}`],
        })
  }
  const { service, groups } = observed
  const evidence = evidenceOf(service, groups)
  const event = latestEvent(service)
  if (!waited.done) {
    return error(`still ${waited.busy} after ${formatLimit(ctx.timeoutMs)}`, {
      details: [
        'give the item a longer `timeout:` or check again once the deployment has finished',
        ...(event ? [event] : []),
      ],
      evidence,
    })
  }
  const found = findings()
  checkStatus(service, found)
  const failed = checkDeployment(service, found)
  checkCounts(service, p.desired, found)
  if (p['task-definition']) checkTaskDefinition(service, p['task-definition'], found)
  if (p.targets) checkTargets(service, groups ?? [], found)
  const nextSteps = [
    ...(failed
      ? [
          `stopped tasks say why: aws ecs list-tasks --cluster ${p.cluster} --service-name ${service.serviceName} --desired-status STOPPED`,
        ]
      : []),
    ...(event ? [event] : []),
  ]
  return verdictOf(found, {
    name: service.serviceName,
    subject: `service ${service.serviceName}`,
    evidence,
    nextSteps,
  })
}

async function describeService(
  client: ECSClient,
  p: Params,
  signal: AbortSignal,
): Promise<Observed & { readonly groups?: undefined }> {
  const { DescribeServicesCommand } = await import('@aws-sdk/client-ecs')
  return awsCall('ecs:DescribeServices', async () => {
    let answer: z.output<typeof ServicesAnswer>
    try {
      answer = expectAnswer(
        await client.send(
          new DescribeServicesCommand({ cluster: p.cluster, services: [p.service] }),
          { abortSignal: signal },
        ),
        ServicesAnswer,
      )
    } catch (caught) {
      if (awsErrorName(caught) === 'ClusterNotFoundException') return { missing: 'cluster' }
      throw caught
    }
    const service = answer.services?.[0]
    if (service) return { service }
    const failure = answer.failures?.[0]
    if (failure?.reason === 'MISSING') return { missing: 'service' }
    const detail = failure?.detail ? ` (${failure.detail})` : ''
    throw new Error(
      `ECS could not describe the service: ${failure?.reason ?? 'no reason'}${detail}`,
    )
  })
}

/** The deployment ECS is rolling out: the PRIMARY one. */
function primaryOf(service: Service): Deployment | undefined {
  return service.deployments?.find((d) => d.status === 'PRIMARY')
}

/** A deployment whose rollout FAILED: the primary, or the one ECS is rolling back from. */
function failedDeployment(service: Service): Deployment | undefined {
  return service.deployments?.find((d) => d.rolloutState === 'FAILED')
}

function tasks(service: Service): string {
  return `${service.runningCount} of ${plural(service.desiredCount, 'task')} running`
}

/** What the service itself is busy with: a rollout, or tasks being started. */
function deploymentBusy(service: Service): string | undefined {
  // A failure is final, even while ECS rolls back: waiting would only hide it.
  if (service.status !== 'ACTIVE' || failedDeployment(service)) return undefined
  const primary = primaryOf(service)
  if (primary?.rolloutState === 'IN_PROGRESS') return `deployment IN_PROGRESS (${tasks(service)})`
  // Deployments without a rollout state (older services): ECS's own idea of stable.
  const deployments = service.deployments?.length ?? 0
  if (primary && primary.rolloutState === undefined && deployments > 1)
    return `${deployments} deployments (${tasks(service)})`
  const pending = service.pendingCount ?? 0
  if (service.runningCount < service.desiredCount && pending > 0)
    return `${tasks(service)}, ${pending} pending`
  return undefined
}

function busyStatus(observed: Observed): string | undefined {
  if ('missing' in observed) return undefined
  const busy = deploymentBusy(observed.service)
  if (busy) return busy
  for (const group of observed.groups ?? []) {
    const initial = tally(group.targets ?? []).initial
    if (initial > 0) return `${plural(initial, 'target')} initial in ${group.name}`
  }
  return undefined
}

function checkStatus(service: Service, found: Findings): void {
  if (service.status === 'ACTIVE') return
  const deleted = service.status === 'INACTIVE' ? ', deleted' : ''
  found.unmet.push(`service is ${service.status}${deleted} (expected ACTIVE)`)
}

/** Judges the rollout; says whether a deployment FAILED. */
function checkDeployment(service: Service, found: Findings): boolean {
  const failed = failedDeployment(service)
  const primary = primaryOf(service)
  if (failed) {
    const reason = failed.rolloutStateReason ? `: ${failed.rolloutStateReason}` : ''
    found.unmet.push(`deployment ${failed.id ? `${failed.id} ` : ''}FAILED${reason}`)
    if (primary && primary !== failed && primary.taskDefinition !== failed.taskDefinition) {
      const to = shortTaskDefinition(primary.taskDefinition)
      found.unmet.push(`ECS is rolling back to ${to} (${primary.rolloutState ?? 'no state'})`)
    }
    return true
  }
  // No deployments: a service deployed by CodeDeploy or an external controller.
  if (!primary?.rolloutState) return false
  if (primary.rolloutState === 'COMPLETED') found.verified.push('deployment COMPLETED')
  else found.unmet.push(`deployment is ${primary.rolloutState} (expected COMPLETED)`)
  return false
}

function checkCounts(service: Service, desired: number | undefined, found: Findings): void {
  const { desiredCount, runningCount } = service
  if (desired !== undefined && desiredCount !== desired) {
    found.unmet.push(`desired count is ${desiredCount} (expected ${desired})`)
  } else if (desired === undefined && desiredCount === 0) {
    found.unmet.push(
      'desired count is 0 (expected at least 1; write desired=0 if it is scaled in on purpose)',
    )
  }
  if (runningCount === desiredCount) {
    found.verified.unshift(tasks(service))
  } else if (runningCount > desiredCount) {
    found.unmet.push(`${plural(runningCount, 'task')} running, ${desiredCount} desired`)
  } else {
    const pending = service.pendingCount ? `, ${service.pendingCount} pending` : ''
    found.unmet.push(`${tasks(service)}${pending}`)
  }
}

function checkTaskDefinition(service: Service, wanted: string, found: Findings): void {
  const arn = primaryOf(service)?.taskDefinition ?? service.taskDefinition
  const used = shortTaskDefinition(arn)
  const matches = wanted.startsWith('arn:')
    ? arn === wanted
    : wanted.includes(':')
      ? used === wanted
      : used.split(':')[0] === wanted
  if (matches) found.verified.push(`task definition ${used}`)
  else found.unmet.push(`deployment uses task definition ${used} (expected ${wanted})`)
}

function checkTargets(service: Service, groups: readonly Group[], found: Findings): void {
  if (groups.length === 0) {
    const classic = (service.loadBalancers ?? []).flatMap((lb) => lb.loadBalancerName ?? [])
    found.unmet.push(
      classic.length > 0
        ? `the service has no target groups (Classic Load Balancer ${classic.join(', ')}: its instance health is not read)`
        : 'the service has no load balancer target groups (expected some with targets=true)',
    )
    return
  }
  for (const group of groups) {
    if (!group.targets) {
      found.unmet.push(`target group ${group.name} does not exist`)
      continue
    }
    const counted = tally(group.targets)
    const where = ` in ${group.name}`
    found.unmet.push(...problemLines(counted, where))
    if (counted.initial > 0)
      found.unmet.push(
        `${plural(counted.initial, 'target')}${where} still initial (health checks not yet passed)`,
      )
    if (counted.counted === 0 && service.desiredCount > 0)
      found.unmet.push(`no targets registered${where}`)
    if (counted.problems.length === 0 && counted.initial === 0 && counted.counted > 0)
      found.verified.push(`${healthSummary(counted)}${groups.length > 1 ? where : ''}`)
  }
}

/** `web:42` from `arn:aws:ecs:us-east-1:123456789012:task-definition/web:42`. */
function shortTaskDefinition(arn: string | undefined): string {
  if (!arn) return 'none'
  const at = arn.indexOf(':task-definition/')
  return at < 0 ? arn : arn.slice(at + ':task-definition/'.length)
}

/** The newest service event, as a detail: ECS says there why tasks do not start or stay. */
function latestEvent(service: Service): string | undefined {
  const newest = service.events?.[0]
  if (!newest?.message) return undefined
  const when = newest.createdAt ? ` (${moment(newest.createdAt)})` : ''
  return `latest service event${when}: ${newest.message}`
}

/**
 * The facts read, most telling first: the sign-off sheet shows the first ten
 * lines (the JSON report all of them).
 */
function evidenceOf(
  service: Service,
  groups: readonly Group[] | undefined,
): Record<string, unknown> {
  const primary = primaryOf(service)
  const event = service.events?.[0]
  return {
    service: service.serviceName,
    cluster: service.clusterArn?.split('/').at(-1),
    status: service.status,
    desired: service.desiredCount,
    running: service.runningCount,
    ...(service.pendingCount ? { pending: service.pendingCount } : {}),
    taskDefinition: shortTaskDefinition(primary?.taskDefinition ?? service.taskDefinition),
    ...(primary?.rolloutState ? { rollout: primary.rolloutState } : {}),
    ...(primary?.rolloutStateReason ? { rolloutReason: primary.rolloutStateReason } : {}),
    ...(groups
      ? {
          targetGroups: Object.fromEntries(
            groups.map((g) => [
              g.name,
              g.targets ? healthSummary(tally(g.targets)) : 'does not exist',
            ]),
          ),
        }
      : {}),
    ...(event?.message
      ? { lastEvent: `${event.createdAt ? `${moment(event.createdAt)} ` : ''}${event.message}` }
      : {}),
    ...(primary?.id ? { deploymentId: primary.id } : {}),
    ...(primary?.failedTasks ? { failedTasks: primary.failedTasks } : {}),
    ...(primary?.updatedAt ? { deploymentUpdated: primary.updatedAt.toISOString() } : {}),
    deployments: service.deployments?.length ?? 0,
    arn: service.serviceArn,
    ...(groups
      ? {
          targets: Object.fromEntries(groups.map((g) => [g.name, targetEvidence(g.targets ?? [])])),
        }
      : {}),
  }
}
