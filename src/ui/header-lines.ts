/**
 * The wizard's header as lines (text-line.ts): the run's line (checklist title, environment,
 * operator, run id) and the progress line (the run's bar, the phase on screen with its own bar).
 * Their parts are boxes that give way; here each line is laid out by hand, so that it is one text
 * node the wizard draws and the first paint (first-paint/) writes alike. The run's line gives its
 * boxes whole cells (runLineParts), its parts giving way one after another in a strict order, the
 * same widths its boxes are drawn with where it is not one line: yoga would share the shortfall
 * among them and give them fractions, and the next box would be drawn over a cut text's last
 * cell, its `…`. The progress line has one part that gives way, always whole cells, and is laid out
 * as Ink's layout (yoga) lays its boxes out. Null where the line would be drawn other than as one
 * plain line (a part wider than the row, a wide character cut in two): the wizard keeps its boxes
 * for it. Pure.
 */
import { isProduction } from '../checklist/environments.ts'
import type { Checklist } from '../checklist/model.ts'
import type { CallerIdentity } from '../checks/aws/account.ts'
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
 * The sizes yoga gives the parts' boxes in a row of `width`, each measured within the row first.
 * Null where that is not one plain line: a text that wraps (not cut) in a box made narrower would
 * take more lines.
 */
function yogaSizes(parts: readonly Part[], bases: readonly number[], width: number) {
  // Margins take their columns first; the boxes share the shortfall by their own widths.
  const margins = parts.reduce((sum, part) => sum + (part.margin ?? 0), 0)
  const sizes = shrunk(
    bases.map((base) => Math.min(base, width - margins)),
    parts.map((part) => part.shrink),
    width - margins,
  )
  if (!sizes) return null
  if (
    parts.some((part, index) => !part.isCut && (sizes[index] ?? 0) < (bases[index] ?? 0) - 0.0001)
  )
    return null
  return sizes
}

/** The parts' texts as drawn (controls escaped), null where one has a tab or newline. */
function textsOf(parts: readonly Part[]): string[][] | null {
  const texts = parts.map((part) => part.spans.map((span) => escapeControls(span.text)))
  return texts.some((spans) => spans.some((text) => /[\t\n]/.test(text))) ? null : texts
}

/** Each part's natural width: its texts side by side. */
function basesOf(texts: readonly (readonly string[])[]): number[] {
  return texts.map((spans) => spans.reduce((sum, text) => sum + textWidth(text), 0))
}

/**
 * The parts laid out in a row of `width` with boxes of `sizes`, as Ink draws them: each box at
 * its place (rounded as yoga rounds it), its text cut (a cut part has one text) to its text
 * node's rounded width, and what the next box draws over. Null where that is not one plain line.
 */
