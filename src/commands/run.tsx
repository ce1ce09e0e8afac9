/**
 * `deploy-wizard run [checklist] [--env X]` (and `deploy-wizard` alone on a
 * terminal): the interactive wizard. Needs a terminal; without one it says to
 * use `check`. Draws on the alternate screen, so the terminal is left as it was;
 * prints the outcome (or how to resume) afterwards, where it stays.
 *
 * Exit 0 when the run finished with nothing failed or pending, or the operator
 * quit (progress is saved); 1 when it finished with failed or pending items;
 * 2 for bad usage; 74 when something the operator entered could not be saved
 * (the disk full, the folder read-only), whatever else happened; 130 when
 * interrupted (Ctrl-C, SIGTERM, the terminal closed), or cancelled with Esc at a
 * question before the run was opened (declining to take a team run over is one).
 *
 * `--store s3://bucket/prefix` (or DEPLOY_WIZARD_STORE, or the checklist's
 * `store:`) drives the run in a team store; once the wizard closes, what the
 * store has of it is said.
 */
import { resolve } from 'node:path'
import type { Instance } from 'ink'
import { resolveChecklistFile } from '../checklist/bundled.ts'
import type { Checklist } from '../checklist/model.ts'
import { noStepsToRun } from '../checklist/no-steps.ts'
import { heldWrites } from '../checklist/parse-cache.ts'
import { httpPerHost } from '../checks/http-hosts.ts'
import { parseDuration } from '../duration.ts'
import { UserError } from '../errors.ts'
import { takeHomeProblems } from '../home.ts'
import { type Terminal, terminalFor } from '../output/terminal.ts'
import {
  formatDemoLeft,
  formatFinished,
  formatNotSaved,
  formatPartlySaved,
  formatLeft as formatProgressSaved,
  formatTotals,
} from '../report/run-summary.ts'
import { appliesIn, stateOf } from '../run/describe.ts'
import type { RunState } from '../run/model.ts'
import { DEFAULT_STALE_AFTER_MS } from '../run/resume.ts'
import type { RunSession } from '../run/session.ts'
import type { SyncView } from '../run/snapshot.ts'
import { type WizardServices, wizardServices } from '../run/start.ts'
import { OPERATOR_VARIABLE, type StoreProblem } from '../run/store.ts'
import { resolveStore } from '../run/team/address.ts'
import { teamFolder, teamTuning } from '../run/team/link.ts'
import { renderFromTopLeft } from '../ui/alternate-screen.ts'
import type { AppOutcome } from '../ui/app.tsx'
import { type PaintedScreen, paintFirstScreen } from '../ui/first-paint/screen.ts'
import type { AppOptions } from '../ui/open-run.ts'
import { type OpeningView, startOpening } from '../ui/opening.ts'
import { pacedStdin } from '../ui/paced-stdin.ts'
import { redrawOnResize } from '../ui/redraw-on-resize.ts'
import { type KeysFromNow, keysFromNow } from '../ui/typeahead.ts'
import { EXIT_CANCELLED } from './exit-codes.ts'
import { loadForRun, requireEnvironment, typedName } from './load-for-run.ts'
import { reportProblems } from './store-problems.ts'

/** Something entered in the wizard was not saved (sysexits' EX_IOERR). Wins over every other outcome. */
export const EXIT_NOT_SAVED = 74

export interface RunOptions {
  readonly env?: string
  readonly resume?: string
  readonly new?: boolean
  readonly operator?: string
  readonly staleAfter?: string
  readonly sheet?: string
  readonly timeout?: string
  /** The team store: `s3://bucket/prefix`. */
  readonly store?: string
}

/** How the command was reached: `demo` runs are thrown away, so they cannot be resumed. */
export interface RunMode {
  readonly isDemo?: boolean
}

