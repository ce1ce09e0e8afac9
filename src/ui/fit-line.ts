/**
 * A row laid out by hand as Ink's flexbox would lay it out, so that it can be drawn as one text
 * node instead of a box per part: every `<Box>` and `<Text>` is a yoga node, laid out through
 * WebAssembly on every redraw, and the phase list is most of the screen's nodes. The widths and
 * the cut are Ink's own (string-width, cli-truncate), so wide characters and emoji take the
 * columns they take in Ink and a cut text ends in the same `…`.
 */
import cliTruncate from 'cli-truncate'
import stringWidth from 'string-width'
import { escapeControls } from '../output/terminal.ts'

/** What goes between the prefix and the end: the text as drawn (cut if need be), then the gap. */
export interface FittedRow {
  readonly text: string
  readonly gap: string
}

/**
 * `prefix` then `text` in a row of `width` columns with `end` at its right edge, one column apart,
 * as a growing, shrinking box of text cut at its end beside a box that never shrinks: the text is
 * cut to what is left, never the prefix or the end. Null where Ink's layout would cut into the
 * prefix (the end leaves the text less than two columns) or where text draws other than as one
 * plain line (a tab or newline): such a row is left to Ink. The strings are made inert first, as
 * the Text that draws them makes them.
 */
export function fitRow(prefix: string, text: string, end: string, width: number): FittedRow | null {
  const shown = escapeControls(text)
  if (/[\t\n]/.test(shown) || /[\t\n]/.test(end)) return null
  const endWidth = stringWidth(escapeControls(end))
  // The text's box: what the end and the column before it leave.
  const room = width - 1 - endWidth - stringWidth(prefix)
  if (room < 2) return null
  const cut = cliTruncate(shown, room, { position: 'end' })
  return { text: cut, gap: ' '.repeat(room - stringWidth(cut) + 1) }
}
