/**
 * The check runner: runs jobs in parallel under a global cap and a per-service
 * cap, each with a timeout, retrying only transient failures with backoff, in
 * `needs:` order. It knows nothing of check kinds; a job is an id, the service it
 * talks to, what it waits for, and an async function honouring an AbortSignal.
 *
 * Everything it does is told through events (`check-started`, `check-progress`,
 * `check-finished`), which the TUI, the headless reporters and the run store
 * all consume.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import pLimit, { type LimitFunction } from 'p-limit'
import { formatLimit } from '../duration.ts'
import { type CheckStatus, isProblem } from '../vocabulary.ts'
import { httpPerHost } from './http-hosts.ts'

export type { CheckStatus }

/** What happened to a check another one needs, said after "which". */
const WHICH = { fail: 'failed', error: 'errored', blocked: 'was blocked' } as const

/** What a check found. `fail`: the system is not as required; `error`: could not tell. */
export interface CheckOutcome {
  readonly status: 'pass' | 'fail' | 'error' | 'skipped'
  readonly summary: string
  readonly details?: readonly string[]
  readonly evidence?: Readonly<Record<string, unknown>>
  /** Values later checks can use as `${id.outputs.KEY}`. */
  readonly outputs?: Readonly<Record<string, string>>
}

export interface CheckResult extends Omit<CheckOutcome, 'status'> {
  readonly status: CheckStatus
  readonly durationMs: number
  readonly attempts: number
}

/**
 * Thrown by a check for a failure worth retrying: throttling, a dropped
 * connection, a 5xx from a control plane. Anything else is final.
 */
export class TransientError extends Error {
  override readonly name = 'TransientError'
}

export interface JobContext {
  readonly signal: AbortSignal
  /** Outputs of the jobs this one needs, by job id. */
  readonly outputs: ReadonlyMap<string, Readonly<Record<string, string>>>
  /** Tell the operator what the check is doing now ("UPDATE_IN_PROGRESS, waiting"). */
  progress(message: string): void
}

export interface Job {
  readonly id: string
  /** Jobs sharing a service share its concurrency cap: `aws:cloudformation:us-east-1`, `pg:…`. */
  readonly service: string
  readonly needs: readonly string[]
  readonly timeoutMs: number
  run(context: JobContext): Promise<CheckOutcome>
}

export type CheckEvent =
  | { readonly type: 'check-started'; readonly id: string; readonly attempt: number }
  | { readonly type: 'check-progress'; readonly id: string; readonly message: string }
  | { readonly type: 'check-finished'; readonly id: string; readonly result: CheckResult }

export interface RunnerOptions {
  /** Checks in flight at once, overall. */
  readonly concurrency?: number
  /**
   * Per-service caps by service prefix (`aws:` → 8); the services matching none share one cap,
   * `concurrency` when it is given, else DEFAULT_OTHER_CONCURRENCY.
   */
  readonly serviceCaps?: Readonly<Record<string, number>>
  /** `http` checks to one origin at once, when `serviceCaps` is not given (default: http-hosts.ts). */
  readonly httpPerHost?: number
  /** Caps shared with other calls running at the same time; replaces the two above. */
  readonly limits?: Limits
  /**
   * Results from before of checks that jobs here need but that are not run again (a command
   * the operator has not trusted this time): judged as if they had just finished. Their
   * outputs are not kept, so a job that uses one says it has no value.
   */
  readonly earlier?: ReadonlyMap<string, Pick<CheckResult, 'status'>>
  readonly retries?: number
  /** First retry waits this long, doubling each time (with jitter). */
  readonly retryDelayMs?: number
  readonly signal?: AbortSignal
  readonly onEvent?: (event: CheckEvent) => void
  /** The clock, for durations; injected so tests and benchmarks can read it. */
  readonly now?: () => number
}

/**
 * Checks in flight at once, overall. High enough that HTTP checks spread over many hosts run in
 * one wave (500 over 50 hosts): what each remote end sees is bounded by its service's cap
 * (16 per HTTP origin, 8 per AWS service and region, 4 per PostgreSQL server), so the global
 * cap only bounds this machine's sockets and file descriptors.
 */
