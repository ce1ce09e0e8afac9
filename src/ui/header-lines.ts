/**
 * The wizard's header as lines (text-line.ts): the run's line (checklist title, environment,
 * operator, run id) and the progress line (the run's bar, the phase on screen with its own bar).
 * Their parts were boxes that give way by flexbox rules; here they are laid out by hand as
 * Ink's layout (yoga) lays those boxes out — each part's share of the shortfall, the cells
 * rounded as yoga rounds them, a text cut where its box ends — so that each line is one text
 * node the wizard draws and the first paint (first-paint/) writes alike. Null where the line
 * would be drawn other than as one plain line (a part wider than the row, a wide character cut
 * in two): the wizard keeps its boxes for it. Pure.
 */
import { isProduction } from '../checklist/environments.ts'
import type { Checklist } from '../checklist/model.ts'
import { escapeControls } from '../output/terminal.ts'
import { type Progress, progressOf, progressWords } from '../run/describe.ts'
import type { RunState } from '../run/model.ts'
import type { Layout } from './layout.ts'
import type { Span } from './markdown-lines.ts'
import { cutText, graphemes, textWidth } from './text-kit.ts'
import { plainLine, type Style, type TextLine } from './text-line.ts'
import { barParts, environmentColor } from './theme.ts'

/** A box of a row: its text nodes (one after another), how much it gives way, and whether it is cut. */
interface Part {
  readonly spans: readonly Span[]
  /** Yoga's flexShrink: its share of the shortfall is this times its width. */
  readonly shrink: number
  /** Its one text is cut at its end where its box is narrower (truncate-end); else it wraps. */
  readonly isCut?: boolean
  /** The box's margin on the left (columns). */
  readonly margin?: number
}

/** Yoga's comparison of layout values. */
function near(a: number, b: number): boolean {
  return Math.abs(a - b) < 0.0001
}

/** Yoga's roundValueToPixelGrid at a scale of one cell. */
function toGrid(value: number, forceCeil: boolean, forceFloor: boolean): number {
  let fraction = value % 1
  if (fraction < 0) fraction += 1
  if (near(fraction, 0)) return value - fraction
  if (near(fraction, 1)) return value - fraction + 1
  if (forceCeil) return value - fraction + 1
  if (forceFloor) return value - fraction
  return value - fraction + (fraction > 0.5 || near(fraction, 0.5) ? 1 : 0)
}

/**
 * The sizes yoga gives boxes of natural widths `bases` in a row of `width`: where they are too
 * wide, each gives way by its shrink times its width. Where one box alone gives way, it gives
 * all it has and the rest runs past the row's end (the screen's box cuts it). Null where more
 * than one would go below nothing: yoga's layout of such a row is not worked out here, and its
 * boxes draw it.
 */
function shrunk(bases: readonly number[], shrinks: readonly number[], width: number) {
  const total = bases.reduce((sum, base) => sum + base, 0)
  if (total <= width) return [...bases]
  const scaled = bases.map((base, index) => (shrinks[index] ?? 0) * base)
  const totalScaled = scaled.reduce((sum, factor) => sum + factor, 0)
  if (totalScaled === 0) return null
  const sizes = bases.map(
    (base, index) => base - ((total - width) * (scaled[index] ?? 0)) / totalScaled,
  )
  if (sizes.every((size) => size >= 0)) return sizes
  // One box that gives way gives all it has; the rest runs past the row's end.
  if (scaled.filter((factor) => factor > 0).length === 1)
    return sizes.map((size, index) => ((scaled[index] ?? 0) > 0 ? Math.max(0, size) : size))
  return null
}

/** The cells of `text` from column 0 to `end`; null where a wide character would be cut in two. */
function upTo(text: string, end: number): string | null {
  let out = ''
  let column = 0
  for (const segment of graphemes(text)) {
    const cells = textWidth(segment)
    if (column + cells > end) return column === end ? out : null
    out += segment
    column += cells
  }
  return out
}

