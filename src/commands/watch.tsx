/**
 * `deploy-wizard watch <run-id> [--store s3://…] [--interval 2s]`: a run driven
 * elsewhere, live and read-only, on the wizard's phase screens. A team run is
 * read from the store named by `--store` or DEPLOY_WIZARD_STORE: whole once,
 * then every interval only the entries after the last one read, and the lease
 * for the header. Without a store, a run on this machine (driven by a wizard
 * in another terminal) is watched by reading its files. Nothing is written,
 * anywhere: a watcher needs only the store's read permissions.
 *
 * Exit 0 when left with q or Esc; 130 when interrupted (Ctrl-C, SIGTERM, the
 * terminal closed), as for `run`; 2 for bad usage (no terminal, no such run,
 * no store named); 1 when the store cannot be read at the start.
 */
import { parseDuration } from '../duration.ts'
import { UserError } from '../errors.ts'
import { terminalFor } from '../output/terminal.ts'
import { readRunUnlocked } from '../run/store.ts'
import { resolveStore, type S3StoreAddress, STORE_VARIABLE, storeUrl } from '../run/team/address.ts'
import type { StoreObjects } from '../run/team/objects.ts'
import {
  describeHolder,
  followedChecklist,
  localRunSource,
  openingChecklist,
  RunWatcher,
  teamRunRead,
  teamRunSource,
  type WatchRead,
  type WatchSource,
} from '../run/watch.ts'
import { renderFromTopLeft } from '../ui/alternate-screen.ts'
import { pacedStdin } from '../ui/paced-stdin.ts'
import { redrawOnResize } from '../ui/redraw-on-resize.ts'
import type { WatchExit } from '../ui/use-watch.ts'
import { EXIT_CANCELLED } from './check.ts'

export interface WatchOptions {
  readonly store?: string
  readonly interval?: string
}

export const DEFAULT_INTERVAL = '2s'

/** Shorter, and the store is asked faster than it is worth; the header's clock shows seconds. */
const MIN_INTERVAL_MS = 100

/** A run opened for watching: where new reads come from, and the first one (with its checklist). */
interface Watched {
  readonly source: WatchSource
  readonly first: WatchRead
  readonly objects?: StoreObjects
}

export async function watchCommand(id: string, options: WatchOptions): Promise<number> {
  const intervalMs = parseInterval(options.interval ?? DEFAULT_INTERVAL)
  // Flags first: a mistyped store is said as such, terminal or not.
  const address = resolveStore({ flag: options.store, env: process.env })
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    const store = address.kind === 's3' ? ` --store ${storeUrl(address)}` : ''
    throw new UserError('watch needs an interactive terminal', {
      hint:
        `without one, read the run as it is now: deploy-wizard runs${store} lists runs and their progress,\n` +
        `  deploy-wizard export ${id}${store} writes its sign-off sheet so far`,
    })
  }
  const watched =
    address.kind === 's3' ? await openTeamRun(id, address, intervalMs) : await openLocalRun(id)
  const watcher = new RunWatcher(watched.source, watched.first, { intervalMs })

  // Ink's colours come from chalk, which reads FORCE_COLOR once, when first imported: 0 under
  // NO_COLOR, as bin/deploy-wizard.js left it.
  const [{ render }, { default: React }, { Watch }] = await Promise.all([
    import('ink'),
    import('react'),
    import('../ui/watch.tsx'),
  ])
  // Set by the screen's keys; a signal leaves it as it is.
  const ended: { exit: WatchExit } = { exit: 'interrupted' }
  const screen = React.createElement(Watch, {
    watcher,
    runId: id,
    onExit: (how: WatchExit) => {
      ended.exit = how
      instance.unmount()
    },
  })
  const instance = renderFromTopLeft(() =>
    render(screen, {
      stdin: pacedStdin(process.stdin),
      exitOnCtrlC: false,
      alternateScreen: true,
      incrementalRendering: true,
      maxFps: 60,
      // A terminal, always (see run.tsx): CI variables must not turn the screen into a log.
      interactive: true,
    }),
  )
  redrawOnResize(instance, screen)
  watcher.start()
  let signalled = false
  const onSignal = () => {
    signalled = true
    instance.unmount()
  }
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const
  for (const signal of signals) process.on(signal, onSignal)
  try {
    await instance.waitUntilExit()
  } finally {
    for (const signal of signals) process.off(signal, onSignal)
    watcher.stop()
    await watched.objects?.close()
  }
  const last = watcher.snapshot
  terminalFor(process.stdout).write(
    `Stopped watching ${id}: ${describeHolder(last, new Date())}.\n`,
  )
  const code = ended.exit === 'quit' && !signalled ? 0 : EXIT_CANCELLED
  // Ink's signal-exit re-sends the signal once our handler is gone; leave first, with our code.
  if (signalled) process.exit(code)
  return code
}

