/**
 * Parallel checks: `deploy-wizard check` of HTTP checks against local servers
 * that answer each request after a fixed 300 ms, against start-up + the ideal
 * wall time of the checks. Against one host the per-host cap (16) runs them in
 * waves: ceil(n / 16) × 300 ms; spread over 50 hosts (ports), 500 checks are 10
 * per host and run in one wave: 300 ms. Start-up is the same `check` of the same
 * checklist against servers that answer at once (loading, parsing, connecting,
 * reporting: everything but the wait), so the ratio is what parallelism costs.
 * For scale, the same runs are also set against `--version` + the ideal time.
 * The servers count the connections open at once: the per-host cap's other half.
 * CPU time is the children's (user + system, from /proc/self/stat once each has
 * been waited for), beside the wall time.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { absRow, BIN, interleave, isMain, median, NODE, report, row, timeRun } from './lib.mjs'

const DELAY_MS = 300
/** deploy-wizard's default cap of HTTP checks (and connections) per host. */
const PER_HOST = 16
const HOSTS = 50
const TICK_MS = 1000 / 100 // USER_HZ: /proc reports CPU time in ticks of 10 ms

export function httpChecklist(count, url) {
  return httpChecklistOver(count, [url])
}

/** CPU milliseconds used so far by this process's children that have been waited for. */
function childCpuMs() {
  const stat = readFileSync('/proc/self/stat', 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // Fields 16 and 17 of stat(5), cutime and cstime; fields here start at field 3.
  return (Number(fields[13]) + Number(fields[14])) * TICK_MS
}

/** `timeRun`, with the child's CPU time. */
async function timeRunCpu(argv, options) {
  const before = childCpuMs()
  const result = await timeRun(argv, options)
  return { ...result, cpuMs: childCpuMs() - before }
}

export async function startDelayServer(delayMs) {
  let inFlight = 0
  let peak = 0
  let open = 0
  let peakOpen = 0
  let connections = 0
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
  server.on('connection', (socket) => {
    connections++
    open++
    peakOpen = Math.max(peakOpen, open)
    socket.once('close', () => open--)
  })
  server.keepAliveTimeout = 60_000
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    get peak() {
      return peak
    },
    /** Connections open at once, at most, and accepted in all, since the last reset. */
    get peakOpen() {
      return peakOpen
    },
    get connections() {
      return connections
    },
    resetPeak() {
      peak = 0
      peakOpen = open
      connections = 0
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(resolve)
      }),
  }
}

/**
 * One measured pair: `check` of `count` checks against `servers` (round robin) vs the same
 * against servers that answer at once + `ideal` ms, and vs `--version` + `ideal`.
 */
async function measure({ dir, env, count, servers, instants, ideal, reps, label }) {
  const file = join(dir, `checks-${label}.md`)
  writeFileSync(
    file,
    httpChecklistOver(
      count,
      servers.map((s) => s.url),
    ),
  )
  const instantFile = join(dir, `instant-${label}.md`)
  writeFileSync(
    instantFile,
    httpChecklistOver(
      count,
      instants.map((s) => s.url),
    ),
  )
  let failures = 0
  const versions = []
  const cpu = { subject: [], ref: [] }
  for (const server of servers) server.resetPeak()
  const result = await interleave(
    async () => {
      versions.push((await timeRun([NODE, BIN, '--version'], { env })).ms + ideal)
      const x = await timeRunCpu([NODE, BIN, 'check', instantFile, '--env', 'dev'], { env })
      if (x.code !== 0) failures++
      cpu.ref.push(x.cpuMs)
      return x.ms + ideal
    },
    async () => {
      const x = await timeRunCpu([NODE, BIN, 'check', file, '--env', 'dev'], { env })
      if (x.code !== 0) failures++
      cpu.subject.push(x.cpuMs)
      return x.ms
    },
    { reps },
  )
  return {
    result,
    failures,
    version: median(versions.slice(-reps)),
    cpu: { subject: median(cpu.subject.slice(-reps)), ref: median(cpu.ref.slice(-reps)) },
    peakOpen: Math.max(...servers.map((s) => s.peakOpen)),
    connections: servers.reduce((sum, s) => sum + s.connections, 0),
    inFlight: servers.reduce((sum, s) => sum + s.peak, 0),
  }
}

/** A checklist of `count` http checks over `urls`, round robin. */
function httpChecklistOver(count, urls) {
  const items = Array.from(
    { length: count },
    (_, i) =>
      `- [ ] Endpoint ${i + 1} answers <!-- check: http url=${urls[i % urls.length]}/${i + 1} status=200 -->`,
  )
  return `---\ntitle: Parallel bench\nenvironments: [dev]\n---\n## Checks\n${items.join('\n')}\n`
}

