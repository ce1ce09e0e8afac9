/**
 * The wizard's first screen is painted from text before Ink and React load,
 * and Ink then draws over it (src/ui/first-paint/): the built CLI in a real
 * pseudo-terminal (`script`, as the start-up bench launches it), with the order
 * of its module loads and writes traced (test/helpers/trace-order.mjs).
 *
 * Needs `script` (util-linux) and a build (`npm run build`).
 */
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, sep } from 'node:path'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import xterm from '@xterm/headless'
import { startPty } from '../../bench/pty.mjs'
import { BIN } from '../helpers/cli.ts'
import { waitFor } from '../helpers/wait.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const TRACE_ORDER = join(ROOT, 'test', 'helpers', 'trace-order.mjs')
const METAFILE = join(ROOT, '.build', 'metafile.json')

/** What Ink's first frame over a painted screen starts with: the cursor home, the screen erased. */
const WIPE = '\u001B[H\u001B[J'
const CURSOR_HOME = '\u001B[H'
const BEGIN_SYNC = '\u001B[?2026h'
const END_SYNC = '\u001B[?2026l'
const TRUST = 'Trust it on this machine?'
const PHASE_SCREEN = '↑↓ move'

const dir = mkdtempSync(join(tmpdir(), 'dw-paint-'))
after(() => rmSync(dir, { recursive: true, force: true }))

let launches = 0

/**
 * `run <target> --env dev` on a fresh home in a 100×30 pty, its loads and writes traced; `args`
 * in place of `--env dev`, and `shellFirst` printed by a shell just before, as a command typed
 * under some output would find the terminal.
 */
function launch(
  target: string,
  extra: NodeJS.ProcessEnv = {},
  { args = ['--env', 'dev'], shellFirst = '' }: { args?: string[]; shellFirst?: string } = {},
) {
  const n = launches++
  const trace = join(dir, `trace-${n}.txt`)
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DEPLOY_WIZARD_HOME: join(dir, `home-${n}`),
    TRACE_ORDER_FILE: trace,
    NODE_OPTIONS: `--import ${TRACE_ORDER}`,
    TERM: 'xterm-256color',
    ...extra,
  }
  delete env.CI
  const argv = [process.execPath, BIN, 'run', target, ...args, '--operator', 'x']
  const pty = startPty(
    shellFirst ? ['sh', '-c', `printf '%s' "$0"; exec "$@"`, shellFirst, ...argv] : argv,
    { env },
  )
  return { pty, trace }
}

/** The source files a loaded chunk of dist/ was built from (the build's metafile). */
function sourcesOf(url: string): string[] {
  const { outputs } = JSON.parse(readFileSync(METAFILE, 'utf8')) as {
    outputs: Record<string, { inputs: Record<string, unknown> }>
  }
  if (!url.startsWith('file:') || !url.includes('/dist/')) return []
  const chunk = relative(ROOT, fileURLToPath(url)).split(sep).join('/')
  return Object.keys(outputs[chunk]?.inputs ?? {})
}

/** The traced events up to the first write that shows `text`: what had loaded by then. */
function loadedBefore(trace: string, text: string) {
  const events = readFileSync(trace, 'utf8').split('\n').filter(Boolean)
  const at = events.findIndex(
    (e) => e.startsWith('write ') && JSON.parse(e.slice(6)).includes(text),
  )
  assert.ok(at >= 0, `no write showed ${JSON.stringify(text)}`)
  const writes = events.filter((e) => e.startsWith('write ')).map((e) => JSON.parse(e.slice(6)))
  const sources = events
    .slice(0, at)
    .filter((e) => e.startsWith('load '))
    .flatMap((e) => sourcesOf(e.slice(5)))
  return { sources, first: JSON.parse(events[at]?.slice(6) ?? '""') as string, writes }
}

const INK_OR_REACT = /node_modules\/(ink|react|react-reconciler|yoga-layout)\//

/** Whether the trace shows a module of Ink or React loading after the first write that painted a screen. */
function inkLoadingAfterPaint(trace: string): boolean {
  const events = readFileSync(trace, 'utf8').split('\n')
  const painted = events.findIndex((e) => e.startsWith('write ') && e.includes('1049h'))
  return (
    painted >= 0 &&
    events
      .slice(painted)
      .some((e) => e.startsWith('load ') && sourcesOf(e.slice(5)).some((s) => INK_OR_REACT.test(s)))
  )
}

