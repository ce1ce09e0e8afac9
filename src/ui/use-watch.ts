/**
 * Keys → moves for the watch screen: the wizard's keymap and its navigation
 * reducer, but only the keys that look (keymap.ts, `LOOKING_COMMANDS`).
 * A key that would answer, run or sign in the wizard does nothing here but say
 * so. The run is the watcher's snapshot, read as it is (never folded here), and
 * laid out from the checklist that snapshot says the run is on: when the driver
 * resumes with an edited file, the screen changes over to it, on the same places.
 */
import { useInput } from 'ink'
import { useCallback, useEffect, useMemo, useSyncExternalStore } from 'react'
import type { RunWatcher, WatchSnapshot } from '../run/watch.ts'
import { commandFor, type KeyCommand, LOOKING_COMMANDS } from './keymap.ts'
import { keysOf } from './keys.ts'
import { type Layout, layoutOf } from './layout.ts'
import { useWizardState } from './use-wizard-reducer.ts'
import { initialWizardState, moveAction, type Prompt, wizardReducer } from './use-wizard-state.ts'

/** How the watch was left: q or Esc, or Ctrl-C (an interrupt, as in the wizard). */
export type WatchExit = 'quit' | 'interrupted'

export interface UseWatchOptions {
  /** The watched run as last read, and its checklist laid out (useWatchedRun). */
  readonly snapshot: WatchSnapshot
  readonly layout: Layout
  /** Rows the list shows at once: PgUp/PgDn move by this much. */
  readonly pageSize: number
  /** The expanded detail pane as last drawn: how far it scrolls, and by how much a page. */
  readonly detailScroll?: () => { readonly max: number; readonly page: number }
  /** The screen is not drawn (the terminal is too small): keys do nothing, but q still quits. */
  readonly isHidden?: boolean
  readonly onExit: (exit: WatchExit) => void
}

/** Said when a key that acts in the wizard is pressed here. */
export const VIEW_ONLY_NOTICE = 'a view only: no key here changes the run (q quits)'

/** The watcher's latest snapshot, and the checklist it says the run is on, laid out. */
export function useWatchedRun(watcher: RunWatcher): {
  readonly snapshot: WatchSnapshot
  readonly layout: Layout
} {
  const subscribe = useCallback((onChange: () => void) => watcher.subscribe(onChange), [watcher])
  const snapshot = useSyncExternalStore(subscribe, () => watcher.snapshot)
  const { checklist } = snapshot
  const environment = snapshot.state.header.environment
  const layout = useMemo(() => layoutOf(checklist, environment), [checklist, environment])
  return { snapshot, layout }
}

export function useWatch(options: UseWatchOptions) {
  const { snapshot, layout } = options
  const [held, dispatch, latest] = useWizardState(() => initialWizardState(layout, snapshot.state))
  // The run moved on to another checklist: drawn over it at once, kept once drawn.
  const state = held.layout === layout ? held : wizardReducer(held, { type: 'relayout', layout })
  useEffect(() => {
    if (latest().layout !== layout) dispatch({ type: 'relayout', layout })
  }, [layout, latest, dispatch])
  const open = (prompt: Prompt) => dispatch({ type: 'open-prompt', prompt })

  const perform = (command: KeyCommand) => {
    const now = latest()
    const move = moveAction(command, now, options)
    if (move) return dispatch(move)
    switch (command) {
      case 'previous-phase':
        return dispatch({ type: 'go-phase', by: -1 })
      case 'next-phase':
        return dispatch({ type: 'go-phase', by: 1 })
      case 'help':
        return open({ kind: 'help' })
      case 'pages':
        if (layout.references.length > 0) return open({ kind: 'pages' })
        return dispatch({
          type: 'notify',
          notice: {
            tone: 'info',
            text: 'no reference pages: every section of this checklist has items',
          },
        })
      case 'toggle-expanded':
        return dispatch({ type: 'toggle-expanded' })
      default:
        return
    }
  }

  // Ctrl-C on every screen, prompts included.
  useInput((input, key) => {
    if (key.ctrl && input === 'c') options.onExit('interrupted')
  })

  useInput(
    (input, key) => {
      if (key.ctrl) return
      for (const next of keysOf(input, key)) {
        // Keys after one that opened the help or the pages are theirs.
        if (latest().prompt !== null) return
        if (next.key.escape) return options.onExit('quit')
        const found = commandFor(latest().screen, next.input, next.key)
        if (!found) continue
        if (found.command === 'quit') return options.onExit('quit')
        if (options.isHidden) continue
        if (LOOKING_COMMANDS.has(found.command)) perform(found.command)
        else dispatch({ type: 'notify', notice: { tone: 'info', text: VIEW_ONLY_NOTICE } })
      }
    },
    { isActive: state.prompt === null },
  )

  const closePrompt = useCallback(() => dispatch({ type: 'close-prompt' }), [dispatch])
  const reopenPrompt = useCallback(
    (prompt: Prompt) => dispatch({ type: 'open-prompt', prompt }),
    [dispatch],
  )
  /** The reference pages' list answers with the page to read. */
  const answerPrompt = useCallback(
    (prompt: Prompt, value: string | boolean) => {
      dispatch({ type: 'close-prompt' })
      if (prompt.kind === 'pages')
        dispatch({ type: 'open-prompt', prompt: { kind: 'page', sectionId: String(value) } })
    },
    [dispatch],
  )

  return { state, closePrompt, reopenPrompt, answerPrompt }
}
