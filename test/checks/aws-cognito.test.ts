/**
 * `cognito.user-pool` against moto_server (pools and groups created here with the
 * real SDK) and against our fault server for paging, throttling, permissions and
 * a hung endpoint. Names carry a per-run suffix, as moto is shared.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import {
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider'
import { parseChecklist } from '../../src/checklist/parse.ts'
import { iamActionsOf } from '../../src/checks/registry.ts'
import {
  type AwsReply,
  pointAwsAt,
  startAwsFaultServer,
  WITHOUT_AWS_CREDENTIALS,
  withEnv,
} from '../helpers/aws-fault-server.ts'
import { backend, checklistOf, runChecklist } from '../helpers/checks.ts'

pointAwsAt(backend('moto'))
const fault = await startAwsFaultServer()
after(() => fault.close())

const run = randomUUID().slice(0, 8)
const FULL = `dw-${run}-users`
const PLAIN = `dw-${run}-guests`
const TWIN = `dw-${run}-twin`

const cognito = new CognitoIdentityProviderClient({ region: 'us-east-1', maxAttempts: 1 })
let fullId = ''
let plainId = ''

before(async () => {
  const full = await cognito.send(
    new CreateUserPoolCommand({
      PoolName: FULL,
      MfaConfiguration: 'ON',
      Schema: ['tenant_id', 'plan'].map((name) => ({
        Name: name,
        AttributeDataType: 'String',
        Mutable: true,
      })),
    }),
  )
  fullId = full.UserPool?.Id ?? ''
  for (const group of ['admins', 'operators']) {
    await cognito.send(new CreateGroupCommand({ UserPoolId: fullId, GroupName: group }))
  }
  // Cognito's defaults: MFA off, no custom attributes, no groups.
  const plain = await cognito.send(new CreateUserPoolCommand({ PoolName: PLAIN }))
  plainId = plain.UserPool?.Id ?? ''
  for (let i = 0; i < 2; i++) await cognito.send(new CreateUserPoolCommand({ PoolName: TWIN }))
})

after(() => cognito.destroy())

function parsed(directive: string) {
  return parseChecklist(checklistOf(directive), { path: 'inline.md' })
}

describe('cognito.user-pool parameters', () => {
  it('need a name or a well-formed id, and an MFA setting it knows', () => {
    const problems = (directive: string) => parsed(directive).problems.map((p) => p.message)
    assert.deepEqual(problems('cognito.user-pool groups=admins'), [
      "cognito.user-pool: needs 'name' or 'id' (one of them)",
    ])
    assert.deepEqual(problems('cognito.user-pool id=users'), [
      "cognito.user-pool id='users': expected a user pool id such as us-east-1_AbCdEf123",
    ])
    assert.deepEqual(problems('cognito.user-pool name=users mfa=required'), [
      "cognito.user-pool mfa='required': expected one of: on, optional, off",
    ])
  })

  it('list the pools only to find one by name, and read groups only when asked', () => {
    const iam = (directive: string) =>
      iamActionsOf(parsed(directive).checklist.items[0] ?? assert.fail())
    assert.deepEqual(iam('cognito.user-pool id=us-east-1_AbC mfa=on'), [
      'cognito-idp:DescribeUserPool',
    ])
    assert.deepEqual(iam('cognito.user-pool name=users groups=admins'), [
      'cognito-idp:ListUserPools',
      'cognito-idp:DescribeUserPool',
      'cognito-idp:GetGroup',
    ])
  })
})

describe('cognito.user-pool against moto', () => {
  it('passes for a pool by name with its groups, custom attributes and MFA', async () => {
    const result = (
      await runChecklist(
        checklistOf(
          `cognito.user-pool name=${FULL} groups=admins,operators attributes=tenant_id,custom:plan mfa=on`,
        ),
      )
    ).result()
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.equal(
      result.summary,
      `${FULL} user pool ${fullId}, MFA ON, groups admins, operators present, attributes custom:tenant_id, custom:plan present`,
    )
    assert.equal(result.evidence?.mfa, 'ON')
    assert.deepEqual(result.evidence?.customAttributes, ['custom:tenant_id', 'custom:plan'])
    assert.deepEqual(result.evidence?.groups, ['admins', 'operators'])
  })

  it('passes for a pool by id', async () => {
    const result = (
      await runChecklist(checklistOf(`cognito.user-pool id=${plainId} mfa=off`))
    ).result()
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(result.summary, `${PLAIN} user pool ${plainId}, MFA OFF`)
  })

  it('lists every unmet expectation, not just the first', async () => {
    const checked = await runChecklist(
      checklistOf(
        `cognito.user-pool name=${PLAIN} mfa=optional groups=admins,support attributes=tenant_id`,
        `cognito.user-pool name=${FULL} groups=admins,support attributes=tenant_id,region`,
      ),
    )
    const plain = checked.result('check-1')
    assert.equal(plain.status, 'fail')
    assert.equal(
      plain.summary,
      `user pool ${PLAIN} is not as required: MFA is OFF (expected OPTIONAL) (and 2 more)`,
    )
    assert.deepEqual(plain.details, [
      'MFA is OFF (expected OPTIONAL)',
      'groups admins, support are missing',
      'custom attribute custom:tenant_id is missing (the pool has no custom attributes)',
    ])
    assert.deepEqual(checked.result('check-2').details, [
      'group support is missing',
      'custom attribute custom:region is missing (the pool has custom:tenant_id, custom:plan)',
    ])
  })

  it('fails for a pool that does not exist, by name or by id', async () => {
    const checked = await runChecklist(
      checklistOf(`cognito.user-pool name=dw-${run}-nope`, 'cognito.user-pool id=us-east-1_nope0'),
    )
    const byName = checked.result('check-1')
    assert.equal(byName.status, 'fail')
    assert.equal(byName.summary, `user pool dw-${run}-nope does not exist`)
    assert.deepEqual(byName.details, [
      'check the pool name and the region (us-east-1), or give its id= instead',
    ])
    const byId = checked.result('check-2')
    assert.equal(byId.status, 'fail')
    assert.equal(byId.summary, 'user pool us-east-1_nope0 does not exist')
  })

  it('asks for the id when two pools share the name', async () => {
    const result = (await runChecklist(checklistOf(`cognito.user-pool name=${TWIN}`))).result()
    assert.equal(result.status, 'error')
    assert.equal(result.summary, `2 user pools are named ${TWIN}`)
    assert.match(
      result.details?.[0] ?? '',
      /^give the one to check as id=: us-east-1_\w+, us-east-1_\w+$/,
    )
  })

  it('errors with what to set when there are no credentials', async () => {
    const result = await withEnv(WITHOUT_AWS_CREDENTIALS, async () =>
      (await runChecklist(checklistOf(`cognito.user-pool name=${FULL}`))).result(),
    )
    assert.equal(result.status, 'error')
    assert.equal(result.summary, 'no AWS credentials')
  })
})

const POOL: AwsReply = {
  result: {
    UserPool: {
      Id: 'eu-west-1_AbC123',
      Name: 'users',
      MfaConfiguration: 'OPTIONAL',
      EstimatedNumberOfUsers: 42,
      CreationDate: new Date('2025-01-02T03:04:05Z'),
    },
  },
}

/** Runs the directives against the fault server. */
function againstFaults(...directives: string[]) {
  return withEnv({ AWS_ENDPOINT_URL: fault.url }, () => runChecklist(checklistOf(...directives)))
}

