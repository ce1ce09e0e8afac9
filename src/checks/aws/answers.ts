/**
 * Answers that are not AWS's: what an endpoint sent when it is no AWS service (a
 * wrong AWS_ENDPOINT_URL, a proxy's login page, a broken emulator) — a truncated
 * or malformed document, a field of the wrong kind, a compressed or oversized
 * body. Each becomes an `UnexpectedAnswer` naming the service and the endpoint,
 * never a TypeError from deep in a check or the SDK's parser's words alone.
 *
 * Two parts: `guardAnswers` puts two middlewares around the SDK's deserializer
 * of every client (bounding what is read and naming the endpoint), and
 * `expectAnswer` checks an answer against the fields a check kind reads.
 */
import { pipeline, Readable, Transform } from 'node:stream'
import type * as z from 'zod'
import { waitingAt } from '../runner.ts'

/**
 * The most any answer to the calls the AWS kinds make can need (a page of stack
 * events is a few hundred kB); past it the body is not read on, as an answer of
 * a gigabyte would otherwise be held in memory whole.
 */
export const MAX_AWS_ANSWER_BYTES = 8 * 1024 * 1024

/** An answer that cannot be from the AWS service it was asked of. */
export class UnexpectedAnswer extends Error {
  override readonly name = 'UnexpectedAnswer'
  constructor(
    readonly service: string,
    readonly endpoint: string,
    readonly problem: string,
    /** The HTTP status it came with, when known: a 5xx is worth another try. */
    readonly status?: number,
  ) {
    super(`unexpected answer from ${service} at ${endpoint}: ${problem}`)
  }
}

/** Where an answer came from, kept on the SDK's output for `expectAnswer`. */
const SOURCE = Symbol('deploy-wizard answer source')

interface Source {
  readonly service: string
  readonly endpoint: string
  readonly status: number | undefined
  readonly contentType: string
}

/**
 * Checks `output` (what `client.send` returned) against `schema`, the fields a
 * check reads, and returns them typed; throws an UnexpectedAnswer naming the
 * first field that is missing or of another kind.
 */
export function expectAnswer<S extends z.ZodType>(output: object, schema: S): z.output<S> {
  const parsed = schema.safeParse(output)
  if (parsed.success) return parsed.data
  const source = (output as { [SOURCE]?: Source })[SOURCE]
  const issue = parsed.error.issues[0]
  throw new UnexpectedAnswer(
    source?.service ?? 'AWS',
    source?.endpoint ?? 'its endpoint',
    // A login page read as XML is well-formed and holds nothing: say what it is. (Not from
    // the content type alone: moto sends its JSON as text/html.)
    isWebPage(source?.contentType) && Object.keys(output).every((key) => key === '$metadata')
      ? `it is a web page (${source?.contentType})`
      : issue
        ? describeIssue(output, issue)
        : 'it is not as AWS sends it',
    source?.status,
  )
}

/** `Table.GlobalSecondaryIndexes is text, not a list`; `Table is missing`. */
function describeIssue(output: object, issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.') || 'the answer'
  const found = valueAt(output, issue.path)
  if (!found.exists || found.value === undefined || found.value === null)
    return `${path} is missing`
  if (issue.code === 'too_small' && Array.isArray(found.value)) return `${path} is empty`
  if (issue.code === 'invalid_type')
    return `${path} is ${kindOf(found.value)}, not ${issue.expected === 'array' ? 'a list' : nameOf(issue.expected)}`
  return `${path} is not as AWS sends it (${issue.message})`
}

function valueAt(
  root: unknown,
  path: readonly PropertyKey[],
): { exists: boolean; value?: unknown } {
  let current = root
  for (const key of path) {
    if (current === null || typeof current !== 'object' || !(key in current))
      return { exists: false }
    current = (current as Record<PropertyKey, unknown>)[key]
  }
  return { exists: true, value: current }
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'a list'
  if (value instanceof Date) return 'a date'
  if (typeof value === 'object') return 'an object'
  return nameOf(typeof value)
}

function nameOf(type: string): string {
  const names: Readonly<Record<string, string>> = {
    string: 'text',
    number: 'a number',
    boolean: 'true or false',
    object: 'an object',
    date: 'a date',
    array: 'a list',
  }
  return names[type] ?? type
}

/** Enough of the SDK's middleware stack to add to it (its own types are overloads per step). */
interface MiddlewareStack {
  add(middleware: unknown, options: { step: string; priority: string; name: string }): void
}

type Handler = (args: {
  readonly request?: unknown
}) => Promise<{ response: unknown; output?: unknown }>

interface HttpResponseLike {
  statusCode: number
  headers: Record<string, string | undefined>
  body: unknown
}

/**
 * Adds the two guards to a client's middleware stack. `service` is the name the
 * operator knows (`DynamoDB`).
 */
