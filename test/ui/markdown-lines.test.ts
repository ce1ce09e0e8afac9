/**
 * The checklist's markdown as the wizard draws it (markdown-lines.ts): styled spans in lines
 * that fit the width, never raw `**`, `|` or `[text](url)`, and never a control character.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import stringWidth from 'string-width'
import type { Block } from '../../src/checklist/model.ts'
import { blockLines, lineText, sectionLines, wrapSpans } from '../../src/ui/markdown-lines.ts'
import { activeIn } from '../helpers/active.ts'
import { parse } from '../helpers/fixtures.ts'
// The line functions measure text Ink's way, through Ink's packages (src/ui/text-kit.ts).
import '../../src/ui/text-packages.ts'

/** The blocks the parser writes under the one section of `markdown`. */
function blocksOf(markdown: string): readonly Block[] {
  const { checklist } = parse(`## Notes\n\n${markdown}\n`)
  const section = checklist.sections[0]
  assert.ok(section, 'one section')
  return section.blocks
}

function render(markdown: string, width = 60): string[] {
  return blocksOf(markdown).flatMap((block) => blockLines(block, width).map(lineText))
}

describe('markdown as the wizard draws it', () => {
  it('bold, italics, code and links lose their marks and keep their style', () => {
    const [block] = blocksOf('Run **only** `make undo`, see [the runbook](https://r.example/x).')
    assert.ok(block)
    const [line] = blockLines(block, 80)
    assert.equal(lineText(line ?? []), 'Run only make undo, see the runbook (https://r.example/x).')
    const style = (text: string) => line?.find((span) => span.text === text)
    assert.equal(style('only')?.isBold, true)
    assert.equal(style('make undo')?.color, 'cyan')
    assert.equal(style('the runbook')?.isUnderline, true)
  })

  it('a bare link is not repeated; an emoji shortcode is the emoji', () => {
    assert.deepEqual(render('See https://status.example :warning:'), [
      'See https://status.example ⚠️',
    ])
  })

  it('lists keep their numbers, boxes and nesting', () => {
    assert.deepEqual(render('1. Stop the workers\n2. Restore\n   - from the *latest* snapshot'), [
      '1. Stop the workers',
      '2. Restore',
      '   • from the latest snapshot',
    ])
  })

  it('a code block keeps its indentation and is never re-wrapped', () => {
    const long = `    ${'x'.repeat(50)}`
    assert.deepEqual(render(`\`\`\`bash\nif true; then\n${long}\nfi\n\`\`\``, 20), [
      '```bash',
      'if true; then',
      long,
      'fi',
      '```',
    ])
  })

  it('a table lines up its columns, and a cell too long for a narrow screen is cut with …', () => {
    const table = '| Role | Name |\n|---|---|\n| On call | Ana |\n| DBA | Bruno Carvalho da Silva |'
    assert.deepEqual(render(table), [
      'Role    │ Name                   ',
      '────────┼────────────────────────',
      'On call │ Ana                    ',
      'DBA     │ Bruno Carvalho da Silva',
    ])
    const narrow = render(table, 20)
    for (const line of narrow) assert.ok(stringWidth(line) <= 20, line)
    assert.equal(narrow[3], 'DBA     │ Bruno Car…')
    // Eight columns do not fit in 20 even at their narrowest: each line is cut, and says so.
    const wide = `| ${'Column | '.repeat(8)}\n|${'---|'.repeat(8)}\n| ${'value | '.repeat(8)}`
    const cut = render(wide, 20)
    for (const line of cut) assert.ok(stringWidth(line) <= 20 && line.endsWith('…'), line)
  })

  it('wide characters count two columns; a long word breaks where the line ends', () => {
    const lines = wrapSpans([{ text: '部署前确认数据库已经备份完成 then go' }], 10).map(lineText)
    assert.deepEqual(lines, ['部署前确认', '数据库已经', '备份完成', 'then go'])
  })

  it('a section reads as a page: its title, its prose and its sub-sections in order', () => {
    const { checklist } = parse(
      '## Steps\n- [ ] a\n## Rollback\n\nRevert.\n\n### Database\n\nRestore the snapshot.\n',
    )
    const page = checklist.sections[1]
    assert.ok(page)
    assert.deepEqual(sectionLines(page, 40).map(lineText), [
      'Rollback',
      '',
      'Revert.',
      '',
      'Database',
      '',
      'Restore the snapshot.',
    ])
  })

  it('no line is wider than the screen, and no control character gets through', () => {
    const piece = fc.constantFrom(
      'word',
      ' ',
      '\n',
      '**',
      '_',
      '`',
      '|',
      '- ',
      '1. ',
      '> ',
      '[a](http://x.example)',
      '部署',
      '\u001b[2J',
      '\u0007',
      '\u202e',
      '| a | b |\n|---|---|\n| c | d |\n',
    )
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 40 }),
        fc.integer({ min: 8, max: 50 }),
        (parts, width) => {
          const { checklist } = parse(`## Notes\n\n${parts.join('')}\n`)
          for (const block of checklist.sections[0]?.blocks ?? []) {
            if (block.kind === 'code') continue
            for (const line of blockLines(block, width)) {
              const text = lineText(line)
              assert.ok(
                stringWidth(text) <= width,
                `${JSON.stringify(text)} is wider than ${width}`,
              )
              assert.deepEqual(activeIn(text), [])
            }
          }
        },
      ),
      { numRuns: 300 },
    )
  })
})
