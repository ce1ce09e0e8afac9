/**
 * Drawing a screen's lines as Ink draws them, without loading Ink: a `<Text>`'s styles, cut
 * and inert strings, a bordered box, and each line coded as Ink's output codes it. Each part
 * is Ink's own package doing what Ink does with it (chalk for styles, cli-truncate for a cut,
 * cli-boxes for the border, ansi-tokenize for the line's codes), so that the frame painted
 * before Ink loads is the frame Ink then writes over it, code for code. The equality tests
 * (test/ui/first-paint-trust*.test.tsx) pin it against Ink.
 */
import { styledCharsFromTokens, styledCharsToString, tokenize } from '@alcalzone/ansi-tokenize'
import chalk from 'chalk'
import cliBoxes from 'cli-boxes'
import cliTruncate from 'cli-truncate'
import stringWidth from 'string-width'
import { escapeControls } from '../../output/terminal.ts'
import type { Style, TextLine } from '../text-line.ts'
import type { Color } from '../theme.ts'

/**
 * `text` in `style`, the codes in the order Ink's Text puts its props on: dim, the colour,
 * bold, italic, underline, strikethrough, inverse.
 */
export function styled(text: string, style: Style): string {
  if (text === '') return text
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

/**
 * `line` (text-line.ts) as Ink draws it in a text node `width` columns wide; null where Ink
 * would draw it other than as one line (a tab or newline in it, or an uncut line too wide,
 * which Ink wraps).
 */
export function drawLine(line: TextLine, width: number): string | null {
  let text = ''
  for (const span of line.spans) {
    const shown = escapeControls(span.text)
    if (/[\t\n]/.test(shown)) return null
    text += styled(shown, span)
  }
  if (stringWidth(text) > width) {
    if (!line.isCut) return null
    text = cliTruncate(text, width, { position: 'end' })
  }
  return styled(text, line.style ?? {})
}

/** How a `<Text>` fits its width: wrapped onto more lines, or cut at one end. */
export type Wrap = 'wrap' | 'truncate-end' | 'truncate-start'

/**
 * Characters Ink draws otherwise than string-width measures them: a tab, a newline inside a
 * line, and what is invisible (Ink drops a default-ignorable character from its cells).
 */
const UNMEASURED = /[\t\n\p{Default_Ignorable_Code_Point}]/u

/**
 * One line of text as the inert Text (ui/text.tsx) shows it in `width` columns: controls
 * escaped, then, for a `truncate-*` wrap, cut with Ink's `…` at that end. Null where Ink would
 * draw it otherwise: a line to wrap wider than `width` (Ink wraps it onto more lines), or a
 * character it does not draw as measured.
 */
export function textLine(text: string, width: number, wrap: Wrap): string | null {
  const shown = escapeControls(text)
  if (UNMEASURED.test(shown)) return null
  if (stringWidth(shown) <= width) return shown
  if (wrap === 'wrap') return null
  return cliTruncate(shown, width, { position: wrap === 'truncate-end' ? 'end' : 'start' })
}

/** Columns a round box with `paddingX={1}` takes beside its content, as in confirm-layout.ts. */
const BOX_SIDES = 2

/**
 * The lines of `<Box borderStyle="round" borderColor={color} paddingX={1}>` `width` columns
 * wide around `rows` (each already styled, and no wider than the box's content): the border
 * cli-boxes' round one, as Ink draws it, each side one column of padding from the content.
 */
export function roundBox(
  rows: readonly string[],
  width: number,
  color: Color | undefined,
): string[] {
  const box = cliBoxes.round
  const paint = (piece: string) => styled(piece, color ? { color } : {})
  const inner = width - 2 * BOX_SIDES
  return [
    paint(`${box.topLeft}${box.top.repeat(width - 2)}${box.topRight}`),
    ...rows.map(
      (row) =>
        `${paint(box.left)} ${row}${' '.repeat(Math.max(0, inner - stringWidth(row)))} ${paint(box.right)}`,
    ),
    paint(`${box.bottomLeft}${box.bottom.repeat(width - 2)}${box.bottomRight}`),
  ]
}

/** A cell that draws as nothing: Ink's output buffer leaves it out. */
const IGNORABLE = /^\p{Default_Ignorable_Code_Point}+$/u

/**
 * A line as Ink's output writes it: its cells' styles coded afresh, a change of style at a
 * time, every style closed at its end, cells that draw as nothing left out, and the blanks at
 * its end dropped (ink/build/output.js).
 */
export function inkLine(line: string): string {
  return styledCharsToString(
    styledCharsFromTokens(tokenize(line)).filter((cell) => !IGNORABLE.test(cell.value)),
  ).trimEnd()
}

/** The frame of `lines`, as Ink's renderer hands it to the terminal. */
export function inkFrame(lines: readonly string[]): string {
  return lines.map(inkLine).join('\n')
}
