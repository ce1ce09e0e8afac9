/**
 * `lambda.function`: a Lambda function is Active and its last update
 * Successful, with the runtime, architecture, memory, timeout, environment
 * variable names, layers and alias asked for. A function still Pending, or an
 * update InProgress, is waited out up to the timeout. Every unmet expectation
 * is listed, not just the first.
 *
 * GetFunctionConfiguration answers with the environment's values too: only the
 * names are kept, the moment the answer is read, so no value can reach a
 * summary, a detail, the evidence or the sheet.
 */
import type { LambdaClient } from '@aws-sdk/client-lambda'
import * as z from 'zod'
import { formatLimit } from '../../duration.ts'
import { type CheckContext, error, fail, pass, type RunCheck } from '../kind.ts'
import type { FunctionParams as Params } from '../kinds/lambda.ts'
import type { CheckOutcome } from '../runner.ts'
import { expectAnswer } from './answers.ts'
import { awsCall, awsErrorName, awsErrorOutcome } from './errors.ts'
import { regionOf, targetOf } from './target.ts'
import { waitWhileBusy } from './wait.ts'

/**
 * What is read of GetFunctionConfiguration's answer. The environment's values
 * are dropped here: what the check holds from then on is the variables' names.
 */
const FunctionAnswer = z
  .object({
    FunctionName: z.string(),
    FunctionArn: z.string().optional(),
    State: z.string(),
    StateReason: z.string().optional(),
    StateReasonCode: z.string().optional(),
    LastUpdateStatus: z.string().optional(),
    LastUpdateStatusReason: z.string().optional(),
    LastUpdateStatusReasonCode: z.string().optional(),
    Runtime: z.string().optional(),
    PackageType: z.string().optional(),
    Architectures: z.array(z.string()).optional(),
    MemorySize: z.number().optional(),
    Timeout: z.number().optional(),
    LastModified: z.string().optional(),
    CodeSha256: z.string().optional(),
    Environment: z
      .object({
        Variables: z.record(z.string(), z.unknown()).optional(),
        Error: z.object({ ErrorCode: z.string().optional() }).optional(),
      })
      .optional(),
    Layers: z.array(z.object({ Arn: z.string() })).optional(),
  })
  .transform(({ Environment, ...rest }) => ({
    ...rest,
    envNames: Object.keys(Environment?.Variables ?? {}),
    envError: Environment?.Error?.ErrorCode,
  }))
type LambdaFunction = z.output<typeof FunctionAnswer>

const AliasAnswer = z.object({
  Name: z.string(),
  FunctionVersion: z.string(),
  AliasArn: z.string().optional(),
  RoutingConfig: z
    .object({ AdditionalVersionWeights: z.record(z.string(), z.number()).optional() })
    .optional(),
})
type Alias = z.output<typeof AliasAnswer>

/** Runs a `lambda.function` check (its parameters: kinds/lambda.ts). */
export const checkFunction: RunCheck<Params> = async (p, ctx) => {
  try {
    return await judgeFunction(p, ctx)
  } catch (caught) {
    return awsErrorOutcome(caught, { signal: ctx.signal, profile: p.profile })
  }
}

/** What was found against what was asked: parts of the summary, unmet lines, next steps. */
interface Findings {
  readonly verified: string[]
  readonly unmet: string[]
  readonly next: string[]
}

async function judgeFunction(p: Params, ctx: CheckContext): Promise<CheckOutcome> {
  const client = await ctx.clients.aws('lambda', targetOf(p, ctx.env))
  const waited = await waitWhileBusy(
    ctx,
    () => getConfiguration(client, p.name, ctx.signal),
    (found) => (found ? busyStatus(found) : undefined),
  )
  const found = waited.value
  if (!found) {
    const region = regionOf(p, ctx.env)
    return fail(`function ${p.name} does not exist`, {
      details: [`check the function name or ARN and the region${region ? ` (${region})` : ''}`],
    })
  }
  if (!waited.done) {
    return error(`still ${waited.busy} after ${formatLimit(ctx.timeoutMs)}`, {
      details: ['give the item a longer `timeout:` or check again once the function is Active'],
      evidence: functionEvidence(found),
    })
  }
  const alias =
    p.alias === undefined ? undefined : await getAlias(client, p.name, p.alias, ctx.signal)

  const findings: Findings = { verified: [], unmet: [], next: [] }
  checkState(found, findings)
  if (p.runtime) checkRuntime(found, p.runtime, findings)
  if (p.architecture) checkArchitecture(found, p.architecture, findings)
  if (p.memory !== undefined) checkMemory(found, p.memory, findings)
  if (p['function-timeout'] !== undefined) checkTimeout(found, p['function-timeout'], findings)
  if (p.env) checkEnv(found, p.env, findings)
  if (p.layers) checkLayers(found, p.layers, findings)
  if (p.alias !== undefined) checkAlias(p.alias, alias, findings)

  const evidence = functionEvidence(found, alias)
  const name = found.FunctionName
  const [first, ...rest] = findings.unmet
  if (first === undefined) return pass(`${name} ${findings.verified.join(', ')}`, { evidence })
  const more = rest.length > 0 ? ` (and ${rest.length} more)` : ''
  return fail(`function ${name} is not as required: ${first}${more}`, {
    details: [...findings.unmet, ...findings.next],
    evidence,
  })
}

