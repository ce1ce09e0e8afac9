/**
 * The parsed-checklist cache: a checklist read before, byte for byte, by the same build
 * of deploy-wizard, is taken from its parse as plain JSON, without loading the markdown
 * parser, YAML or zod (parsing a bundled checklist costs ~200 ms of CPU; reading its
 * entry a few). Problems and warnings are kept with it, so `validate` says the same.
 *
 * Where: `<home>/cache/checklists/<sha256 of the file>.json`, one entry per content, the
 * folders 0700 and the files 0600; the bundled checklists' entries are written by the
 * build into `dist/parsed/` (bundledEntryFile). The parse depends on the file's bytes alone (never on its
 * folder, the environment or the clock), and on the code that parses: an entry names
 * the package version and the build it was made by, and any other is not used.
 *
 * Never trusted blindly, as an entry decides what the checks run: its first line
 * holds a sha256 over everything after it, so a cut-short, damaged or edited body is
 * ignored and parsed again; an entry whose file or folders another user owns or may
 * write is ignored too (a team's shared DEPLOY_WIZARD_HOME). The checksum is no
 * defence against the operator's own account, which could as well edit the checklist.
 * A cache that cannot be read or written is only slower: never an error.
 */
import { createHash } from 'node:crypto'
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  unlinkSync,
  utimesSync,
} from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { brotliDecompressSync } from 'node:zlib'
import { LEFT_TEMPORARY_AGE_MS, TEMPORARY_MARK, writeFileAtomic } from '../atomic-write.ts'
import { homeFolder } from '../home.ts'
import { PACKAGE_ROOT } from '../package-root.ts'
import { VERSION } from '../version.ts'
import { BUNDLED_FOLDER } from './bundled.ts'
import type { Checklist } from './model.ts'
import type { ParseResult } from './parse.ts'

type Env = Readonly<Record<string, string | undefined>>

/** Set to anything: the cache (and the build's parse of the bundled checklists) is neither read nor written. */
export const NO_CACHE_VARIABLE = 'DEPLOY_WIZARD_NO_CACHE'

// Replaced by the build (scripts/build.mjs) with a hash of the sources it bundled.
declare const __DEPLOY_WIZARD_BUILD__: string | undefined

/**
 * Which code parsed: the build's hash of src/ and the package's manifests, or `source`
 * when run from src/ (tests, development).
 */
export const PARSER_BUILD: string =
  typeof __DEPLOY_WIZARD_BUILD__ === 'string' ? __DEPLOY_WIZARD_BUILD__ : 'source'

/** Bumped when the entry's layout changes. */
const FORMAT = 1

/**
 * Entries kept: each edit of a checklist makes a new one (~250 kB for a bundled-size
 * checklist), so the least recently used go past this many.
 */
export const MAX_ENTRIES = 100

/** What an entry's first line says about the body after it. */
interface Header {
  readonly format: number
  readonly version: string
  readonly build: string
  /** The checklist file's sha256: the entry is for those bytes only. */
  readonly sha256: string
  /** sha256 over the header's other fields and the body. */
  readonly checksum: string
}

/** `<home>/cache/checklists`. */
export function cacheFolder(env: Env = process.env): string {
  return join(homeFolder(env), 'cache', 'checklists')
}

/** The cached parse of the file at `path` whose bytes have `sha256`, or null (none, or not usable). */
export function cachedParse(
  path: string,
  sha256: string,
  env: Env = process.env,
): ParseResult | null {
  if (env[NO_CACHE_VARIABLE]) return null
  const bundled = bundledEntryFile(path)
  if (bundled) {
    const text = readBundledEntry(bundled)
    const result = text === null ? null : readEntry(text, path, sha256)
    if (result) return result
  }
  const folder = cacheFolder(env)
  if (!isPrivateFolder(folder) || !isPrivateFolder(dirname(folder))) return null
  const file = join(folder, `${sha256}.json`)
  const text = readPrivateFile(file)
  const result = text === null ? null : readEntry(text, path, sha256)
  if (result) touch(file)
  return result
}

/** Keeps `result` for the next read of the same bytes; a cache that cannot be written is skipped. */
export function storeParse(result: ParseResult, env: Env = process.env): void {
  const { sha256 } = result.checklist
  if (env[NO_CACHE_VARIABLE] || !/^[0-9a-f]{64}$/.test(sha256)) return
  try {
    const folder = cacheFolder(env)
    mkdirSync(folder, { recursive: true, mode: 0o700 })
    // A folder someone else may write is no place for what decides the checks.
    if (!isPrivateFolder(folder) || !isPrivateFolder(dirname(folder))) return
    writeFileAtomic(join(folder, `${sha256}.json`), serializeEntry(result), { mode: 0o600 })
    prune(folder)
  } catch {
    // Read-only, full, not ours: the next start parses again.
  }
}

/**
 * Cache writes held back to be done later: the wizard writes a new entry (5–8 ms of CPU with
 * its fsyncs) once its first screen is up, not before. Whatever is still held when the process
 * exits is written then, so a run that ends at once still leaves its entry; a process killed
 * outright leaves none, and never half of one (writeFileAtomic).
 */
export interface HeldWrites {
  /** Keeps `write` until `release`; done at once after it. */
  hold(write: () => void): void
  /** Does what is held, now, in order; later holds are done at once. */
  release(): void
}

/** Writes held from now until `release()` or the process's exit, whichever comes first. */
export function heldWrites(): HeldWrites {
  let held: (() => void)[] | null = []
  const release = () => {
    const writes = held ?? []
    held = null
    process.off('exit', release)
    for (const write of writes) write()
  }
  process.on('exit', release)
  return {
    hold: (write) => (held ? held.push(write) : write()),
    release,
  }
}

