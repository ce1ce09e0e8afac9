/**
 * The one check pipeline: a checklist's items for one environment become jobs
 * and run under shared caps, with the clients and the redactor every check of a
 * `check` command or of a wizard session shares. What happens is told as events
 * to whoever listens (the session records them, `check`'s loggers print them);
 * the batch itself prints and stores nothing.
 *
 * `run` may be called again while earlier calls still run (the wizard re-runs the
 * failed checks while a phase's checks run): every call shares the same caps, so
 * together they stay under them. `close` stops what runs and closes connections.
 */
import { checkFolder } from '../checklist/bundled.ts'
import type { AwsAccount, Checklist, Item } from '../checklist/model.ts'
import { inert } from '../output/terminal.ts'
import type { CallerIdentity } from './aws/account.ts'
import { Clients } from './clients.ts'
import { httpPerHost } from './http-hosts.ts'
import { checkJobs } from './jobs.ts'
import { loadSchemaLibraries, schemaLibrariesLoaded } from './params.ts'
import { Redactor } from './redact.ts'
import { type CheckEvent, type CheckResult, Limits, runChecks } from './runner.ts'

type Env = Readonly<Record<string, string | undefined>>

/**
 * What the runner says of a check (runner.ts's CheckEvent: queued, a try started, progress, its
 * result), a try's start with `at` in ms since the epoch, its progress with the secrets masked;
 * and who the AWS checks run as, once STS has said (see aws/account.ts).
 */
export type BatchEvent =
  | Exclude<CheckEvent, { readonly type: 'check-started' }>
  | (Extract<CheckEvent, { readonly type: 'check-started' }> & { readonly at: number })
  | { readonly type: 'aws-identity'; readonly identity: CallerIdentity }

export interface CheckBatchOptions {
  readonly checklist: Checklist
  readonly environment: string
  /** Whether the checklist's shell commands may run (it is trusted). */
  readonly commands: 'run' | 'skip'
  /** Why commands are skipped, for the reports; by default, that the checklist is not trusted. */
  readonly commandsSkipReason?: string
  readonly processEnv?: Env
  /** The operator's current folder: where a bundled checklist's relative paths start. */
  readonly cwd?: string
  /** Time limit for checks whose item sets none. */
  readonly timeoutMs?: number
  /** Checks in flight at once, overall (see runner.ts for the default). */
  readonly concurrency?: number
}

export interface BatchRunOptions {
  /** Results from before of checks these need but that are not run again (see runner.ts). */
  readonly earlier?: ReadonlyMap<string, Pick<CheckResult, 'status'>>
  /** Told this call's events only, before the batch's listeners. */
  readonly onEvent?: (event: BatchEvent) => void
}

export class CheckBatch {
  readonly checklist: Checklist
  readonly environment: string
  readonly clients: Clients
  /** Every secret a check of the batch learnt, to mask what any of them reported. */
  readonly redactor = new Redactor()
  readonly #options: CheckBatchOptions
  readonly #processEnv: Env
  readonly #limits: Limits
  readonly #controller = new AbortController()
  readonly #listeners = new Set<(event: BatchEvent) => void>()
  /** Asked for and not finished, started or not. */
  readonly #running = new Set<string>()
  /** Started and not finished: when their first try began. */
  readonly #startedAt = new Map<string, number>()
  readonly #calls = new Set<Promise<unknown>>()
  #commands: 'run' | 'skip'

