/**
 * Waiting for what a test expects to see, instead of sleeping for a guess: each
 * helper checks every few milliseconds and gives up after a generous bound (not a
 * timing assertion), failing with what it was waiting for and what it last saw.
 */
import { setTimeout as sleep } from 'node:timers/promises'

const POLL_MS = 5

/** Waits until `condition` holds; throws naming `what` when it still does not after `withinMs`. */
export async function waitFor(
  condition: () => boolean,
  what: string,
  withinMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + withinMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`still not true after ${withinMs} ms: ${what}`)
    await sleep(POLL_MS)
  }
}

/**
 * Waits until `read()` (a screen, a stream's output so far) matches `pattern`, and
 * returns what matched; fails with the content as it last was.
 */
export async function waitForContent(
  read: () => string,
  pattern: RegExp,
  withinMs = 15_000,
): Promise<string> {
  const deadline = Date.now() + withinMs
  for (;;) {
    const content = read()
    if (pattern.test(content)) return content
    if (Date.now() > deadline) {
      throw new Error(`never showed ${pattern} within ${withinMs} ms; last seen:\n${content}`)
    }
    await sleep(POLL_MS)
  }
}

/**
 * Lets what a key or a render scheduled happen before the test goes on: React runs
 * the effects of a commit (where Ink's `useInput` subscribes) and the state updates
 * a key caused once the current turn of the event loop ends. Nothing is timed.
 */
export async function inputSettled(key = ''): Promise<void> {
  // A lone ESC is Ink's to hold a moment (20 ms), in case an escape sequence follows.
  if (key === '\u001B') await sleep(INK_ESCAPE_HOLD_MS)
  for (let turn = 0; turn < 10; turn++) await new Promise((done) => setImmediate(done))
}

/** How long Ink holds a lone ESC before it reads it as the escape key (ink/build/components/App.js). */
const INK_ESCAPE_HOLD_MS = 25
