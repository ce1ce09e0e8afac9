/**
 * Sign-off fields: the blanks a checklist asks people to fill before it is done, and the
 * lines the sheet prints and the wizard shows for them. Recognised in the shapes real
 * checklists use (see `readLine` and `fieldsInTable`, and README "Sign-off fields"):
 *
 *   - [ ] Development Lead: _________________ Date: _______     a role with a name and a date
 *   **Deployed by:** ____ **Date:** ____                         bold, the colon inside or after
 *   - Engineering owner:                                         a plain bullet left empty
 *   - [ ] All checks passed: Yes / No                            a choice
 *   **Estado:** ☐ Exitoso ☐ Exitoso con observaciones            a choice, answers of any length
 *   - [ ] Technical Lead Approval:                               a role's name, left empty
 *   - Security: __ / 20                                          a count, no role
 *   - [ ] GO  /  - [ ] NO-GO                                     a choice as boxes
 *   | Role | Name | Date | Signature |                           a table, one role per row
 *
 * A table cell already filled in is no blank, but a filled-in Signature is kept: it is that
 * role's signature line, so no blank one is added to the sheet after the role.
 */
import type { SignoffField, SignoffFieldType } from './model.ts'
import {
  canBeRole,
  hasSignatureColumn,
  isDecisionOption,
  isFormHeader,
  isOperatorRole,
  isSentence,
  isSignoffHeader,
  NAME_LABEL,
  namesApprovalStates,
  namesPerson,
  namesSignoff,
  namesStatus,
  roleColumn,
  typeOfLabel,
} from './signoff-words.ts'

export interface FieldDraft {
  readonly label: string
  readonly role: string | null
  readonly type: SignoffFieldType
  readonly choices: readonly string[]
  readonly given: string | null
  /**
   * Why a line written like a field is read as a different one (a choice whose answers are too
   * long to be sure of, taken as text): `validate` says so, as a warning at the field's line.
   */
  readonly note?: string
  /** A count written as `__ / 20`: a number to fill in, never a role to sign for. */
  readonly isCount?: boolean
  /** The words that made sibling boxes outside a sign-off one choice (select-one.ts). */
  readonly cue?: string
}

/**
 * Who a sign-off field belongs to: the role the checklist names ("QA Lead: ___ Date: ___",
 * a table row), or, for a text blank on its own, the person it asks for ("Deployed by: ___").
 * `null` for what is not a person's: a date, a choice, "Version: ___".
 */
