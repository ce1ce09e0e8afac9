/** Which checklists the wizard offers: found in a real project folder on disk. */
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { discoverChecklists } from '../../src/checklist/discover.ts'

const TASKS = '# Title\n\n## Steps\n\n- [ ] do it\n'
const folders: string[] = []
after(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true })
})

/** A project folder whose own name says "checklist", as a team's repository may. */
function project(files: Readonly<Record<string, string>>): string {
  const root = mkdtempSync(join(tmpdir(), 'my-checklist-proj-'))
  folders.push(root)
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true })
    writeFileSync(join(root, path), text)
  }
  return root
}

describe('discoverChecklists', () => {
  it('offers top-level files by their own name, not by the project folder’s', async () => {
    const root = project({
      'README.md': TASKS,
      'CONTRIBUTING.md': TASKS,
      'DEPLOY-CHECKLIST.md': TASKS,
      'release-checklist.md': TASKS,
      'checklists/api.md': TASKS,
      'docs/runbooks/deploy.md': TASKS,
      'docs/notes.md': 'no task items here\n',
    })
    const empty = mkdtempSync(join(tmpdir(), 'dw-bundled-'))
    folders.push(empty)
    const found = await discoverChecklists(root, empty)
    assert.deepEqual(
      found.map((f) => f.shown),
      [
        'DEPLOY-CHECKLIST.md',
        'release-checklist.md',
        join('checklists', 'api.md'),
        join('docs', 'runbooks', 'deploy.md'),
      ],
    )
  })
})