/**
 * The parts laid out in a row of `width` as yoga lays out their boxes and Ink draws them: each
 * box at its rounded place, its text cut (a cut part has one text) to its text node's rounded
 * width, and what the next box draws over. Null where that is not one plain line.
 */
function rowLine(parts: readonly Part[], width: number): TextLine | null {
  const texts = parts.map((part) => part.spans.map((span) => escapeControls(span.text)))
  if (texts.some((spans) => spans.some((text) => /[\t\n]/.test(text)))) return null
  const bases = texts.map((spans) => spans.reduce((sum, text) => sum + textWidth(text), 0))
  // Margins take their columns first; the boxes share the shortfall by their own widths.
  const margins = parts.reduce((sum, part) => sum + (part.margin ?? 0), 0)
  // Yoga measures each box within the row's width first: that is what it shrinks from.
  const sizes = shrunk(
    bases.map((base) => Math.min(base, width - margins)),
    parts.map((part) => part.shrink),
    width - margins,
  )
  if (!sizes) return null
  // A text that wraps (not cut) in a box made narrower would take more lines.
  if (
    parts.some((part, index) => !part.isCut && (sizes[index] ?? 0) < (bases[index] ?? 0) - 0.0001)
  )
    return null
  const spans: Span[] = []
  let column = 0
  let left = 0
  for (const [index, part] of parts.entries()) {
    const size = sizes[index] ?? 0
    const boxLeft = left + (part.margin ?? 0)
    const at = toGrid(boxLeft, false, false)
    // What the next box draws over, or the screen's edge.
    const next = Math.min(
      width,
      index + 1 < parts.length
        ? toGrid(boxLeft + size + (parts[index + 1]?.margin ?? 0), false, false)
        : width,
    )
    left = boxLeft + size
    if (at >= width) break
    if (at > column) spans.push({ text: ' '.repeat(at - column) })
    column = Math.max(column, at)
    const own = texts[index] ?? []
    if (own.length === 1 && part.isCut) {
      // A cut part's text node: as wide as its box, its edges on yoga's grid for text.
      const isFraction = !near(Math.round(size), size)
      const room = toGrid(boxLeft + size, isFraction, !isFraction) - toGrid(boxLeft, false, true)
      const [text = ''] = own
      const cut = textWidth(text) > room ? cutText(text, room, 'end') : text
      const shown = upTo(cut, next - column)
      if (shown === null) return null
      spans.push({ ...part.spans[0], text: shown })
      column += textWidth(shown)
    } else {
      for (const [at, text] of own.entries()) {
        const shown = upTo(text, next - column)
        if (shown === null) return null
        spans.push({ ...part.spans[at], text: shown })
        column += textWidth(shown)
      }
    }
  }
  return { spans, isCut: false }
}

/** What the run's line shows. */
export interface RunLineInput {
  readonly title: string
  readonly environment: string
  readonly isProduction: boolean
  readonly operator: string
  readonly runId: string
}

/** What the header's first line shows of a run's session. */
export function runLineInput(session: {
  readonly checklist: Checklist
  readonly environment: string
  readonly operator: string
  readonly id: string
}): RunLineInput {
  return {
    title: session.checklist.title,
    environment: session.environment,
    isProduction: isProduction(session.checklist, session.environment),
    operator: session.operator,
    runId: session.id,
  }
}

/**
 * The header's first line: the title gives way first, then the operator; the environment and
 * the run id, its only unique name, stay.
 */
export function runLine(input: RunLineInput, width: number): TextLine | null {
  const env = input.environment
  const dim: Style = { isDim: true }
  return rowLine(
    [
      { spans: [{ text: input.title, isBold: true }], shrink: 8, isCut: true },
      {
        spans: [
          { text: '  ' },
          {
            text: ` ${input.isProduction ? `${env.toUpperCase()} ⚠` : env} `,
            isBold: true,
            color: environmentColor(env, input.isProduction),
            isInverse: input.isProduction,
          },
        ],
        shrink: 0,
      },
      { spans: [{ text: `  ${input.operator}`, ...dim }], shrink: 1, isCut: true },
      { spans: [{ text: ` · ${input.runId}`, ...dim }], shrink: 0 },
    ],
    width,
  )
}

