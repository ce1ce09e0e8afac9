/**
 * Local first: an answer is durable on this machine before it is acknowledged,
 * and the outbox sends it to the team store afterwards, in order, one entry at
 * a time. While the store does not answer (VPN down, S3 throttling or failing,
 * an endpoint that hangs) the outbox keeps trying with backoff and says how many
 * entries wait and since when it is offline. When the lease is lost — someone
 * took over meanwhile — the entries not yet sent can no longer be written: they
 * stay in the outbox file and are reported, never dropped.
 *
 * Two files in the outbox folder:
 *   entries.jsonl   every entry with its id, one line each, appended and fsync'd
 *   sent.json       how many of them the store has, and where the next one goes
 * A kill at any moment loses nothing: a torn last line was never acknowledged,
 * and an entry sent whose `sent.json` update did not happen is found in the
 * store under its own id on restart and counted, not written again.
 *
 * A run's own journal can stand in for entries.jsonl (`journal`): the wizard's
 * answers are durable there already, so a second file and a second fsync per
 * answer would only double the cost of saving one. The caller then hands in the
 * entries waiting at open, and each new one with an id it can give again after
 * a restart (team/sync.ts: this machine's writer and the entry's place in the
 * journal); `sent.json` still counts how many of them the store has.
 */
import { randomUUID } from 'node:crypto'
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  truncateSync,
  writeSync,
} from 'node:fs'
import { join } from 'node:path'
import { writeFileAtomic } from '../../atomic-write.ts'
import { isNotFound } from '../../errors.ts'
import { type Lease, LeaseLostError } from './lease.ts'
import {
  backoffMs,
  type RetryPolicy,
  refusalWords,
  type StoreObjects,
  StoreUnavailableError,
} from './objects.ts'
import { type IdentifiedEntry, nextSeq, type TeamEntry, TeamRunWriter } from './team-run.ts'

/** Where the outbox stands, for the header. */
export interface SyncState {
  /** Entries saved locally and not yet in the store. */
  readonly waiting: number
  /** Since when the store has not answered; undefined while it does. */
  readonly offlineSince: Date | undefined
  /**
   * Why the store refused the last attempt, with what to do ("AWS credentials refused
   * (ExpiredToken); log in again"): it answered, so it is not offline. Tried again all the same.
   */
  readonly refused?: string
  /** Why the last attempt failed, while offline. */
  readonly problem: string | undefined
  /** Set when the lease was lost: `waiting` entries are kept here and will not be sent. */
  readonly lost: LeaseLostError | undefined
}

/** "synced", "4 waiting, offline since 12:03", "4 not sent: run … is now driven by …". */
export function describeSync(state: SyncState): string {
  if (state.lost) return `${state.waiting} not sent: ${state.lost.message}`
  if (state.waiting === 0) return 'synced'
  if (state.refused) return `${state.waiting} waiting: ${state.refused}`
  if (!state.offlineSince) return `${state.waiting} waiting`
  const time = state.offlineSince.toTimeString().slice(0, 5)
  return `${state.waiting} waiting, offline since ${time}`
}

export interface OutboxOptions {
  /** The folder of this run's outbox files on this machine. */
  readonly folder: string
  readonly objects: StoreObjects
  readonly lease: Lease
  /** Backoff between attempts while the store does not answer; it never gives up. */
  readonly backoff?: Omit<RetryPolicy, 'attempts'>
  readonly now?: () => Date
  /**
   * The entries are kept durably elsewhere (the run's journal), not in entries.jsonl: these are
   * all of them so far, oldest first, each with the id `add` was or will be given for it.
   */
  readonly journal?: { readonly entries: readonly IdentifiedEntry[] }
}

interface SentFile {
  /** Entries of entries.jsonl the store has. */
  readonly sent: number
  /** The store entry the next one is tried at. */
  readonly nextSeq: number
}

const DEFAULT_BACKOFF = { baseDelayMs: 250, maxDelayMs: 5_000 }

export class Outbox {
  readonly #folder: string
  readonly #objects: StoreObjects
  readonly #lease: Lease
  readonly #backoff: Omit<RetryPolicy, 'attempts'>
  readonly #now: () => Date
  readonly #entries: IdentifiedEntry[]
  readonly #listeners = new Set<(state: SyncState) => void>()
  #sent: number
  #writer: TeamRunWriter
  #offlineSince: Date | undefined
  #refused: string | undefined
  #problem: string | undefined
  #lost: LeaseLostError | undefined
  #pumping: Promise<void> | undefined
  #closed = false
  #wake: (() => void) | undefined
  /** entries.jsonl, open for appending; undefined when the run's journal keeps the entries. */
  #fd: number | undefined

  private constructor(options: OutboxOptions, entries: IdentifiedEntry[], sent: SentFile) {
    this.#folder = options.folder
    this.#objects = options.objects
    this.#lease = options.lease
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF
    this.#now = options.now ?? (() => new Date())
    this.#entries = entries
    this.#sent = sent.sent
    this.#writer = new TeamRunWriter(options.objects, options.lease, sent.nextSeq)
    this.#fd = options.journal ? undefined : openSync(join(options.folder, 'entries.jsonl'), 'a')
  }

