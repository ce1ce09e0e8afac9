import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { LIMITS, measureInput } from '../../src/checklist/limits.ts'
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
  '<!-- gate: approval "Change board" -->',
  '## Deploy <!-- gate: approval "CAB" approver=anyone -->',
  '<!-- gate: approval "CAB"; only: prod -->',
  '<!-- gate: approval Change board -->',
  '- [ ] x <!-- gate: vote "x" -->',
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
  // A gate stands between phases that exist, in their order, and is named once.
  const phases = result.checklist.phases.map((phase) => phase.id)
  const names = result.checklist.gates.map((gate) => gate.name.toLowerCase())
  assert.equal(new Set(names).size, names.length, 'gate names are unique')
  for (const gate of result.checklist.gates) {
    const after = gate.after === null ? -1 : phases.indexOf(gate.after)
    const before = gate.before === null ? phases.length : phases.indexOf(gate.before)
    assert.ok(gate.after === null || after >= 0, `gate after a phase that exists: ${gate.after}`)
    assert.ok(
      gate.before === null || before >= 0,
      `gate before a phase that exists: ${gate.before}`,
    )
    assert.equal(before, after + 1, 'a gate stands between two phases next to each other')
  }
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

/** Limit errors the parser gives, by their words: one of these is all a file past a limit gets. */
const LIMIT_ERROR =
  /nested more than|more than \d[\d,]* (lines|columns|emphasis)|bytes; a checklist may be|add up to more than|tables have more than|without its '>' or indentation|more emphasis markers|more than a table row of/

/** Shapes that made the parser crash or hang, at sizes on both sides of the limits. */
const hostile = fc.oneof(
  fc.integer({ min: 1, max: 120 }).map((n) => `## P\n${'>'.repeat(n)} - [ ] x\n`),
  fc
    .integer({ min: 1, max: 60 })
    .map(
      (n) =>
        `## P\n${Array.from({ length: n }, (_, i) => `${'  '.repeat(i)}- [ ] t`).join('\n')}\n`,
    ),
  fc.integer({ min: 1, max: 40 }).map((n) => `## P\n${'> - '.repeat(n)}[ ] x\n`),
  fc
    .tuple(fc.constantFrom('*_', '**a_', '[a](', '~~', '_a_ '), fc.integer({ min: 1, max: 1200 }))
    .map(([unit, n]) => `## P\n- [ ] ${unit.repeat(n)}\n`),
  fc
    .integer({ min: 1, max: 150 })
    .map((n) => `## P\n|${' h |'.repeat(n)}\n|${'---|'.repeat(n)}\n|${' c |'.repeat(n)}\n`),
  fc.integer({ min: 1, max: 3000 }).map((n) => `## P\n- [ ] x <!-- ${'signoff; '.repeat(n)}-->\n`),
  fc.integer({ min: 1, max: 150 }).map((n) => `## P\n> - [ ] a\n${'lazy\n'.repeat(n)}`),
  fc
    .integer({ min: 1, max: 30 })
    .map(
      (n) =>
        `---\nvars:\n  v0: a\n${Array.from({ length: n }, (_, i) => `  v${i + 1}: \${v${i}}\${v${i}}`).join('\n')}\n---\n## P\n- [ ] x <!-- check: tcp host=\${v${n}} port=1 -->\n`,
    ),
  fc
    .integer({ min: 1, max: 80 })
    .map(
      (n) =>
        `---\nvars:\n  v0: a\n${Array.from({ length: n }, (_, i) => `  v${i + 1}: \${v${i}}b`).join('\n')}\n---\n## P\n- [ ] x <!-- check: tcp host=\${v${n}} port=1 -->\n`,
    ),
  fc
    .integer({ min: 2, max: 400 })
    .map(
      (n) =>
        `## P\n${Array.from({ length: n }, (_, i) => `- [ ] s${i} <!-- id: s${i}; check: tcp host=h port=1; needs: s${(i + n - 1) % n} -->`).join('\n')}\n`,
    ),
  fc
    .integer({ min: 1, max: 60 })
    .map((n) => `## P\n- [ ] x <!-- check: env name=X matches='${'(a|a)+'.repeat(n)}$' -->\n`),
)

describe('the parser, on hostile input', () => {
  it('finishes, and refuses with its own error exactly what the work limits measure past them', () => {
    fc.assert(
      fc.property(
        fc
          .tuple(markdownish, hostile, markdownish)
          .map(([a, b, c]): [string, string] => [b, `${a}\n${b}\n${c}`]),
        ([shape, mixed]) => {
          for (const source of [shape, mixed]) {
            assertWellFormed(source)
            const usage = measureInput(source)
            const past = (Object.keys(LIMITS) as (keyof typeof LIMITS)[]).filter(
              (key) => usage[key] > LIMITS[key],
            )
            const result = parseChecklist(source, { path: 'fuzz.md' })
            const limitErrors = result.problems.filter((p) => LIMIT_ERROR.test(p.message))
            if (past.length > 0) {
              // Refused before the markdown is parsed: that one error, nothing read.
              assert.equal(limitErrors.length, 1, `past ${past.join(', ')}`)
              assert.equal(result.problems.length, 1)
              assert.equal(result.checklist.items.length, 0)
            } else {
              assert.deepEqual(limitErrors, [], 'within every limit, nothing is refused')
            }
            assert.ok(
              result.problems.every((p) => !p.message.startsWith('deploy-wizard could not read')),
              'no reading failed unexpectedly',
            )
          }
        },
      ),
      { numRuns: 150 },
    )
  })
})
