/**
 * What only a real terminal shows: colours as the terminal receives them
 * (`capture-pane -e`), resizes, and what the wizard prints on the normal screen
 * once it has left the alternate one. The built CLI in tmux, as in
 * wizard-pty.test.ts.
 *
 * Needs tmux (it fails, and does not skip, without it) and a build (`npm run build`).
 */
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { BIN } from '../helpers/cli.ts'
import { readRunFiles } from '../helpers/run-files.ts'
import { requireTmux, type TmuxPane, TmuxServer } from '../helpers/tmux.ts'

const CHECKLIST = `---
title: Terminal
environments: [dev, prod]
---
## Before
- [ ] Change request approved
- [ ] HOME is set <!-- check: env name=HOME -->

## Sign-Off
- [ ] Deployed by: ________ Date: ______
`

/** SGR red foreground, as chalk writes it and tmux gives it back. */
const RED = '\u001B[31m'

let tmux: TmuxServer
let dir: string
let checklist: string
let sessions = 0

before(async () => {
  requireTmux()
  tmux = new TmuxServer('dw-terminal')
  dir = await mkdtemp(join(tmpdir(), 'dw-terminal-'))
  checklist = join(dir, 'deploy.md')
  await writeFile(checklist, CHECKLIST)
})

after(async () => {
  await tmux?.kill()
  if (dir) await rm(dir, { recursive: true, force: true })
})

/**
 * `deploy-wizard run <checklist> <args…>` in a fresh terminal, with its own home; once it exits,
 * its exit code is printed and the pane stays to be read.
 */
async function wizard(
  args: readonly string[],
  {
    env = {},
    columns = 80,
    rows = 24,
    home = join(dir, `home-${sessions + 1}`),
    file = checklist,
  }: {
    env?: Record<string, string>
    columns?: number
    rows?: number
    home?: string
    file?: string
  } = {},
): Promise<{ pane: TmuxPane; home: string }> {
  sessions++
  const variables = { DEPLOY_WIZARD_HOME: home, DEPLOY_WIZARD_OPERATOR: 'ana', ...env }
  const command = [
    'env',
    '-u',
    'FORCE_COLOR',
    '-u',
    'NO_COLOR',
    ...Object.entries(variables).map(([name, value]) => `${name}=${value}`),
    process.execPath,
    BIN,
    'run',
    file,
    ...args,
  ]
  const script = `${command.map(sh).join(' ')}; echo "EXIT=$?"; exec sleep 600`
  const pane = await tmux.start(`terminal-${sessions}`, ['sh', '-c', script], { columns, rows })
  return { pane, home }
}

