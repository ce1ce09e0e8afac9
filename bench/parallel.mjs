/**
 * Parallel checks: `deploy-wizard check` of 50 and 500 HTTP checks against a
 * local server that answers each request after a fixed 300 ms, against
 * start-up + the ideal wall time of the checks: 300 ms for 50 (all at once),
 * ceil(500 / 64) × 300 ms for 500 (the default --concurrency 64 runs them in
 * waves). Start-up is the same `check` of the same checklist against a server
 * that answers at once (loading, parsing, connecting, reporting: everything but
 * the wait), so the ratio is what parallelism costs. For scale, the same runs
 * are also set against `--version` + the ideal time.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BIN, interleave, isMain, median, NODE, report, row, timeRun } from './lib.mjs'

const DELAY_MS = 300
const CONCURRENCY = 64

export function httpChecklist(count, url) {
  const items = Array.from(
    { length: count },
    (_, i) => `- [ ] Endpoint ${i + 1} answers <!-- check: http url=${url}/${i + 1} status=200 -->`,
  )
  return `---\ntitle: Parallel bench\nenvironments: [dev]\n---\n## Checks\n${items.join('\n')}\n`
}

export async function startDelayServer(delayMs) {
  let inFlight = 0
  let peak = 0
  const server = createServer((_req, res) => {
    inFlight++
    peak = Math.max(peak, inFlight)
    const timer = setTimeout(() => {
      inFlight--
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok')
    }, delayMs)
    res.on('close', () => {
      if (!res.writableEnded) {
        clearTimeout(timer)
        inFlight--
      }
    })
  })
  server.keepAliveTimeout = 60_000
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    get peak() {
      return peak
    },
    resetPeak() {
      peak = 0
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(resolve)
      }),
  }
}

export async function run({ reps = 5 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'dw-bench-parallel-'))
  const server = await startDelayServer(DELAY_MS)
  const instant = await startDelayServer(0)
  try {
    const env = { ...process.env, NO_COLOR: '1', DEPLOY_WIZARD_HOME: join(dir, 'home') }
    const rows = []
    const notes = []
    for (const [count, r] of [
      [50, reps],
      [500, Math.max(3, reps - 2)],
    ]) {
      const file = join(dir, `checks-${count}.md`)
      writeFileSync(file, httpChecklist(count, server.url))
      const instantFile = join(dir, `instant-${count}.md`)
      writeFileSync(instantFile, httpChecklist(count, instant.url))
      const waves = Math.ceil(count / CONCURRENCY)
      const ideal = waves * DELAY_MS
      let failures = 0
      server.resetPeak()
      const versions = []
      const result = await interleave(
        async () => {
          versions.push((await timeRun([NODE, BIN, '--version'], { env })).ms + ideal)
          const x = await timeRun([NODE, BIN, 'check', instantFile, '--env', 'dev'], { env })
          if (x.code !== 0) failures++
          return x.ms + ideal
        },
        () =>
          timeRun([NODE, BIN, 'check', file, '--env', 'dev'], { env }).then((x) => {
            if (x.code !== 0) failures++
            return x.ms
          }),
        { reps: r },
      )
      if (failures) notes.push(`${count} checks: ${failures} runs did not pass every check`)
      rows.push(
        row(
          `\`check\` of ${count} HTTP checks (300 ms each) vs the same answered at once + ${ideal} ms`,
          result.subject,
          result.ref,
          count === 50 ? 1.15 : null,
          'ms',
          waves > 1 ? `${waves} waves of ≤ ${CONCURRENCY}` : '',
        ),
      )
      rows.push(
        row(
          `\`check\` of ${count} HTTP checks (300 ms each) vs \`--version\` + ${ideal} ms`,
          result.subject,
          median(versions.slice(-r)),
          null,
        ),
      )
      notes.push(`${count} checks: at most ${server.peak} requests in flight at the server`)
    }
    notes.unshift(
      `medians of ${reps} (50) / ${Math.max(3, reps - 2)} (500) interleaved runs; start-up = the same \`check\` against a server that answers at once, measured alongside`,
      `500 checks run in ceil(500 / ${CONCURRENCY}) = ${Math.ceil(500 / CONCURRENCY)} waves: --concurrency defaults to ${CONCURRENCY} so one run never opens hundreds of sockets (and file descriptors) at once against one service; \`--concurrency 500\` runs them in one wave`,
    )
    return report('Parallel checks', rows, notes)
  } finally {
    await server.close()
    await instant.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

if (isMain(import.meta.url)) await run()
