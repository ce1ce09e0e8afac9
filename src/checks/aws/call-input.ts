/**
 * A call's options (`--db-instance-identifier db1`, `--names a b`, `--filters
 * Name=vpc-id,Values=vpc-1`) as the SDK command's input, read against the
 * operation's input schema that the SDK ships (`@smithy/core/schema`): names
 * matched as the AWS CLI writes them, values turned into the member's type —
 * text, numbers, booleans (`--flag`, `--no-flag`), timestamps, lists (several
 * words, or one JSON array), and maps and structures as JSON or the CLI's
 * shorthand `Key=Value,Key2=Value2`.
 */
import { NormalizedSchema } from '@smithy/core/schema'
import { MASK } from '../redact.ts'
import { type CallOption, cliName, looseName } from './cli-call.ts'

/** What the operation was given, and what of it may be shown. */
export interface CallInput {
  readonly input: Record<string, unknown>
  /** The input with the values of members AWS marks sensitive masked, for the evidence. */
  readonly shown: Record<string, unknown>
  /** Those values, to be scrubbed wherever they might appear. */
  readonly secrets: readonly string[]
}

/** An option the operation does not take, or a value it cannot be given. */
export class InputProblem extends Error {
  override readonly name = 'InputProblem'
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message)
  }
}

/** The schema of an operation's input, read off a command made with no input. */
export function inputSchemaOf(command: object): NormalizedSchema {
  return NormalizedSchema.of(operationSchema(command)[4] as never)
}

/** The schema of an operation's output. */
export function outputSchemaOf(command: object): NormalizedSchema {
  return NormalizedSchema.of(operationSchema(command)[5] as never)
}

function operationSchema(command: object): readonly unknown[] {
  const schema = (command as { schema?: unknown }).schema
  if (!Array.isArray(schema) || schema[0] !== 9) {
    throw new Error('this SDK client does not describe its operations (no operation schema)')
  }
  return schema
}

/**
 * The SDK input for `options`. `operation` is the CLI's name of it, for messages.
 * Throws an InputProblem naming the operation's options when one is not its own.
 */
export function buildInput(
  operation: string,
  options: readonly CallOption[],
  schema: NormalizedSchema,
): CallInput {
  const members = new Map<string, [string, NormalizedSchema]>()
  for (const [name, member] of schema.structIterator()) members.set(looseName(name), [name, member])
  const input: Record<string, unknown> = {}
  const shown: Record<string, unknown> = {}
  const secrets: string[] = []
  for (const option of options) {
    const direct = members.get(looseName(option.name))
    const negated =
      !direct && option.name.toLowerCase().startsWith('no-')
        ? members.get(looseName(option.name.slice(3)))
        : undefined
    const found = direct ?? (negated?.[1].isBooleanSchema() ? negated : undefined)
    if (!found) {
      throw new InputProblem(
        `${operation} has no option --${option.name}`,
        `its options: ${optionNames(schema)}`,
      )
    }
    const [name, member] = found
    const value = negated
      ? flag(option, false)
      : member.isBooleanSchema()
        ? flag(option, true)
        : fromWords(option, member)
    input[name] = value
    if (member.getMergedTraits().sensitive) {
      shown[name] = MASK
      secrets.push(...textsIn(value))
    } else shown[name] = value
  }
  for (const [name, member] of schema.structIterator()) {
    // A value that goes into the request's path cannot be left out (the CLI says so too).
    if (member.getMergedTraits().httpLabel && input[name] === undefined) {
      throw new InputProblem(
        `${operation} needs --${cliName(name)}`,
        `its options: ${optionNames(schema)}`,
      )
    }
  }
  return { input, shown, secrets }
}

/** `--function-name, --qualifier`: an operation's options as the CLI writes them. */
export function optionNames(schema: NormalizedSchema): string {
  const names = [...schema.structIterator()].map(([name]) => `--${cliName(name)}`)
  return names.length > 0 ? names.join(', ') : 'none'
}

function flag(option: CallOption, value: boolean): boolean {
  if (option.values.length > 0) {
    const name = option.name.replace(/^no-/i, '')
    throw new InputProblem(
      `--${option.name} takes no value`,
      `write --${name} for true and --no-${name} for false`,
    )
  }
  return value
}

/** The words given after an option, as the member's value. */
function fromWords(option: CallOption, member: NormalizedSchema): unknown {
  const where = `--${option.name}`
  const { values } = option
  if (values.length === 0) throw new InputProblem(`${where} needs a value`, example(member, where))
  if (member.isListSchema()) {
    const only = values[0]
    // One JSON array is the whole list; otherwise each word is one element.
    if (values.length === 1 && only?.trimStart().startsWith('[')) {
      return coerce(parseJson(only, where), member, where)
    }
    const element = member.getValueSchema()
    return values.map((value, i) =>
      coerce(fromText(value, element, where), element, `${where}[${i}]`),
    )
  }
  if (values.length > 1) {
    throw new InputProblem(
      `${where} takes one value, and was given ${values.length}`,
      'a value with spaces goes in quotes: --description "two words"',
    )
  }
  return coerce(fromText(values[0] as string, member, where), member, where)
}

