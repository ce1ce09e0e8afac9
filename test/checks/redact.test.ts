import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isSecretVariable, MASK, Redactor, redactUrls } from '../../src/checks/redact.ts'

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

describe('isSecretVariable', () => {
  const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/prod/db-Ab12Cd'

  it('takes a variable whose name sounds like a secret for one', () => {
    for (const name of ['JWT_SECRET', 'API_TOKEN', 'DB_PASSWORD', 'STRIPE_KEY', 'SESSION_ID']) {
      assert.equal(isSecretVariable(name, 'v4lue-of-it'), true, name)
    }
    assert.equal(isSecretVariable('AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE'), true)
    assert.equal(isSecretVariable('LOG_FORMAT', 'json'), false)
  })

  it('nor what a desktop login sets, whose names only sound like secrets', () => {
    for (const [name, value] of [
      ['XDG_SESSION_CLASS', 'user'],
      ['XDG_SESSION_TYPE', 'wayland'],
      ['DESKTOP_SESSION', 'ubuntu'],
      ['SSH_AUTH_SOCK', '/run/user/1000/keyring/ssh'],
    ]) {
      assert.equal(isSecretVariable(name ?? '', value), false, name)
    }
    assert.equal(isSecretVariable('XDG_SESSION_SECRET_X', 'v'), false, 'XDG_ is the desktop’s')
    assert.equal(isSecretVariable('MY_SESSION_TOKEN', 'v4lue-of-it'), true)
  })

  it('but not one that only names a secret: by its last word, or an ARN for a value', () => {
    assert.equal(isSecretVariable('DB_SECRET_ARN', ARN), false)
    assert.equal(isSecretVariable('DB_SECRET_ARN', 'anything'), false)
    assert.equal(isSecretVariable('JWT_SECRET_NAME', 'shop/prod/jwt'), false)
    assert.equal(isSecretVariable('SESSION_TABLE_NAME', 'Sessions-prod'), false)
    assert.equal(
      isSecretVariable('KMS_KEY_ID', 'arn:aws-cn:kms:cn-north-1:123456789012:key/1'),
      false,
    )
    assert.equal(isSecretVariable('DB_SECRET', ARN), false)
  })

  it('still takes a secret that merely mentions an ARN, or a name ending in another word, for one', () => {
    assert.equal(isSecretVariable('DB_SECRET', `x${ARN}`), true)
    assert.equal(isSecretVariable('DB_SECRET', 'arn:aws:nope'), true)
    assert.equal(isSecretVariable('AUTH_USERNAME_SECRET', 'pw-9Xq2'), true)
    assert.equal(isSecretVariable('DB_PASSWORDNAME', 'pw-9Xq2'), true)
  })
})
