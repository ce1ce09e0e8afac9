/**
 * Reference pages and rendered markdown on the wizard's screens, drawn by Ink into
 * ink-testing-library's fake terminal: sections with prose and no items open with `p` and
 * read in full; the markdown under an item is drawn (bold, code, links, tables), not shown
 * raw; a step written as prose is shown with the item before it.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, afterEach, describe, test } from 'node:test'
import { render } from 'ink-testing-library'
import { wizardServices } from '../../src/run/start.ts'
import { App, type AppOptions, type AppOutcome } from '../../src/ui/app.tsx'

const ARROW_DOWN = '\u001B[B'
const ARROW_RIGHT = '\u001B[C'
const ENTER = '\r'
const ESCAPE = '\u001B'
const END = '\u001B[F'

// The fake terminal is 100 columns wide; its height comes from LINES.
process.env.COLUMNS = '100'
process.env.LINES = '24'

const folders: string[] = []
const outcomes: AppOutcome[] = []
afterEach(async () => {
  for (const outcome of outcomes.splice(0)) await outcome.session?.close()
})
after(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true })
})

const CHECKLIST = `---
title: Pages
---
## Deploy
- [ ] Tag the release

  Tag it **signed**, with \`git tag -s\`; see [the guide](https://guide.example/tags).

- [ ] Push the image

### 3. Watch the dashboards

Keep *Grafana* open for fifteen minutes.

## After
- [ ] Smoke tests pass

  | Endpoint | Expect |
  |---|---|
  | \`/health\` | **200** |

## Rollback commands

Run these **only** if the smoke tests fail:

\`\`\`bash
kubectl rollout undo deploy/app
\`\`\`

## Contacts

| Role | Name | Phone |
|---|---|---|
| On call | Ana | 555-0101 |
| DBA | Bruno | 555-0102 |
`

function open(markdown: string, options: Partial<AppOptions> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'dw-pages-'))
  folders.push(dir)
  const path = join(dir, 'deploy.md')
  writeFileSync(path, markdown)
  const env = { DEPLOY_WIZARD_HOME: join(dir, 'home'), DEPLOY_WIZARD_OPERATOR: 'ana' }
  const staleAfterMs = 60 * 60_000
  const screen = render(
    <App
      services={wizardServices({ env, cwd: dir, staleAfterMs })}
      options={{
        staleAfterMs,
        sheetPathFor: (id) => join(dir, `${id}.md`),
        today: '2026-11-22',
        now: () => new Date(),
        operator: 'ana',
        checklistPath: path,
        environment: 'dev',
        ...options,
      }}
      onDone={(done) => outcomes.push(done)}
      onStoreProblems={() => {}}
    />,
  )
  const frame = () => screen.lastFrame() ?? ''
  /** Waits until the screen shows `pattern`; fails with the screen as it is. */
  const see = async (pattern: RegExp, timeoutMs = 15_000) => {
    const until = Date.now() + timeoutMs
    while (!pattern.test(frame())) {
      if (Date.now() > until) assert.fail(`screen never showed ${pattern}:\n${frame()}`)
      await new Promise((done) => setTimeout(done, 10))
    }
    // What is drawn listens for keys from its next tick on.
    await new Promise((done) => setTimeout(done, 50))
  }
  const press = async (...keys: string[]) => {
    for (const key of keys) {
      screen.stdin.write(key)
      await new Promise((done) => setTimeout(done, 30))
    }
  }
  return { frame, see, press }
}

