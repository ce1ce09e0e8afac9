/**
 * `deploy-wizard runs`: the saved runs on this machine — checklist,
 * environment, operator, progress, age, status — and `runs rm <id>`.
 * Listed from the index of runs, checked against each run's files (run-index.ts).
 *
 * With a team store named (`--store`, DEPLOY_WIZARD_STORE), the team's runs
 * instead: each read from the store and folded as any run is, with who drives
 * it (its lease). The S3 code is imported only then.
 */
import { UserError } from '../errors.ts'
import { terminalFor } from '../output/terminal.ts'
import { formatAge, runProgress } from '../run/describe.ts'
import { listRuns, type RunSummary, removeRun } from '../run/store.ts'
import { resolveStore, type S3StoreAddress, storeUrl } from '../run/team/address.ts'
import type { Holder } from '../run/team/holder.ts'
import type { ListedTeamRun } from '../run/team/open-store.ts'
import { reportProblems } from './store-problems.ts'

export interface RunsOptions {
  readonly all?: boolean
  readonly json?: boolean
  /** A team store, `s3://bucket/prefix`; DEPLOY_WIZARD_STORE otherwise. */
  readonly store?: string
}

export async function runsCommand(options: RunsOptions): Promise<number> {
  // No checklist is named, so a checklist's `store:` cannot apply here.
  const store = resolveStore({ flag: options.store })
  if (store.kind === 's3') return teamRunsCommand(store, options)
  const { runs, problems } = listRuns()
  reportProblems(problems)
  const out = terminalFor(process.stdout)
  const shown = options.all ? runs : runs.filter((run) => run.finishedAt === null)
  if (options.json) {
    out.writeJson(shown.map(toJson))
    return 0
  }
  if (shown.length === 0) {
    const more = !options.all && runs.length > 0 ? ` (${runs.length} finished: runs --all)` : ''
    out.write(`No ${options.all ? '' : 'unfinished '}runs${more}.\n`)
    return 0
  }
  const now = new Date()
  for (const run of shown) {
    const { answered, total } = run.progress
    const status = statusOf(run)
    const colour = status.startsWith('open') ? 'yellow' : status === 'finished' ? 'green' : 'cyan'
    out.write(
      `${out.paint('bold', run.id)}  ${run.header.checklist.title} · ${run.header.environment} · ${run.header.operator}\n` +
        `  ${answered}/${total} answered · last activity ${formatAge(run.lastActivityAt, now)} · ${out.paint(colour, status)}\n` +
        out.paint('dim', `  ${run.header.checklist.path}\n`),
    )
  }
  return 0
}

export async function runsRemoveCommand(ids: readonly string[]): Promise<number> {
  const out = terminalFor(process.stdout)
  for (const id of ids) {
    removeRun(id)
    out.write(`removed run ${id}\n`)
  }
  return 0
}

/** The team's runs, as `runs` lists this machine's, with who drives each. */
async function teamRunsCommand(store: S3StoreAddress, options: RunsOptions): Promise<number> {
  // Loaded here, not at the top: `run` reaches this module (reportProblems) for a run kept on
  // this machine, which loads none of the team store's code.
  const [{ listStoreRuns, withStore }, { holderOf }] = await Promise.all([
    import('../run/team/open-store.ts'),
    import('../run/team/holder.ts'),
  ])
  const { runs, problems } = await withStore(store, listStoreRuns)
  const err = terminalFor(process.stderr)
  for (const problem of problems) err.write(`deploy-wizard: ${problem}\n`)
  const out = terminalFor(process.stdout)
  const now = new Date()
  const sorted = [...runs].sort((a, b) =>
    b.run.state.lastActivityAt.localeCompare(a.run.state.lastActivityAt),
  )
  const shown = options.all ? sorted : sorted.filter((listed) => !listed.run.state.finishedAt)
  if (options.json) {
    out.writeJson(shown.map((listed) => teamJson(listed, store, holderOf(listed.run.lease, now))))
    return 0
  }
  const where = `the team store ${storeUrl(store)}`
  if (shown.length === 0) {
    const more = !options.all && runs.length > 0 ? ` (${runs.length} finished: runs --all)` : ''
    out.write(`No ${options.all ? '' : 'unfinished '}runs in ${where}${more}.\n`)
    return 0
  }
  out.write(out.paint('dim', `Runs in ${where} (from ${store.source}):\n`))
  for (const { id, run } of shown) {
    const { answered, total } = runProgress(run.state)
    const holder = holderOf(run.lease, now)
    const isFinished = run.state.finishedAt !== null
    const status = [
      isFinished ? 'finished' : 'in progress',
      // A finished run's holder matters only while its wizard is still open.
      ...(holder.kind === 'driven' || !isFinished ? [holder.words] : []),
    ].join(' · ')
    const colour = holder.kind === 'driven' ? 'yellow' : isFinished ? 'green' : 'cyan'
    const { header } = run
    out.write(
      `${out.paint('bold', id)}  ${header.checklist.title} · ${header.environment} · ${header.operator}\n` +
        `  ${answered}/${total} answered · last activity ${formatAge(run.state.lastActivityAt, now)} · ${out.paint(colour, status)}\n` +
        out.paint('dim', `  ${header.checklist.path} (started on ${header.host})\n`),
    )
  }
  return 0
}

function teamJson({ id, run }: ListedTeamRun, store: S3StoreAddress, holder: Holder) {
  const { header, state, lease } = run
  return {
    id,
    checklist: header.checklist,
    environment: header.environment,
    operator: header.operator,
    host: header.host,
    startedAt: header.startedAt,
    lastActivityAt: state.lastActivityAt,
    finishedAt: state.finishedAt,
    ...runProgress(state),
    status: holder.kind === 'driven' ? 'driven' : state.finishedAt ? 'finished' : 'in-progress',
    lease: lease
      ? {
          holder: lease.holder,
          host: lease.host,
          arn: lease.arn,
          acquiredAt: lease.acquiredAt,
          renewedAt: lease.renewedAt,
          expiresAt: lease.expiresAt,
          state: holder.kind,
        }
      : null,
    store: storeUrl(store),
  }
}

function statusOf(run: RunSummary): string {
  if (run.locked) return `open in PID ${run.locked.pid} on ${run.locked.host}`
  return run.finishedAt ? 'finished' : 'in progress'
}

function toJson(run: RunSummary) {
  return {
    id: run.id,
    checklist: run.header.checklist,
    environment: run.header.environment,
    operator: run.header.operator,
    host: run.header.host,
    startedAt: run.header.startedAt,
    lastActivityAt: run.lastActivityAt,
    finishedAt: run.finishedAt,
    ...run.progress,
    status: run.locked ? 'open' : run.finishedAt ? 'finished' : 'in-progress',
    ...(run.locked ? { openIn: run.locked } : {}),
    file: run.file,
  }
}

/** A run by id, read without taking its lock; a UserError naming the runs there are otherwise. */
export function findRun(id: string): RunSummary {
  const { runs, problems } = listRuns()
  reportProblems(problems)
  const run = runs.find((r) => r.id === id)
  if (run) return run
  const close = runs.filter((r) => r.id.includes(id)).map((r) => r.id)
  throw new UserError(`no run '${id}'`, {
    hint:
      close.length > 0
        ? `did you mean: ${close.slice(0, 5).join(', ')}`
        : 'deploy-wizard runs --all lists the saved runs',
  })
}
