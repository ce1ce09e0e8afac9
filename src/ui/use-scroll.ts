/**
 * A list read rather than chosen from (the commands to trust, what changed in
 * a checklist) in less room than it needs: scrolled a line with ↑ ↓ (k j), a
 * page with PgUp PgDn, to either end with Home End (g G). `scrolled` is the
 * pure part; `useScroll` reads the keys.
 */
import { type Key, useInput } from 'ink'
import { useState } from 'react'
import { keysOf } from './keys.ts'

export type ScrollMove = 'up' | 'down' | 'page-up' | 'page-down' | 'first' | 'last'

/** The first line shown, kept where the window holds `height` of `total` lines, never past the end. */
export function clampTop(top: number, total: number, height: number): number {
  return Math.min(Math.max(0, top), Math.max(0, total - height))
}

/**
 * The first line shown after `move`. A page is the window less the two lines that say what is
 * above and below it (see scroll-view.tsx), so a page down shows the lines that were hidden.
 */
export function scrolled(top: number, move: ScrollMove, total: number, height: number): number {
  const page = Math.max(1, height - 2)
  const to: Record<ScrollMove, number> = {
    up: top - 1,
    down: top + 1,
    'page-up': top - page,
    'page-down': top + page,
    first: 0,
    last: total,
  }
  return clampTop(to[move], total, height)
}

export function scrollMoveOf(input: string, key: Key): ScrollMove | null {
  if (key.upArrow || input === 'k') return 'up'
  if (key.downArrow || input === 'j') return 'down'
  if (key.pageUp) return 'page-up'
  if (key.pageDown) return 'page-down'
  if (key.home || input === 'g') return 'first'
  if (key.end || input === 'G') return 'last'
  return null
}

/** The first of `total` lines to show in `height`, moved by the scroll keys. */
export function useScroll(total: number, height: number): number {
  const [top, setTop] = useState(0)
  useInput((input, key) => {
    for (const next of keysOf(input, key)) {
      const move = scrollMoveOf(next.input, next.key)
      if (move) setTop((current) => scrolled(clampTop(current, total, height), move, total, height))
    }
  })
  // A terminal made taller leaves less to scroll.
  return clampTop(top, total, height)
}
