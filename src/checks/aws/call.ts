/**
 * `aws`: calls one read operation as the AWS CLI would — every page of it when
 * it pages, merged as the CLI merges them — applies the `--query`, and judges
 * the value found against the expectations. No AWS CLI is needed: the SDK makes
 * the call, with the shared client of the service.
 *
 * What AWS marks sensitive in an answer (a Lambda's environment values, a
 * client secret) is masked before the query sees it, and so is a signed URL's
 * signature: the check never reads a secret value. Timestamps become ISO text
 * and binary values base64, as the CLI shows them.
 */
import type { NormalizedSchema } from '@smithy/core/schema'
import { search } from 'jmespath'
import { type CheckContext, error, fail, pass, type RunCheck } from '../kind.ts'
import type { AwsCallParams as Params } from '../kinds/aws.ts'
import { MASK } from '../redact.ts'
import type { CheckOutcome } from '../runner.ts'
import { buildInput, InputProblem, inputSchemaOf, outputSchemaOf } from './call-input.ts'
import { type AwsCall, cliName, iamActionOf, parseCallLine } from './cli-call.ts'
import { awsCall, awsErrorName, awsErrorOutcome } from './errors.ts'
import { AWS_SERVICES, type AwsSdkClient, type AwsSdkModule } from './services.ts'
import { regionOf, targetOf } from './target.ts'

/** The most pages a check reads of one call: 100 pages of 100 items is 10,000. */
export const MAX_PAGES = 100
/** The most of the value found that a summary shows, and the evidence keeps. */
const SUMMARY_CHARS = 120
const EVIDENCE_CHARS = 2_000

/** AWS's answer to a read of something that is not there. */
const NOT_FOUND = /NotFound|NoSuch|DoesNotExist|NonExistent|Nonexistent/

/**
 * Whether AWS said the thing read is not there: by the error's name, or for
 * CloudFormation, which answers `ValidationError: Stack with id x does not exist`.
 */
function isNotFound(code: string, message: string): boolean {
  return NOT_FOUND.test(code) || (code === 'ValidationError' && /\bdoes not exist\b/.test(message))
}

/** Runs an `aws` check (its parameters: kinds/aws.ts). */
export const checkAwsCall: RunCheck<Params> = async (p, ctx) => {
  const parsed = parseCallLine(p.call)
  if ('problem' in parsed) {
    return error(`call: ${parsed.problem.message}`, { details: [parsed.problem.hint] })
  }
  const { call } = parsed
  const target = targetOf(
    { region: call.region ?? p.region, profile: call.profile ?? p.profile },
    ctx.env,
  )
  try {
    return await judgeCall(call, p, ctx, target)
  } catch (caught) {
    if (caught instanceof InputProblem) {
      return error(caught.message, { details: [caught.hint] })
    }
    return awsErrorOutcome(caught, { signal: ctx.signal, profile: target.profile })
  }
}

/** What the call answered: its merged pages, or nothing with AWS's word for why. */
interface Answer {
  readonly output: unknown
  readonly pages: number
  /** Pages were left unread: MAX_PAGES reached. */
  readonly cut: boolean
  readonly notFound?: { readonly code: string; readonly message: string }
}

