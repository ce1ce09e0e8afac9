/**
 * What a QA pass in a real terminal found the wizard's screens saying or doing wrong, each
 * pinned as the screen shows it: drawn by Ink into ink-testing-library's fake terminal, over
 * real services (a temporary DEPLOY_WIZARD_HOME, real run files).
 */
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, test } from 'node:test'
import { render } from 'ink-testing-library'
import type { JournalEntry } from '../../src/run/model.ts'
import { wizardServices } from '../../src/run/start.ts'
import { App, type AppOptions, type AppOutcome } from '../../src/ui/app.tsx'
import { readRunFiles } from '../helpers/run-files.ts'
import { tempDir } from '../helpers/temp.ts'
import { inputSettled, waitForContent } from '../helpers/wait.ts'

const ENTER = '\r'
const HOME = '\u001B[H'
const END = '\u001B[F'
const LEFT = '\u001B[D'
const RIGHT = '\u001B[C'

process.env.COLUMNS = '80'
process.env.LINES = '24'

const outcomes: AppOutcome[] = []
const screens: { unmount(): void }[] = []
afterEach(async () => {
  for (const screen of screens.splice(0)) screen.unmount()
  for (const outcome of outcomes.splice(0)) await outcome.session?.close()
})

const CHECKLIST = `---
title: Own Release
environments: [dev, prod]
---
## Before
- [ ] Change ticket approved
- [ ] Backup taken (production only)
- [ ] Release notes drafted

## Sign-off
- [ ] Deployed by: ________ Date: ______
- [ ] Approved by: ________
- [ ] Announced in the channel
`

function workspace(markdown = CHECKLIST) {
  const dir = tempDir('ui-qa')
  const path = join(dir, 'deploy.md')
  writeFileSync(path, markdown)
  const env = { DEPLOY_WIZARD_HOME: join(dir, 'home'), DEPLOY_WIZARD_OPERATOR: 'ana' }
  return { dir, path, env, runs: join(dir, 'home', 'runs') }
}