function sh(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`
}

describe('the environment picker', () => {
  test('shows production in red', async () => {
    const { pane } = await wizard([])
    await pane.waitFor(/Terminal — which environment\?/)
    const prod = (await pane.captureStyled()).split('\n').find((line) => line.includes('prod'))
    assert.ok(prod?.includes(RED), `prod is not red: ${JSON.stringify(prod)}`)
    await pane.press('C-c')
    await pane.waitFor(/^EXIT=130$/m)
  })

  test('without colour under NO_COLOR, production still says what it is', async () => {
    const { pane } = await wizard([], { env: { NO_COLOR: '1' } })
    await pane.waitFor(/Terminal — which environment\?/)
    const screen = await pane.captureStyled()
    const colours = [30, 31, 32, 33, 34, 35, 36, 37].filter((n) => screen.includes(`\u001B[${n}m`))
    assert.deepEqual(colours, [], 'no colour at all')
    assert.match(screen, /prod {2}\(production: you will type its name to confirm\)/)
    await pane.press('C-c')
    await pane.waitFor(/^EXIT=130$/m)
  })
})

describe('leaving before the run starts', () => {
  test('Esc at the first question says nothing was saved and exits 130', async () => {
    const { pane } = await wizard([])
    await pane.waitFor(/Terminal — which environment\?/)
    await pane.press('Escape')
    await pane.waitFor(/^Cancelled before the run started: nothing was saved\.\nEXIT=130$/m)
  })

  test('Ctrl-C at the first question says so too', async () => {
    const { pane } = await wizard([], { env: { DEPLOY_WIZARD_OPERATOR: '' } })
    await pane.waitFor(/Terminal — which environment\?/)
    await pane.press('Enter')
    await pane.waitFor(/Your name, as the sheet should show it:/)
    await pane.press('C-c')
    await pane.waitFor(/^Cancelled before the run started: nothing was saved\.\nEXIT=130$/m)
  })

  for (const [key, name] of [
    ['Escape', 'Esc'],
    ['C-c', 'Ctrl-C'],
  ] as const) {
    test(`${name} at the production prompt says nothing was saved and exits 130`, async () => {
      const { pane, home } = await wizard(['--env', 'prod'])
      await pane.waitFor(/Type 'prod' to go on:/)
      await pane.press(key)
      await pane.waitFor(/^Cancelled before the run started: nothing was saved\.\nEXIT=130$/m)
      const runs = await readdir(join(home, 'runs')).catch(() => [])
      assert.deepEqual(runs, [], 'no run was saved')
    })
  }
})

describe('a production environment with a compound name', () => {
  test('asks for eu-prod to be typed, in red, and opens the run marked as production', async () => {
    const file = join(dir, 'eu.md')
    await writeFile(file, CHECKLIST.replace('[dev, prod]', '[dev, eu-prod]'))
    const { pane } = await wizard(['--env', 'eu-prod'], { file })
    await pane.waitFor(/^⚠ {2}EU-PROD: checks will run against production\.$/m)
    const warning = (await pane.captureStyled()).split('\n').find((l) => l.includes('EU-PROD'))
    assert.ok(warning?.includes(RED), `the warning is not red: ${JSON.stringify(warning)}`)
    await pane.submit('eu-prod')
    await pane.waitFor(/^Terminal +EU-PROD ⚠ +ana · eu-prod-/m)
    await pane.press('q')
    await pane.waitFor(/^EXIT=0$/m)
  })
})

describe('the phase screen', () => {
  test('shrunk below its minimum it shows one line; grown back, it is whole again', async () => {
    const { pane } = await wizard(['--env', 'dev'])
    await pane.waitFor(/^› ○ Change request approved +manual$/m)
    await pane.resize(80, 9)
    const small = await pane.waitUntil(
      (s) => /^need 40×14: terminal too small \(q quits\)$/m.test(s),
      'the one line of a terminal too small',
    )
    assert.equal(small.trim(), 'need 40×14: terminal too small (q quits)')
    await pane.resize(80, 24)
    const screen = await pane.waitUntil(
      (s) => /^Terminal {3}dev {3}ana · dev-/.test(s) && /q quit$/.test(s.trimEnd()),
      'the whole screen again, from the header to the footer',
    )
    const lines = screen.trimEnd().split('\n')
    assert.equal(lines.length, 24)
    assert.match(lines[1] ?? '', /^overall /)
    assert.match(lines[3] ?? '', /^› ○ Change request approved +manual$/)
    assert.doesNotMatch(screen, /terminal too small/)
    await pane.press('q')
    await pane.waitFor(/^EXIT=0$/m)
  })
})

describe('a resized terminal', () => {
  /** Long items (cut at every width), groups, a step written as prose, a check passing and one failing. */
  const LONG = `---
title: Resize drill with a fairly long checklist title
environments: [dev]
---
## Preparation before the deployment window opens

### Access and approvals
- [ ] The change request has been approved by the change advisory board and is linked in the ticket
- [ ] HOME is set for the operator running this deployment from the bastion host <!-- check: env name=HOME -->
- [ ] A variable that is surely not set here is present for the deployment <!-- check: env name=DW_RESIZE_NEVER_SET -->

### 3. Announce the window in the operations channel

Post the planned start and end time in the operations channel and wait for the on-call engineer.

### Build
- [ ] The build passes on the release branch with all tests and the linters that the team agreed on

## Sign-Off
- [ ] Deployed by: ________ Date: ______
`
  /** Both checks have finished: their rows end in a result and a duration. */
  const isChecked = (s: string) =>
    /✔ HOME is set.* pass \d+ms$/m.test(s) && /✘ A variable.* fail \d+ms$/m.test(s)
  /** The detail pane of the item whose check failed. */
  const FAILED = /^✘ failed by check/m
  /** Run id, clock times and durations differ between two starts: lines holding them are blanked. */
  const comparable = (screen: string) =>
    screen
      .trimEnd()
      .split('\n')
      .map((line) => (/dev-\d{8}-|\d\d:\d\d:\d\d|\d+ms\b/.test(line) ? '<varies>' : line))
      .join('\n')

  /** The screen of a fresh start at `columns` once the checks are done, `keys` pressed and `shown`. */
  async function freshScreen(
    file: string,
    columns: number,
    keys: readonly string[],
    shown: RegExp,
  ) {
    const { pane } = await wizard(['--env', 'dev'], { file, columns, rows: 30 })
    await pane.waitUntil(isChecked, 'both checks finished')
    await pane.press(...keys)
    const screen = await pane.waitUntil((s) => shown.test(s), String(shown))
    await pane.press('q')
    await pane.waitFor(/^EXIT=0$/m)
    return comparable(screen)
  }

  test('narrower then wider, it shows the frame a fresh start at that width shows, and no line of the old one', async () => {
    const file = join(dir, 'long.md')
    await writeFile(file, LONG)
    const [at40, at100] = await Promise.all([
      freshScreen(file, 40, [], /^○ pending$/m),
      freshScreen(file, 100, ['j', 'j'], FAILED),
    ])
    const { pane } = await wizard(['--env', 'dev'], { file, columns: 80, rows: 30 })
    const wide = await pane.waitUntil(isChecked, 'both checks finished')
    assert.match(wide, /· n note · r run$/m)

    await pane.resize(40, 30)
    const narrow = await pane.waitUntil(
      (s) => comparable(s) === at40,
      'the frame a fresh start at 40 columns shows',
    )
    assert.equal(narrow.match(/q quit/g)?.length, 1)
    assert.doesNotMatch(narrow, /n note/)

    // The failed item: its own state in the detail pane, not the one of the row selected before.
    await pane.press('j', 'j')
    const failed = await pane.waitFor(FAILED, 'the failed item in the detail pane')
    assert.doesNotMatch(failed.input ?? '', /○ pending/)

    await pane.resize(100, 30)
    await pane.waitUntil(
      (s) => comparable(s) === at100,
      'the frame a fresh start at 100 columns shows',
    )
    await pane.press('q')
    await pane.waitFor(/^EXIT=0$/m)
  })
})

describe('run files that cannot be used', () => {
  test('are named on the first screen, and reported in full once the wizard is gone', async () => {
    const home = join(dir, 'home-with-a-damaged-run')
    await mkdir(join(home, 'runs'), { recursive: true })
    await writeFile(join(home, 'runs', 'dev-20261122-zzzz.json'), '{ "header": ')
    const { pane } = await wizard(['--env', 'dev'], { home, columns: 100 })
    await pane.waitUntil(
      (s) => /^⚠ 1 run file could not be used; the details are printed when you leave$/m.test(s),
      'the line about the run file in the footer',
    )
    // Nothing was written over the screen.
    assert.doesNotMatch(pane.lastScreen, /deploy-wizard: run file/)
    await pane.press('q')
    await pane.waitFor(/^EXIT=0$/m)
    // -J: lines the terminal wrapped, joined again.
    const screen = await tmux.run(['capture-pane', '-p', '-J', '-t', pane.target])
    assert.match(
      screen,
      /^deploy-wizard: run file \S+dev-20261122-zzzz\.json is not valid JSON; moved it aside to \S+dev-20261122-zzzz\.json\.corrupt-\S+$/m,
    )
  })
})

describe('stopped from outside', () => {
  test('SIGTERM: the answer given stays, the exit code is 130, and it says how to resume', async () => {
    const { pane, home } = await wizard(['--env', 'dev'])
    await pane.waitFor(/^› ○ Change request approved +manual$/m)
    await pane.press('d')
    await pane.waitFor(/✔ Change request approved/)
    const shell = (
      await tmux.run(['display-message', '-p', '-t', pane.target, '#{pane_pid}'])
    ).trim()
    const node = execFileSync('pgrep', ['-P', shell], { encoding: 'utf8' }).trim()
    assert.match(node, /^\d+$/, `one wizard process under the pane's shell: ${node}`)
    process.kill(Number(node), 'SIGTERM')
    await pane.waitFor(/^EXIT=130$/m)
    const screen = await tmux.run(['capture-pane', '-p', '-J', '-t', pane.target])
    const id = /^Progress saved — run (\S+) \(/m.exec(screen)?.[1]
    assert.ok(id, `no "Progress saved" line: ${screen}`)
    assert.match(screen, /^ {2}resume with: deploy-wizard run \S+deploy\.md --env dev$/m)
    const run = readRunFiles(join(home, 'runs'), id)
    assert.ok(run.journal.some((entry) => entry.type === 'item-answered' && entry.state === 'done'))
  })
})

