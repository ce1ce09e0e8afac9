/**
 * A check report as JUnit XML, the format CI systems (GitHub Actions test
 * reporters, GitLab, Jenkins) show as test results: one <testsuite> per phase,
 * one <testcase> per check. fail → <failure>; error and blocked → <error>
 * (type "error" / "blocked"); skipped → <skipped>.
 */
import type { CheckEntry, CheckReport } from './check-report.ts'
import { countStatuses } from './check-report.ts'

export function toJunit(report: CheckReport): string {
  const suites = new Map<string, CheckEntry[]>()
  for (const check of report.checks) {
    const list = suites.get(check.phase.id)
    if (list) list.push(check)
    else suites.set(check.phase.id, [check])
  }
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>']
  const all = report.totals
  lines.push(
    `<testsuites name="${attr(`${report.checklist.title} (${report.environment})`)}" tests="${all.checks}" failures="${all.fail}" errors="${all.error + all.blocked}" skipped="${all.skipped}" time="${seconds(report.durationMs)}" timestamp="${report.startedAt}">`,
  )
  for (const checks of suites.values()) {
    const first = checks[0] as CheckEntry
    const t = countStatuses(checks.map((c) => c.status))
    const time = checks.reduce((sum, c) => sum + c.durationMs, 0)
    lines.push(
      `  <testsuite name="${attr(first.phase.title)}" id="${attr(first.phase.id)}" tests="${t.checks}" failures="${t.fail}" errors="${t.error + t.blocked}" skipped="${t.skipped}" time="${seconds(time)}" timestamp="${report.startedAt}">`,
    )
    for (const check of checks) lines.push(...testcase(check, report))
    lines.push('  </testsuite>')
  }
  lines.push('</testsuites>', '')
  return lines.join('\n')
}

function testcase(check: CheckEntry, report: CheckReport): string[] {
  const open = `    <testcase name="${attr(check.text)}" classname="${attr(`${report.environment}.${check.id}`)}" file="${attr(report.checklist.path)}" line="${check.line}" time="${seconds(check.durationMs)}"`
  const body = [check.summary, ...check.details].join('\n')
  switch (check.status) {
    case 'pass':
      return [`${open}/>`]
    case 'fail':
      return [
        `${open}>`,
        `      <failure message="${attr(check.summary)}" type="${attr(check.kind)}">${text(body)}</failure>`,
        '    </testcase>',
      ]
    case 'error':
    case 'blocked':
      return [
        `${open}>`,
        `      <error message="${attr(check.summary)}" type="${check.status}">${text(body)}</error>`,
        '    </testcase>',
      ]
    case 'skipped':
      return [`${open}>`, `      <skipped message="${attr(check.summary)}"/>`, '    </testcase>']
  }
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3)
}

// XML 1.0 allows tab, newline, carriage return and everything from U+0020 except the surrogates, FFFE, FFFF.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters being removed
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g

/**
 * Allowed in XML but acted on by a terminal that shows the report (DEL, C1 controls, bidi
 * controls, line separators; a carriage return too): written as character references, the
 * same data, inert.
 */
const ACTIVE = /[\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g

function text(value: string): string {
  return value
    .replace(INVALID_XML, '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replace(ACTIVE, (char) => `&#x${(char.codePointAt(0) ?? 0).toString(16)};`)
    .replaceAll('\r', '&#13;')
}

function attr(value: string): string {
  return text(value)
    .replaceAll('"', '&quot;')
    .replaceAll('\n', '&#10;')
    .replaceAll('\r', '&#13;')
    .replaceAll('\t', '&#9;')
}
