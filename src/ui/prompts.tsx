/**
 * Small questions asked over a screen: a line of text (a skip reason, a note,
 * a sign-off entry), yes or no, a choice from a list, and the key help. Each
 * takes the keys while it is open; Esc backs out without changing anything.
 */
import { Box, useInput } from 'ink'
import SelectInput from 'ink-select-input'
import { createContext, useContext, useRef, useState } from 'react'
import type { Item } from '../checklist/model.ts'
import { CONFIRM_COLOR, confirmLayout, trustList } from './confirm-layout.ts'
import { helpRows } from './keymap.ts'
import { keysOf } from './keys.ts'
import { unseenBelow } from './scroll-rows.ts'
import { ScrollView } from './scroll-view.tsx'
import { Text } from './text.tsx'
import { TextInput } from './text-input.tsx'
import type { Color } from './theme.ts'
import { useScroll } from './use-scroll.ts'

export interface TextPromptProps {
  readonly title: string
  readonly label: string
  /** A value to start from, selected: typing replaces it, an arrow or Ctrl-E keeps it. */
  readonly initial?: string
  /** An empty answer is refused with this message; optional answers leave it unset. */
  readonly requiredMessage?: string
  /** Shown under the input when the prompt opens: why it is asked again. */
  readonly problem?: string
  /** What enter does, in the prompt's last line: `save` unless the answer is a confirmation. */
  readonly enterDoes?: string
  readonly onSubmit: (value: string) => void
  readonly onCancel: () => void
}

export function TextPrompt({
  title,
  label,
  initial = '',
  requiredMessage,
  problem: askedAgain,
  enterDoes = 'save',
  onSubmit,
  onCancel,
}: TextPromptProps) {
  const [problem, setProblem] = useState<string | null>(askedAgain ?? null)
  useInput((_, key) => {
    if (key.escape) onCancel()
  })
  const submit = (submitted: string) => {
    if (requiredMessage && submitted.trim() === '') setProblem(requiredMessage)
    else onSubmit(submitted)
  }
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="cyan" paddingX={1}>
      <Text bold wrap="truncate-end">
        {title}
      </Text>
      <Box>
        <Box flexShrink={0}>
          <Text>{`${label} `}</Text>
        </Box>
        <TextInput initial={initial} onEdit={() => setProblem(null)} onSubmit={submit} />
      </Box>
      {problem ? <Text color="yellow">{problem}</Text> : null}
      <Text dimColor wrap="truncate-end">
        {`enter: ${enterDoes} · esc: cancel · Ctrl-A/E/U/K/W, Alt-B/F: edit as in a shell`}
      </Text>
    </Box>
  )
}

export interface ConfirmPromptProps {
  readonly title: string
  /** Under the title, wrapped and never cut (the checklist's path, which says what is trusted). */
  readonly subtitle?: string
  readonly lines?: readonly string[]
  /** A line under the list, always shown. */
  readonly note?: string
  /** Shown under the list when it scrolls. */
  readonly scrollHint?: string
  readonly color?: Color
  readonly yes: string
  readonly no: string
  /** The terminal columns the prompt spans, its border included. */
  readonly width: number
  /** Rows the prompt may take, its border included. */
  readonly height: number
  readonly onAnswer: (isYes: boolean) => void
  /** Enter answers no (a question whose default is no); otherwise it does nothing. */
  readonly isEnterNo?: boolean
}

/**
 * A yes-or-no question over a list the operator reads first (the commands to trust). The
 * prompt fits `height` rows: a list too long for them scrolls, and `scrollHint` says so. `y`
 * answers only once the whole list has been on screen: pressed before, it says how much is
 * still below instead (`n` answers at any time).
 */
