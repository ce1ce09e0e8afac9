/**
 * What `plan`, `check` and the wizard do first: read the checklist, refuse one
 * with errors (printing them as `validate` would), and make sure the
 * environment asked for is one the checklist is written for.
 */
import { resolveChecklistFile } from '../checklist/bundled.ts'
import { loadChecklist } from '../checklist/load.ts'
import type { Checklist } from '../checklist/model.ts'
import type { HeldWrites } from '../checklist/parse-cache.ts'
import { checklistHasErrors, formatProblem } from '../checklist/problems.ts'
import { UserError } from '../errors.ts'
import { terminalFor } from '../output/terminal.ts'
import { checklistArg } from '../report/run-summary.ts'

/**
 * `file` may also name a bundled checklist (see `resolveChecklistFile`); its parse is kept in
 * the cache when `writes` are released, when given (the wizard's, once its first screen is up).
 */
export async function loadForRun(
  file: string,
  purpose: string,
  writes?: HeldWrites,
): Promise<Checklist> {
  const { checklist, problems, hasErrors } = await loadChecklist(
    resolveChecklistFile(file),
    process.env,
    writes,
  )
  if (hasErrors) {
    const err = terminalFor(process.stderr)
    for (const problem of problems.filter((p) => p.severity === 'error')) {
      // file:line:column names a file an editor can open, also when a bundled name was typed.
      err.write(`${formatProblem(resolveChecklistFile(file), problem)}\n`)
    }
    throw checklistHasErrors(file, purpose, { exitCode: 1 })
  }
  return checklist
}

/** An environment the checklist is not written for is a usage error, listing the ones it is. */
export function requireEnvironment(checklist: Checklist, env: string): void {
  if (!checklist.environments.includes(env)) {
    throw new UserError(`'${env}' is not an environment of ${typedName(checklist)}`, {
      hint: `choose one of: ${checklist.environments.join(', ')}`,
    })
  }
}

/**
 * The checklist as the operator named it, for messages and hints: a bundled one by its name
 * (`marketplace-api`), not by where npm's cache keeps it; any other by its path.
 */
export function typedName(checklist: Checklist): string {
  return checklistArg(checklist.path)
}