export function roleOf(field: Pick<SignoffField, 'label' | 'role' | 'type'>): string | null {
  if (field.role !== null) return field.role
  return field.type === 'text' && namesPerson(field.label) ? field.label : null
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

/**
 * "Sign-Off", "## ✅ SIGN-OFF", "Section 10: Final Sign-Off & Go/No-Go", "8. Approvals",
 * "Aprobación", "Freigabe", "承認", "签字", "Validation métier", "Go/No-Go-Entscheidung",
 * "Deployment Complete": a sign-off, approval, decision or completion section, whose blanks
 * are read as fields (see signoff-words.ts for every word).
 */
export function isSignoffTitle(title: string): boolean {
  return namesSignoff(title)
}

/**
 * Whether a table is read for fields wherever it stands: one that asks for signatures
 * (Rol/Nombre/Firma under "Participantes y Responsables"). Elsewhere only a sign-off's tables are.
 */
export function isSignatureTable(header: readonly string[]): boolean {
  return hasSignatureColumn(header.map(cleanLabel))
}

/** Whether a table is a form, a label and its value per row (`| Field | Value |`, `| Campo | Valor |`). */
export function isFormTable(header: readonly string[]): boolean {
  return isFormHeader(header.map(cleanLabel))
}

/** "Rollback Plan", "4. Rollback Procedure", "Reversão". */
export function isRollbackTitle(title: string): boolean {
  return ROLLBACK_TITLE.test(title.replace(NUMBERING, ''))
}

/**
 * A lead line that opens a sign-off inside another section: "**Sign-off:**",
 * "**Unterschriften:**", "**审批签字**:", "署名:", "✅ **Sign-offs**". Short, and nothing but
 * the words.
 */
export function isSignoffLead(text: string): boolean {
  const label = cleanLabel(text)
  return label.length > 0 && label.split(/\s+/).length <= 6 && namesSignoff(label)
}

/** What one line of text holds for the sign-off. */
export interface LineFields {
  readonly fields: FieldDraft[]
  /** A blank is a line of underscores ("____", "\_\_\_", "__/__/____"): a form wherever it stands. */
  readonly isUnderscored: boolean
  /**
   * The line is a label and placeholders alone (`**Go-Live Date:** [Date]`): a blank, but one
   * a template's header may hold too, so a form only after a section's task items.
   */
  readonly isPlaceholder: boolean
  /** The label of a line that is only "Label:": a field in a sign-off, or the lead of a list. */
  readonly emptyLabel: string | null
}

/**
 * The fields written in one line of plain text (an item's text, a line of a paragraph or of a
 * bullet, emphasis and escapes already resolved), in order:
 *
 *   Development Lead: ________ Date: ______     a role with a name and a date
 *   Deployed by: ____ (bold, colon inside or after the bold: the text is plain here)
 *   Data: //____  ·  Total Pods: _ / _          underscores however a formatter left them
 *   Date: [Date]  ·  Approved By: [Name] [Title] placeholders: one field, or one each
 *   CAB Decision: [Approved / Rejected]         a choice written as a placeholder
 *   Decision: GO / NO-GO  ·  ☐ GO ☐ NO-GO        a choice
 *   ____ (署名/日付)                             fields named after the blank
 *   QA: Approved for production ____            a role's blank after its statement
 *
 * `role` is the role the line is written under (a bullet or an item above it), if any. In a list
 * of signatures (`isRoleList`: under `Signatures:`, `**Sign-off:**`) each labelled blank is a
 * role to sign for (`- Product/Client: ____`), as `- SRE:` left empty is (see `emptyField`).
 */
export function readLine(text: string, role: string | null = null, isRoleList = false): LineFields {
  const line = text.replace(LEADING_BOX, '').trim()
  const tokens = tokenize(line)
  const isUnderscored = tokens.some((t) => t.kind === 'blank' && t.isUnderscore)
  const fields = blanksIn(tokens, role)
  const isPlaceholder = PLACEHOLDER_LINE.test(line)
  if (fields.length > 0) {
    const own = (f: FieldDraft) =>
      isRoleList && f.role === null && !f.isCount && f.type === 'text' && canBeRole(f.label)
    return {
      fields: fields.map((f) => (own(f) ? { ...f, role: f.label } : f)),
      isUnderscored,
      isPlaceholder,
      emptyLabel: null,
    }
  }
  const choice = choiceLine(line)
  if (choice)
    return { fields: [{ ...choice, role }], isUnderscored, isPlaceholder, emptyLabel: null }
  const empty = EMPTY_LABEL.exec(line)
  const label = empty?.[1] ? cleanLabel(empty[1]) : ''
  return {
    fields: [],
    isUnderscored,
    isPlaceholder,
    emptyLabel: label && label.length <= 60 ? label : null,
  }
}

/**
 * Whether a "Label:" written with nothing after it can be a blank's label: not a sentence
 * ("Each criterion must be satisfied for GO decision:", which leads what follows it).
 */
export function isLabel(label: string): boolean {
  return !isSentence(label)
}

/**
 * The fields of a task item's text in a sign-off: its blanks (see `readLine`), or, for a role
 * left without a blank (`- [ ] Technical Lead Approval: `), the blank it is: that role's name,
 * as `- [ ] Technical Lead Approval: ____` would ask. Ticked as a task, the operator would be
 * credited with someone else's approval. `isLead`: items are nested under it, which it heads.
 */
export function itemFields(text: string, role: string | null, isLead: boolean): FieldDraft[] {
  const read = readLine(text, role)
  const label = read.emptyLabel
  if (read.fields.length > 0 || label === null || isLead) return read.fields
  if (typeOfLabel(label) !== 'text' || !namesPerson(label)) return []
  return [{ label, role, type: 'text', choices: [], given: null }]
}

/**
 * A field for a "Label:" written with nothing after it (`- Engineering owner:`, `**Notas:**`).
 * In a list of signatures (`署名:`, `**Sign-off:**` above it) a label is a role to sign for.
 */
export function emptyField(label: string, isRoleList: boolean, role: string | null): FieldDraft {
  const type = typeOfLabel(label)
  const ownRole = isRoleList && type === 'text' && canBeRole(label) ? label : null
  return { label, role: role ?? ownRole, type, choices: [], given: null }
}

/**
 * A choice written as task items, one box per answer (`- [ ] GO` / `- [ ] NO-GO`,
 * `- [ ] **GO**: Ready for release`): the answers, or null when the items are tasks.
 */
export function choiceItems(texts: readonly string[]): string[] | null {
  if (texts.length < 2) return null
  const options = texts.map((text) => cleanChoice(text.split(/[:：]/)[0] ?? ''))
  return options.every(isDecisionOption) || namesApprovalStates(options) ? options : null
}

/**
 * Boxes under a Status heading (`## Status` then `- [ ] Submitted` / `- [ ] Approved` /
 * `- [ ] Rejected`): the answers of one choice when they are an approval's states, else null
 * (a Status section's steps stay steps).
 */
export function statusItems(texts: readonly string[]): string[] | null {
  if (texts.length < 2) return null
  const options = texts.map((text) => cleanChoice(text))
  return namesApprovalStates(options) ? options : null
}

/** Whether a heading names a status, whose boxes may be one choice (see `statusItems`). */
export function isStatusTitle(title: string): boolean {
  return namesStatus(title)
}

/** A role's name as an item or bullet above its fields names it: "Tech Lead Approval" → "Tech Lead". */
export function roleName(text: string): string {
  const name = cleanLabel(text)
    .replace(ROLE_SUFFIX, '')
    .replace(/[\s:：]+$/, '')
  return name || cleanLabel(text)
}

/**
 * Fields of a sign-off table (Role/Name/Date/Signature, Rol/Nombre/Firma, Papel/Nome/Assinatura,
 * 項目/氏名/承認日…): one role per row, named by its Role column (or the first), and a field per
 * other column left blank. A row of placeholders (`| [Name] | [Role] | [Sign] | [Date] |`) is a
 * role to fill in whole, named after the first column ("Approver"). A table whose header names
 * no role, name, signature or approver (acceptance criteria, a decision matrix) has none.
 * The fields of each row, in the rows' order.
 */
export function fieldsInTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): FieldDraft[][] {
  const columns = header.map(cleanLabel)
  if (!isSignoffHeader(columns)) return rows.map(() => [])
  const roleAt = Math.max(0, roleColumn(columns))
  const isTemplate = (row: readonly string[]) =>
    PLACEHOLDER_CELL.test((row[roleAt] ?? '').trim()) ||
    PLACEHOLDER_CELL.test((row[0] ?? '').trim())
  const templates = rows.filter(
    (row) => isTemplate(row) && BLANK_CELL.test((row[roleAt] ?? '').trim()),
  ).length
  let template = 0
  return rows.map((row) => {
    const fields: FieldDraft[] = []
    const roleCell = (row[roleAt] ?? '').trim()
    let role: string
    let at: number[]
    if (!BLANK_CELL.test(roleCell)) {
      role = cleanLabel(roleCell)
      at = columns.map((_, i) => i).filter((i) => i !== roleAt)
    } else if (isTemplate(row) && columns[0]) {
      template++
      role = templates > 1 ? `${columns[0]} ${template}` : columns[0]
      at = columns.map((_, i) => i)
    } else return fields
    if (!role) return fields
    for (const i of at) {
      const label = columns[i]
      if (!label) continue
      const written = (row[i] ?? '').trim()
      const choices = choicesIn(written, true)
      // The name column of a row to fill in whole is the role itself: "Approver" → Name.
      const fieldLabel = i === 0 && role !== label && role.startsWith(label) ? role : label
      if (choices) fields.push({ label, role, type: 'choice', choices, given: null })
      else if (BLANK_CELL.test(written) || DATE_FORMAT.test(written)) {
        fields.push({
          label: fieldLabel,
          role,
          type: typeOf(label, written),
          choices: [],
          given: null,
        })
      }
      // A cell already filled in the file is not a blank to ask for; a signature filled in is
      // kept, as the role's signature line (else the sheet would add a blank one under it).
      else if (typeOfLabel(label) === 'signature')
        fields.push({ label, role, type: 'signature', choices: [], given: written })
    }
    return fields
  })
}

