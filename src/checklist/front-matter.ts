/**
 * YAML front matter: the checklist's settings, kept out of the rendered page.
 *
 *   ---
 *   title: Session Management WebSocket API
 *   environments: [dev, staging, prod]
 *   aliases: { prod: [production, live] }
 *   production: [eu-main]
 *   vars: { region: us-east-1, stack: SessionManagement-${env} }
 *   env: { prod: { region: eu-west-1 } }
 *   infer-environments: true
 *   accounts: { dev: '111111111111', prod: { id: '222222222222', profile: prod } }
 *   ---
 *
 * A GitHub issue template's own keys (`name`, `about`, `title`, `labels`, `assignees`) are
 * read without a warning: a release-issue template is a checklist as it is.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml'
import type { AwsAccount, FrontMatter } from './model.ts'
import type { Problems } from './problems.ts'
import { DEFAULT_ENVIRONMENTS } from './scope.ts'

const KNOWN_KEYS = [
  'title',
  'environments',
  'aliases',
  'production',
  'vars',
  'env',
  'infer-environments',
  'accounts',
  'store',
]
/** What a GitHub issue template's front matter holds besides `title`; none of it is ours. */
const ISSUE_TEMPLATE_KEYS = ['name', 'about', 'labels', 'assignees']
const ACCOUNT_ID = /^\d{12}$/
const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/
const ENVIRONMENT = /^[a-z][a-z0-9_-]*$/
/**
 * Every item is validated in every environment, and every heading matched
 * against every environment's names: a list of thousands would take minutes.
 * A checklist is for a few (dev, staging, prod…).
 */
const MAX_ENVIRONMENTS = 64
const MAX_ALIASES = 256

/**
 * Parses the front matter whose first line is `firstLine` in the file.
 * Problems are reported with file lines; whatever is valid is kept.
 */
/** Where each var was written: `region` or `prod.region` (an environment's override). */
export type VarPositions = Map<string, { line: number; column: number }>

