/**
 * `deploy-wizard check <file> --env <env>`: run the automated items of a
 * checklist headless, for CI and for a quick look before opening the wizard.
 * Prints a line per check as it finishes and a summary; `--json` prints the
 * report instead, `--junit` also writes JUnit XML. Exit 0 when every check
 * passed (or was skipped on purpose), 1 when any failed, errored or was
 * blocked, 2 for bad usage, 130 when cancelled: by Ctrl-C, or by the reader of
 * its output going away (`check … | head -1`).
 *
 * It reads the flags, runs the chosen items in a check batch (checks/batch.ts)
 * with the loggers the flags ask for listening (report/check-loggers.ts), and
 * turns the report into the exit code.
 */
import { constants } from 'node:fs'
import { access, stat } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { createInterface } from 'node:readline/promises'
import { isProduction } from '../checklist/environments.ts'
import type { Checklist, Item } from '../checklist/model.ts'
import { CheckBatch } from '../checks/batch.ts'
import { HTTP_PER_HOST_VARIABLE, httpPerHost } from '../checks/http-hosts.ts'
import { needsTrust } from '../checks/registry.ts'
import { findPhases, selectCheckItems } from '../checks/select.ts'
import { shellQuote } from '../checks/shell-quote.ts'
import { parseDuration } from '../duration.ts'
import { UserError } from '../errors.ts'
import { terminalFor } from '../output/terminal.ts'
import {
  type CheckLogger,
  jsonLogger,
  junitLogger,
  reportChecks,
  textLogger,
} from '../report/check-loggers.ts'
import { commandItems, trustState } from '../trust.ts'
import { confirmName } from '../ui/confirm-name.ts'
import { EXIT_CANCELLED } from './exit-codes.ts'
import { loadForRun, requireEnvironment, typedName } from './load-for-run.ts'

export interface CheckOptions {
  readonly env: string
  readonly phase?: readonly string[]
  readonly only?: readonly string[]
  readonly json?: boolean
  readonly junit?: string
  readonly trust?: boolean
  readonly skipCommands?: boolean
  readonly timeout?: string
  readonly concurrency?: string
  readonly perHost?: string
  readonly confirm?: string
}

export { EXIT_CANCELLED }

/** Ids an unknown `--only` lists before pointing to `plan --json` for the rest. */
const MAX_LISTED_IDS = 12

