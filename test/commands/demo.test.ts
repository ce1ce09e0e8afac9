/**
 * `deploy-wizard demo`: the demo checklist against the sandbox the command
 * starts itself — headless with `--check`, and as the wizard in a real
 * terminal (tmux). Both leave nothing behind: the sandbox's folder is removed
 * and its servers stopped when the command ends.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdir, mkdtemp, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, describe, it } from 'node:test'
import { loadChecklist } from '../../src/checklist/load.ts'
import { demoSheetPath } from '../../src/commands/demo.ts'
import { BIN, runCli } from '../helpers/cli.ts'
import { requireTmux, TmuxServer } from '../helpers/tmux.ts'

/** Every kind of check the demo's checklist uses, each of which must really run. */
const KINDS = [
  'cfn.stack',
  'command',
  'dynamodb.table',
  'env',
  'file',
  'http',
  'port',
  'secret',
  'tcp',
  'tool',
]
/** What fails on purpose. */
const FAILING = {
  'deployment/carts-table-has-ttl-on-expiresat':
    /^table Carts-dev is not as required: TTL is DISABLED \(expected ENABLED on expiresAt\)$/,
  'smoke-tests/api-is-ready': /^HTTP 503 \(expected 2xx\)$/,
}

const folders: string[] = []
after(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true })
})

/** What the demo left in `tmp`: Node's own compile cache aside, nothing may remain. */
async function leftIn(tmp: string): Promise<string[]> {
  return (await readdir(tmp)).filter((name) => name !== 'node-compile-cache')
}

/** A TMPDIR of its own, so what the demo leaves in it (nothing) can be seen. */
async function ownTmp(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'dw-demo-test-'))
  folders.push(folder)
  return folder
}

describe('deploy-wizard demo --check', () => {
  it('runs every kind the demo uses for real: all pass but the two that fail on purpose', async () => {
    const tmp = await ownTmp()
    // The operator's own AWS set-up must not leak into the demo.
    const result = await runCli(['demo', '--check'], {
      TMPDIR: tmp,
      AWS_PROFILE: 'someone-elses-profile',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9',
    })
    assert.equal(result.code, 1, result.stdout + result.stderr)
    assert.match(result.stdout, /14 checks on dev: 12 passed, 2 failed, 0 errors, 0 blocked/)
    const lines = result.stdout.split('\n')
    for (const [id, summary] of Object.entries(FAILING)) {
      const at = lines.findIndex((l) => l.includes(`${id} ·`))
      assert.ok(at > 0, `${id} is reported as failed`)
      // "FAIL  <text> — <summary> (<duration>)", then the item's id on the next line.
      const reported = /^FAIL {2}.+? — (.+) \([\d.]+m?s\)$/.exec(lines[at - 1] ?? '')?.[1]
      assert.match(reported ?? '', summary, id)
    }
    assert.match(
      result.stdout,
      /FAIL {2}Carts table has TTL on expiresAt — table Carts-dev is not as required/,
    )
    assert.match(result.stdout, /FAIL {2}API is ready — HTTP 503 \(expected 2xx\)/)
    assert.doesNotMatch(result.stdout + result.stderr, /ERROR|BLOCK/)
    assert.deepEqual(await leftIn(tmp), [], 'the sandbox folder is removed')
  })

  it('uses each kind it claims, and fails exactly what it means to', async () => {
    const tmp = await ownTmp()
    const { checklist } = await loadChecklist(join(dirname(BIN), '..', 'demo', 'demo-shop.md'))
    const kinds = [...new Set(checklist.items.flatMap((i) => (i.check ? [i.check.kind] : [])))]
    assert.deepEqual(kinds.sort(), KINDS)
    const result = await runCli(['demo', '--check'], { TMPDIR: tmp })
    const failed = result.stdout
      .split('\n')
      .flatMap((line, i, lines) =>
        line.startsWith('FAIL') ? [(lines[i + 1] ?? '').trim().split(' ·')[0] as string] : [],
      )
    assert.deepEqual(failed.sort(), Object.keys(FAILING).sort())
  })
})