export function parseFrontMatter(
  yamlText: string,
  firstLine: number,
  problems: Problems,
  positions: VarPositions = new Map(),
): FrontMatter {
  const lineCounter = new LineCounter()
  const doc = parseDocument(yamlText, { lineCounter, prettyErrors: false, uniqueKeys: true })
  const at = (offset: number | undefined) => {
    const pos = lineCounter.linePos(offset ?? 0)
    return { line: firstLine + pos.line - 1, column: pos.col }
  }
  for (const error of doc.errors) {
    const { line, column } = at(error.pos[0])
    problems.error(line, column, `front matter: ${firstSentence(error.message)}`)
  }
  if (doc.errors.length > 0) return {}
  const root = doc.contents
  if (root === null || (isScalar(root) && root.value === null)) return {}
  if (!isMap(root)) {
    const { line, column } = at(root.range?.[0])
    problems.error(
      line,
      column,
      'front matter must be a mapping of keys to values',
      'for example: title: My checklist',
    )
    return {}
  }

  const result: {
    title?: string
    environments?: string[]
    aliases?: Record<string, string[]>
    production?: string[]
    vars?: Record<string, string>
    env?: Record<string, Record<string, string>>
    inferEnvironments?: boolean
    accounts?: Record<string, AwsAccount>
    store?: string
    issueTemplate?: { name: string | null }
  } = {}
  /** Each environment under `accounts:`, checked against the environments once all keys are read. */
  const accountEnvironments: { name: string; line: number; column: number }[] = []
  /** Each name under `production:`, checked against the environments once all keys are read. */
  const declaredProduction: { name: string; line: number; column: number }[] = []
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : ''
    const keyPos = at(rangeStart(pair.key))
    const value = pair.value
    const valuePos = at(rangeStart(value) ?? rangeStart(pair.key))
    const fail = (message: string, hint?: string) =>
      problems.error(valuePos.line, valuePos.column, `front matter '${key}': ${message}`, hint)
    switch (key) {
      case 'title':
        if (isScalar(value) && value.value !== null && typeof value.value !== 'object')
          result.title = String(value.value)
        else fail('expected text')
        break
      case 'environments': {
        const list = stringList(value)
        if (!list || list.length === 0)
          fail(
            'expected a list of environment names',
            'for example: environments: [dev, staging, prod]',
          )
        else {
          const bad = list.find((e) => !ENVIRONMENT.test(e))
          if (bad)
            fail(`'${bad}' is not an environment name`, 'use lowercase letters, digits, - and _')
          else if (list.length > MAX_ENVIRONMENTS)
            fail(
              `${list.length} environments; a checklist may have at most ${MAX_ENVIRONMENTS}`,
              'list the environments this checklist deploys to, such as [dev, staging, prod]',
            )
          else result.environments = list
        }
        break
      }
      case 'aliases': {
        const aliases = mapOf(value, stringList)
        if (!aliases)
          fail(
            'expected each environment with a list of names',
            'for example: aliases: { prod: [production, live] }',
          )
        else if (Object.values(aliases).flat().length > MAX_ALIASES)
          fail(
            `more than ${MAX_ALIASES} names in all; a checklist may have at most ${MAX_ALIASES}`,
            'give each environment the few names its headings use, such as prod: [production, live]',
          )
        else result.aliases = aliases
        break
      }
      case 'production': {
        const list = stringList(value)
        if (!list)
          fail(
            'expected a list of environment names',
            'for example: production: [eu-main]; names such as prod, prod-eu or live are production already',
          )
        else if (list.length === 0)
          problems.warning(
            valuePos.line,
            valuePos.column,
            "front matter 'production': an empty list changes nothing",
            'an environment whose name reads as production (prod, prod-eu, live…) is production whatever the front matter says',
          )
        else {
          result.production = list
          const items = isSeq(value) ? value.items : [value]
          list.forEach((name, i) => {
            declaredProduction.push({ name, ...at(rangeStart(items[i]) ?? rangeStart(value)) })
          })
        }
        break
      }
      case 'vars': {
        const vars = scalarMap(value, (name, offset) => positions.set(name, at(offset)))
        if (!vars)
          fail('expected names with text values', 'for example: vars: { region: us-east-1 }')
        else {
          const bad = Object.keys(vars).find((k) => !NAME.test(k) || k === 'env')
          if (bad)
            fail(
              `'${bad}' cannot be a var name`,
              'names are letters, digits, - and _, and "env" is taken by ${env}',
            )
          else result.vars = vars
        }
        break
      }
      case 'env': {
        const env = mapOf(value, (node, envName) =>
          scalarMap(node, (name, offset) => positions.set(`${envName}.${name}`, at(offset))),
        )
        if (!env)
          fail(
            'expected each environment with its vars',
            'for example: env: { prod: { region: eu-west-1 } }',
          )
        else result.env = env
        break
      }
      case 'infer-environments':
        if (isScalar(value) && typeof value.value === 'boolean')
          result.inferEnvironments = value.value
        else fail('expected true or false')
        break
      case 'store':
        // Only read here; run/team/address.ts says whether it is a valid s3:// address.
        if (isScalar(value) && typeof value.value === 'string' && value.value.trim() !== '')
          result.store = value.value.trim()
        else
          fail(
            'expected a team store address',
            'for example: store: s3://team-deploys/deploy-wizard',
          )
        break
      case 'accounts': {
        const accounts = mapOf(value, (node) => awsAccount(node))
        if (!accounts)
          fail(
            'expected each environment with its 12-digit AWS account id',
            "for example: accounts: { dev: '111111111111', prod: { id: '222222222222', profile: prod } }",
          )
        else {
          result.accounts = accounts
          if (isMap(value))
            for (const pair of value.items)
              accountEnvironments.push({
                name: isScalar(pair.key) ? String(pair.key.value) : '',
                ...at(rangeStart(pair.key)),
              })
        }
        break
      }
      case 'name':
      case 'about':
      case 'labels':
      case 'assignees': {
        const name = key === 'name' && isScalar(value) ? String(value.value ?? '').trim() : ''
        result.issueTemplate = { name: name || (result.issueTemplate?.name ?? null) }
        break
      }
      default:
        problems.warning(
          keyPos.line,
          keyPos.column,
          `front matter key '${key}' is not used by deploy-wizard`,
          `known keys: ${KNOWN_KEYS.join(', ')} (and an issue template's ${ISSUE_TEMPLATE_KEYS.join(', ')})`,
        )
    }
  }
  const environments: readonly string[] = result.environments ?? DEFAULT_ENVIRONMENTS
  for (const { name, line, column } of declaredProduction) {
    if (!environments.includes(name))
      problems.error(
        line,
        column,
        `front matter 'production': '${name}' is not one of this checklist's environments`,
        `environments: ${environments.join(', ')}`,
      )
  }
  for (const { name, line, column } of accountEnvironments) {
    if (!environments.includes(name))
      problems.error(
        line,
        column,
        `front matter 'accounts': '${name}' is not one of this checklist's environments`,
        `environments: ${environments.join(', ')}`,
      )
  }
  return result
}

