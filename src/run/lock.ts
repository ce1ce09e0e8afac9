/**
 * One writer per run: a lock file beside the run, created exclusively and
 * holding who took it (PID, host, since when, and when that process started),
 * so a second wizard is told exactly where the run is open instead of writing
 * over it.
 *
 * Not proper-lockfile: it locks with a directory whose freshness the holder
 * must keep touching on a timer, records no owner, and judges staleness by age,
 * so it could neither name the other PID and host nor tell a dead holder from a
 * slow one. Nor flock: every Node binding for it is a native addon, which the
 * esbuild bundle cannot carry. Here a lock is stale only when it is provably
 * dead: taken on this host by a PID that no longer exists, has exited and waits
 * to be reaped (a zombie), or is now a different process (a PID reused: its
 * start time is not the one the lock recorded), or naming no possible PID at
 * all. A lock from another host is never taken over silently, since its PID
 * cannot be checked from here. Taking over says what was found.
 */
import { execFileSync } from 'node:child_process'
import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { UserError } from '../errors.ts'
import { homeError, reportHomeProblem } from '../home.ts'

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
  | {
      readonly kind: 'held'
      readonly owner: LockOwner
      /** Whether the holder was checked to be the very process that took the lock. */
      readonly isVerified: boolean
    }
  | {
      readonly kind: 'stale'
      readonly raw: string
      /** What was found, in words: "the lock names PID 4242 on this host, which is no longer running". */
      readonly why: string
    }

/** When a process started: an exact token to compare, and the time to show. */
interface ProcessStart {
  /** Linux: boot id and start time in clock ticks since boot; elsewhere `ps -o lstart`. */
  readonly token: string
  /** ISO time, for messages only (the clock may have moved since). */
  readonly at: string
}

/** What a lock file holds: the owner and, from this version on, when its process started. */
interface LockContent extends LockOwner {
  readonly started?: ProcessStart
}

/** Takes the lock at `path` or throws a UserError naming the holder; `what` names the locked thing ("run prod-…"). */
export function acquireLock(path: string, what: string, options: LockOptions = {}): HeldLock {
  const result = tryAcquireLock(path, options)
  if ('release' in result) return result
  // A lock from before start times were recorded may name a PID since reused by something else.
  throw heldError(path, what, result, lastVerified.get(path) ?? false, options)
}

/**
 * Throws the UserError `acquireLock` would while a live process (or another host) holds the lock
 * at `path`; takes nothing, so a caller that asks questions before taking it holds nothing it
 * could leave behind. A stale lock is no refusal: taking it later takes it over.
 */
export function assertLockFree(path: string, what: string, options: LockOptions = {}): void {
  const status = lockStatus(path, options.host ?? hostname())
  if (status.kind === 'held') throw heldError(path, what, status.owner, status.isVerified, options)
}

/** Who holds the lock, and what to do about it. */
function heldError(
  path: string,
  what: string,
  owner: LockOwner,
  isVerified: boolean,
  options: LockOptions,
): UserError {
  const isHere = owner.host === (options.host ?? hostname())
  return new UserError(
    `${what} is open in PID ${owner.pid} on ${owner.host} ${describeSince(owner.since, options.now)}`,
    {
      hint: !isHere
        ? `if deploy-wizard is no longer running on ${owner.host}, delete ${path}`
        : isVerified
          ? 'finish or quit the other deploy-wizard first'
          : `finish or quit the other deploy-wizard first; if PID ${owner.pid} is not one (ps -p ${owner.pid}), delete ${path}`,
    },
  )
}

/** Whether the last look at each lock found its holder verified by start time (for the hint). */
const lastVerified = new Map<string, boolean>()

