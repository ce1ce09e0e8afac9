/**
 * The AWS services deploy-wizard can talk to: for each, the name an operator
 * knows it by, the AWS CLI's name for it (`aws elbv2 …`), the prefix of its IAM
 * actions, and how to import its SDK client. The SDK modules are imported only
 * when a check needs one, so nothing here loads any SDK code.
 */

/** What every SDK client is, as far as the checks need: it sends commands and is destroyed. */
export interface AwsSdkClient {
  // biome-ignore lint/suspicious/noExplicitAny: every SDK client's send takes its own commands
  send(command: any, options?: { abortSignal?: AbortSignal }): Promise<any>
  destroy(): void
  readonly middlewareStack: object
}

/** An SDK client module: its client class, commands and paginators, by export name. */
export type AwsSdkModule = Readonly<Record<string, unknown>>

export interface AwsServiceInfo {
  /** For messages: `Elastic Load Balancing`. */
  readonly name: string
  /** `aws <cli> <operation>`: the AWS CLI's name for the service. */
  readonly cli: string
  /** The prefix of its IAM actions: `elasticloadbalancing:DescribeTargetHealth`. */
  readonly iam: string
  /** The name of the SDK's client class in the module. */
  readonly client: string
  readonly load: () => Promise<AwsSdkModule>
}

/**
 * Every service, by the id checks use (the SDK's own name for it, lower-cased).
 * The imports are spelled out one by one so the bundler can split each client into
 * its own chunk.
 */
export const AWS_SERVICES = {
  acm: {
    name: 'Certificate Manager',
    cli: 'acm',
    iam: 'acm',
    client: 'ACMClient',
    load: () => import('@aws-sdk/client-acm'),
  },
  apigateway: {
    name: 'API Gateway',
    cli: 'apigateway',
    iam: 'apigateway',
    client: 'APIGatewayClient',
    load: () => import('@aws-sdk/client-api-gateway'),
  },
  apigatewayv2: {
    name: 'API Gateway',
    cli: 'apigatewayv2',
    iam: 'apigateway',
    client: 'ApiGatewayV2Client',
    load: () => import('@aws-sdk/client-apigatewayv2'),
  },
  cloudformation: {
    name: 'CloudFormation',
    cli: 'cloudformation',
    iam: 'cloudformation',
    client: 'CloudFormationClient',
    load: () => import('@aws-sdk/client-cloudformation'),
  },
  cloudtrail: {
    name: 'CloudTrail',
    cli: 'cloudtrail',
    iam: 'cloudtrail',
    client: 'CloudTrailClient',
    load: () => import('@aws-sdk/client-cloudtrail'),
  },
  cloudwatch: {
    name: 'CloudWatch',
    cli: 'cloudwatch',
    iam: 'cloudwatch',
    client: 'CloudWatchClient',
    load: () => import('@aws-sdk/client-cloudwatch'),
  },
  cognitoidentityprovider: {
    name: 'Cognito',
    cli: 'cognito-idp',
    iam: 'cognito-idp',
    client: 'CognitoIdentityProviderClient',
    load: () => import('@aws-sdk/client-cognito-identity-provider'),
  },
  dynamodb: {
    name: 'DynamoDB',
    cli: 'dynamodb',
    iam: 'dynamodb',
    client: 'DynamoDBClient',
    load: () => import('@aws-sdk/client-dynamodb'),
  },
  ec2: {
    name: 'EC2',
    cli: 'ec2',
    iam: 'ec2',
    client: 'EC2Client',
    load: () => import('@aws-sdk/client-ec2'),
  },
  ecr: {
    name: 'ECR',
    cli: 'ecr',
    iam: 'ecr',
    client: 'ECRClient',
    load: () => import('@aws-sdk/client-ecr'),
  },
  ecs: {
    name: 'ECS',
    cli: 'ecs',
    iam: 'ecs',
    client: 'ECSClient',
    load: () => import('@aws-sdk/client-ecs'),
  },
  elasticloadbalancingv2: {
    name: 'Elastic Load Balancing',
    cli: 'elbv2',
    iam: 'elasticloadbalancing',
    client: 'ElasticLoadBalancingV2Client',
    load: () => import('@aws-sdk/client-elastic-load-balancing-v2'),
  },
  iam: {
    name: 'IAM',
    cli: 'iam',
    iam: 'iam',
    client: 'IAMClient',
    load: () => import('@aws-sdk/client-iam'),
  },
  lambda: {
    name: 'Lambda',
    cli: 'lambda',
    iam: 'lambda',
    client: 'LambdaClient',
    load: () => import('@aws-sdk/client-lambda'),
  },
  cloudwatchlogs: {
    name: 'CloudWatch Logs',
    cli: 'logs',
    iam: 'logs',
    client: 'CloudWatchLogsClient',
    load: () => import('@aws-sdk/client-cloudwatch-logs'),
  },
  rds: {
    name: 'RDS',
    cli: 'rds',
    iam: 'rds',
    client: 'RDSClient',
    load: () => import('@aws-sdk/client-rds'),
  },
  route53: {
    name: 'Route 53',
    cli: 'route53',
    iam: 'route53',
    client: 'Route53Client',
    load: () => import('@aws-sdk/client-route-53'),
  },
  s3: {
    name: 'S3',
    cli: 's3api',
    iam: 's3',
    client: 'S3Client',
    load: () => import('@aws-sdk/client-s3'),
  },
  secretsmanager: {
    name: 'Secrets Manager',
    cli: 'secretsmanager',
    iam: 'secretsmanager',
    client: 'SecretsManagerClient',
    load: () => import('@aws-sdk/client-secrets-manager'),
  },
  servicediscovery: {
    name: 'Cloud Map',
    cli: 'servicediscovery',
    iam: 'servicediscovery',
    client: 'ServiceDiscoveryClient',
    load: () => import('@aws-sdk/client-servicediscovery'),
  },
  sns: {
    name: 'SNS',
    cli: 'sns',
    iam: 'sns',
    client: 'SNSClient',
    load: () => import('@aws-sdk/client-sns'),
  },
  sqs: {
    name: 'SQS',
    cli: 'sqs',
    iam: 'sqs',
    client: 'SQSClient',
    load: () => import('@aws-sdk/client-sqs'),
  },
  ssm: {
    name: 'Systems Manager',
    cli: 'ssm',
    iam: 'ssm',
    client: 'SSMClient',
    load: () => import('@aws-sdk/client-ssm'),
  },
  sts: {
    name: 'STS',
    cli: 'sts',
    iam: 'sts',
    client: 'STSClient',
    load: () => import('@aws-sdk/client-sts'),
  },
  wafv2: {
    name: 'WAF',
    cli: 'wafv2',
    iam: 'wafv2',
    client: 'WAFV2Client',
    load: () => import('@aws-sdk/client-wafv2'),
  },
} as const satisfies Record<string, AwsServiceInfo>

