import assert from 'node:assert/strict'
import { execFileSync, spawn } from 'node:child_process'
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { type AddressInfo, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { BIN, runCli, runCliIntoClosedPipe, runCliLikeHead } from '../helpers/cli.ts'
import { type LocalServer, startCountingServer, startHttpServer } from '../helpers/servers.ts'
import { tempDir } from '../helpers/temp.ts'
import { requireTmux, TmuxServer } from '../helpers/tmux.ts'

let server: LocalServer
let home: string

before(async () => {
  server = await startHttpServer((req, res) => {
    if (req.url === '/health') {
      res.setHeader('content-type', 'application/json')
      res.end('{"status":"ok"}')
    } else {
      res.statusCode = 503
      res.end('starting')
    }
  })
  home = tempDir('home')
})
after(() => server.close())

/** Writes a checklist into a fresh folder and returns its path. */
async function checklist(body: string): Promise<string> {
  const dir = tempDir('check')
  const file = join(dir, 'release.md')
  await writeFile(file, `---\nenvironments: [dev, prod]\n---\n# Release\n\n${body}`)
  return file
}

const check = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runCli(['check', ...args], { DEPLOY_WIZARD_HOME: home, ...env })

function healthy(): string {
  return `## Preflight\n\n- [ ] API healthy <!-- id: api; check: http url=${server.url}/health json="status=ok" -->\n- [ ] HOME is set <!-- check: env name=HOME -->\n\n## Deploy\n\n- [ ] Ready <!-- id: ready; check: http url=${server.url}/ready -->\n- [ ] Smoke <!-- check: http url=${server.url}/health; needs: ready -->\n`
}

describe('deploy-wizard check', () => {
  it('prints a line per check and a summary, and exits 0 when all pass', async () => {
    const file = await checklist(healthy())
    const { code, stdout, stderr } = await check([file, '--env', 'dev', '--phase', 'preflight'])
    assert.equal(code, 0, stderr)
    assert.match(stdout, /^Release — checking dev \(2 checks\)/)
    assert.match(stdout, /^PASS {2}API healthy — .+ \(\d+ms\)$/m)
    assert.match(stdout, /^PASS {2}HOME is set — /m)
    assert.match(
      stdout,
      /2 checks on dev: 2 passed, 0 failed, 0 errors, 0 blocked, 0 skipped in .+ — all passed/,
    )
  })

  it('exits 1 when a check fails, naming the item, its line and why; dependants are blocked', async () => {
    const file = await checklist(healthy())
    const { code, stdout } = await check([file, '--env', 'dev'])
    assert.equal(code, 1)
    assert.match(stdout, /^FAIL {2}Ready — HTTP 503 \(expected 2xx\)/m)
    // Then where it is, and what the server said (the summary is not said twice), so the
    // operator sees why without running curl.
    assert.match(stdout, /^ {6}ready · line 13 · http\n {6}body: starting$/m)
    assert.match(stdout, /^BLOCK Smoke — blocked: needs ready, which failed/m)
    // It never ran: no "(0ms)" after it.
    assert.doesNotMatch(stdout, /^BLOCK .*\(\d+ms\)$/m)
    assert.match(
      stdout,
      /4 checks on dev: 2 passed, 1 failed, 0 errors, 1 blocked, 0 skipped .+ not ready/,
    )
  })

  it('prints a stable JSON report and nothing else on stdout with --json', async () => {
    const file = await checklist(healthy())
    const { code, stdout } = await check([file, '--env', 'dev', '--json'])
    assert.equal(code, 1)
    const report = JSON.parse(stdout)
    assert.equal(report.format, 'deploy-wizard/check-report@1')
    assert.equal(report.environment, 'dev')
    assert.equal(report.ok, false)
    assert.deepEqual(report.totals, {
      checks: 4,
      pass: 2,
      fail: 1,
      error: 0,
      blocked: 1,
      skipped: 0,
    })
    assert.deepEqual(
      report.checks.map((c: { id: string; status: string }) => [c.id, c.status]),
      [
        ['api', 'pass'],
        ['preflight/home-is-set', 'pass'],
        ['ready', 'fail'],
        ['deploy/smoke', 'blocked'],
      ],
    )
    const ready = report.checks[2]
    assert.equal(ready.kind, 'http')
    assert.deepEqual(ready.details, ['HTTP 503 (expected 2xx)', 'body: starting'])
    assert.equal(ready.line, 13)
    assert.deepEqual(ready.phase, { id: 'deploy', title: 'Deploy' })
    assert.equal(report.checklist.sha256.length, 64)
  })

  it('writes JUnit XML that a real XML parser reads, one testsuite per phase', async () => {
    const file = await checklist(healthy())
    const junit = join(tempDir('junit'), 'report.xml')
    const { code } = await check([file, '--env', 'dev', '--junit', junit])
    assert.equal(code, 1)
    const summary = execFileSync(
      'python3',
      [
        '-c',
        `import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
print(root.tag, root.get('tests'), root.get('failures'), root.get('errors'))
for suite in root:
    print(suite.get('name'), [(c.get('name'), [x.tag for x in c]) for c in suite])`,
        junit,
      ],
      { encoding: 'utf8' },
    )
    assert.equal(
      summary,
      [
        'testsuites 4 1 1',
        "Preflight [('API healthy', []), ('HOME is set', [])]",
        "Deploy [('Ready', ['failure']), ('Smoke', ['error'])]",
        '',
      ].join('\n'),
    )
    assert.match(
      await readFile(junit, 'utf8'),
      /<failure message="HTTP 503 \(expected 2xx\)" type="http">HTTP 503 \(expected 2xx\)\nHTTP 503 \(expected 2xx\)\nbody: starting<\/failure>/,
    )
  })

  it('exits 2 with the choices when the phase, item or environment does not exist', async () => {
    const file = await checklist(healthy())
    const phase = await check([file, '--env', 'dev', '--phase', 'nope'])
    assert.equal(phase.code, 2)
    assert.match(phase.stderr, /no phase 'nope'/)
    assert.match(phase.stderr, /phases: preflight \("Preflight"\), deploy \("Deploy"\)/)
    const only = await check([file, '--env', 'dev', '--only', 'smoke'])
    assert.equal(only.code, 2)
    assert.match(only.stderr, /did you mean: deploy\/smoke/)
    const env = await check([file, '--env', 'staging'])
    assert.equal(env.code, 2)
    assert.match(env.stderr, /choose one of: dev, prod/)
    const timeout = await check([file, '--env', 'dev', '--timeout', 'soon'])
    assert.equal(timeout.code, 2)
    assert.match(timeout.stderr, /--timeout soon is not valid/)
    for (const result of [phase, only, env, timeout])
      assert.doesNotMatch(result.stderr, /at .+\.js/)
  })

  it('runs only the items asked for and what they need', async () => {
    const file = await checklist(healthy())
    const { stdout } = await check([file, '--env', 'dev', '--only', 'deploy/smoke', '--json'])
    const report = JSON.parse(stdout)
    assert.deepEqual(
      report.checks.map((c: { id: string }) => c.id),
      ['ready', 'deploy/smoke'],
    )
  })

  it('takes --only and --phase before the file: they are repeated, not greedy', async () => {
    const file = await checklist(healthy())
    const ids = async (args: string[]) =>
      JSON.parse((await check([...args, '--json'])).stdout).checks.map((c: { id: string }) => c.id)
    assert.deepEqual(await ids(['--only', 'deploy/smoke', file, '--env', 'dev']), [
      'ready',
      'deploy/smoke',
    ])
    assert.deepEqual(await ids(['--only', 'ready,deploy/smoke', file, '--env', 'dev']), [
      'ready',
      'deploy/smoke',
    ])
    assert.deepEqual(
      await ids(['--only', 'ready', '--only', 'deploy/smoke', file, '--env', 'dev']),
      ['ready', 'deploy/smoke'],
    )
  })
})

describe('deploy-wizard check: what it prints', () => {
  /** No AWS credentials anywhere: every AWS check errors with the same hint. */
  const NO_AWS: NodeJS.ProcessEnv = {
    AWS_PROFILE: undefined,
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    AWS_SESSION_TOKEN: undefined,
    AWS_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
  }

  it('prints a hint once, a skip without id or duration, and ends with what did not pass', async () => {
    const file = await checklist(
      [
        '## Preflight\n',
        '- [ ] Build passes <!-- check: command run="true" -->',
        '- [ ] Lint passes <!-- check: command run="true" -->',
        `- [ ] Ready <!-- id: ready; check: http url=${server.url}/ready -->`,
        `- [ ] Smoke <!-- check: http url=${server.url}/health; needs: ready -->`,
        '\n## Deploy\n',
        '- [ ] Stack A is deployed <!-- check: cfn.stack name=A -->',
        '- [ ] Stack B is deployed <!-- check: cfn.stack name=B -->',
        '- [ ] Table T is active <!-- check: dynamodb.table name=T -->\n',
      ].join('\n'),
    )
    const { code, stdout } = await check([file, '--env', 'dev', '--skip-commands'], NO_AWS)
    assert.equal(code, 1, stdout)
    assert.equal(stdout.match(/set AWS_PROFILE, run `aws sso login`/g)?.length, 1, stdout)
    // Skipped: never run, so nothing to say but why.
    assert.match(stdout, /^SKIP {2}Build passes — not run: commands are off \(--skip-commands\)\n/m)
    assert.doesNotMatch(stdout, /build-passes ·|lint-passes ·/)
    // Blocked: never started, so no time; but where it is, as for every check that did not pass.
    assert.match(
      stdout,
      /^BLOCK Smoke — blocked: needs ready, which failed\n {6}preflight\/smoke · line/m,
    )
    const [, recap = ''] =
      /\nDid not pass:\n((?: {2}.+\n)+)\n7 checks on dev: .+ — not ready\n$/.exec(stdout) ?? [
        '',
        '',
      ]
    assert.deepEqual(
      recap.trimEnd().split('\n'),
      [
        '  FAIL  Ready — HTTP 503 (expected 2xx) (line 10)',
        '  BLOCK Smoke — blocked: needs ready, which failed (line 11)',
        '  ERROR Stack A is deployed — no AWS credentials (line 15)',
        '  ERROR Stack B is deployed — no AWS credentials (line 16)',
        '  ERROR Table T is active — no AWS credentials (line 17)',
      ],
      stdout,
    )
  })

  it('lists the ids --only takes when it is given one the checklist does not have', async () => {
    const file = await checklist(healthy())
    const { code, stderr } = await check([file, '--env', 'dev', '--only', 'nosuch'])
    assert.equal(code, 2)
    assert.match(stderr, /no item 'nosuch'/)
    assert.match(
      stderr,
      /the automated items are:\n {4}api\n {4}preflight\/home-is-set\n {4}ready\n {4}deploy\/smoke\n/,
    )
  })

  it('masks a secret that is a common word in what checks said, never in ids or texts', async () => {
    const file = await checklist(
      '## Pre-Deployment\n\n### Testing\n\n- [ ] All unit tests passing (make test) <!-- check: command run="echo running test; echo \'{\\"secret\\": \\"s3cr3t-v4lue\\"}\'; exit 1" -->\n',
    )
    const junit = join(await mkdtemp(join(tmpdir(), 'dw-junit-')), 'report.xml')
    try {
      const env = { AWS_SECRET_ACCESS_KEY: 'test' }
      const { stdout } = await check(
        [file, '--env', 'dev', '--trust', '--json', '--junit', junit],
        env,
      )
      const [entry] = JSON.parse(stdout).checks
      assert.equal(entry.id, 'pre-deployment/testing/all-unit-tests-passing-make-test')
      assert.equal(entry.text, 'All unit tests passing (make test)')
      assert.equal(entry.phase.title, 'Pre-Deployment')
      const said = JSON.stringify([entry.summary, entry.details, entry.evidence])
      assert.match(said, /running \*\*\*/)
      assert.match(said, /\{\\"secret\\": \*\*\*\}/)
      assert.doesNotMatch(said, /s3cr3t-v4lue|running test/)
      const xml = await readFile(junit, 'utf8')
      assert.match(
        xml,
        /<testcase name="All unit tests passing \(make test\)" classname="dev\.pre-deployment\/testing\/all-unit-tests-passing-make-test"/,
      )
      assert.match(xml, /<testsuite name="Pre-Deployment"/)
    } finally {
      await rm(dirname(junit), { recursive: true, force: true })
    }
  })
})

describe('deploy-wizard check: commands need trust', () => {
  const body = '## Build\n\n- [ ] Build <!-- check: command run="echo built" output=built -->\n'

  it('refuses to run commands of an untrusted checklist, saying how to trust it', async () => {
    const file = await checklist(body)
    const { code, stderr } = await check([file, '--env', 'dev'])
    assert.equal(code, 2)
    assert.match(stderr, /is not trusted on this machine, and it runs 1 shell command/)
    assert.match(stderr, /deploy-wizard trust .*release\.md/)
  })

  it('runs them once trusted, and asks again after the file changes', async () => {
    const file = await checklist(body)
    const trust = await runCli(['trust', file, '--yes'], { DEPLOY_WIZARD_HOME: home })
    assert.equal(trust.code, 0, trust.stderr)
    assert.match(trust.stdout, /\$ echo built/)
    assert.match(trust.stdout, /Trusted /)
    const trusted = await check([file, '--env', 'dev'])
    assert.equal(trusted.code, 0, trusted.stdout + trusted.stderr)
    assert.match(trusted.stdout, /^PASS {2}Build — /m)

    await appendFile(file, '- [ ] More <!-- check: command run="echo more" -->\n')
    const changed = await check([file, '--env', 'dev'])
    assert.equal(changed.code, 2)
    assert.match(changed.stderr, /changed since you trusted it, and it runs 2 shell commands/)
  })

  it('asks for a confirmation before trusting when not told --yes', async () => {
    const file = await checklist(body)
    const { code, stderr } = await runCli(['trust', file], { DEPLOY_WIZARD_HOME: home })
    assert.equal(code, 2)
    assert.match(stderr, /needs a confirmation/)
  })

  it('--trust runs them this once without remembering; --skip-commands skips them', async () => {
    const file = await checklist(body)
    const once = await check([file, '--env', 'dev', '--trust'])
    assert.equal(once.code, 0)
    assert.equal((await check([file, '--env', 'dev'])).code, 2)
    const skipped = await check([file, '--env', 'dev', '--skip-commands'])
    assert.equal(skipped.code, 0)
    assert.match(skipped.stdout, /^SKIP {2}Build — not run: commands are off \(--skip-commands\)/m)
    assert.match(skipped.stdout, /passed, 1 skipped/)
  })
})

describe('deploy-wizard check: programs chosen by the checklist need trust too', () => {
  it('treats a tool check with its own arguments like a command', async () => {
    const file = await checklist(
      '## Tools\n\n- [ ] sh <!-- check: tool name=sh args="-c true" -->\n',
    )
    const { code, stderr } = await check([file, '--env', 'dev'])
    assert.equal(code, 2)
    assert.match(stderr, /runs 1 shell command/)
    const trust = await runCli(['trust', file, '--yes'], { DEPLOY_WIZARD_HOME: home })
    assert.match(trust.stdout, /\$ sh -c true/)
  })

  it('trust shows control characters in a command as escapes, so none can hide the rest', async () => {
    const file = await checklist(
      '## Build\n\n- [ ] Build <!-- check: command run="echo ok\u001b[8m; rm -rf ~/tmp-x" -->\n',
    )
    const trust = await runCli(['trust', file, '--yes'], { DEPLOY_WIZARD_HOME: home })
    assert.equal(trust.code, 0, trust.stderr)
    assert.match(trust.stdout, /\$ echo ok\\x1b\[8m; rm -rf ~\/tmp-x/)
    assert.ok(!trust.stdout.includes('\u001b'), 'the escape reached the terminal')
  })
})

describe('deploy-wizard check: a --junit path that cannot be written', () => {
  it('is refused before anything runs', async () => {
    const marker = join(tmpdir(), `dw-ran-${process.pid}`)
    const file = await checklist(
      `## Build\n\n- [ ] Touch <!-- check: command run="touch ${marker}" -->\n`,
    )
    const { code, stderr } = await check([
      file,
      '--env',
      'dev',
      '--trust',
      '--junit',
      '/nonexistent/dir/r.xml',
    ])
    assert.equal(code, 2)
    assert.match(stderr, /cannot write the JUnit report to \/nonexistent\/dir\/r\.xml/)
    await assert.rejects(readFile(marker))
  })

  it('is refused before anything runs when it is a folder', async () => {
    const marker = join(tmpdir(), `dw-ran-folder-${process.pid}`)
    const file = await checklist(
      `## Build\n\n- [ ] Touch <!-- check: command run="touch ${marker}" -->\n`,
    )
    const { code, stderr } = await check([file, '--env', 'dev', '--trust', '--junit', tmpdir()])
    assert.equal(code, 2)
    assert.match(stderr, /cannot write the JUnit report to \S+: it is a folder/)
    await assert.rejects(readFile(marker))
  })
})

describe('deploy-wizard check --per-host', () => {
  it('holds the HTTP checks to one host to that many at once, on that many connections', async () => {
    const counting = await startCountingServer((_req, res) => {
      setTimeout(() => res.end('ok'), 20)
    })
    try {
      const items = Array.from(
        { length: 12 },
        (_, i) => `- [ ] Endpoint ${i} <!-- check: http url=${counting.url}/${i} body=ok -->`,
      )
      const file = await checklist(`## Endpoints\n\n${items.join('\n')}\n`)
      const { code, stderr } = await check([file, '--env', 'dev', '--per-host', '3'])
      assert.equal(code, 0, stderr)
      assert.equal(counting.requests, 12)
      assert.ok(counting.peakInFlight <= 3, `${counting.peakInFlight} at once`)
      assert.ok(counting.connections <= 3, `${counting.connections} connections`)
    } finally {
      await counting.close()
    }
  })

  it('refuses a cap that is not a whole number from 1, given as a flag or in the environment', async () => {
    const file = await checklist(healthy())
    const flag = await check([file, '--env', 'dev', '--per-host', '0'])
    assert.equal(flag.code, 2)
    assert.match(flag.stderr, /--per-host/)
    const env = await check([file, '--env', 'dev'], { DEPLOY_WIZARD_HTTP_PER_HOST: 'many' })
    assert.equal(env.code, 2)
    assert.match(
      env.stderr,
      /DEPLOY_WIZARD_HTTP_PER_HOST must be a whole number from 1, not 'many'/,
    )
  })
})

describe('deploy-wizard check against a database that never answers', () => {
  it('ends every check at its timeout and exits, more checks than the pool holds', {
    timeout: 60_000,
  }, async () => {
    const silent = createServer(() => {})
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const { port } = silent.address() as AddressInfo
    const items = Array.from(
      { length: 6 },
      (_, i) =>
        `- [ ] db ${i} <!-- check: pg.connect url=postgres://u:p@127.0.0.1:${port}/db ssl=disable; timeout: 1s -->`,
    )
    const file = await checklist(`## Database\n\n${items.join('\n')}\n`)
    const { code, stdout } = await check([file, '--env', 'dev'])
    silent.close()
    assert.equal(code, 1)
    assert.match(stdout, /6 checks on dev: 0 passed, 0 failed, 6 errors/)
    // Each said as it ends, and again in the closing list of what did not pass.
    const [streamed = '', recap = ''] = stdout.split('\nDid not pass:\n')
    const silentWords = new RegExp(`no answer from 127\\.0\\.0\\.1:${port} within 1s`, 'g')
    assert.equal(streamed.match(silentWords)?.length, 6)
    assert.equal(recap.match(silentWords)?.length, 6)
  })
})

/** The names issue 13 found running writes unconfirmed, and the ones that must not ask. */
const PRODUCTION = ['production-eu', 'prod-eu', 'prod_us', 'eu-prod', 'live-eu', 'prd2', 'prod1']
const NOT_PRODUCTION = ['dev', 'staging', 'preprod', 'qa']

describe('deploy-wizard check on production', () => {
  /** A real server counting the writes that reach it. */
  let writes: LocalServer
  let posts = 0
  const folders: string[] = []
  before(async () => {
    writes = await startHttpServer((req, res) => {
      if (req.method === 'POST') posts++
      res.writeHead(201).end()
    })
  })
  after(async () => {
    await writes.close()
    for (const folder of folders) await rm(folder, { recursive: true, force: true })
  })

  /** A checklist whose one check is a write: an http POST. */
  async function writing(frontMatter: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'dw-check-'))
    folders.push(dir)
    const file = join(dir, 'release.md')
    await writeFile(
      file,
      `---\n${frontMatter}\n---\n# Release\n\n## Deploy\n\n- [ ] Cache flushed <!-- check: http url=${writes.url}/flush method=POST data="{}" -->\n`,
    )
    return file
  }

  for (const env of PRODUCTION) {
    it(`asks before writing to ${env}: without a terminal, exit 2 and no request sent`, async () => {
      const file = await writing(`environments: [dev, ${env}]`)
      const before = posts
      const result = await check([file, '--env', env])
      assert.equal(result.code, 2, result.stdout + result.stderr)
      assert.match(result.stderr, new RegExp(`checking ${env} needs an explicit confirmation`))
      assert.match(result.stderr, new RegExp(`pass --confirm ${env}`))
      assert.equal(posts, before, 'a request reached the server')
    })
  }

  it('writes to a production environment once it is confirmed by name', async () => {
    const file = await writing('environments: [dev, prod-eu]')
    const before = posts
    const result = await check([file, '--env', 'prod-eu', '--confirm', 'prod-eu'])
    assert.equal(result.code, 0, result.stdout + result.stderr)
    assert.equal(posts, before + 1)
  })

  it('asks for an environment whose alias reads as production', async () => {
    const file = await writing('environments: [dev, eu]\naliases: { eu: [production] }')
    const before = posts
    const result = await check([file, '--env', 'eu'])
    assert.equal(result.code, 2)
    assert.match(result.stderr, /checking eu needs an explicit confirmation/)
    assert.equal(posts, before)
  })

  it('asks for an environment the front matter declares production', async () => {
    const file = await writing('environments: [dev, main]\nproduction: [main]')
    const before = posts
    const result = await check([file, '--env', 'main'])
    assert.equal(result.code, 2)
    assert.match(result.stderr, /checking main needs an explicit confirmation/)
    assert.equal(posts, before)
  })

  for (const env of NOT_PRODUCTION) {
    it(`does not ask for ${env}`, async () => {
      const file = await writing(`environments: [${NOT_PRODUCTION.join(', ')}, prod]`)
      const before = posts
      const result = await check([file, '--env', env])
      assert.equal(result.code, 0, result.stdout + result.stderr)
      assert.equal(posts, before + 1)
    })
  }

  it('needs --confirm with the environment name when there is no terminal to ask on', async () => {
    const file = await checklist(healthy())
    const missing = await check([file, '--env', 'prod', '--phase', 'preflight'])
    assert.equal(missing.code, 2)
    assert.match(missing.stderr, /checking prod needs an explicit confirmation/)
    assert.match(missing.stderr, /pass --confirm prod/)
    const wrong = await check([file, '--env', 'prod', '--phase', 'preflight', '--confirm', 'dev'])
    assert.equal(wrong.code, 2)
    const right = await check([file, '--env', 'prod', '--phase', 'preflight', '--confirm', 'prod'])
    assert.equal(right.code, 0, right.stdout + right.stderr)
  })
})

