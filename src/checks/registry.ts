/** Every check kind, by the name a `check:` directive uses. */
import { cfnStack } from './aws/cfn-stack.ts'
import { dynamodbTable } from './aws/dynamodb-table.ts'
import { secret } from './aws/secret.ts'
import { command } from './command.ts'
import { envVar } from './env.ts'
import { file } from './file.ts'
import { http } from './http.ts'
import type { CheckKind } from './kind.ts'
import { portFree, tcp } from './network.ts'
import { pgConnect, pgIndex, pgQuery, pgTable } from './postgres.ts'
import { tool } from './tool.ts'

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
  ].map((kind) => [kind.kind, kind as CheckKind]),
)
