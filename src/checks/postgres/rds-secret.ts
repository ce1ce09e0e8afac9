/**
 * Reads an RDS-style secret from Secrets Manager, the JSON that RDS and Aurora
 * keep a database's credentials in: `{host, port, username, password, dbname,
 * engine}`. This is the one place a `pg.*` check reads a secret value; the
 * whole value and the password go to the redactor before anything else
 * happens, and no message ever quotes the value.
 */
import { awsCall, awsErrorName, awsErrorOutcome } from '../aws/errors.ts'
import { type AwsParams, targetOf } from '../aws/target.ts'
import type { CheckContext } from '../kind.ts'
import type { Fields } from './fields.ts'
import { Problem } from './problem.ts'

const POSTGRES_ENGINES = new Set(['postgres', 'postgresql', 'aurora-postgresql'])
const EXPECTED = 'expected RDS-style JSON with host, port, username, password and dbname'

/** The connection fields a secret holds. */
export async function readRdsSecret(
  name: string,
  aws: AwsParams,
  context: Pick<CheckContext, 'env' | 'clients' | 'redactor' | 'signal'>,
): Promise<Fields> {
  const value = await secretString(name, aws, context)
  context.redactor.add(value)
  let parsed: unknown
  try {
    parsed = JSON.parse(value)
  } catch {
    // JSON.parse quotes the text it choked on: its message must not be shown.
    throw Problem.error(`secret ${name} is not JSON`, [EXPECTED])
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw Problem.error(`secret ${name} is not a JSON object`, [EXPECTED])
  }
  const secret = parsed as Readonly<Record<string, unknown>>
  const password = field(secret, 'password', name)
  context.redactor.add(password)
  const engine = field(secret, 'engine', name)
  if (engine !== undefined && !POSTGRES_ENGINES.has(engine.toLowerCase())) {
    throw Problem.error(`secret ${name} is for engine ${engine}, not PostgreSQL`)
  }
  const fields = {
    host: field(secret, 'host', name),
    port: field(secret, 'port', name),
    user: field(secret, 'username', name),
    password,
    database: field(secret, 'dbname', name),
  }
  if (fields.host === undefined) throw Problem.error(`secret ${name} has no host`, [EXPECTED])
  if (fields.user === undefined) throw Problem.error(`secret ${name} has no username`, [EXPECTED])
  return fields
}

async function secretString(
  name: string,
  aws: AwsParams,
  context: Pick<CheckContext, 'env' | 'clients' | 'signal'>,
): Promise<string> {
  const { GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager')
  const client = await context.clients.aws('secretsmanager', targetOf(aws, context.env))
  let value: string | undefined
  try {
    const answer = await awsCall(
      'secretsmanager:GetSecretValue',
      () =>
        client.send(new GetSecretValueCommand({ SecretId: name }), { abortSignal: context.signal }),
      // A pg.* check whose time runs out here is held up by AWS, not by the database.
      `reading the database secret ${name}`,
    )
    value = answer.SecretString
  } catch (caught) {
    if (context.signal.aborted) throw caught
    if (awsErrorName(caught) === 'ResourceNotFoundException') {
      throw Problem.error(`secret ${name} not found`, [
        'check the name and the region (region= or AWS_REGION)',
      ])
    }
    throw new Problem(awsErrorOutcome(caught, { signal: context.signal, profile: aws.profile }))
  }
  if (value === undefined) throw Problem.error(`secret ${name} has no text value`, [EXPECTED])
  return value
}

/** A string or number field as text; anything else is a malformed secret. */
function field(
  secret: Readonly<Record<string, unknown>>,
  key: string,
  name: string,
): string | undefined {
  const value = secret[key]
  if (value === undefined || value === null || value === '') return undefined
  if (typeof value === 'string') return value
  if (typeof value === 'number') return String(value)
  throw Problem.error(`secret ${name} has a ${key} that is not text`, [EXPECTED])
}
