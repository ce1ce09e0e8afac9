/**
 * The team store's runs in the wizard's list of runs to resume, when a store is
 * named (`--store`, DEPLOY_WIZARD_STORE, the checklist's `store:`). Read as
 * `runs --store` reads them (open-store.ts), and waited for no longer than one
 * request to the store may take (DEPLOY_WIZARD_STORE_TIMEOUT): a store that
 * does not answer holds the list up no longer than that, and the list says so.
 *
 * - A run unfinished in the store and not on this machine is offered, with who
 *   drives it, or last did (holder.ts, the words `runs --store` uses).
 * - This machine's copy of a run someone else finished in the store is not
 *   offered: it is set aside as opening it would (sync.ts: brought up to date,
 *   what it never sent kept and named), and said.
 *
 * The list is drawn before the store answers (ui/resume-list.ts): left before
 * then (a run picked, a new one started), it no longer waits, and no copy here
 * is set aside behind the operator's back, the run being opened among them.
 *
 * Loaded only once a store is named, as the rest of the team code is.
 */
import { formatLimit } from '../../duration.ts'
import { UserError } from '../../errors.ts'
import { runProgress } from '../describe.ts'
import type { RunHeader } from '../model.ts'
import { hasRun, mayBeRunOf } from '../store.ts'
import { type S3StoreAddress, storeUrl } from './address.ts'
import { holderOf } from './holder.ts'
import { readTeamLink, type TeamTuning } from './link.ts'
import { StoreUnavailableError } from './objects.ts'
import { type ListedTeamRun, listStoreRuns, storeProblem } from './open-store.ts'
import { setAsideFinished, syncObjects } from './sync.ts'
import { LATE, within } from './within.ts'

type Env = Readonly<Record<string, string | undefined>>

/** A run of the store, not on this machine, as the list shows it. */
export interface OfferedTeamRun {
  readonly id: string
  /** As the store keeps it: its checklist's path is the one on the machine that started it. */
  readonly header: RunHeader
  readonly progress: { readonly answered: number; readonly total: number }
  readonly lastActivityAt: string
  /** Who drives it, or last did: `driven by ana@laptop-7, last seen 2 min ago`. */
  readonly holder: string
}

export interface TeamRunsOffered {
  /** Most recently active first. */
  readonly runs: readonly OfferedTeamRun[]
  /** Runs on this machine, unfinished here, that the store has finished: set aside, not offered. */
  readonly setAside: readonly string[]
  /** One line each, over the list: the store not answering, runs set aside here. */
  readonly notes: readonly string[]
  /** Said in full once the screens are gone: a message, then its hint's lines. */
  readonly notices: readonly string[]
  /** The store did not answer in time: "the team store s3://… did not answer within 10s". */
  readonly unanswered?: string
}

/** Which runs the list is of: a checklist (by its title, the same on every machine), an environment. */
export interface OfferFilter {
  readonly title?: string
  readonly environment?: string
}

/** What a list left before the store answered is offered: nothing, and nothing to say. */
const NOTHING: TeamRunsOffered = { runs: [], setAside: [], notes: [], notices: [] }

/**
 * The store's runs for the list (see the module's comment). A store that does not answer in
 * time, or refuses, offers nothing and leaves a note saying why. `signal` aborts when the list
 * is left: then nothing is offered, or set aside.
 */
