/**
 * Simulated runs for tests: a header and a journal written the way the wizard
 * writes them, over a real checklist, with fixed times so whatever is built from
 * them (the sign-off sheet) is the same bytes every time.
 *
 * The pattern, over the items that apply to the environment: the operator "ana"
 * answers them in order, two minutes apart; among the manual items not already
 * `[x]` in the file (they start done) and not in the sign-off phase, the 2nd
 * fails (with a note), the 4th is skipped (with a reason), the 5th is marked not
 * applicable, the 7th is done with a note, and the one halfway down (at least the
 * 8th) is left pending. Automated items get a check result by kind
 * (see `cannedResult`) and are answered after it; sign-off lines are answered
 * done. Sign-off fields get a name (a version, a note), a date or the first
 * choice, except every third field and signatures.
 */
import { createHash } from 'node:crypto'
import type { Checklist, Item } from '../../src/checklist/model.ts'
import { isInScope } from '../../src/checklist/scope.ts'
import {
  foldJournal,
  type ItemSnapshot,
  type ItemState,
  type JournalEntry,
  RUN_FORMAT,
  type RunHeader,
  type RunState,
  type StoredCheckResult,
} from '../../src/run/model.ts'

export const OPERATOR = 'ana'
export const SECOND_OPERATOR = 'bruno'
export const STARTED_AT = '2026-11-22T09:00:00.000Z'
/** When tests export: after every simulated answer. */
export const EXPORTED_AT = new Date('2026-11-22T23:30:00.000Z')
export const TOOL_VERSION = '0.1.0'

export const FAILED_NOTE =
  'Did not pass on the first try; see INC-2291.\nRe-run scheduled for 09:40 with the DBA on the call.'
export const SKIP_REASON =
  'Covered by the staging run yesterday (run staging-20261121-4b1e); no changes since.'
export const NA_NOTE = 'No new IAM roles in this release.'
export const DONE_NOTE = 'Verified with the on-call engineer (Carla).'
export const REMOVED_ITEM_NOTE = 'Done before the step was dropped from the checklist.'

const NAMES = ['Ana Souza', 'Bruno Lima', 'Carla Mendes', 'Diego Ferreira', 'Elena Costa']

export interface SimulateOptions {
  /** The environment the run is for; `prod` by default. */
  readonly environment?: string
  /** Whether the run ends with a `finished` entry; true by default. */
  readonly finished?: boolean
  /**
   * Start on an older version of the checklist (another sha256 and one more item,
   * which ana answers), then resume as "bruno" on the current one, who answers the
   * second half.
   */
  readonly changedMidway?: boolean
  /** The checklist path recorded in the header; `/srv/deploy/checklists/<file name>` by default. */
  readonly path?: string
}

export interface SimulatedRun {
  readonly header: RunHeader
  readonly journal: readonly JournalEntry[]
  readonly state: RunState
}

