/**
 * A row of the phase list in colour: an item the checklist scopes to other environments is
 * drawn dimmed, with the environments it is for where its check would be, never left out.
 * Colour is forced before Ink is loaded (it reads the setting once), in this file's own process.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parse } from '../helpers/fixtures.ts'

delete process.env.NO_COLOR
process.env.FORCE_COLOR = '1'
const { render } = await import('ink-testing-library')
const { ItemRow } = await import('../../src/ui/item-row.tsx')

const DIM = '\u001B[2m'

const { checklist } = parse(
  '---\nenvironments: [dev, prod]\n---\n## Before\n- [ ] Change request approved\n- [ ] Backup taken (production only)\n',
)

function row(index: number, outOfScope: string | null): string {
  const item = checklist.items[index]
  assert.ok(item)
  const screen = render(
    <ItemRow
      item={item}
      outOfScope={outOfScope}
      state="pending"
      check={null}
      live={undefined}
      isSelected={false}
      indent={1}
    />,
  )
  const frame = screen.lastFrame() ?? ''
  screen.unmount()
  return frame
}

test('an item that does not apply is dimmed, its icon n/a, the environments it is for beside it', () => {
  const frame = row(1, 'prod only (item text, line 6)')
  assert.ok(frame.includes(`${DIM}Backup taken (production only)`), JSON.stringify(frame))
  assert.ok(frame.includes(`${DIM}n/a: prod only`), JSON.stringify(frame))
  assert.ok(frame.includes('–'))
})

test('an item that applies is drawn as it is, not dimmed', () => {
  const frame = row(0, null)
  assert.ok(frame.includes('Change request approved'))
  assert.ok(!frame.includes(`${DIM}Change request approved`), JSON.stringify(frame))
  assert.ok(frame.includes('○'))
})

test('a retrying check’s row counts from its first try and says which try of how many', () => {
  const item = checklist.items[0]
  assert.ok(item)
  const screen = render(
    <ItemRow
      item={item}
      state="pending"
      check={null}
      live={{
        startedAt: Date.now() - 134_000,
        attempt: 4,
        tries: 4,
        progress: null,
        lastTry: 'no answer',
      }}
      isSelected={false}
      indent={1}
      width={100}
    />,
  )
  const frame = screen.lastFrame() ?? ''
  screen.unmount()
  assert.match(frame, /running 2m1[45]s · try 4\/4/)
})
