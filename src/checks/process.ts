/**
 * Runs a program for a check (`command`, `tool`) so that nothing outlives it:
 * the child leads its own process group, and on abort (timeout, cancel) or once
 * it exits, the whole group is told to stop, then killed if it lingers. Output
 * (stdout and stderr, in the order it arrives) is kept only as a tail, so a
 * chatty build cannot fill memory.
 */
import { spawn } from 'node:child_process'
import { stripVTControlCharacters } from 'node:util'

/** How much output is kept: the last 64 KB (as characters). */
export const TAIL_CHARS = 64 * 1024
/** How long a process group has between SIGTERM and SIGKILL. */
const KILL_GRACE_MS = 2_000

export interface ProcessResult {
  /** Null when a signal ended the process. */
  readonly exitCode: number | null
  readonly signal: NodeJS.Signals | null
  /** The last `TAIL_CHARS` of stdout and stderr, interleaved as they arrived. */
  readonly output: string
  /** True when earlier output was dropped. */
  readonly truncated: boolean
}

export interface ProcessOptions {
  readonly cwd: string
  readonly env: Readonly<Record<string, string | undefined>>
  readonly signal: AbortSignal
  /** Called with each chunk of output as it arrives (for progress lines). */
  readonly onOutput?: (text: string) => void
}

/**
 * Runs `file` with `args` (no shell) and resolves when it has exited and its
 * output is closed. Rejects with the spawn error (ENOENT, EACCES) or, on abort,
 * with the signal's reason after the process group has been signalled.
 */
export function runProcess(
  file: string,
  args: readonly string[],
  options: ProcessOptions,
): Promise<ProcessResult> {
  const { signal } = options
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise((resolve, reject) => {
    const tail = new OutputTail(TAIL_CHARS)
    // detached: the child leads a new process group, so `kill(-pid)` reaches
    // everything it started (a shell's children, a build's workers).
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: definedEntries(options.env),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null
    let stopGroup: (() => void) | null = null
    const onData = (chunk: string) => {
      tail.append(chunk)
      options.onOutput?.(chunk)
    }
    child.stdout.setEncoding('utf8').on('data', onData)
    child.stderr.setEncoding('utf8').on('data', onData)

    const onAbort = () => {
      stopGroup ??= terminateGroup(child.pid)
      reject(signal.reason)
    }
    signal.addEventListener('abort', onAbort, { once: true })

    child.once('error', (error) => {
      signal.removeEventListener('abort', onAbort)
      reject(error)
    })
    child.once('exit', (code, exitSignal) => {
      exit = { code, signal: exitSignal }
      // What the program left running in the background would keep our pipes
      // open (and keep running after the check); a check leaves nothing behind.
      stopGroup ??= terminateGroup(child.pid)
    })
    child.once('close', () => {
      signal.removeEventListener('abort', onAbort)
      stopGroup?.()
      const { code, signal: exitSignal } = exit ?? { code: child.exitCode, signal: null }
      resolve({
        exitCode: code,
        signal: exitSignal,
        output: tail.text,
        truncated: tail.truncated,
      })
    })
  })
}

/**
 * Sends SIGTERM to the process group led by `pid`, and SIGKILL if any of it is
 * still there after a grace period. Returns a function that drops the SIGKILL
 * when the group is already gone (a member that ignores SIGTERM still gets it).
 */
export function terminateGroup(pid: number | undefined): () => void {
  if (pid === undefined || !signalGroup(pid, 'SIGTERM')) return () => {}
  const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), KILL_GRACE_MS)
  // The follow-up must not keep the process (or a test run) alive by itself.
  timer.unref()
  return () => {
    if (!signalGroup(pid, 0)) clearTimeout(timer)
  }
}

/** False when the group no longer exists. Signal 0 only asks whether it does. */
function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal)
    return true
  } catch {
    return false
  }
}

function definedEntries(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value
  return out
}

/** The end of a stream of text, at most `limit` characters. */
export class OutputTail {
  #text = ''
  #truncated = false

  constructor(readonly limit: number) {}

  append(chunk: string): void {
    this.#text += chunk
    // Trim only once the buffer is twice the limit, so appending stays cheap.
    if (this.#text.length > this.limit * 2) {
      this.#text = this.#text.slice(-this.limit)
      this.#truncated = true
    }
  }

  get text(): string {
    if (this.#text.length <= this.limit) return this.#text
    return this.#text.slice(-this.limit)
  }

  get truncated(): boolean {
    return this.#truncated || this.#text.length > this.limit
  }
}

/**
 * The last `count` lines of program output, as a terminal would show them:
 * colour codes removed, a line rewritten with `\r` (progress bars) reduced to
 * what it ended as, trailing blank lines dropped.
 */
export function lastLines(output: string, count: number): string[] {
  const lines = stripVTControlCharacters(output)
    .split('\n')
    .map((line) => {
      const trimmed = line.replace(/\r+$/, '')
      return trimmed.slice(trimmed.lastIndexOf('\r') + 1)
    })
  while (lines.length > 0 && lines.at(-1)?.trim() === '') lines.pop()
  return lines.slice(-count)
}
