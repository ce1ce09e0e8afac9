/**
 * What a checklist file may be, checked line by line before the markdown parser
 * sees it. On some shapes micromark's work grows much faster than the file: a
 * list or quote nested a thousand deep, thousands of `*_` in one paragraph, a
 * thousand-column table, a quote paragraph whose thousands of lines lack their
 * `>`. A file past a limit is refused with one error that names the line and
 * says what to change, instead of a wizard that stops answering. Real
 * checklists are far inside every limit: the bundled ones and the seeds are at
 * most 19 kB and 630 lines, nest 2 deep, and have tables of at most 4 columns and
 * paragraphs of at most 10 markers; none uses 7 % of any limit (`measureInput`).
 *
 * The scan follows the block structure only as far as it needs to: list items by
 * indentation, `>` by count, code fences and HTML comments (whose text is not
 * markdown) by their opening and closing lines. Where it cannot tell, it counts
 * more rather than less: a limit may trip a little early, never late.
 */

export const LIMITS = {
  /** Size of the file, in bytes. */
  bytes: 2 * 1024 * 1024,
  /** Lines: a checklist of 20,000 one-line items still fits. */
  lines: 50_000,
  /** Block quotes and list items, one inside another. */
  nesting: 32,
  /** Cells in one table row. */
  tableColumns: 64,
  /**
   * Cells in all the tables: micromark keeps kilobytes for each, so 1,000,000
   * two-byte cells would take gigabytes. A sign-off table has about 20.
   */
  tableCells: 10_000,
  /** Runs of `*`, `_` and `~`, and `[` and `]`, in one paragraph. */
  inlineMarkers: 500,
  /** Lines of a quote's or list item's paragraph written without its `>` or indentation. */
  lazyLines: 100,
  /**
   * Work for the file's lists and quotes: each line counts one for every list or
   * quote it is in, and a list item four more (each costs micromark a tokenizer).
   * 20,000 one-line items come to 100,000; 50,000 lines all 32 deep, to 1,600,000.
   */
  containerWork: 200_000,
  /**
   * Work for emphasis and links: each paragraph counts the square of its markers
   * (see `inlineMarkers`), since pairing them up costs that. 20,000 items with a
   * `code` span and a **bold** word come to 320,000; 4,000 paragraphs of 500, to
   * 1,000,000,000.
   */
  inlineWork: 20_000_000,
} as const

type Limits = { readonly [K in keyof typeof LIMITS]: number }

/** How much of each limit a text uses: its size, and the most any line or paragraph has. */
export type InputUsage = { -readonly [K in keyof typeof LIMITS]: number }

/** The first limit a text is past, and where. */
export interface LimitProblem {
  readonly line: number
  readonly column: number
  readonly message: string
  readonly hint: string
}

const INLINE_HINT =
  'split long paragraphs into shorter ones or into items, and put code or data in a code block (``` … ```)'

const SPLIT_HINT =
  'split the checklist into several files (one per service or phase); deploy-wizard runs one at a time'

/** Returns the first limit `text` is past, or null when it is within all of them. */
export function checkInputLimits(text: string): LimitProblem | null {
  const tooLarge = checkSize(Buffer.byteLength(text, 'utf8'))
  if (tooLarge) return tooLarge
  const lines = text.split('\n')
  if (lines.length > LIMITS.lines) {
    return {
      line: LIMITS.lines + 1,
      column: 1,
      message: `the checklist has more than ${LIMITS.lines.toLocaleString('en')} lines`,
      hint: SPLIT_HINT,
    }
  }
  return new Scanner(LIMITS).scan(lines)
}

/** The problem with a file of `bytes` bytes, if it is too large: checked before reading it. */
export function checkSize(bytes: number): LimitProblem | null {
  if (bytes <= LIMITS.bytes) return null
  return {
    line: 1,
    column: 1,
    message: `the checklist is ${bytes.toLocaleString('en')} bytes; a checklist may be at most ${LIMITS.bytes / (1024 * 1024)} MiB (${LIMITS.bytes.toLocaleString('en')} bytes)`,
    hint: SPLIT_HINT,
  }
}

