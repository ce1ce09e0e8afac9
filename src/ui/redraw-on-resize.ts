/**
 * A clean, whole frame after every resize of the terminal, for the full-screen commands (`run`
 * and `watch`).
 *
 * Ink 8 answers a resize with a frame of the tree as it was laid out for the old size: the
 * screens learn the new size (useWindowSize) only in the same resize event, after Ink has drawn.
 * Made narrower, that frame's lines are wider than the terminal, which wraps them and scrolls the
 * screen; Ink's incremental renderer then rewrites only the lines it thinks changed, at the rows
 * where it thinks they are, so lines of the old frame (the footer's tail, an `id:` line, a detail
 * pane's `○ pending`) stay on screen until the program ends. Made wider, Ink does not even clear.
 *
 * So once the resize's own frames are written, the screen is wiped and Ink is made to draw the
 * current frame whole, from the top left, with which its record of the screen is true again.
 */
import type { Instance } from 'ink'
import type { ReactNode } from 'react'

/**
 * The cursor home, then everything to the end of the screen erased: the whole alternate screen.
 * Not `ESC[2J`/`ESC[3J`, which some terminals (VS Code's, Windows Terminal) answer by pushing the
 * screen into their scrollback (Ink's own full clear avoids them for the same reason).
 */
const WIPE_SCREEN = '\u001B[H\u001B[J'

/**
 * Redraws `instance`, which renders `node`, whole on a clean screen after each resize of
 * `stdout`, until the instance exits.
 */
export function redrawOnResize(
  instance: Instance,
  node: ReactNode,
  stdout: NodeJS.WriteStream = process.stdout,
): void {
  let timer: NodeJS.Timeout | undefined
  let isExited = false
  const redraw = async () => {
    // Ink's and the screens' own frames for this resize, throttled, are written first.
    await instance.waitUntilRenderFlush()
    if (isExited) return
    // Forgets the frame Ink believes is on screen, so the next one is written whole…
    instance.clear()
    stdout.write(WIPE_SCREEN)
    // …and draws it now: the same tree, unchanged, committed again.
    instance.rerender(node)
  }
  // Events of one resize (or of a window being dragged) come together: one redraw after them.
  const onResize = () => {
    clearTimeout(timer)
    timer = setTimeout(() => void redraw(), 0)
  }
  stdout.on('resize', onResize)
  const stop = () => {
    isExited = true
    clearTimeout(timer)
    stdout.off('resize', onResize)
  }
  instance.waitUntilExit().then(stop, stop)
}
