/**
 * A run watched, not driven: read once, then read again every interval, each
 * time only what is new (a team run: the events after the last one read, and
 * the lease; a run on this machine: its files, which are local and quick to
 * read). `RunWatcher` holds the latest view as one immutable snapshot, as a
 * session does, and tells its listeners when it changes; the screen only
 * draws it. A read that fails keeps the last view and says since when reads
 * fail; the next interval tries again, for as long as the watch lasts.
 */
import type { LockOwner } from './lock.ts'
import type { RunState } from './model.ts'
import { readRunUnlocked } from './store.ts'
import type { FollowedRun, TeamRunFollower } from './team/follow.ts'
import { driverName, type LeaseRecord, sinceWords } from './team/lease.ts'

/** Who drives the run: a team run's lease, a local run's lock, or nobody. */
export type Holder =
  | { readonly kind: 'lease'; readonly lease: LeaseRecord }
  | { readonly kind: 'lock'; readonly owner: LockOwner }
  | { readonly kind: 'none' }

/** What one read of the run gives. */
export interface WatchRead {
  readonly state: RunState
  readonly holder: Holder
  /** Who finished the run, once it is finished. */
  readonly finishedBy: string | null
}

/** Where a watched run is read from. */
export interface WatchSource {
  /** Reads what is new and returns the run as it is now; throws when it cannot be read. */
  read(): Promise<WatchRead>
  /** What a failed read means, in the header's words: "store unreachable". */
  readonly failureWords: string
}

export interface WatchSnapshot extends WatchRead {
  /** When the run was last read. */
  readonly updatedAt: Date
  /** Set while reads fail: since when. */
  readonly failingSince: Date | null
  /** Why the last read failed. */
  readonly problem: string | null
  readonly failureWords: string
}

export interface RunWatcherOptions {
  readonly intervalMs: number
  readonly now?: () => Date
}

/** Reads a run every interval (after the last read ends, so a slow store never piles reads up). */
export class RunWatcher {
  readonly intervalMs: number
  readonly #source: WatchSource
  readonly #now: () => Date
  readonly #listeners = new Set<() => void>()
  #snapshot: WatchSnapshot
  #timer: NodeJS.Timeout | undefined
  #isStopped = true

  constructor(source: WatchSource, first: WatchRead, options: RunWatcherOptions) {
    this.#source = source
    this.intervalMs = options.intervalMs
    this.#now = options.now ?? (() => new Date())
    this.#snapshot = {
      ...first,
      updatedAt: this.#now(),
      failingSince: null,
      problem: null,
      failureWords: source.failureWords,
    }
  }

  get snapshot(): WatchSnapshot {
    return this.#snapshot
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** One read. Never throws: a failure is kept in the snapshot, with the last view. */
  async tick(): Promise<void> {
    let next: WatchSnapshot
    try {
      const read = await this.#source.read()
      next = {
        ...read,
        updatedAt: this.#now(),
        failingSince: null,
        problem: null,
        failureWords: this.#source.failureWords,
      }
    } catch (error) {
      const before = this.#snapshot
      next = {
        ...before,
        failingSince: before.failingSince ?? this.#now(),
        problem: (error as Error).message,
      }
    }
    this.#snapshot = next
    for (const listener of this.#listeners) listener()
  }

  /** Reads every `intervalMs` from now until stopped. */
  start(): void {
    this.#isStopped = false
    this.#schedule()
  }

  stop(): void {
    this.#isStopped = true
    clearTimeout(this.#timer)
    this.#timer = undefined
  }

  #schedule(): void {
    if (this.#isStopped) return
    this.#timer = setTimeout(() => {
      void this.tick().finally(() => this.#schedule())
    }, this.intervalMs)
    this.#timer.unref()
  }
}

/** A local time of day, to the second: "09:41:03". */
export function clockTime(date: Date): string {
  return date.toTimeString().slice(0, 8)
}

/**
 * Who drives the run, or who finished it, in words: "driven by ana@laptop-7, last seen
 * 12 s ago", "not driven (ana@laptop-7 last seen 3 min ago)", "open in PID 4242 on laptop-7",
 * "finished at 09:52:10 by ben".
 */
export function describeHolder(view: WatchRead, now: Date): string {
  const { holder, state } = view
  if (state.finishedAt) {
    const by = view.finishedBy ? ` by ${view.finishedBy}` : ''
    return `finished at ${clockTime(new Date(state.finishedAt))}${by}`
  }
  switch (holder.kind) {
    case 'lease': {
      const { lease } = holder
      const seen = `last seen ${sinceWords(lease.renewedAt, now)}`
      return Date.parse(lease.expiresAt) > now.getTime()
        ? `driven by ${driverName(lease)}, ${seen}`
        : `not driven (${driverName(lease)} ${seen})`
    }
    case 'lock':
      return `open in PID ${holder.owner.pid} on ${holder.owner.host}`
    case 'none':
      return 'not driven'
  }
}

/**
 * The rest of the header's watch line: when the run was last read, or, while reads fail,
 * since when: "updated 09:41:03", "store unreachable since 09:42, retrying".
 */
export function describeFreshness(snapshot: WatchSnapshot): string {
  if (snapshot.failingSince) {
    return `${snapshot.failureWords} since ${clockTime(snapshot.failingSince).slice(0, 5)}, retrying`
  }
  return `updated ${clockTime(snapshot.updatedAt)}`
}

/** A run on this machine, read from its files on every tick (no lock taken; nothing written). */
export function localRunSource(
  id: string,
  env?: Readonly<Record<string, string | undefined>>,
): WatchSource {
  return {
    failureWords: 'run file unreadable',
    read: async () => {
      const read = readRunUnlocked(id, env ? { env } : {})
      if (!read) throw new Error(`run ${id} is no longer on this machine`)
      const finished = read.journal.findLast((entry) => entry.type === 'finished')
      return {
        state: read.state,
        holder: read.locked ? { kind: 'lock', owner: read.locked } : { kind: 'none' },
        finishedBy: finished?.type === 'finished' ? finished.by : null,
      }
    },
  }
}

/** A team run, through its follower: each read lists and gets only the entries after the last one. */
export function teamRunSource(follower: TeamRunFollower): WatchSource {
  return {
    failureWords: 'store unreachable',
    read: async () => {
      await follower.refresh()
      return teamRunRead(follower.run)
    },
  }
}

/** What a follower knows of a team run, as a watch shows it. */
export function teamRunRead(run: FollowedRun): WatchRead {
  return {
    state: run.state,
    holder: run.lease ? { kind: 'lease', lease: run.lease } : { kind: 'none' },
    finishedBy: run.finishedBy,
  }
}
