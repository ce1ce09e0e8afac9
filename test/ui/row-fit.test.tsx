/**
 * A phase row drawn as one text node (fit-line.ts) is the row Ink's boxes draw, cell for cell
 * and style for style: the text cut to what the outcome leaves, with the same `…`, wide
 * characters and emoji in the columns Ink gives them. In colour; row-fit-plain.test.tsx
 * without. Colour is forced before Ink is loaded, in this file's own process.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'

delete process.env.NO_COLOR
process.env.FORCE_COLOR = '1'
const { assertRowsDrawnAsInkDraws } = await import('../helpers/row-layouts.tsx')
const { fitRow } = await import('../../src/ui/fit-line.ts')

test('in colour, every item row given its width is drawn as its boxes draw it, at 40 to 100 columns', () => {
  assert.ok(assertRowsDrawnAsInkDraws() > 1000)
})

test('a row is cut in its text: the prefix and the outcome stay whole, the row exactly as wide as asked', () => {
  const row = fitRow('› ○ ', 'Rotate the database credentials and confirm it', 'cfn.stack', 40)
  assert.deepEqual(row, { text: 'Rotate the database crede…', gap: ' ' })
  assert.equal(`› ○ ${row?.text}${row?.gap}cfn.stack`.length, 40)
})

test('a short text is padded so that the outcome ends at the right edge', () => {
  const row = fitRow('  ○ ', 'Node.js 20.x', 'tool', 30)
  assert.deepEqual(row, { text: 'Node.js 20.x', gap: ' '.repeat(10) })
})

test('wide characters take two columns: the cut and the padding count them so', () => {
  // 4 + 2×12 + 1 + 4 = 33 columns wanted in 30: the text gets 21, 10 characters and the `…`.
  const row = fitRow('  ○ ', '数据库迁移已经完成并且备', 'tool', 30)
  assert.deepEqual(row, { text: '数据库迁移已经完成并…', gap: ' ' })
  // 4 + 7 + 1 + 4 = 16 of 20 columns: the text's 7 padded to its box of 11, then the column before the end.
  assert.deepEqual(fitRow('  ○ ', '🚀 ship', 'tool', 20), { text: '🚀 ship', gap: ' '.repeat(5) })
})

test('a control character is measured as the escape it is drawn as', () => {
  assert.deepEqual(fitRow('  ○ ', 'a\u0007b', 'tool', 20), { text: 'a\\x07b', gap: ' '.repeat(6) })
})

test('where the outcome would leave the text under two columns, or the text is not one line, the row is left to Ink', () => {
  assert.equal(fitRow('  ○ ', 'text', 'n/a: dev, staging, prod only', 34), null)
  assert.notEqual(fitRow('  ○ ', 'text', 'n/a: dev, staging, prod only', 35), null)
  assert.equal(fitRow('  ○ ', 'a\tb', 'tool', 40), null)
})
