/**
 * PostgreSQL's lexical rules, enough to tell code from what is not code: where
 * a string, a quoted name, a dollar-quoted body or a comment starts and ends,
 * and which words and `$n` parameters lie between them. It follows the server's
 * own lexer (scan.l) with `standard_conforming_strings` on, which the check
 * sets for its transaction so the two agree: in a plain '…' string a backslash
 * is a backslash; E'…' strings take backslash escapes; block comments nest.
 *
 * A real parser (libpg-query) is WebAssembly of several megabytes; the pure
 * JavaScript ones do not know all of PostgreSQL's syntax. Telling code from
 * text is all the read-only rule needs (see read-only.ts), and that is small.
 */

export type TokenType =
  | 'space'
  | 'comment'
  /** A keyword or an unquoted name; `value` is it lower-cased. */
  | 'word'
  /** A "quoted" name; `value` is the name, `""` undoubled. */
  | 'quoted-name'
  | 'string'
  | 'number'
  /** `$1`; `value` is the number. */
  | 'parameter'
  /** Anything else, one character at a time (`(`, `;`, `.`, `+`…), or `::`. */
  | 'symbol'

/** Which kind of string: '…', E'…', U&'…', B'…', X'…', N'…', or $tag$…$tag$. */
export type StringKind = 'plain' | 'escape' | 'unicode' | 'bit' | 'hex' | 'national' | 'dollar'

export interface Token {
  readonly type: TokenType
  /** Offsets in the text. */
  readonly start: number
  readonly end: number
  /** The token as written. */
  readonly text: string
  /** What it means: a word lower-cased, a quoted name unquoted, a parameter's number; else `text`. */
  readonly value: string
  /** For strings. */
  readonly kind?: StringKind
  /** For a U&"…" name, whose escapes `value` does not decode. */
  readonly unicode?: boolean
}

export interface Lexed {
  readonly tokens: readonly Token[]
  /** A string, name or comment left open at the end: what it is, and where it starts. */
  readonly unterminated?: { readonly what: string; readonly start: number }
}

const SPACE = /[ \t\n\r\f\v]/
const DIGIT = /[0-9]/

/** Letters, `_` and every non-ASCII character start a name; digits and `$` may follow. */
function isNameStart(c: string | undefined): boolean {
  return c !== undefined && (/[A-Za-z_]/.test(c) || c.charCodeAt(0) >= 0x80)
}

function isNamePart(c: string | undefined): boolean {
  return c !== undefined && (isNameStart(c) || DIGIT.test(c) || c === '$')
}

