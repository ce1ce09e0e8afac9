/**
 * The run store: two files per run in `<home>/runs/`. `<run-id>.json` is the
 * snapshot: the header and the journal's entries up to some point, rewritten
 * rarely — when the run starts, when it is opened (an older run's single file
 * is migrated then), when it finishes, and every `COMPACT_EVERY` entries.
 * `<run-id>.journal` holds the entries since, one framed line each
 * (journal-file.ts). The list of runs is the folder; each run's state is the
 * whole journal folded (model.ts). `<home>/runs-index.json` caches each run's
 * progress for listing (run-index.ts).
 *
 * Durability: an answer is one line appended to the journal file and synced,
 * so it costs the same at item 5 and at item 2,000, and it is on disk when
 * `append` returns. A kill mid-append leaves at most a torn last line, which
 * is detected by its checksum and dropped; an append the file system refuses —
 * the disk full, the folder turned read-only — is cut back off, throws, and
 * leaves what was saved as it was: the entry is not saved, and `append` says
 * so. The snapshot is replaced through `writeFileAtomic` (temporary file,
 * fsync, rename, folder fsync), and only then is the journal file emptied;
 * a kill between the two leaves lines the snapshot already holds, which the
 * reader recognises by their position and skips.
 *
 * Only the lock holder (lock.ts) writes a run, and it alone clears the
 * temporary files a killed writer left. A file that cannot be read, or that a
 * newer deploy-wizard wrote, is moved aside and reported, never overwritten.
 */
import { randomInt } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, unlinkSync } from 'node:fs'
import { hostname, userInfo } from 'node:os'
import { join, resolve } from 'node:path'
// zod's mini build: the same validation, schemas that cost less to build. The store is loaded
// for every wizard's first frame; zod's full build, ~6 ms more of CPU there, loads with checks.
import * as z from 'zod/mini'
import { syncFolder, TEMPORARY_MARK } from '../atomic-write.ts'
import type { Checklist } from '../checklist/model.ts'
import type { CheckResult } from '../checks/runner.ts'
import { fileProblem, UserError } from '../errors.ts'
import { homeError, homeFolder, moveAside, readJsonFile, writeJsonFile } from '../home.ts'
import { VERSION } from '../version.ts'
import { CHECK_STATUSES, ITEM_STATES } from '../vocabulary.ts'
import { runProgress } from './describe.ts'
import { frameLine, JournalAppender, readJournalFile } from './journal-file.ts'
import {
  acquireLock,
  assertLockFree,
  type HeldLock,
  type LockOwner,
  lockStatus,
  tryAcquireLock,
} from './lock.ts'
import {
  foldJournal,
  type JournalEntry,
  LEGACY_RUN_FORMAT,
  RUN_FORMAT,
  type RunHeader,
  type RunState,
  reduceRun,
  type StoredCheckResult,
} from './model.ts'
import { snapshotOf } from './resume.ts'
import {
  filesKey,
  type IndexedRun,
  type RunIndex,
  readIndex,
  updateIndex,
  writeIndex,
} from './run-index.ts'

type Env = Readonly<Record<string, string | undefined>>

/** Who answers, when not told: this variable, else the login name. */
export const OPERATOR_VARIABLE = 'DEPLOY_WIZARD_OPERATOR'

/** `prod-20261122-a7c3`: environment, local date, four base-36 characters. */
export const RUN_ID_PATTERN = /^[a-z0-9][a-z0-9_-]*-\d{8}-[a-z0-9]{4}$/

export interface StoreOptions {
  /** Where DEPLOY_WIZARD_HOME is read from; process.env by default. */
  readonly env?: Env
}

export interface CreateRunOptions extends StoreOptions {
  readonly checklist: Checklist
  readonly environment: string
  readonly operator?: string
  readonly host?: string
  readonly now?: Date
}

/**
 * Entries the journal file may gather before they are folded into the snapshot. Rare enough
 * that answering stays a single append (a rewrite of a 2,000-item run costs a few ms), often
 * enough that reading a run that never closed is mostly one JSON parse.
 */
export const COMPACT_EVERY = 500

