/**
 * `runs`, `export` and `verify` against a team store, through the built CLI,
 * from a deploy-wizard home that has never seen the runs: the runs are put in
 * moto's S3 by the store library as a driver puts them (createTeamRun, a lease,
 * TeamRunWriter), each from the journal of a real local run, so a local export
 * of that journal is the reference the team export must match.
 */
import assert from 'node:assert/strict'
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { loadChecklist } from '../../src/checklist/load.ts'
import type { JournalEntry, RunHeader } from '../../src/run/model.ts'
import { createRun } from '../../src/run/store.ts'
import { type S3StoreAddress, storeUrl } from '../../src/run/team/address.ts'
import { Lease } from '../../src/run/team/lease.ts'
import type { StoreObjects } from '../../src/run/team/objects.ts'
import { createTeamRun, TeamRunWriter, writeEvent } from '../../src/run/team/team-run.ts'
import {
  type AwsFaultServer,
  pointAwsAt,
  startAwsFaultServer,
} from '../helpers/aws-fault-server.ts'
import { backend } from '../helpers/checks.ts'
import { runCli } from '../helpers/cli.ts'
import { SEEDS, seedPath } from '../helpers/fixtures.ts'
import { readRunFiles } from '../helpers/run-files.ts'
import { simulateRun } from '../helpers/runs.ts'
import { driver, newTeamStore, storeObjects } from '../helpers/team-store.ts'
import { tempDir } from '../helpers/temp.ts'

pointAwsAt(backend('moto'))

const dir = tempDir('team-read')
/** The machine the runs were made on: their local copies, for the reference exports. */
const homeA = join(dir, 'home-a')
/** Another machine, which has never seen any of the runs. */
const homeB = join(dir, 'home-b')
const onB = (extra: NodeJS.ProcessEnv = {}) => ({
  DEPLOY_WIZARD_HOME: homeB,
  DEPLOY_WIZARD_STORE: undefined,
  ...extra,
})

let address: S3StoreAddress
let url: string
let objects: StoreObjects
const leases: Lease[] = []

/** Stands in front of moto for what moto cannot do: refuse access. */
let fault: AwsFaultServer

after(async () => {
  for (const lease of leases) lease.stopRenewing()
  await objects?.close()
  await fault?.close()
})

/** A checklist with checks, whose results the JUnit export reports. */
const CHECKED = `---
title: Checked release
environments: [prod]
---
# Checked release

## Checks
- [ ] Home is set <!-- check: env name=HOME -->
- [ ] The API answers <!-- check: http url=https://api.example.com/health -->
- [ ] Release notes drafted

## Sign-Off
- [ ] Deployed by: ________
`

/**
 * A real local run of a seed (or of `CHECKED`) on machine A, its journal replayed from a
 * simulated run.
 */
async function localRun(seed: (typeof SEEDS)[number] | 'checked', finished: boolean) {
  // A copy of its own, which the test may delete: the team export must not need it.
  const path = join(dir, `${seed}.md`)
  if (seed === 'checked') writeFileSync(path, CHECKED)
  else copyFileSync(seedPath(seed), path)
  const { checklist } = await loadChecklist(path)
  const simulated = simulateRun(checklist, { finished, path })
  const handle = createRun({
    checklist,
    environment: 'prod',
    operator: 'ana',
    env: { DEPLOY_WIZARD_HOME: homeA },
  })
  for (const entry of simulated.journal.slice(1)) handle.append(entry)
  handle.close()
  const files = readRunFiles(join(homeA, 'runs'), handle.id)
  return {
    id: handle.id,
    path,
    text: readFileSync(path, 'utf8'),
    header: files.header as unknown as RunHeader,
    journal: files.journal,
  }
}

type Holder = 'driving' | 'expired' | 'released' | 'none'

/** Puts a local run's header, checklist text and journal into the team store, as a driver would. */
async function toTeamStore(
  run: { header: RunHeader; text: string; journal: readonly JournalEntry[] },
  holder: Holder,
): Promise<Lease | undefined> {
  const { id } = run.header
  await createTeamRun(objects, run.header, run.text)
  if (holder === 'none') {
    for (const [n, entry] of run.journal.entries()) {
      await writeEvent(objects, id, n + 1, { id: `${id}-${n}`, entry })
    }
    return undefined
  }
  // An expired lease: taken 15 minutes ago, for a minute, and never renewed.
  const past = new Date(Date.now() - 15 * 60_000)
  const lease = await Lease.acquire(objects, id, {
    driver: driver('ana', 'laptop-7'),
    ...(holder === 'expired' ? { now: () => past, leaseMs: 60_000 } : {}),
  })
  leases.push(lease)
  const writer = new TeamRunWriter(objects, lease, 1)
  for (const [n, entry] of run.journal.entries()) {
    await writer.append({ id: `${id}-${n}`, entry })
  }
  if (holder === 'released') await lease.release()
  return lease
}

