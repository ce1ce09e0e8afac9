/**
 * Waiting on the team store for a bounded time: the wizard's close gives its outbox and lease a
 * grace period, and the resume list gives the store's listing one request's time (or less: the
 * list left before the store answered no longer waits for it).
 */

/** What `within` gives for work that had not settled in time. */
export const LATE = Symbol('late')

/**
 * What `work` settles to (its failure thrown), or LATE when it has not settled within `ms`, or
 * when `signal` aborts first (nobody waits for it any more); a failure after that is dropped,
 * never an unhandled rejection.
 */
export async function within<T>(
  ms: number,
  work: Promise<T>,
  signal?: AbortSignal,
): Promise<T | typeof LATE> {
  work.catch(() => {})
  let timer: NodeJS.Timeout | undefined
  let stop: (() => void) | undefined
  const late = new Promise<typeof LATE>((resolve) => {
    timer = setTimeout(() => resolve(LATE), ms)
    stop = () => resolve(LATE)
    if (signal?.aborted) stop()
    signal?.addEventListener('abort', stop, { once: true })
  })
  try {
    return await Promise.race([work, late])
  } finally {
    clearTimeout(timer)
    if (stop) signal?.removeEventListener('abort', stop)
  }
}
