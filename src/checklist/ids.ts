/**
 * Stable ids. An item's id is the path of slugs from its phase down to its own
 * text — `deployment/task-13-1-deploy-dynamodb-tables/sessions-table-deployed` —
 * so it survives anything done elsewhere in the file: items added, moved or
 * reworded around it, sections added or renumbered ("### 3. Deploy" becoming
 * "### 4. Deploy"). Identical siblings take `~2`, `~3` in file order. An explicit
 * `id:` directive replaces the whole path.
 *
 * Chinese, Japanese and Korean text keeps its own characters (`申请/发布-变更说明已审核`,
 * `배포-전-체크리스트`): folded to ASCII it would leave nothing but a hash, or only the Latin
 * words of a mixed line. Text without them gets exactly the slug it always had, so runs of
 * existing checklists resume by the same ids.
 */
import { createHash } from 'node:crypto'

const MAX_SEGMENT = 48

/** Characters of the scripts kept in ids: Han, kana (with ー, the long-vowel mark) and Hangul. */
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u30fc]/u
const NOT_KEPT_CJK =
  /[^a-z0-9\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u30fc]+/gu

/**
 * A URL-ish slug: ASCII letters, digits and dashes; accents folded, emoji dropped. Chinese,
 * Japanese and Korean characters are kept (see above).
 */
export function slug(text: string): string {
  if (CJK.test(text)) return cjkSlug(text)
  const folded = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
  const cut =
    folded.length > MAX_SEGMENT ? folded.slice(0, MAX_SEGMENT).replace(/-+[^-]*$/, '') : folded
  if (cut) return cut
  // Text made only of symbols (emoji, punctuation) still needs a stable, unique name.
  return `x${createHash('sha256').update(text).digest('hex').slice(0, 8)}`
}

function cjkSlug(text: string): string {
  // NFKD folds accents and full-width Latin, but splits Hangul syllables and kana with their
  // voicing marks: NFC puts them back together.
  const folded = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .normalize('NFC')
    .toLowerCase()
    .replace(NOT_KEPT_CJK, '-')
    .replace(/^-+|-+$/g, '')
  // Cut by characters, never inside a surrogate pair; a cut inside a Latin word drops the word.
  const chars = Array.from(folded)
  if (chars.length <= MAX_SEGMENT) return folded
  let cut = chars.slice(0, MAX_SEGMENT).join('')
  if (/[a-z0-9]/.test(chars[MAX_SEGMENT] ?? '')) cut = cut.replace(/[a-z0-9]+$/, '')
  return cut.replace(/-+$/, '')
}

/** A heading's number, left out of its slug: "3. Deploy", "2.1 Build", "4) Verify", "1 Prep", "iv. Sign-off". */
const HEADING_NUMBER = /^\s*(?:\d+(?:\.\d+)*[.):]?|[ivx]+[.)])\s+/i

/**
 * A leading number that counts something, not the section: "4 Weeks Before Go-Live", "24 Hours
 * Before", "2 Tage vorher". It stays in the slug, or "4 Weeks Before" and "2 Weeks Before"
 * would share one, their items told apart only by `~2`, and removing the first section would
 * hand its answers to the second.
 */
const QUANTITY =
  /^\s*\d+\s+(?:(?:business|working)\s+)?(?:weeks?|days?|hours?|hrs?|minutes?|mins?|months?|years?|sprints?|releases?|wochen|woche|tage?|stunden?|minuten|monate?|semanas?|d[ií]as?|horas?|minutos?|meses|m[eê]s|jours?|heures?|mois|semaines?|ans?)\b/iu

/** A heading's slug without its leading numbering (`HEADING_NUMBER`), a quantity kept. */
export function headingSlug(title: string): string {
  return slug(QUANTITY.test(title) ? title : title.replace(HEADING_NUMBER, ''))
}

/** Hands out `base`, then `base~2`, `base~3`… for repeats under one parent. */
export class IdAllocator {
  readonly #seen = new Map<string, number>()

  next(base: string): string {
    const count = (this.#seen.get(base) ?? 0) + 1
    this.#seen.set(base, count)
    return count === 1 ? base : `${base}~${count}`
  }
}
