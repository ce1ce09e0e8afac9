/**
 * What the sections for other environments leave out of a run. A heading about an environment
 * scopes its section (scope.ts), and that is the rule; but in a promotion checklist (Staging
 * Deployment, then Production Deployment) a prod run then leaves out the staging section's
 * items, a client approval among them, which nobody is prompted to look at. `plan` and the
 * wizard's first screen say so in one line, naming the approvals, and that `o` brings an item
 * back. Pure.
 */
import type { Checklist, Item, Section } from './model.ts'
import { isInScope } from './scope.ts'

export interface LeftOut {
  /** The items left out by a section for other environments, in file order. */
  readonly items: readonly Item[]
  /** The outermost such sections, in file order. */
  readonly sections: readonly Section[]
  /** Among the items, those that read as an approval or a sign-off, or hold sign-off blanks. */
  readonly approvals: readonly Item[]
}

/**
 * The items of `checklist` that a section for other environments leaves out of a run in
 * `environment`, less those in `appliesAfterAll` (said with `o` to apply). An item that leaves
 * itself out ("(staging only)") is not counted: its own row says so.
 */
export function leftOutBySections(
  checklist: Checklist,
  environment: string,
  appliesAfterAll: ReadonlySet<string> = new Set(),
): LeftOut {
  // Each section's outermost section for other environments, itself included.
  const excludedBy = new Map<string, Section | null>()
  const walk = (section: Section, outer: Section | null) => {
    const by = outer ?? (isInScope(section.scope, environment) ? null : section)
    excludedBy.set(section.id, by)
    for (const child of section.sections) walk(child, by)
  }
  for (const section of checklist.sections) walk(section, null)
  const items: Item[] = []
  const sections: Section[] = []
  for (const item of checklist.items) {
    if (isInScope(item.scope, environment) || appliesAfterAll.has(item.id)) continue
    const by = excludedBy.get(item.sectionId) ?? excludedBy.get(item.phaseId) ?? null
    if (by === null) continue
    items.push(item)
    if (!sections.includes(by)) sections.push(by)
  }
  const approvals = items.filter((item) => item.fields.length > 0 || item.namesSignoff)
  return { items, sections, approvals }
}

/**
 * The one line that says it — "6 items of “Staging Deployment” are not in this prod run, among
 * them the approval “Client approval received”; o brings one back" — or null when nothing is
 * left out. Short, and what matters first: the wizard's footer cuts it at the terminal's edge
 * (the rows say which environment each item is for, and the footer's keys name `o` too).
 * `inWizard`: said on the wizard's screen, where `o` is a key at hand; elsewhere the line says
 * it is the wizard's.
 */
export function leftOutLine(
  leftOut: LeftOut,
  environment: string,
  inWizard: boolean,
): string | null {
  const { items, sections, approvals } = leftOut
  if (items.length === 0) return null
  const what = items.length === 1 ? '1 item' : `${items.length} items`
  const titles = sections.map((section) => `“${section.title}”`)
  const of =
    titles.length <= 2
      ? titles.join(' and ')
      : `${titles[0]} and ${titles.length - 1} more sections`
  const among =
    approvals.length === 0
      ? ''
      : `, among them ${approvals.length === 1 ? 'the approval' : 'the approvals'} ${named(approvals)}`
  const are = items.length === 1 ? 'is' : 'are'
  return `${what} of ${of} ${are} not in ${inWizard ? 'this' : 'a'} ${environment} run${among}; ${inWizard ? 'o' : "the wizard's o"} brings one back`
}

/** “A”, “A” and “B”, or “A”, “B” and 3 more. */
function named(items: readonly Item[]): string {
  const texts = items.map((item) => `“${item.plain.replace(/\s+/g, ' ').trim()}”`)
  if (texts.length <= 2) return texts.join(' and ')
  return `${texts.slice(0, 2).join(', ')} and ${texts.length - 2} more`
}
