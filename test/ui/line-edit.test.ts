/** Editing one line with the readline keys: what each key does to the value and the cursor. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Key } from 'ink'
import {
  editLine,
  initialLine,
  type LineEdit,
  type LineState,
  lineEditOf,
} from '../../src/ui/line-edit.ts'

const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
}

/** A key as Ink hands it over: Ctrl-U is `u` with ctrl, Alt-B is `b` with meta. */
const ctrl = (letter: string) => [letter, { ...NO_KEY, ctrl: true }] as const
const alt = (letter: string) => [letter, { ...NO_KEY, meta: true }] as const
const named = (name: keyof Key, more: Partial<Key> = {}) =>
  ['', { ...NO_KEY, [name]: true, ...more }] as const
const typed = (text: string) => [text, NO_KEY] as const

/** The line after these keys, from `value` with the cursor at `|` (not selected). */
function after(start: string, ...keys: (readonly [string, Key])[]): string {
  let line: LineState = {
    value: start.replace('|', ''),
    cursor: start.indexOf('|') === -1 ? start.length : start.indexOf('|'),
    isSelected: false,
  }
  for (const [input, key] of keys) {
    const edit = lineEditOf(input, key)
    if (edit) line = editLine(line, edit)
  }
  return `${line.value.slice(0, line.cursor)}|${line.value.slice(line.cursor)}`
}

describe('readline keys', () => {
  it('Ctrl-U deletes to the start, Ctrl-K to the end; neither types a letter', () => {
    assert.equal(after('Nina New|comer', ctrl('u')), '|comer')
    assert.equal(after('Nina New|comer', ctrl('k')), 'Nina New|')
  })

  it('Ctrl-W deletes the word before the cursor, up to whitespace', () => {
    assert.equal(after('first draft|', ctrl('w')), 'first |')
    assert.equal(after('run make-test  |', ctrl('w')), 'run |')
    assert.equal(after('|first', ctrl('w')), '|first')
  })

  it('Ctrl-A and Home go to the start, Ctrl-E and End to the end', () => {
    assert.equal(after('abc|def', ctrl('a')), '|abcdef')
    assert.equal(after('abc|def', named('home')), '|abcdef')
    assert.equal(after('abc|def', ctrl('e')), 'abcdef|')
    assert.equal(after('abc|def', named('end')), 'abcdef|')
  })

  it('Alt-B/F and Ctrl/Alt-arrows move a word at a time', () => {
    assert.equal(after('deploy the api|', alt('b')), 'deploy the |api')
    assert.equal(after('deploy the api|', alt('b'), alt('b')), 'deploy |the api')
    assert.equal(after('|deploy the api', alt('f')), 'deploy| the api')
    assert.equal(after('deploy the api|', named('leftArrow', { ctrl: true })), 'deploy the |api')
    assert.equal(after('|deploy the api', named('rightArrow', { meta: true })), 'deploy| the api')
  })

  it('arrows and Ctrl-B/F move a character; a character is what the eye sees', () => {
    assert.equal(after('ab|c', named('leftArrow')), 'a|bc')
    assert.equal(after('ab|c', named('rightArrow')), 'abc|')
    assert.equal(after('ab|c', ctrl('b')), 'a|bc')
    assert.equal(after('ab|c', ctrl('f')), 'abc|')
    assert.equal(after('ok 👍🏽|', named('leftArrow')), 'ok |👍🏽')
    assert.equal(after('ok 👍🏽|', named('backspace')), 'ok |')
  })

  it('Backspace deletes before the cursor, Delete and Ctrl-D after it', () => {
    assert.equal(after('ab|c', named('backspace')), 'a|c')
    assert.equal(after('ab|c', named('delete')), 'ab|')
    assert.equal(after('ab|c', ctrl('d')), 'ab|')
    assert.equal(after('|abc', named('backspace')), '|abc')
    assert.equal(after('abc|', named('delete')), 'abc|')
  })

  it('Alt-Backspace deletes the word before the cursor, Alt-D the word after', () => {
    assert.equal(after('make-test|', named('backspace', { meta: true })), 'make-|')
    assert.equal(after('|make test', alt('d')), '| test')
  })

  it('typing inserts at the cursor', () => {
    assert.equal(after('Nna|', named('home'), named('rightArrow'), typed('i')), 'Ni|na')
  })

  it('a Ctrl or Alt chord that edits nothing types nothing', () => {
    assert.equal(after('abc|', ctrl('x')), 'abc|')
    assert.equal(after('abc|', alt('x')), 'abc|')
    assert.equal(lineEditOf('', { ...NO_KEY, return: true }), null)
    assert.equal(lineEditOf('', { ...NO_KEY, escape: true }), null)
  })
})

describe('a prefilled value', () => {
  const prefilled = () => initialLine('Nina Newcomer')
  const apply = (line: LineState, ...edits: LineEdit[]) => edits.reduce(editLine, line)

  it('starts selected: typing replaces it', () => {
    assert.deepEqual(apply(prefilled(), { type: 'insert', text: 'A' }), {
      value: 'A',
      cursor: 1,
      isSelected: false,
    })
  })

  it('is cleared whole by a delete key', () => {
    assert.equal(apply(prefilled(), { type: 'delete-back' }).value, '')
    assert.equal(apply(prefilled(), { type: 'kill-to-start' }).value, '')
  })

  it('is kept by an arrow or Ctrl-E, which deselect it', () => {
    const kept = apply(prefilled(), { type: 'move', to: 'end' }, { type: 'insert', text: '!' })
    assert.equal(kept.value, 'Nina Newcomer!')
  })

  it('collapses to its start on ← (Ctrl-B, a word left, Home), as an editor text field does, and to its end on → (Ctrl-F, a word right, End)', () => {
    const at = (to: Extract<LineEdit, { type: 'move' }>['to']) =>
      apply(prefilled(), { type: 'move', to })
    for (const to of ['left', 'word-left', 'start'] as const)
      assert.deepEqual(at(to), { value: 'Nina Newcomer', cursor: 0, isSelected: false }, to)
    for (const to of ['right', 'word-right', 'end'] as const)
      assert.deepEqual(at(to), { value: 'Nina Newcomer', cursor: 13, isSelected: false }, to)
    // ← was one character left of the end: typing then went before the value's last letter.
    const left = apply(prefilled(), { type: 'move', to: 'left' }, { type: 'insert', text: 'Dr ' })
    assert.equal(left.value, 'Dr Nina Newcomer')
    // Once collapsed, ← and → move one character again.
    assert.equal(
      apply(prefilled(), { type: 'move', to: 'right' }, { type: 'move', to: 'left' }).cursor,
      12,
    )
  })

  it('an empty value is not selected', () => {
    assert.equal(initialLine('').isSelected, false)
  })
})
