/**
 * What the wizard's keys and prompts do, once a run is open, as plain functions
 * over the session and the navigation state: answering, running the due
 * checks, re-running the failed ones, trusting, signing, finishing. Nothing
 * here draws or reads keys (use-wizard.ts turns keys into these commands), so
 * tests call them on a real session without Ink.
 *
 * Answers go through the session, which writes them to disk and only then
 * changes its snapshot; moving around is dispatched to the navigation reducer.
 */
import type { Gate, Item } from '../checklist/model.ts'
import { isWrite, needsTrust } from '../checks/registry.ts'
import { waitingWords } from '../run/approvals.ts'
import { contradiction, unconfirmedWarnings } from '../run/claims.ts'
import { blankSignoff, failedItems } from '../run/describe.ts'
import type { ItemState } from '../run/model.ts'
import type { RunSession } from '../run/session.ts'
import { type ChecksInFlight, liveCheck, startedCount } from '../run/snapshot.ts'
import { isProblem } from '../vocabulary.ts'
import { withBlank } from './item-blanks.ts'
import { KEYMAP, type KeyCommand } from './keymap.ts'
import { appliesIn, type Layout, outOfScopeReason } from './layout.ts'
import { runningWords } from './running-words.ts'
import {
  currentPhase,
  dueChecks,
  gateAt,
  isStale,
  moveAction,
  type Prompt,
  pendingCount,
  selectedItem,
  type WizardAction,
  type WizardState,
} from './use-wizard-state.ts'

export type WizardExit =
  | { readonly kind: 'quit' }
  | { readonly kind: 'finished'; readonly sheetPath: string }

export interface WizardContext {
  readonly session: RunSession
  readonly layout: Layout
  /** Where the operator is, with every action dispatched so far (keys come faster than renders). */
  readonly navigation: () => WizardState
  readonly dispatch: (action: WizardAction) => void
  /** Results older than this are due to run again. */
  readonly staleAfterMs: number
  readonly sheetPath: string
  /** Rows the list shows at once: PgUp/PgDn move by this much. */
  readonly pageSize: number
  /** The expanded detail pane as last drawn: how far it scrolls, and by how much a page. */
  readonly detailScroll?: () => { readonly max: number; readonly page: number }
  readonly onExit: (exit: WizardExit) => void
  readonly now: () => number
}

/**
 * The commands that answer the selected item or run its check: for an item the checklist scopes
 * to other environments, the operator says it applies here first, with o.
 */
const ANSWERING: ReadonlySet<KeyCommand> = new Set(
  KEYMAP.filter((row) => row.answers).flatMap((row) => row.presses.map((press) => press.command)),
)

/**
 * What a phase held back by a gate refuses (one before every phase holds back the first): it
 * is shown, but nothing in it is answered, noted or checked until the approval is in.
 */
const HELD: ReadonlySet<KeyCommand> = new Set([
  ...ANSWERING,
  'override-scope',
  'note',
  'rerun-failed',
])

export type WizardCommands = ReturnType<typeof wizardCommands>

