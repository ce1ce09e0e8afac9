/**
 * `deploy-wizard validate <file…>`: lint checklists. Every problem is printed as
 * `file:line:column: severity: message`, then every list of boxes read as one choice ("select
 * one") and every scope read from environment words as a `note:` in the same shape (never a problem: it is there to be seen, and pinned or
 * cancelled with `only:`), then one summary line per file.
 * Exit 0 when no file has errors, 1 when one has (or a warning, with --strict).
 */
import { resolveChecklistFile } from '../checklist/bundled.ts'
import { loadChecklist } from '../checklist/load.ts'
import type { Checklist, SignoffField } from '../checklist/model.ts'
import { formatProblem } from '../checklist/problems.ts'
import { describeInferred } from '../checklist/scope.ts'
import { UserError } from '../errors.ts'
import { terminalFor } from '../output/terminal.ts'

export interface ValidateOptions {
  readonly strict?: boolean
  readonly json?: boolean
}

export async function validateCommand(
  files: readonly string[],
  options: ValidateOptions,
): Promise<number> {
  const out = terminalFor(process.stdout)
  let failed = false
  let unreadable = false
  const reports: unknown[] = []
  for (const file of files) {
    let result: Awaited<ReturnType<typeof loadChecklist>>
    try {
      result = await loadChecklist(resolveChecklistFile(file))
    } catch (error) {
      if (!(error instanceof UserError) || (files.length === 1 && !options.json)) throw error
      // An unreadable file among several (or with --json): report it and go on with the rest.
      unreadable = true
      if (options.json) reports.push({ file, readable: false, ok: false, error: error.message })
      else out.write(`${out.paint('red', '✗')} ${error.message}\n`)
      continue
    }
    const { checklist, problems } = result
    const errors = problems.filter((p) => p.severity === 'error').length
    const warnings = problems.length - errors
    const isBad = errors > 0 || (options.strict === true && warnings > 0)
    failed ||= isBad
    if (options.json) {
      reports.push({
        file,
        readable: true,
        ok: !isBad,
        ...summarise(checklist),
        problems,
        scopes: checklist.inferredScopes,
        choices: checklist.signoff.flatMap((field) =>
          field.cue
            ? [{ line: field.line, label: field.label, answers: field.choices, cue: field.cue }]
            : [],
        ),
      })
      continue
    }
    for (const problem of problems) {
      // file:line:column names a file an editor can open, also when a bundled name was typed.
      const line = formatProblem(resolveChecklistFile(file), problem)
      out.write(
        `${problem.severity === 'error' ? out.paint('red', line) : out.paint('yellow', line)}\n`,
      )
    }
    // Boxes read as one choice (select-one.ts), where they stand.
    for (const field of checklist.signoff) {
      if (!field.cue) continue
      out.write(
        `${out.paint('dim', `${resolveChecklistFile(file)}:${field.line}:1: note: ${describeSelectOne(field)}`)}\n`,
      )
    }
    for (const reading of checklist.inferredScopes) {
      out.write(
        `${out.paint('dim', `${resolveChecklistFile(file)}:${reading.line}:1: note: ${describeInferred(reading)}`)}\n`,
      )
    }
    if (checklist.inferredScopes.length > 0) {
      out.write(
        `${out.paint('dim', '  hint: pin a scope with <!-- only: ENV -->, cancel one with <!-- only: all -->')}\n`,
      )
    }
    const s = summarise(checklist)
    const counts = [
      plural(s.phases, 'phase'),
      plural(s.items, 'item'),
      plural(s.checks, 'automated check'),
      plural(s.signoffFields, 'sign-off field'),
      ...(s.gates > 0 ? [plural(s.gates, 'approval gate')] : []),
    ].join(', ')
    const issues =
      problems.length > 0 ? ` — ${plural(errors, 'error')}, ${plural(warnings, 'warning')}` : ''
    const mark = isBad ? out.paint('red', '✗') : out.paint('green', '✓')
    out.write(`${mark} ${file}: ${counts}${issues}\n`)
  }
  if (options.json) out.writeJson(reports)
  // As for one file: unreadable is a usage error (2), before problems in the others (1).
  return unreadable ? 2 : failed ? 1 : 0
}

/**
 * What a "select one" list of boxes was read as: `one choice "Priority" of 4 answers, asked
 * on the sign-off screen, not 4 items: “Select one by marking with an 'x'”`.
 */
function describeSelectOne(field: SignoffField): string {
  const n = field.choices.length
  return `one choice "${field.label}" of ${n} answers, asked on the sign-off screen, not ${n} items: “${field.cue}”`
}

function summarise(checklist: Checklist) {
  return {
    title: checklist.title,
    phases: checklist.phases.length,
    items: checklist.items.length,
    checks: checklist.items.filter((i) => i.check).length,
    signoffFields: checklist.signoff.length,
    gates: checklist.gates.length,
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}