export function ConfirmPrompt({
  title,
  subtitle,
  lines = [],
  note,
  scrollHint = '↑↓ PgUp PgDn: scroll',
  color = CONFIRM_COLOR,
  yes,
  no,
  width,
  height,
  onAnswer,
  isEnterNo = false,
}: ConfirmPromptProps) {
  const { answers, subtitleLines, hasHint, showsNote, listHeight } = confirmLayout({
    subtitle,
    lineCount: lines.length,
    hasNote: Boolean(note),
    yes,
    no,
    width,
    height,
  })
  const top = useScroll(lines.length, listHeight)
  // What "↓ n more" says is still below; none once the list's last line is on screen.
  const below = unseenBelow(lines.length, top, listHeight)
  // Whether every line has been on screen (its end shown once is enough: it was read past).
  const hasShownAll = useRef(false)
  if (below === 0) hasShownAll.current = true
  const [isYesTooSoon, setYesTooSoon] = useState(false)
  const isTooSoon = isYesTooSoon && !hasShownAll.current
  useInput((input, key) => {
    // The first y or n of keys that arrived together answers; the rest are not this prompt's.
    for (const next of keysOf(input, key)) {
      if (next.input === 'y' || next.input === 'Y') {
        if (!hasShownAll.current) return setYesTooSoon(true)
        return onAnswer(true)
      }
      if (next.input === 'n' || next.input === 'N' || next.key.escape) return onAnswer(false)
      if (isEnterNo && next.key.return) return onAnswer(false)
    }
  })
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={color} paddingX={1}>
      {/* Cut at its start: the question at its end stays. */}
      <Text bold color={color} wrap="truncate-start">
        {title}
      </Text>
      {subtitleLines.map((line, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the lines of one wrapped text, in order
        <Text key={index} color={color}>
          {line}
        </Text>
      ))}
      <ScrollView lines={lines.map((text) => ({ text }))} top={top} height={listHeight} />
      {hasHint && !isTooSoon ? (
        <Text color={color} wrap="truncate-end">
          {scrollHint}
        </Text>
      ) : null}
      {/* In the hint's line, or else the note's. */}
      {isTooSoon && (hasHint || showsNote) ? (
        <Text bold color={color} wrap="truncate-end">
          {`y waits until you have read to the end: ${below} more below (↓ PgDn End)`}
        </Text>
      ) : null}
      {note && showsNote && !(isTooSoon && !hasHint) ? (
        <Text wrap="truncate-end">{note}</Text>
      ) : null}
      {answers.map((line) => (
        <Text key={line} wrap="truncate-end">
          {line}
        </Text>
      ))}
    </Box>
  )
}

/**
 * Whether to trust a checklist's shell commands, over every one of them: the operator sees
 * what would run before answering, so commands too many for the screen scroll, and the prompt
 * says to read them all. A command longer than the screen is wrapped, never cut: its end is
 * what it runs too. A command several items run is listed once, with how many run it: the
 * same line 25 times hides the one different command among them.
 */
export function TrustPrompt({
  commands,
  ...question
}: { readonly commands: readonly Item[] } & Omit<ConfirmPromptProps, 'lines' | 'scrollHint'>) {
  const { lines, scrollHint } = trustList(commands, question.width)
  return <ConfirmPrompt {...question} lines={lines} scrollHint={scrollHint} />
}

export interface Choice<T> {
  readonly label: string
  /**
   * What choosing it answers, and what it is known by when the list changes on screen (Object.is):
   * a list drawn again gives the same choice the same value (a string, or the same object).
   */
  readonly value: T
  /** Drawn in this colour, selected or not (production in red). */
  readonly color?: Color
  /**
   * Drawn after the label and kept whole: on a narrow terminal the label's end is cut to make
   * room for it (what a run line says of the run, after its title: who has it open).
   */
  readonly tail?: string
}

/** The choices' colours by label: ink-select-input gives an item component only its label. */
const ChoiceColors = createContext<ReadonlyMap<string, Color>>(new Map())
/** The choices' tails by label, as their colours. */
const ChoiceTails = createContext<ReadonlyMap<string, string>>(new Map())

export function ChoicePrompt<T>({
  title,
  notes = [],
  choices,
  limit = Number.POSITIVE_INFINITY,
  height,
  initial = 0,
  onChoose,
  onCancel,
}: {
  readonly title: string
  /** Lines over the choices, one each, in the warning's colour. */
  readonly notes?: readonly string[]
  readonly choices: readonly Choice<T>[]
  /** The choice the cursor starts on. */
  readonly initial?: number
  /** Choices shown at most; the list scrolls through the others. */
  readonly limit?: number
  /** Rows the prompt may take, its title and the line saying how many more there are included. */
  readonly height: number
  readonly onChoose: (value: T) => void
  readonly onCancel?: () => void
}) {
  useInput((_, key) => {
    if (key.escape && onCancel) onCancel()
  })
  // Where the cursor is, by the value it is on: a list updated in place (rows added, moved or
  // taken out: ask.ts, ChooseQuestion.update) keeps it on the same choice, never on whatever
  // took its row. A choice taken out leaves it on a neighbour, picked by nothing but a key.
  const values = choices.map((choice) => choice.value)
  const [cursor, setCursor] = useState(() => ({
    value: values[initial],
    // The values as last drawn, to tell a list that changed under the cursor.
    drawn: values,
    // Counts the lists drawn afresh (below) because the choices changed under the cursor.
    redrawn: 0,
  }))
  const at = cursorAfter(cursor.drawn, cursor.value, values)
  if (!isSameList(cursor.drawn, values)) {
    // Drawn again at once, before anything is on screen or a key can land on the old rows.
    setCursor({ value: values[at], drawn: values, redrawn: cursor.redrawn + 1 })
  }
  const rows = height - notes.length
  const isCut = choices.length > Math.min(limit, rows - 1)
  const shown = Math.max(1, Math.min(limit, rows - 1 - (isCut ? 1 : 0), choices.length))
  const items = choices.map((choice, index) => ({
    key: String(index),
    label: choice.label,
    value: index,
  }))
  const colors = new Map(
    choices.flatMap((choice) => (choice.color ? [[choice.label, choice.color] as const] : [])),
  )
  const tails = new Map(
    choices.flatMap((choice) => (choice.tail ? [[choice.label, choice.tail] as const] : [])),
  )
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        {title}
      </Text>
      {notes.map((note) => (
        <Text key={note} color="yellow" wrap="truncate-end">
          {note}
        </Text>
      ))}
      <ChoiceColors.Provider value={colors}>
        <ChoiceTails.Provider value={tails}>
          <SelectInput
            // A new window size draws the list afresh (ink-select-input keeps a cursor past a
            // smaller limit), on the choice the cursor was on; so do choices that changed
            // (ink-select-input would put its cursor back on the first).
            key={`${shown}:${cursor.redrawn}`}
            initialIndex={Math.min(at, items.length - 1)}
            onHighlight={(item) => setCursor((now) => ({ ...now, value: values[item.value] }))}
            items={items}
            itemComponent={ChoiceItem}
            limit={shown}
            onSelect={(item) => {
              const choice = choices[item.value]
              if (choice) onChoose(choice.value)
            }}
          />
        </ChoiceTails.Provider>
      </ChoiceColors.Provider>
      {isCut ? (
        <Text dimColor wrap="truncate-end">
          {`  … and ${choices.length - shown} more (↑↓ scrolls the list)`}
        </Text>
      ) : null}
    </Box>
  )
}