/** How close `text` comes to each limit (for tests and benchmarks): `checkInputLimits` without the limits. */
export function measureInput(text: string): InputUsage {
  const lines = text.split('\n')
  const unlimited = Object.fromEntries(
    Object.keys(LIMITS).map((key) => [key, Number.POSITIVE_INFINITY]),
  ) as Limits
  const scanner = new Scanner(unlimited)
  scanner.scan(lines)
  return { ...scanner.usage, bytes: Buffer.byteLength(text, 'utf8'), lines: lines.length }
}

interface Fence {
  /** The closing line: ``` or ~~~ at least as long, or `-->` for an HTML comment. */
  readonly close: RegExp
  /** The `>` count and list indentation the block lives in: a line with less leaves it. */
  readonly quotes: number
  readonly indent: number
}

interface Paragraph {
  readonly line: number
  readonly quotes: number
  /** Where the paragraph's text starts; a continuation line indented less is lazy. */
  readonly indent: number
  /** Lines so far: only a one-line paragraph can be a table's header row. */
  lines: number
  markers: number
  lazy: number
  /** A heading: the next line starts a paragraph of its own. */
  readonly isHeading: boolean
  /** In a table, the header's columns: every line is a row (and each cell inline text of its own). */
  readonly columns: number | null
}

/** One line's container prefix: `>` markers, list markers, and where its text starts. */
interface Prefix {
  quotes: number
  /** Column of the first character after the `>` markers (a list marker's, or the text's). */
  firstColumn: number
  /** Columns of the list markers on this line, and of the content after each. */
  readonly markers: number[]
  readonly items: number[]
  /** The column and index where the rest of the line starts. */
  column: number
  index: number
  /** Where each `>` and list marker is in the line, for an error that points at one. */
  readonly markerIndices: number[]
}

class Scanner {
  readonly #limits: Limits
  readonly usage: InputUsage = {
    bytes: 0,
    lines: 0,
    nesting: 0,
    tableColumns: 0,
    tableCells: 0,
    inlineMarkers: 0,
    lazyLines: 0,
    containerWork: 0,
    inlineWork: 0,
  }
  /** Content columns of the open list items, innermost last. */
  #items: number[] = []
  #quotes = 0
  #fence: Fence | null = null
  #paragraph: Paragraph | null = null

  constructor(limits: Limits) {
    this.#limits = limits
  }

  scan(lines: string[]): LimitProblem | null {
    const start = frontMatterEnd(lines)
    for (let i = start; i < lines.length; i++) {
      const raw = lines[i] ?? ''
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw
      const problem = this.#line(line, i + 1)
      if (problem) return problem
    }
    return null
  }

  #line(line: string, number: number): LimitProblem | null {
    const prefix = readPrefix(line)
    const rest = line.slice(prefix.index)
    const isBlank = rest.trim() === ''
    if (this.#fence) {
      // Code and comments are not markdown, until their container ends.
      const fence = this.#fence
      const leaves = !isBlank && (prefix.quotes < fence.quotes || prefix.firstColumn < fence.indent)
      if (!leaves) {
        if (fence.close.test(line.slice(prefix.index))) this.#fence = null
        return null
      }
      this.#fence = null
    }

