/**
 * The wizard's first frame for a run just opened, written before Ink has loaded: the same lines
 * the wizard (wizard.tsx) draws on its first render, from the same pure functions (header-lines,
 * wizard-screen, row-lines, detail-lines, footer-keys), written as Ink writes them (ansi-line).
 * Nothing here loads Ink, React or a .tsx module.
 */
import { needsTrust } from '../../checks/registry.ts'
import { blankEntries } from '../../run/describe.ts'
import { startedCount } from '../../run/snapshot.ts'
import { detailLines, paneRows } from '../detail-lines.ts'
import { footerHeight, keyLines } from '../footer-keys.ts'
import {
  progressLine,
  progressLineInput,
  ruleLine,
  runLine,
  runLineInput,
} from '../header-lines.ts'
import { scopeNote } from '../layout.ts'
import type { OpenedRun } from '../open-run.ts'
import { itemRowLine } from '../row-lines.ts'
import { plainLine, type TextLine } from '../text-line.ts'
import { cursorOf, initialWizardState } from '../use-wizard-state.ts'
import { hasChecks, hasScoped, phaseListRows, screenSize } from '../wizard-screen.ts'
import { drawLine, inkFrame } from './ink-draw.ts'

export interface PhaseScreenInput {
  readonly opened: OpenedRun
  /** What App passes the wizard as its notice (tone 'warn'), or null. */
  readonly notice: string | null
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
 *   fit-line.ts leaves to Ink, a header line a wide character would be cut in.
 */
export function phaseScreenFrame(input: PhaseScreenInput): string | null {
  const { session, layout } = input.opened
  const snapshot = session.snapshot
  const hasPages = layout.references.length > 0
  const { isTooSmall, height, width, paneHeight, chrome } = screenSize(
    input.columns,
    input.rows,
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

  const item = phase.items[cursorOf(state, phase.id)]
  const detail = item
    ? paneRows(
        detailLines({
          item,
          record: state.run.items[item.id] ?? null,
          live: undefined,
          width: width - 1,
          now: Date.now(),
          isUntrustedCommand: needsTrust(item) && !state.isTrusted,
          section: layout.sections.get(item.sectionId),
          prose: phase.prose.get(item.id),
          scope: scopeNote(item, state.run),
          blanks: blankEntries(item, layout.signoff, state.run),
        }),
        paneHeight,
      ).map((row) =>
        row.kind === 'marker'
          ? plainLine(row.text, { isDim: true }, false)
          : row.line.spans && row.line.spans.length > 0
            ? { spans: row.line.spans, isCut: true }
            : plainLine(row.line.text || ' ', {
                ...(row.line.color ? { color: row.line.color } : {}),
                ...(row.line.isBold ? { isBold: true } : {}),
                ...(row.line.isDim ? { isDim: true } : {}),
              }),
      )
    : []
  lines.push(...detail, ...blank(paneHeight - detail.length))

  // The footer's box is as tall as the most keys need, its lines at its foot.
  const footer = [
    input.notice ? plainLine(input.notice, { color: 'red' }) : plainLine(' ', {}, false),
    ...keyLines('phase', width, hasChecks(layout), hasPages, hasScoped(layout)).map((text) =>
      plainLine(text, { isDim: true }),
    ),
  ]
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
