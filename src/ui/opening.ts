/**
 * Opening a run as something that can be watched: `openRun` (open-run.ts)
 * started with questions that wait here, as the screen they need (`Waiting`),
 * until a screen answers them. `run` starts it before Ink loads, so that the
 * first real screen is known while Ink is still loading and can be painted
 * from plain text (first-paint/); App then draws from the same opening, from
 * the screen it has reached. Nothing here draws, and nothing here loads Ink.
 */
import { leftOutBySections, leftOutLine } from '../checklist/left-out.ts'
import type { RunSession } from '../run/session.ts'
import type { WizardServices } from '../run/start.ts'
import type { StoreProblem } from '../run/store.ts'
import {
  type Ask,
  Cancelled,
  type ChangesQuestion,
  type ChooseQuestion,
  type ConfirmNameQuestion,
  type ConfirmQuestion,
  type TextQuestion,
  type TrustQuestion,
} from './ask.ts'
import { confirmName, type NameQuestion } from './confirm-name.ts'
import { type AppOptions, type OpenedRun, openRun } from './open-run.ts'
import type { Notice } from './use-wizard-state.ts'

/** What is on screen: the question waiting for its answer, or the open run's wizard. */
export type Waiting =
  | { readonly kind: 'loading'; readonly what: string }
  | {
      readonly kind: 'choose'
      /**
       * The title the question was asked with: the same while it is updated in place (its title
       * may change), so the screen drawing it keeps its cursor.
       */
      readonly key: string
      /** As it stands now, updates applied. */
      readonly question: ChooseQuestion<unknown>
      readonly answer: (value: unknown) => void
      readonly cancel: () => void
    }
  | {
      readonly kind: 'text'
      readonly question: TextQuestion
      readonly answer: (value: string) => void
      readonly cancel: () => void
    }
  | {
      readonly kind: 'confirm-name'
      readonly question: ConfirmNameQuestion
      readonly asked: NameQuestion
      readonly answer: (value: string) => void
      readonly cancel: () => void
    }
  | {
      readonly kind: 'trust'
      readonly question: TrustQuestion
      readonly answer: (isYes: boolean) => void
    }
  | {
      readonly kind: 'changes'
      readonly question: ChangesQuestion
      readonly answer: () => void
    }
  | {
      readonly kind: 'confirm'
      readonly question: ConfirmQuestion
      readonly answer: (isYes: boolean) => void
    }
  | { readonly kind: 'wizard'; readonly opened: OpenedRun }

/** How opening ended when it did not open the run: backed out of (Esc), or failed. */
export type OpeningEnd =
  | { readonly kind: 'cancelled'; readonly said?: string }
  | { readonly kind: 'error'; readonly error: unknown }

/** What a screen draws from: replaced whole at every change, so a screen can compare it. */
export interface OpeningView {
  readonly waiting: Waiting
  /** Run files set aside while looking for saved runs. */
  readonly storeProblems: readonly StoreProblem[]
}

export interface Opening {
  view(): OpeningView
  /** Calls `listener` at every change from now on; returns how to stop. */
  subscribe(listener: (view: OpeningView) => void): () => void
  /** The run, once open (before the questions after opening it): a signal can still close it. */
  session(): RunSession | null
  /** A saved run being reopened, not yet open: cancelling leaves it as it was. */
  resuming(): string | null
  /** Settles only when opening ends without a run: backed out of, or failed. */
  readonly ended: Promise<OpeningEnd>
}

export interface OpeningHooks {
  readonly onOpen?: (session: RunSession) => void
  readonly onStoreProblems?: (problems: readonly StoreProblem[]) => void
  /** See OpenRunHooks.onNotices. */
  readonly onNotices?: (notices: readonly string[]) => void
}

