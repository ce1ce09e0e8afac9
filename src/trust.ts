/**
 * Commands in a checklist run only once the operator has trusted that checklist
 * on this machine. Trust is recorded per file (its real path) together with the
 * file's sha256: any change to the file means it must be reviewed and trusted
 * again. Headless runs pass --trust instead, which trusts for that run only.
 *
 * The records are kept in `<home>/trust.json`. One that cannot be read (empty,
 * cut short, a folder) is moved aside and reported, and trust starts empty:
 * every checklist with commands asks again, which is the safe side.
 */
import { realpathSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Checklist, Item } from './checklist/model.ts'
import { needsTrust } from './checks/registry.ts'
import { fileProblem } from './errors.ts'
import {
  homeError,
  homeFile,
  moveAside,
  readJsonFile,
  reportHomeProblem,
  writeJsonFile,
} from './home.ts'
import { escapeCommand } from './output/terminal.ts'

interface TrustRecord {
  readonly sha256: string
  readonly trustedAt: string
  readonly title: string
}

type TrustFile = Record<string, TrustRecord>

/** The items whose checks run programs the checklist chooses (see `needsTrust`), in every environment. */
export function commandItems(checklist: Checklist): Item[] {
  return checklist.items.filter(needsTrust)
}

/**
 * What a command item runs, as the operator reviews it before trusting: all of
 * it, with control characters written as escapes (`\x1b`) so that none can move
 * the cursor or recolour the screen to hide what follows, and with what draws
 * as nothing or as a plain space (zero-width, bidi, no-break spaces) escaped
 * too: what is read is what runs. Credentials are not masked here, unlike
 * everywhere else: a mask could cover code as well as a password.
 */
export function commandLine(item: Item): string {
  const params = item.check?.params ?? {}
  const command = params.run ?? `${params.name ?? ''} ${params.args ?? '--version'}`
  return escapeCommand(command)
}

export type TrustState = 'trusted' | 'changed' | 'unknown'

type Env = Readonly<Record<string, string | undefined>>

export function trustState(checklist: Checklist, env?: Env): TrustState {
  const record = readTrust(env)[keyOf(checklist.path)]
  if (!record) return 'unknown'
  return record.sha256 === checklist.sha256 ? 'trusted' : 'changed'
}

/** Records the trust; a UserError when trust.json cannot be written (nothing is then trusted). */
export function trustChecklist(checklist: Checklist, env?: Env, now: Date = new Date()): void {
  const records = readTrust(env)
  records[keyOf(checklist.path)] = {
    sha256: checklist.sha256,
    trustedAt: now.toISOString(),
    title: checklist.title,
  }
  saveTrust(records, env)
}

export function revokeTrust(checklist: Checklist, env?: Env): boolean {
  const records = readTrust(env)
  const key = keyOf(checklist.path)
  if (!Object.hasOwn(records, key)) return false
  delete records[key]
  saveTrust(records, env)
  return true
}

/** The records, or none when the file is missing or had to be moved aside. */
function readTrust(env: Env | undefined): TrustFile {
  const file = homeFile('trust', env)
  const read = readJsonFile(file)
  if (read.kind === 'ok' && isRecordObject(read.value)) return { ...read.value } as TrustFile
  if (read.kind === 'missing') return {}
  const reason = read.kind === 'damaged' ? read.reason : 'not a list of trusted checklists'
  let where: string
  try {
    where = `moved it aside to ${moveAside(file, 'corrupt')}`
  } catch (error) {
    // A read-only home: nothing can be trusted anew there either, so it may stay where it is.
    const problem = fileProblem(error)
    if (!problem) throw error
    where = `could not move it aside (${problem})`
  }
  reportHomeProblem(
    `trust file ${file} is ${reason}; ${where}. Checklists trusted before will ask to be trusted again.`,
  )
  return {}
}

function saveTrust(records: TrustFile, env: Env | undefined): void {
  const file = homeFile('trust', env)
  try {
    writeJsonFile(file, records)
  } catch (error) {
    throw homeError(error, file, env) ?? error
  }
}

function isRecordObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function keyOf(path: string): string {
  try {
    return realpathSync(path)
  } catch {
    return resolve(path)
  }
}
