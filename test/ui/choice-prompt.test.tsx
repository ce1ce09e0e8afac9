/**
 * A list of choices updated while it is on screen (ui/ask.ts, ChooseQuestion.update; the list of
 * runs to resume when the team store answers): the cursor stays on the same choice, known by its
 * value, wherever its row went, so a key never lands on another run because rows moved; a choice
 * taken out from under the cursor leaves it on a neighbour, and nothing is picked by that.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { render } from 'ink-testing-library'
import { type Choice, ChoicePrompt } from '../../src/ui/prompts.tsx'
import { inputSettled, waitForContent } from '../helpers/wait.ts'

const ARROW_DOWN = '\u001B[B'
const ENTER = '\r'

interface Run {
  readonly id: string
}

/** Runs as the list's values: objects, the same object each time the list is drawn. */
const run = (id: string): Run => ({ id })
const [a, b, c, d, e, f] = ['a', 'b', 'c', 'd', 'e', 'f'].map(run) as [Run, Run, Run, Run, Run, Run]
const choicesOf = (...runs: readonly (Run | null)[]): Choice<Run | null>[] =>
  runs.map((one) => ({ label: one ? `run ${one.id}` : 'Start a new run', value: one }))

function list(first: readonly (Run | null)[], limit?: number) {
  const picked: (Run | null)[] = []
  const prompt = (runs: readonly (Run | null)[]) => (
    <ChoicePrompt
      title="Resume one"
      height={20}
      {...(limit !== undefined ? { limit } : {})}
      choices={choicesOf(...runs)}
      onChoose={(value) => picked.push(value)}
    />
  )
  const screen = render(prompt(first))
  const frame = () => screen.lastFrame() ?? ''
  return {
    picked,
    frame,
    /** The list drawn again with these choices, as an update does. */
    update: async (runs: readonly (Run | null)[]) => {
      screen.rerender(prompt(runs))
      await inputSettled()
    },
    press: async (...keys: string[]) => {
      await inputSettled()
      for (const key of keys) {
        screen.stdin.write(key)
        await inputSettled(key)
      }
    },
    see: (pattern: RegExp) => waitForContent(frame, pattern),
    unmount: () => screen.unmount(),
  }
}

describe('a list of choices updated on screen', () => {
  test('rows added above and below the cursor leave it on the same choice, and enter picks that one', async () => {
    const ui = list([a, b, null])
    await ui.press(ARROW_DOWN)
    await ui.see(/❯ run b/)
    await ui.update([c, a, b, d, null])
    await ui.see(/❯ run b/)
    assert.equal(ui.frame().match(/❯/g)?.length, 1, ui.frame())
    await ui.press(ENTER)
    assert.deepEqual(ui.picked, [b])
    ui.unmount()
  })

  test('a row taken out above the cursor moves it up with its choice', async () => {
    const ui = list([a, b, c, null])
    await ui.press(ARROW_DOWN, ARROW_DOWN)
    await ui.see(/❯ run c/)
    await ui.update([b, c, d, null])
    await ui.see(/❯ run c/)
    await ui.press(ENTER)
    assert.deepEqual(ui.picked, [c])
    ui.unmount()
  })

  test('the choice under the cursor taken out as another is added above leaves it on the one that followed it, nothing picked', async () => {
    const ui = list([a, b, c, null])
    await ui.press(ARROW_DOWN)
    await ui.see(/❯ run b/)
    // As many rows as before: its old row is now another run's.
    await ui.update([d, a, c, null])
    await ui.see(/❯ run c/)
    assert.deepEqual(ui.picked, [])
    // Moving on from there goes on from there.
    await ui.press(ARROW_DOWN)
    await ui.see(/❯ Start a new run/)
    await ui.press(ENTER)
    assert.deepEqual(ui.picked, [null])
    ui.unmount()
  })

  test('the last choice taken out from under the cursor leaves it on the one before', async () => {
    const ui = list([a, b, c])
    await ui.press(ARROW_DOWN, ARROW_DOWN)
    await ui.see(/❯ run c/)
    await ui.update([d, e, a, b])
    await ui.see(/❯ run b/)
    await ui.press(ENTER)
    assert.deepEqual(ui.picked, [b])
    ui.unmount()
  })

  test('a list longer than its limit keeps the cursor’s choice in view when rows are added above it', async () => {
    const ui = list([a, b, c, d, null], 3)
    await ui.press(ARROW_DOWN, ARROW_DOWN, ARROW_DOWN)
    await ui.see(/❯ run d/)
    await ui.update([e, f, a, b, c, d, null])
    await ui.see(/❯ run d/)
    await ui.press(ENTER)
    assert.deepEqual(ui.picked, [d])
    ui.unmount()
  })
})
