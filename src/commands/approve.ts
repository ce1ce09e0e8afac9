/**
 * `deploy-wizard approve <run-id>`: someone other than the driver approves a team run at one of
 * its checklist's gates (`<!-- gate: approval "Change board" -->`), from their own terminal and
 * with their own AWS credentials. It reads the run from the team store, shows its totals and
 * what needs attention before the gate, asks to confirm, and writes an `approval-recorded`
 * entry — the approver's name, their AWS identity (STS caller ARN and account) and host — as a
 * new event straight into the store. The approver holds no lease: events are written with
 * `If-None-Match: *` on the next free number, so this never overwrites the driver's entries,
 * and the driver's wizard picks the entry up and opens the phases after the gate.
 *
 * Refused, before anything is asked: a run that is not in a team store (a local run's journal
 * belongs to the wizard that holds it), an unknown gate, one already approved, a finished run,
 * and a self-approval where the gate asks for someone other than who drove the run.
 *
 * Exit 0 approved, 1 not confirmed, 2 refused (by the checks above, or by the store: no bucket,
 * access denied, credentials) or bad usage, or beaten: another approval of the gate landed first,
 * so this one is recorded but does not count; 69 the store did not answer (nothing is kept here
 * to send later, so it says whether anything was recorded and to run the command again).
 */

import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import { createInterface } from 'node:readline/promises'
import { loadChecklist } from '../checklist/load.ts'
import type { Checklist, Gate } from '../checklist/model.ts'
import { parseChecklist } from '../checklist/parse.ts'
import { describeScope } from '../checklist/scope.ts'
import type { CallerIdentity } from '../checks/aws/account.ts'
import { awsErrorOutcome, describeAccount } from '../checks/aws/errors.ts'
import { Clients } from '../checks/clients.ts'
import { formatMoment } from '../duration.ts'
import { UserError } from '../errors.ts'
import { type Painter, type Terminal, terminalFor } from '../output/terminal.ts'
import { attentionLines, formatTotals } from '../report/run-summary.ts'
import { approvalAt, driversOf, gatesIn, selfApproval, waitingWords } from '../run/approvals.ts'
import type { Approval, JournalEntry, RunState } from '../run/model.ts'
import { guessOperator } from '../run/start.ts'
import { listRuns } from '../run/store.ts'
import { resolveStore, type S3StoreAddress, storeUrl } from '../run/team/address.ts'
import { driverName, type LeaseRecord, sinceWords } from '../run/team/lease.ts'
import { teamTuning } from '../run/team/link.ts'
import { type StoreObjects, StoreUnavailableError } from '../run/team/objects.ts'
import { readTeamRunState, type TeamRunState } from '../run/team/read-state.ts'
import { nextSeq, writeEvent } from '../run/team/team-run.ts'

export interface ApproveOptions {
  readonly store?: string
  readonly gate?: string
  readonly yes?: boolean
  readonly note?: string
  /** The approver's name on the sheet; DEPLOY_WIZARD_OPERATOR, git's user.name or the login otherwise. */
  readonly name?: string
}

type Env = Readonly<Record<string, string | undefined>>

const TEAM_RUNS_HINT = 'README, "Approvals"'

export async function approveCommand(runId: string, options: ApproveOptions): Promise<number> {
  const env: Env = process.env
  const address = await storeOf(runId, options.store, env)
  const [{ StoreObjects }, { sayWhenStoreIsSlow, storeProblem, EXIT_STORE_UNAVAILABLE }] =
    await Promise.all([import('../run/team/objects.ts'), import('../run/team/open-store.ts')])
  const objects = new StoreObjects(address, { requestTimeoutMs: teamTuning(env).requestTimeoutMs })
  const stage: Stage = { now: 'reading', quiet: () => {} }
  const watch = (safe: string) => {
    stage.quiet()
    stage.quiet = sayWhenStoreIsSlow(objects, safe)
  }
  try {
    return await approve(objects, runId, options, env, stage, watch)
  } catch (error) {
    // Refused (no bucket, access denied, credentials): said as every command says it, exit 2.
    if (error instanceof StoreUnavailableError && error.failure === 'refused')
      throw storeProblem(error, address)
    throw unanswered(error, stage.now, runId, address, EXIT_STORE_UNAVAILABLE)
  } finally {
    stage.quiet()
    await objects.close()
  }
}

/** How far an approval got: what a store that stops answering leaves behind depends on it. */
interface Stage {
  now: 'reading' | 'writing' | { readonly written: number }
  /** Stops saying the store is slow. */
  quiet: () => void
}

/**
 * The store not answering, said as what it means for the approval: nothing recorded (it stopped
 * before the write), perhaps recorded (the write went unanswered), or recorded but not read
 * back. Never "saved on this machine": an approval is not kept or queued here.
 */
