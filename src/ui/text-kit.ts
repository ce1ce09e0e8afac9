/**
 * Widths, cuts and wraps of the screens' text, as Ink's own packages work them out: string-width
 * (how wide), cli-truncate (a cut with `…`), wrap-ansi (hard wrapping). The screens' line
 * functions (header-lines.ts, fit-line.ts, markdown-lines.ts, confirm-layout.ts) measure through
 * here, so that they can run before those packages load.
 *
 * Why: the first screen is painted before Ink loads (first-paint/), and the packages are most of
 * what that paint would otherwise load: string-width alone takes ~21 ms of CPU to load (its
 * Intl.Segmenter and its RGI-emoji regular expression), which is as much as everything else the
 * paint does. For text made only of LONE_GRAPHEMES (below: what the wizard draws) the answers are
 * simple sums over characters, worked out here; for any other text the packages are asked. They
 * are not imported here: Ink's Text (text.tsx), which every screen drawn by Ink draws through,
 * provides them; the paint runs without them (withoutTextPackages) and leaves a screen with such
 * text to Ink. test/ui/text-kit.test.ts checks every answer here against the package's own, on
 * generated text.
 */

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

/** Where a cut text loses its columns: cli-truncate's positions the wizard uses. */
export type CutAt = 'end' | 'start'

/** Ink's packages, as text.tsx provides them: string-width, cli-truncate, wrap-ansi. */
export interface TextPackages {
  readonly width: (text: string) => number
  readonly truncate: (text: string, columns: number, options: { position: CutAt }) => string
  readonly wrap: (text: string, columns: number, options: { hard: true }) => string
}

/**
 * Thrown where text needs a package that is not there: by the paint, which then leaves the
 * screen to Ink (withoutTextPackages).
 */
class NeedsTextPackages extends Error {}

let provided: TextPackages | undefined
let isWithheld = false

/** Called once by text.tsx with Ink's packages: from then on, any text can be measured. */
export function provideTextPackages(packages: TextPackages): void {
  provided = packages
}

/**
 * `draw()` with the packages withheld, as the first paint runs before they load (also in a test
 * process that has loaded them): null if some text needed them.
 */
export function withoutTextPackages<T>(draw: () => T): T | null {
  const wasWithheld = isWithheld
  isWithheld = true
  try {
    return draw()
  } catch (error) {
    if (error instanceof NeedsTextPackages) return null
    throw error
  } finally {
    isWithheld = wasWithheld
  }
}

function packages(): TextPackages {
  if (isWithheld) throw new NeedsTextPackages('text Ink measures with its own packages')
  if (provided === undefined) {
    // Our bug: something drew with the line functions before Ink's Text was loaded.
    throw new Error('text-kit: Ink’s text packages were not provided (import ui/text-packages.ts)')
  }
  return provided
}

/** Made on first use: making one costs ~10 ms of CPU (its Unicode data), which lone graphemes skip. */
let segmenter: Intl.Segmenter | undefined

/** The grapheme clusters of `text`, left to right: its characters, for lone graphemes. */
export function graphemes(text: string): string[] {
  if (widthByCharacter(text) !== undefined) return [...text]
  segmenter ??= new Intl.Segmenter()
  return Array.from(segmenter.segment(text), ({ segment }) => segment)
}

/** The columns `text` takes, as string-width measures it. */
export function textWidth(text: string): number {
  return widthByCharacter(text) ?? packages().width(text)
}

/**
 * `text` cut to `columns` at `at` with `…`, as cli-truncate cuts it (no ANSI codes in `text`:
 * the screens cut their strings before styling them). For lone graphemes: the characters that
 * fit whole in the columns the `…` leaves, a wide character that would straddle the edge left
 * out (slice-ansi's rule).
 */
export function cutText(text: string, columns: number, at: CutAt): string {
  const width = widthByCharacter(text)
  if (width === undefined) return packages().truncate(text, columns, { position: at })
  if (columns < 1) return ''
  if (width <= columns) return text
  if (columns === 1) return '…'
  let kept = ''
  let column = 0
  if (at === 'end') {
    for (const character of text) {
      column += characterWidth(character)
      if (column > columns - 1) break
      kept += character
    }
    return `${kept}…`
  }
  // From the column `columns - 1` before the end: a character that starts before it is left out.
  const from = width - columns + 1
  for (const character of text) {
    if (column >= from) kept += character
    column += characterWidth(character)
  }
  return `…${kept}`
}

