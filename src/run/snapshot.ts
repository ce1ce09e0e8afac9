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

/** A check that has started (its current attempt). */
export interface LiveCheck {
  /** Date.now() when the check (its current attempt) started. */
  readonly startedAt: number
  readonly attempt: number
  readonly progress: string | null
}

/**
 * The checks asked for and not finished, by item id: null while one waits its turn (a cap, the
 * checks it needs), then as it runs. Only a started one is drawn as running.
 */
export type ChecksInFlight = Readonly<Record<string, LiveCheck | null>>

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
  | {
      readonly type: 'check-started'
      readonly itemId: string
      readonly attempt: number
      readonly at: number
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
    case 'check-started':
      return {
        ...running,
        [event.itemId]: { startedAt: event.at, attempt: event.attempt, progress: null },
      }
    case 'check-progress': {
      const live = running[event.itemId]
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
  return Object.values(running).filter((live) => live !== null).length
}

function without<T>(record: Readonly<Record<string, T>>, key: string): Readonly<Record<string, T>> {
  if (!(key in record)) return record
  const { [key]: _, ...rest } = record
  return rest
}