export async function offeredTeamRuns(
  address: S3StoreAddress,
  filter: OfferFilter,
  options: {
    readonly env?: Env
    readonly tuning: TeamTuning
    readonly now: Date
    readonly signal?: AbortSignal
  },
): Promise<TeamRunsOffered> {
  const { env, tuning, signal } = options
  const objects = syncObjects(address, tuning)
  let listed: Awaited<ReturnType<typeof listStoreRuns>> | typeof LATE
  try {
    await objects.ready()
    // Another environment's runs are known by their ids: not read, as the list leaves them out.
    const { environment } = filter
    const isWanted =
      environment === undefined ? undefined : (id: string) => mayBeRunOf(id, environment)
    listed = await within(tuning.requestTimeoutMs, listStoreRuns(objects, isWanted), signal)
  } catch (error) {
    if (signal?.aborted) return NOTHING
    return unlisted(error, address, tuning)
  } finally {
    // A read still under way ends at its next request (StoreObjects.close).
    await objects.close()
  }
  if (signal?.aborted) return NOTHING
  if (listed === LATE) return unlisted(LATE, address, tuning)
  const notes: string[] = []
  const notices: string[] = [...listed.problems]
  if (listed.problems.length > 0) {
    const runs = listed.problems.length === 1 ? '1 run' : `${listed.problems.length} runs`
    notes.push(`⚠ ${runs} in the team store could not be read: said when you leave`)
  }
  const runs: OfferedTeamRun[] = []
  const setAside: string[] = []
  for (const listedRun of listed.runs.filter((one) => isOf(one, filter))) {
    const { id, run } = listedRun
    if (!hasRun(id, env ? { env } : {})) {
      if (run.state.finishedAt === null) {
        runs.push({
          id,
          header: run.header,
          progress: runProgress(run.state),
          lastActivityAt: run.state.lastActivityAt,
          holder: holderOf(run.lease, options.now).words,
        })
      }
      continue
    }
    if (run.state.finishedAt === null) continue
    // The list was left, a run of this machine perhaps being opened: its copy is that one's now.
    if (signal?.aborted) return NOTHING
    const set = await finishedHere(listedRun, address, env)
    if (!set) continue
    setAside.push(id)
    const kept = set.neverSent ? `${set.neverSent} never sent from here is kept aside; ` : ''
    notes.push(`⚠ ${set.refusal.message}: not offered (${kept}said in full when you leave)`)
    notices.push(
      [set.refusal.message, ...(set.refusal.hint ? [set.refusal.hint] : [])].join('\n  '),
    )
  }
  runs.sort((a, b) => b.lastActivityAt.localeCompare(a.lastActivityAt))
  return { runs, setAside, notes, notices }
}

function isOf({ run }: ListedTeamRun, filter: OfferFilter): boolean {
  const { header } = run
  return (
    (filter.title === undefined || header.checklist.title === filter.title) &&
    (filter.environment === undefined || header.environment === filter.environment)
  )
}

/**
 * This machine's copy of a run of this store that the store has finished, set aside; undefined
 * when it is finished here too, of another store, or cannot be opened now (open in another
 * wizard here, a damaged tie to its store): then it is left as it is, and opening it says why.
 */
async function finishedHere({ id, run }: ListedTeamRun, address: S3StoreAddress, env?: Env) {
  try {
    if (readTeamLink(id, env)?.store !== storeUrl(address)) return undefined
    return await setAsideFinished(id, run, { address, ...(env ? { env } : {}) })
  } catch (error) {
    if (error instanceof UserError) return undefined
    throw error
  }
}

/** No runs from the store, and a note saying why: it did not answer in time, or refused. */
function unlisted(error: unknown, address: S3StoreAddress, tuning: TeamTuning): TeamRunsOffered {
  const isUnanswered =
    error === LATE || (error instanceof StoreUnavailableError && error.failure === 'unreachable')
  const problem = isUnanswered
    ? `the team store ${storeUrl(address)} did not answer within ${formatLimit(tuning.requestTimeoutMs)}`
    : storeProblem(error, address)
  if (typeof problem === 'string')
    return {
      runs: [],
      setAside: [],
      notes: [`⚠ ${problem}: only this machine's runs are listed`],
      notices: [],
      unanswered: problem,
    }
  if (!(problem instanceof UserError)) throw error
  return {
    runs: [],
    setAside: [],
    notes: [`⚠ ${problem.message}: only this machine's runs are listed`],
    // What to do about it (a login, a permission) is said once the screens are gone.
    notices: problem.hint ? [`${problem.message}\n  ${problem.hint}`] : [],
  }
}
