/**
 * Keys typed before a screen was there to be read are not answers to it. Typed ahead, blind,
 * a `y` would trust a checklist's commands before its trust question was drawn, and a `d`
 * would mark an item done that nobody had seen. So when the first screen appears, whatever the
 * terminal already holds is dropped; what is typed from then on is kept, for Ink to act on
 * once it reads the terminal (it may still be loading: see first-paint/screen.ts).
 */

/** Keys read from the terminal since the first screen appeared, until handed to Ink. */
export interface KeysFromNow {
  /** Resolves once what was typed before the screen has been read and dropped. */
  readonly settled: Promise<void>
  /** Stops reading and puts the keys kept back into the terminal's stream, first in line for Ink. */
  handOver(): void
  /** Stops reading and drops the keys kept too: the screen they were typed at was never shown. */
  discard(): void
  /**
   * Whether keys typed before the screen were dropped. The terminal echoed them on the line the
   * command was started from, before raw mode: what is printed there afterwards starts by
   * clearing that line.
   */
  hasDropped(): boolean
}

/**
 * Starts reading `stdin` in raw mode (nothing typed is echoed over the screen). What the
 * terminal already holds is read in the event loop's next poll for input, and dropped; reads
 * after that are kept. Call it just before the first screen, and write the screen once
 * `settled`: whatever was typed before it is then dropped, however busy the process is after
 * it (Ink loading), and everything typed at it is kept. Hand the keys to Ink with `handOver`.
 */
export function keysFromNow(stdin: NodeJS.ReadStream = process.stdin): KeysFromNow {
  stdin.setRawMode?.(true)
  const kept: Buffer[] = []
  let isSettled = false
  let isDropped = false
  // Read as Ink reads ('readable'), never paused: a paused stdin stops reading for good once
  // Node's own pause handler runs, and the wizard would end with nothing to wait for.
  const onReadable = () => {
    let chunk: Buffer | null
    // biome-ignore lint/suspicious/noAssignInExpressions: the usual way to drain a stream
    while ((chunk = stdin.read() as Buffer | null) !== null) {
      if (isSettled) kept.push(chunk)
      else isDropped = true
    }
  }
  stdin.on('readable', onReadable)
  // Two turns of the loop: whichever phase this is called in, a poll for input (which reads
  // all the terminal holds) comes between now and the second.
  const settled = new Promise<void>((resolve) =>
    setImmediate(() =>
      setImmediate(() => {
        isSettled = true
        resolve()
      }),
    ),
  )
  let isHandedOver = false
  return {
    settled,
    hasDropped: () => isDropped,
    handOver() {
      if (isHandedOver) return
      isHandedOver = true
      onReadable()
      stdin.off('readable', onReadable)
      for (const chunk of kept.reverse()) stdin.unshift(chunk)
    },
    discard() {
      if (isHandedOver) return
      isHandedOver = true
      onReadable()
      stdin.off('readable', onReadable)
      if (kept.length > 0) isDropped = true
    },
  }
}
