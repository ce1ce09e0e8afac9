/**
 * first-paint/ink-codes.ts styles, cuts and codes a line as chalk, cli-truncate (slice-ansi) and
 * ansi-tokenize do inside Ink, without loading them: checked against those packages on
 * generated lines of styled spans, every style and every pair of them, at every width.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { styledCharsFromTokens, styledCharsToString, tokenize } from '@alcalzone/ansi-tokenize'
import { Chalk } from 'chalk'
import cliTruncate from 'cli-truncate'
import stringWidth from 'string-width'
import { cutStyledEnd, inkLine, styled } from '../../src/ui/first-paint/ink-codes.ts'
import type { Style } from '../../src/ui/text-line.ts'
import type { Color } from '../../src/ui/theme.ts'
import { seededRandom } from '../helpers/seeded-random.ts'

const COLORS: readonly Color[] = ['green', 'red', 'yellow', 'cyan', 'gray', 'magenta', 'blue']
const FLAGS = [
  'isDim',
  'isBold',
  'isItalic',
  'isUnderline',
  'isStrikethrough',
  'isInverse',
] as const

/** Every style a `<Text>` of the wizard takes: none, each flag, each colour, and pairs of them. */
const STYLES: readonly Style[] = [
  {},
  ...FLAGS.map((flag) => ({ [flag]: true })),
  ...COLORS.map((color) => ({ color })),
  ...FLAGS.flatMap((a) => FLAGS.map((b) => ({ [a]: true, [b]: true }))),
  ...FLAGS.flatMap((flag) => COLORS.slice(0, 3).map((color) => ({ [flag]: true, color }))),
  { isDim: true, isBold: true, color: 'red', isInverse: true },
]

/** chalk as Ink's Text puts a style on, at `level`. */
function chalkStyled(text: string, style: Style, level: 0 | 1 | 3): string {
  const chalk = new Chalk({ level })
  let out = text
  if (style.isDim) out = chalk.dim(out)
  if (style.color) out = chalk[style.color](out)
  if (style.isBold) out = chalk.bold(out)
  if (style.isItalic) out = chalk.italic(out)
  if (style.isUnderline) out = chalk.underline(out)
  if (style.isStrikethrough) out = chalk.strikethrough(out)
  if (style.isInverse) out = chalk.inverse(out)
  return out
}

/** A line as Ink's output codes it, by ansi-tokenize itself. */
function inkCoded(line: string): string {
  return styledCharsToString(styledCharsFromTokens(tokenize(line))).trimEnd()
}

const WORDS = ['deploy', ' ', '  ', '中文', '⌚', '🚀', '🌡', '…', '─', 'é', 'x', '→ ok']

/** Lines of one to four spans, each in a style, with the line's own style on the whole. */
function lines(count: number): { spans: { text: string; style: Style }[]; style: Style }[] {
  const next = seededRandom(11)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T
  return Array.from({ length: count }, () => ({
    spans: Array.from({ length: 1 + Math.floor(next() * 4) }, () => ({
      text: Array.from({ length: 1 + Math.floor(next() * 3) }, () => pick(WORDS)).join(''),
      style: pick(STYLES),
    })),
    style: next() < 0.5 ? {} : pick(STYLES),
  }))
}

test('a style is put on as chalk puts it, at every level, outer styles re-opened inside', () => {
  for (const level of [0, 1, 3] as const) {
    for (const style of STYLES) {
      for (const inner of STYLES) {
        const text = `a${chalkStyled('b中', inner, level)}c`
        assert.equal(
          styled(text, style, level),
          chalkStyled(text, style, level),
          JSON.stringify([style, inner, level]),
        )
      }
      assert.equal(styled('', style, level), '')
    }
  }
})

test('a styled line is cut at its end as cli-truncate cuts it, and coded as Ink codes it, at every width', () => {
  for (const { spans, style } of lines(300)) {
    const text = spans.map((span) => chalkStyled(span.text, span.style, 1)).join('')
    const width = stringWidth(text)
    for (let columns = 0; columns <= width + 1; columns++) {
      const cut = cutStyledEnd(text, columns)
      const expected = cliTruncate(text, columns, { position: 'end' })
      assert.equal(cut, expected, `${JSON.stringify(text)} to ${columns}`)
      const line = chalkStyled(expected, style, 1)
      assert.equal(inkLine(line), inkCoded(line), JSON.stringify(line))
    }
  }
})

test('text it cannot read is not coded: anything but lone graphemes and one-number SGR codes', () => {
  for (const line of [
    'e\u0301',
    '\u001b[38;5;1mx\u001b[39m',
    '\u001b]8;;http://x\u0007x',
    'a\u001bb',
  ]) {
    assert.equal(inkLine(line), null, JSON.stringify(line))
    assert.equal(cutStyledEnd(line, 1), null, JSON.stringify(line))
  }
  assert.equal(inkLine(''), '')
})
