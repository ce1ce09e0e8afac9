/**
 * One line of the screen as Ink's `Text` draws it, described as data: its spans, each in its
 * own style (nested `Text`s), then the line cut at the edge with `…` or not, then the line's own
 * style on the whole. The wizard draws it with `LineText` (span-text.tsx); the first paint
 * (first-paint/) writes the same line before Ink has loaded. Pure.
 */
import type { Span, SpanLine } from './markdown-lines.ts'

/** A span's style, or a whole line's. */
export type Style = Omit<Span, 'text'>

export interface TextLine {
  readonly spans: SpanLine
  /** Cut at the edge with `…` (Ink's truncate-end) where too wide; else it would wrap. */
  readonly isCut: boolean
  /** The style of the whole line, put on after the cut (the outer `Text`'s own props). */
  readonly style?: Style
}

/** A line of one span: `text` in `style`, the style the line's own. */
export function plainLine(text: string, style: Style = {}, isCut = true): TextLine {
  return { spans: [{ text }], isCut, style }
}