/** An open run: the only writer of its files until `close()`. */
export interface RunHandle {
  readonly id: string
  /** The snapshot, `<run-id>.json`. */
  readonly file: string
  /** The journal since the snapshot, `<run-id>.journal`: where answers are appended. */
  readonly journalFile: string
  readonly header: RunHeader
  /** The journal's entries this version understands, oldest first. */
  readonly journal: readonly JournalEntry[]
  readonly state: RunState
  /** Entries kept in the file but left out of `journal` and `state`: unknown type or malformed. */
  readonly skippedEntries: number
  /** Every entry the journal holds, skipped ones included: the position the next one appended takes. */
  readonly length: number
  /** The journal's entries from `position` on, as stored (skipped ones included). */
  entriesFrom(position: number): readonly unknown[]
  /**
   * Writes the entry to disk (durably) and only then folds it into `state`. Throws a
   * `NotSavedError` when the file system refuses the write: the entry is then neither
   * in the file nor in `state`, and the file is as it was.
   */
  append(entry: JournalEntry): RunState
  /** Releases the lock; the handle cannot append afterwards. */
  close(): void
}

export interface RunSummary {
  readonly id: string
  readonly file: string
  readonly header: RunHeader
  /** Items answered out of those that apply (`runProgress`), from the index when it is current. */
  readonly progress: { readonly answered: number; readonly total: number }
  readonly lastActivityAt: string
  readonly finishedAt: string | null
  /** The whole run folded: read from its files on first use, as the index does not hold it. */
  readonly state: RunState
  readonly skippedEntries: number
  /** Set while another live process (or another host) has the run open. */
  readonly locked?: LockOwner
}

/** A run file that could not be used: what it was, where it went, a sentence to print. */
export interface StoreProblem {
  readonly kind: 'corrupt' | 'newer'
  readonly file: string
  /** Where the file was moved; null when it was left in place because a live process holds it. */
  readonly movedTo: string | null
  readonly reason: string
  readonly message: string
}

export interface RunListing {
  /** Most recently active first. */
  readonly runs: readonly RunSummary[]
  readonly problems: readonly StoreProblem[]
}

/** The snapshot file: the header and the journal's first entries (keys of a newer version kept). */
type RunFile = { header: RunHeader; journal: unknown[] }

/** A run read whole: its snapshot, every raw entry, and where its journal file's good part ends. */
interface ReadOk {
  readonly kind: 'ok'
  readonly file: RunFile
  /** Snapshot entries then journal-file entries, unknown ones included. */
  readonly entries: readonly unknown[]
  /** Written by deploy-wizard 0.1 (run@1): one file, no journal file, migrated when opened. */
  readonly isLegacy: boolean
  readonly goodLength: number
  /** The journal file has a torn line or lines the snapshot already holds. */
  readonly isUntidy: boolean
}

/** An entry the file system refused to save (ENOSPC, EROFS…): `reason` says why in words. */
export class NotSavedError extends UserError {
  readonly reason: string
  readonly file: string

  constructor(file: string, cause: unknown) {
    const reason = fileProblem(cause) ?? (cause as Error).message
    super(`not saved to ${file}: ${reason}`, {
      hint:
        (cause as NodeJS.ErrnoException).code === 'ENOSPC'
          ? 'free some space on that disk; what was saved before is intact'
          : 'make the folder writable again; what was saved before is intact',
      cause,
    })
    this.reason = reason
    this.file = file
  }
}

/** The folder runs live in: `<home>/runs`. */
export function runsFolder(options: StoreOptions = {}): string {
  return join(homeFolder(options.env), 'runs')
}

/** Starts a run: writes its header and a `run-started` entry, and holds its lock. */
export function createRun(options: CreateRunOptions): RunHandle {
  const now = options.now ?? new Date()
  const operator = options.operator ?? defaultOperator(options.env)
  const host = options.host ?? hostname()
  const folder = runsFolder(options)
  try {
    mkdirSync(folder, { recursive: true })
  } catch (error) {
    throw homeError(error, folder, options.env) ?? error
  }
  const { id, lock } = claimNewId(folder, options.environment, now)
  try {
    const header: RunHeader = {
      format: RUN_FORMAT,
      id,
      checklist: { path: resolve(options.checklist.path), title: options.checklist.title },
      environment: options.environment,
      operator,
      host,
      startedAt: now.toISOString(),
      toolVersion: VERSION,
    }
    const started: JournalEntry = {
      type: 'run-started',
      at: header.startedAt,
      by: operator,
      sha256: options.checklist.sha256,
      items: snapshotOf(options.checklist, options.environment),
    }
    assertWritable(started)
    return openWritten(id, folder, lock, { header, journal: [started] }, options.env)
  } catch (error) {
    lock.release()
    throw error
  }
}