function unanswered(
  error: unknown,
  stage: Stage['now'],
  runId: string,
  address: S3StoreAddress,
  exitCode: number,
): unknown {
  if (!(error instanceof StoreUnavailableError) || error.failure === 'refused') return error
  const again = `deploy-wizard approve ${runId} --store ${storeUrl(address)}`
  const say = (message: string, hint: string) =>
    new UserError(message, { hint, exitCode, cause: error })
  if (stage === 'reading') {
    return say(
      `not approved: ${error.message}`,
      `nothing was recorded; run the same command again once the store answers (${again})`,
    )
  }
  if (stage === 'writing') {
    return say(
      `the approval may not have been recorded: ${error.message}`,
      `run the same command again once the store answers: it says "approved already" if this one got there (${again})`,
    )
  }
  return say(
    `the approval was recorded (entry ${stage.written} in ${storeUrl(address)}), but the store did not answer when it was read back: ${error.message}`,
    `another approval may have come first; deploy-wizard watch ${runId} --store ${storeUrl(address)} shows the gate`,
  )
}

async function approve(
  objects: StoreObjects,
  runId: string,
  options: ApproveOptions,
  env: Env,
  stage: Stage,
  watch: (safe: string) => void,
): Promise<number> {
  const out = terminalFor(process.stdout)
  watch('Ctrl-C is safe: nothing is recorded until it answers')
  const run = await readRun(objects, runId)
  const gates = gatesOf(run)
  const gate = chooseGate(run, gates, options.gate)
  const identity = await callerIdentity()
  const name = options.name?.trim() || (await guessOperator(env))
  refuseSelfApproval(run, gate, { name, arn: identity.arn })
  const note = options.note?.trim()
  out.write(describeRun(run, gate, gates, out))
  out.write(
    `\nApproving as ${out.paint('bold', name)} — ${identity.arn}, account ${describeAccount(identity)}, on ${hostname()}\n`,
  )
  if (note) out.write(`  note: ${note}\n`)
  if (!options.yes) {
    if (!(await confirm(out, `Approve "${gate.name}" for run ${runId}? [y/N] `))) {
      out.write('Not approved: nothing was recorded.\n')
      return 1
    }
  }
  if (process.stdout.isTTY)
    out.write(out.paint('dim', 'recording the approval in the team store…\n'))
  // Asked a while ago: the run may have moved on meanwhile.
  const now = options.yes ? run : await readRun(objects, runId)
  if (!options.yes) {
    chooseGate(now, gatesOf(now), gate.name)
    // Someone may have taken the run over meanwhile: the approver must not be them.
    refuseSelfApproval(now, gate, { name, arn: identity.arn })
  }
  const entry: JournalEntry = {
    type: 'approval-recorded',
    at: new Date().toISOString(),
    by: name,
    gate: gate.name,
    arn: identity.arn,
    account: identity.account,
    host: hostname(),
    ...(note ? { note } : {}),
  }
  const next = await nextSeq(objects, runId)
  stage.now = 'writing'
  watch('Ctrl-C is safe; run the same command again to see whether the approval got there')
  const seq = await writeEvent(objects, runId, next, {
    id: randomUUID(),
    entry: { ...entry },
  })
  stage.now = { written: seq }
  // Another approver may have written between our read and our write: the first approval
  // counts, so read the run back before saying whose it is.
  const after = await readRun(objects, runId)
  const counted = approvalAt(gate, after.state)
  if (counted && !isSameApproval(counted, entry)) {
    out.write(
      `${out.paint('yellow', `Not counted: "${gate.name}" was approved first`)}, by ${approvedWords(counted)}.\n` +
        `  Your approval is recorded after it (entry ${seq} in ${storeUrl(objects.address)}) and changes nothing: the first approval of a gate is the one that counts.\n`,
    )
    return 2
  }
  out.write(
    `${out.paint('green', `Approved "${gate.name}"`)} for run ${runId} (entry ${seq} in ${storeUrl(objects.address)}).\n` +
      out.paint('dim', `  ${followingWords(gate, gates, run)}\n`),
  )
  return 0
}

/** Throws when the gate asks for someone other than the run's drivers and the approver is one. */
function refuseSelfApproval(
  run: TeamRunState,
  gate: Gate,
  approver: { readonly name: string; readonly arn: string },
): void {
  const refusal = selfApproval(gate, approver, driversOf(run.journal, run.state, run.lease))
  if (!refusal) return
  throw new UserError(
    `${approver.name} may not approve "${gate.name}" on run ${run.header.id}: ${refusal}`,
    {
      hint: `the gate asks for someone other than who drove the run (${drivenWords(run.lease, new Date())}); ask another person to approve it`,
    },
  )
}

