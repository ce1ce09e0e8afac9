/**
 * One driver at a time: a run's lease object, `runs/<id>/lease.json`, names who
 * drives it (operator, host, AWS identity) until when. It is created with
 * `If-None-Match: *` and every later write — renewal, take-over, release — is
 * `If-Match` on the ETag its writer read, so of two operators acting at once
 * exactly one succeeds and the other learns it. Appending to the run first
 * checks that the lease is still the version this driver wrote (team-run.ts),
 * so a driver whose lease was taken over cannot write and is told at once.
 *
 * Expiry compares wall clocks of different machines: the lease lasts long
 * (a minute by default) against the seconds between renewals, so a clock a few
 * seconds off does not matter.
 */
import { randomUUID } from 'node:crypto'
import { UserError } from '../../errors.ts'
import type { StoreObjects } from './objects.ts'

/** What the lease object holds. */
export interface LeaseRecord {
  readonly holder: string
  readonly host: string
  /** The AWS identity (STS caller ARN) the holder writes as. */
  readonly arn: string
  readonly acquiredAt: string
  readonly renewedAt: string
  readonly expiresAt: string
  /** Unique per write: tells a write whose answer was lost from someone else's. */
  readonly write: string
}

/** Who asks for a lease. */
export interface Driver {
  readonly holder: string
  readonly host: string
  readonly arn: string
}

export const DEFAULT_LEASE_MS = 60_000

/** `ana@laptop-7`. */
export function driverName(record: Pick<LeaseRecord, 'holder' | 'host'>): string {
  return `${record.holder}@${record.host}`
}

/** "3 min ago", "12 s ago": how long since the holder last renewed. */
export function sinceWords(from: string, now: Date): string {
  const seconds = Math.max(0, Math.round((now.getTime() - Date.parse(from)) / 1000))
  if (seconds < 90) return `${seconds} s ago`
  const minutes = Math.round(seconds / 60)
  return minutes < 90 ? `${minutes} min ago` : `${Math.round(minutes / 60)} h ago`
}

/** Someone else drives the run and their lease has not expired. */
export class LeaseHeldError extends UserError {
  readonly lease: LeaseRecord
  constructor(runId: string, lease: LeaseRecord, now: Date) {
    super(
      `run ${runId} is driven by ${driverName(lease)} (${lease.arn}), last seen ${sinceWords(lease.renewedAt, now)}; their lease runs until ${lease.expiresAt}`,
      { hint: `wait for it to expire, or take over from ${driverName(lease)} explicitly` },
    )
    this.lease = lease
  }
}

/** This driver's lease is gone: someone took over (or it was released). Nothing more may be written. */
export class LeaseLostError extends UserError {
  readonly lease: LeaseRecord | undefined
  constructor(runId: string, lease: LeaseRecord | undefined) {
    super(
      lease
        ? `run ${runId} is now driven by ${driverName(lease)} (${lease.arn}) since ${lease.acquiredAt}: this session can no longer write to it`
        : `run ${runId} has no lease any more: this session can no longer write to it`,
      {
        exitCode: 1,
        hint: 'what this session had not sent is kept on this machine; resume the run to see it',
      },
    )
    this.lease = lease
  }
}

export function leasePath(runId: string): string {
  return `runs/${runId}/lease.json`
}

/** Reads a lease object; undefined when there is none. */
export async function readLease(
  objects: StoreObjects,
  runId: string,
): Promise<{ record: LeaseRecord; etag: string } | undefined> {
  const got = await objects.get(leasePath(runId))
  return got && { record: JSON.parse(got.body) as LeaseRecord, etag: got.etag }
}

export interface AcquireOptions {
  readonly driver: Driver
  /** Take the lease even from a holder whose lease has not expired. */
  readonly takeOver?: boolean
  readonly leaseMs?: number
  readonly now?: () => Date
}

/** How the lease was come by: fresh, again by the same driver, or taken from another. */
export type Acquired =
  | { readonly kind: 'new' | 'again' }
  | {
      readonly kind: 'taken-over'
      readonly from: LeaseRecord
      readonly reason: 'expired' | 'explicit'
    }

/** A lease held by this process. Its operations run one at a time, so a check never sees a renewal half-done. */
export class Lease {
  readonly runId: string
  readonly acquired: Acquired
  readonly #objects: StoreObjects
  readonly #leaseMs: number
  readonly #now: () => Date
  #record: LeaseRecord
  #etag: string
  #lost: LeaseLostError | undefined
  #queue: Promise<unknown> = Promise.resolve()
  #timer: NodeJS.Timeout | undefined

  private constructor(
    objects: StoreObjects,
    runId: string,
    held: { record: LeaseRecord; etag: string },
    acquired: Acquired,
    leaseMs: number,
    now: () => Date,
  ) {
    this.#objects = objects
    this.runId = runId
    this.#record = held.record
    this.#etag = held.etag
    this.acquired = acquired
    this.#leaseMs = leaseMs
    this.#now = now
  }

