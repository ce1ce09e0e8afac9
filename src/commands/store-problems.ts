/**
 * What `runs` and the wizard say of run files the store had to set aside, in a
 * module of its own: `run` reads it without loading `runs` (and the team
 * store's code that `runs` lists a team's runs with) before its first frame.
 */
import { terminalFor } from '../output/terminal.ts'
import type { StoreProblem } from '../run/store.ts'

/** Corrupt or newer run files were moved aside while listing: say where, once. */
export function reportProblems(problems: readonly StoreProblem[]): void {
  const err = terminalFor(process.stderr)
  for (const problem of problems) err.write(`deploy-wizard: ${problem.message}\n`)
}
