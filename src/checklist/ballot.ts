/**
 * Ballot boxes as task items: `- ☐ Deploy`, `* ☐ Deploy`, `1. ☐ Deploy` (U+2610) is an
 * unchecked task item, `- ☑ Deploy` / `- ☒ Deploy` (U+2611, U+2612) a checked one: the task
 * list teams type where their editor has no `[ ]`. GitHub's markdown reads them as plain
 * bullets, so the tree is changed after parsing: the list item gets `checked` as a `[ ]` one
 * has, and the box leaves its text (and its position), so the item reads, and takes its id,
 * exactly as `- [ ] Deploy` does.
 *
 * A line with a second box (`- ☐ GO ☐ NO-GO`) is a choice written on one line, not a step:
 * it stays a bullet, read as the sign-off reads such a line (signoff.ts).
 */
import type { Nodes, Root } from 'mdast'

/** A box, an optional emoji variation selector (`☑️`), then space before the text. */
const LEADING_BOX = /^([☐☑☒])\uFE0F?[ \t]+/u
const ANY_BOX = /[☐☑☒]/u

/** Marks every list item that starts with a ballot box as a task item, in place. */
export function readBallotBoxes(root: Root): void {
  // A walk with its own stack: any nesting will do.
  const stack: Nodes[] = [root]
  for (let next = stack.pop(); next; next = stack.pop()) {
    if (next.type === 'listItem') markBallotItem(next)
    // Code, HTML and text hold no list items.
    if ('children' in next && next.type !== 'paragraph' && next.type !== 'heading') {
      for (const child of next.children as Nodes[]) stack.push(child)
    }
  }
}

function markBallotItem(item: Extract<Nodes, { type: 'listItem' }>): void {
  if (typeof item.checked === 'boolean') return
  const paragraph = item.children[0]
  if (paragraph?.type !== 'paragraph') return
  const text = paragraph.children[0]
  if (text?.type !== 'text') return
  const box = LEADING_BOX.exec(text.value)
  if (!box) return
  const rest = text.value.slice(box[0].length)
  // A second box anywhere on the line makes it a choice, not a step.
  if (ANY_BOX.test(rest) || paragraph.children.slice(1).some(holdsBox)) return
  item.checked = box[1] !== '☐'
  if (rest === '') {
    paragraph.children.shift()
    return
  }
  text.value = rest
  const start = text.position?.start
  if (start && start.offset !== undefined) {
    // The box and its space are on the first line: the text now starts after them.
    text.position = {
      start: {
        ...start,
        offset: start.offset + box[0].length,
        column: start.column + box[0].length,
      },
      end: text.position?.end ?? start,
    }
  }
}

/** Whether an inline node (or what it holds) has a box in its text: `- ☐ **GO** ☐ NO-GO`. */
function holdsBox(node: Nodes): boolean {
  const stack: Nodes[] = [node]
  for (let next = stack.pop(); next; next = stack.pop()) {
    if (next.type === 'text' && ANY_BOX.test(next.value)) return true
    if ('children' in next) for (const child of next.children as Nodes[]) stack.push(child)
  }
  return false
}
