/**
 * Opening a run as a sequence of questions, answered from a script instead of
 * a terminal: which questions come, in which order, and what the answers open
 * (real run files in a temporary home). The Ink prompts that draw them are
 * covered by wizard.test.tsx.
 */
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { wizardServices } from '../../src/run/start.ts'
import { Cancelled } from '../../src/ui/ask.ts'
import { confirmName } from '../../src/ui/confirm-name.ts'
import { type AppOptions, openRun } from '../../src/ui/open-run.ts'
import { wizardNotice } from '../../src/ui/opening.ts'
import { ESC, scriptedAsk } from '../helpers/scripted-ask.ts'

const folders: string[] = []
after(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true })
})

const CHECKLIST = `---
title: Release
environments: [dev, prod]
---
## Steps
- [ ] Build passes <!-- check: command run="true" -->
- [ ] Announce
`

function workspace() {
  const dir = mkdtempSync(join(tmpdir(), 'dw-open-run-'))
  folders.push(dir)
  const path = join(dir, 'release.md')
  writeFileSync(path, CHECKLIST)
  const home = join(dir, 'home')
  const env = { DEPLOY_WIZARD_HOME: home, DEPLOY_WIZARD_OPERATOR: 'ana' }
  const services = wizardServices({ env, cwd: dir, staleAfterMs: 60 * 60_000 })
  const options: AppOptions = {
    checklistPath: path,
    staleAfterMs: 60 * 60_000,
    sheetPathFor: (id) => join(dir, `${id}.md`),
    today: '2026-12-04',
    now: () => new Date(),
  }
  return { dir, path, home, services, options }
}

describe('opening a run', () => {
  test('production asks its name before the operator’s, then trust; the run opens trusted', async () => {
    const space = workspace()
    const { ask, asked } = scriptedAsk([
      ['choose', 'prod'],
      ['confirm-name', undefined],
      ['text', 'ana'],
      ['trust', true],
    ])
    const opened = await openRun(ask, space.services, space.options)
    try {
      assert.deepEqual(asked, [
        'choose: Release — which environment?',
        'confirm-name: prod',
        'text: Your name, as the sheet should show it: [ana]',
        'trust: 1 commands',
      ])
      assert.equal(opened.session.environment, 'prod')
      assert.equal(opened.session.operator, 'ana')
      assert.equal(opened.session.isTrusted, true)
      assert.equal(opened.trustProblem, null)
    } finally {
      await opened.session.close()
    }
  })

  test('Esc at a question before the run opens starts nothing', async () => {
    const space = workspace()
    const { ask } = scriptedAsk([
      ['choose', 'prod'],
      ['confirm-name', ESC],
    ])
    await assert.rejects(openRun(ask, space.services, space.options), Cancelled)
    const runs = join(space.home, 'runs')
    assert.deepEqual(existsSync(runs) ? readdirSync(runs) : [], [])
  })

  test('an unfinished run is offered first; choosing it reopens it, without asking again who', async () => {
    const space = workspace()
    const first = scriptedAsk([
      ['choose', 'dev'],
      ['text', 'ana'],
      ['trust', false],
    ])
    const started = await openRun(first.ask, space.services, space.options)
    await started.session.close()
    const again = scriptedAsk([
      ['choose', started.session.id],
      ['trust', false],
    ])
    const resumed = await openRun(again.ask, space.services, space.options)
    try {
      assert.match(again.asked[0] ?? '', /^choose: Unfinished runs on this machine/)
      assert.equal(resumed.session.id, started.session.id)
      assert.equal(resumed.session.isTrusted, false)
    } finally {
      await resumed.session.close()
    }
  })

  test('a run open in another wizard, picked from the list, is said so of over the list asked again', async () => {
    const space = workspace()
    const first = scriptedAsk([
      ['choose', 'dev'],
      ['text', 'ana'],
      ['trust', false],
    ])
    const started = await openRun(first.ask, space.services, space.options)
    const id = started.session.id
    try {
      const again = scriptedAsk([
        ['choose', id],
        ['choose', 'Start a new run'],
        ['choose', 'dev'],
        ['text', 'bea'],
        ['trust', false],
      ])
      // It rejected with `run … is open in PID …`: the wizard ended, exit 2.
      const opened = await openRun(again.ask, space.services, space.options)
      try {
        assert.notEqual(opened.session.id, id)
        const [list, asked] = again.chosen
        assert.equal(list?.title, asked?.title)
        assert.deepEqual(list?.notes ?? [], [])
        assert.match(
          asked?.notes?.join('\n') ?? '',
          new RegExp(
            `^run ${id} is open in PID ${process.pid} on .* — finish or quit the other deploy-wizard first$`,
          ),
        )
        // The mark is the line's tail, kept whole when the title is cut.
        const line = asked?.choices.find((c) => c.label.startsWith(id))
        assert.match(line?.tail ?? '', new RegExp(` — open in PID ${process.pid} on \\S+$`))
      } finally {
        await opened.session.close()
      }
    } finally {
      await started.session.close()
    }
  })

  test('a run open in another wizard here is refused before the prod confirmation; cancelled at it, the run is left free', async () => {
    const space = workspace()
    const first = scriptedAsk([
      ['choose', 'prod'],
      ['confirm-name', undefined],
      ['text', 'ana'],
      ['trust', false],
    ])
    const started = await openRun(first.ask, space.services, space.options)
    const id = started.session.id
    const resume = { ...space.options, resume: id }
    try {
      const { ask, asked } = scriptedAsk([])
      await assert.rejects(
        openRun(ask, space.services, resume),
        new RegExp(`^UserError: run ${id} is open in PID ${process.pid} on `),
      )
      assert.deepEqual(asked, [], 'nothing asked, production least of all')
    } finally {
      await started.session.close()
    }
    // Free now: looked at before the confirmation, not taken, so Esc there holds nothing.
    const cancelled = scriptedAsk([['confirm-name', ESC]])
    await assert.rejects(openRun(cancelled.ask, space.services, resume), Cancelled)
    const again = scriptedAsk([
      ['confirm-name', undefined],
      ['trust', false],
    ])
    const resumed = await openRun(again.ask, space.services, resume)
    assert.equal(resumed.session.id, id)
    await resumed.session.close()
  })

  test('a typed path that cannot be read is asked again, saying why', async () => {
    const space = workspace()
    const { ask, asked } = scriptedAsk([
      ['choose', 'Another file'],
      ['text', join(space.dir, 'missing.md')],
      ['text', space.path],
      ['choose', 'dev'],
      ['text', 'ana'],
      ['trust', false],
    ])
    const { checklistPath: _, ...options } = space.options
    const opened = await openRun(ask, space.services, options)
    try {
      assert.equal(opened.session.checklist.path, space.path)
      assert.equal(asked.filter((line) => line.startsWith('text: Path:')).length, 2)
    } finally {
      await opened.session.close()
    }
  })
})

