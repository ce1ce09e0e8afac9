/**
 * Credentials for an AWS account of our own in moto: moto gives each assumed
 * role's account its own resources, so tests (and bundled sandboxes) running
 * side by side never meet, and a test can stand for two accounts at once.
 */
import { randomBytes } from 'node:crypto'
import { backend } from './checks.ts'

export interface MotoCredentials {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken: string
}

/** A random 12-digit account id, unlikely to be another test's. */
export function newAccountId(): string {
  return String(100_000_000_000 + (randomBytes(4).readUInt32BE() % 800_000_000_000))
}

/** Assumes a role in `accountId` through moto's STS; the credentials act in that account. */
export async function assumeMotoAccount(accountId: string): Promise<MotoCredentials> {
  const body = new URLSearchParams({
    Action: 'AssumeRole',
    Version: '2011-06-15',
    RoleArn: `arn:aws:iam::${accountId}:role/deploy-wizard-test`,
    RoleSessionName: 'deploy-wizard-test',
  })
  const response = await fetch(backend('moto'), {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization:
        'AWS4-HMAC-SHA256 Credential=testing/20261122/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0',
    },
    body,
  })
  const xml = await response.text()
  const field = (name: string) => {
    const value = new RegExp(`<${name}>([^<]+)</${name}>`).exec(xml)?.[1]
    if (!value) throw new Error(`moto AssumeRole gave no ${name}: ${xml.slice(0, 300)}`)
    return value
  }
  return {
    accessKeyId: field('AccessKeyId'),
    secretAccessKey: field('SecretAccessKey'),
    sessionToken: field('SessionToken'),
  }
}

/** The environment variables that make the SDK (and the CLI under test) act with these credentials. */
export function credentialsEnv(credentials: MotoCredentials): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_SESSION_TOKEN: credentials.sessionToken,
  }
}