/** Marks an entry used, so that pruning keeps it (access times are often not kept). */
function touch(file: string): void {
  try {
    const now = new Date()
    utimesSync(file, now, now)
  } catch {
    // Pruning may then take it a little early: it is parsed again.
  }
}

/**
 * Removes the least recently used entries past MAX_ENTRIES, and temporary files a killed
 * writer left more than an hour ago.
 */
function prune(folder: string): void {
  const entries: { file: string; used: number }[] = []
  const hourAgo = Date.now() - LEFT_TEMPORARY_AGE_MS
  for (const name of readdirSync(folder)) {
    const file = join(folder, name)
    try {
      const used = statSync(file).mtimeMs
      if (name.includes(TEMPORARY_MARK)) {
        if (used < hourAgo) unlinkSync(file)
      } else if (/^[0-9a-f]{64}\.json$/.test(name)) entries.push({ file, used })
    } catch {
      // Gone already (another process pruning), or not ours to remove.
    }
  }
  if (entries.length <= MAX_ENTRIES) return
  entries.sort((a, b) => b.used - a.used)
  for (const { file } of entries.slice(MAX_ENTRIES)) {
    try {
      unlinkSync(file)
    } catch {
      // As above.
    }
  }
}

/** An entry's text: the header line, then the parse as JSON (without the path, which is the reader's). */
export function serializeEntry(result: ParseResult, build: string = PARSER_BUILD): string {
  const { path: _path, sha256, ...checklist } = result.checklist
  const body = JSON.stringify({
    checklist,
    problems: result.problems,
    hasErrors: result.hasErrors,
  })
  const fields = { format: FORMAT, version: VERSION, build, sha256 }
  const header: Header = { ...fields, checksum: checksumOf(fields, body) }
  return `${JSON.stringify(header)}\n${body}`
}

/**
 * The parse an entry holds, for the file at `path` with `sha256`; null unless it is whole,
 * this build's and for those bytes, and has the shape of a parse.
 */
export function readEntry(
  text: string,
  path: string,
  sha256: string,
  build: string = PARSER_BUILD,
): ParseResult | null {
  const newline = text.indexOf('\n')
  if (newline < 0) return null
  let header: Partial<Header>
  let parsed: unknown
  try {
    header = JSON.parse(text.slice(0, newline)) as Partial<Header>
    if (
      header?.format !== FORMAT ||
      header.version !== VERSION ||
      header.build !== build ||
      header.sha256 !== sha256
    )
      return null
    const body = text.slice(newline + 1)
    if (header.checksum !== checksumOf({ format: FORMAT, version: VERSION, build, sha256 }, body))
      return null
    parsed = JSON.parse(body)
  } catch {
    return null
  }
  if (!isParse(parsed)) return null
  const checklist = { path, sha256, ...parsed.checklist } as Checklist
  return { checklist, problems: parsed.problems, hasErrors: parsed.hasErrors }
}

function checksumOf(fields: Omit<Header, 'checksum'>, body: string): string {
  const head = `${fields.format}\n${fields.version}\n${fields.build}\n${fields.sha256}\n`
  return createHash('sha256').update(head).update(body).digest('hex')
}

interface StoredParse {
  readonly checklist: Omit<Checklist, 'path' | 'sha256'>
  readonly problems: ParseResult['problems']
  readonly hasErrors: boolean
}

/** The parse's outline, checked cheaply: the checksum vouches for the rest. */
function isParse(value: unknown): value is StoredParse {
  if (!isRecord(value) || !Array.isArray(value.problems) || typeof value.hasErrors !== 'boolean')
    return false
  const c = value.checklist
  return (
    isRecord(c) &&
    typeof c.title === 'string' &&
    isRecord(c.frontMatter) &&
    ['environments', 'sections', 'phases', 'items', 'signoff', 'inferredScopes', 'gates'].every(
      (key) => Array.isArray(c[key]),
    )
  )
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * The build's entry for a bundled checklist, when `path` is one: `dist/parsed/<name>.md.json.br`,
 * brotli-compressed as the package's size budget asks (a fifth of gzip's size inside the
 * tarball; read back in under a millisecond).
 */
export function bundledEntryFile(path: string): string | null {
  if (resolve(dirname(path)) !== resolve(BUNDLED_FOLDER)) return null
  return join(PACKAGE_ROOT, 'dist', 'parsed', `${basename(path)}.json.br`)
}

/** The text of a build's entry; null when there is none or it does not decompress. */
export function readBundledEntry(file: string): string | null {
  try {
    return brotliDecompressSync(readFileSync(file)).toString('utf8')
  } catch {
    return null
  }
}

const uid = process.getuid?.()

/** A real folder (no link), the operator's own, that no one else may write. */
function isPrivateFolder(folder: string): boolean {
  try {
    const stats = lstatSync(folder)
    return stats.isDirectory() && isOwnAndClosed(stats)
  } catch {
    return false
  }
}

/** A regular file's text when it is the operator's own and no one else may write it; else null. */
function readPrivateFile(file: string): string | null {
  let fd: number
  try {
    // Not through a link: the entry is the file itself.
    fd = openSync(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0))
  } catch {
    return null
  }
  try {
    const stats = fstatSync(fd)
    if (!stats.isFile() || !isOwnAndClosed(stats)) return null
    return readFileSync(fd, 'utf8')
  } catch {
    return null
  } finally {
    closeSync(fd)
  }
}

function isOwnAndClosed(stats: { uid: number; mode: number }): boolean {
  // Windows has no owners or mode bits to speak of: its profile folder is the user's.
  if (uid === undefined) return true
  return stats.uid === uid && (stats.mode & 0o022) === 0
}
