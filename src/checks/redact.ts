/**
 * Secret values never reach a summary, detail, evidence, log or error. Every
 * string a check produces passes through a `Redactor` that knows the secret
 * values of this run (tokens from `${env:…}`, passwords read from a secret)
 * and masks the shapes secrets take anyway (a URL's password, `password=…`).
 * A value is masked however it is written: as it is, JSON-escaped, URL-encoded,
 * HTML-escaped, in base64, and lower-cased or in punycode as a URL's host name.
 */
import { domainToASCII } from 'node:url'

export const MASK = '***'

const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@]*):([^\s@/]+)@/gi
// `password=…`, `DB_PASSWORD=…`, `"api_token": "…"`, `?access_token=…` — a name of its own that
// ends in a credential word (so not `secretsmanager:`), and not the tail of a path (`dw/x/api-key:`)
// or of an ARN (`…:secret:db-AbCd`, a secret's name, not its value).
// A bare value ends before the brackets that close what holds it (`{"secret": ***}`): so a
// text scrubbed twice is the same as once, and the `}` of a JSON object is not taken for a secret's.
const KEY_VALUE =
  /(?<![\w/.:-])(\w*(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|authorization))("?\s*[=:]\s*)(?:bearer\s+|basic\s+)?("(?:[^"\\]|\\.)*"|'[^']*'|[^\s&;,"']+?(?=[)\]}]*(?:[\s&;,"']|$)))/gi
// A token as JSON writes it may hold `\/` (PHP's json_encode escapes every slash).
const BEARER = /\b(bearer|basic)\s+(?:[A-Za-z0-9._~+/=-]|\\\/){6,}/gi

/** Names of variables whose values are secrets: `JWT_SECRET`, `DB_PASSWORD`, `API_TOKEN`… */
const SENSITIVE_NAME = /pass|secret|token|key|credential|auth|private|session|cookie|signature/i
/**
 * A name whose last word says it holds what names a thing, not the thing:
 * `DB_SECRET_ARN`, `JWT_SECRET_NAME`, `SESSION_TABLE_NAME`. Not `_ID`: a
 * `SESSION_ID` is itself a credential, and `AWS_ACCESS_KEY_ID` is half of one.
 */
const NAMES_A_THING = /[_-](?:arn|name)$/i
/**
 * What a desktop login sets on every Linux laptop, whose names merely look sensitive:
 * `XDG_SESSION_CLASS=user`, `XDG_SESSION_TYPE=wayland`, `DESKTOP_SESSION=ubuntu`, `SSH_AUTH_SOCK`.
 * Masking them would turn every "user" in a check's evidence into ***.
 */
const DESKTOP =
  /^(?:XDG_[A-Z_]+|DESKTOP_SESSION|GDMSESSION|SSH_AUTH_SOCK|GPG_AGENT_INFO|SESSION_MANAGER|DBUS_SESSION_BUS_ADDRESS)$/
/** An Amazon Resource Name: it says where a resource is, never what a secret holds. */
const ARN = /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:[a-z0-9-]*:\S+$/

/**
 * Whether an environment variable's value is a secret, to be masked wherever
 * it appears: its name looks like a secret's (`JWT_SECRET`, `API_TOKEN`), unless
 * it only names one — by its last word (`DB_SECRET_ARN`, `JWT_SECRET_NAME`) or
 * by its value being an ARN (`KMS_KEY_ID=arn:aws:kms:…`) — or is a desktop login's own.
 */
export function isSecretVariable(name: string, value: string | undefined): boolean {
  if (!SENSITIVE_NAME.test(name) || NAMES_A_THING.test(name) || DESKTOP.test(name)) return false
  return value === undefined || !ARN.test(value)
}

/** The passwords written in URLs in `text`, as written and decoded: `postgres://app:pw@db` → pw. */
export function urlPasswords(text: string): string[] {
  return [...text.matchAll(URL_PASSWORD)].flatMap(([, , password = '']) => {
    try {
      return [password, decodeURIComponent(password)]
    } catch {
      return [password]
    }
  })
}

/** Masks the password in every URL of `text`: `postgres://app:***@db:5432/app`. */
export function redactUrls(text: string): string {
  return text.replace(URL_PASSWORD, `$1:${MASK}@`)
}

/**
 * Characters no encoder escapes (RFC 3986's unreserved ones): written only as they are.
 * Every other character may be escaped, so it is also looked for as each encoder writes it.
 */
const PLAIN = /^[A-Za-z0-9._~-]$/
/** JSON's short escapes; a JSON encoder writes every other character it escapes as `\uXXXX`. */
const JSON_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '/': '\\/',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
}
const HTML_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
}
/** Characters of a value one spelling pattern covers (see `spellings`). */
const MAX_PATTERN_CHARS = 256
/** A base64 fragment shorter than this could turn up by chance in a long base64 text. */
const MIN_BASE64_FRAGMENT = 8
/**
 * `test`, `Admin`, `PASSWORD`: a value that is a plain word. It is masked only where it stands
 * as a word of its own, never inside another (`testing`, `all-unit-tests`); lower-cased, it
 * would mask an ordinary word wherever it is.
 */
