/**
 * Team runs on screen: the built CLI in tmux, one home per "laptop", the store
 * in moto behind our fault server. The header's sync state (synced, waiting and
 * offline, synced again), a second laptop resuming a run from the store alone
 * (by id, and picked from the list of runs to resume), the take-over question
 * and its refusal, the first driver told at once that the run was taken,
 * answering nothing more, and the list of runs to resume drawn at once while
 * the store is silent.
 *
 * Needs tmux (it fails, and does not skip, without it) and a build (`npm run build`).
 */
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { type S3StoreAddress, storeUrl } from '../../src/run/team/address.ts'
import { readTeamRunState } from '../../src/run/team/read-state.ts'
import {
  type AwsFaultServer,
  type AwsReply,
  type AwsRequest,
  pointAwsAt,
  startAwsFaultServer,
} from '../helpers/aws-fault-server.ts'
import { backend } from '../helpers/checks.ts'
import { BIN } from '../helpers/cli.ts'
import { newTeamStore, storeObjects } from '../helpers/team-store.ts'
import { tempDir } from '../helpers/temp.ts'
import { requireTmux, type TmuxPane, TmuxServer } from '../helpers/tmux.ts'

const CHECKLIST = `---
title: Team release
environments: [dev]
---
# Team release

## Before
- [ ] Change request approved
- [ ] Backup taken
- [ ] Release notes written

## Sign-Off
- [ ] Deployed by: ________
`

const moto = backend('moto')
// The test's own look at the bucket goes to moto; each laptop is told its endpoint.
pointAwsAt(moto)
let tmux: TmuxServer
let fault: AwsFaultServer
let dir: string
let checklist: string
let sessions = 0

before(async () => {
  requireTmux()
  tmux = new TmuxServer('dw-team')
  fault = await startAwsFaultServer()
  forwardAll()
  dir = tempDir('team-terminal')
  checklist = join(dir, 'release.md')
  writeFileSync(checklist, CHECKLIST)
})

after(async () => {
  await tmux?.kill()
  await fault?.close()
})

const forwardAll = () => fault.script(() => ({ forward: moto }))
/** Every request held, unanswered, until the test releases them (to moto); returns how. */
const holdAll = () => {
  let release: () => void = () => {}
  const released = new Promise<AwsReply>((resolve) => {
    release = () => resolve({ forward: moto })
  })
  fault.script(() => released)
  return release
}
const isEventWrite = (request: AwsRequest) =>
  request.action === 'PutObject' && /\/events\//.test(String(request.params.Key))
const hangEventWrites = () =>
  fault.script((request) => (isEventWrite(request) ? 'hang' : { forward: moto }))

/**
 * `deploy-wizard <args…>` on a laptop of its own (`home`), talking to the store through the
 * fault server; once it exits its exit code is printed and the pane stays to be read.
 */
