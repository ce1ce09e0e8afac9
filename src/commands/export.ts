/**
 * `deploy-wizard export <run-id>`: write a run's sign-off sheet (markdown,
 * sealed with a digest), or the run as JSON, or its checks as JUnit XML.
 * The export is recorded in the run's journal when the run is not open
 * elsewhere, before anything is written: `verify` refuses a sheet its run does
 * not know, so one that cannot be recorded (a full or read-only disk) is not
 * written either.
 *
 * With a team store named (`--store`, DEPLOY_WIZARD_STORE) the run is read from
 * the store — its journal, and the text of the checklist it is on (the one it
 * started with, or the one it was last resumed with after an edit), parsed here —
 * so it exports from any machine, with no local copy of the run or checklist.
 * The export is recorded in the team run as a new event written with
 * `If-None-Match: *` (writeEvent), without the lease: such a write can never
 * replace anyone's entry, and a driver writing at the same moment simply takes
 * the next number. The lease orders a driver's answers; an `exported` entry
 * answers nothing (it only notes a digest, as `approve` notes an approval), and
 * without it `verify` could not tell this sheet from one edited and resealed.
 */
import { randomUUID } from 'node:crypto'
import { writeFileAtomic } from '../atomic-write.ts'
import { loadChecklist } from '../checklist/load.ts'
import type { Checklist } from '../checklist/model.ts'
import { cachedParse, storeParse } from '../checklist/parse-cache.ts'
import { fileProblem, UserError } from '../errors.ts'
import { jsonText, terminalFor } from '../output/terminal.ts'
import { buildCheckReport } from '../report/check-report.ts'
import { toJunit } from '../report/junit.ts'
import { renderSheet } from '../report/sheet.ts'
import { sheetDigest } from '../report/sheet-digest.ts'
import type { JournalEntry, RunHeader, RunState, StoredCheckResult } from '../run/model.ts'
import { defaultOperator, openRun, type RunSummary } from '../run/store.ts'
import { resolveStore, type S3StoreAddress, storeUrl } from '../run/team/address.ts'
import { readTeamLink } from '../run/team/link.ts'
import type { ChecklistText } from '../run/team/read-state.ts'
import { findRun } from './runs.ts'

