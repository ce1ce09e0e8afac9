/**
 * Where deploy-wizard keeps what it remembers on this machine (trusted
 * checklists, saved runs): the OS config directory (`~/.config/deploy-wizard`,
 * `~/Library/Preferences/deploy-wizard`, `%APPDATA%\deploy-wizard\Config`), or
 * DEPLOY_WIZARD_HOME when set — for tests, or a folder shared by a team.
 */
import Conf from 'conf'
import { fileProblem, UserError } from './errors.ts'

export const HOME_VARIABLE = 'DEPLOY_WIZARD_HOME'

/** A conf store named `name` in the deploy-wizard home. */
export function openStore<T extends Record<string, unknown>>(
  name: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Conf<T> {
  const cwd = env[HOME_VARIABLE] || undefined
  try {
    return new Conf<T>({
      projectName: 'deploy-wizard',
      projectSuffix: '',
      configName: name,
      ...(cwd ? { cwd } : {}),
      // Keys are file paths, which contain dots.
      accessPropertiesByDotNotation: false,
      configFileMode: 0o600,
    })
  } catch (error) {
    const problem = fileProblem(error)
    if (!problem) throw error
    const where = (error as NodeJS.ErrnoException).path ?? cwd ?? 'the config folder'
    throw new UserError(`cannot use ${where} to keep runs and trust: ${problem}`, {
      hint: `set ${HOME_VARIABLE} to a folder you can write to, e.g. ${HOME_VARIABLE}=$HOME/.deploy-wizard`,
      cause: error,
    })
  }
}
