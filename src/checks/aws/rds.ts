/**
 * `rds.instance` and `rds.cluster`: a DB instance or cluster is available,
 * with Multi-AZ, backup retention, Performance Insights, deletion protection,
 * public access, storage encryption and engine as asked. One Describe call
 * answers all of it; a status on its way to available (creating, modifying,
 * rebooting…) is waited out up to the timeout. Aurora keeps Performance
 * Insights and public access per instance: when the cluster does not settle
 * them, its instances are read too, and only then. Every unmet expectation is
 * listed.
 */
import type { RDSClient } from '@aws-sdk/client-rds'
import * as z from 'zod'
import { formatLimit } from '../../duration.ts'
import { type CheckContext, error, fail, pass, type RunCheck } from '../kind.ts'
import type { DatabaseParams as Params } from '../kinds/rds.ts'
import type { CheckOutcome } from '../runner.ts'
import { expectAnswer } from './answers.ts'
import { awsCall, awsErrorName, awsErrorOutcome } from './errors.ts'
import { regionOf, targetOf } from './target.ts'
import { waitWhileBusy } from './wait.ts'

/** Statuses in which the database serves connections. */
const USABLE = new Set(['available', 'backing-up', 'storage-optimization'])

/** Statuses that end in available by themselves: worth waiting for. */
const ON_THE_WAY = new Set([
  'creating',
  'modifying',
  'rebooting',
  'starting',
  'upgrading',
  'renaming',
  'maintenance',
  'resetting-master-credentials',
  'moving-to-vpc',
  'converting-to-vpc',
  'configuring-enhanced-monitoring',
  'configuring-iam-database-auth',
  'configuring-log-exports',
  'configuring-activity-stream',
  'migrating',
  'preparing-data-migration',
  'promoting',
  'failing-over',
  'backtracking',
  'update-iam-db-auth',
])

const InstanceShape = z.object({
  DBInstanceIdentifier: z.string(),
  DBInstanceArn: z.string().optional(),
  DBInstanceStatus: z.string(),
  DBInstanceClass: z.string().optional(),
  Engine: z.string(),
  EngineVersion: z.string().optional(),
  Endpoint: z.object({ Address: z.string().optional(), Port: z.number().optional() }).optional(),
  MultiAZ: z.boolean().optional(),
  BackupRetentionPeriod: z.number().optional(),
  PerformanceInsightsEnabled: z.boolean().optional(),
  DeletionProtection: z.boolean().optional(),
  PubliclyAccessible: z.boolean().optional(),
  StorageEncrypted: z.boolean().optional(),
})
type Instance = z.output<typeof InstanceShape>

const InstancesAnswer = z.object({ DBInstances: z.array(InstanceShape) })
/** Describing one by identifier: RDS answers a missing one with an error, never with none. */
const OneInstanceAnswer = z.object({ DBInstances: z.array(InstanceShape).min(1) })

const ClustersAnswer = z.object({
  DBClusters: z
    .array(
      z.object({
        DBClusterIdentifier: z.string(),
        DBClusterArn: z.string().optional(),
        Status: z.string(),
        Engine: z.string(),
        EngineVersion: z.string().optional(),
        Endpoint: z.string().optional(),
        Port: z.number().optional(),
        MultiAZ: z.boolean().optional(),
        BackupRetentionPeriod: z.number().optional(),
        PerformanceInsightsEnabled: z.boolean().optional(),
        DeletionProtection: z.boolean().optional(),
        PubliclyAccessible: z.boolean().optional(),
        StorageEncrypted: z.boolean().optional(),
        DBClusterMembers: z
          .array(
            z.object({
              DBInstanceIdentifier: z.string(),
              IsClusterWriter: z.boolean().optional(),
            }),
          )
          .optional(),
      }),
    )
    .min(1),
})
type Cluster = z.output<typeof ClustersAnswer>['DBClusters'][number]

/** An instance or a cluster, as far as the checks read it. */
interface Database {
  readonly type: 'instance' | 'cluster'
  readonly id: string
  readonly arn: string | undefined
  readonly status: string
  readonly engine: string
  readonly engineVersion: string | undefined
  readonly endpoint: string | undefined
  readonly multiAz: boolean
  readonly backupRetention: number
  /** Undefined when a cluster's answer leaves it to its instances (Aurora). */
  readonly performanceInsights: boolean | undefined
  readonly deletionProtection: boolean
  readonly public: boolean | undefined
  readonly encrypted: boolean
  readonly members: readonly { readonly id: string; readonly writer: boolean }[]
  readonly extra: Record<string, unknown>
}

