import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { directiveParams } from '../../src/checks/shown-params.ts'
import { parse, problemLines } from '../helpers/fixtures.ts'

const FRONT = `---
environments: [dev, staging, prod]
vars:
  region: us-east-1
  stack: SessionManagement-\${env}
env:
  prod:
    region: eu-west-1
---
`

describe('check: directives', () => {
  it('attach a kind and parameters to the item, invisible in its text', () => {
    const { checklist, problems } = parse(
      `${FRONT}## Deployment\n- [ ] Sessions table has TTL <!-- check: dynamodb.table name=Sessions-\${env} ttl=expiresAt billing=on-demand -->\n`,
    )
    assert.deepEqual(problems, [])
    const item = checklist.items[0]
    assert.equal(item?.text, 'Sessions table has TTL')
    assert.deepEqual(item?.check, {
      kind: 'dynamodb.table',
      params: { name: 'Sessions-${env}', ttl: 'expiresAt', billing: 'on-demand' },
      position: { line: 11, column: 35 },
    })
  })

  it('are shown as written, quoted where they must be, and read back the same', () => {
    const values = [
      '\\d+ passed, 0 failed',
      'echo "done"; exit 0',
      "it's",
      'ends in \\',
      'a\\\\b',
      'plain',
    ]
    for (const value of values) {
      const shown = directiveParams({ run: value })
      const { checklist, problems } = parse(`## P\n- [ ] X <!-- check: command ${shown} -->\n`)
      assert.deepEqual(problems, [], shown)
      assert.equal(checklist.items[0]?.check?.params.run, value, shown)
    }
    assert.equal(
      directiveParams({ output: '\\d+ passed, 0 failed' }),
      'output="\\d+ passed, 0 failed"',
    )
    assert.equal(directiveParams({ name: 'HOME', not: '' }), 'name=HOME not=""')
  })

  it('take double- and single-quoted values with spaces, semicolons and escapes', () => {
    const { checklist, problems } = parse(
      `## P\n- [ ] Build <!-- check: command run="npm run build; echo \\"done\\"" output='^ok$' -->\n`,
    )
    assert.deepEqual(problems, [])
    assert.deepEqual(checklist.items[0]?.check?.params, {
      run: 'npm run build; echo "done"',
      output: '^ok$',
    })
  })

  it('may be written on the line under the item, indented', () => {
    const { checklist, problems } = parse(
      '## P\n- [ ] Kafka reachable\n  <!-- check: tcp host=localhost port=9092 -->\n',
    )
    assert.deepEqual(problems, [])
    assert.equal(checklist.items[0]?.check?.kind, 'tcp')
  })

  it('combine with id:, needs: and timeout: in one comment or several', () => {
    const { checklist, problems } = parse(
      [
        '## P',
        '- [ ] Stack <!-- id: stack; check: cfn.stack name=app -->',
        '- [ ] API <!-- check: http url=${stack.outputs.ApiUrl}/health --> <!-- needs: stack; timeout: 2m -->',
        '',
      ].join('\n'),
    )
    assert.deepEqual(problems, [])
    const api = checklist.items[1]
    assert.deepEqual(api?.needs, ['stack'])
    assert.equal(api?.timeoutMs, 120_000)
    assert.equal(checklist.items[0]?.id, 'stack')
  })

  it('leave ordinary comments alone', () => {
    const { checklist, problems } = parse(
      '## P\n- [ ] x <!-- TODO: ask Ana -->\n<!-- just a note -->\n',
    )
    assert.deepEqual(problems, [])
    assert.equal(checklist.items[0]?.check, null)
  })

  it('warns about a directive written without its colon', () => {
    assert.deepEqual(problemLines(parse('## P\n- [ ] Kafka <!-- check tcp host=a port=1 -->\n')), [
      "2:18 warning 'check' looks like a directive without its colon",
    ])
    assert.deepEqual(parse('## P\n- [ ] x <!-- Check this later -->\n').problems, [])
  })
})

