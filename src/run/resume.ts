/**
 * Resuming a run after the checklist changed: which items were added, removed
 * or only reworded since the run last saw the file, and which automated results
 * are too old to trust. Answers are keyed by stable item id, so most edits
 * change nothing; a reworded item gets a new id and its answer follows it. An
 * item whose words changed but whose id did not (letter case, punctuation, an
 * `id:` directive) is reworded too, from its id to the same id: its answer stays,
 * and the operator is still shown the new words.
 */
import type { Checklist } from '../checklist/model.ts'
import { isInScope } from '../checklist/scope.ts'
import type { ChecklistChanges, ItemSnapshot, RunState } from './model.ts'
import { isSameWording } from './wording.ts'

/** Automated results older than this are run again on resume. */
export const DEFAULT_STALE_AFTER_MS = 60 * 60_000

/** How alike two texts must be (Dice coefficient over letter pairs) to count as one item reworded. */
const REWORDED_SIMILARITY = 0.6

/** The checklist's items as a run sees them in `environment`, to compare with later and to count. */
export function snapshotOf(checklist: Checklist, environment: string): ItemSnapshot[] {
  return checklist.items.map((item) => ({
    id: item.id,
    text: item.plain,
    phaseId: item.phaseId,
    ...(item.checked ? { checked: true as const } : {}),
    ...(isInScope(item.scope, environment) ? {} : { outOfScope: true as const }),
  }))
}

/**
 * What changed between the items a run last saw and the checklist now. A
 * removed and an added item in the same phase whose texts are alike are paired
 * as reworded, most alike first, each used once; an item kept by id whose words
 * changed (wording.ts) is reworded into itself.
 */
export function diffChecklist(
  before: readonly ItemSnapshot[],
  after: readonly ItemSnapshot[],
): ChecklistChanges {
  const beforeById = new Map(before.map((item) => [item.id, item]))
  const afterIds = new Set(after.map((i) => i.id))
  const removed = before.filter((i) => !afterIds.has(i.id))
  const added = after.filter((i) => !beforeById.has(i.id))
  const candidates: { from: ItemSnapshot; to: ItemSnapshot; score: number }[] = []
  for (const from of removed) {
    for (const to of added) {
      if (from.phaseId !== to.phaseId) continue
      // Words added to (or cut from) an item leave it the same item, however much they
      // lower the letter-pair score: "Release notes drafted" → "… drafted and reviewed by …".
      const score = similarity(from.text, to.text)
      if (score >= REWORDED_SIMILARITY || wordsOnlyAdded(from.text, to.text))
        candidates.push({ from, to, score })
    }
  }
  candidates.sort((a, b) => b.score - a.score)
  const paired = new Set<string>()
  const reworded: { from: string; to: string }[] = []
  for (const { from, to } of candidates) {
    if (paired.has(from.id) || paired.has(to.id)) continue
    paired.add(from.id)
    paired.add(to.id)
    reworded.push({ from: from.id, to: to.id })
  }
  for (const item of after) {
    const was = beforeById.get(item.id)
    if (was && !isSameWording(was.text, item.text)) reworded.push({ from: item.id, to: item.id })
  }
  return {
    added: added.filter((i) => !paired.has(i.id)).map((i) => i.id),
    removed: removed.filter((i) => !paired.has(i.id)).map((i) => i.id),
    reworded,
  }
}

export function hasChanges(changes: ChecklistChanges): boolean {
  return changes.added.length + changes.removed.length + changes.reworded.length > 0
}

/** Items whose last check result is older than `staleAfterMs` (or missing an age): run them again. */
export function staleChecks(
  state: RunState,
  now: Date,
  staleAfterMs = DEFAULT_STALE_AFTER_MS,
): string[] {
  return Object.entries(state.items)
    .filter(([, record]) => {
      if (!record.check) return false
      const at = Date.parse(record.check.at)
      return Number.isNaN(at) || now.getTime() - at > staleAfterMs
    })
    .map(([id]) => id)
}

/** Whether one text's words (two or more) run unbroken inside the other's: words were only added or cut. */
function wordsOnlyAdded(a: string, b: string): boolean {
  const words = (text: string): string[] => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []
  const [left, right] = [words(a), words(b)]
  const [short, long] = left.length <= right.length ? [left, right] : [right, left]
  if (short.length < 2) return false
  for (let at = 0; at + short.length <= long.length; at++)
    if (short.every((word, i) => long[at + i] === word)) return true
  return false
}

/** Sørensen–Dice coefficient over adjacent letter pairs, case- and space-insensitive. */
export function similarity(a: string, b: string): number {
  const pairs = (text: string) => {
    const clean = text.toLowerCase().replace(/\s+/g, ' ').trim()
    const list: string[] = []
    for (let i = 0; i < clean.length - 1; i++) list.push(clean.slice(i, i + 2))
    return list
  }
  const left = pairs(a)
  const right = pairs(b)
  if (left.length === 0 || right.length === 0)
    return a.trim().toLowerCase() === b.trim().toLowerCase() ? 1 : 0
  const counts = new Map<string, number>()
  for (const pair of left) counts.set(pair, (counts.get(pair) ?? 0) + 1)
  let shared = 0
  for (const pair of right) {
    const n = counts.get(pair) ?? 0
    if (n > 0) {
      shared++
      counts.set(pair, n - 1)
    }
  }
  return (2 * shared) / (left.length + right.length)
}
