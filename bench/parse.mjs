/**
 * Reading a checklist: how the parser's work grows with the shapes that used to
 * make it hang (issue 13). Each row parses a shape at size n (reference) and 2n
 * (subject), interleaved: linear work doubles (ratio ≈ 2), quadratic work
 * quadruples. The last rows compare the costliest files the input limits still
 * accept with the five seed checklists repeated to the same number of lines.
 * Tests assert only that the limits hold; timings live here.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { register } from 'tsx/esm/api'
import { interleave, isMain, ROOT, report, row } from './lib.mjs'

register()
const { parseChecklist } = await import('../src/checklist/parse.ts')
const { LIMITS } = await import('../src/checklist/limits.ts')

const time = (text) => () => {
  const start = performance.now()
  const result = parseChecklist(text, { path: 'bench.md' })
  const ms = performance.now() - start
  if (result.problems.some((p) => p.severity === 'error'))
    throw new Error(`bench input has errors: ${result.problems[0]?.message}`)
  return ms
}

const repeat = (unit, n) => Array.from({ length: n }, (_, i) => unit(i)).join('')
const vars = (chains, depth) =>
  `---\nvars:\n${repeat(
    (c) => `  c${c}v0: a\n${repeat((i) => `  c${c}v${i + 1}: \${c${c}v${i}}b\n`, depth - 1)}`,
    chains,
  )}---\n## P\n- [ ] x <!-- check: tcp host=\${c0v${depth - 1}} port=1 -->\n`
const nested = (i) =>
  `${repeat((d) => `${'  '.repeat(d)}- [ ] item ${i}.${d}\n`, LIMITS.nesting - 1)}\n`

/** Each shape as a function of its size n. */
const SHAPES = [
  ['one-item phases', 2000, (n) => repeat((i) => `## Phase ${i}\n- [ ] item\n`, n)],
  ['a quote after each heading', 2000, (n) => repeat((i) => `## Phase ${i}\n> note\n`, n)],
  ['lists nested 31 deep', 100, (n) => `## P\n${repeat(nested, n)}`],
  [
    'paragraphs of 400 emphasis markers',
    20,
    (n) => `## P\n${repeat((i) => `- [ ] ${i} ${'**a_'.repeat(199)}\n`, n)}`,
  ],
  ['front-matter vars in chains 30 deep', 50, (n) => vars(n, 30)],
  [
    'directives on 1,000 items each',
    2,
    (n) =>
      `## P\n${repeat((i) => `- [ ] s${i} <!-- id: s${i}; check: tcp host=h port=1${i ? `; needs: s${i - 1}` : ''} -->\n`, 1000 * n)}`,
  ],
]

function realBytes(byteCount) {
  const text = realLines(Math.ceil(byteCount / 20))
  return text.slice(0, text.lastIndexOf('\n', byteCount))
}

function realLines(lineCount) {
  const dir = join(ROOT, 'test', 'fixtures', 'seeds')
  const all = readdirSync(dir)
    .map((f) => readFileSync(join(dir, f), 'utf8').replace(/^---[\s\S]*?\n---\n/, ''))
    .join('\n\n')
  const lines = []
  while (lines.length < lineCount) lines.push(...all.split('\n'))
  return lines.slice(0, lineCount).join('\n')
}

export async function run() {
  const rows = []
  for (const [name, n, shape] of SHAPES) {
    const { subject, ref } = await interleave(time(shape(n)), time(shape(2 * n)), { reps: 5 })
    rows.push(row(`${name}: 2n vs n`, subject, ref, 3, 'ms', `n = ${n}`))
  }
  // The costliest shapes the limits accept, against real checklists of as many lines.
  const count = Math.min(LIMITS.containerWork / 4, LIMITS.lines) - 10
  const items = repeat((i) => `- [ ] ${i}\n`, count)
  const lines = items.split('\n').length
  const worst = await interleave(time(realLines(lines)), time(`## P\n${items}`), { reps: 3 })
  rows.push(
    row(
      'the most list items the limits accept vs real checklists',
      worst.subject,
      worst.ref,
      3,
      'ms',
      `${lines} lines`,
    ),
  )
  // As much emphasis as the limits accept: paragraphs of 500 markers (`[`, `]` and 249 `**a_`)
  // up to the file's budget.
  const paragraphs = Math.floor(LIMITS.inlineWork / LIMITS.inlineMarkers ** 2)
  const emphasis = `## P\n${repeat(() => `- [ ] ${'**a_'.repeat(249)}\n`, paragraphs)}`
  const sameSize = realBytes(emphasis.length)
  const dense = await interleave(time(sameSize), time(emphasis), { reps: 3 })
  rows.push(
    row(
      'the most emphasis the limits accept vs real checklists',
      dense.subject,
      dense.ref,
      null,
      'ms',
      `${Math.round(emphasis.length / 1024)} kB each`,
    ),
  )
  return report('parse', rows, [
    'ratio ≈ 2 for work that grows with the input; ≈ 4 would be quadratic (4,000 one-item phases took 12 s before micromark’s container closing was made linear); the budget of 3× leaves room for the garbage collector on a shared machine',
    'the last two rows: the costliest inputs the limits accept, against the seed checklists repeated to the same number of lines or bytes',
  ])
}

if (isMain(import.meta.url)) await run()
