/**
 * A run being worked on: the open run file (its lock held) plus the check
 * runner, behind a few verbs the wizard calls — answer, note, sign, run checks,
 * trust, finish. Every verb writes its journal entry to disk first and only then
 * tells listeners, so nothing the screen shows is unsaved.
 *
 * Check results are scrubbed of secrets before they are stored. A check's
 * result sets its item's answer (pass → done; fail, error or blocked → failed),
 * except that a run the operator did not ask for (entering a phase, a resume)
 * leaves an item they skipped or marked not applicable alone.
 *
 * An entry the disk refuses (full, read-only) is not saved and not shown as
 * saved: the verb throws, and the entry joins `unsaved`, which listeners hear
 * of at once and which the wizard keeps on screen and reports when it closes.
 * It leaves that list once the same thing is saved later (the same item answered
 * again, say), as what it said is then on disk after all.
 *
 * The code that runs checks (checks/batch.ts and all it brings: the runner, the
 * clients, every kind's helpers) is imported when the first checks are asked for,
 * not when the run opens: the wizard's first screen runs none, and is drawn sooner.
 */
import { writeFileAtomic } from '../atomic-write.ts'
import type { AwsAccount, Checklist, Item } from '../checklist/model.ts'
import { isInScope } from '../checklist/scope.ts'
import type { CallerIdentity } from '../checks/aws/account.ts'
import type { CheckBatch } from '../checks/batch.ts'
import { isWrite, needsTrust } from '../checks/registry.ts'
import type { CheckResult } from '../checks/runner.ts'
import { selectCheckItems } from '../checks/select.ts'
import { fileProblem, UserError } from '../errors.ts'
import { trustChecklist } from '../trust.ts'
import {
  type ItemState,
  type JournalEntry,
  type Position,
  type RunState,
  reduceRun,
  type StoredCheckResult,
} from './model.ts'
import {
  type ChecksInFlight,
  type RunSnapshot,
  type SessionEvent,
  type SyncView,
  trackChecks,
  type UnsavedEntry,
} from './snapshot.ts'
import { NotSavedError, type RunHandle, toStoredResult } from './store.ts'

export type { LiveCheck, RunSnapshot, SessionEvent, SyncView, UnsavedEntry } from './snapshot.ts'

type Env = Readonly<Record<string, string | undefined>>

/**
 * How a sign-off sheet is drawn and fingerprinted. report/ knows how (its
 * `SIGN_OFF_SHEET`); the caller hands it in, since a run sits below its reports.
 */
export interface SheetFormat {
  render(checklist: Checklist, state: RunState, options: { readonly now: Date }): string
  digest(sheet: string): string
}

export interface SessionOptions {
  readonly handle: RunHandle
  readonly checklist: Checklist
  readonly operator: string
  /** Whether the checklist's shell commands may run (it is trusted). */
  readonly commands: 'run' | 'skip'
  readonly processEnv?: Env
  /** The operator's current folder: where a bundled checklist's relative paths start. */
  readonly cwd?: string
  /** Time limit for checks whose item sets none. */
  readonly timeoutMs?: number
  readonly now?: () => Date
}

export interface RunChecksOptions {
  /** The operator asked for this run: its results replace a skip or a not-applicable. */
  readonly isExplicit?: boolean
}

export class RunSession {
  readonly checklist: Checklist
  readonly operator: string
  private readonly handle: RunHandle
  private readonly processEnv: Env
  private readonly now: () => Date
  private readonly batchOptions: ConstructorParameters<typeof CheckBatch>[0]
  /**
   * The clients, the redactor and the caps every check of the run shares: made (and their
   * code imported) when checks are first asked for. `batch` is set once it is made.
   */
  private batchLoading: Promise<CheckBatch> | undefined
  private batch: CheckBatch | undefined
  /** Whether the checklist's shell commands run: the batch's, once there is one. */
  private commands: 'run' | 'skip'
  private readonly listeners = new Set<(event: SessionEvent) => void>()
  /** Replaced whole on every change (see `emit`): what screens read. */
  private current: RunSnapshot
  /** By what they were about (see `unsavedKey`): a later save of the same thing replaces one. */
  private readonly unsavedEntries = new Map<string, UnsavedEntry>()
  private isClosed = false
  /** Set once nothing more may be recorded (a team run whose lease was taken): said by every verb. */
  private refusal: Error | undefined
  /** Work to finish as the run closes, after its file: a team run's last sending (team/sync.ts). */
  private readonly closers: (() => Promise<void>)[] = []

