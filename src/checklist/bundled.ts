/**
 * The checklists shipped in the package's `checklists/` folder: where they
 * are, their names, a bare name on the command line standing for one, and the
 * rule that a bundled checklist's relative paths start in the operator's
 * project rather than inside the installed package.
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { importedChecklistsFolder } from '../home.ts'
import { PACKAGE_ROOT } from '../package-root.ts'

/** `checklists/` at the package root. */
export const BUNDLED_FOLDER = join(PACKAGE_ROOT, 'checklists')

/**
 * The file a command was given: as written when it exists, else a bundled
 * checklist of that name (`marketplace-api` or `marketplace-api.md`), so
 * `npx deploy-wizard check marketplace-api --env dev` works from anywhere.
 */
export function resolveChecklistFile(file: string): string {
  // A folder of the same name (a service's, in a monorepo) does not hide a bundled checklist.
  if (isFile(file) || /[\\/]/.test(file)) return file
  const name = file.endsWith('.md') ? file : `${file}.md`
  const bundled = join(BUNDLED_FOLDER, name)
  return existsSync(bundled) ? bundled : file
}

/**
 * Where a checklist's relative paths (a command's `cwd`, `file` and `env file=`)
 * start: the checklist's own folder, except where that folder is not the
 * operator's: a bundled checklist, a template run from the operator's project,
 * and a team run's checklist imported into the home (`<home>/team-checklists`)
 * from the machine that started it, where it sat in that operator's project.
 * Both start in `cwd`.
 */
export function checkFolder(
  checklistPath: string,
  cwd: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  const folder = dirname(resolve(checklistPath))
  const isNotOperators =
    folder === resolve(BUNDLED_FOLDER) || folder === resolve(importedChecklistsFolder(env))
  return isNotOperators ? cwd : folder
}

/** Names of the bundled checklists, without `.md`, for hints. */
export function bundledNames(): string[] {
  try {
    return readdirSync(BUNDLED_FOLDER)
      .filter((name) => name.endsWith('.md'))
      .map((name) => name.slice(0, -3))
  } catch {
    return []
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}
