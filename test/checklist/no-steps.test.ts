import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parse, problemLines } from '../helpers/fixtures.ts'

const HINT =
  'write each step as a task item, "- [ ] Deploy to production" ("1. [ ] …" for a numbered one): only task items are steps a run asks for'

describe('a checklist with no task items', () => {
  it('is warned of, with its numbered steps counted, at the first of them', () => {
    const result = parse('# Deploy\n\n## Steps\n\n1. Deploy to production\n2. Run smoke tests\n')
    assert.deepEqual(problemLines(result), [
      '5:1 warning no task items: a run has nothing to ask; found 2 numbered steps instead',
    ])
    assert.equal(result.problems[0]?.hint, HINT)
    assert.equal(result.hasErrors, false)
  })

  it('counts table rows whose cell is a box, and plain bullets, and says a run would ask only for the sign-off', () => {
    const result = parse(
      [
        '# Deploy',
        '',
        '## Deployment Steps',
        '',
        // No status column: the boxes are not read as steps (step-table.ts), only counted.
        '| Step | Prod |',
        '|---|---|',
        '| Deploy to production | ☐ |',
        '| Run smoke tests | [ ] |',
        '',
        '## Contacts',
        '',
        '- On call: #ops',
        '',
        '## Sign-off',
        '',
        '- Approved by: ____',
        '- Date: ____',
        '',
      ].join('\n'),
    )
    assert.deepEqual(problemLines(result), [
      '7:1 warning no task items: a run asks only for its sign-off fields; found 1 plain bullet and 2 table rows with a ☐ cell instead',
    ])
  })

  it('is warned of when it has nothing that reads like a step at all', () => {
    assert.deepEqual(problemLines(parse('# Notes\n\nJust prose.\n')), [
      '1:1 warning no task items: a run has nothing to ask',
    ])
  })

  it('is not warned of once it has a task item', () => {
    assert.deepEqual(problemLines(parse('## Steps\n\n1. Deploy\n2. [ ] Smoke tests\n')), [])
  })
})
