import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parse, problemLines } from '../helpers/fixtures.ts'

/** The QA report's table-only checklist, cut down: steps in a table with a ☐ status cell. */
const DEPLOY = [
  '# Production Deployment Checklist',
  '',
  '## Deployment Steps',
  '',
  '| Step | Completed | Notes |',
  '|------|-----------|-------|',
  '| **Preparation** | | |',
  '| Create deployment branch | ☐ | |',
  '| Tag release version | ☑ | v2.4.0 |',
  '| **Production Deployment** | | |',
  '| Deploy to **production** | [ ] | |',
  '| Run smoke tests in production | [x] | |',
  '',
  'Call the on-call engineer if a step fails.',
  '',
].join('\n')

describe('step tables', () => {
  it('read each row of a table whose status cells are boxes as a task item, at its row', () => {
    const result = parse(DEPLOY)
    assert.deepEqual(problemLines(result), [])
    assert.deepEqual(
      result.checklist.items.map((i) => [i.id, i.text, i.checked, i.line]),
      [
        ['deployment-steps/create-deployment-branch', 'Create deployment branch', false, 8],
        ['deployment-steps/tag-release-version', 'Tag release version (Notes: v2.4.0)', true, 9],
        ['deployment-steps/deploy-to-production', 'Deploy to **production**', false, 11],
        [
          'deployment-steps/run-smoke-tests-in-production',
          'Run smoke tests in production',
          true,
          12,
        ],
      ],
    )
  })

  it('make a label row head the rows below it, as a bold lead line does, saying nothing of environments', () => {
    const { checklist } = parse(DEPLOY)
    // Its labels divide the one phase holding every item, as bold lead lines do (phases.ts).
    assert.deepEqual(
      checklist.phases.map((p) => [p.title, p.line, p.items.map((i) => i.plain)]),
      [
        ['Preparation', 7, ['Create deployment branch', 'Tag release version (Notes: v2.4.0)']],
        ['Production Deployment', 10, ['Deploy to production', 'Run smoke tests in production']],
      ],
    )
    assert.ok(checklist.items.every((i) => i.scope.environments === null))
    // The prose after the table is the section's, not the last label's.
    const steps = checklist.sections.find((s) => s.title === 'Deployment Steps')
    assert.deepEqual(
      steps?.blocks.map((b) => b.markdown),
      ['Call the on-call engineer if a step fails.'],
    )
  })

  it('leave a number column out of the text, and take a check written in a cell', () => {
    const { checklist, problems } = parse(
      [
        '## Steps',
        '',
        '| # | Schritt | Erledigt |',
        '|---|---|---|',
        '| 1 | Backup erstellen | ☐ |',
        '| 2 | HOME gesetzt <!-- check: env name=HOME --> | ☐ |',
        '',
      ].join('\n'),
    )
    assert.deepEqual(problems, [])
    assert.deepEqual(
      checklist.items.map((i) => [i.plain, i.check?.kind ?? null]),
      [
        ['Backup erstellen', null],
        ['HOME gesetzt', 'env'],
      ],
    )
  })

  it('leave tables of contacts, commands and metrics with no boxes as tables', () => {
    const markdown = [
      '## Steps',
      '- [ ] One',
      '',
      '## Contacts',
      '',
      '| Role | Name | Status |',
      '|---|---|---|',
      '| On call | Ana | Done |',
      '',
      '## Commands',
      '',
      '| Command | Purpose |',
      '|---|---|',
      '| `make deploy` | ☐ |',
      '',
      '## Mixed',
      '',
      '| Step | Done |',
      '|---|---|',
      '| Deploy | ☐ |',
      '| Verify | later |',
      '',
    ].join('\n')
    const { checklist } = parse(markdown)
    assert.deepEqual(
      checklist.items.map((i) => i.plain),
      ['One'],
    )
    assert.deepEqual(
      checklist.sections.map((s) => [s.title, s.blocks.map((b) => b.kind)]),
      [
        ['Steps', []],
        ['Contacts', ['table']],
        ['Commands', ['table']],
        ['Mixed', ['table']],
      ],
    )
  })

  it('read a sign-off’s table as its fields, never as steps', () => {
    const { checklist } = parse(
      '## Steps\n- [ ] One\n\n## Sign-off\n\n| Role | Name | Approved |\n|---|---|---|\n| QA Lead | | ☐ |\n',
    )
    assert.deepEqual(
      checklist.items.map((i) => i.plain),
      ['One'],
    )
    assert.ok(checklist.signoff.length > 0)
  })
})
