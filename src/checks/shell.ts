/**
 * Values substituted into a `command` check's shell text reach the command as
 * literal text, whatever they hold, wherever the checklist put the reference:
 * unquoted, inside "double quotes" or inside 'single quotes'. The literal text
 * around them is the checklist's own shell code and is left as written.
 */
import type { Lookup, Resolved, TemplatePart } from '../checklist/variables.ts'

/** POSIX quoting of one value as one word, for an unquoted place. */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value
  return `'${value.replaceAll("'", `'\\''`)}'`
}

type QuoteState = 'none' | 'single' | 'double'

/** Substitutes references into shell text, escaping each value for the quotes it lands in. */
export function resolveShellTemplate(parts: readonly TemplatePart[], lookup: Lookup): Resolved {
  let value = ''
  let state: QuoteState = 'none'
  const missing: (TemplatePart & { type: 'ref' })[] = []
  for (const part of parts) {
    if (part.type === 'text') {
      value += part.text
      state = quoteStateAfter(part.text, state)
      continue
    }
    const found = lookup(part.ref) ?? part.fallback ?? undefined
    if (found === undefined) missing.push(part)
    else value += quoteFor(state, found)
  }
  return { value, missing }
}

function quoteFor(state: QuoteState, value: string): string {
  switch (state) {
    case 'none':
      return shellQuote(value)
    case 'single':
      // Close the quote, add an escaped quote, reopen: 'it'\''s'.
      return value.replaceAll("'", `'\\''`)
    case 'double':
      // Inside "…" only $, `, " and \ are special.
      return value.replace(/[$`"\\]/g, '\\$&')
  }
}

/** Where quoting stands after `text`, starting from `state` (backslash escapes honoured). */
function quoteStateAfter(text: string, start: QuoteState): QuoteState {
  let state = start
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (state === 'single') {
      if (c === "'") state = 'none'
    } else if (c === '\\') {
      i++
    } else if (state === 'double') {
      if (c === '"') state = 'none'
    } else if (c === "'") state = 'single'
    else if (c === '"') state = 'double'
  }
  return state
}
