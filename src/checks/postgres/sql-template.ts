/**
 * Values substituted into `pg.query`'s SQL reach PostgreSQL as values, never as
 * SQL text: each `${…}` becomes a bound parameter ($1, $2…) of the statement,
 * sent apart from it over the extended protocol, so no value can end a string
 * and add a condition or a `union select pg_read_file(…)`. Where the reference
 * stands decides what is bound:
 *
 *   '…${x}…'    the whole string, built from its text and the values: one parameter
 *   $$…${x}…$$  the same for a dollar-quoted string
 *   ${x}        alone, between operators, commas or parentheses: one parameter
 *   "…${x}…"    a name: the value is written into the quoted name, its " doubled
 *   -- ${x}     in a comment: nothing (a comment is not code)
 *
 * Anywhere else there is no safe way to bind it, and the template is refused:
 * joined to other code (`id${x}`, `${x}.agents`), inside E'…', U&'…', B'…',
 * X'…' or a U&"…" name, in a typed literal (`interval '${x}'`, which takes no
 * parameter; `'${x}'::interval` does), in a quoted name called as a function,
 * or when the SQL has `$1` parameters of its own.
 */
import type { Lookup, Resolved, TemplatePart } from '../../checklist/variables.ts'
import { noValueFor, readOnlyRefusal, type SqlRefusal } from './read-only.ts'
import { lex, type Token } from './sql-lexer.ts'

export interface SqlResolved extends Resolved {
  /** The values of `$1`, `$2`… in `value`, in order. */
  readonly values: readonly string[]
  /** Why the references cannot be bound where they stand; `value` is then empty. */
  readonly refusal?: SqlRefusal
}

/**
 * Words after which a string literal is an operand. After any other name a
 * literal is a typed literal (`date '2024-01-01'`), which takes no parameter.
 */
const OPERAND_AFTER = new Set(
  (
    'all and any array as asymmetric between both by case collate default distinct do else end ' +
    'escape except fetch filter for from group having ilike in intersect is isnull leading like ' +
    'limit not notnull offset on or order over overlaps partition placing returning select ' +
    'similar some symmetric then to trailing union using values when where window with within'
  ).split(' '),
)

const HINT =
  'a ${…} is a value: stand it alone, or inside \'…\' to make it part of a string, or inside "…" to make it a name'

/** The SQL with every reference bound as a parameter, or why that cannot be done. */
export function resolveSqlTemplate(parts: readonly TemplatePart[], lookup: Lookup): SqlResolved {
  const missing: (TemplatePart & { type: 'ref' })[] = []
  const found: string[] = []
  const refs: (TemplatePart & { type: 'ref' })[] = []
  for (const part of parts) {
    if (part.type !== 'ref') continue
    const value = lookup(part.ref) ?? part.fallback ?? undefined
    if (value === undefined) missing.push(part)
    else found.push(value)
    refs.push(part)
  }
  if (missing.length > 0) return { value: '', values: [], missing }
  const bound = bind(parts, refs, found)
  return 'refusal' in bound
    ? { value: '', values: [], missing, refusal: bound.refusal }
    : { value: bound.sql, values: bound.values, missing }
}

/**
 * Why a template cannot run as pg.query's SQL, whatever its values: what
 * `validate` reports, before any value is known.
 */
export function sqlTemplateRefusal(parts: readonly TemplatePart[]): SqlRefusal | undefined {
  const resolved = resolveSqlTemplate(parts, () => 'x')
  return resolved.refusal ?? readOnlyRefusal(resolved.value, resolved.values.length)
}

/** `sql` with `$n` read as text: for a value PostgreSQL cannot tell the type of (`format('%s', $1)`). */
export function castParameter(sql: string, n: number): string {
  return lex(sql)
    .tokens.map((t) => (t.type === 'parameter' && Number(t.value) === n ? `$${n}::text` : t.text))
    .join('')
}

