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
import type { Paragraph, PhrasingContent, RootContent } from 'mdast'
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

/** A bold lead line: its title, and the description written on the lines under it, if any. */
export interface LeadLine {
  readonly title: string
  /**
   * The lines after the bold one, as a paragraph of their own ("Describe how the deployment
   * will be tested:" under `**Testing Plan**`, as issue templates write them): prose of the
   * group, never part of its title. Null when the lead line is alone.
   */
  readonly description: Paragraph | null
}

/**
 * The title a bold lead line gives the list under it (`**Git**`, `**Before release**:`,
 * `**API:**`, `❌ **Blockers**`), or null when the paragraph is not one: a first line that is
 * bold text alone (a symbol before it and a colon after it aside), above a list — right above
 * it, or with a block quote or a comment between (`> Requires the API deployed first`). The
 * lines under the bold one, if any, describe the list (`**Testing Plan**` then `Describe how
 * the deployment will be tested:`): they are the description, not the title.
 * The paragraph is `siblings[index]`.
 */
export function leadLine(
  paragraph: Paragraph,
  siblings: readonly RootContent[],
  index: number,
): LeadLine | null {
  let at = index + 1
  while (siblings[at]?.type === 'blockquote' || siblings[at]?.type === 'html') at++
  if (siblings[at]?.type !== 'list') return null
  const { first, rest } = splitFirstLine(paragraph)
  const strongAt = first.findIndex((child) => child.type === 'strong')
  const strong = first[strongAt]
  if (!strong) return null
  const before = first.slice(0, strongAt)
  const after = first.slice(strongAt + 1)
  // Before the bold only a symbol (an emoji, a bullet), after it only a colon.
  if (!before.every((c) => c.type === 'text' && !/[\p{L}\p{N}]/u.test(c.value))) return null
  if (!after.every((c) => c.type === 'text' && /^\s*:?\s*$/.test(c.value))) return null
  const lead = before.map((c) => plainText(c)).join('')
  const title = `${lead}${plainText(strong)}`.trim().replace(/\s*:$/, '').trim()
  if (!/[\p{L}\p{N}]/u.test(title)) return null
  return { title, description: rest }
}

/**
 * A paragraph's first line, and the lines after it as a paragraph of their own (null for
 * none): split at the first line ending, a soft one inside a text or a hard break.
 */
function splitFirstLine(paragraph: Paragraph): {
  first: PhrasingContent[]
  rest: Paragraph | null
} {
  const children = paragraph.children
  for (const [i, child] of children.entries()) {
    if (child.type === 'break') return withRest(children.slice(0, i), children.slice(i + 1))
    if (child.type !== 'text') continue
    const end = child.value.indexOf('\n')
    if (end < 0) continue
    const head: PhrasingContent[] = [...children.slice(0, i)]
    if (end > 0) head.push({ type: 'text', value: child.value.slice(0, end) })
    const tail = child.value.slice(end + 1)
    return withRest(head, [
      ...(tail ? [{ type: 'text', value: tail } as PhrasingContent] : []),
      ...children.slice(i + 1),
    ])
  }
  return { first: [...children], rest: null }

  function withRest(first: PhrasingContent[], rest: PhrasingContent[]) {
    if (rest.every((c) => c.type === 'text' && c.value.trim() === '')) return { first, rest: null }
    // Where it starts in the file is the parser's to say: it has the text.
    return { first, rest: { type: 'paragraph', children: rest } satisfies Paragraph }
  }
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
