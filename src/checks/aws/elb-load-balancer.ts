/**
 * `elb.load-balancer`: a load balancer (v2: application, network or gateway)
 * is active; it has the listeners asked for, each HTTPS or TLS one with a
 * certificate; its HTTP listeners redirect to HTTPS (and to a port where an
 * HTTPS listener is); a WAF web ACL is attached. One call per question: the
 * listeners are read only for `listeners` or `https-redirect`, the web ACL
 * only for `waf`. A load balancer still provisioning is waited out.
 */
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import type { WAFV2Client } from '@aws-sdk/client-wafv2'
import * as z from 'zod'
import { formatLimit } from '../../duration.ts'
import { type CheckContext, error, fail, type RunCheck } from '../kind.ts'
import type { ElbLoadBalancerParams as Params } from '../kinds/elb.ts'
import type { CheckOutcome } from '../runner.ts'
import { expectAnswer } from './answers.ts'
import { awsCall, awsErrorOutcome } from './errors.ts'
import { regionOf, targetOf } from './target.ts'
import { targetGroupName } from './target-health.ts'
import { type Findings, findings, isNotFound, verdictOf } from './verdict.ts'
import { waitWhileBusy } from './wait.ts'

const BalancersAnswer = z.object({
  LoadBalancers: z
    .array(
      z.object({
        LoadBalancerName: z.string(),
        LoadBalancerArn: z.string(),
        DNSName: z.string().optional(),
        Type: z.string().optional(),
        Scheme: z.string().optional(),
        State: z.object({ Code: z.string(), Reason: z.string().optional() }),
      }),
    )
    .min(1),
})
type Balancer = z.output<typeof BalancersAnswer>['LoadBalancers'][number]

const ListenersAnswer = z.object({
  Listeners: z.array(
    z.object({
      Protocol: z.string(),
      Port: z.number(),
      Certificates: z.array(z.object({ CertificateArn: z.string().optional() })).optional(),
      DefaultActions: z
        .array(
          z.object({
            Type: z.string(),
            Order: z.number().optional(),
            TargetGroupArn: z.string().optional(),
            RedirectConfig: z
              .object({
                Protocol: z.string().optional(),
                Port: z.string().optional(),
                StatusCode: z.string().optional(),
              })
              .optional(),
            FixedResponseConfig: z.object({ StatusCode: z.string().optional() }).optional(),
          }),
        )
        .optional(),
    }),
  ),
  NextMarker: z.string().optional(),
})
type Listener = z.output<typeof ListenersAnswer>['Listeners'][number]
type Action = NonNullable<Listener['DefaultActions']>[number]

const WebAclAnswer = z.object({
  WebACL: z.object({ Name: z.string(), ARN: z.string().optional() }).optional().nullable(),
})
type WebAcl = NonNullable<z.output<typeof WebAclAnswer>['WebACL']>

/** Runs an `elb.load-balancer` check (its parameters: kinds/elb.ts). */
export const checkElbLoadBalancer: RunCheck<Params> = async (p, ctx) => {
  try {
    return await judgeLoadBalancer(p, ctx)
  } catch (caught) {
    return awsErrorOutcome(caught, { signal: ctx.signal, profile: p.profile })
  }
}

async function judgeLoadBalancer(p: Params, ctx: CheckContext): Promise<CheckOutcome> {
  const target = targetOf(p, ctx.env)
  const elb = await ctx.clients.aws('elasticloadbalancingv2', target)
  const waited = await waitWhileBusy(
    ctx,
    () => describeLoadBalancer(elb, p.name, ctx.signal),
    (balancer) => (balancer?.State.Code === 'provisioning' ? 'provisioning' : undefined),
  )
  const balancer = waited.value
  if (!balancer) {
    const region = regionOf(p, ctx.env)
    return fail(`load balancer ${p.name} does not exist`, {
      details: [
        `check the load balancer name or ARN and the region${region ? ` (${region})` : ''}`,
      ],
    })
  }
  if (!waited.done) {
    return error(`still ${waited.busy} after ${formatLimit(ctx.timeoutMs)}`, {
      details: ['give the item a longer `timeout:` or check again once it is active'],
      evidence: balancerEvidence(balancer),
    })
  }
  const needsListeners = p.listeners !== undefined || p['https-redirect'] !== undefined
  const [listeners, webAcl] = await Promise.all([
    needsListeners ? describeListeners(elb, balancer.LoadBalancerArn, ctx.signal) : undefined,
    p.waf === undefined
      ? undefined
      : ctx.clients
          .aws('wafv2', target)
          .then((waf) => webAclOf(waf, balancer.LoadBalancerArn, ctx.signal)),
  ])
  const found = findings()
  const state = balancer.State
  if (state.Code === 'active') found.verified.push('active')
  else found.unmet.push(`it is ${state.Code}${state.Reason ? `: ${state.Reason}` : ''}`)
  if (listeners && p.listeners) checkListeners(listeners, p.listeners, found)
  if (listeners && p['https-redirect'] !== undefined)
    checkRedirect(listeners, p['https-redirect'], found)
  if (p.waf !== undefined) checkWebAcl(webAcl ?? undefined, p.waf, found)
  return verdictOf(found, {
    name: balancer.LoadBalancerName,
    subject: `load balancer ${balancer.LoadBalancerName}`,
    // Most telling first: the sign-off sheet shows the first ten lines.
    evidence: {
      loadBalancer: balancer.LoadBalancerName,
      state: balancer.State.Code,
      ...(listeners ? { listeners: listenerEvidence(listeners) } : {}),
      ...(p.waf !== undefined ? { webAcl: webAcl ? webAcl.Name : 'none' } : {}),
      ...balancerEvidence(balancer),
    },
  })
}

