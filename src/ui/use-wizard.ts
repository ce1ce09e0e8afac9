/**
 * Keys → commands for the wizard once a run is open, as ink-ui's `use-select`
 * does it: the keymap (keymap.ts) says which command a key runs on the screen
 * shown, and wizard-commands.ts does it. The screen reads the session's
 * snapshot (the run and its checks in flight) as it is, never folding the run
 * itself. Also starts checks: the stale ones of a resumed run at once, and a
 * phase's checks that have no fresh result when the operator enters it.
 */
import { useInput } from 'ink'
import { useCallback, useEffect, useRef, useSyncExternalStore } from 'react'
import { waitingWords } from '../run/approvals.ts'
import type { RunSession } from '../run/session.ts'
import { commandFor } from './keymap.ts'
import { keysOf } from './keys.ts'
import { useWizardState } from './use-wizard-reducer.ts'
import {
  currentPhase,
  gateAt,
  initialWizardState,
  type Notice,
  type Prompt,
  positionOf,
  type WizardState,
} from './use-wizard-state.ts'
import { type WizardExit, wizardCommands } from './wizard-commands.ts'

export type { WizardExit } from './wizard-commands.ts'

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
  /** The expanded detail pane as last drawn: how far it scrolls, and by how much a page. */
  readonly detailScroll?: () => { readonly max: number; readonly page: number }
  /** The screen is not drawn (the terminal is too small): keys do nothing, but q still quits. */
  readonly isHidden?: boolean
  readonly onExit: (exit: WizardExit) => void
  readonly now?: () => number
  /** Shown when the wizard opens, until moving on clears it. */
  readonly notice?: Notice
}

export function useWizard(options: UseWizardOptions) {
  const { session, layout } = options
  const [state, dispatch, latest] = useWizardState(() => ({
    ...initialWizardState(layout, session.snapshot.run),
    notice: options.notice ?? null,
  }))
  // The run and its checks in flight: the session's one copy, read as it is (never folded here).
  const subscribe = useCallback((onChange: () => void) => session.subscribe(onChange), [session])
  const snapshot = useSyncExternalStore(subscribe, () => session.snapshot)
  // Left by q, Ctrl-C, a signal or a closed terminal, the wizard is unmounted: the run notes
  // where, so a resume opens there.
  useEffect(() => () => session.leave(positionOf(latest())), [session, latest])

  const commands = wizardCommands({
    session,
    layout,
    navigation: latest,
    dispatch,
    staleAfterMs: options.staleAfterMs,
    sheetPath: options.sheetPath,
    pageSize: options.pageSize,
    ...(options.detailScroll ? { detailScroll: options.detailScroll } : {}),
    onExit: options.onExit,
    now: options.now ?? Date.now,
  })
  // The effects below run the commands of the render they were first made in.
  const latestCommands = useRef(commands)
  latestCommands.current = commands

  // biome-ignore lint/correctness/useExhaustiveDependencies: once, when the wizard opens
  useEffect(() => latestCommands.current.runDue(options.initialChecks), [])

  const phaseId = currentPhase(state)?.id
  // A gate before every phase holds back the one shown: its checks run once the approval is in.
  const isHeld = phaseId !== undefined && gateAt(layout, snapshot.run, state.phaseIndex) !== null
  // On entering a phase, not on every answer.
  // biome-ignore lint/correctness/useExhaustiveDependencies: isHeld turning false opens the phase
  useEffect(() => latestCommands.current.enterPhase(phaseId), [phaseId, isHeld])

  // An approval arriving (adopted from the team store while the wizard runs) is said at once.
  const approvals = snapshot.run.approvals
  const seenApprovals = useRef(approvals)
  useEffect(() => {
    const before = seenApprovals.current
    seenApprovals.current = approvals
    const gate = layout.gates.find((g) => approvals?.[g.name] && !before?.[g.name])
    const approval = gate && approvals?.[gate.name]
    if (!gate || !approval) return
    const index =
      gate.before === null
        ? layout.phases.length
        : layout.phases.findIndex((p) => p.id === gate.before)
    const still = gateAt(layout, session.snapshot.run, index)
    const next =
      gate.before === null ? 'the sign-off' : (layout.phases[index]?.title ?? 'the next phase')
    dispatch({
      type: 'notify',
      notice: {
        tone: 'info',
        text: still
          ? `approved: ${gate.name} by ${approval.by}; still ${waitingWords(still, session.id)}`
          : `approved: ${gate.name} by ${approval.by} — ${next} is open (→)`,
      },
    })
  }, [approvals, layout, session, dispatch])

  useInput(
    (input, key) => {
      for (const next of keysOf(input, key)) {
        // Keys after one that opened a prompt are the prompt's (lost: it is not drawn yet).
        if (latest().prompt !== null) return
        const found = commandFor(latest().screen, next.input, next.key)
        if (found?.command === 'quit') return commands.perform('quit')
        // Not drawn (too small a terminal): keys do nothing unseen, but q still quits.
        if (found && !options.isHidden) commands.perform(found.command)
      }
    },
    { isActive: state.prompt === null },
  )

  const closePrompt = useCallback(() => dispatch({ type: 'close-prompt' }), [dispatch])
  /** Another prompt in place of the open one (a page's esc goes back to the list). */
  const reopenPrompt = useCallback(
    (prompt: Prompt) => dispatch({ type: 'open-prompt', prompt }),
    [dispatch],
  )

  return {
    state,
    snapshot,
    dispatch,
    answerPrompt: commands.answerPrompt,
    closePrompt,
    reopenPrompt,
  }
}
