/**
 * Times as the operator reads them. Two jobs, kept apart:
 *
 *   formatDuration   how long something took, or has been running: `45ms`, `3.3s`, `2m5s`
 *   formatLimit      a time limit, in the units it is written in: `500ms`, `30s`, `10m`
 *   parseDuration    a time limit someone wrote (`timeout: 5m`, `--stale-after 1h30m`)
 *   formatMoment     when something happened, to the minute: `2026-12-04 14:03 UTC`
 *
 * Every face — `check`'s lines and summary, the wizard's rows, clocks and
 * detail pane, the sign-off sheet, a check's progress — shows the same
 * duration the same way, and a limit is shown in a form `parseDuration` reads.
 */

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const
/** `30s`, `1m30s`, `2h`, `7d`, `1.5s`; each unit once, largest first; a bare number is seconds. */
const DURATION =
  /^(?:(\d+(?:\.\d+)?)d)?(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+(?:\.\d+)?)ms)?$/

/** Milliseconds of `30s`, `500ms`, `5m`, `1h`, `7d`, `1m30s`, `1h30m`; a bare number is seconds. */
export function parseDuration(text: string): number | null {
  if (/^\d+(?:\.\d+)?$/.test(text)) return positive(Number(text) * UNIT_MS.s)
  const match = text === '' ? null : DURATION.exec(text)
  if (!match) return null
  const [, d = '0', h = '0', m = '0', s = '0', ms = '0'] = match
  return positive(
    Number(d) * UNIT_MS.d +
      Number(h) * UNIT_MS.h +
      Number(m) * UNIT_MS.m +
      Number(s) * UNIT_MS.s +
      Number(ms),
  )
}

function positive(ms: number): number | null {
  const rounded = Math.round(ms)
  return rounded > 0 && Number.isFinite(rounded) ? rounded : null
}

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

/** A time limit, in the units an operator writes one: `500ms`, `1.5s`, `30s`, `10m`, `1m30s`, `1h`, `7d`. */
export function formatLimit(ms: number): string {
  // In the largest unit that loses nothing: 1050 ms is not 1.1 s.
  if (ms < 1000 || ms % 100 !== 0) return `${ms}ms`
  if (ms % 1000 !== 0) return `${(ms / 1000).toFixed(1)}s`
  const seconds = ms / 1000
  // Whole days from two on (`7d`); a day or less reads in hours, as windows are written (`24h`).
  if (seconds >= 2 * 86_400 && seconds % 86_400 === 0) return `${seconds / 86_400}d`
  const parts = [
    [Math.floor(seconds / 3600), 'h'],
    [Math.floor((seconds % 3600) / 60), 'm'],
    [seconds % 60, 's'],
  ] as const
  return parts
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n}${unit}`)
    .join('')
}

/**
 * `2026-12-04 14:03 UTC`: a moment an operator reads at a glance, in UTC so that two people in
 * two time zones quote the same words. A timestamp that is not a date is shown as written.
 */
export function formatMoment(moment: Date | string): string {
  const date = typeof moment === 'string' ? new Date(moment) : moment
  if (Number.isNaN(date.getTime())) return String(moment)
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`
}
