/**
 * Sign-off fields: the blanks a checklist asks people to fill before it is done.
 * Recognised in the shapes real checklists use:
 *
 *   - [ ] Development Lead: _________________ Date: _______     a role with a name and a date
 *   - [ ] Deployed by: ________________                          one blank
 *   - [ ] All checks passed: Yes / No                            a choice
 *   **Deployment Date**: ___________                             a blank in prose
 *   | Role | Name | Date | Signature |                           a table, one role per row
 *
 * A table cell already filled in is no blank, but a filled-in Signature is kept: it is that
 * role's signature line, so no blank one is added to the sheet after the role.
 */
import type { SignoffField, SignoffFieldType } from './model.ts'

export interface FieldDraft {
  readonly label: string
  readonly role: string | null
  readonly type: SignoffFieldType
  readonly choices: readonly string[]
  readonly given: string | null
}

const NUMBERING = /^\s*(?:\d+(?:\.\d+)*[.):]?\s+)?/
const SIGNOFF_TITLE = /^(sign[\s-]?offs?|approvals?|assinaturas?|aprova[çc](?:ão|ao|ões|oes))\b/iu
const ROLLBACK_TITLE = /^(rollback|roll back|revers[aã]o|reverter)\b/iu
const BLANK = /([^:_|]+?)\s*:\s*_{2,}/g
/**
 * A table cell left to fill in: empty, a line to write on (`____`), a dash or an ellipsis
 * (nothing but punctuation), or a placeholder in brackets (`[sign here]`, `<name>`).
 */
const BLANK_CELL = /^(?:[^\p{L}\p{N}]*|\[.*\]|<.*>|\(.*\))$/u
const CHOICE = /^(.+?):\s*([^:/]{1,24}(?:\s+\/\s+[^:/]{1,24})+)\s*$/u

/** A blank that asks for a person: "Deployed by", "Aprovado por", "Release manager", "QA Lead". */
const PERSON =
  /(?:\bby|\bpor|\b(?:lead|owner|manager|engineer|approver|reviewer|operator|developer|sponsor|respons[aá]vel|gerente|l[ií]der))$/iu

/**
 * Who a sign-off field belongs to: the role the checklist names ("QA Lead: ___ Date: ___",
 * a table row), or, for a text blank on its own, the person it asks for ("Deployed by: ___").
 * `null` for what is not a person's: a date, a choice, "Version: ___".
 */
export function roleOf(field: Pick<SignoffField, 'label' | 'role' | 'type'>): string | null {
  if (field.role !== null) return field.role
  return field.type === 'text' && PERSON.test(field.label.trim()) ? field.label : null
}

/**
 * One line of the sign-off, as the sheet prints it and the wizard shows it: a field to fill
 * (a name, a date, a choice), or a role's signature, which is signed by hand on the printed
 * sheet and never typed.
 */
export type SignoffLine =
  | {
      readonly kind: 'field'
      readonly field: SignoffField
      /** See `roleOf`. */
      readonly role: string | null
      /** The field's label; "Name" where the label is the role itself ("Deployed by: ___"). */
      readonly label: string
    }
  | {
      readonly kind: 'signature'
      /** The checklist's own signature blank; null for the line added after a role without one. */
      readonly field: SignoffField | null
      readonly role: string | null
      readonly label: string
    }

/**
 * The sign-off's lines, from its fields in order (those of the run's environment): the fields
 * as they are, and after each role's last field a line to sign, unless the checklist already
 * asks for one.
 */
export function signoffLines(fields: readonly SignoffField[]): SignoffLine[] {
  const roles = rolesOf(fields)
  const lines: SignoffLine[] = []
  let isSigned = false
  fields.forEach((field, i) => {
    const role = roles[i] ?? null
    const label = role !== null && field.label === role ? 'Name' : field.label
    if (field.type === 'signature') lines.push({ kind: 'signature', field, role, label })
    else lines.push({ kind: 'field', field, role, label })
    isSigned ||= field.type === 'signature'
    if (role !== null && roles[i + 1] !== role) {
      if (!isSigned) lines.push({ kind: 'signature', field: null, role, label: 'Signature' })
      isSigned = false
    }
  })
  return lines
}

