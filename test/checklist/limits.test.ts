import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { EditMap } from 'micromark-util-edit-map'
import { LIMITS, measureInput } from '../../src/checklist/limits.ts'
import { loadChecklist } from '../../src/checklist/load.ts'
import { parse, problemLines, readSeed, SEEDS } from '../helpers/fixtures.ts'

const BUNDLED = fileURLToPath(new URL('../../checklists/', import.meta.url))

/** The one error a file past a limit gets, as `line:column message`. */
function limitError(markdown: string): string {
  const result = parse(markdown)
  assert.equal(result.hasErrors, true)
  assert.equal(result.problems.length, 1, problemLines(result).join('\n'))
  const [problem] = result.problems
  assert.ok(problem?.hint, 'says what to do')
  return `${problem.line}:${problem.column} ${problem.message}`
}

/** Every problem but the warning that the file has no task items, which these shapes need not have. */
function limitProblems(markdown: string) {
  return parse(markdown).problems.filter((p) => !p.message.startsWith('no task items'))
}

describe('input limits', () => {
  it('leave the real checklists far inside every one of them', () => {
    const texts = [
      ...SEEDS.map((name) => [name, readSeed(name)] as const),
      ...readdirSync(BUNDLED).map(
        (name) => [name, readFileSync(join(BUNDLED, name), 'utf8')] as const,
      ),
    ]
    for (const [name, text] of texts) {
      const usage = measureInput(text)
      for (const key of Object.keys(LIMITS) as (keyof typeof LIMITS)[]) {
        assert.ok(
          usage[key] <= LIMITS[key] / 10,
          `${name} uses ${usage[key]} of the ${key} limit ${LIMITS[key]}`,
        )
      }
    }
  })

  it('refuse 4,000 nested block quotes with an error at the 33rd, instead of overflowing the stack', () => {
    assert.equal(
      limitError(`## P\n${'>'.repeat(4000)} - [ ] x\n`),
      '2:33 lists and block quotes are nested more than 32 deep here',
    )
  })

  it('refuse task lists nested 1,000 deep at the 33rd level', () => {
    const nested = Array.from({ length: 1000 }, (_, i) => `${'  '.repeat(i)}- [ ] t`).join('\n')
    assert.equal(
      limitError(`## P\n${nested}\n`),
      '34:65 lists and block quotes are nested more than 32 deep here',
    )
  })

  it('count lists and quotes written on one line', () => {
    assert.match(limitError(`## P\n${'> - '.repeat(17)}[ ] x\n`), /^2:\d+ .*nested more than 32/)
    assert.deepEqual(limitProblems(`## P\n${'> - '.repeat(16)}[ ] x\n`), [])
  })

  it('refuse a paragraph of 10,000 `*_`, naming where it starts', () => {
    assert.equal(
      limitError(`## P\n- [ ] start\n  ${'*_'.repeat(10_000)}\n`),
      '3:1 the paragraph that starts on line 2 has more than 500 emphasis markers (*, _, ~) and brackets',
    )
  })

  it('let a paragraph of words with underscores in them be', () => {
    const names = Array.from({ length: 600 }, (_, i) => `SOME_VAR_${i}`).join(', ')
    assert.deepEqual(parse(`## P\n- [ ] set ${names}\n`).problems, [])
  })

  it('do not count what is inside code blocks and comments', () => {
    const code = `\`\`\`json\n${'[{"a_b": "*x*"}],\n'.repeat(400)}\`\`\``
    const comment = `<!--\n${'**old** [link](x)\n'.repeat(200)}-->`
    const result = parse(`## P\n- [ ] run\n\n  ${code.replaceAll('\n', '\n  ')}\n\n${comment}\n`)
    assert.deepEqual(result.problems, [])
  })

  it('refuse many paragraphs each just under the per-paragraph limit, once they add up', () => {
    const paragraph = `- [ ] ${'**a_'.repeat(240)}\n`
    assert.match(
      limitError(`## P\n${paragraph.repeat(400)}`),
      /^\d+:1 by this line the checklist has more emphasis markers \(\*, _, ~\) and brackets than it may have; the paragraph here, from line \d+, has 482$/,
    )
  })

  it('refuse a table of 1,000 columns, and let one of 64 be', () => {
    const table = (columns: number) =>
      `## P\n\n|${' h |'.repeat(columns)}\n|${'---|'.repeat(columns)}\n|${' c |'.repeat(columns)}\n`
    assert.equal(
      limitError(table(1000)),
      "3:1 a line here has 1001 '|', more than a table row of 64 columns",
    )
    // The header's delimiter row decides the columns; its own '|' are counted only per line.
    assert.equal(
      limitError(`## P\n\n| a | b |\n${'---|'.repeat(64)}---\n`),
      '4:1 a table here has more than 64 columns',
    )
    assert.deepEqual(limitProblems(table(64)), [])
  })

  it('refuse tables whose cells add up past the limit', () => {
    const table = `| a | b | c | d |\n|---|---|---|---|\n${'| 1 | 2 | 3 | 4 |\n'.repeat(2600)}`
    assert.match(
      limitError(`## P\n\n${table}`),
      /^\d+:1 by this line the checklist's tables have more than the 10,000 cells it may have$/,
    )
  })

  it('refuse a quote paragraph that goes on for 101 lines without its `>`', () => {
    assert.equal(
      limitError(`## P\n> - [ ] a\n${'more\n'.repeat(101)}`),
      "103:1 the paragraph that starts on line 2 goes on for more than 100 lines without its '>' or indentation",
    )
    assert.deepEqual(parse(`## P\n> - [ ] a\n${'>   more\n'.repeat(200)}`).problems, [])
  })

  it('refuse nesting that adds up over many lines', () => {
    const deep = `${'>'.repeat(30)} text\n`
    assert.match(
      limitError(`## P\n${deep.repeat(7000)}`),
      /^\d+:1 by this line the checklist's lists and block quotes add up to more than the 200,000 levels/,
    )
  })

  it('refuse a file over 2 MiB at line 1, and over 50,000 lines at the line past them', () => {
    assert.equal(
      limitError(`## P\n- [ ] x\n${'a'.repeat(2 * 1024 * 1024)}\n`),
      '1:1 the checklist is 2,097,166 bytes; a checklist may be at most 2 MiB (2,097,152 bytes)',
    )
    assert.equal(
      limitError(`## P\n${'\n'.repeat(50_000)}`),
      '50001:1 the checklist has more than 50,000 lines',
    )
  })

  it('do not read a file over the size limit at all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-limits-'))
    try {
      const path = join(dir, 'huge.md')
      writeFileSync(path, `## P\n- [ ] x\n${'a'.repeat(3 * 1024 * 1024)}`)
      const result = await loadChecklist(path)
      assert.deepEqual(problemLines(result), [
        '1:1 error the checklist is 3,145,741 bytes; a checklist may be at most 2 MiB (2,097,152 bytes)',
      ])
      assert.match(result.problems[0]?.hint ?? '', /split the checklist into several files/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('the parser, on shapes that used to crash it', () => {
  it('reports each of 130,000 directives in one comment instead of overflowing the stack', () => {
    const result = parse(`## P\n- [ ] x <!-- ${'signoff; '.repeat(130_000)}-->\n`)
    assert.equal(result.problems.length, 130_000)
    assert.deepEqual(problemLines(result).slice(0, 1), [
      "2:14 error 'signoff' belongs on a heading",
    ])
  })

  it('reports a chain of 20,000 items each needing the one before without overflowing the stack', () => {
    const items = Array.from(
      { length: 20_000 },
      (_, i) =>
        `- [ ] s${i} <!-- id: s${i}; check: tcp host=h port=1${i > 0 ? `; needs: s${i - 1}` : '; needs: s19999'} -->`,
    )
    const result = parse(`## P\n${items.join('\n')}\n`)
    const lines = problemLines(result)
    assert.equal(lines.length, 1)
    assert.match(
      lines[0] ?? '',
      /^3:1 error checks wait for each other in a circle: s0 → s19999 → s19998 → .* → s1 → s0$/,
    )
  })
})

describe('micromark, as the parser uses it', () => {
  it('closes a container by rewriting only the end of its event list, not all of it', () => {
    // micromark-util-edit-map 1.0.0 copied the whole list on every closed list or quote.
    const events = Array.from({ length: 100_000 }, (_, i) => i) as unknown as Parameters<
      EditMap['consume']
    >[0]
    let reads = 0
    const counted = new Proxy(events, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads++
        return Reflect.get(target, key, receiver)
      },
    })
    const editMap = new EditMap()
    const added = [['enter', {}, {}]] as unknown as typeof events
    editMap.add(99_990, 0, added)
    editMap.add(99_995, 2, [])
    editMap.consume(counted)
    assert.ok(reads < 100, `${reads} events read`)
    assert.equal(events.length, 99_999)
    assert.deepEqual(events.slice(99_988, 99_998), [
      99_988,
      99_989,
      added[0],
      99_990,
      99_991,
      99_992,
      99_993,
      99_994,
      99_997,
      99_998,
    ])
  })
})
