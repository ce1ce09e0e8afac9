/**
 * Stable ids. An item's id is the path of slugs from its phase down to its own
 * text — `deployment/task-13-1-deploy-dynamodb-tables/sessions-table-deployed` —
 * so it survives anything done elsewhere in the file: items added, moved or
 * reworded around it, sections added or renumbered ("### 3. Deploy" becoming
 * "### 4. Deploy"). Identical siblings take `~2`, `~3` in file order. An explicit
 * `id:` directive replaces the whole path.
 */
import { createHash } from 'node:crypto'

const MAX_SEGMENT = 48

/** A URL-ish slug: ASCII letters, digits and dashes; accents folded, emoji dropped. */
export function slug(text: string): string {
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

/** A heading's slug without its leading numbering: "3. Deploy", "Passo 2: Migrations". */
export function headingSlug(title: string): string {
  return slug(title.replace(/^\s*(?:\d+(?:\.\d+)*[.):]?|[ivx]+[.)])\s+/i, ''))
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
