/**
 * Where the operator is once a run is open: the screen, the phase, the cursors,
 * an open prompt, a notice. A pure reducer over a union of actions, tested
 * without rendering (the hook over it is use-wizard-reducer.ts: this module loads no React). The run itself and its checks in flight are not here: they
 * are the session's snapshot (run/snapshot.ts), which the screen reads as it is.
 */

import type { Gate, Item } from '../checklist/model.ts'
import { isWrite } from '../checks/registry.ts'
import { gateHolding } from '../run/approvals.ts'
import type { ItemState, Position, RunState, StoredCheckResult } from '../run/model.ts'
import type { ChecksInFlight } from '../run/snapshot.ts'
import { appliesIn, type Layout, stateOf } from './layout.ts'

/** A question open over the phase screen; keys go to it until it closes. */
export type Prompt =
  | { readonly kind: 'skip' | 'fail' | 'note'; readonly itemId: string }
  /** An item just done: its blanks (`Link al PR: ____`), one after another, kept in its note. */
  | { readonly kind: 'blanks'; readonly itemId: string; readonly index: number }
  | {
      readonly kind: 'signoff'
      readonly fieldId: string
      /**
       * Opened from a task item whose text holds the blanks (`- [ ] Deployed by: ___ Date: ___`):
       * filling them answers the item, so the operator is not asked the same thing twice.
       */
      readonly itemId?: string
    }
  | {
      readonly kind: 'trust'
      readonly andRun: readonly string[]
      /** The results replace a skip or a not-applicable (the operator asked for this one check). */
      readonly isExplicit: boolean
    }
  | {
      readonly kind: 'finish'
      readonly pending: number
      /** The sign-off fields still blank, named (see `blankSignoff`). */
      readonly blank: readonly string[]
    }
  /** A sign-off choice that reads against the run (run/claims.ts): entered only once confirmed. */
  | {
      readonly kind: 'contradicts'
      readonly fieldId: string
      readonly value: string
      readonly note: string
      /** As on the signoff prompt: the item whose blanks are being filled. */
      readonly itemId?: string
      /**
       * Asked again on finishing, of an entry made before items failed: what failed since
       * ("1 item failed after it was chosen: …"). Confirmed, the run finishes.
       */
      readonly since?: string
      readonly andFinish?: true
    }
  | { readonly kind: 'help' }
  /** The reference pages to choose from; `at` is the one the list opens on. */
  | { readonly kind: 'pages'; readonly at?: string }
  /** A reference page, read in full. */
  | { readonly kind: 'page'; readonly sectionId: string }

export type Screen = 'phase' | 'signoff'

export interface Notice {
  readonly text: string
  readonly tone: 'info' | 'warn'
}

export interface WizardState {
  readonly layout: Layout
  readonly screen: Screen
  readonly phaseIndex: number
  /** The selected item's index, per phase id (each phase remembers its own). */
  readonly cursors: Readonly<Record<string, number>>
  readonly signoffCursor: number
  /** The detail pane takes most of the screen. */
  readonly isExpanded: boolean
  /** Lines the expanded detail pane is scrolled down by (PgUp/PgDn); 0 again on moving. */
  readonly detailOffset: number
  readonly prompt: Prompt | null
  readonly notice: Notice | null
}

/** Moving around the wizard. */
export type WizardAction =
  | { readonly type: 'move'; readonly by: number }
  | { readonly type: 'move-to'; readonly position: 'first' | 'last' }
  /** After an answer: to the phase's next item still pending in `run` (see nextOpen). */
  | { readonly type: 'move-to-next-open'; readonly run: RunState }
  | { readonly type: 'go-phase'; readonly by: number }
  | { readonly type: 'show-phase'; readonly index: number }
  | { readonly type: 'open-prompt'; readonly prompt: Prompt }
  | { readonly type: 'close-prompt' }
  | { readonly type: 'toggle-expanded' }
  /** Scrolls the expanded detail pane by `by` lines, within 0 and `max`. */
  | { readonly type: 'scroll-detail'; readonly by: number; readonly max: number }
  | { readonly type: 'notify'; readonly notice: Notice | null }
  /**
   * The run is now laid out from another checklist (a watched run resumed with an edited file):
   * the same places, found by id.
   */
  | { readonly type: 'relayout'; readonly layout: Layout }