/** Runs an `rds.instance` check (its parameters: kinds/rds.ts). */
export const checkDbInstance: RunCheck<Params> = (p, ctx) => guarded(p, ctx, 'instance')

/** Runs an `rds.cluster` check (its parameters: kinds/rds.ts). */
export const checkDbCluster: RunCheck<Params> = (p, ctx) => guarded(p, ctx, 'cluster')

async function guarded(
  p: Params,
  ctx: CheckContext,
  type: Database['type'],
): Promise<CheckOutcome> {
  try {
    return await judgeDatabase(p, ctx, type)
  } catch (caught) {
    return awsErrorOutcome(caught, { signal: ctx.signal, profile: p.profile })
  }
}

/** What was found against what was asked: lines for the summary and for the details. */
interface Findings {
  readonly verified: string[]
  readonly unmet: string[]
  readonly hints: string[]
}

async function judgeDatabase(
  p: Params,
  ctx: CheckContext,
  type: Database['type'],
): Promise<CheckOutcome> {
  const client = await ctx.clients.aws('rds', targetOf(p, ctx.env))
  const read = type === 'instance' ? describeInstance : describeCluster
  const waited = await waitWhileBusy(
    ctx,
    () => read(client, p.name, ctx.signal),
    (db) => (db && ON_THE_WAY.has(db.status) ? db.status : undefined),
  )
  const db = waited.value
  if (!db) {
    const region = regionOf(p, ctx.env)
    return fail(`DB ${type} ${p.name} does not exist`, {
      details: [`check the identifier and the region${region ? ` (${region})` : ''}`],
    })
  }
  if (!waited.done) {
    return error(`still ${waited.busy} after ${formatLimit(ctx.timeoutMs)}`, {
      details: ['give the item a longer `timeout:` or check again once it is available'],
      evidence: evidenceOf(db, undefined),
    })
  }
  const askMembers =
    (p['performance-insights'] !== undefined && db.performanceInsights !== true) ||
    (p.public !== undefined && db.public !== true)
  const members =
    db.type === 'cluster' && askMembers && db.members.length > 0
      ? await describeMembers(client, db.id, ctx.signal)
      : undefined

  const findings: Findings = { verified: [], unmet: [], hints: [] }
  checkStatus(db, findings)
  if (p.engine !== undefined) checkEngine(db, p.engine, findings)
  if (p['multi-az'] !== undefined)
    expectFlag(
      db.multiAz,
      p['multi-az'],
      ['Multi-AZ', 'single-AZ'],
      findings,
      (is, expected) => `${is} (expected ${expected})`,
    )
  if (p['backup-retention'] !== undefined) checkRetention(db, p['backup-retention'], findings)
  if (p['performance-insights'] !== undefined)
    checkPerformanceInsights(db, members, p['performance-insights'], findings)
  const deletionProtection = p['deletion-protection']
  if (deletionProtection !== undefined)
    expectFlag(
      db.deletionProtection,
      deletionProtection,
      ['deletion protection on', 'deletion protection off'],
      findings,
      () =>
        `deletion protection is ${onOff(db.deletionProtection)} (expected ${onOff(deletionProtection)})`,
    )
  if (p.public !== undefined) checkPublic(db, members, p.public, findings)
  if (p.encrypted !== undefined) checkEncrypted(db, p.encrypted, findings)

  const evidence = evidenceOf(db, members)
  const [first, ...rest] = findings.unmet
  if (first === undefined) {
    const engine = [db.engine, db.engineVersion].filter(Boolean).join(' ')
    return pass([`${db.id} ${db.status}`, engine, ...findings.verified].join(', '), { evidence })
  }
  const more = rest.length > 0 ? ` (and ${rest.length} more)` : ''
  return fail(`DB ${type} ${db.id} is not as required: ${first}${more}`, {
    details: [...findings.unmet, ...findings.hints],
    evidence,
  })
}

async function describeInstance(
  client: RDSClient,
  name: string,
  signal: AbortSignal,
): Promise<Database | undefined> {
  const { DescribeDBInstancesCommand } = await import('@aws-sdk/client-rds')
  return awsCall('rds:DescribeDBInstances', async () => {
    try {
      const answer = await client.send(
        new DescribeDBInstancesCommand({ DBInstanceIdentifier: name }),
        { abortSignal: signal },
      )
      const [instance] = expectAnswer(answer, OneInstanceAnswer).DBInstances
      return instance && fromInstance(instance)
    } catch (caught) {
      if (/^DBInstanceNotFound(Fault)?$/.test(awsErrorName(caught) ?? '')) return undefined
      throw caught
    }
  })
}

