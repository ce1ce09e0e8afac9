/**
 * `rds.instance` and `rds.cluster`: a database is available with the
 * resilience and safety settings asked for. The code is in ../aws/rds.ts.
 */
import type * as Zod from 'zod'
import { awsService } from '../aws/target.ts'
import { defineCheck } from '../kind.ts'
import { awsTarget, bool, integer, text, z } from '../params.ts'

const databaseSchema = () =>
  z
    .object({
      name: text(),
      'multi-az': bool().optional(),
      // RDS keeps automated backups for at most 35 days.
      'backup-retention': integer(0, 35).optional(),
      'performance-insights': bool().optional(),
      'deletion-protection': bool().optional(),
      public: bool().optional(),
      encrypted: bool().optional(),
      engine: text().optional(),
      ...awsTarget(),
    })
    .strict()

export type DatabaseParams = Zod.output<ReturnType<typeof databaseSchema>>

export const rdsInstance = defineCheck({
  kind: 'rds.instance',
  description:
    'RDS DB instance is available, with Multi-AZ, backup retention, Performance Insights, deletion protection, public access, encryption and engine as asked',
  params: databaseSchema,
  example:
    'check: rds.instance name=orders-${env} multi-az=true backup-retention=7 deletion-protection=true public=false encrypted=true',
  service: (p, { env }) => awsService('rds', p, env),
  iam: () => ['rds:DescribeDBInstances'],
  load: () => import('../aws/rds.ts').then((m) => m.checkDbInstance),
})

export const rdsCluster = defineCheck({
  kind: 'rds.cluster',
  description:
    'RDS or Aurora DB cluster is available, with Multi-AZ, backup retention, Performance Insights, deletion protection, public access, encryption and engine as asked',
  params: databaseSchema,
  example:
    'check: rds.cluster name=platform-${env} engine=aurora-postgresql backup-retention=7 deletion-protection=true public=false',
  service: (p, { env }) => awsService('rds', p, env),
  iam: (p) => [
    'rds:DescribeDBClusters',
    // Aurora keeps these per instance: the cluster's instances are read when the cluster does not say.
    ...(p['performance-insights'] !== undefined || p.public !== undefined
      ? ['rds:DescribeDBInstances']
      : []),
  ],
  load: () => import('../aws/rds.ts').then((m) => m.checkDbCluster),
})
