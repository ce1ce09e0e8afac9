/**
 * Issue 18's proof, end to end: a production run handed from one laptop to another through a
 * team store (moto's S3), held at an approval gate until a third person approves it from their
 * own terminal and AWS account, followed live by a watcher, finished, exported and verified
 * from a fourth home — and the first laptop, killed mid-run, told on its next start that the
 * run was finished elsewhere, before anything is asked of it. The built CLI in tmux; each
 * laptop is a DEPLOY_WIZARD_HOME of its own, as on separate machines.
 *
 * Needs tmux (it fails, and does not skip, without it) and a build (`npm run build`).
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { type S3StoreAddress, storeUrl } from '../../src/run/team/address.ts'
import { readTeamRunState } from '../../src/run/team/read-state.ts'
import {
  type AwsFaultServer,
  type AwsRequest,
  pointAwsAt,
  startAwsFaultServer,
} from '../helpers/aws-fault-server.ts'
import { backend } from '../helpers/checks.ts'
import { BIN, runCli } from '../helpers/cli.ts'
import { type Approver, newApprover } from '../helpers/gated-run.ts'
import { newTeamStore, storeObjects } from '../helpers/team-store.ts'
import { tempDir } from '../helpers/temp.ts'
import { requireTmux, type TmuxPane, TmuxServer } from '../helpers/tmux.ts'

const CHECKLIST = `---
title: Team release
environments: [dev, prod]
---
# Team release

## Pre-Deployment
- [ ] Change request approved
- [ ] Backup taken
- [ ] Release notes written

<!-- gate: approval "Change board" -->

## Deployment
- [ ] Deploy the stack
- [ ] Smoke tests pass

## Sign-Off
- [ ] Deployed by: ________
`

/** A loaded two-core machine: screens and store round trips get room, never a fixed sleep. */
const SLOW_MS = 20_000
/** The watcher reads every 500 ms: "within its interval" allows a read and the pane's polling. */
const WATCH_INTERVAL_MS = 500
const WITHIN_INTERVAL_MS = 2 * WATCH_INTERVAL_MS + 4_000

const moto = backend('moto')
// The test's own look at the bucket, and `runs`/`approve`/`export` through runCli, go to moto.
pointAwsAt(moto)
const HOST = hostname()
let tmux: TmuxServer
let fault: AwsFaultServer
let dir: string
let checklist: string
let address: S3StoreAddress
let url: string
let approver: Approver
let sessions = 0

before(async () => {
  requireTmux()
  tmux = new TmuxServer('dw-handover')
  fault = await startAwsFaultServer()
  forwardAll()
  dir = tempDir('team-handover')
  checklist = join(dir, 'release.md')
  writeFileSync(checklist, CHECKLIST)
  address = await newTeamStore('handover')
  url = storeUrl(address)
  approver = await newApprover()
})

after(async () => {
  await tmux?.kill()
  await fault?.close()
})

const forwardAll = () => fault.script(() => ({ forward: moto }))
const isEventWrite = (request: AwsRequest) =>
  request.action === 'PutObject' && /\/events\//.test(String(request.params.Key))
/** Ana's link to the store drops for the run's entries (her lease renewals still go through). */
const hangEventWrites = () =>
  fault.script((request) => (isEventWrite(request) ? 'hang' : { forward: moto }))

/** A laptop's home: its own deploy-wizard folder, as on a machine of its own. */
const homeOf = (laptop: string) => join(dir, `home-${laptop}`)

/** The environment every command of a laptop runs with: the test's AWS identity in moto. */
function laptopEnv(laptop: string, endpoint = moto): Record<string, string> {
  return {
    DEPLOY_WIZARD_HOME: homeOf(laptop),
    DEPLOY_WIZARD_STORE_POLL: '200ms',
    DEPLOY_WIZARD_STORE_TIMEOUT: '500ms',
    AWS_ENDPOINT_URL: endpoint,
    // Who the caller is (STS) is asked of moto itself: the fault server speaks S3.
    AWS_ENDPOINT_URL_STS: moto,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/nonexistent/deploy-wizard-test/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/deploy-wizard-test/credentials',
    NO_COLOR: '1',
  }
}

/**
 * `deploy-wizard <args…>` on `laptop`, in a terminal of its own; once it exits its exit code is
 * printed and the pane stays to be read.
 */
