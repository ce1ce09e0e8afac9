/**
 * The foot of the wizard: a line for a notice (what just happened, or why it
 * did not) and the keys of the screen, on one line when the terminal is wide
 * enough and on two otherwise. Where even two lines cannot hold them all, the
 * least needed keys go first; `? help`, which lists every key, and `q quit`
 * always stay.
 */
import { Box } from 'ink'
import { Text } from './text.tsx'
import type { Notice, Screen } from './use-wizard-state.ts'

interface KeyHint {
  readonly key: string
  readonly does: string
  /** When they do not all fit, the lowest rank is left out first. */
  readonly rank: number
}

const ALWAYS = Number.POSITIVE_INFINITY

/** The keys a footer lists: a screen's, or an open prompt's, which has the keys while it is open. */
export type KeySet = Screen | 'text-prompt' | 'choice-prompt' | 'confirm-prompt'

/** The keys that run checks: not listed for a checklist without any. */
const CHECK_KEYS = new Set(['r', 'R', 'A'])

const SCREEN_KEYS: Readonly<Record<KeySet, readonly KeyHint[]>> = {
  phase: [
    { key: '↑↓', does: 'move', rank: 6 },
    { key: 'd', does: 'done', rank: 9 },
    { key: 'f', does: 'fail', rank: 8 },
    { key: 's', does: 'skip', rank: 8 },
    { key: 'a', does: 'n/a', rank: 4 },
    // Only for a dimmed item, whose detail pane names it too: the first to go when narrow.
    { key: 'o', does: 'applies here', rank: 2 },
    { key: 'n', does: 'note', rank: 5 },
    { key: 'r', does: 'run', rank: 7 },
    { key: 'R', does: 're-run failed', rank: 3 },
    { key: 'A', does: 'run all due', rank: 3 },
    { key: 'p', does: 'pages', rank: 2 },
    { key: '←→', does: 'phase', rank: 6 },
    { key: '?', does: 'help', rank: ALWAYS },
    { key: 'q', does: 'quit', rank: ALWAYS },
  ],
  signoff: [
    { key: '↑↓', does: 'move', rank: 6 },
    { key: 'enter', does: 'fill', rank: 9 },
    { key: 'f', does: 'finish', rank: 8 },
    { key: '←', does: 'back', rank: 5 },
    { key: 'p', does: 'pages', rank: 2 },
    { key: '?', does: 'help', rank: ALWAYS },
    { key: 'q', does: 'quit', rank: ALWAYS },
  ],
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

const SEPARATOR = ' · '

/**
 * The keys of `screen` laid out in `width` columns: one line, or two when one is not enough.
 * `hasChecks` false: the checklist has nothing to run, so r, R and A are left out; `p pages`
 * only when the checklist has reference pages.
 */
export function keyLines(
  screen: KeySet,
  width: number,
  hasChecks = true,
  hasPages = false,
): string[] {
  let shown = SCREEN_KEYS[screen].filter(
    (hint) => (hasChecks || !CHECK_KEYS.has(hint.key)) && (hasPages || hint.key !== 'p'),
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

/** Lines the footer takes at `width`: the notice and the keys (as many as the phase screen's). */
export function footerHeight(width: number, hasPages = false): number {
  return 1 + keyLines('phase', width, true, hasPages).length
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

export function Footer({
  screen,
  notice,
  width,
  hasChecks = true,
  hasPages = false,
}: {
  readonly screen: KeySet
  readonly notice: Notice | null
  readonly width: number
  readonly hasChecks?: boolean
  readonly hasPages?: boolean
}) {
  return (
    <Box
      flexDirection="column"
      justifyContent="flex-end"
      height={footerHeight(width, hasPages)}
      overflow="hidden"
    >
      {notice ? (
        <Text color={notice.tone === 'warn' ? 'red' : 'cyan'} wrap="truncate-end">
          {notice.text}
        </Text>
      ) : (
        <Text> </Text>
      )}
      {keyLines(screen, width, hasChecks, hasPages).map((line) => (
        <Text key={line} dimColor wrap="truncate-end">
          {line}
        </Text>
      ))}
    </Box>
  )
}
