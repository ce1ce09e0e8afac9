/**
 * Runs one check in a process of its own and prints, as JSON, how it ended, how
 * long it took and the process's peak memory: for tests that measure what a
 * check costs, apart from the test runner's own memory. The checks see only PATH.
 *
 *   node --import tsx test/helpers/child-check.ts '<directive>'
 */
import { checklistOf, runChecklist } from './checks.ts'

const started = performance.now()
const run = await runChecklist(checklistOf(process.argv[2] ?? ''), {
  processEnv: { PATH: process.env.PATH },
})
const { status, summary, details } = run.result()
process.stdout.write(
  `${JSON.stringify({
    status,
    summary,
    details,
    elapsedMs: Math.round(performance.now() - started),
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  })}\n`,
)
