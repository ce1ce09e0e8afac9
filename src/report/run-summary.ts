/**
 * What the wizard prints when it closes: the run's totals and the items that
 * need someone's attention (finished), or how to pick the run up again (left
 * unfinished). Plain text, so it stays in the terminal's scrollback.
 */
import { basename, dirname, resolve } from 'node:path'
import { BUNDLED_FOLDER, resolveChecklistFile } from '../checklist/bundled.ts'
import type { Checklist } from '../checklist/model.ts'
import { shellQuote } from '../checks/shell-quote.ts'
import type { Painter } from '../output/terminal.ts'
import { appliesIn, decisionsAgainst, describeUnsaved, stateOf } from '../run/describe.ts'
import type { ItemState, RunState } from '../run/model.ts'
import type { UnsavedEntry } from '../run/session.ts'
import { ITEM_STATES } from '../vocabulary.ts'

const LISTED = 10

export function formatTotals(checklist: Checklist, state: RunState): string {
  const counts = countStates(checklist, state)
  return ITEM_STATES.map((s) =>
    s === 'failed'
      ? failedWords(checklist, state, counts.failed)
      : `${counts[s]} ${s === 'na' ? 'n/a' : s}`,
  ).join(' · ')
}

/**
 * The failed items in words. An item whose check errored or was blocked is failed (see the
 * README), but nothing was found wrong with what it checks: "46 not passed (3 failed, 40
 * errors, 3 blocked)" says so, where "46 failed" would not.
 */
function failedWords(checklist: Checklist, state: RunState, count: number): string {
  const by = { failed: 0, error: 0, blocked: 0 }
  for (const item of applicable(checklist, state)) {
    if (stateOf(item, state) !== 'failed') continue
    const record = state.items[item.id]
    const status = record?.byCheck ? record.check?.status : undefined
    by[status === 'error' || status === 'blocked' ? status : 'failed']++
  }
  if (by.error === 0 && by.blocked === 0) return `${count} failed`
  const parts = [
    ...(by.failed > 0 ? [`${by.failed} failed`] : []),
    ...(by.error > 0 ? [`${by.error} error${by.error === 1 ? '' : 's'}`] : []),
    ...(by.blocked > 0 ? [`${by.blocked} blocked`] : []),
  ]
  return `${count} not passed (${parts.join(', ')})`
}

/** Printed after a finished run: totals, what failed, was skipped or is pending, and the sheet. */
export function formatFinished(
  checklist: Checklist,
  state: RunState,
  sheetPath: string,
  out: Painter,
): string {
  const against = decisionsAgainst(checklist.signoff, state)
  const lines = [
    out.paint('bold', `Run ${state.header.id} finished — ${state.header.environment}`),
    `  ${formatTotals(checklist, state)}`,
    // What the sign-off decided against the release, before any count reads as a go.
    ...(against.length > 0
      ? [out.paint('red', `  Decided against the release: ${against.join(', ')}`)]
      : []),
    ...attentionLines(checklist, state, out),
  ]
  lines.push(
    `  Sign-off sheet: ${sheetPath}`,
    out.paint('dim', `  check it was not edited later with: deploy-wizard verify ${sheetPath}`),
  )
  return `${lines.join('\n')}\n`
}

/**
 * The items that need someone's attention, failed first, then skipped, then pending, each with
 * its note's first line: at most LISTED of each, then how many more. `phases`, when given,
 * keeps to the items of those phases (an approver reviews what came before their gate).
 */
