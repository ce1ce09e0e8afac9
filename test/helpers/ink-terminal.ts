/**
 * A terminal for Ink in tests: a screen of a given size that keeps every frame written to it,
 * and a keyboard nobody types on. Frames are compared with what the first paint writes
 * (test/helpers/first-paint.tsx, trust-frames.tsx).
 */
import { EventEmitter } from 'node:events'

/** A terminal's output as Ink sees it: its size (changed by a test to resize), every write kept. */
export class Terminal extends EventEmitter {
  readonly frames: string[] = []
  /** Set for a terminal Ink is to treat as one (the wizard's); else Ink sees a pipe. */
  readonly isTTY: boolean | undefined
  constructor(
    public columns: number,
    public rows: number,
    { isTTY }: { readonly isTTY?: boolean } = {},
  ) {
    super()
    this.isTTY = isTTY
  }
  write = (frame: string) => {
    this.frames.push(frame)
    return true
  }
}

/** Keys from nowhere: Ink listens, nothing is typed. */
export class Keyboard extends EventEmitter {
  readonly isTTY = true
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read() {
    return null
  }
}