/** Splits SQL text into tokens, whitespace and comments included. */
export function lex(text: string): Lexed {
  const tokens: Token[] = []
  let i = 0
  const push = (type: TokenType, start: number, end: number, extra: Partial<Token> = {}) => {
    const written = text.slice(start, end)
    tokens.push({ type, start, end, text: written, value: written, ...extra })
    i = end
  }
  const open = (what: string, start: number): Lexed => ({
    tokens,
    unterminated: { what, start },
  })
  while (i < text.length) {
    const c = text[i] as string
    const start = i
    if (SPACE.test(c)) {
      let end = i + 1
      while (end < text.length && SPACE.test(text[end] as string)) end++
      push('space', start, end)
    } else if (text.startsWith('--', i)) {
      const newline = text.indexOf('\n', i)
      push('comment', start, newline === -1 ? text.length : newline + 1)
    } else if (text.startsWith('/*', i)) {
      const end = blockCommentEnd(text, i)
      if (end === -1) return open('/* comment', start)
      push('comment', start, end)
    } else if (c === "'") {
      const end = quotedEnd(text, i, "'", false)
      if (end === -1) return open("'…' string", start)
      push('string', start, end, { kind: 'plain' })
    } else if (c === '"') {
      const end = quotedEnd(text, i, '"', false)
      if (end === -1) return open('"…" name', start)
      push('quoted-name', start, end, { value: text.slice(i + 1, end - 1).replaceAll('""', '"') })
    } else if (c === '$' && DIGIT.test(text[i + 1] ?? '')) {
      let end = i + 1
      while (end < text.length && DIGIT.test(text[end] as string)) end++
      push('parameter', start, end, { value: text.slice(i + 1, end) })
    } else if (c === '$') {
      const tag = /^\$(?:[A-Za-z_\u0080-\uffff][A-Za-z_0-9\u0080-\uffff]*)?\$/.exec(text.slice(i))
      if (!tag) {
        push('symbol', start, i + 1)
        continue
      }
      const close = text.indexOf(tag[0], i + tag[0].length)
      if (close === -1) return open(`${tag[0]}…${tag[0]} string`, start)
      push('string', start, close + tag[0].length, { kind: 'dollar' })
    } else if (isNameStart(c)) {
      const prefixed = prefixedString(text, i)
      if (prefixed) {
        const end = quotedEnd(text, prefixed.quoteAt, prefixed.quote, prefixed.kind === 'escape')
        if (end === -1) return open(`${text.slice(i, prefixed.quoteAt)}${prefixed.quote}…`, start)
        if (prefixed.quote === '"') {
          push('quoted-name', start, end, {
            value: text.slice(prefixed.quoteAt + 1, end - 1).replaceAll('""', '"'),
            unicode: true,
          })
        } else push('string', start, end, { kind: prefixed.kind })
        continue
      }
      let end = i + 1
      while (end < text.length && isNamePart(text[end])) end++
      push('word', start, end, { value: text.slice(i, end).toLowerCase() })
    } else if (DIGIT.test(c) || (c === '.' && DIGIT.test(text[i + 1] ?? ''))) {
      // PostgreSQL 15's numbers; 16's 0x1F and 1_000 lex here as a number and a name, no keyword.
      const number = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(text.slice(i))
      push('number', start, i + (number?.[0].length ?? 1))
    } else if (text.startsWith('::', i)) {
      push('symbol', start, i + 2)
    } else {
      push('symbol', start, i + 1)
    }
  }
  return { tokens }
}

/** Where a block comment starting at `from` ends, counting the ones nested in it; -1 if never. */
function blockCommentEnd(text: string, from: number): number {
  let depth = 0
  let i = from
  while (i < text.length) {
    if (text.startsWith('/*', i)) {
      depth++
      i += 2
    } else if (text.startsWith('*/', i)) {
      depth--
      i += 2
      if (depth === 0) return i
    } else i++
  }
  return -1
}

/**
 * Where a quoted run starting at `from` (its opening quote) ends, after the
 * closing quote: a doubled quote is one quote character; with `backslashes`, a
 * backslash escapes the next character (E'…'). -1 when it never closes.
 */
function quotedEnd(text: string, from: number, quote: string, backslashes: boolean): number {
  let i = from + 1
  while (i < text.length) {
    const c = text[i]
    if (backslashes && c === '\\') i += 2
    else if (c === quote && text[i + 1] === quote) i += 2
    else if (c === quote) return i + 1
    else i++
  }
  return -1
}

/** E'…', U&'…', U&"…", B'…', X'…', N'…': a one-letter prefix (U& for unicode) right before the quote. */
function prefixedString(
  text: string,
  at: number,
): { kind: StringKind; quote: string; quoteAt: number } | undefined {
  const letter = (text[at] ?? '').toLowerCase()
  if (letter === 'u' && text[at + 1] === '&' && (text[at + 2] === "'" || text[at + 2] === '"')) {
    return { kind: 'unicode', quote: text[at + 2] as string, quoteAt: at + 2 }
  }
  if (text[at + 1] !== "'") return undefined
  const kinds: Record<string, StringKind> = { e: 'escape', b: 'bit', x: 'hex', n: 'national' }
  const kind = kinds[letter]
  return kind ? { kind, quote: "'", quoteAt: at + 1 } : undefined
}

/** The tokens that matter to the grammar: no whitespace, no comments. */
export function significant(tokens: readonly Token[]): Token[] {
  return tokens.filter((t) => t.type !== 'space' && t.type !== 'comment')
}
