/**
 * Every key of the wizard's phase and sign-off screens, once: which presses it
 * takes, on which screen, what it does in words, and the command it runs. The
 * dispatch (`commandFor`, read by use-wizard.ts), the footer (footer.tsx) and
 * the help (prompts.tsx) all read this table; none keeps a list of its own.
 *
 * The rows are in the order the footer lists them; the help lists those with
 * help text in the same order.
 */
import type { Key } from 'ink'
import type { Screen } from './use-wizard-state.ts'

/** What a key asks the wizard to do (wizard-commands.ts does it). */
export type KeyCommand =
  | 'quit'
  | 'move-up'
  | 'move-down'
  | 'page-up'
  | 'page-down'
  | 'move-first'
  | 'move-last'
  | 'previous-phase'
  | 'next-phase'
  | 'help'
  | 'pages'
  | 'toggle-expanded'
  | 'fill'
  | 'finish'
  | 'done'
  | 'fail'
  | 'skip'
  | 'not-applicable'
  | 'override-scope'
  | 'pending'
  | 'note'
  | 'run'
  | 'rerun-failed'
  | 'run-all-due'

/** One press: a character typed, or a named key (an arrow, enter, tab). */
export interface Press {
  readonly input?: string
  readonly key?:
    | 'upArrow'
    | 'downArrow'
    | 'leftArrow'
    | 'rightArrow'
    | 'pageUp'
    | 'pageDown'
    | 'home'
    | 'end'
    | 'return'
    | 'tab'
  readonly command: KeyCommand
}

/** How the footer shows a key on one screen. */
export interface FooterHint {
  readonly does: string
  /** When they do not all fit, the lowest rank is left out first. */
  readonly rank: number
}

export interface KeyRow {
  /** The key as the footer and the help name it. */
  readonly key: string
  /** As the help names it, when that says more (the letters beside the arrows). */
  readonly helpKey?: string
  /** The presses it takes, on the screens it takes them. */
  readonly presses: readonly Press[]
  readonly screens: readonly Screen[]
  /** Listed in the footer of these screens. */
  readonly footer?: Partial<Readonly<Record<Screen, FooterHint>>>
  /** What the help says it does; without it, the help does not list the row. */
  readonly help?: string
  /** The key and what it does in a view that changes nothing (watch), when they differ. */
  readonly readOnlyHelp?: { readonly key: string; readonly help: string }
  /** It runs checks: not listed for a checklist without any. */
  readonly isCheckKey?: boolean
  /** It opens the reference pages: listed only for a checklist that has some. */
  readonly isPagesKey?: boolean
  /**
   * It answers the selected item or runs its check: for an item the checklist scopes to other
   * environments, the operator says it applies here first (o).
   */
  readonly answers?: boolean
}

/** Listed however narrow the terminal: `? help` lists every key, and `q quit` always works. */
export const ALWAYS = Number.POSITIVE_INFINITY

const BOTH: readonly Screen[] = ['phase', 'signoff']

