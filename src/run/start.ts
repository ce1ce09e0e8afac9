/**
 * Opening a run for the wizard: a new one, or an unfinished one resumed. A
 * resume records a `resumed` entry (who, the checklist's sha256 now, what was
 * added, removed or reworded since the run last saw it) and says which check
 * results are too old to trust, so the wizard runs them again.
 */
import { execFile } from 'node:child_process'
import { resolve } from 'node:path'
import { discoverChecklists, type FoundChecklist } from '../checklist/discover.ts'
import { loadChecklist } from '../checklist/load.ts'
import type { Checklist } from '../checklist/model.ts'
import { checklistHasErrors } from '../checklist/problems.ts'
import { isInScope } from '../checklist/scope.ts'
import { needsTrust } from '../checks/registry.ts'
import { trustState } from '../trust.ts'
import { appliesIn } from './describe.ts'
import type { ChecklistChanges, ItemSnapshot } from './model.ts'
import { diffChecklist, snapshotOf, staleChecks } from './resume.ts'
import { RunSession } from './session.ts'
import {
  createRun,
  defaultOperator,
  listRuns,
  OPERATOR_VARIABLE,
  openRun,
  type RunListing,
} from './store.ts'

type Env = Readonly<Record<string, string | undefined>>

/** What the wizard's screens need from the disk and the machine, in one place. */
export interface WizardServices {
  /** With the run files that had to be set aside on the way (see listRuns). */
  unfinishedRuns(filter: { checklistPath?: string; environment?: string }): RunListing
  discoverChecklists(): Promise<readonly FoundChecklist[]>
  loadChecklist(path: string): Promise<Checklist>
  guessOperator(): Promise<string>
  startRun(checklist: Checklist, environment: string, operator: string): RunSession
  resumeRun(id: string, checklist: Checklist, operator: string): ResumedRun
  needsTrustPrompt(checklist: Checklist, environment: string): boolean
}

export interface ServiceOptions extends OpenOptions {
  /** Where to look for project checklists, and where a bundled checklist's checks run. */
  readonly cwd: string
  readonly staleAfterMs: number
}

export function wizardServices(options: ServiceOptions): WizardServices {
  const { staleAfterMs, ...open } = options
  const { cwd } = options
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
    guessOperator: () => guessOperator(open.env ? { ...process.env, ...open.env } : process.env),
    startRun: (checklist, environment, operator) =>
      startRun(checklist, environment, operator, open),
    resumeRun: (id, checklist, operator) => resumeRun(id, checklist, operator, staleAfterMs, open),
    needsTrustPrompt: (checklist, environment) =>
      needsTrustPrompt(checklist, environment, open.env),
  }
}

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
  const handle = openRun(id, options.env ? { env: options.env } : {})
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
  handle: ReturnType<typeof openRun>,
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
