/**
 * A checklist as it will run for one environment: which items apply, which are
 * automated, and their parameters with every reference that can be known before
 * running resolved. `${env:NAME}` and check outputs are left as written: the
 * first may hold a secret, the second exists only once the check has run.
 */
import type { Checklist, Item, Section } from './model.ts'
import { describeScope, isInScope } from './scope.ts'
import { createLookup, parseTemplate, resolveTemplate, varsFor } from './variables.ts'

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
  readonly items: readonly PlannedItem[]
  readonly sections: readonly PlannedSection[]
}

export interface Plan {
  readonly environment: string
  readonly phases: readonly PlannedSection[]
  readonly totals: {
    readonly items: number
    readonly applicable: number
    readonly automated: number
  }
}

export function planChecklist(checklist: Checklist, environment: string): Plan {
  const lookup = createLookup({
    environment,
    vars: varsFor(checklist.frontMatter, environment),
    processEnv: {},
    output: () => undefined,
  })
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
      params: item.check ? resolveParams(item.check.params, lookup) : null,
    }
    return [planned, ...(children.get(item.id) ?? []).flatMap(planItem)]
  }
  const planSection = (section: Section): PlannedSection => ({
    section,
    applies: isInScope(section.scope, environment),
    items: section.items.flatMap(planItem),
    sections: section.sections.filter((s) => s.itemCount > 0).map(planSection),
  })
  const phases = checklist.phases.map(planSection)
  return { environment, phases, totals: { items: checklist.items.length, applicable, automated } }
}

function resolveParams(
  params: Readonly<Record<string, string>>,
  lookup: ReturnType<typeof createLookup>,
): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, template] of Object.entries(params)) {
    try {
      const parts = parseTemplate(template)
      // Unresolved references stay as written so the reader sees what fills them later.
      out[key] = parts
        .map((part) => {
          if (part.type === 'text') return part.text
          const resolved = resolveTemplate([part], lookup)
          return resolved.missing.length > 0 ? part.source : resolved.value
        })
        .join('')
    } catch {
      out[key] = template
    }
  }
  return out
}
