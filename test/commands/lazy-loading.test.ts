/**
 * What each command loads, read off the built bundle: a traced launch records
 * every chunk it imports, and the build's metafile says which sources went into
 * each chunk. The kinds' declarations (kinds/) are all `validate` and `plan`
 * need; the code that runs checks, the AWS SDK and `pg` load only when a check runs.
 */
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, sep } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { storeUrl } from '../../src/run/team/address.ts'
import { backend } from '../helpers/checks.ts'
import { BIN, runCli } from '../helpers/cli.ts'
import { newTeamStore } from '../helpers/team-store.ts'
import { requireTmux, TmuxServer } from '../helpers/tmux.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const TRACE_HOOK = join(ROOT, 'bench', 'trace-loads.mjs')
const FETCH_TRAP = join(ROOT, 'test', 'helpers', 'fetch-trap.mjs')
const METAFILE = join(ROOT, '.build', 'metafile.json')

const CHECKLIST = `# Release
## Deploy
- [ ] API <!-- check: http url=http://localhost:1/health -->
- [ ] Stack <!-- check: cfn.stack name=api-\${env} -->
- [ ] Table <!-- check: dynamodb.table name=t ttl=expiresAt -->
- [ ] Secret <!-- check: secret name=s -->
- [ ] Database <!-- check: pg.query sql="select 1" -->
- [ ] Build <!-- check: command run="true" -->
- [ ] Node <!-- check: tool name=node version=">=22" -->
- [ ] Env <!-- check: env name=HOME matches="^/" -->
- [ ] File <!-- check: file path=README.md -->
- [ ] Port <!-- check: tcp host=localhost port=1 -->
- [ ] Lambda <!-- check: aws call="aws lambda get-function-configuration --function-name api-\${env} --query Runtime" equals=nodejs20.x -->
`

const dir = mkdtempSync(join(tmpdir(), 'dw-lazy-'))
after(() => rmSync(dir, { recursive: true, force: true }))

/** The source files the chunks listed in a trace file were built from. */
function sourcesIn(trace: string): string[] {
  const { outputs } = JSON.parse(readFileSync(METAFILE, 'utf8')) as {
    outputs: Record<string, { inputs: Record<string, unknown> }>
  }
  return readFileSync(trace, 'utf8')
    .split('\n')
    .filter((url) => url.startsWith('file:') && url.includes('/dist/'))
    .flatMap((url) => {
      const chunk = relative(ROOT, fileURLToPath(url)).split(sep).join('/')
      return Object.keys(outputs[chunk]?.inputs ?? {})
    })
}

let traces = 0

/** The source files the chunks a launch loaded were built from. */
async function sourcesLoadedBy(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  code = 0,
): Promise<string[]> {
  // A file of its own: the hook appends, and a command may be traced more than once.
  const trace = join(dir, `trace-${args[0]}-${traces++}.txt`)
  const result = await runCli(args, {
    NODE_OPTIONS: `--import ${TRACE_HOOK}`,
    BENCH_TRACE_FILE: trace,
    DEPLOY_WIZARD_HOME: join(dir, 'home'),
    ...env,
  })
  assert.equal(result.code, code, result.stdout + result.stderr)
  return sourcesIn(trace)
}

/** Code that runs checks: everything under src/checks/ but the kinds' declarations and what they use. */
const RUNNERS = [
  /^src\/checks\/(http|command|tool|env|file|network|postgres|process|runner|clients)\.ts$/,
  // Read at validate: target.ts, the services' names (services.ts), and the text of an `aws` call.
  /^src\/checks\/aws\/(?!(target|services|cli-call|read-operations|read-verbs)\.ts$)/,
  /^src\/checks\/postgres\/(session|backend-stream|rds-secret)\.ts$/,
  /node_modules\/@aws-sdk\//,
  /node_modules\/@smithy\//,
  /node_modules\/jmespath\//,
  /node_modules\/pg(-[a-z]+)?\//,
]