async function judgeCall(
  call: AwsCall,
  p: Params,
  ctx: CheckContext,
  target: ReturnType<typeof targetOf>,
): Promise<CheckOutcome> {
  const operation = `${AWS_SERVICES[call.service].cli} ${cliName(call.operation)}`
  const module: AwsSdkModule = await AWS_SERVICES[call.service].load()
  const Command = module[`${call.operation}Command`] as (new (input: object) => object) | undefined
  if (typeof Command !== 'function') {
    return error(`this build's SDK has no ${operation}`, {
      details: ['the table of operations is out of step with the SDK: a bug, please report it'],
    })
  }
  // A command made with no input carries the operation's schemas.
  const blank = new Command({})
  const { input, shown, secrets } = buildInput(operation, call.options, inputSchemaOf(blank))
  for (const secret of secrets) ctx.redactor.add(secret)
  const paginator = module[`paginate${call.operation}`] as Paginator | undefined
  if (!paginator && (call.maxItems || call.pageSize || call.startingToken)) {
    return error(
      `${operation} is not paged: --max-items, --page-size and --starting-token do not apply`,
      {
        details: ['remove them'],
      },
    )
  }
  const client = (await ctx.clients.aws(call.service, target)) as AwsSdkClient
  const answer = await read(call, ctx, client, Command, paginator, input)
  const plain = answer.notFound ? null : plainOutput(answer.output, outputSchemaOf(blank))

  let found: unknown = plain
  if (call.query !== undefined && !answer.notFound) {
    try {
      found = search(plain, call.query)
    } catch (caught) {
      const { name, message } = caught as Error
      const syntax = name === 'LexerError' || name === 'ParserError'
      return error(
        `--query ${clip(call.query, 80)} ${syntax ? 'is not valid JMESPath' : 'failed on the answer'}`,
        { details: [`JMESPath says: ${message}`] },
      )
    }
  }

  const label = call.query ?? operation
  const region = regionOf(target, ctx.env)
  const evidence = {
    call: operation,
    action: iamActionOf(call),
    ...(Object.keys(shown).length > 0 ? { arguments: shown } : {}),
    ...(region ? { region } : {}),
    ...(call.query !== undefined ? { query: call.query } : {}),
    value: answer.notFound
      ? `nothing (${answer.notFound.code})`
      : clip(asText(found), EVIDENCE_CHARS),
    ...(answer.pages > 1 ? { pages: answer.pages } : {}),
    ...(answer.cut ? { cut: `stopped after ${MAX_PAGES} pages` } : {}),
  }
  const notes = [
    ...(answer.notFound ? [`AWS said ${answer.notFound.code}: ${answer.notFound.message}`] : []),
    ...(answer.cut
      ? [
          `read the first ${MAX_PAGES} pages only, the most a check reads: narrow the call or give --max-items`,
        ]
      : []),
  ]
  const unmet = judge(found, p, label, answer.notFound !== undefined)
  const [first, ...rest] = unmet
  if (first === undefined) {
    const summary = answer.notFound
      ? `${operation} found nothing (${answer.notFound.code})`
      : `${label} is ${display(found)}`
    const value = outputValue(found)
    return pass(summary, {
      evidence,
      ...(notes.length > 0 ? { details: notes } : {}),
      ...(value !== undefined ? { outputs: { value } } : {}),
    })
  }
  const more = rest.length > 0 ? ` (and ${rest.length} more)` : ''
  return fail(`${first}${more}`, { details: [...unmet, ...notes], evidence })
}

type Paginator = (
  config: {
    client: AwsSdkClient
    pageSize?: number
    startingToken?: string
    stopOnSameToken: boolean
  },
  input: object,
  options: { abortSignal: AbortSignal },
) => AsyncIterable<Record<string, unknown>>

/** Every page (up to MAX_PAGES, or --max-items) merged, or one answer for an unpaged call. */
async function read(
  call: AwsCall,
  ctx: CheckContext,
  client: AwsSdkClient,
  Command: new (input: object) => object,
  paginator: Paginator | undefined,
  input: Record<string, unknown>,
): Promise<Answer> {
  const action = iamActionOf(call)
  try {
    if (!paginator || !call.paginate) {
      const output = await awsCall(action, () =>
        client.send(new Command(input), { abortSignal: ctx.signal }),
      )
      return { output, pages: 1, cut: false }
    }
    const pages: Record<string, unknown>[] = []
    let cut = false
    await awsCall(action, async () => {
      const config = {
        client,
        stopOnSameToken: true,
        ...(call.pageSize ? { pageSize: call.pageSize } : {}),
        ...(call.startingToken ? { startingToken: call.startingToken } : {}),
      }
      for await (const page of paginator(config, { ...input }, { abortSignal: ctx.signal })) {
        pages.push(page)
        if (pages.length > 1) ctx.progress(`read ${pages.length} pages`)
        if (call.maxItems !== undefined && longestList(mergePages(pages)) >= call.maxItems) break
        if (pages.length >= MAX_PAGES) {
          cut = true
          break
        }
      }
    })
    const merged = mergePages(pages)
    return {
      output: call.maxItems === undefined ? merged : firstItems(merged, call.maxItems),
      pages: pages.length,
      cut,
    }
  } catch (caught) {
    const code = awsErrorName(caught)
    const cause = (caught as { cause?: unknown }).cause
    const message = cause instanceof Error ? cause.message : ''
    if (code && isNotFound(code, message) && !ctx.signal.aborted) {
      return { output: null, pages: 1, cut: false, notFound: { code, message: clip(message, 300) } }
    }
    throw caught
  }
}

