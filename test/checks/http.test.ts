import assert from 'node:assert/strict'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { after, before, describe, it } from 'node:test'
import { gzipSync } from 'node:zlib'
import { freePort } from '../backends/start.ts'
import { checklistOf, runChecklist } from '../helpers/checks.ts'
import { assertNoTraceOf, encodingsOf } from '../helpers/secrets.ts'
import {
  type LocalServer,
  startHttpServer,
  startHttpsServer,
  startTcpServer,
  waitFor,
} from '../helpers/servers.ts'

const TOKEN = 'tok-8f3Kq2Lx9Vw4Zr7Tn1Bm6Yc'
const API_KEY = 'key-55Hd2Jw8Qp3Xs7Rf'
const COOKIE = 'session=c00kie-9Gh4Kl2Mn'
const DB_PASSWORD = 'Pw-3Zx8Rt5Lq2Nd7Vh4'
/** A token with slashes, as AWS secret keys and base64 tokens have. */
const SLASHED_TOKEN = 'Qx7aLrXUtnFEMI/K7MDENG/bPxRfiCY+Zr2Lp9Tn1'
/** A password with what every encoder escapes: quotes, a backslash, spaces, non-ASCII, a newline. */
const ODD_PASSWORD = 'Grüße "Jörg" C:\\temp/pässwörd €9\nLq𝄞x'

let api: LocalServer
let other: LocalServer
/** What the last request to /echo or /whoami carried. */
let seen: { method?: string; contentType?: string; body?: string; authorization?: string } = {}
/** Gzip members of 1 MB of zeros (about 1 kB each): 102,400 of them inflate to 100 GB. */
const BOMB_MEMBER = gzipSync(Buffer.alloc(1024 * 1024))
const BOMB_MEMBERS = 102_400
/** Compressed bytes of the bomb the check's connection took before it was closed. */
let bombBytesSent = 0

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-service': 'api' })
  res.end(JSON.stringify(value))
}

async function readAll(req: IncomingMessage): Promise<string> {
  let text = ''
  for await (const chunk of req) text += chunk
  return text
}