  /**
   * Opens (or creates) the outbox in `folder` and starts sending what waits. A
   * fresh outbox starts after the last entry already in the store.
   */
  static async open(options: OutboxOptions): Promise<Outbox> {
    mkdirSync(options.folder, { recursive: true })
    const entries = options.journal
      ? [...options.journal.entries]
      : readEntries(join(options.folder, 'entries.jsonl'))
    let sent = readSent(join(options.folder, 'sent.json'))
    if (!sent) {
      sent = { sent: 0, nextSeq: await nextSeq(options.objects, options.lease.runId) }
      writeFileAtomic(join(options.folder, 'sent.json'), JSON.stringify(sent))
    }
    const outbox = new Outbox(options, entries, sent)
    outbox.#pump()
    return outbox
  }

  /**
   * Saves the entry durably in the outbox (it is acknowledged when this returns)
   * and queues it for the store. Returns its id. An outbox fed by the run's journal
   * only queues it, under `id`: the journal has made it durable already.
   */
  add(entry: TeamEntry, id?: string): string {
    if (this.#closed) throw new Error('the outbox is closed')
    if (this.#fd === undefined && id === undefined) {
      throw new Error("an outbox fed by the run's journal needs each entry's id")
    }
    const item: IdentifiedEntry = { id: id ?? randomUUID(), entry }
    if (this.#fd !== undefined) {
      writeSync(this.#fd, `${JSON.stringify(item)}\n`)
      fsyncSync(this.#fd)
    }
    this.#entries.push(item)
    this.#changed()
    this.#pump()
    return item.id
  }

  get state(): SyncState {
    return {
      waiting: this.#entries.length - this.#sent,
      offlineSince: this.#offlineSince,
      ...(this.#refused ? { refused: this.#refused } : {}),
      problem: this.#problem,
      lost: this.#lost,
    }
  }

  /** Every entry saved locally, sent or not, oldest first. */
  get entries(): readonly IdentifiedEntry[] {
    return this.#entries
  }

  /** The entries not in the store (all of them kept, also after the lease is lost). */
  get unsent(): readonly IdentifiedEntry[] {
    return this.#entries.slice(this.#sent)
  }

  /** Told of every change of `state`. Returns the unsubscribe. */
  onChange(listener: (state: SyncState) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Resolves when every entry is in the store, or the lease is lost (see `state.lost`). */
  async flush(): Promise<SyncState> {
    while (this.#pumping) await this.#pumping
    return this.state
  }

  /** Stops sending; what waits stays in the outbox file for the next open. */
  async close(): Promise<void> {
    this.#closed = true
    this.#wake?.()
    await this.#pumping
    if (this.#fd !== undefined) closeSync(this.#fd)
    this.#fd = undefined
  }

  #pump(): void {
    if (this.#pumping || this.#closed || this.#lost) return
    this.#pumping = this.#drain().finally(() => {
      this.#pumping = undefined
      // An entry added as the last send finished.
      if (this.#sent < this.#entries.length) this.#pump()
    })
  }

  async #drain(): Promise<void> {
    let failures = 0
    while (!this.#closed && !this.#lost && this.#sent < this.#entries.length) {
      const item = this.#entries[this.#sent] as IdentifiedEntry
      // Offline since the first write that went unanswered was sent, not since it was given up on.
      const sentAt = this.#now()
      try {
        await this.#writer.append(item)
        this.#sent++
        writeFileAtomic(
          join(this.#folder, 'sent.json'),
          JSON.stringify({ sent: this.#sent, nextSeq: this.#writer.next } satisfies SentFile),
        )
        failures = 0
        this.#offlineSince = undefined
        this.#refused = undefined
        this.#problem = undefined
        this.#changed()
      } catch (error) {
        if (error instanceof LeaseLostError) {
          this.#lost = error
          this.#changed()
          return
        }
        failures++
        // Unavailable, refused, or an answer we cannot read: whichever, try again later (a
        // refusal may be an expired login, cured by logging in again while the run goes on).
        if (error instanceof StoreUnavailableError && error.failure === 'refused') {
          this.#refused = refusalWords(error)
          this.#offlineSince = undefined
        } else if (error instanceof StoreUnavailableError) {
          this.#refused = undefined
          this.#offlineSince ??= sentAt
        }
        this.#problem = (error as Error).message
        this.#changed()
        await this.#pause(backoffMs({ attempts: 0, ...this.#backoff }, failures))
      }
    }
  }

  /** Waits `ms`, or less when the outbox closes. */
  #pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms)
      this.#wake = () => {
        clearTimeout(timer)
        resolve()
      }
    })
  }

  #changed(): void {
    const state = this.state
    for (const listener of this.#listeners) listener(state)
  }
}

/** The outbox's entries; a torn last line (a kill mid-append, never acknowledged) is left out. */
function readEntries(file: string): IdentifiedEntry[] {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    if (isNotFound(error)) return []
    throw error
  }
  const whole = text.lastIndexOf('\n') + 1
  // Cut the torn line off, so the next append starts a line of its own.
  if (whole < text.length) truncateSync(file, Buffer.byteLength(text.slice(0, whole)))
  return text
    .slice(0, whole)
    .split('\n')
    .slice(0, -1)
    .map((line) => JSON.parse(line) as IdentifiedEntry)
}

function readSent(file: string): SentFile | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as SentFile
  } catch (error) {
    if (isNotFound(error)) return undefined
    throw error
  }
}
