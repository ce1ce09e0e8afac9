/**
 * Small questions asked over a screen: a line of text (a skip reason, a note,
 * a sign-off entry), yes or no, a choice from a list, and the key help. Each
 * takes the keys while it is open; Esc backs out without changing anything.
 */
import { Box, Text, useInput } from 'ink'
import SelectInput from 'ink-select-input'
import TextInput from 'ink-text-input'
import { createContext, useContext, useState } from 'react'
import { keysOf } from './keys.ts'
import type { Color } from './theme.ts'

export interface TextPromptProps {
  readonly title: string
  readonly label: string
  readonly initial?: string
  /** An empty answer is refused with this message; optional answers leave it unset. */
  readonly requiredMessage?: string
  readonly mask?: string
  readonly onSubmit: (value: string) => void
  readonly onCancel: () => void
}

export function TextPrompt({
  title,
  label,
  initial = '',
  requiredMessage,
  mask,
  onSubmit,
  onCancel,
}: TextPromptProps) {
  const [value, setValue] = useState(initial)
  const [problem, setProblem] = useState<string | null>(null)
  useInput((_, key) => {
    if (key.escape) onCancel()
  })
  const submit = (submitted: string) => {
    setValue(submitted)
    if (requiredMessage && submitted.trim() === '') setProblem(requiredMessage)
    else onSubmit(submitted)
  }
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="cyan" paddingX={1}>
      <Text bold>{title}</Text>
      <Box>
        <Text>{`${label} `}</Text>
        <TextInput
          value={value}
          onChange={(next) => {
            setProblem(null)
            // Text and Enter read together reach TextInput as one piece of text: submit it.
            if (/[\r\n]/.test(next)) submit(next.replace(/[\r\n]+/g, ' ').trim())
            else setValue(next)
          }}
          onSubmit={submit}
          {...(mask ? { mask } : {})}
        />
      </Box>
      {problem ? <Text color="yellow">{problem}</Text> : null}
      <Text dimColor>enter: save · esc: cancel</Text>
    </Box>
  )
}

export function ConfirmPrompt({
  title,
  lines = [],
  color = 'yellow',
  yes,
  no,
  onAnswer,
}: {
  readonly title: string
  readonly lines?: readonly string[]
  readonly color?: Color
  readonly yes: string
  readonly no: string
  readonly onAnswer: (isYes: boolean) => void
}) {
  useInput((input, key) => {
    // The first y or n of keys that arrived together answers; the rest are not this prompt's.
    for (const next of keysOf(input, key)) {
      if (next.input === 'y' || next.input === 'Y') return onAnswer(true)
      if (next.input === 'n' || next.input === 'N' || next.key.escape) return onAnswer(false)
    }
  })
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={color} paddingX={1}>
      <Text bold color={color}>
        {title}
      </Text>
      {lines.map((line, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: static lines
        <Text key={index} wrap="truncate-end">
          {line}
        </Text>
      ))}
      <Text>{`y: ${yes} · n: ${no}`}</Text>
    </Box>
  )
}

export interface Choice<T> {
  readonly label: string
  readonly value: T
  /** Drawn in this colour, selected or not (production in red). */
  readonly color?: Color
}

/** The choices' colours by label: ink-select-input gives an item component only its label. */
const ChoiceColors = createContext<ReadonlyMap<string, Color>>(new Map())

export function ChoicePrompt<T>({
  title,
  choices,
  limit,
  onChoose,
  onCancel,
}: {
  readonly title: string
  readonly choices: readonly Choice<T>[]
  readonly limit?: number
  readonly onChoose: (value: T) => void
  readonly onCancel?: () => void
}) {
  useInput((_, key) => {
    if (key.escape && onCancel) onCancel()
  })
  const items = choices.map((choice, index) => ({
    key: String(index),
    label: choice.label,
    value: index,
  }))
  const colors = new Map(
    choices.flatMap((choice) => (choice.color ? [[choice.label, choice.color] as const] : [])),
  )
  return (
    <Box flexDirection="column">
      <Text bold>{title}</Text>
      <ChoiceColors.Provider value={colors}>
        <SelectInput
          items={items}
          itemComponent={ChoiceItem}
          {...(limit ? { limit } : {})}
          onSelect={(item) => {
            const choice = choices[item.value]
            if (choice) onChoose(choice.value)
          }}
        />
      </ChoiceColors.Provider>
    </Box>
  )
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
  // Takes the room left of the line, so the pointer before it is never squeezed.
  return (
    <Box flexGrow={1} flexBasis={0}>
      <Text color={color} wrap="truncate-end">
        {label}
      </Text>
    </Box>
  )
}

/** Every key of the phase and sign-off screens. */
export const KEYS: readonly (readonly [string, string])[] = [
  ['↑ ↓  j k', 'move; PgUp PgDn and Home End jump'],
  ['← →  h l', 'previous / next phase (past the last: sign-off)'],
  ['enter', 'show the selected item in full, and back'],
  ['d', 'mark done'],
  ['f', 'mark failed (a note is asked, optional)'],
  ['s', 'skip (a reason is required)'],
  ['a', 'not applicable here'],
  ['u', 'back to pending'],
  ['n', 'add a note'],
  ['r', 'run / re-run the selected check (asks to trust commands first)'],
  ['R', "re-run this phase's failed checks"],
  ['A', 'run the due checks of every phase: not run yet, stale or failed'],
  ['?', 'this help'],
  ['q  Ctrl-C', 'quit: progress is already saved; resume later'],
]

export function HelpPanel({ onClose }: { readonly onClose: () => void }) {
  useInput(() => onClose())
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text bold>Keys</Text>
      {KEYS.map(([key, what]) => (
        <Box key={key}>
          <Box width={12} flexShrink={0}>
            <Text color="cyan">{key}</Text>
          </Box>
          <Text wrap="truncate-end">{what}</Text>
        </Box>
      ))}
      <Text dimColor>On the sign-off screen: enter fills the selected field, f finishes.</Text>
      <Text dimColor>Every answer is saved the moment you give it. Any key closes this.</Text>
    </Box>
  )
}