/** The function's configuration ($LATEST), or undefined when Lambda has no such function. */
async function getConfiguration(
  client: LambdaClient,
  name: string,
  signal: AbortSignal,
): Promise<LambdaFunction | undefined> {
  const { GetFunctionConfigurationCommand } = await import('@aws-sdk/client-lambda')
  return awsCall('lambda:GetFunctionConfiguration', async () => {
    try {
      const found = await client.send(new GetFunctionConfigurationCommand({ FunctionName: name }), {
        abortSignal: signal,
      })
      return expectAnswer(found, FunctionAnswer)
    } catch (caught) {
      if (awsErrorName(caught) === 'ResourceNotFoundException') return undefined
      throw caught
    }
  })
}

/** The alias, or undefined when the function has no alias of that name. */
async function getAlias(
  client: LambdaClient,
  functionName: string,
  name: string,
  signal: AbortSignal,
): Promise<Alias | undefined> {
  const { GetAliasCommand } = await import('@aws-sdk/client-lambda')
  return awsCall('lambda:GetAlias', async () => {
    try {
      const found = await client.send(
        new GetAliasCommand({ FunctionName: functionName, Name: name }),
        { abortSignal: signal },
      )
      return expectAnswer(found, AliasAnswer)
    } catch (caught) {
      if (awsErrorName(caught) === 'ResourceNotFoundException') return undefined
      throw caught
    }
  })
}

/** What the function is busy with: being created (Pending) or updated (InProgress). */
function busyStatus(found: LambdaFunction): string | undefined {
  if (found.State === 'Pending') return 'Pending'
  if (found.LastUpdateStatus === 'InProgress') return 'update InProgress'
  return undefined
}

/** `: EniLimitExceeded: the reason` — what Lambda said about a state, when it said anything. */
function because(code: string | undefined, reason: string | undefined): string {
  const said = [code, reason].filter(Boolean).join(': ')
  return said ? `: ${said}` : ''
}

function checkState(found: LambdaFunction, findings: Findings): void {
  if (found.State === 'Active') findings.verified.push('Active')
  else {
    findings.unmet.push(
      `state is ${found.State} (expected Active)${because(found.StateReasonCode, found.StateReason)}`,
    )
    if (found.State === 'Inactive')
      findings.next.push('invoke the function once to make it Active again')
  }
  // Functions created before Lambda reported updates have no LastUpdateStatus.
  const update = found.LastUpdateStatus
  if (update === undefined || update === 'Successful') {
    if (update) findings.verified.push('last update Successful')
  } else {
    findings.unmet.push(
      `last update ${update} (expected Successful)${because(found.LastUpdateStatusReasonCode, found.LastUpdateStatusReason)}`,
    )
    findings.next.push('fix the cause and deploy the function again')
  }
}

function checkRuntime(found: LambdaFunction, wanted: readonly string[], findings: Findings) {
  const expected = wanted.join(' or ')
  if (found.Runtime === undefined) {
    const what = found.PackageType === 'Image' ? 'a container image with no runtime' : 'no runtime'
    findings.unmet.push(`it is ${what} (expected ${expected})`)
  } else if (wanted.includes(found.Runtime)) findings.verified.push(found.Runtime)
  else findings.unmet.push(`runtime is ${found.Runtime} (expected ${expected})`)
}

/** Lambda's default, and what functions created before Graviton report. */
function architectureOf(found: LambdaFunction): string {
  return found.Architectures?.[0] ?? 'x86_64'
}

function checkArchitecture(found: LambdaFunction, wanted: string, findings: Findings) {
  const actual = architectureOf(found)
  if (actual === wanted) findings.verified.push(actual)
  else findings.unmet.push(`architecture is ${actual} (expected ${wanted})`)
}

function checkMemory(found: LambdaFunction, wanted: number, findings: Findings) {
  if (found.MemorySize === wanted) findings.verified.push(`${wanted} MB`)
  else
    findings.unmet.push(
      `memory is ${found.MemorySize ?? 'not reported'} MB (expected ${wanted} MB)`,
    )
}

function checkTimeout(found: LambdaFunction, wantedSeconds: number, findings: Findings) {
  const shown = (seconds: number) => formatLimit(seconds * 1000)
  if (found.Timeout === wantedSeconds) findings.verified.push(`timeout ${shown(wantedSeconds)}`)
  else {
    const actual = found.Timeout === undefined ? 'not reported' : shown(found.Timeout)
    findings.unmet.push(`timeout is ${actual} (expected ${shown(wantedSeconds)})`)
  }
}