type Bound = { sql: string; values: string[] } | { refusal: SqlRefusal }

function bind(
  parts: readonly TemplatePart[],
  refs: readonly (TemplatePart & { type: 'ref' })[],
  found: string[],
): Bound {
  // Each reference stands in the text as one character the text does not hold, that lexes as a
  // name character: it cannot join two characters into `--`, `''` or `$$` as an empty one would.
  const mark = markCharacter(parts)
  const written = parts.map((p) => (p.type === 'text' ? p.text : mark)).join('')
  const lexed = lex(written)
  if (lexed.unterminated) return { refusal: readOnlyRefusal(written, 0) as SqlRefusal }
  const { tokens } = lexed
  const own = tokens.find((t) => t.type === 'parameter')
  if (own) return { refusal: noValueFor(own.value) }
  let sql = ''
  const values: string[] = []
  let next = 0
  const take = (count: number) => {
    const taken = found.slice(next, next + count)
    const sources = refs.slice(next, next + count).map((r) => r.source)
    next += count
    return { taken, sources }
  }
  for (const [i, token] of tokens.entries()) {
    const count = token.text.split(mark).length - 1
    if (count === 0) {
      sql += token.text
      continue
    }
    const { taken, sources } = take(count)
    const refusal = placeRefusal(tokens, i, mark, sources[0] as string)
    if (refusal) return { refusal }
    switch (token.type) {
      case 'comment':
        // A space, not nothing: `*${x}/` must not become the end of the comment.
        sql += token.text.replaceAll(mark, ' ')
        break
      case 'word':
        values.push(taken[0] as string)
        sql += `$${values.length}`
        break
      case 'string':
        values.push(stringValue(token, mark, taken))
        sql += `$${values.length}`
        break
      case 'quoted-name': {
        const value = taken.find((v) => v.includes('\0'))
        if (value !== undefined) {
          return {
            refusal: {
              message: `the value of ${sources[taken.indexOf(value)]} holds a NUL character, which no name can`,
              hint: 'check where the value comes from',
            },
          }
        }
        const pieces = token.text.slice(1, -1).split(mark)
        sql += `"${interleave(
          pieces,
          taken.map((v) => v.replaceAll('"', '""')),
        )}"`
        break
      }
    }
  }
  return { sql, values }
}

/** Why the reference(s) in `tokens[i]` cannot be bound there. */
function placeRefusal(
  tokens: readonly Token[],
  i: number,
  mark: string,
  source: string,
): SqlRefusal | undefined {
  const token = tokens[i] as Token
  const joined = (what: string): SqlRefusal => ({
    message: `${source} is joined to ${what}, where no value can be bound`,
    hint: HINT,
  })
  switch (token.type) {
    case 'comment':
      return undefined
    case 'word': {
      if (token.text !== mark) return joined(`the SQL word ${token.text.replaceAll(mark, '${…}')}`)
      const before = tokens[i - 1]
      const after = tokens[i + 1]
      for (const near of [before, after]) {
        if (near?.type === 'symbol' && near.value === '.') {
          return {
            message: `${source} stands where a name goes; a \${…} is bound as a value`,
            hint: `to make it a name, quote it: "${source}"`,
          }
        }
        if (near && ['word', 'number', 'string', 'quoted-name', 'parameter'].includes(near.type)) {
          return joined(near.type === 'string' ? 'a string' : `'${near.text}'`)
        }
      }
      return undefined
    }
    case 'string': {
      if (token.kind === 'dollar' && dollarTag(token).includes(mark)) {
        return joined('a dollar quote')
      }
      if (token.kind !== 'plain' && token.kind !== 'dollar') {
        const opening = token.text.slice(0, token.text.indexOf("'") + 1)
        return {
          message: `${source} is inside an ${opening}…' string, where no value can be bound`,
          hint: "put it in a plain '…' string (whose backslashes are plain characters)",
        }
      }
      const before = significantNeighbour(tokens, i, -1)
      const after = significantNeighbour(tokens, i, 1)
      if (before?.type === 'string' || after?.type === 'string') {
        return {
          message: `${source} is in a string continued on another line`,
          hint: "write the string in one '…'",
        }
      }
      if (isTypeName(tokens, i, mark)) {
        const type = typeNameBefore(tokens, i)
        return {
          message: `${source} is in a typed literal (${type} '…'), which takes no bound value`,
          hint: `write it as a cast instead: '…'::${type}`,
        }
      }
      return undefined
    }
    case 'quoted-name': {
      if (token.unicode) {
        return {
          message: `${source} is inside a U&"…" name, where no value can be bound`,
          hint: 'put it in a plain "…" name',
        }
      }
      const after = significantNeighbour(tokens, i, 1)
      if (after?.type === 'symbol' && after.value === '(') {
        return {
          message: `a function's name cannot come from ${source}`,
          hint: 'write the function name in the sql itself',
        }
      }
      return undefined
    }
    default:
      return joined(`'${token.text}'`)
  }
}

