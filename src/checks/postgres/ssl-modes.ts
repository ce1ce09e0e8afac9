/** The `ssl` values a `pg.*` directive may give (a URL or PGSSLMODE may also say `allow`). */
export const SSL_MODES = ['disable', 'prefer', 'require', 'verify-full'] as const
export type SslMode = (typeof SSL_MODES)[number]
