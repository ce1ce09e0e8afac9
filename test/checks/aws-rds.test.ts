/**
 * `rds.instance` and `rds.cluster` against moto_server (databases made here
 * with the real SDK), and against our fault server for what moto cannot do:
 * Performance Insights (moto does not keep it), an Aurora cluster that leaves
 * it to its instances, a database still being modified, throttling, an
 * endpoint that never answers. moto is shared with other test files:
 * identifiers carry a per-run suffix.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import {
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  type CreateDBInstanceCommandInput,
  RDSClient,
  StopDBInstanceCommand,
} from '@aws-sdk/client-rds'
import { parseChecklist } from '../../src/checklist/parse.ts'
import { iamActionsOf } from '../../src/checks/registry.ts'
import {
  type AwsReply,
  pointAwsAt,
  startAwsFaultServer,
  WITHOUT_AWS_CREDENTIALS,
  withEnv,
} from '../helpers/aws-fault-server.ts'
import {
  backend,
  type ChecklistRun,
  checklistOf,
  type RunOptions,
  runChecklist,
} from '../helpers/checks.ts'

pointAwsAt(backend('moto'))
const fault = await startAwsFaultServer()

const run = randomUUID().slice(0, 8)
/** PostgreSQL with every safety setting on. */
const SAFE = `dw-${run}-orders`
/** MySQL with every one off. */
const BARE = `dw-${run}-scratch`
const STOPPED = `dw-${run}-reports`
/** Aurora, encrypted and protected, with one private instance. */
const CLUSTER = `dw-${run}-platform`
/** Aurora with a second, public instance. */
const OPEN_CLUSTER = `dw-${run}-analytics`

const rds = new RDSClient({ region: 'us-east-1', maxAttempts: 1 })
const credentials = { MasterUsername: 'admin', MasterUserPassword: `pw-${randomUUID()}` }
let safeArn = ''

before(async () => {
  const instance = (
    input: Partial<CreateDBInstanceCommandInput> &
      Pick<CreateDBInstanceCommandInput, 'DBInstanceIdentifier' | 'Engine'>,
  ) =>
    rds.send(
      new CreateDBInstanceCommand({
        DBInstanceClass: 'db.t3.micro',
        AllocatedStorage: 20,
        ...credentials,
        ...input,
      }),
    )
  const safe = await instance({
    DBInstanceIdentifier: SAFE,
    Engine: 'postgres',
    EngineVersion: '15.4',
    MultiAZ: true,
    BackupRetentionPeriod: 7,
    DeletionProtection: true,
    PubliclyAccessible: false,
    StorageEncrypted: true,
  })
  safeArn = safe.DBInstance?.DBInstanceArn ?? ''
  await instance({
    DBInstanceIdentifier: BARE,
    Engine: 'mysql',
    EngineVersion: '8.0.35',
    BackupRetentionPeriod: 0,
    PubliclyAccessible: true,
  })
  await instance({ DBInstanceIdentifier: STOPPED, Engine: 'postgres', EngineVersion: '15.4' })
  await rds.send(new StopDBInstanceCommand({ DBInstanceIdentifier: STOPPED }))
  for (const cluster of [CLUSTER, OPEN_CLUSTER]) {
    await rds.send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: cluster,
        Engine: 'aurora-postgresql',
        EngineVersion: '15.4',
        StorageEncrypted: true,
        DeletionProtection: true,
        BackupRetentionPeriod: 3,
        ...credentials,
      }),
    )
    await instance({
      DBInstanceIdentifier: `${cluster}-1`,
      DBClusterIdentifier: cluster,
      DBInstanceClass: 'db.r6g.large',
      Engine: 'aurora-postgresql',
      PubliclyAccessible: false,
    })
  }
  await instance({
    DBInstanceIdentifier: `${OPEN_CLUSTER}-2`,
    DBClusterIdentifier: OPEN_CLUSTER,
    DBInstanceClass: 'db.r6g.large',
    Engine: 'aurora-postgresql',
    PubliclyAccessible: true,
  })
})

after(async () => {
  rds.destroy()
  await fault.close()
})

async function check(directive: string, options: RunOptions = {}) {
  return (await runChecklist(checklistOf(directive), options)).result()
}

/** The run of one check, with the SDK pointed at the fault server. */
function runOnFault(directive: string, options: RunOptions = {}): Promise<ChecklistRun> {
  return withEnv({ AWS_ENDPOINT_URL: fault.url }, () =>
    runChecklist(checklistOf(directive), options),
  )
}