/**
 * The team store the run is in: --store, DEPLOY_WIZARD_STORE, or the `store:` of the checklist
 * of a run of that id on this machine. A run that is local only cannot be approved: its journal
 * belongs to the wizard that holds it, and approving it from the driver's machine would be no
 * second pair of eyes.
 */
async function storeOf(runId: string, flag: string | undefined, env: Env): Promise<S3StoreAddress> {
  const named = resolveStore({ flag, env })
  if (named.kind === 's3') return named
  const local = listRuns().runs.find((run) => run.id === runId)
  if (local) {
    const frontMatter = await loadChecklist(local.header.checklist.path)
      .then((loaded) => loaded.checklist.frontMatter.store)
      .catch(() => undefined)
    const store = resolveStore({ flag, env, frontMatter })
    if (store.kind === 's3') return store
    throw new UserError(`run ${runId} is a local run: approvals need a team store`, {
      hint: `an approver records an approval from their own machine into the run's team store; start the run with --store s3://bucket/prefix, DEPLOY_WIZARD_STORE or store: in the checklist's front matter (${TEAM_RUNS_HINT})`,
    })
  }
  throw new UserError(`approve reads run ${runId} from a team store, and none is named`, {
    hint: 'pass --store s3://bucket/prefix, or set DEPLOY_WIZARD_STORE',
  })
}

async function readRun(objects: StoreObjects, runId: string): Promise<TeamRunState> {
  const run = await readTeamRunState(objects, runId)
  if (!run) {
    throw new UserError(`no run ${runId} in the team store ${storeUrl(objects.address)}`, {
      hint: 'check the run id and the store: the driver’s wizard shows both',
    })
  }
  return run
}

/** The checklist the run is on (an edited resume's, or the one it started with), its gates, and those for the run's environment. */
interface RunGates {
  readonly checklist: Checklist
  readonly all: readonly Gate[]
  readonly here: readonly Gate[]
}

function gatesOf(run: TeamRunState): RunGates {
  const { checklist } = parseChecklist(run.checklist.text, { path: run.header.checklist.path })
  return { checklist, all: checklist.gates, here: gatesIn(checklist, run.header.environment) }
}

/**
 * The gate to approve: the one named, or the first not yet approved (the one the driver waits
 * at). Throws, saying why, for a finished run, a gate the run does not have, and a gate
 * already approved.
 */
function chooseGate(run: TeamRunState, gates: RunGates, wanted: string | undefined): Gate {
  const { header, state } = run
  if (state.finishedAt) {
    throw new UserError(
      `run ${header.id} finished at ${formatMoment(state.finishedAt)}: nothing is left to approve`,
      { hint: `its sheet: deploy-wizard export ${header.id}` },
    )
  }
  const list = listWords(gates.here, state)
  if (wanted === undefined) {
    const open = gates.here.find((gate) => !approvalAt(gate, state))
    if (open) return open
    if (gates.here.length === 0) {
      throw new UserError(`run ${header.id} has no approval gate for ${header.environment}`, {
        hint: `a checklist asks for one with <!-- gate: approval "Change board" --> between two phases (README, "Approval gates")`,
      })
    }
    throw new UserError(`every gate of run ${header.id} is approved already: ${list}`)
  }
  const key = wanted.trim().toLowerCase()
  const gate = gates.here.find((g) => g.name.toLowerCase() === key)
  if (!gate) {
    const elsewhere = gates.all.find((g) => g.name.toLowerCase() === key)
    throw new UserError(
      elsewhere
        ? `the gate "${elsewhere.name}" does not stand in ${header.environment} runs (${describeScope(elsewhere.scope)})`
        : `run ${header.id} has no gate "${wanted}"`,
      { hint: gates.here.length > 0 ? `its gates: ${list}` : 'its checklist has no gate here' },
    )
  }
  const approval = approvalAt(gate, state)
  if (approval) {
    throw new UserError(
      `"${gate.name}" on run ${header.id} was approved already, by ${approvedWords(approval)}`,
      { hint: 'the first approval of a gate is the one that counts' },
    )
  }
  return gate
}

/** `"Change board" (approved by bea …), "Security" (waiting)`. */
function listWords(gates: readonly Gate[], state: RunState): string {
  return gates
    .map((gate) => {
      const approval = approvalAt(gate, state)
      return `"${gate.name}" (${approval ? `approved by ${approval.by}` : 'waiting'})`
    })
    .join(', ')
}

/** Whether the approval a run holds is the one this entry recorded. */
export function isSameApproval(approval: Approval, entry: JournalEntry): boolean {
  return (
    entry.type === 'approval-recorded' &&
    approval.by === entry.by &&
    approval.at === entry.at &&
    approval.arn === entry.arn
  )
}

