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
