/**
 * Under NO_COLOR, as in row-fit.test.tsx in colour: a phase row drawn as one text node is the
 * row Ink's boxes draw. NO_COLOR is set before Ink is loaded, in this file's own process.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { ReactElement } from 'react'

delete process.env.FORCE_COLOR
process.env.NO_COLOR = '1'
const { assertRowsDrawnAsInkDraws } = await import('../helpers/row-layouts.tsx')

test('without colour, every item row given its width is drawn as its boxes draw it, at 40 to 100 columns', () => {
  assert.ok(assertRowsDrawnAsInkDraws() > 1000)
})

const { default: stringWidth } = await import('string-width')
const { lines } = await import('../helpers/row-layouts.tsx')
const { GroupRow, ItemRow, ProseRow } = await import('../../src/ui/item-row.tsx')
const { parse } = await import('../helpers/fixtures.ts')

const WIDTHS = [40, 60, 80]
const SCOPE = 'staging, prod-eu, prod-us, live-br, qa-long-environment-name'
const { checklist } = parse(
  `---\nenvironments: [dev, staging, prod-eu, prod-us, live-br, qa-long-environment-name]\n---\n## Before\n- [ ] Scoped to many <!-- only: ${SCOPE} -->\n- [ ] Rotate the database credentials and confirm every service reconnects <!-- only: ${SCOPE} -->\n- [ ] Scoped\tby a tab <!-- only: ${SCOPE} -->\n`,
)

/** The row alone in a list `width` wide, as PhaseList draws it: asserted one line, no wider. */
function oneLine(row: ReactElement, width: number, name: string): string {
  const all = lines([row], width)
  assert.equal(all.length, 1, `${name} at ${width} columns is one line: ${JSON.stringify(all)}`)
  const [line = ''] = all
  assert.ok(stringWidth(line) <= width, `${name} at ${width} columns: ${JSON.stringify(line)}`)
  return line
}

test('an item scoped to many other environments stays one line: its icon and text kept, the n/a words cut with `…`', () => {
  for (const width of WIDTHS) {
    // A tab leaves the row to Ink's boxes (fit-line.ts): they give way the same.
    for (const [index, item] of checklist.items.entries()) {
      for (const { isSelected, indent } of [
        { isSelected: false, indent: 1 },
        { isSelected: true, indent: 3 },
      ]) {
        const name = `item ${index} indent ${indent}`
        const line = oneLine(
          <ItemRow
            item={item}
            outOfScope={`${SCOPE} only (item text, line 5)`}
            state="pending"
            check={null}
            live={undefined}
            isSelected={isSelected}
            indent={indent}
            width={width}
          />,
          width,
          name,
        )
        const prefix = `${isSelected ? '›' : ' '}${' '.repeat(indent)}– `
        assert.ok(line.startsWith(prefix), `${name} at ${width}: ${JSON.stringify(line)}`)
        assert.match(line, / n\/a: staging, .*…$/, `${name} at ${width}`)
        // A tab is measured as no column and drawn as some: the kept columns are not counted.
        if (item.plain.includes('\t')) continue
        // The text keeps ten columns at least (all of a shorter one), then the cut n/a words.
        const text = line.slice(prefix.length)
        const kept = item.plain.length <= 10 ? item.plain : item.plain.slice(0, 9)
        assert.ok(text.startsWith(kept), `${name} at ${width}: ${JSON.stringify(line)}`)
        assert.equal(stringWidth(line), width, `${name} at ${width}: the end at the right edge`)
      }
    }
  }
})

test('an n/a end that fits is drawn whole, as before', () => {
  const { checklist: short } = parse(
    '---\nenvironments: [dev, prod]\n---\n## Before\n- [ ] Backup taken <!-- only: prod -->\n',
  )
  const [item] = short.items
  assert.ok(item)
  for (const width of WIDTHS) {
    const line = oneLine(
      <ItemRow
        item={item}
        outOfScope="prod only"
        state="pending"
        check={null}
        live={undefined}
        isSelected={false}
        indent={1}
        width={width}
      />,
      width,
      'short n/a',
    )
    assert.equal(line, `  – Backup taken${' '.repeat(width - 30)}n/a: prod only`)
  }
})

const LONG_HEADING =
  'Grupo com título muito longo para testar o corte das linhas da lista de fases do assistente de implantação'
const LONG_PROSE =
  '3. Etapa escrita como prosa com um título longo demais para caber na linha, mesmo em oitenta colunas'

test('a group heading too long for the line keeps its indentation and is cut with `…`', () => {
  for (const width of WIDTHS) {
    for (const depth of [0, 1, 2]) {
      const indent = ' '.repeat(1 + depth * 2)
      const line = oneLine(
        <GroupRow title={LONG_HEADING} depth={depth} />,
        width,
        `heading depth ${depth}`,
      )
      assert.equal(line, `${indent}${LONG_HEADING.slice(0, width - indent.length - 1)}…`)
      const short = oneLine(
        <GroupRow title="Grupo curto" depth={depth} />,
        width,
        `short heading depth ${depth}`,
      )
      assert.equal(short, `${indent}Grupo curto`)
    }
  }
})

test('a prose step too long for the line keeps its indentation and `≡`, and is cut with `…`', () => {
  for (const width of WIDTHS) {
    for (const depth of [0, 1, 2]) {
      const indent = ' '.repeat(2 + depth * 2)
      const line = oneLine(
        <ProseRow title={LONG_PROSE} depth={depth} />,
        width,
        `prose depth ${depth}`,
      )
      assert.equal(line, `${indent}≡ ${LONG_PROSE.slice(0, width - indent.length - 3)}…`)
      const short = oneLine(
        <ProseRow title="3. Etapa" depth={depth} />,
        width,
        `short prose depth ${depth}`,
      )
      assert.equal(short, `${indent}≡ 3. Etapa`)
    }
  }
})
