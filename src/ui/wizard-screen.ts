/**
 * The wizard's screen worked out without drawing it: the smallest terminal it is drawn in, the
 * rows its parts take, the window of a phase's rows that fits, and each of those rows as a line
 * (row-lines.ts) or, for an item, what its row shows. Pure: the wizard (wizard.tsx) draws from
 * it, and so does the first paint before Ink has loaded (first-paint/).
 */
import { needsTrust } from '../checks/registry.ts'
import { approvalAt } from '../run/approvals.ts'
import { blankEntries } from '../run/describe.ts'
import type { RunState } from '../run/model.ts'
import { type ChecksInFlight, type LiveCheck, liveCheck } from '../run/snapshot.ts'
import type { DetailInput } from './detail-lines.ts'
import { footerHeight } from './footer-keys.ts'
import {
  appliesIn,
  type Layout,
  outOfScopeReason,
  type PhaseView,
  scopeNote,
  stateOf,
} from './layout.ts'
import {
  gateRowLine,
  groupRowLine,
  heldRowLine,
  type ItemRowInput,
  moreLine,
  proseRowLine,
} from './row-lines.ts'
import { MIN_COLUMNS, MIN_ROWS } from './screen-size.ts'
import type { TextLine } from './text-line.ts'
import { cursorOf, type WizardState } from './use-wizard-state.ts'

/** Lines the header and the separators take; the footer's depend on the width. */
export const CHROME_LINES = 4

export { MIN_COLUMNS, MIN_ROWS }

/** The screen's size in a terminal of `columns`×`rows`, and the rows its fixed parts take. */
export function screenSize(columns: number, rows: number, hasPages: boolean) {
  const height = Math.max(rows, MIN_ROWS)
  const width = Math.max(columns, MIN_COLUMNS)
  return {
    // Smaller, the screen would be taller than the terminal, which scrolls and garbles it for good.
    isTooSmall: columns < MIN_COLUMNS || rows < MIN_ROWS,
    height,
    width,
    paneHeight: Math.max(4, Math.min(12, Math.floor(height * 0.35))),
    chrome: CHROME_LINES + footerHeight(width, hasPages),
  }
}

/** The rows of the phase that fit, keeping the cursor near the middle. */
export function windowOf(phase: PhaseView, cursor: number, height: number) {
  const selected = phase.items[cursor]
  const at = Math.max(
    0,
    phase.rows.findIndex((row) => row.kind === 'item' && row.item === selected),
  )
  const max = Math.max(0, phase.rows.length - height)
  const start = Math.min(Math.max(0, at - Math.floor(height / 2)), max)
  return { start, rows: phase.rows.slice(start, start + height) }
}

/** A row of the phase list: a line to draw as it is, or an item's row (which may be running). */
export type ListRow =
  | { readonly kind: 'line'; readonly key: string; readonly line: TextLine }
  | {
      readonly kind: 'item'
      readonly key: string
      readonly input: ItemRowInput
      readonly live: LiveCheck | undefined
    }

/** The phase's rows that fit in `height`, the selected one marked, the ends saying how many more. */
export function phaseListRows(
  state: Pick<WizardState, 'layout' | 'phaseIndex' | 'cursors'> & {
    readonly run: RunState
    readonly running: ChecksInFlight
    readonly sync?: unknown
  },
  height: number,
): ListRow[] {
  const phase = state.layout.phases[state.phaseIndex]
  if (!phase) return []
  const cursor = cursorOf(state, phase.id)
  const selected = phase.items[cursor]
  const { start, rows } = windowOf(phase, cursor, height)
  const below = phase.rows.length - start - rows.length
  const isManualMarked = hasChecks(state.layout)
  return rows.map((row, index): ListRow => {
    if (index === rows.length - 1 && below > 0)
      return { kind: 'line', key: 'more', line: moreLine(`  ↓ ${below + 1} more`) }
    if (index === 0 && start > 0)
      return { kind: 'line', key: 'above', line: moreLine(`  ↑ ${start + 1} more`) }
    if (row.kind === 'group')
      return { kind: 'line', key: row.id, line: groupRowLine(row.title, row.depth) }
    if (row.kind === 'prose')
      return { kind: 'line', key: row.section.id, line: proseRowLine(row.section.title, row.depth) }
    if (row.kind === 'gate') {
      const approval = approvalAt(row.gate, state.run) ?? null
      const isTeamRun = state.sync !== undefined
      return {
        kind: 'line',
        key: `gate ${row.gate.name}`,
        line: gateRowLine(row.gate.name, approval, state.run.header.id, isTeamRun),
      }
    }
    if (row.kind === 'held') {
      const isWaiting = row.gates.some((gate) => !approvalAt(gate, state.run))
      return { kind: 'line', key: 'held', line: heldRowLine(row.titles, isWaiting) }
    }
    const applies = appliesIn(row.item, state.run)
    return {
      kind: 'item',
      key: row.item.id,
      input: {
        item: row.item,
        outOfScope: applies ? null : outOfScopeReason(row.item, state.run.header.environment),
        state: stateOf(row.item, state.run),
        check: state.run.items[row.item.id]?.check ?? null,
        isSelected: row.item === selected,
        indent: 1 + row.depth * 2,
        isManualMarked,
        ...(isQueued(state.running, row.item.id) ? { isQueued: true } : {}),
      },
      live: liveCheck(state.running[row.item.id]),
    }
  })
}

/** Whether the item's check is asked for and waits its turn (a cap, the checks it needs). */
function isQueued(running: ChecksInFlight, itemId: string): boolean {
  return itemId in running && liveCheck(running[itemId]) === undefined
}

/** Why the item's check waits its turn ("" when not said yet); undefined when it does not wait. */
function queuedWhy(running: ChecksInFlight, itemId: string): string | undefined {
  if (!isQueued(running, itemId)) return undefined
  const entry = running[itemId]
  return (entry && 'queued' in entry ? entry.queued : null) ?? ''
}

/** Whether any item that applies is automated: without one, nothing on screen speaks of checks. */
export function hasChecks(layout: Layout): boolean {
  return [...layout.items.values()].some((item) => item.check !== null)
}

/** Whether any item is for other environments than the run's: without one, `o` has nothing to act on. */
export function hasScoped(layout: Layout): boolean {
  return [...layout.items.values()].some(
    (item) => outOfScopeReason(item, layout.environment) !== null,
  )
}

/**
 * What the detail pane shows of the item under the cursor (detail-lines.ts), `width` columns
 * wide; null when the phase has no item there.
 */
export function detailInputOf(
  state: Pick<WizardState, 'layout' | 'phaseIndex' | 'cursors'> & {
    readonly run: RunState
    readonly running: ChecksInFlight
    readonly isTrusted: boolean
  },
  width: number,
  readOnly = false,
): DetailInput | null {
  const phase = state.layout.phases[state.phaseIndex]
  const item = phase?.items[cursorOf(state, phase.id)]
  if (!phase || !item) return null
  return {
    item,
    record: state.run.items[item.id] ?? null,
    live: liveCheck(state.running[item.id]),
    queued: queuedWhy(state.running, item.id),
    width: width - 1,
    now: Date.now(),
    isUntrustedCommand: needsTrust(item) && !state.isTrusted,
    section: state.layout.sections.get(item.sectionId),
    prose: phase.prose.get(item.id),
    scope: scopeNote(item, state.run),
    blanks: blankEntries(item, state.layout.signoff, state.run),
    ...(readOnly ? { readOnly } : {}),
  }
}