const WORD = /^(?:\p{Lu}?\p{Ll}+|\p{Lu}+)$/u

/** One way a secret is written: a string searched for as it is, or a pattern of spellings. */
interface Form {
  /** Longest first, so a secret containing another is masked whole. */
  readonly length: number
  readonly text?: string
  readonly pattern?: RegExp
  /** Text every match of `pattern` holds, as it is (its characters no encoder escapes). */
  readonly anchor?: string
}

export class Redactor {
  readonly #secrets = new Set<string>()
  #forms: Form[] = []

  /**
   * Remembers a secret value and every form it can be written in. The forms
   * are worked out here, once, so that `scrub` — run on every string of every
   * result — only searches. Short values are masked only by shape, not by search.
   */
  add(value: string | undefined | null): void {
    if (!value || value.length < 4 || this.#secrets.has(value)) return
    this.#secrets.add(value)
    // The patterns first: on a tie in length they are what masks an escaped form whole.
    for (const spelled of spellings(value)) this.#forms.push({ length: value.length, ...spelled })
    const known = new Set(this.#forms.map((form) => form.text))
    if (WORD.test(value)) {
      this.#forms.push({ length: value.length, pattern: wholeWord(value), anchor: value })
      known.add(value)
    }
    for (const text of new Set([value, ...hostForms(value), ...base64Forms(value)])) {
      if (!known.has(text)) this.#forms.push({ length: text.length, text })
    }
    this.#forms.sort((a, b) => b.length - a.length)
  }

  scrub(text: string): string {
    let out = text
    for (const form of this.#forms) {
      // Each looked for first: most strings hold none of a secret's many forms, and a
      // search for a string is cheaper than a pattern's or a replacement's.
      if (form.pattern) {
        if (out.includes(form.anchor ?? '')) out = out.replace(form.pattern, MASK)
      } else if (form.text !== undefined && out.includes(form.text)) {
        out = out.replaceAll(form.text, MASK)
      }
    }
    return redactUrls(out)
      .replace(KEY_VALUE, (_, key: string, sep: string) => `${key}${sep}${MASK}`)
      .replace(BEARER, (_, scheme: string) => `${scheme} ${MASK}`)
  }

  /** Scrubs every string in a JSON-like value, keys included. */
  scrubDeep<T>(value: T): T {
    if (typeof value === 'string') return this.scrub(value) as T
    if (Array.isArray(value)) return value.map((v) => this.scrubDeep(v)) as T
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [this.scrub(k), this.scrubDeep(v)]),
      ) as T
    }
    return value
  }
}