  constructor(options: SessionOptions) {
    this.handle = options.handle
    this.checklist = options.checklist
    this.operator = options.operator
    this.processEnv = options.processEnv ?? process.env
    this.now = options.now ?? (() => new Date())
    this.current = {
      run: this.handle.state,
      running: {},
      unsaved: [],
      awsIdentity: null,
      isTrusted: options.commands === 'run',
    }
    this.commands = options.commands
    this.batchOptions = {
      checklist: this.checklist,
      environment: this.handle.header.environment,
      commands: options.commands,
      processEnv: this.processEnv,
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    }
  }

  /** The AWS account the checklist pins this environment to, if any. */
  get expectedAccount(): AwsAccount | undefined {
    return this.checklist.frontMatter.accounts?.[this.environment]
  }

  /** Who the AWS checks have run as so far (one per profile and region). */
  get awsIdentities(): readonly CallerIdentity[] {
    return this.batch?.awsIdentities ?? []
  }

  get id(): string {
    return this.handle.id
  }

  get state(): RunState {
    return this.handle.state
  }

  /**
   * The run, the checks in flight, what is unsaved, as one value that changes identity only when
   * something changed: read it after a listener (`subscribe`) hears of a change.
   */
  get snapshot(): RunSnapshot {
    return this.current
  }

  get environment(): string {
    return this.handle.header.environment
  }

  /** Whether the checklist's commands run; false until it is trusted. */
  get isTrusted(): boolean {
    return this.commands === 'run'
  }

  /** What could not be saved and has not been saved since, oldest first. */
  get unsaved(): readonly UnsavedEntry[] {
    return [...this.unsavedEntries.values()]
  }

