/**
 * Which AWS account and region an AWS check talks to, and the service name the
 * runner caps concurrency by. Region precedence follows the AWS CLI: the
 * directive's `region` (or the front matter's `region` var), then AWS_REGION,
 * then AWS_DEFAULT_REGION, then whatever the profile says.
 */
type Env = Readonly<Record<string, string | undefined>>

/** The region and profile an AWS client is made for; checks with the same target share one. */
export interface AwsTarget {
  readonly region?: string | undefined
  readonly profile?: string | undefined
}

export interface AwsParams {
  readonly region?: string | undefined
  readonly profile?: string | undefined
}

/** The region a check will use, if anything but the profile names one. */
export function regionOf(params: AwsParams, env: Env): string | undefined {
  return params.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION
}

/** What `ctx.clients` needs to hand out the shared client for this check. */
export function targetOf(params: AwsParams, env: Env): AwsTarget {
  // The SDK itself ignores AWS_DEFAULT_REGION; passing it keeps us in step with the CLI.
  return { region: regionOf(params, env), profile: params.profile }
}

/** `aws:dynamodb:eu-west-1`: checks against one regional endpoint share its throttling budget. */
export function awsService(service: string, params: AwsParams, env: Env): string {
  return `aws:${service}:${regionOf(params, env) ?? 'default'}`
}
