/**
 * What each bundled checklist's test fixture provides, and the three things
 * done with it: `check --env dev` on a healthy and a broken sandbox, and a
 * whole run (automated items checked, manual items answered, sign-off filled)
 * whose sign-off sheet is compared with a reviewed golden file.
 */
import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { runCli } from '../helpers/cli.ts'
import type { Sandbox } from './sandbox.ts'

const WIZARD_RUN = fileURLToPath(new URL('./wizard-run.ts', import.meta.url))

export const CHECKLISTS_DIR = fileURLToPath(new URL('../../checklists/', import.meta.url))

export type Variant = 'healthy' | 'broken'

export interface ExpectedFailure {
  readonly status: 'fail' | 'error' | 'blocked'
  /** What the operator reads: the check's summary must match. */
  readonly summary: RegExp
}

export interface BundledFixture {
  /** The file in `checklists/`. */
  readonly checklist: string
  /** The seed (`../shared/seeds/`, copied to test/fixtures/seeds/) it keeps word for word. */
  readonly seed: string
  /**
   * Builds `dev` in the sandbox as a good deploy leaves it; `broken` adds the
   * faults that `broken` below lists the consequences of.
   */
  provision(sandbox: Sandbox, variant: Variant): Promise<void>
  /** In the broken variant, every check that must not pass (by item id); all others pass. */
  readonly broken: Readonly<Record<string, ExpectedFailure>>
}

export interface CheckEntry {
  readonly id: string
  readonly text: string
  readonly status: string
  readonly summary: string
  readonly details: readonly string[]
}

export interface CheckReport {
  readonly ok: boolean
  readonly totals: Readonly<Record<string, number>>
  readonly checks: readonly CheckEntry[]
}

export function checklistPath(fixture: BundledFixture): string {
  return join(CHECKLISTS_DIR, fixture.checklist)
}

/** `deploy-wizard check <bundled checklist> --env dev --json --trust`, run in the sandbox's project. */
export async function checkDev(
  fixture: BundledFixture,
  sandbox: Sandbox,
): Promise<{ code: number | null; report: CheckReport; stderr: string }> {
  const result = await runCli(
    ['check', checklistPath(fixture), '--env', 'dev', '--json', '--trust'],
    sandbox.env,
    sandbox.project,
  )
  let report: CheckReport
  try {
    report = JSON.parse(result.stdout) as CheckReport
  } catch {
    throw new Error(
      `check printed no JSON report (exit ${result.code}):\n${result.stdout}\n${result.stderr}`,
    )
  }
  return { code: result.code, report, stderr: result.stderr }
}

/**
 * A whole run on dev (see wizard-run.ts), in the sandbox's project with its
 * environment. Returns the sign-off sheet, with run-specific values normalised.
 */
export async function wizardRun(fixture: BundledFixture, sandbox: Sandbox): Promise<string> {
  const sheetPath = join(sandbox.project, 'signoff.md')
  // Asynchronously: the sandbox's services answer from this process.
  await promisify(execFile)(
    process.execPath,
    ['--import', import.meta.resolve('tsx'), WIZARD_RUN, checklistPath(fixture), sheetPath],
    { cwd: sandbox.project, env: { ...process.env, ...sandbox.env } },
  )
  sandbox.name(CHECKLISTS_DIR, 'checklists/')
  return normalizeSheet(sandbox.normalize(await readFile(sheetPath, 'utf8')))
}

/**
 * What still changes between runs once the sandbox's own values are named:
 * how long checks took, when they ran and the machine's clock in evidence,
 * versions of the tools on the machine, the run id and hashes.
 */
export function normalizeSheet(sheet: string): string {
  return (
    sheet
      // check durations and times: "(41ms, 2026-11-22 09:02)"
      .replace(
        /\((\d+(?:\.\d+)?(?:ms|s|m)), (\d{4}-\d\d-\d\d \d\d:\d\d)\)/g,
        '(<duration>, <when>)',
      )
      .replace(/\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z\b/g, '<timestamp>')
      .replace(/\b(dev-\d{8}-[a-z0-9]{4})\b/g, '<run-id>')
      .replace(/\b[0-9a-f]{64}\b/g, '<sha256>')
      .replace(/^(\s*\* (?:elapsedMs|durationMs|ms|elapsed): ).*$/gm, '$1<ms>')
      .replace(/^(- \*\*Exported:\*\* ).*$/m, '$1<exported>')
      .replace(/^(- \*\*Started:\*\* .* on ).*$/m, '$1<host>')
      .replace(/^(- \*\*Tool:\*\* deploy-wizard ).*$/m, '$1<version>')
      .replace(/^(Exported by deploy-wizard )\S+/m, '$1<version>')
      // CloudFormation stack ids end in a UUID (cut short in evidence)
      .replace(/(:stack\/[^/\s]+\/)[0-9a-f-]+…?/g, '$1<uuid>')
  )
}
