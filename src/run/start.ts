/**
 * Opening a run for the wizard: a new one, or an unfinished one resumed. A
 * resume records a `resumed` entry (who, the checklist's sha256 now, what was
 * added, removed or reworded since the run last saw it) and says which check
 * results are too old to trust, so the wizard runs them again.
 *
 * A run whose checklist, flag or environment names a team store (team/address.ts)
 * is driven there: team/sync.ts, loaded only then, does the store's part around
 * the same local run, so a run kept on this machine only loads no S3 code.
 */
import { execFile } from 'node:child_process'
import { resolve } from 'node:path'
import { discoverChecklists, type FoundChecklist } from '../checklist/discover.ts'
import { loadChecklist } from '../checklist/load.ts'
import type { Checklist } from '../checklist/model.ts'
import { checklistHasErrors } from '../checklist/problems.ts'
import { isInScope } from '../checklist/scope.ts'
import { needsTrust } from '../checks/registry.ts'
import { UserError } from '../errors.ts'
import { trustState } from '../trust.ts'
import { appliesIn } from './describe.ts'
import type { ChecklistChanges, ItemSnapshot, RunHeader } from './model.ts'
import { diffChecklist, snapshotOf, staleChecks } from './resume.ts'
import { RunSession } from './session.ts'
import {
  assertRunNotOpen,
  createRun,
  defaultOperator,
  hasRun,
  listRuns,
  OPERATOR_VARIABLE,
  openRun,
  type RunHandle,
  type RunListing,
  readRunUnlocked,
} from './store.ts'
import { resolveStore, type S3StoreAddress, storeUrl } from './team/address.ts'
import { type ResumeQuestions, readTeamLink, teamStoreOf, teamTuning } from './team/link.ts'
import type { TeamRunsOffered } from './team/offered.ts'
import type { TeamRunState } from './team/read-state.ts'

type Env = Readonly<Record<string, string | undefined>>

/** What the wizard's screens need from the disk and the machine, in one place. */
export interface WizardServices {
  /** With the run files that had to be set aside on the way (see listRuns). */
  unfinishedRuns(filter: { checklistPath?: string; environment?: string }): RunListing
  discoverChecklists(): Promise<readonly FoundChecklist[]>
  loadChecklist(path: string): Promise<Checklist>
  guessOperator(): Promise<string>
  /** A run in a team store when the store is named (`--store`, DEPLOY_WIZARD_STORE, its `store:`). */
  startRun(
    checklist: Checklist,
    environment: string,
    operator: string,
  ): RunSession | Promise<RunSession>
  /** A team run (this machine's copy, or one found with `findTeamRun`) asks `questions` first. */
  resumeRun(
    id: string,
    checklist: Checklist,
    operator: string,
    questions?: ResumeQuestions,
  ): ResumedRun | Promise<ResumedRun>
  /**
   * A run not on this machine, from the team store named by `--store`, DEPLOY_WIZARD_STORE or
   * the `store:` of the checklist named (`named`); undefined when no store is named. Its header
   * names the checklist as the store keeps it, saved on this machine.
   */
  findTeamRun?(id: string, named?: Checklist): Promise<FoundRun | undefined>
  /**
   * Before anything is asked about resuming run `id`: a run open in another wizard here is
   * refused now (its lock looked at, not taken: cancelling a question later leaves nothing
   * held); a team run (this machine's copy, or one found with `findTeamRun`) is read from its
   * store, and refused now when it cannot be opened (finished there: its copy here brought up
   * to date, what it never sent kept aside and named), so nobody confirms production for it.
   * The read is `resumeRun`'s, not made twice. Nothing more for a run kept on this machine only.
   * A store that does not answer, for a team run with a copy here unfinished, asks `questions`
   * whether to go on with that copy offline (`goOffline`); yes, and `resumeRun` opens it so.
   */
  checkResumable?(id: string, questions?: ResumeQuestions): Promise<void>
  /**
   * Why run `id` cannot be opened here now, another wizard on this machine having it open
   * ("run … is open in PID … on …", its lock looked at, not taken), or null when none has.
   */
  openElsewhere?(id: string): string | null
  /**
   * The team store's runs for the list of runs to resume, when a store is named (`--store`,
   * DEPLOY_WIZARD_STORE, the `store:` of `filter.checklist`): its url at once, the runs once
   * read (team/offered.ts). Undefined, reading nothing, when no store is named. `signal` aborts
   * when the list is left before the store answered: the listing then offers and sets aside
   * nothing, and settles without waiting for the store.
   */
  teamRuns?(
    filter: { readonly checklist?: Checklist; readonly environment?: string },
    options?: { readonly signal?: AbortSignal },
  ): { readonly store: string; readonly listing: Promise<TeamRunsOffered> } | undefined
  needsTrustPrompt(checklist: Checklist, environment: string): boolean
}

