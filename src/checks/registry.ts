/**
 * Every check kind, by the name a `check:` directive uses, and what an item's
 * kind says about it: whether it writes, whether it needs trust, which IAM
 * actions it calls. Only the kinds' declarations are loaded here (kinds/); the
 * code that runs a check is imported when one runs.
 */
import type { Item } from '../checklist/model.ts'
import type { CheckKind } from './kind.ts'
import { awsCall } from './kinds/aws.ts'
import { cfnStack } from './kinds/cloudformation.ts'
import { command } from './kinds/command.ts'
import { dynamodbTable } from './kinds/dynamodb.ts'
import { envVar } from './kinds/env.ts'
import { file } from './kinds/file.ts'
import { http } from './kinds/http.ts'
import { portFree, tcp } from './kinds/network.ts'
import { pgConnect, pgIndex, pgQuery, pgTable } from './kinds/postgres.ts'
import { secret } from './kinds/secrets-manager.ts'
import { tool } from './kinds/tool.ts'

export const CHECK_KINDS: ReadonlyMap<string, CheckKind> = new Map(
  [
    cfnStack,
    dynamodbTable,
    secret,
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