describe('reference pages', () => {
  test('p lists the sections with nothing to complete; enter reads one, esc goes back', async () => {
    const ui = open(CHECKLIST)
    await ui.see(/Tag the release/)
    assert.match(ui.frame(), /p pages/)
    await ui.press('p')
    await ui.see(/Reference pages: sections with nothing to complete \(2\)/)
    assert.match(ui.frame(), /Rollback commands {2}\(line \d+\)/)
    assert.match(ui.frame(), /Contacts {2}\(line \d+\)/)
    await ui.press(ENTER)
    await ui.see(/Rollback commands {2}reference page · line \d+/)
    const page = ui.frame()
    assert.match(page, /Run these only if the smoke tests fail:/)
    assert.match(page, /kubectl rollout undo deploy\/app/)
    assert.doesNotMatch(page, /\*\*/)
    assert.match(page, /esc: back to the list/)
    await ui.press(ESCAPE)
    await ui.see(/Reference pages/)
    // Back on the list, the cursor is where it was: the next page is one down.
    await ui.press(ARROW_DOWN, ENTER)
    await ui.see(/Contacts {2}reference page/)
    assert.match(ui.frame(), /Role {4}│ Name {2}│ Phone/)
    assert.match(ui.frame(), /On call │ Ana {3}│ 555-0101/)
    assert.doesNotMatch(ui.frame(), /\|---/)
    await ui.press(ESCAPE, ESCAPE)
    await ui.see(/› ○ Tag the release/)
    await ui.press('q')
  })

  test('a page longer than the screen scrolls to its last line', async () => {
    const steps = Array.from({ length: 40 }, (_, i) => `${i + 1}. Restore shard ${i + 1}`)
    const ui = open(`## Deploy\n- [ ] Ship it\n\n## Restore\n\n${steps.join('\n')}\n`)
    await ui.see(/Ship it/)
    await ui.press('p', ENTER)
    await ui.see(/Restore {2}reference page/)
    assert.match(ui.frame(), /1\. Restore shard 1\b/)
    assert.doesNotMatch(ui.frame(), /Restore shard 40/)
    assert.match(ui.frame(), /↑↓ PgUp PgDn Home End: scroll/)
    assert.ok(ui.frame().split('\n').length <= 24, 'the page is no taller than the terminal')
    await ui.press(END)
    await ui.see(/40\. Restore shard 40/)
    assert.doesNotMatch(ui.frame(), /Restore shard 1\b/)
    await ui.press(ESCAPE, ESCAPE)
    await ui.press('q')
  })

  test('without reference pages the footer has no p, and p says why', async () => {
    const ui = open('## Deploy\n- [ ] Ship it\n\n## After\n- [ ] Check it\n')
    await ui.see(/Ship it/)
    assert.doesNotMatch(ui.frame(), /p pages/)
    await ui.press('p')
    await ui.see(/no reference pages: every section of this checklist has items/)
    await ui.press('q')
  })

  test('? lists p', async () => {
    const ui = open(CHECKLIST)
    await ui.see(/Tag the release/)
    await ui.press('?')
    await ui.see(/reference pages: sections with nothing to complete/)
    await ui.press('x', 'q')
  })
})

describe('markdown in the detail pane', () => {
  test('bold, code, links and tables under an item are drawn, not shown as raw markdown', async () => {
    const ui = open(CHECKLIST)
    await ui.see(
      /Tag it signed, with git tag -s; see the guide \(https:\/\/guide\.example\/tags\)\./,
    )
    assert.doesNotMatch(ui.frame(), /\*\*signed\*\*|`git tag -s`|\]\(https/)
    await ui.press(ARROW_RIGHT)
    await ui.see(/Endpoint │ Expect/)
    assert.match(ui.frame(), /\/health {2}│ 200/)
    assert.doesNotMatch(ui.frame(), /\|---|\*\*200/)
    await ui.press('q')
  })

  test('a step written as prose is a row of the phase, read with the item before it', async () => {
    const ui = open(CHECKLIST)
    await ui.see(/^ {2}≡ 3\. Watch the dashboards/m)
    await ui.press('j')
    await ui.see(/then, written as prose: “3\. Watch the dashboards”/)
    assert.match(ui.frame(), /Keep Grafana open for fifteen minutes\./)
    await ui.press('q')
  })
})
