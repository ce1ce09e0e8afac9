/**
 * The checklist's markdown as the wizard draws it: bold, italics, links, code, lists, quotes
 * and tables rendered from the parsed tree (Block.node), not shown as raw `**` and `|`, and
 * laid out in lines of a given width. Pure: it gives styled spans; text.tsx draws them inert
 * (every span's text is made inert here first, so that a line is measured as it is drawn).
 */
import type { Nodes, PhrasingContent, Table } from 'mdast'
import { toString as plainText } from 'mdast-util-to-string'
import { emojify } from '../checklist/emoji.ts'
import type { Block, Section } from '../checklist/model.ts'
import { escapeControls } from '../output/terminal.ts'
import { textWidth } from './text-kit.ts'
import type { Color } from './theme.ts'

export interface Span {
  readonly text: string
  readonly isBold?: boolean
  readonly isItalic?: boolean
  readonly isUnderline?: boolean
  readonly isStrikethrough?: boolean
  readonly isDim?: boolean
  /** Colours swapped (the header's production badge). */
  readonly isInverse?: boolean
  readonly color?: Color
}

/** One line on the screen: its spans, left to right. */
export type SpanLine = readonly Span[]

type Style = Omit<Span, 'text'>

/** A forced line break inside a paragraph (`  ` or `\` at a line's end, `<br>`). */
const BREAK = '\n'
/** Columns of text kept beside a list marker or a quote's bar; narrower, they are not indented. */
const MIN_TEXT = 8
/** Narrower than this, a table's columns are not shrunk further: its lines are cut with `…`. */
const MIN_COLUMN = 3

/** The text of spans, as it reads. */
export function lineText(line: SpanLine): string {
  return line.map((span) => span.text).join('')
}

/** A block of the checklist in lines of `width` columns: rendered when it was parsed, else as written. */
export function blockLines(block: Block, width: number): SpanLine[] {
  if (block.node) return nodeLines(block.node, Math.max(8, width))
  return escapeControls(block.markdown)
    .split('\n')
    .flatMap((line) => wrapSpans([{ text: line }], width))
}

/**
 * A section as a page to read: its title, its prose, and its sub-sections' titles and prose
 * in file order (a reference page, or a step written as prose).
 */
export function sectionLines(section: Section, width: number, withTitle = true): SpanLine[] {
  const lines: SpanLine[] = []
  if (withTitle) lines.push(...wrapSpans([{ text: section.title, isBold: true }], width))
  for (const block of section.blocks) {
    if (lines.length > 0) lines.push([])
    lines.push(...blockLines(block, width))
  }
  for (const sub of section.sections) {
    if (lines.length > 0) lines.push([])
    lines.push(...sectionLines(sub, width))
  }
  return lines
}

function nodeLines(node: Nodes, width: number): SpanLine[] {
  switch (node.type) {
    case 'paragraph':
      return wrapSpans(inlineSpans(node.children, {}), width)
    case 'heading':
      return wrapSpans(inlineSpans(node.children, { isBold: true }), width)
    case 'code': {
      // Code keeps its indentation: cut at the edge where it is drawn, never re-wrapped.
      const code = escapeControls(node.value)
        .split('\n')
        .map((line): SpanLine => [{ text: line, color: 'cyan' }])
      const fence: Span = { text: `\`\`\`${escapeControls(node.lang ?? '')}`, isDim: true }
      return [[fence], ...code, [{ text: '```', isDim: true }]]
    }
    case 'list':
      return node.children.flatMap((item, index) => {
        const number = (node.start ?? 1) + index
        const box = item.checked === true ? '[x] ' : item.checked === false ? '[ ] ' : ''
        const marker = `${node.ordered ? `${number}.` : '•'} ${box}`
        return childLines(item.children, width, marker, Boolean(node.spread || item.spread))
      })
    case 'blockquote': {
      // Too deep for the width, a quote's bar is left out rather than its text run past the edge.
      if (width - 2 < MIN_TEXT) return childLines(node.children, width, '', true)
      const inner = childLines(node.children, width - 2, '', true)
      return inner.map((line) => [{ text: '│ ', isDim: true }, ...line])
    }
    case 'table':
      return tableLines(node, width)
    case 'thematicBreak':
      return [[{ text: '─'.repeat(Math.min(width, 40)), isDim: true }]]
    case 'html':
      return escapeControls(node.value)
        .split('\n')
        .map((line): SpanLine => [{ text: line, isDim: true }])
    case 'root':
      return childLines(node.children, width, '', true)
    case 'definition':
    case 'yaml':
      return []
    default:
      return wrapSpans([{ text: escapeControls(plainText(node)) }], width)
  }
}