/** Opens a run for writing. Throws a UserError when it is missing, open elsewhere, or unreadable. */
export function openRun(id: string, options: StoreOptions = {}): RunHandle {
  const folder = runsFolder(options)
  const file = runFile(folder, id)
  if (!isRunId(id) || !existsSync(file)) throw noSuchRun(id)
  const lock = acquireLock(lockFile(folder, id), `run ${id}`)
  try {
    removeLeftovers(folder, id)
    const read = readRun(folder, id)
    if (read.kind === 'missing') throw noSuchRun(id)
    if (read.kind !== 'ok') {
      const problem = setAside(folder, id, read.kind, read.reason)
      throw new UserError(problem.message, {
        hint: 'start a new run; the file that was set aside is kept for you to inspect',
      })
    }
    return openHandle(id, folder, lock, read, options.env)
  } catch (error) {
    lock.release()
    throw error
  }
}

/**
 * Writes a run's files on this machine from a journal read elsewhere (a team run's store, see
 * team/sync.ts): a new local copy, or one that replaces the copy there was. Holds the run's lock
 * like `openRun`, and throws the same UserError while another process has the run open.
 * Entries this version does not understand are written as they are, like any others.
 */
export function importRun(
  header: RunHeader,
  entries: readonly unknown[],
  options: StoreOptions = {},
): RunHandle {
  const folder = runsFolder(options)
  const id = header.id
  if (!isRunId(id)) throw noSuchRun(id)
  try {
    mkdirSync(folder, { recursive: true })
  } catch (error) {
    throw homeError(error, folder, options.env) ?? error
  }
  const lock = acquireLock(lockFile(folder, id), `run ${id}`)
  try {
    removeLeftovers(folder, id)
    const content: RunFile = { header: { ...header, format: RUN_FORMAT }, journal: [...entries] }
    return openWritten(id, folder, lock, content, options.env)
  } catch (error) {
    lock.release()
    throw error
  }
}

/**
 * Writes `content` as run `id`'s whole snapshot, with no journal file after it, and opens it
 * (its lock held). The journal file goes first: its lines, an earlier copy's or those of a run of
 * this id removed by hand, must never be read as the continuation of the new snapshot, and a kill
 * between the two leaves the earlier snapshot alone.
 */
function openWritten(
  id: string,
  folder: string,
  lock: HeldLock,
  content: RunFile,
  env: StoreOptions['env'],
): RunHandle {
  const file = runFile(folder, id)
  try {
    unlinkQuietly(journalFile(folder, id))
    writeJsonFile(file, content)
  } catch (error) {
    throw homeError(error, file, env) ?? error
  }
  const read: ReadOk = {
    kind: 'ok',
    file: content,
    entries: content.journal,
    isLegacy: false,
    goodLength: 0,
    isUntidy: false,
  }
  return openHandle(id, folder, lock, read, env)
}

/**
 * Throws the UserError `openRun` would while another process has run `id` open here; takes no
 * lock (a wizard that asks questions before opening the run holds nothing if it is cancelled).
 * Nothing for a run not on this machine.
 */
export function assertRunNotOpen(id: string, options: StoreOptions = {}): void {
  if (!hasRun(id, options)) return
  assertLockFree(lockFile(runsFolder(options), id), `run ${id}`)
}

/** Whether run `id` has files on this machine. */
export function hasRun(id: string, options: StoreOptions = {}): boolean {
  return isRunId(id) && existsSync(runFile(runsFolder(options), id))
}

/**
 * Every run in the folder. A run whose files are as the index last saw them is listed from
 * the index, its state read only if asked for; any other is read whole (and the index
 * updated). Unusable files are moved aside and reported, not thrown.
 */
