/**
 * A checklist with no task items: its steps, if it has any, are written some other way
 * (numbered steps, plain bullets, a table whose status cells are boxes), and a run of it would
 * have nothing to answer. `validate` warns of it and says what it found instead; `run` refuses
 * one that has no sign-off fields either, since such a run could only end saying nothing.
 */
import type { Nodes } from 'mdast'
import { toString as plainText } from 'mdast-util-to-string'
import { UserError } from '../errors.ts'
import type { Block, Checklist, Section } from './model.ts'

/** Lines that read like steps but are no task items, counted by shape; `line` is the first one's. */
export interface UnboxedSteps {
  readonly numbered: number
  readonly bullets: number
  readonly boxRows: number
  readonly line: number | null
}

/** A table cell that is a box and nothing else: `☐`, `☑`, `☒`, `[ ]`, `[x]`. */
const BOX_CELL = /^(?:[☐☑☒]|\[[ xX]?\])$/u

/** What reads like steps outside task items, in every section but the sign-off's. */
export function unboxedSteps(checklist: Checklist): UnboxedSteps {
  const top = checklist.sections
  const sections: Section[] = top.filter((section, index) => {
    if ('role' in section && section.role === 'signoff') return false
    // A section the sign-off fields were read from asks for them (reference.ts says the same).
    const end = top[index + 1]?.line ?? Number.POSITIVE_INFINITY
    return !checklist.signoff.some((field) => field.line >= section.line && field.line < end)
  })
  return sumOf([...walkSections(sections)].map((section) => stepsIn(section.blocks)))
}

/** What reads like steps in `blocks` (a section's own, not its sub-sections'). */
export function stepsIn(blocks: readonly Block[]): UnboxedSteps {
  let numbered = 0
  let bullets = 0
  let boxRows = 0
  let first: number | null = null
  const seen = (at: number | undefined) => {
    if (at !== undefined && (first === null || at < first)) first = at
  }
  // Walks with its own stack: any nesting will do.
  const stack: { node: Nodes; ordered: boolean }[] = blocks.flatMap((block) =>
    block.node ? [{ node: block.node, ordered: false }] : [],
  )
  for (let next = stack.pop(); next; next = stack.pop()) {
    const { node } = next
    if (node.type === 'listItem') {
      // A blank line of a template ("1. ", "- ") is no step: a place to write one.
      if (plainText(node).trim() === '') continue
      if (next.ordered) numbered++
      else bullets++
      seen(node.position?.start.line)
    } else if (node.type === 'tableRow') {
      // The header row is a row too: it holds no box.
      if (node.children.some((cell) => BOX_CELL.test(plainText(cell).trim()))) {
        boxRows++
        seen(node.position?.start.line)
      }
    }
    if (!('children' in node)) continue
    const ordered = node.type === 'list' ? node.ordered === true : next.ordered
    for (const child of node.children as Nodes[]) stack.push({ node: child, ordered })
  }
  return { numbered, bullets, boxRows, line: first }
}

/** Counts added up; the first line is the earliest. */
export function sumOf(tallies: readonly UnboxedSteps[]): UnboxedSteps {
  const lines = tallies.flatMap((t) => (t.line === null ? [] : [t.line]))
  return {
    numbered: tallies.reduce((n, t) => n + t.numbered, 0),
    bullets: tallies.reduce((n, t) => n + t.bullets, 0),
    boxRows: tallies.reduce((n, t) => n + t.boxRows, 0),
    line: lines.length > 0 ? Math.min(...lines) : null,
  }
}

function* walkSections(sections: readonly Section[]): Generator<Section> {
  const stack = [...sections].reverse()
  for (let next = stack.pop(); next; next = stack.pop()) {
    yield next
    for (let i = next.sections.length - 1; i >= 0; i--) stack.push(next.sections[i] as Section)
  }
}

/** "5 numbered steps, 12 plain bullets and 36 table rows with a ☐ cell"; null for none. */
export function describeUnboxed(found: UnboxedSteps): string | null {
  const parts = [
    found.numbered > 0 ? count(found.numbered, 'numbered step') : '',
    found.bullets > 0 ? count(found.bullets, 'plain bullet') : '',
    found.boxRows > 0
      ? count(found.boxRows, 'table row with a ☐ cell', 'table rows with a ☐ cell')
      : '',
  ].filter(Boolean)
  if (parts.length === 0) return null
  if (parts.length === 1) return parts[0] ?? null
  return `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`
}

/** How to make a step something a run asks for. */
export const HOW_TO_WRITE_STEPS =
  'write each step as a task item, "- [ ] Deploy to production" ("1. [ ] …" for a numbered one): only task items are steps a run asks for'

/**
 * Why a run of `checklist` cannot start: it has neither task items nor sign-off fields, so it
 * would open on nothing and could only end saying nothing. Null when it can. `name` is the
 * checklist as the operator named it.
 */
export function noStepsToRun(checklist: Checklist, name: string): UserError | null {
  if (checklist.items.length > 0 || checklist.signoff.length > 0) return null
  const found = describeUnboxed(unboxedSteps(checklist))
  return new UserError(
    `${name} has no steps to run: no task items ("- [ ] …") and no sign-off fields${found ? `; it has ${found} instead` : ''}`,
    { hint: `${HOW_TO_WRITE_STEPS}; deploy-wizard validate ${name} says where` },
  )
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`
}
