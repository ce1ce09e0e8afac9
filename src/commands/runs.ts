/**
 * `deploy-wizard runs`: the saved runs on this machine — checklist,
 * environment, operator, progress, age, status — and `runs rm <id>`.
 * Listed from the index of runs, checked against each run's files (run-index.ts).
 */
import { UserError } from '../errors.ts'
import { terminalFor } from '../output/terminal.ts'
import { formatAge } from '../run/describe.ts'
import { listRuns, type RunSummary, removeRun, type StoreProblem } from '../run/store.ts'

export interface RunsOptions {
  readonly all?: boolean
  readonly json?: boolean
}

export async function runsCommand(options: RunsOptions): Promise<number> {
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

/** Corrupt or newer run files were moved aside while listing: say where, once. */
export function reportProblems(problems: readonly StoreProblem[]): void {
  const err = terminalFor(process.stderr)
  for (const problem of problems) err.write(`deploy-wizard: ${problem.message}\n`)
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
