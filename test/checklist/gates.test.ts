import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parse, problemLines } from '../helpers/fixtures.ts'

/** Each gate as `name: after → before (approver)`, the shape these tests compare. */
function placed(markdown: string): string[] {
  const { checklist } = parse(markdown)
  return checklist.gates.map(
    (gate) =>
      `${gate.name}: ${gate.after ?? '∅'} → ${gate.before ?? 'sign-off'} (${gate.approver})`,
  )
}

describe('approval gates', () => {
  it('stand where they are written, on a line of their own: before the next phase', () => {
    const markdown = [
      '## Pre-Deployment',
      '- [ ] Backup taken',
      '',
      '<!-- gate: approval "Change board" -->',
      '',
      '## Deployment',
      '- [ ] Deploy',
      '',
    ].join('\n')
    assert.deepEqual(problemLines(parse(markdown)), [])
    assert.deepEqual(placed(markdown), ['Change board: pre-deployment → deployment (not-driver)'])
    assert.equal(parse(markdown).checklist.gates[0]?.line, 4)
  })

  it('stand before the phase whose heading they are on, or right below it', () => {
    const markdown = [
      '## Pre',
      '- [ ] a',
      '## Deploy <!-- gate: approval "Change board" -->',
      '- [ ] b',
      '## Verify',
      '<!-- gate: approval "QA" approver=anyone -->',
      '- [ ] c',
      '',
    ].join('\n')
    assert.deepEqual(problemLines(parse(markdown)), [])
    assert.deepEqual(placed(markdown), [
      'Change board: pre → deploy (not-driver)',
      'QA: deploy → verify (anyone)',
    ])
  })

  it('hold back the sign-off when no phase follows, and every phase when none comes before', () => {
    const markdown = [
      '<!-- gate: approval "Go" -->',
      '## Work',
      '- [ ] a',
      '',
      '<!-- gate: approval "Release manager" -->',
      '',
      '## Sign-Off',
      '- Deployed by: ________',
      '',
    ].join('\n')
    assert.deepEqual(problemLines(parse(markdown)), [])
    assert.deepEqual(placed(markdown), [
      'Go: ∅ → work (not-driver)',
      'Release manager: work → sign-off (not-driver)',
    ])
  })

  it('stand before a ### step that became a phase (phases.ts) when written on its heading', () => {
    const markdown = [
      '# Release',
      '## Steps',
      '### Build',
      '- [ ] a',
      '- [ ] b',
      '### Ship <!-- gate: approval "Lead" -->',
      '- [ ] c',
      '- [ ] d',
      '',
    ].join('\n')
    assert.deepEqual(problemLines(parse(markdown)), [])
    assert.deepEqual(placed(markdown), ['Lead: steps/build → steps/ship (not-driver)'])
  })

  it('take a heading’s scope, or their own only: when on a line of their own', () => {
    const front = '---\nenvironments: [dev, prod]\n---\n'
    const { checklist, problems } = parse(
      `${front}## Build\n- [ ] a\n<!-- gate: approval "CAB"; only: prod -->\n## Production Deployment <!-- gate: approval "SRE" -->\n- [ ] b\n`,
    )
    assert.deepEqual(problems, [])
    assert.deepEqual(
      checklist.gates.map((gate) => [gate.name, gate.scope.environments]),
      [
        ['CAB', ['prod']],
        ['SRE', ['prod']],
      ],
    )
  })

  it('are invisible in the text around them', () => {
    const { checklist } = parse('## Deploy <!-- gate: approval "CAB" -->\n- [ ] a\n')
    assert.equal(checklist.phases[0]?.title, 'Deploy')
  })
})

describe('approval gates written wrong', () => {
  const problems = (markdown: string) =>
    parse(markdown).problems.map((p) => [p.line, p.column, p.severity, p.message, p.hint])

  it('say what is missing or unknown, with the line and what to write', () => {
    assert.deepEqual(problems('## A\n- [ ] a\n<!-- gate: approval -->\n## B\n- [ ] b\n'), [
      [
        3,
        12,
        'error',
        "'gate: approval' needs the gate's name",
        'name it after who approves, in quotes: gate: approval "Change board"',
      ],
    ])
    assert.deepEqual(problems('## A\n- [ ] a\n<!-- gate: vote "CAB" -->\n## B\n- [ ] b\n'), [
      [
        3,
        12,
        'error',
        "'vote' is not a kind of gate: the kind is 'approval'",
        'for example: gate: approval "Change board"',
      ],
    ])
    assert.deepEqual(
      problems('## A\n- [ ] a\n<!-- gate: approval Change board -->\n## B\n- [ ] b\n'),
      [
        [
          3,
          28,
          'error',
          "expected approver=…, found 'board'",
          'quote a name that has spaces: gate: approval "Change board"',
        ],
      ],
    )
    assert.deepEqual(
      problems('## A\n- [ ] a\n<!-- gate: approval "CAB" approver=lead -->\n## B\n- [ ] b\n'),
      [
        [
          3,
          27,
          'error',
          "'lead' is not who may approve",
          'approver=not-driver: someone other than who drove the run (the default); approver=anyone: the driver too',
        ],
      ],
    )
    assert.deepEqual(problems('## A\n- [ ] a\n<!-- gate: approval "" -->\n## B\n- [ ] b\n'), [
      [
        3,
        21,
        'error',
        "a gate's name cannot be empty",
        'for example: gate: approval "Change board"',
      ],
    ])
    assert.deepEqual(
      problems('## A\n- [ ] a\n<!-- gate: approval "CAB" by=x -->\n## B\n- [ ] b\n'),
      [
        [
          3,
          27,
          'error',
          "'by' is not an option of a gate",
          'a gate takes approver=not-driver (the default) or approver=anyone',
        ],
      ],
    )
  })

  it('refuse a gate on an item or on a group heading, which would hold back nothing it is on', () => {
    assert.deepEqual(problemLines(parse('## A\n- [ ] a <!-- gate: approval "CAB" -->\n')), [
      "2:14 error 'gate:' stands between phases, not on an item",
    ])
    assert.deepEqual(
      problemLines(parse('## A\n- [ ] a\n### G <!-- gate: approval "CAB" -->\n- [ ] b\n')),
      ['3:12 error a gate stands between phases: "G" is a group inside the phase "A"'],
    )
  })

  it('refuse two gates of one name: a run keeps its approvals by name', () => {
    assert.deepEqual(
      problemLines(
        parse(
          '## A\n- [ ] a\n<!-- gate: approval "CAB" -->\n## B\n- [ ] b\n<!-- gate: approval "cab" -->\n## C\n- [ ] c\n',
        ),
      ),
      ['6:6 error a gate named "cab" is already on line 3'],
    )
  })

  it('warn when written among a phase’s items: those below it are not held back', () => {
    assert.deepEqual(
      problemLines(parse('## A\n- [ ] a\n<!-- gate: approval "CAB" -->\n- [ ] b\n## B\n- [ ] c\n')),
      [
        '3:6 warning this gate holds back the phases after "A", not the items below it in that phase (line 4)',
      ],
    )
  })

  it('keep other directives beside a gate on a line of its own unattached, as before', () => {
    assert.deepEqual(
      problemLines(
        parse('## A\n- [ ] a\n<!-- gate: approval "CAB"; timeout: 5s -->\n## B\n- [ ] b\n'),
      ),
      ['3:28 error this directive is not attached to an item or a heading'],
    )
  })
})