describe('only: directives', () => {
  it('scope an item', () => {
    const { checklist } = parse('## P\n- [ ] PITR on <!-- only: prod -->\n')
    assert.deepEqual(checklist.items[0]?.scope.environments, ['prod'])
  })

  it('scope a whole section from its heading line or the line under it', () => {
    const { checklist, problems } = parse(
      '## Deploy <!-- only: staging, prod -->\n- [ ] a\n### Extra\n<!-- only: prod -->\n- [ ] b\n',
    )
    assert.deepEqual(problems, [])
    assert.deepEqual(
      checklist.items.map((i) => i.scope.environments),
      [['staging', 'prod'], ['prod']],
    )
  })

  it('with "all" undoes what a heading inferred', () => {
    const { checklist } = parse('## Production Readiness <!-- only: all -->\n- [ ] review\n')
    assert.equal(checklist.items[0]?.scope.environments, null)
  })

  it('warns about an item that can never apply', () => {
    const result = parse('## Staging Deployment\n- [ ] x <!-- only: prod -->\n')
    assert.deepEqual(problemLines(result), [
      '2:1 warning this item never applies: only: directive, line 2, within section "Staging Deployment", line 1',
    ])
  })

  it('validates only: written under a heading like one in the heading', () => {
    assert.deepEqual(problemLines(parse('## Foo\n<!-- only: production -->\n- [ ] a\n')), [
      "2:6 error 'production' is not one of this checklist's environments",
    ])
  })

  it("lets only: all cancel a heading's words but not the section around it", () => {
    const { checklist } = parse(
      '## Production Deployment\n### Shared <!-- only: all -->\n- [ ] a\n',
    )
    assert.deepEqual(checklist.items[0]?.scope.environments, ['prod'])
  })
})

describe('only: all where it changes nothing', () => {
  it('warns on an item inside a section whose heading restricts it', () => {
    const result = parse('## Production Environment\n- [ ] Tell the team <!-- only: all -->\n')
    assert.deepEqual(result.checklist.items[0]?.scope.environments, ['prod'])
    assert.deepEqual(problemLines(result), [
      `2:26 warning 'only: all' does not widen the section around this item: it still applies to prod only (section "Production Environment", line 1)`,
    ])
    assert.equal(
      result.problems[0]?.hint,
      "'only: all' cancels only what the item's own text implies; to apply everywhere, the item must move out of that section",
    )
  })

  it('warns on a heading inside a restricted section, written in its line or under it', () => {
    for (const markdown of [
      '## Production Deployment\n### Shared <!-- only: all -->\n- [ ] a\n',
      '## Production Deployment\n### Shared\n<!-- only: all -->\n- [ ] a\n',
    ]) {
      assert.match(
        problemLines(parse(markdown)).join('\n'),
        /^\d:\d+ warning 'only: all' does not widen the section around this heading: it still applies to prod only/,
      )
    }
  })

  it('warns where nothing restricts the item or section at all', () => {
    assert.deepEqual(problemLines(parse('## Steps\n- [ ] a <!-- only: all -->\n')), [
      "2:14 warning 'only: all' has no effect here: the item's own text names no environment, and nothing above restricts it",
    ])
  })

  it('is quiet where it cancels what the heading or the item says', () => {
    for (const markdown of [
      // marketplace-api: "Deploy to Development" is a step every environment takes.
      '## Deploy\n### 3. Deploy to Development <!-- only: all -->\n- [ ] cdk deploy\n',
      '## Production Readiness\n<!-- only: all -->\n- [ ] review\n',
      '## Steps\n- [ ] Back up (production only) <!-- only: all -->\n',
      // Inside staging, "(production only)" alone would make the item apply nowhere.
      '## Staging Deployment\n- [ ] Back up (production only) <!-- only: all -->\n',
    ]) {
      assert.deepEqual(parse(markdown).problems, [], markdown)
    }
  })
})

describe('needs: and outputs of an item that does not apply everywhere', () => {
  const STACK = '- [ ] Stack <!-- id: stack; only: dev; check: cfn.stack name=App -->\n'

  it('warns at needs: when the needed item is out of scope where the check runs', () => {
    const result = parse(
      `## Steps\n${STACK}- [ ] Smoke <!-- check: tcp host=a port=1; needs: stack -->\n`,
    )
    assert.deepEqual(problemLines(result), [
      "3:44 warning needs 'stack', which does not apply to staging, prod: there this check runs without waiting for it",
    ])
    assert.equal(
      result.problems[0]?.hint,
      "'stack' applies to dev only (only: directive, line 2); give this item the same only:, or let 'stack' apply there too",
    )
  })

  it('warns at the parameter that uses its outputs, unless it has a fallback', () => {
    assert.deepEqual(
      problemLines(
        parse(
          `## Steps\n${STACK}- [ ] API <!-- check: http url=\${stack.outputs.Url}/health -->\n`,
        ),
      ),
      [
        "3:28 warning ${stack.outputs.Url}: item 'stack' does not apply to staging, prod, so there it has no outputs",
      ],
    )
    assert.deepEqual(
      parse(
        `## Steps\n${STACK}- [ ] API <!-- check: http url=\${stack.outputs.Url:-http://localhost}/health -->\n`,
      ).problems,
      [],
    )
  })

  it('is quiet when the check applies only where what it needs does', () => {
    const result = parse(
      `## Steps\n${STACK}- [ ] API <!-- check: http url=\${stack.outputs.Url}/health; needs: stack; only: dev -->\n`,
    )
    assert.deepEqual(result.problems, [])
  })
})

