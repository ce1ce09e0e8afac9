import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseChecklist } from '../../src/checklist/parse.ts'
import { CHECK_KINDS, iamActionsOf, isWrite, needsTrust } from '../../src/checks/registry.ts'

function itemWith(directive: string) {
  const { checklist } = parseChecklist(`# T\n## P\n- [ ] x <!-- check: ${directive} -->\n`, {
    path: 'inline.md',
  })
  const item = checklist.items[0]
  assert.ok(item)
  return item
}

describe('what a kind declares', () => {
  it('says which checks write: an http request other than GET, HEAD or OPTIONS', () => {
    assert.equal(isWrite(itemWith('http url=http://x/a')), false)
    assert.equal(isWrite(itemWith('http url=http://x/a method=HEAD')), false)
    assert.equal(isWrite(itemWith('http url=http://x/a method=post')), true)
    assert.equal(isWrite(itemWith('http url=http://x/a data={}')), true)
    assert.equal(isWrite(itemWith('http url=http://x/a data={} method=GET')), false)
    assert.equal(isWrite(itemWith('command run="true"')), false)
  })

  it('says which checks need trust: commands, and tools the checklist points at or gives arguments', () => {
    assert.equal(needsTrust(itemWith('command run="true"')), true)
    assert.equal(needsTrust(itemWith('tool name=node')), false)
    assert.equal(needsTrust(itemWith('tool name=./bin/node')), true)
    assert.equal(needsTrust(itemWith('tool name=node args=-v')), true)
    assert.equal(needsTrust(itemWith('http url=http://x/a method=POST')), false)
  })

  it('names the IAM actions an AWS check calls, only those its parameters ask for', () => {
    assert.deepEqual(iamActionsOf(itemWith('dynamodb.table name=t')), ['dynamodb:DescribeTable'])
    assert.deepEqual(iamActionsOf(itemWith('dynamodb.table name=t ttl=x pitr=true')), [
      'dynamodb:DescribeTable',
      'dynamodb:DescribeTimeToLive',
      'dynamodb:DescribeContinuousBackups',
    ])
    assert.deepEqual(iamActionsOf(itemWith('secret name=s')), ['secretsmanager:DescribeSecret'])
    assert.deepEqual(iamActionsOf(itemWith('pg.connect secret=s')), [
      'secretsmanager:GetSecretValue',
    ])
    assert.deepEqual(iamActionsOf(itemWith('pg.connect url=postgres://h/db')), [])
    assert.deepEqual(iamActionsOf(itemWith('http url=http://x/a')), [])
  })

  it('says which parameters hold credentials, and each is a parameter of the kind', () => {
    const credentialsOf = (directive: string) => {
      const check = itemWith(directive).check
      assert.ok(check)
      return CHECK_KINDS.get(check.kind)?.credentials?.(check.params) ?? {}
    }
    assert.deepEqual(credentialsOf('http url=http://x/a'), {
      bearer: 'whole',
      'request-header': 'header',
      data: 'from-env',
    })
    assert.deepEqual(credentialsOf('env name=JWT_SECRET equals=x'), { equals: 'whole' })
    assert.deepEqual(credentialsOf('env name=LOG_FORMAT equals=json'), {})
    for (const kind of CHECK_KINDS.values()) {
      for (const param of Object.keys(kind.credentials?.({ name: 'API_TOKEN' }) ?? {})) {
        assert.ok(param in kind.params.shape, `${kind.kind} has no parameter ${param}`)
      }
    }
  })

  it('builds a schema once, the first time it is read', () => {
    for (const kind of CHECK_KINDS.values()) {
      assert.equal(kind.params, kind.params, kind.kind)
      assert.ok(Object.keys(kind.params.shape).length > 0, kind.kind)
    }
  })

  it('loads the code that runs a check only when asked, and it is a function', async () => {
    for (const kind of CHECK_KINDS.values()) {
      assert.equal(typeof (await kind.load()), 'function', kind.kind)
    }
  })
})