/** A run over `checklist` answered in the pattern described above; deterministic. */
export function simulateRun(checklist: Checklist, options: SimulateOptions = {}): SimulatedRun {
  const environment = options.environment ?? 'prod'
  const clock = new Clock(STARTED_AT)
  const header: RunHeader = {
    format: RUN_FORMAT,
    id: `${environment}-20261122-${checklist.sha256.slice(0, 4)}`,
    checklist: {
      path: options.path ?? `/srv/deploy/checklists/${baseName(checklist.path)}`,
      title: checklist.title,
    },
    environment,
    operator: OPERATOR,
    host: 'ops-laptop-07',
    startedAt: STARTED_AT,
    toolVersion: TOOL_VERSION,
  }
  const snapshot = checklist.items.map(snapshotOf)
  const removed: ItemSnapshot = {
    id: `${checklist.phases[0]?.id ?? 'steps'}/announce-the-release-in-the-legacy-channel`,
    text: 'Announce the release in the #legacy channel',
    phaseId: checklist.phases[0]?.id ?? 'steps',
  }
  const journal: JournalEntry[] = []
  if (options.changedMidway) {
    const oldSha = createHash('sha256').update(`older ${checklist.sha256}`).digest('hex')
    journal.push({
      type: 'run-started',
      at: STARTED_AT,
      by: OPERATOR,
      sha256: oldSha,
      items: [removed, ...snapshot],
    })
    journal.push(answer(clock.next(), OPERATOR, removed.id, 'done', REMOVED_ITEM_NOTE))
  } else {
    journal.push({
      type: 'run-started',
      at: STARTED_AT,
      by: OPERATOR,
      sha256: checklist.sha256,
      items: snapshot,
    })
  }

  const applicable = checklist.items.filter((item) => isInScope(item.scope, environment))
  const halfway = Math.floor(applicable.length / 2)
  // Sign-off lines are answered done: the pattern is for the deployment's own steps.
  const signoffPhases = new Set(
    checklist.phases.filter((p) => p.role === 'signoff').map((p) => p.id),
  )
  const manual = applicable.filter(
    (item) => !item.check && !item.checked && !signoffPhases.has(item.phaseId),
  )
  const pendingId = manual[Math.max(Math.floor(manual.length / 2), 7)]?.id
  let by = OPERATOR
  const automated = new Map<string, number>()
  applicable.forEach((item, index) => {
    if (options.changedMidway && index === halfway) {
      by = SECOND_OPERATOR
      journal.push({
        type: 'resumed',
        at: clock.next(),
        by,
        sha256: checklist.sha256,
        items: snapshot,
        changes: { added: [], removed: [removed.id], reworded: [] },
      })
    }
    if (item.check) {
      const nth = automated.get(item.check.kind) ?? 0
      automated.set(item.check.kind, nth + 1)
      journal.push(...automatedEntries(item, nth, by, clock))
      return
    }
    // `[x]` in the file: starts done, nobody needs to answer it.
    if (item.checked || item.id === pendingId) return
    const [state, note] = MANUAL_PATTERN[manual.indexOf(item)] ?? ['done', undefined]
    journal.push(answer(clock.next(), by, item.id, state, note))
  })

  const fields = checklist.signoff.filter((field) => isInScope(field.scope, environment))
  fields.forEach((field, i) => {
    if (i % 3 === 2 || field.type === 'signature') return
    const value =
      field.type === 'date'
        ? '2026-11-22'
        : field.type === 'choice'
          ? (field.choices[0] ?? 'Yes')
          : /version/i.test(field.label)
            ? '2.4.0'
            : /note/i.test(field.label)
              ? 'Released without customer impact.'
              : (NAMES[i % NAMES.length] as string)
    journal.push({ type: 'signoff-entered', at: clock.next(), by, fieldId: field.id, value })
  })
  if (options.finished ?? true) journal.push({ type: 'finished', at: clock.next(), by })
  return { header, journal, state: foldJournal(header, journal) }
}

/** Answers by position among the manual items: [state, note]. */
const MANUAL_PATTERN: Readonly<Record<number, readonly [ItemState, string | undefined]>> = {
  1: ['failed', FAILED_NOTE],
  3: ['skipped', SKIP_REASON],
  4: ['na', NA_NOTE],
  6: ['done', DONE_NOTE],
}

function answer(
  at: string,
  by: string,
  itemId: string,
  state: ItemState,
  note?: string,
): Extract<JournalEntry, { type: 'item-answered' }> {
  return { type: 'item-answered', at, by, itemId, state, ...(note ? { note } : {}) }
}

/** The check's result, then the answer that follows from it: the check's own, or the operator's. */
function automatedEntries(item: Item, nth: number, by: string, clock: Clock): JournalEntry[] {
  const at = clock.next()
  const result = cannedResult(item.check?.kind ?? '', nth, at)
  const entries: JournalEntry[] = [{ type: 'check-finished', at, itemId: item.id, result }]
  const follows: Partial<Record<StoredCheckResult['status'], [ItemState, string | undefined]>> = {
    pass: ['done', undefined],
    fail: [
      'failed',
      'Point-in-time recovery was lost when the table was recreated; OPS-311 turns it back on before go-live.',
    ],
    skipped: [
      'skipped',
      'Built and tested in CI (pipeline 4821); commands are not trusted on this laptop.',
    ],
  }
  const follow = follows[result.status]
  // A pass is the check's own answer, as the session writes it: same time, credited to the check.
  if (result.status === 'pass') {
    entries.push({ ...answer(at, by, item.id, 'done'), byCheck: true })
    clock.next() // the timeline of the answers after it kept as it was
    return entries
  }
  // An error or a blocked check leaves the item pending: nobody could say either way. A
  // failure or a skip is answered by the operator, with a note that says why.
  if (follow) entries.push(answer(clock.next(), by, item.id, follow[0], follow[1]))
  return entries
}