/** One row of a form table: its fields, and whether its value is a line to write on. */
export interface FormRow {
  readonly fields: FieldDraft[]
  readonly isUnderscored: boolean
}

/**
 * Fields of a form table (`| Field | Value |`, `| Campo | Valor |`, see `isFormHeader`): each
 * row whose value is left to fill in is a field named by its label, as `Label: value` would be
 * (`| **Decision** | [ ] Approved [ ] Rejected |` a choice, `| **CAB Meeting Date** | YYYY-MM-DD |`
 * a date, `| Responsable del Despliegue | ____ |` a person's name). A value already written is
 * no blank.
 */
export function fieldsInFormTable(rows: readonly (readonly string[])[]): FormRow[] {
  return rows.map((row) => {
    const label = cleanLabel(row[0] ?? '')
    const value = (row[1] ?? '').trim()
    if (!label || label.length > 60) return { fields: [], isUnderscored: false }
    if (BLANK_CELL.test(value) || DATE_FORMAT.test(value)) {
      const type = typeOf(label, DATE_FORMAT.test(value) ? 'Date' : value)
      return {
        fields: [{ label, role: null, type, choices: [], given: null }],
        isUnderscored: value.includes('_'),
      }
    }
    // "| Ventana de Mantenimiento | Inicio: ____ Fin: ____ |": the value's own labelled blanks.
    const inner = readLine(value)
    if (inner.fields.length > 0) {
      const role = namesPerson(label) ? label : null
      const fields = inner.fields.map((f) =>
        role ? { ...f, role } : { ...f, label: `${label}: ${f.label}`, role: null },
      )
      return { fields, isUnderscored: inner.isUnderscored }
    }
    const read = readLine(`${label}: ${value}`)
    return { fields: read.fields, isUnderscored: read.isUnderscored }
  })
}

