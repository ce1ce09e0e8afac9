/**
 * `cfn.stack`: a CloudFormation stack exists with a status in the allowed set.
 * A stack that is busy (`*_IN_PROGRESS`, a rollback included) is waited out up
 * to the check's timeout; a rolled-back or failed one fails with the reason
 * CloudFormation gave. The stack's outputs become `${id.outputs.Key}`.
 */
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation'
import * as z from 'zod'
import { formatLimit } from '../../duration.ts'
import { type CheckContext, error, fail, pass, type RunCheck } from '../kind.ts'
import type { StackParams as Params } from '../kinds/cloudformation.ts'
import type { CheckOutcome } from '../runner.ts'
import { expectAnswer } from './answers.ts'
import { awsCall, awsErrorOutcome } from './errors.ts'
import { regionOf, targetOf } from './target.ts'
import { waitWhileBusy } from './wait.ts'

/** The successful end states; anything else must be asked for with `status=`. */
export const DEFAULT_STACK_STATUSES = ['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'IMPORT_COMPLETE']

/**
 * What is read of DescribeStacks' answer for one named stack: CloudFormation
 * answers a stack that does not exist with an error, never with no stack.
 */
const StacksAnswer = z.object({
  Stacks: z
    .array(
      z.object({
        StackName: z.string(),
        StackStatus: z.string(),
        StackId: z.string().optional(),
        StackStatusReason: z.string().optional(),
        CreationTime: z.date().optional(),
        LastUpdatedTime: z.date().optional(),
        Outputs: z
          .array(z.object({ OutputKey: z.string().optional(), OutputValue: z.string().optional() }))
          .optional(),
      }),
    )
    .min(1),
})
type Stack = z.output<typeof StacksAnswer>['Stacks'][number]

/** The events read to find the first failure; an answer not like this is passed over. */
const EventsAnswer = z.object({
  StackEvents: z
    .array(
      z.object({
        PhysicalResourceId: z.string().optional(),
        LogicalResourceId: z.string().optional(),
        ResourceType: z.string().optional(),
        ResourceStatus: z.string().optional(),
        ResourceStatusReason: z.string().optional(),
      }),
    )
    .optional(),
})
type StackEvent = NonNullable<z.output<typeof EventsAnswer>['StackEvents']>[number]

/** Runs a `cfn.stack` check (its parameters: kinds/cloudformation.ts). */
export const checkStack: RunCheck<Params> = async (p, ctx) => {
  try {
    return await judgeStack(p, ctx)
  } catch (caught) {
    return awsErrorOutcome(caught, { signal: ctx.signal, profile: p.profile })
  }
}

async function judgeStack(p: Params, ctx: CheckContext): Promise<CheckOutcome> {
  const client = await ctx.clients.aws('cloudformation', targetOf(p, ctx.env))
  const allowed = p.status ?? DEFAULT_STACK_STATUSES
  const waited = await waitWhileBusy(
    ctx,
    () => describeStack(client, p.name, ctx.signal),
    (stack) => (stack && isBusy(stack.StackStatus ?? '', allowed) ? stack.StackStatus : undefined),
  )
  const stack = waited.value
  if (!stack) {
    const region = regionOf(p, ctx.env)
    return fail(`stack ${p.name} does not exist`, {
      details: [`check the stack name and the region${region ? ` (${region})` : ''}`],
    })
  }
  const status = stack.StackStatus ?? 'UNKNOWN'
  const outputs = outputsOf(stack)
  const evidence = evidenceOf(stack, outputs)
  if (!waited.done) {
    return error(`still ${status} after ${formatLimit(ctx.timeoutMs)}`, {
      details: ['give the item a longer `timeout:` or check again once the operation has finished'],
      evidence,
      outputs,
    })
  }
  if (!allowed.includes(status)) return wrongStatus(client, stack, allowed, ctx, evidence)

  const missing = (p.outputs ?? []).filter((key) => !(key in outputs))
  if (missing.length > 0) {
    const present = Object.keys(outputs)
    return fail(
      `stack ${p.name} lacks output${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
      {
        details: [present.length > 0 ? `its outputs: ${present.join(', ')}` : 'it has no outputs'],
        evidence,
        outputs,
      },
    )
  }
  const count = Object.keys(outputs).length
  return pass(`${p.name} ${status}, ${count} output${count === 1 ? '' : 's'}`, {
    evidence,
    outputs,
  })
}

/** The stack, or undefined when CloudFormation says it does not exist. */
async function describeStack(
  client: CloudFormationClient,
  name: string,
  signal: AbortSignal,
): Promise<Stack | undefined> {
  const { DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation')
  return awsCall('cloudformation:DescribeStacks', async () => {
    try {
      const found = await client.send(new DescribeStacksCommand({ StackName: name }), {
        abortSignal: signal,
      })
      return expectAnswer(found, StacksAnswer).Stacks[0]
    } catch (caught) {
      // CloudFormation answers a missing stack with a plain ValidationError.
      const e = caught as Error
      if (e.name === 'ValidationError' && /does not exist/i.test(e.message)) return undefined
      throw caught
    }
  })
}

/**
 * Worth waiting for: an operation under way. REVIEW_IN_PROGRESS is not one — it
 * is a change set nobody has executed, and would wait for ever.
 */
function isBusy(status: string, allowed: readonly string[]): boolean {
  return (
    status.endsWith('_IN_PROGRESS') && status !== 'REVIEW_IN_PROGRESS' && !allowed.includes(status)
  )
}

async function wrongStatus(
  client: CloudFormationClient,
  stack: Stack,
  allowed: readonly string[],
  ctx: CheckContext,
  evidence: Record<string, unknown>,
): Promise<CheckOutcome> {
  const status = stack.StackStatus ?? 'UNKNOWN'
  const name = stack.StackName ?? ''
  const outputs = outputsOf(stack)
  if (/ROLLBACK|FAILED/.test(status)) {
    const reason = stack.StackStatusReason
    const cause = await firstFailedEvent(client, stack, ctx.signal)
    return fail(`stack ${name} is ${status}${reason ? `: ${reason}` : ''}`, {
      details: cause ? [`first failure: ${cause}`] : [],
      evidence: { ...evidence, ...(cause ? { firstFailure: cause } : {}) },
      outputs,
    })
  }
  const details =
    status === 'REVIEW_IN_PROGRESS'
      ? ['a change set was created for this stack but not executed']
      : []
  return fail(`stack ${name} is ${status} (expected ${allowed.join(' or ')})`, {
    details,
    evidence,
    outputs,
  })
}

/**
 * The resource that failed first in the stack's latest operation, as one line —
 * the cause, where later failures are mostly "Resource creation cancelled".
 * Best effort: one page of events, and no answer rather than an error.
 */
async function firstFailedEvent(
  client: CloudFormationClient,
  stack: Stack,
  signal: AbortSignal,
): Promise<string | undefined> {
  const { DescribeStackEventsCommand } = await import('@aws-sdk/client-cloudformation')
  let events: readonly StackEvent[]
  try {
    const page = await client.send(
      new DescribeStackEventsCommand({ StackName: stack.StackId ?? stack.StackName }),
      { abortSignal: signal },
    )
    events = EventsAnswer.safeParse(page).data?.StackEvents ?? []
  } catch (caught) {
    if (signal.aborted) throw caught
    return undefined
  }
  // Newest first: keep this operation's events, back to where it began.
  const operation: StackEvent[] = []
  for (const event of events) {
    const isStackItself = event.PhysicalResourceId === stack.StackId
    if (isStackItself && /^(CREATE|UPDATE|IMPORT)_IN_PROGRESS$/.test(event.ResourceStatus ?? ''))
      break
    operation.push(event)
  }
  const failed = operation.filter(
    (event) =>
      event.PhysicalResourceId !== stack.StackId && (event.ResourceStatus ?? '').endsWith('FAILED'),
  )
  const first = failed.at(-1)
  if (!first) return undefined
  const reason = first.ResourceStatusReason ? `: ${first.ResourceStatusReason}` : ''
  return `${first.LogicalResourceId} (${first.ResourceType}) ${first.ResourceStatus}${reason}`
}

function outputsOf(stack: Stack): Record<string, string> {
  const outputs: Record<string, string> = {}
  for (const output of stack.Outputs ?? []) {
    if (output.OutputKey) outputs[output.OutputKey] = output.OutputValue ?? ''
  }
  return outputs
}

function evidenceOf(stack: Stack, outputs: Record<string, string>): Record<string, unknown> {
  return {
    stack: stack.StackName,
    stackId: stack.StackId,
    status: stack.StackStatus,
    ...(stack.StackStatusReason ? { reason: stack.StackStatusReason } : {}),
    ...(stack.LastUpdatedTime ? { lastUpdated: stack.LastUpdatedTime.toISOString() } : {}),
    created: stack.CreationTime?.toISOString(),
    outputs,
  }
}