describe('the first screen, painted before Ink', () => {
  for (const [name, target, shows] of [
    ['the trust question of a checklist with commands', 'marketplace-api', TRUST],
    ['the phase screen of a new run', 'painel-operacional-alquimista', PHASE_SCREEN],
  ] as const) {
    it(`${name} is written before Ink or React is loaded, and Ink then draws the same screen over it`, async () => {
      const { pty, trace } = launch(target)
      try {
        await pty.waitFor(shows, { timeoutMs: 30_000 })
        const { sources, first } = loadedBefore(trace, shows)
        assert.ok(!first.includes(WIPE), 'the first screen was Ink’s, not painted')
        assert.deepEqual(
          [...new Set(sources.filter((s) => INK_OR_REACT.test(s)))],
          [],
          'Ink or React loaded before the first screen',
        )
        // Ink's frame: over the painted one, from the top left, after the screen is erased.
        const shownAt = pty.output.indexOf(shows)
        await pty.waitFor(WIPE, { from: shownAt, timeoutMs: 30_000 })
        await pty.waitFor(shows, { from: pty.output.indexOf(WIPE, shownAt), timeoutMs: 30_000 })
        const { writes } = loadedBefore(trace, shows)
        // The same frame, character for character and colour for colour.
        // Painted from the top left corner (see below), as Ink's frame is drawn.
        const paint = first.slice(
          first.indexOf(BEGIN_SYNC) + BEGIN_SYNC.length,
          first.lastIndexOf(END_SYNC),
        )
        assert.ok(paint.startsWith(CURSOR_HOME), JSON.stringify(paint.slice(0, 20)))
        const ink = writes.find((write) => write.startsWith(WIPE))?.slice(WIPE.length)
        assert.equal(ink, paint.slice(CURSOR_HOME.length))
      } finally {
        await pty.kill()
      }
    })
  }

  it('a key typed on the painted screen, before Ink has drawn, is acted on once it has', async () => {
    // Typed while Ink is loading: once the trace shows a module of Ink or React loading after
    // the painted screen (keys already waiting when it was painted are dropped; typed at it,
    // kept). A launch where Ink drew before the key went proves nothing, so it is tried again,
    // a few times at most.
    for (let attempt = 0; attempt < 5; attempt++) {
      const { pty, trace } = launch('marketplace-api')
      try {
        await pty.waitFor(TRUST, { timeoutMs: 30_000 })
        await waitFor(() => inkLoadingAfterPaint(trace), 'Ink loading after the painted screen')
        const sentAt = pty.output.length
        pty.write('n')
        if (pty.output.slice(0, sentAt).includes(WIPE)) continue
        // "n: not now": the commands stay manual and the phase screen opens.
        await pty.waitFor(PHASE_SCREEN, { from: sentAt, timeoutMs: 30_000 })
        return
      } finally {
        await pty.kill()
      }
    }
    assert.fail('Ink drew before a key could be sent on the painted screen, five times')
  })

  it('a key typed before the first screen appears answers nothing: a blind y does not trust the checklist', async () => {
    const { pty } = launch('marketplace-api')
    const home = join(dir, `home-${launches - 1}`)
    try {
      // Typed at once: the pty holds it before the process has drawn anything.
      pty.write('y')
      await pty.waitFor(TRUST, { timeoutMs: 30_000 })
      // Ink has drawn (and read what the terminal held) before the real answer is given.
      await pty.waitFor(WIPE, { from: pty.output.indexOf(TRUST), timeoutMs: 30_000 })
      const beforeAnswer = pty.output.length
      pty.write('n')
      await pty.waitFor(PHASE_SCREEN, { from: beforeAnswer, timeoutMs: 30_000 })
      assert.equal(existsSync(join(home, 'trust.json')), false, 'the blind y trusted the checklist')
      // The terminal echoed the y before the first screen; what is printed on leaving clears it.
      const beforeQuit = pty.output.length
      pty.write('q')
      await pty.waitFor('resume with', { from: beforeQuit, timeoutMs: 30_000 })
      await pty.waitForScreen((lines) => lines.some((line) => line.includes('Progress saved')))
      assert.ok(
        pty.screen().some((line) => line.startsWith('Progress saved')),
        pty.screen().join('\n'),
      )
    } finally {
      await pty.kill()
    }
  })

  it('the painted screen is drawn from the top left corner, wherever the shell left the cursor', async () => {
    const { pty, trace } = launch('marketplace-api')
    try {
      await pty.waitFor(TRUST, { timeoutMs: 30_000 })
      const { first } = loadedBefore(trace, TRUST)
      // The painted write alone, on a terminal whose cursor is where a shell leaves it: under
      // some output, after keys it echoed.
      const screen = new xterm.Terminal({ cols: 100, rows: 30, allowProposedApi: true })
      // What the process wrote, as the terminal gets it: each line feed with a return (ONLCR).
      const shown = `$ ls\nfile\n$ run\nyy${first}`.replaceAll('\n', '\r\n')
      await new Promise<void>((resolve) => screen.write(shown, resolve))
      const rows = Array.from(
        { length: 3 },
        (_, y) => screen.buffer.active.getLine(y)?.translateToString(true) ?? '',
      )
      assert.match(rows[0] ?? '', /^╭─+╮$/, rows.join('\n'))
      assert.match(rows[1] ?? '', /^│ This checklist runs shell commands/, rows.join('\n'))
    } finally {
      await pty.kill()
    }
  })

  it('a first screen Ink draws itself is drawn from the top left corner too, not under the command', async () => {
    // No --env: the first screen is the choice of environment, which is not painted.
    const { pty } = launch('marketplace-api', {}, { args: [], shellFirst: 'one\ntwo\nthree\n$ ' })
    try {
      const lines = await new Promise<string[]>((resolve, reject) => {
        pty
          .waitForScreen((shown: string[]) => {
            if (!shown.some((line) => line.includes('which environment?'))) return false
            resolve(shown)
            return true
          })
          .catch(reject)
      })
      assert.match(lines[0] ?? '', /which environment\?/, lines.join('\n'))
    } finally {
      await pty.kill()
    }
  })

  it('under NO_COLOR the painted screen has no colour, as Ink’s has none', async () => {
    const { pty, trace } = launch('marketplace-api', { NO_COLOR: '1' })
    try {
      await pty.waitFor(TRUST, { timeoutMs: 30_000 })
      const { first } = loadedBefore(trace, TRUST)
      // No SGR sequence (colour, bold, dim) anywhere in the painted frame.
      assert.ok(!/\[[\d;]*m/.test(first.replaceAll('\u001B[?', '')), JSON.stringify(first))
    } finally {
      await pty.kill()
    }
  })
})
