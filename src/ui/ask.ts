/**
 * The questions asked before a run opens, as awaited functions (Shopify
 * cli-kit's `renderSelectPrompt`, `renderDangerousConfirmationPrompt`): the
 * flow that opens a run (open-run.ts) reads as a sequence of them, and
 * whoever answers decides how they are drawn. The wizard answers them with Ink
 * prompts (app.tsx); tests answer them from a script, without a terminal.
 *
 * Esc on a question rejects it with `Cancelled`: nothing was started.
 */
import type { Item } from '../checklist/model.ts'
import type { ChecklistChanges, ItemSnapshot } from '../run/model.ts'
import type { Layout } from './layout.ts'
import type { Choice } from './prompts.tsx'

/** The operator backed out of a question (Esc). */
export class Cancelled extends Error {
  /** What to tell the operator instead of the usual words, when backing out meant more. */
  readonly said: string | undefined
  constructor(said?: string) {
    super('cancelled')
    this.name = 'Cancelled'
    this.said = said
  }
}

export interface ChooseQuestion<T> {
  readonly title: string
  /** Lines over the choices, one each (a warning's colour): what is not offered, and why. */
  readonly notes?: readonly string[]
  readonly choices: readonly Choice<T>[]
  /** Choices shown at most; the list scrolls through the others. */
  readonly limit?: number
  /**
   * A list shown while something it waits for is still coming (the team store's runs): what it
   * becomes then. A question (title, notes and choices; it may wait for more in turn) replaces
   * it in place, not asked again: the highlighted choice stays on the same value wherever its
   * row went, or goes to a neighbour when that value is gone, nothing picked by that. An
   * `answer` ends it as if that had been chosen: the list was only there to wait. A failure
   * rejects the question. Left before it settles, the question ignores it.
   */
  readonly update?: Promise<ChooseUpdate<T>>
}

/** What a question waiting for an update becomes (ChooseQuestion.update). */
export type ChooseUpdate<T> =
  | Pick<ChooseQuestion<T>, 'title' | 'notes' | 'choices' | 'update'>
  | { readonly answer: T }

export interface TextQuestion {
  readonly title: string
  readonly label: string
  /** A value to start from, selected. */
  readonly initial?: string
  /** An empty answer is refused with this message. */
  readonly requiredMessage?: string
  /** Why it is asked again. */
  readonly problem?: string
}

/** Production: the operator types the environment's name to go on (see confirm-name.ts). */
export interface ConfirmNameQuestion {
  /** The checklist's title, over the field. */
  readonly title: string
  readonly name: string
  /** Whether a check applies to the environment: else the warning speaks of no checks running. */
  readonly hasChecks: boolean
  /** A line over it, before anyone types production's name: the team store did not answer. */
  readonly warning?: string
}

/** Whether to trust the checklist's shell commands, every one of them shown. */
export interface TrustQuestion {
  readonly path: string
  readonly commands: readonly Item[]
}

/** What changed in the checklist since a resumed run last saw it: read, then go on. */
export interface ChangesQuestion {
  readonly changes: ChecklistChanges
  /** The items as the run last saw them (their old text). */
  readonly before: readonly ItemSnapshot[]
  readonly layout: Layout
  /** Ids the run holds an answer for: only of those does a removed item's answer stay. */
  readonly answered?: readonly string[]
}

/**
 * A yes-or-no question whose answer is no unless the operator says yes (`y`): enter and Esc
 * answer no. Asked where going on is the exception (a team run opened while its store is silent).
 */
export interface ConfirmQuestion {
  readonly title: string
  /** Under the title, wrapped, never cut: what yes means. */
  readonly subtitle: string
  readonly yes: string
  readonly no: string
}

export interface Ask {
  /** Says what is being done while nothing is asked ("reading deploy.md"). */
  loading(what: string): void
  choose<T>(question: ChooseQuestion<T>): Promise<T>
  text(question: TextQuestion): Promise<string>
  /** Resolves once the name is typed; a wrong answer asks again. */
  confirmName(question: ConfirmNameQuestion): Promise<void>
  /** True: trust them. */
  trust(question: TrustQuestion): Promise<boolean>
  changes(question: ChangesQuestion): Promise<void>
  /** True: yes. */
  confirm(question: ConfirmQuestion): Promise<boolean>
}