/**
 * Blocks under a list marker (or none): the first line starts with `marker`, every line after
 * it is indented as far, so nested lists and code read under their item.
 */
function childLines(
  children: readonly Nodes[],
  width: number,
  marker: string,
  isSpread: boolean,
): SpanLine[] {
  const markerStyle: Style = marker.includes('[') ? {} : { isDim: true }
  // Too deep for the width (lists in lists in a narrow pane): the marker on a line of its own
  // and what is under it not indented, rather than text run past the edge and cut there.
  const isTooDeep = width - textWidth(marker) < MIN_TEXT
  const pad = isTooDeep ? '' : ' '.repeat(textWidth(marker))
  const lines: SpanLine[] = []
  children.forEach((child, index) => {
    if (index > 0 && isSpread) lines.push([])
    lines.push(...nodeLines(child, width - pad.length))
  })
  if (isTooDeep && marker) {
    const [shown] = cut(marker.trimEnd(), width)
    return [[{ ...markerStyle, text: shown }], ...lines]
  }
  if (lines.length === 0) lines.push([])
  return lines.map((line, index): SpanLine => {
    const lead = index === 0 ? marker : pad
    return lead ? [{ text: lead, ...markerStyle }, ...line] : line
  })
}

function inlineSpans(children: readonly PhrasingContent[], style: Style): Span[] {
  const spans: Span[] = []
  for (const child of children) {
    switch (child.type) {
      case 'text':
        spans.push({ ...style, text: emojify(escapeControls(child.value)) })
        break
      case 'strong':
        spans.push(...inlineSpans(child.children, { ...style, isBold: true }))
        break
      case 'emphasis':
        spans.push(...inlineSpans(child.children, { ...style, isItalic: true }))
        break
      case 'delete':
        spans.push(...inlineSpans(child.children, { ...style, isStrikethrough: true }))
        break
      case 'inlineCode':
        spans.push({ ...style, text: escapeControls(child.value), color: 'cyan' })
        break
      case 'link': {
        const shown = plainText(child)
        spans.push(...inlineSpans(child.children, { ...style, isUnderline: true }))
        // Where it goes, unless the text already says (an autolink, a bare URL).
        if (child.url && child.url !== shown && `mailto:${shown}` !== child.url)
          spans.push({ text: ` (${escapeControls(child.url)})`, isDim: true })
        break
      }
      case 'image':
        spans.push({ text: `[image: ${escapeControls(child.alt ?? child.url)}]`, isDim: true })
        break
      case 'break':
        spans.push({ text: BREAK })
        break
      case 'html':
        if (/^<br\s*\/?>$/i.test(child.value.trim())) spans.push({ text: BREAK })
        else spans.push({ ...style, text: escapeControls(child.value), isDim: true })
        break
      default:
        spans.push({ ...style, text: escapeControls(plainText(child)) })
    }
  }
  return spans
}

/**
 * Spans laid out in lines at most `width` columns wide (East Asian characters count two),
 * broken between words; a word longer than a line is broken where the line ends.
 */
export function wrapSpans(spans: readonly Span[], width: number): SpanLine[] {
  const lines: Span[][] = []
  let line: Span[] = []
  let used = 0
  let space: Style | null = null
  const flush = () => {
    lines.push(merge(line))
    line = []
    used = 0
    space = null
  }
  for (const span of spans) {
    const { text, ...style } = span
    for (const token of text.split(/(\n|[ \t\r]+)/)) {
      if (token === '') continue
      if (token === BREAK) {
        flush()
        continue
      }
      if (/^[ \t\r]+$/.test(token)) {
        if (used > 0) space = style
        continue
      }
      let word = token
      let wide = textWidth(word)
      if (used > 0 && used + (space ? 1 : 0) + wide > width) flush()
      if (space && used > 0) {
        line.push({ ...space, text: ' ' })
        used += 1
      }
      space = null
      while (used + wide > width && wide > 0) {
        // Longer than what is left of the line: as much as fits, then on.
        const [head, rest] = cut(word, width - used)
        line.push({ ...style, text: head })
        flush()
        word = rest
        wide = textWidth(word)
      }
      if (word) {
        line.push({ ...style, text: word })
        used += wide
      }
    }
  }
  if (line.length > 0 || lines.length === 0) flush()
  return lines
}

