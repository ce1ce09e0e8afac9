import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { runCli, runCliIntoClosedPipe } from '../helpers/cli.ts'
import { SEEDS, seedPath } from '../helpers/fixtures.ts'
import { tempDir } from '../helpers/temp.ts'

const folders: string[] = []
after(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true })
})

async function tempChecklist(markdown: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dw-cli-'))
  folders.push(dir)
  const file = join(dir, 'checklist.md')
  await writeFile(file, markdown)
  return file
}

describe('deploy-wizard --help and --version', () => {
  it('prints the version from package.json', async () => {
    const { code, stdout } = await runCli(['--version'])
    assert.equal(code, 0)
    assert.match(stdout, /^\d+\.\d+\.\d+\n$/)
  })

  it('lists every command, and each command has its own help', async () => {
    const top = await runCli(['--help'])
    assert.equal(top.code, 0)
    assert.match(top.stdout, /validate \[options\] <file\.\.\.>/)
    assert.match(top.stdout, /plan \[options\] <file>/)
    assert.match(top.stdout, /check \[options\] <file>/)
    assert.match(top.stdout, /trust \[options\] <file>/)
    assert.match(top.stdout, /Exit codes: 0 success · 1 problems or failed checks · 2 bad usage/)
    // Every code of the README's table.
    assert.match(top.stdout, /74 answers the disk refused to save · 130 cancelled \(Ctrl-C\)/)
    assert.match(top.stdout, /69 a team store did not answer/)
    assert.match(top.stdout, /run \[options\] \[file\]/)
    for (const command of [
      'validate',
      'plan',
      'check',
      'trust',
      'run',
      'runs',
      'export',
      'verify',
      'watch',
    ]) {
      const help = await runCli([command, '--help'])
      assert.equal(help.code, 0, command)
      assert.match(help.stdout, new RegExp(`^Usage: deploy-wizard ${command} `), command)
    }
  })

  it('says what --stale-after does beyond resuming', async () => {
    const help = await runCli(['run', '--help'])
    assert.match(
      help.stdout.replace(/\s+/g, ' '),
      /--stale-after <duration> check results older than this run again: on entering their phase, on resume, with A/,
    )
    assert.match(help.stdout.replace(/\s+/g, ' '), /74 answers the disk refused to save/)
  })

  it('exits 2 on an unknown command or option, without a stack trace', async () => {
    for (const args of [['deploy'], ['validate', '--nope', 'x.md'], ['plan', 'x.md']]) {
      const { code, stderr } = await runCli(args)
      assert.equal(code, 2, args.join(' '))
      assert.match(stderr, /^error: /, args.join(' '))
      assert.doesNotMatch(stderr, /\n\s+at /)
    }
  })
})

describe('output into a pipe whose reader has gone', () => {
  const STACK_TRACE = /EPIPE|\n\s+at |Unhandled/

  it('drops the output quietly and exits with the command’s own code', async () => {
    const home = tempDir('home')
    const failing = await tempChecklist(
      '# Release\n## Checks\n- [ ] Nothing listens <!-- check: tcp host=127.0.0.1 port=1 -->\n',
    )
    const cases: [readonly string[], number][] = [
      [['runs'], 0],
      [['runs', '--json'], 0],
      [['plan', 'marketplace-api', '--env', 'prod'], 0],
      [['plan', 'marketplace-api', '--env', 'prod', '--json'], 0],
      [['validate', ...SEEDS.map(seedPath)], 0],
      [['check', failing, '--env', 'dev', '--json'], 1],
      // Its first line finds the reader gone: the checks are stopped before they start.
      [['check', failing, '--env', 'dev'], 130],
    ]
    for (const [args, expected] of cases) {
      const { code, stderr } = await runCliIntoClosedPipe(args, 'stdout', {
        DEPLOY_WIZARD_HOME: home,
      })
      assert.doesNotMatch(stderr, STACK_TRACE, args.join(' '))
      assert.equal(code, expected, `${args.join(' ')}: ${stderr}`)
    }
  })

  it('is quiet when standard error is the closed pipe too', async () => {
    const missing = join(tmpdir(), 'no-such-checklist.md')
    const onlyErrors = await runCliIntoClosedPipe(['plan', missing, '--env', 'dev'], 'stderr')
    assert.equal(onlyErrors.code, 2)
    const both = await runCliIntoClosedPipe(['validate', '--json', missing], 'both')
    assert.equal(both.code, 2)
  })
})

