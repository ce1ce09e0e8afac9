/**
 * What the wizard prints as it closes: how to pick an unfinished run up again,
 * naming the checklist as the operator would type it.
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { BUNDLED_FOLDER } from '../../src/checklist/bundled.ts'
import type { Painter } from '../../src/output/terminal.ts'
import { formatLeft } from '../../src/report/run-summary.ts'
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
