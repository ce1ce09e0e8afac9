/**
 * Drawing a screen's lines as Ink draws them, without loading Ink: a `<Text>`'s styles, cut
 * and inert strings, a bordered box, and each line coded as Ink's output codes it. Widths and
 * cuts come from text-kit.ts, styles and codes from ink-codes.ts: both work out what Ink's
 * packages would, for the text the wizard draws, without loading them; run through
 * withoutTextPackages (first-frame.ts), any other text leaves the screen to Ink. The equality
 * tests (test/ui/first-paint-*.test.tsx) pin the frames against Ink's.
 */
import cliBoxes from 'cli-boxes'
import { escapeControls } from '../../output/terminal.ts'
import { cutText, textWidth } from '../text-kit.ts'
import type { TextLine } from '../text-line.ts'
import type { Color } from '../theme.ts'
import { cutStyledEnd, inkLine, styled, styledWidth } from './ink-codes.ts'

/**
 * `line` (text-line.ts) as Ink draws it in a text node `width` columns wide; null where Ink
 * would draw it other than as one line (a tab or newline in it, or an uncut line too wide,
 * which Ink wraps), or where it is not text this module can draw.
 */
export function drawLine(line: TextLine, width: number): string | null {
  let text = ''
  let columns = 0
  for (const span of line.spans) {
    const shown = escapeControls(span.text)
    if (/[\t\n]/.test(shown)) return null
    columns += textWidth(shown)
    text += styled(shown, span)
  }
  if (columns > width) {
    if (!line.isCut) return null
    const cut = cutStyledEnd(text, width)
    if (cut === null) return null
    text = cut
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
  if (textWidth(shown) <= width) return shown
  if (wrap === 'wrap') return null
  return cutText(shown, width, wrap === 'truncate-end' ? 'end' : 'start')
}

/** Columns a round box with `paddingX={1}` takes beside its content, as in confirm-layout.ts. */
const BOX_SIDES = 2

/**
 * The lines of `<Box borderStyle="round" borderColor={color} paddingX={1}>` `width` columns
 * wide around `rows` (each already styled, and no wider than the box's content): the border
 * cli-boxes' round one, as Ink draws it, each side one column of padding from the content.
 * Null for a row ink-codes.ts cannot measure.
 */
export function roundBox(
  rows: readonly string[],
  width: number,
  color: Color | undefined,
): string[] | null {
  const box = cliBoxes.round
  const paint = (piece: string) => styled(piece, color ? { color } : {})
  const inner = width - 2 * BOX_SIDES
  const sides: string[] = []
  for (const row of rows) {
    const columns = styledWidth(row)
    if (columns === null) return null
    sides.push(
      `${paint(box.left)} ${row}${' '.repeat(Math.max(0, inner - columns))} ${paint(box.right)}`,
    )
  }
  return [
    paint(`${box.topLeft}${box.top.repeat(width - 2)}${box.topRight}`),
    ...sides,
    paint(`${box.bottomLeft}${box.bottom.repeat(width - 2)}${box.bottomRight}`),
  ]
}

/** The frame of `lines`, as Ink's renderer hands it to the terminal; null as inkLine is. */
export function inkFrame(lines: readonly string[]): string | null {
  const drawn: string[] = []
  for (const line of lines) {
    const coded = inkLine(line)
    if (coded === null) return null
    drawn.push(coded)
  }
  return drawn.join('\n')
}
