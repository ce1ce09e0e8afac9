import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import { isSecretVariable, MASK, Redactor, redactUrls } from '../../src/checks/redact.ts'
import { uEscaped } from '../helpers/secrets.ts'

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

  /** A token as AWS hands out secret keys: slashes in it. */
  const TOKEN = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
  /** A password with what each encoder escapes: quotes, a backslash, a space, non-ASCII, a newline. */
  const PASSWORD = 'Grüße "zu" C:\\temp/päss wörd€\n9Lq𝄞'

  it('masks a value however JSON writes it: slashes escaped or not, \\u escapes in either case', () => {
    const redactor = new Redactor()
    redactor.add(TOKEN)
    redactor.add(PASSWORD)
    const encoders: Record<string, (value: string) => string> = {
      'JSON.stringify': (value) => JSON.stringify(value),
      // PHP's json_encode: every slash escaped, non-ASCII as \u in lower case.
      php: (value) => uEscaped(JSON.stringify(value).replaceAll('/', '\\/'), /[^\x20-\x7e]/g),
      // Python's json.dumps: non-ASCII as \u in lower case, slashes as they are.
      python: (value) => uEscaped(JSON.stringify(value), /[^\x20-\x7e]/g),
      // .NET's System.Text.Json: quotes, + and non-ASCII as \u in upper case.
      dotnet: (value) =>
        `"${uEscaped(JSON.stringify(value).slice(1, -1).replaceAll('\\"', '"'), /[^\x20-\x7e]|["'+<>&]/g, true)}"`,
    }
    for (const [name, encode] of Object.entries(encoders)) {
      for (const value of [TOKEN, PASSWORD]) {
        const written = `{"echo":${encode(value)}}`
        assert.equal(redactor.scrub(written), `{"echo":"${MASK}"}`, `${name}: ${written}`)
      }
    }
  })

  it('masks a value however a URL or a form encodes it, %xx in either case', () => {
    const redactor = new Redactor()
    redactor.add(PASSWORD)
    const percent = encodeURIComponent(PASSWORD)
    for (const written of [
      percent,
      percent.replace(/%[0-9A-F]{2}/g, (code) => code.toLowerCase()),
      new URLSearchParams({ p: PASSWORD }).toString().slice('p='.length),
      encodeURI(PASSWORD),
    ]) {
      assert.equal(redactor.scrub(`?p=${written}&page=2`), `?p=${MASK}&page=2`, written)
    }
  })

  it('masks a value written as HTML', () => {
    const redactor = new Redactor()
    redactor.add('p<w>"a&b\'c-9Lq')
    assert.equal(
      redactor.scrub('<input value="p&lt;w&gt;&quot;a&amp;b&#39;c-9Lq">'),
      `<input value="${MASK}">`,
    )
    assert.equal(redactor.scrub('p&#x3C;w&#62;&#x22;a&amp;b&#x27;c-9Lq'), MASK)
  })

  it('masks a value in base64 and base64url, padded or not', () => {
    const redactor = new Redactor()
    redactor.add(TOKEN)
    redactor.add(PASSWORD)
    for (const value of [TOKEN, PASSWORD]) {
      const base64 = Buffer.from(value).toString('base64')
      for (const written of [
        base64,
        base64.replace(/=+$/, ''),
        Buffer.from(value).toString('base64url'),
        `${Buffer.from(value).toString('base64url')}==`.slice(0, base64.length),
      ]) {
        assert.equal(redactor.scrub(`data: ${written}`), `data: ${MASK}`, written)
      }
    }
  })

  it('masks a value inside a longer base64 text, wherever it starts: user:secret', () => {
    const redactor = new Redactor()
    redactor.add(TOKEN)
    // User names that put the secret at each of the three offsets within base64's 3-byte groups.
    for (const user of ['ab', 'ops', 'root']) {
      for (const encoding of ['base64', 'base64url'] as const) {
        const written = Buffer.from(`${user}:${TOKEN}`).toString(encoding)
        const scrubbed = redactor.scrub(written)
        const [before = '', after = '', ...rest] = scrubbed.split(MASK)
        assert.deepEqual(rest, [], scrubbed)
        // Left: the user's part, and a character or two holding bits of both, or of padding.
        assert.ok(before.length <= Math.ceil(((user.length + 1) * 4) / 3) + 1, scrubbed)
        assert.ok(after.length <= 4, scrubbed)
      }
    }
  })

  it('masks a value that a URL lower-cased or put in punycode as its host name', () => {
    const redactor = new Redactor()
    redactor.add('Tok3nHost-9Qx')
    redactor.add('Vorschau-Tök3n')
    const lower = new URL('https://Tok3nHost-9Qx.example.com/').href
    assert.equal(lower, 'https://tok3nhost-9qx.example.com/')
    assert.equal(redactor.scrub(lower), `https://${MASK}.example.com/`)
    assert.equal(
      redactor.scrub(new URL('https://pr-Tok3nHost-9Qx.example.com/').host),
      `pr-${MASK}.example.com`,
    )
    const punycode = new URL('https://Vorschau-Tök3n.example.com/').hostname
    assert.match(punycode, /^xn--/)
    assert.equal(redactor.scrub(punycode), `${MASK}.example.com`)
  })

  it('does not lower-case a value that is a plain word into ordinary text', () => {
    const redactor = new Redactor()
    redactor.add('Admin')
    redactor.add('PASSWORD')
    assert.equal(redactor.scrub('admin Admin password PASSWORD'), `admin ${MASK} password ${MASK}`)
  })

  it('masks a secret that is a common word only where it stands as a word of its own', () => {
    const redactor = new Redactor()
    for (const word of ['test', 'admin', 'make']) redactor.add(word)
    assert.equal(
      redactor.scrub('testing/all-unit-tests-passing-make-test'),
      `testing/all-unit-tests-passing-${MASK}-${MASK}`,
    )
    assert.equal(
      redactor.scrub('Testing makes administrators test_db retest: Tests'),
      'Testing makes administrators test_db retest: Tests',
    )
    assert.equal(
      redactor.scrub('login admin/test ok: "test"'),
      `login ${MASK}/${MASK} ok: "${MASK}"`,
    )
  })

  it('keeps what follows a masked value: scrubbing twice is scrubbing once', () => {
    const redactor = new Redactor()
    const once = redactor.scrub('raw {"secret": "s3cr3t-v4lue"} (password=hunter22) [token=abc123]')
    assert.equal(once, `raw {"secret": ${MASK}} (password=${MASK}) [token=${MASK}]`)
    assert.equal(redactor.scrub(once), once)
    // A bracket inside a value is the value's: it is masked whole.
    assert.equal(redactor.scrub('password=ab)cd}ef next'), `password=${MASK} next`)
  })

  it('masks a long secret written escaped, a private key or a credentials file', () => {
    const redactor = new Redactor()
    const key = JSON.stringify(
      {
        type: 'service_account',
        private_key: `-----BEGIN PRIVATE KEY-----\n${randomBytes(3000).toString('base64')}\n-----END PRIVATE KEY-----\n`,
        client_email: 'deployer@shop-prod.iam.example.com',
      },
      null,
      2,
    )
    redactor.add(key)
    // Masked piece by piece (see `spellings`): a mask for each piece, nothing left between.
    const masked = /^got "?(\*\*\*)+"?$/
    assert.match(redactor.scrub(`got ${JSON.stringify(key).replaceAll('/', '\\/')}`), masked)
    assert.match(redactor.scrub(`got ${encodeURIComponent(key)}`), masked)
  })

  it('masks a bearer token it was not told of whole, though JSON escaped its slashes', () => {
    const redactor = new Redactor()
    assert.equal(
      redactor.scrub('{"header":"Bearer wJalrXUtnFEMI\\/K7MDENG\\/bPxRfiCYEXAMPLEKEY"}'),
      `{"header":"Bearer ${MASK}"}`,
    )
    assert.equal(redactor.scrub('{"token": "ab\\"cd-ef"}'), `{"token": ${MASK}}`)
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
