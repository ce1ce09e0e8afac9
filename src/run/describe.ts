/**
 * A saved run in a few words, as `runs` and the wizard's resume screen show it:
 * how far it got and how long ago it was last touched.
 */

import type { Item, SignoffField } from '../checklist/model.ts'
import { isInScope } from '../checklist/scope.ts'
import { signoffLines } from '../checklist/signoff.ts'
import { isRemark } from '../checklist/signoff-words.ts'
import { answerOf } from '../vocabulary.ts'
import { decidesAgainst, type FailedItem, standingWarnings } from './claims.ts'
import { describeSince, type LockOwner } from './lock.ts'
import type { ItemState, JournalEntry, RunState, ScopeOverride } from './model.ts'

/**
 * Items answered (anything but pending) out of those that apply to the run's environment, as
 * the run last saw the checklist: counted as the wizard's header counts them (see `stateOf`).
 */
export function runProgress(state: RunState): { answered: number; total: number } {
  const applies = state.snapshot.filter((item) => !item.outOfScope || item.id in state.overrides)
  const answered = applies.filter(
    (item) => answerOf(item.checked === true, state.items[item.id]) !== 'pending',
  ).length
  return { answered, total: applies.length }
}

/** "just now", "12 min ago", "5 h ago", then "since 2026-11-20 09:14". */
export function formatAge(iso: string, now: Date): string {
  const minutes = Math.round((now.getTime() - Date.parse(iso)) / 60_000)
  if (minutes < 1) return 'just now'
  if (minutes < 60) return `${minutes} min ago`
  if (minutes < 48 * 60) return `${Math.round(minutes / 60)} h ago`
  return describeSince(iso, now)
}

/**
 * Whether an item applies in the run: the checklist scopes it to the run's environment, or
 * the operator said it applies here after all. The one rule for the wizard's counts and
 * check runs, the sheet and the summaries.
 */
export function appliesIn(item: Item, run: RunState): boolean {
  return isInScope(item.scope, run.header.environment) || item.id in run.overrides
}

/** The operator's word that the item applies here after all, when the checklist says it does not. */
export function overrideOf(item: Item, run: RunState): ScopeOverride | null {
  if (isInScope(item.scope, run.header.environment)) return null
  return run.overrides[item.id] ?? null
}

/**
 * An item's answer in the run. `[x]` in the file counts as done until someone
 * answers it; the sheet reads it the same way.
 */
export function stateOf(item: Item, run: RunState): ItemState {
  return answerOf(item.checked, run.items[item.id])
}

export interface Progress {
  readonly answered: number
  readonly total: number
  /** Of `answered`: failed (by the operator or by their check). */
  readonly failed: number
  /** Of `answered`: skipped. */
  readonly skipped: number
}

/** Answered items out of those of `items` that apply in the run. */
export function progressOf(items: Iterable<Item>, run: RunState): Progress {
  let answered = 0
  let total = 0
  let failed = 0
  let skipped = 0
  for (const item of items) {
    if (!appliesIn(item, run)) continue
    total++
    const state = stateOf(item, run)
    if (state !== 'pending') answered++
    if (state === 'failed') failed++
    if (state === 'skipped') skipped++
  }
  return { answered, total, failed, skipped }
}

/**
 * "5/5", "5/5 · 1 failed · 2 skipped": answered out of all, and what of it is not done, in words
 * (a full bar must not read as all done, with or without colour). `isShort`: "5/5 ✘1 »2", with
 * the icons the list uses for failed and skipped.
 */
export function progressWords(progress: Progress, isShort = false): string {
  const { answered, total, failed, skipped } = progress
  if (isShort) {
    return [
      `${answered}/${total}`,
      ...(failed > 0 ? [`✘${failed}`] : []),
      ...(skipped > 0 ? [`»${skipped}`] : []),
    ].join(' ')
  }
  return [
    `${answered}/${total}`,
    ...(failed > 0 ? [`${failed} failed`] : []),
    ...(skipped > 0 ? [`${skipped} skipped`] : []),
  ].join(' · ')
}

const UNSAVED_KINDS: readonly (readonly [JournalEntry['type'] | 'other', string, string])[] = [
  ['item-answered', 'answer', 'answers'],
  ['note-added', 'note', 'notes'],
  ['scope-overridden', 'scope override', 'scope overrides'],
  ['check-finished', 'check result', 'check results'],
  ['signoff-entered', 'sign-off entry', 'sign-off entries'],
  ['finished', 'the end of the run', 'the end of the run'],
  ['other', 'other record', 'other records'],
]

/** What was not saved, counted by kind: "2 answers and 1 check result". */
export function describeUnsaved(unsaved: readonly { readonly entry: JournalEntry }[]): string {
  const parts = UNSAVED_KINDS.flatMap(([type, one, many]) => {
    const count = unsaved.filter(({ entry }) =>
      type === 'other'
        ? !UNSAVED_KINDS.some(([known]) => known === entry.type)
        : entry.type === type,
    ).length
    if (count === 0) return []
    return [type === 'finished' ? one : `${count} ${count === 1 ? one : many}`]
  })
  if (parts.length <= 1) return parts[0] ?? 'nothing'
  return `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`
}

/**
 * The sign-off fields of the run's environment still blank that the sign-off needs, named as
 * the reader sees them ("Deployed by", "QA Lead: Name", "QA Lead: Date", "Final status"): not a
 * signature (signed on paper), a remark (notes, comments) or one the checklist fills in; nor one
 * an item holds, which is answered by filling it (pending, the item says so; n/a or skipped, it
 * is not asked).
 */
