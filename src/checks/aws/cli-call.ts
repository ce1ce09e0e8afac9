/**
 * An AWS CLI command as written (`aws lambda get-function-configuration
 * --function-name api --query Runtime`), read into the call it stands for: the
 * service, the operation as the SDK names it, its options, and the CLI's own
 * options (`--query`, `--region`, `--max-items`…). Only read operations are
 * accepted (aws/read-verbs.ts), of the services the build includes. Pure text
 * and a generated table of operation names: `validate` reads calls with it
 * without loading any SDK code. The options' names and values are matched to
 * the operation's input when the check runs (aws/call.ts).
 */
import { parseTemplate, TemplateSyntaxError } from '../../checklist/variables.ts'
import { splitLine, splitWords, type Word, type WordsProblem } from '../words.ts'
import { READ_OPERATIONS } from './read-operations.ts'
import { READ_VERB, REFUSED_OPERATIONS, REFUSED_OPTIONS } from './read-verbs.ts'
import { AWS_SERVICES, type AwsService, iamAction, serviceByCliName } from './services.ts'

/** One of the operation's own options as written: `--function-name api` → `function-name`, `['api']`. */
export interface CallOption {
  readonly name: string
  readonly values: readonly string[]
}

export interface AwsCall {
  readonly service: AwsService
  /** As the SDK and IAM name it: `DescribeDBInstances`. */
  readonly operation: string
  readonly options: readonly CallOption[]
  readonly query?: string | undefined
  readonly region?: string | undefined
  readonly profile?: string | undefined
  /** False with `--no-paginate`: one page, as the CLI does. */
  readonly paginate: boolean
  readonly maxItems?: number | undefined
  readonly pageSize?: number | undefined
  readonly startingToken?: string | undefined
}

export type ParsedCall = { readonly call: AwsCall } | { readonly problem: WordsProblem }

/** The CLI's own options that take a value, and what becomes of it. */
const VALUE_OPTIONS = new Set([
  'query',
  'region',
  'profile',
  'output',
  'max-items',
  'page-size',
  'starting-token',
  'color',
  'cli-binary-format',
])
/** The CLI's own flags that change nothing here (output format, pager, prompts, logging). */
const IGNORED_FLAGS = new Set(['no-cli-pager', 'no-cli-auto-prompt', 'cli-auto-prompt', 'debug'])
/** The CLI's own options refused, with why and what to do instead. */
const REFUSED_GLOBALS: Readonly<Record<string, string>> = {
  'endpoint-url': 'the checks take the endpoint from AWS_ENDPOINT_URL, like the SDK',
  'no-verify-ssl': 'certificates are always verified',
  'no-sign-request': 'requests are always signed',
  'ca-bundle': 'set AWS_CA_BUNDLE for the run instead',
  'cli-read-timeout': 'give the item a `timeout:` instead',
  'cli-connect-timeout': 'give the item a `timeout:` instead',
  'cli-input-json': 'write the parameters as options',
  'cli-input-yaml': 'write the parameters as options',
  'generate-cli-skeleton': 'it prints a template and calls nothing',
}