let driven: Awaited<ReturnType<typeof localRun>>
let expired: Awaited<ReturnType<typeof localRun>>
let loose: Awaited<ReturnType<typeof localRun>>
let finished: Awaited<ReturnType<typeof localRun>>
let checked: Awaited<ReturnType<typeof localRun>>

before(async () => {
  fault = await startAwsFaultServer()
  address = await newTeamStore('read')
  url = storeUrl(address)
  objects = storeObjects(address)
  driven = await localRun(SEEDS[3], false)
  expired = await localRun(SEEDS[1], false)
  loose = await localRun(SEEDS[2], false)
  finished = await localRun(SEEDS[0], true)
  checked = await localRun('checked', true)
  await toTeamStore(driven, 'driving')
  await toTeamStore(expired, 'expired')
  await toTeamStore(loose, 'none')
  await toTeamStore(finished, 'released')
  await toTeamStore(checked, 'none')
})

describe('the help of runs', () => {
  it("says how a team store is named, that a checklist's store: does not apply, and the exit codes", async () => {
    for (const command of ['runs']) {
      const { code, stdout } = await runCli([command, '--help'])
      assert.equal(code, 0)
      const text = stdout.replace(/\s+/g, ' ')
      assert.match(text, /--store <s3-url>/, command)
      assert.match(text, /named with --store or DEPLOY_WIZARD_STORE/, command)
      assert.match(text, /front matter `store:` does not apply here/, command)
      assert.match(text, /--store s3:\/\/team-deploys\/deploy-wizard/, command)
      assert.match(text, /2 bad usage \(.*no bucket, access denied/, command)
      assert.match(text, /69 the team store did not answer/, command)
    }
  })
})

describe('runs --store', () => {
  it("lists the team's unfinished runs from a machine that never saw them, with progress and who drives each", async () => {
    const { code, stdout, stderr } = await runCli(['runs', '--store', url], onB())
    assert.equal(code, 0, stderr)
    assert.match(stdout, new RegExp(`^Runs in the team store ${url} \\(from --store\\):$`, 'm'))
    const block = (id: string) => {
      const at = stdout.indexOf(`${id}  `)
      assert.ok(at >= 0, `${id} is listed:\n${stdout}`)
      return stdout.slice(at).split('\n').slice(0, 3).join('\n')
    }
    assert.match(
      block(driven.id),
      /· prod · ana\n {2}\d+\/\d+ answered · last activity .+ · in progress · driven by ana@laptop-7, last seen \d+ s ago\n/,
    )
    assert.match(
      block(expired.id),
      / · in progress · lease expired 14 min ago \(ana@laptop-7, last seen 15 min ago\)\n/,
    )
    assert.match(block(loose.id), / · in progress · not driven\n/)
    assert.match(block(driven.id), new RegExp(`\\n {2}${driven.path} \\(started on \\S+\\)$`))
    assert.doesNotMatch(stdout, new RegExp(finished.id))
    // Read from the store only: machine B keeps no copy of them.
    assert.equal(existsSync(join(homeB, 'runs', `${driven.id}.json`)), false)
  })

  it('counts progress as a local listing of the same journal does', async () => {
    const local = await runCli(['runs', '--all', '--json'], { DEPLOY_WIZARD_HOME: homeA })
    const team = await runCli(['runs', '--all', '--json', '--store', url], onB())
    assert.equal(team.code, 0, team.stderr)
    const progress = (text: string) =>
      Object.fromEntries(
        (JSON.parse(text) as { id: string; answered: number; total: number }[]).map((run) => [
          run.id,
          `${run.answered}/${run.total}`,
        ]),
      )
    const mine = progress(local.stdout)
    const theirs = progress(team.stdout)
    for (const run of [driven, expired, loose, finished]) {
      assert.equal(theirs[run.id], mine[run.id], run.id)
    }
  })

  it('--all adds finished runs, and --json gives each with its lease and status', async () => {
    const { code, stdout, stderr } = await runCli(
      ['runs', '--all', '--json', '--store', url],
      onB(),
    )
    assert.equal(code, 0, stderr)
    const listed = JSON.parse(stdout) as Record<string, unknown>[]
    const byId = new Map(listed.map((run) => [run.id, run]))
    assert.deepEqual(
      [driven, expired, loose, finished].map((run) => byId.get(run.id)?.status),
      ['driven', 'in-progress', 'in-progress', 'finished'],
    )
    const one = byId.get(driven.id) ?? {}
    assert.deepEqual(Object.keys(one), [
      'id',
      'checklist',
      'environment',
      'operator',
      'host',
      'startedAt',
      'lastActivityAt',
      'finishedAt',
      'answered',
      'total',
      'status',
      'lease',
      'store',
    ])
    assert.equal(one.store, url)
    assert.deepEqual(one.checklist, driven.header.checklist)
    const lease = one.lease as Record<string, unknown>
    assert.equal(lease.holder, 'ana')
    assert.equal(lease.host, 'laptop-7')
    assert.equal(lease.arn, driver('ana').arn)
    assert.equal(lease.state, 'driven')
    const stateOf = (id: string) => (byId.get(id)?.lease as { state?: string } | null)?.state
    assert.equal(stateOf(expired.id), 'expired')
    assert.equal(stateOf(finished.id), 'released')
    assert.equal(byId.get(loose.id)?.lease, null)
    assert.equal(typeof byId.get(finished.id)?.finishedAt, 'string')
  })

  it('takes the store from DEPLOY_WIZARD_STORE; set empty, the runs of this machine', async () => {
    const team = await runCli(['runs'], onB({ DEPLOY_WIZARD_STORE: url }))
    assert.equal(team.code, 0, team.stderr)
    assert.match(team.stdout, new RegExp(`the team store ${url} \\(from DEPLOY_WIZARD_STORE\\)`))
    assert.match(team.stdout, new RegExp(driven.id))
    const local = await runCli(['runs'], onB({ DEPLOY_WIZARD_STORE: '' }))
    assert.equal(local.code, 0, local.stderr)
    assert.equal(local.stdout, 'No unfinished runs.\n')
  })

  it('refuses a store address that is not one, naming where it came from', async () => {
    const flag = await runCli(['runs', '--store', 'team-deploys/x'], onB())
    assert.equal(flag.code, 2)
    assert.match(
      flag.stderr,
      /--store "team-deploys\/x" is not a team store: it does not start with s3:\/\//,
    )
    const variable = await runCli(['runs'], onB({ DEPLOY_WIZARD_STORE: 's3://A_B/x' }))
    assert.equal(variable.code, 2)
    assert.match(variable.stderr, /DEPLOY_WIZARD_STORE "s3:\/\/A_B\/x" is not a team store/)
  })
})

describe('a team store that cannot be read', () => {
  it('says the bucket does not exist, in one line with a hint, and exits 2', async () => {
    const missing = `s3://dw-team-missing-${Date.now()}/deploy-wizard`
    for (const args of [['runs', '--store', missing]]) {
      const { code, stderr } = await runCli(args, onB())
      assert.equal(code, 2, stderr)
      assert.match(
        stderr,
        new RegExp(
          `^deploy-wizard: the team store ${missing} \\(from --store\\) has no bucket: there is no bucket 'dw-team-missing-\\d+'\n {2}check the bucket's name`,
        ),
      )
      assert.equal(stderr.split('\n').length, 3, stderr)
    }
  })

  it('says the store did not answer, and exits 69', async () => {
    const { code, stderr } = await runCli(['runs', '--store', url], {
      ...onB(),
      // Nothing listens there: every attempt is refused at once.
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    })
    assert.equal(code, 69, stderr)
    assert.match(
      stderr,
      new RegExp(
        `^deploy-wizard: the team store ${url} \\(from --store\\) could not list runs: no answer \\(.*ECONNREFUSED.*\\), 5 attempts\n {2}nothing was changed; check the network or VPN`,
      ),
    )
  })
})

describe('through a fault server in front of the store', () => {
  const throughFault = (extra: NodeJS.ProcessEnv = {}) =>
    onB({ AWS_ENDPOINT_URL: fault.url, ...extra })

  it('says S3 refused access, in one line with the permissions needed, and exits 2', async () => {
    fault.script(() => ({ error: 'AccessDenied', message: 'Access Denied', status: 403 }))
    const { code, stderr } = await runCli(['runs', '--store', url], throughFault())
    assert.equal(code, 2, stderr)
    assert.equal(
      stderr.split('\n')[0],
      `deploy-wizard: the team store ${url} (from --store) refused access (AccessDenied)`,
    )
    assert.match(stderr, /needs s3:GetObject and s3:ListBucket on the prefix/)
    // Not retried: S3 said no for good.
    assert.equal(fault.requests.length, 1)
  })
})
