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
  assert.deepEqual(row, { text: 'Rotate the database crede…', gap: ' ', end: 'cfn.stack' })
  assert.equal(`› ○ ${row?.text}${row?.gap}cfn.stack`.length, 40)
})

test('a short text is padded so that the outcome ends at the right edge', () => {
  const row = fitRow('  ○ ', 'Node.js 20.x', 'tool', 30)
  assert.deepEqual(row, { text: 'Node.js 20.x', gap: ' '.repeat(10), end: 'tool' })
})

test('wide characters take two columns: the cut and the padding count them so', () => {
  // 4 + 2×12 + 1 + 4 = 33 columns wanted in 30: the text gets 21, 10 characters and the `…`.
  const row = fitRow('  ○ ', '数据库迁移已经完成并且备', 'tool', 30)
  assert.deepEqual(row, { text: '数据库迁移已经完成并…', gap: ' ', end: 'tool' })
  // 4 + 7 + 1 + 4 = 16 of 20 columns: the text's 7 padded to its box of 11, then the column before the end.
  assert.deepEqual(fitRow('  ○ ', '🚀 ship', 'tool', 20), {
    text: '🚀 ship',
    gap: ' '.repeat(5),
    end: 'tool',
  })
})

test('a control character is measured as the escape it is drawn as', () => {
  assert.deepEqual(fitRow('  ○ ', 'a\u0007b', 'tool', 20), {
    text: 'a\\x07b',
    gap: ' '.repeat(6),
    end: 'tool',
  })
})

test('an end that would leave the text under ten columns is cut instead, with the same `…`, the row one line', () => {
  // 4 + 1 + 28 = 33 of 40 columns: the text gets 7, more than it needs; the end is whole.
  assert.deepEqual(fitRow('  ○ ', 'text', 'n/a: dev, staging, prod only', 40), {
    text: 'text',
    gap: ' '.repeat(4),
    end: 'n/a: dev, staging, prod only',
  })
  // A text of four columns keeps its four; the end gets the rest, 40 − 4 − 4 − 1 = 31.
  const end = 'n/a: staging, prod-eu, prod-us, live-br only'
  assert.deepEqual(fitRow('  ○ ', 'text', end, 40), {
    text: 'text',
    gap: ' ',
    end: 'n/a: staging, prod-eu, prod-us…',
  })
  // A long text keeps ten columns, its `…` among them; the end gets 40 − 4 − 10 − 1 = 25.
  assert.deepEqual(fitRow('  ○ ', 'Rotate the database credentials', end, 40), {
    text: 'Rotate th…',
    gap: ' ',
    end: 'n/a: staging, prod-eu, p…',
  })
  // Where the end leaves ten columns or more, it is whole and the text is cut, as before.
  assert.deepEqual(fitRow('  ○ ', 'Rotate the database credentials', end, 60), {
    text: 'Rotate the…',
    gap: ' ',
    end,
  })
})

test('where the text is not one line, or the prefix fills the row, the row is left to Ink', () => {
  assert.equal(fitRow('  ○ ', 'a\tb', 'tool', 40), null)
  assert.equal(fitRow('  ○ ', 'ab', 'a\nb', 40), null)
  assert.equal(fitRow(' '.repeat(39), 'ab', 'tool', 40), null)
})
