/**
 * Approval gates in the wizard, drawn by Ink into ink-testing-library's fake terminal over a
 * real run in a temporary home: the phases after a gate are held back until the run holds the
 * gate's approval, and open the moment it arrives. The approval arrives as a team run's does,
 * adopted into the session's journal (`RunSession.adopt`), while the wizard is open.
 */
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, test } from 'node:test'
import { render } from 'ink-testing-library'
import { parseChecklist } from '../../src/checklist/parse.ts'
import { initialRunState, type JournalEntry, RUN_FORMAT, reduceRun } from '../../src/run/model.ts'
import type { RunSession } from '../../src/run/session.ts'
import { type WizardServices, wizardServices } from '../../src/run/start.ts'
import { App, type AppOutcome } from '../../src/ui/app.tsx'
import { layoutOf } from '../../src/ui/layout.ts'
import { initialWizardState } from '../../src/ui/use-wizard-state.ts'
import { readRunFiles } from '../helpers/run-files.ts'
import { tempDir } from '../helpers/temp.ts'
import { inputSettled, waitForContent } from '../helpers/wait.ts'

const ARROW_RIGHT = '\u001B[C'
const ARROW_LEFT = '\u001B[D'

process.env.COLUMNS = '100'
process.env.LINES = '24'

const outcomes: AppOutcome[] = []
const screens: { unmount(): void }[] = []
afterEach(async () => {
  for (const screen of screens.splice(0)) screen.unmount()
  for (const outcome of outcomes.splice(0)) await outcome.session?.close()
})

const GATED = `---
title: Gated release
environments: [dev, prod]
---
## Before
- [ ] Backup taken
- [ ] Release notes reviewed

<!-- gate: approval "Change board" -->

## Deploy
- [ ] Deploy the stack

## Verify
- [ ] Dashboards green
`

/**
 * The wizard on `markdown` for dev, with the session it opens kept for the test. A team run
 * (`isTeamRun`, the default) is one whose session shows a store's sync state, as team/sync.ts
 * makes it do once attached (the store itself is tested in test/store/team-sync.test.ts).
 */
