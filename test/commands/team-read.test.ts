/**
 * `runs`, `export` and `verify` against a team store, through the built CLI,
 * from a deploy-wizard home that has never seen the runs: the runs are put in
 * moto's S3 by the store library as a driver puts them (createTeamRun, a lease,
 * TeamRunWriter), each from the journal of a real local run, so a local export
 * of that journal is the reference the team export must match.
 */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { loadChecklist } from '../../src/checklist/load.ts'
import { sealSheet, sheetDigest } from '../../src/report/sheet-digest.ts'
import type { JournalEntry, RunHeader } from '../../src/run/model.ts'
import { createRun } from '../../src/run/store.ts'
import { type S3StoreAddress, storeUrl } from '../../src/run/team/address.ts'
import { Lease, readLease } from '../../src/run/team/lease.ts'
import type { StoreObjects } from '../../src/run/team/objects.ts'
import { readTeamRunState } from '../../src/run/team/read-state.ts'
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

/** Stands in front of moto for what moto cannot do (refuse access), and counts requests. */
let fault: AwsFaultServer
const moto = backend('moto')

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
    // A live driver for as long as the tests take, however loaded the machine.
    ...(holder === 'expired' ? { now: () => past, leaseMs: 60_000 } : { leaseMs: 60 * 60_000 }),
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
let drivenLease: Lease | undefined

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
  drivenLease = await toTeamStore(driven, 'driving')
  await toTeamStore(expired, 'expired')
  await toTeamStore(loose, 'none')
  await toTeamStore(finished, 'released')
  await toTeamStore(checked, 'none')
})

/** The sheet without what differs between two exports of one journal: when, and so the digest. */
function withoutExportTime(sheet: string): string {
  return sheet
    .replace(/^- \*\*Exported:\*\* .*$/m, '- **Exported:** (time)')
    .replace(/^Exported by (.*) at .* UTC\./m, 'Exported by $1 at (time).')
    .replace(/sha256:[0-9a-f]{64}/g, 'sha256:(digest)')
}

