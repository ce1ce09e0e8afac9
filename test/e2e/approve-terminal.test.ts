/**
 * `deploy-wizard approve` in a real terminal (tmux): the approver reads the run, is asked to
 * confirm, and only a yes records the approval in the team store (moto's S3). Needs tmux (it
 * fails, and does not skip, without it) and a build (`npm run build`).
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { readTeamRunState } from '../../src/run/team/read-state.ts'
import {
  type AwsFaultServer,
  pointAwsAt,
  startAwsFaultServer,
} from '../helpers/aws-fault-server.ts'
import { backend } from '../helpers/checks.ts'
import { BIN } from '../helpers/cli.ts'
import { type Approver, gatedTeamRun, newApprover, type TeamRun } from '../helpers/gated-run.ts'
import { eventCount } from '../helpers/team-store.ts'
import { requireTmux, TmuxServer } from '../helpers/tmux.ts'

pointAwsAt(backend('moto'))

let tmux: TmuxServer
let approver: Approver
let run: TeamRun
let fault: AwsFaultServer

before(async () => {
  requireTmux()
  tmux = new TmuxServer('dw-approve')
  approver = await newApprover()
  run = await gatedTeamRun('approve-tty')
  fault = await startAwsFaultServer()
})

after(async () => {
  await tmux?.kill()
  await run?.objects.close()
  await fault?.close()
})

function sh(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`
}

/** `approve` as Bea types it in a terminal of her own, then its exit code. */
async function approveInTerminal(session: string, through: Record<string, string> = {}) {
  const command = [
    'env',
    ...Object.entries(approver.env).map(([name, value]) => `${name}=${value}`),
    `AWS_ENDPOINT_URL=${backend('moto')}`,
    ...Object.entries(through).map(([name, value]) => `${name}=${value}`),
    'NO_COLOR=1',
    process.execPath,
    BIN,
    'approve',
    run.id,
    '--store',
    run.url,
  ]
  const script = `${command.map(sh).join(' ')}; echo "EXIT=$?"; exec sleep 600`
  const pane = await tmux.start(session, ['sh', '-c', script], { columns: 120, rows: 30 })
  await pane.waitFor(
    /Approve "[^"]+" for run prod-20261204-a7c3\? \[y\/N\]/,
    'the question',
    20_000,
  )
  return pane
}

test('on a terminal, approve asks first: no records nothing, yes records the approval', async () => {
  const declined = await approveInTerminal('no')
  assert.match(declined.lastScreen, /Needs attention before the gate/)
  await declined.submit('n')
  await declined.waitFor(/^Not approved: nothing was recorded\.\nEXIT=1$/m, 'the refusal taken')
  assert.equal(await eventCount(run.address, run.id), 3)

  const approved = await approveInTerminal('yes')
  await approved.submit('y')
  await approved.waitFor(
    /Approved "Change board" for run prod-20261204-a7c3/,
    'the approval',
    20_000,
  )
  await approved.waitFor(/^EXIT=0$/m, 'exit 0')
  const state = (await readTeamRunState(run.objects, run.id))?.state
  assert.equal(state?.approvals?.['Change board']?.by, 'bea')
  assert.equal(state?.approvals?.['Change board']?.account, approver.account)
})

test('a store that stops answering after the question: says it is still trying, then that nothing was recorded and to run it again', async () => {
  const moto = backend('moto')
  fault.script(() => ({ forward: moto }))
  const pane = await approveInTerminal('silent', {
    AWS_ENDPOINT_URL: fault.url,
    // Who the approver is, asked of STS, goes to moto itself: the fault server speaks S3.
    AWS_ENDPOINT_URL_STS: moto,
    DEPLOY_WIZARD_STORE_TIMEOUT: '1s',
  })
  const before = await eventCount(run.address, run.id)
  fault.script(() => 'hang')
  await pane.submit('y')
  await pane.waitFor(/recording the approval in the team store…/, 'said at once')
  const slow =
    /the team store \S+ is not answering yet; still trying \(up to 5 tries, 1s each\)\. Ctrl-C is safe: nothing is recorded until it answers\./
  await pane.waitUntil(
    (screen) => slow.test(screen.replaceAll('\n', '')),
    'progress while it waits, before giving up',
  )
  assert.doesNotMatch(pane.lastScreen, /EXIT=/)
  // A store that did not answer, as every command says it: try again.
  await pane.waitFor(/^EXIT=69$/m, 'gave up', 30_000)
  const said = pane.lastScreen.replaceAll('\n', '')
  assert.match(said, /not approved: the team store .* no answer within 1s \(5 attempts\)/)
  assert.match(said, /nothing was recorded; run the same command again once the store answers/)
  assert.doesNotMatch(said, /saved on this machine|sent when the store answers/)
  fault.script(() => ({ forward: moto }))
  assert.equal(await eventCount(run.address, run.id), before, 'nothing was recorded')
})