before(async () => {
  other = await startHttpServer((req, res) => {
    seen = { authorization: req.headers.authorization ?? 'none' }
    res.end(`auth=${req.headers.authorization ? 'present' : 'none'}`)
  })
  api = await startHttpServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    switch (path) {
      case '/health':
        return json(res, 200, {
          status: 'ready',
          count: 3,
          checks: [{ name: 'db', ok: true }],
        })
      case '/starting':
        return json(res, 503, { status: 'starting' })
      case '/broken': {
        // A server explaining its failure over several lines, the database password included.
        const explanation = [
          '{',
          '  "error": "database unavailable",',
          '  "detail": "no connection to db:5432 (pool full)",',
          `  "config": { "password": "${DB_PASSWORD}", "user": "app", "host": "db.internal",`,
          `    "token": "${req.headers['x-token']}" }`,
          '}',
        ]
        return res
          .writeHead(500, { 'content-type': 'application/json' })
          .end(explanation.join('\n'))
      }
      case '/image':
        return res.writeHead(500, { 'content-type': 'image/png' }).end(Buffer.from([0x89, 0x50]))
      case '/zeros':
        return res
          .writeHead(500, { 'content-type': 'application/octet-stream' })
          .end(Buffer.alloc(4096))
      case '/zeros-as-text':
        return res.writeHead(500, { 'content-type': 'text/plain' }).end(Buffer.alloc(4096))
      case '/zeros-untyped':
        return res.writeHead(500).end(Buffer.alloc(4096))
      case '/bomb': {
        res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' })
        // Written as the client reads: one that inflated everything would take all of it.
        let members = 0
        const more = () => {
          while (members < BOMB_MEMBERS && !res.destroyed) {
            members++
            bombBytesSent += BOMB_MEMBER.length
            if (!res.write(BOMB_MEMBER)) return void res.once('drain', more)
          }
          res.end()
        }
        return more()
      }
      case '/leaky':
        // Prints a key it was configured with, PEM lines and all, as a careless server does.
        return res.writeHead(500, { 'content-type': 'text/plain' }).end(`config: ${PEM}`)
      case '/hostile':
        // Sets the window title, clears the screen and paints red, on a terminal that obeys.
        return res
          .writeHead(500, { 'content-type': 'text/plain' })
          .end('oops \u001b]0;PWNED\u0007\u001b[2J\u001b[31mred \u0007bell')
      case '/text':
        return res.writeHead(200, { 'content-type': 'text/plain' }).end('service ok\n')
      case '/secure':
        if (req.headers.authorization === `Bearer ${TOKEN}`) return json(res, 200, { user: 'ops' })
        return res.writeHead(401, { 'www-authenticate': 'Bearer' }).end('unauthorized')
      case '/basic': {
        const expected = `Basic ${Buffer.from(`ops:${API_KEY}`).toString('base64')}`
        return res.writeHead(req.headers.authorization === expected ? 200 : 401).end()
      }
      case '/who': {
        // Says who it thinks is calling, credentials and all, as a careless server does.
        const basic = (req.headers.authorization ?? '').replace(/^Basic /, '')
        return res
          .writeHead(401, { 'content-type': 'text/plain' })
          .end(`no entry for ${Buffer.from(basic, 'base64').toString()}`)
      }
      case '/mirror': {
        // Sends back what it was given — the bearer token, or else the body — written
        // the way the encoder named by ?as= writes it, as a careless server does.
        const given =
          (req.headers.authorization ?? '').replace(/^Bearer /, '') || (await readAll(req))
        const as = new URL(req.url ?? '/', 'http://x').searchParams.get('as') ?? 'plain'
        const written = as === 'basic' ? encodingsOf(`ops:${given}`).base64 : encodingsOf(given)[as]
        const type =
          as === 'html' ? 'text/html' : as.startsWith('json') ? 'application/json' : 'text/plain'
        const body = as.startsWith('json') ? `{"echo":"${written}"}` : `you sent ${written}.`
        return res.writeHead(200, { 'content-type': type }).end(body)
      }
      case '/keyed':
        return res.writeHead(req.headers['x-api-key'] === API_KEY ? 200 : 403).end()
      case '/echo': {
        seen = {
          method: req.method ?? '',
          contentType: req.headers['content-type'] ?? '',
          body: await readAll(req),
        }
        return json(res, 201, { method: req.method, body: seen.body })
      }
      case '/to-https':
        return res.writeHead(301, { location: 'https://app.example.com/login' }).end()
      case '/hop':
        return res.writeHead(302, { location: '/health' }).end()
      case '/loop':
        return res.writeHead(302, { location: '/loop' }).end()
      case '/elsewhere':
        return res.writeHead(307, { location: `${other.url}/whoami` }).end()
      case '/gzip':
        return res
          .writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' })
          .end(gzipSync('compressed ok'))
      case '/cookie':
        return res.writeHead(200, { 'set-cookie': COOKIE, 'content-type': 'text/plain' }).end('hi')
      case '/big':
        res.writeHead(200, { 'content-type': 'text/plain' })
        return res.end(`${'x'.repeat(2 * 1024 * 1024)}needle`)
      default:
        return res.writeHead(404).end('not found')
    }
  })
})
after(async () => {
  await api.close()
  await other.close()
})

/** A multi-line secret, as a private key in an environment variable is. */
const PEM =
  '-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0B\n  AQEFAASCBKcwggSjAgEAAoIB\n-----END KEY-----'

async function check(directive: string, processEnv: Record<string, string> = {}) {
  const run = await runChecklist(checklistOf(directive), { processEnv })
  return { result: run.result(), everything: run.everything }
}

/** The value is in no event, and nothing had to be masked: the check never printed it. */
function assertNeverShown(everything: string, value: string): void {
  assert.equal(everything.includes(value), false, 'the value reached an output')
  assert.equal(everything.includes('***'), false, 'the value was printed and had to be masked')
}

