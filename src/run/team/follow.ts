/**
 * Following a team run someone else drives, without writing to it: the run is
 * read whole once (`readTeamRunState`, segments not sealed: a follower writes
 * nothing, and may hold only the read permissions), and then each `refresh`
 * reads only what is new — one listing of the events after the last one known,
 * a get for each, and the lease — and folds the new entries into the state
 * with `reduceRun`. A refresh costs the same at entry 5 and at entry 2,000.
 */
import pLimit from 'p-limit'
import { type JournalEntry, type RunHeader, type RunState, reduceRun } from '../model.ts'
import { understood } from '../store.ts'
import { type LeaseRecord, readLease } from './lease.ts'
import type { StoreObjects } from './objects.ts'
import { readTeamRunState } from './read-state.ts'
import { eventPath, eventsFolder, READ_CONCURRENCY, type TeamEvent } from './team-run.ts'

/** The entries after entry `after`, in order, as far as they follow on from it without a gap. */
export async function readEventsAfter(
  objects: StoreObjects,
  runId: string,
  after: number,
): Promise<TeamEvent[]> {
  const keys = await objects.list(
    eventsFolder(runId),
    after > 0 ? eventPath(runId, after) : undefined,
  )
  const limit = pLimit(READ_CONCURRENCY)
  const got = await Promise.all(
    keys
      .filter((key) => /\/events\/\d+\.json$/.test(key))
      .map((key) => limit(async () => (await objects.get(key))?.body)),
  )
  const events = got
    .flatMap((body) => (body === undefined ? [] : [JSON.parse(body) as TeamEvent]))
    .sort((a, b) => a.seq - b.seq)
  // An entry not there yet (listed, then not readable; or a number skipped by a writer that
  // has not landed): what follows it waits for the next refresh, so nothing is folded twice
  // or out of order.
  const inOrder: TeamEvent[] = []
  for (const event of events) {
    if (event.seq !== after + inOrder.length + 1) break
    inOrder.push(event)
  }
  return inOrder
}

/** A team run as a follower knows it after its last read. */
export interface FollowedRun {
  readonly header: RunHeader
  /** The checklist as the run started with it, byte for byte. */
  readonly checklistText: string
  readonly state: RunState
  readonly lease: LeaseRecord | undefined
  /** The last entry read: the next refresh lists only those after it. */
  readonly lastSeq: number
  /** Who finished the run, when a `finished` entry has been read. */
  readonly finishedBy: string | null
  /** Entries this version cannot fold (a newer deploy-wizard's), left out of `state`. */
  readonly skippedEntries: number
}

/** Reads a team run once, then what is new in it on each `refresh`. Never writes. */
export class TeamRunFollower {
  readonly #objects: StoreObjects
  readonly runId: string
  #run: FollowedRun

  private constructor(objects: StoreObjects, runId: string, run: FollowedRun) {
    this.#objects = objects
    this.runId = runId
    this.#run = run
  }

  /** Reads the run whole; undefined when the store has no run `runId`. */
  static async open(objects: StoreObjects, runId: string): Promise<TeamRunFollower | undefined> {
    const read = await readTeamRunState(objects, runId, { seal: false })
    if (!read) return undefined
    return new TeamRunFollower(objects, runId, {
      header: read.header,
      checklistText: read.checklistText,
      state: read.state,
      lease: read.lease,
      lastSeq: read.events.at(-1)?.seq ?? 0,
      finishedBy: lastFinisher(read.journal, null),
      skippedEntries: read.skippedEntries,
    })
  }

  get run(): FollowedRun {
    return this.#run
  }

  /**
   * Reads the entries written since the last read, and the lease, and folds them in.
   * Resolves with how many entries were new; throws (StoreUnavailableError) when the store
   * does not answer, leaving what was known as it was.
   */
  async refresh(): Promise<number> {
    const before = this.#run
    const [events, lease] = await Promise.all([
      readEventsAfter(this.#objects, this.runId, before.lastSeq),
      readLease(this.#objects, this.runId),
    ])
    const { journal, skipped } = understood(events.map((event) => event.entry))
    this.#run = {
      ...before,
      state: journal.reduce(reduceRun, before.state),
      lease: lease?.record,
      lastSeq: events.at(-1)?.seq ?? before.lastSeq,
      finishedBy: lastFinisher(journal, before.finishedBy),
      skippedEntries: before.skippedEntries + skipped,
    }
    return events.length
  }
}

/** Who wrote the last `finished` entry among `journal`, else `earlier`. */
function lastFinisher(journal: readonly JournalEntry[], earlier: string | null): string | null {
  const finished = journal.findLast((entry) => entry.type === 'finished')
  return finished?.type === 'finished' ? finished.by : earlier
}
