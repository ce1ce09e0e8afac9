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

describe('a procedure of numbered steps in a section with no task items, beside sections that have them', () => {
  /** The warnings of a checklist with one item and, after it, `lines`. */
  function warningsFor(lines: readonly string[]): string[] {
    const result = parse(
      ['# R', '## Pre-Deployment', '- [ ] Backup created', ...lines, ''].join('\n'),
    )
    return problemLines(result).filter((line) => line.includes('numbered step'))
  }

  it('is warned of at its heading, with how many numbered steps and how to make them answerable', () => {
    const result = parse(
      [
        '# R',
        '## Pre-Deployment',
        '- [ ] Backup created',
        '## Deployment',
        '### Deploy to Server',
        '1. Stop the application',
        '2. Copy the new version',
        '3. Start the application',
        '4. Verify it works',
        '',
      ].join('\n'),
    )
    assert.deepEqual(problemLines(result), [
      '4:1 warning "Deployment" (line 4) has 4 numbered steps and no task items: a run shows it as a reference page and asks nothing of them',
    ])
    assert.match(result.problems[0]?.hint ?? '', /"1\. \[ \] Stop the application"/)
  })

  it('is known by its title or a sub-section’s, in the languages the parser reads', () => {
    const procedural = [
      ['## Release'],
      ['## Rollback Procedure'],
      ['## 4. Publish the release'],
      ['## Manual Deployment Process', '### Deploy to Local Machine'],
      ['## Notes', '### Implementation Steps'],
      ['## Notes', '### Backout Steps'],
      ['## Notes', '### Quick Rollback'],
      ['## Notes', '### Hotfix Process'],
      ['## Notes', '### Rollback-Prozedur'],
      ['## Notes', '### Procédure de rollback'],
      ['## Método 1', '### Paso 1: Crear solicitud de extracción'],
      ['## 回滚方案', '### 决策步骤'],
      ['## 배포 절차'],
      ['## リリース手順'],
    ]
    for (const headings of procedural) {
      assert.equal(warningsFor([...headings, '1. One', '2. Two']).length, 1, headings.join(' › '))
    }
  })

  it('is not read into a table of contents, help, do’s and don’ts, troubleshooting, contacts, next steps, a FAQ, history, notes, known issues, lessons or requirements', () => {
    const quiet = [
      ['## 📝 Post-Launch Tasks'],
      ['## Next Steps'],
      ['## 📋 목차'],
      ['## Notes', '#### Technische Dokumentation'],
      ['## Notes', '### Übergabe-Meeting'],
      ['## 🌘 Quick Summary'],
      ['## 🚀 公開後のタスク'],
      ['## Risks', '### Identified Risks'],
      ['## Notes', '### Success Criteria'],
      ['## Runbook', '### Our Deployment Principles'],
      ['## Notes', '### If Metrics Show Degradation'],
      ['## Notes', '### Go-Live Do’s ✅'],
      ['## Notes', "### Go-Live Don'ts ❌"],
      ['## ⚠️ SI VOUS DEVEZ CHOISIR'],
      ['## How to Use This Checklist'],
      ['## Troubleshooting', '### Erro: Redis Connection Timeout'],
      ['## Deployment', '### Getting Help'],
      ['## Deployment Contacts'],
      ['## Deployment FAQ'],
      ['## Release History'],
      ['## Release Notes'],
      ['## Known Issues After Deployment'],
      ['## Lessons Learned from the Last Deployment'],
      ['## Deployment Requirements'],
    ]
    for (const headings of quiet) {
      assert.deepEqual(warningsFor([...headings, '1. One', '2. Two']), [], headings.join(' › '))
    }
  })

  it('counts no blank line of a template ("1. ") as a step', () => {
    assert.deepEqual(
      warningsFor(['## Implementation Plan', '### Implementation Steps', '1. ', '2. ']),
      [],
    )
  })
})
