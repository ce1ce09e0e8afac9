/**
 * The trust question painted before Ink loads (first-paint/trust-screen.ts) is the frame Ink
 * then writes for App's trust question, code for code: every bundled checklist, the bench's
 * 500-item one, a long path, long and wide commands, a command many items run, with and without
 * the line for run files set aside, at widths 40 to 160 and heights 14 to 60. In colour;
 * first-paint-trust-plain.test.tsx without. Colour is forced before chalk is loaded, in this
 * file's own process.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'

delete process.env.NO_COLOR
process.env.FORCE_COLOR = '1'
const { assertTrustFramesAsInkDraws, EDGE_HEIGHTS, EDGE_WIDTHS, sizesFor, trustCases } =
  await import('../helpers/trust-frames.tsx')

const cases = await trustCases()

test('the bundled checklists with commands for dev are among the cases', () => {
  assert.ok(cases.filter((trust) => trust.name.startsWith('bundled')).length >= 4)
})

for (const [index, trust] of cases.entries()) {
  test(`in colour, the painted trust question is Ink's frame: ${trust.name}`, async () => {
    const { frames, nulls } = await assertTrustFramesAsInkDraws(trust, sizesFor(index))
    assert.ok(frames > 190)
    // Only a path too long for the smallest screens leaves the frame to Ink.
    if (!trust.name.startsWith('a path')) assert.equal(nulls, 0)
  })
}

test('in colour, with a run file set aside, the painted trust question has App’s line above it', async () => {
  for (const [index, trust] of cases.entries()) {
    const sizes = [
      ...EDGE_WIDTHS.flatMap((columns) => EDGE_HEIGHTS.map((rows) => [columns, rows] as const)),
      ...[40, 100].flatMap((columns) =>
        [16, 20, 33, 47].map((rows) => [columns + index, rows] as const),
      ),
    ]
    const { nulls } = await assertTrustFramesAsInkDraws(trust, sizes, { setAside: true })
    if (!trust.name.startsWith('a path')) assert.equal(nulls, 0)
  }
})

const { inkTrustScreen, trustQuestionOf, ONE_FILE_SET_ASIDE } = await import(
  '../helpers/trust-frames.tsx'
)
const { trustScreenFrame } = await import('../../src/ui/first-paint/trust-screen.ts')
const { MIN_COLUMNS, MIN_ROWS } = await import('../../src/ui/screen-size.ts')
const wizard = await import('../../src/ui/wizard.tsx')
const { tempDir } = await import('../helpers/temp.ts')

test('the painted frame is in colour: the border, title and path in yellow, the title bold', async () => {
  const [first] = cases
  assert.ok(first)
  const question = await trustQuestionOf(first.path)
  const frame = trustScreenFrame({ question, problemLine: null, columns: 80, rows: 24 }) ?? ''
  const yellow = (text: string) => `\u001b[33m${text}\u001b[39m`
  assert.ok(
    frame.startsWith(
      `${yellow(`╭${'─'.repeat(78)}╮`)}\n${yellow('│')} \u001b[1m\u001b[33mThis checklist runs`,
    ),
    frame,
  )
})

test('below the wizard’s smallest terminal nothing is painted: App says it is too small there', async () => {
  // The size App and the Wizard check (wizard.tsx) is the one the paint checks.
  assert.deepEqual([MIN_COLUMNS, MIN_ROWS], [wizard.MIN_COLUMNS, wizard.MIN_ROWS])
  const [first] = cases
  assert.ok(first)
  const question = await trustQuestionOf(first.path)
  const screen = await inkTrustScreen(first.path, 80, 24)
  try {
    for (const [columns, rows] of [
      [39, 60],
      [160, 13],
      [39, 13],
    ] as const) {
      assert.match(await screen.resize(columns, rows), /terminal too small/)
      for (const problemLine of [null, ONE_FILE_SET_ASIDE]) {
        assert.equal(trustScreenFrame({ question, problemLine, columns, rows }), null)
      }
    }
  } finally {
    await screen.close()
  }
})

test('a path whose lines leave the list no row is left to Ink, which draws it taller than the terminal', async () => {
  const trust = cases.find((one) => one.name.startsWith('a path'))
  assert.ok(trust)
  const question = await trustQuestionOf(trust.path)
  const screen = await inkTrustScreen(trust.path, 40, 14)
  try {
    assert.ok(screen.first.split('\n').length > 14)
    assert.equal(trustScreenFrame({ question, problemLine: null, columns: 40, rows: 14 }), null)
    // One more row and the list has it: painted.
    const taller = trustScreenFrame({ question, problemLine: null, columns: 40, rows: 15 })
    assert.equal(taller, await screen.resize(40, 15))
  } finally {
    await screen.close()
  }
})

test('a path with a control character is left to Ink: its Text escapes it after the prompt wrapped it', async () => {
  const { mkdirSync, writeFileSync } = await import('node:fs')
  const { join } = await import('node:path')
  const dir = join(tempDir('trust-odd'), 'release-\u001b[31m-red')
  mkdirSync(dir)
  const path = join(dir, 'deploy.md')
  writeFileSync(
    path,
    '---\ntitle: Odd\nenvironments: [dev, prod]\n---\n## Before\n- [ ] Build <!-- check: command run="make build" -->\n',
  )
  const screen = await inkTrustScreen(path, 80, 24)
  try {
    // Ink draws the escape as its text, wider than the path the prompt wrapped.
    assert.match(screen.first, /release-\\x1b\[31m-red/)
  } finally {
    await screen.close()
  }
  const question = await trustQuestionOf(path)
  assert.equal(trustScreenFrame({ question, problemLine: null, columns: 80, rows: 24 }), null)
})

test('a command with a tab or a newline in it is painted as Ink draws it', async () => {
  const { writeFileSync } = await import('node:fs')
  const { join } = await import('node:path')
  const path = join(tempDir('trust-tab'), 'deploy.md')
  writeFileSync(
    path,
    '---\ntitle: Tab\nenvironments: [dev, prod]\n---\n## Before\n- [ ] Build <!-- check: command run="make\tbuild" -->\n- [ ] Lines <!-- check: command run="set -e\nmake test" -->\n',
  )
  const { assertTrustFramesAsInkDraws } = await import('../helpers/trust-frames.tsx')
  const { nulls } = await assertTrustFramesAsInkDraws({ name: 'tab', path }, [
    [80, 24],
    [40, 14],
    [41, 15],
  ])
  assert.equal(nulls, 0)
})
test('a line’s blanks at its end are dropped as Ink drops them, in colour or not', async () => {
  const { createElement } = await import('react')
  const { Box } = await import('ink')
  const { render } = await import('ink-testing-library')
  const { Text } = await import('../../src/ui/text.tsx')
  const { inkFrame } = await import('../../src/ui/first-paint/ink-draw.ts')
  const { styled } = await import('../../src/ui/first-paint/ink-codes.ts')
  const screen = render(
    createElement(
      Box,
      { flexDirection: 'column' },
      createElement(Text, { color: 'yellow' }, 'coloured, then blanks   '),
      createElement(Text, {}, 'plain, then blanks   '),
    ),
  )
  try {
    assert.equal(
      inkFrame([
        styled('coloured, then blanks   ', { color: 'yellow' }),
        styled('plain, then blanks   ', {}),
      ]),
      screen.lastFrame(),
    )
  } finally {
    screen.unmount()
  }
})
