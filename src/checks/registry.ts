/**
 * Every check kind, by the name a `check:` directive uses, and what an item's
 * kind says about it: whether it writes, whether it needs trust, which IAM
 * actions it calls. Only the kinds' declarations are loaded here (kinds/); the
 * code that runs a check is imported when one runs.
 */
import type { Item } from '../checklist/model.ts'
import type { CheckKind } from './kind.ts'
import { acmCertificate } from './kinds/acm.ts'
import { apigatewayApi, apigatewayRestApi } from './kinds/apigateway.ts'
import { awsCall } from './kinds/aws.ts'
import { cfnStack } from './kinds/cloudformation.ts'
import { cloudtrailTrail } from './kinds/cloudtrail.ts'
import { cloudwatchAlarm } from './kinds/cloudwatch.ts'
import { cognitoUserPool } from './kinds/cognito.ts'
import { command } from './kinds/command.ts'
import { dynamodbTable } from './kinds/dynamodb.ts'
import { ec2SecurityGroup, ec2Vpc } from './kinds/ec2.ts'
import { ecrImage } from './kinds/ecr.ts'
import { ecsService } from './kinds/ecs.ts'
import { elbLoadBalancer, elbTargets } from './kinds/elb.ts'
import { envVar } from './kinds/env.ts'
import { file } from './kinds/file.ts'
import { http } from './kinds/http.ts'
import { lambdaFunction } from './kinds/lambda.ts'
import { logsGroup } from './kinds/logs.ts'
import { portFree, tcp } from './kinds/network.ts'
import { pgConnect, pgIndex, pgQuery, pgTable } from './kinds/postgres.ts'
import { rdsCluster, rdsInstance } from './kinds/rds.ts'
import { route53Record } from './kinds/route53.ts'
import { s3Bucket } from './kinds/s3.ts'
import { secret } from './kinds/secrets-manager.ts'
import { servicediscoveryNamespace } from './kinds/servicediscovery.ts'
import { snsTopic } from './kinds/sns.ts'
import { sqsQueue } from './kinds/sqs.ts'
import { ssmParameter } from './kinds/ssm.ts'
import { awsIdentity } from './kinds/sts.ts'
import { tool } from './kinds/tool.ts'

export const CHECK_KINDS: ReadonlyMap<string, CheckKind> = new Map(
  [
    cfnStack,
    dynamodbTable,
    secret,
    awsIdentity,
    cloudwatchAlarm,
    logsGroup,
    snsTopic,
    sqsQueue,
    ssmParameter,
    cloudtrailTrail,
    ec2Vpc,
    ec2SecurityGroup,
    ecsService,
    elbTargets,
    elbLoadBalancer,
    ecrImage,
    servicediscoveryNamespace,
    lambdaFunction,
    apigatewayApi,
    apigatewayRestApi,
    cognitoUserPool,
    s3Bucket,
    rdsInstance,
    rdsCluster,
    acmCertificate,
    route53Record,
    pgConnect,
    pgTable,
    pgIndex,
    pgQuery,
    http,
    tcp,
    portFree,
    command,
    tool,
    envVar,
    file,
    awsCall,
  ].map((kind) => [kind.kind, kind as CheckKind]),
)

/** The kind of an item's check, if it has one the tool knows. */
export function kindOf(item: Item): CheckKind | undefined {
  return item.check ? CHECK_KINDS.get(item.check.kind) : undefined
}

/**
 * Whether the item's check runs a program the checklist chooses (a `command`, a
 * `tool` given a path or its own arguments): it runs only once the operator
 * trusts the checklist. The kind decides.
 */
export function needsTrust(item: Item): boolean {
  const check = item.check
  return check !== null && check !== undefined && kindOf(item)?.needsTrust?.(check.params) === true
}

/**
 * Whether the item's check changes something (an http POST that activates an
 * agent). In the wizard such a check runs only when the operator asks for that
 * item (r): never on entering a phase, on A or R, on a resume, or because
 * another check needs it, since each run writes again. The kind decides.
 */
export function isWrite(item: Item): boolean {
  const check = item.check
  return check !== null && check !== undefined && kindOf(item)?.effect?.(check.params) === 'write'
}

/** The IAM actions the item's check may call (AWS kinds, and pg.* reading a secret). */
export function iamActionsOf(item: Item): readonly string[] {
  const check = item.check
  return (check && kindOf(item)?.iam?.(check.params)) || []
}