async function describeCluster(
  client: RDSClient,
  name: string,
  signal: AbortSignal,
): Promise<Database | undefined> {
  const { DescribeDBClustersCommand } = await import('@aws-sdk/client-rds')
  return awsCall('rds:DescribeDBClusters', async () => {
    try {
      const answer = await client.send(
        new DescribeDBClustersCommand({ DBClusterIdentifier: name }),
        { abortSignal: signal },
      )
      const [cluster] = expectAnswer(answer, ClustersAnswer).DBClusters
      return cluster && fromCluster(cluster)
    } catch (caught) {
      if (/^DBClusterNotFound(Fault)?$/.test(awsErrorName(caught) ?? '')) return undefined
      throw caught
    }
  })
}

/** The cluster's instances, for what Aurora settles per instance. */
async function describeMembers(
  client: RDSClient,
  clusterId: string,
  signal: AbortSignal,
): Promise<readonly Instance[]> {
  const { DescribeDBInstancesCommand } = await import('@aws-sdk/client-rds')
  return awsCall('rds:DescribeDBInstances', async () => {
    const answer = await client.send(
      new DescribeDBInstancesCommand({
        Filters: [{ Name: 'db-cluster-id', Values: [clusterId] }],
      }),
      { abortSignal: signal },
    )
    return expectAnswer(answer, InstancesAnswer).DBInstances
  })
}

function fromInstance(instance: Instance): Database {
  const { Address, Port } = instance.Endpoint ?? {}
  return {
    type: 'instance',
    id: instance.DBInstanceIdentifier,
    arn: instance.DBInstanceArn,
    status: instance.DBInstanceStatus,
    engine: instance.Engine,
    engineVersion: instance.EngineVersion,
    endpoint: Address ? `${Address}${Port ? `:${Port}` : ''}` : undefined,
    multiAz: instance.MultiAZ === true,
    backupRetention: instance.BackupRetentionPeriod ?? 0,
    performanceInsights: instance.PerformanceInsightsEnabled === true,
    deletionProtection: instance.DeletionProtection === true,
    public: instance.PubliclyAccessible === true,
    encrypted: instance.StorageEncrypted === true,
    members: [],
    extra: instance.DBInstanceClass ? { class: instance.DBInstanceClass } : {},
  }
}

function fromCluster(cluster: Cluster): Database {
  return {
    type: 'cluster',
    id: cluster.DBClusterIdentifier,
    arn: cluster.DBClusterArn,
    status: cluster.Status,
    engine: cluster.Engine,
    engineVersion: cluster.EngineVersion,
    endpoint: cluster.Endpoint
      ? `${cluster.Endpoint}${cluster.Port ? `:${cluster.Port}` : ''}`
      : undefined,
    multiAz: cluster.MultiAZ === true,
    backupRetention: cluster.BackupRetentionPeriod ?? 0,
    performanceInsights: cluster.PerformanceInsightsEnabled,
    deletionProtection: cluster.DeletionProtection === true,
    public: cluster.PubliclyAccessible,
    encrypted: cluster.StorageEncrypted === true,
    members: (cluster.DBClusterMembers ?? []).map((member) => ({
      id: member.DBInstanceIdentifier,
      writer: member.IsClusterWriter === true,
    })),
    extra: {},
  }
}

function checkStatus(db: Database, findings: Findings): void {
  if (USABLE.has(db.status)) return
  findings.unmet.push(`${db.type} is ${db.status} (expected available)`)
  const option = `--db-${db.type}-identifier ${db.id}`
  findings.hints.push(
    db.status === 'stopped'
      ? `to start it: aws rds start-db-${db.type} ${option}`
      : `what happened to it: aws rds describe-events --source-type db-${db.type} --source-identifier ${db.id}`,
  )
}

function checkEngine(db: Database, wanted: string, findings: Findings): void {
  // The engine is in the summary already; only a mismatch needs saying.
  if (db.engine.toLowerCase() !== wanted.toLowerCase())
    findings.unmet.push(`engine is ${db.engine} (expected ${wanted})`)
}

/**
 * A yes/no setting: `[what it is when on, when off]` as the summary says it, and
 * the detail for a mismatch from what it is and what was expected, in those words.
 */
function expectFlag(
  actual: boolean,
  wanted: boolean,
  [on, off]: readonly [string, string],
  findings: Findings,
  mismatch: (is: string, expected: string) => string,
): void {
  if (actual === wanted) findings.verified.push(actual ? on : off)
  else findings.unmet.push(mismatch(actual ? on : off, wanted ? on : off))
}

