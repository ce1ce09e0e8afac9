import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parse, problemLines } from '../helpers/fixtures.ts'

describe('markdown inside <details>', () => {
  it('counts a ## written right under <details> as a heading, with its items', () => {
    const { checklist, problems } = parse(
      [
        '# Release',
        '## Deploy',
        '- [ ] ship it',
        '',
        '<details><summary>Rollback</summary>',
        '## Rollback',
        '- [ ] revert the tag <!-- id: revert -->',
        '</details>',
        '',
      ].join('\n'),
    )
    assert.deepEqual(problems, [])
    assert.deepEqual(
      checklist.phases.map((p) => [p.title, p.role, p.itemCount]),
      [
        ['Deploy', 'standard', 1],
        ['Rollback', 'rollback', 1],
      ],
    )
    // Positions are the file's: the directive's line, the item's line.
    assert.equal(checklist.items[1]?.id, 'revert')
    assert.equal(checklist.items[1]?.line, 7)
  })

  it('keeps the summary as the name of a hidden list, and reads its items', () => {
    const { checklist } = parse(
      [
        '## Publish',
        '- [ ] publish',
        '',
        '<details>',
        '<summary>If it goes wrong</summary>',
        '- [ ] re-run the previous publish job',
        '</details>',
        '',
      ].join('\n'),
    )
    assert.deepEqual(
      checklist.items.map((i) => [i.plain, i.line]),
      [
        ['publish', 2],
        ['re-run the previous publish job', 6],
      ],
    )
  })

  it('leaves <details> alone when a blank line already lets markdown through, or it holds only HTML', () => {
    const text = [
      '## Steps',
      '<details><summary>Instructions</summary><br>',
      '',
      '- [ ] tag the repo',
      '',
      '</details>',
      '',
      '<details><summary>Raw</summary><table><tr><td>x</td></tr></table>',
      '</details>',
      '',
    ].join('\n')
    const { checklist, problems } = parse(text)
    assert.deepEqual(problemLines({ checklist, problems, hasErrors: false }), [])
    assert.deepEqual(
      checklist.items.map((i) => i.plain),
      ['tag the repo'],
    )
  })

  it('keeps the lines inside a list item in their list', () => {
    const { checklist } = parse(
      [
        '## P',
        '- [ ] parent',
        '  <details><summary>more</summary>',
        '  - [ ] hidden child',
        '  </details>',
        '',
      ].join('\n'),
    )
    assert.deepEqual(
      checklist.items.map((i) => [i.plain, i.depth]),
      [
        ['parent', 0],
        ['hidden child', 1],
      ],
    )
  })
})