export const DEFAULT_CONCURRENCY = 512
/**
 * Checks of the kinds with no per-service cap (commands, tools, tcp, files…) at once, unless
 * `concurrency` is given: the global default before per-host caps, so that raising the global
 * cap for HTTP does not start 500 shell commands at once on a 2-core machine.
 */
export const DEFAULT_OTHER_CONCURRENCY = 64
export const DEFAULT_SERVICE_CAPS: Readonly<Record<string, number>> = { 'aws:': 8, 'pg:': 4 }

/**
 * The caps themselves. Batches that run at the same time (the wizard re-runs the
 * failed checks while a phase's checks still run) share one, so that together they
 * stay under the caps; otherwise each call of `runChecks` has its own.
 */
export class Limits {
  readonly global: LimitFunction
  readonly #caps: Readonly<Record<string, number>>
  readonly #services = new Map<string, LimitFunction>()
  /** The one cap the services without a prefix of their own share. */
  readonly #others: LimitFunction

  constructor(options: Pick<RunnerOptions, 'concurrency' | 'serviceCaps' | 'httpPerHost'> = {}) {
    this.global = pLimit(options.concurrency ?? DEFAULT_CONCURRENCY)
    this.#others = pLimit(options.concurrency ?? DEFAULT_OTHER_CONCURRENCY)
    this.#caps = options.serviceCaps ?? {
      ...DEFAULT_SERVICE_CAPS,
      'http:': options.httpPerHost ?? httpPerHost(process.env),
    }
  }

  /** The cap of a service (by its first matching prefix, else the one the others share). */
  forService(service: string): LimitFunction {
    const prefix = Object.keys(this.#caps).find((p) => service.startsWith(p))
    if (prefix === undefined) return this.#others
    let limit = this.#services.get(service)
    if (!limit) {
      limit = pLimit(this.#caps[prefix] ?? 1)
      this.#services.set(service, limit)
    }
    return limit
  }
}

/** Runs every job; resolves with each job's result once all have finished. */
export async function runChecks(
  jobs: readonly Job[],
  options: RunnerOptions = {},
): Promise<Map<string, CheckResult>> {
  const now = options.now ?? (() => performance.now())
  const emit = options.onEvent ?? (() => {})
  const limits = options.limits ?? new Limits(options)
  const earlier = options.earlier ?? new Map()
  const byId = new Map(jobs.map((job) => [job.id, job]))
  const results = new Map<string, CheckResult>()
  const outputs = new Map<string, Readonly<Record<string, string>>>()
  const running = new Map<string, Promise<CheckResult>>()

  const finish = (id: string, result: CheckResult): CheckResult => {
    results.set(id, result)
    if (result.outputs) outputs.set(id, result.outputs)
    emit({ type: 'check-finished', id, result })
    return result
  }

  const start = (job: Job): Promise<CheckResult> => {
    const existing = running.get(job.id)
    if (existing) return existing
    const promise = (async () => {
      const deps = job.needs.filter((id) => byId.has(id) || earlier.has(id))
      const depResults = await Promise.all(
        deps.map((id) => {
          const dep = byId.get(id)
          return dep ? start(dep) : earlier.get(id)
        }),
      )
      const statusOf = (id: string) => (results.get(id) ?? earlier.get(id))?.status
      const failed = deps.filter((id) => isProblem(statusOf(id)))
      if (failed.length > 0) {
        // "needs api, which errored": the item named as the one needed, never read as
        // a sentence ("blocked: api error" reads as an API error).
        const why = failed
          .map((id) => `${id}, which ${WHICH[statusOf(id) as keyof typeof WHICH]}`)
          .join('; ')
        return finish(job.id, {
          status: 'blocked',
          summary: `blocked: needs ${why}`,
          durationMs: 0,
          attempts: 0,
        })
      }
      // A prerequisite that was not run (skipped on purpose, or cancelled) leaves nothing to judge.
      const notRun = deps.filter((_, i) => depResults[i]?.status === 'skipped')
      if (notRun.length > 0) {
        return finish(job.id, {
          status: 'skipped',
          summary: `not run: needs ${notRun.join(', ')}, which was not run`,
          durationMs: 0,
          attempts: 0,
        })
      }
      if (options.signal?.aborted) {
        return finish(job.id, {
          status: 'skipped',
          summary: 'cancelled before it started',
          durationMs: 0,
          attempts: 0,
        })
      }
      const service = limits.forService(job.service)
      // The service's cap is taken first: a check waiting for its host holds no global slot.
      return finish(job.id, await service(() => limits.global(() => runOnce(job))))
    })()
    running.set(job.id, promise)
    return promise
  }

  const runOnce = async (job: Job): Promise<CheckResult> => {
    const started = now()
    // One deadline for the whole check: retries share its time limit, they do not extend it.
    const deadline = Date.now() + clampTimeout(job.timeoutMs)
    const retries = options.retries ?? 3
    const baseDelay = options.retryDelayMs ?? 500
    for (let attempt = 1; ; attempt++) {
      if (options.signal?.aborted) {
        return {
          status: 'skipped',
          summary: 'cancelled before it started',
          durationMs: 0,
          attempts: attempt - 1,
        }
      }
      emit({ type: 'check-started', id: job.id, attempt })
      const outcome = await attemptWithTimeout(
        job,
        Math.max(1, deadline - Date.now()),
        outputs,
        options.signal,
        (message) => emit({ type: 'check-progress', id: job.id, message }),
      )
      const elapsed = now() - started
      if ('transient' in outcome) {
        const reason = outcome.transient
        const delay = baseDelay * 2 ** (attempt - 1) * (0.75 + Math.random() * 0.5)
        if (attempt <= retries && !options.signal?.aborted && Date.now() + delay < deadline) {
          emit({
            type: 'check-progress',
            id: job.id,
            message: `${reason}; retrying (${attempt}/${retries})`,
          })
          try {
            await sleep(delay, undefined, { signal: options.signal })
          } catch {
            // cancelled while waiting: the loop reports it
          }
          continue
        }
        return {
          status: 'error',
          summary: `${reason} (gave up after ${attempt} attempts)`,
          durationMs: elapsed,
          attempts: attempt,
        }
      }
      return { ...outcome, durationMs: elapsed, attempts: attempt }
    }
  }

  await Promise.all(jobs.map(start))
  return results
}

type Attempt = CheckOutcome | { readonly transient: string }

/** One try: the job's promise raced against its timeout and the run's cancellation. */
async function attemptWithTimeout(
  job: Job,
  timeLeftMs: number,
  outputs: ReadonlyMap<string, Readonly<Record<string, string>>>,
  parent: AbortSignal | undefined,
  progress: (message: string) => void,
): Promise<Attempt> {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(new TimeoutSignal(job.timeoutMs)), timeLeftMs)
  const onParentAbort = () => controller.abort(new CancelSignal())
  parent?.addEventListener('abort', onParentAbort, { once: true })
  if (parent?.aborted) onParentAbort()
  const stopped = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason), {
      once: true,
    })
  })
  try {
    const visible = new Map([...outputs].filter(([id]) => job.needs.includes(id)))
    return await Promise.race([
      job.run({ signal: controller.signal, outputs: visible, progress }),
      stopped,
    ])
  } catch (error) {
    if (error instanceof TimeoutSignal) {
      return { status: 'error', summary: `timed out after ${formatLimit(error.ms)}` }
    }
    if (error instanceof CancelSignal || parent?.aborted)
      return { status: 'skipped', summary: 'cancelled' }
    if (error instanceof TransientError) return { transient: error.message }
    return { status: 'error', summary: error instanceof Error ? error.message : String(error) }
  } finally {
    clearTimeout(timer)
    parent?.removeEventListener('abort', onParentAbort)
    // Whatever the job still holds (sockets, child processes) is told to stop.
    if (!controller.signal.aborted) controller.abort(new CancelSignal())
  }
}

/** setTimeout cannot wait longer than 2^31-1 ms (about 24.8 days); longer limits mean "no limit" in practice. */
function clampTimeout(ms: number): number {
  return Math.min(Math.max(ms, 1), 2 ** 31 - 1)
}

class TimeoutSignal extends Error {
  constructor(readonly ms: number) {
    super(`timed out after ${ms} ms`)
  }
}

class CancelSignal extends Error {
  constructor() {
    super('cancelled')
  }
}