/** Takes the lock, or returns its live holder. A stale lock is taken over. */
export function tryAcquireLock(path: string, options: LockOptions = {}): HeldLock | LockOwner {
  const owner: LockOwner = {
    pid: process.pid,
    host: options.host ?? hostname(),
    since: (options.now ?? new Date()).toISOString(),
  }
  const started = ownStart()
  const content = `${JSON.stringify({ ...owner, ...(started ? { started } : {}) })}\n`
  // A few rounds cover a lock released or taken over between our attempt and our look at it.
  for (let round = 0; round < 5; round++) {
    if (createExclusive(path, content)) return hold(path, content, owner)
    const status = lockStatus(path, owner.host)
    if (status.kind === 'held') {
      lastVerified.set(path, status.isVerified)
      return status.owner
    }
    if (status.kind === 'stale' && takeOver(path, status.raw)) {
      reportHomeProblem(`took over ${path}: ${status.why}`)
    }
  }
  const status = lockStatus(path, owner.host)
  if (status.kind === 'held') return status.owner
  throw new Error(`could not take the lock ${path}: it kept changing hands`)
}

/** Reads a lock file without taking it. `host` is this machine's name, to judge staleness. */
export function lockStatus(path: string, host: string = hostname()): LockStatus {
  let raw = readLockFile(path)
  if (raw === null) return { kind: 'free' }
  let content = parseLock(raw)
  if (content === 'unreadable') {
    // Empty or half-written: its creator may be between open and write. Look once more
    // after a moment; still unreadable means it died there.
    sleepSync(50)
    raw = readLockFile(path)
    if (raw === null) return { kind: 'free' }
    content = parseLock(raw)
    if (content === 'unreadable') {
      return { kind: 'stale', raw, why: 'the lock file is empty or cut short' }
    }
  }
  if (typeof content === 'string') return { kind: 'stale', raw, why: content }
  const owner: LockOwner = { pid: content.pid, host: content.host, since: content.since }
  if (owner.host !== host) return { kind: 'held', owner, isVerified: false }
  const why = whyDead(content)
  if (why)
    return { kind: 'stale', raw, why: `the lock names PID ${owner.pid} on this host, ${why}` }
  return { kind: 'held', owner, isVerified: content.started !== undefined }
}

/** True while a process with this PID exists (EPERM: it exists, owned by someone else). */
export function isAlive(pid: number): boolean {
  if (!isPossiblePid(pid)) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Why the lock's process, on this host, is certainly not the one that took it; null
 * while it may be. `process.kill(pid, 0)` alone is not enough: it succeeds for a
 * zombie, and for whatever program was given the PID after the holder died.
 */
function whyDead(content: LockContent): string | null {
  const { pid } = content
  if (!isAlive(pid)) return 'which is no longer running'
  const now = lookAt(pid)
  if (now === null) return null
  if (now.state === 'zombie') return 'which has exited (a zombie its parent has not reaped yet)'
  if (!content.started || !now.started) return null
  if (now.started.token === content.started.token) return null
  return `which is now a different program (started ${clock(now.started.at)}, the lock is from ${clock(content.started.at)})`
}

/**
 * What this machine says of a process: whether it has exited unreaped, and when it
 * started. Linux: /proc/<pid>/stat; elsewhere `ps`. Null when neither can tell.
 */
function lookAt(pid: number): { state: 'zombie' | 'live'; started: ProcessStart | null } | null {
  if (process.platform === 'linux') {
    const stat = readProcStat(pid)
    if (!stat) return null
    return {
      state: stat.state === 'Z' || stat.state === 'X' ? 'zombie' : 'live',
      started: startOnLinux(stat),
    }
  }
  if (process.platform === 'win32') return null
  try {
    // lstart is the start time to the second, in the C locale's fixed layout.
    const out = execFileSync('ps', ['-o', 'stat=', '-o', 'lstart=', '-p', String(pid)], {
      encoding: 'utf8',
      env: { ...process.env, LC_ALL: 'C' },
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 2_000,
    }).trim()
    const match = /^(\S+)\s+(.+)$/.exec(out)
    if (!match) return null
    const [, state = '', lstart = ''] = match
    const at = new Date(lstart)
    return {
      state: state.startsWith('Z') ? 'zombie' : 'live',
      started: {
        token: `ps:${lstart}`,
        at: Number.isNaN(at.getTime()) ? lstart : at.toISOString(),
      },
    }
  } catch {
    return null
  }
}

let own: ProcessStart | null | undefined

/** When this process started, for the locks it takes (looked up once); null where this machine cannot say. */
function ownStart(): ProcessStart | null {
  if (own === undefined) own = lookAt(process.pid)?.started ?? null
  return own
}

interface ProcStat {
  readonly state: string
  /** Clock ticks after boot. */
  readonly startTicks: string
}

function readProcStat(pid: number): ProcStat | null {
  let text: string
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return null
  }
  // "pid (command) state ppid …": the command may hold spaces and parentheses, so count from its end.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
  const state = fields[0]
  const startTicks = fields[19]
  return state && startTicks ? { state, startTicks } : null
}