/** What a sign-off line asks for, as a reader names it: a name, a date, a choice, a signature, text. */
export type FieldKind = 'name' | 'date' | 'choice' | 'signature' | 'text'

/** See `FieldKind`: a text field is a name where it is a role's own ("QA Lead", "Name"). */
export function fieldKind(line: SignoffLine): FieldKind {
  if (line.kind === 'signature') return 'signature'
  const { field } = line
  if (field.type !== 'text') return field.type
  if (line.role === null) return 'text'
  return field.label === line.role || NAME_LABEL.test(field.label) ? 'name' : 'text'
}

/**
 * A line as the wizard's sign-off screen names it (and `plan` lists it): "Deployed by" for the
 * name the role asks for, "Deployed by — Date" for the rest of its fields.
 */
export function signoffLabel(line: SignoffLine): string {
  if (line.role === null) return line.label
  return line.field?.label === line.role ? line.role : `${line.role} — ${line.label}`
}

/**
 * Whether the operator's own name goes in a field: the name of a role that is the operator's
 * ("Deployed by", "Operator", "Executed by"). An approver's or reviewer's name is theirs to
 * give, so those start empty.
 */
export function isOperatorName(line: SignoffLine): boolean {
  return fieldKind(line) === 'name' && line.role !== null && isOperatorRole(line.role)
}

/**
 * What a field not yet entered starts with when opened, if anything: a date field today's date,
 * the operator's own name field their name (`isOperatorName`). Shown, dimmed, in the sign-off's
 * list until entered; the sheet has a blank for it till then.
 */