describe('keys that arrive together', () => {
  // Typed ahead over a slow link, or sent in one write, keys reach the wizard in one read:
  // each must act on what the keys before it did.

  test('one send-keys call reaches the program in one read', async () => {
    // The premise of the tests below: without it they would pass whether the wizard copes or not.
    const script = join(dir, 'reads.mjs')
    await writeFile(
      script,
      String.raw`process.stdin.setRawMode(true).setEncoding('utf8').on('data', (read) => {
        process.stdout.write('READ ' + JSON.stringify(read).replaceAll('\x7F', '\\u007f') + '\r\n')
      })
      process.stdout.write('READING\r\n')`,
    )
    sessions++
    const pane = await tmux.start(`terminal-${sessions}`, [process.execPath, script])
    await pane.waitFor(/^READING$/m)
    await pane.pressTogether('Down', 'Down', 'Enter')
    await pane.pressTogether('a', 'b', 'c', 'BSpace', 'BSpace', 'BSpace')
    const reads = (screen: string) => screen.split('\n').filter((line) => line.startsWith('READ '))
    const screen = await pane.waitUntil((s) => reads(s).length === 2, 'two reads')
    assert.deepEqual(reads(screen), [
      String.raw`READ "\u001b[B\u001b[B\r"`,
      String.raw`READ "abc\u007f\u007f\u007f"`,
    ])
  })

  test('↓↓⏎ on the environment picker picks the third environment', async () => {
    const file = join(dir, 'four-environments.md')
    await writeFile(file, CHECKLIST.replace('[dev, prod]', '[dev, test, staging, prod]'))
    const { pane } = await wizard([], { file })
    await pane.waitFor(/^ {2}staging$/m)
    await pane.pressTogether('Down', 'Down', 'Enter')
    const [, environment] = await pane.waitFor(/^Terminal {3}(\S+) {3}ana · /m, 'the phase screen')
    assert.equal(environment, 'staging')
    await pane.press('q')
    await pane.waitFor(/^EXIT=0$/m)
  })

  test('text then three backspaces in a text prompt delete three characters', async () => {
    const { pane } = await wizard(['--env', 'dev'])
    await pane.waitFor(/^› ○ Change request approved +manual$/m)
    await pane.press('s')
    await pane.waitFor(/^│ Why\? /m, 'the skip prompt')
    await pane.pressTogether('a', 'b', 'c', 'd', 'e', 'f', 'BSpace', 'BSpace', 'BSpace')
    await pane.press('Enter')
    // Skipped, the cursor moves on: back to the item to read its reason.
    await pane.waitFor(/^ {2}» Change request approved/m, 'the item skipped')
    await pane.press('g')
    const [, reason] = await pane.waitFor(/reason: (.*?)\s*$/m, 'the skip reason')
    assert.equal(reason, 'abc')
    await pane.press('q')
    await pane.waitFor(/^EXIT=0$/m)
  })

  test('keys after an Enter go to the screen the Enter opened', async () => {
    const { pane } = await wizard(['--env', 'dev'])
    await pane.waitFor(/^› ○ Change request approved +manual$/m)
    await pane.press('s')
    await pane.waitFor(/^│ Why\? /m, 'the skip prompt')
    await pane.pressTogether('a', 'b', 'c', 'Enter', '?')
    await pane.waitFor(/Keys/, 'the help the ? opened')
    await pane.press('Escape')
    await pane.waitFor(/^ {2}» Change request approved/m, 'the item skipped')
    await pane.press('g')
    const [, reason] = await pane.waitFor(/reason: (.*?)\s*$/m, 'the skip reason')
    assert.equal(reason, 'abc')
    await pane.press('q')
    await pane.waitFor(/^EXIT=0$/m)
  })

  test('a paste is text for the prompt, its lines joined; it answers nothing', async () => {
    const { pane } = await wizard(['--env', 'dev'])
    await pane.waitFor(/^› ○ Change request approved +manual$/m)
    await pane.press('n')
    await pane.waitFor(/^│ Note: /m, 'the note prompt')
    // -p: as a terminal pastes, marked as a paste when the program asked for that.
    await tmux.run(['set-buffer', '-b', 'dw-paste', 'line one\nline two\nq'])
    await tmux.run(['paste-buffer', '-p', '-b', 'dw-paste', '-t', pane.target])
    await pane.press('!')
    await pane.press('Enter')
    const [, note] = await pane.waitFor(/note: (.*?)\s*$/m, 'the note')
    assert.equal(note, 'line one line two q!')
    await pane.press('q')
    await pane.waitFor(/^EXIT=0$/m)
  })
})
