/**
 * The first screen written to the terminal before Ink has loaded, and Ink's
 * first frame put over it.
 *
 * Ink and React take about as much CPU to load as a bare Ink app spends in
 * all (bench/startup.mjs): drawn by Ink, no screen could come sooner. So `run`
 * paints the first screen from the same pure functions the screens draw with
 * (phase-screen.ts, trust-screen.ts) on the alternate screen, with the
 * terminal in raw mode: keys typed at it are not echoed over it, and wait for
 * Ink (see typeahead.ts: those typed before it are dropped). When Ink renders, its
 * own entry into the alternate screen is left out (already done) and its first
 * frame is written over the painted one, cursor home and erase down first, in
 * the same write.
 */

import { CURSOR_HOME, ENTER_ALTERNATE_SCREEN } from '../alternate-screen.ts'

const LEAVE_ALTERNATE_SCREEN = '\u001B[?1049l'
const HIDE_CURSOR = '\u001B[?25l'
const SHOW_CURSOR = '\u001B[?25h'
/** Synchronized output (mode 2026), as Ink brackets its frames: the terminal shows the frame whole. */
const BEGIN_SYNC = '\u001B[?2026h'
const END_SYNC = '\u001B[?2026l'
/** Cursor home, then erase to the end of the screen: what Ink's own full redraws start with. */
const WIPE_SCREEN = '\u001B[H\u001B[J'

export interface PaintedScreen {
  /**
   * Calls `render` (Ink's `render()`, which writes its first frame before it returns) with Ink's
   * writes to `stdout` adjusted to the painted screen: its entry into the alternate screen and
   * its hiding of the cursor left out, and its first frame written over the painted one.
   */
  handOver<T>(render: () => T): T
  /** Nothing will take the screen over (an error before Ink drew): the terminal as it was. */
  abandon(): void
}

type Write = NodeJS.WriteStream['write']

/**
 * Paints `frame` (its lines joined by `\n`, as Ink's renderer makes a frame) on the alternate
 * screen, as Ink writes it: a frame shorter than the terminal with a line break after it. From
 * the top left corner: a terminal entering the alternate screen keeps the cursor where the shell
 * left it (under the command, after keys it echoed), and Ink's frame will be drawn from there.
 */
export function paintFirstScreen(
  frame: string,
  stdin: NodeJS.ReadStream = process.stdin,
  stdout: NodeJS.WriteStream = process.stdout,
): PaintedScreen {
  // Before the frame: a key typed once it is seen is not echoed over it.
  stdin.setRawMode?.(true)
  const isFullscreen = frame.split('\n').length >= (stdout.rows ?? 0)
  stdout.write(
    `${ENTER_ALTERNATE_SCREEN}${HIDE_CURSOR}${BEGIN_SYNC}${CURSOR_HOME}${frame}${isFullscreen ? '' : '\n'}${END_SYNC}`,
  )
  let isHandedOver = false
  return {
    handOver(render) {
      const write = stdout.write
      const restore = () => {
        stdout.write = write
      }
      stdout.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
        if (chunk === ENTER_ALTERNATE_SCREEN || chunk === HIDE_CURSOR) return true
        // Ink's first frame: its synchronized-output bracket passes, the frame goes over ours.
        if (typeof chunk === 'string' && chunk !== BEGIN_SYNC) {
          restore()
          isHandedOver = true
          return write.call(this, WIPE_SCREEN + chunk, ...(rest as []))
        }
        return write.call(this, chunk as string, ...(rest as []))
      } as Write
      // A first frame not written before render returns still finds the adjusted write; once
      // written, the write is Ink's own again.
      try {
        return render()
      } catch (error) {
        restore()
        throw error
      }
    },
    abandon() {
      if (isHandedOver) return
      stdout.write(`${SHOW_CURSOR}${LEAVE_ALTERNATE_SCREEN}`)
      stdin.setRawMode?.(false)
    },
  }
}
