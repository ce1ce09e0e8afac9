import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { planChecklist } from '../../src/checklist/plan.ts'
import {
  createLookup,
  parseTemplate,
  resolveTemplate,
  TemplateSyntaxError,
  varsFor,
} from '../../src/checklist/variables.ts'
import { parse, problemLines } from '../helpers/fixtures.ts'

describe('templates', () => {
  it('split text from ${env}, vars, ${env:NAME} and check outputs', () => {
    assert.deepEqual(
      parseTemplate('a${env}b${stack}c${env:HOME}d${api.outputs.Url}$${lit}').map((p) =>
        p.type === 'text' ? p.text : p.ref,
      ),
      [
        'a',
        { type: 'environment' },
        'b',
        { type: 'var', name: 'stack' },
        'c',
        { type: 'process-env', name: 'HOME' },
        'd',
        { type: 'output', itemId: 'api', key: 'Url' },
        '${lit}',
      ],
    )
  })

  it('reject what they cannot read, saying where', () => {
    const offsetOf = (template: string) => {
      try {
        parseTemplate(template)
        return null
      } catch (error) {
        assert.ok(error instanceof TemplateSyntaxError)
        return [error.offset, error.message]
      }
    }
    assert.deepEqual(offsetOf('x${open'), [1, "unclosed '${' (add a '}')"])
    assert.deepEqual(offsetOf('${}'), [0, "empty '${}'"])
    assert.deepEqual(offsetOf('${a b}'), [0, "'${a b}' is not a reference this tool knows"])
    assert.deepEqual(offsetOf('${env:1X}'), [0, "'1X' is not an environment variable name"])
  })

  it('resolve with fallbacks, and escape only substituted values', () => {
    const lookup = createLookup({
      environment: 'prod',
      vars: { region: 'eu-west-1', stack: 'App-${env}-${region}', loop: '${loop}' },
      processEnv: { USER: "o'neil" },
      output: (id, key) => (id === 'api' && key === 'Url' ? 'https://api' : undefined),
    })
    const quote = (v: string) => `'${v.replaceAll("'", `'\\''`)}'`
    assert.equal(resolveTemplate(parseTemplate('${stack}'), lookup).value, 'App-prod-eu-west-1')
    assert.equal(
      resolveTemplate(parseTemplate('${api.outputs.Url}/health'), lookup).value,
      'https://api/health',
    )
    assert.equal(
      resolveTemplate(parseTemplate('echo ${env:USER}'), lookup, quote).value,
      `echo 'o'\\''neil'`,
    )
    assert.equal(resolveTemplate(parseTemplate('${env:NOPE:-dflt}'), lookup).value, 'dflt')
    const missing = resolveTemplate(parseTemplate('${loop} ${env:NOPE}'), lookup).missing
    assert.deepEqual(
      missing.map((m) => m.source),
      ['${loop}', '${env:NOPE}'],
    )
  })

  it('take per-environment overrides over the base vars', () => {
    const front = { vars: { region: 'us-east-1', a: '1' }, env: { prod: { region: 'eu-west-1' } } }
    assert.deepEqual(varsFor(front, 'prod'), { region: 'eu-west-1', a: '1' })
    assert.deepEqual(varsFor(front, 'dev'), { region: 'us-east-1', a: '1' })
  })
})