export function attentionLines(
  checklist: Checklist,
  state: RunState,
  out: Painter,
  phases?: ReadonlySet<string>,
): string[] {
  const lines: string[] = []
  const attention: [ItemState, string, Parameters<Painter['paint']>[0]][] = [
    ['failed', 'Failed', 'red'],
    ['skipped', 'Skipped', 'yellow'],
    ['pending', 'Pending', 'yellow'],
  ]
  const shown = applicable(checklist, state).filter(
    (item) => phases === undefined || phases.has(item.phaseId),
  )
  for (const [which, title, colour] of attention) {
    const items = shown.filter((item) => stateOf(item, state) === which)
    if (items.length === 0) continue
    lines.push(out.paint(colour, `  ${title}:`))
    for (const item of items.slice(0, LISTED)) {
      const note = state.items[item.id]?.note
      lines.push(`    - ${item.plain}${note ? out.paint('dim', ` — ${note.split('\n')[0]}`) : ''}`)
    }
    if (items.length > LISTED) lines.push(`    … and ${items.length - LISTED} more (see the sheet)`)
  }
  return lines
}

/**
 * The checklist as the command line names it: a bundled one by its name, as it was typed
 * (`npx deploy-wizard run marketplace-api`), not by where npm's cache keeps it; any other
 * by its path.
 */
export function checklistArg(path: string): string {
  if (dirname(resolve(path)) !== resolve(BUNDLED_FOLDER)) return path
  const name = basename(path, '.md')
  // Only when the name still means this file here (no file of that name in the folder).
  return resolve(resolveChecklistFile(name)) === resolve(path) ? name : path
}

/** Printed when the wizard closes before the end: nothing is lost, and how to go on. */
export function formatLeft(checklist: Checklist, state: RunState, out: Painter): string {
  const { header } = state
  return (
    `${out.paint('bold', `Progress saved`)} — run ${header.id} (${formatTotals(checklist, state)})\n` +
    `  resume with: deploy-wizard run ${shellQuote(checklistArg(header.checklist.path))} --env ${header.environment}\n` +
    out.paint('dim', `  or: deploy-wizard run --resume ${header.id}\n`)
  )
}

/** Printed when the wizard closes with something not saved: what is on disk, and how to go on. */
export function formatPartlySaved(checklist: Checklist, state: RunState, out: Painter): string {
  const { header } = state
  return (
    `${out.paint('bold', 'Saved up to the failure')} — run ${header.id} (${formatTotals(checklist, state)})\n` +
    `  resume with: deploy-wizard run ${shellQuote(checklistArg(header.checklist.path))} --env ${header.environment}\n` +
    out.paint('dim', `  or: deploy-wizard run --resume ${header.id}\n`)
  )
}

/**
 * The last lines when something the operator entered could not be saved: how much, why,
 * where, and what to do. The run file holds everything else, intact.
 */
export function formatNotSaved(
  state: RunState,
  unsaved: readonly UnsavedEntry[],
  out: Painter,
): string {
  const last = unsaved.at(-1)
  const reason = last?.reason ?? 'the run file could not be written'
  const fix =
    reason === 'the disk is full'
      ? `free some space on the disk of ${last?.file ?? 'the run file'}`
      : `make ${last?.file ?? 'the run file'} writable again`
  return (
    `${out.paint('red', `NOT SAVED: ${describeUnsaved(unsaved)} of run ${state.header.id} — ${reason}.`)}\n` +
    `  Everything shown as saved is on disk, intact; these were never written.\n` +
    `  To keep them: ${fix}, resume the run and give them again.\n`
  )
}

/** What `deploy-wizard demo` prints when left early: its runs are not kept. */
export function formatDemoLeft(checklist: Checklist, state: RunState, out: Painter): string {
  return (
    `${out.paint('bold', 'Demo closed')} (${formatTotals(checklist, state)}); the sandbox is stopped.\n` +
    out.paint(
      'dim',
      '  Nothing was kept. Again: deploy-wizard demo · a real one: deploy-wizard run <file>\n',
    )
  )
}

function applicable(checklist: Checklist, state: RunState) {
  return checklist.items.filter((item) => appliesIn(item, state))
}

function countStates(checklist: Checklist, state: RunState): Record<ItemState, number> {
  const counts: Record<ItemState, number> = { done: 0, failed: 0, skipped: 0, na: 0, pending: 0 }
  for (const item of applicable(checklist, state)) counts[stateOf(item, state)]++
  return counts
}
