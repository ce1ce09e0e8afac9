/**
 * Connection settings as libpq names them, as each source yields them (a URL,
 * PG* variables, an RDS secret) before settings.ts merges them. In a module of
 * their own so that rds-secret.ts, which settings.ts loads lazily, does not
 * import settings.ts back.
 */

/** Connection settings as libpq names them; any may be missing. */
export interface Fields {
  readonly host?: string | undefined
  readonly port?: string | undefined
  readonly user?: string | undefined
  readonly password?: string | undefined
  readonly database?: string | undefined
  readonly sslmode?: string | undefined
  readonly sslrootcert?: string | undefined
}
