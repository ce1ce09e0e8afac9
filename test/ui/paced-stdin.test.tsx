/**
 * The terminal's input handed to Ink one key at a time (src/ui/paced-stdin.ts):
 * how reads are cut, how the pieces are handed over, and the wizard's prompts
 * drawn by Ink over it, with their keys written in one read to a real Readable
 * standing in for the terminal. ink-testing-library gives Ink a stdin of its
 * own, so the wizard's screens there do not go through this; the end-to-end
 * tests in test/e2e/wizard-terminal.test.ts do.
 */
import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import { Readable } from 'node:stream'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { render } from 'ink'
import type { ReactElement } from 'react'
import { pacedStdin, splitKeys } from '../../src/ui/paced-stdin.ts'
import { ChoicePrompt, TextPrompt } from '../../src/ui/prompts.tsx'

const DOWN = '\u001B[B'
const ENTER = '\r'
const BACKSPACE = '\u007F'
const ESCAPE = '\u001B'
const PASTE_START = '\u001B[200~'
const PASTE_END = '\u001B[201~'

/** A terminal's stdin as Ink uses it: a real Readable, with raw mode and ref counting. */
function terminal() {
  const stream = new Readable({ read() {} }) as Readable & {
    isTTY: boolean
    isRaw: boolean
    refs: number
    setRawMode(mode: boolean): void
    ref(): void
    unref(): void
  }
  Object.assign(stream, {
    isTTY: true,
    isRaw: false,
    refs: 0,
    setRawMode(mode: boolean) {
      stream.isRaw = mode
    },
    ref() {
      stream.refs++
    },
    unref() {
      stream.refs--
    },
  })
  return stream
}

/** For the tests that wait for keys to be taken: a failure, not a hang. */
const WITHIN = { timeout: 5_000 }

const tty = (stream: Readable) => stream as unknown as NodeJS.ReadStream

describe('a read cut into keys', () => {
  test('as Ink makes events of them', () => {
    const cases: [string, string[]][] = [
      [`${DOWN}${DOWN}${ENTER}`, [DOWN, DOWN, ENTER]],
      [`abc${BACKSPACE}${BACKSPACE}`, ['a', 'b', 'c', BACKSPACE, BACKSPACE]],
      ['\u0003q', ['\u0003', 'q']],
      // Typed ahead, Enter and Tab are keys like the others: `ana⏎y` is a name, then a `y`.
      ['ana\ry\t😀', ['a', 'n', 'a', '\r', 'y', '\t', '😀']],
      [`x${ESCAPE}`, ['x', ESCAPE]],
      [`${ESCAPE}x`, [`${ESCAPE}x`]],
      [`${ESCAPE}${DOWN}`, [`${ESCAPE}${DOWN}`]],
      ['\u001B[1;5Aa\u001BOPb\u001B[5~', ['\u001B[1;5A', 'a', '\u001BOP', 'b', '\u001B[5~']],
      [
        `${PASTE_START}a\r${ESCAPE}b${PASTE_END}${ENTER}`,
        [`${PASTE_START}a\r${ESCAPE}b${PASTE_END}`, ENTER],
      ],
      // Unfinished at the end of a read: Ink keeps it until the rest comes.
      [`${PASTE_START}ab`, [PASTE_START, 'a', 'b']],
      ['a\u001B[1;', ['a', '\u001B[', '1', ';']],
    ]
    for (const [read, keys] of cases) assert.deepEqual(splitKeys(read), keys, JSON.stringify(read))
  })

  test('loses nothing', () => {
    const piece = fc.constantFrom(
      'a',
      'é',
      '😀',
      ENTER,
      '\t',
      BACKSPACE,
      '\b',
      '\u0003',
      ESCAPE,
      '[',
      'O',
      '1',
      ';',
      '~',
      'A',
      '$',
    )
    fc.assert(
      fc.property(fc.array(piece), (pieces) => {
        const read = pieces.join('')
        assert.equal(splitKeys(read).join(''), read)
      }),
    )
  })
})

describe('keys handed over', () => {
  test('one per macrotask, after what the one before did has settled', WITHIN, async () => {
    const source = terminal()
    const stdin = pacedStdin(tty(source))
    const seen: [string, boolean][] = []
    let settled = true
    stdin.on('readable', () => {
      let key: string | null
      // Drains as Ink does.
      // biome-ignore lint/suspicious/noAssignInExpressions: the usual way to drain a stream
      while ((key = stdin.read() as string | null) !== null) {
        seen.push([key, settled])
        settled = false
        queueMicrotask(() => {
          settled = true
        })
      }
    })
    source.push(`${DOWN}${DOWN}ab${BACKSPACE}${ENTER}`)
    while (seen.length < 6) await new Promise((done) => setTimeout(done, 5))
    assert.deepEqual(seen, [
      [DOWN, true],
      [DOWN, true],
      ['a', true],
      ['b', true],
      [BACKSPACE, true],
      [ENTER, true],
    ])
  })

  test('only while listened to; keys still waiting go to the next listener', WITHIN, async () => {
    const source = terminal()
    const stdin = pacedStdin(tty(source))
    const seen: string[] = []
    const tick = () => new Promise((done) => setTimeout(done, 5))
    // Takes one key and goes, as Ink does when the wizard closes or a screen swaps its prompt.
    const first = () => {
      const key = stdin.read() as string | null
      if (key !== null) seen.push(key)
      stdin.off('readable', first)
    }
    stdin.on('readable', first)
    assert.equal(source.listenerCount('readable'), 1)
    source.push(`${DOWN}${DOWN}${ENTER}`)
    while (seen.length < 1) await tick()
    assert.equal(source.listenerCount('readable'), 0, 'the terminal is no longer listened to')
    await tick()
    assert.deepEqual(seen, [DOWN])
    const rest = () => {
      let key: string | null
      // biome-ignore lint/suspicious/noAssignInExpressions: the usual way to drain a stream
      while ((key = stdin.read() as string | null) !== null) seen.push(key)
    }
    stdin.on('readable', rest)
    while (seen.length < 3) await tick()
    assert.deepEqual(seen, [DOWN, DOWN, ENTER])
    stdin.off('readable', rest)
  })
})

