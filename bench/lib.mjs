/**
 * Shared bench helpers: timing child processes, medians, interleaved
 * reference-vs-subject runs, and the table every area prints.
 *
 * Everything is a ratio against a reference measured side by side, in the
 * same script, interleaved (ref, subject, ref, subject…), several times, with
 * medians: absolute times on a shared 2-core machine are noise.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = dirname(dirname(fileURLToPath(import.meta.url)))
export const BIN = join(ROOT, 'bin', 'deploy-wizard.js')
export const NODE = process.execPath

if (!existsSync(join(ROOT, 'dist', 'cli.js'))) {
  throw new Error('dist/ is missing: run `npm run build` first')
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b)
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  return sorted[Math.max(0, index)]
}

/** Runs `argv` to completion; resolves with wall milliseconds, exit code, stdout and stderr. */
export function timeRun(argv, options = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(argv[0], argv.slice(1), {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...options,
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => {
      stdout += chunk
    })
    child.stderr.on('data', (chunk) => {
      stderr += chunk
    })
    child.on('error', reject)
    child.on('close', (code) => {
      resolve({ ms: performance.now() - started, code, stdout, stderr })
    })
  })
}

/**
 * Calls `ref()` and `subject()` alternately `reps` times (after `warmup` unmeasured
 * rounds); each returns milliseconds. Resolves with both samples and medians.
 */
export async function interleave(ref, subject, { reps = 9, warmup = 1 } = {}) {
  const refs = []
  const subjects = []
  for (let i = 0; i < warmup + reps; i++) {
    // Alternate who goes first so neither always runs on a warmer cache.
    const order = i % 2 ? [subject, ref] : [ref, subject]
    const times = []
    for (const fn of order) times.push(await fn())
    const [r, s] = i % 2 ? [times[1], times[0]] : times
    if (i >= warmup) {
      refs.push(r)
      subjects.push(s)
    }
  }
  return { refs, subjects, ref: median(refs), subject: median(subjects) }
}

/** One row of an area's table. `budget` is a ratio (≤) or null for "report only". */
export function row(measure, subject, reference, budget, unit = 'ms', note = '') {
  const ratio = reference ? subject / reference : null
  let verdict = 'report'
  if (budget !== null && budget !== undefined) {
    verdict = ratio !== null && ratio <= budget ? 'PASS' : 'MISS'
  }
  return { measure, subject, reference, ratio, budget, unit, verdict, note }
}

/** A row judged on an absolute budget (`budget` in `unit`), with a reference shown for scale. */
export function absRow(measure, subject, reference, budget, unit = 'ms', note = '') {
  return {
    measure,
    subject,
    reference,
    ratio: reference ? subject / reference : null,
    budget: `≤ ${budget} ${unit}`,
    unit,
    verdict: subject <= budget ? 'PASS' : 'MISS',
    note,
  }
}

function fmt(value, unit) {
  if (value === null || value === undefined) return '—'
  if (typeof value === 'string') return value
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2
  return `${value.toFixed(digits)} ${unit}`.trim()
}

export function tableLines(rows) {
  const lines = [
    '| measure | subject | reference | ratio | budget | verdict |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
  ]
  for (const r of rows) {
    const budget =
      r.budget === null || r.budget === undefined
        ? '—'
        : typeof r.budget === 'string'
          ? r.budget
          : `≤ ${r.budget}×`
    const ratio = r.ratio === null ? '—' : `${r.ratio.toFixed(2)}×`
    const measure = r.note ? `${r.measure} (${r.note})` : r.measure
    lines.push(
      `| ${measure} | ${fmt(r.subject, r.unit)} | ${fmt(r.reference, r.unit)} | ${ratio} | ${budget} | ${r.verdict} |`,
    )
  }
  return lines
}

/** Prints an area's table; returns it for the runner. */
export function report(area, rows, notes = []) {
  const text = [`### ${area}`, '', ...tableLines(rows), '', ...notes.map((n) => `- ${n}`)]
  process.stdout.write(`${text.join('\n')}\n\n`)
  return { area, rows, notes }
}

/** A free TCP port on 127.0.0.1. */
export async function freePort() {
  const { createServer } = await import('node:net')
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

/** True when this module is the script node was started with. */
export function isMain(url) {
  return process.argv[1] && fileURLToPath(url) === process.argv[1]
}
