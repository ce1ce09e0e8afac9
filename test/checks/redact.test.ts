import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MASK, Redactor, redactUrls } from '../../src/checks/redact.ts'

describe('Redactor', () => {
  it('masks every known secret value, longest first, and its URL-encoded form', () => {
    const redactor = new Redactor()
    redactor.add('s3cr3t')
    redactor.add('s3cr3t/with space')
    const text = 'a s3cr3t/with space b s3cr3t c s3cr3t%2Fwith%20space'
    assert.equal(redactor.scrub(text), `a ${MASK} b ${MASK} c ${MASK}`)
  })

  it('ignores values too short to search for without masking ordinary words', () => {
    const redactor = new Redactor()
    redactor.add('ab')
    redactor.add('')
    redactor.add(undefined)
    assert.equal(redactor.scrub('ab cab'), 'ab cab')
  })

  it('masks the shapes secrets take even when the value was never registered', () => {
    const redactor = new Redactor()
    assert.equal(
      redactor.scrub('postgres://app:hunter22@db:5432/app?sslmode=require'),
      `postgres://app:${MASK}@db:5432/app?sslmode=require`,
    )
    assert.equal(redactor.scrub('password=hunter22 user=app'), `password=${MASK} user=app`)
    assert.equal(redactor.scrub('Authorization: Bearer abcdef123456'), `Authorization: ${MASK}`)
    assert.equal(redactor.scrub('got token: "xyz789"'), `got token: ${MASK}`)
    assert.equal(
      redactor.scrub('sent Bearer abcdef123456 upstream'),
      `sent Bearer ${MASK} upstream`,
    )
  })

  it('masks credentials in variable assignments, JSON and query strings', () => {
    const redactor = new Redactor()
    assert.equal(redactor.scrub('DB_PASSWORD=hunter2x'), `DB_PASSWORD=${MASK}`)
    assert.equal(
      redactor.scrub('export AWS_SECRET_ACCESS_KEY=abcd1234'),
      `export AWS_SECRET_ACCESS_KEY=${MASK}`,
    )
    assert.equal(redactor.scrub('{"password": "jsonpw1"}'), `{"password": ${MASK}}`)
    assert.equal(redactor.scrub('API_TOKEN: tok123'), `API_TOKEN: ${MASK}`)
    assert.equal(
      redactor.scrub('https://x.test/h?access_token=abc123&page=2'),
      `https://x.test/h?access_token=${MASK}&page=2`,
    )
  })

  it('does not mistake the tail of a name for a key', () => {
    const redactor = new Redactor()
    assert.equal(
      redactor.scrub('secret dw/x/api-key: rotation is off'),
      'secret dw/x/api-key: rotation is off',
    )
    assert.equal(redactor.scrub('my-token: abc'), 'my-token: abc')
    assert.equal(
      redactor.scrub('ECONNREFUSED calling secretsmanager:DescribeSecret'),
      'ECONNREFUSED calling secretsmanager:DescribeSecret',
    )
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/dev/db-Ab12Cd'
    assert.equal(redactor.scrub(`arn: ${arn}`), `arn: ${arn}`)
  })

  it('leaves URLs without a password alone', () => {
    assert.equal(redactUrls('https://example.com:8443/health'), 'https://example.com:8443/health')
    assert.equal(redactUrls('postgres://app@db/app'), 'postgres://app@db/app')
  })

  it('scrubs nested outcomes, keys included, without touching numbers', () => {
    const redactor = new Redactor()
    redactor.add('topsecret')
    const scrubbed = redactor.scrubDeep({
      summary: 'found topsecret',
      details: ['x topsecret y'],
      evidence: { topsecret: 1, rows: [['topsecret', 2]] },
    })
    assert.deepEqual(scrubbed, {
      summary: `found ${MASK}`,
      details: [`x ${MASK} y`],
      evidence: { [MASK]: 1, rows: [[MASK, 2]] },
    })
  })
})