  /** Tells `listener` of every change, after `snapshot` shows it. Returns the unsubscribe. */
  subscribe(listener: (event: SessionEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Why nothing more is recorded in this run, once that is so (see `refuse`). */
  get refused(): Error | undefined {
    return this.refusal
  }

  /**
   * From now on nothing more is recorded: every verb that would write throws `reason` (a team
   * run's lease taken by another driver), and no check is started. What was recorded stays.
   */
  refuse(reason: Error): void {
    this.refusal ??= reason
  }

  /**
   * Records an entry written by someone else into the run's team store (an approval), as if
   * recorded here: saved to this machine's journal, folded, told to listeners. Never twice: an
   * entry the journal holds already (adopted before, also before a restart) is left out.
   * Returns whether it was recorded; throws NotSavedError when the disk refuses it.
   */
  adopt(entry: JournalEntry): boolean {
    if (this.isClosed) return false
    const text = JSON.stringify(entry)
    const isKnown = this.handle.journal.some(
      (known) => known.type === entry.type && JSON.stringify(known) === text,
    )
    if (isKnown) return false
    this.handle.append(entry)
    this.emit({ type: 'journal', entry })
    return true
  }

  /** A team run's sync state, for the header (team/sync.ts). */
  showSync(sync: SyncView): void {
    this.emit({ type: 'sync', sync })
  }

  /** Runs `closer` when the run closes, after its file is released (`close` waits for it). */
  onClose(closer: () => Promise<void>): void {
    this.closers.push(closer)
  }

  answer(itemId: string, state: ItemState, note?: string): void {
    const trimmed = note?.trim()
    this.write({
      type: 'item-answered',
      at: this.stamp(),
      by: this.operator,
      itemId,
      state,
      ...(trimmed ? { note: trimmed } : {}),
    })
  }

  /**
   * The operator's word on an item the checklist scopes to other environments: it applies
   * here after all (`applies`), or the checklist's scope stands again.
   */
  overrideScope(itemId: string, applies: boolean): void {
    this.write({ type: 'scope-overridden', at: this.stamp(), by: this.operator, itemId, applies })
  }

  note(itemId: string, note: string): void {
    this.write({
      type: 'note-added',
      at: this.stamp(),
      by: this.operator,
      itemId,
      note: note.trim(),
    })
  }

  /**
   * Enters a sign-off field. When that completes every field of a sign-off
   * line that is also a task item ("Deployed by: ___ Date: ___"), the item is
   * done too: nobody has to tick what they just filled in.
   */
  /** `note`: why the entry reads against the run, confirmed by the operator (run/claims.ts). */
  sign(fieldId: string, value: string, note?: string): void {
    const at = this.stamp()
    this.write({
      type: 'signoff-entered',
      at,
      by: this.operator,
      fieldId,
      value: value.trim(),
      ...(note ? { note } : {}),
    })
    const itemId = this.checklist.signoff.find((field) => field.id === fieldId)?.itemId
    const answered = itemId ? this.state.items[itemId]?.state : undefined
    if (!itemId || (answered !== undefined && answered !== 'pending')) return
    const fields = this.checklist.signoff.filter(
      (field) =>
        field.itemId === itemId &&
        field.type !== 'signature' &&
        isInScope(field.scope, this.environment),
    )
    if (fields.every((field) => this.state.signoff[field.id]?.value)) {
      this.write({ type: 'item-answered', at, by: this.operator, itemId, state: 'done' })
    }
  }

  /** Records on this machine that the operator trusts the checklist's commands. */
  trust(): void {
    trustChecklist(this.checklist, this.processEnv)
    this.commands = 'run'
    this.batch?.allowCommands()
    this.emit({ type: 'trusted' })
  }

  /** Whether running `itemIds` would need the checklist trusted first. */
  needsTrustFor(itemIds: readonly string[]): boolean {
    if (this.isTrusted) return false
    return this.itemsFor(itemIds).some(needsTrust)
  }

  /**
   * Starts the checks of these items (and of the items they need), in the
   * background; those already running are left to finish. Resolves when they
   * have all finished.
   */
  runChecks(itemIds: readonly string[], options: RunChecksOptions = {}): Promise<void> {
    if (this.isClosed || this.refusal) return Promise.resolve()
    const wanted = itemIds.filter((id) => !(id in this.current.running))
    // The items they need come too (their outputs feed these), even if already running
    // elsewhere. But a command the operator has not trusted this time, needed by another,
    // is not run again to be stored as "not run" over the result it has: that result is
    // what the checks needing it are judged on (a failure blocks them).
    // A write (see isWrite) runs only when asked for by itself; one that is needed stands on
    // its result from before, or, never run, leaves the checks needing it "not run".
    const earlier = new Map<string, Pick<StoredCheckResult, 'status'>>()
    const items = this.itemsFor(wanted).filter((item) => {
      const isAsked = wanted.includes(item.id)
      const stored = this.state.items[item.id]?.check
      if (isWrite(item) && !(isAsked && options.isExplicit)) {
        earlier.set(item.id, stored ?? { status: 'skipped' })
        return false
      }
      const keeps = !isAsked && !this.isTrusted && needsTrust(item) && stored != null
      if (keeps && stored) earlier.set(item.id, stored)
      return !keeps
    })
    if (items.length === 0) return Promise.resolve()
    for (const item of items) this.emit({ type: 'check-queued', itemId: item.id })
    return this.checkBatch()
      .then((batch) => {
        // Closed while the code that runs checks was loading: nothing starts.
        if (this.isClosed) {
          for (const item of items) this.emit({ type: 'check-dropped', itemId: item.id })
          return
        }
        return batch.run(items, {
          earlier,
          onEvent: (event) => {
            if (event.type === 'check-started') {
              const { attempt, at, tries, lastTry } = event
              this.emit({
                type: 'check-started',
                itemId: event.id,
                attempt,
                at,
                tries,
                ...(lastTry !== undefined ? { lastTry } : {}),
              })
            } else if (event.type === 'check-queued') {
              this.emit({ type: 'check-waiting', itemId: event.id, why: event.why })
            } else if (event.type === 'check-progress') {
              this.emit({ type: 'check-progress', itemId: event.id, message: event.message })
            } else if (event.type === 'check-finished') {
              this.finished(batch, event.id, event.result, options)
            }
          },
        })
      })
      .then(
        () => {},
        (error: unknown) => {
          // The batch never rejects for a check's failure; this is our bug. Keep it visible,
          // and no check stays drawn as running.
          for (const item of items) {
            if (item.id in this.current.running)
              this.emit({ type: 'check-dropped', itemId: item.id })
          }
          throw error
        },
      )
  }

  /**
   * Records that the operator has read what changed in the checklist (the what-changed screen
   * left with enter): until then, each resume shows those changes again.
   */
  changesSeen(): void {
    if (this.isClosed || this.refusal || this.state.unseenChanges === undefined) return
    try {
      this.handle.append({ type: 'changes-seen', at: this.stamp(), by: this.operator })
    } catch {
      // Not an answer: unsaved, the next resume shows the same changes once more, nothing is lost.
    }
  }

  /**
   * Notes where the wizard is left, for a resume to open there. A convenience, not an answer:
   * nothing is recorded for a finished or closed run, and a failure to save it is ignored.
   */
  leave(position: Position): void {
    if (this.isClosed || this.refusal || this.state.finishedAt !== null) return
    try {
      this.handle.append({ type: 'left', at: this.stamp(), by: this.operator, ...position })
    } catch {
      // The answers are what must be saved; a resume without this opens where it always did.
    }
  }

  /**
   * Ends the run: writes the sign-off sheet to `sheetPath` as the finished run's,
   * then records the run finished and the export. Returns the sheet's digest. A
   * sheet that cannot be written leaves the run unfinished, to finish again.
   */
  finish(sheetPath: string, format: SheetFormat): string {
    if (this.refusal) throw this.refusal
    const finished: JournalEntry = { type: 'finished', at: this.stamp(), by: this.operator }
    const sheet = this.writeSheet(sheetPath, reduceRun(this.state, finished), format)
    this.write(finished)
    return this.recordExport(sheet, format)
  }

  /** Writes the sign-off sheet as the run stands now, and records the export. */
  exportSheet(sheetPath: string, format: SheetFormat): string {
    if (this.refusal) throw this.refusal
    return this.recordExport(this.writeSheet(sheetPath, this.state, format), format)
  }

  private recordExport(sheet: string, format: SheetFormat): string {
    const digest = format.digest(sheet)
    this.write({ type: 'exported', at: this.stamp(), by: this.operator, format: 'md', digest })
    return digest
  }

  private writeSheet(sheetPath: string, state: RunState, format: SheetFormat): string {
    const sheet = format.render(this.checklist, state, { now: this.now() })
    try {
      // Whole or not at all: a full disk never leaves half a sheet over the last one.
      writeFileAtomic(sheetPath, sheet)
    } catch (error) {
      throw new UserError(
        `cannot write the sign-off sheet to ${sheetPath}: ${fileProblem(error) ?? (error as Error).message}`,
        {
          hint: `the run is saved; write it elsewhere with: deploy-wizard export ${this.id} -o <file>`,
        },
      )
    }
    return sheet
  }

  /**
   * Stops running checks (their results are dropped, earlier ones stay),
   * closes connections and releases the run. Safe to call twice.
   */
  async close(graceMs = 2_000): Promise<void> {
    if (this.isClosed) return
    this.isClosed = true
    // Checks asked for while their code loaded are let go once it has (see runChecks).
    const batch = this.batch ?? (await this.batchLoading?.catch(() => undefined))
    await batch?.close(graceMs)
    this.handle.close()
    for (const closer of this.closers) await closer()
  }

  private finished(
    batch: CheckBatch,
    itemId: string,
    result: CheckResult,
    options: RunChecksOptions,
  ): void {
    if (batch.isCancelled || this.isClosed) {
      this.emit({ type: 'check-dropped', itemId })
      return
    }
    const before = this.state.items[itemId]
    const at = this.stamp()
    const stored = batch.redactor.scrubDeep(toStoredResult(result, at))
    try {
      this.write({ type: 'check-finished', at, itemId, result: stored })
    } catch {
      // Not saved, so not shown: the check is no longer running, and `unsaved` says the rest.
      this.emit({ type: 'check-dropped', itemId })
      return
    }
    const follows: ItemState | null =
      result.status === 'pass' ? 'done' : result.status === 'skipped' ? null : 'failed'
    if (follows === null) return
    const current = before?.state ?? 'pending'
    // A check the operator did not ask for does not overrule what they said: a skip, an n/a,
    // or an answer given since the last result (a check's own answer has the result's time).
    const saidSince =
      current !== 'pending' && (!before?.check || (before.at ?? '') > before.check.at)
    if (!options.isExplicit && (current === 'skipped' || current === 'na' || saidSince)) return
    if (current === follows) return
    try {
      this.write({
        type: 'item-answered',
        at,
        by: this.operator,
        itemId,
        state: follows,
        byCheck: true,
      })
    } catch {
      // In `unsaved` already; a check's callback has nobody to throw to.
    }
  }

  private itemsFor(itemIds: readonly string[]): Item[] {
    if (itemIds.length === 0) return []
    return selectCheckItems(this.checklist, this.environment, {
      only: itemIds,
      appliesAfterAll: new Set(Object.keys(this.state.overrides)),
    })
  }

  private write(entry: JournalEntry): void {
    if (this.isClosed) {
      throw new Error(`the run ${this.id} is closed; cannot record ${entry.type}`)
    }
    // Refused, not failed: nothing is wrong with this machine's disk, so nothing is "not saved".
    if (this.refusal) throw this.refusal
    const key = unsavedKey(entry)
    try {
      this.handle.append(entry)
    } catch (error) {
      this.unsavedEntries.delete(key)
      this.unsavedEntries.set(key, {
        entry,
        reason: error instanceof NotSavedError ? error.reason : (error as Error).message,
        file: this.handle.file,
      })
      this.emit({ type: 'unsaved', unsaved: this.unsaved })
      throw error
    }
    this.emit({ type: 'journal', entry })
    if (this.unsavedEntries.delete(key)) this.emit({ type: 'unsaved', unsaved: this.unsaved })
  }

  private emit(event: SessionEvent): void {
    this.current = this.snapshotAfter(event)
    for (const listener of this.listeners) listener(event)
  }

  private snapshotAfter(event: SessionEvent): RunSnapshot {
    const running: ChecksInFlight = trackChecks(this.current.running, event)
    return {
      run: this.handle.state,
      running,
      unsaved: event.type === 'unsaved' ? event.unsaved : this.current.unsaved,
      // The first is shown; checks made as anyone else in another account say so themselves.
      awsIdentity:
        this.current.awsIdentity ?? (event.type === 'aws-identity' ? event.identity : null),
      isTrusted: this.commands === 'run',
      ...(event.type === 'sync'
        ? { sync: event.sync }
        : this.current.sync
          ? { sync: this.current.sync }
          : {}),
    }
  }

  /** The batch, made the first time checks are asked for (its code is imported then). */
  private checkBatch(): Promise<CheckBatch> {
    this.batchLoading ??= import('../checks/batch.ts').then(({ CheckBatch }) => {
      const batch = new CheckBatch({ ...this.batchOptions, commands: this.commands })
      batch.subscribe((event) => {
        if (event.type === 'aws-identity') this.emit(event)
      })
      this.batch = batch
      return batch
    })
    return this.batchLoading
  }

  private stamp(): string {
    return this.now().toISOString()
  }
}

/** What an entry is about: a later entry about the same thing makes up for one not saved. */
function unsavedKey(entry: JournalEntry): string {
  switch (entry.type) {
    case 'item-answered':
      return `answer ${entry.itemId}`
    case 'note-added':
      return `note ${entry.itemId}`
    case 'scope-overridden':
      return `scope ${entry.itemId}`
    case 'check-finished':
      return `check ${entry.itemId}`
    case 'signoff-entered':
      return `signoff ${entry.fieldId}`
    default:
      return entry.type
  }
}
