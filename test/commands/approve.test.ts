/**
 * `deploy-wizard approve`, the built CLI against moto's S3 over the wire: a team run put into a
 * bucket through the store's own library (as its driver's wizard would), and an approver with
 * an AWS identity of their own (another moto account). What the approver sees, what lands in
 * the bucket, and every refusal, with its message and exit code.
 */
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { parseChecklist } from '../../src/checklist/parse.ts'
import { createRun } from '../../src/run/store.ts'
import { Lease } from '../../src/run/team/lease.ts'
import type { StoreObjects } from '../../src/run/team/objects.ts'
import { readTeamRunState } from '../../src/run/team/read-state.ts'
import {
  keepChecklistText,
  TeamRunWriter,
  takeOverEntry,
  textSha256,
} from '../../src/run/team/team-run.ts'
import { pointAwsAt } from '../helpers/aws-fault-server.ts'
import { backend } from '../helpers/checks.ts'
import { runCli } from '../helpers/cli.ts'
import {
  type Approver,
  anaEnv,
  GATED_CHECKLIST,
  gatedTeamRun,
  newApprover,
  type TeamRun,
} from '../helpers/gated-run.ts'
import { bucketObjects, eventCount } from '../helpers/team-store.ts'
import { tempDir } from '../helpers/temp.ts'

pointAwsAt(backend('moto'))

const opened: StoreObjects[] = []
after(async () => {
  for (const objects of opened) await objects.close()
})

let approver: Approver
before(async () => {
  approver = await newApprover()
})

async function teamRun(label: string): Promise<TeamRun> {
  const run = await gatedTeamRun(label)
  opened.push(run.objects)
  return run
}