/** `text` cut where `columns` are full; at least one character, so that a line always moves on. */
function cut(text: string, columns: number): [string, string] {
  const chars = Array.from(text)
  let taken = 0
  let width = 0
  for (const char of chars) {
    const w = textWidth(char)
    if (width + w > columns && taken > 0) break
    width += w
    taken++
  }
  return [chars.slice(0, taken).join(''), chars.slice(taken).join('')]
}

/** Neighbouring spans of one style as one: fewer pieces to draw. */
function merge(spans: readonly Span[]): Span[] {
  const out: Span[] = []
  for (const span of spans) {
    const last = out.at(-1)
    if (last && sameStyle(last, span))
      out[out.length - 1] = { ...last, text: last.text + span.text }
    else out.push(span)
  }
  return out
}

function sameStyle(a: Span, b: Span): boolean {
  return (
    a.isBold === b.isBold &&
    a.isItalic === b.isItalic &&
    a.isUnderline === b.isUnderline &&
    a.isStrikethrough === b.isStrikethrough &&
    a.isDim === b.isDim &&
    a.color === b.color
  )
}

/**
 * A table with its columns lined up (`│` between them, a rule under the header), the widest
 * columns narrowed until it fits `width`; a cell too long for its column is cut with `…`.
 */
function tableLines(table: Table, width: number): SpanLine[] {
  const rows = table.children.map((row) =>
    row.children.map((cell) => merge(inlineSpans(cell.children, {})).map(flat)),
  )
  const columns = Math.max(0, ...rows.map((row) => row.length))
  if (columns === 0) return []
  const widths = Array.from({ length: columns }, (_, c) =>
    Math.max(1, ...rows.map((row) => textWidth(lineText(row[c] ?? [])))),
  )
  const room = width - 3 * (columns - 1)
  while (widths.reduce((a, b) => a + b, 0) > room) {
    const widest = widths.indexOf(Math.max(...widths))
    if ((widths[widest] ?? 0) <= MIN_COLUMN) break
    widths[widest] = (widths[widest] ?? 0) - 1
  }
  const separator: Span = { text: ' │ ', isDim: true }
  const lines: SpanLine[] = rows.map((row, r) =>
    widths.flatMap((w, c) => {
      const cell = fit(row[c] ?? [], w).map((span) => (r === 0 ? { ...span, isBold: true } : span))
      return c === 0 ? cell : [separator, ...cell]
    }),
  )
  const rule: SpanLine = [{ text: widths.map((w) => '─'.repeat(w)).join('─┼─'), isDim: true }]
  const all = [lines[0] ?? [], rule, ...lines.slice(1)]
  // Columns at their narrowest and still too wide: each line cut, with `…` saying so.
  const total = widths.reduce((a, b) => a + b, 0) + 3 * (columns - 1)
  return total > width ? all.map((line) => fit(line, width)) : all
}

/** A span whose line breaks are spaces: a table cell is one line. */
function flat(span: Span): Span {
  return span.text.includes(BREAK) ? { ...span, text: span.text.replaceAll(BREAK, ' ') } : span
}

/** Spans cut (with `…`) or padded with spaces to exactly `width` columns. */
function fit(spans: readonly Span[], width: number): Span[] {
  const out: Span[] = []
  let used = 0
  const total = textWidth(lineText(spans))
  const room = total > width ? width - 1 : width
  for (const span of spans) {
    if (used >= room) break
    const [head] = cut(span.text, room - used)
    const w = textWidth(head)
    if (w > room - used) break
    out.push({ ...span, text: head })
    used += w
  }
  if (total > width) {
    out.push({ text: '…', isDim: true })
    used += 1
  }
  if (used < width) out.push({ text: ' '.repeat(width - used) })
  return out
}
