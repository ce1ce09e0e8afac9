/**
 * The watch screen, drawn by Ink into ink-testing-library's fake terminal, over
 * a real run on disk (a temporary DEPLOY_WIZARD_HOME) that the test answers
 * as a wizard elsewhere would: what it shows, and that every key either only
 * looks or says it cannot act. The team store's side is in
 * test/store/follow.test.ts and test/e2e/watch-terminal.test.ts.
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, test } from 'node:test'
import { render } from 'ink-testing-library'
import { loadChecklist } from '../../src/checklist/load.ts'
import { parseChecklist } from '../../src/checklist/parse.ts'
import { resumeRun, startRun } from '../../src/run/start.ts'
import { createRun } from '../../src/run/store.ts'
import { localRunSource, RunWatcher } from '../../src/run/watch.ts'
import type { WatchExit } from '../../src/ui/use-watch.ts'
import { Watch } from '../../src/ui/watch.tsx'
import { tempDir } from '../helpers/temp.ts'
import { inputSettled, waitForContent } from '../helpers/wait.ts'

const ENTER = '\r'
const ESCAPE = '\u001B'
const ARROW_DOWN = '\u001B[B'

process.env.COLUMNS = '100'
process.env.LINES = '24'

const CHECKLIST = `---
title: Watched screens
environments: [dev, prod]
---
## Before
- [ ] Change request approved
- [ ] HOME is set <!-- check: env name=HOME -->
- [ ] Dev data seeded <!-- only: dev -->

## Contacts

Call the on-call engineer at 555-0100.

## After
- [ ] Smoke tests pass
`

const screens: { unmount(): void }[] = []
const watchers: RunWatcher[] = []
afterEach(() => {
  for (const screen of screens.splice(0)) screen.unmount()
  for (const watcher of watchers.splice(0)) watcher.stop()
})

async function open() {
  const home = tempDir('watch-ui')
  const env = { DEPLOY_WIZARD_HOME: home }
  const { checklist } = parseChecklist(CHECKLIST, { path: join(home, 'deploy.md') })
  const run = createRun({ checklist, environment: 'prod', env })
  const source = localRunSource(run.id, checklist, env)
  const watcher = new RunWatcher(source, await source.read(), { intervalMs: 60_000 })
  watchers.push(watcher)
  const exits: WatchExit[] = []
  const screen = render(
    <Watch watcher={watcher} runId={run.id} onExit={(exit) => exits.push(exit)} />,
  )
  screens.push(screen)
  const frame = () => screen.lastFrame() ?? ''
  const see = async (pattern: RegExp) => {
    await waitForContent(frame, pattern)
    await inputSettled()
  }
  const press = async (...keys: string[]) => {
    for (const key of keys) {
      screen.stdin.write(key)
      await inputSettled(key)
    }
  }
  const runFiles = () =>
    readdirSync(join(home, 'runs'))
      .sort()
      .map((name) => `${name}:${readFileSync(join(home, 'runs', name), 'utf8')}`)
  return { run, checklist, watcher, frame, see, press, exits, runFiles }
}

describe('the watch screen', () => {
  test('shows the run as stored, and an answer saved elsewhere once it is read again', async () => {
    const ui = await open()
    await ui.see(/watching .* — open in PID \d+ on .* · updated \d\d:\d\d:\d\d/)
    assert.match(ui.frame(), /Watched screens\s+PROD ⚠\s+started by/)
    assert.match(ui.frame(), /↑↓ move · p pages · ←→ phase · \? help · q quit/)
    const id = ui.checklist.items[0]?.id ?? ''
    ui.run.append({
      type: 'item-answered',
      at: new Date().toISOString(),
      by: 'ana',
      itemId: id,
      state: 'done',
    })
    await ui.watcher.tick()
    await ui.see(/✔ Change request approved/)
    assert.match(ui.frame(), /done by ana at/)
    ui.run.close()
  })

  test('a key that answers, runs or notes does nothing but say so; the run files stay as they were', async () => {
    const ui = await open()
    await ui.see(/watching/)
    ui.run.close()
    const before = ui.runFiles()
    for (const key of ['d', 'f', 's', 'a', 'u', 'n', 'o', 'r', 'R', 'A', ' ']) {
      await ui.press(key)
      await ui.see(/a view only: no key here changes the run \(q quits\)/)
      assert.doesNotMatch(ui.frame(), /Why\?|What happened|Note:|Trust this/, `after ${key}`)
    }
    assert.deepEqual(ui.runFiles(), before)
    assert.deepEqual(ui.exits, [])
  })

  test('the detail pane names no key that acts; an item for other environments says why, without o', async () => {
    const ui = await open()
    await ui.see(/watching/)
    await ui.press(ARROW_DOWN)
    await ui.see(/check: env name=HOME/)
    assert.match(ui.frame(), /not run yet/)
    assert.doesNotMatch(ui.frame(), /press r/)
    await ui.press(ARROW_DOWN)
    await ui.see(/the checklist says: dev only/)
    assert.doesNotMatch(ui.frame(), /o: it applies here/)
    ui.run.close()
  })

  test('the help lists only the keys that look; the reference pages open and close', async () => {
    const ui = await open()
    await ui.see(/watching/)
    await ui.press('?')
    await ui.see(/A view only: no key here changes the run/)
    assert.match(ui.frame(), /q {2}Esc\s+stop watching \(Ctrl-C too\)/)
    assert.doesNotMatch(ui.frame(), /mark done|skip \(a reason|add a note|run \/ re-run/)
    await ui.press('x')
    await ui.see(/↑↓ move/)
    await ui.press('p')
    await ui.see(/Reference pages: sections with nothing to complete \(1\)/)
    await ui.press(ENTER)
    await ui.see(/555-0100/)
    await ui.press(ESCAPE)
    await ui.see(/Reference pages/)
    await ui.press(ESCAPE)
    await ui.see(/↑↓ move · p pages/)
    assert.deepEqual(ui.exits, [])
    ui.run.close()
  })

  test('q and Esc leave it; Ctrl-C is an interrupt', async () => {
    for (const [key, exit] of [
      ['q', 'quit'],
      [ESCAPE, 'quit'],
      ['\u0003', 'interrupted'],
    ] as const) {
      const ui = await open()
      await ui.see(/watching/)
      await ui.press(key)
      assert.deepEqual(ui.exits, [exit], JSON.stringify(key))
      ui.run.close()
    }
  })

  test('an edit the driver resumed with shows at the next read: an item added, the cursor kept on its item', async () => {
    const home = tempDir('watch-ui-edited')
    const env = { DEPLOY_WIZARD_HOME: join(home, 'home') }
    const path = join(home, 'deploy.md')
    writeFileSync(path, CHECKLIST)
    const started = startRun((await loadChecklist(path, env)).checklist, 'prod', 'ana', { env })
    await started.close()
    const source = localRunSource(started.id, started.checklist, env)
    const watcher = new RunWatcher(source, await source.read(), { intervalMs: 60_000 })
    watchers.push(watcher)
    const screen = render(<Watch watcher={watcher} runId={started.id} onExit={() => {}} />)
    screens.push(screen)
    const frame = () => screen.lastFrame() ?? ''
    await waitForContent(frame, /watching/)
    screen.stdin.write(ARROW_DOWN)
    await inputSettled(ARROW_DOWN)
    await waitForContent(frame, /› \S+ HOME is set/)
    assert.match(frame(), /overall \S+ 0\/3 +1\/2 Before/)

    writeFileSync(
      path,
      CHECKLIST.replace(
        '- [ ] HOME is set',
        '- [ ] Maintenance window announced\n- [ ] HOME is set',
      ),
    )
    const edited = (await loadChecklist(path, env)).checklist
    const resumed = resumeRun(started.id, edited, 'ana', 3_600_000, { env })
    try {
      await watcher.tick()
      await waitForContent(frame, /Maintenance window announced/)
      await inputSettled()
      assert.match(frame(), /› \S+ HOME is set/, 'the cursor left its item')
      assert.match(frame(), /overall \S+ 0\/4 +1\/2 Before/)
    } finally {
      await resumed.session.close()
    }
  })
})
