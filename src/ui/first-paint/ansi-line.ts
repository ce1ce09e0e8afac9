/**
 * Lines of the screen (text-line.ts) written as Ink writes them, without Ink: each span styled
 * by chalk as Ink's `Text` styles it, the line cut with cli-truncate as Ink cuts it, and every
 * line of the frame re-coded cell by cell through ansi-tokenize as Ink's output buffer re-codes
 * it, its trailing blanks dropped. The same chalk, cli-truncate and ansi-tokenize that Ink loads,
 * so that the codes are the same bytes at chalk's level (none under NO_COLOR: the run command
 * sets FORCE_COLOR=0 before anything loads).
 */
import { styledCharsFromTokens, styledCharsToString, tokenize } from '@alcalzone/ansi-tokenize'
import chalk from 'chalk'
import cliTruncate from 'cli-truncate'
import stringWidth from 'string-width'
import { escapeControls } from '../../output/terminal.ts'
import type { Style, TextLine } from '../text-line.ts'

/** `text` in `style`, as Ink's Text puts its props on: dim, colour, bold, italic, underline, strikethrough, inverse. */
function styled(text: string, style: Style): string {
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
 * `line` as Ink draws it in a text node `width` columns wide; null where Ink would draw it other
 * than as one line (a tab or newline in it, or an uncut line too wide, which Ink wraps).
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

/** A cell that draws as nothing: Ink's output buffer leaves it out. */
const IGNORABLE = /^\p{Default_Ignorable_Code_Point}+$/u

/** The frame Ink writes for these lines: each re-coded as its buffer re-codes it, its trailing blanks dropped. */
export function frameOf(lines: readonly string[]): string {
  return lines
    .map((line) =>
      styledCharsToString(
        styledCharsFromTokens(tokenize(line)).filter((cell) => !IGNORABLE.test(cell.value)),
      ).trimEnd(),
    )
    .join('\n')
}
