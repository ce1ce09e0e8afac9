/**
 * A run in the team store:
 *
 *   <prefix>/runs/<run-id>/header.json            the header and the exact checklist text
 *   <prefix>/runs/<run-id>/checklists/<sha256>.md the exact text of a checklist the run was
 *                                                  resumed with after an edit
 *   <prefix>/runs/<run-id>/lease.json             who drives it (lease.ts)
 *   <prefix>/runs/<run-id>/events/00000001.json   one object per journal entry, in order
 *   <prefix>/runs/<run-id>/segments/00000001-00000100.json
 *                                                  entries 1–100 again, in one object
 *
 * Every object is written once with `If-None-Match: *`, so two writers can never
 * both write entry N: the loser is told (412), reads what is there, and tries
 * N+1. Each entry carries an id given when it was first saved locally; finding
 * its own id at N means an earlier attempt landed and its answer was lost, so a
 * retry never writes it twice. The entries are the local journal's, which holds
 * no secret values (checks redact before anything is recorded).
 *
 * Segments are a cache for readers: an entry never changes once written, so
 * whoever has read a whole hundred of them writes them again as one object
 * (`If-None-Match: *`, the same content whoever writes it), and later reads
 * fetch a long run in a few dozen requests instead of one per entry.
 */
import { createHash } from 'node:crypto'
import pLimit from 'p-limit'
import type { RunHeader } from '../model.ts'
import { type Lease, type LeaseRecord, readLease } from './lease.ts'
import type { StoreObjects } from './objects.ts'

export const TEAM_RUN_FORMAT = 'deploy-wizard/team-run@1'

/** A journal entry as the store keeps it: the local journal's entries, and the store's own (take-overs). */
export interface TeamEntry {
  readonly type: string
  readonly [field: string]: unknown
}

/** An entry with the id that makes writing it idempotent. */
export interface IdentifiedEntry {
  readonly id: string
  readonly entry: TeamEntry
}

/** One event object. */
export interface TeamEvent extends IdentifiedEntry {
  readonly format: typeof TEAM_RUN_FORMAT
  readonly seq: number
}

/** The header object. */
export interface TeamRunHeader {
  readonly format: typeof TEAM_RUN_FORMAT
  readonly header: RunHeader
  /** The checklist as the run started with it, byte for byte: another machine resumes from this. */
  readonly checklistText: string
}

/** Digits in an event's key: sorted listings are in journal order up to 99,999,999 entries. */
const SEQ_DIGITS = 8

export function headerPath(runId: string): string {
  return `runs/${runId}/header.json`
}

export function eventsFolder(runId: string): string {
  return `runs/${runId}/events`
}

export function eventPath(runId: string, seq: number): string {
  return `${eventsFolder(runId)}/${String(seq).padStart(SEQ_DIGITS, '0')}.json`
}

/** A checklist the run went on with after an edit, by the sha256 of its bytes (as `resumed` records it). */
export function checklistTextPath(runId: string, sha256: string): string {
  return `runs/${runId}/checklists/${sha256}.md`
}

/**
 * Keeps the exact text of a checklist the run is resumed with, when it is not the one the run
 * started with (the header's): readers that lay the run out (`watch`) find the text the run is on
 * by the sha256 its last `resumed` entry names. Written before that entry, once: the same bytes
 * whoever writes them.
 */
export async function keepChecklistText(
  objects: StoreObjects,
  runId: string,
  sha256: string,
  text: string,
): Promise<void> {
  await objects.putIfAbsent(checklistTextPath(runId, sha256), text)
}

/**
 * The text of the checklist with this sha256 that the run was resumed with, or undefined when
 * the store has none (a resume by a version that did not keep it). An object that is not that
 * text, byte for byte, is none: it is named by its digest and read by it.
 */
export async function readChecklistText(
  objects: StoreObjects,
  runId: string,
  sha256: string,
): Promise<string | undefined> {
  if (!/^[0-9a-f]{64}$/.test(sha256)) return undefined
  const got = await objects.get(checklistTextPath(runId, sha256))
  if (got === undefined || textSha256(got.body) !== sha256) return undefined
  return got.body
}

/** The sha256 of a checklist's text, as the file's bytes (UTF-8) give it. */
export function textSha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

/** Entries per segment. */
export const SEGMENT_SIZE = 100

export function segmentsFolder(runId: string): string {
  return `runs/${runId}/segments`
}