export function proposedValue(
  line: SignoffLine,
  proposals: { readonly today: string; readonly operator: string },
): string | null {
  if (fieldKind(line) === 'date') return proposals.today
  return isOperatorName(line) ? proposals.operator : null
}

// --- reading ------------------------------------------------------------------------------

const NUMBERING = /^\s*(?:\d+(?:\.\d+)*[.):]?\s+)?/
const ROLLBACK_TITLE = /^(rollback|roll back|revers[aã]o|reverter)\b/iu
/** A box or ballot at the start of a plain line: "[ ] ____ (署名/日付)", "☐ GO". */
const LEADING_BOX = /^\s*(?:\[[ xX]?\]|[☐☑☒□■])\s*/u
const EMPTY_LABEL = /^([^:：]{1,80}?)\s*[:：]\s*$/u
/** What follows a blank that makes it a count: "__ / 20", "__/30 done". */
const COUNT = /^\s*\/\s*(\d+)(?![\d/])/u
const ROLE_SUFFIX =
  /\s+(?:approval|approvals|sign[\s\-‐‑]?offs?|signature|aprova[çc][ãa]o|aprobaci[oó]n|freigabe|承認|签字)$/iu

/**
 * A table cell left to fill in: empty, a line to write on (`____`, `__/__/__`), a dash or an
 * ellipsis (nothing but punctuation), or a placeholder (`[sign here]`, `<name>`, `{Date}`).
 */
const BLANK_CELL = /^(?:[^\p{L}\p{N}]*|\[.*\]|<.*>|\{[^{}]*\}|\(.*\))$/u
/** A date's format written where the date goes: `YYYY-MM-DD`, `DD/MM/YYYY`, `AAAA-MM-JJ`, `HH:MM`. */
const DATE_FORMAT =
  /^(?:yyyy|yy|mm|dd|hh|aaaa|jjjj|jj|tt|ss)(?:\s*[-/.:T ]\s*(?:yyyy|yy|mm|dd|hh|aaaa|jjjj|jj|tt|ss))+$/iu
const PLACEHOLDER_CELL = /^(?:\[.+\]|<.+>|\{[^{}]+\})$/u

/** A label and nothing but placeholders with words in them: "Go-Live Date: [Date]". */
const PLACEHOLDER_LINE =
  /^[^:：[\]<>{}]{1,60}[:：]\s*(?:(?:\[[^[\]]*\p{L}[^[\]]*\]|<[^<>]*\p{L}[^<>]*>|(?<!\{)\{[^{}]*\p{L}[^{}]*\}(?!\}))\s*)+$/u

/** Placeholders in running text: `[Name]`, `<name>`, `{Date}` (not a `{{ template }}`), `???`. */
const PLACEHOLDER = /\[[^[\]]*\]|<[^<>]*>|(?<!\{)\{[^{}]+\}(?!\})|\?{3,}|…/gu
/**
 * A line to write on, however written: `____`, `\_\_` (unescaped by then), `__/__/____`, `//____`,
 * `***___***` (stars a formatter escaped around it).
 */
const UNDERSCORES = /[/.*-]*_+[_/.*-]*(?:[ \t]*\/[ \t]*[/.*-]*_+[_/.*-]*)*/gu

type Token =
  | { readonly kind: 'text'; readonly text: string }
  | {
      readonly kind: 'blank'
      readonly text: string
      readonly isUnderscore: boolean
      /** The placeholder's words, without its brackets: "Name", "Approved / Rejected". */
      readonly inner: string
    }

