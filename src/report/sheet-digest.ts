/**
 * The seal on a sign-off sheet: a sha256 over everything above the digest,
 * written as the sheet's last two lines — one people read, one HTML comment a
 * machine finds (GitHub hides it):
 *
 *   Digest: `sha256:9c1e…`
 *   <!-- deploy-wizard sha256:9c1e… -->
 *
 * `verifySheet` recomputes it and says whether the sheet was edited after export.
 *
 * Line endings: a CRLF is read as LF, and a leading byte-order mark is ignored,
 * both when sealing and when verifying. Git's autocrlf and Windows editors rewrite
 * them on checkout or save without changing a word a reviewer reads; counting
 * that as an edit would make `verify` fail on honest copies and teach people to
 * ignore it. Every other byte above the digest counts, trailing spaces included.
 * Blank lines after the digest are ignored for the same reason (editors add or
 * strip a final newline); any other text after it is not.
 */
import { createHash } from 'node:crypto'

const COMMENT = /^<!-- deploy-wizard sha256:([0-9a-f]{64}) -->$/
const MARKER = 'deploy-wizard sha256'

export interface SheetVerification {
  /** True when the text above the digest is exactly what was exported. */
  readonly ok: boolean
  /** The digest written in the sheet (hex), when there is a well-formed one. */
  readonly expected?: string
  /** The digest of the sheet's content as it is now (hex). */
  readonly actual: string
  /** Why the sheet does not verify; absent when it does. */
  readonly reason?: string
  /**
   * It holds a digest line, well-formed or not: it was exported and sealed, so a failure
   * means it changed since. False for a file that never was a sheet, or whose seal is gone.
   */
  readonly sealed: boolean
}

/** CRLF → LF and no byte-order mark: the form that is hashed (see the module comment). */
export function normaliseSheet(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n')
}

/** sha256 (hex) of a sheet's content, normalised. */
export function sheetDigest(content: string): string {
  return createHash('sha256').update(normaliseSheet(content), 'utf8').digest('hex')
}

/** The line people read; also checked by `verifySheet`, so it cannot be edited unnoticed. */
function visibleLine(hex: string): string {
  return `Digest: \`sha256:${hex}\``
}

function commentLine(hex: string): string {
  return `<!-- ${MARKER}:${hex} -->`
}

/**
 * The sheet with its digest: `body`, a blank line, then the two digest lines.
 * The digest covers every character before the visible digest line.
 */
export function sealSheet(body: string): string {
  // A blank line first, so the digest is a paragraph of its own whatever the body ends with.
  const content = `${normaliseSheet(body).replace(/\n*$/, '')}\n\n`
  const hex = sheetDigest(content)
  return `${content}${visibleLine(hex)}\n${commentLine(hex)}\n`
}

/** Whether `text` is a sheet exactly as exported (see the module comment for what counts). */
export function verifySheet(text: string): SheetVerification {
  const lines = normaliseSheet(text).replace(/\s+$/, '').split('\n')
  const last = lines.at(-1) ?? ''
  const match = COMMENT.exec(last)
  if (!match?.[1]) {
    const whole = sheetDigest(text)
    const misplaced = lines.some((line) => COMMENT.test(line))
    const sealed = misplaced || lines.some((line) => line.includes(MARKER))
    const reason = misplaced
      ? 'text was added after the digest line'
      : sealed
        ? 'the digest line is malformed'
        : 'no digest line: this is not a sheet exported by deploy-wizard, or its digest was removed'
    return { ok: false, actual: whole, reason, sealed }
  }
  const expected = match[1]
  const visibleAt = lines.length - 2
  const content = lines.slice(0, Math.max(visibleAt, 0)).join('\n')
  const actual = sheetDigest(visibleAt > 0 ? `${content}\n` : '')
  if (lines[visibleAt] !== visibleLine(expected)) {
    return {
      ok: false,
      expected,
      actual,
      reason: 'the visible digest line was edited or removed',
      sealed: true,
    }
  }
  if (actual !== expected) {
    return {
      ok: false,
      expected,
      actual,
      reason: 'its content no longer matches its digest',
      sealed: true,
    }
  }
  return { ok: true, expected, actual, sealed: true }
}
