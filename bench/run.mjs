/**
 * `npm run bench [-- area…]`: runs the areas (all by default: startup,
 * resume, parallel, aws, render, persist, install, parse, team, watch), prints each table, and —
 * when every area
 * ran — writes bench/results.md with the machine and the date.
 */
import { writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { ROOT, tableLines } from './lib.mjs'

const AREAS = {
  startup: './startup.mjs',
  resume: './resume.mjs',
  parallel: './parallel.mjs',
  aws: './aws-cli.mjs',
  render: './render.mjs',
  persist: './persist.mjs',
  install: './install.mjs',
  parse: './parse.mjs',
  team: './team-store.mjs',
  watch: './watch-lag.mjs',
}

const asked = process.argv.slice(2)
const names = asked.length ? asked : Object.keys(AREAS)
for (const name of names) {
  if (!AREAS[name]) {
    process.stderr.write(`unknown area ${name}; one of: ${Object.keys(AREAS).join(', ')}\n`)
    process.exit(2)
  }
}
const results = []
for (const name of names) {
  try {
    const { run } = await import(AREAS[name])
    results.push(await run())
  } catch (error) {
    process.stderr.write(`${name} failed: ${error.stack ?? error}\n`)
    results.push({
      area: name,
      rows: [],
      notes: [`failed: ${String(error.message ?? error).split('\n')[0]}`],
    })
  }
}
const cpu = cpus()
const lines = [
  '# Benchmarks',
  '',
  `Node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${process.platform}; ${new Date().toISOString()}.`,
  'Every figure is a median; ratios are against a reference measured side by side, interleaved.',
  `Reproduce: \`npm run build && npm run bench\` (or \`npm run bench -- ${names.join(' ')}\`).`,
  '',
]
for (const r of results) {
  lines.push(`## ${r.area}`, '', ...tableLines(r.rows), '', ...r.notes.map((n) => `- ${n}`), '')
}
if (!asked.length || names.length === Object.keys(AREAS).length) {
  writeFileSync(join(ROOT, 'bench', 'results.md'), lines.join('\n'))
  process.stdout.write('wrote bench/results.md\n')
}
