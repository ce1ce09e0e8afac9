/**
 * The wizard end to end, as an operator meets it: the built CLI in a real
 * pseudo-terminal (tmux), keys typed one by one, the screen read back. One run
 * of a small checklist is started, answered in part and quit; picked up again
 * from the resume prompt and killed with SIGKILL in the middle; resumed by id,
 * signed off and finished. The sign-off sheet it writes must hold everything
 * answered on the way, and verify.
 *
 * Needs tmux (it fails, and does not skip, without it) and a build (`npm run build`).
 */
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, test } from 'node:test'
import { BIN, runCli } from '../helpers/cli.ts'
import { type LocalServer, startHttpServer } from '../helpers/servers.ts'
import { requireTmux, type TmuxPane, TmuxServer } from '../helpers/tmux.ts'

const CHECKLIST = `---
title: E2E deploy
environments: [dev, prod]
---
## Pre-Deployment
- [ ] Change request approved
- [ ] HOME is set <!-- check: env name=HOME -->

## Deployment
- [ ] API is healthy <!-- check: http url=\${env:E2E_URL}/health status=200 -->
- [ ] API is ready <!-- check: http url=\${env:E2E_URL}/ready status=200 -->
- [ ] Announced in the channel

## Sign-Off
- [ ] Deployed by: ________________ Date: ________
`

/** The phases in order; past the last one is the sign-off screen. */
const PHASES = ['Pre-Deployment', 'Deployment', 'Sign-Off', 'Sign-off screen'] as const
type Place = (typeof PHASES)[number]

const SPINNER = '[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]'
const SKIP_REASON = 'waived by CAB-1234'
const NOTE = 'ready probe flaps, see INC-42'

const HEALTH_DELAY_MS = 1_500

let tmux: TmuxServer | null = null
let server: LocalServer | null = null
let dir: string | null = null