/**
 * `text` wrapped to `columns` as wrap-ansi wraps it with `{ hard: true }`: each of its lines on
 * its own, tabs made spaces to the next multiple of eight columns, then wrapped at spaces, a word
 * longer than a line broken across lines, spaces at the start and end of each line dropped;
 * lines joined by "\n". Text that Unicode normalization would change (wrap-ansi normalizes
 * first) goes to wrap-ansi itself.
 */
export function wrapText(text: string, columns: number): string {
  if (widthByCharacter(text.replace(/[\t\n]/g, '')) === undefined || text.normalize() !== text) {
    return packages().wrap(text, columns, { hard: true })
  }
  return text
    .split('\n')
    .map((line) => wrapLine(expandTabs(line), columns))
    .join('\n')
}

/** wrap-ansi's expandTabs: each tab as the spaces to the next multiple of TAB_SIZE columns. */
function expandTabs(line: string): string {
  let column = 0
  return line
    .split('\t')
    .map((piece, index, pieces) => {
      if (index === pieces.length - 1) return piece
      column += textWidth(piece)
      const spaces = TAB_SIZE - (column % TAB_SIZE)
      column += spaces
      return piece + ' '.repeat(spaces)
    })
    .join('')
}

const TAB_SIZE = 8

/** wrap-ansi's exec, for a line of lone graphemes. */
function wrapLine(text: string, columns: number): string {
  if (text.trim() === '') return ''
  const rows = ['']
  let rowWidth = 0
  let trimmedRow = -1
  let isFirstWord = true
  for (const word of text.split(' ')) {
    const last = rows.length - 1
    if (trimmedRow !== last) {
      const row = rows[last] ?? ''
      const trimmed = row.trimStart()
      if (trimmed.length !== row.length) {
        rows[last] = trimmed
        rowWidth = textWidth(trimmed)
      }
      if (trimmed.length > 0) trimmedRow = last
    }
    if (isFirstWord) isFirstWord = false
    else if (rowWidth > 0) {
      rows[rows.length - 1] += ' '
      rowWidth++
    }
    const wordWidth = textWidth(word)
    if (wordWidth > columns) {
      // A word longer than a line: begun on this line unless that takes it more lines.
      const breaksHere = 1 + Math.floor((wordWidth - (columns - rowWidth) - 1) / columns)
      const breaksBelow = Math.floor((wordWidth - 1) / columns)
      if (breaksBelow < breaksHere) {
        rows.push('')
        rowWidth = 0
      }
      rowWidth = breakWord(rows, word, columns, rowWidth)
      continue
    }
    if (rowWidth + wordWidth > columns && rowWidth > 0 && wordWidth > 0) {
      rows.push('')
      rowWidth = 0
    }
    rows[rows.length - 1] += word
    rowWidth += wordWidth
  }
  return rows.map(trimSpacesRight).join('\n')
}

/** wrap-ansi's wrapWord: `word` added to `rows` a character at a time, a new row at the edge. */
function breakWord(rows: string[], word: string, columns: number, rowWidth: number): number {
  const characters = [...word]
  let visible = rowWidth
  characters.forEach((character, index) => {
    const width = characterWidth(character)
    if (visible > 0 && visible + width > columns) {
      rows.push('')
      visible = 0
    }
    rows[rows.length - 1] += character
    visible += width
    if (visible === columns && index < characters.length - 1) {
      rows.push('')
      visible = 0
    }
  })
  return textWidth(rows[rows.length - 1] ?? '')
}

/** The spaces at a row's end dropped (only spaces: wrap-ansi keeps other blanks). */
function trimSpacesRight(row: string): string {
  return row.replace(/ +$/, '')
}

/** One lone grapheme's columns. */
function characterWidth(character: string): number {
  return widthByCharacter(character) ?? 1
}