/** The questions of ask.ts, answered by whatever screen draws each one as it waits (`show`). */
function askOnScreen(show: (waiting: Waiting) => void): Ask {
  const waitFor = <T>(waiting: (answer: (value: T) => void, cancel: () => void) => Waiting) =>
    new Promise<T>((resolve, reject) => show(waiting(resolve, () => reject(new Cancelled()))))
  return {
    loading: (what) => show({ kind: 'loading', what }),
    choose: <T>(question: ChooseQuestion<T>) =>
      new Promise<T>((resolve, reject) => {
        // Answered, backed out of, or ended by an update: later updates change nothing.
        let isOpen = true
        const end = (how: () => void) => {
          if (!isOpen) return
          isOpen = false
          how()
        }
        const showAsItIs = (now: ChooseQuestion<T>) => {
          show({
            kind: 'choose',
            key: question.title,
            question: now as ChooseQuestion<unknown>,
            answer: (value) => end(() => resolve(value as T)),
            cancel: () => end(() => reject(new Cancelled())),
          })
          now.update?.then(
            (next) => {
              if (!isOpen) return
              if ('answer' in next) end(() => resolve(next.answer))
              else showAsItIs({ ...(now.limit !== undefined ? { limit: now.limit } : {}), ...next })
            },
            (error: unknown) => end(() => reject(error)),
          )
        }
        showAsItIs(question)
      }),
    text: (question) => waitFor((answer, cancel) => ({ kind: 'text', question, answer, cancel })),
    confirmName: async (question) => {
      await confirmName(
        question.name,
        (asked) =>
          waitFor((answer, cancel) => ({ kind: 'confirm-name', question, asked, answer, cancel })),
        { isRetried: true },
      )
    },
    trust: (question) => waitFor((answer) => ({ kind: 'trust', question, answer })),
    changes: (question) => waitFor<void>((answer) => ({ kind: 'changes', question, answer })),
    confirm: (question) => waitFor((answer) => ({ kind: 'confirm', question, answer })),
  }
}

/** Starts opening the run now; its questions wait for a screen. */
export function startOpening(
  services: WizardServices,
  options: AppOptions,
  hooks: OpeningHooks = {},
): Opening {
  let view: OpeningView = {
    waiting: { kind: 'loading', what: 'looking for saved runs' },
    storeProblems: [],
  }
  const listeners = new Set<(view: OpeningView) => void>()
  const change = (next: Partial<OpeningView>) => {
    view = { ...view, ...next }
    for (const listener of listeners) listener(view)
  }
  let session: RunSession | null = null
  let resuming: string | null = null
  const ended = openRun(
    askOnScreen((waiting) => change({ waiting })),
    services,
    options,
    {
      onResuming: (id) => {
        resuming = id
      },
      onOpen: (opened) => {
        session = opened
        hooks.onOpen?.(opened)
      },
      onStoreProblems: (problems) => {
        change({ storeProblems: [...view.storeProblems, ...problems] })
        hooks.onStoreProblems?.(problems)
      },
      ...(hooks.onNotices ? { onNotices: hooks.onNotices } : {}),
    },
  ).then(
    (opened) => {
      change({ waiting: { kind: 'wizard', opened } })
      // Open: the wizard takes it from here, and this never settles.
      return new Promise<OpeningEnd>(() => {})
    },
    (error: unknown): OpeningEnd =>
      error instanceof Cancelled
        ? { kind: 'cancelled', ...(error.said ? { said: error.said } : {}) }
        : { kind: 'error', error },
  )
  return {
    view: () => view,
    subscribe: (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    session: () => session,
    resuming: () => resuming,
    ended,
  }
}

/** One line for run files set aside, above every screen but the wizard's; null for none. */
export function problemLineOf(problems: readonly StoreProblem[]): string | null {
  if (problems.length === 0) return null
  const files = problems.length === 1 ? '1 run file' : `${problems.length} run files`
  return `⚠ ${files} could not be used; the details are printed when you leave`
}

/**
 * What the wizard's footer says as the run opens, if anything: a warning (trust not recorded,
 * what a team run kept aside, run files set aside), else, calmly, the items that sections for
 * other environments leave out of the run (checklist/left-out.ts).
 */
export function wizardNotice(opened: OpenedRun, problemLine: string | null): Notice | null {
  const warning = opened.trustProblem ?? opened.notices?.join(' · ') ?? problemLine
  if (warning) return { tone: 'warn', text: warning }
  const { checklist, environment, state } = opened.session
  const leftOut = leftOutBySections(checklist, environment, new Set(Object.keys(state.overrides)))
  const line = leftOutLine(leftOut, environment, true)
  return line ? { tone: 'info', text: line } : null
}
