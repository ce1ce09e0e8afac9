import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parse, problemLines } from '../helpers/fixtures.ts'

/** Each item as id, text, checked, depth, parent and line: what a run keeps of it. */
function itemsOf(markdown: string) {
  return parse(markdown).checklist.items.map((i) => [i.id, i.text, i.checked, i.depth, i.parentId])
}

describe('ballot boxes as task items', () => {
  it('read - ☐ as an unchecked item and ☑ / ☒ as checked ones, the box not in the text', () => {
    const { checklist, problems } = parse(
      '# Deploy\n\n## Steps\n\n- ☐ Deploy to production\n* ☑ Tag the release\n+ ☒ Announce\n- ☑️ Freeze merges\n',
    )
    assert.deepEqual(problems, [])
    assert.deepEqual(
      checklist.items.map((i) => [i.text, i.plain, i.checked, i.line]),
      [
        ['Deploy to production', 'Deploy to production', false, 5],
        ['Tag the release', 'Tag the release', true, 6],
        ['Announce', 'Announce', true, 7],
        ['Freeze merges', 'Freeze merges', true, 8],
      ],
    )
  })

  it('give them the ids, nesting and text the same items written with [ ] get', () => {
    const boxes = [
      '## Steps',
      '',
      '1. ☐ Back up the **database**',
      '   - ☐ Check the dump',
      '2. ☑ Deploy <!-- id: deploy -->',
      '',
      '> - ☐ Quoted step',
      '',
    ].join('\n')
    const brackets = boxes.replaceAll('☐', '[ ]').replaceAll('☑', '[x]')
    assert.deepEqual(itemsOf(boxes), itemsOf(brackets))
    assert.deepEqual(itemsOf(boxes), [
      ['steps/back-up-the-database', 'Back up the **database**', false, 0, null],
      [
        'steps/back-up-the-database/check-the-dump',
        'Check the dump',
        false,
        1,
        'steps/back-up-the-database',
      ],
      ['deploy', 'Deploy', true, 0, null],
      ['steps/quoted-step', 'Quoted step', false, 0, null],
    ])
  })

  it('read a box before bold text, and keep a box inside the text as written', () => {
    assert.deepEqual(
      parse('## S\n- ☐ **Smoke tests** pass ☐\n- ☐ ~~old~~ new\n').checklist.items.map(
        (i) => i.text,
      ),
      ['~~old~~ new'],
    )
    assert.deepEqual(
      parse('## S\n- ☐ **Smoke tests** pass\n').checklist.items.map((i) => [i.text, i.plain]),
      [['**Smoke tests** pass', 'Smoke tests pass']],
    )
  })

  it('leave a line with two boxes a choice, not a step, and a box with no text a bullet', () => {
    const { checklist } = parse('## Steps\n- [ ] One\n- ☐ Approved ☐ Rejected\n- ☐\n- ☐Deploy\n')
    assert.deepEqual(
      checklist.items.map((i) => i.text),
      ['One'],
    )
  })

  it('read - ☐ GO / - ☐ NO-GO in a sign-off as one choice, as - [ ] GO / - [ ] NO-GO are', () => {
    const markdown = (box: string) =>
      `# T\n\n## Steps\n- ${box} One\n\n## Sign-off\n\nApproved by: ____\n\n**Decision:**\n\n- ${box} GO\n- ${box} NO-GO\n`
    const boxes = parse(markdown('☐'))
    const brackets = parse(markdown('[ ]'))
    assert.deepEqual(boxes.checklist.signoff, brackets.checklist.signoff)
    assert.deepEqual(
      boxes.checklist.signoff.map((f) => [f.label, f.type, f.choices.join(' / ')]),
      [
        ['Approved by', 'text', ''],
        ['Decision', 'choice', 'GO / NO-GO'],
      ],
    )
    assert.deepEqual(
      boxes.checklist.items.map((i) => i.plain),
      ['One'],
    )
    assert.deepEqual(problemLines(boxes), [])
  })

  it('still read ☐ GO ☐ NO-GO on one line in a sign-off as a choice', () => {
    const { checklist } = parse(
      '# T\n\n## Steps\n- ☐ One\n\n## Sign-off\n\n**Entscheidung:** ☐ GO ☐ NO-GO\n',
    )
    assert.deepEqual(
      checklist.signoff.map((f) => [f.label, f.choices.join(' / ')]),
      [['Entscheidung', 'GO / NO-GO']],
    )
  })
})
