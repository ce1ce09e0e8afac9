import { createHash } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { fileProblem, UserError } from '../errors.ts'
import { bundledNames } from './bundled.ts'
import { checkSize } from './limits.ts'
import type { ParseResult } from './parse.ts'
import { cachedParse, type HeldWrites, storeParse } from './parse-cache.ts'

/**
 * Reads and parses a checklist file; a file that cannot be read is the operator's
 * to fix. A file past the size limit is not read at all: it is that one error.
 * A file read before is taken from the parse cache (parse-cache.ts): the parser,
 * and the markdown, YAML and zod it uses, are loaded only when one is not. A parse is
 * kept in the cache at once, or when `writes` are released (`heldWrites`).
 */
export async function loadChecklist(
  path: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
  writes?: HeldWrites,
): Promise<ParseResult> {
  let bytes: Buffer
  try {
    const tooLarge = checkSize((await stat(path)).size)
    if (tooLarge) return (await import('./parse.ts')).pastLimit(tooLarge, path, '')
    bytes = await readFile(path)
  } catch (error) {
    const reason = fileProblem(error) ?? (error as Error).message
    throw new UserError(`cannot read checklist ${path}: ${reason}`, {
      hint: `give the path of a markdown checklist, or the name of a bundled one: ${bundledNames().join(', ')}`,
      cause: error,
    })
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  const cached = cachedParse(path, sha256, env)
  if (cached) return cached
  const { parseChecklist } = await import('./parse.ts')
  const result = parseChecklist(bytes.toString('utf8'), { path, sha256 })
  if (writes) writes.hold(() => storeParse(result, env))
  else storeParse(result, env)
  return result
}
