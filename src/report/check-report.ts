/**
 * The report of a headless check run, as data: what the JSON output prints and
 * what the JUnit writer reads. Its shape is a documented, stable format
 * (`format: "deploy-wizard/check-report@1"`); fields are only ever added.
 */
import type { Checklist, Item } from '../checklist/model.ts'
import type { Redactor } from '../checks/redact.ts'
import type { CheckResult } from '../checks/runner.ts'
import type { StoredCheckResult } from '../run/model.ts'
import { VERSION } from '../version.ts'
import { CHECK_STATUSES, type CheckStatus, isProblem } from '../vocabulary.ts'

export const CHECK_REPORT_FORMAT = 'deploy-wizard/check-report@1'

/**
 * A check's result as a run keeps it, and where it is in the checklist. Not when it
 * finished (`at`): a report is stamped as a whole, `startedAt` and `finishedAt`.
 */
export interface CheckEntry extends Omit<StoredCheckResult, 'at'> {
  readonly id: string
  readonly text: string
  readonly line: number
  readonly phase: { readonly id: string; readonly title: string }
  readonly kind: string
  /**
   * Tries it took (a transient failure is retried); 0 when it never started. Absent in a
   * report of a run's stored results, which do not keep it.
   */
  readonly attempts?: number
}

export type Totals = Readonly<Record<CheckStatus, number>> & { readonly checks: number }

export interface CheckReport {
  readonly format: typeof CHECK_REPORT_FORMAT
  readonly tool: { readonly name: 'deploy-wizard'; readonly version: string }
  readonly checklist: { readonly path: string; readonly title: string; readonly sha256: string }
  readonly environment: string
  readonly startedAt: string
  readonly finishedAt: string
  readonly durationMs: number
  /** True when no check failed, errored or was blocked (skipped ones were skipped on purpose), and the run was not cancelled. */
  readonly ok: boolean
  readonly cancelled: boolean
  readonly totals: Totals
  /** In checklist order. */
  readonly checks: readonly CheckEntry[]
  /**
   * Who the AWS checks ran as (one entry per profile and region), and the account the
   * checklist pins the environment to. Absent when no AWS check ran.
   */
  readonly aws?: AwsReport
}

export interface AwsReport {
  readonly expectedAccount?: string
  readonly identities: readonly {
    readonly account: string
    readonly arn: string
    readonly alias?: string
    readonly profile?: string
    readonly region?: string
  }[]
}

export const STATUSES: readonly CheckStatus[] = CHECK_STATUSES

export function countStatuses(statuses: Iterable<CheckStatus>): Totals {
  const totals = { checks: 0, pass: 0, fail: 0, error: 0, blocked: 0, skipped: 0 }
  for (const status of statuses) {
    totals[status]++
    totals.checks++
  }
  return totals
}

export function buildCheckReport(input: {
  readonly checklist: Checklist
  readonly environment: string
  readonly items: readonly Item[]
  /** The runner's results, just finished (`check`), or those a run stored (`export`). */
  readonly results: ReadonlyMap<string, CheckResult | StoredCheckResult>
  readonly startedAt: Date
  readonly finishedAt: Date
  readonly cancelled: boolean
  readonly aws?: AwsReport | undefined
  /**
   * Masks secrets in what the checks reported: their summaries, details, evidence and
   * outputs, where values can be. Never the ids, texts and titles around them, which
   * are the checklist's own: a secret that is a common word (`AWS_SECRET_ACCESS_KEY=test`)
   * must not garble them.
   */
  readonly redactor?: Redactor
}): CheckReport {
  const phases = new Map(input.checklist.phases.map((p) => [p.id, p.title]))
  const scrub = input.redactor ?? { scrub: (s: string) => s, scrubDeep: <T>(v: T) => v }
  const checks = input.items.map((item): CheckEntry => {
    const result: CheckResult | StoredCheckResult = input.results.get(item.id) ?? {
      status: 'skipped',
      summary: 'not run',
      durationMs: 0,
      attempts: 0,
    }
    return {
      id: item.id,
      text: item.plain,
      line: item.line,
      phase: { id: item.phaseId, title: phases.get(item.phaseId) ?? item.phaseId },
      kind: item.check?.kind ?? '',
      status: result.status,
      summary: scrub.scrub(result.summary),
      details: scrub.scrubDeep(result.details ?? []),
      evidence: scrub.scrubDeep(result.evidence ?? {}),
      outputs: scrub.scrubDeep(result.outputs ?? {}),
      durationMs: Math.round(result.durationMs),
      ...('attempts' in result ? { attempts: result.attempts } : {}),
    }
  })
  const totals = countStatuses(checks.map((c) => c.status))
  return {
    format: CHECK_REPORT_FORMAT,
    tool: { name: 'deploy-wizard', version: VERSION },
    checklist: {
      path: input.checklist.path,
      title: input.checklist.title,
      sha256: input.checklist.sha256,
    },
    environment: input.environment,
    startedAt: input.startedAt.toISOString(),
    finishedAt: input.finishedAt.toISOString(),
    durationMs: input.finishedAt.getTime() - input.startedAt.getTime(),
    ok: !input.cancelled && STATUSES.every((status) => !isProblem(status) || totals[status] === 0),
    cancelled: input.cancelled,
    totals,
    checks,
    ...(input.aws && (input.aws.identities.length > 0 || input.aws.expectedAccount)
      ? { aws: input.aws }
      : {}),
  }
}