describe('deploy-wizard check and Ctrl-C', () => {
  it('cancels running checks, kills their processes, reports, and exits 130', async () => {
    const marker = `31.${process.pid}`
    const file = await checklist(
      `## Build\n\n- [ ] Slow <!-- check: command run="sleep ${marker}" -->\n`,
    )
    const child = spawn(process.execPath, [BIN, 'check', file, '--env', 'dev', '--trust'], {
      env: { ...process.env, NO_COLOR: '1', DEPLOY_WIZARD_HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
    })
    // Wait until the shell has started the sleep, then interrupt as a terminal would.
    while (!isRunning(`sleep ${marker}`)) await new Promise((r) => setTimeout(r, 50))
    child.kill('SIGINT')
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    assert.equal(code, 130)
    assert.match(stdout, /^SKIP {2}Slow — cancelled/m)
    assert.match(stdout, /cancelled$/m)
    assert.equal(isRunning(`sleep ${marker}`), false)
  })
})

describe('deploy-wizard check into a pipe whose reader goes away', () => {
  let slow: LocalServer
  /** Requests to /hang whose connection closed before an answer: what a stopped check leaves. */
  let abandoned = 0
  before(async () => {
    slow = await startHttpServer((req, res) => {
      if (req.url === '/hang') {
        // Never answers: only the check being stopped ends this request.
        res.on('close', () => {
          if (!res.writableEnded) abandoned++
        })
        return
      }
      // Answers after a moment: long enough for the reader to be gone by then.
      setTimeout(() => {
        res.statusCode = req.url === '/soon' ? 200 : 503
        res.end(req.url === '/soon' ? 'ok' : 'starting')
      }, 500)
    })
  })
  after(() => slow.close())

  it('stops the running checks at its next line, like | head -1, and exits 130', async () => {
    const marker = `32.${process.pid}`
    const file = await checklist(
      [
        '## Smoke',
        '',
        `- [ ] Soon <!-- check: http url=${slow.url}/soon -->`,
        `- [ ] Hangs <!-- check: http url=${slow.url}/hang; timeout: 60s -->`,
        `- [ ] Sleeps <!-- check: command run="sleep ${marker}"; timeout: 60s -->`,
        '',
      ].join('\n'),
    )
    const before = abandoned
    const result = await runCliLikeHead(['check', file, '--env', 'dev', '--trust'], 1, {
      DEPLOY_WIZARD_HOME: home,
    })
    assert.equal(result.stdout, 'Release — checking dev (3 checks)\n')
    // "Soon" finishing at 0.5 s is the line that finds the pipe closed: not the 60 s timeouts.
    assert.ok(result.ms < 10_000, `took ${Math.round(result.ms)} ms`)
    assert.equal(result.code, 130, result.stderr)
    assert.equal(result.stderr, '')
    assert.equal(abandoned, before + 1)
    // Stopped, not left behind: the command's process is gone with it.
    assert.equal(isRunning(`sleep ${marker}`), false)
  })

  it('runs every check to the end with --junit: that report still wants them all', async () => {
    const file = await checklist(
      [
        '## Smoke',
        '',
        `- [ ] Soon <!-- check: http url=${slow.url}/soon -->`,
        `- [ ] Starting <!-- check: http url=${slow.url}/starting -->`,
        '',
      ].join('\n'),
    )
    const junit = join(tempDir('junit'), 'report.xml')
    const result = await runCliIntoClosedPipe(
      ['check', file, '--env', 'dev', '--junit', junit],
      'stdout',
      { DEPLOY_WIZARD_HOME: home },
    )
    assert.equal(result.code, 1, result.stderr)
    const xml = await readFile(junit, 'utf8')
    assert.match(xml, /<testcase name="Soon" [^>]*\/>/)
    assert.match(xml, /<failure message="HTTP 503 \(expected 2xx\)"/)
  })
})

function isRunning(pattern: string): boolean {
  try {
    execFileSync('pgrep', ['-f', pattern])
    return true
  } catch {
    return false
  }
}

describe('deploy-wizard check on a terminal', () => {
  let tmux: TmuxServer
  before(() => {
    requireTmux()
    tmux = new TmuxServer('dw-check-wrap')
  })
  after(() => tmux?.kill())

  const LONG = 'Unit tests for each skill of the agent pass with seventy percent coverage or more'
  const sh = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`

  it('breaks its lines at spaces to the terminal width, and leaves them whole in a pipe', async () => {
    const file = await checklist(`## Build\n\n- [ ] ${LONG} <!-- check: command run="true" -->\n`)
    const args = [file, '--env', 'dev', '--skip-commands']
    const command = ['env', `DEPLOY_WIZARD_HOME=${home}`, process.execPath, BIN, 'check', ...args]
    const script = `${command.map(sh).join(' ')}; echo "EXIT=$?"; exec sleep 600`
    const pane = await tmux.start('wrap', ['sh', '-c', script], { columns: 80, rows: 20 })
    const screen = await pane.waitUntil((text) => /^EXIT=\d+$/m.test(text), 'the check run to end')
    const lines = screen.split('\n')
    const at = lines.findIndex((line) => line.startsWith('SKIP  Unit tests'))
    assert.ok(at !== -1, screen)
    // Every word whole: the line and the ones it goes on to say the sentence, word for word.
    const said = lines
      .slice(at, at + 3)
      .map((line) => line.trim())
      .join(' ')
    assert.ok(
      said.startsWith(`SKIP  ${LONG} — not run: commands are off (--skip-commands)`),
      screen,
    )
    assert.ok(lines[at + 1]?.startsWith('      '), screen)
    assert.ok(lines.every((line) => line.length <= 80))

    const piped = await check(args)
    assert.ok(
      piped.stdout.includes(`SKIP  ${LONG} — not run: commands are off (--skip-commands)\n`),
      piped.stdout,
    )
  })

  for (const columns of [80, 60]) {
    it(`wraps its verdict under itself, not under a result's text, at ${columns} columns`, async () => {
      const file = await checklist(
        `## Build\n\n- [ ] Unit tests <!-- check: command run="true" -->\n- [ ] Lint <!-- check: command run="true" -->\n`,
      )
      const args = [file, '--env', 'dev', '--skip-commands']
      const command = ['env', `DEPLOY_WIZARD_HOME=${home}`, process.execPath, BIN, 'check', ...args]
      const script = `${command.map(sh).join(' ')}; echo "EXIT=$?"; exec sleep 600`
      const pane = await tmux.start(`verdict-${columns}`, ['sh', '-c', script], {
        columns,
        rows: 20,
      })
      const screen = await pane.waitUntil(
        (text) => /^EXIT=\d+$/m.test(text),
        'the check run to end',
      )
      const lines = screen.split('\n')
      const at = lines.findIndex((line) => line.startsWith('2 checks on dev:'))
      const end = lines.findIndex((line) => line.startsWith('EXIT='))
      assert.ok(at !== -1 && end > at + 1, screen)
      const verdict = lines.slice(at, end)
      // It was `      passed, 2 skipped` at 80 columns: six spaces deep, as a result's details are.
      for (const line of verdict) assert.match(line, /^\S/, screen)
      assert.match(
        verdict.join(' '),
        /^2 checks on dev: 0 passed, 0 failed, 0 errors, 0 blocked, 2 skipped in [\d.]+m?s — passed, 2 skipped$/,
      )
      assert.ok(
        lines.every((line) => line.length <= columns),
        screen,
      )
    })
  }

  it('wraps its heading under itself and a recap line under its own text, not six deep', async () => {
    const file = join(tempDir('check'), 'release.md')
    await writeFile(
      file,
      `---\ntitle: Quarterly Platform Release for the Marketplace Payments and Settlement Services Cluster\nenvironments: [dev]\n---\n## Build\n\n- [ ] The variable that is never set in these tests is set <!-- check: env name=DW_QA3_NEVER_SET_ANYWHERE -->\n`,
    )
    const command = ['env', `DEPLOY_WIZARD_HOME=${home}`, process.execPath, BIN, 'check']
    const script = `${[...command, file, '--env', 'dev'].map(sh).join(' ')}; echo "EXIT=$?"; exec sleep 600`
    const pane = await tmux.start('heading-recap', ['sh', '-c', script], { columns: 60, rows: 30 })
    const screen = await pane.waitUntil((text) => /^EXIT=\d+$/m.test(text), 'the check run to end')
    const lines = screen.split('\n')
    // The heading: its further lines start at column 0, as it does (they were six deep).
    assert.ok(lines[0]?.startsWith('Quarterly Platform Release'), screen)
    const headingEnd = lines.findIndex((line) => line.includes('— checking dev'))
    assert.ok(headingEnd > 0, screen)
    for (const line of lines.slice(1, headingEnd + 1)) assert.match(line, /^\S/, screen)
    // The recap: `  FAIL  The variable…`, going on at column 8, under its text (it was at 6).
    const recap = lines.indexOf('Did not pass:')
    assert.ok(recap !== -1, screen)
    assert.match(lines[recap + 1] ?? '', /^ {2}FAIL {2}The variable/, screen)
    const verdict = lines.findIndex((line) => line.startsWith('1 check on dev:'))
    const goesOn = lines.slice(recap + 2, verdict).filter((line) => line !== '')
    assert.ok(goesOn.length > 0, screen)
    for (const line of goesOn) assert.match(line, /^ {8}\S/, screen)
    assert.ok(
      lines.every((line) => line.length <= 60),
      screen,
    )
  })
})