async function checkOnFault(directive: string, options: RunOptions = {}) {
  return (await runOnFault(directive, options)).result()
}

function iamOf(directive: string): readonly string[] {
  const item = parseChecklist(checklistOf(directive), { path: 'inline.md' }).checklist.items[0]
  assert.ok(item)
  return iamActionsOf(item)
}

describe('rds permissions', () => {
  it('names one Describe call, and the instances of a cluster only for what Aurora keeps per instance', () => {
    assert.deepEqual(iamOf('rds.instance name=db public=false performance-insights=true'), [
      'rds:DescribeDBInstances',
    ])
    assert.deepEqual(iamOf('rds.cluster name=db encrypted=true multi-az=true'), [
      'rds:DescribeDBClusters',
    ])
    assert.deepEqual(iamOf('rds.cluster name=db public=false'), [
      'rds:DescribeDBClusters',
      'rds:DescribeDBInstances',
    ])
  })
})

describe('rds.instance against moto', () => {
  it('passes with every setting as asked, and says what it verified', async () => {
    const result = await check(
      `rds.instance name=${SAFE} engine=postgres multi-az=true backup-retention=7 deletion-protection=true public=false encrypted=true`,
    )
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.equal(
      result.summary,
      `${SAFE} available, postgres 15.4, Multi-AZ, backups kept 7 days, deletion protection on, not public, encrypted`,
    )
    assert.equal(result.evidence?.instance, SAFE)
    assert.equal(result.evidence?.status, 'available')
    assert.equal(result.evidence?.engine, 'postgres 15.4')
    assert.match(String(result.evidence?.endpoint), new RegExp(`^${SAFE}\\..+:5432$`))
    assert.equal(result.evidence?.backupRetentionDays, 7)
    assert.equal(result.evidence?.arn, safeArn)
  })

  it('takes the ARN for the identifier', async () => {
    const result = await check(`rds.instance name=${safeArn} encrypted=true`)
    assert.equal(result.status, 'pass', result.summary)
    assert.match(result.summary, new RegExp(`^${SAFE} available, `))
  })

  it('lists every unmet expectation, with what cannot be changed in place', async () => {
    const result = await check(
      `rds.instance name=${BARE} engine=postgres multi-az=true backup-retention=7 performance-insights=true deletion-protection=true public=false encrypted=true`,
    )
    assert.equal(result.status, 'fail')
    assert.equal(
      result.summary,
      `DB instance ${BARE} is not as required: engine is mysql (expected postgres) (and 6 more)`,
    )
    assert.deepEqual(result.details, [
      'engine is mysql (expected postgres)',
      'single-AZ (expected Multi-AZ)',
      'automated backups are off (expected kept at least 7 days)',
      'Performance Insights is off (expected on)',
      'deletion protection is off (expected on)',
      'publicly accessible (expected not public)',
      'storage is not encrypted (expected encrypted)',
      'encryption cannot be turned on in place: restore an encrypted copy of a snapshot',
    ])
  })

  it('passes a bare instance when each setting is asked to be off', async () => {
    const result = await check(
      `rds.instance name=${BARE} multi-az=false performance-insights=false deletion-protection=false public=true encrypted=false`,
    )
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.equal(
      result.summary,
      `${BARE} available, mysql 8.0.35, single-AZ, Performance Insights off, deletion protection off, publicly accessible, not encrypted`,
    )
  })

  it('fails a safe instance asked to be otherwise, and too short a backup retention', async () => {
    const result = await check(
      `rds.instance name=${SAFE} multi-az=false backup-retention=14 deletion-protection=false public=true encrypted=false`,
    )
    assert.equal(result.status, 'fail')
    assert.deepEqual(result.details, [
      'Multi-AZ (expected single-AZ)',
      'backups are kept 7 days (expected at least 14)',
      'deletion protection is on (expected off)',
      'not publicly accessible (expected public)',
      'storage is encrypted (expected not encrypted)',
    ])
  })

  it('fails a stopped instance, saying how to start it', async () => {
    const result = await check(`rds.instance name=${STOPPED}`)
    assert.equal(result.status, 'fail')
    assert.equal(
      result.summary,
      `DB instance ${STOPPED} is not as required: instance is stopped (expected available)`,
    )
    assert.deepEqual(result.details, [
      'instance is stopped (expected available)',
      `to start it: aws rds start-db-instance --db-instance-identifier ${STOPPED}`,
    ])
  })

  it('fails for an instance that does not exist', async () => {
    const result = await check(`rds.instance name=dw-${run}-nope`)
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, `DB instance dw-${run}-nope does not exist`)
    assert.deepEqual(result.details, ['check the identifier and the region (us-east-1)'])
  })
})