describe('the first screen of a run', () => {
  const PROMOTION = [
    '# Release',
    '## Pre-Deployment',
    '- [ ] All tests passing',
    '## Staging Deployment',
    '- [ ] Deploy to staging environment',
    '- [ ] Client approval received',
    '## Production Deployment',
    '- [ ] Deploy to production',
    '',
  ].join('\n')

  test('says calmly what a section for another environment leaves out, naming its approval, until o brings an item back', async () => {
    const space = workspace()
    const path = join(space.dir, 'promotion.md')
    writeFileSync(path, PROMOTION)
    const { ask } = scriptedAsk([
      ['choose', 'prod'],
      ['confirm-name', undefined],
      ['text', 'ana'],
    ])
    const opened = await openRun(ask, space.services, { ...space.options, checklistPath: path })
    try {
      assert.deepEqual(wizardNotice(opened, null), {
        tone: 'info',
        text: '2 items of “Staging Deployment” are not in this prod run, among them the approval “Client approval received”; o brings one back',
      })
      // A warning the operator must read comes first.
      assert.equal(wizardNotice(opened, '⚠ 1 run file could not be used')?.tone, 'warn')
      const approval = opened.session.checklist.items.find(
        (i) => i.plain === 'Client approval received',
      )
      opened.session.overrideScope(approval?.id ?? '', true)
      assert.equal(
        wizardNotice(opened, null)?.text,
        '1 item of “Staging Deployment” is not in this prod run; o brings one back',
      )
    } finally {
      await opened.session.close()
    }
  })

  test('says nothing when every section applies', async () => {
    const space = workspace()
    const { ask } = scriptedAsk([
      ['choose', 'dev'],
      ['text', 'ana'],
      ['trust', false],
    ])
    const opened = await openRun(ask, space.services, space.options)
    try {
      assert.equal(wizardNotice(opened, null), null)
    } finally {
      await opened.session.close()
    }
  })
})

describe('confirmName', () => {
  test('asks until the name is typed, saying why it asks again', async () => {
    const typed = ['prd', ' prod ']
    const questions: (string | null)[] = []
    const isConfirmed = await confirmName(
      'prod',
      async (question) => {
        questions.push(question.problem)
        return typed.shift() ?? ''
      },
      { isRetried: true },
    )
    assert.equal(isConfirmed, true)
    assert.deepEqual(questions, [null, "That is not 'prod'. Type it exactly, or esc to leave."])
  })

  test('without retries a wrong name is a refusal', async () => {
    assert.equal(await confirmName('prod', async () => 'dev', { isRetried: false }), false)
  })
})
