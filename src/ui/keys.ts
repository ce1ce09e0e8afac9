/**
 * Keys that arrive together — typed ahead over a slow link, or sent in one
 * write — one at a time. Ink 8 hands each escape sequence (an arrow, PgDn) to
 * `useInput` on its own, but printable characters read together come as one
 * string ("jj", "y\r"); our handlers take them one by one. (paced-stdin.ts
 * hands Ink one piece of a read at a time, but keeps such text whole.)
 */
import type { Key } from 'ink'

export interface KeyPress {
  readonly input: string
  readonly key: Key
}

export function keysOf(input: string, key: Key): KeyPress[] {
  const characters = [...input]
  if (characters.length <= 1) return [{ input, key }]
  return characters.map((character) => {
    const isReturn = character === '\r' || character === '\n'
    const isTab = character === '\t'
    return {
      input: isReturn || isTab ? '' : character,
      key: { ...key, return: isReturn, tab: isTab, shift: /^[A-Z]$/.test(character) },
    }
  })
}
