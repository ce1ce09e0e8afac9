/** Types of bench/pty.mjs, for the tests that drive the built CLI in a pty as the benches do. */
import type { ChildProcess } from 'node:child_process'

export interface Pty {
  readonly child: ChildProcess
  readonly started: number
  readonly output: string
  waitFor(text: string | RegExp, options?: { from?: number; timeoutMs?: number }): Promise<number>
  screen(): string[]
  waitForScreen(
    test: (lines: string[]) => boolean,
    options?: { timeoutMs?: number },
  ): Promise<number>
  write(keys: string): void
  kill(): Promise<void>
}

export function startPty(
  argv: readonly string[],
  options?: { env?: NodeJS.ProcessEnv; columns?: number; rows?: number },
): Pty
