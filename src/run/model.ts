/**
 * A run: one walk through a checklist for one environment, by one operator.
 * Stored as a header plus an append-only journal; everything else (each item's
 * state, the sign-off entries) is derived by folding the journal with
 * `reduceRun`, so the journal is the single source of truth and nothing said
 * is ever lost, even answers to items a later checklist version removed.
 */
import type { CheckStatus } from '../checks/runner.ts'

export const RUN_FORMAT = 'deploy-wizard/run@1'

/** What the operator says about an item; `na`: does not apply here. */
export type ItemState = 'pending' | 'done' | 'failed' | 'skipped' | 'na'

export interface RunHeader {
  readonly format: typeof RUN_FORMAT
  /** Short and human: `prod-20261122-a7c3`. */
  readonly id: string
  readonly checklist: {
    /** Absolute path of the checklist file. */
    readonly path: string
    readonly title: string
  }
  readonly environment: string
  readonly operator: string
  readonly host: string
  readonly startedAt: string
  readonly toolVersion: string
}

/** A check result as kept in a run: what the sheet and a resume need, secrets already scrubbed. */
export interface StoredCheckResult {
  readonly status: CheckStatus
  readonly summary: string
  readonly details: readonly string[]
  readonly evidence: Readonly<Record<string, unknown>>
  readonly outputs: Readonly<Record<string, string>>
  readonly durationMs: number
  readonly at: string
}

/** An item as the checklist had it when a run started or resumed: to tell what changed later. */
export interface ItemSnapshot {
  readonly id: string
  readonly text: string
  readonly phaseId: string
}

export interface ChecklistChanges {
  readonly added: readonly string[]
  readonly removed: readonly string[]
  /** Old id → new id, for items whose text changed but which are recognisably the same. */
  readonly reworded: readonly { readonly from: string; readonly to: string }[]
}

export type JournalEntry =
  | {
      readonly type: 'run-started'
      readonly at: string
      readonly by: string
      readonly sha256: string
      readonly items: readonly ItemSnapshot[]
    }
  | {
      readonly type: 'item-answered'
      readonly at: string
      readonly by: string
      readonly itemId: string
      readonly state: ItemState
      /** The operator's note; for `skipped`, the reason (required). */
      readonly note?: string
    }
  | {
      readonly type: 'note-added'
      readonly at: string
      readonly by: string
      readonly itemId: string
      readonly note: string
    }
  | {
      readonly type: 'check-finished'
      readonly at: string
      readonly itemId: string
      readonly result: StoredCheckResult
    }
  | {
      readonly type: 'resumed'
      readonly at: string
      readonly by: string
      readonly sha256: string
      readonly items: readonly ItemSnapshot[]
      readonly changes: ChecklistChanges
    }
  | {
      readonly type: 'signoff-entered'
      readonly at: string
      readonly by: string
      readonly fieldId: string
      readonly value: string
    }
  | { readonly type: 'finished'; readonly at: string; readonly by: string }
  | {
      readonly type: 'exported'
      readonly at: string
      readonly by: string
      readonly format: string
      readonly digest: string
    }

export interface ItemRecord {
  readonly state: ItemState
  readonly by: string | null
  readonly at: string | null
  readonly note: string | null
  readonly check: StoredCheckResult | null
}

export interface SignoffEntry {
  readonly value: string
  readonly by: string
  readonly at: string
}

export interface RunState {
  readonly header: RunHeader
  readonly items: Readonly<Record<string, ItemRecord>>
  readonly signoff: Readonly<Record<string, SignoffEntry>>
  /** The checklist's sha256 at the start and at each resume, oldest first. */
  readonly sha256History: readonly string[]
  /** The checklist's items as of the last start or resume. */
  readonly snapshot: readonly ItemSnapshot[]
  readonly finishedAt: string | null
  readonly lastActivityAt: string
}

export const EMPTY_ITEM: ItemRecord = {
  state: 'pending',
  by: null,
  at: null,
  note: null,
  check: null,
}

export function initialRunState(header: RunHeader): RunState {
  return {
    header,
    items: {},
    signoff: {},
    sha256History: [],
    snapshot: [],
    finishedAt: null,
    lastActivityAt: header.startedAt,
  }
}

/** Folds one journal entry into the state. Pure; unknown item ids are kept, not dropped. */
export function reduceRun(state: RunState, entry: JournalEntry): RunState {
  const touched = { ...state, lastActivityAt: entry.at }
  const item = (id: string) => state.items[id] ?? EMPTY_ITEM
  switch (entry.type) {
    case 'run-started':
    case 'resumed':
      return {
        ...touched,
        sha256History: [...state.sha256History, entry.sha256],
        snapshot: entry.items,
        items: entry.type === 'resumed' ? carryReworded(state.items, entry.changes) : state.items,
      }
    case 'item-answered':
      return {
        ...touched,
        items: {
          ...state.items,
          [entry.itemId]: {
            ...item(entry.itemId),
            state: entry.state,
            by: entry.by,
            at: entry.at,
            note: entry.note ?? item(entry.itemId).note,
          },
        },
      }
    case 'note-added':
      return {
        ...touched,
        items: { ...state.items, [entry.itemId]: { ...item(entry.itemId), note: entry.note } },
      }
    case 'check-finished':
      return {
        ...touched,
        items: { ...state.items, [entry.itemId]: { ...item(entry.itemId), check: entry.result } },
      }
    case 'signoff-entered':
      return {
        ...touched,
        signoff: {
          ...state.signoff,
          [entry.fieldId]: { value: entry.value, by: entry.by, at: entry.at },
        },
      }
    case 'finished':
      return { ...touched, finishedAt: entry.at }
    case 'exported':
      return touched
  }
}

/** Answers follow a reworded item to its new id; the old record stays in the journal. */
function carryReworded(
  items: Readonly<Record<string, ItemRecord>>,
  changes: ChecklistChanges,
): Readonly<Record<string, ItemRecord>> {
  if (changes.reworded.length === 0) return items
  const next = { ...items }
  for (const { from, to } of changes.reworded) {
    const record = items[from]
    if (record && !items[to]) next[to] = record
  }
  return next
}

export function foldJournal(header: RunHeader, journal: readonly JournalEntry[]): RunState {
  return journal.reduce(reduceRun, initialRunState(header))
}
