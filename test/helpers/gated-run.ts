/**
 * A team run with approval gates for the approval tests: put into a new moto bucket through
 * the store's own library, as the driver's wizard would (header, lease, entries), and an
 * approver with an AWS identity of their own (another moto account). The caller points the
 * AWS SDK at moto first (pointAwsAt).
 */
import { join } from 'node:path'
import { parseChecklist } from '../../src/checklist/parse.ts'
import { type JournalEntry, RUN_FORMAT, type RunHeader } from '../../src/run/model.ts'
import { snapshotOf } from '../../src/run/resume.ts'
import { type S3StoreAddress, storeUrl } from '../../src/run/team/address.ts'
import { Lease } from '../../src/run/team/lease.ts'
import type { StoreObjects } from '../../src/run/team/objects.ts'
import { createTeamRun, TeamRunWriter } from '../../src/run/team/team-run.ts'
import { assumeMotoAccount, credentialsEnv, newAccountId } from './moto-accounts.ts'
import { newTeamStore, storeObjects } from './team-store.ts'
import { tempDir } from './temp.ts'

export const GATED_CHECKLIST = `---
title: Release
environments: [dev, prod]
---
## Pre-Deployment
- [ ] Backup taken
- [ ] Release notes reviewed
- [ ] Smoke tests pass

<!-- gate: approval "Change board" -->

## Deployment
- [ ] Deploy the stack

<!-- gate: approval "Go decision" approver=anyone -->

## Verify
- [ ] Dashboards green
`

/** Someone who approves: their AWS account and the environment the CLI runs with as them. */
export interface Approver {
  readonly account: string
  readonly env: Record<string, string>
}

/** Bea, in an AWS account of her own (a new moto account), with a home of her own. */
export async function newApprover(): Promise<Approver> {
  const account = newAccountId()
  const credentials = await assumeMotoAccount(account)
  return {
    account,
    env: {
      ...credentialsEnv(credentials),
      DEPLOY_WIZARD_OPERATOR: 'bea',
      DEPLOY_WIZARD_HOME: join(tempDir('approve-bea'), 'home'),
    },
  }
}

/** Ana's own environment: the identity her wizard drives the run as (the test's own credentials). */
export function anaEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    DEPLOY_WIZARD_OPERATOR: 'ana',
    DEPLOY_WIZARD_HOME: join(tempDir('approve-ana'), 'home'),
    ...extra,
  }
}

export interface TeamRun {
  readonly address: S3StoreAddress
  readonly objects: StoreObjects
  readonly id: string
  readonly url: string
  readonly writer: TeamRunWriter
  /** The AWS identity Ana's lease names. */
  readonly driverArn: string
}

/**
 * A prod run Ana drives, in a new bucket: started, the backup done, the smoke tests failed.
 * Her lease names the identity the test process has in moto (the default credentials). The
 * caller closes `objects`.
 */
export async function gatedTeamRun(label: string, markdown = GATED_CHECKLIST): Promise<TeamRun> {
  const address = await newTeamStore(label)
  const objects = storeObjects(address)
  const id = 'prod-20261204-a7c3'
  const header: RunHeader = {
    format: RUN_FORMAT,
    id,
    checklist: { path: '/home/ana/release.md', title: 'Release' },
    environment: 'prod',
    operator: 'ana',
    host: 'laptop-7',
    startedAt: '2026-12-04T12:00:00.000Z',
    toolVersion: '0.0.0-test',
  }
  await createTeamRun(objects, header, markdown)
  const driverArn = await objects.callerArn()
  const lease = await Lease.acquire(objects, id, {
    driver: { holder: 'ana', host: 'laptop-7', arn: driverArn },
  })
  const writer = new TeamRunWriter(objects, lease, 1)
  const { checklist } = parseChecklist(markdown, { path: 'release.md' })
  const entries: JournalEntry[] = [
    {
      type: 'run-started',
      at: '2026-12-04T12:00:00.000Z',
      by: 'ana',
      sha256: checklist.sha256,
      items: snapshotOf(checklist, 'prod'),
    },
    {
      type: 'item-answered',
      at: '2026-12-04T12:01:00.000Z',
      by: 'ana',
      itemId: 'pre-deployment/backup-taken',
      state: 'done',
    },
    {
      type: 'item-answered',
      at: '2026-12-04T12:02:00.000Z',
      by: 'ana',
      itemId: 'pre-deployment/smoke-tests-pass',
      state: 'failed',
      note: '503 on /ready',
    },
  ]
  for (const [n, entry] of entries.entries()) {
    await writer.append({ id: `ana-${n}`, entry: { ...entry } })
  }
  return { address, objects, id, url: storeUrl(address), writer, driverArn }
}