export type AwsService = keyof typeof AWS_SERVICES

/** Each service's SDK client type (type-only: nothing is imported). */
export interface AwsClients {
  acm: import('@aws-sdk/client-acm').ACMClient
  apigateway: import('@aws-sdk/client-api-gateway').APIGatewayClient
  apigatewayv2: import('@aws-sdk/client-apigatewayv2').ApiGatewayV2Client
  cloudformation: import('@aws-sdk/client-cloudformation').CloudFormationClient
  cloudtrail: import('@aws-sdk/client-cloudtrail').CloudTrailClient
  cloudwatch: import('@aws-sdk/client-cloudwatch').CloudWatchClient
  cognitoidentityprovider: import('@aws-sdk/client-cognito-identity-provider').CognitoIdentityProviderClient
  dynamodb: import('@aws-sdk/client-dynamodb').DynamoDBClient
  ec2: import('@aws-sdk/client-ec2').EC2Client
  ecr: import('@aws-sdk/client-ecr').ECRClient
  ecs: import('@aws-sdk/client-ecs').ECSClient
  elasticloadbalancingv2: import('@aws-sdk/client-elastic-load-balancing-v2').ElasticLoadBalancingV2Client
  iam: import('@aws-sdk/client-iam').IAMClient
  lambda: import('@aws-sdk/client-lambda').LambdaClient
  cloudwatchlogs: import('@aws-sdk/client-cloudwatch-logs').CloudWatchLogsClient
  rds: import('@aws-sdk/client-rds').RDSClient
  route53: import('@aws-sdk/client-route-53').Route53Client
  s3: import('@aws-sdk/client-s3').S3Client
  secretsmanager: import('@aws-sdk/client-secrets-manager').SecretsManagerClient
  servicediscovery: import('@aws-sdk/client-servicediscovery').ServiceDiscoveryClient
  sns: import('@aws-sdk/client-sns').SNSClient
  sqs: import('@aws-sdk/client-sqs').SQSClient
  ssm: import('@aws-sdk/client-ssm').SSMClient
  sts: import('@aws-sdk/client-sts').STSClient
  wafv2: import('@aws-sdk/client-wafv2').WAFV2Client
}

/** The service the AWS CLI calls `cli` (`elbv2`, `logs`, `s3api`), if this build includes it. */
export function serviceByCliName(cli: string): AwsService | undefined {
  return (Object.keys(AWS_SERVICES) as AwsService[]).find((id) => AWS_SERVICES[id].cli === cli)
}

/** `elasticloadbalancing:DescribeTargetHealth`: the IAM action for an operation of a service. */
export function iamAction(service: AwsService, operation: string): string {
  return `${AWS_SERVICES[service].iam}:${operation}`
}
