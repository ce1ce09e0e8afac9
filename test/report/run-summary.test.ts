/**
 * What the wizard prints as it closes: how to pick an unfinished run up again,
 * naming the checklist as the operator would type it.
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { BUNDLED_FOLDER } from '../../src/checklist/bundled.ts'
import type { Painter } from '../../src/output/terminal.ts'
import { formatFinished, formatLeft, formatTotals } from '../../src/report/run-summary.ts'
import { foldJournal, type JournalEntry } from '../../src/run/model.ts'
import { parse } from '../helpers/fixtures.ts'
import { simulateRun } from '../helpers/runs.ts'

const plain: Painter = { isColor: false, paint: (_style, text) => text }
const { checklist } = parse('# Release\n\n## Steps\n- [ ] One\n', 'release.md')

describe('the lines printed when a run is left unfinished', () => {
  it('name a bundled checklist by its name, not by where npm installed it', () => {
    const path = join(BUNDLED_FOLDER, 'marketplace-api.md')
    const { state } = simulateRun(checklist, { environment: 'dev', finished: false, path })
    const text = formatLeft(checklist, state, plain)
    assert.match(text, /^ {2}resume with: deploy-wizard run marketplace-api --env dev$/m)
    assert.doesNotMatch(text, /checklists\/marketplace-api\.md/)
  })

  it('name a project checklist by its path', () => {
    const path = '/srv/app/docs/deploy checklist.md'
    const { state } = simulateRun(checklist, { environment: 'dev', finished: false, path })
    assert.match(
      formatLeft(checklist, state, plain),
      /^ {2}resume with: deploy-wizard run '\/srv\/app\/docs\/deploy checklist\.md' --env dev$/m,
    )
  })
})

describe('the totals printed as the wizard closes', () => {
  const { checklist: three } = parse(
    '# Release\n\n## Steps\n- [ ] Stack <!-- id: stack; check: cfn.stack name=s -->\n- [ ] Health <!-- check: http url=https://x.test/ -->\n- [ ] Smoke test\n',
    'release.md',
  )
  const result = (status: 'error' | 'blocked', summary: string) => ({
    status,
    summary,
    details: [],
    evidence: {},
    outputs: {},
    durationMs: 0,
    at: '2026-12-04T17:13:21.000Z',
  })
  const [stack, health, smoke] = three.items.map((item) => item.id)
  const at = '2026-12-04T17:13:21.000Z'
  const journal: JournalEntry[] = [
    { type: 'check-finished', at, itemId: stack ?? '', result: result('error', 'no credentials') },
    { type: 'item-answered', at, by: 'ana', itemId: stack ?? '', state: 'failed', byCheck: true },
    {
      type: 'check-finished',
      at,
      itemId: health ?? '',
      result: result('blocked', 'blocked: needs stack, which errored'),
    },
    { type: 'item-answered', at, by: 'ana', itemId: health ?? '', state: 'failed', byCheck: true },
    { type: 'item-answered', at, by: 'ana', itemId: smoke ?? '', state: 'failed' },
  ]

  it('tell failed items from those whose check errored or was blocked', () => {
    const { header } = simulateRun(three, { environment: 'dev', finished: false })
    const state = foldJournal(header, journal)
    assert.equal(
      formatTotals(three, state),
      '0 done · 3 not passed (1 failed, 1 error, 1 blocked) · 0 skipped · 0 n/a · 0 pending',
    )
  })
})

describe('the lines printed when a run finishes', () => {
  it('say what the sign-off decided against the release, before the items needing attention', () => {
    const { checklist: gated } = parse(
      '# Release\n\n## Steps\n- [ ] One\n\n## Sign-off\n\n**Decision:** GO / NO-GO\n',
      'release.md',
    )
    const { header } = simulateRun(gated, { environment: 'prod', finished: false })
    const at = '2026-12-04T17:13:21.000Z'
    const decision = gated.signoff.find((field) => field.label === 'Decision')?.id ?? ''
    const state = foldJournal(header, [
      { type: 'signoff-entered', at, by: 'ana', fieldId: decision, value: 'NO-GO' },
    ])
    const text = formatFinished(gated, state, 'sheet.md', plain)
    assert.match(text, /^ {2}Decided against the release: Decision: NO-GO\n {2}Pending:/m)
    const go = foldJournal(header, [
      { type: 'signoff-entered', at, by: 'ana', fieldId: decision, value: 'GO' },
    ])
    assert.doesNotMatch(formatFinished(gated, go, 'sheet.md', plain), /Decided against/)
  })
})
