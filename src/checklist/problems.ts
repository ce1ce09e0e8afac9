/**
 * Problems found in a checklist: each names the exact place, says what is wrong
 * and, where we can tell, what to write instead. The parser collects them rather
 * than throwing, so `validate` can report every problem in one pass.
 */
import { UserError } from '../errors.ts'

export type Severity = 'error' | 'warning'

export interface Problem {
  readonly severity: Severity
  readonly message: string
  readonly hint?: string
  readonly line: number
  readonly column: number
}

export class Problems {
  readonly #list: Problem[] = []
  /** `line:column:message` of each problem, so a repeat is found without a scan. */
  readonly #keys = new Set<string>()

  error(line: number, column: number, message: string, hint?: string): void {
    this.#add({ severity: 'error', line, column, message, ...(hint ? { hint } : {}) })
  }

  warning(line: number, column: number, message: string, hint?: string): void {
    this.#add({ severity: 'warning', line, column, message, ...(hint ? { hint } : {}) })
  }

  get list(): readonly Problem[] {
    return [...this.#list].sort((a, b) => a.line - b.line || a.column - b.column)
  }

  get hasErrors(): boolean {
    return this.#list.some((p) => p.severity === 'error')
  }

  // The same mistake reached twice (say, once per environment) is reported once.
  #add(problem: Problem): void {
    const key = `${problem.line}:${problem.column}:${problem.message}`
    if (this.#keys.has(key)) return
    this.#keys.add(key)
    this.#list.push(problem)
  }
}

/** `file:line:column: error: message` — the shape editors and CI annotate. */
export function formatProblem(file: string, problem: Problem): string {
  const head = `${file}:${problem.line}:${problem.column}: ${problem.severity}: ${problem.message}`
  return problem.hint ? `${head}\n  hint: ${problem.hint}` : head
}

/** Maps character offsets in a text to 1-based lines and columns. */
export class LineIndex {
  readonly #starts: number[] = [0]

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) this.#starts.push(i + 1)
    }
  }

  position(offset: number): { line: number; column: number } {
    let low = 0
    let high = this.#starts.length - 1
    while (low < high) {
      const mid = (low + high + 1) >> 1
      if ((this.#starts[mid] ?? 0) <= offset) low = mid
      else high = mid - 1
    }
    return { line: low + 1, column: offset - (this.#starts[low] ?? 0) + 1 }
  }
}

/**
 * Why a checklist with errors is refused (by `plan`, `check` and the wizard),
 * and where to see them all. `exitCode` 1 where the command counts it a failed
 * check; a usage error (2) otherwise.
 */
export function checklistHasErrors(
  path: string,
  purpose: string,
  options: { readonly exitCode?: number } = {},
): UserError {
  return new UserError(`${path} has errors; fix them before ${purpose}`, {
    hint: `deploy-wizard validate ${path} lists every problem`,
    ...options,
  })
}