function open(space = workspace(), options: Partial<AppOptions> = {}) {
  const screen = render(
    <App
      services={wizardServices({ env: space.env, cwd: space.dir, staleAfterMs: 60 * 60_000 })}
      options={{
        staleAfterMs: 60 * 60_000,
        sheetPathFor: (id) => join(space.dir, `${id}.md`),
        today: '2026-12-04',
        now: () => new Date(),
        operator: 'ana',
        checklistPath: space.path,
        environment: 'dev',
        ...options,
      }}
      onDone={(done) => outcomes.push(done)}
    />,
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
  /** The fake terminal takes this size, as a real one does when its window is resized. */
  const resize = (columns: number, rows: number) => {
    Object.defineProperty(screen.stdout, 'columns', { value: columns, configurable: true })
    Object.defineProperty(screen.stdout, 'rows', { value: rows, configurable: true })
    screen.stdout.emit('resize')
  }
  return { frame, see, press, resize, runs: space.runs }
}

function journal(runs: string, frame: string): JournalEntry[] {
  const id = /dev-\d{8}-[a-z0-9]{4}/.exec(frame)?.[0]
  assert.ok(id, `no run id on screen:\n${frame}`)
  return readRunFiles(runs, id).journal
}

describe('text prompts under NO_COLOR', () => {
  const before = process.env.NO_COLOR
  afterEach(() => {
    if (before === undefined) delete process.env.NO_COLOR
    else process.env.NO_COLOR = before
  })

  test('show where the cursor is and that a prefilled value is selected, without inverse', async () => {
    process.env.NO_COLOR = '1'
    const ui = open(workspace())
    await ui.see(/› ○ Change ticket approved/)
    await ui.press('n')
    await ui.see(/Note: \|/)
    await ui.press('first', HOME)
    await ui.see(/Note: \|first/)
    await ui.press(ENTER, 'k', 'n')
    // The note so far starts selected: typing would replace it.
    await ui.see(/Note: \[first\]/)
    await ui.press(END)
    await ui.see(/Note: first\|/)
    await ui.press(ENTER, 'q')
  })

  test('← on a prefilled value puts the cursor at its start and → at its end, as Home and End do', async () => {
    process.env.NO_COLOR = '1'
    const ui = open(workspace())
    await ui.see(/› ○ Change ticket approved/)
    await ui.press('n', 'first', ENTER, 'k', 'n')
    await ui.see(/Note: \[first\]/)
    // It was one character left of the end (`firs|t`): what was typed went before the last letter.
    await ui.press(LEFT)
    await ui.see(/Note: \|first/)
    await ui.press('my ')
    await ui.see(/Note: my \|first/)
    await ui.press(ENTER, 'k', 'n')
    await ui.see(/Note: \[my first\]/)
    await ui.press(RIGHT)
    await ui.see(/Note: my first\|/)
    await ui.press(ENTER, 'q')
  })
})

describe('dimmed items (for other environments)', () => {
  test('are never the next item to answer, and the refusal to answer one fits 80 columns', async () => {
    const ui = open(workspace())
    await ui.see(/› ○ Change ticket approved/)
    await ui.press('d')
    // Past the dimmed backup item, to the next one that applies here.
    await ui.see(
      / {2}✔ Change ticket approved\n {2}– Backup taken[^\n]*\n› ○ Release notes drafted/,
    )
    // None left below, none above that applies: it stays, rather than land on the dimmed one.
    await ui.press('d')
    await ui.see(/› ✔ Release notes drafted/)
    // Nothing left to answer: d walks the list, over the dimmed row.
    await ui.press('g')
    await ui.see(/› ✔ Change ticket approved/)
    await ui.press('d')
    await ui.see(/› ✔ Release notes drafted/)
    await ui.press('k', 'd')
    // Whole on one line of 80 columns, where the detail pane gives the reason in full.
    await ui.see(/^does not apply to dev \(prod only, line 7\): o to apply it here *$/m)
    await ui.press('q')
  })
})

describe('a sign-off item with blanks', () => {
  test('d fills its blanks, then the cursor moves on like after any answer', async () => {
    const ui = open(workspace())
    await ui.see(/› ○ Change ticket approved/)
    await ui.press('l')
    await ui.see(/› ○ Deployed by: _+ Date: _+/)
    await ui.press('d')
    await ui.see(/Name: \S/)
    await ui.press(ENTER)
    await ui.see(/Date: \S/)
    await ui.press(ENTER)
    await ui.see(/ {2}✔ Deployed by: [^\n]*\n› ○ Approved by/)
    // Its detail pane shows what was entered, credited as entered, not as the operator's word.
    await ui.press('k')
    await ui.see(/✔ done — entered by ana at \d\d:\d\d:\d\d/)
    assert.match(ui.frame(), /^Deployed by: ana · Date: 2026-12-04$/m)
    await ui.press('q')
  })
  test('u takes the item back to pending and clears its entries, in the journal and on the sign-off screen', async () => {
    const ui = open(workspace())
    await ui.see(/› ○ Change ticket approved/)
    await ui.press('l')
    await ui.see(/› ○ Deployed by: _+ Date: _+/)
    await ui.press('d', ENTER, ENTER)
    await ui.see(/ {2}✔ Deployed by: [^\n]*\n› ○ Approved by/)
    await ui.press('k', 'u')
    await ui.see(/› ○ Deployed by: _+ Date: _+/)
    const cleared = journal(ui.runs, ui.frame()).filter(
      (e) => e.type === 'signoff-entered' && e.value === '',
    )
    assert.equal(cleared.length, 2)
    // The sign-off screen agrees: nothing entered for the role.
    await ui.press('l')
    // Cleared: the name and the date back to what they would start with, proposed.
    await ui.see(
      /› Deployed by +ana {2}\(proposed\)\n {2}Deployed by — Date +\d{4}-\d\d-\d\d {2}\(proposed\)/,
    )
    await ui.press('q')
  })
})

describe('a terminal too small for the screen', () => {
  test('shows the size it needs and the key that still works, wrapped rather than cut', async () => {
    const ui = open()
    await ui.see(/› ○ Change ticket approved/)
    ui.resize(30, 24)
    await ui.see(/^need 40×14: terminal too small/)
    assert.equal(ui.frame().replace(/\s+/g, ' '), 'need 40×14: terminal too small (q quits)')
    ui.resize(80, 24)
    await ui.see(/› ○ Change ticket approved/)
    await ui.press('q')
  })
})

describe('keys shown', () => {
  test('only where they can act: no o without scoped items, no p without reference pages', async () => {
    const ui = open(workspace('---\ntitle: Plain\n---\n## Steps\n- [ ] One\n- [ ] Two\n'))
    await ui.see(/› ○ One/)
    assert.doesNotMatch(ui.frame(), /o applies here/)
    await ui.press('?')
    await ui.see(/Keys/)
    assert.doesNotMatch(ui.frame(), /^│ (p|o|r|R|A) {2,}/m)
    assert.match(ui.frame(), /^│ u {2,}back to pending/m)
    await ui.press('x', 'q')
  })

  test('o where the checklist scopes an item away from the run', async () => {
    const ui = open()
    await ui.see(/› ○ Change ticket approved/)
    assert.match(ui.frame(), /o applies here/)
    await ui.press('?')
    await ui.see(/^│ o {2,}a dimmed item applies here/m)
    await ui.press('x', 'q')
  })
})

describe('the production gate', () => {
  test('says enter confirms, and speaks of no checks when the checklist has none', async () => {
    const ui = open(workspace(), { environment: 'prod' })
    await ui.see(/Type 'prod' to go on:/)
    assert.match(ui.frame(), /^⚠ {2}PROD: this run is for production\.$/m)
    assert.doesNotMatch(ui.frame(), /checks will run/)
    assert.match(ui.frame(), /enter: confirm · esc: cancel/)
    await ui.press('prod', ENTER)
    await ui.see(/PROD ⚠/)
    await ui.press('q')
  })
})
