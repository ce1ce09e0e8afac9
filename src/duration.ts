/**
 * Times as the operator reads them. Two jobs, kept apart:
 *
 *   formatDuration   how long something took, or has been running: `45ms`, `3.3s`, `2m5s`
 *   formatLimit      a time limit, in the units it is written in: `500ms`, `30s`, `10m`
 *
 * Every face — `check`'s lines and summary, the wizard's rows, clocks and
 * detail pane, the sign-off sheet, a check's progress — shows the same
 * duration the same way. Reading a duration someone wrote (`timeout: 5m`) is
 * `parseDuration` in `checklist/directives.ts`.
 */

/** How long something took, or has been running so far: `45ms`, `3.3s`, `59.9s`, `2m5s`. */
export function formatDuration(ms: number): string {
  const milliseconds = Math.round(Math.max(0, ms))
  if (milliseconds < 1000) return `${milliseconds}ms`
  // Rounded once, at the precision shown, so 59.96 s reads 1m0s, never 60.0s or 1m60s.
  const tenths = Math.round(ms / 100)
  if (tenths < 600) return `${(tenths / 10).toFixed(1)}s`
  const seconds = Math.round(ms / 1000)
  return `${Math.floor(seconds / 60)}m${seconds % 60}s`
}

/** A time limit, in the units an operator writes one: `500ms`, `1.5s`, `30s`, `10m`, `1m30s`. */
export function formatLimit(ms: number): string {
  if (ms < 1000) return `${ms}ms`
  if (ms % 1000 !== 0) return `${(ms / 1000).toFixed(1)}s`
  const seconds = ms / 1000
  if (seconds < 60) return `${seconds}s`
  const minutes = Math.floor(seconds / 60)
  const rest = seconds % 60
  return rest === 0 ? `${minutes}m` : `${minutes}m${rest}s`
}
