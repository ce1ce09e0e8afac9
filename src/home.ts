/**
 * Where deploy-wizard keeps what it remembers on this machine (trusted
 * checklists, saved runs): the OS config directory (`~/.config/deploy-wizard`,
 * `~/Library/Preferences/deploy-wizard`, `%APPDATA%\deploy-wizard\Config`), or
 * DEPLOY_WIZARD_HOME when set — for tests, or a folder shared by a team.
 *
 * Its files are JSON, read here as they are and written only through
 * `writeFileAtomic`, which never leaves a file shorter than it was (see
 * atomic-write.ts for why not conf). The one exception is a run's journal file,
 * appended to line by line (run/journal-file.ts). A file that cannot be read as
 * JSON is the caller's to move aside (`moveAside`), never to overwrite; the
 * index of runs, a cache, is rebuilt instead (run/run-index.ts).
 */
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import envPaths from 'env-paths'
import { syncFolder, writeFileAtomic } from './atomic-write.ts'
import { fileProblem, UserError } from './errors.ts'

type Env = Readonly<Record<string, string | undefined>>

export const HOME_VARIABLE = 'DEPLOY_WIZARD_HOME'

/** The deploy-wizard folder: DEPLOY_WIZARD_HOME, else the OS config folder. Not created here. */
export function homeFolder(env: Env = process.env): string {
  const named = env[HOME_VARIABLE]
  return named ? resolve(named) : envPaths('deploy-wizard', { suffix: '' }).config
}

/** `<home>/team-checklists`: the checklists of runs imported from a team store, one per run. */
export function importedChecklistsFolder(env: Env = process.env): string {
  return join(homeFolder(env), 'team-checklists')
}

/** What reading a JSON file of the home gave. */
export type JsonRead =
  | { readonly kind: 'ok'; readonly value: unknown }
  | { readonly kind: 'missing' }
  | { readonly kind: 'damaged'; readonly reason: string }

/**
 * Reads a JSON file. Missing, or unreadable as JSON (empty, cut short, a folder
 * where the file should be), is an answer; a file the operator may not read at
 * all is a UserError saying what to do.
 */
export function readJsonFile(path: string): JsonRead {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return { kind: 'missing' }
    if (code === 'EISDIR') return { kind: 'damaged', reason: 'a folder, not a file' }
    throw homeError(error, path) ?? error
  }
  try {
    // A text editor may have saved it with a byte order mark, which is not JSON.
    return { kind: 'ok', value: JSON.parse(text.replace(/^\uFEFF/, '')) }
  } catch {
    return { kind: 'damaged', reason: text.trim() === '' ? 'empty' : 'not valid JSON' }
  }
}

/**
 * Writes `value` as JSON (tab-indented, as conf wrote it), readable by the owner only.
 * Throws the file system's error (ENOSPC, EROFS…) with the file left as it was.
 */
export function writeJsonFile(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true })
  writeFileAtomic(path, JSON.stringify(value, undefined, '\t'), { mode: 0o600 })
}

/**
 * Moves an unusable file aside to `<file>.<kind>-<timestamp>`, kept for the operator
 * to inspect, out of the way of a fresh one. Returns where it went.
 */
export function moveAside(file: string, kind: string): string {
  const stamp = new Date().toISOString().replace(/[-:.]/g, '')
  let movedTo = `${file}.${kind}-${stamp}`
  for (let n = 2; existsSync(movedTo); n++) movedTo = `${file}.${kind}-${stamp}-${n}`
  renameSync(file, movedTo)
  syncFolder(dirname(file))
  return movedTo
}

/**
 * A UserError for a file or folder of the home the file system refuses (read-only,
 * no permission, a file in the way, the disk full), naming it and what to do; null
 * for any other error, which is ours.
 */
export function homeError(error: unknown, where: string, env: Env = process.env): UserError | null {
  const problem = fileProblem(error)
  if (!problem) return null
  const path = (error as NodeJS.ErrnoException).path ?? where
  const isFull = (error as NodeJS.ErrnoException).code === 'ENOSPC'
  return new UserError(`cannot use ${path} to keep runs and trust: ${problem}`, {
    hint: isFull
      ? `free some space on that disk, or set ${HOME_VARIABLE} to a folder on another one`
      : env[HOME_VARIABLE]
        ? `set ${HOME_VARIABLE} to a folder you can write to (it is ${env[HOME_VARIABLE]})`
        : `set ${HOME_VARIABLE} to a folder you can write to, e.g. ${HOME_VARIABLE}=$HOME/.deploy-wizard`,
    cause: error,
  })
}

/** `<home>/<name>.json`. */
export function homeFile(name: string, env: Env = process.env): string {
  return join(homeFolder(env), `${name}.json`)
}

const notices: string[] = []

/**
 * Something in the home was found unusable and dealt with (a damaged trust.json moved
 * aside). Kept until the command is done, then printed by the CLI below any screen:
 * under the full-screen wizard it would be cut off and lost.
 */
export function reportHomeProblem(message: string): void {
  if (!notices.includes(message)) notices.push(message)
}

/** The problems reported so far, each once; taking them empties the list. */
export function takeHomeProblems(): string[] {
  return notices.splice(0)
}