/**
 * The checklist's title, trimmed. An issue template's `title:` is the issue's title to be:
 * often with placeholders (`Release v[X.Y.Z]`, `v6.x.x`, `<version>`, `{{ env.NAME }}`), and
 * then the file's `#` heading names the checklist better; often only the prefix the issue's
 * title starts with (`"[CHANGE] "`, `"Release: "`), which names no checklist: then the heading,
 * else the template's `name`. An empty title names nothing; with no title and no heading, the
 * template's `name` is the next best.
 */
export function checklistTitle(frontMatter: FrontMatter, heading: string | null): string {
  const written = frontMatter.title ?? ''
  const title = written.trim() || null
  const template = frontMatter.issueTemplate
  if (title === null) return heading ?? template?.name ?? 'Checklist'
  if (!template) return title
  const isPrefix = ISSUE_PREFIX.test(written) && (heading !== null || template.name !== null)
  if (!isPrefix && !(heading !== null && hasPlaceholder(title))) return title
  return heading ?? template.name ?? title
}

/** An issue title's prefix: a bracketed tag alone (`[CHANGE]`, `【Release】`), or words left open with a space. */
const ISSUE_PREFIX = /^\s*(?:[[(【「][^\])】」]*[\])】」][\s:：\-—]*|.*\s)$/u

/** Text left to be filled in: `[Version]`, `<version number>`, `{{ x }}`, `v1.?.?`, `vX.Y.Z`, `MM/DD/YYYY`, `___`. */
const PLACEHOLDER =
  /\[[^\]]*\]|<[^>]+>|\{[^}]*\}|\?\?|\.\?|\?\.|_{2,}|\b(?:YYYY|MM\/DD|DD\/MM)\b|\bv?(?=[\dxyz.]*[xyz])[\dxyz]+(?:\.[\dxyz]+){1,3}\b/i

export function hasPlaceholder(text: string): boolean {
  return PLACEHOLDER.test(text)
}

/**
 * `'111111111111'`, or `{ id: '111111111111', region: eu-west-1, profile: prod }`. The id is
 * read as written: YAML would read an unquoted 012345678901 as a number and drop its zero.
 */
function awsAccount(node: unknown): AwsAccount | null {
  if (isScalar(node)) {
    const id = node.source ?? String(node.value)
    return ACCOUNT_ID.test(id) ? { id } : null
  }
  const fields = scalarMap(node)
  if (!fields || fields.id === undefined || !ACCOUNT_ID.test(fields.id)) return null
  if (Object.keys(fields).some((key) => !['id', 'region', 'profile'].includes(key))) return null
  return {
    id: fields.id,
    ...(fields.region ? { region: fields.region } : {}),
    ...(fields.profile ? { profile: fields.profile } : {}),
  }
}

function rangeStart(node: unknown): number | undefined {
  return (node as { range?: readonly number[] } | null)?.range?.[0]
}

function stringList(node: unknown): string[] | null {
  if (isScalar(node) && typeof node.value === 'string') return [node.value]
  if (!isSeq(node)) return null
  const out: string[] = []
  for (const item of node.items) {
    if (!isScalar(item) || item.value === null || typeof item.value === 'object') return null
    out.push(String(item.value))
  }
  return out
}

function scalarMap(
  node: unknown,
  seen: (name: string, offset: number | undefined) => void = () => {},
): Record<string, string> | null {
  if (!isMap(node)) return null
  const out: Record<string, string> = {}
  for (const pair of node.items) {
    if (!isScalar(pair.key) || !isScalar(pair.value) || pair.value.value === null) return null
    // The text as written: YAML would read `3.10` as the number 3.1.
    out[String(pair.key.value)] = pair.value.source ?? String(pair.value.value)
    seen(String(pair.key.value), rangeStart(pair.value))
  }
  return out
}

function mapOf<T>(
  node: unknown,
  read: (value: unknown, key: string) => T | null,
): Record<string, T> | null {
  if (!isMap(node)) return null
  const out: Record<string, T> = {}
  for (const pair of node.items) {
    if (!isScalar(pair.key)) return null
    const value = read(pair.value, String(pair.key.value))
    if (value === null) return null
    out[String(pair.key.value)] = value
  }
  return out
}

function firstSentence(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '')
}