  constructor(options: CheckBatchOptions) {
    this.#options = options
    this.checklist = options.checklist
    this.environment = options.environment
    this.#commands = options.commands
    this.#processEnv = options.processEnv ?? process.env
    this.#limits = new Limits({
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      // The same environment the http kind sizes its connection pools from.
      httpPerHost: httpPerHost(this.#processEnv),
    })
    this.clients = new Clients({
      account: {
        environment: options.environment,
        expected: this.expectedAccount,
        onIdentity: (identity) => this.#emit({ type: 'aws-identity', identity }),
      },
    })
  }

  /** The AWS account the checklist pins this environment to, if any. */
  get expectedAccount(): AwsAccount | undefined {
    return this.checklist.frontMatter.accounts?.[this.environment]
  }

  /** Who the AWS checks have run as so far (one per profile and region). */
  get awsIdentities(): readonly CallerIdentity[] {
    return this.clients.accountGuard?.identities ?? []
  }

  /** Whether the checklist's shell commands run. */
  get commands(): 'run' | 'skip' {
    return this.#commands
  }

  /** From now on the checklist's shell commands run: the operator trusts it. */
  allowCommands(): void {
    this.#commands = 'run'
  }

  /** Ids of the checks asked for and not finished yet. */
  get running(): ReadonlySet<string> {
    return this.#running
  }

  /** The checks running now, with when each began (ms since the epoch): for "still running" lines. */
  get started(): ReadonlyMap<string, number> {
    return this.#startedAt
  }

  /** Whether the batch was cancelled (`cancel` or `close`): what finishes since was cut short. */
  get isCancelled(): boolean {
    return this.#controller.signal.aborted
  }

  subscribe(listener: (event: BatchEvent) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /**
   * Runs the checks of `items` (those without a check are passed over); resolves with
   * each one's result once all have finished. Never rejects for a check's failure.
   */
  run(items: readonly Item[], options: BatchRunOptions = {}): Promise<Map<string, CheckResult>> {
    if (!schemaLibrariesLoaded()) {
      // The jobs read the kinds' parameter schemas: their libraries first, the first time. A
      // close meanwhile waits for these checks too, which then start cancelled.
      const call = loadSchemaLibraries().then(() => this.run(items, options))
      this.#calls.add(call)
      void call.finally(() => this.#calls.delete(call)).catch(() => {})
      return call
    }
    const emit = (event: BatchEvent) => {
      options.onEvent?.(event)
      this.#emit(event)
    }
    const skipReason = this.#options.commandsSkipReason
    const jobs = checkJobs(this.checklist, items, {
      environment: this.environment,
      processEnv: this.#processEnv,
      clients: this.clients,
      redactor: this.redactor,
      cwd: checkFolder(this.checklist.path, this.#options.cwd ?? process.cwd(), this.#processEnv),
      commands: this.#commands,
      ...(skipReason !== undefined ? { commandsSkipReason: skipReason } : {}),
      ...(this.#options.timeoutMs !== undefined ? { timeoutMs: this.#options.timeoutMs } : {}),
    })
    for (const job of jobs) this.#running.add(job.id)
    const call = runChecks(jobs, {
      limits: this.#limits,
      signal: this.#controller.signal,
      ...(options.earlier ? { earlier: options.earlier } : {}),
      onEvent: (event) => {
        if (event.type === 'check-started') {
          const at = Date.now()
          if (!this.#startedAt.has(event.id)) this.#startedAt.set(event.id, at)
          const { lastTry } = event
          // A retry's reason may quote what a server said, as progress does.
          emit({
            ...event,
            at,
            ...(lastTry !== undefined ? { lastTry: this.redactor.scrub(lastTry) } : {}),
          })
        } else if (event.type === 'check-queued') {
          emit(event)
        } else if (event.type === 'check-progress') {
          // The runner's own words (a retry's reason) may quote what a server said.
          emit({ ...event, message: this.redactor.scrub(event.message) })
        } else {
          this.#running.delete(event.id)
          this.#startedAt.delete(event.id)
          emit(this.#shown(event))
        }
      },
    }).catch((error: unknown) => {
      // The runner never rejects for a check's failure; this is our bug. Keep it visible.
      for (const job of jobs) {
        this.#running.delete(job.id)
        this.#startedAt.delete(job.id)
      }
      throw error
    })
    this.#calls.add(call)
    void call.finally(() => this.#calls.delete(call)).catch(() => {})
    return call
  }

  /**
   * A result as it may be shown: what the runner words itself (a timeout naming a host, the try
   * before) is masked and made inert as a job's own words are (jobs.ts); outputs stay as they are.
   */
  #shown(event: Extract<BatchEvent, { type: 'check-finished' }>): BatchEvent {
    const { result } = event
    const words = (text: string) => inert(this.redactor.scrub(text))
    return {
      ...event,
      result: {
        ...result,
        summary: words(result.summary),
        ...(result.details ? { details: result.details.map(words) } : {}),
      },
    }
  }

  /** Stops the checks running: those not started are skipped, those started are told to stop. */
  cancel(): void {
    this.#controller.abort()
  }

  /**
   * Cancels what runs, waits for it to stop (at most `graceMs`), and closes the
   * connections the checks opened. Safe to call twice.
   */
  async close(graceMs = 2_000): Promise<void> {
    this.cancel()
    const settled = Promise.allSettled([...this.#calls])
    await Promise.race([settled, new Promise((done) => setTimeout(done, graceMs).unref())])
    await this.clients.close()
  }

  #emit(event: BatchEvent): void {
    for (const listener of this.#listeners) listener(event)
  }
}
