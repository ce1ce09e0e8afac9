/**
 * The faces of a headless check run, as loggers of a check batch's events (see
 * checks/batch.ts): the readable text (a line per check as it finishes, "still
 * running" lines for a CI log, a summary), the JSON report and the JUnit file.
 * `reportChecks` runs the batch with them listening and hands each the report
 * at the end. None of them decides anything: the batch runs, the report judges.
 */
import { writeFile } from 'node:fs/promises'
import type { Item } from '../checklist/model.ts'
import type { CheckBatch } from '../checks/batch.ts'
import { UserError } from '../errors.ts'
import { type Terminal, wrapToWidth } from '../output/terminal.ts'
import { buildCheckReport, type CheckReport } from './check-report.ts'
import {
  formatIdentity,
  formatProgress,
  formatRecap,
  formatResult,
  formatStillRunning,
  formatVerdict,
  RECAP_TEXT_COLUMN,
} from './check-text.ts'
import { toJunit } from './junit.ts'

export interface CheckLogger {
  /** Starts listening before the first check runs; returns how to stop. */
  listen(batch: CheckBatch, items: readonly Item[]): () => void
  /** Once every check has finished (or was cut short): the report. */
  finish(report: CheckReport): void | Promise<void>
}

export const STILL_RUNNING_EVERY_MS = 15_000

/**
 * The readable report: a heading, who the AWS checks run as, a line per check as it
 * finishes (its details below when it did not pass), what a running check is doing,
 * every `stillRunningEveryMs` the checks still running, and a summary.
 */
export function textLogger(
  terminal: Terminal,
  options: {
    readonly stillRunningEveryMs?: number
    /** The terminal's width, when it is one: lines are broken at spaces to fit it. */
    readonly columns?: number | undefined
  } = {},
): CheckLogger {
  const { columns } = options
  /** `text` broken to the terminal's width, its further lines `hanging` deep (at least). */
  const wrap = (text: string, hanging?: number) =>
    columns && columns > 0 ? wrapToWidth(text, columns, hanging) : text
  const out: Terminal = { ...terminal, write: (text) => terminal.write(wrap(text)) }
  return {
    listen(batch, items) {
      const byId = new Map(items.map((item) => [item.id, item]))
      const count = `${items.length} ${items.length === 1 ? 'check' : 'checks'}`
      // The heading is no check's result either: a long title goes on under itself.
      terminal.write(
        wrap(
          out.paint('bold', `${batch.checklist.title} — checking ${batch.environment}`) +
            out.paint('dim', ` (${count})`) +
            '\n\n',
          0,
        ),
      )
      // Details printed so far: a hint many checks give is printed once.
      const shownDetails = new Set<string>()
      const stop = batch.subscribe((event) => {
        if (event.type === 'aws-identity') {
          const { identity } = event
          out.write(formatIdentity(identity, batch.environment, batch.expectedAccount, out))
          return
        }
        const item = byId.get(event.id)
        if (!item) return
        if (event.type === 'check-finished') {
          out.write(formatResult(item, event.result, out, shownDetails))
        } else if (event.type === 'check-progress') {
          out.write(formatProgress(item, event.message, out))
        }
      })
      // For CI logs: a long wait never looks like a hang.
      const ticker = setInterval(() => {
        for (const [id, since] of batch.started) {
          const item = byId.get(id)
          if (item) out.write(formatStillRunning(item, Date.now() - since, out))
        }
      }, options.stillRunningEveryMs ?? STILL_RUNNING_EVERY_MS)
      ticker.unref()
      return () => {
        clearInterval(ticker)
        stop()
      }
    },
    finish(report) {
      // A recap line's text starts after `  FAIL  `, deeper than a result's: it goes on there.
      terminal.write(wrap(formatRecap(report, out), RECAP_TEXT_COLUMN))
      // The verdict is no check's result: where it is too long, it goes on under itself, not
      // under a result's text.
      terminal.write(wrap(formatVerdict(report, out), 0))
    },
  }
}

/** The report as JSON (`deploy-wizard/check-report@1`), and nothing else, once all is done. */
export function jsonLogger(out: Terminal): CheckLogger {
  return {
    listen: () => () => {},
    finish: (report) => out.writeJson(report),
  }
}

/** The report as JUnit XML, written to `file` once all is done. */
export function junitLogger(file: string): CheckLogger {
  return {
    listen: () => () => {},
    async finish(report) {
      try {
        await writeFile(file, toJunit(report))
      } catch (error) {
        throw new UserError(
          `cannot write the JUnit report to ${file}: ${(error as Error).message}`,
          { hint: 'give a path in a folder that exists and is writable' },
        )
      }
    },
  }
}

/**
 * Runs the checks of `items` in `batch` with the loggers listening, closes the
 * batch's connections, and hands every logger the report, in the order given.
 */
export async function reportChecks(
  batch: CheckBatch,
  items: readonly Item[],
  loggers: readonly CheckLogger[],
): Promise<CheckReport> {
  const stops = loggers.map((logger) => logger.listen(batch, items))
  const startedAt = new Date()
  let results: Awaited<ReturnType<CheckBatch['run']>>
  let isCancelled: boolean
  try {
    results = await batch.run(items)
    // Read now: the line of the last check to finish may find the reader gone, and that
    // is told a moment later, once every check has finished and none was cut short.
    isCancelled = batch.isCancelled
  } finally {
    for (const stop of stops) stop()
    await batch.clients.close()
  }
  const expected = batch.expectedAccount
  const report = buildCheckReport({
    checklist: batch.checklist,
    environment: batch.environment,
    items,
    results,
    // Once more: a secret learned late (a password read by a later check) is masked in
    // what an earlier check reported too.
    redactor: batch.redactor,
    startedAt,
    finishedAt: new Date(),
    cancelled: isCancelled,
    aws: {
      ...(expected ? { expectedAccount: expected.id } : {}),
      identities: batch.awsIdentities,
    },
  })
  for (const logger of loggers) await logger.finish(report)
  return report
}