export function wizardCommands(context: WizardContext) {
  const { session, layout, dispatch, navigation, now } = context
  const notify = (text: string, tone: 'info' | 'warn' = 'info') =>
    dispatch({ type: 'notify', notice: { tone, text } })
  const open = (prompt: Prompt) => dispatch({ type: 'open-prompt', prompt })

  /** The gate not yet approved holding back the phase at `index` (the sign-off's: phases.length). */
  const heldAt = (index: number): Gate | null => gateAt(layout, session.snapshot.run, index)
  /** The gate holding back what is on screen now, if any. */
  const heldHere = (): Gate | null => {
    const state = navigation()
    return heldAt(state.screen === 'phase' ? state.phaseIndex : layout.phases.length)
  }
  const waiting = (gate: Gate) =>
    notify(waitingWords(gate, session.id, session.snapshot.sync !== undefined), 'warn')
  /** Moves to another phase (or the sign-off, past the last), unless a gate holds it back. */
  const goPhase = (by: number) => {
    const state = navigation()
    const target =
      state.screen === 'signoff' ? (by < 0 ? layout.phases.length - 1 : -1) : state.phaseIndex + by
    const gate = target >= 0 ? heldAt(target) : null
    if (gate) waiting(gate)
    else dispatch({ type: 'go-phase', by })
  }

  /** Runs a session verb; a failure to save is shown, loudly, instead of crashing the screen. */
  const save = (what: () => void): boolean => {
    try {
      what()
      return true
    } catch (error) {
      notify(`NOT SAVED: ${(error as Error).message}`, 'warn')
      return false
    }
  }

  const run = (itemIds: readonly string[], isExplicit: boolean) => {
    if (itemIds.length === 0) return
    session.runChecks(itemIds, { isExplicit }).catch((error: unknown) => {
      notify(`checks stopped: ${(error as Error).message}`, 'warn')
    })
  }

  /**
   * Whether an item's check runs on its own (the wizard opening, a phase entered): never run or
   * stale, not running, not a write, and not a command while the checklist is not trusted.
   */
  const isDue = (item: Item): boolean => {
    const { run: current, running, isTrusted } = session.snapshot
    if (!item.check || item.id in running || isWrite(item)) return false
    if (!appliesIn(item, current)) return false
    if (needsTrust(item) && !isTrusted) return false
    const check = current.items[item.id]?.check
    return !check || isStale(check, now(), context.staleAfterMs)
  }

  /**
   * As the wizard opens or a phase is entered: the due ones of these items run. Commands the
   * operator just declined to trust are not run, which would replace their results with "not run".
   */
  const runDue = (itemIds: readonly string[]) =>
    run(
      itemIds.filter((id) => {
        const item = layout.items.get(id)
        return item !== undefined && isDue(item)
      }),
      false,
    )

  /** The due checks of the phase entered; none while a gate holds it back. */
  const enterPhase = (phaseId: string | undefined) => {
    const index = layout.phases.findIndex((p) => p.id === phaseId)
    const phase = layout.phases[index]
    if (phase && !heldAt(index)) runDue(phase.items.map((item) => item.id))
  }

  let isFinishing = false
  const finish = () => {
    if (isFinishing) return
    isFinishing = true
    // The sheet's renderer, and the markdown parser it reads item texts with, load when a run
    // is finished: the wizard's first frame does without them.
    import('../report/sheet.ts').then(
      ({ SIGN_OFF_SHEET }) => {
        isFinishing = false
        if (save(() => session.finish(context.sheetPath, SIGN_OFF_SHEET))) {
          context.onExit({ kind: 'finished', sheetPath: context.sheetPath })
        }
      },
      (error: unknown) => {
        isFinishing = false
        notify(
          `NOT SAVED: the sign-off sheet could not be made: ${(error as Error).message}`,
          'warn',
        )
      },
    )
  }

  /**
   * A standing sign-off claim that all went well ("All checks passed: Yes") that items failed
   * since it was entered read against, not yet confirmed again; null when there is none.
   */
  const unconfirmedClaim = () => {
    const { run: current } = session.snapshot
    const failed = failedItems(current)
    for (const field of layout.signoff) {
      const entry = current.signoff[field.id]
      if (field.given !== null || !entry?.value.trim()) continue
      const since = unconfirmedWarnings(field, entry, failed)
      const note = contradiction(
        field,
        entry.value,
        failed.map((item) => item.text),
      )
      if (since.length > 0 && note) return { field, value: entry.value, since, note }
    }
    return null
  }

  /**
   * Finishes the run once every claim the run reads against is confirmed: one that items failed
   * after is asked about again, as it was when chosen, and the confirmation is recorded as then.
   */
  const confirmClaimsThenFinish = () => {
    const claim = unconfirmedClaim()
    if (!claim) return finish()
    open({
      kind: 'contradicts',
      fieldId: claim.field.id,
      value: claim.value,
      note: claim.note,
      since: claim.since.join('; '),
      andFinish: true,
    })
  }

  /** Saves an answer; once saved, `d` `f` `s` `a` move on to the next item to answer. */
  const answer = (itemId: string, answerState: ItemState, note?: string) => {
    const isSaved = save(() => session.answer(itemId, answerState, note))
    if (isSaved && answerState !== 'pending')
      dispatch({ type: 'move-to-next-open', run: session.snapshot.run })
  }

  /**
   * `o` on an item the checklist scopes to other environments: it applies here after all,
   * recorded in the run (and on the sheet); `o` again and the checklist's scope stands.
   */
  const overrideScope = (item: Item) => {
    const reason = outOfScopeReason(item, session.environment)
    if (reason === null) {
      notify('this item applies here already; a marks it not applicable')
    } else if (item.id in session.snapshot.run.overrides) {
      if (save(() => session.overrideScope(item.id, false)))
        notify(`does not apply here again: ${reason}`)
    } else if (save(() => session.overrideScope(item.id, true))) {
      notify('applies here after all: recorded in the run and on the sheet (o again undoes it)')
    }
  }

  const runSelected = (item: Item) => {
    const inFlight = item.id in session.snapshot.running
    if (!item.check) {
      notify('a manual item: mark it with d, f, s or a')
    } else if (inFlight) {
      // Asked for already: say so, rather than start nothing without a word.
      notify(alreadyRunning(session.snapshot.running, item.id, now()))
    } else if (session.needsTrustFor([item.id])) {
      open({ kind: 'trust', andRun: [item.id], isExplicit: true })
    } else run([item.id], true)
  }

  /**
   * `A`: every due check of every phase. Like entering the phases, not like `r`: a result
   * leaves an item the operator skipped or marked not applicable as it is.
   */
  const runAllDue = () => {
    // A phase a gate holds back is not answered yet, by a person or by a check.
    const enterable = new Set(
      layout.phases.flatMap((phase, index) => (heldAt(index) ? [] : phase.items.map((i) => i.id))),
    )
    const everyDue = dueChecks({ layout, ...session.snapshot }, now(), context.staleAfterMs)
    const due = everyDue.map((item) => item.id).filter((id) => enterable.has(id))
    const gate = heldAt(layout.phases.length)
    if (due.length === 0 && everyDue.length > 0 && gate) {
      waiting(gate)
    } else if (due.length === 0) {
      notify(nothingDue())
    } else if (session.needsTrustFor(due)) {
      open({ kind: 'trust', andRun: due, isExplicit: false })
    } else {
      run(due, false)
      const past = everyDue.length > due.length ? ' before the gate' : ''
      notify(`running ${due.length} due check${due.length === 1 ? '' : 's'} of all phases${past}`)
    }
  }

  /**
   * Why `A` found nothing to run, as it is: checks still running are not "passed lately", and
   * a write is never due (it runs only with r).
   */
  const nothingDue = (): string => {
    const { run: current, running } = session.snapshot
    const inFlight = Object.keys(running).length
    const checks = [...layout.items.values()].filter(
      (item) => item.check && appliesIn(item, current) && !(item.id in running),
    )
    const writes = checks.filter((item) => isWrite(item) && !isFresh(item)).length
    const rest =
      writes > 0 ? ` (${count(writes, 'write')} ${writes === 1 ? 'runs' : 'run'} only with r)` : ''
    if (inFlight > 0) {
      const started = startedCount(running)
      const queued = inFlight - started
      const what =
        started === 0
          ? `${count(queued, 'check')} ${queued === 1 ? 'is' : 'are'} queued`
          : `${count(started, 'check')} ${started === 1 ? 'is' : 'are'} still running${queued > 0 ? ` (${queued} more queued)` : ''}`
      return `${what}; nothing else is due${rest}`
    }
    if (checks.length === 0) return 'no checks are due: none applies here'
    return writes > 0 && writes === checks.length
      ? `no checks are due${rest}`
      : `no checks are due: each one passed lately${rest}`
  }

  /** A check whose last result is a pass not yet stale: not due. */
  const isFresh = (item: Item): boolean => {
    const check = session.snapshot.run.items[item.id]?.check
    return check?.status === 'pass' && !isStale(check, now(), context.staleAfterMs)
  }

  /** `R`: the checks of this phase whose last result is a problem, run again as if asked one by one. */
  const rerunFailed = () => {
    const phase = currentPhase(navigation())
    if (!phase) return
    const { run: current, running } = session.snapshot
    // A write runs again only by itself (r): see isWrite.
    const failed = phase.items.filter((item) => {
      if (isWrite(item) || !appliesIn(item, current)) return false
      return isProblem(current.items[item.id]?.check?.status)
    })
    // One running again already is not run twice, nor counted as started now.
    const idle = failed.filter((item) => !(item.id in running))
    const busy = phase.items.filter((item) => item.id in running).length
    if (idle.length === 0) {
      const still =
        busy > 0 ? `; ${count(busy, 'check')} ${busy === 1 ? 'is' : 'are'} still running` : ''
      notify(
        failed.length > 0
          ? `the failed checks of this phase are running again already${still.replace(/^;/, ':')}`
          : `no failed checks in this phase${still}`,
      )
      return
    }
    run(
      idle.map((item) => item.id),
      true,
    )
  }

  /** `p`: the reference pages, or why there are none. */
  const openPages = () => {
    if (layout.references.length > 0) open({ kind: 'pages' })
    else notify('no reference pages: every section of this checklist has items')
  }

  /** The sign-off fields an item's text holds that are still blank, in order. */
  const unfilledFieldsOf = (itemId: string) =>
    layout.signoff.filter(
      (field) =>
        field.itemId === itemId &&
        field.given === null &&
        !session.snapshot.run.signoff[field.id]?.value,
    )

  /**
   * Enters a sign-off field. From the sign-off screen the cursor moves to the next field; from an
   * item that is sign-off blanks (`itemId`), its next blank is asked, until all are filled, and
   * then the cursor moves on.
   */
  const sign = (fieldId: string, value: string, note: string | undefined, itemId?: string) => {
    if (!save(() => session.sign(fieldId, value, note))) return
    if (itemId === undefined) {
      dispatch({ type: 'move', by: 1 })
      return
    }
    const next = unfilledFieldsOf(itemId)[0]
    if (next) open({ kind: 'signoff', fieldId: next.id, itemId })
    // All filled, the item is done: on to the next item to answer, as after any other d.
    else dispatch({ type: 'move-to-next-open', run: session.snapshot.run })
  }

  /**
   * `u`: back to pending. An item that is sign-off blanks was answered by filling them, so its
   * entries are cleared too, each as an entry in the journal: the item, the sign-off screen and
   * the sheet then agree that nothing was entered.
   */
  const unanswer = (itemId: string) => {
    const filled = layout.signoff.filter(
      (field) =>
        field.itemId === itemId &&
        field.given === null &&
        session.snapshot.run.signoff[field.id]?.value,
    )
    save(() => {
      for (const field of filled) session.sign(field.id, '')
      session.answer(itemId, 'pending')
    })
  }

  /** What a key's command does to the selected item on the phase screen. */
  const onItem = (command: KeyCommand, item: Item) => {
    if (command === 'override-scope') return overrideScope(item)
    if (ANSWERING.has(command) && !appliesIn(item, session.snapshot.run)) {
      // Answered or run, it would count as if it applied: the operator says so first, with o.
      // Short enough for one line at 80 columns: the detail pane has the reason in full.
      const scope = item.scope.environments?.length
        ? `${item.scope.environments.join(', ')} only`
        : 'no environment'
      const where = /line \d+/.exec(item.scope.reason ?? '')?.[0] ?? `line ${item.line}`
      notify(`does not apply to ${session.environment} (${scope}, ${where}): o to apply it here`)
      return
    }
    // An item that is sign-off blanks is done by filling them, here or on the sign-off screen.
    const blank = command === 'done' ? unfilledFieldsOf(item.id)[0] : undefined
    if (blank) return open({ kind: 'signoff', fieldId: blank.id, itemId: item.id })
    switch (command) {
      case 'done':
        answer(item.id, 'done')
        // What the step asks to write down, asked now: enter with nothing leaves it blank.
        if (item.blanks.length > 0 && session.snapshot.run.items[item.id]?.state === 'done')
          open({ kind: 'blanks', itemId: item.id, index: 0 })
        return
      case 'fail':
        return open({ kind: 'fail', itemId: item.id })
      case 'skip':
        return open({ kind: 'skip', itemId: item.id })
      case 'not-applicable':
        return answer(item.id, 'na')
      case 'pending':
        return unanswer(item.id)
      case 'note':
        return open({ kind: 'note', itemId: item.id })
      case 'run':
        return runSelected(item)
      default:
        return
    }
  }

  /** Does what a key's command says, on the screen shown now. */
  const perform = (command: KeyCommand) => {
    const state = navigation()
    const gate = HELD.has(command) ? heldHere() : null
    if (gate) return waiting(gate)
    const move = moveAction(command, state, context)
    if (move) return dispatch(move)
    switch (command) {
      case 'quit':
        return context.onExit({ kind: 'quit' })
      case 'previous-phase':
        return goPhase(-1)
      case 'next-phase':
        return goPhase(1)
      case 'help':
        return open({ kind: 'help' })
      case 'pages':
        return openPages()
      case 'toggle-expanded':
        return dispatch({ type: 'toggle-expanded' })
      case 'fill': {
        const field = layout.signoff[state.signoffCursor]
        if (field) open({ kind: 'signoff', fieldId: field.id })
        return
      }
      case 'finish': {
        const gate = heldAt(layout.phases.length)
        if (gate) return waiting(gate)
        const run = session.snapshot.run
        const pending = pendingCount({ layout, run })
        // A blank approver is as unfinished as a pending item: the sheet would say so, so ask.
        const blank = blankSignoff(layout.signoff, run)
        if (pending > 0 || blank.length > 0) open({ kind: 'finish', pending, blank })
        else confirmClaimsThenFinish()
        return
      }
      case 'rerun-failed':
        return rerunFailed()
      case 'run-all-due':
        return runAllDue()
      default: {
        const item = selectedItem(state)
        if (item) onItem(command, item)
      }
    }
  }

  /** What the open prompt's answer does. */
  const answerPrompt = (prompt: Prompt, value: string | boolean) => {
    dispatch({ type: 'close-prompt' })
    switch (prompt.kind) {
      case 'skip':
        answer(prompt.itemId, 'skipped', String(value))
        return
      case 'fail':
        answer(prompt.itemId, 'failed', String(value))
        return
      case 'note':
        if (String(value).trim()) save(() => session.note(prompt.itemId, String(value)))
        return
      case 'blanks': {
        // Each one saved as it is entered: esc leaves the rest blank, not those typed already.
        const blanks = layout.items.get(prompt.itemId)?.blanks ?? []
        const blank = blanks[prompt.index]
        if (!blank) return
        const current = session.snapshot.run.items[prompt.itemId]?.note ?? ''
        const note = withBlank(current, blank.label, String(value))
        if (note !== current && !save(() => session.note(prompt.itemId, note))) return
        if (prompt.index + 1 < blanks.length)
          open({ kind: 'blanks', itemId: prompt.itemId, index: prompt.index + 1 })
        return
      }
      case 'signoff': {
        const field = layout.signoff.find((f) => f.id === prompt.fieldId)
        // The failed items as the sheet and `f` hold a claim against them (run/describe.ts).
        const failed = failedItems(session.snapshot.run).map((item) => item.text)
        const note = field ? contradiction(field, String(value), failed) : null
        if (note) {
          open({
            kind: 'contradicts',
            fieldId: prompt.fieldId,
            value: String(value),
            note,
            ...(prompt.itemId !== undefined ? { itemId: prompt.itemId } : {}),
          })
          return
        }
        sign(prompt.fieldId, String(value), undefined, prompt.itemId)
        return
      }
      case 'contradicts':
        if (!prompt.andFinish) {
          if (value === true) sign(prompt.fieldId, prompt.value, prompt.note, prompt.itemId)
        } else if (value !== true) {
          const label = layout.signoff.find((f) => f.id === prompt.fieldId)?.label ?? 'the entry'
          notify(
            `not finished: change ${label} on the sign-off screen, or f to be asked again`,
            'warn',
          )
        } else if (save(() => session.sign(prompt.fieldId, prompt.value, prompt.note))) {
          confirmClaimsThenFinish()
        }
        return
      case 'trust':
        if (value === true && save(() => session.trust())) run(prompt.andRun, prompt.isExplicit)
        else {
          // The checks that are not commands run all the same.
          run(
            prompt.andRun.filter((id) => !session.needsTrustFor([id])),
            prompt.isExplicit,
          )
          notify('not trusted: its commands stay manual')
        }
        return
      case 'finish':
        if (value === true) confirmClaimsThenFinish()
        return
      case 'pages':
        open({ kind: 'page', sectionId: String(value) })
        return
      case 'help':
      case 'page':
        return
    }
  }

  return {
    perform,
    answerPrompt,
    answer,
    runDue,
    enterPhase,
    runAllDue,
    rerunFailed,
    isDue,
  }
}

/** "1 check", "3 checks". */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`
}

/**
 * `r` on a check already asked for: running ("already running: 2m14s · try 4/4"), or waiting
 * its turn ("already queued: 4 checks to this server are running").
 */
function alreadyRunning(running: ChecksInFlight, itemId: string, now: number): string {
  const entry = running[itemId]
  const live = liveCheck(entry)
  if (live) return `already ${runningWords(live, now)}: its result shows here when it is in`
  const why = entry && 'queued' in entry ? entry.queued : null
  return `already queued${why ? `: ${why}` : ''}; it starts by itself`
}