/**
 * A run opens where it was last left (its phase and item, or the sign-off screen), while that
 * place is still in the checklist; else at its first unfinished phase. Never past a gate not yet
 * approved: then at the phase before it.
 */
export function initialWizardState(
  layout: Layout,
  run: RunState,
  phaseIndex?: number,
): WizardState {
  const left = phaseIndex === undefined ? placeLeft(layout, run) : null
  // With no phase there is nothing to show but the sign-off: never an empty phase screen.
  const screen = layout.phases.length === 0 ? 'signoff' : (left?.screen ?? 'phase')
  const index = phaseIndex ?? left?.phaseIndex ?? firstUnfinishedPhase(layout, run)
  const held = firstHeld(layout, run)
  const isPastGate =
    held !== null &&
    layout.phases.length > 0 &&
    (screen === 'signoff' ? layout.phases.length : index) >= held
  return {
    layout,
    screen: isPastGate ? 'phase' : screen,
    phaseIndex: isPastGate ? Math.max(0, held - 1) : index,
    cursors: left?.cursors ?? {},
    signoffCursor: 0,
    isExpanded: false,
    detailOffset: 0,
    prompt: null,
    notice: null,
  }
}

/** What PgUp/PgDn move by: the list's rows, and the expanded detail pane as last drawn. */
export interface Paging {
  readonly pageSize: number
  readonly detailScroll?: () => { readonly max: number; readonly page: number }
}

/**
 * (A key's command as keymap.ts names it; a string here, as keymap.ts imports this module.)
 * The action of a key that only moves the selection (↑ ↓ PgUp PgDn Home End), the wizard's and
 * the watch's alike; null for any other command.
 */
export function moveAction(
  command: string,
  state: Pick<WizardState, 'isExpanded' | 'screen'>,
  paging: Paging,
): WizardAction | null {
  switch (command) {
    case 'move-up':
      return { type: 'move', by: -1 }
    case 'move-down':
      return { type: 'move', by: 1 }
    case 'page-up':
    case 'page-down': {
      const sign = command === 'page-up' ? -1 : 1
      // Expanded, PgUp/PgDn scroll the item's text so that all of it can be read.
      if (state.isExpanded && state.screen === 'phase' && paging.detailScroll) {
        const { max, page } = paging.detailScroll()
        return { type: 'scroll-detail', by: sign * page, max }
      }
      return { type: 'move', by: sign * paging.pageSize }
    }
    case 'move-first':
      return { type: 'move-to', position: 'first' }
    case 'move-last':
      return { type: 'move-to', position: 'last' }
    default:
      return null
  }
}

export function wizardReducer(state: WizardState, action: WizardAction): WizardState {
  const next = reduce(state, action)
  // Another item, or the pane opened or closed: its text is read from the top.
  const isSameDetail =
    action.type === 'scroll-detail' ||
    (next.isExpanded === state.isExpanded &&
      next.screen === state.screen &&
      next.phaseIndex === state.phaseIndex &&
      next.cursors === state.cursors)
  return isSameDetail || next.detailOffset === 0 ? next : { ...next, detailOffset: 0 }
}

