/**
 * The production gate, for the wizard and `check` alike: before anything runs
 * against a production environment, the operator types its name. The rule and
 * its words live here once; each face draws the question its own way (an Ink
 * text prompt, a readline question) and hands in how to read one answer.
 */

/** One asking of the name. */
export interface NameQuestion {
  /** The environment whose name is to be typed. */
  readonly name: string
  /** What is said before the field: "Type 'prod' to go on:". */
  readonly label: string
  /** Why it is asked again: the last answer was not the name. Null the first time. */
  readonly problem: string | null
  /** 0 the first time, then one more for each wrong answer (a new field each time). */
  readonly attempt: number
}

export interface ConfirmNameOptions {
  /** A wrong answer asks again (the wizard); otherwise it is a refusal (`check`). */
  readonly isRetried: boolean
}

/**
 * Asks for `name` until it is typed (surrounding spaces aside). Resolves true once it is, false
 * for a wrong answer when not retried; a `readLine` that rejects (Esc, Ctrl-C) rejects this.
 */
export async function confirmName(
  name: string,
  readLine: (question: NameQuestion) => Promise<string>,
  options: ConfirmNameOptions,
): Promise<boolean> {
  let problem: string | null = null
  for (let attempt = 0; ; attempt++) {
    const typed = await readLine({ name, label: `Type '${name}' to go on:`, problem, attempt })
    if (typed.trim() === name) return true
    if (!options.isRetried) return false
    problem = `That is not '${name}'. Type it exactly, or esc to leave.`
  }
}
