/**
 * One line of text being edited: the value, where the cursor is, and whether
 * the whole value is selected (a prefilled value is, so typing replaces it).
 * A pure reducer over editing actions, and the readline keys people's hands
 * know mapped onto them, tested without rendering. Every text prompt edits
 * through this (prompts.tsx, TextPrompt).
 *
 * Ink (8) hands a Ctrl-letter over as the letter with `key.ctrl`, an Alt-letter
 * (Esc then the letter) as the letter with `key.meta`, and Ctrl/Alt-arrows
 * (ESC[1;5D, ESC[1;3D) as the arrow with `key.ctrl` / `key.meta`; without this
 * mapping Ctrl-U would type a `u`.
 */
import type { Key } from 'ink'

export interface LineState {
  readonly value: string
  /** A UTF-16 offset into `value`, always on a character's boundary. */
  readonly cursor: number
  /** The whole value is selected: typing replaces it, deleting clears it. */
  readonly isSelected: boolean
}

export type LineEdit =
  | { readonly type: 'insert'; readonly text: string }
  | { readonly type: 'delete-back' }
  | { readonly type: 'delete-forward' }
  /** Ctrl-W: back to the previous whitespace, as readline's unix-word-rubout. */
  | { readonly type: 'delete-word-back' }
  /** Alt-Backspace: back to the start of the word. */
  | { readonly type: 'delete-alnum-word-back' }
  /** Alt-D: to the end of the word. */
  | { readonly type: 'delete-word-forward' }
  | { readonly type: 'kill-to-start' }
  | { readonly type: 'kill-to-end' }
  | {
      readonly type: 'move'
      readonly to: 'left' | 'right' | 'word-left' | 'word-right' | 'start' | 'end'
    }

/** A value to edit, selected when there is one (typing replaces it), the cursor at its end. */
export function initialLine(value: string): LineState {
  return { value, cursor: value.length, isSelected: value.length > 0 }
}

export function editLine(state: LineState, edit: LineEdit): LineState {
  if (state.isSelected) {
    // Typing or deleting replaces the whole selection; moving keeps the value and deselects.
    if (edit.type === 'insert')
      return { value: edit.text, cursor: edit.text.length, isSelected: false }
    if (edit.type !== 'move') return { value: '', cursor: 0, isSelected: false }
    // As in an editor's text field (readline has no selection): a move to the left collapses the
    // selection to its start, one to the right to its end; not one character into the value.
    const isLeft = edit.to === 'left' || edit.to === 'word-left' || edit.to === 'start'
    return { value: state.value, cursor: isLeft ? 0 : state.value.length, isSelected: false }
  }
  const { value, cursor } = state
  const cut = (from: number, to: number): LineState => ({
    value: value.slice(0, from) + value.slice(to),
    cursor: from,
    isSelected: false,
  })
  switch (edit.type) {
    case 'insert':
      return {
        value: value.slice(0, cursor) + edit.text + value.slice(cursor),
        cursor: cursor + edit.text.length,
        isSelected: false,
      }
    case 'delete-back':
      return cut(previousBoundary(value, cursor), cursor)
    case 'delete-forward':
      return cut(cursor, nextBoundary(value, cursor))
    case 'delete-word-back':
      return cut(spaceWordStart(value, cursor), cursor)
    case 'delete-alnum-word-back':
      return cut(wordStart(value, cursor), cursor)
    case 'delete-word-forward':
      return cut(cursor, wordEnd(value, cursor))
    case 'kill-to-start':
      return cut(0, cursor)
    case 'kill-to-end':
      return cut(cursor, value.length)
    case 'move':
      return { value, cursor: moveTo(value, cursor, edit.to), isSelected: false }
  }
}

/**
 * What a key does to the line, or null when it is not an editing key (Enter, Esc, ↑↓, Tab:
 * the prompt's own). A Ctrl or Alt chord that edits nothing is null too, never typed.
 */
export function lineEditOf(input: string, key: Key): LineEdit | null {
  if (key.return || key.escape || key.tab || key.upArrow || key.downArrow) return null
  if (key.pageUp || key.pageDown) return null
  const isWordMove = key.ctrl || key.meta
  if (key.leftArrow) return { type: 'move', to: isWordMove ? 'word-left' : 'left' }
  if (key.rightArrow) return { type: 'move', to: isWordMove ? 'word-right' : 'right' }
  if (key.home) return { type: 'move', to: 'start' }
  if (key.end) return { type: 'move', to: 'end' }
  if (key.backspace) return { type: key.meta ? 'delete-alnum-word-back' : 'delete-back' }
  if (key.delete) return { type: 'delete-forward' }
  if (key.ctrl) return CTRL[input] ?? null
  if (key.meta) return ALT[input] ?? null
  if (input === '') return null
  return { type: 'insert', text: input }
}

const CTRL: Readonly<Record<string, LineEdit>> = {
  a: { type: 'move', to: 'start' },
  e: { type: 'move', to: 'end' },
  b: { type: 'move', to: 'left' },
  f: { type: 'move', to: 'right' },
  d: { type: 'delete-forward' },
  h: { type: 'delete-back' },
  u: { type: 'kill-to-start' },
  k: { type: 'kill-to-end' },
  w: { type: 'delete-word-back' },
}

const ALT: Readonly<Record<string, LineEdit>> = {
  b: { type: 'move', to: 'word-left' },
  f: { type: 'move', to: 'word-right' },
  d: { type: 'delete-word-forward' },
}

function moveTo(value: string, cursor: number, to: Extract<LineEdit, { type: 'move' }>['to']) {
  switch (to) {
    case 'left':
      return previousBoundary(value, cursor)
    case 'right':
      return nextBoundary(value, cursor)
    case 'word-left':
      return wordStart(value, cursor)
    case 'word-right':
      return wordEnd(value, cursor)
    case 'start':
      return 0
    case 'end':
      return value.length
  }
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' })

/** Where each character (grapheme: an emoji with its modifiers, a letter with its accent) starts. */
function boundaries(value: string): number[] {
  return [...[...graphemes.segment(value)].map((segment) => segment.index), value.length]
}

function previousBoundary(value: string, cursor: number): number {
  return boundaries(value).findLast((at) => at < cursor) ?? 0
}

function nextBoundary(value: string, cursor: number): number {
  return boundaries(value).find((at) => at > cursor) ?? value.length
}

const WORD = /[\p{L}\p{N}_]/u

/** The start of the word before the cursor (readline's backward-word): past non-word first. */
function wordStart(value: string, cursor: number): number {
  let at = cursor
  while (at > 0 && !WORD.test(value[at - 1] ?? '')) at--
  while (at > 0 && WORD.test(value[at - 1] ?? '')) at--
  return at
}

/** The end of the word after the cursor (readline's forward-word). */
function wordEnd(value: string, cursor: number): number {
  let at = cursor
  while (at < value.length && !WORD.test(value[at] ?? '')) at++
  while (at < value.length && WORD.test(value[at] ?? '')) at++
  return at
}

/** The start of the whitespace-delimited word before the cursor (readline's unix-word-rubout). */
function spaceWordStart(value: string, cursor: number): number {
  let at = cursor
  while (at > 0 && /\s/.test(value[at - 1] ?? '')) at--
  while (at > 0 && !/\s/.test(value[at - 1] ?? '')) at--
  return at
}
