/**
 * The bundled checklists (checklists/), each proven against a deployed `dev`
 * built locally from real parts (see sandbox.ts): the seed text kept word for
 * word, `validate` clean, `check --env dev` passing every automated item on a
 * healthy environment and failing exactly the right ones on a broken one, and
 * a whole run's sign-off sheet matching a reviewed golden file.
 *
 * Regenerate the golden sheets after a reviewed change:
 *   UPDATE_GOLDEN=1 node --import tsx test/run.ts test/bundled/bundled.test.ts
 */
import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { describe, it } from 'node:test'
import { runCli } from '../helpers/cli.ts'
import { fixturePath } from '../helpers/fixtures.ts'
import {
  type BundledFixture,
  CHECKLISTS_DIR,
  checkDev,
  checklistPath,
  wizardRun,
} from './fixture.ts'
import { Sandbox } from './sandbox.ts'

const UPDATE = process.env.UPDATE_GOLDEN === '1'
/** `DEPLOY_WIZARD_BUNDLED=<file>.md` tests that checklist only (while writing its fixture). */
const ONLY = process.env.DEPLOY_WIZARD_BUNDLED

/** One fixture per bundled checklist: each file in fixtures/ exports one `BundledFixture`. */
const FIXTURES_DIR = new URL('./fixtures/', import.meta.url)
const FIXTURES: BundledFixture[] = []
for (const file of readdirSync(FIXTURES_DIR)
  .filter((f) => f.endsWith('.ts'))
  .sort()) {
  const module = (await import(new URL(file, FIXTURES_DIR).href)) as Record<string, BundledFixture>
  FIXTURES.push(...Object.values(module))
}

/** The checklist with what was added taken out: front matter, and directive comments. */
function withoutAutomation(markdown: string): string {
  return markdown
    .replace(/^---\n[\s\S]*?\n---\n/, '')
    .replace(/^[ \t]*<!--[\s\S]*?-->[ \t]*\n/gm, '')
    .replace(/[ \t]*<!--[\s\S]*?-->/g, '')
}

async function inSandbox<T>(
  fixture: BundledFixture,
  variant: 'healthy' | 'broken',
  body: (sandbox: Sandbox) => Promise<T>,
): Promise<T> {
  const sandbox = await Sandbox.open(fixture.checklist.replace(/\.md$/, ''))
  try {
    await fixture.provision(sandbox, variant)
    return await body(sandbox)
  } finally {
    await sandbox.close()
  }
}

describe('the bundled checklists', { skip: ONLY ? `only ${ONLY}` : false }, () => {
  it('are each covered by a fixture here', () => {
    const files = readdirSync(CHECKLISTS_DIR).filter((f) => f.endsWith('.md'))
    assert.deepEqual(files.sort(), FIXTURES.map((f) => f.checklist).sort())
  })

  it('validate clean, warnings included', async () => {
    const result = await runCli([
      'validate',
      '--strict',
      ...readdirSync(CHECKLISTS_DIR).map((f) => `${CHECKLISTS_DIR}${f}`),
    ])
    assert.equal(result.code, 0, result.stdout + result.stderr)
  })
})

for (const fixture of FIXTURES.filter((f) => !ONLY || f.checklist === ONLY)) {
  describe(`checklists/${fixture.checklist}`, { concurrency: true }, () => {
    it(`is ${fixture.seed} word for word, with only front matter and directives added`, async () => {
      const [bundled, seed] = await Promise.all([
        readFile(checklistPath(fixture), 'utf8'),
        readFile(fixturePath(`seeds/${fixture.seed}`), 'utf8'),
      ])
      assert.equal(withoutAutomation(bundled), seed)
    })

    it('passes every automated item on a healthy dev', async () => {
      await inSandbox(fixture, 'healthy', async (sandbox) => {
        const { code, report } = await checkDev(fixture, sandbox)
        const notPassed = report.checks
          .filter((c) => c.status !== 'pass')
          .map((c) => `${c.id}: ${c.status} — ${c.summary} ${c.details.join(' / ')}`)
        assert.deepEqual(notPassed, [])
        assert.equal(code, 0)
        assert.ok(report.checks.length > 0)
      })
    })

    it('fails exactly the broken items on a broken dev, saying why', async () => {
      await inSandbox(fixture, 'broken', async (sandbox) => {
        const { code, report } = await checkDev(fixture, sandbox)
        const failed = Object.fromEntries(
          report.checks.filter((c) => c.status !== 'pass').map((c) => [c.id, c]),
        )
        assert.deepEqual(Object.keys(failed).sort(), Object.keys(fixture.broken).sort())
        for (const [id, expected] of Object.entries(fixture.broken)) {
          const check = failed[id]
          assert.equal(check?.status, expected.status, `${id}: ${check?.summary}`)
          assert.match(check?.summary ?? '', expected.summary, id)
        }
        assert.equal(code, 1)
      })
    })

    it('a whole run exports the reviewed sign-off sheet', async () => {
      const golden = fixturePath(`bundled-sheets/${fixture.checklist}`)
      const sheet = await inSandbox(fixture, 'healthy', (sandbox) => wizardRun(fixture, sandbox))
      if (UPDATE) await writeFile(golden, sheet)
      assert.equal(sheet, await readFile(golden, 'utf8'), 'UPDATE_GOLDEN=1 regenerates it')
    })
  })
}
