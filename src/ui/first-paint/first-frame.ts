/**
 * The first screen as text, for `run` to paint before Ink loads: the trust
 * question or the phase screen of the run just opened, exactly as App draws
 * them. Null for any other screen (a choice, a name to type, what changed, a
 * loading line), and wherever the screens' own functions cannot promise the
 * frame Ink will draw (text Ink measures with packages the paint does not load
 * among them: text-kit.ts): Ink then draws the first screen itself.
 */
import { type OpeningView, problemLineOf, wizardNotice } from '../opening.ts'
import { phaseScreenFrame } from './phase-screen.ts'
import { trustScreenFrame } from './trust-screen.ts'

export function firstFrameOf(
  view: OpeningView,
  screen: { readonly today: string; readonly columns: number; readonly rows: number },
): string | null {
  const problemLine = problemLineOf(view.storeProblems)
  const { columns, rows } = screen
  switch (view.waiting.kind) {
    case 'trust':
      return trustScreenFrame({ question: view.waiting.question, problemLine, columns, rows })
    case 'wizard': {
      const { opened } = view.waiting
      const notice = wizardNotice(opened, problemLine)
      return phaseScreenFrame({ opened, notice, today: screen.today, columns, rows })
    }
    default:
      return null
  }
}
