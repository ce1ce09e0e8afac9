/**
 * `deploy-wizard demo`: the whole experience with no cloud account and no
 * database. Starts the demo sandbox (see demo/sandbox.ts), opens the wizard on
 * the demo checklist for `dev` — or, with `--check`, runs its checks headless —
 * and stops the sandbox afterwards. Runs and trust of the demo are kept in the
 * sandbox's folder, so they never mix with real ones.
 */
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileProblem, UserError } from '../errors.ts'

export interface DemoOptions {
  readonly check?: boolean
}

/** Where the demo's sign-off sheet is written (the sandbox folder is removed at exit). */
export const DEMO_SHEET = join(tmpdir(), 'deploy-wizard-demo-signoff.md')

export async function demoCommand(options: DemoOptions): Promise<number> {
  if (!options.check && (!process.stdin.isTTY || !process.stdout.isTTY)) {
    throw new UserError('the demo opens the wizard, which needs an interactive terminal', {
      hint: 'deploy-wizard demo --check runs the demo checklist headless instead',
    })
  }
  const { startDemoSandbox } = await import('../demo/sandbox.ts')
  const sandbox = await startDemoSandbox().catch((error: unknown) => {
    const problem = fileProblem(error)
    if (!problem) throw error
    throw new UserError(`cannot set up the demo in ${tmpdir()}: ${problem}`, {
      hint: 'free some space there, or point TMPDIR at a folder you can write to',
      cause: error,
    })
  })
  // The checks read AWS settings from the environment: the demo's, and none of the operator's.
  for (const name of Object.keys(process.env)) {
    if (/^AWS_(PROFILE|SESSION_TOKEN|DEFAULT_REGION|ENDPOINT_URL_.+)$/.test(name)) {
      delete process.env[name]
    }
  }
  Object.assign(process.env, sandbox.env)
  process.chdir(sandbox.project)
  // The wizard leaves with process.exit on a signal: the folder goes anyway.
  const removeOnExit = () => sandbox.removeFolder()
  process.once('exit', removeOnExit)
  try {
    if (options.check) {
      const { checkCommand } = await import('./check.ts')
      return await checkCommand(sandbox.checklist, { env: 'dev', trust: true })
    }
    const { runCommand } = await import('./run.tsx')
    return await runCommand(
      sandbox.checklist,
      { env: 'dev', new: true, sheet: DEMO_SHEET },
      { isDemo: true },
    )
  } finally {
    process.off('exit', removeOnExit)
    await sandbox.close()
  }
}