async function laptop(
  home: string,
  args: readonly string[],
  {
    operator,
    columns = 100,
    timeout = '300ms',
  }: { operator?: string; columns?: number; timeout?: string } = {},
): Promise<TmuxPane> {
  sessions++
  const variables: Record<string, string> = {
    DEPLOY_WIZARD_HOME: join(dir, home),
    DEPLOY_WIZARD_STORE_POLL: '200ms',
    DEPLOY_WIZARD_STORE_TIMEOUT: timeout,
    AWS_ENDPOINT_URL: fault.url,
    // Who the caller is (STS) is asked of moto itself: the fault server speaks S3.
    AWS_ENDPOINT_URL_STS: moto,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/nonexistent/deploy-wizard-test/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/deploy-wizard-test/credentials',
    NO_COLOR: '1',
    ...(operator ? { DEPLOY_WIZARD_OPERATOR: operator } : {}),
  }
  const command = [
    'env',
    '-u',
    'FORCE_COLOR',
    '-u',
    'DEPLOY_WIZARD_OPERATOR',
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
  return tmux.start(`team-${sessions}`, ['sh', '-c', script], { columns, rows: 24 })
}

function sh(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`
}

/** The run id in a wizard's header. */
async function runIdOn(pane: TmuxPane): Promise<string> {
  return (await pane.waitFor(/ · (dev-\d{8}-[a-z0-9]{4})/, 'the run id in the header'))[1] ?? ''
}

async function teamState(address: S3StoreAddress, id: string) {
  const objects = storeObjects(address)
  try {
    return await readTeamRunState(objects, id)
  } finally {
    await objects.close()
  }
}

describe('the header of a team run', () => {
  test('says synced, then how many wait and since when while the store hangs, then synced again', async () => {
    forwardAll()
    const address = await newTeamStore('header')
    const pane = await laptop(
      'header-ana',
      ['run', checklist, '--env', 'dev', '--store', storeUrl(address)],
      { operator: 'ana' },
    )
    await pane.waitFor(/· synced/, 'synced once the run is in the store', 15_000)
    await pane.press('d')
    await pane.waitFor(/✔ Change request approved/)
    await pane.waitFor(/· synced/)

    hangEventWrites()
    await pane.press('d')
    await pane.press('d')
    await pane.waitFor(/✔ Release notes written/)
    await pane.waitFor(/· 2 waiting, offline since \d\d:\d\d/, 'offline, 2 waiting', 15_000)

    forwardAll()
    await pane.waitFor(/· synced/, 'synced once the store answers', 15_000)
    const id = await runIdOn(pane)
    await pane.press('q')
    await pane.waitFor(/^EXIT=0$/m)
    assert.match(await pane.capture(), new RegExp(`Team store ${storeUrl(address)}: synced\\.`))
    const team = await teamState(address, id)
    assert.equal(
      team?.journal.filter((entry) => entry.type === 'item-answered').length,
      3,
      'every answer in the store',
    )
  })
})

describe('a second laptop', () => {
  test('resumes a run from the store alone, asks who is answering, and shows the answers', async () => {
    forwardAll()
    const address = await newTeamStore('second')
    const ana = await laptop(
      'second-ana',
      ['run', checklist, '--env', 'dev', '--store', storeUrl(address)],
      { operator: 'ana' },
    )
    await ana.waitFor(/· synced/, 'ana synced', 15_000)
    await ana.press('d')
    await ana.press('f')
    await ana.waitFor(/What happened\?/)
    await ana.submit('job timed out')
    await ana.waitFor(/✘ Backup taken/)
    const id = await runIdOn(ana)
    await ana.press('q')
    await ana.waitFor(/^EXIT=0$/m)

    // No operator named: whoever opens someone else's run here says who they are.
    const ben = await laptop('second-ben', ['run', '--resume', id, '--store', storeUrl(address)])
    await ben.waitFor(/Your name, as the sheet should show it:/, 'the name question', 15_000)
    await ben.type('ben')
    await ben.press('Enter')
    await ben.waitFor(/✔ Change request approved/, 'ana’s answers', 15_000)
    const screen = await ben.waitFor(/ben · dev-\d{8}-[a-z0-9]{4} · synced/)
    assert.ok(screen)
    assert.match(await ben.capture(), /✘ Backup taken/)
    assert.match(
      await ben.capture(),
      /took run \S+ over from ana@\S+, last seen \d+ s ago \(their lease had expired\)/,
    )
    await ben.press('q')
    await ben.waitFor(/^EXIT=0$/m)
  })
  test('finds a run of the store in the list of runs to resume, with who drove it last, and opens it', async () => {
    forwardAll()
    const address = await newTeamStore('listed')
    const ana = await laptop(
      'listed-ana',
      ['run', checklist, '--env', 'dev', '--store', storeUrl(address)],
      { operator: 'ana' },
    )
    await ana.waitFor(/· synced/, 'ana synced', 15_000)
    await ana.press('d')
    await ana.waitFor(/· synced/)
    const id = await runIdOn(ana)
    await ana.press('q')
    await ana.waitFor(/^EXIT=0$/m)

    // No --resume, no run id: the store named, as Ana named it. The list is there at once, the
    // store's runs added when it answers, which it may take as long as one request to do: room
    // on a loaded machine.
    const ben = await laptop(
      'listed-ben',
      ['run', checklist, '--env', 'dev', '--store', storeUrl(address)],
      { timeout: '10s', columns: 140 },
    )
    await ben.waitFor(
      /^Unfinished runs on this machine and in the team store — resume one, or start a new run:$/m,
      'the list of runs to resume',
      15_000,
    )
    assert.match(
      ben.lastScreen,
      new RegExp(
        `^ {2}${id} · Team release · 1/4 answered · ana · just now · from the team store, not driven \\(ana@\\S+ let go \\d+ s ago\\)$`,
        'm',
      ),
    )
    // Added above what was highlighted while the store was asked: the highlight stayed there.
    assert.match(ben.lastScreen, /^❯ Start a new run$/m)
    await ben.press('Up')
    await ben.waitFor(new RegExp(`^❯ ${id} · `, 'm'))
    await ben.press('Enter')
    await ben.waitFor(/Your name, as the sheet should show it:/, 'the name question', 15_000)
    await ben.type('ben')
    await ben.press('Enter')
    await ben.waitFor(new RegExp(`ben · ${id} · synced`), 'ben drives, synced', 15_000)
    assert.match(ben.lastScreen, /✔ Change request approved/)
    await ben.press('q')
    await ben.waitFor(/^EXIT=0$/m)
  })
})

describe('taking a run over', () => {
  test('is asked first; refused, nothing is written; taken, the first driver is told at once and answers nothing more', async () => {
    forwardAll()
    const address = await newTeamStore('takeover')
    const ana = await laptop(
      'takeover-ana',
      ['run', checklist, '--env', 'dev', '--store', storeUrl(address)],
      { operator: 'ana' },
    )
    await ana.waitFor(/· synced/, 'ana synced', 15_000)
    await ana.press('d')
    await ana.waitFor(/· synced/)
    const id = await runIdOn(ana)

    const refusing = await laptop(
      'takeover-ben',
      ['run', '--resume', id, '--store', storeUrl(address)],
      { operator: 'ben' },
    )
    await refusing.waitFor(
      new RegExp(`Take over run ${id} from ana@\\S+, last seen \\d+ s ago\\?`),
      'the take-over question',
      15_000,
    )
    // Leaving it is the default: enter alone takes nothing.
    assert.match(await refusing.capture(), /❯ Leave it to ana@\S+: nothing is written/)
    await refusing.press('Enter')
    await refusing.waitFor(new RegExp(`Left run ${id} to ana@\\S+: nothing was written\\.`))
    await refusing.waitFor(/^EXIT=130$/m)
    assert.equal((await teamState(address, id))?.lease?.holder, 'ana')

    // Ana's link drops with one answer on her laptop only; then Ben takes over.
    hangEventWrites()
    await ana.press('d')
    await ana.waitFor(/✔ Backup taken/)
    await ana.waitFor(/· 1 waiting/)
    const ben = await laptop(
      'takeover-ben',
      ['run', '--resume', id, '--store', storeUrl(address)],
      { operator: 'ben' },
    )
    await ben.waitFor(/Take over run/, 'the take-over question', 15_000)
    await ben.press('Down')
    await ben.press('Enter')
    await ben.waitFor(/ben · dev-\d{8}-[a-z0-9]{4}/, 'ben drives', 15_000)

    // Ana: at once (her next look at the store), and for as long as her wizard is open.
    await ana.waitFor(
      /⚠ taken over by ben@\S+: nothing more is recorded here; 1 answer not sent, kept on this machine/,
      'ana told of the take-over',
      10_000,
    )
    await ana.press('d')
    await ana.waitFor(/NOT SAVED: run \S+ is now driven by ben@/)
    assert.match(await ana.capture(), /○ Release notes written/)

    forwardAll()
    await ben.waitFor(/· synced/, 'ben synced', 15_000)
    await ben.press('q')
    await ben.waitFor(/^EXIT=0$/m)
    await ana.press('q')
    await ana.waitFor(/^EXIT=0$/m)
    const left = (await ana.capture()).replace(/\n(?!(?: {2}|EXIT=|⚠))/g, '')
    // The take-over first, and what ben never got, by item and answer: not "Progress saved".
    assert.match(
      left,
      new RegExp(`^⚠ Run ${id} was taken over by ben@\\S+: nothing more is recorded here`, 'm'),
    )
    assert.doesNotMatch(left, /Progress saved/)
    assert.match(left, /^ {4}- Backup taken — done$/m)
    assert.match(left, /kept-<time>\.jsonl/)
    const team = await teamState(address, id)
    assert.deepEqual(
      team?.journal.flatMap((entry) => (entry.type === 'item-answered' ? [entry.by] : [])),
      ['ana'],
      'only the answer Ana had sent',
    )
    assert.equal(team?.state.handovers?.[0]?.reason, 'explicit')
  })
})

describe('the list of runs to resume, the team store silent', () => {
  test('is there at once with this machine’s run, says the store is being asked, then that it did not answer, the highlight where it was', async () => {
    const address = await newTeamStore('silent-list')
    // A run of this laptop's own, no store named.
    const first = await laptop('silent-list-ana', ['run', checklist, '--env', 'dev'], {
      operator: 'ana',
    })
    await first.waitFor(/› ○ Change request approved/, 'the run open', 15_000)
    const id = await runIdOn(first)
    await first.press('d')
    await first.waitFor(/✔ Change request approved/)
    await first.press('q')
    await first.waitFor(/^EXIT=0$/m)

    const release = holdAll()
    try {
      const pane = await laptop(
        'silent-list-ana',
        ['run', checklist, '--env', 'dev', '--store', storeUrl(address)],
        { operator: 'ana', timeout: '3s', columns: 140 },
      )
      await pane.waitFor(
        /^looking for runs in the team store s3:\/\/\S+ — they are added here when it answers$/m,
        'the list, the store being asked',
      )
      assert.match(
        pane.lastScreen,
        new RegExp(`^❯ ${id} · Team release · 1/4 answered · ana · `, 'm'),
      )
      assert.match(pane.lastScreen, /^ {2}Start a new run$/m)
      await pane.press('Down')
      await pane.waitFor(/^❯ Start a new run$/m)
      // In place, not asked again: the highlight stays.
      await pane.waitFor(
        /^⚠ the team store s3:\/\/\S+ did not answer within 3s: only this machine's runs are listed$/m,
        'the store said not to answer',
      )
      assert.match(pane.lastScreen, /^❯ Start a new run$/m)
      assert.doesNotMatch(pane.lastScreen, /looking for runs/)
      await pane.press('Up')
      await pane.press('Enter')
      await pane.waitFor(new RegExp(`ana · ${id}`), 'the run resumed')
      assert.match(pane.lastScreen, /✔ Change request approved/)
      await pane.press('q')
      await pane.waitFor(/^EXIT=0$/m)
    } finally {
      release()
      forwardAll()
    }
  })

  test('with no run on this machine, starts a new run at enter without waiting for it', async () => {
    const address = await newTeamStore('silent-new')
    const release = holdAll()
    try {
      // The store's time to answer is far longer than the test waits for anything.
      const pane = await laptop(
        'silent-new-ana',
        ['run', checklist, '--env', 'dev', '--store', storeUrl(address)],
        { timeout: '60s', columns: 140 },
      )
      await pane.waitFor(
        /^looking for runs in the team store s3:\/\/\S+ — they are added here when it answers$/m,
        'the list, the store being asked',
      )
      assert.match(pane.lastScreen, /^❯ Start a new run$/m)
      await pane.press('Enter')
      await pane.waitFor(/Your name, as the sheet should show it:/, 'the name question')
      await pane.press('Escape')
      await pane.waitFor(/^EXIT=130$/m)
      assert.match(pane.lastScreen, /Cancelled before the run started: nothing was saved\./)
    } finally {
      release()
      forwardAll()
    }
  })
})

describe('a team run finished while the store is silent', () => {
  test('says what it is sending meanwhile, then loudly that the team does not see it finished; the printed command sends it', async () => {
    forwardAll()
    const address = await newTeamStore('finish-silent')
    const ana = await laptop(
      'finish-silent-ana',
      [
        'run',
        checklist,
        '--env',
        'dev',
        '--store',
        storeUrl(address),
        '--sheet',
        join(dir, 'finish-silent-sheet.md'),
      ],
      { operator: 'ana', columns: 200 },
    )
    await ana.waitFor(/· synced/, 'synced once the run is in the store', 15_000)
    const id = await runIdOn(ana)
    await ana.press('d')
    await ana.press('d')
    await ana.press('d')
    await ana.waitFor(/✔ Release notes written/)
    await ana.waitFor(/· synced/)
    hangEventWrites()
    await ana.press('Right')
    await ana.waitFor(/› ○ Deployed by: _+/, 'the Sign-Off phase')
    await ana.press('Right')
    await ana.waitFor(
      /› Deployed by +ana {2}\(proposed\)$/m,
      'the sign-off screen, the name proposed',
    )
    await ana.press('Enter')
    await ana.waitFor(/Name: \[ana\]/, 'the name prompt, prefilled')
    await ana.press('Enter')
    await ana.waitFor(/Deployed by +ana$/m, 'the name entered')
    await ana.press('f')
    await ana.waitFor(/sending \d+ entries to the team store…/, 'said while the store is waited on')
    await ana.waitFor(/^EXIT=0$/m, 'finished', 20_000)
    const said = (await ana.capture()).replaceAll('\n', ' ')
    assert.match(said, new RegExp(`The team does not see run ${id} finished yet`))
    assert.match(said, /someone else could take it over/)
    assert.match(said, new RegExp(`deploy-wizard run --resume ${id}`))
    assert.doesNotMatch(said, /sending \d+ entries/, 'the sending line cleared once closed')

    forwardAll()
    const again = await laptop('finish-silent-ana', ['run', '--resume', id], { operator: 'ana' })
    await again.waitFor(
      /the team store has all of it now/,
      'sent by the command as printed',
      20_000,
    )
    await again.waitFor(/^EXIT=0$/m)
    assert.notEqual((await teamState(address, id))?.state.finishedAt ?? null, null)
  })
})

describe('a command waiting on a silent store', () => {
  test('says within a couple of seconds that the store is not answering yet and that Ctrl-C is safe', async () => {
    forwardAll()
    const address = await newTeamStore('slow-runs')
    fault.script(() => 'hang')
    const pane = await laptop('slow-runs', ['runs', '--store', storeUrl(address)], {
      timeout: '1s',
      columns: 200,
    })
    const shown = Date.now()
    await pane.waitFor(
      /the team store \S+ is not answering yet; still trying \(up to 5 tries, 1s each\)\. Ctrl-C is safe: nothing has been changed\./,
      'the line saying it still waits',
    )
    assert.ok(Date.now() - shown < 5_000)
    assert.doesNotMatch(pane.lastScreen, /EXIT=/, 'said while it waits, not after')
    await pane.waitFor(/^EXIT=69$/m, 'gave up', 30_000)
    assert.match(pane.lastScreen, /no answer within 1s \(5 attempts\)/)
    forwardAll()
  })
})

describe('a team run opened again while its store is silent', () => {
  /** Ana's run, one answer sent, one left on her laptop as she quit with the store silent. */
  async function leftOffline(label: string) {
    forwardAll()
    const address = await newTeamStore(label)
    const ana = await laptop(
      `${label}-ana`,
      ['run', checklist, '--env', 'dev', '--store', storeUrl(address)],
      { operator: 'ana' },
    )
    await ana.waitFor(/· synced/, 'synced once the run is in the store', 15_000)
    const id = await runIdOn(ana)
    await ana.press('d')
    await ana.waitFor(/· synced/)
    fault.script(() => 'hang')
    await ana.press('d')
    await ana.waitFor(/· 1 waiting/)
    await ana.press('q')
    await ana.waitFor(/^EXIT=0$/m, 'left, the answer waiting', 20_000)
    return { address, id }
  }

  test('asks whether to go on offline; y opens the phases offline, and what is answered reaches the store once it answers', async () => {
    const { address, id } = await leftOffline('reopen-offline')
    const again = await laptop('reopen-offline-ana', ['run', '--resume', id], { operator: 'ana' })
    await again.waitFor(
      new RegExp(`go on with run ${id} offline\\? \\[y/N\\]`),
      'the offline question',
      20_000,
    )
    const asked = (await again.capture()).replaceAll(/[│\s]+/g, ' ')
    assert.match(asked, /is not answering \(no answer within 300ms\)/)
    assert.match(asked, /what you answer here is kept aside, not sent/)
    await again.press('y')
    // The answer left waiting, where Ana left, and this open: nothing of it sent yet.
    const shown = await again.waitFor(
      new RegExp(`ana · ${id} · (\\d+) waiting, offline since \\d\\d:\\d\\d`),
      'the phases, offline',
      15_000,
    )
    const waiting = Number(shown[1])
    assert.match(again.lastScreen, /✔ Backup taken/)
    assert.match(again.lastScreen, /^offline, from this machine's copy: answers wait here/m)
    await again.press('d')
    await again.waitFor(/✔ Release notes written/)
    await again.waitFor(new RegExp(`· ${waiting + 1} waiting, offline since`))
    const home = { env: { DEPLOY_WIZARD_HOME: join(dir, 'reopen-offline-ana') } }
    const { readRunUnlocked } = await import('../../src/run/store.ts')
    assert.equal(
      readRunUnlocked(id, home)?.journal.filter((entry) => entry.type === 'item-answered').length,
      3,
      'every answer on disk',
    )

    forwardAll()
    await again.waitFor(/· synced/, 'synced once the store answers', 20_000)
    const team = await teamState(address, id)
    assert.equal(
      team?.journal.filter((entry) => entry.type === 'item-answered').length,
      3,
      'every answer in the store',
    )
    await again.press('q')
    await again.waitFor(/^EXIT=0$/m)
  })

  test('y, and someone else took the run over meanwhile: once the store answers it is said taken over, and leaving lists the answer not sent', async () => {
    const { address, id } = await leftOffline('reopen-taken')
    forwardAll()
    const ben = await laptop(
      'reopen-taken-ben',
      ['run', '--resume', id, '--store', storeUrl(address)],
      {
        operator: 'ben',
      },
    )
    await ben.waitFor(/Take over run/, 'the take-over question', 15_000)
    await ben.press('Down')
    await ben.press('Enter')
    await ben.waitFor(/ben · dev-\d{8}-[a-z0-9]{4} · synced/, 'ben drives', 15_000)

    fault.script(() => 'hang')
    const ana = await laptop('reopen-taken-ana', ['run', '--resume', id], {
      operator: 'ana',
      columns: 160,
    })
    await ana.waitFor(/offline\? \[y\/N\]/, 'the offline question', 20_000)
    await ana.press('y')
    await ana.waitFor(/offline since/, 'the phases, offline', 15_000)
    await ana.press('d')
    await ana.waitFor(/✔ Release notes written/)

    forwardAll()
    await ana.waitFor(
      /⚠ taken over by ben@\S+: nothing more is recorded here; \d+ answers? and \d+ other records? not sent, kept on this machine/,
      'ana told of the take-over once the store answers',
      20_000,
    )
    await ana.press('q')
    await ana.waitFor(/^EXIT=0$/m)
    const said = (await ana.capture()).replaceAll('\n', ' ')
    assert.match(said, new RegExp(`⚠ Run ${id} was taken over by ben@`))
    assert.match(
      said,
      /hand them to whoever drives it now: +- Backup taken — done +- Release notes written — done/,
    )
    const team = await teamState(address, id)
    assert.equal(
      team?.journal.filter(
        (entry) =>
          entry.type === 'item-answered' &&
          entry.by === 'ana' &&
          entry.itemId.endsWith('release-notes-written'),
      ).length,
      0,
      'the offline answer is not in the store',
    )
    assert.equal(team?.lease?.holder, 'ben')
    await ben.press('q')
    await ben.waitFor(/^EXIT=0$/m)
  })

  test('left at enter (no, the default), exits 69 saying the store did not answer', async () => {
    const { id } = await leftOffline('reopen-refused')
    const again = await laptop('reopen-refused-ana', ['run', '--resume', id], { operator: 'ana' })
    await again.waitFor(/offline\? \[y\/N\]/, 'the offline question', 20_000)
    await again.press('Enter')
    await again.waitFor(/^EXIT=69$/m, 'refused', 15_000)
    const said = (await again.capture()).replaceAll('\n', ' ')
    assert.match(said, new RegExp(`cannot open run ${id} in the team store`))
    assert.match(said, /no answer within 300ms/)
    forwardAll()
  })
})
