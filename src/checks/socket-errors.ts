/**
 * What went wrong with a connection, as a sentence an operator can act on,
 * from the error codes Node's sockets, DNS and TLS report. Shared by the
 * `http` and `tcp` kinds, which judge the same problem differently (a refused
 * connection fails `tcp` but leaves `http` unable to tell).
 */

export type SocketProblemKind = 'refused' | 'dns' | 'unreachable' | 'reset' | 'tls' | 'other'

export interface SocketProblem {
  readonly kind: SocketProblemKind
  /** Lower-case, without the target: "connection refused", "no such host". */
  readonly reason: string
}

/** Certificate problems that `insecure=true` would skip. */
const CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REJECTED',
  'INVALID_CA',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
])

const BY_CODE: Readonly<Record<string, SocketProblem>> = {
  ECONNREFUSED: { kind: 'refused', reason: 'connection refused' },
  ENOTFOUND: { kind: 'dns', reason: 'no such host' },
  EAI_NONAME: { kind: 'dns', reason: 'no such host' },
  EAI_AGAIN: { kind: 'dns', reason: 'DNS lookup failed (temporary failure)' },
  EAI_FAIL: { kind: 'dns', reason: 'DNS lookup failed' },
  EHOSTUNREACH: { kind: 'unreachable', reason: 'host unreachable' },
  ENETUNREACH: { kind: 'unreachable', reason: 'network unreachable' },
  ETIMEDOUT: { kind: 'unreachable', reason: 'connection timed out' },
  ECONNRESET: { kind: 'reset', reason: 'connection reset' },
  EPIPE: { kind: 'reset', reason: 'connection closed while sending' },
}

/** The code of a socket error; a failed multi-address connect reports its first attempt's. */
export function errorCode(cause: unknown): string | undefined {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code
  if (code) return code
  if (cause instanceof AggregateError) return errorCode(cause.errors[0])
  return undefined
}

export function socketProblem(cause: unknown): SocketProblem {
  const code = errorCode(cause) ?? ''
  const known = BY_CODE[code]
  if (known) return known
  const message = cause instanceof Error ? cause.message : String(cause)
  if (CERTIFICATE_CODES.has(code)) return { kind: 'tls', reason: message }
  return { kind: 'other', reason: message }
}

/** `host:port`, with an IPv6 address in brackets. */
export function hostPort(host: string, port: number | string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`
}
