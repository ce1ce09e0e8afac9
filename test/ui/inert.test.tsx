/**
 * The wizard's screens show what a checklist says and never obey it: titles and
 * commands with escape sequences are drawn as the escapes they hold, and a
 * check's credentials written in the checklist are shown as `***`.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, afterEach, test } from 'node:test'
import { render } from 'ink-testing-library'
import type { RunSession } from '../../src/run/session.ts'
import { wizardServices } from '../../src/run/start.ts'
import { App } from '../../src/ui/app.tsx'
import { activeIn } from '../helpers/active.ts'
import { inputSettled, waitForContent } from '../helpers/wait.ts'

const ARROW_DOWN = '\u001B[B'

process.env.COLUMNS = '100'
process.env.LINES = '24'

const folders: string[] = []
/** Screens still open when a test ends, failed or not: closed before their folders go. */
const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
})
after(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true })
})

function wizard(markdown: string) {
  const dir = mkdtempSync(join(tmpdir(), 'dw-ui-inert-'))
  folders.push(dir)
  const path = join(dir, 'deploy.md')
  writeFileSync(path, markdown)
  let session: RunSession | null = null
  const screen = render(
    <App
      services={wizardServices({
        env: { DEPLOY_WIZARD_HOME: join(dir, 'home') },
        cwd: dir,
        staleAfterMs: 3_600_000,
      })}
      options={{
        checklistPath: path,
        environment: 'dev',
        operator: 'ana',
        staleAfterMs: 3_600_000,
        sheetPathFor: (id) => join(dir, `${id}.md`),
        today: '2026-11-22',
        now: () => new Date(),
      }}
      onOpen={(opened) => {
        session = opened
      }}
      onDone={() => {}}
    />,
  )
  const frame = () => screen.lastFrame() ?? ''
  const see = async (pattern: RegExp) => {
    await waitForContent(frame, pattern)
    await inputSettled()
  }
  const press = async (key: string) => {
    screen.stdin.write(key)
    await inputSettled(key)
  }
  const close = async () => {
    screen.unmount()
    await (session as RunSession | null)?.close()
  }
  closers.push(close)
  const quit = async () => {
    await press('q')
  }
  return { screen, frame, see, press, quit }
}

test('a title that moves the cursor and erases lines is drawn as the escapes it holds', async () => {
  const ui = wizard(
    [
      '# Release\u001b]0;pwned\u0007',
      '## Build\u009b2J',
      '- [ ] Fetch tools',
      '- [ ] Build\u001b[1A\u001b[2K  ✔ Tests pass \u202eexe.sh',
      '',
    ].join('\n'),
  )
  await ui.see(/d done · f fail/)
  assert.match(ui.frame(), /^Release\\x1b\]0;pwned\\x07 {3}dev/)
  assert.match(ui.frame(), /1\/1 Build\\x9b2J/)
  assert.match(ui.frame(), / {2}○ Build\\x1b\[1A\\x1b\[2K {2}✔ Tests pass \\u202eexe\.sh/)
  await ui.press(ARROW_DOWN)
  await ui.see(/^Build\\x1b\[1A\\x1b\[2K {2}✔ Tests pass \\u202eexe\.sh$/m)
  for (const frame of ui.screen.frames) assert.deepEqual(activeIn(frame, { colours: true }), [])
  await ui.quit()
})

test("the detail pane shows a check's credentials from the checklist as ***", async () => {
  const ui = wizard(
    [
      '---',
      'vars: { db: "postgres://app:hunter2@db.internal/app" }',
      '---',
      '## Checks',
      '- [ ] API <!-- check: http url=https://deploy:s3cr3t-pw@127.0.0.1:1/health bearer=tok-abc123def request-header="X-Api-Key: k3y-v4lue" -->',
      '- [ ] Database <!-- check: pg.connect url=postgres://app:hunter2@127.0.0.1:1/app -->',
      '',
    ].join('\n'),
  )
  await ui.see(/check: http url=/)
  assert.match(
    ui.frame(),
    /check: http url=https:\/\/deploy:\*\*\*@127\.0\.0\.1:1\/health bearer=\*\*\* request-header="X-Api-Key: \*\*\*"/,
  )
  await ui.press(ARROW_DOWN)
  await ui.see(/check: pg\.connect url=postgres:\/\/app:\*\*\*@127\.0\.0\.1:1\/app/)
  for (const frame of ui.screen.frames)
    assert.doesNotMatch(frame, /hunter2|s3cr3t-pw|tok-abc|k3y-v4lue/)
  await ui.quit()
})
