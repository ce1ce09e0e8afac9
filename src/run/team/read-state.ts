/**
 * A team run as the rest of the tool sees a run: its header, the journal entries
 * this version understands, and their fold, the same `RunState` a local run
 * has. `resume` from another machine, `export`, `verify`, `watch` and `approve`
 * all read a team run through this, so they agree on what it holds.
 */
import type { JournalEntry, RunHeader, RunState } from '../model.ts'
import { foldJournal } from '../model.ts'
import { understood } from '../store.ts'
import type { LeaseRecord } from './lease.ts'
import type { StoreObjects } from './objects.ts'
import { type ReadOptions, readTeamRun, type TeamEvent } from './team-run.ts'

/** A team run read and folded. */
export interface TeamRunState {
  readonly header: RunHeader
  /** The checklist as the run started with it, byte for byte. */
  readonly checklistText: string
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
  return {
    header: read.header,
    checklistText: read.checklistText,
    events: read.events,
    journal,
    skippedEntries: skipped,
    state: foldJournal(read.header, journal),
    lease: read.lease,
  }
}
