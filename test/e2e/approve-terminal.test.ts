/**
 * `deploy-wizard approve` in a real terminal (tmux): the approver reads the run, is asked to
 * confirm, and only a yes records the approval in the team store (moto's S3). Needs tmux (it
 * fails, and does not skip, without it) and a build (`npm run build`).
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { readTeamRunState } from '../../src/run/team/read-state.ts'
import { pointAwsAt } from '../helpers/aws-fault-server.ts'
import { backend } from '../helpers/checks.ts'
import { BIN } from '../helpers/cli.ts'
import { type Approver, gatedTeamRun, newApprover, type TeamRun } from '../helpers/gated-run.ts'
import { eventCount } from '../helpers/team-store.ts'
import { requireTmux, TmuxServer } from '../helpers/tmux.ts'

pointAwsAt(backend('moto'))

let tmux: TmuxServer
let approver: Approver
let run: TeamRun

before(async () => {
  requireTmux()
  tmux = new TmuxServer('dw-approve')
  approver = await newApprover()
  run = await gatedTeamRun('approve-tty')
})

after(async () => {
  await tmux?.kill()
  await run?.objects.close()
})

function sh(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`
}

/** `approve` as Bea types it in a terminal of her own, then its exit code. */
async function approveInTerminal(session: string) {
  const command = [
    'env',
    ...Object.entries(approver.env).map(([name, value]) => `${name}=${value}`),
    `AWS_ENDPOINT_URL=${backend('moto')}`,
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
    /Approve "Change board" for run prod-20261204-a7c3\? \[y\/N\]/,
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
