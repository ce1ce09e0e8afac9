/**
 * What a scrolled list shows in its rows (ScrollView in scroll-view.tsx): the lines from a
 * scroll position, the first and last row giving way to "↑ n more" and "↓ n more" when there
 * is more that way. Pure, so that the frame painted before Ink loads
 * (first-paint/trust-screen.ts) shows the same rows.
 */
import type { SpanLine } from './markdown-lines.ts'
import type { Color } from './theme.ts'

export interface ScrollLine {
  readonly text: string
  readonly color?: Color
  /** Rendered markdown, drawn in place of `text`. */
  readonly spans?: SpanLine
}

/** A row of the list: one of its lines (`at` its index), or a marker drawn dim. */
export type ScrollRow =
  | { readonly kind: 'line'; readonly at: number; readonly line: ScrollLine }
  | { readonly kind: 'above' | 'below'; readonly text: string }

/** Under three rows the markers would leave no line to read: scrolling shows each in turn. */
const hasMarkers = (height: number) => height >= 3

/**
 * How many of `total` lines shown from `top` in `height` rows are not on screen below: those
 * past the window, and the last row's own when its marker takes it (what "↓ n more" says).
 */
export function unseenBelow(total: number, top: number, height: number): number {
  const below = Math.max(0, total - top - height)
  return below > 0 && hasMarkers(height) ? below + 1 : below
}

/** The rows of `lines` shown from `top` (see use-scroll.ts) in `height` rows. */
export function scrollRows(lines: readonly ScrollLine[], top: number, height: number): ScrollRow[] {
  const shown = lines.slice(top, top + height)
  const below = lines.length - top - shown.length
  return shown.map((line, index): ScrollRow => {
    if (hasMarkers(height) && index === shown.length - 1 && below > 0) {
      return { kind: 'below', text: `  ↓ ${unseenBelow(lines.length, top, height)} more` }
    }
    if (hasMarkers(height) && index === 0 && top > 0)
      return { kind: 'above', text: `  ↑ ${top + 1} more` }
    return { kind: 'line', at: top + index, line }
  })
}
