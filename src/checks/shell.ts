/**
 * Values substituted into a `command` check's shell text reach the command as
 * literal text, whatever they hold. They are never written into the shell text:
 * each one is handed to the shell in an environment variable of its own
 * (`DW_VALUE_1`…) and the text refers to it, written for where it lands (see
 * shell-scan.ts): "$DW_VALUE_1" unquoted, ${DW_VALUE_1} inside "…" or a
 * here-document, '"$DW_VALUE_1"' inside '…'. A shell does not read the result of
 * a variable's expansion as code there, so no value runs as code; and no value
 * shows in the process list.
 *
 * Where bash or zsh would read a variable's value as an expression (arithmetic,
 * `[[ … -eq … ]]`, array indexes…), the value must be a plain decimal integer,
 * checked here before anything runs. Places where a value would be code or a
 * variable name are refused: by `validate`, and here again should such a
 * checklist be run anyway. The text around the references is the checklist's own
 * shell code and is left as written (a quoted here-document with a value in it
 * excepted: it becomes an unquoted one with its text escaped, the same text).
 */
import type { Lookup, Resolved, TemplatePart } from '../checklist/variables.ts'
import { type Site, scanShell } from './shell-scan.ts'

/** Why a command with these values is not run: names the reference, never shows the value. */
export interface ShellProblem {
  readonly message: string
  readonly hint: string
}

export interface ShellResolved extends Resolved {
  /** The values the text refers to, by the environment variable that holds each. */
  readonly env: Readonly<Record<string, string>>
  /** Set when the command must not run: a value in a place it cannot be. */
  readonly problem: ShellProblem | null
}

/** The environment variables a command's values are handed over in: DW_VALUE_1, DW_VALUE_2… */
export const VALUE_VARIABLE = 'DW_VALUE_'

/**
 * A plain decimal integer that every shell's arithmetic reads as itself: no sign but `-`, no
 * leading zero (octal in bash and dash), at most 18 digits (within 64 bits).
 */
const INTEGER = /^-?(0|[1-9][0-9]{0,17})$/

/** Shell text with each reference turned into a reference to the variable holding its value. */
export function resolveShellTemplate(
  parts: readonly TemplatePart[],
  lookup: Lookup,
): ShellResolved {
  const scan = scanShell(parts)
  let value = ''
  const missing: (TemplatePart & { type: 'ref' })[] = []
  const env: Record<string, string> = {}
  let problem: ShellProblem | null = null
  for (const piece of scan.pieces) {
    if (typeof piece === 'string') {
      value += piece
      continue
    }
    const found = lookup(piece.part.ref) ?? piece.part.fallback ?? undefined
    if (found === undefined) {
      missing.push(piece.part)
      continue
    }
    problem ??= problemWith(piece, found)
    if (piece.quoting === 'comment') continue
    const name = `${VALUE_VARIABLE}${Object.keys(env).length + 1}`
    env[name] = found
    value += writeReference(name, piece)
  }
  return { value, missing, env, problem }
}

function problemWith(site: Site, value: string): ShellProblem | null {
  const source = site.part.source
  if (site.refusal) {
    return { message: `${source} ${site.refusal.message}`, hint: site.refusal.hint }
  }
  if (site.number !== null && !INTEGER.test(value)) {
    return {
      message: `${source} is used as a number ${site.number}, but its value is not a plain decimal integer, so the command was not run`,
      hint: `a value used as a number must be digits with an optional leading -; to compare other text, compare it as a string (test "${source}" = expected), or print it and let the check's output= match it`,
    }
  }
  return null
}

/** `$NAME` as one literal word where the site is (see `Quoting`). */
function writeReference(name: string, site: Site): string {
  const inner = site.parens ? `(\${${name}})` : `\${${name}}`
  switch (site.quoting) {
    case 'none':
      return `"${inner}"`
    case 'single':
      return `'"${inner}"'`
    case 'double':
    case 'bare':
      return inner
    case 'comment':
      return ''
  }
}
