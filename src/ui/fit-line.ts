/**
 * A row laid out by hand as Ink's flexbox would lay it out, so that it can be drawn as one text
 * node instead of a box per part: every `<Box>` and `<Text>` is a yoga node, laid out through
 * WebAssembly on every redraw, and the phase list is most of the screen's nodes. The widths and
 * the cut are Ink's own (string-width, cli-truncate, through text-kit.ts), so wide characters and emoji take the
 * columns they take in Ink and a cut text ends in the same `…`.
 */
import { escapeControls } from '../output/terminal.ts'
import { cutText, textWidth } from './text-kit.ts'

/**
 * The row's parts as drawn: the text (cut if need be), the gap after it, and the end (cut if it
 * would leave the text too little).
 */
export interface FittedRow {
  readonly text: string
  readonly gap: string
  readonly end: string
}

/**
 * The columns an item's text keeps however long its end (`n/a: …` words, an outcome): ten, a
 * word or two, enough to tell the row from its neighbours and as much as the wizard's narrowest
 * width (40) leaves beside a deep item's usual end, so that a row drawn whole with a text of ten
 * columns or more is drawn as before; a text shorter than that keeps all of itself. The end, cut
 * to what is left, is read in full in the item's detail pane.
 */
const TEXT_KEPT = 10

/** What `text` keeps of its columns beside an end too long for the row (see TEXT_KEPT). */
export function keptWidth(text: string): number {
  return Math.min(textWidth(escapeControls(text)), TEXT_KEPT)
}

/**
 * `prefix` then `text` in a row of `width` columns with `end` at its right edge, one column apart,
 * as ItemRow's boxes lay it out: the text's box takes what the end leaves and is cut at its end,
 * never the prefix; where the end would leave the text under its kept columns (keptWidth), the
 * end gives way instead, cut with the same `…`, so that a row is one line whatever its end. Null
 * where text draws other than as one plain line (a tab or newline), or where the prefix leaves
 * no column for the text: such a row is left to Ink. The strings are made inert first, as the
 * Text that draws them makes them.
 */
export function fitRow(prefix: string, text: string, end: string, width: number): FittedRow | null {
  const shown = escapeControls(text)
  const endShown = escapeControls(end)
  if (/[\t\n]/.test(shown) || /[\t\n]/.test(endShown)) return null
  // What the text and the end share: the row less the prefix and the column between them.
  const shared = width - 1 - textWidth(prefix)
  const endRoom = shared - keptWidth(text)
  const endCut =
    textWidth(endShown) > endRoom ? cutText(endShown, Math.max(0, endRoom), 'end') : endShown
  // The text's box: what the end and the column before it leave.
  const room = shared - textWidth(endCut)
  if (room < 1) return null
  const cut = cutText(shown, room, 'end')
  return { text: cut, gap: ' '.repeat(room - textWidth(cut) + 1), end: endCut }
}