/** What resuming a team run may ask the operator. */
export type { ResumeQuestions } from './team/link.ts'

/** A team run found in its store, not (or not yet) opened. */
export interface FoundRun {
  readonly id: string
  readonly header: RunHeader
  /** The store it was found in, `s3://bucket/prefix`. */
  readonly store: string
  /** This machine has a copy of it already (finished here, say). */
  readonly isHere: boolean
  /**
   * This machine's copy is finished, the store not told yet: opening it only sends what waits,
   * so nothing is asked (not even production's name).
   */
  readonly isFinishedHere?: boolean
}

export interface ServiceOptions extends OpenOptions {
  /** Where to look for project checklists, and where a bundled checklist's checks run. */
  readonly cwd: string
  readonly staleAfterMs: number
  /** `--store`: the team store new runs go to, and runs not on this machine are found in. */
  readonly store?: string
}

export function wizardServices(options: ServiceOptions): WizardServices {
  const { staleAfterMs, store, ...open } = options
  const { cwd } = options
  const processEnv = open.env ? { ...process.env, ...open.env } : process.env
  /** Team runs read from their store by `findTeamRun`, not read twice. */
  const found = new Map<string, { address: S3StoreAddress; state: TeamRunState }>()
  /** Team runs to open from this machine's copy, their store silent: since when it was. */
  const offline = new Map<string, { address: S3StoreAddress; since: Date }>()
  return {
    unfinishedRuns: (filter) => unfinishedRuns(filter, open.env),
    discoverChecklists: () => discoverChecklists(cwd),
    loadChecklist: async (path) => {
      const { checklist, hasErrors } = await loadChecklist(path)
      if (hasErrors) {
        throw checklistHasErrors(path, 'running it')
      }
      return checklist
    },
    guessOperator: () => guessOperator(processEnv),
    startRun: (checklist, environment, operator) => {
      const address = resolveStore({
        flag: store,
        env: processEnv,
        frontMatter: checklist.frontMatter.store,
      })
      if (address.kind === 'local') return startRun(checklist, environment, operator, open)
      return startTeamRun(address, checklist, environment, operator, open)
    },
    resumeRun: (id, checklist, operator, questions = LEAVE_IT) => {
      const silent = offline.get(id)
      if (silent) {
        offline.delete(id)
        return resumeTeamRun(
          silent.address,
          { id, checklist, operator, staleAfterMs, questions, known: undefined },
          open,
          silent.since,
        )
      }
      const address = teamStoreOf(id, open.env) ?? found.get(id)?.address
      if (!address) return resumeRun(id, checklist, operator, staleAfterMs, open)
      const known = found.get(id)?.state
      found.delete(id)
      return resumeTeamRun(
        address,
        { id, checklist, operator, staleAfterMs, questions, known },
        open,
      )
    },
    findTeamRun: async (id, named) => {
      const resolved = resolveStore({
        flag: store,
        env: processEnv,
        frontMatter: named?.frontMatter.store,
      })
      // No store named: this machine's copy of a team run remembers its own (a run finished here
      // while the store was silent is found so, for `run --resume <id>` alone to send what waits).
      const address = resolved.kind === 'local' ? teamStoreOf(id, open.env) : resolved
      if (!address) return undefined
      const team = await import('./team/sync.ts')
      const run = await team.findTeamRun(id, address, {
        ...(open.env ? { env: open.env } : {}),
        tuning: teamTuning(processEnv),
      })
      if (!run) {
        throw new UserError(`run ${id} is neither on this machine nor in ${storeUrl(address)}`, {
          hint: `the team's runs: deploy-wizard runs --store ${storeUrl(address)}`,
        })
      }
      found.set(id, { address, state: run.state })
      const home = open.env ? { env: open.env } : {}
      const isHere = hasRun(id, home)
      const isFinishedHere =
        isHere &&
        run.state.state.finishedAt === null &&
        (readRunUnlocked(id, home)?.state.finishedAt ?? null) !== null
      return { id, header: run.header, store: storeUrl(address), isHere, isFinishedHere }
    },
    openElsewhere: (id) => {
      try {
        assertRunNotOpen(id, open.env ? { env: open.env } : {})
        return null
      } catch (error) {
        if (!(error instanceof UserError)) throw error
        return [error.message, error.hint].filter(Boolean).join(' — ')
      }
    },
    checkResumable: async (id, questions = LEAVE_IT) => {
      assertRunNotOpen(id, open.env ? { env: open.env } : {})
      offline.delete(id)
      const address = teamStoreOf(id, open.env) ?? found.get(id)?.address
      if (!address) return
      const team = await import('./team/sync.ts')
      let state: TeamRunState
      try {
        state = await team.resumableRun(
          id,
          { address, ...(open.env ? { env: open.env } : {}), tuning: teamTuning(processEnv) },
          found.get(id)?.state,
        )
      } catch (error) {
        // Not answering, with a copy here to go on with: asked once; no, and it stays refused.
        if (!(error instanceof team.SilentStoreError)) throw error
        if (!(await questions.goOffline?.(error.silent))) throw error
        offline.set(id, { address, since: error.since })
        return
      }
      found.set(id, { address, state })
    },
    teamRuns: ({ checklist, environment }, { signal } = {}) => {
      const address = resolveStore({
        flag: store,
        env: processEnv,
        frontMatter: checklist?.frontMatter.store,
      })
      if (address.kind === 'local') return undefined
      const listing = import('./team/offered.ts').then((team) =>
        team.offeredTeamRuns(
          address,
          {
            ...(checklist ? { title: checklist.title } : {}),
            ...(environment !== undefined ? { environment } : {}),
          },
          {
            ...(open.env ? { env: open.env } : {}),
            tuning: teamTuning(processEnv),
            now: open.now?.() ?? new Date(),
            ...(signal ? { signal } : {}),
          },
        ),
      )
      return { store: storeUrl(address), listing }
    },
    needsTrustPrompt: (checklist, environment) =>
      needsTrustPrompt(checklist, environment, open.env),
  }
}

