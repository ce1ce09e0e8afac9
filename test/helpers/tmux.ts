/**
 * A real pseudo-terminal for end-to-end tests of the wizard: a private tmux
 * server (its own socket, no user config), programs started in detached
 * sessions of a fixed size, keys sent as a person would type them, and the
 * screen read back with `capture-pane`.
 *
 * Two habits keep these tests honest and steady:
 *  - keys go in separate `send-keys` calls with a pause between them, as a
 *    person types them; `pressTogether` sends several in one read on purpose
 *    (keys typed ahead over a slow link), which the wizard must take in order;
 *  - nothing sleeps for a fixed time to "let the screen settle": `waitFor`
 *    polls the screen until it shows what is expected, and fails with the last
 *    screen it saw.
 */
import { execFile, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { rm } from 'node:fs/promises'

/** The pause between two `send-keys` calls, so each arrives as its own read. */
const KEY_PAUSE_MS = 200
const POLL_MS = 50
const DEFAULT_WAIT_MS = 10_000

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Throws (so the test fails, never skips) when tmux cannot be run; returns
 * its version, such as "tmux 3.3a".
 */
export function requireTmux(): string {
  const result = spawnSync('tmux', ['-V'], { encoding: 'utf8' })
  if (result.error || result.status !== 0) {
    throw new Error(
      `these end-to-end tests drive the wizard in a real terminal and need tmux on PATH: ${
        result.error?.message ?? result.stderr
      }`,
    )
  }
  return result.stdout.trim()
}

/** A tmux server of our own, on a socket no other test (or person) uses. */
export class TmuxServer {
  readonly socket: string
  #socketPath = ''

  constructor(prefix = 'dw-e2e') {
    this.socket = `${prefix}-${process.pid}-${randomBytes(4).toString('hex')}`
  }

  /** Runs `tmux -L <socket> -f /dev/null <args>` and resolves with its stdout. */
  run(args: readonly string[]): Promise<string> {
    const env: NodeJS.ProcessEnv = { ...process.env }
    // Inside a tmux session, TMUX would make some commands act on that session.
    delete env.TMUX
    // The panes are an operator's terminal, not a CI log: chalk (supports-color)
    // turns colour off wherever CI (or a CI vendor's variable) is set.
    for (const name of [
      'CI',
      'CONTINUOUS_INTEGRATION',
      'BUILD_NUMBER',
      'TF_BUILD',
      'TEAMCITY_VERSION',
    ])
      delete env[name]
    return new Promise((resolve, reject) => {
      execFile(
        'tmux',
        ['-L', this.socket, '-f', '/dev/null', ...args],
        { env, encoding: 'utf8' },
        (error, stdout, stderr) => {
          if (error) reject(new Error(`tmux ${args.join(' ')} failed: ${stderr || error.message}`))
          else resolve(stdout)
        },
      )
    })
  }

  /**
   * Starts `argv` (run directly, not through a shell) in a new detached session
   * `name` of `columns`×`rows` cells.
   */
  async start(
    name: string,
    argv: readonly string[],
    { columns = 100, rows = 30 }: { columns?: number; rows?: number } = {},
  ): Promise<TmuxPane> {
    const args = ['new-session', '-d', '-s', name, '-x', String(columns), '-y', String(rows)]
    // The server exits once its last session has ended; a new session asked for in that
    // instant meets a server on its way out ("server exited unexpectedly"). Asked again, it
    // starts a fresh one.
    await this.run([...args, '--', ...argv]).catch((error: Error) => {
      if (!/server exited unexpectedly/.test(error.message)) throw error
      return this.run([...args, '--', ...argv])
    })
    this.#socketPath ||= (
      await this.run(['display-message', '-p', '-t', name, '#{socket_path}'])
    ).trim()
    return new TmuxPane(this, name)
  }

  /**
   * Stops the server and everything running in it, and removes its socket
   * file (tmux leaves it behind); safe when the server is already gone.
   */
  async kill(): Promise<void> {
    await this.run(['kill-server']).catch(() => {})
    if (this.#socketPath) await rm(this.#socketPath, { force: true })
  }
}

/** The one pane of a session. */
export class TmuxPane {
  readonly server: TmuxServer
  readonly target: string
  #last = ''

  constructor(server: TmuxServer, target: string) {
    this.server = server
    this.target = target
  }

  /** The visible screen, as text (the alternate screen while a full-screen program has it). */
  async capture(): Promise<string> {
    this.#last = await this.server.run(['capture-pane', '-p', '-t', this.target])
    return this.#last
  }

  /** The visible screen with its colours and styles, as escape sequences (`capture-pane -e`). */
  captureStyled(): Promise<string> {
    return this.server.run(['capture-pane', '-p', '-e', '-t', this.target])
  }

  /** Resizes the terminal, as a person dragging its window would. */
  async resize(columns: number, rows: number): Promise<void> {
    await this.server.run([
      'resize-window',
      '-t',
      this.target,
      '-x',
      String(columns),
      '-y',
      String(rows),
    ])
  }

  /** The screen seen by the last `capture` or `waitFor`. */
  get lastScreen(): string {
    return this.#last
  }

  /**
   * Polls the screen until `pattern` matches it and returns the match; fails
   * after `withinMs` with `what` and the last screen in the message.
   */
  async waitFor(
    pattern: RegExp,
    what = String(pattern),
    withinMs = DEFAULT_WAIT_MS,
  ): Promise<RegExpMatchArray> {
    let match: RegExpMatchArray | null = null
    await this.waitUntil(
      (screen) => {
        match = pattern.exec(screen)
        return match !== null
      },
      what,
      withinMs,
    )
    return match as unknown as RegExpMatchArray
  }

  /** Like `waitFor`, with any test of the screen. Resolves with the screen that passed. */
  async waitUntil(
    test: (screen: string) => boolean,
    what: string,
    withinMs = DEFAULT_WAIT_MS,
  ): Promise<string> {
    const deadline = Date.now() + withinMs
    for (;;) {
      const screen = await this.capture()
      if (test(screen)) return screen
      if (Date.now() > deadline) {
        throw new Error(
          `the screen did not show ${what} within ${withinMs} ms; it shows:\n${frame(screen)}`,
        )
      }
      await sleep(POLL_MS)
    }
  }

  /**
   * Presses keys, one `send-keys` call each, with a pause after each: tmux key
   * names ("Enter", "Right", "C-c", "Escape") or single characters.
   */
  async press(...keys: readonly string[]): Promise<void> {
    for (const key of keys) {
      await this.server.run(['send-keys', '-t', this.target, key])
      await sleep(KEY_PAUSE_MS)
    }
  }

  /**
   * Presses keys in one `send-keys` call, then pauses: tmux writes them to the
   * terminal at once, so the program gets them in one read, as keys typed ahead
   * over a slow link arrive.
   */
  async pressTogether(...keys: readonly string[]): Promise<void> {
    await this.server.run(['send-keys', '-t', this.target, ...keys])
    await sleep(KEY_PAUSE_MS)
  }

  /** Types `text` literally (no key names), then pauses. */
  async type(text: string): Promise<void> {
    await this.server.run(['send-keys', '-t', this.target, '-l', text])
    await sleep(KEY_PAUSE_MS)
  }

  /** Types `text`, then presses Enter in a separate call, as a prompt needs. */
  async submit(text: string): Promise<void> {
    if (text !== '') await this.type(text)
    await this.press('Enter')
  }
}

/** A screen boxed in, so blank lines and trailing text are readable in a failure message. */
function frame(screen: string): string {
  return screen
    .replace(/\n+$/, '')
    .split('\n')
    .map((line) => `  │${line}`)
    .join('\n')
}
