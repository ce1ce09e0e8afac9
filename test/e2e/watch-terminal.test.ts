/**
 * `deploy-wizard watch` end to end: the built CLI in a real terminal (tmux),
 * watching a team run in moto's S3 that this test drives through the library,
 * as another operator's wizard would. The watcher talks to the store through
 * our fault server (forwarding to moto until a test makes it hang), so a
 * store that stops answering is a real one.
 *
 * Needs tmux (it fails, and does not skip, without it) and a build (`npm run build`).
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { parseChecklist } from '../../src/checklist/parse.ts'
import type { JournalEntry, RunHeader } from '../../src/run/model.ts'
import { RUN_FORMAT } from '../../src/run/model.ts'
import { diffChecklist, snapshotOf } from '../../src/run/resume.ts'
import { storeUrl } from '../../src/run/team/address.ts'
import { Lease } from '../../src/run/team/lease.ts'
import { createTeamRun, keepChecklistText, TeamRunWriter } from '../../src/run/team/team-run.ts'
import {
  type AwsFaultServer,
  pointAwsAt,
  startAwsFaultServer,
} from '../helpers/aws-fault-server.ts'
import { backend } from '../helpers/checks.ts'
import { BIN, runCli } from '../helpers/cli.ts'
import { bucketObjects, driver, newTeamStore, storeObjects } from '../helpers/team-store.ts'
import { requireTmux, type TmuxPane, TmuxServer } from '../helpers/tmux.ts'

const CHECKLIST = `---
title: Watched deploy
environments: [dev, prod]
---
## Pre-Deployment
- [ ] Change request approved
- [ ] Backup taken

## Deployment
- [ ] Deploy the API
- [ ] Smoke tests pass

## Sign-Off
- [ ] Deployed by: ________________ Date: ________
`

const INTERVAL_MS = 1_000
/** What "within the interval" may take on a loaded machine: the interval, a read, and the pane's polling. */
const WITHIN_MS = 2 * INTERVAL_MS + 3_000

const moto = backend('moto')
let fault: AwsFaultServer
let tmux: TmuxServer
let dir: string
let sessions = 0
const opened: { close(): Promise<void> }[] = []

before(async () => {
  requireTmux()
  // This test's own writes go to moto; the watcher's go through the fault server.
  pointAwsAt(moto)
  fault = await startAwsFaultServer()
  fault.script(() => ({ forward: moto }))
  tmux = new TmuxServer('dw-watch')
  dir = await mkdtemp(join(tmpdir(), 'dw-watch-'))
})