/** Without a way to ask, a run someone else drives is left to them. */
const LEAVE_IT: ResumeQuestions = { takeOver: () => Promise.resolve(false) }

export interface OpenOptions {
  readonly env?: Env
  /** The operator's current folder (default: the process's). */
  readonly cwd?: string
  readonly now?: () => Date
  /** Time limit for checks whose item sets none. */
  readonly timeoutMs?: number
}

export interface ResumedRun {
  readonly session: RunSession
  /**
   * What changed and has not been seen yet: this resume's changes and those of earlier resumes
   * whose what-changed screen was never left with enter (a kill or a quit on it).
   */
  readonly changes: ChecklistChanges
  /** The items as the run last saw them: the old text of what was removed or reworded. */
  readonly before: readonly ItemSnapshot[]
  /** Items whose check results are older than the threshold: to run again. */
  readonly stale: readonly string[]
  /** What the operator should know as the run opens (a team run taken over, entries kept aside). */
  readonly notices?: readonly string[]
}

export function startRun(
  checklist: Checklist,
  environment: string,
  operator: string,
  options: OpenOptions = {},
): RunSession {
  const handle = createRun({
    checklist,
    environment,
    operator,
    ...(options.env ? { env: options.env } : {}),
    ...(options.now ? { now: options.now() } : {}),
  })
  return sessionFor(handle, checklist, operator, options)
}

export function resumeRun(
  id: string,
  checklist: Checklist,
  operator: string,
  staleAfterMs: number,
  options: OpenOptions = {},
): ResumedRun {
  if (readTeamLink(id, options.env)) {
    throw new Error(`run ${id} is a team run: resume it through its store (resumeTeamRun)`)
  }
  const handle = openRun(id, options.env ? { env: options.env } : {})
  return resumeHandle(handle, checklist, operator, staleAfterMs, options)
}

/** Records the `resumed` entry on an open run and makes its session; closes the run on failure. */
function resumeHandle(
  handle: RunHandle,
  checklist: Checklist,
  operator: string,
  staleAfterMs: number,
  options: OpenOptions,
  /** A team run opened from this machine's copy, its store silent: the entry says so. */
  how: { readonly offline?: true } = {},
): ResumedRun {
  try {
    const now = options.now?.() ?? new Date()
    const after = snapshotOf(checklist, handle.header.environment)
    handle.append({
      type: 'resumed',
      at: now.toISOString(),
      by: operator,
      sha256: checklist.sha256,
      items: after,
      changes: diffChecklist(handle.state.snapshot, after),
      ...(how.offline ? { offline: true as const } : {}),
    })
    const { changes, before } = handle.state.unseenChanges ?? {
      changes: { added: [], removed: [], reworded: [] },
      before: [],
    }
    const automated = new Set(
      checklist.items
        .filter((item) => item.check && appliesIn(item, handle.state))
        .map((item) => item.id),
    )
    const stale = staleChecks(handle.state, now, staleAfterMs).filter((id) => automated.has(id))
    return { session: sessionFor(handle, checklist, operator, options), changes, before, stale }
  } catch (error) {
    handle.close()
    throw error
  }
}

