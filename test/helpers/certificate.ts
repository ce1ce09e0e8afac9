import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

export interface CertificateOptions {
  /** Valid from now for this many days. */
  readonly days?: number
  /** The subject's common name, and the names the certificate is for (DNS names). */
  readonly commonName?: string
  readonly dnsNames?: readonly string[]
}

/**
 * A self-signed certificate for localhost and 127.0.0.1, made with openssl, as
 * PEM text: for the tests' HTTPS servers and the test PostgreSQL's TLS. Given
 * names and a lifetime, one for those (to import into ACM).
 */
export async function selfSignedCertificate(
  options: CertificateOptions = {},
): Promise<{ cert: string; key: string }> {
  const { days = 2, commonName = 'localhost' } = options
  const names = options.dnsNames
    ? options.dnsNames.map((name) => `DNS:${name}`).join(',')
    : 'IP:127.0.0.1,DNS:localhost'
  const dir = await mkdtemp(join(tmpdir(), 'dw-cert-'))
  try {
    // An EC key: generated in milliseconds, unlike RSA.
    await promisify(execFile)('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      String(days),
      '-subj',
      `/CN=${commonName}`,
      '-addext',
      `subjectAltName=${names}`,
    ])
    return {
      cert: await readFile(join(dir, 'cert.pem'), 'utf8'),
      key: await readFile(join(dir, 'key.pem'), 'utf8'),
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
