/**
 * Which items an item's check waits for: those it names in `needs:` and those
 * whose outputs its parameters use. Read by `validate` (no cycles), by the
 * checks (the order they run in) and by the wizard (what a check brings along).
 */
import type { Item } from './model.ts'
import { parseTemplate } from './variables.ts'

/** Checks wait for what they need, and for the items whose outputs they use. */
export function dependenciesOf(item: Item): string[] {
  const deps = new Set(item.needs)
  for (const template of Object.values(item.check?.params ?? {})) {
    try {
      for (const part of parseTemplate(template)) {
        if (part.type === 'ref' && part.ref.type === 'output') deps.add(part.ref.itemId)
      }
    } catch {
      // reported by validateCheck
    }
  }
  deps.delete(item.id)
  return [...deps]
}