/** A believable result per check kind, as the check would report it (secrets already absent). */
export function cannedResult(kind: string, nth: number, at: string): StoredCheckResult {
  const base = { details: [], evidence: {}, outputs: {}, durationMs: 120, at }
  switch (kind) {
    case 'tool':
      return {
        ...base,
        status: 'pass',
        summary: 'node 22.23.3 satisfies >=22',
        evidence: { path: '/usr/local/bin/node', version: '22.23.3', output: 'v22.23.3' },
        durationMs: 41,
      }
    case 'env':
      return {
        ...base,
        status: 'pass',
        summary: 'JWT_SECRET is set (48 characters)',
        evidence: { name: 'JWT_SECRET', length: 48 },
        durationMs: 1,
      }
    case 'command':
      return {
        ...base,
        status: 'skipped',
        summary: 'not run: this checklist is not trusted to run commands',
        durationMs: 0,
      }
    case 'cfn.stack': {
      const outputs = {
        ApiUrl: 'https://k3x9q2.execute-api.eu-west-1.amazonaws.com/prod',
        SessionsTable: 'Sessions-prod',
      }
      return {
        ...base,
        status: 'pass',
        summary: 'SessionApi-prod UPDATE_COMPLETE, 2 outputs',
        evidence: {
          stack: 'SessionApi-prod',
          stackId:
            'arn:aws:cloudformation:eu-west-1:123456789012:stack/SessionApi-prod/5b0c7e10-8a8f-11ef-9f4e-0a1b2c3d4e5f',
          status: 'UPDATE_COMPLETE',
          lastUpdated: '2026-11-22T08:52:14.000Z',
          created: '2026-03-02T14:10:55.000Z',
          outputs,
        },
        outputs,
        durationMs: 1430,
      }
    }
    case 'dynamodb.table':
      return nth === 0
        ? {
            ...base,
            status: 'pass',
            summary: 'Sessions-prod ACTIVE, on-demand, TTL on expiresAt',
            evidence: {
              table: 'Sessions-prod',
              arn: 'arn:aws:dynamodb:eu-west-1:123456789012:table/Sessions-prod',
              status: 'ACTIVE',
              billing: 'on-demand',
              gsi: {},
              stream: 'off',
              ttl: { status: 'ENABLED', attribute: 'expiresAt' },
            },
            durationMs: 388,
          }
        : {
            ...base,
            status: 'fail',
            summary:
              'table Sessions-prod is not as required: point-in-time recovery is off (expected on)',
            details: ['point-in-time recovery is off (expected on)'],
            evidence: {
              table: 'Sessions-prod',
              status: 'ACTIVE',
              billing: 'on-demand',
              pitr: { status: 'DISABLED' },
            },
            durationMs: 402,
          }
    case 'secret':
      return {
        ...base,
        status: 'error',
        summary: 'AccessDenied: may not call secretsmanager:DescribeSecret',
        details: [
          'ask for secretsmanager:DescribeSecret on /session-api/prod/db, or run with a profile that has it',
        ],
        durationMs: 230,
      }
    case 'http':
      if (nth > 0) {
        return {
          ...base,
          status: 'blocked',
          summary: 'blocked: needs deployment/database-credentials-exist, which errored',
          durationMs: 0,
        }
      }
      return {
        ...base,
        status: 'pass',
        summary: 'HTTP 200, body contains "ok"',
        evidence: {
          url: 'https://k3x9q2.execute-api.eu-west-1.amazonaws.com/prod/health',
          status: 200,
          elapsedMs: 87,
          headers: { 'content-type': 'application/json', 'content-length': '15' },
          body: '{"status":"ok"}',
        },
        durationMs: 95,
      }
    default:
      return { ...base, status: 'pass', summary: 'ok' }
  }
}

function snapshotOf(item: Item): ItemSnapshot {
  return { id: item.id, text: item.text, phaseId: item.phaseId }
}

function baseName(path: string): string {
  return path.split(/[\\/]/).at(-1) ?? path
}

/** Hands out timestamps two minutes apart. */
class Clock {
  #ms: number
  constructor(start: string) {
    this.#ms = Date.parse(start)
  }
  next(): string {
    this.#ms += 2 * 60_000
    return new Date(this.#ms).toISOString()
  }
}