/**
 * Patterns matching `value` however an encoder wrote it, character by
 * character: JSON (`\"`, `\\`, `\/`, `\n`, `\u00e4` in either case, a surrogate
 * pair beyond the BMP), URL encoding (`%2F` or `%2f`, UTF-8 bytes, `+` for a
 * space) and HTML (`&amp;`, `&#39;`, `&#x27;`). None when every character is
 * plain: then the value is only ever written as it is. A long value (a private
 * key, a credentials file) gets one pattern per piece: a pattern for all of it
 * would overflow the stack of the regular expression engine.
 */
function spellings(value: string): Array<{ pattern: RegExp; anchor: string }> {
  const chars = [...value]
  if (chars.every((char) => PLAIN.test(char))) return []
  const count = Math.ceil(chars.length / MAX_PATTERN_CHARS)
  const size = Math.ceil(chars.length / count)
  return Array.from({ length: count }, (_, i) => {
    const piece = chars.slice(i * size, (i + 1) * size)
    const runs = piece.join('').split(/[^A-Za-z0-9._~-]+/)
    const anchor = runs.reduce((longest, run) => (run.length > longest.length ? run : longest))
    return { pattern: new RegExp(piece.map(spellingsOf).join(''), 'g'), anchor }
  })
}

/** `value` where it is a word of its own: not next to a letter, a digit or an underscore. */
function wholeWord(value: string): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}_])${escapeRegExp(value)}(?![\\p{L}\\p{N}_])`, 'gu')
}

function spellingsOf(char: string): string {
  const literal = escapeRegExp(char)
  if (PLAIN.test(char)) return literal
  const code = char.codePointAt(0) ?? 0
  const units = Array.from({ length: char.length }, (_, i) => char.charCodeAt(i))
  const alternatives = [
    units.map((unit) => `\\\\u${hexPattern(unit, 4)}`).join(''),
    [...Buffer.from(char)].map((byte) => `%${hexPattern(byte, 2)}`).join(''),
    `&#0*${code};`,
    `&#[xX]0*${hexPattern(code, 1)};`,
    ...[JSON_ESCAPES[char], HTML_ENTITIES[char]].flatMap((form) =>
      form ? [escapeRegExp(form)] : [],
    ),
    ...(char === ' ' ? ['\\+'] : []),
    // Last: an escape starting with the character itself (`\\`) is taken whole.
    literal,
  ]
  return `(?:${alternatives.join('|')})`
}

/** `n` in hexadecimal as a pattern taking either case: 47 → `2[fF]`. */
function hexPattern(n: number, width: number): string {
  return n
    .toString(16)
    .padStart(width, '0')
    .replace(/[a-f]/g, (digit) => `[${digit}${digit.toUpperCase()}]`)
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')
}

/**
 * How a value reads as (part of) a URL's host name: a URL lower-cases its host
 * (`https://${env:TOKEN}.example.com/`), and writes one that is not ASCII in
 * punycode (`xn--…`). Nothing for a value no host can hold, or for a plain word.
 */
function hostForms(value: string): string[] {
  const ascii = domainToASCII(value)
  if (!ascii || WORD.test(value)) return []
  // ASCII lower-cases letter by letter, so a value that is only part of a label is found too.
  return [value.toLowerCase(), ...(/\P{ASCII}/u.test(value) ? [ascii] : [])]
}

/**
 * The value in base64 and base64url, padded or not: whole, and inside a longer
 * base64 text (`user:secret` in a Basic credential, a token in a JWT). There it
 * starts at one of three byte offsets; at each, the characters that only its
 * own bytes decide are the same whatever surrounds it.
 */
function base64Forms(value: string): string[] {
  const bytes = Buffer.from(value)
  const whole = bytes.toString('base64')
  const forms = [whole, whole.replace(/=+$/, '')]
  for (let offset = 0; offset < 3; offset++) {
    const text = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64')
    const fragment = text.slice(
      Math.ceil((8 * offset) / 6),
      Math.floor((8 * (offset + bytes.length)) / 6),
    )
    if (fragment.length >= MIN_BASE64_FRAGMENT) forms.push(fragment)
  }
  return forms.flatMap((form) => [form, form.replaceAll('+', '-').replaceAll('/', '_')])
}
