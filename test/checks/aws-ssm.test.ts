/**
 * `ssm.parameter` against moto_server (parameters created here with the real
 * SDK, one holding a distinctive secret value that must never show) and, for
 * pages and faults, against our fault server speaking Systems Manager's JSON
 * protocol. Names carry a per-run suffix.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { DeleteParametersCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm'
import { parseChecklist } from '../../src/checklist/parse.ts'
import { iamActionsOf } from '../../src/checks/registry.ts'
import { itReportsAwsErrors, resultAt } from '../helpers/aws-errors.ts'
import { type AwsReply, pointAwsAt, startAwsFaultServer } from '../helpers/aws-fault-server.ts'
import { backend, checklistOf, runChecklist } from '../helpers/checks.ts'

pointAwsAt(backend('moto'))
const fault = await startAwsFaultServer()

const run = randomUUID().slice(0, 8)
const PASSWORD = `/dw/${run}/db-password`
const HOST = `/dw/${run}/db-host`
const FLAT = `dw-${run}-regions`
const ARN_OF = (name: string) =>
  `arn:aws:ssm:us-east-1:123456789012:parameter${name.startsWith('/') ? '' : '/'}${name}`
/** Distinctive, so finding it anywhere in the output cannot be a coincidence. */
const SECRET_VALUE = `s3cr3t-${randomUUID()}-never-shown`

const ssm = new SSMClient({ region: 'us-east-1', maxAttempts: 1 })

before(async () => {
  await ssm.send(
    new PutParameterCommand({ Name: PASSWORD, Value: SECRET_VALUE, Type: 'SecureString' }),
  )
  await ssm.send(new PutParameterCommand({ Name: HOST, Value: 'db.internal', Type: 'String' }))
  await ssm.send(
    new PutParameterCommand({ Name: FLAT, Value: 'eu-west-1,us-east-1', Type: 'StringList' }),
  )
})

after(async () => {
  await ssm.send(new DeleteParametersCommand({ Names: [PASSWORD, HOST, FLAT] })).catch(() => {})
  ssm.destroy()
  await fault.close()
})

describe('ssm.parameter against moto', () => {
  it('passes for a SecureString without reading its value', async () => {
    const checked = await runChecklist(
      checklistOf(`ssm.parameter name=${PASSWORD} type=SecureString`),
    )
    const result = checked.result()
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.match(
      result.summary,
      new RegExp(
        `^${PASSWORD} exists, SecureString, version 1, last modified \\d{4}-\\d\\d-\\d\\d$`,
      ),
    )
    assert.equal(result.evidence?.type, 'SecureString')
    assert.equal(result.evidence?.kmsKey, 'alias/aws/ssm')
    assert.ok(!checked.everything.includes(SECRET_VALUE), 'the value was shown')
  })

  it('finds a parameter by its ARN, in a hierarchy or not', async () => {
    const checked = await runChecklist(
      checklistOf(
        `ssm.parameter name=${ARN_OF(HOST)} type=String`,
        `ssm.parameter name=${ARN_OF(FLAT)} type=StringList`,
      ),
    )
    assert.match(checked.result('check-1').summary, new RegExp(`^${HOST} exists, String,`))
    assert.match(checked.result('check-2').summary, new RegExp(`^${FLAT} exists, StringList,`))
  })

  it('fails a parameter of another type, saying how a secret should be stored', async () => {
    const result = (
      await runChecklist(checklistOf(`ssm.parameter name=${HOST} type=SecureString`))
    ).result()
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, `parameter ${HOST} is String (expected SecureString)`)
    assert.deepEqual(result.details, [
      'it is a String; the check expects a SecureString',
      `a String is stored unencrypted: to re-create it, aws ssm put-parameter --name ${HOST} --type SecureString --overwrite --value …`,
    ])
  })

  it('fails for a parameter that does not exist, even when others start with its name', async () => {
    const result = (await runChecklist(checklistOf(`ssm.parameter name=/dw/${run}/db`))).result()
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, `parameter /dw/${run}/db does not exist`)
    assert.deepEqual(result.details, ['check the parameter name or ARN and the region (us-east-1)'])
  })
})

describe('ssm.parameter parameters', () => {
  it('needs DescribeParameters only, never GetParameter', () => {
    const item = parseChecklist(checklistOf('ssm.parameter name=/a type=SecureString'), {
      path: 'inline.md',
    }).checklist.items[0]
    assert.ok(item)
    assert.deepEqual(iamActionsOf(item), ['ssm:DescribeParameters'])
  })

  it('refuses a type Systems Manager does not have', () => {
    const { problems } = parseChecklist(checklistOf('ssm.parameter name=/a type=Secret'), {
      path: 'inline.md',
    })
    assert.deepEqual(
      problems.map((p) => p.message),
      ["ssm.parameter type='Secret': expected one of: String, StringList, SecureString"],
    )
  })
})

const found: AwsReply = {
  result: {
    Parameters: [
      {
        Name: '/orders/prod/db-password',
        Type: 'SecureString',
        Version: 4,
        LastModifiedDate: new Date('2025-02-03T04:05:06Z'),
        LastModifiedUser: 'arn:aws:iam::123456789012:user/deployer',
        KeyId: 'alias/orders',
      },
    ],
  },
}

describe('ssm.parameter against the fault server', () => {
  it('reads on through empty pages, asking DescribeParameters and nothing else', async () => {
    // DescribeParameters filters after paging: the match may be pages away.
    fault.script((_, n) =>
      n <= 2 ? { result: { Parameters: [], NextToken: `page-${n + 1}` } } : found,
    )
    const result = await resultAt(
      fault,
      'ssm.parameter name=/orders/prod/db-password type=SecureString',
    )
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(
      result.summary,
      '/orders/prod/db-password exists, SecureString, version 4, last modified 2025-02-03',
    )
    assert.deepEqual(
      fault.requests.map((r) => r.action),
      ['DescribeParameters', 'DescribeParameters', 'DescribeParameters'],
    )
    assert.deepEqual(fault.requests[0]?.params.ParameterFilters, [
      { Key: 'Name', Option: 'Equals', Values: ['/orders/prod/db-password'] },
    ])
    assert.equal(result.evidence?.lastModifiedBy, 'arn:aws:iam::123456789012:user/deployer')
  })

  it('says a parameter without a type is not an answer', async () => {
    fault.script(() => ({ result: { Parameters: [{ Name: '/orders/prod/db-password' }] } }))
    const result = await resultAt(fault, 'ssm.parameter name=/orders/prod/db-password')
    assert.equal(result.status, 'error')
    assert.equal(
      result.summary,
      `unexpected answer from Systems Manager at ${fault.url}: Parameters.0.Type is missing`,
    )
  })

  itReportsAwsErrors({
    fault,
    directive: 'ssm.parameter name=/orders/prod/db-password type=SecureString',
    answers: () => found,
    firstCall: 'ssm:DescribeParameters',
  })
})
