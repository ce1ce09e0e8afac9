/**
 * The libraries some kinds' rules (`templateProblems`, `service`, `iam`) are
 * worked out with, once loaded: see rule-libraries.ts for what they are, and
 * `loadRuleLibraries` for who brings them in. Apart from kind.ts, which those
 * libraries' modules use for their types.
 */
import type * as RuleLibraries from './rule-libraries.ts'

let libraries: typeof RuleLibraries | undefined

/**
 * Brings in what some kinds' `templateProblems`, `service` and `iam` are worked out with
 * (rule-libraries.ts), which their declarations do not load: the wizard's first screen asks
 * none of them. Whatever asks them calls this first (`iam-policy` does), or has imported the
 * libraries itself and handed them over (validate.ts, jobs.ts).
 */
export async function loadRuleLibraries(): Promise<void> {
  libraries ??= await import('./rule-libraries.ts')
}

/** Hands over the libraries from a module that imports them anyway: no await. */
export function provideRuleLibraries(module: typeof RuleLibraries): void {
  libraries ??= module
}

/** The libraries, for a kind's rule: once loaded or handed over (see `loadRuleLibraries`). */
export function ruleLibraries(): typeof RuleLibraries {
  // Our bug, not the operator's: a path that asks a kind's rule without loading its libraries.
  if (!libraries) throw new Error("a kind's rule was asked before loadRuleLibraries()")
  return libraries
}