function reduce(state: WizardState, action: WizardAction): WizardState {
  switch (action.type) {
    case 'move':
      return moveCursor(state, (current, count) => clamp(current + action.by, count))
    case 'move-to':
      return moveCursor(state, (_, count) => (action.position === 'first' ? 0 : count - 1))
    case 'move-to-next-open': {
      const phase = currentPhase(state)
      if (!phase) return state
      return moveCursor(state, (current) => nextOpen(phase.items, current, action.run))
    }
    case 'go-phase': {
      const last = state.layout.phases.length - 1
      if (state.screen === 'signoff') {
        // No phase to go back to: the sign-off is all there is.
        if (last < 0) return state
        return action.by < 0 ? { ...state, screen: 'phase', phaseIndex: last, notice: null } : state
      }
      const next = state.phaseIndex + action.by
      if (next > last) return { ...state, screen: 'signoff', notice: null }
      return { ...state, phaseIndex: clamp(next, last + 1), notice: null }
    }
    case 'show-phase':
      if (state.layout.phases.length === 0) return state
      return {
        ...state,
        screen: 'phase',
        phaseIndex: clamp(action.index, state.layout.phases.length),
        notice: null,
      }
    case 'open-prompt':
      return { ...state, prompt: action.prompt, notice: null }
    case 'close-prompt':
      return { ...state, prompt: null }
    case 'toggle-expanded':
      return { ...state, isExpanded: !state.isExpanded }
    case 'scroll-detail':
      return {
        ...state,
        detailOffset: Math.max(0, Math.min(action.max, state.detailOffset + action.by)),
      }
    case 'notify':
      return { ...state, notice: action.notice }
    case 'relayout':
      return relaid(state, action.layout)
  }
}

/**
 * `state` over another layout of its run: on the same screen, phase and items, found by id where
 * they still are, else at the same place in the list; a reference page no longer there goes back
 * to the list of those there are (closed when there are none).
 */
function relaid(state: WizardState, layout: Layout): WizardState {
  const old = state.layout
  const phaseIndex = layout.phases.findIndex(
    (phase) => phase.id === old.phases[state.phaseIndex]?.id,
  )
  const cursors: Record<string, number> = {}
  for (const phase of layout.phases) {
    const before = old.phases.find((one) => one.id === phase.id)
    if (!before) continue
    const cursor = cursorOf(state, phase.id)
    const at = phase.items.findIndex((item) => item.id === before.items[cursor]?.id)
    cursors[phase.id] = at !== -1 ? at : clamp(cursor, phase.items.length)
  }
  const prompt = state.prompt
  const hasPages = layout.references.length > 0
  const isPageGone =
    (prompt?.kind === 'page' && !layout.references.some((page) => page.id === prompt.sectionId)) ||
    (prompt?.kind === 'pages' && !hasPages)
  return {
    ...state,
    layout,
    phaseIndex: phaseIndex !== -1 ? phaseIndex : clamp(state.phaseIndex, layout.phases.length),
    cursors,
    signoffCursor: clamp(state.signoffCursor, layout.signoff.length),
    prompt: isPageGone ? (hasPages ? { kind: 'pages' } : null) : prompt,
  }
}

/** Where the run was left, as wizard state; null when it was not, or that place is gone. */
function placeLeft(
  layout: Layout,
  run: RunState,
): Pick<WizardState, 'screen' | 'phaseIndex' | 'cursors'> | null {
  const left = run.left
  if (!left) return null
  if (left.phaseId === null) {
    if (layout.signoff.length === 0 && layout.signoffLines.length === 0) return null
    return { screen: 'signoff', phaseIndex: Math.max(0, layout.phases.length - 1), cursors: {} }
  }
  const phaseIndex = layout.phases.findIndex((phase) => phase.id === left.phaseId)
  const phase = layout.phases[phaseIndex]
  if (!phase) return null
  const cursor = Math.max(
    0,
    phase.items.findIndex((item) => item.id === left.itemId),
  )
  return { screen: 'phase', phaseIndex, cursors: { [phase.id]: cursor } }
}

/**
 * The gate not yet approved that holds back the phase at `index` (`layout.phases.length`: the
 * sign-off), or null when the run may enter it.
 */
export function gateAt(layout: Layout, run: RunState, index: number): Gate | null {
  return gateHolding(
    layout.gates,
    layout.phases.map((phase) => phase.id),
    index,
    run,
  )
}

/** The first place a gate holds back (a phase's index, or the sign-off's), or null when none. */
function firstHeld(layout: Layout, run: RunState): number | null {
  for (let index = 0; index <= layout.phases.length; index++) {
    if (gateAt(layout, run, index)) return index
  }
  return null
}

/** Where the operator is, as the run file keeps it when the wizard is left. */
export function positionOf(state: WizardState): Position {
  const phase = currentPhase(state)
  return { phaseId: phase?.id ?? null, itemId: selectedItem(state)?.id ?? null }
}

