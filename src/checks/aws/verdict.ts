/**
 * The verdict of a check that compares a resource with several expectations:
 * it passes saying what it verified, or fails with every unmet expectation as a
 * detail and the first in the summary (as `dynamodb.table` does).
 */
import { fail, pass } from '../kind.ts'
import type { CheckOutcome } from '../runner.ts'
import { awsErrorName } from './errors.ts'

/** What was found against what was asked: lines for the summary and for the details. */
export interface Findings {
  readonly verified: string[]
  readonly unmet: string[]
}

export function findings(): Findings {
  return { verified: [], unmet: [] }
}

export interface Verdict {
  /** The pass summary's head, before what was verified: the resource's name. */
  readonly name: string
  /** The fail summary's head: `service web`. No colon follows it (a name like `api-token` would read as a secret). */
  readonly subject: string
  readonly evidence: Readonly<Record<string, unknown>>
  /** Lines after the unmet expectations when the check fails: what to do, what AWS said. */
  readonly nextSteps?: readonly string[]
}

/** `web 3 of 3 tasks running, …` or `service web is not as required: … (and 2 more)`. */
export function verdictOf(found: Findings, verdict: Verdict): CheckOutcome {
  const [first, ...rest] = found.unmet
  if (first === undefined) {
    const verified = found.verified.length > 0 ? ` ${found.verified.join(', ')}` : ''
    return pass(`${verdict.name}${verified}`, { evidence: verdict.evidence })
  }
  const more = rest.length > 0 ? ` (and ${rest.length} more)` : ''
  return fail(`${verdict.subject} is not as required: ${first}${more}`, {
    details: [...found.unmet, ...(verdict.nextSteps ?? [])],
    evidence: verdict.evidence,
  })
}

/** `2025-03-14 09:30:00Z`: when something happened, to the second (UTC). */
export function moment(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`
}

/** `3 targets`, `1 target`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}

/**
 * Whether an SDK error is AWS's `code` (`TargetGroupNotFound`): the query
 * protocol's services send the short code, which the SDK names with `Exception`
 * appended when it knows the error.
 */
export function isNotFound(caught: unknown, code: string): boolean {
  const name = awsErrorName(caught)
  return name === code || name === `${code}Exception`
}