/**
 * Where the cursor goes when the list's values change from `before` to `after`: to `value`
 * wherever its row now is; when it is gone, to the first choice after it still there, else the
 * last one before it, else the top.
 */
function cursorAfter<T>(before: readonly T[], value: T | undefined, after: readonly T[]): number {
  const indexIn = (values: readonly T[], one: T | undefined) =>
    values.findIndex((each) => Object.is(each, one))
  const found = indexIn(after, value)
  if (found >= 0) return found
  const was = indexIn(before, value)
  const neighbours = [...before.slice(was + 1), ...before.slice(0, Math.max(0, was)).reverse()]
  for (const neighbour of neighbours) {
    const now = indexIn(after, neighbour)
    if (now >= 0) return now
  }
  return 0
}

function isSameList<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((value, index) => Object.is(value, b[index]))
}

/** A choice on one line, cut to the terminal's width: wrapped, its second line lost the indent. */
function ChoiceItem({
  isSelected = false,
  label,
}: {
  readonly isSelected?: boolean
  readonly label: string
}) {
  const color = useContext(ChoiceColors).get(label) ?? (isSelected ? 'blue' : undefined)
  const tail = useContext(ChoiceTails).get(label)
  // Takes the room left of the line, so the pointer before it is never squeezed.
  return (
    <Box flexGrow={1} flexBasis={0}>
      <Box flexShrink={1}>
        <Text color={color} wrap="truncate-end">
          {label}
        </Text>
      </Box>
      {tail ? (
        // The label gives way first: the tail shrinks only once the label is gone.
        <Box flexShrink={0}>
          <Text color={color} wrap="truncate-end">
            {tail}
          </Text>
        </Box>
      ) : null}
    </Box>
  )
}

/** The help's keys that can act on this checklist: as in the footer, none that would do nothing. */
export interface HelpFor {
  readonly hasChecks?: boolean
  readonly hasPages?: boolean
  /** Whether the checklist scopes any item away from the run's environment (what `o` acts on). */
  readonly hasScoped?: boolean
}

export function HelpPanel({
  onClose,
  hasChecks = true,
  hasPages = true,
  hasScoped = true,
  readOnly = false,
}: {
  readonly onClose: () => void
  /** A view that changes nothing (watch): only the keys that look, and no word of answers. */
  readonly readOnly?: boolean
} & HelpFor) {
  useInput(() => onClose())
  const shown = helpRows(readOnly).filter(
    ([key]) =>
      (hasChecks || !['r', 'R', 'A'].includes(key)) &&
      (hasPages || key !== 'p') &&
      (hasScoped || key !== 'o'),
  )
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text bold>Keys</Text>
      {shown.map(([key, what]) => (
        <Box key={key}>
          <Box width={12} flexShrink={0}>
            <Text color="cyan">{key}</Text>
          </Box>
          <Text wrap="truncate-end">{what}</Text>
        </Box>
      ))}
      {readOnly ? (
        <Text dimColor>A view only: no key here changes the run. Any key closes this.</Text>
      ) : (
        <>
          <Text dimColor>On the sign-off screen: enter fills the selected field, f finishes.</Text>
          <Text dimColor>Every answer is saved the moment you give it. Any key closes this.</Text>
        </>
      )}
    </Box>
  )
}
