/**
 * A checklist as it will run for one environment: which items apply, which are
 * automated, and their parameters with every reference that can be known before
 * running resolved. `${env:NAME}` and check outputs are left as written, with
 * their `:-fallback`: the first may hold a secret and is read only when the
 * check runs, the second exists only once its check has run — so whether the
 * fallback is used is not known yet, and showing it as the value would mislead.
 */
import type { Checklist, Item, Section } from './model.ts'
import { type NumberedProcedure, numberedProcedures } from './numbered-procedures.ts'
import { isProseStep, numberedStepPages } from './prose-steps.ts'
import { describeScope, isInScope } from './scope.ts'
import {
  type FieldKind,
  fieldKind,
  type SignoffLine,
  signoffLabel,
  signoffLines,
} from './signoff.ts'
import { parseTemplate, type TemplatePart, VAR_LIMITS, varsFor } from './variables.ts'

export interface PlannedItem {
  readonly item: Item
  readonly applies: boolean
  /** Why it does not apply, when it does not. */
  readonly reason: string | null
  /** The check's parameters for this environment, or null for a manual item. */
  readonly params: Readonly<Record<string, string>> | null
}

export interface PlannedSection {
  readonly section: Section
  readonly applies: boolean
  /**
   * A step written as prose (prose-steps.ts): shown where the wizard shows its `≡` row, with
   * nothing to answer — no items, no sections.
   */
  readonly isProse: boolean
  /**
   * For a `##` page shown as a prose step whose numbered steps are a procedure
   * (numbered-procedures.ts): how many, none of them answered; else 0.
   */
  readonly numberedSteps: number
  readonly items: readonly PlannedItem[]
  readonly sections: readonly PlannedSection[]
}

/**
 * A line of the sign-off as the wizard's sign-off screen will show it (signoff.ts reads the
 * kind and the label, one home for both), or, for a field of another environment, as it would.
 */
export interface PlannedSignoffLine {
  readonly line: SignoffLine
  /** As the wizard names it: "QA Lead", "QA Lead — Date", "Decision". */
  readonly label: string
  readonly kind: FieldKind
  readonly applies: boolean
  /** The item that holds the field ("- [ ] Deployed by: ____"): answered by filling it. */
  readonly item: Item | null
}

export interface Plan {
  readonly environment: string
  readonly phases: readonly PlannedSection[]
  /**
   * The `##` sections of the environment with no task items whose numbered steps are a
   * procedure, but those shown as a prose step in a phase (whose row says it): listed where
   * they fall among the phases, none of their steps answered.
   */
  readonly procedures: readonly NumberedProcedure[]
  /** The environment's sign-off lines, then those of fields for other environments. */
  readonly signoff: readonly PlannedSignoffLine[]
  readonly totals: {
    readonly items: number
    readonly applicable: number
    readonly automated: number
  }
}

export function planChecklist(checklist: Checklist, environment: string): Plan {
  const known: KnownBeforeRunning = {
    environment,
    vars: varsFor(checklist.frontMatter, environment),
    expanded: new Map(),
    cuts: 0,
  }
  const children = new Map<string, Item[]>()
  for (const item of checklist.items) {
    if (!item.parentId) continue
    const siblings = children.get(item.parentId)
    if (siblings) siblings.push(item)
    else children.set(item.parentId, [item])
  }
  let applicable = 0
  let automated = 0
  const planItem = (item: Item): PlannedItem[] => {
    const applies = isInScope(item.scope, environment)
    if (applies) applicable++
    if (applies && item.check) automated++
    const planned: PlannedItem = {
      item,
      applies,
      reason: applies ? null : describeScope(item.scope),
      params: item.check ? planParams(item.check.params, known) : null,
    }
    return [planned, ...(children.get(item.id) ?? []).flatMap(planItem)]
  }
  const procedures = new Map(
    numberedProcedures(checklist, environment).map((p) => [p.section.id, p] as const),
  )
  const shown = new Set<string>()
  const prose = (section: Section): PlannedSection => ({
    section,
    applies: true,
    isProse: true,
    numberedSteps: procedures.get(section.id)?.steps ?? 0,
    items: [],
    sections: [],
  })
  const planSection = (section: Section): PlannedSection => ({
    section,
    applies: isInScope(section.scope, environment),
    isProse: false,
    numberedSteps: 0,
    items: section.items.flatMap(planItem),
    sections: section.sections.flatMap((s) =>
      s.itemCount > 0 ? [planSection(s)] : isProseStep(s, environment) ? [prose(s)] : [],
    ),
  })
  // The `##` pages that number a step are listed in the phase the wizard shows them in.
  const pages = numberedStepPages(checklist, environment)
  const phases = checklist.phases.map((phase) => {
    const planned = planSection(phase)
    const steps = pages.get(phase.id)
    if (!steps || steps.before.length + steps.after.length === 0) return planned
    for (const page of [...steps.before, ...steps.after]) shown.add(page.id)
    return {
      ...planned,
      sections: [...steps.before.map(prose), ...planned.sections, ...steps.after.map(prose)],
    }
  })
  return {
    environment,
    phases,
    procedures: [...procedures.values()].filter((p) => !shown.has(p.section.id)),
    signoff: planSignoff(checklist, environment),
    totals: { items: checklist.items.length, applicable, automated },
  }
}