/** One word as JSON or shorthand where the member is a structure or map, else as it is. */
function fromText(text: string, member: NormalizedSchema, where: string): unknown {
  if (member.isStructSchema() || member.isMapSchema() || member.isDocumentSchema()) {
    return /^\s*[[{]/.test(text) || member.isDocumentSchema()
      ? parseJson(text, where)
      : parseShorthand(text, where)
  }
  return text
}

/** A value read from JSON, shorthand or a word, as the member's type. */
function coerce(value: unknown, member: NormalizedSchema, where: string): unknown {
  if (value === null) return undefined
  if (member.isListSchema()) {
    const element = member.getValueSchema()
    const items = Array.isArray(value) ? value : [value]
    return items.map((item, i) => coerce(item, element, `${where}[${i}]`))
  }
  if (member.isMapSchema()) {
    if (!isObject(value)) throw notA('a map (Key=Value,… or JSON)', where, value)
    const valueSchema = member.getValueSchema()
    return Object.fromEntries(
      Object.entries(value).map(([key, v]) => [key, coerce(v, valueSchema, `${where}.${key}`)]),
    )
  }
  if (member.isStructSchema()) {
    if (!isObject(value)) throw notA('a structure (Key=Value,… or JSON)', where, value)
    const fields = new Map<string, [string, NormalizedSchema]>()
    for (const [name, field] of member.structIterator()) fields.set(looseName(name), [name, field])
    const result: Record<string, unknown> = {}
    for (const [key, v] of Object.entries(value)) {
      const field = fields.get(looseName(key))
      if (!field) {
        throw new InputProblem(
          `${where} has no field ${key}`,
          `its fields: ${[...fields.values()].map(([name]) => name).join(', ')}`,
        )
      }
      result[field[0]] = coerce(v, field[1], `${where}.${field[0]}`)
    }
    return result
  }
  if (member.isDocumentSchema()) return value
  if (member.isBooleanSchema()) {
    if (typeof value === 'boolean') return value
    if (value === 'true' || value === 'false') return value === 'true'
    throw notA('true or false', where, value)
  }
  if (member.isNumericSchema() || member.isBigIntegerSchema() || member.isBigDecimalSchema()) {
    const number =
      typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN
    if (typeof value === 'string' && value.trim() === '') throw notA('a number', where, value)
    if (!Number.isFinite(number)) throw notA('a number', where, value)
    return number
  }
  if (member.isTimestampSchema()) {
    const date =
      typeof value === 'number' || (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value))
        ? new Date(Number(value) * 1000)
        : typeof value === 'string'
          ? new Date(value)
          : new Date(Number.NaN)
    if (Number.isNaN(date.getTime())) {
      throw notA('a time (2025-01-31T12:00:00Z, or seconds since 1970)', where, value)
    }
    return date
  }
  if (member.isBlobSchema()) {
    if (typeof value !== 'string') throw notA('text', where, value)
    return new TextEncoder().encode(value)
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return String(value)
  }
  throw notA('text', where, value)
}

/**
 * The AWS CLI's shorthand, its simple part: `Key=Value,Key2=Value2`; a value
 * after which bare words follow (`Values=a,b`) or in brackets (`Values=[a,b]`)
 * is a list. Anything richer is written as JSON.
 */
function parseShorthand(text: string, where: string): Record<string, unknown> {
  const result: Record<string, unknown> = {}
  let last: string | undefined
  for (const piece of splitTopLevel(text)) {
    const equals = piece.indexOf('=')
    if (equals < 0) {
      if (last === undefined) {
        throw new InputProblem(
          `${where} ${clip(text)}: expected Key=Value,Key2=Value2 or JSON`,
          `such as ${where} Name=vpc-id,Values=vpc-1 or ${where} '{"Name":"vpc-id","Values":["vpc-1"]}'`,
        )
      }
      const before = result[last]
      result[last] = [...(Array.isArray(before) ? before : [before]), piece]
      continue
    }
    const key = piece.slice(0, equals).trim()
    const value = piece.slice(equals + 1)
    last = key
    result[key] =
      value.startsWith('[') && value.endsWith(']')
        ? value.slice(1, -1) === ''
          ? []
          : splitTopLevel(value.slice(1, -1))
        : value
  }
  return result
}

/** Splits on commas outside brackets. */
function splitTopLevel(text: string): string[] {
  const pieces: string[] = []
  let depth = 0
  let piece = ''
  for (const c of text) {
    if (c === '[' || c === '{') depth++
    else if (c === ']' || c === '}') depth--
    if (c === ',' && depth === 0) {
      pieces.push(piece)
      piece = ''
    } else piece += c
  }
  pieces.push(piece)
  return pieces
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text)
  } catch (caught) {
    throw new InputProblem(
      `${where} is not valid JSON: ${(caught as Error).message}`,
      'write it in single quotes so that its double quotes stay: \'{"Name":"vpc-id"}\'',
    )
  }
}

function example(member: NormalizedSchema, where: string): string {
  if (member.isListSchema()) return `such as ${where} a b c`
  if (member.isStructSchema() || member.isMapSchema()) return `such as ${where} Key=Value`
  if (member.isNumericSchema()) return `such as ${where} 10`
  return `such as ${where} VALUE`
}

function notA(what: string, where: string, value: unknown): InputProblem {
  return new InputProblem(
    `${where} ${clip(typeof value === 'string' ? value : (JSON.stringify(value) ?? ''))}: expected ${what}`,
    'write the value as the AWS CLI takes it',
  )
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** Every text in a value, for the redactor. */
function textsIn(value: unknown): string[] {
  if (typeof value === 'string') return value ? [value] : []
  if (Array.isArray(value)) return value.flatMap(textsIn)
  if (isObject(value)) return Object.values(value).flatMap(textsIn)
  return []
}

function clip(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}
