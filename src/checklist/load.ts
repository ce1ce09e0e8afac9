import { createHash } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { fileProblem, UserError } from '../errors.ts'
import { bundledNames } from './bundled.ts'
import { checkSize } from './limits.ts'
import { type ParseResult, parseChecklist, pastLimit } from './parse.ts'

/**
 * Reads and parses a checklist file; a file that cannot be read is the operator's
 * to fix. A file past the size limit is not read at all: it is that one error.
 */
export async function loadChecklist(path: string): Promise<ParseResult> {
  let bytes: Buffer
  try {
    const tooLarge = checkSize((await stat(path)).size)
    if (tooLarge) return pastLimit(tooLarge, path, '')
    bytes = await readFile(path)
  } catch (error) {
    const reason = fileProblem(error) ?? (error as Error).message
    throw new UserError(`cannot read checklist ${path}: ${reason}`, {
      hint: `give the path of a markdown checklist, or the name of a bundled one: ${bundledNames().join(', ')}`,
      cause: error,
    })
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  return parseChecklist(bytes.toString('utf8'), { path, sha256 })
}