export const KEYMAP: readonly KeyRow[] = [
  {
    key: '↑↓',
    helpKey: '↑ ↓  j k',
    screens: BOTH,
    presses: [
      { key: 'upArrow', command: 'move-up' },
      { input: 'k', command: 'move-up' },
      { key: 'downArrow', command: 'move-down' },
      { input: 'j', command: 'move-down' },
      { key: 'pageUp', command: 'page-up' },
      { key: 'pageDown', command: 'page-down' },
      { key: 'home', command: 'move-first' },
      { input: 'g', command: 'move-first' },
      { key: 'end', command: 'move-last' },
      { input: 'G', command: 'move-last' },
    ],
    footer: { phase: { does: 'move', rank: 6 }, signoff: { does: 'move', rank: 6 } },
    help: 'move; PgUp PgDn and Home End jump',
  },
  {
    key: 'enter',
    screens: ['phase'],
    presses: [{ key: 'return', command: 'toggle-expanded' }],
    help: 'show the selected item in full (PgUp PgDn scroll it), and back',
  },
  {
    key: 'enter',
    screens: ['signoff'],
    presses: [{ key: 'return', command: 'fill' }],
    footer: { signoff: { does: 'fill', rank: 9 } },
  },
  {
    key: 'f',
    screens: ['signoff'],
    presses: [{ input: 'f', command: 'finish' }],
    footer: { signoff: { does: 'finish', rank: 8 } },
  },
  // On the sign-off screen only back is of use; the arrows' row below takes the presses.
  { key: '←', screens: [], presses: [], footer: { signoff: { does: 'back', rank: 5 } } },
  {
    key: 'd',
    screens: ['phase'],
    presses: [{ input: 'd', command: 'done' }],
    footer: { phase: { does: 'done', rank: 9 } },
    help: 'mark done, then on to the next item to answer (so do f, s, a)',
    answers: true,
  },
  {
    key: 'f',
    screens: ['phase'],
    presses: [{ input: 'f', command: 'fail' }],
    footer: { phase: { does: 'fail', rank: 8 } },
    help: 'mark failed (a note is asked, optional)',
    answers: true,
  },
  {
    key: 's',
    screens: ['phase'],
    presses: [{ input: 's', command: 'skip' }],
    footer: { phase: { does: 'skip', rank: 8 } },
    help: 'skip (a reason is required)',
    answers: true,
  },
  {
    key: 'a',
    screens: ['phase'],
    presses: [{ input: 'a', command: 'not-applicable' }],
    footer: { phase: { does: 'n/a', rank: 4 } },
    help: 'not applicable here',
    answers: true,
  },
  {
    key: 'o',
    screens: ['phase'],
    presses: [{ input: 'o', command: 'override-scope' }],
    // Only for a dimmed item, whose detail pane names it too: the first to go when narrow.
    footer: { phase: { does: 'applies here', rank: 2 } },
    help: 'a dimmed item applies here after all (o again: undo)',
  },
  {
    key: 'u',
    screens: ['phase'],
    presses: [{ input: 'u', command: 'pending' }],
    help: 'back to pending',
    answers: true,
  },
  {
    key: 'n',
    screens: ['phase'],
    presses: [{ input: 'n', command: 'note' }],
    footer: { phase: { does: 'note', rank: 5 } },
    help: 'add a note',
  },
  {
    key: 'r',
    screens: ['phase'],
    presses: [{ input: 'r', command: 'run' }],
    footer: { phase: { does: 'run', rank: 7 } },
    help: 'run / re-run the selected check (asks to trust commands first)',
    isCheckKey: true,
    answers: true,
  },
  {
    key: 'R',
    screens: ['phase'],
    presses: [{ input: 'R', command: 'rerun-failed' }],
    footer: { phase: { does: 're-run failed', rank: 3 } },
    help: "re-run this phase's failed checks",
    isCheckKey: true,
  },
  {
    key: 'A',
    screens: ['phase'],
    presses: [{ input: 'A', command: 'run-all-due' }],
    footer: { phase: { does: 'run all due', rank: 3 } },
    help: 'run the due checks of every phase: not run yet, stale or failed',
    isCheckKey: true,
  },
  {
    key: 'p',
    screens: BOTH,
    presses: [{ input: 'p', command: 'pages' }],
    footer: { phase: { does: 'pages', rank: 5 }, signoff: { does: 'pages', rank: 5 } },
    help: 'reference pages: sections with nothing to complete (procedures, contacts)',
    isPagesKey: true,
  },
  {
    key: '←→',
    helpKey: '← →  h l',
    screens: BOTH,
    presses: [
      { key: 'leftArrow', command: 'previous-phase' },
      { input: 'h', command: 'previous-phase' },
      { key: 'rightArrow', command: 'next-phase' },
      { input: 'l', command: 'next-phase' },
      { key: 'tab', command: 'next-phase' },
    ],
    footer: { phase: { does: 'phase', rank: 6 } },
    help: 'previous / next phase (past the last: sign-off)',
  },
  {
    key: '?',
    screens: BOTH,
    presses: [{ input: '?', command: 'help' }],
    footer: { phase: { does: 'help', rank: ALWAYS }, signoff: { does: 'help', rank: ALWAYS } },
    help: 'this help',
  },
  {
    key: 'q',
    helpKey: 'q  Ctrl-C',
    screens: BOTH,
    presses: [{ input: 'q', command: 'quit' }],
    footer: { phase: { does: 'quit', rank: ALWAYS }, signoff: { does: 'quit', rank: ALWAYS } },
    help: 'quit: progress is already saved; resume later',
    readOnlyHelp: { key: 'q  Esc', help: 'stop watching (Ctrl-C too)' },
  },
]

/** The row and command a press runs on `screen`, or null when the key does nothing there. */
export function commandFor(
  screen: Screen,
  input: string,
  key: Key,
): { readonly row: KeyRow; readonly command: KeyCommand } | null {
  for (const row of KEYMAP) {
    if (!row.screens.includes(screen)) continue
    for (const press of row.presses) {
      if (press.input !== undefined ? press.input === input : press.key && key[press.key]) {
        return { row, command: press.command }
      }
    }
  }
  return null
}

/** The commands that only look: moving, switching phases, reading. A read-only view (watch) takes only these. */
export const LOOKING_COMMANDS: ReadonlySet<KeyCommand> = new Set<KeyCommand>([
  'quit',
  'move-up',
  'move-down',
  'page-up',
  'page-down',
  'move-first',
  'move-last',
  'previous-phase',
  'next-phase',
  'help',
  'pages',
  'toggle-expanded',
])

/** Whether every press of the row only looks (a row with none, as `← back`, does). */
export function isLookingRow(row: KeyRow): boolean {
  return row.presses.every((press) => LOOKING_COMMANDS.has(press.command))
}

/** The keys the help lists, with what each does, in the footer's order; `readOnly`: only those that look. */
export function helpRows(readOnly = false): readonly (readonly [key: string, does: string])[] {
  return KEYMAP.flatMap((row) => {
    if (!row.help || (readOnly && !isLookingRow(row))) return []
    if (readOnly && row.readOnlyHelp)
      return [[row.readOnlyHelp.key, row.readOnlyHelp.help] as const]
    return [[row.helpKey ?? row.key, row.help] as const]
  })
}