/** Ink's output, thrown away: the prompts are judged by what they answer. */
class Screen extends EventEmitter {
  columns = 80
  write() {
    return true
  }
}

/** `node` drawn by Ink over a terminal whose keys come through pacedStdin; resolves once it listens. */
async function draw(node: ReactElement, paced = true) {
  const source = terminal()
  const instance = render(node, {
    stdin: paced ? pacedStdin(tty(source)) : tty(source),
    stdout: new Screen() as unknown as NodeJS.WriteStream,
    debug: true,
    patchConsole: false,
    exitOnCtrlC: false,
  })
  while (source.listenerCount('readable') === 0) await new Promise((done) => setTimeout(done, 5))
  return { source, instance }
}

function answer<T>(): { promise: Promise<T>; give: (value: T) => void } {
  let give: (value: T) => void = () => {}
  const promise = new Promise<T>((resolve) => {
    give = resolve
  })
  return { promise, give }
}

const ENVIRONMENTS = ['dev', 'test', 'staging', 'prod'].map((name) => ({
  label: name,
  value: name,
}))

describe('the prompts, keys read together', () => {
  test('↓↓⏎ on a choice picks the third', WITHIN, async () => {
    const chosen = answer<string>()
    const { source, instance } = await draw(
      <ChoicePrompt title="Which?" choices={ENVIRONMENTS} height={20} onChoose={chosen.give} />,
    )
    source.push(`${DOWN}${DOWN}${ENTER}`)
    assert.equal(await chosen.promise, 'staging')
    instance.unmount()
  })

  test('three backspaces after text delete three characters', WITHIN, async () => {
    const submitted = answer<string>()
    const { source, instance } = await draw(
      <TextPrompt title="Note" label="Note?" onSubmit={submitted.give} onCancel={() => {}} />,
    )
    source.push(`abcdef${BACKSPACE}${BACKSPACE}${BACKSPACE}${ENTER}`)
    assert.equal(await submitted.promise, 'abc')
    instance.unmount()
  })

  test('text typed ahead with Enter submits the text before the Enter', WITHIN, async () => {
    const submitted = answer<string>()
    const { source, instance } = await draw(
      <TextPrompt title="Name" label="Name?" onSubmit={submitted.give} onCancel={() => {}} />,
    )
    source.push(`ana${ENTER}y`)
    assert.equal(await submitted.promise, 'ana')
    instance.unmount()
  })

  test(
    'a paste comes whole, even over two reads, and its newlines do not submit',
    WITHIN,
    async () => {
      const submitted = answer<string>()
      const { source, instance } = await draw(
        <TextPrompt title="Note" label="Note?" onSubmit={submitted.give} onCancel={() => {}} />,
      )
      source.push(`${PASTE_START}first li`)
      await new Promise((done) => setTimeout(done, 5))
      source.push(`ne\rsecond line${PASTE_END}`)
      await new Promise((done) => setTimeout(done, 20))
      source.push(`!${ENTER}`)
      // Its lines joined into one, and the prompt still open for more until Enter.
      assert.equal(await submitted.promise, 'first line second line!')
      instance.unmount()
    },
  )

  test('a lone Esc still reaches the prompt', WITHIN, async () => {
    const cancelled = answer<true>()
    const { source, instance } = await draw(
      <TextPrompt
        title="Note"
        label="Note?"
        onSubmit={() => {}}
        onCancel={() => cancelled.give(true)}
      />,
    )
    source.push(`ab${ESCAPE}`)
    assert.equal(await cancelled.promise, true)
    instance.unmount()
  })

  test(
    'closed, Ink lets go of the terminal: out of raw mode, unreferenced, not listened to',
    WITHIN,
    async () => {
      const { source, instance } = await draw(
        <TextPrompt title="Note" label="Note?" onSubmit={() => {}} onCancel={() => {}} />,
      )
      assert.equal(source.isRaw, true)
      instance.unmount()
      await new Promise((done) => setTimeout(done, 5))
      assert.equal(source.isRaw, false)
      assert.equal(source.refs, 0)
      assert.equal(source.listenerCount('readable'), 0)
    },
  )

  test(
    'without it, Ink gives every key of a read the state from before the first',
    WITHIN,
    async () => {
      // Why pacedStdin exists; should Ink or ink-select-input change, this says it can go.
      const chosen = answer<string>()
      const { source, instance } = await draw(
        <ChoicePrompt title="Which?" choices={ENVIRONMENTS} height={20} onChoose={chosen.give} />,
        false,
      )
      source.push(`${DOWN}${DOWN}${ENTER}`)
      assert.equal(await chosen.promise, 'dev')
      instance.unmount()
    },
  )
})
