/**
 * The keys the wizard's footer lists, laid out in lines: on one line when the terminal is wide
 * enough and on two otherwise. A screen's keys are the keymap's (keymap.ts). Where even two lines
 * cannot hold them all, the least needed keys go first; `? help`, which lists every key, and
 * `q quit` always stay. Pure: the footer (footer.tsx) and the first paint draw these lines.
 */
import { ALWAYS, isLookingRow, KEYMAP } from './keymap.ts'
import { plainLine, type TextLine } from './text-line.ts'
import type { Notice, Screen } from './use-wizard-state.ts'

interface KeyHint {
  readonly key: string
  readonly does: string
  /** When they do not all fit, the lowest rank is left out first. */
  readonly rank: number
}

/** The keys a footer lists: a screen's, or an open prompt's, which has the keys while it is open. */
export type KeySet = Screen | 'text-prompt' | 'choice-prompt' | 'confirm-prompt'

/** The keys of the prompts, which take them while open (prompts.tsx, text-input.tsx). */
const PROMPT_KEYS: Readonly<Record<Exclude<KeySet, Screen>, readonly KeyHint[]>> = {
  'text-prompt': [
    { key: 'enter', does: 'save', rank: ALWAYS },
    { key: 'esc', does: 'cancel', rank: ALWAYS },
    { key: '^A ^E', does: 'start/end', rank: 5 },
    { key: '^U ^K', does: 'delete to start/end', rank: 4 },
    { key: '^W', does: 'delete word', rank: 3 },
  ],
  'choice-prompt': [
    { key: '↑↓', does: 'choose', rank: ALWAYS },
    { key: 'enter', does: 'pick', rank: ALWAYS },
    { key: 'esc', does: 'cancel', rank: ALWAYS },
  ],
  'confirm-prompt': [
    { key: 'y', does: 'yes', rank: ALWAYS },
    { key: 'n', does: 'no', rank: ALWAYS },
    { key: '↑↓ PgUp PgDn', does: 'scroll', rank: 5 },
  ],
}

/**
 * A set's keys: a screen's from the keymap (without r, R and A for a checklist with nothing to
 * run, and `p` only for one with reference pages), or a prompt's.
 */
function hintsOf(
  set: KeySet,
  hasChecks: boolean,
  hasPages: boolean,
  readOnly: boolean,
): readonly KeyHint[] {
  if (set !== 'phase' && set !== 'signoff') return PROMPT_KEYS[set]
  return KEYMAP.flatMap((row) => {
    const hint = row.footer?.[set]
    if (!hint || (row.isCheckKey && !hasChecks) || (row.isPagesKey && !hasPages)) return []
    if (readOnly && !isLookingRow(row)) return []
    return [{ key: row.key, ...hint }]
  })
}

const SEPARATOR = ' · '

/**
 * The keys of `screen` laid out in `width` columns: one line, or two when one is not enough.
 * `hasChecks` false: the checklist has nothing to run, so r, R and A are left out; `p pages`
 * only when the checklist has reference pages; `o` only when it scopes an item away from the run;
 * `readOnly` (watch): only the keys that look.
 */
export function keyLines(
  screen: KeySet,
  width: number,
  hasChecks = true,
  hasPages = false,
  hasScoped = true,
  readOnly = false,
): string[] {
  let shown = hintsOf(screen, hasChecks, hasPages, readOnly).filter(
    (hint) => hasScoped || hint.key !== 'o',
  )
  for (;;) {
    const lines = layOut(shown, width)
    if (lines) return lines
    const least = shown.reduce<KeyHint | null>(
      (low, hint) => (hint.rank < (low?.rank ?? ALWAYS) ? hint : low),
      null,
    )
    // Only `?` and `q` left, and still too wide: the line is cut where it is drawn.
    if (!least) return [join(shown)]
    shown = shown.filter((hint) => hint !== least)
  }
}

/**
 * The footer's lines: the notice (a warning in red, else cyan) or a blank line, then the keys of
 * `screen` (keyLines), dimmed. The footer draws them at its foot (footer.tsx).
 */
export function footerLines(
  screen: KeySet,
  notice: Notice | null,
  width: number,
  hasChecks = true,
  hasPages = false,
  hasScoped = true,
  readOnly = false,
): TextLine[] {
  return [
    notice
      ? plainLine(notice.text, { color: notice.tone === 'warn' ? 'red' : 'cyan' })
      : plainLine(' ', {}, false),
    ...keyLines(screen, width, hasChecks, hasPages, hasScoped, readOnly).map((line) =>
      plainLine(line, { isDim: true }),
    ),
  ]
}

/** Lines the footer takes at `width`: the notice and the keys (as many as the phase screen's). */
export function footerHeight(width: number, hasPages = false, readOnly = false): number {
  return 1 + keyLines('phase', width, true, hasPages, true, readOnly).length
}

/** One line if it fits, else two about as long as each other; null when two are not enough. */
function layOut(hints: readonly KeyHint[], width: number): string[] | null {
  const one = join(hints)
  if (one.length <= width) return [one]
  let best: string[] | null = null
  for (let split = 1; split < hints.length; split++) {
    const two = [join(hints.slice(0, split)), join(hints.slice(split))]
    const longest = Math.max(...two.map((line) => line.length))
    if (longest <= width && (!best || longest < Math.max(...best.map((line) => line.length))))
      best = two
  }
  return best
}

function join(hints: readonly KeyHint[]): string {
  return hints.map(({ key, does }) => `${key} ${does}`).join(SEPARATOR)
}
