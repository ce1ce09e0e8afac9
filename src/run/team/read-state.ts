/**
 * A team run as the rest of the tool sees a run: its header, the journal entries
 * this version understands, and their fold, the same `RunState` a local run
 * has. `resume` from another machine, `export`, `verify`, `watch` and `approve`
 * all read a team run through this, so they agree on what it holds — the
 * checklist text it is on too: the one it started with, or the one its driver
 * kept in the store when resuming it with an edited file.
 */
import type { JournalEntry, RunHeader, RunState } from '../model.ts'
import { foldJournal } from '../model.ts'
import { understood } from '../store.ts'
import type { LeaseRecord } from './lease.ts'
import type { StoreObjects } from './objects.ts'
import {
  type ReadOptions,
  readChecklistText,
  readTeamRun,
  type TeamEvent,
  textSha256,
} from './team-run.ts'

/** A checklist's exact text, and the sha256 of its bytes (what the journal names it by). */
export interface ChecklistText {
  readonly sha256: string
  readonly text: string
}

/** The checklist a team run is on, as its store has it. */
export interface RunChecklist extends ChecklistText {
  /**
   * The sha256 the run's last start or resume names, when the store keeps no text of it (the
   * run was resumed with an edited file by a deploy-wizard from before it kept one): `text` is
   * then the one the run started with.
   */
  readonly missing?: string
}

/** A team run read and folded. */
export interface TeamRunState {
  readonly header: RunHeader
  /** The checklist as the run started with it, byte for byte. */
  readonly checklistText: string
  /**
   * The checklist the run is on (its last start or resume names it), byte for byte: what
   * another machine resumes it with and `export` builds the sheet from.
   */
  readonly checklist: RunChecklist
  /** Every event, in store order, with its id (whoever wrote it). */
  readonly events: readonly TeamEvent[]
  /** The entries this version can fold, in order. */
  readonly journal: readonly JournalEntry[]
  /** Entries of a newer version or malformed: kept in the store, left out of `state`. */
  readonly skippedEntries: number
  readonly state: RunState
  readonly lease: LeaseRecord | undefined
}

/** Reads the run `runId` from the store and folds it; undefined when the store has no such run. */
export async function readTeamRunState(
  objects: StoreObjects,
  runId: string,
  options: ReadOptions = {},
): Promise<TeamRunState | undefined> {
  const read = await readTeamRun(objects, runId, options)
  if (!read) return undefined
  const { journal, skipped } = understood(read.events.map((event) => event.entry))
  const state = foldJournal(read.header, journal)
  const started = startedWith(read.checklistText)
  const wanted = state.sha256History.at(-1) ?? started.sha256
  const on = await checklistTextOf(objects, runId, wanted, started)
  return {
    header: read.header,
    checklistText: read.checklistText,
    checklist: on ?? { ...started, missing: wanted },
    events: read.events,
    journal,
    skippedEntries: skipped,
    state,
    lease: read.lease,
  }
}

/** The checklist text a run started with (its header's), with its sha256. */
export function startedWith(checklistText: string): ChecklistText {
  return { sha256: textSha256(checklistText), text: checklistText }
}

/**
 * The text of the checklist with this sha256 that run `runId` started or was resumed with: the
 * one it started with (`started`, no read), else the one its driver kept in the store (one get,
 * checked against its digest). Undefined when the store keeps none: a resume by a deploy-wizard
 * from before it kept the text. What every reader of the text a run is on goes through.
 */
export async function checklistTextOf(
  objects: StoreObjects,
  runId: string,
  sha256: string,
  started: ChecklistText,
): Promise<ChecklistText | undefined> {
  if (sha256 === started.sha256) return started
  const text = await readChecklistText(objects, runId, sha256)
  return text === undefined ? undefined : { sha256, text }
}

/**
 * What the operator is told when the store keeps no text of the checklist the run was last
 * resumed with (`missing`, its sha256; a resume by a deploy-wizard from before it kept one), and
 * what is used instead (`instead`).
 */
export function missingTextNotice(runId: string, missing: string, instead: string): string {
  return `run ${runId} was last resumed with an edited checklist (sha256 ${missing.slice(0, 12)}…) that the team store keeps no text of (resumed by an older deploy-wizard): ${instead}`
}