    const open = this.#paragraph
    const continues =
      open !== null &&
      !open.isHeading &&
      !isBlank &&
      prefix.items.length === 0 &&
      prefix.quotes <= open.quotes &&
      !startsBlock(rest)
    const isRow = continues && open.columns !== null
    // A table: the row above a delimiter row is its header; the lines after, its rows.
    const delimiterColumns = continues && !isRow && open.lines === 1 ? delimiterRowColumns(rest) : 0
    const isLazy = continues && !isRow && delimiterColumns === 0
    this.#closeItems(prefix, isBlank, continues)
    const depth = prefix.quotes + this.#items.length
    this.usage.nesting = Math.max(this.usage.nesting, depth)
    if (depth > this.#limits.nesting) {
      // The marker that went past: as many back from the line's last as there are too many.
      const past =
        prefix.markerIndices[prefix.markerIndices.length - (depth - this.#limits.nesting)]
      return {
        line: number,
        column: (past ?? prefix.markerIndices.at(-1) ?? 0) + 1,
        message: `lists and block quotes are nested more than ${LIMITS.nesting} deep here`,
        hint: 'flatten the nesting: a checklist reads best at two or three levels',
      }
    }
    this.usage.containerWork += depth + 3 * prefix.items.length
    if (this.usage.containerWork > this.#limits.containerWork) {
      return {
        line: number,
        column: 1,
        message: `by this line the checklist's lists and block quotes add up to more than the ${LIMITS.containerWork.toLocaleString('en')} levels it may have (each line counts one for every list or quote it is in)`,
        hint: `nest less deeply, or ${SPLIT_HINT}`,
      }
    }
    if (isBlank) {
      this.#paragraph = null
      return null
    }

    const indent = this.#items.at(-1) ?? 0
    const fence = /^ {0,3}(`{3,}|~{3,})/.exec(rest)
    if (fence?.[1]) {
      const mark = fence[1]
      this.#fence = {
        close: new RegExp(`^[ \\t]*${mark[0] === '`' ? '`' : '~'}{${mark.length},}\\s*$`),
        quotes: prefix.quotes,
        indent,
      }
      this.#paragraph = null
      return null
    }
    if (/^ {0,3}<!--/.test(rest)) {
      if (!rest.includes('-->', rest.indexOf('<!--') + 4)) {
        this.#fence = { close: /-->/, quotes: prefix.quotes, indent }
      }
      this.#paragraph = null
      return null
    }

    const pipes = countPipes(rest)
    // micromark tries any line with a `|` as a table row, whether a delimiter row follows or not.
    if (pipes > this.#limits.tableColumns + 1) {
      this.usage.tableColumns = Math.max(this.usage.tableColumns, pipes - 1)
      return {
        line: number,
        column: 1,
        message: `a line here has ${pipes} '|', more than a table row of ${this.#limits.tableColumns} columns`,
        hint: `split the table into tables of at most ${this.#limits.tableColumns} columns, and write a '|' that is not a cell border as '\\|'`,
      }
    }
    const cells = pipes + 1
    if (delimiterColumns > 0 || isRow) {
      const columns = delimiterColumns || (open?.columns ?? 0)
      const rowColumns = Math.max(columns, cells - 2)
      this.usage.tableColumns = Math.max(this.usage.tableColumns, rowColumns)
      if (rowColumns > this.#limits.tableColumns) {
        return {
          line: number,
          column: 1,
          message: `a table here has more than ${LIMITS.tableColumns} columns`,
          hint: `split the table into tables of at most ${LIMITS.tableColumns} columns`,
        }
      }
      // The header's cells, counted with the delimiter row; each row has the header's.
      this.usage.tableCells += delimiterColumns > 0 ? 2 * columns : rowColumns
      if (this.usage.tableCells > this.#limits.tableCells) {
        return {
          line: number,
          column: 1,
          message: `by this line the checklist's tables have more than the ${LIMITS.tableCells.toLocaleString('en')} cells it may have`,
          hint: `keep tables to what the operator fills in or reads (a sign-off table, a list of ports), or ${SPLIT_HINT}`,
        }
      }
    }

    let paragraph: Paragraph
    if (isLazy && open) {
      paragraph = open
      paragraph.lines++
      if (prefix.quotes < paragraph.quotes || prefix.column < paragraph.indent) {
        paragraph.lazy++
        this.usage.lazyLines = Math.max(this.usage.lazyLines, paragraph.lazy)
        if (paragraph.lazy > this.#limits.lazyLines) {
          return {
            line: number,
            column: 1,
            message: `the paragraph that starts on line ${paragraph.line} goes on for more than ${LIMITS.lazyLines} lines without its '>' or indentation`,
            hint: "start every line of a block quote with '>', and indent the lines that continue a list item",
          }
        }
      }
    } else {
      paragraph = {
        line: number,
        quotes: prefix.quotes,
        indent: prefix.column,
        lines: 1,
        markers: 0,
        lazy: 0,
        isHeading: /^ {0,3}#{1,6}(\s|$)/.test(rest),
        columns: delimiterColumns || (isRow ? (open?.columns ?? null) : null),
      }
    }
    this.#paragraph = paragraph
    const before = paragraph.markers
    paragraph.markers += countInlineMarkers(rest)
    this.usage.inlineWork += paragraph.markers ** 2 - before ** 2
    this.usage.inlineMarkers = Math.max(this.usage.inlineMarkers, paragraph.markers)
    if (paragraph.markers > this.#limits.inlineMarkers) {
      return {
        line: number,
        column: 1,
        message: `the paragraph that starts on line ${paragraph.line} has more than ${LIMITS.inlineMarkers} emphasis markers (*, _, ~) and brackets`,
        hint: INLINE_HINT,
      }
    }
    if (this.usage.inlineWork > this.#limits.inlineWork) {
      return {
        line: number,
        column: 1,
        message: `by this line the checklist has more emphasis markers (*, _, ~) and brackets than it may have; the paragraph here, from line ${paragraph.line}, has ${paragraph.markers}`,
        hint: `${INLINE_HINT}; or ${SPLIT_HINT}`,
      }
    }
    return null
  }

  /**
   * Keeps the list items this line is still inside. A list marker closes the items
   * whose text starts right of it; so does a line of text after a blank line or
   * starting a block. A lazy line (text straight after text) closes nothing, as in
   * markdown. Fewer `>` than before closes the lists inside the quotes; more keeps
   * them (a quote in a list item), so nesting is never counted short.
   */
  #closeItems(prefix: Prefix, isBlank: boolean, isLazy: boolean): void {
    if (isBlank || isLazy) {
      // Nothing closes yet, and a line of only `>` opens no list.
    } else if (prefix.quotes < this.#quotes) {
      this.#items = []
    } else {
      const column = prefix.markers[0] ?? prefix.firstColumn
      while ((this.#items.at(-1) ?? -1) > column) this.#items.pop()
    }
    if (!isBlank || prefix.quotes > 0) this.#quotes = prefix.quotes
    for (const column of prefix.items) this.#items.push(column)
  }
}

/** Lines 1… of YAML front matter between `---` lines are not markdown; returns the first line after. */
function frontMatterEnd(lines: readonly string[]): number {
  if (lines[0]?.replace(/\r$/, '') !== '---') return 0
  for (let i = 1; i < lines.length; i++) {
    if (/^(---|\.\.\.)\s*$/.test(lines[i] ?? '')) return i + 1
  }
  return 0 // unclosed: markdown reads it as text, and so does the scan
}

/** Reads `>` and list markers at the start of a line, as many as there are. */
function readPrefix(line: string): Prefix {
  const prefix: Prefix = {
    quotes: 0,
    firstColumn: -1,
    markers: [],
    items: [],
    column: 0,
    index: 0,
    markerIndices: [],
  }
  let i = 0
  let column = 0
  // A thematic break (`- - -`) is no list marker; text after the last `-`, `*` or `_` rules one out
  // at once, rather than by reading the rest of the line at each marker.
  let lastOther = line.length - 1
  while (lastOther >= 0 && '-*_ \t'.includes(line[lastOther] ?? '')) lastOther--
  for (;;) {
    const spaceStart = i
    const columnStart = column
    while (line[i] === ' ' || line[i] === '\t') {
      column = line[i] === '\t' ? column + 4 - (column % 4) : column + 1
      i++
    }
    if (line[i] === '>' && prefix.markerIndices.length <= LIMITS.nesting) {
      prefix.quotes++
      prefix.markerIndices.push(i)
      i++
      column++
      if (line[i] === ' ') {
        i++
        column++
      }
      continue
    }
    if (prefix.firstColumn < 0) prefix.firstColumn = column
    const marker = listMarkerLength(line, i)
    // Past the nesting limit the line is refused: no need to read (or re-scan) more markers.
    const isPastLimit = prefix.markerIndices.length > LIMITS.nesting
    if (marker > 0 && !isPastLimit && (i <= lastOther || !isThematicBreak(line.slice(i)))) {
      prefix.markerIndices.push(i)
      prefix.markers.push(column)
      i += marker
      column += marker
      if (line[i] === ' ' || line[i] === '\t') {
        i++
        column++
      }
      prefix.items.push(column)
      continue
    }
    // Not a container marker: the rest (spaces included) is the line's text.
    i = spaceStart
    column = columnStart
    break
  }
  prefix.index = i
  prefix.column = column + leadingSpaces(line, i)
  return prefix
}

/** `-`, `+`, `*` or 1–9 digits with `.` or `)`, followed by a space, a tab or the line's end. */
function listMarkerLength(line: string, i: number): number {
  const c = line[i]
  let end = i
  if (c === '-' || c === '+' || c === '*') end = i + 1
  else {
    while (end - i < 9 && isDigit(line.charCodeAt(end))) end++
    if (end === i || (line[end] !== '.' && line[end] !== ')')) return 0
    end++
  }
  const after = line[end]
  return after === undefined || after === ' ' || after === '\t' ? end - i : 0
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57
}

function leadingSpaces(line: string, i: number): number {
  let n = 0
  while (line[i + n] === ' ') n++
  return n
}

/** `***`, `- - -`, `___`: three or more of one of them, and spaces, and nothing else. */
function isThematicBreak(text: string): boolean {
  const mark = text[0]
  if (mark !== '-' && mark !== '*' && mark !== '_') return false
  let count = 0
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === mark) count++
    else if (c !== ' ' && c !== '\t') return false
  }
  return count >= 3
}

