/**
 * Keys → actions for the wizard once a run is open. Answers go through the
 * session, which writes them to disk and only then dispatches them; moving
 * around is dispatched directly. Also starts checks: the stale ones of a
 * resumed run at once, and a phase's checks that have no fresh result when the
 * operator enters it.
 */
import { type Key, useInput } from 'ink'
import { useCallback, useEffect } from 'react'
import type { Item } from '../checklist/model.ts'
import { isWrite, needsTrust } from '../checks/registry.ts'
import { SIGN_OFF_SHEET } from '../report/sheet.ts'
import { contradiction } from '../run/claims.ts'
import type { ItemState } from '../run/model.ts'
import type { RunSession } from '../run/session.ts'
import { isProblem } from '../vocabulary.ts'
import { keysOf } from './keys.ts'
import { appliesIn, outOfScopeReason } from './layout.ts'
import {
  currentPhase,
  dueChecks,
  initialWizardState,
  isStale,
  itemsIn,
  type Notice,
  type Prompt,
  pendingCount,
  positionOf,
  selectedItem,
  useWizardState,
  type WizardState,
} from './use-wizard-state.ts'

/** Keys that answer the selected item or run its check: for an item that does not apply here, o first. */
const ANSWER_KEYS = new Set(['d', 'f', 's', 'a', 'u', 'r'])

export type WizardExit =
  | { readonly kind: 'quit' }
  | { readonly kind: 'finished'; readonly sheetPath: string }

export interface UseWizardOptions {
  readonly session: RunSession
  readonly layout: WizardState['layout']
  /** Results older than this are run again when their phase is entered. */
  readonly staleAfterMs: number
  /** Checks to run as soon as the wizard opens (a resumed run's stale results). */
  readonly initialChecks: readonly string[]
  readonly sheetPath: string
  /** Rows the list shows at once: PgUp/PgDn move by this much. */
  readonly pageSize: number
  /** The screen is not drawn (the terminal is too small): keys do nothing, but q still quits. */
  readonly isHidden?: boolean
  readonly onExit: (exit: WizardExit) => void
  readonly now?: () => number
  /** Shown when the wizard opens, until moving on clears it. */
  readonly notice?: Notice
}