describe('environment words in headings and items', () => {
  it('follow aliases from front matter, and can be turned off', () => {
    const aliased = parse('---\naliases: { prod: [live] }\n---\n## Go Live\n- [ ] flip DNS\n')
    assert.deepEqual(aliased.checklist.items[0]?.scope.environments, ['prod'])
    const off = parse('---\ninfer-environments: false\n---\n## Production Deployment\n- [ ] x\n')
    assert.equal(off.checklist.items[0]?.scope.environments, null)
  })

  it('use only the environments the checklist declares', () => {
    const { checklist } = parse(
      '---\nenvironments: [qa, prod]\n---\n## QA Environment\n- [ ] x\n## Staging\n- [ ] y\n',
    )
    assert.deepEqual(
      checklist.items.map((i) => i.scope.environments),
      [['qa'], null],
    )
  })

  it('read "(X only)" in an item but not a bare mention', () => {
    const { checklist } = parse(
      '## P\n- [ ] Backup (production only)\n- [ ] All tests pass in staging\n',
    )
    assert.deepEqual(
      checklist.items.map((i) => i.scope.environments),
      [['prod'], null],
    )
  })

  it('reads neither "Stage 1" nor "Pre-Production" as an environment', () => {
    const { checklist } = parse('## Stage 1: Build\n- [ ] a\n## Pre-Production Checks\n- [ ] b\n')
    assert.deepEqual(
      checklist.items.map((i) => i.scope.environments),
      [null, null],
    )
  })
})

describe('signoff directive', () => {
  it('marks a section with any title as the sign-off', () => {
    const { checklist } = parse('## Handover <!-- signoff -->\n- [ ] Released by: ______\n')
    assert.equal(checklist.phases[0]?.role, 'signoff')
    assert.equal(checklist.signoff[0]?.label, 'Released by')
  })
})

