/**
 * Rendering: the wizard (`run`, in a 100×30 pty) on a 500-item phase whose
 * first 50 items are HTTP checks against five servers that never answer, so 50
 * spinners turn for the whole window. CPU of the wizard's process over 10 s
 * (utime + stime from /proc/<pid>/stat) against the bare Ink reference app
 * idling in a pty alongside; then keypress (↓) → the frame with the selection
 * moved, against the same key in the reference (which redraws nothing).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { absRow, BIN, isMain, median, NODE, percentile, ROOT, report, sleep } from './lib.mjs'
import { startPty } from './pty.mjs'

const CLK_TCK = 100
const WINDOW_MS = Number(process.env.BENCH_RENDER_WINDOW_MS ?? 10_000)
const name = (i) => `Endpoint ${String(i).padStart(3, '0')} answers`

/** Local servers the 50 checks are spread over. */
const HOSTS = 5

function checklist(urls) {
  const items = []
  for (let i = 1; i <= 500; i++) {
    items.push(
      i <= 50
        ? `- [ ] ${name(i)} <!-- check: http url=${urls[i % urls.length]}/${i} status=200 -->`
        : `- [ ] ${name(i)} by hand`,
    )
  }
  return `---\ntitle: Render bench\nenvironments: [dev]\n---\n## Checks\n${items.join('\n')}\n`
}

/** The process `script` runs (it execs node): the first child of script. */
function childOf(pid) {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)
  return Number(children[0])
}

function cpuTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return Number(fields[11]) + Number(fields[12])
}

export async function run({ presses = Number(process.env.BENCH_PRESSES ?? 60) } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'dw-bench-render-'))
  // Five servers that accept connections and never answer, ten checks each: under the
  // per-host cap of 16, so all 50 are in flight at once, each with its spinner.
  const sockets = new Set()
  const servers = []
  for (let i = 0; i < HOSTS; i++) {
    const server = createServer((socket) => {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
    })
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
    servers.push(server)
  }
  const urls = servers.map((server) => `http://127.0.0.1:${server.address().port}`)
  const file = join(dir, 'render.md')
  writeFileSync(file, checklist(urls))
  const env = { ...process.env, NO_COLOR: '1', DEPLOY_WIZARD_HOME: join(dir, 'home') }
  delete env.CI
  const wizard = startPty(
    [NODE, BIN, 'run', file, '--env', 'dev', '--operator', 'x', '--timeout', '10m'],
    { env },
  )
  const reference = startPty([NODE, join(ROOT, 'bench', 'ref-ink.mjs')], { env })
  try {
    await wizard.waitFor('↑↓ move')
    await reference.waitFor('reference ready')
    // Every check has its connection open and its spinner turning.
    for (let i = 0; i < 100 && sockets.size < 50; i++) await sleep(100)
    await sleep(1_000)
    const pid = childOf(wizard.child.pid)
    const refPid = childOf(reference.child.pid)
    const before = [cpuTicks(pid), cpuTicks(refPid)]
    const bytesBefore = wizard.output.length
    const t0 = performance.now()
    await sleep(WINDOW_MS)
    const seconds = (performance.now() - t0) / 1000
    const cpu = ((cpuTicks(pid) - before[0]) / CLK_TCK / seconds) * 100
    const refCpu = ((cpuTicks(refPid) - before[1]) / CLK_TCK / seconds) * 100
    const bytesPerSecond = (wizard.output.length - bytesBefore) / seconds

    // ↓ moves the selection: wait for the frame whose selected row is the next item.
    const latencies = []
    let missed = 0
    const refLatencies = []
    for (let i = 2; i < 2 + presses; i++) {
      const t = performance.now()
      wizard.write('\x1b[B')
      try {
        const at = await wizard.waitForScreen(
          (lines) => lines.some((line) => line.startsWith('›') && line.includes(name(i))),
          { timeoutMs: 3_000 },
        )
        latencies.push(at - t)
      } catch {
        missed++
      }
      // The reference redraws its one line for the same key: what the machine's load alone
      // makes a key wait, measured in the same pty and screen at the same time.
      const rt = performance.now()
      reference.write('\x1b[B')
      try {
        const at = await reference.waitForScreen(
          (lines) => lines.some((line) => line.includes(`↓ ${i - 1}`)),
          { timeoutMs: 3_000 },
        )
        refLatencies.push(at - rt)
      } catch {}
      await sleep(200)
    }
    const rows = [
      absRow(
        'CPU, 50 spinners on a 500-item phase, over 10 s',
        cpu,
        refCpu,
        10,
        '%',
        'of one core',
      ),
      absRow(
        'keypress ↓ → frame with the selection moved (median)',
        latencies.length ? median(latencies) : Number.NaN,
        refLatencies.length ? median(refLatencies) : null,
        50,
      ),
      absRow(
        `keypress ↓ → frame (worst of ${latencies.length})`,
        latencies.length ? Math.max(...latencies) : Number.NaN,
        refLatencies.length ? Math.max(...refLatencies) : null,
        50,
      ),
      absRow(
        'keypress ↓ → frame (95th percentile)',
        latencies.length ? percentile(latencies, 95) : Number.NaN,
        refLatencies.length ? percentile(refLatencies, 95) : null,
        50,
      ),
    ]
    const notes = [
      `reference CPU = the bare Ink app idling in its own pty over the same window; the wizard wrote ${Math.round(bytesPerSecond / 1024)} KB/s to the terminal while spinning`,
      `${presses} presses 200 ms apart while the spinners turn, latency from writing the key to the pty until the output that shows the next row selected (read on a headless xterm.js screen, as Ink redraws only the changed part of a line) arrives`,
      `${missed} of ${presses} presses showed no moved selection within 3 s (counted as not measured)`,
      `reference latency: the bare Ink app (bench/ref-ink.mjs) redrawing its one line for the same key, pressed right after each of the wizard's, in its own pty read the same way: what the machine's load alone adds (load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores at the end)`,
      `${sockets.size} connections were held open by the never-answering servers (${HOSTS}, ten checks each)`,
    ]
    return report('Rendering', rows, notes)
  } finally {
    await wizard.kill()
    await reference.kill()
    for (const socket of sockets) socket.destroy()
    for (const server of servers) server.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

if (isMain(import.meta.url)) await run()
