/**
 * The wizard's state (use-wizard-state.ts) held by React: its reducer, with the state as the
 * keys dispatched so far leave it, for keys that arrive together.
 */
import { useCallback, useReducer, useRef } from 'react'
import { type WizardAction, type WizardState, wizardReducer } from './use-wizard-state.ts'

/**
 * The state, a dispatch, and `latest()`: the state once React has rendered everything dispatched
 * so far. Keys that arrive together are handled before React renders between them, so each must
 * look at `latest()` to see what the keys before it did (the reducer is pure: the same actions
 * give the same state).
 */
export function useWizardState(initial: () => WizardState) {
  const [state, dispatchToReact] = useReducer(wizardReducer, undefined, initial)
  const latestState = useRef(state)
  const dispatch = useCallback((action: WizardAction) => {
    latestState.current = wizardReducer(latestState.current, action)
    dispatchToReact(action)
  }, [])
  const latest = useCallback(() => latestState.current, [])
  return [state, dispatch, latest] as const
}
