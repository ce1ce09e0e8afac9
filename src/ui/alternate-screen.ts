/**
 * Ink's full-screen mode, entered from the top left corner: the escape codes, and `render`
 * wrapped so that Ink's first frame is not drawn where the shell left the cursor.
 */

/** Enters the alternate screen (xterm's 1049: the shell's screen saved, a blank one shown). */
export const ENTER_ALTERNATE_SCREEN = '\u001B[?1049h'
/** The cursor to the top left corner (the alternate screen is blank as it is entered). */
export const CURSOR_HOME = '\u001B[H'

type Write = NodeJS.WriteStream['write']

/**
 * Calls `render` (Ink's `render()`) with Ink's entry into the alternate screen followed by the
 * cursor home: Ink enters it and draws its first frame from wherever the
 * shell left the cursor (the row under the command), and draws every later frame relative to
 * that one, so the whole screen would sit that many rows down until something redrew it whole.
 * A screen painted before Ink (first-paint/screen.ts) is written from the top left too.
 */
export function renderFromTopLeft<T>(
  render: () => T,
  stdout: NodeJS.WriteStream = process.stdout,
): T {
  const write = stdout.write
  stdout.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
    const homed = chunk === ENTER_ALTERNATE_SCREEN ? `${chunk}${CURSOR_HOME}` : chunk
    return write.call(this, homed as string, ...(rest as []))
  } as Write
  try {
    return render()
  } finally {
    stdout.write = write
  }
}