export async function runCommand(
  file: string | undefined,
  options: RunOptions,
  mode: RunMode = {},
): Promise<number> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new UserError('the wizard needs an interactive terminal', {
      hint:
        `for scripts and CI run the checks headless: deploy-wizard check ${file ?? '<checklist>'} --env ${options.env ?? '<env>'}\n` +
        '  (deploy-wizard runs and deploy-wizard export work without a terminal too)',
    })
  }
  if (options.resume && options.new)
    throw new UserError('--resume and --new cannot go together', {
      hint: 'pick one: resume a saved run, or start a new one',
    })
  const staleAfterMs = duration(options.staleAfter, '--stale-after') ?? DEFAULT_STALE_AFTER_MS
  const timeoutMs = duration(options.timeout, '--timeout')
  // Read again by the checks; a value they cannot use is refused before any screen opens.
  httpPerHost(process.env)
  // So is a team store named wrongly (the checklist's own store: is read with the checklist).
  resolveStore({ flag: options.store, env: process.env })
  teamTuning(process.env)
  // Errors in the checklist are printed as `validate` prints them, before any screen opens.
  // A checklist parsed now goes into the parse cache once the first screen is up (or at exit).
  const cacheWrites = heldWrites()
  const named = file ? await loadForRun(file, 'running it', cacheWrites) : undefined
  if (named && options.env) requireEnvironment(named, options.env)
  // A new run of a checklist with nothing to ask would open on nothing and end saying so
  // little that it read as done: refused before any screen opens. A saved run still resumes.
  const refusal = named && !options.resume ? noStepsToRun(named, typedName(named)) : null
  if (refusal) throw refusal
  // Named on the command line or in DEPLOY_WIZARD_OPERATOR: not asked.
  const operator = options.operator?.trim() || process.env[OPERATOR_VARIABLE]?.trim() || undefined

  const services = reusing(
    named,
    wizardServices({
      cwd: process.cwd(),
      staleAfterMs,
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(options.store ? { store: options.store } : {}),
    }),
  )

  // Set from the screens' callbacks; read once they are closed.
  const ended: {
    outcome: AppOutcome | null
    session: RunSession | null
    problems: StoreProblem[]
    notices: string[]
  } = { outcome: null, session: null, problems: [], notices: [] }
  const now = new Date()
  const appOptions: AppOptions = {
    ...(file ? { checklistPath: resolveChecklistFile(file) } : {}),
    ...(options.env ? { environment: options.env } : {}),
    ...(operator ? { operator } : {}),
    ...(options.resume ? { resume: options.resume } : {}),
    isNew: options.new === true,
    staleAfterMs,
    sheetPathFor: (id: string) => resolve(options.sheet ?? `${id}-signoff.md`),
    today: localDate(now),
    now: () => new Date(),
  }
  // Opened before Ink loads, so that its first screen can be painted while Ink loads.
  const opening = startOpening(services, appOptions, {
    onOpen: (session) => {
      ended.session = session
    },
    // Written under the full-screen wizard they would be cut off, then lost with its screen.
    onStoreProblems: (problems) => {
      ended.problems.push(...problems)
    },
    // Team runs set aside, a team store that refused: one line each on screen, in full here.
    onNotices: (notices) => {
      ended.notices.push(...notices)
    },
  })

  // Killed from outside or the terminal closed: answers are already on disk; stop the checks.
  let instance: Instance | null = null
  let painted: PaintedScreen | null = null
  // Read from the first screen on: what was typed before it is dropped (typeahead.ts).
  let typed: KeysFromNow | null = null
  // Keys typed before the first screen were echoed on the command's line (cleared on leaving).
  let isEchoed = false
  let signalled = false
  const onSignal = () => {
    signalled = true
    if (instance) instance.unmount()
    else void leaveBeforeInk()
  }
  /** A signal before Ink drew: the painted screen taken down, the run closed, said as interrupted. */
  const leaveBeforeInk = async () => {
    painted?.abandon()
    await ended.session?.close()
    clearEcho(typed, isEchoed)
    process.exit(report({ kind: 'interrupted', session: ended.session }, mode))
  }
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const
  for (const signal of signals) process.on(signal, onSignal)

  // Loaded only now: its colours come from chalk, which must see FORCE_COLOR as bin/deploy-wizard.js left it
  // (0 under NO_COLOR).
  const { firstFrameOf } = await import('../ui/first-paint/first-frame.ts')
  // A new run on this machine needs nothing but this machine to open: its first screen is known
  // once the event loop has turned. Painted then, before Ink and React load; a first screen that
  // waited on something else (a file still being read, a team store) is painted when it comes,
  // if Ink has not drawn by then.
  let isInkDrawing = false
  const paint = async (view: OpeningView) => {
    if (painted || typed || isInkDrawing || !process.stdout.columns) return
    const frame = frameOrNull(() =>
      firstFrameOf(view, {
        today: appOptions.today,
        columns: process.stdout.columns,
        rows: process.stdout.rows,
      }),
    )
    if (frame === null) return
    // What the terminal holds was typed before this screen: read and dropped before it is shown,
    // so that everything read after was typed at it, however long Ink then takes to load.
    typed = keysFromNow()
    await typed.settled
    if (isInkDrawing || opening.view() !== view) return
    painted = paintFirstScreen(frame)
  }
  await new Promise(setImmediate)
  await paint(opening.view())
  cacheWrites.release()
  const stopPainting = opening.subscribe((view) => void paint(view))
  try {
    const [{ render }, { default: React }, { App }] = await Promise.all([
      import('ink'),
      import('react'), // CommonJS: its exports are the default, in Node and in the bundle alike
      import('../ui/app.tsx'),
    ])
    stopPainting()
    isInkDrawing = true
    const app = React.createElement(App, {
      services,
      options: appOptions,
      opening,
      onDone: (done: AppOutcome) => {
        ended.outcome = done
      },
    })
    const inkOptions = {
      // Keys that arrive together reach Ink one at a time, so each sees what the last one did.
      stdin: pacedStdin(process.stdin),
      exitOnCtrlC: false,
      alternateScreen: true,
      incrementalRendering: true,
      // A key pressed just after a spinner frame waits for Ink's next render slot
      // (1000 / maxFps ms): 120 keeps that under 9 ms (60 did under 17: a key's 95th percentile
      // went from 34–39 to 21–36 ms with 50 checks in flight). Spinners still tick 6.7 times a second.
      maxFps: 120,
      // Ink turns itself into a print-the-last-frame logger when CI or
      // CONTINUOUS_INTEGRATION is set, even on a terminal. This command only gets
      // here with a TTY, so the screen is always live.
      interactive: true,
    }
    // Ink's first frame is the first screen unless one was painted: keys typed before either
    // were typed at nothing, and are dropped; those typed at the painted screen go to Ink.
    // (Set in `paint`, which TypeScript does not follow.)
    const earlier = typed as KeysFromNow | null
    if (!(painted as PaintedScreen | null)) {
      if (earlier?.hasDropped()) isEchoed = true
      earlier?.discard()
      typed = keysFromNow()
    }
    const keys = typed as KeysFromNow
    await keys.settled
    keys.handOver()
    const screen = painted as PaintedScreen | null
    instance = screen
      ? screen.handOver(() => render(app, inkOptions))
      : renderFromTopLeft(() => render(app, inkOptions))
    redrawOnResize(instance, app)
  } catch (error) {
    stopPainting()
    ;(painted as PaintedScreen | null)?.abandon()
    for (const signal of signals) process.off(signal, onSignal)
    await ended.session?.close()
    throw error
  }
  try {
    await (instance as Instance).waitUntilExit()
  } finally {
    for (const signal of signals) process.off(signal, onSignal)
    clearEcho(typed, isEchoed)
    await closeSaying(ended.session)
  }
  reportProblems(ended.problems)
  for (const notice of ended.notices)
    terminalFor(process.stderr).write(`deploy-wizard: ${notice}\n`)
  for (const message of takeHomeProblems()) {
    terminalFor(process.stderr).write(`deploy-wizard: ${message}\n`)
  }
  // No outcome: the screen was closed by a signal, not by the operator.
  const code = report(ended.outcome ?? { kind: 'interrupted', session: ended.session }, mode)
  // Ink's signal-exit re-sends the signal once our handler is gone; leave first, with our code.
  if (signalled) process.exit(code)
  return code
}