function approvedWords(approval: Approval): string {
  return `${approval.by} as ${approval.arn} at ${formatMoment(approval.at)}`
}

/** Who the approver is in AWS, asked of STS (the SDK's default chain: AWS_PROFILE, SSO…). */
async function callerIdentity(): Promise<CallerIdentity> {
  const clients = new Clients({ account: { environment: '' } })
  try {
    return await (clients.accountGuard as NonNullable<Clients['accountGuard']>).identify({})
  } catch (caught) {
    throw new UserError(`cannot tell who you are in AWS: ${awsProblem(caught)}`, {
      hint: 'an approval records your AWS identity (STS GetCallerIdentity): use the credentials you approve with (AWS_PROFILE, aws sso login)',
      exitCode: 2,
    })
  } finally {
    await clients.close()
  }
}

/** An AWS failure in the words the checks use for it. */
function awsProblem(caught: unknown): string {
  try {
    const outcome = awsErrorOutcome(caught, { signal: new AbortController().signal })
    return [outcome.summary, ...(outcome.details ?? []).slice(0, 1)].join('; ')
  } catch (transient) {
    return (transient as Error).message
  }
}

/** The run in a few lines, then what needs attention in the phases before the gate. */
function describeRun(run: TeamRunState, gate: Gate, gates: RunGates, out: Painter): string {
  const { checklist } = gates
  const { header, state } = run
  const now = new Date()
  const phases = checklist.phases
  const upTo = gate.before === null ? phases.length : phases.findIndex((p) => p.id === gate.before)
  const reviewed = new Set(phases.slice(0, Math.max(0, upTo)).map((phase) => phase.id))
  const attention = attentionLines(checklist, state, out, reviewed)
  const where = [
    gate.after ? `after ${titleOf(phases, gate.after)}` : 'before any phase',
    gate.before ? `before ${titleOf(phases, gate.before)}` : 'before the sign-off',
  ].join(', ')
  const lines = [
    out.paint('bold', `Run ${header.id} — ${checklist.title}, ${header.environment}`),
    `  started by ${header.operator} on ${header.host} at ${formatMoment(header.startedAt)}; ${drivenWords(run.lease, now)}`,
    `  ${formatTotals(checklist, state)}`,
    '',
    out.paint(
      'bold',
      `Needs attention before the gate${reviewed.size === 0 ? '' : ` (${reviewed.size} phase${reviewed.size === 1 ? '' : 's'})`}:`,
    ),
    ...(attention.length > 0
      ? attention
      : ['  nothing: no item before the gate failed, was skipped or is pending']),
    '',
    `Gate ${out.paint('bold', `"${gate.name}"`)}: ${where}`,
    ...(gates.here.length > 1
      ? [out.paint('dim', `  the run's gates: ${listWords(gates.here, state)}`)]
      : []),
  ]
  return `${lines.join('\n')}\n`
}

function titleOf(phases: readonly { id: string; title: string }[], id: string): string {
  return phases.find((phase) => phase.id === id)?.title ?? id
}

/** "driven by ana@laptop-7 (arn:…), last seen 12 s ago", or that no one holds it. */
function drivenWords(lease: LeaseRecord | undefined, now: Date): string {
  if (!lease) return 'not driven by anyone now'
  const expired = Date.parse(lease.expiresAt) <= now.getTime()
  return `${expired ? 'last driven' : 'driven'} by ${driverName(lease)} (${lease.arn}), last seen ${sinceWords(lease.renewedAt, now)}`
}

/** What the approval lets the driver do next. */
function followingWords(gate: Gate, gates: RunGates, run: TeamRunState): string {
  const { checklist } = gates
  const others = gates.here.filter(
    (other) => other !== gate && other.before === gate.before && !approvalAt(other, run.state),
  )
  if (others.length > 0) {
    return `the run still ${waitingWords(others[0] as Gate, run.header.id).replace('waiting', 'waits')}`
  }
  const next = gate.before ? titleOf(checklist.phases, gate.before) : 'the sign-off'
  return `the driver's wizard opens ${next} as soon as it sees the approval`
}

/** A yes/no question on the terminal; without one, a UserError saying to pass --yes. */
async function confirm(out: Terminal, question: string): Promise<boolean> {
  if (!process.stdin.isTTY) {
    throw new UserError('approving needs a confirmation, and there is no terminal to ask on', {
      hint: 'read the run above, then run the same command with --yes',
    })
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout })
  try {
    const answer = await rl.question(out.shown(question))
    return /^y(es)?$/i.test(answer.trim())
  } finally {
    rl.close()
  }
}