describe('variables in a checklist', () => {
  const checklist = (vars: string, body: string) => `---\n${vars}\n---\n## P\n${body}\n`

  it('resolve for the chosen environment in the plan', () => {
    const { checklist: parsed, problems } = parse(
      checklist(
        'vars: { stack: "SessionManagement-${env}", region: us-east-1 }\nenv: { prod: { region: eu-west-1 } }',
        '- [ ] s <!-- id: s; check: cfn.stack name=${stack} region=${region} -->\n- [ ] h <!-- check: http url=${s.outputs.ApiUrl}/health bearer=${env:TOKEN} -->',
      ),
    )
    assert.deepEqual(problems, [])
    const items = planChecklist(parsed, 'prod').phases[0]?.items ?? []
    assert.deepEqual(
      items.map((i) => i.params),
      [
        { name: 'SessionManagement-prod', region: 'eu-west-1' },
        // Outputs exist only after the stack check; env vars may be secrets: both stay as written.
        { url: '${s.outputs.ApiUrl}/health', bearer: '${env:TOKEN}' },
      ],
    )
  })

  it('show ${env:NAME:-fallback} and outputs with a fallback as written in the plan, through vars too', () => {
    const { checklist: parsed, problems } = parse(
      checklist(
        'vars: { api: "${env:API_URL:-http://localhost:8000}", host: "${env:KAFKA_HOST}", region: "${env:AWS_REGION:-us-east-1}" }',
        [
          '- [ ] s <!-- id: s; check: cfn.stack name=App-${env} region=${region} -->',
          '- [ ] a <!-- check: http url=${api}/health bearer=${env:API_TOKEN:-dev-token} -->',
          '- [ ] b <!-- check: http url=${s.outputs.Url:-http://fallback}/x -->',
          '- [ ] k <!-- check: tcp host=${host:-localhost} port=${env:KAFKA_PORT:-9092} -->',
        ].join('\n'),
      ),
    )
    assert.deepEqual(problems, [])
    const items = planChecklist(parsed, 'dev').phases[0]?.items ?? []
    assert.deepEqual(
      items.map((i) => i.params),
      [
        // The run reads these when the check starts: the fallback is only what is used without them.
        { name: 'App-dev', region: '${env:AWS_REGION:-us-east-1}' },
        {
          url: '${env:API_URL:-http://localhost:8000}/health',
          bearer: '${env:API_TOKEN:-dev-token}',
        },
        { url: '${s.outputs.Url:-http://fallback}/x' },
        // Whether host's own value or the item's fallback applies is known only at run time.
        { host: '${host:-localhost}', port: '${env:KAFKA_PORT:-9092}' },
      ],
    )
  })

  it('that are undefined are errors at the parameter, naming the environment when only some lack it', () => {
    const result = parse(
      checklist(
        'environments: [dev, prod]\nenv: { prod: { account: "123" } }',
        '- [ ] x <!-- check: cfn.stack name=${nope} -->\n- [ ] y <!-- check: cfn.stack name=app-${account} -->',
      ),
    )
    assert.deepEqual(problemLines(result), [
      '6:31 error ${nope} is not defined',
      '7:31 error ${account} is not defined for dev',
    ])
    assert.match(result.problems[1]?.hint ?? '', /defined for prod; add it to vars or to env\.dev/)
  })

  it('need not be defined in environments the item does not apply to', () => {
    const result = parse(
      checklist(
        'env: { prod: { account: "123" } }',
        '- [ ] y <!-- check: cfn.stack name=app-${account}; only: prod -->',
      ),
    )
    assert.deepEqual(result.problems, [])
  })

  it('are validated once resolved', () => {
    const result = parse(
      checklist('vars: { p: "80a" }', '- [ ] x <!-- check: tcp host=h port=${p} -->'),
    )
    assert.deepEqual(problemLines(result), [
      "5:32 error tcp port=${p} = '80a': expected a whole number",
    ])
  })

  it('that refer to themselves or to missing vars are errors where they are defined', () => {
    const result = parse(checklist('vars:\n  a: "${b}"\n  b: "${a}"\n  c: "${zz}"', '- [ ] x'))
    assert.deepEqual(problemLines(result), [
      "3:6 error var 'a' refers to itself",
      "4:6 error var 'b' refers to itself",
      "5:6 error var 'c' uses ${zz}, which is not defined for dev",
      "5:6 error var 'c' uses ${zz}, which is not defined for staging",
      "5:6 error var 'c' uses ${zz}, which is not defined for prod",
    ])
  })

  it('naming an output of an unknown item, or of a manual item, are errors', () => {
    const result = parse(
      checklist(
        'title: t',
        '- [ ] m <!-- id: m -->\n- [ ] x <!-- check: http url=${ghost.outputs.Url} -->\n- [ ] y <!-- check: http url=${m.outputs.Url} -->',
      ),
    )
    assert.deepEqual(problemLines(result), [
      "6:26 error ${ghost.outputs.Url}: no item has id 'ghost'",
      "7:26 error ${m.outputs.Url}: item 'm' has no check, so no outputs",
    ])
  })
})

describe('front matter', () => {
  it('reports YAML syntax errors at the file line', () => {
    const result = parse('---\ntitle: ok\nvars: [unclosed\n---\n## P\n- [ ] x\n')
    assert.equal(result.hasErrors, true)
    assert.match(problemLines(result)[0] ?? '', /^[34]:\d+ error front matter: /)
  })

  it('reports values of the wrong shape, and warns about unknown keys', () => {
    const result = parse(
      '---\nenvironments: dev staging\nvars: [a]\nowner: me\n---\n## P\n- [ ] x\n',
    )
    assert.deepEqual(problemLines(result), [
      "2:15 error front matter 'environments': 'dev staging' is not an environment name",
      "3:7 error front matter 'vars': expected names with text values",
      "4:1 warning front matter key 'owner' is not used by deploy-wizard",
    ])
  })

  it('gives the title and environments', () => {
    const { checklist } = parse(
      '---\ntitle: From YAML\nenvironments: [qa, prod]\n---\n# From heading\n## P\n- [ ] x\n',
    )
    assert.equal(checklist.title, 'From YAML')
    assert.deepEqual(checklist.environments, ['qa', 'prod'])
  })

  it('reads the team store a checklist names, and refuses a store that is not text', () => {
    const { checklist, hasErrors } = parse(
      '---\nstore: s3://team-deploys/deploy-wizard\n---\n## P\n- [ ] x\n',
    )
    assert.equal(hasErrors, false)
    assert.equal(checklist.frontMatter.store, 's3://team-deploys/deploy-wizard')
    assert.deepEqual(problemLines(parse('---\nstore: [a]\n---\n## P\n- [ ] x\n')), [
      "2:8 error front matter 'store': expected a team store address",
    ])
  })

  it('keeps front-matter values as written', () => {
    const { checklist } = parse(
      '---\nvars: { py: 3.10 }\n---\n## P\n- [ ] x <!-- check: tool name=python3 version=${py} -->\n',
    )
    assert.equal(planChecklist(checklist, 'dev').phases[0]?.items[0]?.params?.version, '3.10')
  })
})

