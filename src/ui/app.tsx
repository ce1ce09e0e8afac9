/**
 * The wizard from the first question to the last. Opening the run is a
 * sequence of awaited questions (open-run.ts); this component answers them: it
 * draws the one question waiting (a choice, a line of text, production's name,
 * trust, what changed), then the phases and the sign-off.
 *
 * Every screen fits the terminal: long lists scroll, long lines are cut, and
 * below the wizard's smallest size one line says so instead.
 *
 * Everything that touches the disk or the network is in `services`, so tests
 * give it a temporary home and real backends.
 */
import { Box, useApp, useInput, usePaste, useWindowSize } from 'ink'
import { type ReactNode, useEffect, useState } from 'react'
import wrapAnsi from 'wrap-ansi'
import type { ChecklistChanges, ItemSnapshot } from '../run/model.ts'
import type { RunSession } from '../run/session.ts'
import type { WizardServices } from '../run/start.ts'
import type { StoreProblem } from '../run/store.ts'
import { keysOf } from './keys.ts'
import type { Layout } from './layout.ts'
import type { AppOptions } from './open-run.ts'
import {
  type Opening,
  type OpeningView,
  problemLineOf,
  startOpening,
  wizardNotice,
} from './opening.ts'
import { ChoicePrompt, ConfirmPrompt, TextPrompt, TrustPrompt } from './prompts.tsx'
import { type ScrollLine, ScrollView } from './scroll-view.tsx'
import { Text } from './text.tsx'
import { environmentColor } from './theme.ts'
import { TRUST_QUESTION_WORDS } from './trust-words.ts'
import { useScroll } from './use-scroll.ts'
import type { WizardExit } from './use-wizard.ts'
import { MIN_COLUMNS, MIN_ROWS, TooSmall, Wizard } from './wizard.tsx'

export type { AppOptions } from './open-run.ts'

/** How the wizard ended, for the command to print and turn into an exit code. */
export type AppOutcome =
  | { readonly kind: 'quit'; readonly session: RunSession | null }
  /** Esc or Ctrl-C at a question before the run was opened: nothing was started or saved. */
  | {
      readonly kind: 'cancelled'
      readonly how: 'esc' | 'ctrl-c'
      /** The saved run that was being reopened, left as it was. */
      readonly resuming: string | null
      /** What to say instead of the usual words (a team run left to its driver). */
      readonly said?: string
      readonly session: null
    }
  | { readonly kind: 'finished'; readonly session: RunSession; readonly sheetPath: string }
  | { readonly kind: 'interrupted'; readonly session: RunSession | null }
  | { readonly kind: 'error'; readonly error: unknown; readonly session: RunSession | null }

