/**
 * `deploy-wizard verify <sheet.md>`: was this sign-off sheet edited after it
 * was exported? Exit 0 when its digest matches its content, 1 when not.
 */
import { readFile } from 'node:fs/promises'
import { UserError } from '../errors.ts'
import { painterFor } from '../output/terminal.ts'
import { verifySheet } from '../report/sheet-digest.ts'

export async function verifyCommand(file: string): Promise<number> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new UserError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    )
  }
  const result = verifySheet(text)
  const out = painterFor(process.stdout)
  if (result.ok) {
    process.stdout.write(
      `${out.paint('green', '✓')} ${file} is as exported (sha256 ${result.actual.slice(0, 16)}…)\n`,
    )
    return 0
  }
  process.stdout.write(
    `${out.paint('red', '✗')} ${file} was changed after export: ${result.reason ?? 'digest does not match'}\n`,
  )
  return 1
}
