/**
 * A program in a real pseudo-terminal through util-linux `script` (node-pty is
 * not installed): its screen output arrives on our pipe as the program writes
 * it (`-f` flushes), and what we write to `input` reaches it as typed keys.
 */
import { spawn } from 'node:child_process'
import xterm from '@xterm/headless'

function sh(value) {
  return `'${String(value).replaceAll("'", `'\\''`)}'`
}

/** Starts `argv` in a `columns`×`rows` pty; resolves at once with a handle. */
export function startPty(argv, { env = process.env, columns = 100, rows = 30 } = {}) {
  const command = `stty cols ${columns} rows ${rows} 2>/dev/null; exec ${argv.map(sh).join(' ')}`
  const started = performance.now()
  const child = spawn('script', ['-qfc', command, '/dev/null'], {
    env,
    stdio: ['pipe', 'pipe', 'ignore'],
    detached: true,
  })
  let output = ''
  const waiters = []
  // What the terminal shows: Ink redraws only the changed part of each line, so
  // a frame is only readable on a screen that applies the cursor moves.
  const screen = new xterm.Terminal({ cols: columns, rows, allowProposedApi: true })
  const screenWaiters = []
  const screenLines = () => {
    const buffer = screen.buffer.active
    const lines = []
    for (let y = 0; y < rows; y++) {
      lines.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '')
    }
    return lines
  }
  child.stdout.setEncoding('utf8')
  child.stdout.on('data', (chunk) => {
    const arrived = performance.now()
    screen.write(chunk, () => {
      if (!screenWaiters.length) return
      const lines = screenLines()
      for (const waiter of [...screenWaiters]) {
        if (waiter.test(lines)) {
          screenWaiters.splice(screenWaiters.indexOf(waiter), 1)
          waiter.resolve(arrived)
        }
      }
    })
    output += chunk
    for (const waiter of [...waiters]) {
      if (found(waiter.text, waiter.from)) {
        waiters.splice(waiters.indexOf(waiter), 1)
        waiter.resolve(performance.now())
      }
    }
  })
  const found = (text, from) =>
    typeof text === 'string' ? output.indexOf(text, from) >= 0 : text.test(output.slice(from))
  const exited = new Promise((resolve) => child.on('close', resolve))
  return {
    child,
    started,
    get output() {
      return output
    },
    /** Resolves with performance.now() when `text` (a string or RegExp) appears after offset `from`. */
    waitFor(text, { from = 0, timeoutMs = 20_000 } = {}) {
      if (found(text, from)) return Promise.resolve(performance.now())
      return new Promise((resolve, reject) => {
        const waiter = { text, from, resolve }
        waiters.push(waiter)
        setTimeout(() => {
          const i = waiters.indexOf(waiter)
          if (i >= 0) {
            waiters.splice(i, 1)
            reject(
              new Error(
                `timed out waiting for ${JSON.stringify(text)}; got:\n${output.slice(-2000)}`,
              ),
            )
          }
        }, timeoutMs).unref()
      })
    },
    /** The screen's lines as the terminal shows them now. */
    screen: screenLines,
    /**
     * Resolves with performance.now() at the first output chunk after which the
     * screen's lines satisfy `test(lines)` (the time the chunk arrived, before parsing).
     */
    waitForScreen(test, { timeoutMs = 20_000 } = {}) {
      return new Promise((resolve, reject) => {
        const waiter = { test, resolve }
        screenWaiters.push(waiter)
        setTimeout(() => {
          const i = screenWaiters.indexOf(waiter)
          if (i >= 0) {
            screenWaiters.splice(i, 1)
            reject(new Error(`timed out; the screen shows:\n${screenLines().join('\n')}`))
          }
        }, timeoutMs).unref()
      })
    },
    write(keys) {
      child.stdin.write(keys)
    },
    /** Stops `script` and what runs in it (its own process group). */
    async kill() {
      try {
        process.kill(-child.pid, 'SIGKILL')
      } catch {}
      await exited
    },
  }
}
