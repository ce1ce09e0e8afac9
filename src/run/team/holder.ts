/**
 * Who drives a team run, from its lease, as every command says it: "driven by
 * ana@laptop-7, last seen 2 min ago", "lease expired 14 min ago (…)", "not
 * driven". A lease is live until its expiry; one released on purpose has its
 * expiry set to the moment it was let go (lease.ts), which tells it from one
 * that ran out because its driver stopped renewing (a crash, a dead laptop).
 */
import { driverName, type LeaseRecord, sinceWords } from './lease.ts'

/** Live (someone drives it), ran out, let go, or there never was a lease. */
export type HolderKind = 'driven' | 'expired' | 'released' | 'none'

export interface Holder {
  readonly kind: HolderKind
  /** The words for it, as `runs` prints them. */
  readonly words: string
}

/** Who holds the run's lease at `now`, in words. */
export function holderOf(lease: LeaseRecord | undefined, now: Date): Holder {
  if (!lease) return { kind: 'none', words: 'not driven' }
  const who = driverName(lease)
  if (Date.parse(lease.expiresAt) > now.getTime()) {
    return {
      kind: 'driven',
      words: `driven by ${who}, last seen ${sinceWords(lease.renewedAt, now)}`,
    }
  }
  if (lease.expiresAt === lease.renewedAt) {
    return {
      kind: 'released',
      words: `not driven (${who} let go ${sinceWords(lease.expiresAt, now)})`,
    }
  }
  return {
    kind: 'expired',
    words: `lease expired ${sinceWords(lease.expiresAt, now)} (${who}, last seen ${sinceWords(lease.renewedAt, now)})`,
  }
}
