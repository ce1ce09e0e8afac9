/**
 * Values substituted into a `command` check's shell text reach the command as
 * literal text, whatever they hold, wherever the checklist put the reference:
 * unquoted, inside "double quotes", inside 'single quotes', inside `$(…)` or a
 * here-document. They are never written into the shell text at all: each one
 * is handed to the shell in an environment variable of its own (`DW_VALUE_1`…)
 * and the text refers to it, quoted for where it lands. A shell does not read
 * the result of a variable's expansion as code, so no value can run as code;
 * and no value shows in the process list. The text around the references is
 * the checklist's own shell code and is left as written.
 */
import type { Lookup, Resolved, TemplatePart } from '../checklist/variables.ts'

/** POSIX quoting of one value as one word, for an unquoted place. */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value
  return `'${value.replaceAll("'", `'\\''`)}'`
}

type QuoteState = 'none' | 'single' | 'double' | 'heredoc'

interface Heredoc {
  readonly delimiter: string
  /** `<<-`: leading tabs are stripped, the delimiter's line included. */
  readonly strip: boolean
}

/** How far the shell text has been read: its quoting, and the here-document it is in or opens. */
interface Scan {
  readonly quote: QuoteState
  readonly heredoc: Heredoc | null
  /** Opened on the current line (`cat <<EOF`): its body starts on the next. */
  readonly pending: Heredoc | null
  /** The here-document line read so far, to tell its closing line. */
  readonly line: string
}

export interface ShellResolved extends Resolved {
  /** The values the text refers to, by the environment variable that holds each. */
  readonly env: Readonly<Record<string, string>>
}

/** The environment variables a command's values are handed over in: DW_VALUE_1, DW_VALUE_2… */
export const VALUE_VARIABLE = 'DW_VALUE_'

/** Shell text with each reference turned into a reference to the variable holding its value. */
export function resolveShellTemplate(
  parts: readonly TemplatePart[],
  lookup: Lookup,
): ShellResolved {
  let value = ''
  let state: Scan = { quote: 'none', heredoc: null, pending: null, line: '' }
  const missing: (TemplatePart & { type: 'ref' })[] = []
  const env: Record<string, string> = {}
  for (const part of parts) {
    if (part.type === 'text') {
      value += part.text
      state = quoteStateAfter(part.text, state)
      continue
    }
    const found = lookup(part.ref) ?? part.fallback ?? undefined
    if (found === undefined) {
      missing.push(part)
      continue
    }
    const name = `${VALUE_VARIABLE}${Object.keys(env).length + 1}`
    env[name] = found
    value += referenceTo(name, state.quote)
  }
  return { value, missing, env }
}

/**
 * `$NAME` as one literal word where it lands: "$NAME" unquoted, ${NAME} inside "…" or a
 * here-document's body, '"$NAME"' inside '…'.
 */
function referenceTo(name: string, state: QuoteState): string {
  switch (state) {
    case 'none':
      return `"$${name}"`
    case 'double':
    case 'heredoc':
      return `\${${name}}`
    case 'single':
      return `'"$${name}"'`
  }
}

/**
 * Where quoting stands after `text`, starting from `start`: backslash escapes honoured, and
 * here-documents followed (`<<EOF` … `EOF`), in whose body quotes are plain text.
 */
function quoteStateAfter(text: string, start: Scan): Scan {
  let { quote, heredoc, pending, line } = start
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? ''
    if (quote === 'heredoc') {
      if (c !== '\n') {
        line += c
        continue
      }
      const body = heredoc?.strip ? line.replace(/^\t+/, '') : line
      if (body === heredoc?.delimiter) quote = 'none'
      line = ''
      continue
    }
    if (quote === 'single') {
      if (c === "'") quote = 'none'
    } else if (c === '\\') {
      i++
    } else if (quote === 'double') {
      if (c === '"') quote = 'none'
    } else if (c === "'") quote = 'single'
    else if (c === '"') quote = 'double'
    else if (c === '<' && text.startsWith('<<', i) && !text.startsWith('<<<', i)) {
      const opened = /^<<(-?)\s*(['"\\]?)([A-Za-z0-9_]+)\2/.exec(text.slice(i))
      if (opened) {
        pending = { delimiter: opened[3] ?? '', strip: opened[1] === '-' }
        i += opened[0].length - 1
      }
    } else if (c === '\n' && pending) {
      quote = 'heredoc'
      heredoc = pending
      pending = null
      line = ''
    }
  }
  return { quote, heredoc, pending, line }
}
