/**
 * A checklist with no task items, run through the built CLI in tmux: one with nothing to ask is
 * refused before any screen opens, saying what it has instead; one with only sign-off fields
 * opens on its sign-off and ends on a sheet that says it had no steps, never "complete".
 *
 * Needs tmux (it fails, and does not skip, without it) and a build (`npm run build`).
 */
import assert from 'node:assert/strict'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { BIN } from '../helpers/cli.ts'
import { requireTmux, type TmuxPane, TmuxServer } from '../helpers/tmux.ts'

/** Steps written as a numbered list: no task items, and nothing to sign. */
const NUMBERED_ONLY = `# Deploy

## Steps

1. Deploy to production
2. Run smoke tests
`

const SIGNOFF_ONLY = `# Go or no-go

## Readiness

Every team reports its status at the meeting.

## Sign-off

- Release manager: ____
`

let tmux: TmuxServer
let dir: string
let sessions = 0

before(async () => {
  requireTmux()
  tmux = new TmuxServer('dw-no-steps')
  dir = await mkdtemp(join(tmpdir(), 'dw-no-steps-'))
})

after(async () => {
  await tmux?.kill()
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** `deploy-wizard run <file> <args…>` in a fresh terminal with its own home; its exit code printed after. */
async function wizard(
  file: string,
  args: readonly string[],
  columns = 100,
): Promise<{ pane: TmuxPane; home: string }> {
  sessions++
  const home = join(dir, `home-${sessions}`)
  const variables = { DEPLOY_WIZARD_HOME: home, DEPLOY_WIZARD_OPERATOR: 'ana', NO_COLOR: '1' }
  const command = [
    'env',
    ...Object.entries(variables).map(([name, value]) => `${name}=${value}`),
    process.execPath,
    BIN,
    'run',
    file,
    ...args,
  ]
  const script = `${command.map(sh).join(' ')}; echo "EXIT=$?"; exec sleep 600`
  const pane = await tmux.start(`no-steps-${sessions}`, ['sh', '-c', script], {
    columns,
    rows: 32,
  })
  return { pane, home }
}

function sh(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`
}

describe('run, over a checklist with no task items', () => {
  test('with no sign-off fields either, is refused before any screen: what it has, how to write steps', async () => {
    const file = join(dir, 'numbered.md')
    await writeFile(file, NUMBERED_ONLY)
    // Wide enough that the message is not wrapped.
    const { pane, home } = await wizard(file, ['--env', 'prod'], 300)
    const screen = await pane.waitUntil((s) => /^EXIT=2$/m.test(s), 'exit code 2')
    assert.match(
      screen,
      /has no steps to run: no task items \("- \[ \] …"\) and no sign-off fields; it has 2 numbered steps instead/,
    )
    assert.match(screen, /^ +write each step as a task item, "- \[ \] Deploy to production"/m)
    assert.deepEqual(await readdir(join(home, 'runs')).catch(() => []), [], 'no run was saved')
  })

  test('with sign-off fields, a prod run opens on the sign-off and its sheet says it had no steps', async () => {
    const file = join(dir, 'signoff.md')
    const sheet = join(dir, 'signoff-sheet.md')
    await writeFile(file, SIGNOFF_ONLY)
    const { pane } = await wizard(file, ['--env', 'prod', '--sheet', sheet])
    await pane.waitFor(/Type 'prod' to go on:/)
    await pane.submit('prod')
    const screen = await pane.waitUntil(
      (s) => /This checklist has no steps to answer: only its sign-off/.test(s),
      'the sign-off saying it has no steps',
    )
    assert.match(screen, /› Release manager +______/)
    assert.match(screen, /overall ░+ 0\/0 +Sign-off/)
    assert.doesNotMatch(screen, /Every item is answered|█/)
    await pane.press('Enter')
    await pane.waitFor(/Name:/)
    await pane.submit('Ana Souza')
    await pane.waitFor(/› Release manager +Ana Souza/)
    await pane.press('f')
    await pane.waitFor(/^EXIT=0$/m)
    const written = await readFile(sheet, 'utf8')
    assert.match(
      written,
      /\*\*Result:\*\* ⚠️ no steps: this checklist has no steps to answer \(no task items\), so the run asked only for its sign-off/,
    )
    assert.match(written, /⚠️ \*\*No steps were answered\*\*/)
    assert.doesNotMatch(written, /✅ complete|Nothing needs attention/)
  })
})