/** Reads a call from the words of a command line. */
export function parseCall(all: readonly Word[]): ParsedCall {
  const words = all[0]?.bare && all[0].text === 'aws' ? all.slice(1) : all
  const [serviceWord, operationWord, ...rest] = words
  if (!serviceWord || !operationWord) {
    return problem(
      'expected a service and an operation',
      'such as: call="aws lambda get-function-configuration --function-name api --query Runtime"',
    )
  }
  const service = serviceOf(serviceWord)
  if ('problem' in service) return service
  const operation = operationOf(service.id, operationWord)
  if ('problem' in operation) return operation
  const options: CallOption[] = []
  const globals = new Map<string, string>()
  let paginate = true
  let current: { name: string; values: string[] } | undefined
  let currentGlobal: string | undefined
  for (const word of rest) {
    if (word.bare && word.text.startsWith('--') && word.text.length > 2) {
      if (currentGlobal) return missingValue(currentGlobal)
      const [written = '', inline] = splitInline(word.text.slice(2))
      const name = written.toLowerCase()
      current = undefined
      // Matched as loosely as the operation's input matches options (aws/call-input.ts), so
      // `--withDecryption` is refused as `--with-decryption` is, rather than reaching the SDK.
      const refused = refusedOption(name)
      if (refused) return problem(`--${refused.name} is not accepted`, refused.why)
      if (IGNORED_FLAGS.has(name) || name === 'no-paginate') {
        if (inline !== undefined)
          return problem(`--${name} takes no value`, `write --${name} alone`)
        if (name === 'no-paginate') paginate = false
        continue
      }
      if (VALUE_OPTIONS.has(name)) {
        if (globals.has(name)) return twice(name)
        if (inline !== undefined) globals.set(name, inline)
        else currentGlobal = name
        continue
      }
      if (options.some((option) => option.name.toLowerCase() === name)) return twice(name)
      current = { name: written, values: inline === undefined ? [] : [inline] }
      options.push(current)
      continue
    }
    if (currentGlobal) {
      globals.set(currentGlobal, word.text)
      currentGlobal = undefined
    } else if (current) {
      const file = /^fileb?:\/\//.exec(word.text)
      if (file && word.bare)
        return problem(
          `--${current.name} ${word.text}: values are not read from files`,
          'write the value itself (JSON or shorthand) in the call',
        )
      current.values.push(word.text)
    } else {
      return problem(
        `unexpected '${clip(word.text)}' after ${cliName(operation.name)}`,
        'values follow the option they belong to: --function-name api',
      )
    }
  }
  if (currentGlobal) return missingValue(currentGlobal)
  const whole = (name: string) => {
    const value = globals.get(name)
    if (value === undefined) return { value: undefined }
    return /^[1-9]\d{0,8}$/.test(value)
      ? { value: Number(value) }
      : problem(
          `--${name} ${clip(value)}: expected a whole number`,
          `such as --${name} ${EXAMPLES[name]}`,
        )
  }
  const maxItems = whole('max-items')
  if ('problem' in maxItems) return maxItems
  const pageSize = whole('page-size')
  if ('problem' in pageSize) return pageSize
  return {
    call: {
      service: service.id,
      operation: operation.name,
      options,
      query: globals.get('query'),
      region: globals.get('region'),
      profile: globals.get('profile'),
      paginate,
      maxItems: maxItems.value,
      pageSize: pageSize.value,
      startingToken: globals.get('starting-token'),
    },
  }
}

/** A call written out as plain text (a resolved parameter). */
export function parseCallLine(line: string): ParsedCall {
  const split = splitLine(line)
  return 'problem' in split ? split : parseCall(split.words)
}

/**
 * A call as the checklist wrote it, `${…}` and all: what `validate` and
 * `iam-policy` read. A reference stands for one value, whatever it will hold.
 */
export function parseCallTemplate(template: string): ParsedCall {
  let parts: ReturnType<typeof parseTemplate>
  try {
    parts = parseTemplate(template)
  } catch (caught) {
    if (caught instanceof TemplateSyntaxError)
      return problem(caught.message, 'see ${…} references in the README')
    throw caught
  }
  const split = splitWords(parts)
  return 'problem' in split ? split : parseCall(split.words)
}

/** `lambda:GetFunctionConfiguration`: the IAM action of the call, as IAM names it. */
export function iamActionOf(call: AwsCall): string {
  // API Gateway authorizes by HTTP method, not by operation: every read is apigateway:GET.
  if (call.service === 'apigateway' || call.service === 'apigatewayv2') return 'apigateway:GET'
  if (call.service === 's3') return `s3:${S3_ACTIONS[call.operation] ?? call.operation}`
  return iamAction(call.service, call.operation)
}

/**
 * S3 reads whose IAM action is not named after the operation (the "Actions,
 * resources, and condition keys for Amazon S3" table); the others are.
 */
const S3_ACTIONS: Readonly<Record<string, string>> = {
  HeadBucket: 'ListBucket',
  HeadObject: 'GetObject',
  ListBuckets: 'ListAllMyBuckets',
  ListObjects: 'ListBucket',
  ListObjectsV2: 'ListBucket',
  ListObjectVersions: 'ListBucketVersions',
  ListMultipartUploads: 'ListBucketMultipartUploads',
  ListParts: 'ListMultipartUploadParts',
  GetBucketAccelerateConfiguration: 'GetAccelerateConfiguration',
  GetBucketAnalyticsConfiguration: 'GetAnalyticsConfiguration',
  ListBucketAnalyticsConfigurations: 'GetAnalyticsConfiguration',
  GetBucketCors: 'GetBucketCORS',
  GetBucketEncryption: 'GetEncryptionConfiguration',
  GetBucketIntelligentTieringConfiguration: 'GetIntelligentTieringConfiguration',
  ListBucketIntelligentTieringConfigurations: 'GetIntelligentTieringConfiguration',
  GetBucketInventoryConfiguration: 'GetInventoryConfiguration',
  ListBucketInventoryConfigurations: 'GetInventoryConfiguration',
  GetBucketLifecycleConfiguration: 'GetLifecycleConfiguration',
  GetBucketMetricsConfiguration: 'GetMetricsConfiguration',
  ListBucketMetricsConfigurations: 'GetMetricsConfiguration',
  GetBucketNotificationConfiguration: 'GetBucketNotification',
  GetBucketReplication: 'GetReplicationConfiguration',
  GetObjectLockConfiguration: 'GetBucketObjectLockConfiguration',
  GetPublicAccessBlock: 'GetBucketPublicAccessBlock',
}

