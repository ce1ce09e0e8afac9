/**
 * A run driven in a team store: the wiring between a `RunSession` on this
 * machine and the run's objects in S3, so that start.ts and the wizard stay as
 * they are for a run kept here only (and load none of this).
 *
 * - Local first. The run's journal on this machine is the record: an answer is
 *   acknowledged once it is appended there, as for any run. Every entry appended
 *   (the `run-started` one too) then goes to the outbox, which reads it from the
 *   journal rather than keeping a second copy, so saving an answer costs one
 *   fsync, as before. An entry's id in the store is this machine's writer and
 *   its place in the journal (`<writer>-<position>`): given again after a
 *   restart, so a kill at any point neither loses nor repeats one.
 * - One driver. Opening the run takes its lease; a lease someone else holds and
 *   renews is taken over only when the operator says so (`ResumeQuestions`), an
 *   expired one without asking; either way a `lease-taken-over` entry says so on
 *   the sheet. The lease is renewed every 20 s and checked at every poll, so a
 *   driver whose run was taken over is told within the poll interval, and the
 *   session refuses every further answer. What it had not sent stays in its
 *   journal and is counted on screen, never dropped. The outbox checks the
 *   lease before every write it tries (one attempt per call): a take-over can
 *   only slip in between a check and the one write after it.
 * - Offline open. A run this machine has a copy of, opened while the store does not
 *   answer, may go on from that copy when the operator says so (`resumeTeamRunOffline`):
 *   no lease, nothing written; its `resumed` entry says `offline`. Once the store answers,
 *   the lease is taken (never from a live holder) and the run read: nobody else wrote to it
 *   meanwhile, and it is driven as any other; someone did, and it is lost as a take-over is.
 * - Approvals arrive. While driving, the store is polled (every 2 s,
 *   DEPLOY_WIZARD_STORE_POLL) for entries written by someone else; those of a
 *   type only others write (`approval-recorded`) are adopted into the journal
 *   (`RunSession.adopt`): shown at once, never twice, never sent back.
 * - Any machine. A run not on this machine is imported from the store: the
 *   checklist it is on (the text it started with, or the one it was last
 *   resumed with, kept in the store) is saved under the home, and its local
 *   files are written from the store's journal, so `runs`, `export` and the
 *   wizard read it as any local run. A local copy the store has moved past
 *   (someone else drove it meanwhile) is written again from the store; what this
 *   machine had not sent by then can no longer be, and is kept in a file beside
 *   the outbox and named to the operator.
 *
 * This machine's files of a team run, `<home>/outbox/<run-id>/`:
 *   team.json   the store, this machine's writer id, and how much of the journal came from the store
 *   sent.json   how many of this machine's entries the store has (outbox.ts)
 *   kept-*.jsonl entries that could no longer be sent, kept for the operator
 * and `<home>/team-checklists/<run-id>.md`, an imported run's checklist.
 */

import { createHash, randomUUID } from 'node:crypto'
import { mkdirSync, readFileSync, rmSync } from 'node:fs'
import { hostname } from 'node:os'
import { dirname, join } from 'node:path'
import pLimit from 'p-limit'
import { writeFileAtomic } from '../../atomic-write.ts'
import type { Checklist } from '../../checklist/model.ts'
import { formatMoment } from '../../duration.ts'
import { fileProblem, UserError } from '../../errors.ts'
import { homeError } from '../../home.ts'
import { describeUnsaved } from '../describe.ts'
import type { JournalEntry, RunHeader } from '../model.ts'
import type { RunSession, SyncView } from '../session.ts'
import {
  hasRun,
  importRun,
  openRun,
  type RunHandle,
  readRunUnlocked,
  removeRun,
  understood,
} from '../store.ts'
import { type S3StoreAddress, storeUrl } from './address.ts'
import {
  type Driver,
  driverName,
  Lease,
  LeaseHeldError,
  LeaseLostError,
  sinceWords,
} from './lease.ts'
import {
  importedChecklistPath,
  LINK_FORMAT,
  type ResumeQuestions,
  readTeamLink,
  type SilentStoreWords,
  type TeamLink,
  type TeamTuning,
  teamFolder,
  writeLink,
} from './link.ts'
import { type RetryPolicy, refusalWords, StoreObjects, StoreUnavailableError } from './objects.ts'
import { EXIT_STORE_UNAVAILABLE } from './open-store.ts'
import { describeSync, Outbox, type SyncState } from './outbox.ts'
import {
  type ChecklistText,
  missingTextNotice,
  readTeamRunState,
  type TeamRunState,
} from './read-state.ts'
import {
  createTeamRun,
  eventPath,
  eventsFolder,
  headerPath,
  type IdentifiedEntry,
  keepChecklistText,
  seqOfKey,
  type TeamEntry,
  type TeamEvent,
  takeOverEntry,
  textSha256,
} from './team-run.ts'
import { LATE, within } from './within.ts'

type Env = Readonly<Record<string, string | undefined>>

export type { TeamTuning } from './link.ts'

/** A lease lasts a minute (lease.ts): renewed every 20 s, two renewals may fail before it lapses. */
const RENEW_EVERY_MS = 20_000
/** How long closing waits for what is left to reach the store; the rest goes at the next open. */
const CLOSE_GRACE_MS = 5_000
/**
 * One call's attempts: few, since the outbox itself tries again for as long as it takes, and
 * says it is offline as soon as a call has given up.
 */
const SYNC_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 200, maxDelayMs: 2_000 }

/**
 * Entries only ever written by someone else, straight into the store (`deploy-wizard approve`),
 * and adopted here: in this machine's journal, but never sent back.
 */
const ADOPTED_TYPES: ReadonlySet<string> = new Set(['approval-recorded'])

/**
 * Entries someone else may write into a run without driving it, and so without moving it on:
 * approvals (adopted), and the record of an export (`export --store`, written with
 * If-None-Match and no lease, by a lead looking at progress). A copy with only these since it
 * was read is still current, and what it has not sent goes on to the store.
 */
const WRITTEN_WITHOUT_LEASE: ReadonlySet<string> = new Set([...ADOPTED_TYPES, 'exported'])

/** The store's objects as the sync uses them. */
export function syncObjects(address: S3StoreAddress, tuning: TeamTuning): StoreObjects {
  return new StoreObjects(address, { retry: SYNC_RETRY, requestTimeoutMs: tuning.requestTimeoutMs })
}

/**
 * The outbox's objects: one attempt per call. The outbox tries again itself, for as long as it
 * takes, and checks the lease before every try; attempts made inside one call would not, and a
 * write held up by a hung request could then land after someone else took the run over.
 */
function outboxObjects(address: S3StoreAddress, tuning: TeamTuning): StoreObjects {
  return new StoreObjects(address, {
    retry: { ...SYNC_RETRY, attempts: 1 },
    requestTimeoutMs: tuning.requestTimeoutMs,
  })
}

