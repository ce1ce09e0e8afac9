/**
 * The checklists shipped in the package's `checklists/` folder: where they
 * are, their names, a bare name on the command line standing for one, and the
 * rule that a bundled checklist's relative paths start in the operator's
 * project rather than inside the installed package.
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
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
 * start: the checklist's own folder, except for a bundled checklist, which is a
 * template run from the operator's project, `cwd`.
 */
export function checkFolder(checklistPath: string, cwd: string): string {
  const folder = dirname(resolve(checklistPath))
  return folder === resolve(BUNDLED_FOLDER) ? cwd : folder
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
