/**
 * The directive grammar: automation written in HTML comments, invisible on GitHub.
 *
 *   <!-- check: http url=${api}/health status=200 -->
 *   <!-- id: api-health; needs: api-stack; timeout: 30s -->
 *   <!-- only: staging, prod -->
 *   <!-- signoff -->
 *   <!-- gate: approval "Change board" -->
 *
 * A comment holds one or more directives separated by `;`. `check:` takes a kind
 * and `key=value` parameters; a value with spaces or `;` is quoted with "…" (where
 * \" and \\ escape) or '…' (taken literally). A comment whose first word is not a
 * directive name is an ordinary comment and is left alone.
 */
import { parseDuration } from '../duration.ts'
import type { GateApprover } from './model.ts'
export const DIRECTIVE_NAMES = [
  'check',
  'only',
  'id',
  'needs',
  'timeout',
  'signoff',
  'gate',
] as const
export type DirectiveName = (typeof DIRECTIVE_NAMES)[number]

interface At {
  /** Offset of the directive's first character in the checklist file. */
  readonly offset: number
}

export type Directive =
  | (At & {
      readonly name: 'check'
      readonly kind: string
      readonly params: Readonly<Record<string, string>>
      readonly kindOffset: number
      /** Offset of each parameter, for errors that point at it. */
      readonly paramOffsets: Readonly<Record<string, number>>
    })
  | (At & { readonly name: 'only'; readonly environments: readonly string[] | null })
  | (At & { readonly name: 'id'; readonly id: string })
  | (At & { readonly name: 'needs'; readonly ids: readonly string[] })
  | (At & { readonly name: 'timeout'; readonly ms: number })
  | (At & { readonly name: 'signoff' })
  | (At & {
      readonly name: 'gate'
      readonly kind: 'approval'
      /** The gate's name as written: "Change board". */
      readonly gate: string
      readonly approver: GateApprover
    })

/** Who may approve at a gate (see `Gate`): the words `approver=` takes. */
export const GATE_APPROVERS: readonly GateApprover[] = ['not-driver', 'anyone']

/** The longest gate name: it is shown in the wizard's lines and typed after `--gate`. */
export const MAX_GATE_NAME = 60

export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/

/** Report a problem at an offset in the file. */
export type Report = (offset: number, message: string, hint?: string) => void

/**
 * Parses an HTML comment found at `offset`. Returns `null` when the comment is
 * not a directive at all; problems in a directive are reported and the broken
 * directive is left out.
 */
export function parseDirectiveComment(
  comment: string,
  offset: number,
  report: Report,
  warn: Report,
): Directive[] | null {
  const match = /^<!--([\s\S]*?)(-->)?\s*$/.exec(comment)
  if (!match) return null
  const body = match[1] ?? ''
  const bodyOffset = offset + 4
  const first = /^\s*([A-Za-z][\w.-]*)\s*(:|$|;)/.exec(body)
  if (!first?.[1]) {
    // "<!-- check tcp host=a port=1 -->": a directive with its colon forgotten. An ordinary
    // comment can start the same way ("Check this later"), so this only warns.
    const bare = /^\s*([A-Za-z]+)\s+\S/.exec(body)
    if (bare?.[1] && isDirectiveName(bare[1]) && bare[1] === bare[1].toLowerCase()) {
      warn(
        bodyOffset + body.indexOf(bare[1]),
        `'${bare[1]}' looks like a directive without its colon`,
        `write '${bare[1]}: …'`,
      )
    }
    return null
  }
  const firstName = first[1].toLowerCase()
  if (!isDirectiveName(firstName)) {
    const near = closest(firstName)
    if (near && first[2] === ':')
      warn(
        bodyOffset + body.indexOf(first[1]),
        `'${first[1]}' is not a directive`,
        `did you mean '${near}:'?`,
      )
    return null
  }
  const directives: Directive[] = []
  for (const part of splitOutsideQuotes(body, ';')) {
    const text = part.text
    const start = bodyOffset + part.offset
    const head = /^(\s*)([A-Za-z][\w.-]*)\s*(:?)/.exec(text)
    if (!head?.[2]) {
      if (text.trim())
        report(start, `expected a directive name, found '${text.trim()}'`, hintNames())
      continue
    }
    const name = head[2].toLowerCase()
    const nameOffset = start + (head[1]?.length ?? 0)
    const argsOffset = start + head[0].length
    const args = text.slice(head[0].length)
    if (!isDirectiveName(name)) {
      const near = closest(name)
      report(
        nameOffset,
        `unknown directive '${head[2]}'`,
        near ? `did you mean '${near}:'?` : hintNames(),
      )
      continue
    }
    if (name !== 'signoff' && head[3] !== ':') {
      report(nameOffset, `'${name}' needs a colon and a value`, `write '${name}: …'`)
      continue
    }
    const directive = parseOne(name, args, argsOffset, nameOffset, report)
    if (directive) directives.push(directive)
  }
  return directives
}

