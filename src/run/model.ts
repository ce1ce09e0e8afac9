/**
 * A run: one walk through a checklist for one environment, by one operator.
 * Stored as a header plus an append-only journal; everything else (each item's
 * state, the sign-off entries) is derived by folding the journal with
 * `reduceRun`, so the journal is the single source of truth and nothing said
 * is ever lost, even answers to items a later checklist version removed.
 */
import type { CheckStatus, ItemState } from '../vocabulary.ts'
import { isSameWording } from './wording.ts'

/**
 * The run's format. @2 keeps the journal in two files (a snapshot and an append-only tail, see
 * store.ts); @1 was one file, rewritten whole per entry, and is migrated when first opened.
 * The number goes up so that an older deploy-wizard refuses a run whose newest answers it would
 * not see, instead of rewriting it without them.
 */
export const RUN_FORMAT = 'deploy-wizard/run@2'

/** The one-file format of deploy-wizard 0.1: read, and migrated by the first writer. */
export const LEGACY_RUN_FORMAT = 'deploy-wizard/run@1'

export type { ItemState }

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
  /** Ticked (`[x]`) in the file: done until someone answers it. Absent when not. */
  readonly checked?: true
  /** Not for the run's environment. Absent when it is (and in runs saved before this was kept). */
  readonly outOfScope?: true
}

export interface ChecklistChanges {
  readonly added: readonly string[]
  readonly removed: readonly string[]
  /**
   * Old id → new id, for items whose text changed but which are recognisably the same; the same
   * id twice for an item whose words changed without changing its id (resume.ts).
   */
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
      /**
       * The item's check decided this answer (its result just before), not a person: the
       * sheet and the screen credit the check. `by` is still who ran the check.
       */
      readonly byCheck?: true
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
      /**
       * A team run opened from this machine's copy while its store did not answer (team/sync.ts):
       * driven offline from `at`, without the lease, until the store took what it recorded.
       */
      readonly offline?: true
    }
  | {
      /**
       * The operator read (and left with enter) the what-changed screen of the resumes before:
       * until this is recorded, a resume shows those changes again (the wizard may have been
       * killed or quit on that screen).
       */
      readonly type: 'changes-seen'
      readonly at: string
      readonly by: string
    }
  | {
      /**
       * The operator's word on an item the checklist scopes to other environments: it
       * `applies` here after all (true), or, said again, the checklist's scope stands (false).
       */
      readonly type: 'scope-overridden'
      readonly at: string
      readonly by: string
      readonly itemId: string
      readonly applies: boolean
    }
  | {
      readonly type: 'signoff-entered'
      readonly at: string
      readonly by: string
      readonly fieldId: string
      readonly value: string
      /** Why the entry reads against the run, and that it was confirmed (see run/claims.ts). */
      readonly note?: string
    }
  | { readonly type: 'finished'; readonly at: string; readonly by: string }
  /** Where the operator was when the wizard closed, for a resume to open there. */
  | ({ readonly type: 'left'; readonly at: string; readonly by: string } & Position)
  | {
      readonly type: 'exported'
      readonly at: string
      readonly by: string
      readonly format: string
      readonly digest: string
    }
  | {
      /**
       * A team run changed driver (team/lease.ts): `by` on `host` (as `arn`) took the run from
       * `from`, whose lease had expired or was taken over explicitly (`reason` says which).
       */
      readonly type: 'lease-taken-over'
      readonly at: string
      readonly by: string
      readonly host: string
      readonly arn: string
      readonly reason: string
      readonly from: {
        readonly holder: string
        readonly host: string
        readonly arn: string
        readonly lastSeen: string
      }
    }
  | {
      /**
       * Someone approved the run at a gate (`<!-- gate: approval "Change board" -->`): `by` is
       * the approver's name, `arn` and `account` the AWS identity they approved as (STS). Written
       * by `deploy-wizard approve` into a team run; the driver's wizard adopts it (team/sync.ts).
       */
      readonly type: 'approval-recorded'
      readonly at: string
      readonly by: string
      /** The gate's name as the checklist writes it: "Change board". */
      readonly gate: string
      readonly arn: string
      readonly account: string
      readonly host?: string
      readonly note?: string
    }

/** A change of driver, as the sheet shows it. */
export interface Handover {
  readonly at: string
  readonly to: { readonly holder: string; readonly host: string; readonly arn: string }
  readonly from: {
    readonly holder: string
    readonly host: string
    readonly arn: string
    readonly lastSeen: string
  }
  readonly reason: string
}

/** An approval at a gate, as the sheet shows it. */
export interface Approval {
  readonly by: string
  readonly at: string
  readonly arn: string
  readonly account: string
  readonly host?: string
  readonly note?: string
}

