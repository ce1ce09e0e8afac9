/**
 * The questions that open a run (ui/ask.ts), answered from a script instead of a
 * terminal: which questions come, in which order, and what each one offered.
 */
import assert from 'node:assert/strict'
import { type Ask, Cancelled, type ChooseQuestion } from '../../src/ui/ask.ts'

/** Back out of the question (Esc). */
export const ESC = Symbol('esc')

/**
 * Answers the questions in order from `script` ([kind, answer]; a choice by the start of its
 * label), and keeps what was asked (`asked`, one line each; `chosen`, each choice question
 * whole): a question out of order fails the test.
 */
export function scriptedAsk(script: readonly (readonly [string, unknown])[]) {
  const asked: string[] = []
  const chosen: ChooseQuestion<unknown>[] = []
  let next = 0
  const answer = (kind: string, what: string): unknown => {
    asked.push(`${kind}: ${what}`)
    const step = script[next++]
    assert.equal(step?.[0], kind, `asked ${kind} (${what}) where the script says ${step?.[0]}`)
    if (step?.[1] === ESC) throw new Cancelled()
    return step?.[1]
  }
  const ask: Ask = {
    loading: () => {},
    choose: async (question) => {
      chosen.push(question as ChooseQuestion<unknown>)
      const label = answer('choose', question.title)
      const choice = question.choices.find((c) => c.label.startsWith(String(label)))
      assert.ok(choice, `no choice ${String(label)} in ${question.title}`)
      return choice.value
    },
    text: async (question) =>
      String(answer('text', `${question.label} [${question.initial ?? ''}]`)),
    confirmName: async (question) => {
      answer('confirm-name', question.name)
    },
    trust: async (question) => Boolean(answer('trust', `${question.commands.length} commands`)),
    changes: async () => {
      answer('changes', '')
    },
  }
  return { ask, asked, chosen }
}
