/**
 * App's trust question (app.tsx, case 'trust') as text, for `run` to paint before Ink loads:
 * the problem line above it when there is one, then TrustPrompt's box. What the prompt shows
 * comes from the functions TrustPrompt and ConfirmPrompt draw from (confirm-layout.ts,
 * scroll-rows.ts, trust-words.ts); how it looks, from Ink's own packages (ink-draw.ts).
 */
import type { TrustQuestion } from '../ask.ts'
import { BORDER_COLUMNS, CONFIRM_COLOR, confirmLayout, trustList } from '../confirm-layout.ts'
import { MIN_COLUMNS, MIN_ROWS } from '../screen-size.ts'
import { scrollRows } from '../scroll-rows.ts'
import { withoutTextPackages } from '../text-kit.ts'
import type { Style } from '../text-line.ts'
import { TRUST_QUESTION_WORDS } from '../trust-words.ts'
import { styled } from './ink-codes.ts'
import { inkFrame, roundBox, textLine, type Wrap } from './ink-draw.ts'

/**
 * App's trust question, exactly as Ink draws it for its first render: the frame's lines joined
 * by "\n", in chalk's colours at chalk's level (none under NO_COLOR, where the entry sets
 * FORCE_COLOR=0). Null where it cannot promise that frame:
 * - a terminal under MIN_COLUMNS×MIN_ROWS: App says it is too small instead;
 * - a prompt taller than the terminal (a path so long that its lines leave the list no row):
 *   Ink draws a frame taller than the screen, which the terminal scrolls;
 * - a path, problem line or command with a character Ink does not draw as measured (a tab, a
 *   default-ignorable character) or, in the path, a control character: the Text that draws it
 *   escapes it after the prompt has wrapped the path, and Ink wraps it onto more lines;
 * - text that only Ink's own packages measure (text-kit.ts), which the paint runs without.
 */
export function trustScreenFrame(screen: TrustScreenInput): string | null {
  return withoutTextPackages(() => trustFrame(screen))
}

export interface TrustScreenInput {
  readonly question: TrustQuestion
  /** App's line for run files set aside, above the prompt; null usually. */
  readonly problemLine: string | null
  readonly columns: number
  readonly rows: number
}

function trustFrame({ question, problemLine, columns, rows }: TrustScreenInput): string | null {
  if (columns < MIN_COLUMNS || rows < MIN_ROWS) return null
  const { title, note, yes, no } = TRUST_QUESTION_WORDS
  const width = columns
  // App gives the problem line its row.
  const height = rows - (problemLine === null ? 0 : 1)
  const { lines, scrollHint } = trustList(question.commands, width)
  const layout = confirmLayout({
    subtitle: question.path,
    lineCount: lines.length,
    hasNote: true,
    yes,
    no,
    width,
    height,
  })
  if (layout.room < 1) return null
  const inner = width - BORDER_COLUMNS
  const color = CONFIRM_COLOR
  /** A `<Text>` of the prompt: its string, how it fits the width, its style. */
  const text = (shown: string, wrap: Wrap, style: Style = {}) => ({ shown, wrap, style })
  const texts = [
    // Cut at its start: the question at its end stays.
    text(title, 'truncate-start', { isBold: true, color }),
    ...layout.subtitleLines.map((line) => text(line, 'wrap', { color })),
    // The first render: the list scrolled to its top.
    ...scrollRows(
      lines.map((line) => ({ text: line })),
      0,
      layout.listHeight,
    ).map((row) =>
      row.kind === 'line'
        ? text(row.line.text, 'truncate-end')
        : text(row.text, 'wrap', { isDim: true }),
    ),
    ...(layout.hasHint ? [text(scrollHint, 'truncate-end', { color })] : []),
    ...(layout.showsNote ? [text(note, 'truncate-end')] : []),
    ...layout.answers.map((line) => text(line, 'truncate-end')),
  ]
  const content: string[] = []
  for (const { shown, wrap, style } of texts) {
    const fitted = textLine(shown, inner, wrap)
    if (fitted === null) return null
    content.push(styled(fitted, style))
  }
  // The path is wrapped as it is and escaped as it is drawn: escaped, it may no longer fit.
  if (layout.subtitleLines.some((line) => textLine(line, inner, 'wrap') !== line)) return null
  let above: string[] = []
  if (problemLine !== null) {
    // As App draws it: yellow, cut at its end, across the terminal.
    const shown = textLine(problemLine, width, 'truncate-end')
    if (shown === null) return null
    above = [styled(shown, { color: 'yellow' })]
  }
  const boxed = roundBox(content, width, color)
  return boxed && inkFrame([...above, ...boxed])
}
