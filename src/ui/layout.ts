/**
 * What the wizard shows for one environment, worked out once from the
 * checklist: each phase as a list of rows (group headings, items, and the steps
 * written as prose between them), the sign-off fields to fill, and the reference
 * pages to open. Pure. Every item is shown: one the checklist scopes to other
 * environments is drawn dimmed with the reason (see `outOfScopeReason`), and the
 * operator can say it applies here after all — so whether an item applies is the
 * run's to say (`appliesIn`), not the layout's.
 */
import type { Checklist, Gate, Item, PhaseRole, Section, SignoffField } from '../checklist/model.ts'
import { isProseStep, numberedStepPages } from '../checklist/prose-steps.ts'
import { referencePages } from '../checklist/reference.ts'
import { describeScope, isInScope } from '../checklist/scope.ts'
import { type SignoffLine, signoffLines } from '../checklist/signoff.ts'
import { gatesIn } from '../run/approvals.ts'
import type { RunState, ScopeOverride } from '../run/model.ts'

export { appliesIn, type Progress, progressOf, stateOf } from '../run/describe.ts'

export type Row =
  | { readonly kind: 'group'; readonly id: string; readonly title: string; readonly depth: number }
  | { readonly kind: 'item'; readonly item: Item; readonly depth: number }
  /** A section with prose and no items among the phase's: read with the item next to it. */
  | { readonly kind: 'prose'; readonly section: Section; readonly depth: number }
  /**
   * An approval gate at the end of the phase before it (at the start of the first phase, for
   * one before every phase): waiting, or approved by whom, as the run says.
   */
  | { readonly kind: 'gate'; readonly gate: Gate; readonly depth: number }
  /** Under the gates standing at one place: the phases they hold back, until the next gate. */
  | {
      readonly kind: 'held'
      readonly gates: readonly Gate[]
      readonly titles: readonly string[]
      readonly depth: number
    }

/** A step written as prose, and whether it comes before or after the item it is shown with. */
export interface ProseStep {
  readonly section: Section
  readonly where: 'before' | 'after'
}

export interface PhaseView {
  readonly id: string
  readonly title: string
  readonly role: PhaseRole
  readonly rows: readonly Row[]
  /** The items of `rows`, in order: what the cursor moves over. */
  readonly items: readonly Item[]
  /**
   * The prose rows, by the item each is shown with: the item before it, or the first item
   * for those above every item.
   */
  readonly prose: ReadonlyMap<string, readonly ProseStep[]>
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
  /** Sections with prose and no items that apply here (procedures, contacts): opened with `p`. */
  readonly references: readonly Section[]
  /** The approval gates that stand in this environment, in file order (see run/approvals.ts). */
  readonly gates: readonly Gate[]
}

export function layoutOf(checklist: Checklist, environment: string): Layout {
  const childrenOf = new Map<string, Item[]>()
  for (const item of checklist.items) {
    if (item.parentId !== null)
      childrenOf.set(item.parentId, [...(childrenOf.get(item.parentId) ?? []), item])
  }
  const references = referencePages(checklist).filter((page) => isInScope(page.scope, environment))
  // A `##` step written as prose (`3. Draft release notes`) is shown in the phase before it,
  // or in the first one when none comes before.
  const steps = numberedStepPages(checklist, environment)

  const phases: PhaseView[] = []
  for (const phase of checklist.phases) {
    const own = steps.get(phase.id)
    const prose = (sections: readonly Section[]): Row[] =>
      sections.map((section) => ({ kind: 'prose', section, depth: 0 }))
    const rows = [
      ...prose(own?.before ?? []),
      ...sectionRows(phase, environment, childrenOf, 0, true),
      ...prose(own?.after ?? []),
    ]
    const items = rows.flatMap((row) => (row.kind === 'item' ? [row.item] : []))
    if (items.length === 0) continue
    phases.push({
      id: phase.id,
      title: phase.title,
      role: phase.role,
      rows,
      items,
      prose: proseByItem(rows),
    })
  }
  const gates = gatesIn(checklist, environment)
  withGateRows(phases, gates)
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
    references,
    gates,
  }
}

/**
 * Adds each gate's row where the operator meets it: at the end of the phase before it (at the
 * start of the first phase when it stands before every phase), then one row naming the phases
 * the gates standing there hold back, up to the next gate (the sign-off, when they stand after
 * the last phase).
 */
function withGateRows(phases: PhaseView[], gates: readonly Gate[]): void {
  const ids = phases.map((phase) => phase.id)
  const at = (gate: Gate) => (gate.before === null ? phases.length : ids.indexOf(gate.before))
  const places = [...new Set(gates.map(at))].filter((place) => place !== -1).sort((a, b) => a - b)
  for (const [n, place] of places.entries()) {
    const next = places[n + 1] ?? phases.length
    const titles = phases.slice(place, next).map((phase) => phase.title)
    if (titles.length === 0) titles.push('the sign-off')
    const here = gates.filter((gate) => at(gate) === place)
    const rows: Row[] = [
      ...here.map((gate): Row => ({ kind: 'gate', gate, depth: 0 })),
      { kind: 'held', gates: here, titles, depth: 0 },
    ]
    const index = Math.max(0, place - 1)
    const host = phases[index]
    if (!host) continue
    phases[index] = {
      ...host,
      rows: place === 0 ? [...rows, ...host.rows] : [...host.rows, ...rows],
    }
  }
}

function allSections(sections: readonly Section[]): Section[] {
  return sections.flatMap((section) => [section, ...allSections(section.sections)])
}

function sectionRows(
  section: Section,
  environment: string,
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
    // A step written as prose (a procedure, a fallback plan) is shown where it is written.
    if (child.itemCount === 0) {
      if (isProseStep(child, environment)) rows.push({ kind: 'prose', section: child, depth })
      continue
    }
    const childRows = sectionRows(
      child,
      environment,
      childrenOf,
      isPhase ? depth : depth + 1,
      false,
    )
    if (childRows.some((row) => row.kind === 'item')) {
      rows.push({ kind: 'group', id: child.id, title: child.title, depth }, ...childRows)
    }
  }
  return rows
}

/** Each prose row goes with the item before it; those above every item, with the first. */
function proseByItem(rows: readonly Row[]): Map<string, ProseStep[]> {
  const byItem = new Map<string, ProseStep[]>()
  let last: Item | null = null
  const above: Section[] = []
  for (const row of rows) {
    if (row.kind === 'item') {
      if (last === null && above.length > 0)
        byItem.set(
          row.item.id,
          above.map((section) => ({ section, where: 'before' })),
        )
      last = row.item
    } else if (row.kind === 'prose') {
      if (last === null) above.push(row.section)
      else
        byItem.set(last.id, [
          ...(byItem.get(last.id) ?? []),
          { section: row.section, where: 'after' },
        ])
    }
  }
  return byItem
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
