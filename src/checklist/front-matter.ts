/**
 * YAML front matter: the checklist's settings, kept out of the rendered page.
 *
 *   ---
 *   title: Session Management WebSocket API
 *   environments: [dev, staging, prod]
 *   aliases: { prod: [production, live] }
 *   vars: { region: us-east-1, stack: SessionManagement-${env} }
 *   env: { prod: { region: eu-west-1 } }
 *   infer-environments: true
 *   ---
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml'
import type { FrontMatter } from './model.ts'
import type { Problems } from './problems.ts'

const KNOWN_KEYS = ['title', 'environments', 'aliases', 'vars', 'env', 'infer-environments']
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
    vars?: Record<string, string>
    env?: Record<string, Record<string, string>>
    inferEnvironments?: boolean
  } = {}
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
      default:
        problems.warning(
          keyPos.line,
          keyPos.column,
          `front matter key '${key}' is not used by deploy-wizard`,
          `known keys: ${KNOWN_KEYS.join(', ')}`,
        )
    }
  }
  return result
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
