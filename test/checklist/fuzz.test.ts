import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { parseChecklist } from '../../src/checklist/parse.ts'

/** Pieces real checklists are made of, valid and broken, to be shuffled together. */
const FRAGMENTS = [
  '# Title',
  '## Phase',
  '### 1. Group <!-- only: prod -->',
  '## Sign-Off',
  '- [ ] item',
  '- [x] done',
  '  - [ ] nested',
  '1. [ ] numbered',
  '* [ ] star <!-- check: tcp host=localhost port=5432 -->',
  '- [ ] api <!-- id: api; check: http url=${stack.outputs.Url} status=2xx; needs: stack -->',
  '- [ ] stack <!-- id: stack; check: cfn.stack name=${app}-${env} -->',
  '- [ ] bad <!-- check: http url="unclosed -->',
  '- [ ] worse <!-- check: ${ -->',
  '- [ ] Deployed by: ______ Date: ____',
  '- [ ] Passed: Yes / No',
  '| Role | Name | Date |',
  '|---|---|---|',
  '| QA | | |',
  '```bash',
  '```',
  '> - [ ] quoted',
  '<!-- only: -->',
  '<!-- needs: a; timeout: 5x -->',
  '---',
  'title: [unclosed',
  'vars: { app: "${app}" }',
  'environments: [dev, prod]',
  '\t- [ ] tabbed',
  '',
  '   ',
  'Prose with **bold** and `code` ✅ â†’',
]

const markdownish = fc
  .array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 12 })), { maxLength: 40 })
  .chain((lines) => fc.constantFrom('\n', '\r\n').map((eol) => lines.join(eol)))

function assertWellFormed(source: string): void {
  const result = parseChecklist(source, { path: 'fuzz.md' })
  const lineCount = source.split('\n').length
  for (const problem of result.problems) {
    assert.ok(
      problem.line >= 1 && problem.line <= lineCount + 1,
      `line ${problem.line} of ${lineCount}`,
    )
    assert.ok(problem.column >= 1)
    assert.ok(problem.message.length > 0)
  }
  const ids = result.checklist.items.map((i) => i.id)
  assert.equal(new Set(ids).size, ids.length, 'ids are unique')
  assert.equal(
    result.hasErrors,
    result.problems.some((p) => p.severity === 'error'),
  )
}

describe('the parser, on input nobody wrote on purpose', () => {
  it('never throws on arbitrary text, and reports problems inside the file', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), assertWellFormed), {
      numRuns: 300,
    })
  })

  it('never throws on shuffled checklist fragments, valid and broken', () => {
    fc.assert(fc.property(markdownish, assertWellFormed), { numRuns: 500 })
  })
})
