/**
 * A run's journal file, `<run-id>.journal`: the entries written since the run's
 * snapshot (`<run-id>.json`), one line each, appended and synced one at a time,
 * so that saving an answer costs the same at item 5 and at item 2,000.
 *
 * A line is JSON framed with its position in the whole journal and a checksum
 * over exactly the bytes of the entry as written:
 *
 *     {"seq":12,"sha":"<16 hex>","entry":{"type":"item-answered",…}}
 *
 * A kill or a full disk can leave only the last line cut short (or, after a
 * power cut, garbage where it was): a line that is not whole or whose checksum
 * does not match, with no good line after it, is a torn append, never
 * acknowledged, and is dropped — the lock holder cuts it off before it appends.
 * A bad line with good lines after it cannot come from a torn append: that is
 * damage, and the run is reported, not read past it.
 */
import { createHash } from 'node:crypto'
import {
  closeSync,
  constants,
  fdatasyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  writeSync,
} from 'node:fs'
import { dirname } from 'node:path'
import { syncFolder } from '../atomic-write.ts'

/** What a journal file held: its entries from `from` on, and where its good part ends. */
export type JournalRead =
  | {
      readonly kind: 'ok'
      /** The raw entries whose position is `from` and after, in order. */
      readonly entries: readonly unknown[]
      /** Bytes up to the end of the last good line: what an appender keeps. */
      readonly goodLength: number
      /** Whether anything follows the last good line (a torn append, or lines already compacted). */
      readonly isUntidy: boolean
    }
  | { readonly kind: 'damaged'; readonly reason: string }

/** One framed line, newline included. */
export function frameLine(seq: number, entry: unknown): Buffer {
  const json = JSON.stringify(entry)
  return Buffer.from(`{"seq":${seq},"sha":"${checksum(seq, json)}","entry":${json}}\n`, 'utf8')
}

/**
 * Reads a journal file's bytes. `from` is the number of entries the snapshot already holds:
 * lines before it are left over from a compaction cut short and are skipped.
 */
export function parseJournal(bytes: Buffer, from: number): JournalRead {
  const entries: unknown[] = []
  let position = 0
  let goodLength = 0
  let hasStale = false
  let badLine: number | null = null
  for (let lineNo = 1; position < bytes.length; lineNo++) {
    const end = bytes.indexOf(0x0a, position)
    // No newline: the last line, cut short.
    if (end === -1) break
    const line = unframe(bytes.toString('utf8', position, end))
    position = end + 1
    if (!line) {
      badLine ??= lineNo
      continue
    }
    if (badLine !== null) return { kind: 'damaged', reason: `damaged journal line ${badLine}` }
    if (line.seq < from) {
      hasStale = true
    } else if (line.seq !== from + entries.length) {
      return { kind: 'damaged', reason: `journal line ${lineNo} out of sequence` }
    } else {
      entries.push(line.entry)
    }
    goodLength = position
  }
  return { kind: 'ok', entries, goodLength, isUntidy: hasStale || goodLength < bytes.length }
}

/** Reads `<file>`; a missing file is an empty journal. Errors other than ENOENT are thrown. */
export function readJournalFile(file: string, from: number): JournalRead {
  let bytes: Buffer
  try {
    bytes = readFileSync(file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return { kind: 'ok', entries: [], goodLength: 0, isUntidy: false }
    }
    if ((error as NodeJS.ErrnoException).code === 'EISDIR') {
      return { kind: 'damaged', reason: 'journal is a folder, not a file' }
    }
    throw error
  }
  return parseJournal(bytes, from)
}

/**
 * The lock holder's end of a journal file: appends a line and syncs it, or throws with
 * the file cut back to its last good line (or, when even that fails, cut back before
 * the next append), so a refused append never leaves part of a line to be read.
 */
export class JournalAppender {
  readonly file: string
  private fd: number | null
  private length: number
  /** The file may hold bytes past `length` (a torn line) that must go before the next write. */
  private isDirty: boolean

  /** Opens (creating it, durably) `file`, whose good part ends at `goodLength`. */
  constructor(file: string, goodLength: number, isUntidy: boolean) {
    this.file = file
    this.fd = openSync(file, constants.O_RDWR | constants.O_CREAT, 0o600)
    this.length = goodLength
    this.isDirty = isUntidy
    // A new file's name must survive a power cut as surely as the lines written to it.
    syncFolder(dirname(file))
    if (this.isDirty) this.tidy()
  }

  /** Appends one framed line and syncs it: on disk when this returns, or throws. */
  append(line: Buffer): void {
    const fd = this.open()
    if (this.isDirty) this.cut()
    try {
      let written = 0
      // writeSync may write less than asked on a full disk; loop until it throws.
      while (written < line.length) {
        written += writeSync(fd, line, written, line.length - written, this.length + written)
      }
      fdatasyncSync(fd)
    } catch (error) {
      this.isDirty = true
      this.tidy()
      throw error
    }
    this.length += line.length
  }

  /** Empties the file once its entries are safely in the snapshot. Throws if it cannot. */
  empty(): void {
    const fd = this.open()
    ftruncateSync(fd, 0)
    fdatasyncSync(fd)
    this.length = 0
    this.isDirty = false
  }

  close(): void {
    if (this.fd === null) return
    const fd = this.fd
    this.fd = null
    try {
      closeSync(fd)
    } catch {
      // Nothing is pending: every append was synced.
    }
  }

  private open(): number {
    if (this.fd === null) throw new Error(`${this.file} is closed`)
    return this.fd
  }

  /** Cuts the file back to its good part now if it can; otherwise the next append does. */
  private tidy(): void {
    try {
      this.cut()
    } catch {
      // Shrinking needs no space; if even that fails, append tries again before writing.
    }
  }

  private cut(): void {
    const fd = this.open()
    ftruncateSync(fd, this.length)
    fdatasyncSync(fd)
    this.isDirty = false
  }
}

function checksum(seq: number, json: string): string {
  return createHash('sha256').update(`${seq}:${json}`).digest('hex').slice(0, 16)
}

const LINE = /^\{"seq":(\d+),"sha":"([0-9a-f]{16})","entry":(.*)\}$/s

function unframe(text: string): { seq: number; entry: unknown } | null {
  const match = LINE.exec(text)
  if (!match) return null
  const [, seqText = '', sha, json = ''] = match
  const seq = Number(seqText)
  if (!Number.isSafeInteger(seq) || checksum(seq, json) !== sha) return null
  try {
    return { seq, entry: JSON.parse(json) }
  } catch {
    return null
  }
}
