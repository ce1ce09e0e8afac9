/**
 * `command`: runs shell text with `sh -c` in a folder and checks its exit code
 * and output. `sh` is looked up on the PATH of the checks' environment (so tests
 * can make it dash, bash or zsh). Values substituted into `run` are handed over
 * by the job layer (`shellParams`, see shell.ts): each reaches the command as
 * literal text, or the check errors before this runs. Whether commands may run
 * at all (the checklist is trusted) is decided before the kind is called.
 */
import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { stripVTControlCharacters } from 'node:util'
import { type CheckContext, error, fail, pass, type RunCheck } from './kind.ts'
import type { CommandParams as Params } from './kinds/command.ts'
import type { Pattern } from './params.ts'
import { lastLines, type ProcessResult, runProcess } from './process.ts'

/** Lines of output shown in details and kept in the evidence. */
const SHOWN_LINES = 40
/** A progress line at most this often, so a chatty build does not flood the screen. */
const PROGRESS_EVERY_MS = 1_000

/** Runs a `command` check (its parameters: kinds/command.ts). */
export const checkCommand: RunCheck<Params> = async (params, context) => {
  const cwd = resolve(context.cwd, params.cwd ?? '.')
  const missing = await missingFolder(cwd)
  if (missing) return error(`cwd ${params.cwd ?? cwd} ${missing}`)
  let result: ProcessResult
  try {
    result = await runProcess('sh', ['-c', params.run], {
      cwd,
      env: context.env,
      signal: context.signal,
      onOutput: progressReporter(context),
    })
  } catch (cause) {
    if (context.signal.aborted) throw cause
    return error(`cannot start sh: ${(cause as Error).message}`)
  }
  return judge(result, params.exit ?? 0, params.output)
}

function judge(result: ProcessResult, expectedExit: number, output: Pattern | undefined) {
  const lines = lastLines(result.output, SHOWN_LINES)
  const ended =
    result.exitCode === null ? `killed by ${result.signal}` : `exit code ${result.exitCode}`
  const unmet: string[] = []
  if (result.exitCode !== expectedExit) unmet.push(`${ended} (expected ${expectedExit})`)
  // Without its final newline: `output='^ok$'` matches what `echo ok` prints.
  if (output && !output.test(stripVTControlCharacters(result.output).trimEnd()))
    unmet.push(`output does not match ${output}`)
  const evidence = {
    exitCode: result.exitCode,
    ...(result.signal ? { signal: result.signal } : {}),
    output: lines,
    ...(result.truncated ? { outputTruncated: true } : {}),
  }
  const [first, ...more] = unmet
  if (first === undefined) {
    return pass(output ? `${ended}, output matches ${output}` : ended, { evidence })
  }
  const shown =
    lines.length > 0
      ? [
          lines.length === 1 ? 'last line of output:' : `last ${lines.length} lines of output:`,
          ...lines,
        ]
      : []
  return fail(more.length > 0 ? `${first}; ${more.join('; ')}` : first, {
    details: [...unmet, ...shown],
    evidence,
  })
}

/** Why `path` cannot be the command's folder, or null when it can. */
async function missingFolder(path: string): Promise<string | null> {
  try {
    return (await stat(path)).isDirectory() ? null : 'is not a folder'
  } catch {
    return 'does not exist'
  }
}

/** Shows the command's latest output line as progress, at most once a second. */
function progressReporter(context: CheckContext): (text: string) => void {
  let last = 0
  return (text) => {
    const now = Date.now()
    if (now - last < PROGRESS_EVERY_MS) return
    const line = lastLines(text, 1)[0]?.trim()
    if (!line) return
    last = now
    context.progress(line.length > 120 ? `${line.slice(0, 117)}...` : line)
  }
}
