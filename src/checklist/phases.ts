/**
 * Phases where the checklist's `##` headings do not divide it. Many real checklists have a
 * single `##` (or none) and write their steps as `###` headings, numbered bold list items
 * (`1. **Immediate Actions**`) or bold lead lines (`**Git**` over a list): read as they are,
 * nearly every item lands in one phase and the phase bar means nothing. When one phase holds
 * nearly all the items and its sub-sections divide it, those sub-sections are the phases.
 *
 * Nothing here changes an id: an item keeps the id it had, a promoted section keeps its own
 * (`release/validation`), so runs of these checklists resume. Pure, over the parsed model.
 */
import type { Paragraph, RootContent } from 'mdast'
import { toString as plainText } from 'mdast-util-to-string'
import type { Item, Phase, PhaseRole, Section } from './model.ts'

/** A phase holding at least this share of the items holds "nearly all" of them. */
export const NEARLY_ALL = 0.8

/**
 * A sub-section its author numbered as a phase or stage (`Phase 1: Vorbereitung`, `Fase 2`,
 * `Stage 3 — Rollout`, `Étape 1`): two or more such in one phase divide it whatever its share
 * of the items, as the author called them phases (tables of boxes beside it, read as steps,
 * can bring its share under NEARLY_ALL).
 */
const NUMBERED_PHASE = /^(?:phase|phasen|fase|stage|etapa|étape|etappe|stufe)\s*\d+\b/iu

/**
 * The title a bold lead line gives the list under it (`**Git**`, `**Before release**:`,
 * `**API:**`, `❌ **Blockers**`), or null when the paragraph is not one: a single line that is
 * bold text alone (a symbol before it and a colon after it aside), above a list — right above
 * it, or with a block quote or a comment between (`> Requires the API deployed first`).
 * The paragraph is `siblings[index]`.
 */
export function leadLineTitle(
  paragraph: Paragraph,
  siblings: readonly RootContent[],
  index: number,
): string | null {
  let at = index + 1
  while (siblings[at]?.type === 'blockquote' || siblings[at]?.type === 'html') at++
  if (siblings[at]?.type !== 'list') return null
  if (paragraph.position?.start.line !== paragraph.position?.end.line) return null
  const children = paragraph.children
  const strongAt = children.findIndex((child) => child.type === 'strong')
  const strong = children[strongAt]
  if (!strong) return null
  const before = children.slice(0, strongAt)
  const after = children.slice(strongAt + 1)
  // Before the bold only a symbol (an emoji, a bullet), after it only a colon.
  if (!before.every((c) => c.type === 'text' && !/[\p{L}\p{N}]/u.test(c.value))) return null
  if (!after.every((c) => c.type === 'text' && /^\s*:?\s*$/.test(c.value))) return null
  const lead = before.map((c) => plainText(c)).join('')
  const title = `${lead}${plainText(strong)}`.trim().replace(/\s*:$/, '').trim()
  return /[\p{L}\p{N}]/u.test(title) ? title : null
}

/** Whether two or more of the phase's sub-sections with items are numbered as phases. */
function namesPhases(phase: Section): boolean {
  const named = phase.sections.filter(
    (child) => child.itemCount > 0 && NUMBERED_PHASE.test(child.title.trim()),
  )
  return named.length >= 2
}

export interface Divided {
  readonly sections: readonly Section[]
  readonly items: readonly Item[]
}

/**
 * Divides the one phase that holds nearly all the items (NEARLY_ALL), or whose sub-sections
 * are numbered as phases (NUMBERED_PHASE), when two or more of its sub-sections hold items: each of those becomes a phase, in file order. The phase keeps the
 * items and prose written in it before them (a phase of its own when it has items; a
 * reference section when it has only prose). A sub-section with prose and no items is a step
 * written as prose: it goes with the phase before it (the first one's, when it comes first).
 * The sign-off section is never divided. `roleOf` gives the role a section was read with.
 */
export function dividePhases(
  sections: readonly Section[],
  items: readonly Item[],
  roleOf: (section: Section) => PhaseRole,
): Divided {
  const giant = sections.find(
    (s): s is Phase =>
      s.kind === 'phase' &&
      (s as Phase).role !== 'signoff' &&
      s.itemCount > 0 &&
      (s.itemCount >= NEARLY_ALL * items.length || namesPhases(s)) &&
      s.sections.filter((child) => child.itemCount > 0).length >= 2,
  )
  if (!giant) return { sections, items }

  // Which phase each section is in once divided: the divisions' subtrees are theirs.
  const phaseOf = new Map<string, string>()
  const mark = (section: Section, phaseId: string) => {
    phaseOf.set(section.id, phaseId)
    for (const child of section.sections) mark(child, phaseId)
  }
  for (const child of giant.sections) if (child.itemCount > 0) mark(child, child.id)
  const renewed = new Map<Item, Item>()
  const newItems = items.map((item) => {
    const phaseId = phaseOf.get(item.sectionId)
    if (phaseId === undefined || phaseId === item.phaseId) return item
    const moved = { ...item, phaseId }
    renewed.set(item, moved)
    return moved
  })
  const itemOf = (item: Item) => renewed.get(item) ?? item

  const own = giant.itemCount - giant.sections.reduce((n, child) => n + child.itemCount, 0)
  const head: Phase = { ...giant, items: giant.items.map(itemOf), sections: [], itemCount: own }
  // The phases in file order; a prose step goes with the last of them.
  const parts: Phase[] = own > 0 ? [head] : []
  let prose: Section[] = []
  for (const child of giant.sections) {
    const last = parts.at(-1)
    if (child.itemCount > 0) {
      const role = roleOf(child)
      let phase: Phase = {
        ...relevel(child, 2, itemOf),
        kind: 'phase',
        role: giant.role === 'rollback' && role === 'standard' ? 'rollback' : role,
      }
      // Prose steps written before the first division go with it.
      if (prose.length > 0) phase = withSections(phase, prose, itemOf, 'before')
      prose = []
      parts.push(phase)
    } else if (last) parts[parts.length - 1] = withSections(last, [child], itemOf, 'after')
    else prose.push(child)
  }
  // Without items of its own, what the phase wrote before its divisions is reference.
  const divided = own > 0 || head.blocks.length === 0 ? parts : [head, ...parts]
  return {
    sections: sections.flatMap((s) => (s === giant ? divided : [s])),
    items: newItems,
  }
}

/** `phase` with `steps` (prose-only sections) added before or after its own sections, one level under it. */
function withSections(
  phase: Phase,
  steps: readonly Section[],
  itemOf: (item: Item) => Item,
  where: 'before' | 'after',
): Phase {
  const moved = steps.map((step) => relevel(step, phase.level + 1, itemOf))
  return {
    ...phase,
    sections: where === 'before' ? [...moved, ...phase.sections] : [...phase.sections, ...moved],
  }
}

/** A copy of `section` at `level`, its sub-sections moved as much, its items renewed. */
function relevel(section: Section, level: number, itemOf: (item: Item) => Item): Section {
  const by = level - section.level
  const walk = (s: Section): Section => ({
    ...s,
    level: s.level + by,
    items: s.items.map(itemOf),
    sections: s.sections.map(walk),
  })
  return walk(section)
}