describe('what validate and plan load', () => {
  const checklist = join(dir, 'release.md')
  writeFileSync(checklist, CHECKLIST)

  for (const args of [
    ['validate', checklist],
    ['plan', checklist, '--env', 'dev'],
  ]) {
    it(`${args[0]} loads every kind's declaration and none of the code that runs checks`, async () => {
      const sources = await sourcesLoadedBy(args)
      assert.ok(
        sources.some((source) => source.endsWith('src/checks/kinds/http.ts')),
        `the kinds' declarations are loaded: ${sources.filter((s) => s.startsWith('src/')).join(', ')}`,
      )
      const runners = sources.filter((source) => RUNNERS.some((re) => re.test(source)))
      assert.deepEqual(runners, [])
    })
  }
})

describe('what an aws check loads', () => {
  it("loads its own service's SDK client, and no other service's", async () => {
    const checklist = join(dir, 'lambda.md')
    writeFileSync(
      checklist,
      `# Release\n## Deploy\n- [ ] Lambda <!-- check: aws call="aws lambda get-function-configuration --function-name dw-lazy-nope --query Runtime" equals=nodejs20.x -->\n`,
    )
    // The function is not there: the check fails, having called Lambda.
    const sources = await sourcesLoadedBy(
      ['check', checklist, '--env', 'dev'],
      { AWS_ENDPOINT_URL: backend('moto'), AWS_REGION: 'us-east-1', AWS_PROFILE: undefined },
      1,
    )
    const clients = new Set(
      sources.flatMap(
        (source) => /node_modules\/@aws-sdk\/(client-[a-z0-9-]+)\//.exec(source)?.[1] ?? [],
      ),
    )
    assert.ok(clients.has('client-lambda'), [...clients].join(', '))
    assert.ok(sources.some((source) => source.includes('node_modules/jmespath/')))
    // STS and IAM are the account guard's: who the caller is, and the account's alias.
    assert.deepEqual(
      [...clients].filter((c) => !['client-sts', 'client-iam'].includes(c)),
      ['client-lambda'],
    )
  })
})

describe('what runs loads', () => {
  it("loads no SDK code for this machine's runs, and only S3's client for a team store", async () => {
    const local = await sourcesLoadedBy(['runs', '--all'], { DEPLOY_WIZARD_STORE: undefined })
    assert.deepEqual(
      local.filter((source) => RUNNERS.some((re) => re.test(source))),
      [],
    )
    assert.ok(!local.some((source) => source.startsWith('src/run/team/objects.ts')))
    const store = await newTeamStore('lazy')
    const team = await sourcesLoadedBy(['runs', '--store', storeUrl(store)], {
      AWS_ENDPOINT_URL: backend('moto'),
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_PROFILE: undefined,
    })
    const clients = new Set(
      team.flatMap(
        (source) => /node_modules\/@aws-sdk\/(client-[a-z0-9-]+)\//.exec(source)?.[1] ?? [],
      ),
    )
    assert.deepEqual([...clients], ['client-s3'])
  })
})

/** The checklist parser and what only it uses: a parse-cache hit loads none of them. */
const PARSER = [
  /^src\/checklist\/(parse|markdown|front-matter)\.ts$/,
  /node_modules\/yaml\//,
  /node_modules\/(micromark-extension-frontmatter|mdast-util-frontmatter)\//,
]
/**
 * What the first screen does not need either, once the checklist is parsed: the markdown
 * parser (the sign-off sheet's, loaded when a run is finished), zod's full build, RE2 and
 * semver (the kinds' parameter schemas, built when a check first runs). Run files are read
 * with zod's mini build, which is loaded; so is mdast-util-to-string (1 kB), which gives the
 * detail pane an item's text.
 */
const NOT_FOR_THE_FIRST_FRAME = [
  /node_modules\/micromark[^/]*\//,
  /node_modules\/mdast-util-(?!to-string\/)[^/]*\//,
  /node_modules\/zod\/v4\/classic\//,
  /node_modules\/re2js\//,
  /node_modules\/semver\//,
]
/**
 * What the `aws` and `pg.*` kinds' rules are worked out with (checks/rule-libraries.ts: an
 * `aws` call's parser and every service's read operations, the SQL lexer, where PostgreSQL
 * is), and the shell scanner: asked by validate, the checks and iam-policy, not the first screen.
 */