function parseInterval(text: string): number {
  const ms = parseDuration(text)
  if (ms === null || ms < MIN_INTERVAL_MS) {
    throw new UserError(`--interval ${text} is not valid`, {
      hint: `a duration of ${MIN_INTERVAL_MS}ms or more, such as 2s or 500ms`,
    })
  }
  return ms
}

/**
 * The run from the team store: read whole (a UserError when it is not there), then followed.
 * A read that hangs counts as failed after two intervals (at least 2 s, at most 10 s), and is
 * tried once more before the header says the store is unreachable: the next interval tries again.
 */
async function openTeamRun(
  id: string,
  address: S3StoreAddress,
  intervalMs: number,
): Promise<Watched> {
  const [{ StoreObjects, StoreUnavailableError }, { TeamRunFollower }, { sayWhenStoreIsSlow }] =
    await Promise.all([
      import('../run/team/objects.ts'),
      import('../run/team/follow.ts'),
      import('../run/team/open-store.ts'),
    ])
  const objects = new StoreObjects(address, {
    retry: { attempts: 2, baseDelayMs: 200, maxDelayMs: 1_000 },
    requestTimeoutMs: Math.min(10_000, Math.max(2_000, 2 * intervalMs)),
  })
  // Before the screen opens: a store that does not answer is said of, not a blank terminal.
  const quiet = sayWhenStoreIsSlow(objects, 'Ctrl-C is safe: watching writes nothing')
  try {
    const follower = await TeamRunFollower.open(objects, id)
    if (!follower) {
      const here = readRunUnlocked(id)
        ? ` (a run ${id} is on this machine: leave out --store and ${STORE_VARIABLE} to watch it)`
        : ''
      throw new UserError(`no run ${id} in ${storeUrl(address)}${here}`, {
        hint: `deploy-wizard runs --store ${storeUrl(address)} lists the team's runs`,
      })
    }
    // The checklist the run is on, from the store (the one it started with, or the one it was
    // last resumed with): this machine need not have it.
    const checklist = await followedChecklist(follower.run)
    return {
      source: teamRunSource(follower, checklist),
      first: teamRunRead(follower.run, checklist),
      objects,
    }
  } catch (error) {
    await objects.close()
    // The store's own hint speaks to a driver, whose answers wait on this machine: a watcher has none.
    if (error instanceof StoreUnavailableError) {
      throw new UserError(error.message, {
        exitCode: 1,
        cause: error,
        hint:
          error.failure === 'refused'
            ? 'watching needs s3:GetObject and s3:ListBucket on the store\'s prefix (README, "Team runs")'
            : 'nothing was shown: once the store answers (the network, the VPN), watch again',
      })
    }
    throw error
  } finally {
    quiet()
  }
}

/**
 * A run on this machine, read from its files; its checklist is the one the run is on (its last
 * start or resume), else the file as it is now.
 */
async function openLocalRun(id: string): Promise<Watched> {
  const read = readRunUnlocked(id)
  if (!read) {
    throw new UserError(`no team store named, and no run ${id} on this machine`, {
      hint: `name the team's store: deploy-wizard watch ${id} --store s3://bucket/prefix (or set ${STORE_VARIABLE})`,
    })
  }
  const source = localRunSource(id, await openingChecklist(read))
  return { source, first: await source.read() }
}
