/**
 * A conclusion reached deep inside a `pg.*` check (no such database, the
 * server refuses TLS, a bad URL), thrown so the kind's `run` returns it as its
 * outcome. Its summary is built from safe parts only: host, port, user,
 * database, never a password or a whole connection string.
 */
import { error, fail } from '../kind.ts'
import type { CheckOutcome } from '../runner.ts'

export class Problem extends Error {
  override readonly name = 'Problem'

  constructor(readonly outcome: CheckOutcome) {
    super(outcome.summary)
  }

  /** The system is not as required. */
  static fail(summary: string, details: readonly string[] = []): Problem {
    return new Problem(fail(summary, details.length > 0 ? { details } : {}))
  }

  /** The check could not tell. */
  static error(summary: string, details: readonly string[] = []): Problem {
    return new Problem(error(summary, details.length > 0 ? { details } : {}))
  }
}
