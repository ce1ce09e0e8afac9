/**
 * One writer per run: a lock file beside the run, created exclusively and
 * holding who took it (PID, host, since when), so a second wizard is told
 * exactly where the run is open instead of writing over it.
 *
 * Not proper-lockfile: it locks with a directory whose freshness the holder
 * must keep touching on a timer, records no owner, and judges staleness by age,
 * so it could neither name the other PID and host nor tell a dead holder from a
 * slow one. Here a lock is stale only when it is provably dead: taken on this
 * host by a PID that no longer exists. A lock from another host is never taken
 * over silently, since its PID cannot be checked from here.
 */
import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs'
import { hostname } from 'node:os'
import { UserError } from '../errors.ts'

/** Who holds a lock. `since` is an ISO timestamp. */
export interface LockOwner {
  readonly pid: number
  readonly host: string
  readonly since: string
}

export interface HeldLock {
  readonly path: string
  readonly owner: LockOwner
  /** Removes the lock if it is still ours; safe to call twice. */
  release(): void
}

export interface LockOptions {
  readonly now?: Date
  readonly host?: string
}

/** What a lock file says: nobody, a live (or unverifiable) holder, or a provably dead one. */
export type LockStatus =
  | { readonly kind: 'free' }
  | { readonly kind: 'held'; readonly owner: LockOwner }
  | { readonly kind: 'stale'; readonly raw: string }

/** Takes the lock at `path` or throws a UserError naming the holder; `what` names the locked thing ("run prod-…"). */
export function acquireLock(path: string, what: string, options: LockOptions = {}): HeldLock {
  const result = tryAcquireLock(path, options)
  if ('release' in result) return result
  throw new UserError(
    `${what} is open in PID ${result.pid} on ${result.host} ${describeSince(result.since, options.now)}`,
    {
      hint:
        result.host === (options.host ?? hostname())
          ? 'finish or quit the other deploy-wizard first'
          : `if deploy-wizard is no longer running on ${result.host}, delete ${path}`,
    },
  )
}

/** Takes the lock, or returns its live holder. A stale lock is taken over. */
export function tryAcquireLock(path: string, options: LockOptions = {}): HeldLock | LockOwner {
  const owner: LockOwner = {
    pid: process.pid,
    host: options.host ?? hostname(),
    since: (options.now ?? new Date()).toISOString(),
  }
  const content = `${JSON.stringify(owner)}\n`
  // A few rounds cover a lock released or taken over between our attempt and our look at it.
  for (let round = 0; round < 5; round++) {
    if (createExclusive(path, content)) return hold(path, content, owner)
    const status = lockStatus(path, owner.host)
    if (status.kind === 'held') return status.owner
    if (status.kind === 'stale') takeOver(path, status.raw)
  }
  const status = lockStatus(path, owner.host)
  if (status.kind === 'held') return status.owner
  throw new Error(`could not take the lock ${path}: it kept changing hands`)
}

/** Reads a lock file without taking it. `host` is this machine's name, to judge staleness. */
export function lockStatus(path: string, host: string = hostname()): LockStatus {
  let raw = readLockFile(path)
  if (raw === null) return { kind: 'free' }
  let owner = parseOwner(raw)
  if (!owner) {
    // Empty or half-written: its creator may be between open and write. Look once more
    // after a moment; still unreadable means it died there.
    sleepSync(50)
    raw = readLockFile(path)
    if (raw === null) return { kind: 'free' }
    owner = parseOwner(raw)
    if (!owner) return { kind: 'stale', raw }
  }
  if (owner.host === host && !isAlive(owner.pid)) return { kind: 'stale', raw }
  return { kind: 'held', owner }
}

/** True while a process with this PID exists (EPERM: it exists, owned by someone else). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** "since 09:14" today, "since 2026-11-21 09:14" before that, in local time. */
export function describeSince(since: string, now: Date = new Date()): string {
  const then = new Date(since)
  if (Number.isNaN(then.getTime())) return `since ${since}`
  const pad = (n: number) => String(n).padStart(2, '0')
  const time = `${pad(then.getHours())}:${pad(then.getMinutes())}`
  if (then.toDateString() === now.toDateString()) return `since ${time}`
  return `since ${then.getFullYear()}-${pad(then.getMonth() + 1)}-${pad(then.getDate())} ${time}`
}

/**
 * O_EXCL create; false when the file exists. Not fsync'd: other processes read it
 * through the page cache, and after a power loss every lock is stale anyway (an
 * empty or torn one reads as stale above). The fsync cost ~70 ms of the wizard's
 * first frame on a laptop-class disk.
 */
function createExclusive(path: string, content: string): boolean {
  let fd: number
  try {
    fd = openSync(path, 'wx', 0o600)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  }
  try {
    writeSync(fd, content)
  } finally {
    closeSync(fd)
  }
  return true
}

/**
 * Moves a dead holder's lock aside, then checks that what was moved is what was judged
 * dead: if another process took it over in between, its fresh lock is put back.
 */
function takeOver(path: string, staleRaw: string): void {
  const aside = `${path}.stale-${process.pid}-${Math.random().toString(36).slice(2, 8)}`
  try {
    renameSync(path, aside)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
    throw error
  }
  const moved = readLockFile(aside)
  if (moved !== null && moved !== staleRaw) {
    // Someone else's fresh lock: restore it unless yet another lock appeared meanwhile.
    if (createExclusive(path, moved)) {
      unlinkQuietly(aside)
      return
    }
  }
  unlinkQuietly(aside)
}

const held = new Set<{ path: string; content: string }>()
let exitHookInstalled = false

/** Registers the lock for release on exit; a crash leaves it stale, which the next opener detects. */
function hold(path: string, content: string, owner: LockOwner): HeldLock {
  const entry = { path, content }
  held.add(entry)
  if (!exitHookInstalled) {
    exitHookInstalled = true
    process.once('exit', () => {
      for (const lock of held) releaseIfOurs(lock.path, lock.content)
    })
  }
  return {
    path,
    owner,
    release() {
      if (!held.delete(entry)) return
      releaseIfOurs(path, content)
    },
  }
}

/** Removes the lock only if it still holds what we wrote, never a lock someone took over. */
function releaseIfOurs(path: string, content: string): void {
  if (readLockFile(path) === content) unlinkQuietly(path)
}

function readLockFile(path: string): string | null {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw error
  }
}

function parseOwner(raw: string): LockOwner | null {
  try {
    const value = JSON.parse(raw) as Partial<LockOwner> | null
    if (
      value &&
      Number.isInteger(value.pid) &&
      typeof value.host === 'string' &&
      typeof value.since === 'string'
    ) {
      return { pid: value.pid as number, host: value.host, since: value.since }
    }
  } catch {
    // Unreadable: the caller decides what an unreadable lock means.
  }
  return null
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
}

/** A short synchronous pause; the store's API is synchronous, like conf's. */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}