export interface ItemRecord {
  readonly state: ItemState
  /** Who answered; when `byCheck`, who ran the check that decided the answer. */
  readonly by: string | null
  /** The answer is the check's result, not a person's attestation. */
  readonly byCheck?: true
  readonly at: string | null
  readonly note: string | null
  readonly check: StoredCheckResult | null
}

/** Who said an item applies in this run after all, and when. */
export interface ScopeOverride {
  readonly by: string
  readonly at: string
}

export interface SignoffEntry {
  readonly value: string
  readonly by: string
  readonly at: string
  /** Why the entry reads against the run, and that it was confirmed (see run/claims.ts). */
  readonly note?: string
}

/** A place in the wizard: a phase and its selected item, or the sign-off screen (phaseId null). */
// A type, not an interface, so that an entry carrying it stays a plain record (team/ keeps entries as such).
export type Position = {
  readonly phaseId: string | null
  readonly itemId: string | null
}

export interface RunState {
  readonly header: RunHeader
  readonly items: Readonly<Record<string, ItemRecord>>
  readonly signoff: Readonly<Record<string, SignoffEntry>>
  /** Items said to apply here after all, whatever the checklist scopes them to (see describe.ts). */
  readonly overrides: Readonly<Record<string, ScopeOverride>>
  /** The checklist's sha256 at the start and at each resume, oldest first. */
  readonly sha256History: readonly string[]
  /** The checklist's items as of the last start or resume. */
  readonly snapshot: readonly ItemSnapshot[]
  /** The last text of items the checklist no longer has, by id: what an answer to one was about. */
  readonly formerTexts?: Readonly<Record<string, string>>
  /** Old id → new id of every rewording, by the resumes that found it: where an answer was carried. */
  readonly rewordedTo?: Readonly<Record<string, string>>
  /**
   * The earlier texts of items reworded without a new id (letter case, punctuation, an `id:`
   * directive), oldest first, by id: the words an answer given before was given to.
   */
  readonly rewordedInPlace?: Readonly<Record<string, readonly string[]>>
  /** What resumes found changed that no one has yet seen on the what-changed screen. */
  readonly unseenChanges?: UnseenChanges
  readonly finishedAt: string | null
  readonly lastActivityAt: string
  /**
   * Where the wizard was last left, if it was left rather than killed: kept for the one resume
   * after the leaving. A second resume with no leaving between them follows a session that was
   * killed, whose answers went on past that place: it opens at the first phase with items to
   * answer instead.
   */
  readonly left?: Position
  /** Set once a resume has opened at `left`: the next resume, unless left again, drops it. */
  readonly leftOpened?: true
  /** Changes of driver of a team run, oldest first (absent: none). */
  readonly handovers?: readonly Handover[]
  /**
   * When, and by whom, a team run was opened offline from a machine's copy (its `resumed` entry
   * says `offline`), oldest first (absent: none): the sheet says the run was driven so.
   */
  readonly offlineOpens?: readonly { readonly at: string; readonly by: string }[]
  /** Approvals by gate name (absent: none); the first approval of a gate is the one that counts. */
  readonly approvals?: Readonly<Record<string, Approval>>
}

/** Changes recorded by resumes, not yet acknowledged, and the items as the run saw them before. */
export interface UnseenChanges {
  readonly changes: ChecklistChanges
  /** The items before the first of those resumes, and any added since: the old texts. */
  readonly before: readonly ItemSnapshot[]
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
    overrides: {},
    sha256History: [],
    snapshot: [],
    finishedAt: null,
    lastActivityAt: header.startedAt,
  }
}

/** `state`'s former texts, with those of its snapshot's items that `items` no longer has. */
function formerTexts(state: RunState, items: readonly ItemSnapshot[]): Record<string, string> {
  const now = new Set(items.map((item) => item.id))
  const gone = state.snapshot.filter((item) => !now.has(item.id))
  return { ...state.formerTexts, ...Object.fromEntries(gone.map((item) => [item.id, item.text])) }
}

/**
 * `state`'s rewordings with those of `changes`: an answer's way from an old id to the current one,
 * and the words an item that kept its id had before.
 */
function rewordings(
  state: RunState,
  changes: ChecklistChanges,
): Pick<RunState, 'rewordedTo' | 'rewordedInPlace'> {
  const kept = {
    ...(state.rewordedTo ? { rewordedTo: state.rewordedTo } : {}),
    ...(state.rewordedInPlace ? { rewordedInPlace: state.rewordedInPlace } : {}),
  }
  if (changes.reworded.length === 0) return kept
  const moved: Record<string, string> = { ...state.rewordedTo }
  const inPlace: Record<string, readonly string[]> = { ...state.rewordedInPlace }
  const texts = new Map(state.snapshot.map((item) => [item.id, item.text]))
  for (const { from, to } of changes.reworded) {
    if (from !== to) {
      moved[from] = to
      continue
    }
    // Its id stayed: nothing to carry, but what it said is known only from the last snapshot.
    const text = texts.get(from)
    if (text !== undefined) inPlace[from] = [...(inPlace[from] ?? []), text]
  }
  return {
    ...(Object.keys(moved).length > 0 ? { rewordedTo: moved } : {}),
    ...(Object.keys(inPlace).length > 0 ? { rewordedInPlace: inPlace } : {}),
  }
}