describe('rds.cluster against moto', () => {
  it('passes with every setting as asked, reading public access of its instances', async () => {
    const result = await check(
      `rds.cluster name=${CLUSTER} engine=aurora-postgresql backup-retention=3 deletion-protection=true public=false encrypted=true`,
    )
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.equal(
      result.summary,
      `${CLUSTER} available, aurora-postgresql 15.4, backups kept 3 days, deletion protection on, not public, encrypted`,
    )
    assert.equal(result.evidence?.cluster, CLUSTER)
    assert.deepEqual(result.evidence?.instances, [`${CLUSTER}-1 (writer)`])
  })

  it('fails a cluster with a publicly accessible instance, naming it', async () => {
    const result = await check(`rds.cluster name=${OPEN_CLUSTER} public=false multi-az=true`)
    assert.equal(result.status, 'fail')
    assert.deepEqual(result.details, [
      'single-AZ (expected Multi-AZ)',
      `instance ${OPEN_CLUSTER}-2 publicly accessible (expected not public)`,
    ])
    assert.equal(result.evidence?.public, true)
  })

  it('fails for a cluster that does not exist', async () => {
    const result = await check(`rds.cluster name=dw-${run}-nope`)
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, `DB cluster dw-${run}-nope does not exist`)
  })
})

function instance(status: string, extra: Record<string, unknown> = {}) {
  return {
    DBInstanceIdentifier: 'orders',
    DBInstanceArn: 'arn:aws:rds:us-east-1:123456789012:db:orders',
    DBInstanceStatus: status,
    DBInstanceClass: 'db.r6g.large',
    Engine: 'postgres',
    EngineVersion: '16.2',
    Endpoint: { Address: 'orders.abc.us-east-1.rds.amazonaws.com', Port: 5432 },
    MultiAZ: true,
    BackupRetentionPeriod: 7,
    StorageEncrypted: true,
    ...extra,
  }
}

function instances(...found: ReturnType<typeof instance>[]): AwsReply {
  return { result: { DBInstances: found } }
}

function cluster(extra: Record<string, unknown> = {}): AwsReply {
  return {
    result: {
      DBClusters: [
        {
          DBClusterIdentifier: 'platform',
          Status: 'available',
          Engine: 'aurora-postgresql',
          EngineVersion: '16.2',
          BackupRetentionPeriod: 7,
          StorageEncrypted: true,
          DBClusterMembers: [
            { DBInstanceIdentifier: 'platform-1', IsClusterWriter: true },
            { DBInstanceIdentifier: 'platform-2', IsClusterWriter: false },
          ],
          ...extra,
        },
      ],
    },
  }
}

const THROTTLED: AwsReply = { error: 'Throttling', message: 'Rate exceeded', status: 400 }

/** Progress messages the run reported, with the times taken out. */
function progressOf(checked: ChecklistRun): string[] {
  return checked.events.flatMap((e) =>
    e.type === 'check-progress' ? [e.message.replace(/\((?:\d+ms|\d+\.\ds)\)$/, '(…)')] : [],
  )
}

