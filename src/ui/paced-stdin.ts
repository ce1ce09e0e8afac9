/**
 * The terminal's input for Ink, handed over one key at a time.
 *
 * Keys typed ahead over a slow link (or sent in one write) arrive in one read.
 * Ink 8 splits a read into keys but emits them all in one synchronous loop
 * (App.js, handleReadable), and React commits their state updates, and with
 * them the handlers that see the new state, only in a later microtask. A
 * `useInput` handler that closes over state therefore sees the state from
 * before the first key for every key of the read: in
 * ink-select-input, ↓↓⏎ selects the first choice, not the third; in
 * a text field keeping its value in React state, three backspaces delete one
 * character. Our own handlers cope
 * (keys.ts); these components do not, and Ink has no option for it.
 *
 * So Ink reads this stream instead of process.stdin: it cuts each read into
 * keys (an escape sequence, a bracketed paste whole, and each character on its
 * own, Enter included: `ana⏎y` is a name, then a `y` for the next screen) and
 * hands Ink one per macrotask, after React has committed what the one before
 * did. A paste is not a run of keys: the wizard turns on bracketed paste
 * (ui/app.tsx), so a terminal marks it and it arrives whole. The cut need not
 * be exact: Ink keeps an unfinished sequence (a lone Esc until its 20 ms
 * timeout) and joins it with the next piece.
 *
 * Everything else Ink needs goes to the terminal's stream: isTTY, raw mode,
 * encoding, ref/unref. The source is listened to only while Ink listens here,
 * so once the wizard is closed nothing holds the process open.
 */
import { EventEmitter } from 'node:events'

/** One of Ink's input events, or the unfinished rest of a read. */
const KEY = new RegExp(
  [
    '\\x1b\\[200~[^]*?\\x1b\\[201~', // a bracketed paste, whole
    '\\x1b\\x1b?(?:\\[\\[?(?:[235678]\\$|[0-?]*[ -/]*[@-~])|O[0-9;]*[@-~])', // CSI and SS3 keys
    '\\x1b\\x1b|\\x1b[^]', // Esc before a character (Alt): Ink's other escape sequences
    '[^\\x1b]', // any other key: a character, Enter, Tab, backspace, Ctrl-C
    '\\x1b', // a lone Esc at the end of the read
  ].join('|'),
  'gu',
)

/** A read from the terminal, cut into the pieces Ink makes events of. */
export function splitKeys(read: string): string[] {
  return read.match(KEY) ?? []
}

class PacedStdin extends EventEmitter {
  readonly #source: NodeJS.ReadStream
  readonly #keys: string[] = []
  #next: NodeJS.Immediate | undefined
  /** True while Ink's listener runs for the next key: read() gives it once. */
  #isHanding = false

  constructor(source: NodeJS.ReadStream) {
    super()
    this.#source = source
    this.on('newListener', (event) => {
      if (event !== 'readable' || this.listenerCount('readable') > 0) return
      source.setEncoding('utf8')
      source.on('readable', this.#take)
      this.#schedule()
    })
    this.on('removeListener', (event) => {
      if (event !== 'readable' || this.listenerCount('readable') > 0) return
      source.off('readable', this.#take)
      clearImmediate(this.#next)
      this.#next = undefined
    })
  }

  get isTTY(): boolean {
    return this.#source.isTTY
  }

  setRawMode(mode: boolean): this {
    this.#source.setRawMode(mode)
    return this
  }

  setEncoding(encoding: BufferEncoding): this {
    this.#source.setEncoding(encoding)
    return this
  }

  ref(): this {
    this.#source.ref()
    return this
  }

  unref(): this {
    this.#source.unref()
    return this
  }

  /** The next key while Ink's 'readable' listener runs, once; null otherwise. */
  read(): string | null {
    if (!this.#isHanding) return null
    this.#isHanding = false
    return this.#keys.shift() ?? null
  }

  readonly #take = () => {
    let chunk: string | Buffer | null
    // biome-ignore lint/suspicious/noAssignInExpressions: the usual way to drain a stream
    while ((chunk = this.#source.read()) !== null) this.#keys.push(...splitKeys(String(chunk)))
    this.#schedule()
  }

  #schedule() {
    if (this.#next || this.#keys.length === 0) return
    this.#next = setImmediate(() => {
      this.#next = undefined
      if (this.listenerCount('readable') === 0) return
      this.#isHanding = true
      this.emit('readable')
      this.#isHanding = false
      this.#schedule()
    })
  }
}

/** `source` (the terminal's stdin) for Ink's `render({ stdin })`, one key per macrotask. */
export function pacedStdin(source: NodeJS.ReadStream): NodeJS.ReadStream {
  return new PacedStdin(source) as unknown as NodeJS.ReadStream
}