/** A fingerprint of entries, to tell that a local copy still holds what was imported. */
function digestOf(entries: readonly unknown[]): string {
  const hash = createHash('sha256')
  for (const entry of entries) hash.update(`${JSON.stringify(entry)}\n`)
  return hash.digest('hex')
}

function isAdopted(entry: unknown): boolean {
  return ADOPTED_TYPES.has(String((entry as { type?: unknown } | null)?.type))
}

function entryId(link: Pick<TeamLink, 'writer'>, position: number): string {
  return `${link.writer}-${position}`
}

/** This machine's entries in the journal that go to the store, oldest first, with their ids. */
function outgoing(handle: RunHandle, link: TeamLink): IdentifiedEntry[] {
  return handle
    .entriesFrom(link.imported)
    .flatMap((entry, index) =>
      isAdopted(entry)
        ? []
        : [{ id: entryId(link, link.imported + index), entry: entry as TeamEntry }],
    )
}

/**
 * The handle, telling `feed` of every entry appended, after it is on disk, with its place in
 * the journal: each one the session records, the `resumed` one written before the session is.
 */
function feeding(
  handle: RunHandle,
  feed: (entry: JournalEntry, position: number) => void,
): RunHandle {
  return {
    id: handle.id,
    file: handle.file,
    journalFile: handle.journalFile,
    header: handle.header,
    skippedEntries: handle.skippedEntries,
    get journal() {
      return handle.journal
    },
    get state() {
      return handle.state
    },
    get length() {
      return handle.length
    },
    entriesFrom: (position) => handle.entriesFrom(position),
    append(entry) {
      const position = handle.length
      const state = handle.append(entry)
      feed(entry, position)
      return state
    },
    close: () => handle.close(),
  }
}

/** The store's events after entry `seq`, in order, up to the first one not written yet. */
export async function eventsAfter(
  objects: StoreObjects,
  runId: string,
  seq: number,
): Promise<TeamEvent[]> {
  const keys = await objects.list(eventsFolder(runId), seq > 0 ? eventPath(runId, seq) : undefined)
  const limit = pLimit(8)
  const read = await Promise.all(
    keys
      .filter((key) => seqOfKey(key) !== undefined)
      .map((key) =>
        limit(async () => {
          const got = await objects.get(key)
          return got ? (JSON.parse(got.body) as TeamEvent) : undefined
        }),
      ),
  )
  const events: TeamEvent[] = []
  for (const event of read.filter((one) => one !== undefined).sort((a, b) => a.seq - b.seq)) {
    if (event.seq !== seq + events.length + 1) break
    events.push(event)
  }
  return events
}

export interface TeamRunOptions {
  readonly address: S3StoreAddress
  /** Where the home (DEPLOY_WIZARD_HOME) is read from. */
  readonly env?: Env
  readonly tuning: TeamTuning
  /** Who drives: the lease's holder. */
  readonly operator: string
  readonly now: () => Date
}

/**
 * A run of this machine tied to its team store: sends what the session records, polls for
 * approvals and for a take-over, renews the lease, and shows all of it in the session's
 * snapshot (`sync`). Closed with the session.
 *
 * A run opened offline (`resumeTeamRunOffline`: the store did not answer, the operator chose to
 * go on with this machine's copy) has no lease and no outbox yet: what it records waits in the
 * journal, counted. Each poll asks the store again; once it answers, the lease is taken (never
 * from a live holder) and the store's events are looked at before anything is sent: none by
 * someone else since the copy was made (approvals aside), and the run drives on as any other;
 * otherwise the session is lost as a run taken over is, what it recorded kept, not sent.
 */
export class TeamSync {
  readonly address: S3StoreAddress
  readonly #objects: StoreObjects
  /** The outbox's own (see `outboxObjects`). */
  readonly #sending: StoreObjects
  /** Undefined while opened offline, until the store answers and the lease is taken. */
  #lease: Lease | undefined
  #outbox: Outbox | undefined
  readonly #link: TeamLink
  readonly #tuning: TeamTuning
  /** Set while the run is open offline (no lease yet). */
  #offline: OfflineOpen | undefined
  #session: RunSession | undefined
  /** The last entry of the store looked at for approvals. */
  #cursor: number
  #timer: NodeJS.Timeout | undefined
  #polling: Promise<void> | undefined
  #lost: LeaseLostError | undefined
  /** Since when the store has not answered this run's looks (nothing may be waiting to send). */
  #unreachableSince: Date | undefined
  /** Why the store refused this run's last look, with what to do; undefined once it answers. */
  #refusedBy: string | undefined
  #isClosed = false
  #unsubscribe: (() => void) | undefined
  #unwatch: readonly (() => void)[] = []

  constructor(parts: {
    readonly address: S3StoreAddress
    readonly objects: StoreObjects
    readonly sending: StoreObjects
    readonly lease: Lease | undefined
    readonly outbox: Outbox | undefined
    readonly link: TeamLink
    readonly tuning: TeamTuning
    /** Entries of the store already read: approvals among them are adopted at once. */
    readonly cursor: number
    readonly offline?: OfflineOpen
  }) {
    this.address = parts.address
    this.#objects = parts.objects
    this.#sending = parts.sending
    this.#lease = parts.lease
    this.#outbox = parts.outbox
    this.#link = parts.link
    this.#tuning = parts.tuning
    this.#cursor = parts.cursor
    this.#offline = parts.offline
  }

