/**
 * The phase list's item rows drawn both ways at many widths: as one text node laid out by
 * fit-line.ts (the row given its width) and as Ink's boxes (no width: the boxes fill the
 * list's), each in a list as wide as the wizard's. Import it after colour is set for the file:
 * Ink reads the setting once.
 */
import assert from 'node:assert/strict'
import { Box } from 'ink'
import { render } from 'ink-testing-library'
import { Fragment, type ReactElement } from 'react'
import type { StoredCheckResult } from '../../src/run/model.ts'
import { ItemRow } from '../../src/ui/item-row.tsx'
import { parse } from './fixtures.ts'

const LONG = 'Rotate the database credentials and confirm every service reconnects'
const TEXTS = [
  'Change request approved',
  LONG,
  // Wide characters and emoji: two columns each, in Ink and here.
  '数据库迁移已经完成并且备份已经验证通过了吗确认一下',
  'Ship it 🚀 then watch 📈 the dashboards ✅ for ten minutes, 🎉 done',
  'Café naïve façade — ½ résumé',
  // A control character is drawn as its escape, and measured as such.
  'bell\u0007 in the text',
]

// Out of scope, an item for these has an end too long to leave its text ten columns: cut.
const MANY = 'staging, prod-eu, prod-us, live-br, qa-long-environment-name'
const ITEMS = [
  ...TEXTS.map(
    (text, index) => `${text}${index % 2 === 0 ? ' <!-- check: tool name=node -->' : ''}`,
  ),
  'Backup taken (production only)',
  `Scoped to many <!-- only: ${MANY} -->`,
  `${LONG} <!-- only: ${MANY} -->`,
]

const { checklist } = parse(
  `---\nenvironments: [dev, ${MANY}, prod]\n---\n## Before\n${ITEMS.map((item) => `- [ ] ${item}\n`).join('')}`,
)

const PASS: StoredCheckResult = {
  status: 'pass',
  summary: 'ok',
  details: [],
  evidence: {},
  outputs: {},
  durationMs: 1234,
  at: '2026-01-01T10:00:00.000Z',
}

/** Each row as [what it is, drawn given its width, drawn by boxes]. */
function cases(width: number): [string, ReactElement, ReactElement][] {
  const out: [string, ReactElement, ReactElement][] = []
  for (const item of checklist.items) {
    for (const variant of [
      { isSelected: true, indent: 1, check: null, outOfScope: null, isManualMarked: true },
      { isSelected: false, indent: 3, check: PASS, outOfScope: null, isManualMarked: true },
      { isSelected: false, indent: 1, check: null, outOfScope: null, isManualMarked: false },
      {
        isSelected: true,
        indent: 5,
        check: null,
        outOfScope: 'prod only (item text, line 9)',
        isManualMarked: true,
      },
    ]) {
      const row = (rowWidth?: number) => (
        <ItemRow
          item={item}
          state={variant.check ? 'done' : 'pending'}
          live={undefined}
          {...variant}
          {...(rowWidth !== undefined ? { width: rowWidth } : {})}
        />
      )
      out.push([`item "${item.plain}" ${JSON.stringify(variant)}`, row(width), row()])
    }
  }
  return out
}

/** The rows one under another in a list `width` wide, as PhaseList draws them: a line each. */
export function lines(rows: readonly ReactElement[], width: number): string[] {
  const screen = render(
    <Box flexDirection="column" width={width} overflow="hidden">
      {rows.map((row, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the rows have no identity beyond their place
        <Fragment key={index}>{row}</Fragment>
      ))}
    </Box>,
  )
  const drawn = (screen.lastFrame() ?? '').split('\n')
  screen.unmount()
  return drawn
}

/** Every row at every width from the wizard's narrowest to ink-testing-library's 100 columns. */
export function assertRowsDrawnAsInkDraws(): number {
  let compared = 0
  for (let width = 40; width <= 100; width++) {
    const all = cases(width)
    const oneNode = lines(
      all.map(([, row]) => row),
      width,
    )
    const boxes = lines(
      all.map(([, , row]) => row),
      width,
    )
    assert.equal(oneNode.length, all.length)
    all.forEach(([name], index) => {
      assert.equal(oneNode[index], boxes[index], `${name} at ${width} columns`)
      compared++
    })
  }
  return compared
}