describe('http', () => {
  it('passes on a 2xx by default, with status, headers and a body excerpt as evidence', async () => {
    const { result } = await check(`http url=${api.url}/health`)
    assert.equal(result.status, 'pass')
    assert.equal(result.summary, 'HTTP 200')
    assert.equal(result.evidence?.status, 200)
    assert.equal(typeof result.evidence?.elapsedMs, 'number')
    const headers = result.evidence?.headers as Record<string, string> | undefined
    assert.equal(headers?.['content-type'], 'application/json; charset=utf-8')
    assert.equal(
      result.evidence?.body,
      '{"status":"ready","count":3,"checks":[{"name":"db","ok":true}]}',
    )
  })

  it('passes when status, body, JSON fields and header all match', async () => {
    const { result } = await check(
      `http url=${api.url}/health status=200 body=ready json="checks.0.ok=true" header="Content-Type: application/json"`,
    )
    assert.equal(result.status, 'pass')
    assert.equal(
      result.summary,
      "HTTP 200, body contains 'ready', json checks.0.ok=true, header Content-Type: application/json",
    )
    assert.equal(
      (await check(`http url=${api.url}/health json="checks[0].name=db"`)).result.status,
      'pass',
    )
    assert.equal((await check(`http url=${api.url}/health json=count=3`)).result.status, 'pass')
  })

  it('fails on another status, listing every unmet expectation', async () => {
    const { result } = await check(`http url=${api.url}/starting json="status=ready" body=ready`)
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, 'HTTP 503 (expected 2xx)')
    assert.deepEqual(result.details, [
      'HTTP 503 (expected 2xx)',
      "body does not contain 'ready'",
      'json status is "starting" (expected "ready")',
      'body: {"status":"starting"}',
    ])
  })

  it('shows the start of the body in a failure, on one line, secrets masked before it is cut', async () => {
    const { result, everything } = await check(
      `http url=${api.url}/broken request-header="X-Token: \${env:OPS_KEY}"`,
      { OPS_KEY: API_KEY },
    )
    assert.equal(result.status, 'fail')
    // Cut where the password and the token are, unmasked: 117 and 197 characters in. A mask
    // applied to the excerpt would miss them there ("Pw-3Zx8…" is no longer a whole secret).
    assert.deepEqual(result.details, [
      'HTTP 500 (expected 2xx)',
      'body: { "error": "database unavailable", "detail": "no connection to db:5432 (pool full)", "config": { "password": ***, "us...',
    ])
    assert.equal(
      result.evidence?.body,
      '{ "error": "database unavailable", "detail": "no connection to db:5432 (pool full)", "config": { "password": ***, "user": "app", "host": "db.internal", "token": *** } }',
    )
    for (const secret of [DB_PASSWORD, API_KEY]) {
      assert.equal(everything.includes(secret.slice(0, 6)), false, secret)
    }
  })

  it('makes escape sequences in an answer inert: nothing reaches the terminal to obey', async () => {
    const { result, everything } = await check(`http url=${api.url}/hostile`)
    assert.equal(result.status, 'fail')
    assert.deepEqual(result.details, ['HTTP 500 (expected 2xx)', 'body: oops red \\x07bell'])
    assert.equal(result.evidence?.body, 'oops red \\x07bell')
    // Every event, as JSON: a control character would be written \u001b there.
    assert.doesNotMatch(everything, /\\u00(1b|07|0d)/i)
  })

  it('masks a known secret with line breaks in it before folding the body onto one line', async () => {
    const { result, everything } = await check(`http url=${api.url}/leaky`, {
      TLS_PRIVATE_KEY: PEM,
    })
    assert.equal(result.status, 'fail')
    assert.deepEqual(result.details, ['HTTP 500 (expected 2xx)', 'body: config: ***'])
    assert.equal(everything.includes('MIIEvQIBADANBgkqhkiG9w0B'), false)
  })

  it('describes a binary body in a failure, by its size and type', async () => {
    const { result } = await check(`http url=${api.url}/image`)
    assert.deepEqual(result.details, [
      'HTTP 500 (expected 2xx)',
      'body: 2 bytes of binary data (image/png)',
    ])
    assert.equal(result.evidence?.body, '2 bytes of binary data (image/png)')
    const zeros = (await check(`http url=${api.url}/zeros`)).result
    assert.deepEqual(zeros.details, [
      'HTTP 500 (expected 2xx)',
      'body: 4,096 bytes of binary data (application/octet-stream)',
    ])
  })

  it('describes binary bytes as binary whatever the content type says, never as escapes', async () => {
    const text = await check(`http url=${api.url}/zeros-as-text`)
    assert.deepEqual(text.result.details, [
      'HTTP 500 (expected 2xx)',
      'body: 4,096 bytes of binary data (text/plain)',
    ])
    const untyped = await check(`http url=${api.url}/zeros-untyped`)
    assert.equal(untyped.result.details?.[1], 'body: 4,096 bytes of binary data (no content type)')
    for (const { everything } of [text, untyped]) assert.doesNotMatch(everything, /\\x00|\\u0000/)
  })

  it('inflates a gzip bomb only as far as the first megabyte, and closes the connection', async () => {
    bombBytesSent = 0
    const { result } = await check(`http url=${api.url}/bomb body=needle`)
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, "body does not contain 'needle' (in its first 1 MB)")
    assert.equal(result.details?.[1], 'body: over 1 MB of binary data (text/plain)')
    // 100 GB inflated would have taken all 100 MB of it; the socket's buffers hold a few MB.
    const whole = BOMB_MEMBER.length * BOMB_MEMBERS
    assert.ok(bombBytesSent < whole / 10, `${bombBytesSent} of ${whole} bytes were taken`)
  })

  it('accepts a list of statuses and classes', async () => {
    assert.equal(
      (await check(`http url=${api.url}/secure status=200,401`)).result.summary,
      'HTTP 401',
    )
    assert.equal((await check(`http url=${api.url}/secure status=4xx`)).result.status, 'pass')
    const { result } = await check(`http url=${api.url}/text status=200,401 body=ok`)
    assert.equal(result.status, 'pass')
    const wrong = (await check(`http url=${api.url}/starting status=200,401`)).result
    assert.equal(wrong.summary, 'HTTP 503 (expected 200 or 401)')
  })

  it('fails on a body without the text', async () => {
    const { result } = await check(`http url=${api.url}/text body=healthy`)
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, "body does not contain 'healthy'")
  })

  it('looks for body text only in the first megabyte', async () => {
    const { result } = await check(`http url=${api.url}/big body=needle`)
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, "body does not contain 'needle' (in its first 1 MB)")
  })

  it('fails on JSON fields that are missing, different, or not JSON at all', async () => {
    const number = (await check(`http url=${api.url}/health json=count=4`)).result
    assert.equal(number.summary, 'json count is 3 (expected 4)')
    const missing = (await check(`http url=${api.url}/health json="data.0.id=7"`)).result
    assert.equal(missing.summary, 'json has no data.0.id')
    const text = (await check(`http url=${api.url}/text json="status=ready"`)).result
    assert.equal(text.summary, 'body is not JSON (expected json status=ready)')
  })

  it('fails on a header that is missing or different', async () => {
    const different = (await check(`http url=${api.url}/health header="X-Service: worker"`)).result
    assert.equal(different.status, 'fail')
    assert.equal(different.summary, 'header X-Service is "api" (expected to contain "worker")')
    const missing = (await check(`http url=${api.url}/health header="X-Frame-Options: DENY"`))
      .result
    assert.equal(missing.summary, 'no X-Frame-Options header')
  })

  it('sends a bearer token from the environment, never showing it', async () => {
    const ok = await check(`http url=${api.url}/secure bearer=\${env:OPS_BEARER} json=user=ops`, {
      OPS_BEARER: TOKEN,
    })
    assert.equal(ok.result.status, 'pass')
    assertNeverShown(ok.everything, TOKEN)
    const wrong = await check(`http url=${api.url}/secure bearer=\${env:OPS_BEARER}`, {
      OPS_BEARER: `${TOKEN}-old`,
    })
    assert.equal(wrong.result.status, 'fail')
    assert.equal(wrong.result.summary, 'HTTP 401 (expected 2xx)')
    assertNeverShown(wrong.everything, TOKEN)
  })

  it('masks a token the server echoes back escaped, wherever JSON, a URL, HTML or base64 wrote it', async () => {
    for (const as of ['json', 'json-php', 'json-dotnet']) {
      const { result, everything } = await check(
        `http url=${api.url}/mirror?as=${as} bearer=\${env:OPS_BEARER}`,
        { OPS_BEARER: SLASHED_TOKEN },
      )
      assert.equal(result.evidence?.body, '{"echo":"***"}', as)
      assertNoTraceOf(everything, [SLASHED_TOKEN], as)
    }
    for (const as of ['url', 'url-lower', 'form', 'html', 'base64', 'base64url']) {
      const { result, everything } = await check(
        `http url=${api.url}/mirror?as=${as} bearer=\${env:OPS_BEARER}`,
        { OPS_BEARER: SLASHED_TOKEN },
      )
      assert.equal(result.evidence?.body, 'you sent ***.', as)
      assertNoTraceOf(everything, [SLASHED_TOKEN], as)
    }
  })

  it('masks a password with quotes, backslashes and non-ASCII in it however the server escapes it', async () => {
    for (const as of [
      'json',
      'json-php',
      'json-dotnet',
      'url',
      'url-lower',
      'form',
      'html',
      'base64',
    ]) {
      const { result, everything } = await check(
        `http url=${api.url}/mirror?as=${as} method=PUT content-type=text/plain data="\${env:OPS_PAYLOAD}"`,
        { OPS_PAYLOAD: ODD_PASSWORD },
      )
      assert.equal(result.status, 'pass', as)
      assert.equal(
        result.evidence?.body,
        as.startsWith('json') ? '{"echo":"***"}' : 'you sent ***.',
      )
      assertNoTraceOf(everything, [ODD_PASSWORD], as)
    }
  })

  it('masks a token inside a longer base64 text the server echoes: user:token', async () => {
    const { result, everything } = await check(
      `http url=${api.url}/mirror?as=basic bearer=\${env:OPS_BEARER}`,
      { OPS_BEARER: SLASHED_TOKEN },
    )
    assert.match(
      String(result.evidence?.body),
      /^you sent [A-Za-z0-9+/]{4,7}\*\*\*[A-Za-z0-9+/]{0,2}=*\.$/,
    )
    assertNoTraceOf(everything, [SLASHED_TOKEN], 'basic')
  })

  it('sends a request header', async () => {
    const ok = await check(
      `http url=${api.url}/keyed request-header="X-Api-Key: \${env:OPS_KEY}"`,
      {
        OPS_KEY: API_KEY,
      },
    )
    assert.equal(ok.result.status, 'pass')
    assertNeverShown(ok.everything, API_KEY)
    const without = (await check(`http url=${api.url}/keyed`)).result
    assert.equal(without.summary, 'HTTP 403 (expected 2xx)')
  })

  it('sends the user and password of the URL as basic auth, never showing the password', async () => {
    const { result, everything } = await check(
      `http url=http://ops:\${env:OPS_PASSWORD}@127.0.0.1:${api.port}/basic`,
      { OPS_PASSWORD: API_KEY },
    )
    assert.equal(result.status, 'pass')
    assert.equal(result.evidence?.url, `http://ops@127.0.0.1:${api.port}/basic`)
    assertNeverShown(everything, API_KEY)
  })

  it('masks a password written in the URL itself wherever the server echoes it', async () => {
    const { result, everything } = await check(
      `http url=http://ops:Written-In-${API_KEY}@127.0.0.1:${api.port}/who`,
    )
    assert.equal(result.status, 'fail')
    assert.equal(result.evidence?.body, 'no entry for ops:***')
    assert.equal(everything.includes(`Written-In-${API_KEY}`), false)
  })

  it('posts data (JSON by default when it parses), or sends it with the given method and type', async () => {
    const posted = (await check(`http url=${api.url}/echo data='{"name":"smoke"}' status=201`))
      .result
    assert.equal(posted.status, 'pass')
    assert.deepEqual(seen, {
      method: 'POST',
      contentType: 'application/json',
      body: '{"name":"smoke"}',
    })
    const put = (
      await check(
        `http url=${api.url}/echo method=PUT data=hello content-type=text/csv json=method=PUT`,
      )
    ).result
    assert.equal(put.status, 'pass')
    assert.deepEqual(seen, { method: 'PUT', contentType: 'text/csv', body: 'hello' })
  })

  it('asserts a redirect without following it (http → https)', async () => {
    const { result } = await check(`http url=${api.url}/to-https redirect=https://app.example.com`)
    assert.equal(result.status, 'pass')
    assert.equal(result.summary, 'HTTP 301 to https://app.example.com/login')
    const elsewhere = (
      await check(`http url=${api.url}/to-https redirect=https://www.example.com/`)
    ).result
    assert.equal(elsewhere.status, 'fail')
    assert.equal(
      elsewhere.summary,
      'redirects to https://app.example.com/login (expected https://www.example.com/)',
    )
    const none = (await check(`http url=${api.url}/health redirect=https://app.example.com`)).result
    assert.deepEqual(none.details, [
      'HTTP 200 (expected 3xx)',
      'no Location header (expected a redirect to https://app.example.com)',
      'body: {"status":"ready","count":3,"checks":[{"name":"db","ok":true}]}',
    ])
  })

  it('matches a relative Location against the request URL', async () => {
    const { result } = await check(`http url=${api.url}/hop redirect=${api.url}/health`)
    assert.equal(result.status, 'pass')
  })

  it('follows redirects by default, and not with follow=false', async () => {
    const followed = (await check(`http url=${api.url}/hop json=status=ready`)).result
    assert.equal(followed.status, 'pass')
    assert.equal(followed.evidence?.redirects, 1)
    assert.equal(followed.evidence?.url, `${api.url}/health`)
    const stayed = (await check(`http url=${api.url}/hop follow=false`)).result
    assert.equal(stayed.status, 'fail')
    assert.deepEqual(stayed.details, [
      'HTTP 302 (expected 2xx)',
      'it redirects to /health; redirect=<url> asserts that, follow=true follows it',
    ])
  })

  it('does not send the bearer token on to another origin', async () => {
    const { result, everything } = await check(
      `http url=${api.url}/elsewhere bearer=\${env:OPS_BEARER} body=auth=none`,
      { OPS_BEARER: TOKEN },
    )
    assert.equal(result.status, 'pass')
    assert.equal(seen.authorization, 'none')
    assertNeverShown(everything, TOKEN)
  })

  it('is an error after too many redirects', async () => {
    const { result } = await check(`http url=${api.url}/loop`)
    assert.equal(result.status, 'error')
    assert.equal(result.summary, `more than 10 redirects; the last went to ${api.url}/loop`)
  })

  it('reads a compressed body', async () => {
    assert.equal(
      (await check(`http url=${api.url}/gzip body="compressed ok"`)).result.status,
      'pass',
    )
  })

  it('never keeps cookies in the evidence', async () => {
    const { result, everything } = await check(`http url=${api.url}/cookie`)
    assert.equal(result.status, 'pass')
    assert.deepEqual(Object.keys(result.evidence?.headers ?? {}), ['content-type'])
    assert.equal(everything.includes('c00kie'), false)
  })

  it('is an error when nothing listens', async () => {
    const port = await freePort()
    const { result } = await check(`http url=http://127.0.0.1:${port}/health`)
    assert.equal(result.status, 'error')
    assert.equal(result.summary, `cannot connect to 127.0.0.1:${port}: connection refused`)
  })

  it('is an error when the host does not resolve', async () => {
    const { result } = await check('http url=http://no-such-host.invalid/health')
    assert.equal(result.status, 'error')
    assert.match(result.summary, /^cannot resolve no-such-host\.invalid: /)
  })

  it('masks a secret used as a host name, which the URL lower-cased or put in punycode', async () => {
    for (const token of ['Pr3view-Tok3n-8Hq2Lx', 'Vorschau-Tök3n-8Hq2']) {
      const { result, everything } = await check(
        'http url=http://${env:PREVIEW_TOKEN}.invalid/health',
        { PREVIEW_TOKEN: token },
      )
      assert.equal(result.status, 'error')
      assert.match(result.summary, /^cannot resolve \*\*\*\.invalid: /)
      assertNoTraceOf(everything, [token], token)
    }
  })

  it('is an error naming the host when the server never answers, leaving no socket open', async () => {
    const silent = await startTcpServer()
    try {
      const { result } = await check(`http url=${silent.url}/health?token=abc; timeout: 1s`)
      assert.equal(result.status, 'error')
      assert.equal(
        result.summary,
        `no answer from 127.0.0.1:${silent.port} within 1s: a firewall, VPN or proxy in the way, or the service stuck?`,
      )
      assert.equal(silent.accepted(), 1)
      await waitFor(() => silent.open() === 0, 'the check closed its connection')
    } finally {
      await silent.close()
    }
  })

  it('stops the request on cancel', async () => {
    const silent = await startTcpServer()
    try {
      const controller = new AbortController()
      const running = runChecklist(checklistOf(`http url=${silent.url}/health`), {
        signal: controller.signal,
      })
      await waitFor(() => silent.accepted() === 1, 'the request reached the server')
      controller.abort()
      const result = (await running).result()
      assert.equal(result.status, 'skipped')
      assert.equal(result.summary, 'cancelled')
      await waitFor(() => silent.open() === 0, 'the check closed its connection')
    } finally {
      await silent.close()
    }
  })

  it('retries a dropped connection, then gives up', async () => {
    const dropping = await startTcpServer((socket) => socket.destroy())
    try {
      const { result } = await check(`http url=${dropping.url}/health`)
      assert.equal(result.status, 'error')
      assert.equal(
        result.summary,
        `127.0.0.1:${dropping.port} closed the connection without answering (connection reset) (gave up after 4 attempts)`,
      )
      assert.equal(result.attempts, 4)
      assert.equal(dropping.accepted(), 4)
    } finally {
      await dropping.close()
    }
  })

  describe('over TLS with a self-signed certificate', () => {
    let secure: LocalServer
    before(async () => {
      secure = await startHttpsServer((_, res) => res.end('secure ok'))
    })
    after(() => secure.close())

    it('is an error, with the way out, when the certificate is not trusted', async () => {
      const { result } = await check(`http url=${secure.url}/`)
      assert.equal(result.status, 'error')
      assert.equal(
        result.summary,
        `TLS certificate of 127.0.0.1:${secure.port} not accepted: self-signed certificate`,
      )
      assert.deepEqual(result.details, ['insecure=true skips verification (not for prod)'])
    })

    it('passes with insecure=true', async () => {
      const { result } = await check(`http url=${secure.url}/ insecure=true body="secure ok"`)
      assert.equal(result.status, 'pass')
    })

    it('never hands a connection made with insecure=true to a check that verifies', async () => {
      const insecure = await check(`http url=${secure.url}/ insecure=true body="secure ok"`)
      assert.equal(insecure.result.status, 'pass')
      // That connection is kept alive for reuse; a verifying check must still refuse the host.
      const { result } = await check(`http url=${secure.url}/`)
      assert.equal(result.status, 'error')
      assert.match(result.summary, /^TLS certificate of 127\.0\.0\.1:\d+ not accepted/)
    })
  })

  it('is an error for parameters that cannot work together', async () => {
    const both = (await check(`http url=${api.url}/to-https redirect=https://x follow=true`)).result
    assert.equal(both.status, 'error')
    assert.match(both.summary, /^bad parameter follow: /)
    const empty = (
      await check(`http url=${api.url}/secure bearer=\${env:OPS_BEARER}`, { OPS_BEARER: '' })
    ).result
    assert.equal(empty.summary, 'bad parameter bearer: the token is empty')
  })
})