export function listRuns(options: StoreOptions = {}): RunListing {
  const folder = runsFolder(options)
  const runs: RunSummary[] = []
  const problems: StoreProblem[] = []
  const ids = runIdsIn(folder, options.env)
  const index = readIndex(options.env)
  const fresh: RunIndex = {}
  let isChanged = Object.keys(index).some((id) => !ids.includes(id))
  for (const id of ids) {
    const file = runFile(folder, id)
    // Taken before reading: a run that changes meanwhile is read again next time.
    const key = filesKey(file, journalFile(folder, id))
    if (key === null) continue
    let indexed = index[id]
    let state: RunState | undefined
    if (indexed?.key !== key) {
      const read = readRun(folder, id)
      if (read.kind === 'missing') continue
      if (read.kind !== 'ok') {
        problems.push(setAsideIfFree(folder, id, read.kind, read.reason))
        isChanged = true
        continue
      }
      const { journal, skipped } = understood(read.entries)
      state = foldJournal(read.file.header, journal)
      indexed = indexEntry(key, state, skipped)
      isChanged = true
    }
    fresh[id] = indexed
    const status = lockStatus(lockFile(folder, id))
    runs.push(summaryOf(folder, id, indexed, state, status.kind === 'held' ? status.owner : null))
  }
  if (isChanged) writeIndex(fresh, options.env)
  runs.sort((a, b) => b.lastActivityAt.localeCompare(a.lastActivityAt))
  return { runs, problems }
}

/** What the index keeps of a run in `state`. */
function indexEntry(key: string, state: RunState, skippedEntries: number): IndexedRun {
  return {
    key,
    header: state.header,
    ...runProgress(state),
    lastActivityAt: state.lastActivityAt,
    finishedAt: state.finishedAt,
    skippedEntries,
  }
}

/** A listed run; its state, when not read already, is read from its files when first asked for. */
function summaryOf(
  folder: string,
  id: string,
  indexed: IndexedRun,
  known: RunState | undefined,
  locked: LockOwner | null,
): RunSummary {
  let state = known
  return {
    id,
    file: runFile(folder, id),
    header: indexed.header,
    progress: { answered: indexed.answered, total: indexed.total },
    lastActivityAt: indexed.lastActivityAt,
    finishedAt: indexed.finishedAt,
    get state(): RunState {
      if (!state) {
        const read = readRun(folder, id)
        if (read.kind !== 'ok') {
          throw new UserError(`run ${id} can no longer be read`, {
            hint: "'deploy-wizard runs' says what became of it",
          })
        }
        state = foldJournal(read.file.header, understood(read.entries).journal)
      }
      return state
    },
    skippedEntries: indexed.skippedEntries,
    ...(locked ? { locked } : {}),
  }
}

/**
 * The digests of the sign-off sheets run `id` recorded exporting, oldest first; null when
 * the run is not on this machine (or cannot be read). Reads only: takes no lock.
 */
export function exportedDigests(id: string, options: StoreOptions = {}): string[] | null {
  const folder = runsFolder(options)
  if (!runIdsIn(folder, options.env).includes(id)) return null
  const read = readRun(folder, id)
  if (read.kind !== 'ok') return null
  return understood(read.entries).journal.flatMap((entry) =>
    entry.type === 'exported' && entry.format === 'md' ? [entry.digest] : [],
  )
}

/** A run as its files hold it now, read by someone who only looks (watch). */
export interface RunRead {
  readonly header: RunHeader
  readonly journal: readonly JournalEntry[]
  readonly state: RunState
  readonly skippedEntries: number
  /** Set while a live process (or another host) has the run open. */
  readonly locked?: LockOwner
}

/**
 * Reads run `id` without taking its lock, as often as asked: undefined when it is not on this
 * machine. Never writes, not even to set an unreadable file aside (a UserError says so instead).
 */
