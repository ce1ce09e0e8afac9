/**
 * `file`: a file exists, contains a text, or (as a dotenv file) defines the
 * named keys with non-empty values. Its contents are never shown: only its
 * size, modification time and which expectations it misses.
 */
import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { parseEnv } from 'node:util'
import { error, fail, pass, type RunCheck } from './kind.ts'
import type { FileParams as Params } from './kinds/file.ts'
import { MAX_READ_BYTES, readTextFile } from './read-file.ts'

/** Runs a `file` check (its parameters: kinds/file.ts). */
export const checkFile: RunCheck<Params> = async (params, context) => {
  const name = params.path
  const path = resolve(context.cwd, name)
  let info: Awaited<ReturnType<typeof stat>>
  try {
    info = await stat(path)
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return fail(`${name} does not exist`)
    return error(`cannot read ${name}: ${(cause as Error).message}`)
  }
  const evidence = { size: info.size, modified: info.mtime.toISOString() }
  const readsContent = params.contains !== undefined || params.keys !== undefined
  if (info.isDirectory()) {
    if (readsContent) return error(`${name} is a folder, not a file`, { evidence })
    return pass(`${name} exists (a folder)`, { evidence })
  }
  if (!readsContent) return pass(`${name} exists (${formatSize(info.size)})`, { evidence })
  let content: string
  try {
    const read = await readTextFile(path, context.signal)
    if (read.kind === 'not-a-file') {
      return error(`${name} is ${read.what}, not a file to read`, { evidence })
    }
    if (read.kind === 'too-large') {
      return error(`${name} is too large to read (over ${formatSize(MAX_READ_BYTES)})`, {
        evidence,
      })
    }
    content = read.text
  } catch (cause) {
    if (context.signal.aborted) throw cause
    return error(`cannot read ${name}: ${(cause as Error).message}`, { evidence })
  }
  const unmet = [
    ...(params.contains !== undefined && !content.includes(params.contains)
      ? [`${name} does not contain '${params.contains}'`]
      : []),
    ...missingKeys(content, params.keys ?? [], name),
  ]
  const [first] = unmet
  if (first !== undefined) return fail(first, { details: unmet, evidence })
  const found = [
    ...(params.contains !== undefined ? [`contains '${params.contains}'`] : []),
    ...(params.keys ? [`defines ${params.keys.join(', ')}`] : []),
  ]
  return pass(`${name} ${found.join(', ')}`, { evidence })
}

/** A sentence per dotenv key that is not defined, or defined empty. */
function missingKeys(content: string, keys: readonly string[], name: string): string[] {
  if (keys.length === 0) return []
  const values = parseEnv(content)
  return keys.flatMap((key) => {
    const value = values[key]
    if (value === undefined) return [`${key} is not defined in ${name}`]
    if (value.trim() === '') return [`${key} is empty in ${name}`]
    return []
  })
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return bytes === 1 ? '1 byte' : `${bytes} bytes`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}