async function inTerminal(
  laptop: string,
  args: readonly string[],
  {
    operator,
    endpoint,
    env = {},
  }: { operator?: string; endpoint?: string; env?: Record<string, string> } = {},
): Promise<TmuxPane> {
  sessions++
  const variables = {
    ...laptopEnv(laptop, endpoint),
    ...(operator ? { DEPLOY_WIZARD_OPERATOR: operator } : {}),
    ...env,
  }
  const command = [
    'env',
    '-u',
    'FORCE_COLOR',
    '-u',
    'DEPLOY_WIZARD_OPERATOR',
    '-u',
    'DEPLOY_WIZARD_STORE',
    '-u',
    'AWS_PROFILE',
    '-u',
    'AWS_SESSION_TOKEN',
    ...Object.entries(variables).map(([name, value]) => `${name}=${value}`),
    process.execPath,
    BIN,
    ...args,
  ]
  const script = `${command.map(sh).join(' ')}; echo "EXIT=$?"; exec sleep 600`
  return tmux.start(`${laptop}-${sessions}`, ['sh', '-c', script], { columns: 110, rows: 30 })
}

/** A command of `laptop` without a terminal (runs, approve, export, verify). */
function onLaptop(laptop: string, args: readonly string[], extra: NodeJS.ProcessEnv = {}) {
  return runCli(args, {
    ...laptopEnv(laptop),
    DEPLOY_WIZARD_OPERATOR: undefined,
    DEPLOY_WIZARD_STORE: undefined,
    ...extra,
  })
}

function sh(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`
}

/** The PID of the program a pane runs: the child of the pane's shell (env execs node). */
async function programPid(pane: TmuxPane): Promise<number> {
  const shell = (await tmux.run(['display-message', '-p', '-t', pane.target, '#{pane_pid}'])).trim()
  const children = await new Promise<string>((resolve, reject) =>
    execFile('pgrep', ['-P', shell], (error, stdout) => (error ? reject(error) : resolve(stdout))),
  )
  const pids = children.split('\n').filter(Boolean).map(Number)
  assert.equal(pids.length, 1, `one program under the pane's shell: ${children}`)
  const pid = pids[0] as number
  // It is the wizard, not some helper: its argv names the CLI.
  assert.match(readFileSync(`/proc/${pid}/cmdline`, 'utf8'), new RegExp(BIN.replace(/\W/g, '\\$&')))
  return pid
}

/** The pane's screen with lines the terminal wrapped joined again (what was printed, line by line). */
async function joined(pane: TmuxPane): Promise<string> {
  return tmux.run(['capture-pane', '-p', '-J', '-t', pane.target])
}

/** The team run's entries as the store has them: type and who. */
async function eventsIn(runId: string): Promise<string[]> {
  const objects = storeObjects(address)
  try {
    const team = await readTeamRunState(objects, runId)
    return (team?.journal ?? []).map((entry) => `${entry.type} ${'by' in entry ? entry.by : ''}`)
  } finally {
    await objects.close()
  }
}

/** Polls the store until `test` holds for the run's entries: waits for content, as waitFor does. */
async function untilInStore(runId: string, test: (entries: string[]) => boolean, what: string) {
  const deadline = Date.now() + SLOW_MS
  for (;;) {
    const entries = await eventsIn(runId)
    if (test(entries)) return entries
    if (Date.now() > deadline) throw new Error(`the store never had ${what}: ${entries.join(', ')}`)
    await sleep(50)
  }
}

/** The row of the item `text` on screen. */
function rowOf(screen: string, text: string): string {
  return screen.split('\n').find((line) => line.includes(text)) ?? ''
}

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')