export function readRunUnlocked(id: string, options: StoreOptions = {}): RunRead | undefined {
  const folder = runsFolder(options)
  if (!isRunId(id)) return undefined
  const read = readRun(folder, id)
  if (read.kind === 'missing') return undefined
  if (read.kind !== 'ok') {
    throw new UserError(`run ${id} cannot be read: its file is ${read.reason}`, {
      hint: "'deploy-wizard runs' sets it aside and says where",
    })
  }
  const { journal, skipped } = understood(read.entries)
  const status = lockStatus(lockFile(folder, id))
  return {
    header: read.file.header,
    journal,
    state: foldJournal(read.file.header, journal),
    skippedEntries: skipped,
    ...(status.kind === 'held' ? { locked: status.owner } : {}),
  }
}

/**
 * The most recently active unfinished run of this checklist in this environment.
 * Returns the listing's problems too, so a caller that only resumes still reports them.
 */
export function findUnfinishedRun(
  checklistPath: string,
  environment: string,
  options: StoreOptions = {},
): { readonly run: RunSummary | undefined; readonly problems: readonly StoreProblem[] } {
  const path = resolve(checklistPath)
  const { runs, problems } = listRuns(options)
  const run = runs.find(
    (r) =>
      r.header.checklist.path === path &&
      r.header.environment === environment &&
      r.finishedAt === null,
  )
  return { run, problems }
}

/** Deletes a run. Refuses (UserError) while another process has it open. */
export function removeRun(id: string, options: StoreOptions = {}): void {
  const folder = runsFolder(options)
  const file = runFile(folder, id)
  if (!isRunId(id) || !existsSync(file)) throw noSuchRun(id)
  const lock = acquireLock(lockFile(folder, id), `run ${id}`)
  try {
    unlinkSync(file)
    unlinkQuietly(journalFile(folder, id))
    removeLeftovers(folder, id)
    syncFolder(folder)
  } catch (error) {
    throw homeError(error, file, options.env) ?? error
  } finally {
    lock.release()
  }
  updateIndex(id, null, options.env)
}

/** A runner result as a run keeps it: plain JSON, with the time it finished. */
export function toStoredResult(result: CheckResult, at: Date | string): StoredCheckResult {
  return {
    status: result.status,
    summary: result.summary,
    details: [...(result.details ?? [])],
    // Through JSON once, so what is kept in memory is exactly what a reread gives.
    evidence: JSON.parse(JSON.stringify(result.evidence ?? {})) as Record<string, unknown>,
    outputs: { ...(result.outputs ?? {}) },
    durationMs: Math.round(result.durationMs),
    at: typeof at === 'string' ? at : at.toISOString(),
  }
}

/** DEPLOY_WIZARD_OPERATOR, else the login name (no git: nothing is spawned for it). */
export function defaultOperator(env: Env = process.env): string {
  const named = env[OPERATOR_VARIABLE]?.trim()
  if (named) return named
  try {
    return userInfo().username
  } catch {
    // A container user without a passwd entry.
    return env.USER ?? env.USERNAME ?? 'unknown'
  }
}