after(async () => {
  await tmux?.kill()
  for (const objects of opened) await objects.close()
  await fault?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

const { checklist } = parseChecklist(CHECKLIST, { path: '/home/ana/deploy.md' })
const ITEM = Object.fromEntries(checklist.items.map((item) => [item.plain, item.id]))

/** A prod run in a fresh bucket, started and driven by ana: the store as her wizard leaves it. */
async function drivenRun(label: string) {
  fault.script(() => ({ forward: moto }))
  const address = await newTeamStore(label)
  const objects = storeObjects(address)
  opened.push(objects)
  const id = 'prod-20261204-wa7c'
  const header: RunHeader = {
    format: RUN_FORMAT,
    id,
    checklist: { path: '/home/ana/deploy.md', title: 'Watched deploy' },
    environment: 'prod',
    operator: 'ana',
    host: 'laptop-7',
    startedAt: new Date().toISOString(),
    toolVersion: '0.0.0-test',
  }
  await createTeamRun(objects, header, CHECKLIST)
  const lease = await Lease.acquire(objects, id, { driver: driver('ana') })
  const writer = new TeamRunWriter(objects, lease, 1)
  let n = 0
  const append = (entry: JournalEntry) => writer.append({ id: `ana-${n++}`, entry })
  const at = () => new Date().toISOString()
  await append({
    type: 'run-started',
    at: at(),
    by: 'ana',
    sha256: checklist.sha256,
    items: checklist.items.map((item) => ({
      id: item.id,
      text: item.plain,
      phaseId: item.phaseId,
    })),
  })
  const answer = (text: string) =>
    append({
      type: 'item-answered',
      at: at(),
      by: 'ana',
      itemId: ITEM[text] ?? text,
      state: 'done',
    })
  /** ana resumes the run with her file edited to `text`, as her wizard does (sync.ts, start.ts). */
  const resumeWith = async (text: string) => {
    const edited = parseChecklist(text, { path: '/home/ana/deploy.md' }).checklist
    await keepChecklistText(objects, id, edited.sha256, text)
    await append({
      type: 'resumed',
      at: at(),
      by: 'ana',
      sha256: edited.sha256,
      items: snapshotOf(edited, 'prod'),
      changes: diffChecklist(snapshotOf(checklist, 'prod'), snapshotOf(edited, 'prod')),
    })
  }
  return { address, id, lease, append, answer, resumeWith }
}

/** `deploy-wizard watch <args…>` in a fresh terminal; once it exits, its code is printed. */
async function watch(
  args: readonly string[],
  {
    env = {},
    columns = 90,
    rows = 24,
  }: { env?: Record<string, string>; columns?: number; rows?: number } = {},
): Promise<TmuxPane> {
  sessions++
  const variables = {
    DEPLOY_WIZARD_HOME: join(dir, `home-${sessions}`),
    AWS_ENDPOINT_URL: fault.url,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/nonexistent/deploy-wizard-test/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/deploy-wizard-test/credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...env,
  }
  const command = [
    'env',
    '-u',
    'FORCE_COLOR',
    ...(env.NO_COLOR ? [] : ['-u', 'NO_COLOR']),
    '-u',
    'DEPLOY_WIZARD_STORE',
    ...Object.entries(variables).map(([name, value]) => `${name}=${value}`),
    process.execPath,
    BIN,
    'watch',
    ...args,
  ]
  const script = `${command.map(sh).join(' ')}; echo "EXIT=$?"; exec sleep 600`
  return tmux.start(`watch-${sessions}`, ['sh', '-c', script], { columns, rows })
}

function sh(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`
}

/** The row of the item `text` on screen. */
function rowOf(screen: string, text: string): string {
  return screen.split('\n').find((line) => line.includes(text)) ?? ''
}

describe('watch, in a terminal', () => {
  test('shows answers written after it started within its interval; keys that answer change nothing and write nothing; q exits 0', async () => {
    const run = await drivenRun('watch-e2e')
    await run.answer('Change request approved')
    const pane = await watch([run.id, '--store', storeUrl(run.address), '--interval', '1s'])
    await pane.waitFor(
      new RegExp(
        `watching ${run.id} — driven by ana@laptop-7, last seen \\d+ s ago · updated \\d\\d:\\d\\d:\\d\\d`,
      ),
      'the watch header',
    )
    assert.match(rowOf(pane.lastScreen, 'Change request approved'), /✔/)
    assert.match(rowOf(pane.lastScreen, 'Backup taken'), /○/)
    assert.match(pane.lastScreen, /PROD ⚠/)
    // Only the keys that look are offered.
    assert.match(pane.lastScreen, /↑↓ move · ←→ phase · \? help · q quit/)
    assert.doesNotMatch(pane.lastScreen, /\bd done\b|\bf fail\b|\bs skip\b/)

    // ana answers in her wizard, elsewhere: the watch shows it within its interval.
    await run.answer('Backup taken')
    const written = Date.now()
    await pane.waitUntil(
      (screen) => /✔/.test(rowOf(screen, 'Backup taken')),
      'the answer written after the watch started',
      WITHIN_MS,
    )
    const tookMs = Date.now() - written
    assert.match(pane.lastScreen, /overall \S+ 2\/5/)

    // Every key that answers, notes, runs, signs or finishes in the wizard: nothing changes.
    const before = await bucketObjects(run.address.bucket)
    fault.script(() => ({ forward: moto }))
    await pane.press('Up', 'Up', 'Space', 'd', 'f', 's', 'a', 'u', 'n', 'o', 'r', 'R', 'A')
    await pane.waitFor(
      /a view only: no key here changes the run \(q quits\)/,
      'the view-only notice',
    )
    assert.match(rowOf(pane.lastScreen, 'Change request approved'), /✔/)
    assert.match(rowOf(pane.lastScreen, 'Backup taken'), /✔/)
    assert.doesNotMatch(pane.lastScreen, /Why\?|What happened|Note:|Trust this checklist/)
    // On the sign-off screen, enter (fill) and f (finish) do nothing either.
    await pane.press('Right', 'Right', 'Right')
    await pane.waitFor(/overall \S+ 2\/5 +Sign-off/, 'the sign-off screen')
    await pane.press('Enter', 'f', 'y')
    await pane.waitFor(
      /a view only: no key here changes the run/,
      'the view-only notice on the sign-off screen',
    )
    assert.doesNotMatch(pane.lastScreen, /Name:|Still pending|Finish the run/)
    // A full interval and more for the watcher to have read meanwhile, if it were to write.
    await pane.waitFor(/updated \d\d:\d\d:\d\d/, 'a read after the keys')
    assert.deepEqual(
      fault.requests.filter((request) => request.action === 'PutObject'),
      [],
      'the watch wrote to the store',
    )
    assert.deepEqual(await bucketObjects(run.address.bucket), before)

    await pane.press('q')
    await pane.waitFor(/^EXIT=0$/m, 'exit 0 after q')
    assert.match(pane.lastScreen, new RegExp(`Stopped watching ${run.id}: driven by ana@laptop-7`))
    assert.ok(tookMs <= WITHIN_MS, `took ${tookMs} ms`)
  })

  test('keeps the last view when the store stops answering, says since when, and picks up again', async () => {
    const run = await drivenRun('watch-e2e-hang')
    await run.answer('Change request approved')
    const pane = await watch([run.id, '--store', storeUrl(run.address), '--interval', '500ms'])
    await pane.waitFor(/driven by ana@laptop-7/, 'the watch header')
    fault.script(() => 'hang')
    await pane.waitFor(
      /store unreachable since \d\d:\d\d, retrying/,
      'the store said unreachable',
      20_000,
    )
    assert.match(rowOf(pane.lastScreen, 'Change request approved'), /✔/)
    // Who drives is known only from the store: the last known driver, not a guess from a stale lease.
    // (At 90 columns the name is cut: who drives gives way before since when the store is silent.)
    assert.match(pane.lastScreen, /driver unknown \(last known: ana@/)
    assert.doesNotMatch(pane.lastScreen, /not driven|driven by/)
    // Moving around still works on the last view.
    await pane.press('Right')
    await pane.waitFor(/2\/3 Deployment/, 'the next phase')

    fault.script(() => ({ forward: moto }))
    await run.answer('Deploy the API')
    await pane.waitUntil(
      (screen) =>
        /✔/.test(rowOf(screen, 'Deploy the API')) && /updated \d\d:\d\d:\d\d/.test(screen),
      'the store answering again',
      20_000,
    )
    await pane.press('Escape')
    await pane.waitFor(/^EXIT=0$/m, 'exit 0 after Esc')
  })

  test('a run its driver resumed with an edited checklist: the item the edit added shows within the interval', async () => {
    const run = await drivenRun('watch-e2e-edited')
    await run.answer('Change request approved')
    const pane = await watch([run.id, '--store', storeUrl(run.address), '--interval', '1s'])
    await pane.waitFor(/driven by ana@laptop-7/, 'the watch header')
    await pane.press('Down')
    await pane.waitUntil((screen) => /›/.test(rowOf(screen, 'Backup taken')), 'the cursor moved')
    assert.match(pane.lastScreen, /overall \S+ 1\/5/)

    await run.resumeWith(
      CHECKLIST.replace('- [ ] Backup taken', '- [ ] Maintenance page up\n- [ ] Backup taken'),
    )
    await pane.waitUntil(
      (screen) => rowOf(screen, 'Maintenance page up') !== '',
      'the item the edit added',
      WITHIN_MS,
    )
    assert.match(pane.lastScreen, /overall \S+ 1\/6/)
    assert.match(rowOf(pane.lastScreen, 'Change request approved'), /✔/)
    assert.match(rowOf(pane.lastScreen, 'Backup taken'), /›/, 'the cursor left its item')
    await pane.press('q')
    await pane.waitFor(/^EXIT=0$/m, 'exit 0')
  })

  test('says who finished the run once it is finished; Ctrl-C exits 130 as in the wizard', async () => {
    const run = await drivenRun('watch-e2e-finish')
    const pane = await watch([run.id, '--store', storeUrl(run.address), '--interval', '500ms'], {
      env: { NO_COLOR: '1' },
    })
    await pane.waitFor(/driven by ana@laptop-7/, 'the watch header')
    const finishedAt = new Date()
    await run.append({ type: 'finished', at: finishedAt.toISOString(), by: 'ana' })
    await run.lease.release()
    const at = finishedAt.toTimeString().slice(0, 8)
    await pane.waitFor(new RegExp(`finished at ${at} by ana`), 'the run finished')
    const styled = await pane.captureStyled()
    const colours = [30, 31, 32, 33, 34, 35, 36, 37].filter((n) => styled.includes(`\u001B[${n}m`))
    assert.deepEqual(colours, [], 'no colour under NO_COLOR')
    await pane.press('C-c')
    await pane.waitFor(/^EXIT=130$/m, 'exit 130 after Ctrl-C')
  })

  test('in a terminal too small, says so, and q still quits', async () => {
    const run = await drivenRun('watch-e2e-small')
    const pane = await watch([run.id, '--store', storeUrl(run.address)], { columns: 30, rows: 10 })
    await pane.waitFor(/terminal too small\s+\(q quits\)/, 'the too-small line')
    await pane.resize(90, 24)
    await pane.waitFor(/watching/, 'the screen once there is room')
    await pane.resize(30, 10)
    await pane.waitFor(/terminal too small/, 'the too-small line again')
    await pane.press('q')
    await pane.waitFor(/^EXIT=0$/m, 'exit 0')
  })
})

describe('watch of a run on this machine', () => {
  test('follows the answers a wizard in another terminal gives, with no store named', async () => {
    const home = join(dir, 'shared-home')
    const file = join(dir, 'deploy.md')
    await writeFile(file, CHECKLIST)
    sessions++
    const wizard = await tmux.start(
      `wizard-${sessions}`,
      [
        'sh',
        '-c',
        `${['env', '-u', 'FORCE_COLOR', '-u', 'NO_COLOR', `DEPLOY_WIZARD_HOME=${home}`, 'DEPLOY_WIZARD_OPERATOR=ana', process.execPath, BIN, 'run', file, '--env', 'dev'].map(sh).join(' ')}; echo "EXIT=$?"; exec sleep 600`,
      ],
      { columns: 90, rows: 24 },
    )
    const [id] = await wizard.waitFor(/dev-\d{8}-[a-z0-9]{4}/, 'the run id in the wizard')
    const pane = await watch([id], { env: { DEPLOY_WIZARD_HOME: home } })
    await pane.waitFor(new RegExp(`watching ${id} — open in PID \\d+ on `), 'the watch header')
    assert.match(rowOf(pane.lastScreen, 'Change request approved'), /○/)
    await wizard.press('d')
    await pane.waitUntil(
      (screen) => /✔/.test(rowOf(screen, 'Change request approved')),
      'the answer given in the wizard',
      WITHIN_MS,
    )
    await wizard.press('q')
    await wizard.waitFor(/^EXIT=0$/m, 'the wizard left')
    await pane.waitFor(new RegExp(`watching ${id} — not driven`), 'the run no longer open')
    await pane.press('q')
    await pane.waitFor(/^EXIT=0$/m, 'exit 0')
  })
})

describe('watch, refusing', () => {
  test('without a terminal: says so and points to runs --store and export', async () => {
    const run = await drivenRun('watch-e2e-notty')
    const result = await runCli(['watch', run.id, '--store', storeUrl(run.address)], {
      AWS_ENDPOINT_URL: moto,
    })
    assert.equal(result.code, 2)
    assert.match(result.stderr, /watch needs an interactive terminal/)
    assert.match(result.stderr, new RegExp(`deploy-wizard runs --store ${storeUrl(run.address)}`))
    assert.match(result.stderr, new RegExp(`deploy-wizard export ${run.id} --store`))
    assert.doesNotMatch(result.stderr, /at .*\.js:\d+/)
  })

  test('with no store named and no such run here: names both ways to name the store', async () => {
    const pane = await watch(['prod-20261204-none'], { columns: 200 })
    await pane.waitFor(/^EXIT=2$/m, 'exit 2')
    assert.match(
      pane.lastScreen,
      /no team store named, and no run prod-20261204-none on this machine/,
    )
    assert.match(pane.lastScreen, /--store s3:\/\/bucket\/prefix \(or set DEPLOY_WIZARD_STORE\)/)
  })

  test('a store that refuses the watcher at the start: exit 1, naming the read permissions it needs', async () => {
    const run = await drivenRun('watch-e2e-denied')
    fault.script(() => ({ error: 'AccessDenied', message: 'Access Denied', status: 403 }))
    const pane = await watch([run.id, '--store', storeUrl(run.address)], { columns: 200 })
    await pane.waitFor(/^EXIT=1$/m, 'exit 1')
    assert.match(pane.lastScreen, /could not (read|list) .*: AccessDenied/)
    assert.match(pane.lastScreen, /watching needs s3:GetObject and s3:ListBucket/)
    assert.doesNotMatch(pane.lastScreen, /answers stay saved/)
    fault.script(() => ({ forward: moto }))
  })

  test('a run the store does not have, and an interval that is not one', async () => {
    const run = await drivenRun('watch-e2e-missing')
    const missing = await watch(['prod-20261204-zzzz', '--store', storeUrl(run.address)], {
      columns: 200,
    })
    await missing.waitFor(/^EXIT=2$/m, 'exit 2')
    assert.match(
      missing.lastScreen,
      new RegExp(`no run prod-20261204-zzzz in ${storeUrl(run.address)}`),
    )
    const interval = await watch([run.id, '--store', storeUrl(run.address), '--interval', 'often'])
    await interval.waitFor(/^EXIT=2$/m, 'exit 2')
    assert.match(interval.lastScreen, /--interval often is not valid/)
  })
})