after(async () => {
  await tmux?.kill()
  await server?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** `'…'` for sh: safe for any path. */
function sh(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`
}

/** `text` as a regular expression that matches it exactly. */
function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** Which phase (or the sign-off screen) the header says is on screen. */
function placeOf(screen: string): Place | null {
  const second = screen.split('\n')[1] ?? ''
  // The overall count, with what failed and was skipped: `2/6 · 1 skipped`, or `2/6 »1` when narrow.
  const overall = String.raw`^overall \S+ \d+\/\d+(?: · \d+ \w+| [✘»]\d+)*`
  if (new RegExp(`${overall} {2}Sign-off\\b`).test(second)) return 'Sign-off screen'
  const phase = new RegExp(`${overall} {2}\\d+\\/\\d+ (\\S+) `).exec(second)?.[1]
  return PHASES.find((p) => p === phase) ?? null
}

/** Presses ← or → until the header shows `place`. */
async function goTo(pane: TmuxPane, place: Place): Promise<void> {
  for (let step = 0; step < PHASES.length; step++) {
    const screen = await pane.waitUntil((s) => placeOf(s) !== null, 'the wizard header')
    const at = PHASES.indexOf(placeOf(screen) as Place)
    const target = PHASES.indexOf(place)
    if (at === target) return
    await pane.press(at < target ? 'Right' : 'Left')
    const next = PHASES[at + (at < target ? 1 : -1)] as Place
    await pane.waitUntil((s) => placeOf(s) === next, `the header of ${next}`)
  }
  throw new Error(`could not reach ${place}:\n${pane.lastScreen}`)
}

/** Waits for the `EXIT=<code>` the wrapper prints once the wizard is gone. */
async function exitCode(pane: TmuxPane): Promise<number> {
  const [, code] = await pane.waitFor(/^EXIT=(\d+)$/m, 'EXIT=<code> after the wizard exited')
  return Number(code)
}

test('the wizard in a real terminal: answer, quit, resume, survive SIGKILL, sign off', {
  timeout: 60_000,
}, async (t) => {
  // Fails the test, loudly, when tmux is missing.
  requireTmux()
  tmux = new TmuxServer('dw-wizard-pty')
  dir = await mkdtemp(join(tmpdir(), 'dw-e2e-'))
  server = await startHttpServer((req, res) => {
    if (req.url === '/health') {
      // Slow enough that the spinner is on screen for a while.
      setTimeout(() => res.writeHead(200).end('ok'), HEALTH_DELAY_MS)
    } else if (req.url === '/ready') {
      res.writeHead(503).end('not ready')
    } else {
      res.writeHead(404).end()
    }
  })

  const checklist = join(dir, 'checklist.md')
  const sheet = join(dir, 'sheet.md')
  const home = join(dir, 'home')
  const runs = join(home, 'runs')
  await writeFile(checklist, CHECKLIST)

  // The wizard, started through a wrapper that records its PID (the inner sh
  // execs node, so its $$ is the wizard's PID), prints its exit code when it
  // is gone and then waits, so the pane can still be read.
  const wrapper = join(dir, 'wizard.sh')
  await writeFile(
    wrapper,
    [
      '#!/bin/sh',
      '# $1: where to write the wizard PID; the rest: more arguments for `run`.',
      'pidfile=$1; shift',
      `export DEPLOY_WIZARD_HOME=${sh(home)}`,
      `export E2E_URL=${sh(server.url)}`,
      'export NO_COLOR=1',
      // As on a CI machine: Ink would go non-interactive and show nothing unless told.
      'export CI=true',
      'unset FORCE_COLOR',
      `export PATH=${sh(dirname(process.execPath))}:"$PATH"`,
      `sh -c 'echo $$ > "$0"; exec "$@"' "$pidfile" ${[
        process.execPath,
        BIN,
        'run',
        checklist,
        '--env',
        'dev',
        '--operator',
        'ana',
        '--sheet',
        sheet,
      ]
        .map(sh)
        .join(' ')} "$@"`,
      'echo "EXIT=$?"',
      'exec sleep 600',
      '',
    ].join('\n'),
  )
  let launches = 0
  const launch = async (...args: string[]) => {
    launches++
    const pidFile = join(dir as string, `wizard-${launches}.pid`)
    const pane = await (tmux as TmuxServer).start(
      `wizard-${launches}`,
      ['sh', wrapper, pidFile, ...args],
      { columns: 100, rows: 30 },
    )
    return { pane, pidFile }
  }

  let runId = ''
  let failed = false
  const step = async (name: string, body: () => Promise<void>) => {
    await t.test(name, { skip: failed ? 'an earlier step failed' : false }, async () => {
      try {
        await body()
      } catch (error) {
        failed = true
        throw error
      }
    })
  }

  await step('a new run: answers, live checks, quit', async () => {
    const { pane } = await launch()
    const [, id] = await pane.waitFor(
      /^E2E deploy {3}dev {3}ana · (dev-\d{8}-[a-z0-9]{4})$/m,
      'the header with the run id',
    )
    runId = id as string
    await pane.waitUntil(
      (s) =>
        /^› ○ Change request approved +manual$/m.test(s) &&
        /^ {2}✔ HOME is set +pass (?:\d+ms|\d+\.\ds)$/m.test(s) &&
        /^↑↓ move · d done · f fail · s skip /m.test(s),
      'Pre-Deployment with HOME passed and the key footer',
    )
    assert.equal(placeOf(pane.lastScreen), 'Pre-Deployment')

    // A skip needs a reason: an empty one is refused and the prompt stays.
    await pane.press('s')
    await pane.waitUntil(
      (s) => s.includes('Skip: Change request approved') && /^│ Why\? /m.test(s),
      'the skip prompt',
    )
    await pane.press('Enter')
    await pane.waitFor(/A skip needs a reason: the sign-off sheet shows it\./, 'the refusal')
    assert.match(pane.lastScreen, /Skip: Change request approved/)
    await pane.submit(SKIP_REASON)
    // Answered, the cursor moves on: back up to see the skip.
    await pane.waitFor(/^› ✔ HOME is set +pass/m, 'the cursor moved on to the next item')
    await pane.press('k')
    await pane.waitUntil(
      (s) =>
        /^› » Change request approved +manual$/m.test(s) &&
        /^» skipped by ana at \d\d:\d\d:\d\d {3}id: pre-deployment\/change-request-approved$/m.test(
          s,
        ) &&
        s.includes(`reason: ${SKIP_REASON}`) &&
        !s.includes('Why?'),
      'the item skipped with its reason',
    )

    // Entering Deployment starts its checks together: /ready fails while /health still runs.
    await pane.press('Right')
    const [, first] = await pane.waitFor(
      new RegExp(`^› (${SPINNER}) API is healthy +running (?:\\d+ms|\\d+\\.\\ds)$`, 'm'),
      'the spinner on the slow check',
    )
    assert.equal(placeOf(pane.lastScreen), 'Deployment')
    await pane.waitUntil(
      (s) =>
        new RegExp(`^› ${SPINNER} API is healthy +running (?:\\d+ms|\\d+\\.\\ds)$`, 'm').test(s) &&
        /^ {2}✘ API is ready +fail (?:\d+ms|\d+\.\ds)$/m.test(s) &&
        / 1 running$/m.test(s),
      'the ready check failed while the health check still runs',
    )
    // The spinner turns.
    await pane.waitFor(
      new RegExp(`^› (?!${literal(first as string)})${SPINNER} API is healthy +running`, 'm'),
      'another spinner frame',
    )
    await pane.waitUntil(
      (s) =>
        /^› ✔ API is healthy +pass (1\.[5-9]|[2-9]\.\d)s$/m.test(s) &&
        /^✔ pass in (?:\d+ms|\d+\.\ds) at .* — HTTP 200$/m.test(s) &&
        !/ running$/m.test(s),
      'the health check passed after its delay',
    )
    assert.match(pane.lastScreen, /^ {2}✘ API is ready +fail (?:\d+ms|\d+\.\ds)$/m)

    await pane.press('j', 'j')
    await pane.waitFor(/^› ○ Announced in the channel +manual$/m, 'the cursor on the manual item')
    await pane.press('d')
    await pane.waitFor(/^› ✔ Announced in the channel +manual$/m, 'the item done')

    await pane.press('q')
    assert.equal(await exitCode(pane), 0, pane.lastScreen)
    const screen = pane.lastScreen
    assert.match(screen, new RegExp(`^Progress saved — run ${runId} \\(`, 'm'))
    assert.match(
      screen,
      new RegExp(`^ {2}resume with: deploy-wizard run ${literal(checklist)} --env dev$`, 'm'),
    )
    assert.deepEqual(
      (await readdir(runs)).filter((f) => f.endsWith('.lock')),
      [],
      'quitting releases the lock',
    )
  })

  await step('started again: the resume prompt, then SIGKILL after a note', async () => {
    await tmux?.run(['kill-session', '-t', 'wizard-1'])
    const { pane, pidFile } = await launch()
    await pane.waitFor(
      /^Unfinished runs on this machine — resume one, or start a new run:$/m,
      'the resume prompt',
    )
    await pane.waitFor(
      new RegExp(`^❯ ${runId} · E2E deploy · 5/6 answered · ana · .*$`, 'm'),
      'the run, listed first and selected',
    )
    assert.match(pane.lastScreen, /^ {2}Start a new run$/m)
    await pane.press('Enter')
    await pane.waitFor(new RegExp(`^E2E deploy {3}dev {3}ana · ${runId}$`, 'm'), 'the run open')

    // Earlier answers are all there.
    await goTo(pane, 'Pre-Deployment')
    await pane.waitUntil(
      (s) =>
        /^› » Change request approved +manual$/m.test(s) &&
        /^ {2}✔ HOME is set +pass (?:\d+ms|\d+\.\ds)$/m.test(s) &&
        s.includes(`reason: ${SKIP_REASON}`),
      'the skip and its reason, kept',
    )
    await goTo(pane, 'Deployment')
    await pane.waitUntil(
      (s) =>
        /^. ✔ API is healthy +pass (?:\d+ms|\d+\.\ds)$/m.test(s) &&
        /^. ✘ API is ready +fail (?:\d+ms|\d+\.\ds)$/m.test(s) &&
        /^. ✔ Announced in the channel +manual$/m.test(s),
      'the Deployment answers, kept',
    )

    // One more answer: a note on the failed check.
    await pane.press('g', 'j')
    await pane.waitFor(/^› ✘ API is ready +fail/m, 'the cursor on the ready check')
    await pane.press('n')
    await pane.waitFor(/Note on: API is ready/, 'the note prompt')
    await pane.submit(NOTE)
    await pane.waitUntil(
      (s) => s.includes(`note: ${NOTE}`) && !s.includes('Note on:'),
      'the note saved and shown',
    )

    // Killed hard: nothing gets to clean up.
    const pid = Number((await readFile(pidFile, 'utf8')).trim())
    assert.ok(pid > 0, `a PID in ${pidFile}`)
    process.kill(pid, 'SIGKILL')
    assert.equal(await exitCode(pane), 137, pane.lastScreen)
    assert.ok(existsSync(join(runs, `${runId}.lock`)), 'the dead wizard left its lock behind')
  })

  await step('--resume <id> after the crash: answers kept, sign off, finish', async () => {
    await tmux?.run(['kill-session', '-t', 'wizard-2'])
    const { pane } = await launch('--resume', runId)
    await pane.waitFor(new RegExp(`^E2E deploy {3}dev {3}ana · ${runId}$`, 'm'), 'the run open')
    assert.doesNotMatch(pane.lastScreen, /Unfinished runs/)

    await goTo(pane, 'Deployment')
    await pane.press('g', 'j')
    await pane.waitUntil(
      (s) => /^› ✘ API is ready +fail (?:\d+ms|\d+\.\ds)$/m.test(s) && s.includes(`note: ${NOTE}`),
      'the note made just before the kill',
    )
    await goTo(pane, 'Pre-Deployment')
    await pane.waitFor(
      new RegExp(`reason: ${literal(SKIP_REASON)}`),
      'the skip reason, still there',
    )

    await goTo(pane, 'Sign-off screen')
    await pane.waitUntil(
      (s) =>
        // The operator's name and the date it starts with, proposed (dimmed), not yet entered.
        /^› Deployed by +ana {2}\(proposed\)$/m.test(s) &&
        /^ {2}Deployed by — Date +\d{4}-\d\d-\d\d {2}\(proposed\)$/m.test(s) &&
        s.includes('1 item is still pending') &&
        /^↑↓ move · enter fill · f finish/m.test(s),
      'the sign-off fields, blank',
    )
    await pane.press('Enter')
    // Selected, which NO_COLOR shows in brackets (no inverse without colour).
    await pane.waitFor(/^│ Name: \[ana\] +│$/m, 'the name prompt, prefilled with the operator')
    await pane.press('Enter')
    await pane.waitUntil(
      (s) =>
        /^ {2}Deployed by +ana$/m.test(s) &&
        /^› Deployed by — Date +\d{4}-\d\d-\d\d {2}\(proposed\)$/m.test(s),
      'the name saved and the cursor on the date',
    )
    await pane.press('Enter')
    const [, today] = await pane.waitFor(
      /^│ Date: \[(\d{4}-\d\d-\d\d)\] +│$/m,
      "the date prompt, prefilled with today's date",
    )
    await pane.press('Enter')
    await pane.waitFor(new RegExp(`^› Deployed by — Date +${today}$`, 'm'), 'the date saved')
    // Filling in the sign-off line's fields completes that line's item: nothing is pending now,
    // and the screen says what failed and what was skipped instead.
    await pane.waitUntil(
      (s) =>
        !s.includes('still pending') &&
        /^✘ 1 failed: API is ready$/m.test(s) &&
        /^» 1 skipped: Change request approved$/m.test(s),
      'the sign-off item done by its fields; the failure and the skip named',
    )

    await pane.press('f')
    // /ready failed, so the run finished with a failed item: exit 1.
    assert.equal(await exitCode(pane), 1, pane.lastScreen)
    const screen = pane.lastScreen
    assert.match(screen, new RegExp(`^Run ${runId} finished — dev$`, 'm'))
    assert.match(screen, /^ {2}4 done · 1 failed · 1 skipped · 0 n\/a · 0 pending$/m)
    assert.match(screen, new RegExp(`^ {2}Sign-off sheet: ${literal(sheet)}$`, 'm'))

    const text = await readFile(sheet, 'utf8')
    assert.match(text, /^# Sign-off sheet: E2E deploy$/m)
    assert.ok(text.includes(`**Run:** \`${runId}\``), 'the run id')
    assert.ok(text.includes('Run:** `dev-'))
    assert.match(text, /^- \*\*Operators:\*\* ana$/m)
    assert.ok(text.includes(`Reason: ${SKIP_REASON}`), 'the skip reason')
    assert.ok(text.includes(NOTE), 'the note')
    assert.match(text, /❌ \*\*failed\*\* — API is ready/)
    assert.match(text, /^\| Deployed by \| Name \| ana \|/m)
    assert.match(text, new RegExp(`^\\| Deployed by \\| Date \\| ${today} \\|`, 'm'))
    assert.deepEqual(
      (await readdir(runs)).filter((f) => f.endsWith('.lock')),
      [],
      'no lock is left once the run is finished',
    )

    const verified = await runCli(['verify', sheet])
    assert.equal(verified.code, 0, verified.stdout + verified.stderr)
    assert.match(verified.stdout, /is as exported/)
  })
})
