/**
 * The wizard's commands without Ink: keys as the keymap reads them, and what
 * answering, running the due checks and re-running the failed ones do, on a
 * real session (a temporary home, real `env` checks).
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import type { Key } from 'ink'
import { loadChecklist } from '../../src/checklist/load.ts'
import { startedCount } from '../../src/run/snapshot.ts'
import { startRun } from '../../src/run/start.ts'
import { detailLines } from '../../src/ui/detail-lines.ts'
import { keyLines } from '../../src/ui/footer-keys.ts'
import { commandFor, helpRows } from '../../src/ui/keymap.ts'
import { layoutOf } from '../../src/ui/layout.ts'
import { rowOutcome } from '../../src/ui/row-lines.ts'
import {
  initialWizardState,
  selectedItem,
  type WizardAction,
  type WizardState,
  wizardReducer,
} from '../../src/ui/use-wizard-state.ts'
import { type WizardExit, wizardCommands } from '../../src/ui/wizard-commands.ts'
import { detailInputOf, phaseListRows } from '../../src/ui/wizard-screen.ts'
import { startHttpServer } from '../helpers/servers.ts'
import { waitFor } from '../helpers/wait.ts'
import '../../src/ui/text-packages.ts'

const folders: string[] = []
after(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true })
})

const NO_KEY = {} as Key

async function wizardOn(markdown: string) {
  const dir = mkdtempSync(join(tmpdir(), 'dw-commands-'))
  folders.push(dir)
  const path = join(dir, 'deploy.md')
  writeFileSync(path, markdown)
  const { checklist } = await loadChecklist(path)
  const env = { DEPLOY_WIZARD_HOME: join(dir, 'home'), DW_SET: 'yes' }
  const session = startRun(checklist, 'dev', 'ana', { env })
  const layout = layoutOf(checklist, 'dev')
  let navigation: WizardState = initialWizardState(layout, session.snapshot.run)
  const exits: WizardExit[] = []
  const commands = wizardCommands({
    session,
    layout,
    navigation: () => navigation,
    dispatch: (action: WizardAction) => {
      navigation = wizardReducer(navigation, action)
    },
    staleAfterMs: 60 * 60_000,
    sheetPath: join(dir, 'sheet.md'),
    pageSize: 10,
    onExit: (exit) => exits.push(exit),
    now: Date.now,
  })
  const settled = () =>
    waitFor(() => Object.keys(session.snapshot.running).length === 0, 'no check in flight')
  return { session, commands, exits, settled, navigation: () => navigation }
}

const CHECKS = `---
title: Commands
environments: [dev, prod]
---
## Checks
- [ ] Set <!-- check: env name=DW_SET -->
- [ ] Unset <!-- check: env name=DW_UNSET -->
- [ ] Manual
- [ ] Prod only <!-- only: prod -->
`

describe('the keymap', () => {
  test('one table answers the keys, the footer and the help', () => {
    assert.equal(commandFor('phase', 'd', NO_KEY)?.command, 'done')
    assert.equal(commandFor('signoff', 'f', NO_KEY)?.command, 'finish')
    assert.equal(commandFor('phase', 'f', NO_KEY)?.command, 'fail')
    assert.equal(commandFor('phase', '', { ...NO_KEY, return: true })?.command, 'toggle-expanded')
    assert.equal(commandFor('signoff', '', { ...NO_KEY, return: true })?.command, 'fill')
    assert.equal(commandFor('signoff', 'd', NO_KEY), null)
    assert.deepEqual(keyLines('signoff', 200), [
      '↑↓ move · enter fill · f finish · ← back · ? help · q quit',
    ])
    assert.deepEqual(keyLines('phase', 200, false), [
      '↑↓ move · d done · f fail · s skip · a n/a · o applies here · n note · ←→ phase · ? help · q quit',
    ])
    assert.ok(helpRows().some(([key, does]) => key === 'u' && does === 'back to pending'))
  })

  test('at 60 columns a checklist with reference pages keeps `p pages` in the footer', () => {
    for (const screen of ['phase', 'signoff'] as const) {
      const lines = keyLines(screen, 60, true, true)
      assert.ok(lines.join(' · ').includes('p pages'), lines.join('\n'))
      assert.ok(lines.every((line) => line.length <= 60))
    }
  })
})

describe('the wizard’s commands', () => {
  test('d answers the selected item, saved, and moves on to the next one to answer', async () => {
    const { session, commands, navigation } = await wizardOn(CHECKS)
    try {
      commands.perform('done')
      assert.equal(session.snapshot.run.items['checks/set']?.state, 'done')
      assert.equal(selectedItem(navigation())?.id, 'checks/unset')
    } finally {
      await session.close()
    }
  })

  test('an answer to an item that does not apply here is refused until o says it does', async () => {
    const { session, commands, navigation } = await wizardOn(CHECKS)
    try {
      commands.perform('move-last')
      commands.perform('done')
      const answerOf = () => session.snapshot.run.items['checks/prod-only']?.state
      assert.equal(answerOf(), undefined)
      assert.match(
        navigation().notice?.text ?? '',
        /does not apply to dev \(prod only, line 9\): o to apply it here/,
      )
      commands.perform('override-scope')
      commands.perform('done')
      assert.equal(answerOf(), 'done')
    } finally {
      await session.close()
    }
  })

  test('A runs every due check; once they passed lately only the failed one is due', async () => {
    const { session, commands, navigation, settled } = await wizardOn(CHECKS)
    try {
      commands.runAllDue()
      assert.equal(navigation().notice?.text, 'running 2 due checks of all phases')
      await settled()
      const items = session.snapshot.run.items
      assert.equal(items['checks/set']?.check?.status, 'pass')
      assert.equal(items['checks/unset']?.check?.status, 'fail')
      commands.runAllDue()
      assert.equal(navigation().notice?.text, 'running 1 due check of all phases')
      await settled()
    } finally {
      await session.close()
    }
  })

  test('A, R and r while checks hang say they are still running, never that they passed', async () => {
    // A server that accepts and never answers: the VPN half down.
    const silent = await startHttpServer(() => {})
    const { session, commands, navigation } = await wizardOn(`---
title: Hanging
environments: [dev]
---
## Checks
- [ ] API up <!-- check: http url=${silent.url}/health -->
- [ ] API slow <!-- check: http url=${silent.url}/slow -->
`)
    try {
      commands.runAllDue()
      await waitFor(() => startedCount(session.snapshot.running) === 2, 'both checks started')
      commands.runAllDue()
      assert.equal(navigation().notice?.text, '2 checks are still running; nothing else is due')
      commands.rerunFailed()
      assert.equal(
        navigation().notice?.text,
        'no failed checks in this phase; 2 checks are still running',
      )
      commands.perform('run')
      assert.match(
        navigation().notice?.text ?? '',
        /^already running \d+(\.\d)?m?s: its result shows here when it is in$/,
      )
    } finally {
      await session.close()
      await silent.close()
    }
  })

  test('a check waiting for its turn reads queued, with why, not "press r to run it"', async () => {
    const silent = await startHttpServer(() => {})
    const { session, commands, navigation } = await wizardOn(`---
title: Queued
environments: [dev]
---
## Checks
- [ ] API up <!-- id: api; check: http url=${silent.url}/health -->
- [ ] Smoke <!-- id: smoke; check: http url=${silent.url}/smoke; needs: api -->
`)
    try {
      commands.runAllDue()
      await waitFor(() => startedCount(session.snapshot.running) === 1, 'api started')
      commands.perform('move-down')
      const view = { ...navigation(), ...session.snapshot }
      const pane = detailLines(detailInputOf(view, 100) ?? assert.fail('no item')).map(
        (l) => l.text,
      )
      assert.ok(
        pane.includes('queued — waiting for api, which it needs: it starts by itself'),
        pane.join('\n'),
      )
      assert.ok(!pane.some((line) => line.includes('press r')), pane.join('\n'))
      const rows = phaseListRows(view, 10).flatMap((row) => (row.kind === 'item' ? [row] : []))
      assert.deepEqual(
        rows.map((row) => (row.live ? 'running' : rowOutcome(row.input)?.text)),
        ['running', 'queued'],
      )
      commands.perform('run')
      assert.equal(
        navigation().notice?.text,
        'already queued: waiting for api, which it needs; it starts by itself',
      )
    } finally {
      await session.close()
      await silent.close()
    }
  })

  test('R re-runs the phase’s failed checks only, and their results replace a skip', async () => {
    const { session, commands, settled } = await wizardOn(CHECKS)
    try {
      commands.runAllDue()
      await settled()
      const passedAt = session.snapshot.run.items['checks/set']?.check?.at
      commands.answerPrompt({ kind: 'skip', itemId: 'checks/unset' }, 'not here')
      assert.equal(session.snapshot.run.items['checks/unset']?.state, 'skipped')
      commands.rerunFailed()
      await waitFor(
        () => session.snapshot.run.items['checks/unset']?.state === 'failed',
        'the re-run failed check is failed again',
      )
      await settled()
      assert.equal(session.snapshot.run.items['checks/set']?.check?.at, passedAt)
    } finally {
      await session.close()
    }
  })

  test('q quits; f on the sign-off screen with items pending asks first', async () => {
    const { session, commands, exits, navigation } = await wizardOn(CHECKS)
    try {
      commands.perform('next-phase')
      assert.equal(navigation().screen, 'signoff')
      commands.perform('finish')
      assert.deepEqual(navigation().prompt, { kind: 'finish', pending: 3, blank: [] })
      commands.perform('quit')
      assert.deepEqual(exits, [{ kind: 'quit' }])
    } finally {
      await session.close()
    }
  })

  test('f with every item done but an approver left blank asks first, naming the blank fields', async () => {
    const markdown = [
      '## Steps',
      '- [ ] Deploy',
      '',
      '## Sign-off',
      '',
      '**Deployed by:** ____',
      '',
      '**QA Lead:** ____ **Date:** ____',
      '',
      '**Notes:** ____',
    ].join('\n')
    const { session, commands, exits, navigation } = await wizardOn(markdown)
    try {
      session.answer('steps/deploy', 'done')
      commands.perform('next-phase')
      assert.equal(navigation().screen, 'signoff')
      commands.perform('finish')
      assert.deepEqual(navigation().prompt, {
        kind: 'finish',
        pending: 0,
        // A role asked more than its name has its name named as a field, not the role alone.
        blank: ['Deployed by', 'QA Lead: Name', 'QA Lead: Date'],
      })
      assert.deepEqual(exits, [])
    } finally {
      await session.close()
    }
  })
})
