/**
 * Markdown hidden inside `<details>`. CommonMark ends an HTML block only at a blank line, so a
 * `## Rollback` heading or a list written right under `<details><summary>…</summary>` is read
 * as raw HTML: no heading, no items. Such a block is a collapsed section, and what it holds
 * still counts: the `<details>`, `</details>` and `<summary>` lines that hide markdown are
 * blanked out (a summary's text kept as bold) at the same length, so that every offset, line
 * and column stays where the file has it, and the text is read again.
 */
import type { Html, Nodes, Root } from 'mdast'

/** A line made only of these tags (after any list indentation or `>`): `<details><summary>x</summary><br>`. */
const TAG_LINE =
  /^([\s>]*)((?:<\/?details\b[^>]*>|<summary\b[^>]*>.*?<\/summary>|<br\s*\/?>|[ \t])+)$/i
const OPENS = /^\s*<details\b/i
const SUMMARY = /<summary\b[^>]*>(.*?)<\/summary>/i
const HEADING = /^[\s>]*#{1,6}(?:\s|$)/

/** The text with hidden markdown revealed, or null when no `<details>` hides any. */
export function revealDetails(text: string, root: Root): string | null {
  const blocks = detailsBlocks(root)
  if (blocks.length === 0) return null
  let out = ''
  let cursor = 0
  for (const node of blocks) {
    const start = node.position?.start.offset ?? 0
    const end = node.position?.end.offset ?? 0
    // Whole lines: from the start of the block's first line (its list indentation or `>`).
    const from = text.lastIndexOf('\n', start - 1) + 1
    const lines = text.slice(from, end).split('\n')
    // Right under a paragraph, the first line must end it: a blank, not a bold summary.
    const before = text.slice(text.lastIndexOf('\n', from - 2) + 1, Math.max(0, from - 1))
    const isAfterText = from > 0 && before.replace(/[\s>]/g, '') !== ''
    out += text.slice(cursor, from)
    out += lines
      .map((line, i) => blankTags(line, lines[i + 1] ?? '', i === 0 && isAfterText))
      .join('\n')
    cursor = end
  }
  return out + text.slice(cursor)
}

function blankTags(line: string, next: string, mustBeBlank: boolean): string {
  const match = TAG_LINE.exec(line.replace(/\r$/, ''))
  if (!match) return line
  const [, prefix = '', tags = ''] = match
  const summary = SUMMARY.exec(tags)?.[1]?.trim()
  // The summary names what the block holds, unless a heading right under it does.
  const kept = summary && !mustBeBlank && !HEADING.test(next) ? `**${summary}**` : ''
  return prefix + kept.padEnd(tags.length, ' ') + line.slice(prefix.length + tags.length)
}

/** HTML blocks that open with `<details>` and hide a line of markdown. */
function detailsBlocks(root: Root): Html[] {
  const found: Html[] = []
  const stack: Nodes[] = [root]
  for (let node = stack.pop(); node; node = stack.pop()) {
    if (node.type === 'html') {
      if (OPENS.test(node.value) && hidesMarkdown(node.value)) found.push(node)
    } else if (node.type === 'root' || node.type === 'blockquote' || node.type === 'listItem') {
      for (const child of node.children) stack.push(child)
    } else if (node.type === 'list') {
      for (const child of node.children) stack.push(child)
    }
  }
  return found.sort((a, b) => (a.position?.start.offset ?? 0) - (b.position?.start.offset ?? 0))
}

function hidesMarkdown(value: string): boolean {
  return value.split('\n').some((line) => line.trim() !== '' && !line.trimStart().startsWith('<'))
}