function parseOne(
  name: DirectiveName,
  args: string,
  argsOffset: number,
  offset: number,
  report: Report,
): Directive | null {
  const words = listWords(args)
  // Errors about a value point at the value, not at the space before it.
  const valueOffset = argsOffset + (args.length - args.trimStart().length)
  switch (name) {
    case 'signoff':
      if (args.trim()) report(argsOffset, `'signoff' takes no value`)
      return { name, offset }
    case 'id': {
      const id = args.trim()
      if (!ID_PATTERN.test(id)) {
        report(
          valueOffset,
          id ? `'${id}' is not a valid id` : `'id:' needs a value`,
          'ids are letters, digits, dots, dashes and underscores, starting with a letter or digit',
        )
        return null
      }
      return { name, id, offset }
    }
    case 'only': {
      if (words.length === 0) {
        report(
          argsOffset,
          `'only:' needs one or more environments`,
          'for example: only: staging, prod',
        )
        return null
      }
      const all = words.length === 1 && (words[0] === 'all' || words[0] === '*')
      return { name, environments: all ? null : words, offset }
    }
    case 'needs': {
      if (words.length === 0) {
        report(argsOffset, `'needs:' needs one or more item ids`, 'for example: needs: api-stack')
        return null
      }
      const bad = words.find((w) => !ID_PATTERN.test(w))
      if (bad) {
        report(argsOffset + args.indexOf(bad), `'${bad}' is not a valid id`)
        return null
      }
      return { name, ids: words, offset }
    }
    case 'timeout': {
      const ms = parseDuration(args.trim())
      if (ms === null) {
        report(
          valueOffset,
          `'${args.trim()}' is not a duration`,
          'write a number with a unit: 500ms, 30s, 5m, 1h',
        )
        return null
      }
      return { name, ms, offset }
    }
    case 'check':
      return parseCheck(args, argsOffset, offset, report)
    case 'gate':
      return parseGate(args, argsOffset, offset, report)
  }
}

const GATE_EXAMPLE = 'for example: gate: approval "Change board"'

/** `gate: approval "Change board" [approver=not-driver|anyone]`. */
function parseGate(
  args: string,
  argsOffset: number,
  offset: number,
  report: Report,
): Directive | null {
  const tokens = tokenize(args, argsOffset, report)
  if (!tokens) return null
  const [kind, name, ...options] = tokens
  if (!kind) {
    report(argsOffset, `'gate:' needs a kind and a name`, GATE_EXAMPLE)
    return null
  }
  if (kind.value !== 'approval') {
    report(
      kind.offset,
      `'${kind.value}' is not a kind of gate: the kind is 'approval'`,
      GATE_EXAMPLE,
    )
    return null
  }
  if (!name || name.keyed) {
    report(
      name?.offset ?? kind.offset,
      `'gate: approval' needs the gate's name`,
      'name it after who approves, in quotes: gate: approval "Change board"',
    )
    return null
  }
  const gate = name.value.trim()
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing exactly these
  if (gate === '' || /[\u0000-\u001f\u007f-\u009f]/.test(gate) || gate.length > MAX_GATE_NAME) {
    report(
      name.offset,
      gate === ''
        ? `a gate's name cannot be empty`
        : gate.length > MAX_GATE_NAME
          ? `a gate's name is at most ${MAX_GATE_NAME} characters`
          : `a gate's name cannot hold control characters`,
      GATE_EXAMPLE,
    )
    return null
  }
  let approver: GateApprover = 'not-driver'
  const seen = new Set<string>()
  for (const option of options) {
    const eq = option.value.indexOf('=')
    const key = eq > 0 && option.keyed ? option.value.slice(0, eq) : null
    if (key !== 'approver') {
      report(
        option.offset,
        key === null
          ? `expected approver=…, found '${option.value}'`
          : `'${key}' is not an option of a gate`,
        key === null
          ? `quote a name that has spaces: gate: approval "${gate} ${option.value}"`
          : 'a gate takes approver=not-driver (the default) or approver=anyone',
      )
      return null
    }
    if (seen.has(key)) {
      report(option.offset, `'${key}' is given twice`)
      return null
    }
    seen.add(key)
    const value = option.value.slice(eq + 1)
    if (!(GATE_APPROVERS as readonly string[]).includes(value)) {
      report(
        option.offset,
        `'${value}' is not who may approve`,
        'approver=not-driver: someone other than who drove the run (the default); approver=anyone: the driver too',
      )
      return null
    }
    approver = value as GateApprover
  }
  return { name: 'gate', kind: 'approval', gate, approver, offset }
}

