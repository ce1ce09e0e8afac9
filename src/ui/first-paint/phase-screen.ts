/**
 * The wizard's first frame for a run just opened, written before Ink has loaded: the same lines
 * the wizard (wizard.tsx) draws on its first render, from the same pure functions (header-lines,
 * wizard-screen, row-lines, detail-lines, footer-keys), written as Ink writes them (ansi-line).
 * Nothing here loads Ink, React or a .tsx module.
 */
import { startedCount } from '../../run/snapshot.ts'
import { detailLines, paneRowLine, paneRows } from '../detail-lines.ts'
import { footerHeight, footerLines } from '../footer-keys.ts'
import {
  progressLine,
  progressLineInput,
  ruleLine,
  runLine,
  runLineInput,
} from '../header-lines.ts'
import type { OpenedRun } from '../open-run.ts'
import { itemRowLine } from '../row-lines.ts'
import { withoutTextPackages } from '../text-kit.ts'
import type { TextLine } from '../text-line.ts'
import { initialWizardState, type Notice } from '../use-wizard-state.ts'
import { detailInputOf, hasChecks, hasScoped, phaseListRows, screenSize } from '../wizard-screen.ts'
import { drawLine, inkFrame } from './ink-draw.ts'

export interface PhaseScreenInput {
  readonly opened: OpenedRun
  /** What App passes the wizard as its notice, or null. */
  readonly notice: Notice | null
  /** As App's options.today (the sign-off's date fields; not on the phase screen's first frame). */
  readonly today: string
  readonly columns: number
  readonly rows: number
}

/**
 * The wizard's first frame for a run just opened, exactly as Ink draws it: lines joined by "\n",
 * trailing blanks dropped, chalk's codes at chalk's level. Null where that cannot be promised,
 * and Ink draws the first frame alone:
 * - a terminal smaller than the wizard's smallest (its one line is Ink's to wrap);
 * - a run that opens on the sign-off screen;
 * - a team run (its sync words), an AWS identity already known, entries not saved, checks already
 *   running (spinners and clocks): the header and rows that show them are boxes Ink lays out;
 * - a line Ink would draw other than as one plain line: a tab or newline in it, an item row
 *   fit-line.ts leaves to Ink, a header line a wide character would be cut in;
 * - text that only Ink's own packages measure (text-kit.ts), which the paint runs without.
 */
export function phaseScreenFrame(screen: PhaseScreenInput): string | null {
  return withoutTextPackages(() => phaseFrame(screen))
}

function phaseFrame(screen: PhaseScreenInput): string | null {
  const { session, layout } = screen.opened
  const snapshot = session.snapshot
  const hasPages = layout.references.length > 0
  const { isTooSmall, height, width, paneHeight, chrome } = screenSize(
    screen.columns,
    screen.rows,
    hasPages,
  )
  if (isTooSmall) return null
  if (snapshot.sync || snapshot.awsIdentity || snapshot.unsaved.length > 0) return null
  if (startedCount(snapshot.running) > 0) return null
  const state = { ...initialWizardState(layout, snapshot.run), ...snapshot }
  const phase = state.screen === 'phase' ? layout.phases[state.phaseIndex] : undefined
  if (!phase) return null
  const listHeight = height - chrome - paneHeight

  const lines: (TextLine | null)[] = [
    runLine(runLineInput(session), width),
    progressLine(progressLineInput(state, session.environment, 0), width),
    ruleLine(width),
  ]
  const listed = phaseListRows(state, listHeight).map((row) =>
    row.kind === 'line' ? row.line : row.live ? null : itemRowLine(row.input, width),
  )
  lines.push(...listed, ...blank(listHeight - listed.length), ruleLine(width))

  // Checks are not running yet (see above): the item has no live check.
  const input = detailInputOf(state, width)
  const detail = input ? paneRows(detailLines(input), paneHeight).map(paneRowLine) : []
  lines.push(...detail, ...blank(paneHeight - detail.length))

  // The footer's box is as tall as the most keys need, its lines at its foot.
  const footer = footerLines(
    'phase',
    screen.notice,
    width,
    hasChecks(layout),
    hasPages,
    hasScoped(layout),
  )
  lines.push(...blank(footerHeight(width, hasPages) - footer.length), ...footer)
  if (lines.length !== height) return null
  const drawn: string[] = []
  for (const line of lines) {
    const text = line && drawLine(line, width)
    if (text === null || text === undefined) return null
    drawn.push(text)
  }
  return inkFrame(drawn)
}

/** Rows with nothing drawn in them. */
function blank(count: number): TextLine[] {
  return Array.from({ length: Math.max(0, count) }, () => ({ spans: [], isCut: false }))
}