export function useWizard(options: UseWizardOptions) {
  const { session, layout, onExit } = options
  const now = options.now ?? Date.now
  const [state, dispatch, latest] = useWizardState(() => ({
    ...initialWizardState(layout, session.state),
    notice: options.notice ?? null,
  }))

  useEffect(() => session.subscribe(dispatch), [session, dispatch])
  // Left by q, Ctrl-C, a signal or a closed terminal, the wizard is unmounted: the run notes
  // where, so a resume opens there.
  useEffect(() => () => session.leave(positionOf(latest())), [session, latest])

  /** Runs a session verb; a failure to save is shown, loudly, instead of crashing the screen. */
  const save = useCallback(
    (what: () => void): boolean => {
      try {
        what()
        return true
      } catch (error) {
        dispatch({
          type: 'notify',
          notice: { tone: 'warn', text: `NOT SAVED: ${(error as Error).message}` },
        })
        return false
      }
    },
    [dispatch],
  )

  const run = useCallback(
    (itemIds: readonly string[], isExplicit: boolean) => {
      if (itemIds.length === 0) return
      session.runChecks(itemIds, { isExplicit }).catch((error: unknown) => {
        dispatch({
          type: 'notify',
          notice: { tone: 'warn', text: `checks stopped: ${(error as Error).message}` },
        })
      })
    },
    [session, dispatch],
  )

  const isDue = useCallback(
    (item: Item) => {
      if (!item.check || session.runningChecks.has(item.id) || isWrite(item)) return false
      if (!appliesIn(item, session.state)) return false
      if (needsTrust(item) && !session.isTrusted) return false
      const check = session.state.items[item.id]?.check
      return !check || isStale(check, now(), options.staleAfterMs)
    },
    [session, now, options.staleAfterMs],
  )

  // biome-ignore lint/correctness/useExhaustiveDependencies: once, when the wizard opens
  useEffect(() => {
    // As on entering a phase: commands the operator just declined to trust are not run, which
    // would replace their earlier results with "not run".
    run(
      options.initialChecks.filter((id) => {
        const item = layout.items.get(id)
        return item !== undefined && isDue(item)
      }),
      false,
    )
  }, [])

  const phaseId = currentPhase(state)?.id
  // biome-ignore lint/correctness/useExhaustiveDependencies: on entering a phase, not on every answer
  useEffect(() => {
    const phase = layout.phases.find((p) => p.id === phaseId)
    if (phase)
      run(
        phase.items.filter(isDue).map((item) => item.id),
        false,
      )
  }, [phaseId])

  const finish = useCallback(() => {
    if (save(() => session.finish(options.sheetPath, SIGN_OFF_SHEET))) {
      onExit({ kind: 'finished', sheetPath: options.sheetPath })
    }
  }, [save, session, options.sheetPath, onExit])

  /** Saves an answer; once saved, `d` `f` `s` `a` move on to the next item to answer. */
  const answer = (itemId: string, answerState: ItemState, note?: string) => {
    const isSaved = save(() => session.answer(itemId, answerState, note))
    if (isSaved && answerState !== 'pending') dispatch({ type: 'move-to-next-open' })
  }

  /**
   * `o` on an item the checklist scopes to other environments: it applies here after all,
   * recorded in the run (and on the sheet); `o` again and the checklist's scope stands.
   */
  const overrideScope = (item: Item) => {
    const reason = outOfScopeReason(item, session.environment)
    const notify = (text: string) => dispatch({ type: 'notify', notice: { tone: 'info', text } })
    if (reason === null) {
      notify('this item applies here already; a marks it not applicable')
    } else if (item.id in session.state.overrides) {
      if (save(() => session.overrideScope(item.id, false)))
        notify(`does not apply here again: ${reason}`)
    } else if (save(() => session.overrideScope(item.id, true))) {
      notify('applies here after all: recorded in the run and on the sheet (o again undoes it)')
    }
  }

  const runSelected = (item: Item) => {
    if (!item.check) {
      dispatch({
        type: 'notify',
        notice: { tone: 'info', text: 'a manual item: mark it with d, f, s or a' },
      })
      return
    }
    if (session.needsTrustFor([item.id])) {
      dispatch({
        type: 'open-prompt',
        prompt: { kind: 'trust', andRun: [item.id], isExplicit: true },
      })
      return
    }
    run([item.id], true)
  }

  /**
   * `A`: every due check of every phase. Like entering the phases, not like `r`: a result
   * leaves an item the operator skipped or marked not applicable as it is.
   */
  const runAllDue = () => {
    const due = dueChecks(latest(), now(), options.staleAfterMs)
      .filter((item) => !session.runningChecks.has(item.id))
      .map((item) => item.id)
    if (due.length === 0) {
      dispatch({
        type: 'notify',
        notice: { tone: 'info', text: 'no checks are due: each one passed lately' },
      })
    } else if (session.needsTrustFor(due)) {
      dispatch({ type: 'open-prompt', prompt: { kind: 'trust', andRun: due, isExplicit: false } })
    } else {
      run(due, false)
      dispatch({
        type: 'notify',
        notice: {
          tone: 'info',
          text: `running ${due.length} due check${due.length === 1 ? '' : 's'} of all phases`,
        },
      })
    }
  }

  const rerunFailed = () => {
    const phase = currentPhase(latest())
    if (!phase) return
    // A write runs again only by itself (r): see isWrite.
    const failed = phase.items.filter((item) => {
      if (isWrite(item) || !appliesIn(item, session.state)) return false
      const status = session.state.items[item.id]?.check?.status
      return isProblem(status)
    })
    if (failed.length === 0) {
      dispatch({ type: 'notify', notice: { tone: 'info', text: 'no failed checks in this phase' } })
      return
    }
    run(
      failed.map((item) => item.id),
      true,
    )
  }

  useInput(
    (input, key) => {
      for (const next of keysOf(input, key)) {
        // Keys after one that opened a prompt are the prompt's (lost: it is not drawn yet).
        if (latest().prompt !== null || !handleKey(next.input, next.key)) return
      }
    },
    { isActive: state.prompt === null },
  )

  /** `p`: the reference pages, or why there are none. */
  const openPages = () => {
    if (layout.references.length > 0) dispatch({ type: 'open-prompt', prompt: { kind: 'pages' } })
    else
      dispatch({
        type: 'notify',
        notice: {
          tone: 'info',
          text: 'no reference pages: every section of this checklist has items',
        },
      })
  }

  /** Does what one key says; false once the wizard is quitting. */
  function handleKey(input: string, key: Key): boolean {
    const current = latest()
    if (input === 'q') onExit({ kind: 'quit' })
    else if (options.isHidden) return true
    else if (key.upArrow || input === 'k') dispatch({ type: 'move', by: -1 })
    else if (key.downArrow || input === 'j') dispatch({ type: 'move', by: 1 })
    else if (key.pageUp) dispatch({ type: 'move', by: -options.pageSize })
    else if (key.pageDown) dispatch({ type: 'move', by: options.pageSize })
    else if (key.home || input === 'g') dispatch({ type: 'move-to', position: 'first' })
    else if (key.end || input === 'G') dispatch({ type: 'move-to', position: 'last' })
    else if (key.leftArrow || input === 'h') dispatch({ type: 'go-phase', by: -1 })
    else if (key.rightArrow || input === 'l' || key.tab) dispatch({ type: 'go-phase', by: 1 })
    else if (input === '?') dispatch({ type: 'open-prompt', prompt: { kind: 'help' } })
    else if (input === 'p') openPages()
    else if (current.screen === 'signoff') signoffKey(current, input, key.return)
    else phaseKey(current, input, key.return)
    return input !== 'q'
  }

  function signoffKey(state: WizardState, input: string, isReturn: boolean) {
    const field = state.layout.signoff[state.signoffCursor]
    if (isReturn && field) {
      dispatch({ type: 'open-prompt', prompt: { kind: 'signoff', fieldId: field.id } })
    } else if (input === 'f') {
      const pending = pendingCount({ layout, run: session.state })
      if (pending > 0) dispatch({ type: 'open-prompt', prompt: { kind: 'finish', pending } })
      else finish()
    }
  }

  function phaseKey(state: WizardState, input: string, isReturn: boolean) {
    const item = selectedItem(state)
    if (isReturn) dispatch({ type: 'toggle-expanded' })
    else if (input === 'R') rerunFailed()
    else if (input === 'A') runAllDue()
    if (!item) return
    const open = (kind: 'skip' | 'fail' | 'note') =>
      dispatch({ type: 'open-prompt', prompt: { kind, itemId: item.id } })
    if (input === 'o') return overrideScope(item)
    if (ANSWER_KEYS.has(input) && !appliesIn(item, session.state)) {
      // Answered or run, it would count as if it applied: the operator says so first, with o.
      const reason = outOfScopeReason(item, session.environment)
      dispatch({
        type: 'notify',
        notice: {
          tone: 'info',
          text: `does not apply to ${session.environment}: ${reason} — o if it applies here after all`,
        },
      })
      return
    }
    // An item that is sign-off blanks is done by filling them, here or on the sign-off screen.
    const blank = input === 'd' ? unfilledFieldsOf(item.id)[0] : undefined
    if (blank) {
      dispatch({
        type: 'open-prompt',
        prompt: { kind: 'signoff', fieldId: blank.id, itemId: item.id },
      })
    } else if (input === 'd') answer(item.id, 'done')
    else if (input === 'f') open('fail')
    else if (input === 's') open('skip')
    else if (input === 'a') answer(item.id, 'na')
    else if (input === 'u') answer(item.id, 'pending')
    else if (input === 'n') open('note')
    else if (input === 'r') runSelected(item)
  }

  /**
   * Enters a sign-off field. From the sign-off screen the cursor moves to the next field; from an
   * item that is sign-off blanks (`itemId`), its next blank is asked, until all are filled.
   */
  function sign(fieldId: string, value: string, note: string | undefined, itemId?: string) {
    if (!save(() => session.sign(fieldId, value, note))) return
    if (itemId === undefined) {
      dispatch({ type: 'move', by: 1 })
      return
    }
    const next = unfilledFieldsOf(itemId)[0]
    if (next) {
      dispatch({ type: 'open-prompt', prompt: { kind: 'signoff', fieldId: next.id, itemId } })
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
      case 'signoff': {
        const field = layout.signoff.find((f) => f.id === prompt.fieldId)
        const failed = itemsIn({ layout, run: session.state }, 'failed').map((item) => item.plain)
        const note = field ? contradiction(field, String(value), failed) : null
        if (note) {
          dispatch({
            type: 'open-prompt',
            prompt: {
              kind: 'contradicts',
              fieldId: prompt.fieldId,
              value: String(value),
              note,
              ...(prompt.itemId !== undefined ? { itemId: prompt.itemId } : {}),
            },
          })
          return
        }
        sign(prompt.fieldId, String(value), undefined, prompt.itemId)
        return
      }
      case 'contradicts':
        if (value === true) sign(prompt.fieldId, prompt.value, prompt.note, prompt.itemId)
        return
      case 'trust':
        if (value === true && save(() => session.trust())) run(prompt.andRun, prompt.isExplicit)
        else {
          // The checks that are not commands run all the same.
          run(
            prompt.andRun.filter((id) => !session.needsTrustFor([id])),
            prompt.isExplicit,
          )
          dispatch({
            type: 'notify',
            notice: { tone: 'info', text: 'not trusted: its commands stay manual' },
          })
        }
        return
      case 'finish':
        if (value === true) finish()
        return
      case 'pages':
        dispatch({ type: 'open-prompt', prompt: { kind: 'page', sectionId: String(value) } })
        return
      case 'help':
      case 'page':
        return
    }
  }

  /** The sign-off fields an item's text holds that are still blank, in order. */
  function unfilledFieldsOf(itemId: string) {
    return layout.signoff.filter(
      (field) =>
        field.itemId === itemId && field.given === null && !session.state.signoff[field.id]?.value,
    )
  }

  const closePrompt = useCallback(() => dispatch({ type: 'close-prompt' }), [dispatch])
  /** Another prompt in place of the open one (a page's esc goes back to the list). */
  const reopenPrompt = useCallback(
    (prompt: Prompt) => dispatch({ type: 'open-prompt', prompt }),
    [dispatch],
  )

  return { state, dispatch, answerPrompt, closePrompt, reopenPrompt }
}