  /**
   * Takes the run's lease: when there is none, when it is this driver's own (a
   * restart), when it has expired, or — `takeOver` — from whoever holds it.
   * Throws LeaseHeldError when another driver holds it and it has not expired.
   */
  static async acquire(
    objects: StoreObjects,
    runId: string,
    options: AcquireOptions,
  ): Promise<Lease> {
    const now = options.now ?? (() => new Date())
    const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS
    for (;;) {
      const current = await readLease(objects, runId)
      const at = now()
      const record = freshRecord(options.driver, at, leaseMs)
      if (!current) {
        const written = await writeChecked(objects, runId, record, undefined)
        if (written)
          return new Lease(objects, runId, { record, etag: written }, { kind: 'new' }, leaseMs, now)
        continue
      }
      const theirs = current.record
      const isMine = theirs.holder === options.driver.holder && theirs.host === options.driver.host
      const expired = Date.parse(theirs.expiresAt) <= at.getTime()
      if (!isMine && !expired && !options.takeOver) throw new LeaseHeldError(runId, theirs, at)
      const acquired: Acquired = isMine
        ? { kind: 'again' }
        : { kind: 'taken-over', from: theirs, reason: expired ? 'expired' : 'explicit' }
      const mine = isMine ? { ...record, acquiredAt: theirs.acquiredAt } : record
      const written = await writeChecked(objects, runId, mine, current.etag)
      if (written)
        return new Lease(objects, runId, { record: mine, etag: written }, acquired, leaseMs, now)
      // Someone else wrote it between our read and our write: look again.
    }
  }

  get record(): LeaseRecord {
    return this.#record
  }

  get etag(): string {
    return this.#etag
  }

  /** Set once the lease is known lost; nothing is written after. */
  get lost(): LeaseLostError | undefined {
    return this.#lost
  }

  /**
   * Throws LeaseLostError unless the lease object is still the version this
   * driver last wrote. Called before every append.
   */
  check(): Promise<void> {
    return this.#serial(async () => {
      if (this.#lost) throw this.#lost
      const current = await readLease(this.#objects, this.runId)
      if (current?.etag !== this.#etag) this.#lose(current?.record)
    })
  }

  /** Pushes the expiry on by the lease's length; throws LeaseLostError when someone took over. */
  renew(): Promise<void> {
    return this.#serial(async () => {
      if (this.#lost) throw this.#lost
      const at = this.#now()
      const record: LeaseRecord = {
        ...this.#record,
        renewedAt: at.toISOString(),
        expiresAt: new Date(at.getTime() + this.#leaseMs).toISOString(),
        write: randomUUID(),
      }
      await this.#replace(record)
    })
  }

  /** Gives the lease up (expires it now), so another driver may take the run at once. */
  release(): Promise<void> {
    this.stopRenewing()
    return this.#serial(async () => {
      if (this.#lost) return
      const at = this.#now().toISOString()
      await this.#replace({ ...this.#record, renewedAt: at, expiresAt: at, write: randomUUID() })
      this.#lost = new LeaseLostError(this.runId, undefined)
    })
  }

  /**
   * Renews every `intervalMs` until stopped or lost; `onLost` hears of a loss once.
   * A renewal that fails because the store is unreachable is tried again next time.
   */
  startRenewing(intervalMs: number, onLost: (error: LeaseLostError) => void): void {
    this.stopRenewing()
    let isRenewing = false
    let isTold = false
    this.#timer = setInterval(() => {
      // A slow store: one renewal at a time, not a pile of them.
      if (isRenewing) return
      isRenewing = true
      this.renew()
        .catch((error: unknown) => {
          if (error instanceof LeaseLostError && !isTold) {
            isTold = true
            this.stopRenewing()
            onLost(error)
          }
        })
        .finally(() => {
          isRenewing = false
        })
    }, intervalMs)
    this.#timer.unref()
  }

  stopRenewing(): void {
    clearInterval(this.#timer)
    this.#timer = undefined
  }

  async #replace(record: LeaseRecord): Promise<void> {
    const written = await writeChecked(this.#objects, this.runId, record, this.#etag)
    if (!written) this.#lose((await readLease(this.#objects, this.runId))?.record)
    this.#record = record
    this.#etag = written as string
  }

  #lose(record: LeaseRecord | undefined): never {
    this.stopRenewing()
    this.#lost = new LeaseLostError(this.runId, record)
    throw this.#lost
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work, work)
    this.#queue = next.catch(() => {})
    return next
  }
}

function freshRecord(driver: Driver, at: Date, leaseMs: number): LeaseRecord {
  return {
    holder: driver.holder,
    host: driver.host,
    arn: driver.arn,
    acquiredAt: at.toISOString(),
    renewedAt: at.toISOString(),
    expiresAt: new Date(at.getTime() + leaseMs).toISOString(),
    write: randomUUID(),
  }
}

/**
 * Writes the lease on a condition (absent, or still `etag`); its new ETag, or
 * undefined when the condition failed. A retry whose first attempt did land
 * finds its own `write` there and counts as written.
 */
async function writeChecked(
  objects: StoreObjects,
  runId: string,
  record: LeaseRecord,
  etag: string | undefined,
): Promise<string | undefined> {
  const body = JSON.stringify(record)
  const result =
    etag === undefined
      ? await objects.putIfAbsent(leasePath(runId), body)
      : await objects.putIfMatch(leasePath(runId), body, etag)
  if (typeof result === 'object') return result.etag
  const now = await readLease(objects, runId)
  return now?.record.write === record.write ? now.etag : undefined
}
