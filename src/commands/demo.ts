/**
 * `deploy-wizard demo`: the whole experience with no cloud account and no
 * database. Starts the demo sandbox (see demo/sandbox.ts), opens the wizard on
 * the demo checklist for `dev` — or, with `--check`, runs its checks headless —
 * and stops the sandbox afterwards. Runs and trust of the demo are kept in the
 * sandbox's folder, so they never mix with real ones.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileProblem, UserError } from '../errors.ts'
import { STORE_VARIABLE } from '../run/team/address.ts'

export interface DemoOptions {
  readonly check?: boolean
}

/**
 * Where this demo's sign-off sheet goes: `signoff.md` in a folder of its own, new and
 * private (0700), so that concurrent demos never write over each other's sheet and
 * nothing another user planted at a known name (a symlink) is written through. The
 * sandbox folder is removed at exit; the sheet outlives it, to be read.
 */
export function demoSheetPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'deploy-wizard-signoff-')), 'signoff.md')
}

/** A temporary folder that cannot be written, in words; anything else as it is. */
function setUpProblem(error: unknown): unknown {
  const problem = fileProblem(error)
  if (!problem) return error
  return new UserError(`cannot set up the demo in ${tmpdir()}: ${problem}`, {
    hint: 'free some space there, or point TMPDIR at a folder you can write to',
    cause: error,
  })
}

/** The sheet's folder, when no sheet was written in it (the demo was left unfinished). */
function removeUnusedSheetFolder(sheet: string): void {
  if (!existsSync(sheet)) rmSync(dirname(sheet), { recursive: true, force: true })
}

export async function demoCommand(options: DemoOptions): Promise<number> {
  if (!options.check && (!process.stdin.isTTY || !process.stdout.isTTY)) {
    throw new UserError('the demo opens the wizard, which needs an interactive terminal', {
      hint: 'deploy-wizard demo --check runs the demo checklist headless instead',
    })
  }
  const { startDemoSandbox } = await import('../demo/sandbox.ts')
  let sheet: string | null = null
  try {
    sheet = options.check ? null : demoSheetPath()
  } catch (error) {
    throw setUpProblem(error)
  }
  const sandbox = await startDemoSandbox().catch((error: unknown) => {
    if (sheet) removeUnusedSheetFolder(sheet)
    throw setUpProblem(error)
  })
  // The checks read AWS settings from the environment: the demo's, and none of the operator's.
  for (const name of Object.keys(process.env)) {
    if (/^AWS_(PROFILE|SESSION_TOKEN|DEFAULT_REGION|ENDPOINT_URL_.+)$/.test(name)) {
      delete process.env[name]
    }
  }
  Object.assign(process.env, sandbox.env)
  // The demo's runs are thrown away: never sent to a team store the operator's shell names.
  delete process.env[STORE_VARIABLE]
  process.chdir(sandbox.project)
  // The wizard leaves with process.exit on a signal: the folder goes anyway.
  const removeOnExit = () => {
    sandbox.removeFolder()
    if (sheet) removeUnusedSheetFolder(sheet)
  }
  process.once('exit', removeOnExit)
  try {
    if (!sheet) {
      const { checkCommand } = await import('./check.ts')
      return await checkCommand(sandbox.checklist, { env: 'dev', trust: true })
    }
    const { runCommand } = await import('./run.tsx')
    return await runCommand(sandbox.checklist, { env: 'dev', new: true, sheet }, { isDemo: true })
  } finally {
    process.off('exit', removeOnExit)
    if (sheet) removeUnusedSheetFolder(sheet)
    await sandbox.close()
  }
}