describe('what an earlier demo left', () => {
  it('is removed at the next start when its demo is gone; a running demo’s, a link, another folder stay', async () => {
    const tmp = await ownTmp()
    // A process that has ended: its id is a dead demo's.
    const ended = spawn(process.execPath, ['-e', ''])
    await once(ended, 'exit')
    const killed = join(tmp, 'deploy-wizard-demo-Kill9x')
    await mkdir(join(killed, 'demo-shop'), { recursive: true })
    await writeFile(join(killed, 'owner.pid'), `${ended.pid}\n`)
    await writeFile(join(killed, 'demo-shop', '.env.api'), 'JWT_SECRET=left-behind\n')
    // A demo running in another terminal (this process stands for it).
    const running = join(tmp, 'deploy-wizard-demo-Alive1')
    await mkdir(running)
    await writeFile(join(running, 'owner.pid'), `${process.pid}\n`)
    // Not ours to judge: no owner file; and a link to a dead demo's folder, never followed.
    const unmarked = join(tmp, 'deploy-wizard-demo-notes')
    await mkdir(unmarked)
    const elsewhere = await ownTmp()
    await writeFile(join(elsewhere, 'owner.pid'), `${ended.pid}\n`)
    await symlink(elsewhere, join(tmp, 'deploy-wizard-demo-Linked'))

    const result = await runCli(['demo', '--check'], { TMPDIR: tmp })
    assert.equal(result.code, 1, result.stderr)
    assert.deepEqual((await leftIn(tmp)).sort(), [
      'deploy-wizard-demo-Alive1',
      'deploy-wizard-demo-Linked',
      'deploy-wizard-demo-notes',
    ])
    assert.deepEqual(await readdir(elsewhere), ['owner.pid'])
  })
})

describe('the demo’s sign-off sheet', () => {
  it('goes to a new private folder for each demo, so none writes over another’s', async () => {
    const [first, second] = [demoSheetPath(), demoSheetPath()]
    try {
      assert.notEqual(dirname(first), dirname(second))
      for (const sheet of [first, second]) {
        assert.equal(dirname(dirname(sheet)), tmpdir())
        assert.equal((await stat(dirname(sheet))).mode & 0o777, 0o700)
        assert.deepEqual(await readdir(dirname(sheet)), [])
      }
    } finally {
      for (const sheet of [first, second]) await rm(dirname(sheet), { recursive: true })
    }
  })
})

describe('deploy-wizard demo without a terminal', () => {
  it('exits 2 and points to --check', async () => {
    const result = await runCli(['demo'])
    assert.equal(result.code, 2)
    assert.match(result.stderr, /needs an interactive terminal/)
    assert.match(result.stderr, /deploy-wizard demo --check/)
  })
})

describe('deploy-wizard demo in a terminal', () => {
  let tmux: TmuxServer | null = null
  after(() => tmux?.kill())

  it('opens the wizard on the sandbox, shows a failure, and leaves nothing behind', {
    timeout: 60_000,
  }, async () => {
    requireTmux()
    const tmp = await ownTmp()
    tmux = new TmuxServer('dw-demo')
    const pane = await tmux.start('demo', [
      'sh',
      '-c',
      // A team store named in the shell is not the demo's: its runs stay on this machine.
      `TMPDIR='${tmp}' NO_COLOR=1 DEPLOY_WIZARD_OPERATOR=ana DEPLOY_WIZARD_STORE=s3://team-deploys/dw '${process.execPath}' '${BIN}' demo; echo "EXIT=$?"; sleep 600`,
    ])
    await pane.waitUntil(
      (s) =>
        /^│ This checklist runs shell commands\. Trust it on this machine\?/m.test(s) &&
        /^│ DEPLOY_CHECKLIST\.md +│$/m.test(s),
      'the trust prompt, with the checklist under the question',
    )
    await pane.press('y')
    await pane.waitUntil(
      (s) => /✔ Unit tests pass +pass/.test(s) && /○ Change request approved/.test(s),
      'Pre-Deployment with its checks passed',
    )
    await pane.press('Right')
    await pane.waitUntil(
      (s) =>
        /✘ Carts table has TTL on expiresAt +fail/.test(s) && /✔ Stack is deployed +pass/.test(s),
      'Deployment with the Carts table failing',
    )
    await pane.press('q')
    await pane.waitFor(
      /^Demo closed \(9 done · 1 failed · .*\); the sandbox is stopped\.$/m,
      'the goodbye',
    )
    await pane.waitFor(/^EXIT=0$/m, 'the exit code')
    assert.deepEqual(await leftIn(tmp), [], 'the sandbox folder is removed')
  })
})