/** A new run in a team store (team/sync.ts): the local run, and the store's part around it. */
async function startTeamRun(
  address: S3StoreAddress,
  checklist: Checklist,
  environment: string,
  operator: string,
  options: OpenOptions,
): Promise<RunSession> {
  const team = await import('./team/sync.ts')
  const processEnv = options.env ? { ...process.env, ...options.env } : process.env
  return team.startTeamRun(
    checklist,
    () =>
      createRun({
        checklist,
        environment,
        operator,
        ...(options.env ? { env: options.env } : {}),
        ...(options.now ? { now: options.now() } : {}),
      }),
    (handle) => sessionFor(handle, checklist, operator, options),
    {
      address,
      ...(options.env ? { env: options.env } : {}),
      tuning: teamTuning(processEnv),
      operator,
      now: options.now ?? (() => new Date()),
    },
  )
}

/**
 * A team run resumed (team/sync.ts): its store's part around the local copy, then as any run.
 * `offlineSince`: opened from this machine's copy, its store silent since then.
 */
async function resumeTeamRun(
  address: S3StoreAddress,
  run: {
    readonly id: string
    readonly checklist: Checklist
    readonly operator: string
    readonly staleAfterMs: number
    readonly questions: ResumeQuestions
    readonly known: TeamRunState | undefined
  },
  options: OpenOptions,
  offlineSince?: Date,
): Promise<ResumedRun> {
  const team = await import('./team/sync.ts')
  const processEnv = options.env ? { ...process.env, ...options.env } : process.env
  const teamOptions = {
    address,
    ...(options.env ? { env: options.env } : {}),
    tuning: teamTuning(processEnv),
    operator: run.operator,
    now: options.now ?? (() => new Date()),
  }
  if (offlineSince) {
    return team.resumeTeamRunOffline(
      {
        runId: run.id,
        checklist: run.checklist,
        options: teamOptions,
        questions: run.questions,
        since: offlineSince,
      },
      (handle) =>
        resumeHandle(handle, run.checklist, run.operator, run.staleAfterMs, options, {
          offline: true,
        }),
    )
  }
  return team.resumeTeamRun(
    {
      runId: run.id,
      checklist: run.checklist,
      options: {
        address,
        ...(options.env ? { env: options.env } : {}),
        tuning: teamTuning(processEnv),
        operator: run.operator,
        now: options.now ?? (() => new Date()),
      },
      questions: run.questions,
      ...(run.known ? { known: run.known } : {}),
    },
    (handle) => resumeHandle(handle, run.checklist, run.operator, run.staleAfterMs, options),
  )
}

/** Unfinished runs, most recent first; of one checklist and environment when given. */
export function unfinishedRuns(
  filter: { readonly checklistPath?: string; readonly environment?: string },
  env?: Env,
): RunListing {
  const { runs, problems } = listRuns(env ? { env } : {})
  const path = filter.checklistPath ? resolve(filter.checklistPath) : undefined
  return {
    runs: runs.filter(
      (run) =>
        run.finishedAt === null &&
        (path === undefined || run.header.checklist.path === path) &&
        (filter.environment === undefined || run.header.environment === filter.environment),
    ),
    problems,
  }
}

/** Whether the checklist has commands for this environment that it is not trusted to run. */
export function needsTrustPrompt(checklist: Checklist, environment: string, env?: Env): boolean {
  const commands = checklist.items.filter(
    (item) => needsTrust(item) && isInScope(item.scope, environment),
  )
  return commands.length > 0 && trustState(checklist, env) !== 'trusted'
}

/**
 * Who is answering: DEPLOY_WIZARD_OPERATOR, else git's user.name, else the
 * login name. git gets one second; a slow or missing git is not waited for.
 */
export function guessOperator(env: Env = process.env): Promise<string> {
  if (env[OPERATOR_VARIABLE]?.trim()) return Promise.resolve(defaultOperator(env))
  return new Promise((done) => {
    execFile('git', ['config', 'user.name'], { timeout: 1_000 }, (error, stdout) => {
      const name = String(stdout ?? '').trim()
      done(!error && name ? name : defaultOperator(env))
    })
  })
}

function sessionFor(
  handle: RunHandle,
  checklist: Checklist,
  operator: string,
  options: OpenOptions,
): RunSession {
  return new RunSession({
    handle,
    checklist,
    operator,
    commands: trustState(checklist, options.env) === 'trusted' ? 'run' : 'skip',
    ...(options.env ? { processEnv: { ...process.env, ...options.env } } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  })
}