export function App({
  services,
  options,
  opening: started,
  onDone,
  onOpen,
  onStoreProblems,
}: {
  readonly services: WizardServices
  readonly options: AppOptions
  /**
   * The run being opened, when it was started before Ink loaded (`run` does, to paint the first
   * screen early): drawn from the screen it has reached. Else App starts it, with the hooks below.
   */
  readonly opening?: Opening
  readonly onDone: (outcome: AppOutcome) => void
  /** Told of the run as soon as it is open, so a signal from outside can still close it. */
  readonly onOpen?: (session: RunSession) => void
  /**
   * Told of run files that had to be set aside while looking for saved runs, to print in full
   * once the wizard is closed (under a full-screen wizard, stderr is cut off and then lost).
   */
  readonly onStoreProblems?: (problems: readonly StoreProblem[]) => void
}) {
  const { exit } = useApp()
  const { columns, rows } = useWindowSize()
  const [opening] = useState(
    () =>
      started ??
      startOpening(services, options, {
        ...(onOpen ? { onOpen } : {}),
        ...(onStoreProblems ? { onStoreProblems } : {}),
      }),
  )
  const [view, setView] = useState<OpeningView>(() => opening.view())
  const { waiting, storeProblems } = view

  const done = (outcome: AppOutcome) => {
    onDone(outcome)
    exit()
  }

  // Ctrl-C works on every screen, prompts included; before a run is open it is said as such.
  useInput((input, key) => {
    if (key.ctrl && input === 'c') {
      const session = opening.session()
      if (session) done({ kind: 'interrupted', session })
      else done({ kind: 'cancelled', how: 'ctrl-c', resuming: opening.resuming(), session: null })
    }
  })
  // Bracketed paste, on for the whole wizard: the terminal marks what is pasted, so a paste
  // goes whole to the text prompt open (TextPrompt), and is never taken as keys anywhere else.
  usePaste(() => {})

  // biome-ignore lint/correctness/useExhaustiveDependencies: once, at start
  useEffect(() => {
    // What changed between the first render and now, then every change after.
    setView(opening.view())
    const unsubscribe = opening.subscribe(setView)
    opening.ended.then((end) =>
      end.kind === 'cancelled'
        ? done({
            kind: 'cancelled',
            how: 'esc',
            resuming: opening.resuming(),
            ...(end.said ? { said: end.said } : {}),
            session: null,
          })
        : done({ kind: 'error', error: end.error, session: opening.session() }),
    )
    return unsubscribe
  }, [])

  // Run files set aside: a line above every screen but the wizard's, which has it in its footer.
  const problemLine = problemLineOf(storeProblems)
  // Every screen fits the terminal, as the wizard's does: taller, Ink's redraws garble it.
  const height = rows - (problemLine ? 1 : 0)
  if (waiting.kind !== 'wizard' && (columns < MIN_COLUMNS || rows < MIN_ROWS)) {
    return <TooSmall quitKey="Ctrl-C" />
  }
  const withProblems = (screen: ReactNode) =>
    problemLine ? (
      <Box flexDirection="column">
        <Text color="yellow" wrap="truncate-end">
          {problemLine}
        </Text>
        {screen}
      </Box>
    ) : (
      screen
    )

  switch (waiting.kind) {
    case 'loading':
      return withProblems(<Text dimColor wrap="truncate-end">{`${waiting.what}…`}</Text>)
    case 'choose':
      return withProblems(
        <ChoicePrompt
          // A new question is a new list, its cursor at the top; one updated in place keeps it.
          key={waiting.key}
          title={waiting.question.title}
          {...(waiting.question.notes ? { notes: waiting.question.notes } : {})}
          {...(waiting.question.limit !== undefined ? { limit: waiting.question.limit } : {})}
          height={height}
          choices={waiting.question.choices}
          onChoose={waiting.answer}
          onCancel={waiting.cancel}
        />,
      )
    case 'text':
      return withProblems(
        <TextPrompt
          key={`${waiting.question.title}\n${waiting.question.problem ?? ''}`}
          {...waiting.question}
          onSubmit={waiting.answer}
          onCancel={waiting.cancel}
        />,
      )
    case 'confirm-name': {
      const { question, asked } = waiting
      return withProblems(
        <Box flexDirection="column">
          <Text bold color={environmentColor(question.name, true)} wrap="truncate-end">
            {question.hasChecks
              ? `⚠  ${question.name.toUpperCase()}: checks will run against production.`
              : `⚠  ${question.name.toUpperCase()}: this run is for production.`}
          </Text>
          {question.warning ? (
            <Text color="yellow" wrap="wrap">
              {question.warning}
            </Text>
          ) : null}
          {asked.problem ? (
            <Text color="yellow" wrap="truncate-end">
              {asked.problem}
            </Text>
          ) : null}
          <TextPrompt
            // Each wrong answer clears the field for the next try.
            key={asked.attempt}
            title={question.title}
            label={asked.label}
            enterDoes="confirm"
            onSubmit={waiting.answer}
            onCancel={waiting.cancel}
          />
        </Box>,
      )
    }
    case 'trust':
      return withProblems(
        <TrustPrompt
          {...TRUST_QUESTION_WORDS}
          // The path on its own lines, whole: cut at its start, it lost what tells two files apart.
          subtitle={waiting.question.path}
          commands={waiting.question.commands}
          width={columns}
          height={height}
          onAnswer={waiting.answer}
        />,
      )
    case 'confirm':
      return withProblems(
        <ConfirmPrompt
          title={waiting.question.title}
          subtitle={waiting.question.subtitle}
          yes={waiting.question.yes}
          no={waiting.question.no}
          isEnterNo
          width={columns}
          height={height}
          onAnswer={waiting.answer}
        />,
      )
    case 'changes':
      return withProblems(
        <ChangesScreen
          changes={waiting.question.changes}
          before={waiting.question.before}
          layout={waiting.question.layout}
          answered={waiting.question.answered}
          width={columns}
          height={height}
          onContinue={waiting.answer}
        />,
      )
    case 'wizard': {
      const { opened } = waiting
      const notice = wizardNotice(opened, problemLine)
      return (
        <Wizard
          session={opened.session}
          layout={opened.layout}
          staleAfterMs={options.staleAfterMs}
          initialChecks={opened.initialChecks}
          sheetPath={options.sheetPathFor(opened.session.id)}
          today={options.today}
          {...(notice ? { notice } : {})}
          onExit={(exitWith: WizardExit) =>
            done(
              exitWith.kind === 'finished'
                ? { kind: 'finished', session: opened.session, sheetPath: exitWith.sheetPath }
                : { kind: 'quit', session: opened.session },
            )
          }
        />
      )
    }
  }
}

