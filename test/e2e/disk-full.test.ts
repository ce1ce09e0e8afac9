/**
 * A full disk under the wizard, as QA found it: the home on a 64 KiB tmpfs, a
 * 241-item checklist, answers given one by one until the disk cannot hold the
 * next save. The built CLI in a real terminal (tmux); the tmpfs is real (see
 * helpers/mounts.ts).
 *
 * What must hold: every answer the screen showed as saved is in the run file,
 * which stays valid JSON; the answer that could not be saved is not shown as
 * saved, and a notice that does not go away says so; quitting says what was not
 * saved and why, and exits 74, never "Progress saved" alone; the run is still
 * there for `runs`, not moved aside as damaged.
 *
 * Needs tmux and a build (`npm run build`); root or unprivileged user namespaces
 * for the tmpfs. It fails, and does not skip, without them.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { BIN } from '../helpers/cli.ts'
import { type Mount, smallDisk } from '../helpers/mounts.ts'
import { parseRunFiles } from '../helpers/run-files.ts'
import { requireTmux, TmuxServer } from '../helpers/tmux.ts'

const ITEMS = 241
const PAGE = 4096

let tmux: TmuxServer
let disk: Mount
let dir: string

before(async () => {
  requireTmux()
  tmux = new TmuxServer('dw-disk-full')
  disk = await smallDisk(64)
  dir = await mkdtemp(join(tmpdir(), 'dw-disk-full-'))
})

after(async () => {
  await tmux?.kill()
  await disk?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

function sh(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`
}

test('a full disk: what was shown saved stays saved, the failed answer is shown NOT SAVED, and quitting exits 74 saying so', async () => {
  const checklist = join(dir, 'big.md')
  const items = Array.from({ length: ITEMS }, (_, i) => `- [ ] Item ${i + 1}`)
  await writeFile(
    checklist,
    `---\ntitle: Big\nenvironments: [dev]\n---\n## Phase\n${items.join('\n')}\n`,
  )
  const home = join(disk.path, 'home')
  const argv = disk.wrap([
    'env',
    `DEPLOY_WIZARD_HOME=${home}`,
    'DEPLOY_WIZARD_OPERATOR=ana',
    process.execPath,
    BIN,
    'run',
    checklist,
    '--env',
    'dev',
  ])
  const script = `${argv.map(sh).join(' ')}; echo "EXIT=$?"; exec sleep 600`
  const pane = await tmux.start('full', ['sh', '-c', script], { columns: 100, rows: 30 })
  const header = await pane.waitFor(/ana · (dev-\d{8}-[a-z0-9]{4})/, 'the phase screen')
  const id = header[1] as string
  const runFile = join(home, 'runs', `${id}.json`)

  // Leave room for a few more saves only: one page, some 18 lines of journal.
  const [available = 0, blockSize = 0] = (await disk.sh('stat -f -c "%a %S" "$1"', disk.path))
    .trim()
    .split(' ')
    .map(Number)
  assert.equal(blockSize, PAGE)
  const keep = 1
  assert.ok(available > keep, `the tmpfs has ${available} pages free, the run needs ${keep}`)
  await disk.sh(
    'head -c "$2" /dev/zero > "$1"',
    join(disk.path, 'ballast'),
    String((available - keep) * PAGE),
  )

  let acknowledged = 0
  let failedAt = 0
  for (let n = 1; n <= 100 && failedAt === 0; n++) {
    await pane.waitFor(new RegExp(`^› ○ Item ${n} *$`, 'm'), `item ${n} selected`)
    await pane.press('d')
    const screen = await pane.waitUntil(
      (s) => s.includes(`overall `) && (s.includes(` ${n}/${ITEMS} `) || s.includes('NOT SAVED')),
      `answer ${n} saved or refused`,
    )
    // A saved answer moves the cursor on to the next item; a refused one leaves it.
    if (screen.includes('NOT SAVED')) failedAt = n
    else acknowledged = n
  }
  assert.ok(acknowledged > 0, 'some answers were saved before the disk filled')
  assert.equal(failedAt, acknowledged + 1, 'the disk filled within 100 answers')

  // The answer that failed is not shown as saved, at once: its item is still pending.
  const refused = await pane.capture()
  assert.match(refused, new RegExp(`^› ○ Item ${failedAt} *$`, 'm'))
  assert.match(refused, new RegExp(`overall \\S+ ${acknowledged}/${ITEMS} `))
  assert.match(
    refused,
    /^⚠ NOT SAVED: 1 answer \(the disk is full\): free some space, then give it again/m,
  )

  // The run's files hold every answer shown as saved, each whole: the refused one was cut off.
  const onDisk = parseRunFiles(
    await disk.sh('cat "$1"', runFile),
    await disk.sh('cat "$1"', join(home, 'runs', `${id}.journal`)),
  )
  const answered = onDisk.journal.filter((entry) => entry.type === 'item-answered')
  assert.deepEqual(
    answered.map((entry) => `${entry.itemId} ${entry.state}`),
    Array.from({ length: acknowledged }, (_, i) => `phase/item-${i + 1} done`),
  )
  // The failed write left no temporary file to fill the disk further.
  assert.deepEqual((await disk.sh('ls -A "$1"', join(home, 'runs'))).trim().split('\n').sort(), [
    `${id}.journal`,
    `${id}.json`,
    `${id}.lock`,
  ])

  // Moving on does not clear it, as it clears a passing notice.
  await pane.press('k')
  await pane.waitFor(new RegExp(`^› ✔ Item ${acknowledged} *$`, 'm'), 'the cursor moved up')
  assert.match(await pane.capture(), /^⚠ NOT SAVED: 1 answer \(the disk is full\)/m)

  await pane.press('q')
  const left = await pane.waitFor(/^EXIT=(\d+)$/m, 'the wizard to exit')
  assert.equal(left[1], '74')
  const screen = await pane.capture()
  assert.match(screen, new RegExp(`NOT SAVED: 1 answer of run ${id} — the disk is full\\.`))
  assert.match(screen, /free some space on the disk of /)
  assert.doesNotMatch(screen, /Progress saved/)

  // Still a run, not a damaged file moved aside.
  const listed = await disk.runCli(['runs', '--json'], { DEPLOY_WIZARD_HOME: home })
  assert.equal(listed.code, 0, listed.stderr)
  assert.equal(listed.stderr, '')
  const [run] = JSON.parse(listed.stdout) as { id: string; answered: number }[]
  assert.equal(run?.id, id)
  assert.equal(run?.answered, acknowledged)
})
