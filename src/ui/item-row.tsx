/**
 * One line of a phase's list: a group heading, a step written as prose, or an item with its state icon,
 * its text (cut to the width) and, for an automated item, the check's outcome — each the line
 * row-lines.ts lays out, drawn in one text node.
 * Rows are memoised: a finished row does not render again while other rows'
 * spinners turn; a running row's spinner and clock re-render on the shared tick
 * (animation.tsx).
 */
import { Box } from 'ink'
import { memo } from 'react'
import type { Item } from '../checklist/model.ts'
import type { ItemState, StoredCheckResult } from '../run/model.ts'
import type { LiveCheck } from '../run/snapshot.ts'
import { useTick } from './animation.tsx'
import { keptWidth } from './fit-line.ts'
import {
  gateRowLine,
  groupRowLine,
  heldRowLine,
  itemRowLine,
  type Outcome,
  outcomeStyle,
  proseRowLine,
  rowLook,
  rowOutcome,
} from './row-lines.ts'
import { runningWords } from './running-words.ts'
import { LineText } from './span-text.tsx'
import { Text } from './text.tsx'
import { SPINNER_FRAMES } from './theme.ts'

export interface ItemRowProps {
  readonly item: Item
  /**
   * Why the item does not apply here ("dev only (section …)"), when it does not: the row is
   * drawn dimmed, with the environments it is for in place of its check.
   */
  readonly outOfScope?: string | null
  readonly state: ItemState
  readonly check: StoredCheckResult | null
  readonly live: LiveCheck | undefined
  readonly isSelected: boolean
  readonly indent: number
  /** "manual" beside a manual item: only where some items are automated, to tell them apart. */
  readonly isManualMarked?: boolean
  /** Its check waits its turn: the row says "queued". */
  readonly isQueued?: boolean
  /**
   * The row's width, when known: the row is then one text node, laid out by row-lines.ts;
   * without it, boxes that fill the width they are given.
   */
  readonly width?: number
}

export const ItemRow = memo(function ItemRow({
  item,
  outOfScope = null,
  state,
  check,
  live,
  isSelected,
  indent,
  isManualMarked = true,
  isQueued = false,
  width,
}: ItemRowProps) {
  const input = { item, outOfScope, state, check, isSelected, indent, isManualMarked, isQueued }
  const look = rowLook(input)
  const outcome = rowOutcome(input)
  // One text node where the row's width is known: the text cut and padded as the boxes below
  // would cut and pad it (fit-line.ts). A running row keeps its boxes: its clock's width
  // changes on every tick.
  const line = width !== undefined && !live ? itemRowLine(input, width) : null
  if (line) return <LineText line={line} />
  // The marker, indent, icon and text are one text node (every redraw lays out and measures
  // each node), cut at its end: a narrow terminal shortens the text, never the icon. The text's
  // box starts from nothing and never goes under its kept columns, so that the end's box gives
  // way (cut at its end) where the end is too long, as fitRow cuts it: never a second line.
  const marker = isSelected ? '›' : ' '
  return (
    <Box>
      <Box flexGrow={1} flexBasis={0} minWidth={indent + 3 + keptWidth(item.plain)}>
        <Text wrap="truncate-end">
          <Text color="cyan">{marker}</Text>
          {' '.repeat(indent)}
          {live ? <Spinner /> : <Text color={look.color}>{look.icon}</Text>}{' '}
          <Text bold={isSelected} dimColor={outOfScope !== null}>
            {item.plain}
          </Text>
        </Text>
      </Box>
      <Box marginLeft={1}>
        <Text wrap="truncate-end">
          {live ? <RunningClock live={live} /> : outcome ? <OutcomeText outcome={outcome} /> : null}
        </Text>
      </Box>
    </Box>
  )
})

export const GroupRow = memo(function GroupRow({
  title,
  depth,
}: {
  readonly title: string
  readonly depth: number
}) {
  // One text node, the column before the title in it, cut at its end (Ink cuts only what is
  // too wide): as a box of its own beside the title, that column shrank away under a long one.
  return <LineText line={groupRowLine(title, depth)} />
})

/** A step written as prose: nothing to mark, its text is in the detail of the item next to it. */
export const ProseRow = memo(function ProseRow({
  title,
  depth,
}: {
  readonly title: string
  readonly depth: number
}) {
  return <LineText line={proseRowLine(title, depth)} />
})

/**
 * An approval gate where the operator meets it in the list: waiting, with the command that
 * approves it, or approved, by whom and when.
 */
export const GateRow = memo(function GateRow({
  name,
  approval,
  runId,
  isTeamRun,
}: {
  readonly name: string
  readonly approval: { readonly by: string; readonly at: string } | null
  readonly runId: string
  readonly isTeamRun: boolean
}) {
  return <LineText line={gateRowLine(name, approval, runId, isTeamRun)} />
})

/** The phases the gates above hold back, dimmed while one of them waits. */
export const HeldRow = memo(function HeldRow({
  titles,
  isWaiting,
}: {
  readonly titles: readonly string[]
  readonly isWaiting: boolean
}) {
  return <LineText line={heldRowLine(titles, isWaiting)} />
})

function Spinner() {
  const frame = useTick()
  return <Text color="cyan">{SPINNER_FRAMES[frame % SPINNER_FRAMES.length]}</Text>
}

function RunningClock({ live }: { readonly live: LiveCheck }) {
  useTick() // counts on the spinners' tick, so a clock never costs a redraw of its own

  return <Text color="cyan">{runningWords(live, Date.now())}</Text>
}

function OutcomeText({ outcome }: { readonly outcome: Outcome }) {
  const style = outcomeStyle(outcome)
  return (
    <Text dimColor={style.isDim ?? false} {...(style.color ? { color: style.color } : {})}>
      {outcome.text}
    </Text>
  )
}
