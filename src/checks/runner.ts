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
import { AsyncLocalStorage } from 'node:async_hooks'
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
  /** A check waits its turn (a full cap, the checks it needs): `why`, in the operator's words. */
  | { readonly type: 'check-queued'; readonly id: string; readonly why: string }
  | {
      readonly type: 'check-started'
      readonly id: string
      readonly attempt: number
      /** The most tries it may take: the first and the retries. */
      readonly tries: number
      /** Why the try before did not settle it (a retry's reason); absent on the first try. */
      readonly lastTry?: string
    }
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

/** What a capped service is, after "4 checks …": where the checks waiting their turn go. */
const CAP_WORDS: Readonly<Record<string, string>> = {
  'aws:': 'to this AWS service and region',
  'pg:': 'to this server',
  'http:': 'to this host',
}

/**
 * What a check waits on now (a host, an AWS endpoint), as the check last said with
 * `waitingOn`: a timeout then says what did not answer, not only that time ran out.
 */
export interface WaitingOn {
  /** What should answer: `127.0.0.1:5065`, `http://127.0.0.1:5063`, "the AWS endpoint". */
  readonly target: string
  /** What was asked of it: `sts:GetCallerIdentity`, `GET /health`, "the query". */
  readonly call?: string
  /** Why the check asked, where the check's kind does not say it: "reading the database secret prod/db". */
  readonly purpose?: string
  /** What to look at next: "check the VPN, or AWS_ENDPOINT_URL if set". */
  readonly hint?: string
}

/** The wait a try of a check is in now; each try has its own (AsyncLocalStorage follows its awaits). */
interface Waits {
  current: { on: WaitingOn } | null
}
const waits = new AsyncLocalStorage<Waits>()

/**
 * Says what the calling check waits on from now (a connection, a request); the function it
 * returns says the wait is over. Outside a check's try it does nothing. The code that talks to
 * a network (aws/errors.ts's awsCall, the tcp, http and PostgreSQL checks) calls it, so that
 * no kind has to word its own timeouts.
 */
export function waitingOn(on: WaitingOn): () => void {
  const store = waits.getStore()
  if (!store) return () => {}
  const before = store.current
  const entry = { on }
  store.current = entry
  return () => {
    if (store.current === entry) store.current = before
  }
}

/** Names what the current wait is on, once known (the AWS SDK resolves its endpoint late). */
export function waitingAt(target: string): void {
  const store = waits.getStore()
  if (store?.current) store.current.on = { ...store.current.on, target }
}

/** "no answer from 127.0.0.1:5065 within 30s: a firewall or VPN may be dropping the packets". */
function noAnswer(on: WaitingOn, limit: string): string {
  const call = on.call ? ` to ${on.call}` : ''
  const purpose = on.purpose ? ` (${on.purpose})` : ''
  return `no answer from ${on.target}${call}${purpose} within ${limit}${on.hint ? `: ${on.hint}` : ''}`
}

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

  /**
   * Why a check to `service` would wait for its turn now, in words ("4 checks to this server are
   * running"); null when neither its service's cap nor the global one is full.
   */
  waitFor(service: string): string | null {
    const limit = this.forService(service)
    const prefix = Object.keys(this.#caps).find((p) => service.startsWith(p))
    const checks = (n: number, where: string) =>
      n === 1 ? `1 check ${where} is running` : `${n} checks ${where} are running`
    // Those asked for and not started count too: checks asked for together are all queued
    // before the first one starts, and each one past the cap will wait.
    const isFull = (cap: LimitFunction) => cap.activeCount + cap.pendingCount >= cap.concurrency
    if (isFull(limit)) {
      const to = prefix ? (CAP_WORDS[prefix] ?? 'to this service') : null
      return to
        ? checks(limit.concurrency, to)
        : `${checks(limit.concurrency, 'of these kinds')} (the most at once)`
    }
    if (isFull(this.global))
      return `${checks(this.global.concurrency, 'in all')} (the most at once)`
    return null
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
      const unfinished = deps.filter((id) => byId.has(id) && !results.has(id))
      if (unfinished.length > 0)
        emit({
          type: 'check-queued',
          id: job.id,
          why: `waiting for ${unfinished.join(', ')}, which it needs`,
        })
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
      const why = limits.waitFor(job.service)
      if (why) emit({ type: 'check-queued', id: job.id, why })
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
    /** Why the last try did not settle it: kept on screen through the next, and in a timeout's words. */
    let lastTry: string | undefined
    for (let attempt = 1; ; attempt++) {
      if (options.signal?.aborted) {
        return {
          status: 'skipped',
          summary: 'cancelled before it started',
          durationMs: 0,
          attempts: attempt - 1,
        }
      }
      emit({
        type: 'check-started',
        id: job.id,
        attempt,
        tries: retries + 1,
        ...(lastTry !== undefined ? { lastTry } : {}),
      })
      const outcome = await attemptWithTimeout(
        job,
        Math.max(1, deadline - Date.now()),
        outputs,
        options.signal,
        (message) => emit({ type: 'check-progress', id: job.id, message }),
      )
      const elapsed = now() - started
      if ('timedOut' in outcome) {
        // Said here, where the time ran out: what the check was waiting on, and what the
        // try before ended on, never a bare "timed out".
        const limit = formatLimit(job.timeoutMs)
        const before = lastTry !== undefined ? [`the try before: ${lastTry}`] : []
        return {
          status: 'error',
          summary: outcome.on ? noAnswer(outcome.on, limit) : `timed out after ${limit}`,
          ...(before.length > 0 ? { details: before } : {}),
          durationMs: elapsed,
          attempts: attempt,
        }
      }
      if ('transient' in outcome) {
        const reason = outcome.transient
        lastTry = reason
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
      // A retry that could not tell either (a server stopped mid-query now refuses) leads with
      // what the try before met: the first problem is the one the operator must know.
      if (outcome.status === 'error' && lastTry !== undefined)
        return {
          ...outcome,
          summary: `${lastTry}; then: ${outcome.summary}`,
          durationMs: elapsed,
          attempts: attempt,
        }
      return { ...outcome, durationMs: elapsed, attempts: attempt }
    }
  }

  await Promise.all(jobs.map(start))
  return results
}

type Attempt =
  | CheckOutcome
  | { readonly transient: string }
  /** The time limit ran out; `on`: what the try was waiting on then, as it last said. */
  | { readonly timedOut: true; readonly on: WaitingOn | null }

/** One try: the job's promise raced against its timeout and the run's cancellation. */
async function attemptWithTimeout(
  job: Job,
  timeLeftMs: number,
  outputs: ReadonlyMap<string, Readonly<Record<string, string>>>,
  parent: AbortSignal | undefined,
  progress: (message: string) => void,
): Promise<Attempt> {
  const controller = new AbortController()
  const store: Waits = { current: null }
  // What the try waits on is read as the time runs out, before the abort ends the wait.
  const timer = setTimeout(
    () => controller.abort(new TimeoutSignal(store.current?.on ?? null)),
    timeLeftMs,
  )
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
      waits.run(store, () => job.run({ signal: controller.signal, outputs: visible, progress })),
      stopped,
    ])
  } catch (error) {
    if (error instanceof TimeoutSignal) return { timedOut: true, on: error.on }
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
  constructor(readonly on: WaitingOn | null) {
    super('timed out')
  }
}

class CancelSignal extends Error {
  constructor() {
    super('cancelled')
  }
}
