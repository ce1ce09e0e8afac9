/**
 * Where a checklist's relative paths start (a `file` check's path, a command's `cwd`): its own
 * folder, or the operator's current folder where the checklist's folder is not theirs.
 */
import assert from 'node:assert/strict'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { checkFolder } from '../../src/checklist/bundled.ts'
import { importedChecklistPath } from '../../src/run/team/link.ts'
import { runCli } from '../helpers/cli.ts'
import { tempDir } from '../helpers/temp.ts'

describe('relative paths in checks', () => {
  it('start in the checklist’s folder, or in the current one for a team run’s imported checklist', () => {
    const env = { DEPLOY_WIZARD_HOME: '/home/ben/.deploy-wizard' }
    assert.equal(checkFolder('/work/api/release.md', '/work/web', env), '/work/api')
    assert.equal(
      checkFolder(importedChecklistPath('prod-20261204-a7c3', env), '/work/api', env),
      '/work/api',
    )
  })

  it('of a run imported from a team store are found in the operator’s project, not in the home', async () => {
    const dir = tempDir('check-folder')
    const home = join(dir, 'home')
    const project = join(dir, 'project')
    mkdirSync(project, { recursive: true })
    writeFileSync(join(project, 'release-notes.md'), '# 1.2.0\n')
    // As the import writes it: the text the run is on, under the home.
    const imported = importedChecklistPath('dev-20261204-a7c3', { DEPLOY_WIZARD_HOME: home })
    mkdirSync(join(home, 'team-checklists'), { recursive: true })
    writeFileSync(
      imported,
      '# Release\n\n## Before\n\n- [ ] Notes written <!-- check: file path=./release-notes.md -->\n',
    )
    const result = await runCli(
      ['check', imported, '--env', 'dev'],
      { DEPLOY_WIZARD_HOME: home },
      project,
    )
    // It looked for <home>/team-checklists/release-notes.md.
    assert.equal(result.code, 0, result.stdout + result.stderr)
    assert.match(result.stdout, /1 passed/)
  })
})