/** A bar and its count, failed and skipped items apart in both: `███░ 5/5 · 1 failed`. */
export function barSpans(progress: Progress, barWidth: number, isShort: boolean): Span[] {
  return [
    ...barParts(progress, barWidth).map((part) => ({
      text: part.cells,
      ...(part.color ? { color: part.color } : {}),
    })),
    { text: ` ${progressWords(progress, isShort)}` },
  ]
}

/** What the progress line shows: the run's progress, and the phase on screen (null: the sign-off). */
export interface ProgressLineInput {
  readonly overall: Progress
  readonly phase: {
    readonly number: number
    readonly count: number
    readonly title: string
    readonly progress: Progress
  } | null
  readonly environment: string
  /** Checks running now: said at the end, in cyan. */
  readonly running: number
}

/**
 * How the progress line's bars look in `width` columns: from 120 the bars are twice as long;
 * under 100 the counts of failed and skipped items take their icons' short form; under 60 the
 * bars are half as long and the run's loses its word, so that the phase's number and counts still
 * fit whole beside them (at 40 columns its count was cut to its first digit, its number dropped).
 */
export function progressLook(width: number): {
  readonly barWidth: number
  readonly isShort: boolean
  readonly overallLabel: string
} {
  return {
    barWidth: width >= 120 ? 20 : width < 60 ? 5 : 10,
    isShort: width < 100,
    overallLabel: width < 60 ? '' : 'overall ',
  }
}

/**
 * The header's second line: the run's bar, then the phase on screen with its own bar (or
 * "Sign-off"), and how many checks run, as progressLook says at this width. The phase's title
 * gives way before its counts do.
 */
export function progressLine(input: ProgressLineInput, width: number): TextLine | null {
  const { barWidth, isShort, overallLabel } = progressLook(width)
  const parts: Part[] = [
    {
      spans: [
        ...(overallLabel ? [{ text: overallLabel }] : []),
        ...barSpans(input.overall, barWidth, isShort),
      ],
      shrink: 0,
    },
  ]
  const phase = input.phase
  if (phase) {
    parts.push(
      {
        spans: [{ text: `${phase.number}/${phase.count} ${phase.title}` }],
        shrink: 1,
        isCut: true,
        margin: 2,
      },
      {
        spans:
          phase.progress.total === 0
            ? [{ text: `does not apply to ${input.environment}`, isDim: true }]
            : barSpans(phase.progress, barWidth, isShort),
        shrink: 0,
        margin: 1,
      },
    )
  } else {
    // Its box gives way as any box does (Ink's default), its text wrapping: see rowLine.
    parts.push({ spans: [{ text: 'Sign-off', isBold: true }], shrink: 1, margin: 2 })
  }
  if (input.running > 0)
    parts.push({
      spans: [{ text: `${input.running} running`, color: 'cyan' }],
      shrink: 0,
      margin: 2,
    })
  return rowLine(parts, width)
}

/** What the progress line shows of the run: its progress, and the phase on screen's. */
export function progressLineInput(
  state: {
    readonly layout: Layout
    readonly run: RunState
    readonly screen: 'phase' | 'signoff'
    readonly phaseIndex: number
  },
  environment: string,
  running: number,
): ProgressLineInput {
  const phase = state.screen === 'phase' ? state.layout.phases[state.phaseIndex] : undefined
  return {
    overall: progressOf(state.layout.items.values(), state.run),
    phase: phase
      ? {
          number: state.phaseIndex + 1,
          count: state.layout.phases.length,
          title: phase.title,
          progress: progressOf(phase.items, state.run),
        }
      : null,
    environment,
    running,
  }
}

/** The rule under the header and under the list. */
export function ruleLine(width: number): TextLine {
  return plainLine('─'.repeat(width), { isDim: true }, false)
}