test('a prod run handed over through the team store: killed on one laptop, taken over on another, watched, approved by a third identity, finished, exported and verified; the first laptop told it was finished elsewhere', {
  timeout: 240_000,
}, async (t) => {
  let id = ''
  let ana: TmuxPane
  let ben: TmuxPane
  let watcher: TmuxPane
  const sheet = () => join(dir, `${id}-signoff.md`)

  let failed = false
  const step = async (name: string, body: () => Promise<void>) => {
    await t.test(name, { skip: failed ? 'an earlier step failed' : false }, async () => {
      try {
        await body()
      } catch (error) {
        failed = true
        throw error
      }
    })
  }

  await step(
    'ana starts a prod run on the shared store, answers, and is killed with SIGKILL',
    async () => {
      // Ana's laptop talks to S3 through the fault server, so her link can drop.
      ana = await inTerminal('ana', ['run', checklist, '--env', 'prod', '--store', url], {
        operator: 'ana',
        endpoint: fault.url,
      })
      await ana.waitFor(/Type 'prod' to go on:/, 'the production question', SLOW_MS)
      await ana.submit('prod')
      const [, runId] = await ana.waitFor(
        /ana · (prod-\d{8}-[a-z0-9]{4}) · synced/,
        'the run started and synced',
        SLOW_MS,
      )
      id = runId as string
      assert.match(ana.lastScreen, /PROD ⚠/)
      await ana.press('d')
      await ana.waitFor(/✔ Change request approved/)
      await untilInStore(id, (entries) => entries.includes('item-answered ana'), 'her answer')
      await ana.waitFor(/· synced/, 'nothing left to send', SLOW_MS)

      // One more answer while the store does not take the run's entries: on her disk only.
      hangEventWrites()
      await ana.press('d')
      await ana.waitFor(/✔ Backup taken/)
      await ana.waitFor(/· 1 waiting/, 'the answer waiting to be sent', SLOW_MS)

      process.kill(await programPid(ana), 'SIGKILL')
      await ana.waitFor(/^EXIT=137$/m, 'the wizard killed', SLOW_MS)
      forwardAll()
    },
  )

  await step("ben lists the team's runs: ana still drives it", async () => {
    const listed = await onLaptop('ben', ['runs', '--store', url])
    assert.equal(listed.code, 0, listed.stderr)
    const at = listed.stdout.indexOf(`${id}  `)
    assert.ok(at >= 0, `${id} is listed:\n${listed.stdout}`)
    const block = listed.stdout.slice(at).split('\n').slice(0, 2).join('\n')
    assert.match(block, /· prod · ana\n/)
    assert.match(
      block,
      new RegExp(`1/\\d+ answered · .* · driven by ana@${literal(HOST)}, last seen \\d+ s ago$`),
    )
  })

  await step(
    'ben resumes it on his laptop, takes it over from ana, and sees her answer',
    async () => {
      ben = await inTerminal(
        'ben',
        ['run', '--resume', id, '--store', url, '--sheet', join(dir, 'ben-sheet.md')],
        { operator: 'ben' },
      )
      await ben.waitFor(/Type 'prod' to go on:/, 'the production question', SLOW_MS)
      await ben.submit('prod')
      await ben.waitFor(
        new RegExp(`Take over run ${id} from ana@${literal(HOST)}, last seen \\d+ s ago\\?`),
        'the take-over question',
        SLOW_MS,
      )
      await ben.press('Down')
      await ben.press('Enter')
      await ben.waitFor(new RegExp(`ben · ${id} · synced`), 'ben drives, synced', SLOW_MS)
      assert.match(
        ben.lastScreen,
        new RegExp(`took run ${id} over from ana@${literal(HOST)}, last seen \\d+ s ago`),
      )
      assert.match(rowOf(ben.lastScreen, 'Change request approved'), /✔/)
      // The answer ana's laptop never sent is not the team's.
      assert.match(rowOf(ben.lastScreen, 'Backup taken'), /○/)
    },
  )

  await step('a watcher on a third laptop follows ben’s answers within its interval', async () => {
    watcher = await inTerminal('carl', ['watch', id, '--store', url, '--interval', '500ms'])
    await watcher.waitFor(
      new RegExp(`watching ${id} — driven by ben@${literal(HOST)}`),
      'the watch header',
      SLOW_MS,
    )
    assert.match(rowOf(watcher.lastScreen, 'Change request approved'), /✔/)
    assert.match(rowOf(watcher.lastScreen, 'Backup taken'), /○/)

    // Reopened after a crash, the run opens at its first phase with something to answer.
    await ben.press('Down')
    await ben.waitFor(/› ○ Backup taken/, 'the cursor on the item ana’s laptop kept')
    await ben.press('d')
    await ben.waitFor(/✔ Backup taken/)
    const answered = Date.now()
    await watcher.waitUntil(
      (screen) => /✔/.test(rowOf(screen, 'Backup taken')),
      'ben’s answer on the watcher’s screen',
      WITHIN_INTERVAL_MS,
    )
    const tookMs = Date.now() - answered
    await ben.press('d')
    await ben.waitFor(/✔ Release notes written/)
    await watcher.waitUntil(
      (screen) => /✔/.test(rowOf(screen, 'Release notes written')),
      'ben’s next answer on the watcher’s screen',
      WITHIN_INTERVAL_MS,
    )
    assert.ok(tookMs <= WITHIN_INTERVAL_MS, `took ${tookMs} ms`)
  })

  await step(
    'ben is held at the gate until bea approves from her own account; then it opens, live',
    async () => {
      await ben.waitFor(
        new RegExp(`waiting for approval: Change board — deploy-wizard approve ${id}`),
        'the gate row',
      )
      await ben.press('Right')
      await ben.waitFor(/waiting for approval: Change board/, 'the gate holding', SLOW_MS)
      assert.match(ben.lastScreen, /1\/3 Pre-Deployment/)

      const approved = await onLaptop('bea', ['approve', id, '--store', url, '--yes'], approver.env)
      assert.equal(approved.code, 0, approved.stdout + approved.stderr)
      assert.match(approved.stdout, new RegExp(`Approved "Change board" for run ${id}`))

      await ben.waitFor(
        /approved: Change board by bea — Deployment is open \(→\)/,
        'the approval arriving in ben’s wizard',
        SLOW_MS,
      )
      await ben.press('Right')
      await ben.waitFor(/2\/3 Deployment/, 'Deployment open')
      await ben.waitFor(/› ○ Deploy the stack/)
      await ben.press('d')
      await ben.waitFor(/✔ Deploy the stack/)
      await ben.press('d')
      await ben.waitFor(/✔ Smoke tests pass/)
      await ben.press('Right')
      await ben.waitFor(/3\/3 Sign-Off/, 'the Sign-Off phase')
      await ben.press('Right')
      await ben.waitFor(
        /› Deployed by +ben {2}\(proposed\)$/m,
        'the sign-off screen, the name proposed',
      )
      await ben.press('Enter')
      await ben.waitFor(/Name: \[ben\]/, 'the name prompt, prefilled')
      await ben.press('Enter')
      await ben.waitFor(/Deployed by +ben$/m, 'the name entered')
      await ben.press('f')
      await ben.waitFor(/^EXIT=0$/m, 'finished with nothing failed or pending: exit 0', SLOW_MS)
      const said = await joined(ben)
      assert.match(said, new RegExp(`^Run ${id} finished — prod$`, 'm'))
      assert.match(said, /^ {2}6 done · 0 failed · 0 skipped · 0 n\/a · 0 pending$/m)
      assert.match(said, new RegExp(`^Team store ${literal(url)}: synced\\.$`, 'm'))
      await watcher.waitFor(
        /finished at \d\d:\d\d:\d\d by ben/,
        'the watcher sees the finish',
        SLOW_MS,
      )
      await watcher.press('q')
      await watcher.waitFor(/^EXIT=0$/m)
    },
  )

  await step(
    'the sheet, exported from the watcher’s laptop, credits everyone and verifies',
    async () => {
      const exported = await onLaptop('carl', ['export', id, '--store', url, '-o', sheet()], {
        DEPLOY_WIZARD_OPERATOR: 'carl',
      })
      assert.equal(exported.code, 0, exported.stderr)
      const text = readFileSync(sheet(), 'utf8')
      assert.match(text, new RegExp(`^- \\*\\*Run:\\*\\* \`${id}\``, 'm'))
      assert.match(text, /^- \*\*Environment:\*\* prod$/m)
      assert.match(text, /^- \*\*Operators:\*\* ana, ben$/m)
      assert.match(text, /^\*\*Result:\*\* ✅ complete/m)
      // Each answer credited to who gave it: ana's one that reached the store, the rest ben's.
      const creditOf = (item: string) =>
        new RegExp(`^- ✅ done — ${literal(item)} — (\\w+), \\d{4}-`, 'm').exec(text)?.[1]
      assert.deepEqual(
        [
          'Change request approved',
          'Backup taken',
          'Release notes written',
          'Deploy the stack',
          'Smoke tests pass',
        ].map(creditOf),
        ['ana', 'ben', 'ben', 'ben', 'ben'],
      )
      assert.match(text, /^- ✅ done — Deployed by: ben — entered by ben, /m)
      // The approval: bea, as her own AWS identity in her own account.
      assert.match(
        text,
        new RegExp(
          `^- ✅ \\*\\*Change board\\*\\* \\(after Pre-Deployment, before Deployment\\): approved by \\*\\*bea\\*\\*, .* UTC\\\\\n {2}as \`arn:aws:sts::${approver.account}:assumed-role/[^\`]+\` \\(AWS account \`${approver.account}\`\\) on ${literal(HOST)}$`,
          'm',
        ),
      )
      // The hand-over: from ana to ben, taken explicitly, each as the identity they drove with.
      const [, fromArn, toArn] =
        new RegExp(
          `^- .* UTC: \\*\\*ben\\*\\* on ${literal(HOST)} took over from \\*\\*ana\\*\\* on ${literal(HOST)}, last seen .* UTC — taken over explicitly\\\\\n {2}from \`(arn:[^\`]+)\` to \`(arn:[^\`]+)\`$`,
          'm',
        ).exec(text) ?? []
      assert.ok(fromArn && toArn, `the hand-over from ana to ben:\n${text}`)
      assert.ok(!fromArn.includes(approver.account), 'the approver is not the driver')
      // The answer ana's laptop never sent is nowhere on the team's sheet.
      assert.equal(text.match(/— ana, /g)?.length, 1)

      const verified = await onLaptop('carl', ['verify', sheet(), '--store', url])
      assert.equal(verified.code, 0, verified.stdout + verified.stderr)
      assert.match(
        verified.stdout,
        new RegExp(
          `is as exported .*: exported by run ${id} in the team store ${literal(url)}, by carl at `,
        ),
      )
      // So is the sheet ben's wizard wrote as it finished, checked from another laptop.
      const bens = await onLaptop('carl', ['verify', join(dir, 'ben-sheet.md'), '--store', url])
      assert.equal(bens.code, 0, bens.stdout + bens.stderr)
      assert.match(
        bens.stdout,
        new RegExp(
          `is as exported .*: exported by run ${id} in the team store ${literal(url)}, by ben at `,
        ),
      )
    },
  )

  await step(
    'ana’s next start on her laptop does not offer the run finished elsewhere, asks no prod confirmation, and names her answer never sent',
    async () => {
      const events = await eventsIn(id)
      // The same command as before: her laptop still has the run as she left it, unfinished.
      // The store's list is waited for as long as one request may take: room on a loaded machine.
      const again = await inTerminal('ana', ['run', checklist, '--env', 'prod', '--store', url], {
        operator: 'ana',
        endpoint: fault.url,
        env: { DEPLOY_WIZARD_STORE_TIMEOUT: '10s' },
      })
      await again.waitFor(
        new RegExp(
          `^⚠ run ${id} was finished by ben at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC, in the team store`,
          'm',
        ),
        'the list saying her run was finished elsewhere',
        SLOW_MS,
      )
      assert.match(
        again.lastScreen,
        /^Unfinished runs on this machine — resume one, or start a new run:$/m,
      )
      assert.match(again.lastScreen, /^❯ Start a new run$/m)
      assert.doesNotMatch(again.lastScreen, new RegExp(`^. ${id} · `, 'm'), 'not offered')
      await again.press('Escape')
      await again.waitFor(/^EXIT=130$/m, 'left at the list: exit 130', SLOW_MS)
      const said = await joined(again)
      assert.doesNotMatch(said, /Type 'prod' to go on/, 'no prod confirmation for it')
      assert.match(
        said,
        new RegExp(
          `^deploy-wizard: run ${id} was finished by ben at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC, in the team store ${literal(url)}$`,
          'm',
        ),
      )
      const [, kept] =
        new RegExp(
          `^ {2}1 answer recorded on this machine never reached the team store before someone else drove run ${id}: kept in (\\S+)$`,
          'm',
        ).exec(said) ?? []
      assert.ok(kept, `the answer never sent, named:\n${said}`)
      const keptEntries = readFileSync(kept, 'utf8')
        .trim()
        .split('\n')
        .map(
          (line) =>
            (JSON.parse(line) as { entry: { type: string; by: string; itemId?: string } }).entry,
        )
      assert.deepEqual(
        keptEntries.map((entry) => [entry.type, entry.by, entry.itemId]),
        [['item-answered', 'ana', 'pre-deployment/backup-taken']],
      )
      assert.match(
        said,
        new RegExp(
          `^ {2}its sign-off sheet: deploy-wizard export ${id} --store ${literal(url)}$`,
          'm',
        ),
      )
      assert.doesNotMatch(said, /Progress saved|hit a bug/)

      // By id, once more: refused at once, not reopened; nothing was written to the team's run.
      const resumed = await inTerminal('ana', ['run', '--resume', id, '--store', url], {
        operator: 'ana',
        endpoint: fault.url,
      })
      await resumed.waitFor(/^EXIT=2$/m, 'refused: exit 2', SLOW_MS)
      const refused = await joined(resumed)
      assert.match(
        refused,
        new RegExp(
          `^deploy-wizard: run ${id} was finished by ben at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC, in the team store`,
          'm',
        ),
      )
      assert.doesNotMatch(refused, /Type 'prod' to go on/, 'no prod confirmation for it')
      assert.deepEqual(await eventsIn(id), events, 'the team’s run as ben finished it')
      const runs = await onLaptop('ana', ['runs'])
      assert.doesNotMatch(runs.stdout, new RegExp(id), 'no longer unfinished on her laptop')
    },
  )
})
