/**
 * The run store: one JSON file per run, `<home>/runs/<run-id>.json`, holding the
 * header and the append-only journal. Nothing else is kept: the list of runs is
 * the folder, and each run's state is the journal folded (model.ts).
 *
 * Durability: every write goes through `writeFileAtomic` (a temporary file in
 * the same folder, written whole, fsync'd, renamed over the run file, the folder
 * fsync'd), so a kill at any moment leaves either the previous file or the new
 * one, never a mix, and an answer is on disk when `append` returns. A write that
 * fails — the disk full, the folder turned read-only — throws and leaves the
 * previous file as it was: the entry is not saved, and `append` says so.
 *
 * Only the lock holder (lock.ts) writes a run, and it alone clears the
 * temporary files a killed writer left. A file that cannot be read, or that a
 * newer deploy-wizard wrote, is moved aside and reported, never overwritten.
 */
import { randomInt } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, unlinkSync } from 'node:fs'
import { hostname, userInfo } from 'node:os'
import { join, resolve } from 'node:path'
import * as z from 'zod'
import { syncFolder, TEMPORARY_MARK } from '../atomic-write.ts'
import type { Checklist } from '../checklist/model.ts'
import type { CheckResult } from '../checks/runner.ts'
import { fileProblem, UserError } from '../errors.ts'
import { homeError, homeFolder, moveAside, readJsonFile, writeJsonFile } from '../home.ts'
import { VERSION } from '../version.ts'
import { CHECK_STATUSES, ITEM_STATES } from '../vocabulary.ts'
import { acquireLock, type HeldLock, type LockOwner, lockStatus, tryAcquireLock } from './lock.ts'
import {
  foldJournal,
  type JournalEntry,
  RUN_FORMAT,
  type RunHeader,
  type RunState,
  reduceRun,
  type StoredCheckResult,
} from './model.ts'
import { snapshotOf } from './resume.ts'

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

/** An open run: the only writer of its file until `close()`. */
export interface RunHandle {
  readonly id: string
  readonly file: string
  readonly header: RunHeader
  /** The journal's entries this version understands, oldest first. */
  readonly journal: readonly JournalEntry[]
  readonly state: RunState
  /** Entries kept in the file but left out of `journal` and `state`: unknown type or malformed. */
  readonly skippedEntries: number
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

type RunFile = { header: RunHeader; journal: unknown[] }

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
    const file = runFile(folder, id)
    const content: RunFile = { header, journal: [started] }
    try {
      writeJsonFile(file, content)
    } catch (error) {
      throw homeError(error, file, options.env) ?? error
    }
    return openHandle(id, file, lock, content)
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
    const read = readRun(file)
    if (read.kind === 'missing') throw noSuchRun(id)
    if (read.kind !== 'ok') {
      const problem = setAside(file, read.kind, read.reason)
      throw new UserError(problem.message, {
        hint: 'start a new run; the file that was set aside is kept for you to inspect',
      })
    }
    return openHandle(id, file, lock, read.file)
  } catch (error) {
    lock.release()
    throw error
  }
}

/** Every run in the folder, read fresh. Unusable files are moved aside and reported, not thrown. */
export function listRuns(options: StoreOptions = {}): RunListing {
  const folder = runsFolder(options)
  const runs: RunSummary[] = []
  const problems: StoreProblem[] = []
  for (const id of runIdsIn(folder, options.env)) {
    const file = runFile(folder, id)
    const read = readRun(file)
    if (read.kind === 'missing') continue
    if (read.kind !== 'ok') {
      problems.push(setAsideIfFree(folder, id, file, read.kind, read.reason))
      continue
    }
    const { journal, skipped } = understood(read.file.journal)
    const status = lockStatus(lockFile(folder, id))
    runs.push({
      id,
      file,
      header: read.file.header,
      state: foldJournal(read.file.header, journal),
      skippedEntries: skipped,
      ...(status.kind === 'held' ? { locked: status.owner } : {}),
    })
  }
  runs.sort((a, b) => b.state.lastActivityAt.localeCompare(a.state.lastActivityAt))
  return { runs, problems }
}

/**
 * The digests of the sign-off sheets run `id` recorded exporting, oldest first; null when
 * the run is not on this machine (or cannot be read). Reads only: takes no lock.
 */
