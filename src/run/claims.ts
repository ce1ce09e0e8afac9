/**
 * Sign-off choices that claim the run went well ("All checks passed: Yes"),
 * held against the run: such a claim while items have failed is asked to be
 * confirmed, and the sheet notes it beside the entry. Pure.
 */
import type { SignoffField } from '../checklist/model.ts'

/** A field whose label says everything passed or succeeded (English and Portuguese checklists). */
const CLAIMS_SUCCESS =
  /\b(?:pass(?:ed|es|ing)?|succe(?:ss|ssful|eded)|green|healthy|passaram|sucesso|aprovad[oa]s?)\b/i

/** An answer that says yes to such a label. */
const AFFIRMATIVE = /^(?:yes|y|true|ok|sim|pass(?:ed)?)$/i

/**
 * Why `value` for `field` contradicts a run with `failed` items (their texts), or null when it
 * does not: "chosen while 3 items had failed: A · B · C".
 */
export function contradiction(
  field: Pick<SignoffField, 'type' | 'label'>,
  value: string,
  failed: readonly string[],
): string | null {
  if (field.type !== 'choice' || failed.length === 0) return null
  if (!CLAIMS_SUCCESS.test(field.label) || !AFFIRMATIVE.test(value.trim())) return null
  const items = failed.length === 1 ? '1 item had' : `${failed.length} items had`
  return `chosen while ${items} failed: ${failed.join(' · ')}`
}
