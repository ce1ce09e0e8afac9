/**
 * The selected item in full, as lines: its text, whether it applies here (and if not, why and
 * where the checklist says so), what its check verifies, the live progress or the last result
 * (summary, details, evidence), who answered and the note, the code blocks and prose the
 * checklist writes under it (rendered: bold, links, tables), and the steps written as prose next
 * to it. Pure: the pane (detail-pane.tsx) and the first paint (first-paint/) draw these lines.
 */
import type { Block, Item, Section } from '../checklist/model.ts'
import { isWrite } from '../checks/registry.ts'
import { directiveParams, shownParams } from '../checks/shown-params.ts'
import { formatDuration } from '../duration.ts'
import { escapeControls } from '../output/terminal.ts'
import { detailsUnder } from '../report/check-text.ts'
import type { BlankEntries } from '../run/describe.ts'
import type { ItemRecord } from '../run/model.ts'
import type { LiveCheck } from '../run/snapshot.ts'
import type { ProseStep, ScopeNote } from './layout.ts'
import { blockLines, lineText, type SpanLine, sectionLines } from './markdown-lines.ts'
import { runningWords } from './running-words.ts'
import { plainLine, type TextLine } from './text-line.ts'
import { CHECK_LOOK, type Color, ITEM_LOOK } from './theme.ts'

export interface DetailLine {
  readonly text: string
  readonly color?: Color
  readonly isBold?: boolean
  readonly isDim?: boolean
  /** The line's styled pieces (rendered markdown); `text` is what they read. */
  readonly spans?: SpanLine
}

