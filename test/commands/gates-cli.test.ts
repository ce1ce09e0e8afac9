/**
 * A checklist's approval gates as the built CLI shows them before any run: `plan` between the
 * phases they stand between, `validate` in its counts and with a gate written wrong.
 */
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { runCli } from '../helpers/cli.ts'
import { GATED_CHECKLIST } from '../helpers/gated-run.ts'
import { tempDir } from '../helpers/temp.ts'

function checklistFile(markdown: string): string {
  const path = join(tempDir('gates-cli'), 'release.md')
  writeFileSync(path, markdown)
  return path
}

describe('approval gates before a run', () => {
  it('are shown by plan between the phases they stand between, with who may approve', async () => {
    const path = checklistFile(GATED_CHECKLIST)
    const { code, stdout } = await runCli(['plan', path, '--env', 'prod'])
    assert.equal(code, 0)
    assert.match(
      stdout,
      /2 approval gates: the run needs a team store \(--store, DEPLOY_WIZARD_STORE or store: in the front matter\)/,
    )
    assert.match(
      stdout,
      /\[ \] Smoke tests pass\n\n⏸ approval gate "Change board": the phases below wait until someone other than who drove it approves the run\n {2}with: deploy-wizard approve <run-id> --gate "Change board"\nDeployment \(1 item\)/,
    )
    assert.match(
      stdout,
      /⏸ approval gate "Go decision": the phases below wait until anyone approves the run/,
    )
    const json = JSON.parse((await runCli(['plan', path, '--env', 'prod', '--json'])).stdout)
    assert.deepEqual(json.gates[0], {
      name: 'Change board',
      line: 10,
      after: 'pre-deployment',
      before: 'deployment',
      approver: 'not-driver',
      applies: true,
    })
  })

  it('are counted by validate, and one written wrong is an error with its line and a hint', async () => {
    const good = await runCli(['validate', checklistFile(GATED_CHECKLIST)])
    assert.equal(good.code, 0)
    assert.match(
      good.stdout,
      /3 phases, 5 items, 0 automated checks, 0 sign-off fields, 2 approval gates/,
    )
    const path = checklistFile(
      '## A\n- [ ] a\n<!-- gate: approval Change board -->\n## B\n- [ ] b\n',
    )
    const bad = await runCli(['validate', path])
    assert.equal(bad.code, 1)
    assert.match(
      bad.stdout,
      /release\.md:3:28: error: expected approver=…, found 'board'\n {2}hint: quote a name that has spaces: gate: approval "Change board"/,
    )
  })
})
