/**
 * A program in a real pseudo-terminal through util-linux `script` (node-pty is
 * not installed): its screen output arrives on our pipe as the program writes
 * it (`-f` flushes), and what we write to `input` reaches it as typed keys.
 */
import { spawn } from 'node:child_process'

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
  child.stdout.setEncoding('utf8')
  child.stdout.on('data', (chunk) => {
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