export function guardAnswers(client: { readonly middlewareStack: object }, service: string): void {
  const stack = client.middlewareStack as MiddlewareStack
  // Outside the deserializer: its errors become UnexpectedAnswer, its output is tagged.
  stack.add(
    (next: Handler) => async (args: Parameters<Handler>[0]) => {
      const endpoint = endpointOf(args.request)
      // A check's timeout names the endpoint it waited on (runner.ts), as a refusal does.
      waitingAt(endpoint)
      let result: Awaited<ReturnType<Handler>>
      try {
        result = await next(args)
      } catch (caught) {
        // The SDK's timeout names no host: the endpoint is added, for errors.ts to name.
        if (caught instanceof Error && caught.name === 'TimeoutError' && !('endpoint' in caught))
          Object.defineProperty(caught, 'endpoint', { value: endpoint })
        throw asUnexpectedAnswer(caught, service, endpoint) ?? caught
      }
      if (result.output !== null && typeof result.output === 'object') {
        const response = result.response as HttpResponseLike
        const status = typeof response.statusCode === 'number' ? response.statusCode : undefined
        const contentType = header(response, 'content-type') ?? ''
        Object.defineProperty(result.output, SOURCE, {
          value: { service, endpoint, status, contentType } satisfies Source,
        })
      }
      return result
    },
    { step: 'deserialize', priority: 'high', name: 'deployWizardAnswerSource' },
  )
  // Inside it, next to the wire: refuse what no AWS answer is, and bound what is read.
  stack.add(
    (next: Handler) => async (args: Parameters<Handler>[0]) => {
      const result = await next(args)
      const response = result.response as HttpResponseLike
      const refuse = (problem: string) => {
        if (response.body instanceof Readable) response.body.destroy()
        return new UnexpectedAnswer(service, endpointOf(args.request), problem, response.statusCode)
      }
      const encoding = header(response, 'content-encoding')
      if (encoding && encoding.toLowerCase() !== 'identity')
        throw refuse(
          `its body is compressed (content-encoding: ${encoding}), which AWS does not send unasked`,
        )
      const length = Number(header(response, 'content-length') ?? 0)
      if (length > MAX_AWS_ANSWER_BYTES) throw refuse(tooLong(length))
      if (response.body instanceof Readable) response.body = capped(response.body)
      return result
    },
    { step: 'deserialize', priority: 'low', name: 'deployWizardAnswerBound' },
  )
}

/** Raised inside the SDK's reading of the body; turned into an UnexpectedAnswer outside it. */
class AnswerTooLong extends Error {
  override readonly name = 'AnswerTooLong'
}

/** The body, failing once more than MAX_AWS_ANSWER_BYTES have come; the connection is closed. */
function capped(body: Readable): Readable {
  let seen = 0
  const bound = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length
      if (seen > MAX_AWS_ANSWER_BYTES) done(new AnswerTooLong())
      else done(null, chunk)
    },
  })
  // On that error the pipeline destroys the response, and with it the socket.
  pipeline(body, bound, () => {})
  return bound
}

function tooLong(bytes: number | null): string {
  const limit = `${MAX_AWS_ANSWER_BYTES / 1024 / 1024} MB`
  return bytes === null
    ? `it is longer than ${limit}, more than any answer to this call needs`
    : `it is ${Math.round(bytes / 1024 / 1024)} MB long, more than any answer to this call needs (${limit})`
}

/**
 * What the SDK's deserializer threw, as an UnexpectedAnswer, or null when it is
 * something else: an error AWS sent (it has a `$fault`), a network error, a cancel.
 */
function asUnexpectedAnswer(caught: unknown, service: string, endpoint: string) {
  if (caught instanceof UnexpectedAnswer) return caught
  if (!(caught instanceof Error) || !('$response' in caught) || '$fault' in caught) return null
  const response = (caught as { $response?: HttpResponseLike }).$response
  const status = typeof response?.statusCode === 'number' ? response.statusCode : undefined
  // Not the content type alone: moto sends its JSON as text/html.
  const type = response ? header(response, 'content-type') : undefined
  const problem =
    isWebPage(type) && !(caught instanceof AnswerTooLong)
      ? `it is a web page (${type})`
      : unreadable(caught)
  return new UnexpectedAnswer(service, endpoint, problem, status)
}

function isWebPage(contentType: string | undefined): boolean {
  return /text\/html/i.test(contentType ?? '')
}

/** Why the SDK could not read the answer, in words that do not need its source code. */
function unreadable(caught: Error): string {
  if (caught instanceof AnswerTooLong) return tooLong(null)
  const message = caught.message.split('\n')[0] ?? ''
  if (/in JSON|JSON input|is not valid JSON/.test(message)) {
    return /Unterminated|end of JSON|Unexpected end/.test(message)
      ? 'its JSON is cut short'
      : 'it is not valid JSON'
  }
  if (/XML/.test(message)) return 'it is not well-formed XML'
  return `a field is not of the kind AWS sends (${message})`
}

function header(response: HttpResponseLike, name: string): string | undefined {
  if (response.headers === null || typeof response.headers !== 'object') return undefined
  const found = Object.entries(response.headers).find(([key]) => key.toLowerCase() === name)
  return typeof found?.[1] === 'string' ? found[1] : undefined
}

/** `https://dynamodb.eu-west-1.amazonaws.com`, `http://127.0.0.1:4566`. */
function endpointOf(request: unknown): string {
  const r = request as { protocol?: unknown; hostname?: unknown; port?: unknown } | undefined
  if (typeof r?.hostname !== 'string') return 'its endpoint'
  const protocol = typeof r.protocol === 'string' ? r.protocol.replace(/:?$/, ':') : 'https:'
  const port = typeof r.port === 'number' || typeof r.port === 'string' ? `:${r.port}` : ''
  return `${protocol}//${r.hostname}${port}`
}
