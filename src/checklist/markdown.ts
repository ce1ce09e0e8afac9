/**
 * Markdown → mdast, with the extensions a checklist uses: GitHub-flavoured
 * markdown (task lists, tables) and YAML front matter.
 *
 * micromark closes a block quote or a list by moving its exit events back
 * before what follows it, through `EditMap.consume`; micromark-util-edit-map
 * 1.0.0 rebuilds the whole event list for that, so every closed container costs
 * as much as the document so far and a file of 4,000 one-item phases took
 * seconds (quadratic). The edits always fall near the end of the list, so
 * `consume` below keeps the untouched head where it is and rebuilds only from
 * the first edit on: the same events in the same order, at the cost of the tail.
 * When micromark's own `consume` stops copying the head, this goes.
 */
import type { Root } from 'mdast'
import { fromMarkdown } from 'mdast-util-from-markdown'
import { frontmatterFromMarkdown } from 'mdast-util-frontmatter'
import { gfmFromMarkdown } from 'mdast-util-gfm'
import { frontmatter } from 'micromark-extension-frontmatter'
import { gfm } from 'micromark-extension-gfm'
import { EditMap } from 'micromark-util-edit-map'

type Change = EditMap['map'][number]
type Events = Parameters<EditMap['consume']>[0]

/** Applies the recorded edits to `events`, rewriting it from the first edit on. */
function consumeTail(this: EditMap, events: Events): undefined {
  const map: Change[] = this.map
  if (map.length === 0) return
  map.sort((a, b) => a[0] - b[0])
  // Cut the list at each edit, from the last one back: what follows it, then what it adds.
  const pieces: Events[] = []
  for (let index = map.length - 1; index >= 0; index--) {
    const [at, remove, add] = map[index] as Change
    pieces.push(events.slice(at + remove), add)
    events.length = at
  }
  // `events` is now the head before the first edit: append the pieces after it, in order.
  for (let index = pieces.length - 1; index >= 0; index--) {
    for (const event of pieces[index] as Events) events.push(event)
  }
  map.length = 0
  this.index.clear()
}

EditMap.prototype.consume = consumeTail

/** Parses checklist markdown. Call only on text within `checkInputLimits`. */
export function parseMarkdown(text: string): Root {
  return fromMarkdown(text, {
    extensions: [gfm(), frontmatter(['yaml'])],
    mdastExtensions: [gfmFromMarkdown(), frontmatterFromMarkdown(['yaml'])],
  })
}
