/** `lambda.function`: a Lambda function is Active with the settings asked for. The code is in ../aws/lambda-function.ts. */
import type * as Zod from 'zod'
import { awsService } from '../aws/target.ts'
import { defineCheck } from '../kind.ts'
import { awsTarget, duration, integer, list, oneOf, text, z } from '../params.ts'

export const ARCHITECTURES = ['x86_64', 'arm64'] as const

/** Lambda's own limits: the longest a function may run is 15 minutes. */
const MAX_FUNCTION_TIMEOUT_S = 900

/** `30` (seconds) or a duration (`30s`, `15m`), as whole seconds from 1 to 900. */
const functionTimeout = () =>
  duration().transform((ms, ctx) => {
    if (ms % 1000 !== 0 || ms / 1000 > MAX_FUNCTION_TIMEOUT_S) {
      ctx.addIssue({ code: 'custom', message: 'expected whole seconds from 1 to 900 (15m)' })
      return z.NEVER
    }
    return ms / 1000
  })

/** Lambda's rule for variable names; a name only: `env=` never takes a value. */
const envName = () =>
  z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'expected variable names (letters, digits, _), no values')

/** AWS attaches at most five layers to a function. */
const MAX_LAYERS = 5

/**
 * `2`: exactly that many layers; otherwise layer names (`name`, `name:version` or
 * the layer version's ARN), comma-separated, that must be attached.
 */
const layers = () =>
  z.string().transform((value, ctx) => {
    const written = value.trim()
    if (/^\d+$/.test(written)) {
      const count = Number(written)
      if (count <= MAX_LAYERS) return { count } as { count: number; names?: never }
      ctx.addIssue({ code: 'custom', message: `a function has at most ${MAX_LAYERS} layers` })
      return z.NEVER
    }
    const names = written
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean)
    if (names.length > 0) return { names } as { names: string[]; count?: never }
    ctx.addIssue({ code: 'custom', message: 'expected a number of layers or layer names' })
    return z.NEVER
  })

const functionSchema = () =>
  z
    .object({
      name: text(),
      runtime: list(text()).optional(),
      architecture: oneOf(ARCHITECTURES).optional(),
      memory: integer(128, 10_240).optional(),
      'function-timeout': functionTimeout().optional(),
      env: list(envName()).optional(),
      alias: text().optional(),
      layers: layers().optional(),
      ...awsTarget(),
    })
    .strict()

export type FunctionParams = Zod.output<ReturnType<typeof functionSchema>>

export const lambdaFunction = defineCheck({
  kind: 'lambda.function',
  description:
    'Lambda function is Active and its last update Successful, with the runtime, architecture, memory, timeout, environment variable names, layers and alias asked for; variable values are never read out',
  params: functionSchema,
  example:
    'check: lambda.function name=orders-${env} runtime=nodejs20.x env=DATABASE_URL,JWT_SECRET alias=live',
  // A function just created or updated is Pending / InProgress for seconds to minutes: waited out.
  defaultTimeoutMs: 2 * 60_000,
  service: (p, { env }) => awsService('lambda', p, env),
  iam: (p) => [
    'lambda:GetFunctionConfiguration',
    ...(p.alias !== undefined ? ['lambda:GetAlias'] : []),
  ],
  load: () => import('../aws/lambda-function.ts').then((m) => m.checkFunction),
})
