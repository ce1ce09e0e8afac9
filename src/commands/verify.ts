/**
 * `deploy-wizard verify <sheet.md>`: was this sign-off sheet edited after it
 * was exported? Exit 0 when its digest matches its content, 1 when not. When
 * its run is on this machine, the sheet must also be one the run recorded
 * exporting: a seal alone shows accidental edits, but anyone can reseal a sheet
 * edited on purpose.
 *
 * With a team store named (`--store`, DEPLOY_WIZARD_STORE) the run is looked up
 * there instead, from any machine: the sheet must be one the team run recorded
 * exporting (`export --store` records it in the store).
 */
import { readTextFile } from '../checks/read-file.ts'
import { fileProblem, UserError } from '../errors.ts'
import { terminalFor } from '../output/terminal.ts'
import { sheetDigest, verifySheet } from '../report/sheet-digest.ts'
import type { JournalEntry } from '../run/model.ts'
import { exportedDigests } from '../run/store.ts'
import { resolveStore, type S3StoreAddress, storeUrl } from '../run/team/address.ts'

/** A sheet of thousands of items is a few MB: anything far larger is not one. */
const MAX_SHEET_BYTES = 16 * 1024 * 1024

/** The sheet's run id line: `- **Run:** \`dev-20261122-abcd\``. */
const RUN_LINE = /^- \*\*Run:\*\* `([^`]+)`$/m

export interface VerifyOptions {
  /** A team store, `s3://bucket/prefix`; DEPLOY_WIZARD_STORE otherwise. */
  readonly store?: string
}

export async function verifyCommand(file: string, options: VerifyOptions = {}): Promise<number> {
  // Resolved first: a mistyped store is said before anything else. No checklist is named, so
  // a checklist's `store:` cannot apply here.
  const store = resolveStore({ flag: options.store })
  let text: string
  try {
    const read = await readTextFile(file, new AbortController().signal, MAX_SHEET_BYTES)
    if (read.kind === 'not-a-file') throw new UserError(`cannot read ${file}: it is ${read.what}`)
    if (read.kind === 'too-large') {
      throw new UserError(`${file} is larger than any sign-off sheet (over 16 MB)`, {
        hint: 'give the path of a sheet written by deploy-wizard export',
      })
    }
    text = read.text
  } catch (error) {
    if (error instanceof UserError) throw error
    throw new UserError(`cannot read ${file}: ${fileProblem(error) ?? (error as Error).message}`)
  }
  const result = verifySheet(text)
  const out = terminalFor(process.stdout)
  if (result.ok) {
    const runId = RUN_LINE.exec(text)?.[1]
    // What was exported, byte for byte but for line endings and final newlines (see sheet-digest.ts).
    const digest = sheetDigest(`${text.replace(/\s*$/, '')}\n`)
    if (store.kind === 's3' && runId) {
      return verifyInStore(store, file, runId, digest, result.actual)
    }
    const recorded = runId ? exportedDigests(runId) : null
    if (runId && recorded && !recorded.includes(digest)) {
      out.write(
        `${out.paint('red', '✗')} ${file} is sealed, but run ${runId} on this machine never exported it: it was rewritten and sealed again\n`,
      )
      return 1
    }
    const how = recorded
      ? `exported by run ${runId} on this machine`
      : `its seal is intact; run ${runId ?? '(none named)'} is not on this machine, so whether it was resealed after an edit cannot be told here`
    out.write(
      `${out.paint('green', '✓')} ${file} is as exported (sha256 ${result.actual.slice(0, 16)}…): ${how}\n`,
    )
    return 0
  }
  // Only a sealed sheet can have changed after export; a file with no seal never was one.
  const what = result.sealed ? 'was changed after export' : 'cannot be verified'
  out.write(
    `${out.paint('red', '✗')} ${file} ${what}: ${result.reason ?? 'digest does not match'}\n`,
  )
  return 1
}

/** The sheet's seal is intact: did the team run record exporting exactly this sheet? */
async function verifyInStore(
  store: S3StoreAddress,
  file: string,
  runId: string,
  digest: string,
  sealed: string,
): Promise<number> {
  const { readStoreRun, withStore } = await import('../run/team/open-store.ts')
  const run = await withStore(store, (objects) => readStoreRun(objects, runId))
  const exports = run.journal.filter(
    (entry): entry is Extract<JournalEntry, { type: 'exported' }> =>
      entry.type === 'exported' && entry.format === 'md',
  )
  const match = exports.find((entry) => entry.digest === digest)
  const out = terminalFor(process.stdout)
  const where = `the team store ${storeUrl(store)}`
  if (!match) {
    out.write(
      `${out.paint('red', '✗')} ${file} is sealed, but run ${runId} in ${where} never exported it: it was rewritten and sealed again\n`,
    )
    return 1
  }
  out.write(
    `${out.paint('green', '✓')} ${file} is as exported (sha256 ${sealed.slice(0, 16)}…): exported by run ${runId} in ${where}, by ${match.by} at ${match.at}\n`,
  )
  return 0
}