export const EXPORT_FORMATS = ['md', 'json', 'junit'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

export interface ExportOptions {
  readonly output?: string
  readonly format?: string
  /** A team store, `s3://bucket/prefix`; DEPLOY_WIZARD_STORE otherwise. */
  readonly store?: string
}

/** What a sheet, JSON or JUnit is rendered from: a run's header and state, and its checklist. */
interface Exportable {
  readonly header: RunHeader
  readonly state: RunState
  /** The checklist the items are shown from; read only for the formats that need it. */
  readonly checklist: () => Promise<Checklist>
}

export async function exportCommand(id: string, options: ExportOptions): Promise<number> {
  const format = (options.format ?? 'md') as ExportFormat
  if (!EXPORT_FORMATS.includes(format)) {
    throw new UserError(`unknown format '${options.format}'`, {
      hint: `choose one of: ${EXPORT_FORMATS.join(', ')}`,
    })
  }
  // No checklist is named, so a checklist's `store:` cannot apply here.
  const store = resolveStore({ flag: options.store })
  const text =
    store.kind === 's3' ? await exportTeamRun(store, id, format) : await exportLocalRun(id, format)
  write(text, options.output)
  if (store.kind !== 's3') sayRecordedHereOnly(id)
  return 0
}

/**
 * A team run's copy on this machine, exported without its store: the export is recorded in this
 * copy's journal, not in the team store, so `verify --store` will refuse the sheet (README,
 * verify). Said, with the command that records it there.
 */
function sayRecordedHereOnly(id: string): void {
  let store: string | undefined
  try {
    store = readTeamLink(id)?.store
  } catch {
    // A damaged tie to the store: the export stands; `run --resume` says what is wrong with it.
    return
  }
  if (!store) return
  terminalFor(process.stderr).write(
    `note: run ${id} is a team run of ${store}; this export is recorded on this machine only, so \`verify --store\` will refuse its sheet. To record it in the team store: deploy-wizard export ${id} --store ${store}\n`,
  )
}

async function exportLocalRun(id: string, format: ExportFormat): Promise<string> {
  const run = findRun(id)
  const now = new Date()
  const text = await render(
    { header: run.header, state: run.state, checklist: () => checklistOf(run) },
    format,
    now,
  )
  record(run, format, sheetDigest(text), now)
  return text
}

/**
 * Reads the run from the team store (the same segmented read every command
 * uses), renders it from the text of the checklist it is on, as the store keeps
 * it, and records the export in the store before anything is written.
 */
async function exportTeamRun(
  store: S3StoreAddress,
  id: string,
  format: ExportFormat,
): Promise<string> {
  const { readStoreRun, withStore } = await import('../run/team/open-store.ts')
  const { writeEvent } = await import('../run/team/team-run.ts')
  const { missingTextNotice } = await import('../run/team/read-state.ts')
  return withStore(store, async (objects) => {
    const run = await readStoreRun(objects, id)
    const { missing } = run.checklist
    if (missing && format !== 'json') {
      // The sheet says it too (its checklist is not the version the run last used).
      terminalFor(process.stderr).write(
        `deploy-wizard: ${missingTextNotice(id, missing, 'exported with the text it started with')}\n`,
      )
    }
    const now = new Date()
    const text = await render(
      {
        header: run.header,
        state: run.state,
        checklist: () => storedChecklist(run.header, run.checklist),
      },
      format,
      now,
    )
    const entry: JournalEntry = {
      type: 'exported',
      at: now.toISOString(),
      by: defaultOperator(),
      format,
      digest: sheetDigest(text),
    }
    try {
      // After the last entry read; taken meanwhile, writeEvent takes the next free one.
      await writeEvent(objects, id, run.events.length + 1, { id: randomUUID(), entry })
    } catch (error) {
      throw notRecorded(error, store, id)
    }
    return text
  })
}

/**
 * The checklist the run is on, as the store keeps it: no file needed. Read as
 * loadChecklist reads a file — from the parse cache when these bytes were parsed
 * before, on this machine or by the build — so a long checklist is not parsed again.
 */
async function storedChecklist(
  header: RunHeader,
  { sha256, text }: ChecklistText,
): Promise<Checklist> {
  // The path the run recorded: the sheet names it as a local export does.
  const path = header.checklist.path
  const cached = cachedParse(path, sha256)
  if (cached) return cached.checklist
  const { parseChecklist } = await import('../checklist/parse.ts')
  const parsed = parseChecklist(text, { path, sha256 })
  storeParse(parsed)
  return parsed.checklist
}

/** Recording refused for good (a read-only identity): nothing is exported, and why. */
function notRecorded(error: unknown, store: S3StoreAddress, id: string): unknown {
  const failure = (error as { failure?: string }).failure
  if (failure !== 'refused') return error
  return new UserError(
    `cannot record the export in run ${id} in the team store ${storeUrl(store)}: ${(error as Error).message.replace(/^.*?: /, '')}`,
    {
      hint: "nothing was exported (verify refuses a sheet its run does not know); your AWS identity needs s3:PutObject on the store's prefix",
      cause: error,
    },
  )
}

/** The export to `output`, whole or not at all, or to standard output. */
function write(text: string, output: string | undefined): void {
  if (output) {
    try {
      // Whole or not at all: a full disk never leaves half a sheet over an earlier one.
      writeFileAtomic(output, text)
    } catch (error) {
      throw new UserError(
        `cannot write ${output}: ${fileProblem(error) ?? (error as Error).message}`,
        { hint: 'give a path in a folder that exists and is writable, on a disk with room' },
      )
    }
  } else {
    terminalFor(process.stdout).write(text)
  }
  if (output) terminalFor(process.stderr).write(`wrote ${output}\n`)
}

async function render(run: Exportable, format: ExportFormat, now: Date): Promise<string> {
  if (format === 'json') {
    return jsonText({ format: 'deploy-wizard/run-export@1', header: run.header, state: run.state })
  }
  const checklist = await run.checklist()
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