const range = (values) => `${Math.round(Math.min(...values))}–${Math.round(Math.max(...values))} ms`

export async function run({ reps = 5 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'dw-bench-parallel-'))
  const server = await startDelayServer(DELAY_MS)
  const instant = await startDelayServer(0)
  const hosts = []
  const instantHosts = []
  try {
    for (let i = 0; i < HOSTS; i++) {
      hosts.push(await startDelayServer(DELAY_MS))
      instantHosts.push(await startDelayServer(0))
    }
    const env = { ...process.env, NO_COLOR: '1', DEPLOY_WIZARD_HOME: join(dir, 'home') }
    const rows = []
    const notes = []
    const cpuRow = (label, m) =>
      row(
        `${label}: CPU time of the run vs the same answered at once`,
        m.cpu.subject,
        m.cpu.ref,
        null,
      )
    for (const [count, r] of [
      [50, reps],
      [500, Math.max(3, reps - 2)],
    ]) {
      const waves = Math.ceil(count / PER_HOST)
      const ideal = waves * DELAY_MS
      const m = await measure({
        dir,
        env,
        count,
        servers: [server],
        instants: [instant],
        ideal,
        reps: r,
        label: `one-${count}`,
      })
      if (m.failures) notes.push(`${count} checks: ${m.failures} runs did not pass every check`)
      const label = `\`check\` of ${count} HTTP checks (300 ms each) against one host`
      rows.push(
        row(
          `${label} vs the same answered at once + ${ideal} ms`,
          m.result.subject,
          m.result.ref,
          count === 50 ? 1.15 : null,
          'ms',
          `${waves} waves of ≤ ${PER_HOST}, the per-host cap`,
        ),
      )
      rows.push(row(`${label} vs \`--version\` + ${ideal} ms`, m.result.subject, m.version, null))
      if (count === 500) {
        rows.push(
          absRow(
            `${label}: most sockets open at once (server side)`,
            m.peakOpen,
            null,
            PER_HOST,
            'sockets',
            `${m.connections} connections over ${r + 1} runs of ${count} checks`,
          ),
        )
        rows.push(cpuRow(label, m))
      }
      notes.push(
        `${count} checks against one host: at most ${server.peak} requests in flight and ${m.peakOpen} sockets open at the server; ${m.connections} connections for ${(r + 1) * count} checks (wall: subject ${range(m.result.subjects)}, reference ${range(m.result.refs)})`,
      )
    }
    // The budgeted row: more pairs, so its verdict does not flip with the machine's load.
    const r = reps + 4
    const spread = await measure({
      dir,
      env,
      count: 500,
      servers: hosts,
      instants: instantHosts,
      ideal: DELAY_MS,
      reps: r,
      label: 'spread',
    })
    if (spread.failures)
      notes.push(`500 checks over ${HOSTS} hosts: ${spread.failures} runs did not pass every check`)
    const label = `\`check\` of 500 HTTP checks (300 ms each) spread over ${HOSTS} local hosts`
    rows.push(
      row(
        `${label} vs (start-up: the same answered at once) + 300 ms`,
        spread.result.subject,
        spread.result.ref,
        1.3,
        'ms',
        `10 per host: one wave`,
      ),
    )
    rows.push(
      row(`${label} vs \`--version\` + 300 ms`, spread.result.subject, spread.version, null),
    )
    rows.push(cpuRow(label, spread))
    notes.push(
      `500 checks over ${HOSTS} hosts: the most requests in flight at once at each host, summed over the hosts, ${spread.inFlight} (every host had its ${500 / HOSTS} at once); at most ${spread.peakOpen} sockets open at one host (wall: subject ${range(spread.result.subjects)}, reference ${range(spread.result.refs)})`,
    )
    notes.unshift(
      `medians of ${reps} (50) / ${Math.max(3, reps - 2)} (500, one host) / ${r} (500 over ${HOSTS} hosts) interleaved pairs after 1 warm-up; start-up = the same \`check\` against servers that answer at once, measured alongside`,
      `HTTP checks are capped at ${PER_HOST} per host (origin), over as many kept-alive connections; the global cap (--concurrency, default 512) lets checks spread over many hosts run in one wave`,
    )
    return report('Parallel checks', rows, notes)
  } finally {
    await server.close()
    await instant.close()
    await Promise.all([...hosts, ...instantHosts].map((s) => s.close()))
    rmSync(dir, { recursive: true, force: true })
  }
}

if (isMain(import.meta.url)) await run()
