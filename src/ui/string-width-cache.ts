/**
 * string-width with its answers kept: what the build gives every bundled package that imports
 * `string-width` (scripts/build.mjs), Ink included. Ink measures each line of text it draws
 * three times in a frame (to lay it out, to cut it, to place it), and string-width walks any
 * line that is not plain ASCII grapheme by grapheme through Intl.Segmenter and Unicode
 * regular expressions: about 50 µs for a row of the phase list, 95 µs for the rule under the
 * header. The same text always has the same width, so each is measured once; and a text made
 * only of characters that never join their neighbours into one grapheme (LONE_GRAPHEMES, what
 * the wizard draws) is measured by native regular expressions instead, to the same sum.
 */
import stringWidth, { type Options } from 'string-width'

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

/**
 * Text made only of these is as wide as its characters added up: each is a grapheme cluster
 * of its own beside any other of them (Unicode's Grapheme_Cluster_Break "Other": no combining
 * marks, joiners, variation selectors, Hangul jamo, regional indicators or controls). Latin,
 * Greek and Cyrillic letters, punctuation, arrows, box drawing, symbols, kana, CJK, fullwidth
 * forms and most emoji: what the wizard draws. string-width segments every text that is not
 * plain ASCII into graphemes (Intl.Segmenter) and tests each against Unicode regular
 * expressions; for these, native regular expressions give the same sum (the test checks every
 * one of these characters, alone and in text, against string-width and Intl.Segmenter).
 */
export const LONE_GRAPHEMES =
  /^[\u0020-\u007e\u00a0-\u00ac\u00ae-\u02ff\u0370-\u0482\u048a-\u052f\u2010-\u2027\u2030-\u205e\u2070-\u20c0\u2100-\u2bff\u3000-\u3029\u3030-\u303f\u3041-\u3096\u309b-\u30ff\u4e00-\u9fff\uff01-\uff60\uffe0-\uffe6\u{1f300}-\u{1f3fa}\u{1f400}-\u{1f64f}\u{1f680}-\u{1f6ff}\u{1f900}-\u{1f9ff}]*$/u
/** Of LONE_GRAPHEMES, those one UTF-16 unit long that string-width measures two columns wide. */
const NARROW_UNIT_WIDE =
  /[\u231a-\u231b\u2329-\u232a\u23e9-\u23ec\u23f0\u23f3\u25fd-\u25fe\u2614-\u2615\u2630-\u2637\u2648-\u2653\u267f\u268a-\u268f\u2693\u26a1\u26aa-\u26ab\u26bd-\u26be\u26c4-\u26c5\u26ce\u26d4\u26ea\u26f2-\u26f3\u26f5\u26fa\u26fd\u2705\u270a-\u270b\u2728\u274c\u274e\u2753-\u2755\u2757\u2795-\u2797\u27b0\u27bf\u2b1b-\u2b1c\u2b50\u2b55\u3000-\u3029\u3030-\u303e\u3041-\u3096\u309b-\u30ff\u4e00-\u9fff\uff01-\uff60\uffe0-\uffe6]/g
/** Of LONE_GRAPHEMES, those two UTF-16 units long (a surrogate pair) that string-width measures one column wide. */
const WIDE_UNITS_NARROW =
  /[\u{1f321}-\u{1f32c}\u{1f336}\u{1f37d}\u{1f394}-\u{1f39f}\u{1f3cb}-\u{1f3ce}\u{1f3d4}-\u{1f3df}\u{1f3f1}-\u{1f3f3}\u{1f3f5}-\u{1f3f7}\u{1f43f}\u{1f441}\u{1f4fd}-\u{1f4fe}\u{1f53e}-\u{1f54a}\u{1f54f}\u{1f568}-\u{1f579}\u{1f57b}-\u{1f594}\u{1f597}-\u{1f5a3}\u{1f5a5}-\u{1f5fa}\u{1f6c6}-\u{1f6cb}\u{1f6cd}-\u{1f6cf}\u{1f6d3}-\u{1f6d4}\u{1f6da}-\u{1f6db}\u{1f6e0}-\u{1f6ea}\u{1f6ed}-\u{1f6f3}\u{1f6fd}-\u{1f6ff}\u{1f900}-\u{1f90b}\u{1f93b}\u{1f946}]/gu

/** The width of a text made only of LONE_GRAPHEMES, as string-width measures it; else undefined. */
export function widthByCharacter(text: string): number | undefined {
  if (!LONE_GRAPHEMES.test(text)) return undefined
  return (
    text.length +
    (text.match(NARROW_UNIT_WIDE)?.length ?? 0) -
    (text.match(WIDE_UNITS_NARROW)?.length ?? 0)
  )
}