async function describeLoadBalancer(
  client: ElasticLoadBalancingV2Client,
  name: string,
  signal: AbortSignal,
): Promise<Balancer | undefined> {
  const { DescribeLoadBalancersCommand } = await import('@aws-sdk/client-elastic-load-balancing-v2')
  return awsCall('elasticloadbalancing:DescribeLoadBalancers', async () => {
    try {
      const input = name.startsWith('arn:') ? { LoadBalancerArns: [name] } : { Names: [name] }
      const found = await client.send(new DescribeLoadBalancersCommand(input), {
        abortSignal: signal,
      })
      return expectAnswer(found, BalancersAnswer).LoadBalancers[0]
    } catch (caught) {
      if (isNotFound(caught, 'LoadBalancerNotFound')) return undefined
      throw caught
    }
  })
}

/** Every listener of the load balancer, page by page. */
async function describeListeners(
  client: ElasticLoadBalancingV2Client,
  arn: string,
  signal: AbortSignal,
): Promise<Listener[]> {
  const { paginateDescribeListeners } = await import('@aws-sdk/client-elastic-load-balancing-v2')
  return awsCall('elasticloadbalancing:DescribeListeners', async () => {
    const listeners: Listener[] = []
    const pages = paginateDescribeListeners(
      // An endpoint that hands back the same marker for ever would otherwise be read for ever.
      { client, stopOnSameToken: true },
      { LoadBalancerArn: arn },
      { abortSignal: signal },
    )
    for await (const page of pages) listeners.push(...expectAnswer(page, ListenersAnswer).Listeners)
    return listeners
  })
}

/** The web ACL attached to the load balancer, if any. */
async function webAclOf(
  client: WAFV2Client,
  arn: string,
  signal: AbortSignal,
): Promise<WebAcl | undefined> {
  const { GetWebACLForResourceCommand } = await import('@aws-sdk/client-wafv2')
  return awsCall('wafv2:GetWebACLForResource', async () => {
    try {
      const found = await client.send(new GetWebACLForResourceCommand({ ResourceArn: arn }), {
        abortSignal: signal,
      })
      return expectAnswer(found, WebAclAnswer).WebACL ?? undefined
    } catch (caught) {
      // What WAF says of a resource it has no association for, in some regions.
      if (isNotFound(caught, 'WAFNonexistentItem')) return undefined
      throw caught
    }
  })
}

/** `HTTPS:443`. */
function specOf(listener: Listener): string {
  return `${listener.Protocol}:${listener.Port}`
}

function hasCertificate(listener: Listener): boolean {
  return (listener.Certificates ?? []).some((c) => c.CertificateArn)
}

function checkListeners(
  listeners: readonly Listener[],
  wanted: readonly string[],
  found: Findings,
) {
  const present: string[] = []
  for (const spec of wanted) {
    const listener = listeners.find((l) => specOf(l) === spec)
    if (!listener) {
      const has = listeners.map(specOf).join(', ') || 'none'
      found.unmet.push(`no ${spec} listener (it has ${has})`)
    } else if (['HTTPS', 'TLS'].includes(listener.Protocol) && !hasCertificate(listener)) {
      found.unmet.push(`listener ${spec} has no certificate`)
    } else {
      present.push(spec)
    }
  }
  if (present.length > 0) found.verified.push(`listeners ${present.join(', ')}`)
}

