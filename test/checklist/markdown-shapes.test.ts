import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parse } from '../helpers/fixtures.ts'

const texts = (markdown: string) => parse(markdown).checklist.items.map((i) => i.text)

describe('markdown shapes found in real checklists', () => {
  it('reads -, * and + bullets, numbered items, and [x] / [X]', () => {
    const { checklist } = parse(
      '## Phase\n- [ ] dash\n\n* [x] star\n\n+ [X] plus\n\n1. [ ] one\n2) [ ] two\n',
    )
    assert.deepEqual(
      checklist.items.map((i) => [i.text, i.checked]),
      [
        ['dash', false],
        ['star', true],
        ['plus', true],
        ['one', false],
        ['two', false],
      ],
    )
  })

  it('ignores list items without a checkbox, and checkboxes inside code fences', () => {
    assert.deepEqual(texts('## P\n- plain\n- [ ] task\n\n```md\n- [ ] not a task\n```\n'), ['task'])
  })

  it('takes a heading’s site-generator anchor ({#id}) out of its title and its id', () => {
    const { checklist } = parse(
      '## Pre-release {#pre-release-checklist}\n### Paso 1: Crear {#step-1 .x}\n- [ ] listo\n',
    )
    assert.deepEqual(
      checklist.phases.map((phase) => phase.title),
      ['Pre-release'],
    )
    assert.deepEqual(
      checklist.items.map((item) => item.id),
      ['pre-release/paso-1-crear/listo'],
    )
  })

  it('reads CRLF line endings and tab indentation', () => {
    const { checklist, problems } = parse(
      '## Phase\r\n- [ ] parent <!-- id: p -->\r\n\t- [ ] child\r\n',
    )
    assert.deepEqual(problems, [])
    assert.deepEqual(
      checklist.items.map((i) => [i.text, i.depth, i.parentId]),
      [
        ['parent', 0, null],
        ['child', 1, 'p'],
      ],
    )
  })

  it('reads task items inside block quotes', () => {
    const { checklist } = parse('## Phase\n> Note:\n> - [ ] quoted task\n> - [x] done task\n')
    assert.deepEqual(
      checklist.items.map((i) => [i.text, i.checked, i.line]),
      [
        ['quoted task', false, 3],
        ['done task', true, 4],
      ],
    )
  })

  it('joins an item written over several lines', () => {
    assert.deepEqual(texts('## P\n- [ ] first line\n  second line\n'), ['first line second line'])
  })

  it('puts items written before any ## heading in a phase named after the title', () => {
    const { checklist } = parse('# Release\n- [ ] tag\n### Group\n- [ ] push\n')
    assert.equal(checklist.phases.length, 1)
    assert.equal(checklist.phases[0]?.title, 'Release')
    assert.deepEqual(
      checklist.phases[0]?.sections.map((s) => s.title),
      ['Group'],
    )
  })

  it('reads a file with no headings at all as one phase of manual items', () => {
    const { checklist, problems } = parse('- [ ] a\n- [ ] b\n')
    assert.deepEqual(problems, [])
    assert.equal(checklist.title, 'Checklist')
    assert.equal(checklist.phases[0]?.itemCount, 2)
    assert.ok(checklist.items.every((i) => i.check === null))
  })

  it('makes #### headings groups inside ### groups', () => {
    // (Another phase holds items too: one holding them all would be divided, see phases.ts.)
    const { checklist } = parse(
      '## P\n### G\n#### Sub\n- [ ] deep\n### H\n- [ ] shallow\n## Q\n- [ ] a\n- [ ] b\n',
    )
    const phase = checklist.phases[0]
    assert.deepEqual(
      phase?.sections.map((s) => [s.title, s.sections.map((x) => x.title), s.itemCount]),
      [
        ['G', ['Sub'], 1],
        ['H', [], 1],
      ],
    )
    assert.equal(checklist.items[0]?.sectionId, 'p/g/sub')
  })

  it('strips a byte-order mark', () => {
    assert.equal(parse('\uFEFF# Title\n## P\n- [ ] x\n').checklist.title, 'Title')
  })

  it('reads a very large file in one piece', () => {
    const groups = Array.from({ length: 200 }, (_, g) => {
      const items = Array.from(
        { length: 100 },
        (_, i) => `- [ ] step ${g}.${i} with \`code\` and **bold**`,
      )
      return `### Group ${g}\n\`\`\`bash\necho ${g}\n\`\`\`\n${items.join('\n')}\n`
    })
    const { checklist, problems } = parse(`# Big\n## Phase\n${groups.join('\n')}`)
    assert.deepEqual(problems, [])
    assert.equal(checklist.items.length, 20_000)
    assert.equal(new Set(checklist.items.map((i) => i.id)).size, 20_000)
  })

  it('keeps the sha256 of the text it read', () => {
    const a = parse('## P\n- [ ] x\n').checklist.sha256
    const b = parse('## P\n- [ ] y\n').checklist.sha256
    assert.match(a, /^[0-9a-f]{64}$/)
    assert.notEqual(a, b)
  })
})