/** True when the string at `tokens[i]` follows a type name: `interval '1 day'`, `date '…'`. */
function isTypeName(tokens: readonly Token[], i: number, mark: string): boolean {
  const before = significantNeighbour(tokens, i, -1)
  if (before?.type === 'quoted-name') return true
  // After a reference (`${a} '${b}'`) it is no type: PostgreSQL will say what is wrong.
  if (before?.type !== 'word' || before.text.includes(mark)) return false
  if (before.value !== 'zone') return !OPERAND_AFTER.has(before.value)
  // `at time zone '…'` takes an operand; `with time zone '…'` ends a type name.
  const time = significantNeighbour(tokens, tokens.indexOf(before), -1)
  return significantNeighbour(tokens, time ? tokens.indexOf(time) : -1, -1)?.value !== 'at'
}

/** The type name of a typed literal, as written: `interval`, `timestamp with time zone`. */
function typeNameBefore(tokens: readonly Token[], i: number): string {
  const before = significantNeighbour(tokens, i, -1) as Token
  if (before.value !== 'zone') return before.text
  const words = [before.text]
  let at = tokens.indexOf(before)
  // time, with or without, and timestamp or time
  for (let n = 0; n < 3; n++) {
    const word = significantNeighbour(tokens, at, -1)
    if (word?.type !== 'word') break
    words.unshift(word.text)
    at = tokens.indexOf(word)
  }
  return words.join(' ')
}

function significantNeighbour(
  tokens: readonly Token[],
  i: number,
  step: 1 | -1,
): Token | undefined {
  for (let j = i + step; j >= 0 && j < tokens.length; j += step) {
    const token = tokens[j] as Token
    if (token.type !== 'space' && token.type !== 'comment') return token
  }
  return undefined
}

/** The text a '…' or $$…$$ string with references in it stands for. */
function stringValue(token: Token, mark: string, values: readonly string[]): string {
  const isDollar = token.kind === 'dollar'
  const tag = isDollar ? dollarTag(token) : "'"
  const body = token.text.slice(tag.length, -tag.length)
  const pieces = body.split(mark).map((piece) => (isDollar ? piece : piece.replaceAll("''", "'")))
  return interleave(pieces, values)
}

/** `$tag$` of a dollar-quoted string. */
function dollarTag(token: Token): string {
  return token.text.slice(0, token.text.indexOf('$', 1) + 1)
}

function interleave(pieces: readonly string[], values: readonly string[]): string {
  return pieces.map((piece, i) => piece + (values[i] ?? '')).join('')
}

/** A private-use character the template's text does not hold. */
function markCharacter(parts: readonly TemplatePart[]): string {
  const text = parts.map((p) => (p.type === 'text' ? p.text : '')).join('')
  for (let code = 0xe000; ; code++) {
    const mark = String.fromCharCode(code)
    if (!text.includes(mark)) return mark
  }
}