/**
 * Pages merged as the AWS CLI merges them: the lists each page holds are
 * concatenated; anything else is the last page's (a next-page token is gone
 * once the last page is read).
 */
function mergePages(pages: readonly Record<string, unknown>[]): Record<string, unknown> {
  const merged: Record<string, unknown> = {}
  const last = pages.at(-1) ?? {}
  for (const page of pages) {
    for (const [key, value] of Object.entries(page)) {
      if (!Array.isArray(value)) continue
      const before = merged[key]
      merged[key] = Array.isArray(before) ? [...before, ...value] : value
    }
  }
  for (const [key, value] of Object.entries(last)) {
    if (!Array.isArray(value)) merged[key] = value
  }
  return merged
}

function longestList(output: Record<string, unknown>): number {
  return Math.max(0, ...Object.values(output).map((v) => (Array.isArray(v) ? v.length : 0)))
}

/** `--max-items N`: at most N of each list. */
function firstItems(output: Record<string, unknown>, n: number): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(output).map(([key, value]) => [
      key,
      Array.isArray(value) ? value.slice(0, n) : value,
    ]),
  )
}

/**
 * The answer as the AWS CLI prints it, and with nothing secret in it: no
 * `$metadata`, timestamps as ISO text, binary as base64, values AWS marks
 * sensitive masked (a map's keys kept: a Lambda's variable names are not its
 * values), and the signature of a signed URL masked.
 */
function plainOutput(value: unknown, schema: NormalizedSchema | undefined): unknown {
  if (value === undefined || value === null) return null
  if (schema?.getMergedTraits().sensitive) {
    if (schema.isMapSchema() && isObject(value)) {
      return Object.fromEntries(Object.keys(value).map((key) => [key, MASK]))
    }
    return MASK
  }
  if (value instanceof Date) return value.toISOString()
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64')
  if (typeof value === 'string') return maskSignedUrl(value)
  if (Array.isArray(value)) {
    const element = schema?.isListSchema() ? schema.getValueSchema() : undefined
    return value.map((item) => plainOutput(item, element))
  }
  if (isObject(value)) {
    const members = schema?.isStructSchema() ? schema.getMemberSchemas() : undefined
    const mapValue = schema?.isMapSchema() ? schema.getValueSchema() : undefined
    const plain: Record<string, unknown> = {}
    for (const [key, v] of Object.entries(value)) {
      if (key === '$metadata' || v === undefined) continue
      plain[key] =
        USER_DATA.test(key) || (typeof v === 'string' && SECRET_TEXT.test(key))
          ? maskTexts(v)
          : plainOutput(v, members ? members[key] : mapValue)
    }
    return plain
  }
  if (typeof value === 'bigint') return Number(value)
  return value
}

/**
 * Secrets that AWS does not mark sensitive, by the member's name: an instance's
 * user data (describe-instance-attribute --attribute userData: every text in it),
 * and a text called a secret, password, private key or session token (an
 * identity provider's `client_secret` in cognito-idp describe-identity-provider).
 * Their shape stays, so a check that they are there still can; a structure
 * named so (RDS's `MasterUserSecret`: an ARN and a status) is read as usual.
 */
const USER_DATA = /^userdata$/i
const SECRET_TEXT = /(secret|password|passwd|private_?key|secret_?access_?key|session_?token)$/i

function maskTexts(value: unknown): unknown {
  if (typeof value === 'string') return MASK
  if (Array.isArray(value)) return value.map(maskTexts)
  if (isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, maskTexts(v)]))
  }
  return value
}

/** A pre-signed URL's query carries a credential (`X-Amz-Signature=…`): it is masked. */
function maskSignedUrl(text: string): string {
  return /^https?:\/\/[^?\s]+\?[^\s]*(X-Amz-Signature|X-Amz-Security-Token|Signature)=/i.test(text)
    ? `${text.slice(0, text.indexOf('?'))}?${MASK}`
    : text
}

/**
 * `${id.outputs.value}` for later checks, as `--output text` prints it: a text,
 * number or boolean, or the only one of a list (`Items[?Name==…].ApiId`).
 */
function outputValue(found: unknown): string | undefined {
  const one = Array.isArray(found) && found.length === 1 ? found[0] : found
  // A masked value is no value to hand on.
  if (one === MASK) return undefined
  if (typeof one === 'string' || typeof one === 'number' || typeof one === 'boolean') {
    return String(one)
  }
  return undefined
}

