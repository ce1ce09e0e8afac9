/**
 * string-width with its answers kept: what the build gives every bundled package that imports
 * `string-width` (scripts/build.mjs), Ink included. Ink measures each line of text it draws
 * three times in a frame (to lay it out, to cut it, to place it), and string-width walks any
 * line that is not plain ASCII grapheme by grapheme through Intl.Segmenter and Unicode
 * regular expressions: about 50 µs for a row of the phase list, 95 µs for the rule under the
 * header. The same text always has the same width, so each is measured once; and a text made
 * only of characters that never join their neighbours into one grapheme (text-kit.ts's
 * LONE_GRAPHEMES, what the wizard draws) is measured by native regular expressions instead, to
 * the same sum.
 */
import stringWidth, { type Options } from 'string-width'
import { widthByCharacter } from './text-kit.ts'

/** Forgotten all at once past this many: a long session draws new clocks and counts for hours. */
const MAX_ENTRIES = 4096

const widths = new Map<string, number>()

export default function cachedStringWidth(text: string, options?: Options): number {
  // Measured with options (wrap-ansi counts escape codes): not what is kept here.
  if (options !== undefined) return stringWidth(text, options)
  let width = widths.get(text)
  if (width === undefined) {
    width = widthByCharacter(text) ?? stringWidth(text)
    if (widths.size >= MAX_ENTRIES) widths.clear()
    widths.set(text, width)
  }
  return width
}
