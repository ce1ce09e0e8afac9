/**
 * Commands in a checklist run only once the operator has trusted that checklist
 * on this machine. Trust is recorded per file (its real path) together with the
 * file's sha256: any change to the file means it must be reviewed and trusted
 * again. Headless runs pass --trust instead, which trusts for that run only.
 */
import { realpathSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Checklist, Item } from './checklist/model.ts'
import { needsTrust } from './checks/jobs.ts'
import { openStore } from './home.ts'
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

export function trustState(
  checklist: Checklist,
  env?: Readonly<Record<string, string | undefined>>,
): TrustState {
  const record = openStore<TrustFile>('trust', env).get(keyOf(checklist.path))
  if (!record) return 'unknown'
  return record.sha256 === checklist.sha256 ? 'trusted' : 'changed'
}

export function trustChecklist(
  checklist: Checklist,
  env?: Readonly<Record<string, string | undefined>>,
  now: Date = new Date(),
): void {
  openStore<TrustFile>('trust', env).set(keyOf(checklist.path), {
    sha256: checklist.sha256,
    trustedAt: now.toISOString(),
    title: checklist.title,
  })
}

export function revokeTrust(
  checklist: Checklist,
  env?: Readonly<Record<string, string | undefined>>,
): boolean {
  const store = openStore<TrustFile>('trust', env)
  const key = keyOf(checklist.path)
  const had = store.has(key)
  store.delete(key)
  return had
}

function keyOf(path: string): string {
  try {
    return realpathSync(path)
  } catch {
    return resolve(path)
  }
}