/** Every expectation the value found does not meet, each as a sentence. */
function judge(found: unknown, p: Params, label: string, notFound = false): string[] {
  const unmet: string[] = []
  const is = `${label} is ${display(found)}`
  const nothing = notFound || found === null || found === undefined
  const text = asText(found)
  const given =
    p.equals !== undefined ||
    p.matches !== undefined ||
    p.contains !== undefined ||
    p.min !== undefined ||
    p.max !== undefined ||
    p.count !== undefined ||
    p.empty !== undefined
  if (p.equals !== undefined) {
    const same =
      !nothing &&
      (text === p.equals ||
        (typeof found === 'number' && p.equals.trim() !== '' && Number(p.equals) === found) ||
        (typeof found === 'object' && text === canonicalJson(p.equals)))
    if (!same) unmet.push(`${is}, expected ${p.equals === '' ? '""' : p.equals}`)
  }
  if (p.matches !== undefined && (nothing || !p.matches.test(text))) {
    unmet.push(`${is}, expected to match ${p.matches}`)
  }
  if (p.contains !== undefined && !contains(found, p.contains)) {
    unmet.push(`${is}, expected to contain ${p.contains}`)
  }
  if (p.min !== undefined || p.max !== undefined) {
    const n = asNumber(found)
    if (n === undefined) unmet.push(`${is}, not a number`)
    else {
      if (p.min !== undefined && n < p.min) unmet.push(`${is}, expected at least ${p.min}`)
      if (p.max !== undefined && n > p.max) unmet.push(`${is}, expected at most ${p.max}`)
    }
  }
  if (p.count !== undefined) {
    const { op, n } = p.count
    const expected = `${op === '=' ? '' : `${op} `}${n}`
    // A path the answer leaves out is an empty list (AWS omits them); a resource not found is not.
    const length = notFound
      ? undefined
      : found === null || found === undefined
        ? 0
        : Array.isArray(found)
          ? found.length
          : undefined
    if (notFound) unmet.push(`${is}, expected ${expected} items`)
    else if (length === undefined) unmet.push(`${is}, not a list (count ${expected})`)
    else if (!compare(length, op, n)) {
      unmet.push(`${label} has ${items(length)}, expected ${expected}`)
    }
  }
  const empty = p.empty ?? (given ? undefined : false)
  if (empty === true && !isEmpty(found)) unmet.push(`${is}, expected nothing`)
  if (empty === false && isEmpty(found)) unmet.push(`${is}, expected a value`)
  return unmet
}

function contains(found: unknown, wanted: string): boolean {
  if (typeof found === 'string') return found.includes(wanted)
  if (Array.isArray(found)) return found.some((item) => asText(item) === wanted)
  if (isObject(found)) return Object.hasOwn(found, wanted)
  if (typeof found === 'number' || typeof found === 'boolean') return String(found).includes(wanted)
  return false
}

function compare(length: number, op: string, n: number): boolean {
  switch (op) {
    case '>=':
      return length >= n
    case '<=':
      return length <= n
    case '>':
      return length > n
    case '<':
      return length < n
    default:
      return length === n
  }
}

function asNumber(found: unknown): number | undefined {
  if (typeof found === 'number') return found
  if (typeof found === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(found)) return Number(found)
  return undefined
}

/** Nothing, empty text, an empty list or an empty object. */
function isEmpty(found: unknown): boolean {
  if (found === null || found === undefined || found === '') return true
  if (Array.isArray(found)) return found.length === 0
  if (isObject(found)) return Object.keys(found).length === 0
  return false
}

/** `equals=` written as JSON, as the value's text is written (no spaces); undefined if not JSON. */
function canonicalJson(written: string): string | undefined {
  try {
    return JSON.stringify(JSON.parse(written))
  } catch {
    return undefined
  }
}

/** The value as text: a string as it is, anything else as JSON. */
function asText(found: unknown): string {
  if (typeof found === 'string') return found
  return JSON.stringify(found ?? null)
}

/** The value as a summary shows it: text bare, lists with their length, clipped. */
function display(found: unknown): string {
  if (found === null || found === undefined) return 'nothing'
  if (found === '') return '""'
  const text = clip(asText(found), SUMMARY_CHARS)
  return Array.isArray(found) ? `${text} (${items(found.length)})` : text
}

function items(n: number): string {
  return `${n} item${n === 1 ? '' : 's'}`
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}