/** The phase shown, or null on the sign-off screen. */
export function currentPhase(state: WizardState) {
  if (state.screen !== 'phase') return null
  return state.layout.phases[state.phaseIndex] ?? null
}

export function cursorOf(state: Pick<WizardState, 'cursors'>, phaseId: string): number {
  return state.cursors[phaseId] ?? 0
}

/** The item under the cursor on the phase screen. */
export function selectedItem(state: WizardState) {
  const phase = currentPhase(state)
  if (!phase) return null
  return phase.items[cursorOf(state, phase.id)] ?? null
}

/** Where a run picks up: the first phase with an unanswered item, else the last one. */
export function firstUnfinishedPhase(layout: Layout, run: RunState): number {
  const index = layout.phases.findIndex((phase) =>
    phase.items.some((item) => appliesIn(item, run) && stateOf(item, run) === 'pending'),
  )
  return index === -1 ? Math.max(0, layout.phases.length - 1) : index
}

/**
 * Where the cursor goes after an answer: the next pending item that applies below it, else the
 * first one above it (a list answered out of order), else the next item that applies, so `d d d`
 * walks the list.
 */
export function nextOpen(items: readonly Item[], cursor: number, run: RunState): number {
  // A dimmed item (for other environments, not overridden) is not the operator's to answer.
  const isOpen = (item: Item) => appliesIn(item, run) && stateOf(item, run) === 'pending'
  const below = items.findIndex((item, index) => index > cursor && isOpen(item))
  if (below !== -1) return below
  const above = items.findIndex((item, index) => index < cursor && isOpen(item))
  if (above !== -1) return above
  const next = items.findIndex((item, index) => index > cursor && appliesIn(item, run))
  return next !== -1 ? next : cursor
}

function moveCursor(
  state: WizardState,
  to: (current: number, count: number) => number,
): WizardState {
  if (state.screen === 'signoff') {
    const count = state.layout.signoff.length
    if (count === 0) return state
    return { ...state, signoffCursor: to(state.signoffCursor, count), notice: null }
  }
  const phase = currentPhase(state)
  if (!phase || phase.items.length === 0) return state
  const cursor = to(cursorOf(state, phase.id), phase.items.length)
  return { ...state, cursors: { ...state.cursors, [phase.id]: cursor }, notice: null }
}

function clamp(value: number, count: number): number {
  return Math.min(Math.max(value, 0), Math.max(count - 1, 0))
}

/** A result older than `staleAfterMs`, or without a time that can be read, is run again. */
export function isStale(check: StoredCheckResult, now: number, staleAfterMs: number): boolean {
  const at = Date.parse(check.at)
  return Number.isNaN(at) || now - at > staleAfterMs
}

/**
 * The checks of every phase that are due a run: never run (or not run, as commands without
 * trust), stale, or whose last result was not a pass. Those running now are not, nor are
 * those of items that do not apply here.
 */
export function dueChecks(
  state: { readonly layout: Layout; readonly run: RunState; readonly running: ChecksInFlight },
  now: number,
  staleAfterMs: number,
): Item[] {
  return [...state.layout.items.values()].filter((item) => {
    if (!item.check || item.id in state.running || isWrite(item)) return false
    if (!appliesIn(item, state.run)) return false
    const check = state.run.items[item.id]?.check
    return check?.status !== 'pass' || isStale(check, now, staleAfterMs)
  })
}

/** A run with the checklist as the wizard lays it out. */
interface RunView {
  readonly layout: Layout
  readonly run: RunState
}

/** The items that apply in `wanted` state, in checklist order. */
export function itemsIn(state: RunView, wanted: ItemState): Item[] {
  return [...state.layout.items.values()].filter((item) => stateOf(item, state.run) === wanted)
}

/** How many items that apply are still unanswered. */
export function pendingCount(state: RunView): number {
  let count = 0
  for (const item of state.layout.items.values())
    if (appliesIn(item, state.run) && stateOf(item, state.run) === 'pending') count++
  return count
}
