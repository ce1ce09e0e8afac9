/**
 * A check's parameters as every face shows them — `plan`, `plan --json`, the
 * wizard's detail pane, `validate`'s messages: a credential written in the
 * checklist is masked (`***`), as secrets are in what checks report. A
 * reference (`${env:API_TOKEN}`, `${db_url}`) is shown as written: it says where
 * the value comes from, not what it is. Credentials have two shapes here:
 *
 *  - a parameter its kind says is one (`credentials` in kind.ts): `bearer`, a
 *    `request-header`'s value, the value an `env` check compares a secret variable
 *    with (`equals`);
 *  - what the Redactor finds in any text: the password in a URL
 *    (`postgres://app:***@db`), `password=…`-style text, a `Bearer …` literal.
 *
 * The trust prompt is the exception, on purpose: it shows shell commands as
 * they run (see trust.ts), as a mask could hide code as well as a password.
 */
import { parseTemplate, type TemplatePart } from '../checklist/variables.ts'
import { isSecretVariable, MASK, Redactor } from './redact.ts'
import { CHECK_KINDS } from './registry.ts'

/** No secret values known: it masks by shape alone. */
const byShape = new Redactor()

/** The parameters of a `kind` check, credentials masked. */
export function shownParams(
  kind: string,
  params: Readonly<Record<string, string>>,
): Record<string, string> {
  const shown: Record<string, string> = {}
  for (const key of Object.keys(params)) shown[key] = shownParam(kind, key, params)
  return shown
}

/**
 * Parameters as a directive writes them: `key=value`, a value with spaces, `;`, quotes or
 * nothing quoted as the checklist had to (`output="\d+ passed, 0 failed"`), so what is shown
 * can be copied back into a checklist and means the same.
 */
export function directiveParams(params: Readonly<Record<string, string>>): string {
  return Object.entries(params)
    .map(([key, value]) => `${key}=${directiveValue(value)}`)
    .join(' ')
}

/** A value as a directive writes it: in "…" (where only \" and \\ escape) when it must be. */
export function directiveValue(value: string): string {
  if (value !== '' && !/[\s;"']/.test(value)) return value
  // A backslash is itself unless it comes before a quote, another backslash, or the end.
  const escaped = value.replace(/\\(?=["\\]|$)/g, '\\\\').replace(/"/g, '\\"')
  return `"${escaped}"`
}

/** One parameter of a `kind` check (`key` of `params`), its credentials masked. */
export function shownParam(
  kind: string,
  key: string,
  params: Readonly<Record<string, string>>,
): string {
  const value = params[key] ?? ''
  const credential = credentialPart(kind, key, value, params)
  if (credential === null) return byShape.scrub(value)
  return `${credential.before}${maskLiterals(credential.value)}`
}

/**
 * Whether `template`, as written for `key` of a `kind` check, holds a credential
 * in the checklist's own text rather than taking it from the environment: for
 * `validate` to suggest `${env:…}`. A fallback (`${env:TOKEN:-…}`) is not one.
 */
export function holdsLiteralCredential(
  kind: string,
  key: string,
  params: Readonly<Record<string, string>>,
): boolean {
  const template = params[key] ?? ''
  const credential = credentialPart(kind, key, template, params)
  const parts = partsOf(credential?.value ?? template)
  if (!parts) return false
  if (credential) {
    // A request header names what it carries: `X-Tenant-Id: 7` is treated as secret, not flagged.
    const isHeader = CHECK_KINDS.get(kind)?.credentials?.(params)[key] === 'header'
    if (isHeader && !isSecretVariable(credential.before.replace(/:\s*$/, ''), '')) return false
    return parts.some((part) => part.type === 'text' && part.text.trim() !== '')
  }
  return parts.some((part) => part.type === 'text' && byShape.scrub(part.text) !== part.text)
}

/** Whether a front-matter var's value holds a credential by its shape (a URL's password…). */
export function varHoldsLiteralCredential(template: string): boolean {
  return (partsOf(template) ?? []).some(
    (part) => part.type === 'text' && byShape.scrub(part.text) !== part.text,
  )
}

/** The part of a parameter that is a credential as a whole, after what comes before it. */
function credentialPart(
  kind: string,
  key: string,
  value: string,
  params: Readonly<Record<string, string>>,
): { readonly before: string; readonly value: string } | null {
  const shape = CHECK_KINDS.get(kind)?.credentials?.(params)[key]
  if (shape === 'whole') return { before: '', value }
  if (shape === 'header') {
    const colon = /^[^:$]*:\s*/.exec(value)
    return colon ? { before: colon[0], value: value.slice(colon[0].length) } : { before: '', value }
  }
  return null
}

/** The literal text of a template masked, its references kept (a fallback's text masked too). */
function maskLiterals(template: string): string {
  const parts = partsOf(template)
  if (!parts) return MASK
  return parts
    .map((part) => {
      // `Bearer ${env:TOKEN}`: the scheme says how the credential is sent, and is no secret.
      if (part.type === 'text')
        return /^\s*((bearer|basic|token)\s+)?$/i.test(part.text) ? part.text : MASK
      if (part.fallback === null || part.fallback === '') return part.source
      return `${part.source.slice(0, part.source.length - part.fallback.length - 1)}${MASK}}`
    })
    .join('')
}

function partsOf(template: string): TemplatePart[] | null {
  try {
    return parseTemplate(template)
  } catch {
    return null
  }
}