function tokenize(line: string): Token[] {
  const marks: { start: number; end: number; token: Token }[] = []
  for (const m of line.matchAll(PLACEHOLDER)) {
    const text = m[0]
    const inner = text.length > 2 && /^[[<{]/.test(text) ? text.slice(1, -1).trim() : ''
    // A checkbox written in the text ("[ ]", "[x]") is no placeholder.
    if (/^\[[ xX]?\]$/.test(text)) continue
    marks.push({
      start: m.index,
      end: m.index + text.length,
      token: { kind: 'blank', text, isUnderscore: false, inner },
    })
  }
  for (const m of line.matchAll(UNDERSCORES)) {
    const start = m.index
    const end = start + m[0].length
    // Inside a word ("snake_case", "T2_SRE") an underscore is a letter, not a line to write on.
    const before = line[start - 1] ?? ' '
    const after = line[end] ?? ' '
    if (/[\p{L}\p{N}]/u.test(before) || /[\p{L}\p{N}]/u.test(after)) continue
    if (marks.some((mark) => start < mark.end && end > mark.start)) continue
    marks.push({ start, end, token: { kind: 'blank', text: m[0], isUnderscore: true, inner: '' } })
  }
  marks.sort((a, b) => a.start - b.start)
  const tokens: Token[] = []
  let cursor = 0
  for (const mark of marks) {
    if (mark.start > cursor) tokens.push({ kind: 'text', text: line.slice(cursor, mark.start) })
    tokens.push(mark.token)
    cursor = mark.end
  }
  if (cursor < line.length) tokens.push({ kind: 'text', text: line.slice(cursor) })
  return tokens
}

type Blank = Extract<Token, { kind: 'blank' }>

/** Each run of blanks after a "Label:", with the label; a blank with no label before it too. */
function blanksIn(tokens: readonly Token[], context: string | null): FieldDraft[] {
  const pairs: { label: string | null; before: string; blanks: Blank[]; after: string }[] = []
  let text = ''
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token
    if (token.kind === 'text') {
      text += token.text
      continue
    }
    const blanks: Blank[] = [token]
    // "[Name] [Title]", "_ / _": blanks with nothing but spaces or slashes between are one run.
    while (
      tokens[i + 1]?.kind === 'text' &&
      /^[\s/]*$/.test((tokens[i + 1] as { text: string }).text) &&
      tokens[i + 2]?.kind === 'blank'
    ) {
      blanks.push(tokens[i + 2] as Blank)
      i += 2
    }
    const colon = /([^:：|]*?)\s*[:：]\s*$/u.exec(text)
    const label = colon ? cleanLabel(colon[1] ?? '') : null
    const next = tokens[i + 1]
    pairs.push({
      label: label || null,
      before: text,
      blanks,
      after: next?.kind === 'text' ? next.text : '',
    })
    text = ''
  }
  const labelled = pairs.filter((p) => p.label !== null)
  if (labelled.length === 0) return unlabelledBlanks(pairs, context)
  const drafts: FieldDraft[] = []
  for (const pair of labelled) {
    const label = pair.label as string
    // "Security: __ / 20": a count of 20, not a person's name.
    const count = COUNT.exec(pair.after)
    if (count && pair.blanks.every((b) => b.isUnderscore)) {
      drafts.push({
        label: `${label} (/ ${count[1]})`,
        role: null,
        type: 'text',
        choices: [],
        given: null,
        isCount: true,
      })
      continue
    }
    const placeholders = pair.blanks.filter((b) => !b.isUnderscore && b.inner)
    if (placeholders.length > 1) {
      // "Approved By: [Name] [Title]": a field for each, of the role the label names.
      for (const p of placeholders)
        drafts.push({
          label: cleanLabel(p.inner),
          role: label,
          type: typeOf(p.inner, ''),
          choices: [],
          given: null,
        })
      continue
    }
    const only = placeholders[0]
    const choices = only ? choicesIn(only.inner, false) : null
    if (choices) drafts.push({ label, role: null, type: 'choice', choices, given: null })
    else
      drafts.push({
        label,
        role: null,
        type: typeOf(label, only?.inner ?? ''),
        choices: [],
        given: null,
      })
  }
  // "Development Lead: ____ Date: ____": the first blank names who, the rest describe them.
  const first = drafts[0]
  const ownRole =
    labelled.length > 1 &&
    first &&
    first.role === null &&
    first.type === 'text' &&
    canBeRole(first.label)
      ? first.label
      : null
  return drafts.map((d) => (d.isCount ? d : { ...d, role: d.role ?? ownRole ?? context }))
}

/**
 * Blanks with no "Label:" before them: `____ (署名/日付)` names its fields after the blank;
 * `QA: Approved for production ____` is the role's blank after its statement.
 */
function unlabelledBlanks(
  pairs: readonly { before: string; blanks: Blank[]; after: string }[],
  context: string | null,
): FieldDraft[] {
  const last = pairs.at(-1)
  if (!last) return []
  const decided = decisionWithBlanks(pairs, context)
  if (decided) return decided
  const named = /^\s*[（(]([^()（）]+)[)）]\s*$/u.exec(last.after)
  const before = cleanLabel(pairs.map((p) => p.before).join(' '))
  if (named?.[1]) {
    const parts = named[1]
      .split(/[/／・、,，]/u)
      .map(cleanLabel)
      .filter(Boolean)
    const role = before ? roleName(before) : context
    return parts.map((label) => ({
      label,
      role,
      type: typeOfLabel(label),
      choices: [],
      given: null,
    }))
  }
  if (!last.blanks.some((b) => b.isUnderscore) || cleanLabel(last.after) !== '' || !before)
    return []
  const label = cleanLabel(before.split(/[:：]/u)[0] ?? before)
  const type = typeOfLabel(label)
  const role = context ?? (type === 'text' && namesPerson(label) ? label : null)
  return [{ label, role, type, choices: [], given: null }]
}

/**
 * `Business Owner: GO / NO-GO - [Signature] [Date]`: a decision, then the placeholders of who
 * made it. Where they ask for a person (a signature, a name), the label is that person's role,
 * deciding; else the label names the choice (`Smoke tests: Pass / Fail - [Date]`).
 */
function decisionWithBlanks(
  pairs: readonly { before: string; blanks: Blank[]; after: string }[],
  context: string | null,
): FieldDraft[] | null {
  const [only] = pairs
  if (!only || pairs.length > 1 || cleanLabel(only.after) !== '') return null
  const m = /^([^:：]{1,60}?)\s*[:：]\s*(.+?)[\s\-–—,;]*$/u.exec(only.before)
  const label = cleanLabel(m?.[1] ?? '')
  const read = m?.[2] ? readChoices(m[2], false) : null
  if (!label || !read || read.isLong || !read.choices.every(isDecisionOption)) return null
  const blanks = only.blanks.map((b) => cleanLabel(b.inner))
  if (blanks.some((b) => !b)) return null
  const isPerson = blanks.some((b) => typeOfLabel(b) === 'signature' || NAME_LABEL.test(b))
  const role = isPerson && canBeRole(label) ? label : context
  return [
    {
      label: isPerson ? 'Decision' : label,
      role,
      type: 'choice',
      choices: read.choices,
      given: null,
    },
    ...blanks.map((b) => ({
      label: b,
      role,
      type: typeOfLabel(b),
      choices: [],
      given: null,
    })),
  ]
}

/**
 * "Decision: GO / NO-GO", "Entscheidung: ☐ GO ☐ NO-GO", "Status: ✅ Sucesso / ❌ Rollback". Bare
 * slashes between long answers may be a sentence: the line is then a text field, with a note.
 */
function choiceLine(line: string): Omit<FieldDraft, 'role'> | null {
  const m = /^([^:：]{1,200}?)\s*[:：]\s*(.+)$/u.exec(line)
  if (!m?.[1] || !m[2]) return null
  const label = cleanLabel(m[1])
  const read = readChoices(m[2].trim(), false)
  if (!label || !read) return null
  // A long question is asked by its answers only when they are ballots or decision words
  // ("Has the on-call engineer … confirmed the rollback path: ☐ Yes ☐ No"); else it is prose.
  const isMarked = (m[2].match(/[☐□○◯⬜]/gu) ?? m[2].match(TEXT_BOX) ?? []).length >= 2
  if (label.length > 60 && !isMarked && !read.choices.every(isDecisionOption)) return null
  if (!read.isLong) return { label, type: 'choice', choices: read.choices, given: null }
  const note =
    `"${label}" is read as a text field, not a choice: answers parted by " / " may be ` +
    `at most ${CHOICE_LENGTH} characters long unless they are decision words`
  return { label, type: typeOfLabel(label), choices: [], given: null, note }
}

/**
 * The answers of a choice written in one place: `A / B`, `☐ A ☐ B`, `<GO|NO-GO>`, `GO | NO_GO`,
 * `Yes/No`. Without spaces around `/` or with `|`, only decision words count ("Data/Hora" is
 * no choice); `strict` asks that of every shape (a table cell). Ballots mark answers of any
 * length; answers parted by bare ` / ` are short (see `readChoices`).
 */
function choicesIn(value: string, strict: boolean): string[] | null {
  const read = readChoices(value, strict)
  return read && !read.isLong ? read.choices : null
}

/** Answers as `choicesIn` reads them; `isLong` where bare slashes part answers too long to be sure. */
type ChoiceRead = { readonly choices: string[]; readonly isLong: boolean } | null

function readChoices(value: string, strict: boolean): ChoiceRead {
  let text = value.trim()
  const wrapped = /^(?:\[(.*)\]|<(.*)>|`(.*)`)$/su.exec(text)
  if (wrapped) text = (wrapped[1] ?? wrapped[2] ?? wrapped[3] ?? '').trim()
  const pick = (parts: string[], words: boolean): ChoiceRead => {
    const options = parts.map(cleanChoice).filter(Boolean)
    if (options.length < 2 || options.length !== parts.length) return null
    return !words || options.every(isDecisionOption) ? { choices: options, isLong: false } : null
  }
  // Boxes written as `[ ]` are ballots too ("[ ] Approved [ ] Rejected", in a table cell).
  if ((text.match(TEXT_BOX) ?? []).length >= 2) text = text.replace(TEXT_BOX, '☐')
  // Ballots mark each answer, whatever its length ("☐ Exitoso con observaciones").
  if ((text.match(/[☐□○◯⬜]/gu) ?? []).length >= 2) {
    return pick(
      text.split(/[☐□○◯⬜]/u).filter((p) => p.trim()),
      strict,
    )
  }
  if (/\s\/\s/.test(text)) {
    const read = pick(text.split(/\s+\/\s+/), strict)
    // Without ballots or decision words, only short answers make a choice: "Rollback: revert
    // the merge / redeploy the last tag" is a sentence with a slash in it.
    if (!strict && read?.choices.some((o) => o.length > CHOICE_LENGTH && !isDecisionOption(o)))
      return { ...read, isLong: true }
    return read
  }
  if (text.includes('|')) return pick(text.split('|'), true)
  if (/^[^\s/]+(?:\/[^\s/]+)+$/u.test(text)) return pick(text.split('/'), true)
  return null
}

/** A box written with brackets before an answer: `[ ]`, `[x]`. */
const TEXT_BOX = /\[[ xX]?\](?=\s*[^\s(])/gu

/** The longest answer a choice written with bare slashes (`A / B`) may have; see `readChoices`. */
const CHOICE_LENGTH = 24

/** An answer as written, without the emoji or marks around it ("✅ Sucesso" → "Sucesso"). */
function cleanChoice(text: string): string {
  return text
    .replace(/[*`]+/g, '')
    .replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N})]+$/gu, '')
    .trim()
}

/** A blank's type from its label, else from its placeholder's words ("Scheduled: [Date]"). */
function typeOf(label: string, placeholder: string): SignoffFieldType {
  const type = typeOfLabel(label)
  if (type !== 'text' || !placeholder) return type
  const inner = placeholder.replace(/^[[<{]|[\]>}]$/g, '')
  return typeOfLabel(inner)
}

function cleanLabel(text: string): string {
  return text
    .replace(/[*`]+|\[[ xX]?\]|[☐☑☒□]/gu, '')
    .replace(/^[^\p{L}\p{N}([¿¡]+/u, '')
    .replace(/[\s:：\-–—|_.,;]+$/u, '')
    .replace(/\s+/g, ' ')
    .trim()
}
