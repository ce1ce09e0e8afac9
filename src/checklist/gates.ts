/**
 * Where each approval gate stands once the whole checklist is read: after which phase and
 * before which (phases.ts may have made `###` sections phases, so this waits for the
 * final phases). A gate written on a phase's heading stands before that phase; one written on
 * a line of its own stands where it is written, before the next phase. A gate with no phase
 * after it holds back the sign-off. Pure, over the parsed model.
 */
import type { Report } from './directives.ts'
import type { Gate, GateApprover, Item, Phase, Scope, Section } from './model.ts'

/** A gate as the parser found it, before the phases are known. */
export interface GateDraft {
  readonly name: string
  readonly approver: GateApprover
  /** Where the directive is, for problems. */
  readonly offset: number
  readonly line: number
  /** The heading it is written on, or null for a gate on a line of its own. */
  readonly heading: { readonly id: string; readonly title: string; readonly line: number } | null
  readonly scope: Scope
}

interface Model {
  readonly sections: readonly Section[]
  readonly phases: readonly Phase[]
  readonly items: readonly Item[]
}

const MOVE_HINT =
  "write it on a phase's ## heading, or on a line of its own just above the phase it holds back"

/** The gates of `drafts` placed between the phases; problems reported as found. */
export function placeGates(
  drafts: readonly GateDraft[],
  model: Model,
  report: { readonly error: Report; readonly warning: Report },
): Gate[] {
  const gates: Gate[] = []
  const named = new Map<string, number>()
  const topLevel = new Set(model.sections.map((section) => section.id))
  for (const draft of [...drafts].sort((a, b) => a.offset - b.offset)) {
    // A ## section that is no phase (a reference page, a sign-off of fields only) is a place
    // between phases; a group is inside one, where a gate would hold back nothing it heads.
    if (draft.heading && !topLevel.has(draft.heading.id)) {
      const phase = phaseOfSection(model.phases, draft.heading.id)
      report.error(
        draft.offset,
        `a gate stands between phases: "${draft.heading.title}" is a group${phase ? ` inside the phase "${phase.title}"` : ''}`,
        MOVE_HINT,
      )
      continue
    }
    const key = draft.name.toLowerCase()
    const earlier = named.get(key)
    if (earlier !== undefined) {
      report.error(
        draft.offset,
        `a gate named "${draft.name}" is already on line ${earlier}`,
        'give each gate a name of its own: a run keeps its approvals by name',
      )
      continue
    }
    named.set(key, draft.line)
    // On a heading (or right below it), the gate stands where the heading is.
    const at = draft.heading?.line ?? draft.line
    const before = model.phases.find((phase) => phase.line >= at) ?? null
    const after = model.phases.findLast((phase) => phase.line < at) ?? null
    if (!draft.heading && after) {
      const below = model.items.find((item) => item.phaseId === after.id && item.line > draft.line)
      if (below) {
        report.warning(
          draft.offset,
          `this gate holds back the phases after "${after.title}", not the items below it in that phase (line ${below.line})`,
          MOVE_HINT,
        )
      }
    }
    gates.push({
      kind: 'approval',
      name: draft.name,
      line: draft.line,
      approver: draft.approver,
      after: after?.id ?? null,
      before: before?.id ?? null,
      scope: draft.scope,
    })
  }
  return gates
}

/** The phase a section is in, at any depth. */
function phaseOfSection(phases: readonly Phase[], sectionId: string): Phase | undefined {
  const holds = (section: Section): boolean =>
    section.id === sectionId || section.sections.some(holds)
  return phases.find(holds)
}