/**
 * The AWS CLI's name of an operation or option: `DescribeDBInstances` →
 * `describe-db-instances`, as botocore derives it.
 */
export function cliName(name: string): string {
  return name
    .replace(/(.)([A-Z][a-z]+)/g, '$1-$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
}

/** `describe-db-instances` and `DescribeDBInstances` alike: lower case, no hyphens. */
export function looseName(name: string): string {
  return name.replaceAll('-', '').toLowerCase()
}

function serviceOf(word: Word): { id: AwsService } | { problem: WordsProblem } {
  if (!word.bare) return fixedWord('the service', word)
  const id = serviceByCliName(word.text)
  if (id) return { id }
  const included = Object.values(AWS_SERVICES)
    .map((info) => info.cli)
    .sort()
    .join(', ')
  return problem(
    `this build does not include the AWS service '${clip(word.text)}'`,
    word.text === 's3'
      ? `\`aws s3 …\` is a CLI command of its own; use s3api (s3api list-objects-v2, s3api head-object). Included: ${included}`
      : `it includes: ${included}`,
  )
}

function operationOf(
  service: AwsService,
  word: Word,
): { name: string } | { problem: WordsProblem } {
  if (!word.bare) return fixedWord('the operation', word)
  const cli = AWS_SERVICES[service].cli
  const written = word.text
  const verb = /^[a-z]+/i.exec(written)?.[0] ?? ''
  if (!READ_VERB.test(`${verb.charAt(0).toUpperCase()}${verb.slice(1).toLowerCase()}X`)) {
    return problem(
      `${cli} ${clip(written)} is not a read operation: only describe-, get-, list-, head-, lookup- and search- operations are called`,
      'a check only looks; to change something, do it as a step of the checklist',
    )
  }
  const operations = READ_OPERATIONS[service].split(' ')
  const name = operations.find((op) => looseName(op) === looseName(written))
  if (!name) {
    const near = nearOperations(operations, written)
    return problem(
      `${cli} has no read operation ${clip(written)}`,
      near.length > 0
        ? `did you mean: ${near.join(', ')}?`
        : `its operations are listed by \`aws ${cli} help\``,
    )
  }
  const refused = REFUSED_OPERATIONS[service]?.[name]
  if (refused)
    return problem(
      `${cli} ${cliName(name)} is not called: ${refused}`,
      'the tool never reads a secret value or application data',
    )
  return { name }
}

/** Operations whose CLI name is close to what was written: one starts the other, or shares its noun. */
function nearOperations(operations: readonly string[], written: string): string[] {
  const wanted = written.toLowerCase()
  const names = operations.map(cliName)
  const noun = wanted.split('-').slice(1).join('-')
  const close = names.filter(
    (name) =>
      name.startsWith(wanted) ||
      wanted.startsWith(name) ||
      (noun.length >= 4 && name.includes(noun.slice(0, -1))),
  )
  return close.slice(0, 5)
}

function fixedWord(what: string, word: Word): { problem: WordsProblem } {
  return problem(
    word.dynamic
      ? `${what} cannot come from a \${…} reference`
      : `${what} is written without quotes: '${clip(word.text)}'`,
    'write the service and the operation out; references belong in option values',
  )
}

/** A refused option or CLI global, however it is spelt: `withDecryption` is `with-decryption`. */
function refusedOption(written: string): { name: string; why: string } | undefined {
  for (const table of [REFUSED_GLOBALS, REFUSED_OPTIONS]) {
    for (const [name, why] of Object.entries(table)) {
      if (looseName(name) === looseName(written)) return { name, why }
    }
  }
  return undefined
}

/** `--name=value` → [name, value]; `--name` → [name]. */
function splitInline(option: string): [string, string?] {
  const equals = option.indexOf('=')
  return equals < 0 ? [option] : [option.slice(0, equals), option.slice(equals + 1)]
}

function twice(name: string): { problem: WordsProblem } {
  return problem(
    `--${name} is given twice`,
    'give each option once; a list takes several values: --names a b',
  )
}

function missingValue(name: string): { problem: WordsProblem } {
  return problem(`--${name} needs a value`, `such as --${name} ${EXAMPLES[name] ?? 'VALUE'}`)
}

const EXAMPLES: Readonly<Record<string, string>> = {
  query: "'Table.TableStatus'",
  region: 'eu-west-1',
  'max-items': '10',
  'page-size': '50',
  output: 'json',
}

function problem(message: string, hint: string): { problem: WordsProblem } {
  return { problem: { message, hint } }
}

function clip(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}
