/**
 * The words every layer shares, each defined once: what an operator can say
 * about an item, what a check can conclude, which conclusions are problems,
 * and when an item counts as answered. The run file's schema (run/store.ts),
 * the reports and the screens read them from here.
 */

/** What the operator says about an item (`na`: does not apply here), in the order reports list them. */
export const ITEM_STATES = ['done', 'failed', 'skipped', 'na', 'pending'] as const
export type ItemState = (typeof ITEM_STATES)[number]

/**
 * What a check concludes: `fail`, the system is not as required; `error`, it
 * could not tell; `blocked`, a check it needs did not pass; `skipped`, not run
 * on purpose (a command not trusted). In the order reports list them.
 */
export const CHECK_STATUSES = ['pass', 'fail', 'error', 'blocked', 'skipped'] as const
export type CheckStatus = (typeof CHECK_STATUSES)[number]

/** Statuses someone must look at: the system is wrong, nobody could tell, or a need failed. */
export const PROBLEM_STATUSES: ReadonlySet<CheckStatus> = new Set(['fail', 'error', 'blocked'])

/** Whether a check's status is a problem (see PROBLEM_STATUSES); no result is none. */
export function isProblem(status: CheckStatus | undefined): boolean {
  return status !== undefined && PROBLEM_STATUSES.has(status)
}

/**
 * An item's answer: the run's, once someone gave one; until then `[x]` in the
 * file counts as done, and the run's own state (a check's verdict) stands otherwise.
 */
export function answerOf(
  isCheckedInFile: boolean,
  record: { readonly state: ItemState; readonly by: string | null } | null | undefined,
): ItemState {
  if (record && record.by !== null) return record.state
  return isCheckedInFile ? 'done' : (record?.state ?? 'pending')
}