function open(markdown: string, { isTeamRun = true }: { isTeamRun?: boolean } = {}) {
  const dir = tempDir('ui-gates')
  const path = join(dir, 'release.md')
  writeFileSync(path, markdown)
  const env = { DEPLOY_WIZARD_HOME: join(dir, 'home'), DEPLOY_WIZARD_OPERATOR: 'ana' }
  const services = wizardServices({ env, cwd: dir, staleAfterMs: 60 * 60_000 })
  let session: RunSession | undefined
  const keeping: WizardServices = {
    ...services,
    startRun: async (checklist, environment, operator) => {
      const started = await services.startRun(checklist, environment, operator)
      if (isTeamRun)
        started.showSync({ store: 's3://team-deploys/deploy-wizard', text: 'synced', lost: null })
      session = started
      return started
    },
  }
  const screen = render(
    <App
      services={keeping}
      options={{
        staleAfterMs: 60 * 60_000,
        sheetPathFor: (id) => join(dir, `${id}.md`),
        today: '2026-12-04',
        now: () => new Date(),
        operator: 'ana',
        checklistPath: path,
        environment: 'dev',
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
  const opened = () => {
    assert.ok(session, 'the wizard opened a run')
    return session
  }
  return { frame, see, press, session: opened, runs: join(dir, 'home', 'runs') }
}

/** The approval `deploy-wizard approve` writes, as the driver's session adopts it. */
function approval(gate: string): JournalEntry {
  return {
    type: 'approval-recorded',
    at: '2026-12-04T12:31:00.000Z',
    by: 'bea',
    gate,
    arn: 'arn:aws:sts::222222222222:assumed-role/approver/bea',
    account: '222222222222',
    host: 'desk-2',
  }
}

describe('a phase after an approval gate', () => {
  test('is held back, with the command that approves it, and opens the moment the approval arrives', async () => {
    const ui = open(GATED)
    await ui.see(/1\/3 Before/)
    const id = ui.session().id
    assert.match(
      ui.frame(),
      new RegExp(
        `⏸ waiting for approval: Change board — deploy-wizard approve ${id}\\n\\s+held back: Deploy · Verify`,
      ),
    )
    // → past the gate is refused, saying what it waits for.
    await ui.press(ARROW_RIGHT)
    await ui.see(
      new RegExp(`^waiting for approval: Change board — deploy-wizard approve ${id}$`, 'm'),
    )
    assert.match(ui.frame(), /1\/3 Before/)

    ui.session().adopt(approval('Change board'))
    await ui.see(/✔ approved: Change board — bea, 12:31/)
    assert.match(ui.frame(), /approved: Change board by bea — Deploy is open \(→\)/)
    assert.match(ui.frame(), /then: Deploy · Verify/)
    await ui.press(ARROW_RIGHT)
    await ui.see(/2\/3 Deploy/)
    await ui.press(ARROW_RIGHT)
    await ui.see(/3\/3 Verify/)
    // The approval is the run's, on disk, as any entry.
    const saved = readRunFiles(ui.runs, ui.session().id).journal.filter(
      (entry) => entry.type === 'approval-recorded',
    )
    assert.deepEqual(saved, [approval('Change board')])
  })

  test('of a run kept on this machine says only a team run can be approved, not a command that would refuse', async () => {
    const ui = open(GATED, { isTeamRun: false })
    await ui.see(/1\/3 Before/)
    assert.match(
      ui.frame(),
      /⏸ waiting for approval: Change board — only a team run can be approved \(start it with --store\)/,
    )
    assert.doesNotMatch(ui.frame(), /deploy-wizard approve/)
    await ui.press(ARROW_RIGHT)
    await ui.see(/^waiting for approval: Change board — only a team run can be approved/m)
  })

  test('before every phase, holds back the first: nothing in it is answered or checked until approved', async () => {
    const ui = open(
      [
        '## Before <!-- gate: approval "Go" -->',
        '- [ ] HOME is set <!-- check: env name=HOME -->',
        '- [ ] Backup taken',
        '',
        '## After',
        '- [ ] Smoke tests pass',
        '',
      ].join('\n'),
    )
    await ui.see(/1\/2 Before/)
    const id = ui.session().id
    assert.match(ui.frame(), new RegExp(`⏸ waiting for approval: Go — deploy-wizard approve ${id}`))
    // Its check did not run on entering, and an answer is refused.
    assert.match(ui.frame(), /○ HOME is set\s+env/)
    await ui.press('d')
    await ui.see(new RegExp(`^waiting for approval: Go — deploy-wizard approve ${id}$`, 'm'))
    // A move clears the notice; A (every due check) runs none of a held phase, and says why.
    await ui.press('j')
    assert.doesNotMatch(ui.frame(), /^waiting for approval/m)
    await ui.press('A')
    await ui.see(new RegExp(`^waiting for approval: Go — deploy-wizard approve ${id}$`, 'm'))
    await ui.press('k')
    assert.match(ui.frame(), /○ HOME is set\s+env/)
    assert.equal(ui.session().state.items['before/home-is-set'], undefined)
    await ui.press(ARROW_LEFT, ARROW_RIGHT)
    assert.match(ui.frame(), /1\/2 Before/)

    ui.session().adopt(approval('Go'))
    // Open now: its checks run as on entering it, and it is answered as any phase.
    await ui.see(/✔ HOME is set\s+pass/)
    await ui.press('j', 'd')
    await ui.see(/✔ Backup taken/)
  })

  test('after the last phase, holds back the sign-off', async () => {
    const ui = open(
      [
        '## Work',
        '- [ ] Done it',
        '',
        '<!-- gate: approval "Release manager" -->',
        '',
        '## Sign-Off',
        '- Deployed by: ________',
        '',
      ].join('\n'),
    )
    await ui.see(/1\/1 Work/)
    assert.match(ui.frame(), /held back: the sign-off/)
    await ui.press(ARROW_RIGHT)
    await ui.see(/waiting for approval: Release manager/)
    assert.match(ui.frame(), /1\/1 Work/)
    ui.session().adopt(approval('Release manager'))
    await ui.see(/✔ approved: Release manager/)
    assert.match(ui.frame(), /the sign-off is open \(→\)/)
    await ui.press(ARROW_RIGHT)
    await ui.see(/Sign-off/)
  })
})

describe('a run reopened past a gate not yet approved', () => {
  const { checklist } = parseChecklist(GATED, { path: 'release.md' })
  const layout = layoutOf(checklist, 'dev')
  const run = initialRunState({
    format: RUN_FORMAT,
    id: 'dev-20261204-a7c3',
    checklist: { path: '/x/release.md', title: 'Gated release' },
    environment: 'dev',
    operator: 'ana',
    host: 'laptop-7',
    startedAt: '2026-12-04T12:00:00.000Z',
    toolVersion: '0.0.0-test',
  })
  const left = (phaseId: string | null) =>
    reduceRun(run, {
      type: 'left',
      at: '2026-12-04T12:10:00.000Z',
      by: 'ana',
      phaseId,
      itemId: null,
    })

  test('opens at the phase before the gate, where it was left on the sign-off or after it', () => {
    for (const place of [null, 'verify', 'deploy']) {
      const opened = initialWizardState(layout, left(place))
      assert.deepEqual([opened.screen, opened.phaseIndex], ['phase', 0], String(place))
    }
  })

  test('opens where it was left once the gate is approved', () => {
    const approved = reduceRun(left('verify'), approval('Change board'))
    const opened = initialWizardState(layout, approved)
    assert.deepEqual([opened.screen, opened.phaseIndex], ['phase', 2])
  })
})
