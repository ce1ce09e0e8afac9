/**
 * The selected item in full: its text, what its check verifies, the live
 * progress or the last result (summary, details, evidence), who answered and
 * the note, and the code blocks and prose the checklist writes under it.
 * `detailLines` is pure; the pane draws as many lines as it is given room for.
 */
import { Box } from 'ink'
import type { Block, Item, Section } from '../checklist/model.ts'
import { isWrite } from '../checks/registry.ts'
import { shownParams } from '../checks/shown-params.ts'
import { formatDuration } from '../duration.ts'
import { escapeControls } from '../output/terminal.ts'
import { detailsUnder } from '../report/check-text.ts'
import type { ItemRecord } from '../run/model.ts'
import { Text } from './text.tsx'
import { CHECK_LOOK, type Color, ITEM_LOOK } from './theme.ts'
import type { LiveCheck } from './use-wizard-state.ts'

export interface DetailLine {
  readonly text: string
  readonly color?: Color
  readonly isBold?: boolean
  readonly isDim?: boolean
}

export interface DetailInput {
  readonly item: Item
  readonly record: ItemRecord | null
  readonly live: LiveCheck | undefined
  readonly width: number
  readonly now: number
  /** The checklist's commands cannot run until it is trusted. */
  readonly isUntrustedCommand: boolean
  /** The section the item is in: its code blocks and prose are the item's context. */
  readonly section?: Section | undefined
}

const MAX_EVIDENCE = 8

export function detailLines(input: DetailInput): DetailLine[] {
  const { item, record, live, width } = input
  const lines: DetailLine[] = []
  // Made inert before it is wrapped, so that the lines are cut where they will be drawn.
  const push = (text: string, style: Omit<DetailLine, 'text'> = {}) => {
    for (const line of wrap(escapeControls(text), width)) lines.push({ text: line, ...style })
  }
  push(item.plain, { isBold: true })
  const state = record?.by ? record.state : item.checked ? 'done' : 'pending'
  const look = ITEM_LOOK[state]
  const who = record?.by ? ` by ${record.by} at ${clock(record.at)}` : ''
  const stateLine = `${look.icon} ${look.word}${who}`
  // The id on the state's line when both fit, else on its own: never "id:" alone, the id wrapped.
  if (stateLine.length + 3 + 4 + item.id.length <= width)
    push(`${stateLine}   id: ${item.id}`, { isDim: state === 'pending' })
  else {
    push(stateLine, { isDim: state === 'pending' })
    // Cut at the width, not at a space: a word-wrap would leave "id:" alone above the id.
    const idLine = escapeControls(`id: ${item.id}`)
    for (let at = 0; at < idLine.length; at += Math.max(1, width))
      lines.push({ text: idLine.slice(at, at + Math.max(1, width)), isDim: true })
  }
  if (record?.note) push(`note: ${record.note}`, { color: 'yellow' })
  if (item.check) {
    const params = Object.entries(shownParams(item.check.kind, item.check.params))
      .map(([key, value]) => `${key}=${value}`)
      .join(' ')
    push(`check: ${item.check.kind} ${params}`, { isDim: true })
    if (item.needs.length > 0) push(`needs: ${item.needs.join(', ')}`, { isDim: true })
    if (live) {
      const elapsed = formatDuration(input.now - live.startedAt)
      push(`running for ${elapsed}${live.progress ? ` — ${live.progress}` : ''}`, {
        color: 'cyan',
      })
    } else if (record?.check) {
      const check = record.check
      const result = CHECK_LOOK[check.status]
      push(
        `${result.icon} ${result.word} in ${formatDuration(check.durationMs)} at ${clock(check.at)} — ${check.summary}`,
        { ...(result.color ? { color: result.color } : {}) },
      )
      for (const detail of detailsUnder(check.summary, check.details)) push(`  ${detail}`)
      const evidence = Object.entries(check.evidence).slice(0, MAX_EVIDENCE)
      for (const [key, value] of evidence)
        for (const line of evidenceLines(key, value, 1)) push(line, { isDim: true })
    } else if (isWrite(item)) {
      push('a write: it runs only when you press r on it, never by itself', { color: 'yellow' })
    } else if (input.isUntrustedCommand) {
      push('not run: the checklist is not trusted yet — press r to review and trust it', {
        color: 'yellow',
      })
    } else {
      push('not run yet — press r to run it', { isDim: true })
    }
  }
  const pushBlock = (block: Block) => {
    lines.push({ text: '' })
    if (block.kind === 'code') {
      push(`\`\`\`${block.lang ?? ''}`, { isDim: true })
      // Code keeps its indentation: cut at the edge, never re-wrapped.
      for (const line of escapeControls(block.code ?? '').split('\n'))
        lines.push({ text: line, color: 'cyan' })
      push('```', { isDim: true })
    } else {
      for (const line of escapeControls(block.markdown).split('\n')) push(line)
    }
  }
  for (const block of item.blocks) pushBlock(block)
  const context = input.section?.blocks ?? []
  if (context.length > 0) {
    lines.push({ text: '' })
    push(`from “${input.section?.title}”:`, { isDim: true })
    for (const block of context) pushBlock(block)
  }
  return lines
}

