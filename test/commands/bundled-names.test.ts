/**
 * A bundled checklist can be named instead of given as a path, from any folder:
 * `npx deploy-wizard check marketplace-api --env dev`.
 */
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { runCli } from '../helpers/cli.ts'

const folder = await mkdtemp(join(tmpdir(), 'dw-names-'))
after(() => rm(folder, { recursive: true, force: true }))

describe('a bundled checklist named on the command line', () => {
  it('is found by its name, with or without .md, from any folder', async () => {
    for (const name of ['session-management-websocket', 'session-management-websocket.md']) {
      const result = await runCli(['plan', name, '--env', 'dev'], {}, folder)
      assert.equal(result.code, 0, result.stderr)
      assert.match(result.stdout, /^Session Management WebSocket API — plan for dev$/m)
    }
  })

  it('gives way to a file of that name in the current folder', async () => {
    await writeFile(join(folder, 'marketplace-api'), '# Mine\n\n## Go\n\n- [ ] Ship it\n')
    const result = await runCli(['plan', 'marketplace-api', '--env', 'dev'], {}, folder)
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, /^Mine — plan for dev$/m)
  })

  it('is not hidden by a folder of that name (a service’s, in a monorepo)', async () => {
    await mkdir(join(folder, 'workflow-management-api'))
    const result = await runCli(['plan', 'workflow-management-api', '--env', 'dev'], {}, folder)
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, /^Workflow Management API — plan for dev$/m)
  })

  it('lists the bundled names when a name matches nothing', async () => {
    const result = await runCli(['check', 'no-such-checklist', '--env', 'dev'], {}, folder)
    assert.equal(result.code, 2)
    assert.match(result.stderr, /cannot read checklist no-such-checklist: no such file/)
    assert.match(result.stderr, /the name of a bundled one: .*session-management-websocket/)
  })
})

describe('messages about a bundled checklist named on the command line', () => {
  it('name it as it was typed, not by where npm installed it', async () => {
    const env = await runCli(['plan', 'session-management-websocket', '--env', 'qa'], {}, folder)
    assert.equal(env.code, 2)
    assert.match(env.stderr, /'qa' is not an environment of session-management-websocket$/m)
    const only = await runCli(
      ['check', 'session-management-websocket', '--env', 'dev', '--only', 'nosuch'],
      {},
      folder,
    )
    assert.equal(only.code, 2)
    assert.match(only.stderr, /no item 'nosuch' in session-management-websocket$/m)
    assert.match(only.stderr, /deploy-wizard plan session-management-websocket --env <env> --json/)
    for (const result of [env, only]) assert.doesNotMatch(result.stderr, /checklists\//)
  })

  it('keep file:line:column pointing at the file in validate', async () => {
    const result = await runCli(['validate', 'workflow-management-api'], {}, folder)
    assert.match(result.stdout, /^\/\S+\/checklists\/workflow-management-api\.md:\d+:1: note: /m)
    assert.doesNotMatch(result.stdout, /^workflow-management-api:\d/m)
    assert.match(result.stdout, /^✓ workflow-management-api: /m)
  })
})
