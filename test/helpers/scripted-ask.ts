/**
 * The questions that open a run (ui/ask.ts), answered from a script instead of a
 * terminal: which questions come, in which order, and what each one offered.
 */
import assert from 'node:assert/strict'
import { type Ask, Cancelled, type ChooseQuestion, type ChooseUpdate } from '../../src/ui/ask.ts'

/** Back out of the question (Esc). */
export const ESC = Symbol('esc')

const AFTER_UPDATE = Symbol('after update')

interface AfterUpdate {
  readonly [AFTER_UPDATE]: true
  readonly answer: unknown
}

/**
 * A choice answered once the list has been updated (ChooseQuestion.update) as far as it will
 * be: `answer` (a label's start, or ESC) picked from the list as it became; none given, the
 * update must end the question itself (`{answer}`), and that is its answer. A list with no
 * update is answered as it is.
 */
export function afterUpdate(answer?: unknown): AfterUpdate {
  return { [AFTER_UPDATE]: true, answer }
}

function isAfterUpdate(step: unknown): step is AfterUpdate {
  return typeof step === 'object' && step !== null && AFTER_UPDATE in step
}

/**
 * Answers the questions in order from `script` ([kind, answer]; a choice by the start of its
 * label, at once or `afterUpdate`, or by what a function given the list as shown resolves to),
 * and keeps what was asked (`asked`, one line each; `chosen`, each choice question whole as
 * first shown; `updated`, what such questions became): a question out of order fails the test.
 */
export function scriptedAsk(script: readonly (readonly [string, unknown])[]) {
  const asked: string[] = []
  const chosen: ChooseQuestion<unknown>[] = []
  const updated: ChooseUpdate<unknown>[] = []
  let next = 0
  const step = (kind: string, what: string): unknown => {
    asked.push(`${kind}: ${what}`)
    const at = script[next++]
    assert.equal(at?.[0], kind, `asked ${kind} (${what}) where the script says ${at?.[0]}`)
    return at?.[1]
  }
  const answer = (kind: string, what: string): unknown => {
    const given = step(kind, what)
    if (given === ESC) throw new Cancelled()
    return given
  }
  const pick = async (
    question: Pick<ChooseQuestion<unknown>, 'title' | 'choices'>,
    given: unknown,
  ): Promise<unknown> => {
    // Something the test does while the list is on screen, before the answer it gives.
    const label = typeof given === 'function' ? await given(question) : given
    if (label === ESC) throw new Cancelled()
    const choice = question.choices.find((c) => c.label.startsWith(String(label)))
    assert.ok(choice, `no choice ${String(label)} in ${question.title}`)
    return choice.value
  }
  const ask: Ask = {
    loading: () => {},
    choose: async <T>(question: ChooseQuestion<T>): Promise<T> => {
      chosen.push(question as ChooseQuestion<unknown>)
      // Answered before its update comes, the list leaves it unread, as a screen does.
      question.update?.catch(() => {})
      const given = step('choose', question.title)
      if (!isAfterUpdate(given)) return (await pick(question, given)) as T
      let now: Pick<ChooseQuestion<T>, 'title' | 'choices' | 'update'> = question
      while (now.update) {
        const became = await now.update
        updated.push(became as ChooseUpdate<unknown>)
        if ('answer' in became) {
          assert.equal(given.answer, undefined, `${question.title} answered itself`)
          return became.answer
        }
        now = became
      }
      assert.notEqual(given.answer, undefined, `${question.title} did not answer itself`)
      return (await pick(now, given.answer)) as T
    },
    text: async (question) =>
      String(answer('text', `${question.label} [${question.initial ?? ''}]`)),
    confirmName: async (question) => {
      answer('confirm-name', `${question.name}${question.warning ? ` (${question.warning})` : ''}`)
    },
    trust: async (question) => Boolean(answer('trust', `${question.commands.length} commands`)),
    changes: async () => {
      answer('changes', '')
    },
    confirm: async (question) =>
      Boolean(answer('confirm', `${question.title} ${question.subtitle}`)),
  }
  return { ask, asked, chosen, updated }
}