function onOff(flag: boolean): string {
  return flag ? 'on' : 'off'
}

function checkRetention(db: Database, days: number, findings: Findings): void {
  const kept = db.backupRetention
  const plural = (n: number) => `${n} day${n === 1 ? '' : 's'}`
  if (kept >= days) findings.verified.push(`backups kept ${plural(kept)}`)
  else if (kept === 0)
    findings.unmet.push(`automated backups are off (expected kept at least ${plural(days)})`)
  else findings.unmet.push(`backups are kept ${plural(kept)} (expected at least ${days})`)
}

function checkPerformanceInsights(
  db: Database,
  members: readonly Instance[] | undefined,
  wanted: boolean,
  findings: Findings,
): void {
  const { on, without } = performanceInsightsOf(db, members)
  if (on === wanted) {
    findings.verified.push(`Performance Insights ${on ? 'on' : 'off'}`)
  } else if (wanted && without.length > 0 && members && without.length < members.length) {
    findings.unmet.push(
      `Performance Insights is off on ${without.join(', ')} (expected on for every instance)`,
    )
  } else {
    findings.unmet.push(
      `Performance Insights is ${on ? 'on' : 'off'} (expected ${wanted ? 'on' : 'off'})`,
    )
  }
}

/** On when the database says so, or, for a cluster that does not, when every instance has it. */
function performanceInsightsOf(
  db: Database,
  members: readonly Instance[] | undefined,
): { on: boolean; without: string[] } {
  if (db.performanceInsights === true || !members || members.length === 0)
    return { on: db.performanceInsights === true, without: [] }
  const without = members
    .filter((member) => member.PerformanceInsightsEnabled !== true)
    .map((member) => member.DBInstanceIdentifier)
  return { on: without.length === 0, without }
}

function checkPublic(
  db: Database,
  members: readonly Instance[] | undefined,
  wanted: boolean,
  findings: Findings,
): void {
  const { isPublic, exposed } = publicOf(db, members)
  if (isPublic === wanted) {
    findings.verified.push(isPublic ? 'publicly accessible' : 'not public')
  } else if (!wanted && exposed.length > 0) {
    findings.unmet.push(
      `instance${exposed.length === 1 ? '' : 's'} ${exposed.join(', ')} publicly accessible (expected not public)`,
    )
  } else {
    findings.unmet.push(
      isPublic
        ? 'publicly accessible (expected not public)'
        : 'not publicly accessible (expected public)',
    )
  }
}

/** Public when the database says so, or, for a cluster that does not, when any instance is. */
function publicOf(
  db: Database,
  members: readonly Instance[] | undefined,
): { isPublic: boolean; exposed: string[] } {
  if (db.public === true || !members) return { isPublic: db.public === true, exposed: [] }
  const exposed = members
    .filter((member) => member.PubliclyAccessible === true)
    .map((member) => member.DBInstanceIdentifier)
  return { isPublic: exposed.length > 0, exposed }
}

function checkEncrypted(db: Database, wanted: boolean, findings: Findings): void {
  expectFlag(
    db.encrypted,
    wanted,
    ['encrypted', 'not encrypted'],
    findings,
    (is, expected) => `storage is ${is} (expected ${expected})`,
  )
  if (wanted && !db.encrypted)
    findings.hints.push(
      'encryption cannot be turned on in place: restore an encrypted copy of a snapshot',
    )
}

/** The facts read, most telling first: the sheet shows the first ten. */
function evidenceOf(
  db: Database,
  members: readonly Instance[] | undefined,
): Record<string, unknown> {
  return {
    [db.type]: db.id,
    status: db.status,
    engine: [db.engine, db.engineVersion].filter(Boolean).join(' '),
    ...(db.endpoint ? { endpoint: db.endpoint } : {}),
    multiAz: db.multiAz,
    backupRetentionDays: db.backupRetention,
    performanceInsights: performanceInsightsOf(db, members).on,
    deletionProtection: db.deletionProtection,
    public: publicOf(db, members).isPublic,
    encrypted: db.encrypted,
    ...(db.arn ? { arn: db.arn } : {}),
    ...db.extra,
    ...(db.type === 'cluster'
      ? {
          instances:
            db.members.length > 0
              ? db.members.map((member) => `${member.id}${member.writer ? ' (writer)' : ''}`)
              : 'none',
        }
      : {}),
  }
}