/**
 * The changes not yet seen, with those a resume just found: one list as if the checklist had
 * changed once, a rewording of a rewording shown from the text the operator last saw.
 */
function unseen(
  state: RunState,
  changes: ChecklistChanges,
  items: readonly ItemSnapshot[],
): Pick<RunState, 'unseenChanges'> {
  const earlier = state.unseenChanges
  const empty = changes.added.length + changes.removed.length + changes.reworded.length === 0
  if (empty) return earlier ? { unseenChanges: earlier } : {}
  if (!earlier) return { unseenChanges: { changes, before: state.snapshot } }
  const added = new Set(earlier.changes.added)
  const removed = [...earlier.changes.removed]
  let reworded = [...earlier.changes.reworded]
  for (const id of changes.added) added.add(id)
  for (const id of changes.removed) {
    const from = reworded.find((pair) => pair.to === id)
    if (added.delete(id)) continue // added, then removed, all unseen: nothing to say
    if (from) reworded = reworded.filter((pair) => pair !== from)
    removed.push(from ? from.from : id)
  }
  // The text the operator last saw of each item (the oldest unseen first), and the one it has now.
  const seenTexts = new Map<string, string>()
  for (const item of [...earlier.before, ...state.snapshot])
    if (!seenTexts.has(item.id)) seenTexts.set(item.id, item.text)
  const nowTexts = new Map(items.map((item) => [item.id, item.text]))
  for (const { from, to } of changes.reworded) {
    if (added.delete(from)) {
      added.add(to) // added, then reworded: still new to the operator
      continue
    }
    const earlierPair = reworded.find((pair) => pair.to === from)
    reworded = reworded.filter((pair) => pair !== earlierPair)
    const first = earlierPair ? earlierPair.from : from
    // Reworded and back again, unseen: as the operator last saw it, nothing changed. The same
    // id is not enough: "Check DNS" → "Check the DNS" → "check dns" is still a change.
    const seen = seenTexts.get(first)
    const now = nowTexts.get(to)
    const isAsSeen =
      first === to && (seen === undefined || now === undefined || isSameWording(seen, now))
    if (!isAsSeen) reworded.push({ from: first, to })
  }
  const known = new Set(earlier.before.map((item) => item.id))
  return {
    unseenChanges: {
      changes: { added: [...added], removed, reworded },
      before: [...earlier.before, ...state.snapshot.filter((item) => !known.has(item.id))],
    },
  }
}

/** Folds one journal entry into the state. Pure; unknown item ids are kept, not dropped. */
/**
 * Where a resume opens: where the wizard was left, the first time after the leaving; a resume
 * after that one, with no leaving between, follows a killed session, and `left` is dropped.
 */
function afterResume(state: RunState): RunState {
  if (!state.left) return state
  if (!state.leftOpened) return { ...state, leftOpened: true }
  const { left: _, leftOpened: __, ...rest } = state
  return rest
}