export interface DetailInput {
  readonly item: Item
  readonly record: ItemRecord | null
  readonly live: LiveCheck | undefined
  /**
   * Set while the check is asked for and waits its turn: why ("4 checks to this server are
   * running"), or "" when not said yet. It starts by itself: nothing to press.
   */
  readonly queued?: string | undefined
  readonly width: number
  readonly now: number
  /** The checklist's commands cannot run until it is trusted. */
  readonly isUntrustedCommand: boolean
  /** The section the item is in: its code blocks and prose are the item's context. */
  readonly section?: Section | undefined
  /** Steps written as prose just before or after the item (layout.ts). */
  readonly prose?: readonly ProseStep[] | undefined
  /**
   * When the checklist scopes the item to other environments: the run's environment, why
   * ("dev only (section "Development Environment", line 23)"), and the operator's word that
   * it applies here after all, if given.
   */
  readonly scope?: ScopeNote | null
  /** What the item's sign-off blanks hold, when it is blanks and some are filled. */
  readonly blanks?: BlankEntries | null
  /** Shown by a view that changes nothing (watch): no line says which key would act. */
  readonly readOnly?: boolean
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
  const scope = input.scope ?? null
  if (scope && !scope.override) {
    push(`${ITEM_LOOK.na.icon} does not apply to ${scope.environment}   id: ${item.id}`, {
      isDim: true,
    })
    push(`the checklist says: ${scope.reason}`, { color: 'yellow' })
    if (!input.readOnly)
      push('o: it applies here after all (recorded in the run and on the sheet)', { isDim: true })
    if (record?.note) push(`note: ${record.note}`, { color: 'yellow' })
    return withBlocks(lines, push, input)
  }
  const state = record?.by ? record.state : item.checked ? 'done' : 'pending'
  const look = ITEM_LOOK[state]
  const blanks = input.blanks ?? null
  // Filled blanks answer the item: the names in them are the entries, not who typed them.
  const who =
    blanks && state === 'done' && record?.by && !record.byCheck
      ? ` — entered by ${blanks.by.join(', ')} at ${clock(record.at)}`
      : record?.by && state !== 'pending'
        ? answeredBy(record)
        : // Taken back to pending (u): nobody's answer stands, so nobody is named.
          ''
  const stateLine = `${look.icon} ${look.word}${who}`
  // The id on the state's line when both fit, else on its own: never "id:" alone, the id wrapped.
  if (stateLine.length + 3 + 4 + item.id.length <= width)
    push(`${stateLine}   id: ${item.id}`, { isDim: state === 'pending' })
  else {
    push(stateLine, { isDim: state === 'pending' })
    // Broken after a `/` or `-`, not at a space: a word-wrap would leave "id:" alone above the id.
    for (const text of breakId(escapeControls(`id: ${item.id}`), width))
      lines.push({ text, isDim: true })
  }
  if (blanks) {
    push(blanks.text, { color: 'green' })
    // As the sheet says beside the same entry: "All checks passed: Yes" is not a clean claim here.
    for (const warning of blanks.warnings) push(`⚠ ${warning}`, { color: 'yellow' })
  }
  if (scope?.override) {
    push(
      `applies here after all: said by ${scope.override.by} at ${clock(scope.override.at)}; the checklist says ${scope.reason}${input.readOnly ? '' : ' (o: undo)'}`,
      { color: 'yellow' },
    )
  }
  // A skip's note is why it was skipped: it was asked for as the reason.
  if (record?.note)
    push(`${state === 'skipped' ? 'reason' : 'note'}: ${record.note}`, { color: 'yellow' })
  if (item.check) {
    // Quoted as the checklist wrote them: `output="\d+ passed, 0 failed"`, not cut at a space.
    const params = directiveParams(shownParams(item.check.kind, item.check.params))
    push(`check: ${item.check.kind} ${params}`, { isDim: true })
    if (item.needs.length > 0) push(`needs: ${item.needs.join(', ')}`, { isDim: true })
    if (live) {
      push(`${runningWords(live, input.now)}${live.progress ? ` — ${live.progress}` : ''}`, {
        color: 'cyan',
      })
      // What the try before ended on stays, while the next try runs: the VPN is the problem now.
      if (live.lastTry && live.lastTry !== live.progress)
        push(`last try: ${live.lastTry}`, { color: 'yellow' })
    } else if (input.queued !== undefined) {
      push(`queued${input.queued ? ` — ${input.queued}` : ''}: it starts by itself`, {
        color: 'cyan',
      })
    } else if (record?.check) {
      const check = record.check
      const result = CHECK_LOOK[check.status]
      const took = hasRun(check) ? ` in ${formatDuration(check.durationMs)}` : ''
      push(`${result.icon} ${result.word}${took} at ${clock(check.at)} — ${check.summary}`, {
        ...(result.color ? { color: result.color } : {}),
      })
      const details = detailsUnder(check.summary, check.details)
      for (const detail of details) push(`  ${detail}`)
      // Evidence the details already show (a command's output lines) is not shown twice.
      const evidence = Object.entries(check.evidence)
        .filter(([, value]) => !saidIn(details, value))
        .slice(0, MAX_EVIDENCE)
      for (const [key, value] of evidence)
        for (const line of evidenceLines(key, value, 1)) push(line, { isDim: true })
    } else if (input.readOnly) {
      push('not run yet', { isDim: true })
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
  return withBlocks(lines, push, input)
}

/** `lines`, then the code blocks and prose written under the item and in its section, and the steps written as prose next to it. */
function withBlocks(
  lines: DetailLine[],
  push: (text: string, style?: Omit<DetailLine, 'text'>) => void,
  input: DetailInput,
): DetailLine[] {
  const { item, section, width } = input
  const pushSpans = (spanLines: readonly SpanLine[]) => {
    for (const line of spanLines) lines.push({ text: lineText(line), spans: line })
  }
  const pushBlock = (block: Block) => {
    lines.push({ text: '' })
    pushSpans(blockLines(block, width))
  }
  for (const block of item.blocks) pushBlock(block)
  const context = section?.blocks ?? []
  if (context.length > 0) {
    lines.push({ text: '' })
    push(`from “${section?.title}”:`, { isDim: true })
    for (const block of context) pushBlock(block)
  }
  for (const step of input.prose ?? []) {
    lines.push({ text: '' })
    const where = step.where === 'before' ? 'before it' : 'then'
    push(`${where}, written as prose: “${step.section.title}”`, { isDim: true })
    lines.push({ text: '' })
    pushSpans(sectionLines(step.section, width, false))
  }
  return lines
}

/**
 * Who gave the answer: a person, or the item's check. A result the check decided is
 * credited to it ("verified by check at 11:46:44 (pass in 38 ms)"), never to the
 * operator who happened to run it; a person's answer is theirs.
 */
/** Whether the check ran at all: a blocked one waited on another, a skipped one was not started. */
function hasRun(check: { readonly status: string }): boolean {
  return check.status !== 'blocked' && check.status !== 'skipped'
}

function answeredBy(record: ItemRecord): string {
  if (!record.byCheck) return ` by ${record.by} at ${clock(record.at)}`
  const check = record.check
  // Its latest result, when that is still what the answer says (a later run may have skipped).
  const agrees =
    check !== null &&
    (record.state === 'done'
      ? check.status === 'pass'
      : check.status !== 'pass' && check.status !== 'skipped')
  // A check that never ran (blocked, not run) has no duration to give: its summary says why.
  const how = !agrees
    ? ''
    : hasRun(check)
      ? ` (${check.status} in ${formatDuration(check.durationMs)})`
      : ` (${check.summary})`
  // "done — verified by check", "failed by check".
  const verb = record.state === 'done' ? ' — verified' : ''
  return `${verb} by check at ${clock(agrees ? check.at : record.at)}${how}`
}

/** The expanded pane's room as last drawn, for PgUp/PgDn: how far it scrolls, and a page. */
export interface DetailRoom {
  max: number
  page: number
}

/** A row of the pane: a detail line, or the line that says what is above or below it. */
export type PaneRow =
  | { readonly kind: 'line'; readonly line: DetailLine }
  | { readonly kind: 'marker'; readonly text: string }

/**
 * The rows the pane draws for `lines` in `height` rows. Collapsed, the first of them and how
 * many more (enter expands); expanded (`scroll`), from `offset` on, with what is above and below
 * and the keys that get there, so every line can be read. `scroll.room` is told how far it can go.
 */
export function paneRows(
  lines: readonly DetailLine[],
  height: number,
  scroll?: { readonly offset: number; readonly room?: DetailRoom | undefined },
): PaneRow[] {
  const fits = lines.length <= height
  let shown: readonly DetailLine[]
  let above = 0
  if (fits) shown = lines
  else if (!scroll) shown = lines.slice(0, Math.max(0, height - 1))
  else {
    // Two rows say what is above and below; the rest show the text.
    const rows = Math.max(1, height - 2)
    const max = Math.max(0, lines.length - rows)
    if (scroll.room) {
      scroll.room.max = max
      scroll.room.page = Math.max(1, rows - 1)
    }
    above = Math.min(scroll.offset, max)
    shown = lines.slice(above, above + rows)
  }
  const below = lines.length - above - shown.length
  const rows: PaneRow[] = []
  if (scroll && !fits) {
    const text = above > 0 ? `↑ ${above} more ${above === 1 ? 'line' : 'lines'} (PgUp)` : ' '
    rows.push({ kind: 'marker', text })
  }
  for (const line of shown) rows.push({ kind: 'line', line })
  if (scroll && !fits) {
    rows.push({
      kind: 'marker',
      text:
        below > 0
          ? `↓ ${below} more ${below === 1 ? 'line' : 'lines'} (PgDn · enter: back)`
          : 'end (PgUp: back up · enter: back)',
    })
  } else if (below > 0) {
    rows.push({
      kind: 'marker',
      text: `… ${below} more ${below === 1 ? 'line' : 'lines'} (enter: expand)`,
    })
  }
  return rows
}

/**
 * A row of the pane as a line (text-line.ts): a marker dimmed (wrapped, as its Text was); a
 * line of markdown spans cut at the edge; any other line in its colour and weight, cut.
 */
export function paneRowLine(row: PaneRow): TextLine {
  if (row.kind === 'marker') return plainLine(row.text, { isDim: true }, false)
  const { line } = row
  if (line.spans && line.spans.length > 0) return { spans: line.spans, isCut: true }
  return plainLine(line.text || ' ', {
    ...(line.color ? { color: line.color } : {}),
    ...(line.isBold ? { isBold: true } : {}),
    ...(line.isDim ? { isDim: true } : {}),
  })
}

/**
 * Word-wraps to `width`, breaking words longer than a line. A line's indent is kept on
 * each of its lines (nested evidence stays nested), and a word too long for any line
 * goes on after what is before it (`stackId: arn:aws:…`), not alone below it.
 */
export function wrap(text: string, width: number): string[] {
  const out: string[] = []
  for (const paragraph of text.split('\n')) {
    const indent = (/^ */.exec(paragraph)?.[0] ?? '').slice(0, Math.max(0, width - 8))
    const room = Math.max(1, width - indent.length)
    let line = ''
    for (const word of paragraph.slice(indent.length).split(' ')) {
      let rest = word
      // A key keeps its value beside it: the value is what wraps.
      while (rest.length > room || (isKey(line) && line.length + 1 + rest.length > room)) {
        // The rest of this line, when there is a fair part of one; else a line of its own.
        const free = line ? room - line.length - 1 : room
        if (free >= Math.min(8, room)) {
          out.push(indent + (line ? `${line} ` : '') + rest.slice(0, free))
          rest = rest.slice(free)
        } else {
          out.push(indent + line)
          out.push(indent + rest.slice(0, room))
          rest = rest.slice(room)
        }
        line = ''
      }
      if (!line) line = rest
      else if (line.length + 1 + rest.length <= room) line += ` ${rest}`
      else {
        out.push(indent + line)
        line = rest
      }
    }
    out.push(indent + line)
  }
  return out
}

/**
 * An id line in lines of at most `width`, each broken just after a `/` or `-`
 * (`…/health-checks-include-` / `dependencies`); cut at the width only where a part has none.
 */
export function breakId(text: string, width: number): string[] {
  const room = Math.max(1, width)
  const out: string[] = []
  let rest = text
  while (rest.length > room) {
    const head = rest.slice(0, room)
    const at = Math.max(head.lastIndexOf('/'), head.lastIndexOf('-')) + 1
    const cut = at > room / 3 ? at : room
    out.push(rest.slice(0, cut))
    rest = rest.slice(cut)
  }
  out.push(rest)
  return out
}

/** `stackId:`: a field's name alone on the line so far. */
function isKey(line: string): boolean {
  return line.endsWith(':') && !line.includes(' ')
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

/** Whether `value` (text, or a list of texts) is already among the `details` shown. */
function saidIn(details: readonly string[], value: unknown): boolean {
  const texts = Array.isArray(value) ? value : [value]
  return (
    texts.length > 0 &&
    texts.every((text) => typeof text === 'string' && text !== '' && details.includes(text))
  )
}

function clock(iso: string | null): string {
  if (!iso) return '?'
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return date.toLocaleTimeString('en-GB', { hour12: false })
}
