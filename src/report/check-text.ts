/**
 * The readable report of a headless check run: one line per check as it
 * finishes, its details indented below it when it did not pass, and a summary.
 */
import type { Item } from '../checklist/model.ts'
import type { CheckResult, CheckStatus } from '../checks/runner.ts'
import { formatDuration } from '../duration.ts'
import type { Painter } from '../output/terminal.ts'
import { isProblem } from '../vocabulary.ts'
import type { CheckReport } from './check-report.ts'

const LABEL: Readonly<Record<CheckStatus, string>> = {
  pass: 'PASS ',
  fail: 'FAIL ',
  error: 'ERROR',
  blocked: 'BLOCK',
  skipped: 'SKIP ',
}
const COLOUR = {
  pass: 'green',
  fail: 'red',
  error: 'yellow',
  blocked: 'magenta',
  skipped: 'gray',
} as const satisfies Record<CheckStatus, string>

const MAX_DETAIL_LINES = 12

/**
 * A check's details under its summary: a detail the summary already says goes
 * ("TTL is DISABLED …" under "table Carts-dev is not as required: TTL is DISABLED …").
 */
export function detailsUnder(summary: string, details: readonly string[] = []): readonly string[] {
  return details.filter((detail) => {
    const said = detail.trim()
    return said === '' || !summary.includes(said) || said.length < MIN_REPEATED
  })
}

/** Shorter details than this ("boom", "0") may be in the summary by chance: they stay. */
const MIN_REPEATED = 12

/**
 * A check's line as it finishes. One that did not pass gets where it is (id, line,
 * kind) and its details below; a detail already printed for an earlier check (a hint
 * like "set AWS_PROFILE…", said by every AWS check) is not printed again: `shown`
 * holds what was. A skipped check never ran: no duration, nothing below its reason.
 */
export function formatResult(
  item: Item,
  result: CheckResult,
  paint: Painter,
  shown: Set<string> = new Set(),
): string {
  const label = paint.paint(COLOUR[result.status], LABEL[result.status])
  if (result.status === 'skipped') return `${label} ${item.plain} — ${result.summary}\n`
  // A blocked check never started: it took no time to tell of.
  const took =
    result.attempts > 0 ? ` ${paint.paint('dim', `(${formatDuration(result.durationMs)})`)}` : ''
  const lines = [`${label} ${item.plain} — ${result.summary}${took}`]
  if (result.status !== 'pass') {
    lines.push(paint.paint('dim', `      ${item.id} · line ${item.line} · ${item.check?.kind}`))
    const details = detailsUnder(result.summary, result.details).filter((d) => !shown.has(d))
    for (const detail of details.slice(0, MAX_DETAIL_LINES)) {
      lines.push(`      ${detail}`)
      shown.add(detail)
    }
    if (details.length > MAX_DETAIL_LINES) {
      lines.push(
        paint.paint('dim', `      … ${details.length - MAX_DETAIL_LINES} more lines (see --json)`),
      )
    }
  }
  return `${lines.join('\n')}\n`
}

export function formatProgress(item: Item, message: string, paint: Painter): string {
  return `${paint.paint('dim', `  …   ${item.plain} — ${message}`)}\n`
}

/**
 * `AWS   account 111111111111 (acme-dev) as arn:…:assumed-role/deployer/ana — dev's account`:
 * said once per profile and region, as soon as STS has answered.
 */
export function formatIdentity(
  identity: {
    readonly account: string
    readonly alias?: string
    readonly arn: string
    readonly profile?: string
  },
  environment: string,
  expected: { readonly id: string } | undefined,
  paint: Painter,
): string {
  const account = identity.alias ? `${identity.account} (${identity.alias})` : identity.account
  const profile = identity.profile ? ` (profile ${identity.profile})` : ''
  const verdict = !expected
    ? paint.paint('dim', ' — no account pinned for this environment')
    : expected.id === identity.account
      ? paint.paint('green', ` — ${environment}'s account`)
      : paint.paint('red', ` — NOT ${environment}'s account ${expected.id}: AWS checks stop`)
  return `${paint.paint('bold', 'AWS')}   account ${account} as ${identity.arn}${profile}${verdict}

`
}

/** Where a recap line's text starts, after `  FAIL  `: its further lines go on under it. */
export const RECAP_TEXT_COLUMN = 8

/**
 * What did not pass, each as its result line, at the end of the report (where a CI log is read
 * from); an empty string when all did. The verdict's line follows it (formatVerdict).
 */
export function formatRecap(report: CheckReport, paint: Painter): string {
  const problems = report.checks.filter((c) => isProblem(c.status))
  return problems.length === 0
    ? ''
    : `\n${paint.paint('bold', 'Did not pass:')}\n${problems
        .map(
          (c) =>
            `  ${paint.paint(COLOUR[c.status], LABEL[c.status])} ${c.text} — ${c.summary} ${paint.paint('dim', `(line ${c.line})`)}\n`,
        )
        .join('')}`
}

/** The report's last line: `12 checks on dev: 10 passed, 1 failed, … in 4.2s — not ready`. */
export function formatVerdict(report: CheckReport, paint: Painter): string {
  const t = report.totals
  const parts = [
    paint.paint('green', `${t.pass} passed`),
    t.fail > 0 ? paint.paint('red', `${t.fail} failed`) : `${t.fail} failed`,
    t.error > 0
      ? paint.paint('yellow', `${t.error} ${t.error === 1 ? 'error' : 'errors'}`)
      : '0 errors',
    `${t.blocked} blocked`,
    `${t.skipped} skipped`,
  ]
  const head = `${t.checks} ${t.checks === 1 ? 'check' : 'checks'} on ${report.environment}: ${parts.join(', ')}`
  const verdict = report.cancelled
    ? paint.paint('yellow', 'cancelled')
    : !report.ok
      ? paint.paint('red', 'not ready')
      : t.skipped > 0
        ? paint.paint('green', `passed, ${t.skipped} skipped`)
        : paint.paint('green', 'all passed')
  return `\n${head} in ${formatDuration(report.durationMs)} — ${verdict}\n`
}

/** For CI logs: which checks are still running, so a long wait never looks like a hang. */
export function formatStillRunning(item: Item, elapsedMs: number, paint: Painter): string {
  return `${paint.paint('dim', `  …   still running: ${item.plain} (${formatDuration(elapsedMs)})`)}\n`
}
