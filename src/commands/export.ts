/**
 * `deploy-wizard export <run-id>`: write a run's sign-off sheet (markdown,
 * sealed with a digest), or the run as JSON, or its checks as JUnit XML.
 * The export is recorded in the run's journal when the run is not open
 * elsewhere, before anything is written: `verify` refuses a sheet its run does
 * not know, so one that cannot be recorded (a full or read-only disk) is not
 * written either.
 */
import { writeFileAtomic } from '../atomic-write.ts'
import { loadChecklist } from '../checklist/load.ts'
import type { Checklist } from '../checklist/model.ts'
import { fileProblem, UserError } from '../errors.ts'
import { jsonText, terminalFor } from '../output/terminal.ts'
import { buildCheckReport } from '../report/check-report.ts'
import { toJunit } from '../report/junit.ts'
import { renderSheet } from '../report/sheet.ts'
import { sheetDigest } from '../report/sheet-digest.ts'
import type { StoredCheckResult } from '../run/model.ts'
import { defaultOperator, openRun, type RunSummary } from '../run/store.ts'
import { findRun } from './runs.ts'

export const EXPORT_FORMATS = ['md', 'json', 'junit'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

export interface ExportOptions {
  readonly output?: string
  readonly format?: string
}

export async function exportCommand(id: string, options: ExportOptions): Promise<number> {
  const format = (options.format ?? 'md') as ExportFormat
  if (!EXPORT_FORMATS.includes(format)) {
    throw new UserError(`unknown format '${options.format}'`, {
      hint: `choose one of: ${EXPORT_FORMATS.join(', ')}`,
    })
  }
  const run = findRun(id)
  const now = new Date()
  const text = await render(run, format, now)
  record(run, format, sheetDigest(text), now)
  if (options.output) {
    try {
      // Whole or not at all: a full disk never leaves half a sheet over an earlier one.
      writeFileAtomic(options.output, text)
    } catch (error) {
      throw new UserError(
        `cannot write ${options.output}: ${fileProblem(error) ?? (error as Error).message}`,
        { hint: 'give a path in a folder that exists and is writable, on a disk with room' },
      )
    }
  } else {
    terminalFor(process.stdout).write(text)
  }
  if (options.output) terminalFor(process.stderr).write(`wrote ${options.output}\n`)
  return 0
}

async function render(run: RunSummary, format: ExportFormat, now: Date): Promise<string> {
  if (format === 'json') {
    return jsonText({ format: 'deploy-wizard/run-export@1', header: run.header, state: run.state })
  }
  const checklist = await checklistOf(run)
  if (format === 'md') return renderSheet(checklist, run.state, { now })
  const items = checklist.items.filter((item) => item.check && run.state.items[item.id]?.check)
  const results = new Map<string, StoredCheckResult>()
  for (const item of items) {
    const check = run.state.items[item.id]?.check
    if (check) results.set(item.id, check)
  }
  return toJunit(
    buildCheckReport({
      checklist,
      environment: run.header.environment,
      items,
      results,
      startedAt: new Date(run.header.startedAt),
      finishedAt: new Date(run.state.finishedAt ?? run.state.lastActivityAt),
      cancelled: false,
    }),
  )
}

async function checklistOf(run: RunSummary): Promise<Checklist> {
  try {
    return (await loadChecklist(run.header.checklist.path)).checklist
  } catch (error) {
    throw new UserError(`the run's checklist cannot be read: ${(error as Error).message}`, {
      hint: `the sheet is built from the checklist at ${run.header.checklist.path}; restore it there, or export --format json`,
    })
  }
}

/**
 * Notes the export in the journal; a run open in another process is left alone. A
 * UserError when the file system refuses (read-only, full): nothing is exported then.
 */
function record(run: RunSummary, format: string, digest: string, now: Date): void {
  if (run.locked) return
  try {
    const handle = openRun(run.id)
    try {
      handle.append({
        type: 'exported',
        at: now.toISOString(),
        by: defaultOperator(),
        format,
        digest,
      })
    } finally {
      handle.close()
    }
  } catch (error) {
    const problem = fileProblem((error as Error).cause)
    // Opened by someone else meanwhile: the export itself still stands.
    if (problem === null && error instanceof UserError) return
    if (problem === null) throw error
    throw new UserError(`cannot record the export in run ${run.id}: ${problem}`, {
      hint:
        problem === 'the disk is full'
          ? 'nothing was exported (verify refuses a sheet its run does not know); free some space and export again'
          : `nothing was exported (verify refuses a sheet its run does not know); make ${run.file} and its folder writable, then export again`,
      cause: error,
    })
  }
}