export function DetailPane({
  lines,
  height,
}: {
  readonly lines: readonly DetailLine[]
  readonly height: number
}) {
  const shown = lines.length > height ? lines.slice(0, Math.max(0, height - 1)) : lines
  const hidden = lines.length - shown.length
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      {shown.map((line, index) => (
        <Text
          // biome-ignore lint/suspicious/noArrayIndexKey: lines have no identity beyond their place
          key={index}
          wrap="truncate-end"
          {...(line.color ? { color: line.color } : {})}
          bold={line.isBold ?? false}
          dimColor={line.isDim ?? false}
        >
          {line.text || ' '}
        </Text>
      ))}
      {hidden > 0 ? <Text dimColor>{`… ${hidden} more lines (enter: expand)`}</Text> : null}
    </Box>
  )
}

/** Word-wraps to `width`, breaking words longer than a line. */
export function wrap(text: string, width: number): string[] {
  const out: string[] = []
  for (const paragraph of text.split('\n')) {
    let line = ''
    for (const word of paragraph.split(' ')) {
      let rest = word
      while (rest.length > width) {
        if (line) {
          out.push(line)
          line = ''
        }
        out.push(rest.slice(0, width))
        rest = rest.slice(width)
      }
      if (!line) line = rest
      else if (line.length + 1 + rest.length <= width) line += ` ${rest}`
      else {
        out.push(line)
        line = rest
      }
    }
    out.push(line)
  }
  return out
}

/**
 * A piece of evidence as lines to read, not JSON: `gsi: none`, `ports: 80, 443`, and an object's
 * fields each on a line of their own under its name (`ttl:` then `  status: DISABLED`).
 */
export function evidenceLines(key: string, value: unknown, depth: number): string[] {
  const indent = '  '.repeat(depth)
  if (value === null || typeof value !== 'object') return [`${indent}${key}: ${String(value)}`]
  const entries = Array.isArray(value)
    ? value.map((element, index) => [String(index + 1), element] as const)
    : Object.entries(value)
  if (entries.length === 0) return [`${indent}${key}: none`]
  if (entries.every(([, element]) => element === null || typeof element !== 'object')) {
    if (Array.isArray(value)) return [`${indent}${key}: ${value.map(String).join(', ')}`]
  }
  // Deep down, one line of JSON is the shortest thing to read.
  if (depth >= MAX_EVIDENCE_DEPTH) return [`${indent}${key}: ${JSON.stringify(value)}`]
  return [
    `${indent}${key}:`,
    ...entries.flatMap(([name, element]) => evidenceLines(name, element, depth + 1)),
  ]
}

const MAX_EVIDENCE_DEPTH = 3

function clock(iso: string | null): string {
  if (!iso) return '?'
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return date.toLocaleTimeString('en-GB', { hour12: false })
}
