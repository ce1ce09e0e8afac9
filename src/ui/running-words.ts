/**
 * How a running check reads, on its row and in the detail pane alike: the time since its first
 * try began (a retry does not restart it) and, once it retries, which try of how many.
 */
import { formatDuration } from '../duration.ts'
import type { LiveCheck } from '../run/snapshot.ts'

/** "running 2m14s · try 4/4"; "running 1.2s" on the first try. */
export function runningWords(live: LiveCheck, now: number): string {
  return `running ${formatDuration(now - live.startedAt)}${tryWords(live)}`
}

/** " · try 4/4" from the second try on ("try 2" when the most tries is not known); else "". */
export function tryWords(live: LiveCheck): string {
  if (live.attempt <= 1) return ''
  return ` · try ${live.attempt}${live.tries >= live.attempt ? `/${live.tries}` : ''}`
}
