/**
 * A deploy-wizard folder that is damaged or cannot be written, through the built
 * CLI: an empty or garbled trust.json, a read-only home (a real read-only bind
 * mount, see helpers/mounts.ts), a lock or a run file that is a folder. Each is
 * a message saying what is wrong and what to do, or the file is moved aside and
 * reported, with the exit code the README gives; never a stack trace.
 *
 * The wizard's own cases (`run`) are driven in tmux, as it needs a terminal.
 */
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { loadChecklist } from '../../src/checklist/load.ts'
import { createRun } from '../../src/run/store.ts'
import { BIN, type CliResult, runCli } from '../helpers/cli.ts'
import { type Mount, readOnly } from '../helpers/mounts.ts'
import { requireTmux, type TmuxPane, TmuxServer } from '../helpers/tmux.ts'

const CHECKLIST = `---
title: Home
environments: [dev]
---
## Before
- [ ] Change request approved
- [ ] Build passes <!-- check: command run="true" -->
`

let dir: string
let checklist: string
let homes = 0
let tmux: TmuxServer | null = null

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dw-damaged-home-'))
  checklist = join(dir, 'deploy.md')
  writeFileSync(checklist, CHECKLIST)
})
after(async () => {
  await tmux?.kill()
  rmSync(dir, { recursive: true, force: true })
})

function freshHome(): string {
  const home = join(dir, `home-${++homes}`)
  mkdirSync(home)
  return home
}

/** A run of the checklist, written by the real store into `home`, closed. */
async function runIn(home: string): Promise<string> {
  const { checklist: parsed } = await loadChecklist(checklist)
  const run = createRun({
    checklist: parsed,
    environment: 'dev',
    env: { DEPLOY_WIZARD_HOME: home },
  })
  run.close()
  return run.id
}

/** No stack trace, no bug report: what an operator mistake or a refusing disk must look like. */
function assertCalm(result: CliResult, what: string): void {
  assert.doesNotMatch(result.stderr, /hit a bug|\n\s+at /, `${what}: ${result.stderr}`)
}

