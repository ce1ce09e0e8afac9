/**
 * Secret values never reach a summary, detail, evidence, log or error. Every
 * string a check produces passes through a `Redactor` that knows the secret
 * values of this run (tokens from `${env:…}`, passwords read from a secret)
 * and masks the shapes secrets take anyway (a URL's password, `password=…`).
 */
export const MASK = '***'

const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@]*):([^\s@/]+)@/gi
// `password=…`, `DB_PASSWORD=…`, `"api_token": "…"`, `?access_token=…` — a name of its own that
// ends in a credential word (so not `secretsmanager:`), and not the tail of a path (`dw/x/api-key:`)
// or of an ARN (`…:secret:db-AbCd`, a secret's name, not its value).
const KEY_VALUE =
  /(?<![\w/.:-])(\w*(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|authorization))("?\s*[=:]\s*)(?:bearer\s+|basic\s+)?("[^"]*"|'[^']*'|[^\s&;,"']+)/gi
const BEARER = /\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{6,}/gi

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

export class Redactor {
  readonly #secrets = new Set<string>()
  #ordered: string[] = []

  /** Remembers a secret value; short values are masked only by shape, not by search. */
  add(value: string | undefined | null): void {
    if (!value || value.length < 4 || this.#secrets.has(value)) return
    this.#secrets.add(value)
    // Also its URL-encoded form, as it appears inside connection strings.
    this.#secrets.add(encodeURIComponent(value))
    // Longest first, so a secret containing another is masked whole.
    this.#ordered = [...this.#secrets].sort((a, b) => b.length - a.length)
  }

  scrub(text: string): string {
    let out = text
    for (const secret of this.#ordered) out = out.split(secret).join(MASK)
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