function rowLine(
  parts: readonly Part[],
  texts: readonly (readonly string[])[],
  sizes: readonly number[],
  width: number,
): TextLine | null {
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

/** A part of the run's line after the run id: a team run's sync words, the AWS account. */
export interface RunLineExtra {
  readonly span: Span
  /** Which it is: where it gives way on the line (runLineParts) follows from it. */
  readonly kind: 'sync' | 'account'
  /**
   * The characters always shown where it is shown at all: it is cut only at a space after them,
   * ending in `…`, else left out with its separator. Absent: it stays whole (an account that is
   * not the environment's).
   */
  readonly least?: number
}

/** What the run's line shows. */
export interface RunLineInput {
  readonly title: string
  readonly environment: string
  readonly isProduction: boolean
  readonly operator: string
  /** Words before the operator's name, kept with it when it is cut: watch's `started by `. */
  readonly operatorLabel?: string
  readonly runId: string
  /** What follows the run id (runLineExtras). */
  readonly extras?: readonly RunLineExtra[]
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
 * Where sync words may be cut: after their first clause (`1 waiting, offline since 12:03` reads
 * `1 waiting…`, `2 not sent: …` reads `2 not sent…`); words of one clause (`not driving`,
 * `synced`) are shown whole or not at all, since a cut there (`not…`) would say something else.
 */
function clauseEnd(text: string): number {
  const at = text.search(/[,:;] /)
  return at < 0 ? text.length : at
}

/**
 * What the run's line shows after the run id: a team run's sync words, and the AWS account the
 * checks run in once STS has said, `aws 111111111111 (acme-dev)`, whole and in red with what was
 * expected when it is not the environment's.
 */
export function runLineExtras(
  sync: { readonly text: string } | null | undefined,
  identity: CallerIdentity | null,
  expected: { readonly id: string } | undefined,
  environment: string,
): RunLineExtra[] {
  const extras: RunLineExtra[] = []
  if (sync) {
    const style: Style = sync.text === 'synced' ? { isDim: true } : { color: 'yellow' }
    const text = ` · ${sync.text}`
    extras.push({ span: { text, ...style }, kind: 'sync', least: 3 + clauseEnd(sync.text) })
  }
  if (identity) {
    const account = identity.alias ? `${identity.account} (${identity.alias})` : identity.account
    const shown = ` · aws ${identity.account}`
    extras.push(
      expected && expected.id !== identity.account
        ? {
            span: {
              text: `  aws ${account} ≠ ${environment} ${expected.id}`,
              isBold: true,
              color: 'red',
            },
            kind: 'account',
          }
        : {
            span: { text: ` · aws ${account}`, isDim: true },
            kind: 'account',
            least: shown.length,
          },
    )
  }
  return extras
}

/**
 * How narrow the title gets before the operator gives way: 12 cells, its `…` counted (or the
 * whole title, where it is shorter).
 */
export const TITLE_LEAST = 12
/**
 * How narrow the operator's name gets before the title gives way again: 12 cells, its `…`
 * counted (or the whole name, where it is shorter), after watch's `started by `.
 */
export const OPERATOR_LEAST = 12

/** A box of the run's line: its spans (a cut one has one), whether its text is cut, its width. */
export interface RunLinePart {
  readonly spans: readonly Span[]
  readonly isCut: boolean
  readonly width: number
}

/** As Ink measures a text: its widest line. */
function measure(text: string): number {
  return Math.max(...text.split('\n').map((line) => textWidth(line)))
}

/** A text cut at its end to `columns` or fewer: as wide as its cut is (a wide character that does not fit is left out with its cell). */
function cutWidth(text: string, base: number, columns: number): number {
  if (columns >= base) return base
  if (columns <= 0) return 0
  // Ink cuts a text of several lines, or with a tab, other than cutText does: its box is as given.
  if (/[\t\n]/.test(text)) return columns
  return textWidth(cutText(text, columns, 'end'))
}

/** `text` cut at a space after its first `least` characters, ending in `…`, widest first. */
function wordCuts(text: string, least: number): string[] {
  const cuts: string[] = []
  for (let at = text.length - 1; at >= least; at--) {
    if (text[at] !== ' ' || text[at - 1] === ' ') continue
    cuts.push(`${text.slice(0, at).replace(/[,:;]$/, '')}…`)
  }
  return cuts
}

/**
 * The run's line as boxes of whole cells in `width` columns. The parts give way in a strict
 * order, each only once those before it have given all they may: the title down to TITLE_LEAST,
 * the AWS account where it is the environment's (cut at a word, then left out), the operator
 * down to OPERATOR_LEAST, the title down to its `…`, the operator down to its `…`, the title left out (and the gap after it), the
 * operator left out, then a team run's sync words (cut at a word, then left out: they say that
 * answers are not reaching the team, and matter more than the title). The environment and the
 * run id, the run's only unique name, stay whole wherever they fit at all; where not even they
 * do, what is left is one part cut at the line's end with `…`. A cell a wide character leaves
 * goes back to the part that gave way before. The line and its boxes (RunLineBoxes) are laid out
 * from these alike.
 */
export function runLineParts(input: RunLineInput, width: number): RunLinePart[] {
  const env = input.environment
  const dim: Style = { isDim: true }
  const operator = `  ${input.operatorLabel ?? ''}${input.operator}`
  const extras = input.extras ?? []
  const spansOf: Span[][] = [
    [{ text: input.title, isBold: true }],
    [{ text: '  ' }],
    [
      {
        text: ` ${input.isProduction ? `${env.toUpperCase()} ⚠` : env} `,
        isBold: true,
        color: environmentColor(env, input.isProduction),
        isInverse: input.isProduction,
      },
    ],
    [{ text: operator, ...dim }],
    [{ text: ` · ${input.runId}`, ...dim }],
    ...extras.map((extra) => [extra.span]),
  ]
  const [TITLE, GAP, , OPERATOR] = [0, 1, 2, 3]
  const texts = spansOf.map((spans) => spans.map((span) => escapeControls(span.text)).join(''))
  const bases = texts.map(measure)
  // Each extra that gives way: its widths, whole, cut at a word, and left out.
  const forms = extras.map((extra, index) => {
    if (extra.least === undefined) return null
    const text = texts[5 + index] ?? ''
    const cuts = wordCuts(extra.span.text, extra.least).map((cut) => ({
      text: cut,
      width: measure(escapeControls(cut)),
    }))
    return [{ text: extra.span.text, width: measure(text) }, ...cuts, { text: '', width: 0 }]
  })
  /** The widest the part at `index` is drawn at, up to `columns`. */
  const fit = (index: number, columns: number): number => {
    const base = bases[index] ?? 0
    if (index === TITLE || index === OPERATOR) return cutWidth(texts[index] ?? '', base, columns)
    const own = forms[index - 5]
    return own?.find((form) => form.width <= columns)?.width ?? base
  }
  const least = (text: string, cells: number) => Math.min(textWidth(escapeControls(text)), cells)
  const steps: { readonly index: number; readonly floor: number }[] = [
    { index: TITLE, floor: least(input.title, TITLE_LEAST) },
    ...extras.flatMap((extra, at) =>
      extra.kind === 'account' && extra.least !== undefined ? [{ index: 5 + at, floor: 0 }] : [],
    ),
    {
      index: OPERATOR,
      floor: 2 + textWidth(input.operatorLabel ?? '') + least(input.operator, OPERATOR_LEAST),
    },
    { index: TITLE, floor: 1 },
    { index: OPERATOR, floor: 1 },
    { index: TITLE, floor: 0 },
    { index: OPERATOR, floor: 0 },
    ...extras.flatMap((extra, at) =>
      extra.kind === 'sync' && extra.least !== undefined ? [{ index: 5 + at, floor: 0 }] : [],
    ),
  ]
  const widths = [...bases]
  let over = widths.reduce((sum, one) => sum + one, 0) - width
  const given: { readonly index: number; readonly before: number }[] = []
  for (const { index, floor } of steps) {
    if (over <= 0) break
    const before = widths[index] ?? 0
    const after = fit(index, Math.max(floor, before - over))
    if (after >= before) continue
    widths[index] = after
    over -= before - after
    // Without the title, the gap between it and the environment goes too.
    if (index === TITLE && after === 0) {
      over -= widths[GAP] ?? 0
      widths[GAP] = 0
    }
    given.push({ index, before })
  }
  // Cells a cut gave beyond what was short (a wide character, a word) go back, the last to give
  // way first, each up to what it had.
  for (const { index, before } of given.reverse()) {
    if (over >= 0) break
    const had = widths[index] ?? 0
    // The title comes back with the gap after it.
    const gap = index === TITLE && had === 0 ? 2 : 0
    const grown = fit(index, Math.min(before, had - over - gap))
    if (grown > had) {
      over += grown - had + gap
      widths[index] = grown
      if (gap) widths[GAP] = gap
    }
  }
  const parts = spansOf.flatMap((spans, index): RunLinePart[] => {
    const shown = widths[index] ?? 0
    if (shown === 0) return []
    const own = forms[index - 5]
    if (own) {
      const form = own.find((one) => one.width === shown)
      const [span = { text: '' }] = spans
      return [{ spans: [{ ...span, text: form?.text ?? '' }], isCut: false, width: shown }]
    }
    return [{ spans, isCut: index === TITLE || index === OPERATOR, width: shown }]
  })
  if (over <= 0) return parts
  // Not even the environment and run id fit: the line's end is cut.
  return [{ spans: parts.flatMap((part) => part.spans), isCut: true, width }]
}

/** The header's first line (runLineParts) as one line; null where it is not one plain line. */
export function runLine(input: RunLineInput, width: number): TextLine | null {
  const boxes = runLineParts(input, width)
  const [only] = boxes
  if (boxes.length === 1 && only?.isCut && only.spans.length > 1)
    return { spans: only.spans, isCut: true }
  const parts: Part[] = boxes.map((box) => ({ ...box, shrink: 0 }))
  const texts = textsOf(parts)
  return (
    texts &&
    rowLine(
      parts,
      texts,
      boxes.map((box) => box.width),
      width,
    )
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
  const texts = textsOf(parts)
  if (!texts) return null
  const sizes = yogaSizes(parts, basesOf(texts), width)
  return sizes && rowLine(parts, texts, sizes, width)
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
