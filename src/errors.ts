/**
 * Errors the operator can act on carry a next step; anything else is our bug.
 * The CLI renders a `UserError` as two calm lines and exits 2 (bad usage) or
 * the code it names; any other error is reported as a bug with its stack.
 */
export class UserError extends Error {
  override readonly name = 'UserError'
  readonly hint: string | undefined
  readonly exitCode: number

  constructor(
    message: string,
    options: { hint?: string; exitCode?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause })
    this.hint = options.hint
    this.exitCode = options.exitCode ?? 2
  }
}

/** True for errors that Node raises for a missing file or directory. */
export function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT'
}

/** Why a file or folder cannot be used, by Node's error code: the ones an operator can fix. */
const FILE_PROBLEMS: ReadonlyMap<string, string> = new Map([
  ['ENOENT', 'no such file'],
  ['EISDIR', 'it is a folder'],
  ['ENOTDIR', 'a file is in the way of the folder'],
  ['EEXIST', 'a file is in the way of the folder'],
  ['EACCES', 'permission denied'],
  ['EPERM', 'permission denied'],
  ['EROFS', 'the file system is read-only'],
  ['ENOSPC', 'the disk is full'],
])

/** In words, why the file system refused (see FILE_PROBLEMS); null for any other error. */
export function fileProblem(error: unknown): string | null {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  return (code && FILE_PROBLEMS.get(code)) ?? null
}