describe('variables that grow without bound', () => {
  const doubling = (count: number) =>
    `vars:\n  v0: a\n${Array.from({ length: count }, (_, i) => `  v${i + 1}: \${v${i}}\${v${i}}`).join('\n')}`
  const chain = (count: number) =>
    `vars:\n  v0: a\n${Array.from({ length: count }, (_, i) => `  v${i + 1}: \${v${i}}b`).join('\n')}`
  const checklist = (vars: string, body: string) => `---\n${vars}\n---\n## P\n${body}\n`
  /** Vars that count how often each is read: the work done, as reads rather than time. */
  const counted = (vars: Record<string, string>) => {
    const reads = { count: 0 }
    const proxy = new Proxy(vars, {
      get(target, key, receiver) {
        if (typeof key === 'string' && key in target) reads.count++
        return Reflect.get(target, key, receiver)
      },
    })
    return { proxy, reads }
  }
  const doublingVars = (count: number) =>
    Object.fromEntries([
      ['v0', 'a'],
      ...Array.from({ length: count }, (_, i) => [`v${i + 1}`, `\${v${i}}\${v${i}}`]),
    ]) as Record<string, string>

  it('are an error at the var that doubles past 64 K characters, however far the doubling goes', () => {
    const result = parse(checklist(doubling(40), '- [ ] x <!-- check: tcp host=${v40} port=1 -->'))
    assert.deepEqual(problemLines(result), [
      "20:8 error var 'v17' grows past 64 K characters once the vars it uses are put in",
    ])
    assert.match(result.problems[0]?.hint ?? '', /uses another twice doubles it/)
  })

  it('are an error at the var 33 deep in a chain of 1,000', () => {
    const result = parse(checklist(chain(1000), '- [ ] x <!-- check: tcp host=${v1000} port=1 -->'))
    assert.deepEqual(problemLines(result), [
      "35:8 error var 'v32' uses vars more than 32 deep (a var that uses a var that uses a var…)",
    ])
  })

  it('expand to the full value within the limits', () => {
    const result = parse(checklist(doubling(16), '- [ ] x <!-- check: tcp host=${v16} port=1 -->'))
    assert.deepEqual(result.problems, [])
    const params = planChecklist(result.checklist, 'dev').phases[0]?.items[0]?.params
    assert.equal(params?.host, 'a'.repeat(65_536))
  })

  it('are each read once when a run resolves them, not once per use', () => {
    const { proxy, reads } = counted(doublingVars(16))
    const lookup = createLookup({
      environment: 'dev',
      vars: proxy,
      processEnv: {},
      output: () => undefined,
    })
    assert.equal(resolveTemplate(parseTemplate('${v16}'), lookup).value.length, 65_536)
    assert.ok(reads.count <= 17, `${reads.count} reads`)
  })

  it('have no value in a run past either limit', () => {
    const chainVars = Object.fromEntries([
      ['c0', 'a'],
      ...Array.from({ length: 40 }, (_, i) => [`c${i + 1}`, `\${c${i}}b`]),
    ]) as Record<string, string>
    const lookup = createLookup({
      environment: 'dev',
      vars: { ...doublingVars(40), ...chainVars },
      processEnv: {},
      output: () => undefined,
    })
    assert.equal(lookup({ type: 'var', name: 'v16' })?.length, 65_536)
    assert.equal(lookup({ type: 'var', name: 'v17' }), undefined)
    assert.equal(lookup({ type: 'var', name: 'v40' }), undefined)
    assert.equal(lookup({ type: 'var', name: 'c31' }), `a${'b'.repeat(31)}`)
    // c31 is remembered now; c32 still goes past the depth limit through it.
    assert.equal(lookup({ type: 'var', name: 'c32' }), undefined)
    assert.equal(lookup({ type: 'var', name: 'c40' }), undefined)
  })
})

describe('front matter that lists too much', () => {
  it('refuses more than 64 environments, and more than 256 alias names', () => {
    const names = (n: number) => Array.from({ length: n }, (_, i) => `e${i}`).join(', ')
    const environments = parse(`---\nenvironments: [${names(65)}]\n---\n## P\n- [ ] x\n`)
    assert.deepEqual(problemLines(environments), [
      "2:15 error front matter 'environments': 65 environments; a checklist may have at most 64",
    ])
    assert.deepEqual(parse(`---\nenvironments: [${names(64)}]\n---\n## P\n- [ ] x\n`).problems, [])
    const aliases = parse(`---\naliases: { prod: [${names(257)}] }\n---\n## P\n- [ ] x\n`)
    assert.deepEqual(problemLines(aliases), [
      "2:10 error front matter 'aliases': more than 256 names in all; a checklist may have at most 256",
    ])
  })
})
