/**
 * What `plan`, `check` and the wizard do first: read the checklist, refuse one
 * with errors (printing them as `validate` would), and make sure the
 * environment asked for is one the checklist is written for.
 */
import { resolveChecklistFile } from '../checklist/bundled.ts'
import { loadChecklist } from '../checklist/load.ts'
import type { Checklist } from '../checklist/model.ts'
import { checklistHasErrors, formatProblem } from '../checklist/problems.ts'
import { UserError } from '../errors.ts'
import { terminalFor } from '../output/terminal.ts'

/** `file` may also name a bundled checklist (see `resolveChecklistFile`). */
export async function loadForRun(file: string, purpose: string): Promise<Checklist> {
  const { checklist, problems, hasErrors } = await loadChecklist(resolveChecklistFile(file))
  if (hasErrors) {
    const err = terminalFor(process.stderr)
    for (const problem of problems.filter((p) => p.severity === 'error')) {
      err.write(`${formatProblem(file, problem)}\n`)
    }
    throw checklistHasErrors(file, purpose, { exitCode: 1 })
  }
  return checklist
}

/** An environment the checklist is not written for is a usage error, listing the ones it is. */
export function requireEnvironment(checklist: Checklist, env: string): void {
  if (!checklist.environments.includes(env)) {
    throw new UserError(`'${env}' is not an environment of ${checklist.path}`, {
      hint: `choose one of: ${checklist.environments.join(', ')}`,
    })
  }
}
