/**
 * A check batch in a process that has not loaded the kinds' schema libraries
 * (zod, RE2, semver), as the wizard is once it has drawn a checklist from the
 * parse cache: its first run loads them itself (the wizard's tests in a terminal
 * run checks that way), and a close while they load waits for the checks asked
 * for, which start cancelled. The checklist is parsed in a child process, so
 * that this one never imports the parser.
 */
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import type { Checklist } from '../../src/checklist/model.ts'
import { CheckBatch } from '../../src/checks/batch.ts'
import { schemaLibrariesLoaded } from '../../src/checks/params.ts'
import { type LocalServer, startHttpServer } from '../helpers/servers.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

let server: LocalServer
let requests = 0

before(async () => {
  server = await startHttpServer((_req, res) => {
    requests++
    res.end('ok')
  })
})
after(() => server.close())

/** The checklist as the parse cache holds it: parsed elsewhere, as plain JSON. */
function parsedElsewhere(markdown: string): Checklist {
  const script = `import { parseChecklist } from './src/checklist/parse.ts'
process.stdout.write(JSON.stringify(parseChecklist(process.env.MARKDOWN, { path: 'schema.md' }).checklist))`
  const json = execFileSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script],
    { cwd: ROOT, env: { ...process.env, MARKDOWN: markdown }, encoding: 'utf8' },
  )
  return JSON.parse(json) as Checklist
}

function batchOf(checklist: Checklist): CheckBatch {
  return new CheckBatch({
    checklist,
    environment: 'dev',
    commands: 'run',
    processEnv: { PATH: process.env.PATH },
  })
}

describe('a check batch before the schema libraries are loaded', () => {
  it('a close while they load waits for the checks asked for, which start cancelled', async () => {
    const checklist = parsedElsewhere(
      `# Schema\n\n## Checks\n\n- [ ] API <!-- check: http url=${server.url}/one status=200 -->\n`,
    )
    assert.equal(schemaLibrariesLoaded(), false, 'this process has not loaded them yet')
    const batch = batchOf(checklist)
    let settled = false
    const ran = batch.run(checklist.items).then((results) => {
      settled = true
      return results
    })
    await batch.close()
    assert.equal(settled, true, 'close returned before the checks it cancelled had settled')
    const result = (await ran).get(checklist.items[0]?.id ?? '')
    assert.notEqual(result?.status, 'pass')
    assert.equal(requests, 0)
  })
})
