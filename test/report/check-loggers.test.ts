/**
 * The faces of `check` as loggers of a check batch: the text, the JSON report and
 * the JUnit file, each fed by real checks against a real local HTTP server and
 * written to a plain stream, no terminal.
 */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import type { ServerResponse } from 'node:http'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { CheckBatch } from '../../src/checks/batch.ts'
import { UserError } from '../../src/errors.ts'
import { terminalFor } from '../../src/output/terminal.ts'
import {
  type CheckLogger,
  jsonLogger,
  junitLogger,
  reportChecks,
  textLogger,
} from '../../src/report/check-loggers.ts'
import { parse } from '../helpers/fixtures.ts'
import { type LocalServer, startHttpServer } from '../helpers/servers.ts'
import { tempDir } from '../helpers/temp.ts'
import { waitForContent } from '../helpers/wait.ts'

let server: LocalServer
/** Requests to /held wait here until the test answers them. */
const held: ServerResponse[] = []

before(async () => {
  server = await startHttpServer((req, res) => {
    if (req.url === '/held') held.push(res)
    else if (req.url === '/health') res.end('ok')
    else res.writeHead(503).end('starting')
  })
})
after(() => server.close())

/** A stream that keeps what is written, plain (no colour). */
function captured(): { readonly text: () => string; readonly out: ReturnType<typeof terminalFor> } {
  const chunks: string[] = []
  const out = terminalFor(
    {
      write: (chunk: string | Uint8Array) => {
        chunks.push(String(chunk))
        return true
      },
    },
    {},
  )
  return { text: () => chunks.join(''), out }
}

function batchFor(lines: string): CheckBatch {
  const { checklist } = parse(`# Release\n\n## Deploy\n\n${lines}`, 'release.md')
  return new CheckBatch({
    checklist,
    environment: 'dev',
    commands: 'skip',
    processEnv: { PATH: process.env.PATH },
  })
}

const TWO_CHECKS = () =>
  `- [ ] API healthy <!-- id: api; check: http url=${server.url}/health -->\n- [ ] Ready <!-- id: ready; check: http url=${server.url}/ready -->\n- [ ] Smoke <!-- id: smoke; check: http url=${server.url}/health; needs: ready -->\n`

describe('the check loggers', () => {
  it('the text logger prints a heading, a line per check as it finishes, and a summary', async () => {
    const batch = batchFor(TWO_CHECKS())
    const { out, text } = captured()
    const report = await reportChecks(batch, batch.checklist.items, [textLogger(out)])
    assert.equal(report.ok, false)
    const lines = text()
    assert.match(lines, /^Release — checking dev \(3 checks\)\n\n/)
    assert.match(lines, /^PASS {2}API healthy — .+ \(\d+ms\)$/m)
    assert.match(lines, /^FAIL {2}Ready — HTTP 503 \(expected 2xx\)/m)
    assert.match(lines, /^ {6}ready · line 6 · http\n {6}body: starting$/m)
    assert.match(lines, /^BLOCK Smoke — blocked: needs ready, which failed/m)
    assert.match(
      lines,
      /3 checks on dev: 1 passed, 1 failed, 0 errors, 1 blocked, 0 skipped in .+ — not ready\n$/,
    )
  })

  it('the text logger says every so often which checks still run', async () => {
    const batch = batchFor(`- [ ] Slow one <!-- id: slow; check: http url=${server.url}/held -->\n`)
    const { out, text } = captured()
    const done = reportChecks(batch, batch.checklist.items, [
      textLogger(out, { stillRunningEveryMs: 10 }),
    ])
    try {
      await waitForContent(text, /( {2}… {3}still running: Slow one \(\d+ms\)\n){2}/)
    } finally {
      for (const res of held.splice(0)) res.end('ok')
    }
    const report = await done
    assert.equal(report.ok, true)
    assert.match(text(), /^PASS {2}Slow one/m)
  })

  it('the JSON logger prints the report and nothing else', async () => {
    const batch = batchFor(TWO_CHECKS())
    const { out, text } = captured()
    const report = await reportChecks(batch, batch.checklist.items, [jsonLogger(out)])
    const printed = JSON.parse(text())
    assert.deepEqual(printed, JSON.parse(JSON.stringify(report)))
    assert.equal(printed.format, 'deploy-wizard/check-report@1')
    assert.deepEqual(
      printed.checks.map((c: { id: string; status: string; attempts: number }) => [
        c.id,
        c.status,
        c.attempts,
      ]),
      [
        ['api', 'pass', 1],
        ['ready', 'fail', 1],
        ['smoke', 'blocked', 0],
      ],
    )
  })

  it('the JUnit logger writes the report as JUnit XML, and says so when it cannot', async () => {
    const dir = tempDir('loggers')
    const file = join(dir, 'junit.xml')
    const batch = batchFor(TWO_CHECKS())
    await reportChecks(batch, batch.checklist.items, [junitLogger(file)])
    const xml = await readFile(file, 'utf8')
    assert.match(xml, /<testsuites name="Release \(dev\)" tests="3" failures="1" errors="1"/)
    assert.match(xml, /<failure message="HTTP 503 \(expected 2xx\)" type="http">/)

    const again = batchFor(TWO_CHECKS())
    await assert.rejects(
      reportChecks(again, again.checklist.items, [junitLogger(join(dir, 'gone', 'junit.xml'))]),
      (error: unknown) =>
        error instanceof UserError &&
        error.message.startsWith(`cannot write the JUnit report to ${join(dir, 'gone')}`),
    )
  })

  it('every logger hears the same events and gets the report, in the order given', async () => {
    const batch = batchFor(TWO_CHECKS())
    const heard: string[] = []
    const logger = (name: string): CheckLogger => ({
      listen: (listened) =>
        listened.subscribe((event) => {
          if (event.type === 'check-finished') heard.push(`${name} ${event.id}`)
        }),
      finish: (report) => {
        heard.push(`${name} report ${report.totals.checks}`)
      },
    })
    await reportChecks(batch, batch.checklist.items, [logger('first'), logger('second')])
    assert.deepEqual(heard.slice(-2), ['first report 3', 'second report 3'])
    assert.deepEqual(
      heard
        .slice(0, -2)
        .filter((line) => line.startsWith('first'))
        .map((line) => line.replace('first', 'second')),
      heard.slice(0, -2).filter((line) => line.startsWith('second')),
    )
    assert.equal(heard.length, 8)
  })
})
