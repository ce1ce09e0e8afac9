/**
 * Approvals at the checklist's gates (`<!-- gate: approval "Change board" -->`), as one set of
 * rules for the wizard (which phases it may enter), `approve` (who may approve) and the sheet:
 *
 * - a gate stands in a run when its scope takes in the run's environment;
 * - it is open once the run holds an approval of its name (the first one counts, model.ts);
 * - a phase is held back while a gate before it is not open; so is the sign-off;
 * - a gate that asks for someone other than the driver (`approver=not-driver`, the default)
 *   refuses an approver whose name or AWS identity is that of anyone who drove the run.
 *
 * Pure: a run's state and journal in, answers out.
 */
import type { Checklist, Gate } from '../checklist/model.ts'
import { isInScope } from '../checklist/scope.ts'
import type { Approval, JournalEntry, RunState } from './model.ts'

/** The checklist's gates that stand in a run for `environment`, in file order. */
export function gatesIn(checklist: Pick<Checklist, 'gates'>, environment: string): Gate[] {
  return checklist.gates.filter((gate) => isInScope(gate.scope, environment))
}

/** The approval recorded at a gate, if any. */
export function approvalAt(gate: Pick<Gate, 'name'>, run: RunState): Approval | undefined {
  return run.approvals?.[gate.name]
}

/**
 * The first gate not yet approved that stands before the phase at `index` of `phaseIds` (the
 * phases in order; `phaseIds.length` stands for the sign-off), or null when the way is open.
 */
export function gateHolding(
  gates: readonly Gate[],
  phaseIds: readonly string[],
  index: number,
  run: RunState,
): Gate | null {
  for (const gate of gates) {
    const before = gate.before === null ? phaseIds.length : phaseIds.indexOf(gate.before)
    if (before !== -1 && before <= index && !approvalAt(gate, run)) return gate
  }
  return null
}

/**
 * "waiting for approval: Change board — deploy-wizard approve prod-20261204-a7c3". A run kept on
 * this machine only (`isTeamRun` false) can never be approved: `approve` writes into a team store,
 * so the words say that instead of naming a command that would refuse.
 */
export function waitingWords(gate: Pick<Gate, 'name'>, runId: string, isTeamRun = true): string {
  return isTeamRun
    ? `waiting for approval: ${gate.name} — deploy-wizard approve ${runId}`
    : `waiting for approval: ${gate.name} — only a team run can be approved (start it with --store)`
}

/** Someone who drove a run, and what makes them one: "started the run", "drives it now". */
export interface Driver {
  readonly name: string
  readonly arn?: string
  readonly why: string
}

/** A run's lease holder as `approve` reads it (team/lease.ts's record). */
export interface Holder {
  readonly holder: string
  readonly host: string
  readonly arn: string
}

/**
 * Everyone who drove the run: who started it, everyone who answered, noted, signed or resumed
 * in it, every driver before and after a hand-over (with the AWS identity they drove as), and
 * who holds its lease now. Exports and approvals make no one a driver.
 */
export function driversOf(
  journal: readonly JournalEntry[],
  state: RunState,
  holder: Holder | undefined,
): Driver[] {
  const drivers: Driver[] = [{ name: state.header.operator, why: 'started the run' }]
  if (holder) {
    drivers.push({ name: holder.holder, arn: holder.arn, why: 'drives it now' })
  }
  for (const handover of state.handovers ?? []) {
    drivers.push({ name: handover.to.holder, arn: handover.to.arn, why: 'took it over' })
    drivers.push({ name: handover.from.holder, arn: handover.from.arn, why: 'drove it before' })
  }
  for (const entry of journal) {
    if (entry.type === 'exported' || entry.type === 'approval-recorded') continue
    if ('by' in entry && !drivers.some((driver) => sameName(driver.name, entry.by))) {
      drivers.push({ name: entry.by, why: 'answered in it' })
    }
  }
  return drivers
}

/**
 * Why `approver` may not approve at `gate`, naming the driver they are; null when they may.
 * Names compare without case or surrounding spaces; an AWS identity compares exactly.
 */
export function selfApproval(
  gate: Pick<Gate, 'approver'>,
  approver: { readonly name: string; readonly arn: string },
  drivers: readonly Driver[],
): string | null {
  if (gate.approver === 'anyone') return null
  const byArn = drivers.find((driver) => driver.arn !== undefined && driver.arn === approver.arn)
  if (byArn) {
    return `your AWS identity ${approver.arn} is ${byArn.name}'s, who ${byArn.why}`
  }
  const byName = drivers.find((driver) => sameName(driver.name, approver.name))
  if (byName) return `${byName.name} ${byName.why}`
  return null
}

function sameName(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase()
}
