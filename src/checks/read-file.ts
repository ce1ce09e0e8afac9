/**
 * Reading a file a checklist names, within bounds: only a regular file (not a
 * device such as /dev/zero, a FIFO that never ends, or a socket), and at most
 * `maxBytes` of it, however large it says it is or grows while being read.
 */
import { open, stat } from 'node:fs/promises'

/** A config file is far smaller: anything larger is not what the check is about. */
export const MAX_READ_BYTES = 64 * 1024 * 1024

export type Read =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'too-large' }
  | { readonly kind: 'not-a-file'; readonly what: string }

/** Reads `path` as UTF-8, or says why it will not: throws only what `open` throws (ENOENT…). */
export async function readTextFile(
  path: string,
  signal: AbortSignal,
  maxBytes = MAX_READ_BYTES,
): Promise<Read> {
  // Looked at before opening: opening a FIFO waits for a writer that may never come.
  const before = await stat(path)
  if (!before.isFile()) return { kind: 'not-a-file', what: describeType(before) }
  const handle = await open(path, 'r')
  try {
    const info = await handle.stat()
    if (!info.isFile()) return { kind: 'not-a-file', what: describeType(info) }
    const chunks: Buffer[] = []
    let total = 0
    const buffer = Buffer.alloc(Math.min(maxBytes + 1, 1024 * 1024))
    for (;;) {
      signal.throwIfAborted()
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null)
      if (bytesRead === 0) break
      total += bytesRead
      if (total > maxBytes) return { kind: 'too-large' }
      chunks.push(Buffer.from(buffer.subarray(0, bytesRead)))
    }
    return { kind: 'text', text: Buffer.concat(chunks).toString('utf8') }
  } finally {
    await handle.close()
  }
}

function describeType(info: {
  isDirectory(): boolean
  isCharacterDevice(): boolean
  isBlockDevice(): boolean
  isFIFO(): boolean
  isSocket(): boolean
}): string {
  if (info.isDirectory()) return 'a folder'
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device'
  if (info.isFIFO()) return 'a pipe'
  if (info.isSocket()) return 'a socket'
  return 'not a regular file'
}
