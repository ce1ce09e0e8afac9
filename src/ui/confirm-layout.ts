/**
 * How a yes-or-no question over a list is laid out (ConfirmPrompt, TrustPrompt in prompts.tsx):
 * which lines it has, how many rows its list gets, whether it scrolls. Pure, so that the Ink
 * prompt and the frame painted before Ink loads (first-paint/trust-screen.ts) are the same
 * arithmetic, not two copies of it.
 */
import type { Item } from '../checklist/model.ts'
import { commandLine } from '../trust.ts'
import { wrapText } from './text-kit.ts'
import type { Color } from './theme.ts'

/** A confirm prompt's colour (its border, title, subtitle and scroll hint) unless it says another. */
export const CONFIRM_COLOR: Color = 'yellow'

/** Lines a bordered prompt takes beyond its content: the border above and below. */
export const BORDER_LINES = 2
/** Columns a bordered prompt takes beyond its content: the border and a space of padding, each side. */
export const BORDER_COLUMNS = 4
/** Under this many lines for the list, the scroll hint gives its line back to the list. */
const MIN_LIST_WITH_HINT = 3
/** What starts each command on the trust prompt; its wrapped lines are indented as far. */
const COMMAND_PROMPT = '  $ '

/** What a confirm prompt shows beside its list, and the rows its list gets. */
export interface ConfirmLayout {
  /** Both answers on one line, or one each. */
  readonly answers: readonly string[]
  /** The subtitle, wrapped to the prompt's width. */
  readonly subtitleLines: readonly string[]
  /** Whether the list is longer than its rows. */
  readonly isScrolled: boolean
  /** Whether the scroll hint has a line under the list. */
  readonly hasHint: boolean
  /**
   * Whether the note is shown: not where the list scrolls in rows too few for its `↓ n more`,
   * whose scroll hint then takes the note's line (what is still unread matters more).
   */
  readonly showsNote: boolean
  /** The rows the list is drawn in. */
  readonly listHeight: number
  /**
   * The rows left for the list (and the hint) by the title, subtitle, note and answers. Under
   * one, the prompt is taller than `height`: the list keeps one row whatever is left.
   */
  readonly room: number
}

/**
 * A confirm prompt's layout in `width` columns and `height` rows, its border included: the list
 * of `lineCount` lines scrolls when the rows left for it cannot hold it.
 */
export function confirmLayout({
  subtitle,
  lineCount,
  hasNote,
  yes,
  no,
  width,
  height,
}: {
  readonly subtitle: string | undefined
  readonly lineCount: number
  readonly hasNote: boolean
  readonly yes: string
  readonly no: string
  readonly width: number
  readonly height: number
}): ConfirmLayout {
  // Both answers on one line when it holds them (inside the border and its padding), else one each.
  const answers =
    `y: ${yes} · n: ${no}`.length <= width - BORDER_COLUMNS
      ? [`y: ${yes} · n: ${no}`]
      : [`y: ${yes}`, `n: ${no}`]
  const subtitleLines = subtitle
    ? wrapText(subtitle, Math.max(8, width - BORDER_COLUMNS)).split('\n')
    : []
  const room = height - BORDER_LINES - 1 - subtitleLines.length - (hasNote ? 1 : 0) - answers.length
  const isScrolled = lineCount > Math.max(1, room)
  if (isScrolled && room < MIN_LIST_WITH_HINT) {
    // Rows too few for the list's `↑ n more` / `↓ n more` (scroll-rows.ts): the hint must say
    // that more is unread, in the note's line, or else in one of the list's.
    const listHeight = Math.max(1, hasNote ? room : room - 1)
    return { answers, subtitleLines, isScrolled, hasHint: true, showsNote: false, listHeight, room }
  }
  // The hint takes a line of the list's, unless that would leave the list less than three.
  const hasHint = isScrolled && room > MIN_LIST_WITH_HINT
  const listHeight = isScrolled ? Math.max(1, room - (hasHint ? 1 : 0)) : lineCount
  return { answers, subtitleLines, isScrolled, hasHint, showsNote: hasNote, listHeight, room }
}

/** The trust prompt's list and what its scroll hint says. */
export interface TrustList {
  readonly lines: readonly string[]
  readonly scrollHint: string
}

/**
 * The commands to trust as the trust prompt lists them in a prompt `width` columns wide: each
 * after `  $ `, wrapped, never cut (its end is what it runs too), and a command several items
 * run listed once, with how many run it.
 */
export function trustList(commands: readonly Item[], width: number): TrustList {
  const wrapWidth = Math.max(8, width - BORDER_COLUMNS - COMMAND_PROMPT.length)
  const counts = new Map<string, number>()
  for (const item of commands) {
    const command = commandLine(item)
    counts.set(command, (counts.get(command) ?? 0) + 1)
  }
  const indent = ' '.repeat(COMMAND_PROMPT.length)
  const lines = [...counts].flatMap(([command, count]) => [
    ...wrapText(command, wrapWidth)
      .split('\n')
      .map((line, index) => `${index === 0 ? COMMAND_PROMPT : indent}${line}`),
    ...(count > 1 ? [`${indent}↳ run by ${count} items`] : []),
  ])
  const read =
    counts.size === commands.length
      ? `${commands.length} commands`
      : `${counts.size} different commands (${commands.length} items)`
  return { lines, scrollHint: `↑↓ PgUp PgDn scroll: read all ${read} before you trust them` }
}