describe('deploy-wizard run without a terminal', () => {
  it('exits 2 and points to the headless check command', async () => {
    const { code, stdout, stderr } = await runCli(['run', 'deploy.md', '--env', 'prod'])
    assert.equal(code, 2)
    assert.equal(stdout, '')
    assert.match(stderr, /the wizard needs an interactive terminal/)
    assert.match(stderr, /deploy-wizard check deploy\.md --env prod/)
  })

  it('prints the help when run with no arguments and no terminal', async () => {
    const { code, stdout } = await runCli([])
    assert.equal(code, 0)
    assert.match(stdout, /^Usage: deploy-wizard/)
  })
})

describe('deploy-wizard validate', () => {
  it('passes the five seed checklists with a summary line each', async () => {
    const { code, stdout } = await runCli(['validate', ...SEEDS.map(seedPath)])
    assert.equal(code, 0)
    const lines = stdout
      .trim()
      .split('\n')
      .filter((line) => /^[✓✗] /.test(line))
    assert.equal(lines.length, 5)
    assert.match(
      lines[0] ?? '',
      /^✓ .*000_b909c6aec69adf30\.txt: 7 phases, 121 items, 0 automated checks, 8 sign-off fields$/,
    )
  })

  it('accepts production: in the front matter, and names an environment there the checklist lacks', async () => {
    const good = await tempChecklist(
      '---\nenvironments: [dev, main]\nproduction: [main]\n---\n## P\n- [ ] x\n',
    )
    const accepted = await runCli(['validate', '--strict', good])
    assert.equal(accepted.code, 0, accepted.stdout)
    const bad = await tempChecklist(
      '---\nenvironments: [dev, main]\nproduction: [man]\n---\n## P\n- [ ] x\n',
    )
    const { code, stdout } = await runCli(['validate', bad])
    assert.equal(code, 1)
    assert.equal(
      stdout.split('\n').slice(0, 2).join('\n'),
      `${bad}:3:14: error: front matter 'production': 'man' is not one of this checklist's environments\n  hint: environments: dev, main`,
    )
  })

  it('prints every problem as file:line:column and exits 1', async () => {
    const file = await tempChecklist(
      '## P\n- [ ] x <!-- check: tcp host=a -->\n- [ ] y <!-- chek: x -->\n',
    )
    const { code, stdout } = await runCli(['validate', file])
    assert.equal(code, 1)
    assert.equal(
      stdout,
      [
        `${file}:2:14: error: tcp needs 'port='`,
        '  hint: for example: check: tcp host=localhost port=9092',
        `${file}:3:14: warning: 'chek' is not a directive`,
        "  hint: did you mean 'check:'?",
        `✗ ${file}: 1 phase, 2 items, 1 automated check, 0 sign-off fields — 1 error, 1 warning`,
        '',
      ].join('\n'),
    )
  })

  it('lists every scope read from environment words, with its line, as notes that are no problems', async () => {
    const file = await tempChecklist(
      [
        '## Production Features',
        '- [ ] Dark mode',
        '## Pre-Deployment',
        '### Development Environment',
        '- [ ] All tests passing',
        '- [ ] Backup (production only)',
        '',
      ].join('\n'),
    )
    const { code, stdout } = await runCli(['validate', '--strict', file])
    assert.equal(code, 0, stdout)
    assert.equal(
      stdout,
      [
        `${file}:1:1: note: heading “Production Features” names prod but scopes nothing: the words are about “Features”, not the environment`,
        `${file}:4:1: note: heading “Development Environment” names dev but scopes nothing: a sub-heading, with no heading beside it for another environment`,
        `${file}:6:1: note: item “(production only)” scopes the item to prod only: it says “only”`,
        '  hint: pin a scope with <!-- only: ENV -->, cancel one with <!-- only: all -->',
        `✓ ${file}: 2 phases, 3 items, 0 automated checks, 0 sign-off fields`,
        '',
      ].join('\n'),
    )
    const json = await runCli(['validate', '--json', file])
    const [report] = JSON.parse(json.stdout) as {
      problems: unknown[]
      scopes: { line: number; restricts: boolean; environments: string[]; why: string }[]
    }[]
    assert.deepEqual(report?.problems, [])
    assert.deepEqual(
      report?.scopes.map((s) => [s.line, s.environments, s.restricts]),
      [
        [1, ['prod'], false],
        [4, ['dev'], false],
        [6, ['prod'], true],
      ],
    )
  })

  it('names each list of boxes it read as one choice, as a note', async () => {
    const file = await tempChecklist(
      [
        '## Change',
        '### Priority',
        "<!-- Select one by marking with an 'x' -->",
        '- [ ] Critical (P1)',
        '- [ ] Low (P4)',
        '## Deploy',
        '- [ ] Deploy',
        '',
      ].join('\n'),
    )
    const { code, stdout } = await runCli(['validate', '--strict', file])
    assert.equal(code, 0, stdout)
    assert.equal(
      stdout,
      [
        `${file}:4:1: note: one choice "Priority" of 2 answers, asked on the sign-off screen, not 2 items: “Select one by marking with an 'x'”`,
        `✓ ${file}: 1 phase, 1 item, 0 automated checks, 1 sign-off field`,
        '',
      ].join('\n'),
    )
    const [report] = JSON.parse((await runCli(['validate', '--json', file])).stdout) as {
      choices: unknown[]
    }[]
    assert.deepEqual(report?.choices, [
      {
        line: 4,
        label: 'Priority',
        answers: ['Critical (P1)', 'Low (P4)'],
        cue: "Select one by marking with an 'x'",
      },
    ])
  })

  it('treats warnings as errors with --strict', async () => {
    const file = await tempChecklist('## P\n- [ ] y <!-- chek: x -->\n')
    assert.equal((await runCli(['validate', file])).code, 0)
    assert.equal((await runCli(['validate', '--strict', file])).code, 1)
  })

  it('warns about only: all and needs: that change nothing, and fails them with --strict', async () => {
    const file = await tempChecklist(
      [
        '## Production Environment',
        '- [ ] Tell the team <!-- only: all -->',
        '## Checks',
        '- [ ] Stack <!-- id: stack; only: dev; check: cfn.stack name=App -->',
        '- [ ] Smoke <!-- check: tcp host=a port=1; needs: stack -->',
        '',
      ].join('\n'),
    )
    const { code, stdout } = await runCli(['validate', file])
    assert.equal(code, 0)
    const warnings = stdout.split('\n').filter((line) => line.includes(': warning: '))
    assert.deepEqual(warnings, [
      `${file}:2:26: warning: 'only: all' does not widen the section around this item: it still applies to prod only (section "Production Environment", line 1)`,
      `${file}:5:44: warning: needs 'stack', which does not apply to staging, prod: there this check runs without waiting for it`,
    ])
    assert.equal((await runCli(['validate', '--strict', file])).code, 1)
  })

  it('prints a JSON report with --json', async () => {
    const file = await tempChecklist('## P\n- [ ] x <!-- check: tcp host=a port=1 -->\n')
    const { code, stdout } = await runCli(['validate', '--json', file])
    assert.equal(code, 0)
    const [report] = JSON.parse(stdout) as {
      ok: boolean
      items: number
      checks: number
      problems: unknown[]
    }[]
    assert.deepEqual(
      [report?.ok, report?.items, report?.checks, report?.problems],
      [true, 1, 1, []],
    )
  })

  it('exits 2 with a hint for a file that cannot be read', async () => {
    const { code, stdout, stderr } = await runCli(['validate', 'no/such/checklist.md'])
    assert.equal(code, 2)
    assert.equal(stdout, '')
    assert.equal(
      stderr,
      'deploy-wizard: cannot read checklist no/such/checklist.md: no such file\n' +
        '  give the path of a markdown checklist, or the name of a bundled one: document-agents-ecs, marketplace-api, painel-operacional-alquimista, session-management-websocket, workflow-management-api\n',
    )
  })

  it('goes on past an unreadable file among several, and exits 2 as for one', async () => {
    const { code, stdout } = await runCli(['validate', 'missing.md', seedPath(SEEDS[0])])
    assert.equal(code, 2)
    assert.match(stdout, /^✗ cannot read checklist missing\.md: no such file\n/)
    assert.match(stdout, /\n✓ \S+000_b909c6aec69adf30\.txt: 7 phases/)
  })

  it('with --json, reports an unreadable file in the JSON too', async () => {
    const { code, stdout } = await runCli(['validate', '--json', 'missing.md'])
    assert.equal(code, 2)
    assert.deepEqual(JSON.parse(stdout), [
      {
        file: 'missing.md',
        readable: false,
        ok: false,
        error: 'cannot read checklist missing.md: no such file',
      },
    ])
  })
})