describe('approve, by someone other than the driver', () => {
  it('shows the run and what needs attention, then records the approver’s name and AWS identity as a new entry', async () => {
    const run = await teamRun('approve')
    const { code, stdout, stderr } = await runCli(
      ['approve', run.id, '--store', run.url, '--yes', '--note', 'CAB-1234 approved'],
      approver.env,
    )
    assert.equal(code, 0, stderr)
    assert.match(stdout, /Run prod-20261204-a7c3 — Release, prod/)
    assert.match(
      stdout,
      /started by ana on laptop-7 at 2026-12-04 12:00 UTC; driven by ana@laptop-7 \(arn:aws:sts::123456789012:user\/moto\)/,
    )
    assert.match(stdout, /1 done · 1 failed · 0 skipped · 0 n\/a · 3 pending/)
    assert.match(
      stdout,
      /Needs attention before the gate \(1 phase\):\n {2}Failed:\n {4}- Smoke tests pass — 503 on \/ready\n {2}Pending:\n {4}- Release notes reviewed\n/,
    )
    // The phases after the gate wait for it: their items are not the approver's to chase.
    assert.doesNotMatch(stdout, /Deploy the stack/)
    assert.match(stdout, /Gate "Change board": after Pre-Deployment, before Deployment/)
    assert.match(
      stdout,
      new RegExp(
        `Approving as bea — arn:aws:sts::${approver.account}:assumed-role/deploy-wizard-test/deploy-wizard-test, account ${approver.account}`,
      ),
    )
    assert.match(stdout, /Approved "Change board" for run prod-20261204-a7c3 \(entry 4 in s3:\/\//)
    assert.match(stdout, /the driver's wizard opens Deployment as soon as it sees the approval/)

    const state = (await readTeamRunState(run.objects, run.id))?.state
    assert.deepEqual(state?.approvals?.['Change board'], {
      by: 'bea',
      at: state?.approvals?.['Change board']?.at,
      arn: `arn:aws:sts::${approver.account}:assumed-role/deploy-wizard-test/deploy-wizard-test`,
      account: approver.account,
      host: hostname(),
      note: 'CAB-1234 approved',
    })
    // In the bucket: an event of its own, as written by the approver's identity.
    const event = JSON.parse(
      (await bucketObjects(run.address.bucket)).get(
        `${run.address.prefix}/runs/${run.id}/events/00000004.json`,
      ) ?? '{}',
    )
    assert.equal(event.entry.type, 'approval-recorded')
    assert.equal(event.entry.account, approver.account)
    // The driver never held back: her next entry goes after the approval, nothing overwritten.
    assert.equal(
      await run.writer.append({
        id: 'ana-next',
        entry: { type: 'changes-seen', at: new Date().toISOString(), by: 'ana' },
      }),
      5,
    )
    assert.equal(await eventCount(run.address, run.id), 5)
  })

  it('the gates of the checklist the run is on: one added by an edited resume is approved', async () => {
    const run = await teamRun('edited-gate')
    // The driver resumed with a gate added before Pre-Deployment: it keeps the text in the store.
    const edited = GATED_CHECKLIST.replace(
      '## Pre-Deployment',
      '## Prepare\n- [ ] Freeze announced\n\n<!-- gate: approval "Security review" -->\n\n## Pre-Deployment',
    )
    await keepChecklistText(run.objects, run.id, textSha256(edited), edited)
    await run.writer.append({
      id: 'ana-resumed',
      entry: {
        type: 'resumed',
        at: '2026-12-04T12:30:00.000Z',
        by: 'ana',
        sha256: textSha256(edited),
        items: [],
        changes: { added: [], removed: [], reworded: [] },
      },
    })
    const { code, stdout, stderr } = await runCli(
      ['approve', run.id, '--store', run.url, '--yes', '--gate', 'Security review'],
      approver.env,
    )
    // It read the gates from the text the run started with: "the run has no gate Security review".
    assert.equal(code, 0, stderr)
    assert.match(stdout, /the run's gates: "Security review" \(waiting\), "Change board"/)
    assert.match(stdout, /Approved "Security review" for run prod-20261204-a7c3/)
  })

  it('lets the driver approve a gate that says approver=anyone', async () => {
    const run = await teamRun('anyone')
    const first = await runCli(['approve', run.id, '--store', run.url, '--yes'], approver.env)
    assert.equal(first.code, 0, first.stderr)
    const own = await runCli(
      ['approve', run.id, '--store', run.url, '--yes', '--gate', 'go decision'],
      anaEnv(),
    )
    assert.equal(own.code, 0, own.stderr)
    assert.match(own.stdout, /Approved "Go decision"/)
    const state = (await readTeamRunState(run.objects, run.id))?.state
    assert.deepEqual(Object.keys(state?.approvals ?? {}), ['Change board', 'Go decision'])
    assert.equal(state?.approvals?.['Go decision']?.arn, run.driverArn)
  })

  it('takes the store from DEPLOY_WIZARD_STORE', async () => {
    const run = await teamRun('variable')
    const { code, stderr } = await runCli(['approve', run.id, '--yes'], {
      ...approver.env,
      DEPLOY_WIZARD_STORE: run.url,
    })
    assert.equal(code, 0, stderr)
  })
})

describe('approve refuses', () => {
  it('a store that refuses (no such bucket), in the words every command uses: exit 2, not 1', async () => {
    const run = await teamRun('no-bucket')
    const url = 's3://dw-no-such-bucket-for-approve/team'
    const { code, stdout, stderr } = await runCli(
      ['approve', run.id, '--store', url, '--yes'],
      approver.env,
    )
    assert.equal(code, 2, stderr)
    assert.equal(stdout, '')
    assert.match(
      stderr,
      /^deploy-wizard: there is no bucket 'dw-no-such-bucket-for-approve' for the team store s3:\/\/dw-no-such-bucket-for-approve\/team \(from --store\)\n/,
    )
  })

  it('a self-approval by the lease holder’s AWS identity, naming who drives', async () => {
    const run = await teamRun('self-arn')
    // Another name, the same credentials Ana drives with.
    const { code, stdout, stderr } = await runCli(
      ['approve', run.id, '--store', run.url, '--yes'],
      anaEnv({ DEPLOY_WIZARD_OPERATOR: 'not-ana' }),
    )
    assert.equal(code, 2)
    assert.equal(stdout, '')
    assert.match(
      stderr,
      /^deploy-wizard: not-ana may not approve "Change board" on run prod-20261204-a7c3: your AWS identity arn:aws:sts::123456789012:user\/moto is ana's, who drives it now\n {2}the gate asks for someone other than who drove the run \(driven by ana@laptop-7 \(arn:aws:sts::123456789012:user\/moto\), last seen \d+ (s|min) ago\); ask another person to approve it\n$/,
    )
    assert.equal(await eventCount(run.address, run.id), 3)
  })

  it('a self-approval by name, from another AWS identity', async () => {
    const run = await teamRun('self-name')
    const { code, stderr } = await runCli(['approve', run.id, '--store', run.url, '--yes'], {
      ...approver.env,
      DEPLOY_WIZARD_OPERATOR: 'Ana',
    })
    assert.equal(code, 2)
    assert.match(
      stderr,
      /Ana may not approve "Change board" on run prod-20261204-a7c3: ana started the run/,
    )
    assert.equal(await eventCount(run.address, run.id), 3)
  })

  it('whoever drove the run before a hand-over, by their AWS identity', async () => {
    const run = await teamRun('handover')
    // Ben takes the run over from Ana: he drives it now, as an identity of his own.
    const ben = await Lease.acquire(run.objects, run.id, {
      driver: {
        holder: 'ben',
        host: 'desk-2',
        arn: 'arn:aws:sts::123456789012:assumed-role/deployer/ben',
      },
      takeOver: true,
    })
    const taken = takeOverEntry(ben, new Date())
    assert.ok(taken)
    await new TeamRunWriter(run.objects, ben, 4).append({ id: 'ben-0', entry: taken })
    // Ana's credentials, under another name: her identity drove the run before Ben took it.
    const ana = await runCli(
      ['approve', run.id, '--store', run.url, '--yes'],
      anaEnv({ DEPLOY_WIZARD_OPERATOR: 'zed' }),
    )
    assert.equal(ana.code, 2)
    assert.match(
      ana.stderr,
      /zed may not approve "Change board" on run prod-20261204-a7c3: your AWS identity arn:aws:sts::123456789012:user\/moto is ana's, who drove it before\n {2}the gate asks for someone other than who drove the run \(driven by ben@desk-2 \(arn:aws:sts::123456789012:assumed-role\/deployer\/ben\)/,
    )
    const byName = await runCli(['approve', run.id, '--store', run.url, '--yes'], {
      ...approver.env,
      DEPLOY_WIZARD_OPERATOR: 'ben',
    })
    assert.equal(byName.code, 2)
    assert.match(
      byName.stderr,
      /ben may not approve "Change board" on run prod-20261204-a7c3: ben drives it now/,
    )
    assert.equal(await eventCount(run.address, run.id), 4)
  })

  it('a gate the run does not have, listing those it has', async () => {
    const run = await teamRun('unknown-gate')
    const { code, stderr } = await runCli(
      ['approve', run.id, '--store', run.url, '--yes', '--gate', 'Security'],
      approver.env,
    )
    assert.equal(code, 2)
    assert.equal(
      stderr,
      'deploy-wizard: run prod-20261204-a7c3 has no gate "Security"\n  its gates: "Change board" (waiting), "Go decision" (waiting)\n',
    )
  })

  it('a gate approved already, saying by whom and when', async () => {
    const run = await teamRun('twice')
    assert.equal(
      (await runCli(['approve', run.id, '--store', run.url, '--yes'], approver.env)).code,
      0,
    )
    const again = await runCli(
      ['approve', run.id, '--store', run.url, '--yes', '--gate', 'Change board'],
      approver.env,
    )
    assert.equal(again.code, 2)
    assert.match(
      again.stderr,
      new RegExp(
        `"Change board" on run prod-20261204-a7c3 was approved already, by bea as arn:aws:sts::${approver.account}:\\S+ at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC`,
      ),
    )
    assert.equal(await eventCount(run.address, run.id), 4)
  })

  it('the later of two approvers racing on one gate: only the first is told Approved, the other is told theirs does not count', async () => {
    // Both start together, so both usually read the gate as waiting before either writes: the
    // second to write lands after the first and must not be told it approved anything. The gate
    // is named: on a loaded machine one may start after the other's approval has landed, and
    // unnamed it would rightly approve the next gate instead.
    for (const label of ['race-1', 'race-2', 'race-3']) {
      const run = await teamRun(label)
      const results = await Promise.all(
        ['bea', 'carl'].map((name) =>
          runCli(
            [
              'approve',
              run.id,
              '--store',
              run.url,
              '--yes',
              '--name',
              name,
              '--gate',
              'Change board',
            ],
            approver.env,
          ),
        ),
      )
      const winners = results.filter((result) => result.code === 0)
      assert.equal(winners.length, 1, results.map((r) => r.stdout + r.stderr).join('\n---\n'))
      const loser = results.find((result) => result.code !== 0)
      assert.equal(loser?.code, 2)
      assert.match(
        `${loser?.stdout}${loser?.stderr}`,
        /Not counted: "Change board" was approved first, by \w+|"Change board" on run \S+ was approved already, by \w+/,
      )
      assert.doesNotMatch(loser?.stdout ?? '', /Approved "Change board"/)
      const counted = (await readTeamRunState(run.objects, run.id))?.state.approvals?.[
        'Change board'
      ]
      assert.match(winners[0]?.stdout ?? '', /Approved "Change board"/)
      assert.match(winners[0]?.stdout ?? '', new RegExp(`Approving as ${counted?.by} `))
    }
  })

  it('a finished run', async () => {
    const run = await teamRun('finished')
    await run.writer.append({
      id: 'ana-finished',
      entry: { type: 'finished', at: '2026-12-04T13:00:00.000Z', by: 'ana' },
    })
    const { code, stderr } = await runCli(
      ['approve', run.id, '--store', run.url, '--yes'],
      approver.env,
    )
    assert.equal(code, 2)
    assert.match(
      stderr,
      /run prod-20261204-a7c3 finished at 2026-12-04 13:00 UTC: nothing is left to approve/,
    )
  })

  it('a run the store does not hold', async () => {
    const run = await teamRun('missing')
    const { code, stderr } = await runCli(
      ['approve', 'prod-20261204-zzzz', '--store', run.url, '--yes'],
      approver.env,
    )
    assert.equal(code, 2)
    assert.match(
      stderr,
      new RegExp(`no run prod-20261204-zzzz in the team store ${run.url.replace(/[/.]/g, '\\$&')}`),
    )
  })

  it('to ask on no terminal: without --yes it says to read the run and pass --yes', async () => {
    const run = await teamRun('no-tty')
    const { code, stdout, stderr } = await runCli(
      ['approve', run.id, '--store', run.url],
      approver.env,
    )
    assert.equal(code, 2)
    assert.match(stdout, /Needs attention before the gate/)
    assert.match(
      stderr,
      /approving needs a confirmation, and there is no terminal to ask on\n {2}hint|read the run above, then run the same command with --yes/,
    )
    assert.equal(await eventCount(run.address, run.id), 3)
  })

  it('a local run: approvals need a team store', async () => {
    const dir = tempDir('approve-local')
    const home = join(dir, 'home')
    const path = join(dir, 'release.md')
    writeFileSync(path, GATED_CHECKLIST)
    const { checklist } = parseChecklist(GATED_CHECKLIST, { path })
    const handle = createRun({
      checklist,
      environment: 'prod',
      operator: 'ana',
      env: { DEPLOY_WIZARD_HOME: home },
    })
    const id = handle.id
    handle.close()
    const local = await runCli(['approve', id, '--yes'], {
      ...approver.env,
      DEPLOY_WIZARD_HOME: home,
    })
    assert.equal(local.code, 2)
    assert.match(
      local.stderr,
      new RegExp(
        `^deploy-wizard: run ${id} is a local run: approvals need a team store\n {2}an approver records an approval from their own machine into the run's team store; start the run with --store s3://bucket/prefix`,
      ),
    )
    const none = await runCli(['approve', 'prod-20261204-zzzz', '--yes'], approver.env)
    assert.equal(none.code, 2)
    assert.match(
      none.stderr,
      /approve reads run prod-20261204-zzzz from a team store, and none is named\n {2}pass --store s3:\/\/bucket\/prefix, or set DEPLOY_WIZARD_STORE/,
    )
  })
})
