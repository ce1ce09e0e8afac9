/**
 * Which items' checks to run: those of an environment, of some phases, of some
 * items and what they need. Apart from the code that runs checks (jobs.ts), so
 * that a wizard not running any yet (its first screen) need not load that.
 */
import { dependenciesOf } from '../checklist/dependencies.ts'
import type { Checklist, Item } from '../checklist/model.ts'
import { isInScope } from '../checklist/scope.ts'

/**
 * The items to check for one environment: those in scope with a check (or said to apply
 * there after all, in a run: `appliesAfterAll`), in the phases asked for (by id; see
 * `findPhases`), limited to `only` ids when given, plus everything those need so their
 * outputs exist.
 */
export function selectCheckItems(
  checklist: Checklist,
  environment: string,
  filter: {
    readonly phases?: readonly string[]
    readonly only?: readonly string[]
    readonly appliesAfterAll?: ReadonlySet<string>
  } = {},
): Item[] {
  const inScope = checklist.items.filter(
    (item) =>
      item.check &&
      (isInScope(item.scope, environment) || filter.appliesAfterAll?.has(item.id) === true),
  )
  const byId = new Map(inScope.map((item) => [item.id, item]))
  let chosen = inScope
  if (filter.phases && filter.phases.length > 0) {
    const phaseIds = new Set(filter.phases)
    chosen = chosen.filter((item) => phaseIds.has(item.phaseId))
  }
  if (filter.only && filter.only.length > 0) {
    const only = new Set(filter.only)
    chosen = chosen.filter((item) => only.has(item.id))
  }
  const wanted = new Set<string>()
  const add = (item: Item) => {
    if (wanted.has(item.id)) return
    wanted.add(item.id)
    for (const dep of dependenciesOf(item)) {
      const needed = byId.get(dep)
      if (needed) add(needed)
    }
  }
  for (const item of chosen) add(item)
  return inScope.filter((item) => wanted.has(item.id))
}

/**
 * The phases `name` means, most exact first: the phase id, the title (numbering
 * and case aside), then titles starting with it, then titles with a word
 * starting with it. More than one means the name is ambiguous.
 */
export function findPhases(checklist: Checklist, name: string): string[] {
  const wanted = normalise(name)
  const titles = checklist.phases.map((p) => ({ id: p.id, title: normalise(p.title) }))
  const tiers = [
    titles.filter((p) => p.id === name),
    titles.filter((p) => p.title === wanted),
    titles.filter((p) => p.title.startsWith(wanted)),
    titles.filter((p) => p.title.split(/[^\p{L}\p{N}]+/u).some((word) => word.startsWith(wanted))),
  ]
  return (tiers.find((tier) => wanted !== '' && tier.length > 0) ?? []).map((p) => p.id)
}

function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/^[\d.\s]*(phase|fase|step|passo)?\s*[\d.:)-]*\s*/u, '')
    .replace(/\s+/g, ' ')
    .trim()
}
