/**
 * What the wizard shows for one environment, worked out once from the
 * checklist: each phase as a list of rows (group headings and items), and the
 * sign-off fields to fill. Pure. Every item is shown: one the checklist scopes to
 * other environments is drawn dimmed with the reason (see `outOfScopeReason`), and
 * the operator can say it applies here after all — so whether an item applies is
 * the run's to say (`appliesIn`), not the layout's.
 */
import type { Checklist, Item, PhaseRole, Section, SignoffField } from '../checklist/model.ts'
import { describeScope, isInScope } from '../checklist/scope.ts'
import { type SignoffLine, signoffLines } from '../checklist/signoff.ts'
import type { RunState, ScopeOverride } from '../run/model.ts'

export { appliesIn, type Progress, progressOf, stateOf } from '../run/describe.ts'

export type Row =
  | { readonly kind: 'group'; readonly id: string; readonly title: string; readonly depth: number }
  | { readonly kind: 'item'; readonly item: Item; readonly depth: number }

export interface PhaseView {
  readonly id: string
  readonly title: string
  readonly role: PhaseRole
  readonly rows: readonly Row[]
  /** The items of `rows`, in order: what the cursor moves over. */
  readonly items: readonly Item[]
}

export interface Layout {
  readonly environment: string
  readonly phases: readonly PhaseView[]
  /** The sign-off as the sheet prints it: its fields and each role's line to sign on paper. */
  readonly signoffLines: readonly SignoffLine[]
  /** The fields of `signoffLines` to type in, in order: what the cursor moves over. */
  readonly signoff: readonly SignoffField[]
  /** Every item shown, by id (every item is in a phase, nested ones included), whether it applies or not. */
  readonly items: ReadonlyMap<string, Item>
  /** Every section by id: its code blocks and prose are shown with its items. */
  readonly sections: ReadonlyMap<string, Section>
}

export function layoutOf(checklist: Checklist, environment: string): Layout {
  const phases: PhaseView[] = []
  const childrenOf = new Map<string, Item[]>()
  for (const item of checklist.items) {
    if (item.parentId !== null)
      childrenOf.set(item.parentId, [...(childrenOf.get(item.parentId) ?? []), item])
  }
  for (const phase of checklist.phases) {
    const rows = sectionRows(phase, childrenOf, 0, true)
    const items = rows.flatMap((row) => (row.kind === 'item' ? [row.item] : []))
    if (items.length === 0) continue
    phases.push({ id: phase.id, title: phase.title, role: phase.role, rows, items })
  }
  const items = new Map(phases.flatMap((p) => p.items.map((item) => [item.id, item] as const)))
  const lines = signoffLines(
    checklist.signoff.filter((field) => isInScope(field.scope, environment)),
  )
  return {
    environment,
    phases,
    signoffLines: lines,
    signoff: lines.flatMap((line) => (line.kind === 'field' ? [line.field] : [])),
    items,
    sections: new Map(allSections(checklist.sections).map((section) => [section.id, section])),
  }
}

function allSections(sections: readonly Section[]): Section[] {
  return sections.flatMap((section) => [section, ...allSections(section.sections)])
}

function sectionRows(
  section: Section,
  childrenOf: ReadonlyMap<string, readonly Item[]>,
  depth: number,
  isPhase: boolean,
): Row[] {
  const rows: Row[] = []
  // An item, then the items nested under it (`  - [ ] …`), in the order of the file.
  const push = (item: Item) => {
    rows.push({ kind: 'item', item, depth: item.depth })
    for (const child of childrenOf.get(item.id) ?? []) push(child)
  }
  for (const item of section.items) push(item)
  for (const child of section.sections) {
    const childRows = sectionRows(child, childrenOf, isPhase ? depth : depth + 1, false)
    if (childRows.some((row) => row.kind === 'item')) {
      rows.push({ kind: 'group', id: child.id, title: child.title, depth }, ...childRows)
    }
  }
  return rows
}

/** An item the checklist scopes to other environments, as the detail pane explains it. */
export interface ScopeNote {
  /** The run's environment. */
  readonly environment: string
  /** "dev only (section "Development Environment", line 23)" */
  readonly reason: string
  /** The operator's word that it applies here after all, if given. */
  readonly override: ScopeOverride | null
}

/** Why the item does not apply in the run, and whether the operator said it does after all; null when it applies by the checklist. */
export function scopeNote(item: Item, run: RunState): ScopeNote | null {
  const reason = outOfScopeReason(item, run.header.environment)
  if (reason === null) return null
  return { environment: run.header.environment, reason, override: run.overrides[item.id] ?? null }
}

/**
 * Why an item does not apply here, with where the checklist says so — "dev only (section
 * "Development Environment", line 23)" — or null when it applies to the environment.
 */
export function outOfScopeReason(item: Item, environment: string): string | null {
  return isInScope(item.scope, environment) ? null : describeScope(item.scope)
}