function checkEnv(found: LambdaFunction, wanted: readonly string[], findings: Findings) {
  const missing = wanted.filter((name) => !found.envNames.includes(name))
  if (missing.length === 0) {
    findings.verified.push(`env ${wanted.join(', ')} set`)
    return
  }
  const has =
    found.envNames.length > 0 ? `it sets ${found.envNames.join(', ')}` : 'it sets no variables'
  const decrypt = found.envError
    ? `; Lambda could not read its environment (${found.envError})`
    : ''
  const variables = missing.length === 1 ? 'variable' : 'variables'
  const are = missing.length === 1 ? 'is' : 'are'
  findings.unmet.push(
    `environment ${variables} ${missing.join(', ')} ${are} not set (${has}${decrypt})`,
  )
}

/** `arn:aws:lambda:us-east-1:123456789012:layer:powertools:3` → name `powertools`, version `3`. */
function layerOf(arn: string): { name: string; version: string } {
  const parts = arn.split(':')
  return { name: parts.at(-2) ?? arn, version: parts.at(-1) ?? '' }
}

function checkLayers(
  found: LambdaFunction,
  wanted: NonNullable<Params['layers']>,
  findings: Findings,
): void {
  const attached = (found.Layers ?? []).map((layer) => layer.Arn)
  const shownAttached =
    attached.length > 0
      ? `it has ${attached.map((arn) => `${layerOf(arn).name}:${layerOf(arn).version}`).join(', ')}`
      : 'it has none'
  if (wanted.count !== undefined) {
    const count = attached.length
    const layers = (n: number) => `${n} layer${n === 1 ? '' : 's'}`
    if (count === wanted.count) findings.verified.push(layers(count))
    else findings.unmet.push(`it has ${layers(count)} (expected ${wanted.count})`)
    return
  }
  const missing = wanted.names.filter((name) => !attached.some((arn) => isLayer(arn, name)))
  if (missing.length === 0) findings.verified.push(`layers ${wanted.names.join(', ')} attached`)
  else {
    const layers = missing.length === 1 ? 'layer' : 'layers'
    const are = missing.length === 1 ? 'is' : 'are'
    findings.unmet.push(`${layers} ${missing.join(', ')} ${are} not attached (${shownAttached})`)
  }
}

/** A layer as the checklist names it: `name`, `name:version`, or the ARN, with or without version. */
function isLayer(arn: string, wanted: string): boolean {
  if (wanted.startsWith('arn:')) return arn === wanted || arn.startsWith(`${wanted}:`)
  const { name, version } = layerOf(arn)
  return wanted === name || wanted === `${name}:${version}`
}

function checkAlias(name: string, alias: Alias | undefined, findings: Findings): void {
  if (!alias) {
    findings.unmet.push(`alias ${name} does not exist`)
    return
  }
  if (alias.FunctionVersion === '$LATEST') {
    findings.unmet.push(`alias ${name} points at $LATEST, not a published version`)
    findings.next.push(
      `publish a version (aws lambda publish-version) and point alias ${name} at it`,
    )
    return
  }
  const weights = Object.entries(alias.RoutingConfig?.AdditionalVersionWeights ?? {})
  const split = weights.map(([version, weight]) => `${Math.round(weight * 100)}% to ${version}`)
  findings.verified.push(
    `alias ${name} → version ${alias.FunctionVersion}${split.length > 0 ? ` (${split.join(', ')})` : ''}`,
  )
}

/** Facts for the sheet, most telling first (it shows ten): never a variable's value, only names. */
function functionEvidence(found: LambdaFunction, alias?: Alias): Record<string, unknown> {
  const weights = alias?.RoutingConfig?.AdditionalVersionWeights ?? {}
  return {
    function: found.FunctionName,
    state: found.State,
    ...(found.StateReason ? { stateReason: found.StateReason } : {}),
    ...(found.LastUpdateStatus ? { lastUpdate: found.LastUpdateStatus } : {}),
    ...(found.LastUpdateStatusReason ? { lastUpdateReason: found.LastUpdateStatusReason } : {}),
    runtime: found.Runtime ?? found.PackageType,
    architecture: architectureOf(found),
    memoryMb: found.MemorySize,
    timeoutSeconds: found.Timeout,
    ...(found.envNames.length > 0 ? { env: found.envNames } : {}),
    ...(alias ? { alias: alias.Name, aliasVersion: alias.FunctionVersion } : {}),
    ...(Object.keys(weights).length > 0 ? { aliasWeights: weights } : {}),
    ...(found.Layers && found.Layers.length > 0
      ? { layers: found.Layers.map((layer) => layer.Arn) }
      : {}),
    lastModified: found.LastModified,
    codeSha256: found.CodeSha256,
    arn: found.FunctionArn,
  }
}
