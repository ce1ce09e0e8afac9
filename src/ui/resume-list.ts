/**
 * The list of runs to resume, in one place: this machine's unfinished runs and,
 * with a team store named, what the store offers (run/team/offered.ts). The list
 * does not wait for the store: it is drawn at once, a note over it saying the
 * store is being asked, and when the store answers (or does not, in time) it is
 * drawn again in place (open-run.ts gives it as the question's update): the
 * store's runs added, marked as the store's; this machine's runs the store
 * finished elsewhere taken out; the store's notes over the list instead of the
 * one saying it is being asked. Pure: nothing here reads or draws.
 */
import { savedRunLineParts } from '../run/describe.ts'
import type { RunSummary } from '../run/store.ts'
import type { OfferedTeamRun, TeamRunsOffered } from '../run/team/offered.ts'
import type { ChooseQuestion } from './ask.ts'

/** A run picked from the list: this machine's, the store's (it says who drives it); null: a new one. */
export type ResumeChoice = RunSummary | OfferedTeamRun | null

/** What the list is drawn from. */
export interface ResumeListState {
  /** This machine's unfinished runs, as they were found. */
  readonly here: readonly RunSummary[]
  /** The team store named, and what it offered: null while it is still being asked. */
  readonly team: { readonly store: string; readonly offered: TeamRunsOffered | null } | null
  /** Why the run picked last could not be opened. */
  readonly refusal: string | null
  readonly now: Date
}

/**
 * The list as it stands. A choice's value is the run itself, the same object each time the list
 * is drawn: the highlight stays on it when the store's answer moves the rows.
 */
export function resumeListQuestion(list: ResumeListState): ChooseQuestion<ResumeChoice> {
  const { team, refusal, now } = list
  const offered = team?.offered
  const isAsking = team !== null && offered === null
  const setAside = offered?.setAside ?? []
  const here = list.here.filter((run) => !setAside.includes(run.id))
  const fromStore = offered?.runs ?? []
  const notes = [
    ...(isAsking
      ? [`looking for runs in the team store ${team.store} — they are added here when it answers`]
      : (offered?.notes ?? [])),
    ...(refusal ? [refusal] : []),
  ]
  // The title is cut first on a narrow terminal: who has a run open, or drives it, stays.
  const line = (run: RunSummary | OfferedTeamRun, more = '') => {
    const { head, tail } = savedRunLineParts(run, now)
    return { label: head, tail: tail + more, value: run }
  }
  return {
    title:
      fromStore.length > 0
        ? 'Unfinished runs on this machine and in the team store — resume one, or start a new run:'
        : 'Unfinished runs on this machine — resume one, or start a new run:',
    ...(notes.length > 0 ? { notes } : {}),
    limit: 10,
    choices: [
      ...here.map((run) => line(run)),
      ...fromStore.map((run) => line(run, ` · from the team store, ${run.holder}`)),
      { label: 'Start a new run', value: null },
    ],
  }
}

/**
 * Nothing to resume and nothing to say (no note, not even that the store is being asked): no
 * list is needed, a new run it is.
 */
export function isBareList(question: ChooseQuestion<ResumeChoice>): boolean {
  return question.choices.length === 1 && (question.notes ?? []).length === 0
}

/** A run of the store's, not on this machine: found there again when picked. */
export function isStoreRun(run: RunSummary | OfferedTeamRun): run is OfferedTeamRun {
  return 'holder' in run
}