export function segmentPath(runId: string, first: number, last: number): string {
  const digits = (seq: number) => String(seq).padStart(SEQ_DIGITS, '0')
  return `${segmentsFolder(runId)}/${digits(first)}-${digits(last)}.json`
}

/** The entries a segment key names, or undefined for a key that is no segment. */
function rangeOfSegment(path: string): { first: number; last: number } | undefined {
  const match = /\/segments\/(\d+)-(\d+)\.json$/.exec(path)
  return match ? { first: Number(match[1]), last: Number(match[2]) } : undefined
}

/** The run's sequence number in an event key, or undefined for a key that is no event. */
export function seqOfKey(path: string): number | undefined {
  const match = /\/events\/(\d+)\.json$/.exec(path)
  return match ? Number(match[1]) : undefined
}

/** Writes a new run's header; refuses when a run with this id exists in the store. */
export async function createTeamRun(
  objects: StoreObjects,
  header: RunHeader,
  checklistText: string,
): Promise<void> {
  const body: TeamRunHeader = { format: TEAM_RUN_FORMAT, header, checklistText }
  const written = await objects.putIfAbsent(headerPath(header.id), JSON.stringify(body))
  if (written === 'exists') {
    const existing = await objects.get(headerPath(header.id))
    // The same header again: a retry of ours whose answer was lost.
    if (existing?.body !== JSON.stringify(body)) {
      throw new Error(`a run ${header.id} already exists in the team store`)
    }
  }
}

/**
 * Writes `event` at `fromSeq` or, when that is taken, the first free entry
 * after it. Returns the entry it is at: a new one, or one where an earlier
 * attempt of ours had landed.
 */
export async function writeEvent(
  objects: StoreObjects,
  runId: string,
  fromSeq: number,
  event: IdentifiedEntry,
): Promise<number> {
  for (let seq = Math.max(1, fromSeq); ; seq++) {
    const body: TeamEvent = { format: TEAM_RUN_FORMAT, id: event.id, seq, entry: event.entry }
    const written = await objects.putIfAbsent(eventPath(runId, seq), JSON.stringify(body))
    if (written !== 'exists') return seq
    const there = await objects.get(eventPath(runId, seq))
    if (there && (JSON.parse(there.body) as TeamEvent).id === event.id) return seq
  }
}

/** The entry after the last one written: where a new writer starts. */
export async function nextSeq(objects: StoreObjects, runId: string): Promise<number> {
  const seqs = (await objects.list(eventsFolder(runId))).map(seqOfKey)
  return Math.max(0, ...seqs.filter((seq) => seq !== undefined)) + 1
}

/**
 * Appends entries for the holder of the run's lease: each append first checks the
 * lease is still the one this driver holds (LeaseLostError otherwise), then
 * writes the entry.
 */
export class TeamRunWriter {
  readonly #objects: StoreObjects
  readonly #lease: Lease
  #next: number
  /** The entries this writer wrote since the last whole hundred, one after another. */
  #recent: TeamEvent[] = []

  constructor(objects: StoreObjects, lease: Lease, next: number) {
    this.#objects = objects
    this.#lease = lease
    this.#next = next
  }

  /** Where the next entry will be tried. */
  get next(): number {
    return this.#next
  }

