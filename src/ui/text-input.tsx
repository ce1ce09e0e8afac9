/**
 * The one text field of the wizard: every prompt that asks for text (a name,
 * a note, a skip reason, a sign-off entry, the production name) edits through
 * it, with the readline keys of line-edit.ts. A prefilled value starts
 * selected: typing replaces it, an arrow or Ctrl-E keeps it (← to its start, → to its
 * end). What is typed or pasted is made inert as it comes in: what the operator sees
 * is what is saved.
 */
import { useInput, usePaste } from 'ink'
import { useRef, useState } from 'react'
import { escapeControls } from '../output/terminal.ts'
import { editLine, initialLine, type LineState, lineEditOf } from './line-edit.ts'
import { Text } from './text.tsx'
import { isPlainTerminal } from './theme.ts'

export interface TextInputProps {
  readonly initial?: string
  /** Told of every change, so the prompt can clear an earlier problem. */
  readonly onEdit?: () => void
  readonly onSubmit: (value: string) => void
}

export function TextInput({ initial = '', onEdit, onSubmit }: TextInputProps) {
  // Keys read together are handled before React renders between them: each reads the ref.
  const line = useRef<LineState>(initialLine(escapeControls(initial)))
  const [shown, setShown] = useState(line.current)
  const apply = (next: LineState) => {
    if (next === line.current) return
    line.current = next
    setShown(next)
    onEdit?.()
  }
  const insert = (text: string) => {
    if (text) apply(editLine(line.current, { type: 'insert', text: escapeControls(text) }))
  }
  useInput((input, key) => {
    if (key.return) return onSubmit(line.current.value)
    // Text and Enter read together come as one piece: the text up to Enter, then submit.
    const newline = input.search(/[\r\n]/)
    if (newline !== -1 && !key.ctrl && !key.meta) {
      insert(input.slice(0, newline))
      return onSubmit(line.current.value)
    }
    const edit = lineEditOf(input, key)
    if (!edit) return
    apply(
      edit.type === 'insert'
        ? editLine(line.current, { ...edit, text: escapeControls(edit.text) })
        : editLine(line.current, edit),
    )
  })
  // A paste goes in at the cursor, its lines joined: a paste never submits the prompt.
  usePaste((text) => insert(text.replace(/\s*[\r\n]+\s*/g, ' ')))
  return <LineView line={shown} />
}

/**
 * The value with the cursor drawn as an inverse cell, or all of it inverse while selected.
 * Without styles (NO_COLOR) inverse is not drawn either: the selection is then bracketed and
 * the cursor a `|` before the character it is on, so where typing goes still shows.
 */
function LineView({ line }: { readonly line: LineState }) {
  const isPlain = isPlainTerminal()
  if (line.isSelected) return <Text inverse>{isPlain ? `[${line.value}]` : line.value}</Text>
  const { value, cursor } = line
  const at = [...new Intl.Segmenter().segment(value.slice(cursor))][0]?.segment ?? ''
  return (
    <Text>
      {value.slice(0, cursor)}
      <Text inverse>{isPlain ? `|${at}` : at || ' '}</Text>
      {value.slice(cursor + at.length)}
    </Text>
  )
}