describe('cognito.user-pool against the fault server', () => {
  it('reads every page of pools to find one by name', async () => {
    fault.script(({ action, params }) => {
      if (action === 'DescribeUserPool') return POOL
      return params.NextToken === undefined
        ? { result: { UserPools: [{ Id: 'eu-west-1_Other1', Name: 'other' }], NextToken: 'p2' } }
        : { result: { UserPools: [{ Id: 'eu-west-1_AbC123', Name: 'users' }] } }
    })
    const result = (await againstFaults('cognito.user-pool name=users mfa=optional')).result()
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(result.summary, 'users user pool eu-west-1_AbC123, MFA OPTIONAL')
    assert.equal(result.evidence?.estimatedUsers, 42)
    assert.deepEqual(
      fault.requests.map((r) => `${r.action} ${JSON.stringify(r.params)}`),
      [
        'ListUserPools {"MaxResults":60}',
        'ListUserPools {"MaxResults":60,"NextToken":"p2"}',
        'DescribeUserPool {"UserPoolId":"eu-west-1_AbC123"}',
      ],
    )
  })

  it('retries throttling, then passes', async () => {
    fault.script((_, n) =>
      n <= 2 ? { error: 'TooManyRequestsException', message: 'Rate exceeded' } : POOL,
    )
    const result = (await againstFaults('cognito.user-pool id=eu-west-1_AbC123')).result()
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(result.attempts, 3)
  })

  it('names the call the identity may not make', async () => {
    fault.script(({ action }) =>
      action === 'GetGroup' ? { error: 'AccessDeniedException', message: 'not authorized' } : POOL,
    )
    const result = (
      await againstFaults('cognito.user-pool id=eu-west-1_AbC123 groups=admins')
    ).result()
    assert.equal(result.status, 'error')
    assert.equal(
      result.summary,
      'access denied: the AWS identity may not call cognito-idp:GetGroup',
    )
  })

  it('does not take an answer without the pool for one', async () => {
    fault.script(() => ({ result: {} }))
    const result = (await againstFaults('cognito.user-pool id=eu-west-1_AbC123')).result()
    assert.equal(result.status, 'error')
    assert.equal(
      result.summary,
      `unexpected answer from Cognito at ${fault.url}: UserPool is missing`,
    )
  })

  it('does not wait forever on an endpoint that never answers', async () => {
    fault.script(() => 'hang')
    const result = await withEnv({ AWS_ENDPOINT_URL: fault.url }, async () =>
      (
        await runChecklist(checklistOf('cognito.user-pool id=eu-west-1_AbC123'), {
          awsRequestTimeoutMs: 300,
        })
      ).result(),
    )
    assert.equal(result.status, 'error')
    assert.match(
      result.summary,
      /^no answer from .+ to cognito-idp:DescribeUserPool within \d+m?s: check the VPN/,
    )
  })
})
