/**
 * The ways a secret can be written back to us — by a server echoing it, a tool
 * logging it, a URL parser normalising it — each made here with the platform's
 * own encoders, independently of src/checks/redact.ts, so a test can look for
 * any trace of a secret in whatever deploy-wizard printed or wrote.
 */
import assert from 'node:assert/strict'
import { domainToASCII } from 'node:url'

/** `\uXXXX` for each UTF-16 unit `picked` matches; hex digits in lower or upper case. */
export function uEscaped(text: string, picked: RegExp, upper = false): string {
  return text.replace(picked, (unit) => {
    const hex = (unit.codePointAt(0) ?? 0).toString(16).padStart(4, '0')
    return `\\u${upper ? hex.toUpperCase() : hex}`
  })
}

/** How each kind of encoder writes `secret`, by name. */
export function encodingsOf(secret: string): Record<string, string> {
  const json = JSON.stringify(secret).slice(1, -1)
  const percent = encodeURIComponent(secret)
  const bytes = Buffer.from(secret)
  const encodings: Record<string, string> = {
    plain: secret,
    json,
    // PHP's json_encode: every slash escaped, everything not ASCII as \u (lower case).
    'json-php': uEscaped(json.replaceAll('/', '\\/'), /[^\x20-\x7e]/g),
    // .NET's System.Text.Json: quotes and HTML-sensitive characters too, in upper case.
    'json-dotnet': uEscaped(json.replaceAll('\\"', '"'), /[^\x20-\x7e]|["'+<>&]/g, true),
    url: percent,
    'url-lower': percent.replace(/%[0-9A-F]{2}/g, (code) => code.toLowerCase()),
    form: new URLSearchParams({ s: secret }).toString().slice('s='.length),
    html: secret
      .replaceAll('&', '&amp;')
      .replaceAll('<', '&lt;')
      .replaceAll('>', '&gt;')
      .replaceAll('"', '&quot;')
      .replaceAll("'", '&#39;'),
    base64: bytes.toString('base64'),
    base64url: bytes.toString('base64url'),
    lower: secret.toLowerCase(),
  }
  // Inside a longer base64 text (`user:secret`), at each of the three offsets in a 3-byte
  // group: the first and last four characters may hold bits of what surrounds it.
  for (const prefix of ['', 'u', 'us']) {
    for (const kind of ['base64', 'base64url'] as const) {
      const text = Buffer.concat([Buffer.from(prefix), bytes]).toString(kind)
      encodings[`${kind}+${prefix.length}`] = text.slice(4, -4)
    }
  }
  const host = domainToASCII(secret)
  if (host) encodings.host = host
  return encodings
}

/** Every `size`-character stretch of every encoding of `secret`. */
export function windowsOf(secret: string, size = 8): Map<string, string> {
  const windows = new Map<string, string>()
  for (const [name, text] of Object.entries(encodingsOf(secret))) {
    for (let i = 0; i + size <= text.length; i++) {
      const window = text.slice(i, i + size)
      if (!windows.has(window)) windows.set(window, name)
    }
  }
  return windows
}

/** Fails when `text` holds any 8 characters in a row of `secret` in any of its encodings. */
export function assertNoTraceOf(text: string, secrets: readonly string[], where: string): void {
  for (const secret of secrets) {
    for (const [window, encoding] of windowsOf(secret)) {
      assert.equal(
        text.includes(window),
        false,
        `${where} holds ${JSON.stringify(window)} of a secret (${encoding})`,
      )
    }
  }
}
