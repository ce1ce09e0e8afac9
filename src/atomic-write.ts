/**
 * Replacing a file so that a failure never leaves less than was there: the new
 * content goes to a temporary file beside it (`<file>.tmp-<pid>-<random>`),
 * is written whole, fsync'd and closed, and only then renamed over the file;
 * the folder is fsync'd so that the rename survives a power cut too. Any failure
 * before the rename — the disk full, a read-only file system, a quota — removes
 * the temporary file and throws, and the file is left exactly as it was.
 *
 * Hand-written, not a library: `atomically` (under conf) and write-file-atomic
 * 8 both write with a single `fs.writeSync` and ignore the count it returns. On
 * a full disk the kernel writes what fits and returns that shorter count instead
 * of failing, so both then sync and rename a truncated file over the good one.
 * `fs.writeFileSync` on a descriptor loops until every byte is written and
 * throws ENOSPC when one cannot be.
 */
import { randomBytes } from 'node:crypto'
import {
  closeSync,
  fsyncSync,
  openSync,
  readdirSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs'
import { basename, dirname, join } from 'node:path'

export interface AtomicWriteOptions {
  /** The new file's permissions (before the umask); 0o666 by default. */
  readonly mode?: number
}

/** The marker in a temporary file's name, for whoever clears those a killed writer left. */
export const TEMPORARY_MARK = '.tmp-'

/**
 * How old a temporary file must be to be taken for one a killed writer left: a live writer's
 * lasts milliseconds, but a clock may be off or a disk stalled, so well past that.
 */
export const LEFT_TEMPORARY_AGE_MS = 3_600_000

/**
 * Removes the temporary files of `path` that killed writers left, an hour old or more. For a
 * file every process rewrites (the runs index), called by whoever has just written it, so that
 * leftovers do not pile up beside it. (A run's own file has its leftovers cleared by the lock's
 * holder, store.ts; the parse cache clears its folder as it prunes.) Never throws.
 */
export function removeLeftTemporaries(path: string, now: number = Date.now()): void {
  const folder = dirname(path)
  const prefix = `${basename(path)}${TEMPORARY_MARK}`
  let names: string[]
  try {
    names = readdirSync(folder)
  } catch {
    return
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue
    try {
      const file = join(folder, name)
      if (statSync(file).mtimeMs <= now - LEFT_TEMPORARY_AGE_MS) unlinkSync(file)
    } catch {
      // Gone already (another process clearing them), or not ours to remove.
    }
  }
}

/** Replaces `path` with `data` whole, or throws and leaves `path` as it was. */
export function writeFileAtomic(
  path: string,
  data: string,
  options: AtomicWriteOptions = {},
): void {
  // A link is followed, as the file it names is the one meant: the link stays a link.
  const target = realTarget(path)
  const temporary = `${target}${TEMPORARY_MARK}${process.pid}-${randomBytes(4).toString('hex')}`
  let fd: number | null = null
  try {
    fd = openSync(temporary, 'wx', options.mode ?? 0o666)
    writeFileSync(fd, data)
    fsyncSync(fd)
    closeSync(fd)
    fd = null
    renameSync(temporary, target)
  } catch (error) {
    if (fd !== null) closeQuietly(fd)
    unlinkQuietly(temporary)
    throw error
  }
  syncFolder(dirname(target))
}

/** Makes a rename in `folder` durable. Not possible on Windows, where rename is already durable enough. */
export function syncFolder(folder: string): void {
  let fd: number
  try {
    fd = openSync(folder, 'r')
  } catch {
    return
  }
  try {
    fsyncSync(fd)
  } catch {
    // EINVAL/EPERM on file systems that cannot sync a directory.
  } finally {
    closeSync(fd)
  }
}

function realTarget(path: string): string {
  try {
    return realpathSync(path)
  } catch {
    return path
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd)
  } catch {
    // Already failing; the write's error is the one to report.
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path)
  } catch {
    // Never created, or the file system refuses even that: nothing more can be done.
  }
}
