/**
 * Runs the checks of a checklist written inline, through the same path the
 * `check` command takes (parse → select → jobs → runner), against real systems.
 */
import { tmpdir } from 'node:os'
import { parseChecklist } from '../../src/checklist/parse.ts'
import { Clients } from '../../src/checks/clients.ts'
import { checkJobs } from '../../src/checks/jobs.ts'
import { Redactor } from '../../src/checks/redact.ts'
import { type CheckEvent, type CheckResult, runChecks } from '../../src/checks/runner.ts'
import { selectCheckItems } from '../../src/checks/select.ts'

export interface ChecklistRun {
  /** Results by item id. */
  readonly results: Map<string, CheckResult>
  readonly events: CheckEvent[]
  /** Every string any event carried, joined: assert secrets are absent from it. */
  readonly everything: string
  /** The result of the only check, or the one whose id contains `idPart`. */
  result(idPart?: string): CheckResult
}

export interface RunOptions {
  readonly env?: string
  readonly processEnv?: Record<string, string | undefined>
  readonly cwd?: string
  readonly commands?: 'run' | 'skip'
  readonly timeoutMs?: number
  readonly retryDelayMs?: number
  readonly signal?: AbortSignal
  /** How long one AWS call may go unanswered (see Clients). */
  readonly awsRequestTimeoutMs?: number
  /** Run the checks even when validation finds errors: what a check does on its own. */
  readonly despiteErrors?: boolean
}

/** `markdown` is a whole checklist; wrap single items with `checklistOf`. */
export async function runChecklist(
  markdown: string,
  options: RunOptions = {},
): Promise<ChecklistRun> {
  const { checklist, problems } = parseChecklist(markdown, { path: 'inline.md' })
  const errors = problems.filter((p) => p.severity === 'error')
  if (errors.length > 0 && !options.despiteErrors) {
    throw new Error(
      `test checklist has errors:\n${errors.map((p) => `${p.line}: ${p.message}`).join('\n')}`,
    )
  }
  const environment = options.env ?? 'dev'
  const clients = new Clients(
    options.awsRequestTimeoutMs ? { awsRequestTimeoutMs: options.awsRequestTimeoutMs } : {},
  )
  const redactor = new Redactor()
  const events: CheckEvent[] = []
  try {
    const jobs = checkJobs(checklist, selectCheckItems(checklist, environment), {
      environment,
      processEnv: options.processEnv ?? process.env,
      clients,
      redactor,
      cwd: options.cwd ?? tmpdir(),
      commands: options.commands ?? 'run',
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    })
    const results = await runChecks(jobs, {
      retryDelayMs: options.retryDelayMs ?? 20,
      onEvent: (event) => events.push(event),
      ...(options.signal ? { signal: options.signal } : {}),
    })
    return {
      results,
      events,
      everything: JSON.stringify(events),
      result(idPart) {
        const matches = [...results].filter(([id]) => idPart === undefined || id.includes(idPart))
        if (matches.length !== 1) {
          throw new Error(
            `expected one result for '${idPart}', got: ${[...results.keys()].join(', ')}`,
          )
        }
        return (matches[0] as [string, CheckResult])[1]
      },
    }
  } finally {
    await clients.close()
  }
}

/** A one-phase checklist with one item per directive: `checklistOf('http url=…')`. */
export function checklistOf(...checks: string[]): string {
  const items = checks.map((check, i) => `- [ ] Check ${i + 1} <!-- check: ${check} -->`)
  return `# Test\n\n## Checks\n\n${items.join('\n')}\n`
}

/** Address of a backend started by `npm test` (test/run.ts); fails loudly when absent. */
export function backend(name: 'moto' | 'pg'): string {
  const variable = name === 'moto' ? 'DEPLOY_WIZARD_TEST_MOTO_URL' : 'DEPLOY_WIZARD_TEST_PG_URL'
  const value = process.env[variable]
  if (!value) {
    throw new Error(
      `${variable} is not set: run tests through 'npm test' or 'node --import tsx test/run.ts <files>', which start the backends`,
    )
  }
  return value
}
