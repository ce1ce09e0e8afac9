/**
 * How states look: an icon that reads without colour (NO_COLOR, a monochrome
 * terminal, a screen reader's transcript) and a colour on top. Colour itself is
 * switched off for the whole UI by bin/deploy-wizard.js (FORCE_COLOR=0 when NO_COLOR
 * is set), since Ink's chalk does not read NO_COLOR.
 */
import type { CheckStatus } from '../checks/runner.ts'
import type { ItemState } from '../run/model.ts'

export type Color = 'green' | 'red' | 'yellow' | 'cyan' | 'gray' | 'magenta' | 'blue'

export interface Look {
  readonly icon: string
  readonly color: Color | undefined
  readonly word: string
}

export const ITEM_LOOK: Readonly<Record<ItemState, Look>> = {
  pending: { icon: '○', color: undefined, word: 'pending' },
  done: { icon: '✔', color: 'green', word: 'done' },
  failed: { icon: '✘', color: 'red', word: 'failed' },
  skipped: { icon: '»', color: 'yellow', word: 'skipped' },
  na: { icon: '–', color: 'gray', word: 'n/a' },
}

export const CHECK_LOOK: Readonly<Record<CheckStatus, Look>> = {
  pass: { icon: '✔', color: 'green', word: 'pass' },
  fail: { icon: '✘', color: 'red', word: 'fail' },
  error: { icon: '!', color: 'red', word: 'error' },
  blocked: { icon: '⊘', color: 'yellow', word: 'blocked' },
  skipped: { icon: '»', color: 'gray', word: 'not run' },
}

/**
 * Whether the wizard draws without styles: NO_COLOR (which the run command turns into
 * FORCE_COLOR=0 for Ink) strips inverse and underline as well as colour, so what they would
 * show — a text prompt's cursor and selection — is drawn in characters instead.
 */
export function isPlainTerminal(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.NO_COLOR !== undefined && env.NO_COLOR !== '') || env.FORCE_COLOR === '0'
}

/** Spinner frames (the "dots" spinner); one shared timer drives every spinner on screen. */
export const SPINNER_FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']
/**
 * The one animation tick (ui/animation.tsx): spinners turn and running clocks
 * count on it, and each tick costs a redraw of the screen, which Ink lays out and
 * measures whole (~12 ms of CPU at 100×30). Under 7 a second, 50 spinners stay
 * well under 10 % of a core (bench/render.mjs); an 80 ms spinner with 250 ms
 * clocks, each on its own phase, made 16 a second.
 */
export const SPINNER_INTERVAL_MS = 150

/** dev green, staging yellow, production (see checklist/environments.ts) red. */
export function environmentColor(environment: string, isProduction: boolean): Color {
  if (isProduction) return 'red'
  if (/stag|uat|pre|qa/i.test(environment)) return 'yellow'
  return 'green'
}

/** A run of a progress bar's cells: answered (failed and skipped apart) or still open. */
export interface BarPart {
  readonly cells: string
  readonly color: Color | undefined
}

/**
 * A bar of `width` cells: done (and n/a) green, skipped yellow, failed red, open `░`. Failed and
 * skipped items keep at least a cell each, so a full bar with a failure never reads all green;
 * without colour their counts, beside the bar, say it.
 */
export function barParts(
  progress: { answered: number; total: number; failed: number; skipped: number },
  width: number,
): BarPart[] {
  const { answered, total, failed, skipped } = progress
  const cells = (n: number) =>
    total === 0 ? 0 : n > 0 ? Math.max(1, Math.round((n / total) * width)) : 0
  // Nothing to answer is nothing done: an empty bar, never a full one that reads as finished.
  const filled = total === 0 ? 0 : Math.round((answered / total) * width)
  const bad = Math.min(filled, cells(failed))
  const skip = Math.min(filled - bad, cells(skipped))
  return [
    { cells: '█'.repeat(filled - bad - skip), color: ITEM_LOOK.done.color },
    { cells: '█'.repeat(skip), color: ITEM_LOOK.skipped.color },
    { cells: '█'.repeat(bad), color: ITEM_LOOK.failed.color },
    { cells: '░'.repeat(Math.max(0, width - filled)), color: undefined },
  ].filter((part) => part.cells.length > 0)
}