const KIND_RULES = [
  /^src\/checks\/rule-libraries\.ts$/,
  /^src\/checks\/aws\/(cli-call|read-operations|read-verbs|services)\.ts$/,
  /^src\/checks\/postgres\/(?!ssl-modes\.ts$)/,
  /^src\/checks\/(shell|shell-scan|words)\.ts$/,
]
/** The team store's code past what tells a run is not a team run (its address, its link file). */
const TEAM_STORE = [
  /^src\/run\/team\/(?!(address|link)\.ts$)/,
  /node_modules\/@aws-sdk\/client-s3\//,
]
const matching = (sources: readonly string[], patterns: readonly RegExp[]) => [
  ...new Set(sources.filter((source) => patterns.some((re) => re.test(source)))),
]

describe('what the wizard loads before its first frame', () => {
  let tmux: TmuxServer
  before(() => {
    requireTmux()
    tmux = new TmuxServer('dw-lazy')
  })
  after(() => tmux?.kill())

  /** `run <file> --env dev` in a terminal, with the parse cache on, up to its first interactive frame. */
  async function firstFrameLoads(file: string, home: string): Promise<string[]> {
    const trace = join(dir, `trace-frame-${Math.random().toString(36).slice(2)}.txt`)
    const argv = [
      'env',
      '-u',
      'DEPLOY_WIZARD_NO_CACHE',
      `NODE_OPTIONS=--import ${TRACE_HOOK}`,
      `BENCH_TRACE_FILE=${trace}`,
      `DEPLOY_WIZARD_HOME=${home}`,
      process.execPath,
      BIN,
      'run',
      file,
      '--env',
      'dev',
      '--operator',
      'x',
    ]
    const pane = await tmux.start(`frame-${Math.random().toString(36).slice(2, 8)}`, argv)
    try {
      await pane.waitFor(/↑↓ move|Trust it on this machine\?/, 'the first interactive frame')
      return sourcesIn(trace)
    } finally {
      await tmux.run(['kill-session', '-t', pane.target]).catch(() => {})
    }
  }

  it('draws the first frame without reading fetch: yoga’s WASM comes from a file, not through undici', async () => {
    const touched = join(dir, 'fetch-touched.txt')
    const pane = await tmux.start(`fetch-${Math.random().toString(36).slice(2, 8)}`, [
      'env',
      `NODE_OPTIONS=--import ${FETCH_TRAP}`,
      `FETCH_TRAP_FILE=${touched}`,
      `DEPLOY_WIZARD_HOME=${join(dir, 'home-fetch')}`,
      process.execPath,
      BIN,
      'run',
      'marketplace-api',
      '--env',
      'dev',
      '--operator',
      'x',
    ])
    try {
      await pane.waitFor(/Trust it on this machine\?/, 'the first interactive frame')
      assert.equal(existsSync(touched), false, 'fetch was read before the first frame')
    } finally {
      await tmux.run(['kill-session', '-t', pane.target]).catch(() => {})
    }
  })

  it('reads a bundled checklist from the build’s parse: no parser, no YAML', async () => {
    const sources = await firstFrameLoads('marketplace-api', join(dir, 'home-frame-bundled'))
    assert.ok(sources.some((s) => s === 'src/checklist/parse-cache.ts'))
    assert.deepEqual(matching(sources, PARSER), [])
  })

  it('reads a checklist parsed before from the home’s cache: no parser, no YAML', async () => {
    const checklist = join(dir, 'frame.md')
    writeFileSync(checklist, CHECKLIST)
    const home = join(dir, 'home-frame')
    // The first read parses it (and so loads the parser); validate makes no run to resume.
    const cold = await runCli(['validate', checklist], {
      NODE_OPTIONS: `--import ${TRACE_HOOK}`,
      BENCH_TRACE_FILE: join(dir, 'trace-frame-cold.txt'),
      DEPLOY_WIZARD_HOME: home,
      DEPLOY_WIZARD_NO_CACHE: undefined,
    })
    assert.equal(cold.code, 0, cold.stdout + cold.stderr)
    assert.notDeepEqual(matching(sourcesIn(join(dir, 'trace-frame-cold.txt')), PARSER), [])
    assert.deepEqual(matching(await firstFrameLoads(checklist, home), PARSER), [])
  })

  it('a run kept on this machine loads none of the team store’s code and no S3 client', async () => {
    const checklist = join(dir, 'local-run.md')
    writeFileSync(checklist, CHECKLIST)
    const sources = await firstFrameLoads(checklist, join(dir, 'home-frame-local'))
    assert.ok(sources.includes('src/run/start.ts'), 'the trace saw the run open')
    assert.deepEqual(matching(sources, TEAM_STORE), [])
  })

  it('draws the first frame without the code that runs checks: it loads when the first checks start', async () => {
    const sources = await firstFrameLoads('marketplace-api', join(dir, 'home-frame-checks'))
    assert.ok(sources.includes('src/run/session.ts'), 'the trace saw the session’s code')
    const engine = [/^src\/checks\/(batch|jobs)\.ts$/, /node_modules\/p-limit\//, ...RUNNERS]
    assert.deepEqual(matching(sources, engine), [])
  })

  it('draws the first frame without what the kinds’ rules are worked out with: no aws call parser, no SQL lexer, no shell scanner', async () => {
    const sources = await firstFrameLoads('marketplace-api', join(dir, 'home-rules'))
    assert.ok(sources.includes('src/checks/kinds/aws.ts'), 'the trace saw the kinds’ declarations')
    assert.deepEqual(matching(sources, KIND_RULES), [])
  })

  it('loads neither the markdown parser nor the kinds’ schema libraries before the first frame of a cached checklist', async () => {
    const sources = await firstFrameLoads('marketplace-api', join(dir, 'home-frame-lean'))
    assert.deepEqual(matching(sources, NOT_FOR_THE_FIRST_FRAME), [])
    // What the first frame does load of them: zod's core and mini build, for the run files.
    assert.ok(sources.some((s) => s.includes('node_modules/zod/v4/mini/')))
  })
})

describe('what validate loads for a checklist read before', () => {
  it('iam-policy of a checklist from the parse cache builds no schema and lists what its kinds call', async () => {
    const checklist = join(dir, 'iam.md')
    writeFileSync(
      checklist,
      '# Release\n## Deploy\n- [ ] Service <!-- check: ecs.service cluster=c service=s targets=true -->\n' +
        '- [ ] Runtime <!-- check: aws call="aws lambda get-function-configuration --function-name f --query Runtime" equals=nodejs20.x -->\n',
    )
    const env = { DEPLOY_WIZARD_NO_CACHE: undefined, DEPLOY_WIZARD_HOME: join(dir, 'home-iam') }
    // The first read parses it and fills the cache; the second is served from the cache.
    assert.equal((await runCli(['validate', checklist], env)).code, 0)
    const trace = join(dir, 'trace-iam.txt')
    const result = await runCli(['iam-policy', checklist], {
      ...env,
      NODE_OPTIONS: `--import ${TRACE_HOOK}`,
      BENCH_TRACE_FILE: trace,
    })
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, /elasticloadbalancing:DescribeTargetHealth/)
    // Read from the call's text, with the rule libraries, loaded for it.
    assert.match(result.stdout, /lambda:GetFunctionConfiguration/)
    assert.deepEqual(matching(sourcesIn(trace), [/node_modules\/zod\//, ...PARSER]), [])
  })

  it('validate of a bundled checklist loads no parser', async () => {
    const sources = await sourcesLoadedBy(['validate', 'marketplace-api'], {
      DEPLOY_WIZARD_NO_CACHE: undefined,
      DEPLOY_WIZARD_HOME: join(dir, 'home-validate-bundled'),
    })
    assert.deepEqual(matching(sources, PARSER), [])
    const parsed = await sourcesLoadedBy(['validate', 'marketplace-api'], {
      DEPLOY_WIZARD_NO_CACHE: '1',
    })
    assert.notDeepEqual(matching(parsed, PARSER), [])
  })
})