function planSignoff(checklist: Checklist, environment: string): PlannedSignoffLine[] {
  const items = new Map(checklist.items.map((item) => [item.id, item]))
  const planned = (applies: boolean) => {
    const fields = checklist.signoff.filter((f) => isInScope(f.scope, environment) === applies)
    return signoffLines(fields).map((line) => ({
      line,
      label: signoffLabel(line),
      kind: fieldKind(line),
      applies,
      item: line.field?.itemId ? (items.get(line.field.itemId) ?? null) : null,
    }))
  }
  return [...planned(true), ...planned(false)]
}

/** What a template can be resolved against before anything runs. */
interface KnownBeforeRunning {
  readonly environment: string
  /** Var templates for the environment (see `varsFor`). */
  readonly vars: Readonly<Record<string, string>>
  /** Each var's expansion, worked out once: a chain of vars costs its length, not its square. */
  readonly expanded: Map<string, Planned>
  /** Cycles and depth cuts met: an expansion that met one depends on the way in, and is not kept. */
  cuts: number
}

function planParams(
  params: Readonly<Record<string, string>>,
  known: KnownBeforeRunning,
): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, template] of Object.entries(params)) {
    out[key] = planTemplate(template, known, new Set()).text
  }
  return out
}

interface Planned {
  readonly text: string
  /** It holds a reference that gets its value only when the check runs. */
  readonly isDeferred: boolean
}

/**
 * A template with `${env}` and vars substituted and every reference known only
 * at run time left as written. A var is expanded into its own template, so
 * `url=${api}/health` with `api: ${env:API_URL:-http://localhost:8000}` reads
 * `${env:API_URL:-http://localhost:8000}/health`: where the value comes from,
 * and what it falls back to.
 */
function planTemplate(
  template: string,
  known: KnownBeforeRunning,
  expanding: Set<string>,
): Planned {
  let parts: TemplatePart[]
  try {
    parts = parseTemplate(template)
  } catch {
    // `validate` reports the syntax error; the plan shows the text as written.
    return { text: template, isDeferred: false }
  }
  let text = ''
  let isDeferred = false
  for (const part of parts) {
    if (part.type === 'text') {
      text += part.text
      continue
    }
    const { ref } = part
    if (ref.type === 'environment') {
      text += known.environment
      continue
    }
    if (ref.type === 'process-env' || ref.type === 'output') {
      text += part.source
      isDeferred = true
      continue
    }
    const varTemplate = known.vars[ref.name]
    const isCut = expanding.has(ref.name) || expanding.size >= VAR_LIMITS.depth
    if (varTemplate === undefined || (isCut && !known.expanded.has(ref.name))) {
      // No value (`validate` says so): the fallback, when there is one, is what runs.
      if (varTemplate !== undefined) known.cuts++
      text += part.fallback ?? part.source
      continue
    }
    let inner = known.expanded.get(ref.name)
    if (!inner) {
      const cutsBefore = known.cuts
      expanding.add(ref.name)
      inner = planTemplate(varTemplate, known, expanding)
      expanding.delete(ref.name)
      if (known.cuts === cutsBefore) known.expanded.set(ref.name, inner)
    }
    // `${api:-x}` over a var known only at run time: which of the two applies is not known yet.
    text += inner.isDeferred && part.fallback !== null ? part.source : inner.text
    isDeferred ||= inner.isDeferred
  }
  return { text, isDeferred }
}