/**
 * The first screen as text, or null: a paint that fails leaves the screen to Ink, which draws
 * it anyway, rather than failing the run.
 */
function frameOrNull(frame: () => string | null): string | null {
  try {
    return frame()
  } catch {
    return null
  }
}

/**
 * Keys typed before the first screen were echoed by the terminal on the command's own line
 * (dropped, but shown): cleared before anything is printed there.
 */
function clearEcho(typed: KeysFromNow | null, isEchoed: boolean): void {
  if (isEchoed || typed?.hasDropped()) terminalFor(process.stdout).clearLine()
}

/**
 * Closes the run once its screen is gone. A team run with entries waiting gives them a few
 * seconds to reach its store: said meanwhile, rather than a blank terminal, then cleared.
 */
async function closeSaying(session: RunSession | null): Promise<void> {
  const sync = session?.snapshot.sync
  const waiting = sync && !sync.lost ? (sync.waiting ?? 0) : 0
  if (!session || waiting === 0) return session?.close()
  const out = terminalFor(process.stdout)
  out.write(out.paint('dim', `sending ${plural(waiting, 'entry', 'entries')} to the team store…`))
  try {
    await session.close()
  } finally {
    out.clearLine()
  }
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`
}

/** Esc or Ctrl-C at a question before any run was open. */
const CANCELLED_BEFORE_START = 'Cancelled before the run started: nothing was saved.'

function report(outcome: AppOutcome, mode: RunMode): number {
  const out = terminalFor(process.stdout)
  const session = outcome.session
  const sync = session?.snapshot.sync
  // Taken over: what the operator must act on (answers the new driver never got) comes first;
  // "Progress saved" and this machine's totals would describe a copy the team no longer follows.
  const isTaken = Boolean(session && sync?.lost && outcome.kind !== 'finished')
  if (session && sync && isTaken) out.write(formatTakenOver(session, sync, out))
  const code = reportOutcome(outcome, mode, out, isTaken)
  if (session && sync && !isTaken)
    out.write(formatSync(session.id, sync, out, outcome.kind === 'finished'))
  if (!session || session.unsaved.length === 0) return code
  // Never "Progress saved" alone when something was not: said last, where it stays in sight.
  out.write(formatNotSaved(session.state, session.unsaved, out))
  return EXIT_NOT_SAVED
}

function reportOutcome(outcome: AppOutcome, mode: RunMode, out: Terminal, isTaken = false): number {
  const session = outcome.session
  const formatLeft = isTaken
    ? formatCopyLeft
    : mode.isDemo
      ? formatDemoLeft
      : session && session.unsaved.length > 0
        ? formatPartlySaved
        : formatProgressSaved
  switch (outcome.kind) {
    case 'error':
      if (session) out.write(formatLeft(session.checklist, session.state, out))
      throw outcome.error
    case 'quit':
      if (session) out.write(formatLeft(session.checklist, session.state, out))
      return 0
    case 'interrupted':
      if (session) out.write(formatLeft(session.checklist, session.state, out))
      else out.write(`${CANCELLED_BEFORE_START}\n`)
      return EXIT_CANCELLED
    case 'cancelled':
      out.write(
        outcome.said
          ? `${outcome.said}\n`
          : outcome.resuming
            ? `Cancelled before run ${outcome.resuming} reopened: it is saved as you left it.\n`
            : `${CANCELLED_BEFORE_START}\n`,
      )
      return EXIT_CANCELLED
    case 'finished': {
      const { checklist, state } = outcome.session
      out.write(
        formatFinished(outcome.session.checklist, outcome.session.state, outcome.sheetPath, out),
      )
      const open = checklist.items.filter(
        (item) => appliesIn(item, state) && ['failed', 'pending'].includes(stateOf(item, state)),
      )
      return open.length > 0 ? 1 : 0
    }
  }
}

/**
 * A team run taken over while this machine drove it: said first, with each answer and note the
 * new driver never got (they must be handed over by hand), and where they are kept.
 */
function formatTakenOver(session: RunSession, sync: SyncView, out: Terminal): string {
  const id = session.id
  const notSent = sync.notSent ?? []
  const titleOf = (itemId: string) =>
    session.checklist.items.find((item) => item.id === itemId)?.plain ?? itemId
  const lines = notSent.flatMap((entry) => {
    if (entry.type === 'item-answered')
      return [`${titleOf(entry.itemId)} — ${entry.state}${entry.note ? `: ${entry.note}` : ''}`]
    if (entry.type === 'note-added') return [`${titleOf(entry.itemId)} — note: ${entry.note}`]
    return []
  })
  const others = notSent.length - lines.length
  const said = [
    `${out.paint('red', `⚠ Run ${id} was ${sync.lost}.`)}
`,
  ]
  if (lines.length > 0) {
    said.push(
      // A run finished in the store has nobody driving it: whoever finished it is who to tell.
      `  Not sent — the team's run does not have ${lines.length === 1 ? 'this' : 'these'}; ${sync.isFinishedThere ? `it was finished without ${lines.length === 1 ? 'it' : 'them'}: tell whoever finished it` : `hand ${lines.length === 1 ? 'it' : 'them'} to whoever drives it now`}:
`,
      ...lines.map(
        (line) => `    - ${line}
`,
      ),
    )
  }
  if (others > 0)
    said.push(`  and ${plural(others, 'other entry', 'other entries')} (check results, notes on the run).
`)
  if (notSent.length > 0) {
    said.push(
      `  Kept on this machine, in run ${id}'s journal here; the next time the run is opened here they are set aside in ${teamFolder(id)}/kept-<time>.jsonl.
`,
    )
  }
  said.push(`  To see the run as the team store has it: deploy-wizard run --resume ${id}
`)
  return said.join('')
}

/** This machine's copy, after a take-over: its totals, said as the copy's, not the team's. */
function formatCopyLeft(checklist: Checklist, state: RunState, out: Terminal): string {
  return out.paint(
    'dim',
    `  This machine's copy, answers not sent included: ${formatTotals(checklist, state)}.
`,
  )
}

/**
 * What the team store has of the run, as the wizard closes. A run finished here that the store
 * was not told of is still in progress there, its lease soon expired: said loudly, since another
 * operator could take it over and do the deploy again.
 */
function formatSync(id: string, sync: SyncView, out: Terminal, isFinished = false): string {
  if (!sync.lost && isFinished && sync.text !== 'synced') {
    const waiting = plural(sync.waiting ?? 0, 'entry', 'entries')
    return (
      `${out.paint('red', `⚠ The team does not see run ${id} finished yet: ${waiting}, its finish among them, wait on this machine for the team store ${sync.store} (${sync.text}).`)}\n` +
      '  Until they are sent, the team store shows the run in progress, and once its lease expires (within a minute) someone else could take it over and do the deploy again.\n' +
      '  Every answer is saved on this machine; send them as soon as the store answers:\n' +
      `    deploy-wizard run --resume ${id}\n`
    )
  }
  if (sync.lost) {
    return `${out.paint('red', `Run ${id} was ${sync.lost}.`)}\n  Resume it to see it as the team store has it: deploy-wizard run --resume ${id}\n`
  }
  if (sync.text === 'synced') return out.paint('dim', `Team store ${sync.store}: synced.\n`)
  return (
    `${out.paint('yellow', `Team store ${sync.store}: ${sync.text}.`)}\n` +
    `  Every answer is saved on this machine; what waits is sent when the run is next opened here: deploy-wizard run --resume ${id}\n`
  )
}

/** The checklist named on the command line, already read and checked, is not parsed again. */
function reusing(checklist: Checklist | undefined, services: WizardServices): WizardServices {
  if (!checklist) return services
  const path = resolve(checklist.path)
  return {
    ...services,
    loadChecklist: (other) =>
      resolve(other) === path ? Promise.resolve(checklist) : services.loadChecklist(other),
  }
}

function duration(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined
  const ms = parseDuration(value)
  if (ms === null)
    throw new UserError(`${name} ${value} is not valid`, {
      hint: 'expected a duration such as 30m or 2h',
    })
  return ms
}

/** YYYY-MM-DD in local time, for sign-off date fields. */
function localDate(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
}
