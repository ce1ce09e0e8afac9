/**
 * The phase list's rows as lines (text-line.ts): a group heading, a step written as prose, an
 * approval gate and the phases it holds back, the "↑ n more" and "↓ n more" ends, and an item
 * with its state icon, its text cut to the width and its check's outcome (fit-line.ts). Pure:
 * the rows (item-row.tsx) and the first paint (first-paint/) draw these lines.
 */
import type { Item } from '../checklist/model.ts'
import { formatDuration } from '../duration.ts'
import { waitingWords } from '../run/approvals.ts'
import type { ItemState, StoredCheckResult } from '../run/model.ts'
import { fitRow } from './fit-line.ts'
import type { Span } from './markdown-lines.ts'
import { plainLine, type TextLine } from './text-line.ts'
import { CHECK_LOOK, type Color, ITEM_LOOK } from './theme.ts'

/** An item's row, as ItemRow draws it (its props, less the live check: a running row is not a line). */
export interface ItemRowInput {
  readonly item: Item
  /** Why the item does not apply here, when it does not: the row is dimmed, its end says where it does. */
  readonly outOfScope: string | null
  readonly state: ItemState
  readonly check: StoredCheckResult | null
  readonly isSelected: boolean
  readonly indent: number
  /** "manual" beside a manual item: only where some items are automated, to tell them apart. */
  readonly isManualMarked: boolean
  /** Its check is asked for and waits its turn: "queued", not its last result or kind. */
  readonly isQueued?: boolean
}

/** What the right of an item's row says: manual, its check's kind, or its check's last result. */
export interface Outcome {
  readonly text: string
  readonly color?: Color | undefined
  readonly isDim?: boolean
}

/** The row's marker (`›` when selected), indent and icon, before its text. */
export function rowPrefix(input: Pick<ItemRowInput, 'isSelected' | 'indent'>, icon: string) {
  return `${input.isSelected ? '›' : ' '}${' '.repeat(input.indent)}${icon} `
}

/** The item's look: its state's, or n/a for an item that does not apply here. */
export function rowLook(input: Pick<ItemRowInput, 'outOfScope' | 'state'>) {
  return ITEM_LOOK[input.outOfScope === null ? input.state : 'na']
}

/** The row's end, or null where it has none (a manual item where nothing is automated). */
export function rowOutcome(input: ItemRowInput): Outcome | null {
  const { item } = input
  if (input.outOfScope !== null) return { text: `n/a: ${onlyWhere(item)}`, isDim: true }
  // It starts by itself once its turn comes: nothing for the operator to do (the pane says why).
  if (input.isQueued && item.check) return { text: 'queued', color: 'cyan' }
  return item.check || input.isManualMarked ? outcomeOf(input.check, item) : null
}

/** The outcome's style: dimmed, or in its colour. */
export function outcomeStyle(outcome: Outcome): Omit<Span, 'text'> {
  return outcome.isDim ? { isDim: true } : outcome.color ? { color: outcome.color } : {}
}

/**
 * The item's row in `width` columns, one line: its text cut and padded as fit-line.ts lays it
 * out; null where fitRow leaves the row to Ink's boxes.
 */
export function itemRowLine(input: ItemRowInput, width: number): TextLine | null {
  const look = rowLook(input)
  const outcome = rowOutcome(input)
  const fitted = fitRow(rowPrefix(input, look.icon), input.item.plain, outcome?.text ?? '', width)
  if (!fitted) return null
  return {
    isCut: false,
    spans: [
      { text: input.isSelected ? '›' : ' ', color: 'cyan' },
      { text: ' '.repeat(input.indent) },
      { text: look.icon, ...(look.color ? { color: look.color } : {}) },
      { text: ' ' },
      { text: fitted.text, isBold: input.isSelected, isDim: input.outOfScope !== null },
      { text: fitted.gap },
      ...(outcome ? [{ text: fitted.end, ...outcomeStyle(outcome) }] : []),
    ],
  }
}

/** A group heading, bold and dimmed, cut at its end; the column before it is part of the line. */
export function groupRowLine(title: string, depth: number): TextLine {
  return {
    isCut: true,
    spans: [{ text: ' ' }, { text: `${' '.repeat(depth * 2)}${title}`, isBold: true, isDim: true }],
  }
}

/** A step written as prose: `≡` where an item's state icon is, so it reads as one of the rows. */
export function proseRowLine(title: string, depth: number): TextLine {
  return {
    isCut: true,
    spans: [
      { text: ' ' },
      { text: `${' '.repeat(1 + depth * 2)}≡ ${title}`, isDim: true, isItalic: true },
    ],
  }
}

/** An approval gate: waiting, with the command that approves it, or approved, by whom and when. */
export function gateRowLine(
  name: string,
  approval: { readonly by: string; readonly at: string } | null,
  runId: string,
  isTeamRun: boolean,
): TextLine {
  return approval
    ? plainLine(`  ✔ approved: ${name} — ${approval.by}, ${approval.at.slice(11, 16)}`, {
        color: 'green',
      })
    : plainLine(`  ⏸ ${waitingWords({ name }, runId, isTeamRun)}`, { color: 'yellow' })
}

/** The phases the gates above hold back, dimmed while one of them waits. */
export function heldRowLine(titles: readonly string[], isWaiting: boolean): TextLine {
  return plainLine(
    `    ${isWaiting ? 'held back' : 'then'}: ${titles.join(' · ')}`,
    isWaiting ? { isDim: true } : {},
  )
}

/** The first or last row of a list with more above or below it: `  ↑ 4 more`. */
export function moreLine(text: string): TextLine {
  return plainLine(text, { isDim: true }, false)
}

/** "dev only": the environments the item is for, without where the checklist says so. */
function onlyWhere(item: Item): string {
  const environments = item.scope.environments ?? []
  return environments.length === 0 ? 'no environment' : `${environments.join(', ')} only`
}

function outcomeOf(check: StoredCheckResult | null, item: Item): Outcome {
  if (!item.check) return { text: 'manual', isDim: true }
  if (!check) return { text: item.check.kind, isDim: true }
  const look = CHECK_LOOK[check.status]
  return {
    text: `${look.word} ${check.status === 'pass' || check.status === 'fail' ? formatDuration(check.durationMs) : ''}`.trimEnd(),
    color: look.color,
  }
}