export function exportedDigests(id: string, options: StoreOptions = {}): string[] | null {
  const folder = runsFolder(options)
  if (!runIdsIn(folder, options.env).includes(id)) return null
  const read = readRun(runFile(folder, id))
  if (read.kind !== 'ok') return null
  return understood(read.file.journal).journal.flatMap((entry) =>
    entry.type === 'exported' && entry.format === 'md' ? [entry.digest] : [],
  )
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
      r.state.finishedAt === null,
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
    removeLeftovers(folder, id)
    syncFolder(folder)
  } catch (error) {
    throw homeError(error, file, options.env) ?? error
  } finally {
    lock.release()
  }
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
  const slug =
    environment
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, '-')
      .replace(/^[-_]+|-+$/g, '') || 'run'
  const date = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}`
  const random = randomInt(36 ** 4)
    .toString(36)
    .padStart(4, '0')
  return `${slug}-${date}-${random}`
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

function openHandle(id: string, path: string, lock: HeldLock, file: RunFile): RunHandle {
  const { header } = file
  // Raw entries, unknown ones included: a rewrite must not drop what a newer version wrote.
  let raw: readonly unknown[] = file.journal
  const { journal: known, skipped } = understood(raw)
  let journal: readonly JournalEntry[] = known
  let state = foldJournal(header, journal)
  let closed = false
  return {
    id,
    file: path,
    header,
    get journal() {
      return journal
    },
    get state() {
      return state
    },
    skippedEntries: skipped,
    append(entry) {
      if (closed) throw new Error(`run ${id} is closed`)
      assertWritable(entry)
      const next = [...raw, entry]
      try {
        // Keys besides these two, from a newer version, are kept as they were.
        writeJsonFile(path, { ...file, header, journal: next })
      } catch (error) {
        throw new NotSavedError(path, error)
      }
      raw = next
      journal = [...journal, entry]
      state = reduceRun(state, entry)
      return state
    },
    close() {
      closed = true
      lock.release()
    },
  }
}

type ReadRun =
  | { readonly kind: 'ok'; readonly file: RunFile }
  | { readonly kind: 'missing' }
  | { readonly kind: 'corrupt' | 'newer'; readonly reason: string }

/** Reads a run file and checks its header; never writes. */
function readRun(file: string): ReadRun {
  const read = readJsonFile(file)
  if (read.kind === 'missing') return read
  if (read.kind === 'damaged') return { kind: 'corrupt', reason: read.reason }
  if (typeof read.value !== 'object' || read.value === null || Array.isArray(read.value)) {
    return { kind: 'corrupt', reason: 'no run header' }
  }
  const store = read.value as Partial<Record<string, unknown>>
  const header = store.header as Partial<Record<string, unknown>> | undefined
  const format = header?.format
  const version = typeof format === 'string' ? /^deploy-wizard\/run@(\d+)$/.exec(format)?.[1] : null
  if (version && Number(version) > 1) {
    return { kind: 'newer', reason: `written by a newer deploy-wizard (${format})` }
  }
  if (format !== RUN_FORMAT) return { kind: 'corrupt', reason: 'no run header' }
  if (!headerSchema.safeParse(header).success) return { kind: 'corrupt', reason: 'damaged header' }
  if (!Array.isArray(store.journal)) return { kind: 'corrupt', reason: 'no journal' }
  return { kind: 'ok', file: store as RunFile }
}

/** Moves an unusable file aside unless a live process holds it (moving is a write). */
function setAsideIfFree(
  folder: string,
  id: string,
  file: string,
  kind: 'corrupt' | 'newer',
  reason: string,
): StoreProblem {
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
    return setAside(file, kind, reason)
  } finally {
    lock.release()
  }
}

/**
 * `<file>.corrupt-<timestamp>` (or `.newer-…`): kept for the operator, out of the store's way.
 * In a home that cannot be written (read-only), it is left in place and reported all the same.
 */
function setAside(file: string, kind: 'corrupt' | 'newer', reason: string): StoreProblem {
  let movedTo: string
  try {
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
function understood(raw: readonly unknown[]): { journal: JournalEntry[]; skipped: number } {
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
  checked: z.literal(true).optional(),
  outOfScope: z.literal(true).optional(),
})
const itemState = z.enum(ITEM_STATES)
const checkStatus = z.enum(CHECK_STATUSES)

const headerSchema = z.object({
  format: z.literal(RUN_FORMAT),
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
    note: z.string().optional(),
    byCheck: z.literal(true).optional(),
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
    note: z.string().optional(),
  }),
  z.object({ type: z.literal('finished'), ...by }),
  z.object({
    type: z.literal('left'),
    ...by,
    phaseId: z.string().nullable(),
    itemId: z.string().nullable(),
  }),
  z.object({ type: z.literal('exported'), ...by, format: z.string(), digest: z.string() }),
])