/** A line that cannot continue a paragraph: it starts a block of its own. */
function startsBlock(text: string): boolean {
  return /^ {0,3}(#{1,6}(\s|$)|`{3,}|~{3,}|<!--)/.test(text) || isThematicBreak(text.trim())
}

/** The columns of a table's delimiter row (`|---|:-:|`), or 0 for any other line. */
function delimiterRowColumns(text: string): number {
  if (!/^[ \t]*\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/.test(text)) return 0
  if (!text.includes('|')) return 0
  return text.split('|').filter((cell) => cell.includes('-')).length
}

function countPipes(text: string): number {
  let n = 0
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++
    else if (text[i] === '|') n++
  }
  return n
}

/**
 * Runs of `*`, `_` and `~`, and brackets: what micromark's emphasis and link
 * resolution pair up, at a cost that grows with their square in one paragraph.
 * An `_` inside a word (`JWT_SECRET`) can neither open nor close emphasis.
 */
function countInlineMarkers(text: string): number {
  let n = 0
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === '\\') {
      i++
      continue
    }
    if (c === '[' || c === ']') {
      n++
      continue
    }
    if (c !== '*' && c !== '_' && c !== '~') continue
    const start = i
    while (text[i + 1] === c) i++
    const isIntraword = c === '_' && isWordChar(text[start - 1]) && isWordChar(text[i + 1])
    if (!isIntraword) n++
  }
  return n
}

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && /[\p{L}\p{N}]/u.test(c)
}
