/**
 * The errors every AWS kind must turn into an answer an operator can act on:
 * throttling (retried, then given up on), an endpoint that accepts and never
 * answers, no credentials, and access denied naming the IAM action. Each test
 * file of a kind calls `itReportsAwsErrors` with a directive and a script that
 * answers it well, and gets these tests against the fault server.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { type AwsFaultServer, type Script, withEnv } from './aws-fault-server.ts'
import { checklistOf, runChecklist } from './checks.ts'

export interface AwsErrorCase {
  readonly fault: AwsFaultServer
  /** A directive of the kind: `logs.group name=/aws/lambda/api`. */
  readonly directive: string
  /** Answers every call the directive makes so that it passes. */
  readonly answers: Script
  /** The IAM action of the first call it makes: `logs:DescribeLogGroups`. */
  readonly firstCall: string
  /** The action a denied call is named by, and the operation it is: the last call it makes. */
  readonly deniedCall?: { readonly action: string; readonly operation: string }
}

/** The result of one check run against the fault server. */
export async function resultAt(
  fault: AwsFaultServer,
  directive: string,
  options: { awsRequestTimeoutMs?: number } = {},
) {
  return withEnv({ AWS_ENDPOINT_URL: fault.url }, async () =>
    (await runChecklist(checklistOf(directive), options)).result(),
  )
}

/** Defines the error tests for one kind (inside the caller's `describe`). */
export function itReportsAwsErrors(c: AwsErrorCase): void {
  const throttled = { error: 'ThrottlingException', message: 'Rate exceeded' }

  it('retries throttling, then passes', async () => {
    // The first two requests, whatever they ask: each throttled attempt stops there.
    let requests = 0
    c.fault.script((request, n) => (++requests <= 2 ? throttled : c.answers(request, n)))
    const result = await resultAt(c.fault, c.directive)
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(result.attempts, 3)
  })

  it('gives up with an error naming the call when the throttling does not stop', async () => {
    c.fault.script(() => throttled)
    const result = await resultAt(c.fault, c.directive)
    assert.equal(result.status, 'error')
    assert.equal(
      result.summary,
      `AWS throttled ${c.firstCall} (ThrottlingException) (gave up after 4 attempts)`,
    )
  })

  it('says no answer came from an endpoint that accepts and never answers', async () => {
    c.fault.script(() => 'hang')
    const result = await resultAt(c.fault, c.directive, { awsRequestTimeoutMs: 200 })
    assert.equal(result.status, 'error')
    assert.ok(
      result.summary.startsWith('no answer from ') &&
        result.summary.includes(
          ` to ${c.firstCall} within 200ms: check the VPN, or AWS_ENDPOINT_URL if set`,
        ),
      result.summary,
    )
    assert.equal(result.attempts, 4)
    // Each attempt gave up on its connection rather than leaving it open.
    await c.fault.hangsClosed(4)
  })

  it('errors with what to set when there are no credentials, calling nothing', async () => {
    c.fault.script(c.answers)
    const result = await withEnv(
      {
        AWS_ENDPOINT_URL: c.fault.url,
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined,
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/deploy-wizard/credentials',
        AWS_CONFIG_FILE: '/nonexistent/deploy-wizard/config',
      },
      async () => (await runChecklist(checklistOf(c.directive))).result(),
    )
    assert.equal(result.status, 'error')
    assert.equal(result.summary, 'no AWS credentials')
    assert.match(result.details?.[0] ?? '', /AWS_PROFILE/)
    assert.equal(c.fault.requests.length, 0)
  })

  const denied = c.deniedCall ?? {
    action: c.firstCall,
    operation: c.firstCall.split(':')[1] ?? '',
  }
  it(`names ${denied.action} when the identity may not call it`, async () => {
    c.fault.script((request, n) =>
      request.action === denied.operation
        ? {
            error: 'AccessDeniedException',
            message: `User: arn:aws:sts::123456789012:assumed-role/deployer/me is not authorized to perform: ${denied.action}`,
            status: 400,
          }
        : c.answers(request, n),
    )
    const result = await resultAt(c.fault, c.directive)
    assert.equal(result.status, 'error')
    assert.equal(result.summary, `access denied: the AWS identity may not call ${denied.action}`)
    assert.equal(
      result.details?.[0],
      `grant ${denied.action} to the role or user, or use a profile that has it`,
    )
  })
}