describe('the help of runs, export and verify', () => {
  it("says how a team store is named, that a checklist's store: does not apply, and the exit codes", async () => {
    for (const command of ['runs', 'export', 'verify']) {
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
      /· prod · ana\n {2}\d+\/\d+ answered · last activity .+ · in progress · driven by ana@laptop-7, last seen \d+ (s|min) ago\n/,
    )
    assert.match(
      block(expired.id),
      / · in progress · lease expired 1\d min ago \(ana@laptop-7, last seen 1\d min ago\)\n/,
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

describe('export --store', () => {
  it('writes the sheet from the stored journal and checklist text: a local export of the same journal, but for when', async () => {
    const local = join(dir, 'local.md')
    const mine = await runCli(['export', finished.id, '-o', local], { DEPLOY_WIZARD_HOME: homeA })
    assert.equal(mine.code, 0, mine.stderr)
    // The checklist file is gone, and machine B never had the run: the store has all it needs.
    rmSync(finished.path)
    const team = join(dir, 'team.md')
    const theirs = await runCli(['export', finished.id, '--store', url, '-o', team], onB())
    writeFileSync(finished.path, finished.text)
    assert.equal(theirs.code, 0, theirs.stderr)
    assert.equal(theirs.stderr, `wrote ${team}\n`)
    const sheet = readFileSync(team, 'utf8')
    assert.match(sheet, new RegExp(`^- \\*\\*Run:\\*\\* \`${finished.id}\`$`, 'm'))
    assert.equal(withoutExportTime(sheet), withoutExportTime(readFileSync(local, 'utf8')))
    assert.equal(existsSync(join(homeB, 'runs', `${finished.id}.json`)), false)
  })

  it('reads the checklist text the run started with, not a file of that name changed since', async () => {
    writeFileSync(expired.path, '# Something else entirely\n\n## Phase\n- [ ] Not this\n')
    try {
      const { code, stdout, stderr } = await runCli(['export', expired.id, '--store', url], onB())
      assert.equal(code, 0, stderr)
      assert.match(stdout, /^# Sign-off sheet: /)
      assert.doesNotMatch(stdout, /Something else entirely/)
      assert.match(stdout, /- unchanged during the run\n/)
      assert.doesNotMatch(stdout, /differs from the version the run last used/)
    } finally {
      writeFileSync(expired.path, expired.text)
    }
  })

  it('parses the stored checklist text once per machine: the next export reads it from the parse cache', async () => {
    const home = join(dir, 'home-cached')
    const cached = {
      DEPLOY_WIZARD_HOME: home,
      DEPLOY_WIZARD_STORE: undefined,
      DEPLOY_WIZARD_NO_CACHE: undefined,
    }
    const first = await runCli(['export', finished.id, '--store', url], cached)
    assert.equal(first.code, 0, first.stderr)
    const sha = createHash('sha256').update(finished.text).digest('hex')
    const entry = join(home, 'cache', 'checklists', `${sha}.json`)
    assert.ok(existsSync(entry), 'the parse is kept, by the sha256 of the stored text')
    const again = await runCli(['export', finished.id, '--store', url], cached)
    assert.equal(again.code, 0, again.stderr)
    assert.equal(withoutExportTime(again.stdout), withoutExportTime(first.stdout))
  })

  it("records the export in the team run beside the driver's entries, and the driver writes on", async () => {
    const etag = (await readLease(objects, driven.id))?.etag
    const sheet = join(dir, 'driven.md')
    const result = await runCli(
      ['export', driven.id, '--store', url, '-o', sheet],
      onB({ DEPLOY_WIZARD_OPERATOR: 'lead' }),
    )
    assert.equal(result.code, 0, result.stderr)
    const after = await readTeamRunState(objects, driven.id)
    const last = after?.events.at(-1)
    assert.equal(last?.seq, driven.journal.length + 1)
    assert.deepEqual(
      { ...last?.entry, at: undefined },
      {
        type: 'exported',
        at: undefined,
        by: 'lead',
        format: 'md',
        digest: sheetDigest(readFileSync(sheet, 'utf8')),
      },
    )
    // The driver's lease is untouched, and its next entry simply takes the next number.
    assert.equal((await readLease(objects, driven.id))?.etag, etag)
    assert.ok(drivenLease)
    const writer = new TeamRunWriter(objects, drivenLease, driven.journal.length + 1)
    const seq = await writer.append({
      id: 'after-export',
      entry: {
        type: 'note-added',
        at: new Date().toISOString(),
        by: 'ana',
        itemId: 'x',
        note: 'n',
      },
    })
    assert.equal(seq, driven.journal.length + 2)
  })

  it('exports the run as JSON and its checks as JUnit, as a local export does', async () => {
    for (const format of ['junit', 'json']) {
      const mine = await runCli(['export', checked.id, '--format', format], {
        DEPLOY_WIZARD_HOME: homeA,
      })
      assert.equal(mine.code, 0, mine.stderr)
      const theirs = await runCli(['export', checked.id, '--format', format, '--store', url], onB())
      assert.equal(theirs.code, 0, theirs.stderr)
      if (format === 'junit') {
        assert.match(theirs.stdout, /<testcase name="The API answers"/)
        assert.equal(theirs.stdout, mine.stdout)
      } else {
        // Each export is an entry, so only when the run was last touched differs.
        const strip = (text: string) => {
          const { state, ...rest } = JSON.parse(text)
          return { ...rest, state: { ...state, lastActivityAt: undefined } }
        }
        assert.deepEqual(strip(theirs.stdout), strip(mine.stdout))
      }
    }
  })

  it('says there is no such run in the store, naming close ones', async () => {
    const close = await runCli(['export', loose.id.slice(0, -2), '--store', url], onB())
    assert.equal(close.code, 2)
    assert.match(
      close.stderr,
      new RegExp(
        `^deploy-wizard: no run '${loose.id.slice(0, -2)}' in the team store ${url} \\(from --store\\)\n`,
      ),
    )
    assert.match(close.stderr, new RegExp(`did you mean: .*${loose.id}`))
    const none = await runCli(['export', 'prod-20261122-zzzz', '--store', url], onB())
    assert.equal(none.code, 2)
    assert.match(
      none.stderr,
      new RegExp(`deploy-wizard runs --all --store ${url} lists the team's runs`),
    )
    assert.doesNotMatch(none.stderr + close.stderr, /hit a bug|\n\s+at /)
  })
})

describe('verify --store', () => {
  it('accepts a sheet the team run exported, and refuses it edited, or edited and sealed again', async () => {
    const sheet = join(dir, 'verify.md')
    const exported = await runCli(['export', loose.id, '--store', url, '-o', sheet], onB())
    assert.equal(exported.code, 0, exported.stderr)
    const text = readFileSync(sheet, 'utf8')

    // On a third machine, from the store alone.
    const elsewhere = { DEPLOY_WIZARD_HOME: join(dir, 'home-c'), DEPLOY_WIZARD_STORE: url }
    const intact = await runCli(['verify', sheet], elsewhere)
    assert.equal(intact.code, 0, intact.stderr)
    assert.match(
      intact.stdout,
      new RegExp(
        `is as exported \\(sha256 [0-9a-f]{16}…\\): exported by run ${loose.id} in the team store ${url}, by \\S+ at 20`,
      ),
    )

    writeFileSync(sheet, text.replace('✅ done', '❌ **failed**'))
    const edited = await runCli(['verify', sheet, '--store', url], onB())
    assert.equal(edited.code, 1)
    assert.match(
      edited.stdout,
      /was changed after export: its content no longer matches its digest/,
    )

    const body = text.slice(0, text.indexOf('Digest: `sha256:'))
    writeFileSync(sheet, sealSheet(body.replace('✅ done', '❌ **failed**')))
    const resealed = await runCli(['verify', sheet, '--store', url], onB())
    assert.equal(resealed.code, 1, resealed.stderr)
    assert.match(
      resealed.stdout,
      new RegExp(`is sealed, but run ${loose.id} in the team store ${url} never exported it`),
    )
  })

  it('says the store has no such run, rather than guess', async () => {
    const sheet = join(dir, 'elsewhere.md')
    const exported = await runCli(['export', loose.id, '--store', url, '-o', sheet], onB())
    assert.equal(exported.code, 0, exported.stderr)
    // A sheet of a run this store never had: sealed, so only its run can say.
    const text = readFileSync(sheet, 'utf8')
    const body = text.slice(0, text.indexOf('Digest: `sha256:'))
    writeFileSync(sheet, sealSheet(body.replace(loose.id, 'prod-20261122-none')))
    const result = await runCli(['verify', sheet, '--store', url], onB())
    assert.equal(result.code, 2, result.stdout)
    assert.match(
      result.stderr,
      new RegExp(
        `^deploy-wizard: no run 'prod-20261122-none' in the team store ${url} \\(from --store\\)\n`,
      ),
    )
    assert.equal(result.stdout, '')
  })

  it("refuses a sheet exported on this machine only: the team's run never recorded it", async () => {
    const sheet = join(dir, 'local-only.md')
    const mine = await runCli(['export', loose.id, '-o', sheet], { DEPLOY_WIZARD_HOME: homeA })
    assert.equal(mine.code, 0, mine.stderr)
    const result = await runCli(['verify', sheet, '--store', url], onB())
    assert.equal(result.code, 1)
    assert.match(result.stdout, /never exported it/)
  })
})

describe('a team store that cannot be read', () => {
  it('says the bucket does not exist, in one line with a hint, and exits 2', async () => {
    const missing = `s3://dw-team-missing-${Date.now()}/deploy-wizard`
    for (const args of [
      ['runs', '--store', missing],
      ['export', loose.id, '--store', missing],
    ]) {
      const { code, stderr } = await runCli(args, onB())
      assert.equal(code, 2, stderr)
      assert.match(
        stderr,
        new RegExp(
          `^deploy-wizard: there is no bucket 'dw-team-missing-\\d+' for the team store ${missing} \\(from --store\\)\n {2}check the bucket's name`,
        ),
      )
      assert.equal(stderr.split('\n').length, 3, stderr)
    }
  })

  it('reports a run whose entries were tampered with, lists the others, and will not export it', async () => {
    const other = await newTeamStore('damaged')
    const otherUrl = storeUrl(other)
    const its = storeObjects(other)
    try {
      await createTeamRun(its, loose.header, loose.text)
      const damaged = { ...loose.header, id: 'prod-20261122-gap0' }
      await createTeamRun(its, damaged, loose.text)
      // Entries 1 and 3, no 2: not something deploy-wizard writes.
      for (const seq of [1, 3]) {
        await writeEvent(its, damaged.id, seq, {
          id: `e${seq}`,
          entry: loose.journal[seq - 1] as JournalEntry,
        })
      }
      await writeEvent(its, loose.id, 1, { id: 'e1', entry: loose.journal[0] as JournalEntry })

      const listed = await runCli(['runs', '--store', otherUrl], onB())
      assert.equal(listed.code, 0, listed.stderr)
      assert.match(listed.stdout, new RegExp(`^${loose.id} `, 'm'))
      assert.doesNotMatch(listed.stdout, /gap0/)
      assert.equal(
        listed.stderr,
        `deploy-wizard: run ${damaged.id} in the team store ${otherUrl} cannot be read: run ${damaged.id} has no entry 2 in the team store\n`,
      )
      const exported = await runCli(['export', damaged.id, '--store', otherUrl], onB())
      assert.equal(exported.code, 2, exported.stderr)
      assert.match(
        exported.stderr,
        /cannot be read: run \S+ has no entry 2 in the team store\n {2}its objects were changed by something other than deploy-wizard/,
      )
      assert.doesNotMatch(exported.stderr, /hit a bug|\n\s+at /)
    } finally {
      await its.close()
    }
  })

  it('says there are no AWS credentials, or no region, rather than that the store is down', async () => {
    const noConfig = join(dir, 'no-aws-config')
    const noCredentials = await runCli(
      ['runs', '--store', url],
      onB({
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined,
        AWS_SESSION_TOKEN: undefined,
        AWS_PROFILE: undefined,
        AWS_CONFIG_FILE: noConfig,
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-aws-credentials'),
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
        AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
        AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
      }),
    )
    assert.equal(noCredentials.code, 2, noCredentials.stderr)
    assert.match(
      noCredentials.stderr,
      new RegExp(
        `^deploy-wizard: no AWS credentials to read the team store ${url} \\(from --store\\)\n {2}log in as you do for the AWS CLI`,
      ),
    )
    const noRegion = await runCli(
      ['runs', '--store', url],
      onB({ AWS_CONFIG_FILE: noConfig, AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined }),
    )
    assert.equal(noRegion.code, 2, noRegion.stderr)
    assert.match(
      noRegion.stderr,
      /^deploy-wizard: no AWS region to reach the team store .*\n {2}set AWS_REGION/,
    )
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
        `^deploy-wizard: the team store ${url} \\(from --store\\) could not list runs: connection refused \\(5 attempts\\)\n {2}nothing was changed; check the network or VPN`,
      ),
    )
  })
})

describe('through a fault server in front of the store', () => {
  const throughFault = (extra: NodeJS.ProcessEnv = {}) =>
    onB({ AWS_ENDPOINT_URL: fault.url, ...extra })
  const keyOf = (request: { params: Readonly<Record<string, unknown>> }) =>
    String(request.params.Key)

  it('exports through the segments: no entry of a whole hundred is fetched on its own', async () => {
    fault.script(() => ({ forward: moto }))
    const result = await runCli(['export', driven.id, '--store', url], throughFault())
    assert.equal(result.code, 0, result.stderr)
    const gets = fault.requests.filter((r) => r.action === 'GetObject').map(keyOf)
    assert.deepEqual(
      gets.filter((key) => key.includes('/segments/')).map((key) => key.replace(/^.*\//, '')),
      ['00000001-00000100.json'],
    )
    const events = gets.flatMap((key) => /\/events\/(\d+)\.json$/.exec(key)?.[1] ?? [])
    assert.ok(events.length > 0, 'the entries after the segment are read')
    assert.ok(
      events.every((seq) => Number(seq) > 100),
      `entries of the sealed hundred were fetched: ${events.join(', ')}`,
    )
  })

  it('gives up on a silent store after DEPLOY_WIZARD_STORE_TIMEOUT per try, in plain words, with nothing more on stderr for scripts', async () => {
    fault.script(() => 'hang')
    try {
      const { code, stdout, stderr } = await runCli(
        ['runs', '--store', url, '--json'],
        throughFault({ DEPLOY_WIZARD_STORE_TIMEOUT: '300ms' }),
      )
      assert.equal(code, 69, stderr)
      assert.equal(stdout, '')
      assert.match(
        stderr,
        new RegExp(
          `^deploy-wizard: the team store ${url} \\(from --store\\) could not list runs: no answer within 300ms \\(5 attempts\\)\n {2}nothing was changed; check the network or VPN[^\n]*\n$`,
        ),
      )
    } finally {
      fault.script(() => ({ forward: moto }))
    }
  })

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

  it('with an identity that may only read, lists and verifies, but exports nothing it cannot record', async () => {
    // Reads go through; every write (an entry, a segment) is refused, as for a read-only policy.
    fault.script((request) =>
      request.action === 'PutObject'
        ? { error: 'AccessDenied', message: 'Access Denied', status: 403 }
        : { forward: moto },
    )
    const listed = await runCli(['runs', '--store', url], throughFault())
    assert.equal(listed.code, 0, listed.stderr)
    assert.match(listed.stdout, new RegExp(driven.id))
    const sealed = join(dir, 'sealed-before.md')
    await runCli(['export', loose.id, '--store', url, '-o', sealed], onB())
    const verified = await runCli(['verify', sealed, '--store', url], throughFault())
    assert.equal(verified.code, 0, verified.stderr)
    assert.match(verified.stdout, /is as exported/)

    const before = (await readTeamRunState(objects, checked.id))?.events.length
    const sheet = join(dir, 'read-only.md')
    const exported = await runCli(
      ['export', checked.id, '--store', url, '-o', sheet],
      throughFault(),
    )
    assert.equal(exported.code, 2, exported.stderr)
    assert.match(
      exported.stderr,
      new RegExp(
        `^deploy-wizard: cannot record the export in run ${checked.id} in the team store ${url}: AccessDenied\n {2}nothing was exported`,
      ),
    )
    assert.equal(existsSync(sheet), false)
    assert.equal((await readTeamRunState(objects, checked.id))?.events.length, before)
  })
})
