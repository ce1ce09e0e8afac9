/**
 * Sign-off choices that claim the run went well ("All checks passed: Yes",
 * "Deployment Status: Success"),
 * held against the run: such a claim while items have failed is asked to be
 * confirmed, and the sheet notes it beside the entry. An item that fails after
 * the claim was entered makes it read against the run too: that is worked out
 * from the run as it stands (`standingWarnings`), so that no screen or sheet shows
 * the claim clean, and finishing asks for it to be confirmed again. An answer that decides
 * against the release ("Decision: NO-GO") is told too: the sheet never reads complete over it.
 * Pure.
 */
import type { SignoffField } from '../checklist/model.ts'
import type { SignoffEntry } from './model.ts'

/** A field whose label says everything passed or succeeded (English and Portuguese checklists). */
const CLAIMS_SUCCESS =
  /\b(?:pass(?:ed|es|ing)?|succe(?:ss|ssful|eded)|green|healthy|passaram|sucesso|aprovad[oa]s?)\b/i

/** An answer that says yes to such a label. */
const AFFIRMATIVE = /^(?:yes|y|true|ok|sim|pass(?:ed)?)$/i

/**
 * An answer that is itself the claim, whatever the question ("Deployment Status: Success"), in
 * the languages the sign-off words know. Only the whole answer: "Success with Issues" and
 * "Exitoso con observaciones" admit what went wrong, and claim nothing.
 */
const SUCCESS_ANSWER =
  /^(?:success(?:ful)?|succeeded|passed|exitoso|[ée]xito|sucesso|bem[- ]sucedido|conclu[íi]do com sucesso|erfolgreich|r[ée]ussi|succ[èe]s|成功|성공)$/iu

/**
 * Whether `value` for `field` says the run went well: yes to a label that says so ("All checks
 * passed: Yes"), or an answer that says so ("Deployment Status: Success").
 */
function claimsSuccess(field: Pick<SignoffField, 'type' | 'label'>, value: string): boolean {
  if (field.type !== 'choice') return false
  const answer = value.trim().replace(/[.!]+$/u, '')
  return (
    (CLAIMS_SUCCESS.test(field.label) && AFFIRMATIVE.test(answer)) || SUCCESS_ANSWER.test(answer)
  )
}

/** "1 item had", "3 items had". */
function items(count: number, verb: string): string {
  return count === 1 ? `1 item ${verb}` : `${count} items ${verb}`
}

/**
 * Why `value` for `field` contradicts a run with `failed` items (their texts), or null when it
 * does not: "chosen while 3 items had failed: A · B · C".
 */
export function contradiction(
  field: Pick<SignoffField, 'type' | 'label'>,
  value: string,
  failed: readonly string[],
): string | null {
  if (failed.length === 0 || !claimsSuccess(field, value)) return null
  return `chosen while ${items(failed.length, 'had')} failed: ${failed.join(' · ')}`
}

/** An item failed in the run: its text, and when it failed (its answer's time). */
export interface FailedItem {
  readonly text: string
  readonly at: string | null
}

/**
 * What the run says against a standing entry that was not confirmed when it was entered: the
 * items failed now that had not failed then ("1 item failed after it was chosen: A"), and, for
 * an entry entered with no warning while items had failed (a run from before the choice was
 * asked about), those too. Empty when the entry claims nothing, or the run bears it out.
 */
export function unconfirmedWarnings(
  field: Pick<SignoffField, 'type' | 'label'>,
  entry: Pick<SignoffEntry, 'value' | 'at' | 'note'>,
  failed: readonly FailedItem[],
): string[] {
  if (failed.length === 0 || !claimsSuccess(field, entry.value)) return []
  const chosenAt = Date.parse(entry.at)
  // An answer at the entry's own time was in when the entry was made: its warning named it.
  const isLater = (item: FailedItem) => item.at !== null && Date.parse(item.at) > chosenAt
  const after = failed.filter(isLater).map((item) => item.text)
  const before = entry.note ? [] : failed.filter((item) => !isLater(item)).map((item) => item.text)
  return [
    ...(before.length > 0 ? [contradiction(field, entry.value, before) ?? ''] : []),
    ...(after.length > 0
      ? [`${items(after.length, 'failed')} after it was chosen: ${after.join(' · ')}`]
      : []),
  ]
}

/**
 * Every warning a standing entry carries: the one confirmed when it was entered, then what
 * the run says against it since (`unconfirmedWarnings`).
 */
export function standingWarnings(
  field: Pick<SignoffField, 'type' | 'label'>,
  entry: Pick<SignoffEntry, 'value' | 'at' | 'note'>,
  failed: readonly FailedItem[],
): string[] {
  return [...(entry.note ? [entry.note] : []), ...unconfirmedWarnings(field, entry, failed)]
}

/**
 * An answer that decides against the release: NO-GO, Rejected, Not approved, Deferred, Rolled
 * back…, in the languages the sign-off words know; or a bare "No" to an approval or a decision
 * ("Approved: No"), where "No" is not an answer to anything else ("Rollback needed: No").
 */
const AGAINST =
  /^(?:no[\s_-]?go|rejected|not approved|declined|denied|deferred|postponed|rolled[\s-]?back|rollback(?:\s+(?:executed|ejecutado|executado))?|aborted|cancel(?:l)?ed|rechazado|no aprobado|diferido|pospuesto|rejeitado|reprovado|n[ãa]o aprovado|adiado|abgelehnt|nicht genehmigt|zur[üu]ckgestellt|verschoben|refus[ée]|rejet[ée]|report[ée]|ajourn[ée]|否决|不通过|驳回|拒绝|却下|否認|거부|반려|불합격)$/iu
const BARE_NO = /^(?:no|não|nao|nein|non|否|いいえ|아니요)$/iu
const APPROVAL_LABEL =
  /\b(?:approv\w*|decision|decided|go[\s/-]*no[\s_-]*go|sign[\s-]?off|aprob\w*|aprov\w*|decis[ãa]o|decisi[óo]n|genehmig\w*|freigabe|entscheidung|approuv\w*|d[ée]cision)\b|批准|审批|决定|承認|判定|승인|결정/iu

/** Whether `value` for `field` decides against the release ("Decision: NO-GO", "Approved: No"). */
export function decidesAgainst(
  field: Pick<SignoffField, 'type' | 'label'>,
  value: string,
): boolean {
  if (field.type !== 'choice') return false
  const answer = value.trim().replace(/[.!]+$/u, '')
  return AGAINST.test(answer) || (BARE_NO.test(answer) && APPROVAL_LABEL.test(field.label))
}