export function blankSignoff(fields: readonly SignoffField[], run: RunState): string[] {
  const own = fields.filter((field) => isInScope(field.scope, run.header.environment))
  const lines = signoffLines(own)
  // A role asked more than its name ("Security: Name", "Security: Date") has its name named as
  // a field too: the role alone would read as if all of it were blank.
  const fieldsOfRole = new Map<string, number>()
  for (const line of lines) {
    if (line.kind === 'field' && line.role !== null)
      fieldsOfRole.set(line.role, (fieldsOfRole.get(line.role) ?? 0) + 1)
  }
  return lines.flatMap((line) => {
    if (line.kind !== 'field') return []
    const { field } = line
    if (field.given !== null || field.itemId !== null || isRemark(field.label)) return []
    if (run.signoff[field.id]?.value.trim()) return []
    if (line.role === null) return [field.label]
    const isName = line.label === 'Name' || line.label === line.role
    if (isName && (fieldsOfRole.get(line.role) ?? 0) <= 1) return [line.role]
    return [`${line.role}: ${isName ? 'Name' : line.label}`]
  })
}

/**
 * The sign-off entries of the run's environment that decide against the release, named as the
 * reader sees them with their answer ("Business Owner: Decision: NO-GO", "CAB: Approved: No").
 */
export function decisionsAgainst(fields: readonly SignoffField[], run: RunState): string[] {
  const own = fields.filter((field) => isInScope(field.scope, run.header.environment))
  return signoffLines(own).flatMap((line) => {
    if (line.kind !== 'field') return []
    const { field } = line
    const value = field.given ?? run.signoff[field.id]?.value ?? ''
    if (!decidesAgainst(field, value)) return []
    const label = line.role === null ? field.label : `${line.role}: ${line.label}`
    return [`${label}: ${value.trim()}`]
  })
}

/** What an item's sign-off blanks hold, and who entered it. */
export interface BlankEntries {
  /** "Deployed by: Ana Souza · Date: 2026-11-22": its fields, in order, a blank one as `______`. */
  readonly text: string
  /** Everyone who entered one of them, in order. */
  readonly by: readonly string[]
  /**
   * Why an entry reads against the run (run/claims.ts): as confirmed when it was entered,
   * "chosen while 1 item had failed: Deploy the API", and what failed since, "1 item failed
   * after it was chosen: Announce". The sheet says it wherever the entry is.
   */
  readonly warnings: readonly string[]
}

/**
 * The entries of an item whose text is sign-off blanks ("Approved by: ____"), as the item's
 * line shows them in place of the blanks; null when none is filled (or the item has none).
 */
export function blankEntries(
  item: Item,
  fields: readonly SignoffField[],
  run: RunState,
): BlankEntries | null {
  const own = fields.filter(
    (field) =>
      field.itemId === item.id &&
      field.given === null &&
      field.type !== 'signature' &&
      isInScope(field.scope, run.header.environment),
  )
  const entries = own.map((field) => ({ field, entry: run.signoff[field.id] }))
  const filled = entries.flatMap(({ field, entry }) =>
    entry?.value.trim() ? [{ field, entry }] : [],
  )
  if (filled.length === 0) return null
  const failed = failedItems(run)
  // Each role is named once, before its first field: "Business Owner — Decision: NO-GO · Date:
  // …", where "Decision: NO-GO" alone would not say whose decision it was.
  let named: string | null = null
  const labelOf = ({ role, label }: SignoffField): string => {
    if (role === null || role === named) return label
    named = role
    return label === role ? label : `${role} — ${label}`
  }
  return {
    // A blank still open stays a blank, so the line keeps every role it names.
    text: entries
      .map(({ field, entry }) => `${labelOf(field)}: ${entry?.value.trim() || '______'}`)
      .join(' · '),
    by: [...new Set(filled.map(({ entry }) => entry.by))],
    warnings: filled.flatMap(({ field, entry }) => standingWarnings(field, entry, failed)),
  }
}

/**
 * The items failed in the run (by the operator or by their check, an error included) that
 * apply in it, as the run last saw the checklist, in its order: what a sign-off claim that
 * all went well is held against (run/claims.ts).
 */
export function failedItems(run: RunState): FailedItem[] {
  return run.snapshot.flatMap((item) => {
    if (item.outOfScope && !(item.id in run.overrides)) return []
    const record = run.items[item.id]
    if (answerOf(item.checked === true, record) !== 'failed') return []
    return [{ text: item.text, at: record?.at ?? null }]
  })
}

/** What a line of the resume list shows of a stored run (store.ts's `RunSummary` has it). */
export interface RunLineFacts {
  readonly id: string
  readonly header: { readonly operator: string; readonly checklist: { readonly title: string } }
  readonly progress: { readonly answered: number; readonly total: number }
  readonly lastActivityAt: string
  readonly locked?: LockOwner
}

/**
 * A saved run on one line, as the wizard offers it to resume: the id first, as it is the one
 * field that tells two runs apart; a narrow terminal cuts the title (see savedRunLineParts).
 */
export function describeRunLine(run: RunLineFacts, now: Date): string {
  const { head, tail } = savedRunLineParts(run, now)
  return head + tail
}

/**
 * A run's line in two: `head`, its id and title, and `tail`, the rest (how far it got, who, when,
 * and who has it open), which a narrow terminal keeps whole by cutting the title.
 */
export function savedRunLineParts(run: RunLineFacts, now: Date): { head: string; tail: string } {
  // From the runs index: the list never folds every journal to draw itself.
  const { answered, total } = run.progress
  const locked = run.locked ? ` — open in PID ${run.locked.pid} on ${run.locked.host}` : ''
  return {
    head: `${run.id} · ${run.header.checklist.title}`,
    tail: ` · ${answered}/${total} answered · ${run.header.operator} · ${formatAge(run.lastActivityAt, now)}${locked}`,
  }
}