/** A fresh id for a run in `environment` started at `now` (local date). */
export function newRunId(environment: string, now: Date): string {
  const date = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}`
  const random = randomInt(36 ** 4)
    .toString(36)
    .padStart(4, '0')
  return `${runIdSlug(environment)}-${date}-${random}`
}

/** The environment as a run id starts with it. */
function runIdSlug(environment: string): string {
  return (
    environment
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, '-')
      .replace(/^[-_]+|-+$/g, '') || 'run'
  )
}

/** newRunId's form: the environment's slug, the date, four random characters. */
const RUN_ID_FORM = /^(.+)-\d{8}-[0-9a-z]{4}$/

/**
 * False only for an id that newRunId made for another environment than `environment`: such a
 * run can be left unread where runs of one environment are wanted. True for any other id (read
 * it, and look at its header).
 */
export function mayBeRunOf(id: string, environment: string): boolean {
  const slug = RUN_ID_FORM.exec(id)?.[1]
  return slug === undefined || slug === runIdSlug(environment)
}

function pad(n: number): string {
  return String(n).padStart(2, '0')
}

function isRunId(id: string): boolean {
  return RUN_ID_PATTERN.test(id)
}

function runFile(folder: string, id: string): string {
  return join(folder, `${id}.json`)
}

function journalFile(folder: string, id: string): string {
  return join(folder, `${id}.journal`)
}

function lockFile(folder: string, id: string): string {
  return join(folder, `${id}.lock`)
}

function noSuchRun(id: string): UserError {
  return new UserError(`no run ${id}`, { hint: "'deploy-wizard runs' lists the runs there are" })
}

/** An id nobody has, with its lock held: the lock is the claim, the file's absence the check. */
function claimNewId(
  folder: string,
  environment: string,
  now: Date,
): { id: string; lock: HeldLock } {
  for (let attempt = 0; attempt < 50; attempt++) {
    const id = newRunId(environment, now)
    const lock = tryAcquireLock(lockFile(folder, id))
    if (!('release' in lock)) continue
    if (!existsSync(runFile(folder, id))) return { id, lock }
    lock.release()
  }
  throw new Error(`no free run id for ${environment} in ${folder}`)
}

function openHandle(
  id: string,
  folder: string,
  lock: HeldLock,
  read: ReadOk,
  env: Env | undefined,
): RunHandle {
  const path = runFile(folder, id)
  const tailPath = journalFile(folder, id)
  const header: RunHeader = { ...read.file.header, format: RUN_FORMAT }
  // Raw entries, unknown ones included: a compaction must not drop what a newer version wrote.
  const raw: unknown[] = [...read.entries]
  // Keys of the snapshot besides these two, from a newer version, are kept as they were.
  let snapshot: RunFile = { ...read.file, header, journal: raw.slice() }
  const { journal: known, skipped } = understood(raw)
  let journal: readonly JournalEntry[] = known
  let state = foldJournal(header, journal)
  let tail: JournalAppender
  try {
    // A run@1 file has no journal file of its own: anything there is not this run's.
    tail = new JournalAppender(
      tailPath,
      read.isLegacy ? 0 : read.goodLength,
      read.isLegacy || read.isUntidy,
    )
  } catch (error) {
    throw homeError(error, tailPath, env) ?? error
  }
  let inTail = read.isLegacy ? 0 : raw.length - read.file.journal.length
  let closed = false

  /** Folds the journal file into the snapshot. Throws when the snapshot cannot be written. */
  const compact = () => {
    const next: RunFile = { ...snapshot, header, journal: raw.slice() }
    writeJsonFile(path, next)
    snapshot = next
    inTail = 0
    // Were this cut short, the lines left are ones the snapshot holds: skipped when read.
    tail.empty()
  }
  const tryCompact = () => {
    try {
      compact()
    } catch {
      // A full disk: the entries are safe in the journal file, which keeps growing instead.
    }
  }

  if (read.isLegacy) {
    // Migrated on first open: the same journal, under the format an older version refuses.
    try {
      compact()
    } catch (error) {
      tail.close()
      throw homeError(error, path, env) ?? error
    }
  } else if (inTail > 0 || read.isUntidy) {
    tryCompact()
  }

  return {
    id,
    file: path,
    journalFile: tailPath,
    header,
    get journal() {
      return journal
    },
    get state() {
      return state
    },
    skippedEntries: skipped,
    get length() {
      return raw.length
    },
    entriesFrom(position) {
      return raw.slice(position)
    },
    append(entry) {
      if (closed) throw new Error(`run ${id} is closed`)
      assertWritable(entry)
      try {
        tail.append(frameLine(raw.length, entry))
      } catch (error) {
        throw new NotSavedError(tailPath, error)
      }
      raw.push(entry)
      inTail++
      journal = [...journal, entry]
      state = reduceRun(state, entry)
      if (entry.type === 'finished' || inTail >= COMPACT_EVERY) tryCompact()
      return state
    },
    close() {
      if (closed) return
      closed = true
      tail.close()
      const key = filesKey(path, tailPath)
      if (key !== null) updateIndex(id, indexEntry(key, state, skipped), env)
      lock.release()
    },
  }
}

type ReadRun =
  | ReadOk
  | { readonly kind: 'missing' }
  | { readonly kind: 'corrupt' | 'newer'; readonly reason: string }

/** Reads a run's snapshot and journal file and checks its header; never writes. */
function readRun(folder: string, id: string): ReadRun {
  const read = readJsonFile(runFile(folder, id))
  if (read.kind === 'missing') return read
  if (read.kind === 'damaged') return { kind: 'corrupt', reason: read.reason }
  if (typeof read.value !== 'object' || read.value === null || Array.isArray(read.value)) {
    return { kind: 'corrupt', reason: 'no run header' }
  }
  const store = read.value as Partial<Record<string, unknown>>
  const header = store.header as Partial<Record<string, unknown>> | undefined
  const format = header?.format
  const version = typeof format === 'string' ? /^deploy-wizard\/run@(\d+)$/.exec(format)?.[1] : null
  if (version && Number(version) > 2) {
    return { kind: 'newer', reason: `written by a newer deploy-wizard (${format})` }
  }
  if (format !== RUN_FORMAT && format !== LEGACY_RUN_FORMAT) {
    return { kind: 'corrupt', reason: 'no run header' }
  }
  if (!headerSchema.safeParse(header).success) return { kind: 'corrupt', reason: 'damaged header' }
  if (!Array.isArray(store.journal)) return { kind: 'corrupt', reason: 'no journal' }
  const file = { ...store, header: { ...header, format: RUN_FORMAT } } as RunFile
  if (format === LEGACY_RUN_FORMAT) {
    return {
      kind: 'ok',
      file,
      entries: file.journal,
      isLegacy: true,
      goodLength: 0,
      isUntidy: false,
    }
  }
  let tail: ReturnType<typeof readJournalFile>
  try {
    tail = readJournalFile(journalFile(folder, id), file.journal.length)
  } catch (error) {
    throw homeError(error, journalFile(folder, id)) ?? error
  }
  if (tail.kind === 'damaged') return { kind: 'corrupt', reason: tail.reason }
  return {
    kind: 'ok',
    file,
    entries: tail.entries.length > 0 ? [...file.journal, ...tail.entries] : file.journal,
    isLegacy: false,
    goodLength: tail.goodLength,
    isUntidy: tail.isUntidy,
  }
}

/** Moves an unusable file aside unless a live process holds it (moving is a write). */
function setAsideIfFree(
  folder: string,
  id: string,
  kind: 'corrupt' | 'newer',
  reason: string,
): StoreProblem {
  const file = runFile(folder, id)
  const lock = tryAcquireLock(lockFile(folder, id))
  if (!('release' in lock)) {
    return {
      kind,
      file,
      movedTo: null,
      reason,
      message: `run file ${file} is ${reason}; left in place while PID ${lock.pid} on ${lock.host} has it open`,
    }
  }
  try {
    return setAside(folder, id, kind, reason)
  } finally {
    lock.release()
  }
}

/**
 * `<file>.corrupt-<timestamp>` (or `.newer-…`): kept for the operator, out of the store's way.
 * In a home that cannot be written (read-only), it is left in place and reported all the same.
 */
function setAside(
  folder: string,
  id: string,
  kind: 'corrupt' | 'newer',
  reason: string,
): StoreProblem {
  const file = runFile(folder, id)
  let movedTo: string
  try {
    // The journal file goes with it, first: a snapshot moved without it would leave it orphaned.
    const tail = journalFile(folder, id)
    if (existsSync(tail)) moveAside(tail, kind)
    movedTo = moveAside(file, kind)
  } catch (error) {
    const problem = fileProblem(error)
    if (!problem) throw error
    return {
      kind,
      file,
      movedTo: null,
      reason,
      message: `run file ${file} is ${reason}; could not move it aside (${problem})`,
    }
  }
  return {
    kind,
    file,
    movedTo,
    reason,
    message: `run file ${file} is ${reason}; moved it aside to ${movedTo}`,
  }
}

/** Run ids with a file in the folder; temporary files and set-aside files are not runs. */
function runIdsIn(folder: string, env: Env | undefined): string[] {
  let names: string[]
  try {
    names = readdirSync(folder)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw homeError(error, folder, env) ?? error
  }
  return names
    .filter((name) => name.endsWith('.json'))
    .map((name) => name.slice(0, -'.json'.length))
    .filter(isRunId)
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
}

/** Temporary files a killed writer left for this run. Only the lock holder may call this. */
function removeLeftovers(folder: string, id: string): void {
  for (const name of readdirSync(folder)) {
    if (name.startsWith(`${id}.json${TEMPORARY_MARK}`) || name.startsWith(`${id}.lock.stale-`)) {
      try {
        unlinkSync(join(folder, name))
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
      }
    }
  }
}

/**
 * The entries this version can fold. An unknown type (a newer minor version) or a malformed
 * entry is skipped and counted, but stays in the file: the journal never loses anything.
 */
export function understood(raw: readonly unknown[]): { journal: JournalEntry[]; skipped: number } {
  const journal: JournalEntry[] = []
  for (const entry of raw) {
    if (entrySchema.safeParse(entry).success) journal.push(entry as JournalEntry)
  }
  return { journal, skipped: raw.length - journal.length }
}

/** A bug, not the operator's: we never write what we could not read back. */
function assertWritable(entry: JournalEntry): void {
  const parsed = entrySchema.safeParse(entry)
  if (!parsed.success) {
    throw new Error(`journal entry ${entry.type} is malformed: ${parsed.error.message}`)
  }
}

const itemSnapshot = z.object({
  id: z.string(),
  text: z.string(),
  phaseId: z.string(),
  checked: z.optional(z.literal(true)),
  outOfScope: z.optional(z.literal(true)),
})
const itemState = z.enum(ITEM_STATES)
const checkStatus = z.enum(CHECK_STATUSES)

const headerSchema = z.object({
  format: z.enum([RUN_FORMAT, LEGACY_RUN_FORMAT]),
  id: z.string(),
  checklist: z.object({ path: z.string(), title: z.string() }),
  environment: z.string(),
  operator: z.string(),
  host: z.string(),
  startedAt: z.string(),
  toolVersion: z.string(),
})

const storedResult = z.object({
  status: checkStatus,
  summary: z.string(),
  details: z.array(z.string()),
  evidence: z.record(z.string(), z.unknown()),
  outputs: z.record(z.string(), z.string()),
  durationMs: z.number(),
  at: z.string(),
})

const by = { at: z.string(), by: z.string() }

const entrySchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('run-started'),
    ...by,
    sha256: z.string(),
    items: z.array(itemSnapshot),
  }),
  z.object({
    type: z.literal('item-answered'),
    ...by,
    itemId: z.string(),
    state: itemState,
    note: z.optional(z.string()),
    byCheck: z.optional(z.literal(true)),
  }),
  z.object({ type: z.literal('note-added'), ...by, itemId: z.string(), note: z.string() }),
  z.object({
    type: z.literal('check-finished'),
    at: z.string(),
    itemId: z.string(),
    result: storedResult,
  }),
  z.object({
    type: z.literal('resumed'),
    ...by,
    sha256: z.string(),
    items: z.array(itemSnapshot),
    changes: z.object({
      added: z.array(z.string()),
      removed: z.array(z.string()),
      reworded: z.array(z.object({ from: z.string(), to: z.string() })),
    }),
    offline: z.optional(z.literal(true)),
  }),
  z.object({
    type: z.literal('scope-overridden'),
    ...by,
    itemId: z.string(),
    applies: z.boolean(),
  }),
  z.object({
    type: z.literal('signoff-entered'),
    ...by,
    fieldId: z.string(),
    value: z.string(),
    note: z.optional(z.string()),
  }),
  z.object({ type: z.literal('finished'), ...by }),
  z.object({ type: z.literal('changes-seen'), ...by }),
  z.object({
    type: z.literal('left'),
    ...by,
    phaseId: z.nullable(z.string()),
    itemId: z.nullable(z.string()),
  }),
  z.object({ type: z.literal('exported'), ...by, format: z.string(), digest: z.string() }),
  z.object({
    type: z.literal('lease-taken-over'),
    ...by,
    host: z.string(),
    arn: z.string(),
    reason: z.string(),
    from: z.object({ holder: z.string(), host: z.string(), arn: z.string(), lastSeen: z.string() }),
  }),
  z.object({
    type: z.literal('approval-recorded'),
    ...by,
    gate: z.string(),
    arn: z.string(),
    account: z.string(),
    host: z.optional(z.string()),
    note: z.optional(z.string()),
  }),
])
