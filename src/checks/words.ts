/**
 * A command line as an operator writes it (`aws lambda get-function-configuration
 * --function-name "my fn" --query 'Environment.Variables'`), split into words as
 * a POSIX shell quotes them: blanks separate words, '…' is literal, "…" is
 * literal but for `\"`, `\\`, `\$` and `` \` ``, a backslash outside quotes
 * takes the next character literally and joins a line to the next one. Nothing
 * is expanded and nothing runs: no shell reads these words. What a shell would
 * expand or run (`$VAR`, `$(…)`, backquotes, pipes, redirections, `;`, `&`) is
 * refused with what to write instead, rather than passed on as text it was not.
 *
 * A `${…}` reference in the template adds its value to the word it stands in,
 * whatever the value holds: blanks, quotes or a leading `--` never make it more
 * words or an option. Such a word, and any word written with quotes, is not
 * `bare`: only bare words can be an option's name, so a value cannot become one.
 * `resolveWordTemplate` hands the resolved line on as text that splits back into
 * exactly the same words, bare or not.
 */
import type { Lookup, Resolved, TemplatePart } from '../checklist/variables.ts'

export interface Word {
  readonly text: string
  /** Written without quotes, backslashes or references: it may be an option name. */
  readonly bare: boolean
  /** It holds the value of a `${…}` reference (at validate time: a placeholder for it). */
  readonly dynamic: boolean
}

/** Why a line cannot be split, and what to write instead. */
export interface WordsProblem {
  readonly message: string
  readonly hint: string
}

export type Split =
  | { readonly words: readonly Word[]; readonly missing: Resolved['missing'] }
  | { readonly problem: WordsProblem }

/** Unquoted, these are the shell's own syntax. */
const OPERATORS = new Set(['|', ';', '&', '<', '>', '(', ')'])
/** After `$`, what a shell would expand: a name, `{`, `(`, a special parameter. */
const EXPANDED_AFTER_DOLLAR = /[A-Za-z_0-9{(@*#?!$-]/

/**
 * Splits a template into words. A reference's value (`lookup`) is added to its
 * word as it is; without `lookup` (at validate time) the reference's source text
 * stands for it. References with no value are listed in `missing`.
 */
export function splitWords(parts: readonly TemplatePart[], lookup?: Lookup): Split {
  const words: Word[] = []
  const missing: (TemplatePart & { type: 'ref' })[] = []
  let quote: 'none' | 'single' | 'double' = 'none'
  let text = ''
  let started = false
  let bare = true
  let dynamic = false
  const end = () => {
    if (started) words.push({ text, bare, dynamic })
    text = ''
    started = false
    bare = true
    dynamic = false
  }
  for (const part of parts) {
    if (part.type === 'ref') {
      const value = lookup ? (lookup(part.ref) ?? part.fallback ?? undefined) : part.source
      if (value === undefined) missing.push(part)
      text += value ?? ''
      started = true
      bare = false
      dynamic = true
      continue
    }
    const source = part.text
    for (let i = 0; i < source.length; i++) {
      const c = source[i] as string
      const next = source[i + 1]
      if (quote === 'single') {
        if (c === "'") quote = 'none'
        else text += c
        continue
      }
      if (quote === 'double') {
        if (c === '"') quote = 'none'
        else if (c === '\\' && next !== undefined && '"\\$`\n'.includes(next)) {
          if (next !== '\n') text += next
          i++
        } else if (
          c === '`' ||
          (c === '$' && next !== undefined && EXPANDED_AFTER_DOLLAR.test(next))
        )
          return { problem: expansion(c, source, i) }
        else text += c
        continue
      }
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
        end()
      } else if (c === "'" || c === '"') {
        quote = c === "'" ? 'single' : 'double'
        started = true
        bare = false
      } else if (c === '\\') {
        if (next === undefined) return { problem: danglingBackslash() }
        // A backslash before a line break joins the lines, as in the AWS CLI's own docs.
        if (next === '\n') i++
        else if (next === '\r' && source[i + 2] === '\n') i += 2
        else {
          text += next
          started = true
          bare = false
          i++
        }
      } else if (OPERATORS.has(c)) {
        return { problem: operator(c) }
      } else if (
        c === '`' ||
        (c === '$' && next !== undefined && EXPANDED_AFTER_DOLLAR.test(next))
      ) {
        return { problem: expansion(c, source, i) }
      } else {
        text += c
        started = true
      }
    }
  }
  if (quote !== 'none') {
    return {
      problem: {
        message: `a ${quote === 'single' ? "'" : '"'} is not closed`,
        hint: 'close the quote, or put the value in the other kind of quotes',
      },
    }
  }
  end()
  return { words, missing }
}

/**
 * The template's words joined into one line that splits back into the same words:
 * a bare word as it is, any other in single quotes, so a value stays one word that
 * is never an option, whatever it holds.
 */
export function resolveWordTemplate(parts: readonly TemplatePart[], lookup: Lookup): Resolved {
  const split = splitWords(parts, lookup)
  // A line that cannot be split goes on as written: the check says why, with the same words.
  if ('problem' in split) {
    let value = ''
    for (const part of parts) value += part.type === 'text' ? part.text : part.source
    return { value, missing: [] }
  }
  return { value: joinWords(split.words), missing: split.missing }
}

/** Words as one line that `splitWords` splits back into them, `bare` included. */
export function joinWords(words: readonly Word[]): string {
  return (
    words
      // A bare word holds nothing the splitter reads as syntax: it was read without quotes.
      .map((word) => (word.bare ? word.text : `'${word.text.replaceAll("'", `'\\''`)}'`))
      .join(' ')
  )
}

/** A line of plain text (no references) split into words. */
export function splitLine(line: string): Split {
  return splitWords([{ type: 'text', text: line }])
}

function operator(c: string): WordsProblem {
  return c === '|'
    ? {
        message: 'a pipe (|) is shell, and no shell runs this',
        hint: 'pick out what to check with --query instead of grep or jq: --query "Topics[?contains(TopicArn, \'alarms\')]"',
      }
    : {
        message: `'${c}' is shell syntax, and no shell runs this`,
        hint: `put '${c}' in quotes if it is part of a value`,
      }
}

function expansion(c: string, source: string, i: number): WordsProblem {
  const written =
    c === '`'
      ? '`…`'
      : source.slice(i, i + 2) === '$('
        ? '$(…)'
        : (source.slice(i).match(/^\$\{?\w*\}?/)?.[0] ?? '$')
  return {
    message: `${written} would be expanded by a shell, and no shell runs this`,
    hint:
      c === '`'
        ? "write the --query in single quotes: --query 'Items[?Name==`api`].ApiId'"
        : 'use ${env:NAME} for an environment variable, ${name} for a var, or ${id.outputs.Key} for an output; a literal $ goes in single quotes',
  }
}

function danglingBackslash(): WordsProblem {
  return {
    message: 'the line ends with a backslash',
    hint: 'remove it: a long call can stay on one line',
  }
}