/** Where a change's text starts, after `  ~ reworded  `: its wrapped lines are indented as far. */
const CHANGE_INDENT = ' '.repeat(14)

/** What changed in the checklist since a resumed run last saw it; a long list scrolls. */
function ChangesScreen({
  changes,
  before,
  layout,
  answered = [],
  width,
  height,
  onContinue,
}: {
  readonly changes: ChecklistChanges
  readonly before: readonly ItemSnapshot[]
  readonly layout: Layout
  readonly answered?: readonly string[] | undefined
  readonly width: number
  readonly height: number
  readonly onContinue: () => void
}) {
  const text = (id: string) => layout.items.get(id)?.plain ?? id
  // Removed and reworded items are no longer in the checklist: their text as the run last saw it.
  const oldText = (id: string) => before.find((item) => item.id === id)?.text ?? id
  const changed: ScrollLine[] = [
    ...changes.added.map((id) => ({ color: 'green' as const, text: `  + added     ${text(id)}` })),
    ...changes.reworded.map(({ from, to }) => ({
      color: 'yellow' as const,
      text: `  ~ reworded  ${text(to)}  (was “${oldText(from)}”; its answer follows it)`,
    })),
    ...changes.removed.map((id) => ({
      color: 'red' as const,
      text: answered.includes(id)
        ? `  - removed   ${oldText(id)}  (its answer stays in the run's journal and on the sheet)`
        : `  - removed   ${oldText(id)}`,
    })),
  ]
  // Wrapped, never cut: what an item says, and what becomes of its answer, is read whole.
  const lines = changed.flatMap((line) =>
    wrapAnsi(line.text.slice(CHANGE_INDENT.length), Math.max(8, width - CHANGE_INDENT.length), {
      hard: true,
    })
      .split('\n')
      .map((part, index) => ({
        ...line,
        text: `${index === 0 ? line.text.slice(0, CHANGE_INDENT.length) : CHANGE_INDENT}${part}`,
      })),
  )
  // The title and the keys take a line each.
  const listHeight = Math.min(lines.length, height - 2)
  const top = useScroll(lines.length, listHeight)
  useInput((input, key) => {
    if (keysOf(input, key).some((next) => next.key.return)) onContinue()
  })
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        The checklist changed since this run last saw it.
      </Text>
      <ScrollView lines={lines} top={top} height={listHeight} />
      <Text dimColor wrap="truncate-end">
        {lines.length > listHeight ? 'enter: continue · ↑↓ PgUp PgDn: scroll' : 'enter: continue'}
      </Text>
    </Box>
  )
}
