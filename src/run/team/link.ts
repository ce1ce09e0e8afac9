/**
 * What ties a run on this machine to its team store, and how patient the tie
 * is: the small part of the team code a run kept here only also reads (to tell
 * it is not a team run) without loading the store's (S3) code.
 *
 * `<home>/outbox/<run-id>/team.json` names the store, this machine's writer id
 * (its entries reach the store as `<writer>-<position in the journal>`), and how
 * many of the journal's first entries were read from the store (with their
 * digest, to tell a copy that no longer holds them). See sync.ts.
 */
import { join } from 'node:path'
import { parseDuration } from '../../duration.ts'
import { UserError } from '../../errors.ts'
import {
  homeError,
  homeFolder,
  importedChecklistsFolder,
  readJsonFile,
  writeJsonFile,
} from '../../home.ts'
import { parseStoreAddress, type S3StoreAddress } from './address.ts'

type Env = Readonly<Record<string, string | undefined>>

/** How often the wizard looks in the store for a take-over and for approvals. */
export const POLL_VARIABLE = 'DEPLOY_WIZARD_STORE_POLL'
/** How long one request to the store may go unanswered before it counts as lost. */
export const TIMEOUT_VARIABLE = 'DEPLOY_WIZARD_STORE_TIMEOUT'
export const DEFAULT_POLL_MS = 2_000
export const DEFAULT_TIMEOUT_MS = 10_000
/** How patient the sync is: DEPLOY_WIZARD_STORE_POLL and DEPLOY_WIZARD_STORE_TIMEOUT. */
export interface TeamTuning {
  readonly pollMs: number
  readonly requestTimeoutMs: number
}

/** The sync's timings from the environment; a value that is no duration is refused, naming it. */
export function teamTuning(env: Env = process.env): TeamTuning {
  return {
    pollMs: durationVariable(env, POLL_VARIABLE, DEFAULT_POLL_MS),
    requestTimeoutMs: durationVariable(env, TIMEOUT_VARIABLE, DEFAULT_TIMEOUT_MS),
  }
}

function durationVariable(env: Env, name: string, fallback: number): number {
  const text = env[name]?.trim()
  if (!text) return fallback
  const ms = parseDuration(text)
  if (ms === null) {
    throw new UserError(`${name} ${JSON.stringify(text)} is not a duration`, {
      hint: 'write one such as 2s or 500ms, or unset it for the default',
    })
  }
  return ms
}

/** Who drives a team run, as the take-over question names them. */
export interface DriverWords {
  /** `ana@laptop-7`. */
  readonly name: string
  /** The AWS identity they write as (STS caller ARN). */
  readonly arn: string
  /** `3 min ago`: when they last renewed their lease. */
  readonly lastSeen: string
}

/** What opening a team run may ask the operator (the wizard asks on screen). */
export interface ResumeQuestions {
  /**
   * Someone else drives the run and was seen lately: take it over from them? Resolves true to
   * take it; false, or a rejection, leaves it to them with nothing written.
   */
  takeOver(driver: DriverWords): Promise<boolean>
  /**
   * The store did not answer while the run was being opened, and this machine has a copy of it
   * (unfinished here): go on with that copy, offline, until the store answers? Resolves true to
   * go on; false leaves the run unopened. Absent: never asked, the run is not opened.
   */
  goOffline?(silent: SilentStoreWords): Promise<boolean>
}

/** What the offline question says of a store that did not answer. */
export interface SilentStoreWords {
  readonly runId: string
  /** `s3://bucket/prefix`. */
  readonly store: string
  /** How it did not answer: "no answer within 10s", "connection refused". */
  readonly problem: string
}

export const LINK_FORMAT = 'deploy-wizard/team-link@1'

/** What ties a run on this machine to its team store: `<home>/outbox/<run-id>/team.json`. */
export interface TeamLink {
  readonly format: typeof LINK_FORMAT
  /** `s3://bucket/prefix`. */
  readonly store: string
  /** This machine's writer: its entries reach the store as `<writer>-<position in the journal>`. */
  readonly writer: string
  /**
   * The journal's first `imported` entries are the store's entries 1…imported, as read when the
   * copy was made (`digest`); this machine sends those after them.
   */
  readonly imported: number
  readonly digest: string
}

/** `<home>/outbox/<run-id>/`: this machine's files of a team run. */
export function teamFolder(runId: string, env?: Env): string {
  return join(homeFolder(env), 'outbox', runId)
}

/** `<home>/team-checklists/<run-id>.md`: the checklist of a run imported from a team store. */
export function importedChecklistPath(runId: string, env?: Env): string {
  return join(importedChecklistsFolder(env), `${runId}.md`)
}

function linkFile(runId: string, env?: Env): string {
  return join(teamFolder(runId, env), 'team.json')
}

/** The run's link to its team store; undefined for a run kept on this machine only. */
export function readTeamLink(runId: string, env?: Env): TeamLink | undefined {
  const file = linkFile(runId, env)
  const read = readJsonFile(file)
  if (read.kind === 'missing') return undefined
  const link = read.kind === 'ok' ? (read.value as Partial<TeamLink> | null) : null
  if (
    link?.format !== LINK_FORMAT ||
    typeof link.store !== 'string' ||
    typeof link.writer !== 'string' ||
    typeof link.imported !== 'number' ||
    typeof link.digest !== 'string'
  ) {
    throw new UserError(`${file} is damaged: run ${runId} cannot be tied to its team store`, {
      hint: `delete ${file}, then resume the run naming its store (--store): it is read again from there`,
    })
  }
  return link as TeamLink
}

/** The team store run `runId` on this machine belongs to, if it is a team run. */
export function teamStoreOf(runId: string, env?: Env): S3StoreAddress | undefined {
  const link = readTeamLink(runId, env)
  return link && parseStoreAddress(link.store, `run ${runId}'s team store`)
}

export function writeLink(runId: string, link: Omit<TeamLink, 'format'>, env?: Env): void {
  const file = linkFile(runId, env)
  try {
    writeJsonFile(file, { format: LINK_FORMAT, ...link } satisfies TeamLink)
  } catch (error) {
    throw homeError(error, file, env) ?? error
  }
}