/** The action a listener takes when no rule matches: the last in order (the others authenticate). */
function defaultAction(listener: Listener): Action | undefined {
  const actions = [...(listener.DefaultActions ?? [])]
  actions.sort((a, b) => (a.Order ?? 0) - (b.Order ?? 0))
  return actions.at(-1)
}

/** Where an HTTP listener's default redirect goes: `HTTPS:443`, or undefined for no redirect. */
function redirectOf(listener: Listener): { protocol: string; port: number } | undefined {
  const action = defaultAction(listener)
  if (action?.Type !== 'redirect') return undefined
  const config = action.RedirectConfig ?? {}
  // `#{protocol}` and `#{port}` keep the request's own.
  const protocol =
    !config.Protocol || config.Protocol === '#{protocol}' ? listener.Protocol : config.Protocol
  const port = !config.Port || config.Port === '#{port}' ? listener.Port : Number(config.Port)
  return { protocol: protocol.toUpperCase(), port }
}

function checkRedirect(listeners: readonly Listener[], wanted: boolean, found: Findings): void {
  const http = listeners.filter((l) => l.Protocol === 'HTTP')
  if (!wanted) {
    const redirecting = http.filter((l) => redirectOf(l)?.protocol === 'HTTPS')
    for (const l of redirecting)
      found.unmet.push(`listener ${specOf(l)} redirects to HTTPS (expected no redirect)`)
    if (redirecting.length === 0) found.verified.push('no HTTPS redirect')
    return
  }
  if (http.length === 0) {
    found.unmet.push('no HTTP listener (expected one redirecting to HTTPS)')
    return
  }
  for (const listener of http) {
    const redirect = redirectOf(listener)
    const spec = specOf(listener)
    if (redirect?.protocol !== 'HTTPS') {
      found.unmet.push(
        `listener ${spec} ${actionText(defaultAction(listener))} (expected a redirect to HTTPS)`,
      )
      continue
    }
    const to = `HTTPS:${redirect.port}`
    if (!listeners.some((l) => specOf(l) === to))
      found.unmet.push(`listener ${spec} redirects to ${to}, where there is no HTTPS listener`)
    else found.verified.push(`${spec} redirects to ${to}`)
  }
}

/** What a default action does, for a detail: `forwards to api-tg`. */
function actionText(action: Action | undefined): string {
  if (!action) return 'has no default action'
  if (action.Type === 'forward')
    return action.TargetGroupArn
      ? `forwards to ${targetGroupName(action.TargetGroupArn)}`
      : 'forwards'
  if (action.Type === 'fixed-response')
    return `answers ${action.FixedResponseConfig?.StatusCode ?? 'a fixed response'}`
  if (action.Type === 'redirect')
    return `redirects to ${action.RedirectConfig?.Protocol ?? 'the same protocol'}`
  return action.Type
}

function checkWebAcl(acl: WebAcl | undefined, wanted: boolean | string, found: Findings): void {
  if (wanted === true) {
    if (acl) found.verified.push(`web ACL ${acl.Name}`)
    else found.unmet.push('no WAF web ACL attached (expected one)')
  } else if (wanted === false) {
    if (acl) found.unmet.push(`web ACL ${acl.Name} attached (expected none)`)
    else found.verified.push('no web ACL')
  } else if (acl && (acl.Name === wanted || acl.ARN === wanted)) {
    found.verified.push(`web ACL ${acl.Name}`)
  } else {
    found.unmet.push(
      `${acl ? `web ACL ${acl.Name} is attached` : 'no WAF web ACL attached'} (expected ${wanted})`,
    )
  }
}

function balancerEvidence(balancer: Balancer): Record<string, unknown> {
  return {
    loadBalancer: balancer.LoadBalancerName,
    state: balancer.State.Code,
    dnsName: balancer.DNSName,
    type: balancer.Type,
    scheme: balancer.Scheme,
    arn: balancer.LoadBalancerArn,
  }
}

/** `{ 'HTTPS:443': 'forwards to api-tg, certificate arn:…', 'HTTP:80': 'redirects to HTTPS' }`. */
function listenerEvidence(listeners: readonly Listener[]): Record<string, string> {
  return Object.fromEntries(
    listeners.map((l) => {
      const certificate = l.Certificates?.[0]?.CertificateArn
      const redirect = redirectOf(l)
      const action = redirect
        ? `redirects to ${redirect.protocol}:${redirect.port}`
        : actionText(defaultAction(l))
      return [specOf(l), certificate ? `${action}, certificate ${certificate}` : action]
    }),
  )
}