describe('deploy-wizard plan', () => {
  it('shows a check without parameters as its kind alone, nothing after it', async () => {
    const file = await tempChecklist(
      ['# Release', '## Deploy', '- [ ] Right account <!-- check: aws.identity -->', ''].join('\n'),
    )
    const { code, stdout } = await runCli(['plan', file, '--env', 'dev'])
    assert.equal(code, 0)
    assert.ok(stdout.includes('      ↳ aws.identity\n'), stdout)
  })

  it('counts one item and one sign-off field in the singular', async () => {
    const file = await tempChecklist(
      ['# Release', '## Deploy', '- [ ] Deployed', '## Sign-off', 'Deployed by: ____', ''].join(
        '\n',
      ),
    )
    const { code, stdout } = await runCli(['plan', file, '--env', 'dev'])
    assert.equal(code, 0)
    assert.ok(
      stdout.includes(`${file} · 1 item · 1 apply to dev · 0 automated · 1 sign-off field\n`),
      stdout,
    )
  })

  it('shows phases, groups, automated checks and what does not apply', async () => {
    const file = await tempChecklist(
      [
        '---',
        'vars: { stack: "App-${env}" }',
        '---',
        '# Release',
        '## Deploy',
        '- [ ] Stack healthy <!-- check: cfn.stack name=${stack} -->',
        '- [x] Tagged',
        '### Production Only',
        '- [ ] PITR on',
        '',
      ].join('\n'),
    )
    const { code, stdout } = await runCli(['plan', file, '--env', 'dev'])
    assert.equal(code, 0)
    assert.equal(
      stdout,
      [
        'Release — plan for dev',
        `${file} · 3 items · 2 apply to dev · 1 automated · 0 sign-off fields`,
        "1 item of “Production Only” is not in a dev run; the wizard's o brings one back",
        '',
        'Scopes read from environment words (pin one with <!-- only: ENV -->, cancel one with <!-- only: all -->):',
        '  line 8: heading “Production Only” scopes its section to prod only: it says “only”',
        '',
        'Deploy (3 items)',
        '  [~] Stack healthy',
        '      ↳ cfn.stack name=App-dev',
        '  [x] Tagged',
        '  Production Only (1 item) — n/a: prod only (section "Production Only", line 8)',
        '    [ ] PITR on  n/a',
        '',
        'Legend: [ ] manual · [~] automated check · [x] done in the file · n/a not for dev',
        '',
      ].join('\n'),
    )
  })

  it('lists the steps written as prose where the wizard shows them, as nothing to answer', async () => {
    const file = await tempChecklist(
      [
        '# Release',
        '## Deploy',
        '### Step 1: Back up the database (mandatory)',
        '```bash',
        'mysqldump app > backup.sql',
        '```',
        '### Step 2: Functional test',
        '- [ ] Log in works',
        '## 3. Tell the team',
        'Say so in the release channel.',
        '',
      ].join('\n'),
    )
    const { code, stdout } = await runCli(['plan', file, '--env', 'dev'])
    assert.equal(code, 0)
    assert.ok(
      stdout.includes(
        [
          'Deploy (1 item)',
          '  ≡ Step 1: Back up the database (mandatory) — written as prose, not answerable',
          '  Step 2: Functional test (1 item)',
          '    [ ] Log in works',
          '  ≡ 3. Tell the team — written as prose, not answerable',
          '',
          'Legend: [ ] manual · [~] automated check · [x] done in the file · ≡ a step written as prose · n/a not for dev',
        ].join('\n'),
      ),
      stdout,
    )
    const json = JSON.parse((await runCli(['plan', file, '--env', 'dev', '--json'])).stdout) as {
      phases: { sections: { title: string; line: number; prose: boolean }[] }[]
    }
    assert.deepEqual(
      json.phases[0]?.sections.map((s) => [s.title, s.line, s.prose]),
      [
        ['Step 1: Back up the database (mandatory)', 3, true],
        ['Step 2: Functional test', 7, false],
        ['3. Tell the team', 9, true],
      ],
    )
  })

  it('lists the blanks written under an item with it, none of them a sign-off field', async () => {
    const file = await tempChecklist(
      [
        '# Release',
        '## Code',
        '- [ ] **PR approved**',
        '  - Link al PR: ____',
        '- [ ] **Version tagged**',
        '  - Tag creado: ____',
        '  - Estado: ☐ Exitoso ☐ Rollback',
        '',
      ].join('\n'),
    )
    const { code, stdout } = await runCli(['plan', file, '--env', 'dev'])
    assert.equal(code, 0)
    assert.ok(stdout.includes('0 sign-off fields'), stdout)
    assert.ok(
      stdout.includes(
        [
          'Code (2 items)',
          '  [ ] PR approved',
          '      ✎ Link al PR: ____',
          '  [ ] Version tagged',
          '      ✎ Tag creado: ____',
          '      ✎ Estado: Exitoso / Rollback',
          '',
          'Legend: [ ] manual · [~] automated check · [x] done in the file · ✎ asked for when the item is done · n/a not for dev',
        ].join('\n'),
      ),
      stdout,
    )
  })

  it('lists the sign-off after the phases, each line with its kind, as the sign-off screen names it', async () => {
    const file = await tempChecklist(
      [
        '# Release',
        '## Deploy',
        '- [ ] Deployed',
        '## Sign-off',
        '- [ ] Deployed by: ____',
        '',
        '| Role | Name | Date | Signature |',
        '| --- | --- | --- | --- |',
        '| QA Lead | | | |',
        '| Dev Lead | | | A. Dev |',
        '',
        '**Decision:** ☐ GO ☐ NO-GO',
        '',
        'Version: ____',
        '### Production only',
        'Change ticket: ____',
        '',
      ].join('\n'),
    )
    const { code, stdout } = await runCli(['plan', file, '--env', 'dev'])
    assert.equal(code, 0, stdout)
    assert.ok(
      stdout.includes(
        [
          'Sign-off (1 item)',
          '  [ ] Deployed by: ____',
          '',
          'Sign-off (7 fields, 3 signatures, 1 not for dev)',
          '  name       Deployed by (in the item “Deployed by: ____”)',
          '  signature  Deployed by — Signature (on paper)',
          '  name       QA Lead — Name',
          '  date       QA Lead — Date',
          '  signature  QA Lead — Signature (on paper)',
          '  name       Dev Lead — Name',
          '  date       Dev Lead — Date',
          '  signature  Dev Lead — Signature (given in the checklist: A. Dev)',
          '  choice     Decision (GO · NO-GO)',
          '  text       Version',
          '  text       Change ticket  n/a: not for dev',
          '',
          'Legend:',
        ].join('\n'),
      ),
      stdout,
    )
    const json = JSON.parse((await runCli(['plan', file, '--env', 'dev', '--json'])).stdout) as {
      signoff: {
        id: string | null
        role: string | null
        label: string
        kind: string
        choices: string[]
        given: string | null
        item: string | null
        line: number | null
        applies: boolean
      }[]
    }
    assert.deepEqual(
      json.signoff.map((s) => [s.role, s.label, s.kind, s.line, s.applies]),
      [
        ['Deployed by', 'Name', 'name', 5, true],
        ['Deployed by', 'Signature', 'signature', null, true],
        ['QA Lead', 'Name', 'name', 9, true],
        ['QA Lead', 'Date', 'date', 9, true],
        ['QA Lead', 'Signature', 'signature', 9, true],
        ['Dev Lead', 'Name', 'name', 10, true],
        ['Dev Lead', 'Date', 'date', 10, true],
        ['Dev Lead', 'Signature', 'signature', 10, true],
        [null, 'Decision', 'choice', 12, true],
        [null, 'Version', 'text', 14, true],
        [null, 'Change ticket', 'text', 16, false],
      ],
    )
    assert.deepEqual(json.signoff[8]?.choices, ['GO', 'NO-GO'])
    assert.equal(json.signoff[7]?.given, 'A. Dev')
    assert.ok(json.signoff[0]?.item?.endsWith('deployed-by'), json.signoff[0]?.item ?? 'no item')
    assert.equal(json.signoff[1]?.id, null)
  })

  it('lists a procedure of numbered steps with no task items where it falls, saying none was answered', async () => {
    const file = await tempChecklist(
      [
        '# Release',
        '## Pre-Deployment',
        '- [ ] Backup created',
        '## Deployment',
        '### Deploy to Server',
        '1. Stop the application',
        '2. Start the application',
        '## Post-Deployment',
        '- [ ] Smoke test',
        '## Next Steps',
        '1. Celebrate',
        '',
      ].join('\n'),
    )
    const { code, stdout } = await runCli(['plan', file, '--env', 'dev'])
    assert.equal(code, 0)
    assert.ok(
      stdout.includes(
        [
          'Pre-Deployment (1 item)',
          '  [ ] Backup created',
          '',
          '≡ Deployment — 2 numbered steps, not answered: write them as "1. [ ] …"',
          '',
          'Post-Deployment (1 item)',
          '  [ ] Smoke test',
          '',
          'Legend: [ ] manual · [~] automated check · [x] done in the file · ≡ a step written as prose · n/a not for dev',
        ].join('\n'),
      ),
      stdout,
    )
    const json = JSON.parse((await runCli(['plan', file, '--env', 'dev', '--json'])).stdout) as {
      unanswered: unknown[]
    }
    assert.deepEqual(json.unanswered, [
      { id: 'deployment', title: 'Deployment', line: 4, numberedSteps: 2 },
    ])
  })

  it('says how many items a section for another environment leaves out of the run, naming the approvals', async () => {
    const file = await tempChecklist(
      [
        '# Release',
        '## Pre-Deployment',
        '- [ ] All tests passing',
        '- [ ] Load test run (staging only)',
        '## Staging Deployment',
        '- [ ] Deploy to staging environment',
        '- [ ] Client approval received',
        '## Production Deployment',
        '- [ ] Deploy to production',
        '',
      ].join('\n'),
    )
    const prod = await runCli(['plan', file, '--env', 'prod'])
    assert.equal(prod.code, 0)
    assert.equal(
      prod.stdout.split('\n')[3],
      "2 items of “Staging Deployment” are not in a prod run, among them the approval “Client approval received”; the wizard's o brings one back",
    )
    // An item that leaves itself out says so on its own line: only sections are counted.
    const staging = await runCli(['plan', file, '--env', 'staging'])
    assert.ok(
      staging.stdout.includes(
        "\n1 item of “Production Deployment” is not in a staging run; the wizard's o brings one back\n",
      ),
      staging.stdout,
    )
    const dev = await runCli(['plan', file, '--env', 'dev'])
    assert.ok(
      dev.stdout.includes('3 items of “Staging Deployment” and “Production Deployment”'),
      dev.stdout,
    )
  })

  it('lists every scope read from words, those that scope nothing too, in text and JSON', async () => {
    const file = await tempChecklist(
      [
        '## Deploy',
        '### Staging',
        '- [ ] a',
        '### Production <!-- only: prod -->',
        '- [ ] b',
        '## Optional (Production Ready)',
        '- [ ] c',
        '',
      ].join('\n'),
    )
    const text = await runCli(['plan', file, '--env', 'prod'])
    assert.equal(text.code, 0)
    const listed = text.stdout.split('\n').filter((line) => line.startsWith('  line '))
    assert.deepEqual(listed, [
      '  line 2: heading “Staging” scopes its section to staging only: beside “Production” (line 4), for prod',
      '  line 4: heading “Production” scopes its section to prod only: beside “Staging” (line 2), for staging; its only: prod (line 4) decides instead',
      '  line 6: heading “Optional (Production Ready)” names prod but scopes nothing: the words are about “Optional”, “Ready”, not the environment',
    ])
    const json = JSON.parse((await runCli(['plan', file, '--env', 'prod', '--json'])).stdout) as {
      scopes: { line: number; source: string; text: string; restricts: boolean }[]
    }
    assert.deepEqual(
      json.scopes.map((s) => [s.line, s.source, s.text, s.restricts]),
      [
        [2, 'heading', 'Staging', true],
        [4, 'heading', 'Production', true],
        [6, 'heading', 'Optional (Production Ready)', false],
      ],
    )
  })

  it('shows where a value comes from, never the value of an environment variable', async () => {
    const file = await tempChecklist(
      [
        '---',
        'vars: { api: "${env:API_URL:-http://localhost:8000}" }',
        '---',
        '# Release',
        '## Smoke',
        '- [ ] API answers <!-- check: http url=${api}/health bearer=${env:API_TOKEN:-dev-token} -->',
        '- [ ] Kafka <!-- check: tcp host=${env:KAFKA_HOST:-localhost} port=9092 -->',
        '',
      ].join('\n'),
    )
    const env = { API_URL: 'https://api.internal', API_TOKEN: 'tok-5ecret-value', KAFKA_HOST: 'k1' }
    const text = await runCli(['plan', file, '--env', 'dev'], env)
    assert.equal(text.code, 0)
    assert.deepEqual(
      text.stdout.split('\n').filter((line) => line.includes('↳')),
      [
        // A token written as the fallback is a credential in the file: masked like any other.
        '      ↳ http url=${env:API_URL:-http://localhost:8000}/health bearer=${env:API_TOKEN:-***}',
        '      ↳ tcp host=${env:KAFKA_HOST:-localhost} port=9092',
      ],
    )
    const json = await runCli(['plan', file, '--env', 'dev', '--json'], env)
    const plan = JSON.parse(json.stdout) as {
      phases: { items: { check: { params: Record<string, string> } }[] }[]
    }
    assert.deepEqual(plan.phases[0]?.items[0]?.check.params, {
      url: '${env:API_URL:-http://localhost:8000}/health',
      bearer: '${env:API_TOKEN:-***}',
    })
    for (const output of [text.stdout, json.stdout]) {
      assert.doesNotMatch(output, /tok-5ecret-value|api\.internal|host=k1|dev-token/)
    }
  })

  it('says when the environment is production, and why', async () => {
    const file = await tempChecklist(
      '---\nenvironments: [dev, prod-eu, eu]\naliases: { eu: [live] }\n---\n# Release\n## Deploy\n- [ ] x\n',
    )
    const prod = await runCli(['plan', file, '--env', 'prod-eu'])
    assert.equal(prod.code, 0, prod.stderr)
    assert.equal(
      prod.stdout.split('\n')[2],
      'prod-eu is production (its name reads as production): run and check ask for its name to be typed',
    )
    const alias = await runCli(['plan', file, '--env', 'eu'])
    assert.match(alias.stdout, /^eu is production \(its alias 'live' reads as production\)/m)
    const dev = await runCli(['plan', file, '--env', 'dev'])
    assert.doesNotMatch(dev.stdout, /production/)
    const json = (env: string) =>
      runCli(['plan', file, '--env', env, '--json']).then((r) => JSON.parse(r.stdout).production)
    assert.equal(await json('prod-eu'), true)
    assert.equal(await json('dev'), false)
  })

  it('exits 2 naming the environments a checklist has', async () => {
    const { code, stderr } = await runCli(['plan', seedPath(SEEDS[3]), '--env', 'qa'])
    assert.equal(code, 2)
    assert.match(
      stderr,
      /'qa' is not an environment of .*\n {2}choose one of: dev, staging, prod\n$/,
    )
  })

  it('refuses a checklist with errors, exit 1, pointing to validate', async () => {
    const file = await tempChecklist('## P\n- [ ] x <!-- check: nope -->\n')
    const { code, stderr } = await runCli(['plan', file, '--env', 'dev'])
    assert.equal(code, 1)
    assert.match(stderr, /:2:21: error: unknown check kind 'nope'\n/)
    assert.match(stderr, /deploy-wizard validate /)
  })

  it('prints JSON with --json', async () => {
    const { code, stdout } = await runCli(['plan', seedPath(SEEDS[2]), '--env', 'prod', '--json'])
    assert.equal(code, 0)
    const plan = JSON.parse(stdout) as {
      environment: string
      phases: { title: string; applies: boolean }[]
    }
    assert.equal(plan.environment, 'prod')
    assert.deepEqual(
      plan.phases.map((p) => p.title),
      [
        'Pre-Deployment',
        'Configuration Validation',
        'Deployment Steps',
        'Post-Deployment',
        'Rollback Plan',
        'Sign-off',
      ],
    )
  })
})

const ESC = String.fromCharCode(27)

describe('colour', () => {
  it('is off with NO_COLOR even when forced, and on when forced without it', async () => {
    const plain = await runCli(['validate', seedPath(SEEDS[0])], {
      NO_COLOR: '1',
      FORCE_COLOR: '1',
    })
    assert.ok(!plain.stdout.includes(ESC))
    // Node's own "The 'NO_COLOR' env is ignored" warning would say the opposite of what happens.
    assert.equal(plain.stderr, '')
    const coloured = await runCli(['validate', seedPath(SEEDS[0])], {
      NO_COLOR: undefined,
      FORCE_COLOR: '1',
    })
    assert.ok(coloured.stdout.includes(`${ESC}[32m✓`))
    const flag = await runCli(['--no-color', 'validate', seedPath(SEEDS[0])], {
      NO_COLOR: undefined,
      FORCE_COLOR: '1',
    })
    assert.ok(!flag.stdout.includes(ESC))
    assert.equal(flag.stderr, '')
  })
})
