/**
 * Following a team run someone else drives, without writing to it: the run is
 * read whole once (`readTeamRunState`, segments not sealed: a follower writes
 * nothing, and may hold only the read permissions), and then each `refresh`
 * reads only what is new — one listing of the events after the last one known,
 * a get for each, and the lease — and folds the new entries into the state
 * with `reduceRun`. A refresh costs the same at entry 5 and at entry 2,000.
 * When the run is resumed with an edited checklist, the text its driver keeps
 * in the store for it is read once (one get), so the follower knows the
 * checklist the run is on, not only the one it started with.
 */
import pLimit from 'p-limit'
import { type JournalEntry, type RunHeader, type RunState, reduceRun } from '../model.ts'
import { understood } from '../store.ts'
import { type LeaseRecord, readLease } from './lease.ts'
import type { StoreObjects } from './objects.ts'
import { type ChecklistText, checklistTextOf, readTeamRunState, startedWith } from './read-state.ts'
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
  /**
   * The checklist the run is on: the one its last start or resume names, once the store has its
   * text (kept there by the driver who resumed with it); until then, and for a resume by a
   * version that kept none, the last one known.
   */
  readonly checklist: ChecklistText
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
  /** The sha256 of the last checklist looked for in the store: looked for once, found or not. */
  #lookedFor: string | undefined

  private constructor(objects: StoreObjects, runId: string, run: FollowedRun) {
    this.#objects = objects
    this.runId = runId
    this.#run = run
  }

  /** Reads the run whole; undefined when the store has no run `runId`. */
  static async open(objects: StoreObjects, runId: string): Promise<TeamRunFollower | undefined> {
    const read = await readTeamRunState(objects, runId, { seal: false })
    if (!read) return undefined
    const { sha256, text, missing } = read.checklist
    const follower = new TeamRunFollower(objects, runId, {
      header: read.header,
      checklistText: read.checklistText,
      checklist: { sha256, text },
      state: read.state,
      lease: read.lease,
      lastSeq: read.events.at(-1)?.seq ?? 0,
      finishedBy: lastFinisher(read.journal, null),
      skippedEntries: read.skippedEntries,
    })
    // Looked for already, by the read: not again until the run names another.
    follower.#lookedFor = missing
    return follower
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
    const state = journal.reduce(reduceRun, before.state)
    const { checklist, lookedFor } = await this.#checklistOn(state)
    this.#lookedFor = lookedFor
    this.#run = {
      ...before,
      checklist,
      state,
      lease: lease?.record,
      lastSeq: events.at(-1)?.seq ?? before.lastSeq,
      finishedBy: lastFinisher(journal, before.finishedBy),
      skippedEntries: before.skippedEntries + skipped,
    }
    return events.length
  }

  /**
   * The checklist `state` is on: the one known already, the one the run started with, or the
   * text kept in the store for it (one get, the first time that sha256 is named); the one known
   * when the store has none.
   */
  async #checklistOn(
    state: RunState,
  ): Promise<{ checklist: ChecklistText; lookedFor: string | undefined }> {
    const known = this.#run.checklist
    const wanted = state.sha256History.at(-1)
    if (wanted === undefined || wanted === known.sha256 || wanted === this.#lookedFor)
      return { checklist: known, lookedFor: this.#lookedFor }
    const found = await checklistTextOf(
      this.#objects,
      this.runId,
      wanted,
      startedWith(this.#run.checklistText),
    )
    return { checklist: found ?? known, lookedFor: wanted }
  }
}

/** Who wrote the last `finished` entry among `journal`, else `earlier`. */
function lastFinisher(journal: readonly JournalEntry[], earlier: string | null): string | null {
  const finished = journal.findLast((entry) => entry.type === 'finished')
  return finished?.type === 'finished' ? finished.by : earlier
}