  /** Starts sending, renewing and polling for `session`, and closes with it. */
  attach(session: RunSession, known: readonly TeamEvent[] = []): void {
    this.#session = session
    session.onClose(() => this.close())
    // Each request as it ends, not each call once its attempts are spent: offline within one
    // request's timeout, since the first one that went unanswered was sent.
    const attempted = (answered: boolean, sentAt: Date) => this.#attempted(answered, sentAt)
    this.#unwatch = [this.#objects.onAttempt(attempted), this.#sending.onAttempt(attempted)]
    if (this.#lease && this.#outbox) this.#drive(this.#lease, this.#outbox, known)
    this.#show()
    this.#schedule()
  }

  /** Driving with `lease`: the outbox's news shown, the lease renewed, approvals in `known` adopted. */
  #drive(lease: Lease, outbox: Outbox, known: readonly TeamEvent[]): void {
    this.#adoptFrom(known)
    this.#unsubscribe = outbox.onChange((state) => {
      if (state.lost) this.#lose(state.lost)
      else this.#show()
    })
    lease.startRenewing(RENEW_EVERY_MS, (error) => this.#lose(error))
  }

  /**
   * An entry the session recorded, on disk at `position` of the journal: queued for the store;
   * while open offline, counted as waiting (the outbox takes it from the journal once there).
   */
  recorded(entry: JournalEntry, position: number): void {
    if (isAdopted(entry)) return
    if (!this.#outbox) {
      this.#show()
      return
    }
    try {
      this.#outbox.add(entry as TeamEntry, entryId(this.#link, position))
    } catch {
      // Closed: the entry is in the journal, and goes to the store at the next open.
    }
  }

  /** What the header shows. */
  get view(): SyncView {
    const store = storeUrl(this.address)
    const state = this.#outbox?.state ?? this.#offlineState()
    const lost = this.#lost ?? state.lost
    if (!lost) {
      const since = earliest(state.offlineSince, this.#unreachableSince)
      const { waiting } = state
      // Nothing to send, and the store not answering: not "synced" — an approval could not arrive.
      if (waiting === 0 && this.#refusedBy)
        return { store, text: this.#refusedBy, lost: null, waiting }
      if (waiting === 0 && since)
        return {
          store,
          text: `offline since ${since.toTimeString().slice(0, 5)}`,
          lost: null,
          waiting,
        }
      // Sending, and a request unanswered: offline, from the first one that was.
      if (!state.refused && since)
        return { store, text: describeSync({ ...state, offlineSince: since }), lost: null, waiting }
      return { store, text: describeSync(state), lost: null, waiting }
    }
    const unsent = this.unsent
    const kept =
      unsent.length > 0
        ? `; ${describeUnsaved(unsent.map(({ entry }) => ({ entry: entry as JournalEntry })))} not sent, kept on this machine`
        : ''
    const who =
      lost instanceof MovedOnError
        ? lost.words
        : lost.lease
          ? `taken over by ${driverName(lost.lease)}`
          : 'no longer driven here'
    return {
      store,
      text: unsent.length > 0 ? `${unsent.length} not sent` : 'not driving',
      lost: `${who}: nothing more is recorded here${kept}`,
      notSent: unsent.map(({ entry }) => entry as JournalEntry),
      ...(lost instanceof MovedOnError && lost.isFinished
        ? { isFinishedThere: true as const }
        : {}),
    }
  }

  /** Open offline: what waits in the journal, offline since the open found the store silent. */
  #offlineState(): SyncState {
    const refused = this.#refusedBy
    return {
      waiting: this.unsent.length,
      // Refused, it answered: said as such, as the outbox says it.
      offlineSince: refused ? undefined : this.#offline?.since,
      ...(refused ? { refused } : {}),
      problem: undefined,
      lost: undefined,
    }
  }

  /** The entries of this machine the store does not have. */
  get unsent(): readonly IdentifiedEntry[] {
    if (this.#outbox) return this.#outbox.unsent
    const offline = this.#offline
    return offline ? outgoing(offline.handle, this.#link).slice(offline.sent) : []
  }

  /**
   * One look at the store: is the lease still ours (else the session refuses what follows), and
   * which entries did someone else write since the last look (approvals are adopted). Open
   * offline, an attempt to take the run up again (`#connect`).
   */
  async poll(): Promise<void> {
    if (this.#isClosed || this.#lost) return
    const lease = this.#lease
    if (!lease) return this.#connect()
    try {
      await lease.check()
    } catch (error) {
      if (error instanceof LeaseLostError) this.#lose(error)
      // Otherwise the store did not answer, or refused: look again next time.
      else this.#reachable(error)
      return
    }
    let events: TeamEvent[]
    try {
      events = await eventsAfter(this.#objects, lease.runId, this.#cursor)
    } catch (error) {
      this.#reachable(error)
      return
    }
    this.#reachable(null)
    this.#adoptFrom(events)
  }

  /**
   * Open offline, the store asked again: when it answers, the run is driven from here on only if
   * nobody else drove it meanwhile. The lease is taken first (never from a live holder: that is
   * a take-over, said as one), then the store's events are read under it: someone else's since
   * this copy was made (approvals aside), or the run finished there, and the lease is given back
   * and nothing is sent. Nothing is written to the store before the lease is held.
   */
  async #connect(): Promise<void> {
    const offline = this.#offline
    if (!offline) return
    const { runId } = offline
    const objects = this.#objects
    let read: TeamRunState | undefined
    try {
      read = await readTeamRunState(objects, runId)
    } catch (error) {
      this.#reachable(error)
      return
    }
    if (this.#isClosed) return
    this.#reachable(null)
    // Someone else holds the lease and renews it: taken over, said as a take-over is.
    const held = read?.lease
    const isOurs = held?.holder === offline.options.operator && held.host === hostname()
    if (held && !isOurs && Date.parse(held.expiresAt) > offline.options.now().getTime())
      return this.#lose(new LeaseLostError(runId, held))
    const before = this.#movedOn(runId, read, read?.events ?? [])
    if (before) return this.#lose(before)
    let lease: Lease
    try {
      lease = await Lease.acquire(objects, runId, {
        driver: await driverFor(objects, offline.options.operator),
        now: offline.options.now,
      })
    } catch (error) {
      if (error instanceof LeaseHeldError) return this.#lose(new LeaseLostError(runId, error.lease))
      this.#reachable(error)
      return
    }
    let outbox: Outbox | undefined
    try {
      const known = read?.events ?? []
      const events = [...known, ...(await eventsAfter(objects, runId, known.length))]
      const moved = this.#movedOn(runId, read, events)
      if (moved) {
        await lease.release().catch(() => {})
        return this.#lose(moved)
      }
      // The `resumed` entry names the checklist it went on with: the store keeps its text first.
      if (read) await keepResumedText(objects, runId, read, offline.checklist)
      if (this.#isClosed) throw new Error('closed')
      const { handle } = offline
      const upTo = handle.length
      outbox = await Outbox.open({
        folder: teamFolder(runId, offline.options.env),
        objects: this.#sending,
        lease,
        journal: { entries: outgoing(handle, this.#link) },
      })
      if (this.#isClosed) throw new Error('closed')
      // Entries recorded while the outbox opened: queued after those it was handed.
      this.#outbox = outbox
      this.#lease = lease
      this.#offline = undefined
      handle.entriesFrom(upTo).forEach((entry, index) => {
        this.recorded(entry as JournalEntry, upTo + index)
      })
      this.#drive(lease, outbox, events)
      // An expired lease of someone else's taken: the sheet shows the hand-over, as on any open.
      const taken = takeOverEntry(lease, offline.options.now())
      try {
        if (taken) this.#session?.adopt(taken as JournalEntry)
      } catch {
        // The disk refused it: the run drives on; its answers are what the sheet is about.
      }
      this.#show()
    } catch (error) {
      if (this.#outbox !== outbox) await outbox?.close()
      if (!this.#outbox) await lease.release().catch(() => {})
      if (!this.#isClosed) this.#reachable(error)
    }
  }

  /**
   * Why the copy opened offline can no longer be driven, the store's run being `read` with
   * `events` (its own and those read after): gone, finished, or written to by someone else since
   * the copy was made. Undefined when nothing but this machine's entries and entries written
   * without the lease (approvals, exports: WRITTEN_WITHOUT_LEASE) came.
   */
  #movedOn(
    runId: string,
    read: TeamRunState | undefined,
    events: readonly TeamEvent[],
  ): MovedOnError | undefined {
    const store = storeUrl(this.address)
    if (!read) return new MovedOnError(runId, `removed from the team store ${store}`)
    const link = this.#link
    const finished = events.find((event) => event.entry.type === 'finished')
    if (finished || read.state.finishedAt !== null) {
      const by = byOf(finished?.entry)
      return new MovedOnError(
        runId,
        `finished${by ? ` by ${by}` : ''} in the team store ${store}`,
        true,
      )
    }
    const isSame =
      events.length >= link.imported &&
      digestOf(events.slice(0, link.imported).map((event) => event.entry)) === link.digest
    const others = events.filter(
      (event) =>
        event.seq > link.imported &&
        !event.id.startsWith(`${link.writer}-`) &&
        !WRITTEN_WITHOUT_LEASE.has(event.entry.type),
    )
    if (isSame && others.length === 0) return undefined
    const by = byOf(others.at(-1)?.entry)
    return new MovedOnError(runId, `driven${by ? ` by ${by}` : ''} in the team store meanwhile`)
  }

  /**
   * How the last look at the store went: answered (null), refused, or no answer. With nothing
   * waiting the outbox has no attempt of its own that fails, so without this the header would
   * say "synced" on a dead VPN, or on a login that expired.
   */
  #reachable(error: unknown): void {
    const was = [this.#unreachableSince, this.#refusedBy]
    const isRefused = error instanceof StoreUnavailableError && error.failure === 'refused'
    this.#refusedBy = isRefused ? refusalWords(error) : undefined
    this.#unreachableSince =
      error === null || isRefused ? undefined : (this.#unreachableSince ?? new Date())
    if (was[0] !== this.#unreachableSince || was[1] !== this.#refusedBy) this.#show()
  }

  /**
   * A request to the store ended: unanswered, the link counts as down from when it was sent (the
   * earliest such); answered, as up again, whatever the answer (a refusal is the poll's to say).
   */
  #attempted(answered: boolean, sentAt: Date): void {
    if (this.#isClosed) return
    const was = this.#unreachableSince
    if (answered) {
      // An answer to a request sent before the link went down says nothing of it now.
      if (was && sentAt >= was) this.#unreachableSince = undefined
    } else this.#unreachableSince = earliest(was, sentAt)
    if (was !== this.#unreachableSince) this.#show()
  }

  /** Adopts the approvals among `events` (after the cursor), in order; moves the cursor past them. */
  #adoptFrom(events: readonly TeamEvent[]): void {
    const session = this.#session
    if (!session) return
    for (const event of events) {
      if (event.seq <= this.#cursor) continue
      if (event.seq !== this.#cursor + 1) return
      if (!event.id.startsWith(`${this.#link.writer}-`) && ADOPTED_TYPES.has(event.entry.type)) {
        const [entry] = understood([event.entry]).journal
        try {
          if (entry) session.adopt(entry)
        } catch {
          // The disk refused it: it is adopted at the next look, the cursor left before it.
          return
        }
      }
      this.#cursor = event.seq
    }
  }

  /**
   * Stops polling and renewing, gives what waits a few seconds to reach the store and, when it
   * all has, gives the lease up so another operator may take the run at once. What is left is in
   * the journal, sent at the next open. Safe to call twice.
   */
  async close(graceMs = CLOSE_GRACE_MS): Promise<void> {
    if (this.#isClosed) return
    this.#isClosed = true
    clearTimeout(this.#timer)
    // Open offline, a look at the store under way may be taking the lease: it gives it back.
    if (!this.#outbox) await within(graceMs, this.#polling ?? Promise.resolve()).catch(() => {})
    this.#lease?.stopRenewing()
    const outbox = this.#outbox
    const isDrained = outbox && (await within(graceMs, outbox.flush())) !== LATE
    if (isDrained && !this.#lost && outbox.state.waiting === 0) {
      await within(graceMs, this.#lease?.release() ?? Promise.resolve()).catch(() => {})
    }
    this.#show()
    this.#unsubscribe?.()
    for (const unwatch of this.#unwatch) unwatch()
    // A request that hangs is not waited for: the journal has what it carried.
    await within(1_000, outbox?.close() ?? Promise.resolve()).catch(() => {})
    await within(1_000, this.#polling ?? Promise.resolve()).catch(() => {})
    await this.#sending.close()
    await this.#objects.close()
  }

  #schedule(): void {
    if (this.#isClosed || this.#lost) return
    this.#timer = setTimeout(() => {
      this.#polling = this.poll().finally(() => {
        this.#polling = undefined
        this.#schedule()
      })
    }, this.#tuning.pollMs)
    this.#timer.unref()
  }

  #lose(error: LeaseLostError): void {
    if (this.#lost) return
    this.#lost = error
    this.#lease?.stopRenewing()
    clearTimeout(this.#timer)
    this.#session?.refuse(error)
    this.#show()
  }

  #show(): void {
    this.#session?.showSync(this.view)
  }
}

/** A team run opened from this machine's copy while its store did not answer (`resumeTeamRunOffline`). */
interface OfflineOpen {
  readonly runId: string
  /** This machine's copy: what it recorded since it was opened waits in its journal. */
  readonly handle: RunHandle
  readonly options: TeamRunOptions
  /** When the store was found silent. */
  readonly since: Date
  /** How many of this machine's entries the store had when the copy was last driven (sent.json). */
  readonly sent: number
  /** The checklist it goes on with, read as it opened: the store keeps its text if it has none. */
  readonly checklist: ChecklistText
}

/**
 * A run opened offline that went on in the store meanwhile (finished, driven by someone else,
 * removed): this session can no longer write to it. `words` complete "run … was": "finished by
 * ben in the team store s3://…".
 */
class MovedOnError extends LeaseLostError {
  readonly words: string
  readonly isFinished: boolean
  constructor(runId: string, words: string, isFinished = false) {
    super(runId, undefined)
    this.words = words
    this.isFinished = isFinished
    this.message = `run ${runId} was ${words} while this machine had it open offline: this session can no longer write to it`
  }
}

/** Who wrote an entry, when it says. */
function byOf(entry: TeamEntry | undefined): string | undefined {
  const by = (entry as { by?: unknown } | undefined)?.by
  return typeof by === 'string' ? by : undefined
}

/**
 * Keeps in the store the text of the checklist a run is resumed with, when it is neither the one
 * the run is on there (`read`) nor the one it started with: before the `resumed` entry naming it
 * is sent, so whoever reads that entry finds the text.
 */
async function keepResumedText(
  objects: StoreObjects,
  runId: string,
  read: TeamRunState,
  checklist: ChecklistText,
): Promise<void> {
  const { sha256 } = checklist
  if (sha256 === read.checklist.sha256 || sha256 === textSha256(read.checklistText)) return
  await keepChecklistText(objects, runId, sha256, checklist.text)
}

/** How many of this machine's entries of run `runId` its store had at the last look (sent.json). */
function sentHere(runId: string, env?: Env): number {
  try {
    const sent = (
      JSON.parse(readFileSync(join(teamFolder(runId, env), 'sent.json'), 'utf8')) as {
        sent?: unknown
      }
    ).sent
    return typeof sent === 'number' ? sent : 0
  } catch {
    return 0
  }
}

/** The earlier of two moments, either of which may be unknown. */
function earliest(a: Date | undefined, b: Date | undefined): Date | undefined {
  if (!a || !b) return a ?? b
  return a <= b ? a : b
}

/** Who drives: the operator, this host, and the AWS identity the store is written as. */
async function driverFor(objects: StoreObjects, operator: string): Promise<Driver> {
  return { holder: operator, host: hostname(), arn: await objects.callerArn() }
}

/**
 * The checklist's text, exactly as parsed: refused when the file changed since. Read as a run
 * starts (the header keeps it) or as it is resumed with an edited file (kept beside the header).
 */
function checklistText(checklist: Checklist, doing: 'start' | 'resume' = 'start'): string {
  const words =
    doing === 'start'
      ? { while: 'starting', again: 'start it again', keeps: 'the checklist it starts with' }
      : { while: 'being opened', again: 'open it again', keeps: 'each checklist it goes on with' }
  let bytes: Buffer
  try {
    bytes = readFileSync(checklist.path)
  } catch (error) {
    throw new UserError(
      `cannot read ${checklist.path} again: ${fileProblem(error) ?? (error as Error).message}`,
      { hint: `a team run keeps ${words.keeps}; ${words.again}`, cause: error },
    )
  }
  if (createHash('sha256').update(bytes).digest('hex') !== checklist.sha256) {
    throw new UserError(`${checklist.path} changed while the run was ${words.while}`, {
      hint: `${words.again}: a team run keeps the exact text of ${words.keeps}`,
    })
  }
  return bytes.toString('utf8')
}

/**
 * Starts a run in the team store: its header and checklist text, its lease (new), and this
 * machine's local run (`create`), whose every entry then goes to the store. A store that cannot
 * be written leaves nothing behind here: the local run is removed again.
 */
export async function startTeamRun(
  checklist: Checklist,
  create: () => RunHandle,
  build: (handle: RunHandle) => RunSession,
  options: TeamRunOptions,
): Promise<RunSession> {
  const { address, env, tuning } = options
  const text = checklistText(checklist)
  const objects = syncObjects(address, tuning)
  let handle: RunHandle | undefined
  const home = env ? { env } : {}
  try {
    for (let attempt = 0; ; attempt++) {
      handle = create()
      // Ids are random, but the team's runs share one folder: an id taken there is taken.
      if (!(await objects.get(headerPath(handle.id))) || attempt >= 5) break
      handle.close()
      removeRun(handle.id, home)
    }
    await createTeamRun(objects, handle.header, text)
    const lease = await Lease.acquire(objects, handle.id, {
      driver: await driverFor(objects, options.operator),
      now: options.now,
    })
    const link: TeamLink = {
      format: LINK_FORMAT,
      store: storeUrl(address),
      writer: randomUUID(),
      imported: 0,
      digest: digestOf([]),
    }
    writeLink(handle.id, link, env)
    return await driving({ handle, objects, lease, link, options, known: [] }, build, (x) => x)
  } catch (error) {
    if (handle) {
      handle.close()
      // Nothing was answered yet: a run the team cannot see is not left here either.
      removeRun(handle.id, home)
      rmSync(teamFolder(handle.id, env), { recursive: true, force: true })
    }
    await objects.close()
    throw unreachable(
      error,
      `cannot start a run in the team store ${storeUrl(address)}`,
      'start it again once the store answers: nothing was saved',
      `a new team run cannot start while the team store ${storeUrl(address)} is not answering`,
    )
  }
}

/**
 * A store that does not answer while a run is being opened: said as such (`silentWhat` instead of
 * `what`, when given), exit 69. The outbox's patience is for a run already driven; opening one
 * needs to know who drives it.
 */
function unreachable(error: unknown, what: string, then: string, silentWhat = what): unknown {
  if (!(error instanceof StoreUnavailableError)) return error
  const isRefused = error.failure === 'refused'
  // Refused (no bucket, access denied, credentials): the operator's to fix, exit 2 as bad usage
  // is. No answer: nothing is wrong with the command, try again (69, as every command says it).
  return new UserError(`${isRefused ? what : silentWhat}: ${error.message}`, {
    hint: isRefused ? (error.hint ?? then) : then,
    cause: error,
    ...(isRefused ? {} : { exitCode: EXIT_STORE_UNAVAILABLE }),
  })
}

/**
 * The store did not answer while run `runId` was being read to open it, and this machine has a
 * copy of it, unfinished here, that could go on offline: the refusal (exit 69) unless the
 * operator chooses to (`ResumeQuestions.goOffline`, with `silent`; then `resumeTeamRunOffline`).
 */
export class SilentStoreError extends UserError {
  readonly silent: SilentStoreWords
  /** When the read that went unanswered began. */
  readonly since: Date
  constructor(refusal: UserError, silent: SilentStoreWords, since: Date) {
    super(refusal.message, {
      ...(refusal.hint ? { hint: refusal.hint } : {}),
      exitCode: refusal.exitCode,
      cause: refusal.cause,
    })
    this.silent = silent
    this.since = since
  }
}

/** Whether this machine has a copy of team run `runId` of that store, unfinished here. */
function hasUnfinishedCopy(runId: string, address: S3StoreAddress, env?: Env): boolean {
  try {
    if (readTeamLink(runId, env)?.store !== storeUrl(address)) return false
    const copy = readRunUnlocked(runId, env ? { env } : {})
    return copy !== undefined && copy.state.finishedAt === null
  } catch {
    return false
  }
}

/** Opens the outbox and the sync on `handle`; builds the session (`build`) on the fed handle. */
async function driving<T>(
  parts: {
    readonly handle: RunHandle
    readonly objects: StoreObjects
    readonly lease: Lease
    readonly link: TeamLink
    readonly options: TeamRunOptions
    /** The store's events as read: approvals among them not in the journal yet are adopted. */
    readonly known: readonly TeamEvent[]
    /** Appends, on the fed handle, what must come before the session's first entry. */
    readonly before?: (fed: RunHandle) => void
  },
  build: (handle: RunHandle) => T,
  sessionOf: (built: T) => RunSession,
): Promise<T> {
  const { handle, objects, lease, link, options } = parts
  const sending = outboxObjects(options.address, options.tuning)
  const outbox = await Outbox.open({
    folder: teamFolder(handle.id, options.env),
    objects: sending,
    lease,
    journal: { entries: outgoing(handle, link) },
  }).catch(async (error: unknown) => {
    await sending.close()
    throw error
  })
  const fed = feeding(handle, (entry, position) => {
    if (isAdopted(entry)) return
    try {
      outbox.add(entry, entryId(link, position))
    } catch {
      // Closed: the entry is in the journal, and goes to the store at the next open.
    }
  })
  const sync = new TeamSync({
    address: options.address,
    objects,
    sending,
    lease,
    outbox,
    link,
    tuning: options.tuning,
    cursor: link.imported,
  })
  try {
    parts.before?.(fed)
    const built = build(fed)
    sync.attach(sessionOf(built), parts.known)
    return built
  } catch (error) {
    await outbox.close()
    await sending.close()
    throw error
  }
}

/** A team run found in its store, for the wizard to open: its header as this machine keeps it. */
export interface FoundTeamRun {
  readonly header: RunHeader
  readonly state: TeamRunState
}

/**
 * Reads run `runId` from the store; saves the checklist it is on under the home (the copy the run
 * is resumed and exported with here). Undefined when the store has no such run.
 */
export async function findTeamRun(
  runId: string,
  address: S3StoreAddress,
  options: { readonly env?: Env; readonly tuning: TeamTuning },
): Promise<FoundTeamRun | undefined> {
  const objects = syncObjects(address, options.tuning)
  try {
    const state = await readTeamRunState(objects, runId)
    if (!state) return undefined
    return { header: localHeader(state, options.env), state }
  } finally {
    await objects.close()
  }
}

/**
 * The header of a copy of the run made on this machine: its checklist is the text the run is on
 * as the store keeps it (the one it started with, or the one it was last resumed with after an
 * edit), saved under the home (the path on the machine that started the run means nothing here).
 */
function localHeader(state: TeamRunState, env?: Env): RunHeader {
  const path = importedChecklistPath(state.header.id, env)
  saveChecklist(path, state.checklist.text, env)
  return { ...state.header, checklist: { ...state.header.checklist, path } }
}

function saveChecklist(path: string, text: string, env?: Env): void {
  try {
    mkdirSync(dirname(path), { recursive: true })
    writeFileAtomic(path, text)
  } catch (error) {
    throw homeError(error, path, env) ?? error
  }
}

/**
 * This machine's copy of the checklist of run `read`, saved under the home when the run was
 * imported here before, brought to the text the run is on: someone else may have resumed it with
 * an edited file since. Left as it is when the store keeps no such text, or when the copy's
 * checklist is a file of this machine's own (the run started here).
 */
function refreshImported(read: TeamRunState, env?: Env): void {
  if (read.checklist.missing !== undefined) return
  const { id } = read.header
  const path = importedChecklistPath(id, env)
  let saved: string
  try {
    saved = readFileSync(path, 'utf8')
  } catch {
    return
  }
  if (saved === read.checklist.text) return
  let copy: ReturnType<typeof readRunUnlocked>
  try {
    copy = readRunUnlocked(id, env ? { env } : {})
  } catch {
    return // Unreadable: opening it says so.
  }
  if (copy?.header.checklist.path !== path) return
  saveChecklist(path, read.checklist.text, env)
}

/** Opening a team run again, from this machine's copy or from the store alone. */
export interface TeamResume {
  readonly runId: string
  /**
   * The checklist the run is resumed with: when it is not the text the run started with (an
   * edited file), its text goes to the store, for those who lay the run out from there (`watch`).
   */
  readonly checklist: Checklist
  readonly options: TeamRunOptions
  readonly questions: ResumeQuestions
  /** The run as read from the store already (when it was found there), to save a second read. */
  readonly known?: TeamRunState
}

/**
 * Resumes a team run: reads it from the store, takes its lease (asking before taking it from
 * someone who holds it), brings this machine's copy up to the store's (importing it when there
 * is none), journals the take-over, and hands the fed handle to `resume`, which records the
 * `resumed` entry and builds the session. `notices` are for the operator's first screen.
 */
export async function resumeTeamRun<R extends { readonly session: RunSession }>(
  open: TeamResume,
  resume: (handle: RunHandle) => R,
): Promise<R & { readonly notices: readonly string[] }> {
  const { runId, options } = open
  const { address, env } = options
  const home = env ? { env } : {}
  const objects = syncObjects(address, options.tuning)
  let handle: RunHandle | undefined
  let lease: Lease | undefined
  try {
    // This machine's copy first, its lock held from here on: a run open in another wizard here
    // is refused before its lease is touched (taking the lease "again" and letting it go on the
    // way out would take it from that wizard).
    handle = copyHere(runId, home, address)
    const read = open.known ?? (await readTeamRunState(objects, runId))
    if (!read) throw noSuchRun(runId, address)
    if (read.state.finishedAt !== null) {
      const here = handle
      handle = undefined
      throw (await finishedElsewhere(runId, here, read, home, address)).refusal
    }
    lease = await takeLease(objects, runId, options, open.questions)
    // Before the `resumed` entry that names it: whoever reads that entry finds the text (the
    // store has it already when it is the one the run is on, or the one it started with).
    const { sha256 } = open.checklist
    if (sha256 !== read.checklist.sha256 && sha256 !== textSha256(read.checklistText)) {
      const text = checklistText(open.checklist, 'resume')
      await keepResumedText(objects, runId, read, { sha256, text })
    }
    // Read again from where the first read ended: nothing the last driver wrote is missed.
    const events = [...read.events, ...(await eventsAfter(objects, runId, read.events.length))]
    if (events.some((event, at) => at >= read.events.length && event.entry.type === 'finished')) {
      // Finished in the store after the first read (while the operator confirmed production,
      // say): refused as above, in the same words, from the store as it is now.
      const now = (await readTeamRunState(objects, runId)) ?? read
      const here = handle
      handle = undefined
      throw (await finishedElsewhere(runId, here, now, home, address)).refusal
    }
    const here = handle
    handle = undefined
    const wasFinishedHere = here !== undefined && here.state.finishedAt !== null
    const copy = await localCopy(runId, here, read, events, home, options)
    handle = copy.handle
    if (wasFinishedHere && handle.state.finishedAt === null) {
      // Finished here, but the store moved on meanwhile (someone drove it): the finish was set
      // aside with what else was not sent. Opened only to send, production was not confirmed:
      // the run is not opened for answers now; the next open asks as for any unfinished run.
      throw new UserError(
        `run ${runId} was finished on this machine, but it was driven in the team store ${storeUrl(address)} meanwhile: the finish could not be sent`,
        {
          hint: [
            ...copy.notices,
            `open it again to go on with it (production is confirmed first): deploy-wizard run --resume ${runId}`,
          ].join('\n  '),
        },
      )
    }
    if (handle.state.finishedAt !== null) {
      // Finished here while the store was away: a finished run is not opened again, but what
      // waits is sent now.
      const waiting = await sendWaiting(handle, objects, lease, copy.link, options.tuning, env)
      handle.close()
      handle = undefined
      if (waiting > 0) {
        throw new UserError(
          `run ${runId} was finished on this machine; ${waiting} of its entries still wait for the team store ${storeUrl(address)}`,
          { hint: `send them once the store answers: deploy-wizard run --resume ${runId}` },
        )
      }
      await lease.release().catch(() => {})
      throw new UserError(
        `run ${runId} was finished on this machine; the team store has all of it now`,
        { hint: sheetHint(runId, address), exitCode: 0 },
      )
    }
    const notices = [...copy.notices]
    const taken = takeOverEntry(lease, options.now())
    if (taken && lease.acquired.kind === 'taken-over') {
      const { from, reason } = lease.acquired
      notices.unshift(
        `took run ${runId} over from ${driverName(from)}, last seen ${sinceWords(from.renewedAt, options.now())}${reason === 'expired' ? ' (their lease had expired)' : ''}`,
      )
    }
    const built = await driving(
      {
        handle,
        objects,
        lease,
        link: copy.link,
        options,
        known: events,
        before: (fed) => {
          if (taken) fed.append(taken as JournalEntry)
        },
      },
      resume,
      (resumed) => resumed.session,
    )
    return { ...built, notices }
  } catch (error) {
    handle?.close()
    if (lease && !lease.lost) await lease.release().catch(() => {})
    await objects.close()
    throw unreachable(
      error,
      `cannot open run ${runId} in the team store ${storeUrl(address)}`,
      'open it again once the store answers (who drives it is known only there); what was answered is saved',
    )
  }
}

/**
 * Opens a team run from this machine's copy while its store does not answer (the operator said
 * to: `ResumeQuestions.goOffline`): without the lease, nothing written to the store. `resume`
 * records the `resumed` entry (saying it was opened offline) on the handle and builds the
 * session; what it and the session record waits in the journal, counted as waiting, until the
 * store answers and the run is found not to have moved on (`TeamSync`). Refused (exit 69) when
 * the copy cannot go on: finished here, or no longer holding what it read from the store.
 */
export async function resumeTeamRunOffline<R extends { readonly session: RunSession }>(
  open: TeamResume & { readonly since: Date },
  resume: (handle: RunHandle) => R,
): Promise<R & { readonly notices: readonly string[] }> {
  const { runId, options } = open
  const { address, env } = options
  const store = storeUrl(address)
  const refuse = (why: string) =>
    new UserError(`cannot open run ${runId} from this machine's copy: ${why}`, {
      hint: 'open it again once the team store answers; what was answered is saved',
      exitCode: EXIT_STORE_UNAVAILABLE,
    })
  const handle = copyHere(runId, env ? { env } : {}, address)
  if (!handle) throw refuse('there is none')
  const objects = syncObjects(address, options.tuning)
  const sending = outboxObjects(address, options.tuning)
  try {
    const link = readTeamLink(runId, env)
    const isIntact =
      link !== undefined &&
      handle.length >= link.imported &&
      digestOf(handle.entriesFrom(0).slice(0, link.imported)) === link.digest
    if (!link || !isIntact) throw refuse('it no longer holds what it read from the team store')
    if (handle.state.finishedAt !== null) throw refuse('it was finished on this machine')
    const sync = new TeamSync({
      address,
      objects,
      sending,
      lease: undefined,
      outbox: undefined,
      link,
      tuning: options.tuning,
      cursor: link.imported,
      offline: {
        runId,
        handle,
        options,
        since: open.since,
        sent: sentHere(runId, env),
        checklist: { sha256: open.checklist.sha256, text: checklistText(open.checklist, 'resume') },
      },
    })
    const built = resume(feeding(handle, (entry, position) => sync.recorded(entry, position)))
    sync.attach(built.session)
    const notices = [
      `offline, from this machine's copy: answers wait here, sent once the team store ${store} answers, unless someone else drove run ${runId} meanwhile`,
    ]
    return { ...built, notices }
  } catch (error) {
    handle.close()
    await sending.close()
    await objects.close()
    throw error
  }
}

/** A team run finished in its store: why it is not opened, and what this machine never sent. */
export interface FinishedElsewhere {
  /** Who finished it and when, what was kept aside here, and where its sheet comes from. */
  readonly refusal: UserError
  /** What this machine had recorded and never sent (`1 answer`), kept aside; undefined for nothing. */
  readonly neverSent: string | undefined
}

/**
 * Run `runId`, finished in the store (`read`), not opened: this machine's copy (`here`, open; it
 * is closed) brought up to date, so `runs` and `export` on this machine say the same, and what it
 * had not sent set aside and named, since it can no longer be.
 */
async function finishedElsewhere(
  runId: string,
  here: RunHandle | undefined,
  read: TeamRunState,
  home: { readonly env?: Env },
  address: S3StoreAddress,
): Promise<FinishedElsewhere> {
  const copy = await localCopy(runId, here, read, read.events, home, { address })
  copy.handle.close()
  const finished = [...read.journal].reverse().find((entry) => entry.type === 'finished')
  const refusal = new UserError(
    `run ${runId} was finished${finished ? ` by ${finished.by}` : ''} at ${formatMoment(read.state.finishedAt ?? '')}, in the team store ${storeUrl(address)}`,
    { hint: [...copy.notices, sheetHint(runId, address)].join('\n  ') },
  )
  return { refusal, neverSent: copy.neverSent }
}

/**
 * This machine's copy of run `runId`, unfinished here, which the store has finished (`read`):
 * set aside as `finishedElsewhere` says. Undefined when there is no such copy here (none, or
 * finished here too); a UserError when it cannot be opened (open in another wizard here).
 */
export async function setAsideFinished(
  runId: string,
  read: TeamRunState,
  options: Pick<TeamRunOptions, 'address' | 'env'>,
): Promise<FinishedElsewhere | undefined> {
  const { address, env } = options
  const home = env ? { env } : {}
  const here = copyHere(runId, home, address)
  if (!here) return undefined
  if (here.state.finishedAt !== null) {
    here.close()
    return undefined
  }
  return finishedElsewhere(runId, here, read, home, address)
}

/**
 * Run `runId` as the store has it, read before anything is asked about opening it (`known`: as
 * read already): a run the store does not have, or has finished, is refused now, so nobody
 * confirms production, or types their name, for a run that will not open. The read is handed
 * to `resumeTeamRun` (`TeamResume.known`), not made twice. A copy of its checklist imported here
 * before is brought to the text the run is on, before the wizard reads it (`refreshImported`).
 */
export async function resumableRun(
  runId: string,
  options: Pick<TeamRunOptions, 'address' | 'env' | 'tuning'>,
  known?: TeamRunState,
): Promise<TeamRunState> {
  const { address, env } = options
  const objects = syncObjects(address, options.tuning)
  const asked = new Date()
  try {
    const read = known ?? (await readTeamRunState(objects, runId))
    if (!read) throw noSuchRun(runId, address)
    if (read.state.finishedAt !== null) {
      const home = env ? { env } : {}
      throw (await finishedElsewhere(runId, copyHere(runId, home, address), read, home, address))
        .refusal
    }
    refreshImported(read, env)
    return read
  } catch (error) {
    const refusal = unreachable(
      error,
      `cannot open run ${runId} in the team store ${storeUrl(address)}`,
      'open it again once the store answers (who drives it is known only there); what was answered is saved',
    )
    const isSilent =
      error instanceof StoreUnavailableError &&
      error.failure !== 'refused' &&
      refusal instanceof UserError
    if (!isSilent || !hasUnfinishedCopy(runId, address, env)) throw refusal
    const problem = error.reason ?? error.message
    throw new SilentStoreError(refusal, { runId, store: storeUrl(address), problem }, asked)
  } finally {
    await objects.close()
  }
}

function noSuchRun(runId: string, address: S3StoreAddress): UserError {
  return new UserError(`the team store ${storeUrl(address)} has no run ${runId}`, {
    hint: `deploy-wizard runs --store ${storeUrl(address)} lists the team's runs`,
  })
}

/**
 * Where a finished team run's sheet comes from: the store, whose `verify --store` knows the
 * export (a sheet exported from this machine's copy is recorded here only, and refused there).
 */
function sheetHint(runId: string, address: S3StoreAddress): string {
  return `its sign-off sheet: deploy-wizard export ${runId} --store ${storeUrl(address)}`
}

/**
 * Sends this machine's entries of `handle` the store does not have, until they are all there or
 * the store stops answering; how many still wait.
 */
async function sendWaiting(
  handle: RunHandle,
  objects: StoreObjects,
  lease: Lease,
  link: TeamLink,
  tuning: TeamTuning,
  env?: Env,
): Promise<number> {
  const sending = outboxObjects(objects.address, tuning)
  const outbox = await Outbox.open({
    folder: teamFolder(handle.id, env),
    objects: sending,
    lease,
    journal: { entries: outgoing(handle, link) },
  }).catch(async (error: unknown) => {
    await sending.close()
    throw error
  })
  try {
    await new Promise<void>((resolve) => {
      const isSettled = (state: typeof outbox.state) =>
        state.waiting === 0 || state.offlineSince !== undefined || state.lost !== undefined
      outbox.onChange((state) => {
        if (isSettled(state)) resolve()
      })
      if (isSettled(outbox.state)) resolve()
    })
    return outbox.state.waiting
  } finally {
    await within(1_000, outbox.close())
    await sending.close()
  }
}

/** Takes the run's lease: at once when free, expired or ours; asked first when someone else holds it. */
async function takeLease(
  objects: StoreObjects,
  runId: string,
  options: TeamRunOptions,
  questions: ResumeQuestions,
): Promise<Lease> {
  const driver = await driverFor(objects, options.operator)
  try {
    return await Lease.acquire(objects, runId, { driver, now: options.now })
  } catch (error) {
    if (!(error instanceof LeaseHeldError)) throw error
    const holder = error.lease
    const words = {
      name: driverName(holder),
      arn: holder.arn,
      lastSeen: sinceWords(holder.renewedAt, options.now()),
    }
    if (!(await questions.takeOver(words))) {
      throw new UserError(
        `run ${runId} is left to ${driverName(error.lease)}: nothing was written`,
        { exitCode: 1 },
      )
    }
    return Lease.acquire(objects, runId, { driver, now: options.now, takeOver: true })
  }
}

/**
 * This machine's copy of team run `runId`, open (its lock held); undefined when there is none.
 * A run of that id here that is not this team run's copy is refused.
 */
function copyHere(
  runId: string,
  home: { readonly env?: Env },
  address: S3StoreAddress,
): RunHandle | undefined {
  if (!hasRun(runId, home)) return undefined
  if (readTeamLink(runId, home.env)?.store !== storeUrl(address)) {
    throw new UserError(
      `run ${runId} on this machine is not the run of that id in ${storeUrl(address)}`,
      {
        hint: `resume it without --store, or remove it here first: deploy-wizard runs rm ${runId}`,
      },
    )
  }
  return openRun(runId, home)
}

/**
 * This machine's copy of the run (`old`, open; it is handed back or closed), up to date with the
 * store's `events`: the copy there is when it holds what it imported and the store has nothing
 * since but its own entries and approvals; otherwise written (again) from the store. What this
 * machine had not sent by then can no longer be: it is kept in a file of its own and named in a
 * notice.
 */
async function localCopy(
  runId: string,
  old: RunHandle | undefined,
  read: TeamRunState,
  events: readonly TeamEvent[],
  home: { readonly env?: Env },
  options: Pick<TeamRunOptions, 'address'>,
): Promise<{ handle: RunHandle; link: TeamLink; notices: string[]; neverSent?: string }> {
  const { env } = home
  const notices: string[] = []
  let neverSent: string | undefined
  let header: RunHeader
  try {
    const link = old ? readTeamLink(runId, env) : undefined
    if (old && link) {
      const isIntact =
        old.length >= link.imported &&
        digestOf(old.entriesFrom(0).slice(0, link.imported)) === link.digest
      const isCurrent = events.every(
        (event) =>
          event.seq <= link.imported ||
          event.id.startsWith(`${link.writer}-`) ||
          WRITTEN_WITHOUT_LEASE.has(event.entry.type),
      )
      if (isIntact && isCurrent) {
        const kept = old
        old = undefined
        return { handle: kept, link, notices }
      }
      const inStore = new Set(events.map((event) => event.id))
      const stranded = outgoing(old, link).filter((item) => !inStore.has(item.id))
      if (stranded.length > 0) {
        neverSent = describeUnsaved(stranded.map(({ entry }) => ({ entry: entry as JournalEntry })))
        notices.push(keep(runId, stranded, neverSent, env))
      }
    }
    // A copy made here before keeps its header: its checklist is where it was read from.
    if (old) header = old.header
    else {
      header = localHeader(read, env)
      const { missing } = read.checklist
      if (missing)
        notices.push(
          missingTextNotice(
            runId,
            missing,
            `${header.checklist.path} has the text the run started with instead, and what changed is shown against it`,
          ),
        )
    }
  } finally {
    old?.close()
  }
  const fresh: TeamLink = {
    format: LINK_FORMAT,
    store: storeUrl(options.address),
    writer: randomUUID(),
    imported: events.length,
    digest: digestOf(events.map((event) => event.entry)),
  }
  // The link first, then the copy: a kill between them leaves a copy that does not match the
  // link's digest, which the next open writes again; never a link that takes the store's
  // entries for this machine's own.
  writeLink(runId, fresh, env)
  rmSync(join(teamFolder(runId, env), 'sent.json'), { force: true })
  const handle = importRun(
    header,
    events.map((event) => event.entry),
    home,
  )
  return { handle, link: fresh, notices, ...(neverSent ? { neverSent } : {}) }
}

/**
 * Writes entries that can no longer be sent to a file beside the outbox; the notice naming it
 * and them (`what`: `1 answer`).
 */
function keep(
  runId: string,
  stranded: readonly IdentifiedEntry[],
  what: string,
  env?: Env,
): string {
  const stamp = new Date().toISOString().replace(/[-:.]/g, '')
  const file = join(teamFolder(runId, env), `kept-${stamp}.jsonl`)
  try {
    writeFileAtomic(file, stranded.map((item) => `${JSON.stringify(item)}\n`).join(''))
  } catch (error) {
    throw homeError(error, file, env) ?? error
  }
  return `${what} recorded on this machine never reached the team store before someone else drove run ${runId}: kept in ${file}`
}