describe('rds in states moto cannot produce', () => {
  it('passes an instance with Performance Insights on', async () => {
    fault.script(() => instances(instance('available', { PerformanceInsightsEnabled: true })))
    const result = await checkOnFault('rds.instance name=orders performance-insights=true')
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(result.summary, 'orders available, postgres 16.2, Performance Insights on')
  })

  it("reads an Aurora cluster's Performance Insights from its instances, naming those without", async () => {
    fault.script(({ action }) =>
      action === 'DescribeDBClusters'
        ? cluster()
        : instances(
            instance('available', {
              DBInstanceIdentifier: 'platform-1',
              PerformanceInsightsEnabled: true,
            }),
            instance('available', { DBInstanceIdentifier: 'platform-2' }),
          ),
    )
    const result = await checkOnFault('rds.cluster name=platform performance-insights=true')
    assert.equal(result.status, 'fail')
    assert.deepEqual(result.details, [
      'Performance Insights is off on platform-2 (expected on for every instance)',
    ])
    assert.deepEqual(
      fault.requests.map((r) => r.action),
      ['DescribeDBClusters', 'DescribeDBInstances'],
    )
    assert.equal(fault.requests[1]?.params['Filters.Filter.1.Name'], 'db-cluster-id')
    assert.equal(fault.requests[1]?.params['Filters.Filter.1.Values.Value.1'], 'platform')
  })

  it('takes a cluster at its word when it says Performance Insights is on, without reading its instances', async () => {
    fault.script(() => cluster({ PerformanceInsightsEnabled: true }))
    const result = await checkOnFault('rds.cluster name=platform performance-insights=true')
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(
      result.summary,
      'platform available, aurora-postgresql 16.2, Performance Insights on',
    )
    assert.deepEqual(
      fault.requests.map((r) => r.action),
      ['DescribeDBClusters'],
    )
  })

  it('waits out an instance being modified, showing its status, then passes', async () => {
    fault.script((_, n) => instances(instance(n <= 2 ? 'modifying' : 'available')))
    const checked = await runOnFault('rds.instance name=orders multi-az=true; timeout: 3s')
    const result = checked.result()
    assert.equal(result.status, 'pass', result.summary)
    assert.deepEqual(progressOf(checked), ['modifying, waiting (…)', 'modifying, waiting (…)'])
  })

  it('says what it is still waiting for just before its timeout', async () => {
    fault.script(() => instances(instance('creating')))
    const result = await checkOnFault('rds.instance name=orders; timeout: 1s')
    assert.equal(result.status, 'error')
    assert.equal(result.summary, 'still creating after 1s')
  })

  it('passes an instance taking a backup, which serves connections meanwhile', async () => {
    fault.script(() => instances(instance('backing-up')))
    const result = await checkOnFault('rds.instance name=orders; timeout: 1s')
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(result.summary, 'orders backing-up, postgres 16.2')
    assert.equal(fault.requests.length, 1)
  })

  it('fails at once a cluster whose encryption key is out of reach, pointing at its events', async () => {
    fault.script(() => cluster({ Status: 'inaccessible-encryption-credentials' }))
    const result = await checkOnFault('rds.cluster name=platform')
    assert.equal(result.status, 'fail')
    assert.deepEqual(result.details, [
      'cluster is inaccessible-encryption-credentials (expected available)',
      'what happened to it: aws rds describe-events --source-type db-cluster --source-identifier platform',
    ])
    assert.equal(fault.requests.length, 1)
  })

  it('retries throttling, then passes', async () => {
    fault.script((_, n) => (n <= 2 ? THROTTLED : instances(instance('available'))))
    const result = await checkOnFault('rds.instance name=orders')
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(result.attempts, 3)
  })

  it('gives up with an error when the throttling does not stop', async () => {
    fault.script(() => THROTTLED)
    const result = await checkOnFault('rds.cluster name=platform')
    assert.equal(result.status, 'error')
    assert.equal(
      result.summary,
      'AWS throttled rds:DescribeDBClusters (Throttling) (gave up after 4 attempts)',
    )
  })

  it('names the permission reading the instances of a cluster needs', async () => {
    fault.script(({ action }) =>
      action === 'DescribeDBClusters'
        ? cluster()
        : { error: 'AccessDenied', message: 'not authorized', status: 403 },
    )
    const result = await checkOnFault('rds.cluster name=platform public=false')
    assert.equal(result.status, 'error')
    assert.equal(
      result.summary,
      'access denied: the AWS identity may not call rds:DescribeDBInstances',
    )
  })

  it('says no answer came from an endpoint that never answers', async () => {
    fault.script(() => 'hang')
    const result = await checkOnFault('rds.instance name=orders', { awsRequestTimeoutMs: 200 })
    assert.equal(result.status, 'error')
    assert.match(
      result.summary,
      /^no answer from .+ to rds:DescribeDBInstances within \d+m?s: check the VPN/,
    )
  })

  it('errors with what to set when there are no credentials', async () => {
    fault.script(() => instances(instance('available')))
    const result = await withEnv(WITHOUT_AWS_CREDENTIALS, () =>
      checkOnFault('rds.instance name=orders'),
    )
    assert.equal(result.status, 'error')
    assert.equal(result.summary, 'no AWS credentials')
    assert.equal(fault.requests.length, 0)
  })

  it('does not take an answer without the instance for one that does not exist', async () => {
    fault.script(() => instances())
    const result = await checkOnFault('rds.instance name=orders')
    assert.equal(result.status, 'error')
    assert.match(result.summary, /^unexpected answer from RDS at .*: DBInstances is empty$/)
  })
})
