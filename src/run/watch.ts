/**
 * A run watched, not driven: read once, then read again every interval, each
 * time only what is new (a team run: the events after the last one read, and
 * the lease; a run on this machine: its files, which are local and quick to
 * read). `RunWatcher` holds the latest view as one immutable snapshot, as a
 * session does, and tells its listeners when it changes; the screen only
 * draws it. A read that fails keeps the last view and says since when reads
 * fail; the next interval tries again, for as long as the watch lasts.
 *
 * The checklist is the one the run is on, not the one it started with: a run
 * resumed with an edited file is laid out as its driver now sees it (items
 * added by the edit shown), from the moment the watch reads that resume.
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { loadChecklist } from '../checklist/load.ts'
import type { Checklist } from '../checklist/model.ts'
import { cachedParse, type HeldWrites } from '../checklist/parse-cache.ts'
import type { LockOwner } from './lock.ts'
import type { RunState } from './model.ts'
import { type RunRead, readRunUnlocked } from './store.ts'
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
  /** The checklist the run is on: the last one it was started or resumed with that could be had. */
  readonly checklist: Checklist
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
 * "finished at 09:52:10 by ben". While reads fail (`failingSince`), "driver unknown (last known:
 * ana@laptop-7)": a lease worked out from the watcher's own stale read would call a live driver
 * "not driven", and a lead might tell someone to take the run over.
 */
export function describeHolder(
  view: WatchRead & { readonly failingSince?: Date | null },
  now: Date,
): string {
  const { holder, state } = view
  if (state.finishedAt) {
    const by = view.finishedBy ? ` by ${view.finishedBy}` : ''
    return `finished at ${clockTime(new Date(state.finishedAt))}${by}`
  }
  if (view.failingSince) {
    const known =
      holder.kind === 'lease'
        ? driverName(holder.lease)
        : holder.kind === 'lock'
          ? `PID ${holder.owner.pid} on ${holder.owner.host}`
          : 'none'
    return `driver unknown (last known: ${known})`
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

type Env = Readonly<Record<string, string | undefined>>

/**
 * A run on this machine, read from its files on every tick (no lock taken; nothing written).
 * `checklist` is the one to show until the run names another (see checklistOfRun).
 */
export function localRunSource(id: string, checklist: Checklist, env?: Env): WatchSource {
  let current = checklist
  // The checklist last looked for: one not found (edited again since, no parse cached) is not
  // looked for again on every tick, only once the run names another.
  let lookedFor = checklist.sha256
  return {
    failureWords: 'run file unreadable',
    read: async () => {
      const read = readRunUnlocked(id, env ? { env } : {})
      if (!read) throw new Error(`run ${id} is no longer on this machine`)
      const wanted = read.state.sha256History.at(-1)
      if (wanted !== undefined && wanted !== lookedFor) {
        lookedFor = wanted
        current = (await checklistOfRun(read.header.checklist.path, wanted, env)) ?? current
      }
      const finished = read.journal.findLast((entry) => entry.type === 'finished')
      return {
        state: read.state,
        checklist: current,
        holder: read.locked ? { kind: 'lock', owner: read.locked } : { kind: 'none' },
        finishedBy: finished?.type === 'finished' ? finished.by : null,
      }
    },
  }
}

/**
 * The checklist with these bytes (`sha256`) that a run on this machine was started or resumed
 * with from `path`: the parse the driver's wizard left in the cache, else the file while it still
 * has those bytes; undefined when neither (edited again since, and no parse cached). Reads only:
 * a watch writes nothing, not even the cache.
 */
export async function checklistOfRun(
  path: string,
  sha256: string,
  env?: Env,
): Promise<Checklist | undefined> {
  const cached = cachedParse(path, sha256, env)
  if (cached) return cached.checklist
  let bytes: Buffer
  try {
    bytes = await readFile(path)
  } catch {
    return undefined
  }
  if (createHash('sha256').update(bytes).digest('hex') !== sha256) return undefined
  return parsedText(bytes.toString('utf8'), path, sha256)
}

/** Parse-cache writes a watch would make: dropped, not held (held ones are made at exit). */
const NO_CACHE_WRITES: HeldWrites = { hold: () => {}, release: () => {} }

/**
 * The checklist a watch of run `read` (on this machine) opens with: the one the run is on
 * (checklistOfRun), else — the file edited since, and no parse of the run's text cached — the
 * file as it is now. Reads only: a parse made here is not written to the cache.
 */
export async function openingChecklist(read: RunRead, env?: Env): Promise<Checklist> {
  const { path } = read.header.checklist
  const wanted = read.state.sha256History.at(-1)
  const on = wanted !== undefined ? await checklistOfRun(path, wanted, env) : undefined
  return on ?? (await loadChecklist(path, env ?? process.env, NO_CACHE_WRITES)).checklist
}

/** A checklist's text parsed here, the cache neither read nor written. */
async function parsedText(text: string, path: string, sha256: string): Promise<Checklist> {
  const { parseChecklist } = await import('../checklist/parse.ts')
  return parseChecklist(text, { path, sha256 }).checklist
}

/**
 * The checklist of a followed team run, parsed: the text it is on, under the driver's path (the
 * parse cache's entry for those bytes when there is one; nothing is written to it).
 */
export async function followedChecklist(run: FollowedRun, env?: Env): Promise<Checklist> {
  const { path } = run.header.checklist
  const { sha256, text } = run.checklist
  return cachedParse(path, sha256, env)?.checklist ?? parsedText(text, path, sha256)
}

/**
 * A team run, through its follower: each read lists and gets only the entries after the last one.
 * `checklist` is the follower's, parsed (followedChecklist); parsed again when the run moves on
 * to another.
 */
export function teamRunSource(follower: TeamRunFollower, checklist: Checklist): WatchSource {
  let current = checklist
  return {
    failureWords: 'store unreachable',
    read: async () => {
      await follower.refresh()
      if (follower.run.checklist.sha256 !== current.sha256) {
        current = await followedChecklist(follower.run)
      }
      return teamRunRead(follower.run, current)
    },
  }
}

/** What a follower knows of a team run, as a watch shows it, with its checklist parsed. */
export function teamRunRead(run: FollowedRun, checklist: Checklist): WatchRead {
  return {
    state: run.state,
    checklist,
    holder: run.lease ? { kind: 'lease', lease: run.lease } : { kind: 'none' },
    finishedBy: run.finishedBy,
  }
}
