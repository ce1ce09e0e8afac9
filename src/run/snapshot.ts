/**
 * What a run session holds at one moment, as one immutable value: the run as
 * stored, the checks in flight, what could not be saved, who the AWS checks run
 * as, whether the checklist's commands may run. The session replaces it whole
 * on every change and tells its listeners; screens read it (React's
 * `useSyncExternalStore`) and never fold the journal again themselves.
 *
 * `trackChecks` is the one rule for which checks are in flight, pure so it is
 * tested without a session.
 */
import type { CallerIdentity } from '../checks/aws/account.ts'
import type { JournalEntry, RunState } from './model.ts'

/** A check that has started: its first try, or a retry. */
export interface LiveCheck {
  /**
   * Date.now() when the check's first try started: a retry does not restart the clock, so the
   * operator sees how long the check has been at it (2m14s), not its last try (275ms).
   */
  readonly startedAt: number
  readonly attempt: number
  /** The most tries it may take (4: the first and 3 retries); 0 when not told. */
  readonly tries: number
  readonly progress: string | null
  /**
   * Why the try before this one did not settle it ("no answer from … : check the VPN"): kept
   * while the next try runs, so that what is wrong stays on screen. Null on the first try.
   */
  readonly lastTry: string | null
}

/** A check asked for that waits its turn: `why` says for what, once the runner has said. */
export interface QueuedCheck {
  /** "4 checks to this server are running", "waiting for api, which it needs"; null: not said yet. */
  readonly queued: string | null
}

/**
 * The checks asked for and not finished, by item id: null or queued while one waits its turn (a
 * cap, the checks it needs), then live as it runs. Only a started one is drawn as running.
 */
export type ChecksInFlight = Readonly<Record<string, LiveCheck | QueuedCheck | null>>

/** The check's live state when it has started; undefined while it waits its turn or is not asked. */
export function liveCheck(
  entry: LiveCheck | QueuedCheck | null | undefined,
): LiveCheck | undefined {
  return entry && 'attempt' in entry ? entry : undefined
}

/** A team run's link to its store, as the wizard's header shows it (team/sync.ts). */
export interface SyncView {
  /** The store, `s3://bucket/prefix`. */
  readonly store: string
  /** "synced", "4 waiting", "4 waiting, offline since 12:03", "2 not sent". */
  readonly text: string
  /** Set once the run's lease is lost: who drives it now, and that nothing more is recorded here. */
  readonly lost: string | null
  /** Entries of this machine the store does not have yet (sent as the run closes, or later). */
  readonly waiting?: number
  /** Once the lease is lost: this machine's entries the store never got, which now never will. */
  readonly notSent?: readonly JournalEntry[]
  /** Lost because the run was finished in the store (opened offline here meanwhile): nobody drives it. */
  readonly isFinishedThere?: true
}

/** A journal entry the file system refused to save, and why in words ("the disk is full"). */
export interface UnsavedEntry {
  readonly entry: JournalEntry
  readonly reason: string
  /** The run file that could not be written. */
  readonly file: string
}

export type SessionEvent =
  | { readonly type: 'journal'; readonly entry: JournalEntry }
  /** Asked for: in flight from now on, waiting its turn. */
  | { readonly type: 'check-queued'; readonly itemId: string }
  /** A check asked for waits for a cap or for the checks it needs: why, in words. */
  | { readonly type: 'check-waiting'; readonly itemId: string; readonly why: string }
  | {
      readonly type: 'check-started'
      readonly itemId: string
      readonly attempt: number
      readonly at: number
      /** The most tries it may take; absent when not told. */
      readonly tries?: number
      /** Why the try before did not settle it; absent on the first try. */
      readonly lastTry?: string
    }
  | { readonly type: 'check-progress'; readonly itemId: string; readonly message: string }
  | { readonly type: 'check-dropped'; readonly itemId: string }
  /** The entries not saved so far, after one more failed or a later save made up for one. */
  | { readonly type: 'unsaved'; readonly unsaved: readonly UnsavedEntry[] }
  /** Who the AWS checks run as, once STS has said (see checks/aws/account.ts). */
  | { readonly type: 'aws-identity'; readonly identity: CallerIdentity }
  /** The checklist is trusted now: its commands run. */
  | { readonly type: 'trusted' }
  /** A team run's sync state changed: entries sent, the store offline, the lease lost. */
  | { readonly type: 'sync'; readonly sync: SyncView }

export interface RunSnapshot {
  /** The run as stored: the journal folded, once, by the store. */
  readonly run: RunState
  readonly running: ChecksInFlight
  /** What could not be saved and has not been saved since, oldest first. */
  readonly unsaved: readonly UnsavedEntry[]
  /** Who the AWS checks run as, once STS has said (the first profile and region asked). */
  readonly awsIdentity: CallerIdentity | null
  /** Whether the checklist's commands run; false until it is trusted. */
  readonly isTrusted: boolean
  /** A team run's sync state; absent for a run kept on this machine only. */
  readonly sync?: SyncView
}

/**
 * The checks in flight after `event`: asked for, started (again, on a retry), making
 * progress, and gone once their result is in the journal or they were dropped.
 */
export function trackChecks(running: ChecksInFlight, event: SessionEvent): ChecksInFlight {
  switch (event.type) {
    case 'check-queued':
      return event.itemId in running ? running : { ...running, [event.itemId]: null }
    case 'check-waiting': {
      // Once started, a check is running, whatever a late word about its turn says.
      if (!(event.itemId in running) || liveCheck(running[event.itemId])) return running
      return { ...running, [event.itemId]: { queued: event.why } }
    }
    case 'check-started': {
      // A retry keeps the clock of the check's first try, and what the try before it ended on.
      const before = liveCheck(running[event.itemId])
      return {
        ...running,
        [event.itemId]: {
          startedAt: event.attempt > 1 && before ? before.startedAt : event.at,
          attempt: event.attempt,
          tries: event.tries ?? 0,
          progress: null,
          lastTry: event.attempt > 1 ? (event.lastTry ?? before?.lastTry ?? null) : null,
        },
      }
    }
    case 'check-progress': {
      const live = liveCheck(running[event.itemId])
      if (!live) return running
      return { ...running, [event.itemId]: { ...live, progress: event.message } }
    }
    case 'check-dropped':
      return without(running, event.itemId)
    case 'journal':
      return event.entry.type === 'check-finished' ? without(running, event.entry.itemId) : running
    default:
      return running
  }
}

/** How many checks are running now (started, not waiting their turn). */
export function startedCount(running: ChecksInFlight): number {
  return Object.values(running).filter((entry) => liveCheck(entry) !== undefined).length
}

function without<T>(record: Readonly<Record<string, T>>, key: string): Readonly<Record<string, T>> {
  if (!(key in record)) return record
  const { [key]: _, ...rest } = record
  return rest
}