let linuxBoot: { id: string; atMs: number } | null | undefined

/** A start time that survives clock changes: ticks since boot, tied to this boot. */
function startOnLinux(stat: ProcStat): ProcessStart | null {
  if (linuxBoot === undefined) {
    try {
      const id = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()
      const btime = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]
      linuxBoot = { id, atMs: Number(btime ?? 0) * 1000 }
    } catch {
      linuxBoot = null
    }
  }
  if (!linuxBoot) return null
  // USER_HZ is 100 on every Linux architecture Node runs on; it only places the time shown.
  const at = new Date(linuxBoot.atMs + Number(stat.startTicks) * 10).toISOString()
  return { token: `linux:${linuxBoot.id}:${stat.startTicks}`, at }
}

function isPossiblePid(pid: number): boolean {
  return Number.isSafeInteger(pid) && pid > 0
}

/** "10:02" in local time; the date too when it is not today. */
function clock(iso: string): string {
  return describeSince(iso).replace(/^since /, '')
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
    // A read-only or full home: a UserError saying so, not a stack trace.
    throw homeError(error, path) ?? error
  }
  try {
    // Every byte, or an error: a lock cut short would read as stale to the next opener.
    writeFileSync(fd, content)
  } catch (error) {
    closeSync(fd)
    unlinkQuietly(path)
    throw homeError(error, path) ?? error
  }
  closeSync(fd)
  return true
}

/**
 * Moves a dead holder's lock aside, then checks that what was moved is what was judged
 * dead: if another process took it over in between, its fresh lock is put back. True
 * when the dead lock is gone by our hand.
 */
function takeOver(path: string, staleRaw: string): boolean {
  const aside = `${path}.stale-${process.pid}-${Math.random().toString(36).slice(2, 8)}`
  try {
    renameSync(path, aside)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw homeError(error, path) ?? error
  }
  const moved = readLockFile(aside)
  if (moved !== null && moved !== staleRaw) {
    // Someone else's fresh lock: restore it unless yet another lock appeared meanwhile.
    if (createExclusive(path, moved)) {
      unlinkQuietly(aside)
      return false
    }
  }
  unlinkQuietly(aside)
  return true
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
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return null
    if (code === 'EISDIR') {
      // Not ours to remove: deploy-wizard never makes a folder there.
      throw new UserError(`the lock ${path} is a folder, not a lock file`, {
        hint: `if no deploy-wizard has this run open, remove the folder: rmdir '${path}'`,
      })
    }
    throw homeError(error, path) ?? error
  }
}

/**
 * The lock's content; 'unreadable' when it is not a lock (yet); a sentence when it
 * names a PID no process can have (0 would mean our own process group, -1 every process).
 */
function parseLock(raw: string): LockContent | 'unreadable' | string {
  let value: Partial<Record<keyof LockContent, unknown>> | null
  try {
    value = JSON.parse(raw)
  } catch {
    return 'unreadable'
  }
  if (!value || typeof value.host !== 'string' || typeof value.since !== 'string') {
    return 'unreadable'
  }
  if (typeof value.pid !== 'number' || !isPossiblePid(value.pid)) {
    return `the lock names PID ${JSON.stringify(value.pid ?? null)}, which no process can have`
  }
  const started = value.started as Partial<ProcessStart> | undefined
  return {
    pid: value.pid,
    host: value.host,
    since: value.since,
    ...(typeof started?.token === 'string' && typeof started.at === 'string'
      ? { started: { token: started.token, at: started.at } }
      : {}),
  }
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
