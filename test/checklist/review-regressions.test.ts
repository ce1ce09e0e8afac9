/** Mistakes a review found in the parser, pinned so they stay fixed. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { planChecklist } from '../../src/checklist/plan.ts'
import { parse, problemLines } from '../helpers/fixtures.ts'

describe('parser regressions', () => {
  it('never gives a generated section id that an explicit one took', () => {
    const { checklist } = parse('## A <!-- id: b -->\n- [ ] step\n## B\n- [ ] step\n')
    const ids = checklist.items.map((i) => i.id)
    assert.equal(new Set(ids).size, 2)
    assert.deepEqual(ids, ['b/step', 'b~2/step'])
  })

  it('warns about a directive written without its colon', () => {
    assert.deepEqual(problemLines(parse('## P\n- [ ] Kafka <!-- check tcp host=a port=1 -->\n')), [
      "2:18 warning 'check' looks like a directive without its colon",
    ])
    assert.deepEqual(parse('## P\n- [ ] x <!-- Check this later -->\n').problems, [])
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

  it('recognises numbered sign-off and rollback headings, and only at the start', () => {
    const { checklist } = parse(
      '## 6. Sign-Off\n- [ ] Deployed by: ______\n## 7. Rollback Plan\n- [ ] a\n## Pre-deployment: rollback plan ready\n- [ ] b\n',
    )
    assert.deepEqual(
      checklist.phases.map((p) => p.role),
      ['signoff', 'rollback', 'standard'],
    )
    assert.equal(checklist.signoff[0]?.label, 'Deployed by')
  })

  it('suggests an id that can be written', () => {
    const [problem] = parse(
      '## P\n- [ ] Stack <!-- check: tcp host=a port=1 -->\n- [ ] x <!-- check: tcp host=b port=1; needs: stack -->\n',
    ).problems
    assert.equal(problem?.hint, 'give the item on line 2 an id: <!-- id: stack -->')
  })

  it('points at the right column in a directive continued on the next line of a list item', () => {
    const result = parse('## P\n- [ ] Item\n  <!-- check: tcp\n       host=a prt=1 -->\n')
    assert.ok(problemLines(result).includes("4:15 error tcp has no parameter 'prt'"))
  })

  it('keeps front-matter values as written', () => {
    const { checklist } = parse(
      '---\nvars: { py: 3.10 }\n---\n## P\n- [ ] x <!-- check: tool name=python3 version=${py} -->\n',
    )
    assert.equal(planChecklist(checklist, 'dev').phases[0]?.items[0]?.params?.version, '3.10')
  })

  it('names the implicit phase after the front-matter title', () => {
    assert.equal(
      parse('---\ntitle: My Deploy\n---\n- [ ] a\n').checklist.items[0]?.id,
      'my-deploy/a',
    )
  })

  it('types sign-off fields by their words, and gives table fields their row line', () => {
    const { checklist } = parse(
      '## Sign-off\n- [ ] Data Engineer: ____ Date: ____\n\n| Role | Name |\n|---|---|\n| QA | |\n| Ops | |\n',
    )
    assert.deepEqual(
      checklist.signoff.map((f) => [f.label, f.type, f.line]),
      [
        ['Data Engineer', 'text', 2],
        ['Date', 'date', 2],
        ['Name', 'text', 6],
        ['Name', 'text', 7],
      ],
    )
  })

  it('reads neither "Stage 1" nor "Pre-Production" as an environment', () => {
    const { checklist } = parse('## Stage 1: Build\n- [ ] a\n## Pre-Production Checks\n- [ ] b\n')
    assert.deepEqual(
      checklist.items.map((i) => i.scope.environments),
      [null, null],
    )
  })

  it('rejects an item that needs itself', () => {
    assert.deepEqual(
      problemLines(parse('## P\n- [ ] x <!-- id: x; check: tcp host=a port=1; needs: x -->\n')),
      ['2:47 error an item cannot need itself'],
    )
  })
})
