/**
 * Waiting out a resource that is busy (a stack UPDATE_IN_PROGRESS, a table
 * CREATING): poll, tell the operator what it is doing, and give up shortly
 * before the check's own timeout so the answer is "still X after 10m" rather
 * than a bare "timed out".
 *
 * The poll interval follows the check's timeout instead of a hidden setting:
 * about 1s growing to 10s for the usual 10 minutes, proportionally quicker when
 * the item's `timeout:` is short (a 3s timeout polls every 150–300ms). An
 * operator who allows 30s wants to know sooner than one who allows an hour.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { formatDuration } from '../../duration.ts'
import type { CheckContext } from '../kind.ts'

export interface PollSchedule {
  readonly firstMs: number
  readonly maxMs: number
  /** Time kept in hand before the timeout for the last look and the answer. */
  readonly marginMs: number
}

const GROWTH = 1.5

/** How often to look at a busy resource when the check may take `timeoutMs` in all. */
export function pollSchedule(timeoutMs: number): PollSchedule {
  return {
    firstMs: Math.min(1_000, timeoutMs / 20),
    maxMs: Math.min(10_000, timeoutMs / 10),
    marginMs: Math.min(2_000, timeoutMs / 10),
  }
}

export type Waited<T> =
  | { readonly done: true; readonly value: T }
  | { readonly done: false; readonly value: T; readonly busy: string }

/**
 * Reads the resource until `busyStatus` says it is no longer busy (returns
 * undefined), or until the check's time is nearly up. Honours the signal.
 */
export async function waitWhileBusy<T>(
  context: Pick<CheckContext, 'signal' | 'progress' | 'timeoutMs'>,
  read: () => Promise<T>,
  busyStatus: (value: T) => string | undefined,
): Promise<Waited<T>> {
  const schedule = pollSchedule(context.timeoutMs)
  const started = performance.now()
  const deadline = started + context.timeoutMs - schedule.marginMs
  let delay = schedule.firstMs
  for (;;) {
    const value = await read()
    const busy = busyStatus(value)
    if (busy === undefined) return { done: true, value }
    const now = performance.now()
    if (now >= deadline) return { done: false, value, busy }
    context.progress(`${busy}, waiting (${formatDuration(now - started)})`)
    await sleep(Math.min(delay, deadline - now), undefined, { signal: context.signal })
    delay = Math.min(delay * GROWTH, schedule.maxMs)
  }
}