  /**
   * Writes the entry; the sequence number it got. Completing a hundred this
   * writer wrote itself also writes their segment, so readers rarely fetch
   * entries one by one.
   */
  async append(event: IdentifiedEntry): Promise<number> {
    await this.#lease.check()
    const runId = this.#lease.runId
    const seq = await writeEvent(this.#objects, runId, this.#next, event)
    this.#next = seq + 1
    const last = this.#recent.at(-1)
    if (last && last.seq !== seq - 1) this.#recent = []
    this.#recent.push({ format: TEAM_RUN_FORMAT, id: event.id, seq, entry: event.entry })
    if (seq % SEGMENT_SIZE === 0) {
      const first = seq - SEGMENT_SIZE + 1
      const segment = this.#recent.filter((written) => written.seq >= first)
      this.#recent = []
      if (segment.length === SEGMENT_SIZE) await sealSegment(this.#objects, runId, segment)
    }
    return seq
  }
}

/** The `lease-taken-over` entry a new driver appends first: the sheet shows the hand-over. */
export function takeOverEntry(lease: Lease, at: Date): TeamEntry | undefined {
  if (lease.acquired.kind !== 'taken-over') return undefined
  const { from, reason } = lease.acquired
  return {
    type: 'lease-taken-over',
    at: at.toISOString(),
    by: lease.record.holder,
    host: lease.record.host,
    arn: lease.record.arn,
    reason,
    from: { holder: from.holder, host: from.host, arn: from.arn, lastSeen: from.renewedAt },
  }
}

/** A run read whole from the store. */
export interface TeamRunRead {
  readonly header: RunHeader
  readonly checklistText: string
  readonly events: readonly TeamEvent[]
  readonly lease: LeaseRecord | undefined
}

/** How many objects are read at once. */
export const READ_CONCURRENCY = 32

export interface ReadOptions {
  readonly concurrency?: number
  /** Write the segments this read makes possible (on by default; a reader without s3:PutObject simply writes none). */
  readonly seal?: boolean
}

/**
 * Reads a run: the header, the lease and every event, in journal order. The
 * segments from entry 1 on are fetched first, then the events after the last
 * of them (one listing that starts there), `concurrency` objects at a time.
 * Throws when the entries are not 1..N without a gap or an id appears twice:
 * the store was written by something other than deploy-wizard.
 */
export async function readTeamRun(
  objects: StoreObjects,
  runId: string,
  { concurrency = READ_CONCURRENCY, seal = true }: ReadOptions = {},
): Promise<TeamRunRead | undefined> {
  const limit = pLimit(concurrency)
  const getJson = <T>(path: string) =>
    limit(async () => {
      const got = await objects.get(path)
      if (!got) throw new Error(`the team store lost ${path} between listing and reading it`)
      return JSON.parse(got.body) as T
    })
  const [headerObject, lease, segmentKeys] = await Promise.all([
    objects.get(headerPath(runId)),
    readLease(objects, runId),
    objects.list(segmentsFolder(runId)),
  ])
  if (!headerObject) return undefined
  const head = JSON.parse(headerObject.body) as TeamRunHeader
  // The segments that follow on from entry 1 without a gap.
  const chain: string[] = []
  let covered = 0
  for (const path of segmentKeys) {
    const range = rangeOfSegment(path)
    if (range?.first !== covered + 1) continue
    chain.push(path)
    covered = range.last
  }
  const [segments, tailKeys] = await Promise.all([
    Promise.all(chain.map((path) => getJson<{ events: TeamEvent[] }>(path))),
    objects.list(eventsFolder(runId), covered > 0 ? eventPath(runId, covered) : undefined),
  ])
  const tail = await Promise.all(
    tailKeys.filter((path) => seqOfKey(path) !== undefined).map((path) => getJson<TeamEvent>(path)),
  )
  const events = [...segments.flatMap((segment) => segment.events), ...tail]
  events.sort((a, b) => a.seq - b.seq)
  const ids = new Set<string>()
  events.forEach((event, index) => {
    if (event.seq !== index + 1) {
      throw new Error(`run ${runId} has no entry ${index + 1} in the team store`)
    }
    if (ids.has(event.id)) {
      throw new Error(`run ${runId} has entry ${event.id} twice in the team store`)
    }
    ids.add(event.id)
  })
  if (seal) await sealSegments(objects, runId, events, covered)
  return { header: head.header, checklistText: head.checklistText, events, lease: lease?.record }
}

/**
 * Writes the whole segments among `events` after entry `covered`. Best effort:
 * a segment is only a faster way to read what the events hold, so a refusal
 * (a read-only identity) or a failure leaves the run as readable as before.
 */
async function sealSegments(
  objects: StoreObjects,
  runId: string,
  events: readonly TeamEvent[],
  covered: number,
): Promise<void> {
  for (let first = covered + 1; first + SEGMENT_SIZE - 1 <= events.length; first += SEGMENT_SIZE) {
    if (!(await sealSegment(objects, runId, events.slice(first - 1, first - 1 + SEGMENT_SIZE)))) {
      return
    }
  }
}

/** Writes one segment (entries in order, one after another); false when the store would not take it. */
async function sealSegment(
  objects: StoreObjects,
  runId: string,
  events: readonly TeamEvent[],
): Promise<boolean> {
  const first = events[0]?.seq ?? 0
  const body = JSON.stringify({ format: TEAM_RUN_FORMAT, events })
  try {
    await objects.putIfAbsent(segmentPath(runId, first, first + events.length - 1), body)
    return true
  } catch {
    return false
  }
}

/** The team's runs' ids: one listing, no run read (who holds each is read with the run). */
export function teamRunIds(objects: StoreObjects): Promise<string[]> {
  return objects.folders('runs')
}