describe('directive errors name the line and column', () => {
  const cases: [string, string, string[]][] = [
    [
      'unknown kind',
      '## P\n- [ ] x <!-- check: dynamo.table name=a -->\n',
      ["2:21 error unknown check kind 'dynamo.table'"],
    ],
    [
      'unknown parameter',
      '## P\n- [ ] x <!-- check: tcp host=a port=1 colour=red -->\n',
      ["2:39 error tcp has no parameter 'colour'"],
    ],
    [
      'missing parameter',
      '## P\n- [ ] x <!-- check: tcp host=a -->\n',
      ["2:14 error tcp needs 'port='"],
    ],
    [
      'bad value',
      '## P\n- [ ] x <!-- check: tcp host=a port=http -->\n',
      ["2:32 error tcp port='http': expected a whole number"],
    ],
    [
      'value out of range',
      '## P\n- [ ] x <!-- check: tcp host=a port=70000 -->\n',
      ["2:32 error tcp port='70000': expected a number from 1 to 65535"],
    ],
    [
      'not key=value',
      '## P\n- [ ] x <!-- check: tcp localhost -->\n',
      ["2:25 error expected key=value, found 'localhost'"],
    ],
    ['kind missing', '## P\n- [ ] x <!-- check: -->\n', ["2:20 error 'check:' needs a kind"]],
    [
      'unclosed quote',
      '## P\n- [ ] x <!-- check: command run="npm test -->\n',
      ['2:33 error unclosed double quote'],
    ],
    [
      'duplicate key',
      '## P\n- [ ] x <!-- check: tcp host=a host=b port=1 -->\n',
      ["2:32 error 'host' is given twice"],
    ],
    [
      'two checks',
      '## P\n- [ ] x <!-- check: tcp host=a port=1 --><!-- check: tcp host=b port=2 -->\n',
      ['2:47 error an item has at most one check'],
    ],
    [
      'typo in name',
      '## P\n- [ ] x <!-- chek: tcp host=a port=1 -->\n',
      ["2:14 warning 'chek' is not a directive"],
    ],
    [
      'unknown directive after a known one',
      '## P\n- [ ] x <!-- id: a; colour: red -->\n',
      ["2:21 error unknown directive 'colour'"],
    ],
    [
      'bad id',
      '## P\n- [ ] x <!-- id: has space -->\n',
      ["2:18 error 'has space' is not a valid id"],
    ],
    [
      'duplicate id',
      '## P\n- [ ] x <!-- id: a -->\n- [ ] y <!-- id: a -->\n',
      ["3:14 error id 'a' is already used on line 2"],
    ],
    [
      'needs unknown id',
      '## P\n- [ ] x <!-- check: tcp host=a port=1; needs: ghost -->\n',
      ["2:40 error needs 'ghost', but no item has that id"],
    ],
    [
      'needs a manual item',
      '## P\n- [ ] m <!-- id: m -->\n- [ ] x <!-- check: tcp host=a port=1; needs: m -->\n',
      ["3:40 error needs 'm', which has no check to wait for"],
    ],
    [
      'needs without check',
      '## P\n- [ ] x <!-- needs: a -->\n',
      [
        "2:14 error needs 'a', but no item has that id",
        "2:14 error 'needs:' on an item without a check",
      ],
    ],
    [
      'timeout without check',
      '## P\n- [ ] x <!-- timeout: 5s -->\n',
      ["2:14 error 'timeout:' on an item without a check"],
    ],
    [
      'bad timeout',
      '## P\n- [ ] x <!-- check: tcp host=a port=1; timeout: soon -->\n',
      ["2:49 error 'soon' is not a duration"],
    ],
    [
      'unknown environment',
      '## P\n- [ ] x <!-- only: production -->\n',
      ["2:14 error 'production' is not one of this checklist's environments"],
    ],
    [
      'check on a heading',
      '## P <!-- check: tcp host=a port=1 -->\n- [ ] x\n',
      ["1:11 error 'check:' belongs on a task item, not on a heading"],
    ],
    [
      'stray directive',
      '## P\n- [ ] x\n\nSome prose.\n\n<!-- check: tcp host=a port=1 -->\n',
      ['6:1 error this directive is not attached to an item or a heading'],
    ],
    [
      'signoff on an item',
      '## P\n- [ ] x <!-- signoff -->\n',
      ["2:14 error 'signoff' belongs on a heading"],
    ],
    [
      'circular needs',
      '## P\n- [ ] a <!-- id: a; check: tcp host=a port=1; needs: b -->\n- [ ] b <!-- id: b; check: tcp host=b port=1; needs: a -->\n',
      ['3:1 error checks wait for each other in a circle: a → b → a'],
    ],
    [
      'pg.index needs index or table',
      '## P\n- [ ] x <!-- check: pg.index schema=s -->\n',
      ["2:14 error pg.index: needs 'index' or 'table'"],
    ],
    [
      'semver range',
      '## P\n- [ ] x <!-- check: tool name=node version=banana -->\n',
      ["2:36 error tool version='banana': expected a semver range such as 20.x or >=3.11"],
    ],
    [
      'regular expression',
      '## P\n- [ ] x <!-- check: command run=true output=( -->\n',
      [
        "2:38 error command output='(': not a valid regular expression: missing closing ): `(` (patterns use RE2 syntax: no backreferences (\\1) or lookarounds ((?=…), (?<=…)); (?i) ignores case)",
      ],
    ],
    [
      'regular expression with a backreference, which RE2 does not have',
      "## P\n- [ ] x <!-- check: command run=true output='(a)\\1' -->\n",
      [
        "2:38 error command output='(a)\\1': not a valid regular expression: invalid escape sequence: `\\1` (patterns use RE2 syntax: no backreferences (\\1) or lookarounds ((?=…), (?<=…)); (?i) ignores case)",
      ],
    ],
    [
      'regular expression with a lookahead, which RE2 does not have',
      "## P\n- [ ] x <!-- check: env name=X matches='^(?=.*[0-9]).{8,}$' -->\n",
      [
        "2:32 error env matches='^(?=.*[0-9]).{8,}$': not a valid regular expression: invalid or unsupported Perl syntax: `(?=` (patterns use RE2 syntax: no backreferences (\\1) or lookarounds ((?=…), (?<=…)); (?i) ignores case)",
      ],
    ],
    [
      'regular expression too large to match in bounded time',
      "## P\n- [ ] x <!-- check: command run=true output='[a-z]{1000}[0-9]{1000}' -->\n",
      [
        "2:38 error command output='[a-z]{1000}[0-9]{1000}': the regular expression is too large: it compiles to 2002 steps, more than 2000 (use smaller counts in {n,m})",
      ],
    ],
  ]
  for (const [name, markdown, expected] of cases) {
    it(name, () => assert.deepEqual(problemLines(parse(markdown)), expected))
  }

  it('carry a hint that says what to write instead', () => {
    const [problem] = parse('## P\n- [ ] x <!-- check: http.get url=x -->\n').problems
    assert.equal(problem?.hint, "did you mean 'http'?")
  })

  it('points at the right column in a directive continued on the next line of a list item', () => {
    const result = parse('## P\n- [ ] Item\n  <!-- check: tcp\n       host=a prt=1 -->\n')
    assert.ok(problemLines(result).includes("4:15 error tcp has no parameter 'prt'"))
  })

  it('rejects an item that needs itself', () => {
    assert.deepEqual(
      problemLines(parse('## P\n- [ ] x <!-- id: x; check: tcp host=a port=1; needs: x -->\n')),
      ['2:47 error an item cannot need itself'],
    )
  })
})