export function reduceRun(state: RunState, entry: JournalEntry): RunState {
  const touched = { ...state, lastActivityAt: entry.at }
  switch (entry.type) {
    case 'run-started':
    case 'resumed':
      return {
        ...(entry.type === 'resumed' ? afterResume(touched) : touched),
        sha256History: [...state.sha256History, entry.sha256],
        snapshot: entry.items,
        ...(entry.type === 'resumed'
          ? {
              formerTexts: formerTexts(state, entry.items),
              ...rewordings(state, entry.changes),
              ...unseen(state, entry.changes, entry.items),
            }
          : {}),
        items: entry.type === 'resumed' ? carryReworded(state.items, entry.changes) : state.items,
        overrides:
          entry.type === 'resumed'
            ? carryOverrides(state.overrides, entry.changes)
            : state.overrides,
        ...(entry.type === 'resumed' && entry.offline
          ? { offlineOpens: [...(state.offlineOpens ?? []), { at: entry.at, by: entry.by }] }
          : {}),
      }
    case 'item-answered':
    case 'note-added':
    case 'check-finished':
      return {
        ...touched,
        items: {
          ...state.items,
          [entry.itemId]: itemAfter(state.items[entry.itemId] ?? EMPTY_ITEM, entry),
        },
      }
    case 'scope-overridden': {
      const { [entry.itemId]: _, ...others } = state.overrides
      return {
        ...touched,
        overrides: entry.applies
          ? { ...others, [entry.itemId]: { by: entry.by, at: entry.at } }
          : others,
      }
    }
    case 'signoff-entered':
      return {
        ...touched,
        signoff: {
          ...state.signoff,
          [entry.fieldId]: {
            value: entry.value,
            by: entry.by,
            at: entry.at,
            ...(entry.note ? { note: entry.note } : {}),
          },
        },
      }
    case 'finished':
      return { ...touched, finishedAt: entry.at }
    case 'exported':
      return touched
    case 'changes-seen': {
      const { unseenChanges: _, ...rest } = state
      return rest
    }
    case 'left': {
      // Not an answer: the run's age ("12 min ago") stays that of its last one.
      const { leftOpened: _, ...rest } = state
      return { ...rest, left: { phaseId: entry.phaseId, itemId: entry.itemId } }
    }
    case 'lease-taken-over':
      return {
        ...touched,
        handovers: [
          ...(state.handovers ?? []),
          {
            at: entry.at,
            to: { holder: entry.by, host: entry.host, arn: entry.arn },
            from: entry.from,
            reason: entry.reason,
          },
        ],
      }
    case 'approval-recorded': {
      if (state.approvals?.[entry.gate]) return touched
      const approval: Approval = {
        by: entry.by,
        at: entry.at,
        arn: entry.arn,
        account: entry.account,
        ...(entry.host ? { host: entry.host } : {}),
        ...(entry.note ? { note: entry.note } : {}),
      }
      return { ...touched, approvals: { ...state.approvals, [entry.gate]: approval } }
    }
  }
}

type ItemEntry = Extract<JournalEntry, { type: 'item-answered' | 'note-added' | 'check-finished' }>

/** An item's record after one of the entries about it. */
function itemAfter(record: ItemRecord, entry: ItemEntry): ItemRecord {
  switch (entry.type) {
    case 'item-answered': {
      const { byCheck: _, ...rest } = record
      return {
        ...rest,
        state: entry.state,
        by: entry.by,
        at: entry.at,
        note: entry.note ?? record.note,
        ...(entry.byCheck ? { byCheck: true as const } : {}),
      }
    }
    case 'note-added':
      return { ...record, note: entry.note }
    case 'check-finished':
      return { ...record, check: entry.result }
  }
}

/** Answers follow a reworded item to its new id; the old record stays in the journal. */
function carryReworded(
  items: Readonly<Record<string, ItemRecord>>,
  changes: ChecklistChanges,
): Readonly<Record<string, ItemRecord>> {
  if (changes.reworded.length === 0) return items
  const next = { ...items }
  // The newer record wins: wording changed back and forth, the answer given last is the answer.
  for (const { from, to } of changes.reworded) {
    const record = items[from]
    const there = items[to]
    if (record && (!there || lastTouched(record) > lastTouched(there))) next[to] = record
  }
  return next
}

/** An override follows a reworded item to its new id, as its answer does. */
function carryOverrides(
  overrides: Readonly<Record<string, ScopeOverride>>,
  changes: ChecklistChanges,
): Readonly<Record<string, ScopeOverride>> {
  const moved = changes.reworded.filter(({ from }) => from in overrides)
  if (moved.length === 0) return overrides
  const next = { ...overrides }
  for (const { from, to } of moved) {
    const override = overrides[from]
    if (override && !(to in next)) next[to] = override
  }
  return next
}

/** When an item was last answered or checked (ISO times compare as text). */
function lastTouched(record: ItemRecord): string {
  return [record.at ?? '', record.check?.at ?? ''].sort()[1] ?? ''
}

/**
 * The state after the whole journal: the same as `journal.reduce(reduceRun, …)`, in linear time.
 * `reduceRun` copies the item table for every entry about an item (a state is an immutable value),
 * which over a long journal is quadratic: a 2,000-item run with an answer and a check result per
 * item took over a second to open. Here the table is private until the end, so it is updated in place.
 */
export function foldJournal(header: RunHeader, journal: readonly JournalEntry[]): RunState {
  let state = initialRunState(header)
  let items: Record<string, ItemRecord> = {}
  for (const entry of journal) {
    if (
      entry.type === 'item-answered' ||
      entry.type === 'note-added' ||
      entry.type === 'check-finished'
    ) {
      items[entry.itemId] = itemAfter(items[entry.itemId] ?? EMPTY_ITEM, entry)
      state = { ...state, lastActivityAt: entry.at }
    } else {
      state = reduceRun({ ...state, items }, entry)
      // Still ours to update: the same table, or a fresh copy (reworded items carried over).
      items = state.items as Record<string, ItemRecord>
    }
  }
  return { ...state, items }
}