function sh(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`
}

/** `deploy-wizard <args>` in a terminal of its own; once it exits, `EXIT=<code>` is printed below. */
async function wizardIn(
  name: string,
  args: readonly string[],
  env: Record<string, string>,
  wrap: (argv: readonly string[]) => string[] = (argv) => [...argv],
): Promise<{ pane: TmuxPane }> {
  requireTmux()
  tmux ??= new TmuxServer('dw-damaged-home')
  const argv = wrap([
    'env',
    ...Object.entries({ DEPLOY_WIZARD_OPERATOR: 'ana', ...env }).map(([k, v]) => `${k}=${v}`),
    process.execPath,
    BIN,
    ...args,
  ])
  const script = `${argv.map(sh).join(' ')}; echo "EXIT=$?"; exec sleep 600`
  const pane = await tmux.start(name, ['sh', '-c', script], { columns: 250, rows: 30 })
  return { pane }
}

describe('a damaged trust.json', () => {
  for (const [name, content, reason] of [
    ['empty', '', 'empty'],
    ['garbled', '{garbage', 'not valid JSON'],
  ] as const) {
    it(`${name}: trust moves it aside, says so, and records the new trust`, async () => {
      const home = freshHome()
      const trustFile = join(home, 'trust.json')
      writeFileSync(trustFile, content)
      const result = await runCli(['trust', checklist, '--yes'], { DEPLOY_WIZARD_HOME: home })
      assert.equal(result.code, 0, result.stderr)
      assertCalm(result, 'trust')
      const moved = new RegExp(
        `trust file ${trustFile} is ${reason}; moved it aside to (${trustFile}\\.corrupt-\\S+)\\. Checklists trusted before will ask to be trusted again\\.`,
      ).exec(result.stderr)
      assert.ok(moved, result.stderr)
      assert.equal(readFileSync(moved[1] as string, 'utf8'), content, 'moved, not wiped')
      const records = JSON.parse(readFileSync(trustFile, 'utf8'))
      assert.deepEqual(Object.keys(records), [checklist])
    })
  }

  it('check: trust starts empty, so commands are not trusted (exit 2), and the file is reported', async () => {
    const home = freshHome()
    writeFileSync(join(home, 'trust.json'), '{garbage')
    const result = await runCli(['check', checklist, '--env', 'dev'], { DEPLOY_WIZARD_HOME: home })
    assert.equal(result.code, 2)
    assertCalm(result, 'check')
    assert.match(result.stderr, /trust file \S+ is not valid JSON; moved it aside to /)
    assert.match(result.stderr, /is not trusted on this machine, and it runs 1 shell command/)
  })

  it('a folder where trust.json should be is moved aside too', async () => {
    const home = freshHome()
    mkdirSync(join(home, 'trust.json'))
    const result = await runCli(['trust', checklist, '--yes'], { DEPLOY_WIZARD_HOME: home })
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stderr, /trust file \S+ is a folder, not a file; moved it aside to /)
    assert.deepEqual(Object.keys(JSON.parse(readFileSync(join(home, 'trust.json'), 'utf8'))), [
      checklist,
    ])
  })

  it('run: the wizard asks to trust again, and says why once it has closed', async () => {
    const home = freshHome()
    writeFileSync(join(home, 'trust.json'), '')
    const { pane } = await wizardIn('trust-run', ['run', checklist, '--env', 'dev'], {
      DEPLOY_WIZARD_HOME: home,
    })
    await pane.waitFor(/runs shell commands\. Trust it on this machine\?/, 'the trust prompt')
    await pane.press('C-c')
    await pane.waitFor(/^EXIT=130$/m, 'the wizard to exit')
    const screen = await pane.capture()
    assert.match(screen, /trust file \S+ is empty; moved it aside to /)
    assert.doesNotMatch(screen, /hit a bug/)
  })
})

describe('a read-only deploy-wizard folder', () => {
  let home: string
  let id: string
  let mount: Mount | undefined
  const env = () => ({ DEPLOY_WIZARD_HOME: home })

  before(async () => {
    home = freshHome()
    id = await runIn(home)
    const trusted = await runCli(['trust', checklist, '--yes'], env())
    assert.equal(trusted.code, 0, trusted.stderr)
    mount = await readOnly(home)
  })
  after(async () => mount?.close())

  it('runs and check work: they only read', async () => {
    const listed = await mount?.runCli(['runs'], env())
    assert.equal(listed?.code, 0, listed?.stderr)
    assert.match(listed?.stdout ?? '', new RegExp(id))
    const checked = await mount?.runCli(['check', checklist, '--env', 'dev'], env())
    assert.equal(checked?.code, 0, checked?.stderr)
  })

  it('trust: exit 2, naming the file, the read-only file system and what to do', async () => {
    const result = (await mount?.runCli(['trust', checklist, '--revoke'], env())) as CliResult
    assert.equal(result.code, 2)
    assertCalm(result, 'trust')
    assert.match(
      result.stderr,
      new RegExp(
        `cannot use ${home}/trust\\.json\\S* to keep runs and trust: the file system is read-only`,
      ),
    )
    assert.match(result.stderr, /set DEPLOY_WIZARD_HOME to a folder you can write to/)
  })

  it('export: exit 2 and nothing exported, as the export cannot be recorded for verify', async () => {
    const result = (await mount?.runCli(['export', id], env())) as CliResult
    assert.equal(result.code, 2)
    assertCalm(result, 'export')
    assert.equal(result.stdout, '')
    assert.match(
      result.stderr,
      new RegExp(`cannot record the export in run ${id}: the file system is read-only`),
    )
    assert.match(result.stderr, /nothing was exported/)
  })

  it('run: exit 2 with what to do, after the screen has closed', async () => {
    const { pane } = await wizardIn(
      'read-only-run',
      ['run', checklist, '--env', 'dev', '--new'],
      env(),
      mount?.wrap,
    )
    await pane.waitFor(/^EXIT=2$/m, 'the wizard to exit')
    const screen = await pane.capture()
    assert.match(
      screen,
      /cannot use \S+\.lock to keep runs and trust: the file system is read-only/,
    )
    assert.match(screen, /set DEPLOY_WIZARD_HOME to a folder you can write to/)
    assert.doesNotMatch(screen, /hit a bug/)
  })
})

describe('a folder where a lock or a run file should be', () => {
  it('a lock that is a folder: runs, export and runs rm say so and how to clear it (exit 2)', async () => {
    const home = freshHome()
    const id = await runIn(home)
    const lock = join(home, 'runs', `${id}.lock`)
    mkdirSync(lock)
    for (const args of [['runs'], ['export', id], ['runs', 'rm', id]]) {
      const result = await runCli(args, { DEPLOY_WIZARD_HOME: home })
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`)
      assertCalm(result, args.join(' '))
      assert.match(result.stderr, new RegExp(`the lock ${lock} is a folder, not a lock file`))
      assert.match(result.stderr, new RegExp(`rmdir '${lock}'`))
    }
    assert.ok(existsSync(join(home, 'runs', `${id}.json`)), 'the run is untouched')
  })

  it('a run file that is a folder is moved aside and reported; the other runs are listed', async () => {
    const home = freshHome()
    const id = await runIn(home)
    const folder = join(home, 'runs', 'dev-20261122-dir1.json')
    mkdirSync(folder)
    const result = await runCli(['runs'], { DEPLOY_WIZARD_HOME: home })
    assert.equal(result.code, 0, result.stderr)
    assertCalm(result, 'runs')
    assert.match(
      result.stderr,
      new RegExp(
        `run file ${folder} is a folder, not a file; moved it aside to ${folder}\\.corrupt-`,
      ),
    )
    assert.match(result.stdout, new RegExp(id))
    assert.ok(!existsSync(folder))
    assert.equal(
      readdirSync(join(home, 'runs')).filter((name) =>
        name.startsWith('dev-20261122-dir1.json.corrupt-'),
      ).length,
      1,
    )
  })
})