/**
 * Each field's role (see `roleOf`), and one more rule: a Signature blank of no one's that
 * follows a role's fields ("Deployed by: ___", "Date: ___", "Signature: ___", one per line) is
 * that role's, with the fields between, unless the role already has a signature.
 */
function rolesOf(fields: readonly SignoffField[]): (string | null)[] {
  const roles = fields.map(roleOf)
  fields.forEach((field, i) => {
    if (roles[i] !== null || field.type !== 'signature') return
    let k = i - 1
    while (k >= 0 && roles[k] === null && fields[k]?.type !== 'signature') k--
    const role = k >= 0 ? roles[k] : null
    if (role === null || role === undefined) return
    const isSigned = fields.some((f, j) => j < i && roles[j] === role && f.type === 'signature')
    if (!isSigned) for (let j = k + 1; j <= i; j++) roles[j] = role
  })
  return roles
}

/** "Sign-Off", "6. Sign-off", "Approvals", "Assinaturas". */
export function isSignoffTitle(title: string): boolean {
  return SIGNOFF_TITLE.test(title.replace(NUMBERING, ''))
}

/** "Rollback Plan", "4. Rollback Procedure", "Reversão". */
export function isRollbackTitle(title: string): boolean {
  return ROLLBACK_TITLE.test(title.replace(NUMBERING, ''))
}

/** Fields written in one line of text (an item or a paragraph line), in order. */
export function fieldsInText(text: string): FieldDraft[] {
  const blanks = [...text.matchAll(BLANK)].map((m) => cleanLabel(m[1] ?? '')).filter(Boolean)
  if (blanks.length > 0) {
    // "Development Lead: ____ Date: ____": the first blank names who, the rest describe them.
    const role = blanks.length > 1 ? (blanks[0] ?? null) : null
    return blanks.map((label) => ({ label, role, type: typeOf(label), choices: [], given: null }))
  }
  const choice = CHOICE.exec(text.trim())
  if (choice?.[1] && choice[2]) {
    const choices = choice[2].split(/\s+\/\s+/).map((c) => c.trim())
    return [{ label: cleanLabel(choice[1]), role: null, type: 'choice', choices, given: null }]
  }
  return []
}

/** Fields of a sign-off table: the first column names the role, the others what to fill. */
export function fieldsInTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): FieldDraft[] {
  const fields: FieldDraft[] = []
  for (const row of rows) {
    const role = cleanLabel(row[0] ?? '')
    if (!role) continue
    header.slice(1).forEach((column, i) => {
      const label = cleanLabel(column)
      if (!label) return
      const type = typeOf(label)
      const written = (row[i + 1] ?? '').trim()
      if (BLANK_CELL.test(written)) fields.push({ label, role, type, choices: [], given: null })
      // A cell already filled in the file is not a blank to ask for; a signature filled in is
      // kept, as the role's signature line (else the sheet would add a blank one under it).
      else if (type === 'signature') fields.push({ label, role, type, choices: [], given: written })
    })
  }
  return fields
}

function typeOf(label: string): SignoffFieldType {
  // "Data" is Portuguese for date, but "Data Engineer" is a person.
  if (
    /(?<![\p{L}])(date|when|fecha|datum)(?![\p{L}])/iu.test(label) ||
    /^data(\s+d[aeo]\b|$)/iu.test(label)
  )
    return 'date'
  if (/signature|assinatura|signed/i.test(label)) return 'signature'
  return 'text'
}

function cleanLabel(text: string): string {
  return text
    .replace(/[*_`]+/g, '')
    .replace(/^[\s\-–—:|]+|[\s\-–—:|]+$/g, '')
    .trim()
}