export async function checkCommand(file: string, options: CheckOptions): Promise<number> {
  const checklist = await loadForRun(file, 'running its checks')
  requireEnvironment(checklist, options.env)
  const items = chooseItems(checklist, options)
  const timeoutMs = parseOption(options.timeout, '--timeout', parseDuration, 'such as 30s or 5m')
  const concurrency = parseOption(options.concurrency, '--concurrency', positiveInteger, 'from 1')
  const perHost = parseOption(options.perHost, '--per-host', positiveInteger, 'from 1')
  // The http kind's caps are read from the environment the checks see (checks/http-hosts.ts).
  const processEnv =
    perHost === undefined ? process.env : { ...process.env, [HTTP_PER_HOST_VARIABLE]: `${perHost}` }
  httpPerHost(processEnv) // a DEPLOY_WIZARD_HTTP_PER_HOST it cannot use is refused before anything runs
  const commands = commandPolicy(checklist, items, options)
  if (options.junit) await requireWritable(options.junit)
  if (isProduction(checklist, options.env)) await confirmProduction(options.env, options.confirm)

  const batch = new CheckBatch({
    checklist,
    environment: options.env,
    commands,
    processEnv,
    ...(options.skipCommands ? { commandsSkipReason: 'commands are off (--skip-commands)' } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(concurrency !== undefined ? { concurrency } : {}),
  })
  const out = terminalFor(process.stdout)
  const loggers: CheckLogger[] = [
    ...(options.junit ? [junitLogger(options.junit)] : []),
    // On a terminal, lines are broken at spaces to its width; a pipe or a file gets them whole.
    options.json
      ? jsonLogger(out)
      : textLogger(out, { columns: process.stdout.isTTY ? process.stdout.columns : undefined }),
  ]
  const stopCancelling = cancelOnSignals(batch, { hasJunit: options.junit !== undefined })
  let report: Awaited<ReturnType<typeof reportChecks>>
  try {
    report = await reportChecks(batch, items, loggers)
  } finally {
    stopCancelling()
  }
  if (report.cancelled) return EXIT_CANCELLED
  return report.ok ? 0 : 1
}

/**
 * Ctrl-C (or SIGTERM) cancels the running checks, and a second one quits at once.
 * A reader that stops early (`check … | head -1`) will see nothing more: the checks
 * still running are stopped as Ctrl-C stops them, found out at the next line printed.
 * A JUnit report is output too, and wants every result: then they run on.
 */
function cancelOnSignals(batch: CheckBatch, options: { readonly hasJunit: boolean }): () => void {
  const err = terminalFor(process.stderr)
  const onInterrupt = () => {
    if (batch.isCancelled) process.exit(EXIT_CANCELLED)
    err.write(err.paint('yellow', '\ncancelling running checks… (Ctrl-C again to quit now)\n'))
    batch.cancel()
  }
  const onOutputGone = (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' && !options.hasJunit) batch.cancel()
  }
  process.on('SIGINT', onInterrupt)
  process.on('SIGTERM', onInterrupt)
  process.stdout.on('error', onOutputGone)
  return () => {
    process.off('SIGINT', onInterrupt)
    process.off('SIGTERM', onInterrupt)
    process.stdout.off('error', onOutputGone)
  }
}

/** The items to check, from --phase and --only, with everything they need. */
function chooseItems(checklist: Checklist, options: CheckOptions): Item[] {
  const phaseIds = (options.phase ?? []).map((phase) => {
    const found = findPhases(checklist, phase)
    const list = `phases: ${checklist.phases.map((p) => `${p.id} ("${p.title}")`).join(', ')}`
    if (found.length === 0)
      throw new UserError(`no phase '${phase}' in ${typedName(checklist)}`, { hint: list })
    if (found.length > 1) {
      throw new UserError(`'${phase}' could be any of: ${found.join(', ')}`, {
        hint: 'give the phase id',
      })
    }
    return found[0] as string
  })
  const ids = new Set(checklist.items.map((item) => item.id))
  for (const id of options.only ?? []) {
    if (!ids.has(id)) {
      const close = checklist.items
        .filter(
          (item) =>
            item.check && (item.id.includes(id) || id.includes(item.id.split('/').pop() ?? '')),
        )
        .map((item) => item.id)
        .slice(0, 5)
      throw new UserError(`no item '${id}' in ${typedName(checklist)}`, {
        hint: close.length > 0 ? `did you mean: ${close.join(', ')}` : automatedIds(checklist),
      })
    }
  }
  const items = selectCheckItems(checklist, options.env, {
    ...(phaseIds.length > 0 ? { phases: phaseIds } : {}),
    ...(options.only?.length ? { only: options.only } : {}),
  })
  if (items.length === 0) {
    throw new UserError(`nothing to check: no automated item applies to ${options.env} here`, {
      hint: `deploy-wizard plan ${shellQuote(typedName(checklist))} --env ${options.env} shows which items are automated`,
      exitCode: 2,
    })
  }
  return items
}

/** The ids `--only` takes, for a hint: the automated items', the first few of them. */
function automatedIds(checklist: Checklist): string {
  const ids = checklist.items.flatMap((item) => (item.check ? [item.id] : []))
  if (ids.length === 0) return 'the checklist has no automated items'
  const shown = ids.slice(0, MAX_LISTED_IDS).map((id) => `\n    ${id}`)
  const more = ids.length - MAX_LISTED_IDS
  const rest =
    more > 0
      ? `\n    … and ${more} more: deploy-wizard plan ${shellQuote(typedName(checklist))} --env <env> --json lists every id`
      : ''
  return `the automated items are:${shown.join('')}${rest}`
}

/**
 * Shell commands run only when the operator trusts the checklist: recorded on
 * this machine by `deploy-wizard trust`, or --trust for this run.
 */
function commandPolicy(
  checklist: Checklist,
  items: readonly Item[],
  options: CheckOptions,
): 'run' | 'skip' {
  const commands = items.filter(needsTrust)
  if (commands.length === 0 || options.skipCommands) return 'skip'
  if (options.trust) return 'run'
  const state = trustState(checklist)
  if (state === 'trusted') return 'run'
  const total = commandItems(checklist).length
  const why =
    state === 'changed'
      ? `${typedName(checklist)} changed since you trusted it`
      : `${typedName(checklist)} is not trusted on this machine`
  throw new UserError(
    `${why}, and it runs ${total} shell ${total === 1 ? 'command' : 'commands'}`,
    {
      hint: `review and trust them with: deploy-wizard trust ${shellQuote(typedName(checklist))}\n  or pass --trust (this run only, for CI) or --skip-commands`,
    },
  )
}

async function confirmProduction(env: string, confirm: string | undefined): Promise<void> {
  if (confirm !== undefined) {
    if (confirm === env) return
    throw new UserError(`--confirm ${confirm} does not match the environment '${env}'`, {
      hint: `pass --confirm ${env} to check ${env}`,
    })
  }
  if (!process.stdin.isTTY || !process.stderr.isTTY) {
    throw new UserError(`checking ${env} needs an explicit confirmation`, {
      hint: `pass --confirm ${env}`,
    })
  }
  const err = terminalFor(process.stderr)
  const rl = createInterface({ input: process.stdin, output: process.stderr })
  const interrupted = new UserError('not confirmed; nothing was run', { exitCode: EXIT_CANCELLED })
  const backOut = new AbortController()
  rl.on('SIGINT', () => backOut.abort())
  rl.on('close', () => backOut.abort())
  try {
    // The rule and its words are the wizard's too (ui/confirm-name.ts); here one wrong answer refuses.
    const confirmed = await confirmName(
      env,
      (question) =>
        rl.question(
          err.shown(
            err.paint('red', `You are about to run checks against ${env}. ${question.label} `),
          ),
          { signal: backOut.signal },
        ),
      { isRetried: false },
    )
    if (!confirmed) throw new UserError(`not confirmed; nothing was run`, { exitCode: 2 })
  } catch (error) {
    // Ctrl-C or Ctrl-D at the prompt: the operator backed out.
    const code = (error as NodeJS.ErrnoException).code
    if ((error as Error).name === 'AbortError' || code === 'ERR_USE_AFTER_CLOSE') throw interrupted
    throw error
  } finally {
    rl.close()
  }
}

/** A --junit path that cannot be written is found before any check runs, not after. */
async function requireWritable(file: string): Promise<void> {
  if (await isFolder(file)) {
    throw new UserError(`cannot write the JUnit report to ${file}: it is a folder`, {
      hint: `give a file name, e.g. --junit ${join(file, 'deploy-wizard.xml')}`,
    })
  }
  try {
    await access(dirname(resolve(file)), constants.W_OK)
  } catch {
    throw new UserError(
      `cannot write the JUnit report to ${file}: its folder does not exist or is not writable`,
      { hint: 'give a path in a folder that exists and is writable' },
    )
  }
}

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory()
  } catch {
    return false
  }
}

function parseOption<T>(
  value: string | undefined,
  name: string,
  parse: (text: string) => T | null,
  expected: string,
): T | undefined {
  if (value === undefined) return undefined
  const parsed = parse(value)
  if (parsed === null)
    throw new UserError(`${name} ${value} is not valid`, { hint: `expected a value ${expected}` })
  return parsed
}

function positiveInteger(text: string): number | null {
  return /^[1-9]\d*$/.test(text) ? Number(text) : null
}