function parseCheck(
  args: string,
  argsOffset: number,
  offset: number,
  report: Report,
): Directive | null {
  const tokens = tokenize(args, argsOffset, report)
  if (!tokens) return null
  const [kindToken, ...rest] = tokens
  if (!kindToken) {
    report(
      argsOffset,
      `'check:' needs a kind`,
      'for example: check: http url=https://example.com status=200',
    )
    return null
  }
  if (kindToken.value.includes('=')) {
    report(
      kindToken.offset,
      `'check:' starts with the kind, before any key=value`,
      'for example: check: tcp host=localhost port=5432',
    )
    return null
  }
  const params: Record<string, string> = {}
  const paramOffsets: Record<string, number> = {}
  for (const token of rest) {
    const eq = token.value.indexOf('=')
    if (eq <= 0 || !token.keyed) {
      const isDirective = isDirectiveName(token.value.replace(/:$/, '').toLowerCase())
      report(
        token.offset,
        `expected key=value, found '${token.value}'`,
        isDirective
          ? `separate directives with ';', as in: check: … ; ${token.value} …`
          : 'quote a value that has spaces: key="a value"',
      )
      return null
    }
    const key = token.value.slice(0, eq)
    if (key in params) {
      report(token.offset, `'${key}' is given twice`)
      return null
    }
    params[key] = token.value.slice(eq + 1)
    paramOffsets[key] = token.offset
  }
  return {
    name: 'check',
    kind: kindToken.value,
    kindOffset: kindToken.offset,
    params,
    paramOffsets,
    offset,
  }
}

interface Token {
  readonly value: string
  readonly offset: number
  /** The `=` that splits key from value was written outside quotes. */
  readonly keyed: boolean
}

/** Splits shell-like words: whitespace separates, "…" and '…' group, \ escapes inside "…". */
export function tokenize(text: string, baseOffset: number, report: Report): Token[] | null {
  const tokens: Token[] = []
  let i = 0
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i] ?? '')) i++
    if (i >= text.length) break
    const start = i
    let value = ''
    let keyed = false
    while (i < text.length && !/\s/.test(text[i] ?? '')) {
      const c = text[i] ?? ''
      if (c === '"' || c === "'") {
        const quoteStart = i
        i++
        let closed = false
        while (i < text.length) {
          const d = text[i] ?? ''
          if (d === c) {
            closed = true
            i++
            break
          }
          if (c === '"' && d === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) {
            value += text[i + 1]
            i += 2
            continue
          }
          value += d
          i++
        }
        if (!closed) {
          report(
            baseOffset + quoteStart,
            `unclosed ${c === '"' ? 'double' : 'single'} quote`,
            `close it with ${c}`,
          )
          return null
        }
        continue
      }
      if (c === '=' && !keyed) keyed = true
      value += c
      i++
    }
    tokens.push({ value, offset: baseOffset + start, keyed })
  }
  return tokens
}

/** Splits on `separator` where it is not inside quotes, keeping each part's offset. */
function splitOutsideQuotes(text: string, separator: string): { text: string; offset: number }[] {
  const parts: { text: string; offset: number }[] = []
  let quote: string | null = null
  let start = 0
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quote) {
      if (c === '\\' && quote === '"') i++
      else if (c === quote) quote = null
    } else if (c === '"' || c === "'") quote = c
    else if (c === separator) {
      parts.push({ text: text.slice(start, i), offset: start })
      start = i + 1
    }
  }
  parts.push({ text: text.slice(start), offset: start })
  return parts
}

function listWords(args: string): string[] {
  return args
    .split(/[\s,]+/)
    .map((w) => w.trim())
    .filter(Boolean)
}

function isDirectiveName(name: string): name is DirectiveName {
  return (DIRECTIVE_NAMES as readonly string[]).includes(name)
}

function hintNames(): string {
  return `directives are ${DIRECTIVE_NAMES.map((n) => `'${n}'`).join(', ')}`
}

/** The directive name within two edits of `word`, to suggest for a typo. */
function closest(word: string): string | null {
  let best: string | null = null
  let bestDistance = 3
  for (const name of DIRECTIVE_NAMES) {
    const d = editDistance(word, name)
    if (d < bestDistance) {
      best = name
      bestDistance = d
    }
  }
  return best
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      )
    }
    previous = current
  }
  return previous[b.length] ?? 0
}
