/**
 * The wizard from the first question to the last: resume or start, pick a
 * checklist, pick the environment (production asks for its name), say who is
 * answering, trust the checklist's commands or not, see what changed since a
 * resumed run last saw the checklist, then the phases and the sign-off.
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
import type { FoundChecklist } from '../checklist/discover.ts'
import { isProduction } from '../checklist/environments.ts'
import type { Checklist } from '../checklist/model.ts'
import { needsTrust } from '../checks/registry.ts'
import { UserError } from '../errors.ts'
import { formatAge } from '../run/describe.ts'
import type { ChecklistChanges, ItemSnapshot } from '../run/model.ts'
import { hasChanges } from '../run/resume.ts'
import type { RunSession } from '../run/session.ts'
import type { WizardServices } from '../run/start.ts'
import type { RunSummary, StoreProblem } from '../run/store.ts'
import { keysOf } from './keys.ts'
import { type Layout, layoutOf } from './layout.ts'
import { ChoicePrompt, TextPrompt, TrustPrompt } from './prompts.tsx'
import { type ScrollLine, ScrollView } from './scroll-view.tsx'
import { Text } from './text.tsx'
import { environmentColor } from './theme.ts'
import { useScroll } from './use-scroll.ts'
import type { WizardExit } from './use-wizard.ts'
import { MIN_COLUMNS, MIN_ROWS, Wizard } from './wizard.tsx'

export interface AppOptions {
  readonly checklistPath?: string
  readonly environment?: string
  readonly operator?: string
  /** A run id to resume without asking. */
  readonly resume?: string
  /** Start a new run even when an unfinished one exists. */
  readonly isNew?: boolean
  readonly staleAfterMs: number
  /** Where the sheet goes: a function of the run id. */
  readonly sheetPathFor: (runId: string) => string
  readonly today: string
  readonly now: () => Date
}

/** How the wizard ended, for the command to print and turn into an exit code. */
export type AppOutcome =
  | { readonly kind: 'quit'; readonly session: RunSession | null }
  /** Esc or Ctrl-C at a question before the run was opened: nothing was started or saved. */
  | {
      readonly kind: 'cancelled'
      readonly how: 'esc' | 'ctrl-c'
      /** The saved run that was being reopened, left as it was. */
      readonly resuming: string | null
      readonly session: null
    }
  | { readonly kind: 'finished'; readonly session: RunSession; readonly sheetPath: string }
  | { readonly kind: 'interrupted'; readonly session: RunSession | null }
  | { readonly kind: 'error'; readonly error: unknown; readonly session: RunSession | null }

type Step =
  | { readonly name: 'loading'; readonly what: string }
  | { readonly name: 'resume'; readonly runs: readonly RunSummary[] }
  | { readonly name: 'checklist'; readonly found: readonly FoundChecklist[] | null }
  | { readonly name: 'checklist-path'; readonly problem?: string }
  | { readonly name: 'environment'; readonly checklist: Checklist }
  | {
      readonly name: 'operator'
      readonly checklist: Checklist
      readonly environment: string
      readonly guess: string
    }
  | {
      readonly name: 'confirm'
      readonly checklist: Checklist
      readonly environment: string
      readonly onConfirmed: () => void
    }
  | { readonly name: 'trust'; readonly opened: Opened }
  | { readonly name: 'changes'; readonly opened: Opened; readonly changes: Changes }
  | { readonly name: 'wizard'; readonly opened: Opened }

interface Opened {
  readonly session: RunSession
  readonly layout: Layout
  readonly initialChecks: readonly string[]
  /** What changed in the checklist since a resumed run last saw it; null for a new run. */
  readonly changes: Changes | null
}

/** A resumed run's changes, with the items as the run last saw them (their old text). */
interface Changes {
  readonly changes: ChecklistChanges
  readonly before: readonly ItemSnapshot[]
}

export function App({
  services,
  options,
  onDone,
  onOpen,
  onStoreProblems,
}: {
  readonly services: WizardServices
  readonly options: AppOptions
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
  const [step, setStep] = useState<Step>({ name: 'loading', what: 'looking for saved runs' })
  const [problem, setProblem] = useState<string | null>(null)
  // Wrong answers to the production prompt: each one clears the field for the next try.
  const [wrongTries, setWrongTries] = useState(0)
  const [session, setSession] = useState<RunSession | null>(null)
  // A saved run being reopened (its production name not typed yet): cancelling leaves it as it was.
  const [resuming, setResuming] = useState<string | null>(null)
  const [storeProblems, setStoreProblems] = useState<readonly StoreProblem[]>([])
  // Trust that could not be recorded (a read-only or full home): said on the wizard's first screen.
  const [trustProblem, setTrustProblem] = useState<string | null>(null)

  const done = (outcome: AppOutcome) => {
    onDone(outcome)
    exit()
  }
  const fail = (error: unknown) => done({ kind: 'error', error, session })

  /** Esc or Ctrl-C before a run is open: said as such, never as a quiet quit. */
  const cancel = (how: 'esc' | 'ctrl-c') =>
    done({ kind: 'cancelled', how, resuming, session: null })

  // Ctrl-C works on every screen, prompts included.
  useInput((input, key) => {
    if (key.ctrl && input === 'c') {
      if (session) done({ kind: 'interrupted', session })
      else cancel('ctrl-c')
    }
  })
  // Bracketed paste, on for the whole wizard: the terminal marks what is pasted, so a paste
  // goes whole to the text prompt open (TextPrompt), and is never taken as keys anywhere else.
  usePaste(() => {})

  const open = (opened: Opened) => {
    setSession(opened.session)
    onOpen?.(opened.session)
    const { session: s } = opened
    if (services.needsTrustPrompt(s.checklist, s.environment)) setStep({ name: 'trust', opened })
    else showChangesThenWizard(opened)
  }

  // After the trust prompt too: trust goes with the file's sha256, so an edited checklist with
  // commands always asks again, and what the edit changed must still be shown.
  const showChangesThenWizard = (opened: Opened) => {
    const { changes } = opened
    if (changes && hasChanges(changes.changes)) setStep({ name: 'changes', opened, changes })
    else setStep({ name: 'wizard', opened })
  }

  const confirmThen = (checklist: Checklist, environment: string, then: () => void) => {
    if (isProduction(checklist, environment))
      setStep({ name: 'confirm', checklist, environment, onConfirmed: then })
    else then()
  }

  const resume = async (run: RunSummary) => {
    try {
      setStep({ name: 'loading', what: `opening run ${run.id}` })
      setResuming(run.id)
      const checklist = await services.loadChecklist(run.header.checklist.path).catch((error) => {
        throw new UserError(
          `the checklist of run ${run.id} cannot be read: ${(error as Error).message}`,
          {
            hint: `restore ${run.header.checklist.path}, or export what was answered: deploy-wizard export ${run.id}`,
          },
        )
      })
      // The run's operator goes on with it; another person taking over says so (--operator).
      const operator = options.operator ?? run.header.operator
      confirmThen(checklist, run.header.environment, () => {
        try {
          const resumed = services.resumeRun(run.id, checklist, operator)
          open({
            session: resumed.session,
            layout: layoutOf(checklist, run.header.environment),
            initialChecks: resumed.stale,
            changes: { changes: resumed.changes, before: resumed.before },
          })
        } catch (error) {
          fail(error)
        }
      })
    } catch (error) {
      fail(error)
    }
  }

  const pickChecklist = async () => {
    setStep({ name: 'checklist', found: null })
    setStep({ name: 'checklist', found: await services.discoverChecklists() })
  }

  /** `isTyped`: a path typed on the path prompt, asked again when it cannot be read. */
  const chooseChecklist = async (path: string, isTyped = false) => {
    try {
      setStep({ name: 'loading', what: `reading ${path}` })
      const checklist = await services.loadChecklist(path).catch((error: unknown) => {
        if (!isTyped || !(error instanceof UserError)) throw error
        setStep({
          name: 'checklist-path',
          problem: [error.message, error.hint].filter(Boolean).join(' — '),
        })
        return null
      })
      if (!checklist) return
      const environment = options.environment
      if (environment !== undefined) {
        if (!checklist.environments.includes(environment)) {
          throw new UserError(`'${environment}' is not an environment of ${path}`, {
            hint: `choose one of: ${checklist.environments.join(', ')}`,
          })
        }
        chooseEnvironment(checklist, environment)
      } else setStep({ name: 'environment', checklist })
    } catch (error) {
      fail(error)
    }
  }

  // Production is confirmed first: nobody is asked their name for a run they will not start.
  const chooseEnvironment = (checklist: Checklist, environment: string) =>
    confirmThen(checklist, environment, () => {
      if (options.operator) return begin(checklist, environment, options.operator)
      services
        .guessOperator()
        .then((guess) => setStep({ name: 'operator', checklist, environment, guess }))
        .catch(fail)
    })

  const begin = (checklist: Checklist, environment: string, operator: string) => {
    try {
      const started = services.startRun(checklist, environment, operator)
      open({
        session: started,
        layout: layoutOf(checklist, environment),
        initialChecks: [],
        changes: null,
      })
    } catch (error) {
      fail(error)
    }
  }

  const unfinishedRuns = (filter: Parameters<WizardServices['unfinishedRuns']>[0]) => {
    const { runs, problems } = services.unfinishedRuns(filter)
    if (problems.length > 0) {
      setStoreProblems((earlier) => [...earlier, ...problems])
      onStoreProblems?.(problems)
    }
    return runs
  }

  // The first step: a run named on the command line, saved runs to resume, or a checklist to pick.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, at start
  useEffect(() => {
    ;(async () => {
      const runs = unfinishedRuns({
        ...(options.checklistPath ? { checklistPath: options.checklistPath } : {}),
        ...(options.environment ? { environment: options.environment } : {}),
      })
      if (options.resume) {
        const run = unfinishedRuns({}).find((r) => r.id === options.resume)
        if (!run) {
          throw new UserError(`no unfinished run '${options.resume}'`, {
            hint: 'deploy-wizard runs lists the runs saved on this machine (--all for finished ones)',
          })
        }
        return resume(run)
      }
      if (runs.length > 0 && !options.isNew) return setStep({ name: 'resume', runs })
      if (options.checklistPath) return chooseChecklist(options.checklistPath)
      return pickChecklist()
    })().catch(fail)
  }, [])

  // Run files set aside: a line above every screen but the wizard's, which has it in its footer.
  const problemLine = storeProblems.length > 0 ? describeProblems(storeProblems) : null
  // Every screen fits the terminal, as the wizard's does: taller, Ink's redraws garble it.
  const height = rows - (problemLine ? 1 : 0)
  if (step.name !== 'wizard' && (columns < MIN_COLUMNS || rows < MIN_ROWS)) {
    return <Text wrap="truncate-end">{`terminal too small (need ${MIN_COLUMNS}×${MIN_ROWS})`}</Text>
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

  switch (step.name) {
    case 'loading':
      return withProblems(<Text dimColor wrap="truncate-end">{`${step.what}…`}</Text>)
    case 'resume':
      return withProblems(
        <ChoicePrompt
          title="Unfinished runs on this machine — resume one, or start a new run:"
          limit={10}
          height={height}
          choices={[
            ...step.runs.map((run) => ({ label: describeRun(run, options.now()), value: run })),
            { label: 'Start a new run', value: null },
          ]}
          onChoose={(run) => {
            if (run) void resume(run)
            else if (options.checklistPath) void chooseChecklist(options.checklistPath)
            else pickChecklist().catch(fail)
          }}
          onCancel={() => cancel('esc')}
        />,
      )
    case 'checklist':
      if (step.found === null) return withProblems(<Text dimColor>looking for checklists…</Text>)
      return withProblems(
        <ChoicePrompt
          title="Which checklist?"
          limit={12}
          height={height}
          choices={[
            ...step.found.map((found) => ({
              label: `${found.title}  (${found.source === 'bundled' ? `bundled: ${found.shown}` : found.shown}, ${found.items} items)`,
              value: found.path,
            })),
            { label: 'Another file… (type its path)', value: '' },
          ]}
          onChoose={(path) => {
            if (path) void chooseChecklist(path)
            else setStep({ name: 'checklist-path' })
          }}
          onCancel={() => cancel('esc')}
        />,
      )
    case 'checklist-path':
      return withProblems(
        <TextPrompt
          title="Open a checklist"
          label="Path:"
          requiredMessage="Type the path of a markdown checklist."
          {...(step.problem ? { problem: step.problem } : {})}
          onSubmit={(path) => void chooseChecklist(path.trim(), true)}
          onCancel={() => cancel('esc')}
        />,
      )
    case 'environment':
      return withProblems(
        <ChoicePrompt
          title={`${step.checklist.title} — which environment?`}
          height={height}
          choices={step.checklist.environments.map((env) =>
            isProduction(step.checklist, env)
              ? {
                  label: `${env}  (production: you will type its name to confirm)`,
                  value: env,
                  color: environmentColor(env, true),
                }
              : { label: env, value: env },
          )}
          onChoose={(env) => chooseEnvironment(step.checklist, env)}
          onCancel={() => cancel('esc')}
        />,
      )
    case 'operator':
      return withProblems(
        <TextPrompt
          title={`${step.checklist.title} — ${step.environment}`}
          label="Your name, as the sheet should show it:"
          initial={step.guess}
          requiredMessage="The sign-off sheet needs a name."
          onSubmit={(name) => begin(step.checklist, step.environment, name.trim())}
          onCancel={() => cancel('esc')}
        />,
      )
    case 'confirm':
      return withProblems(
        <Box flexDirection="column">
          <Text bold color={environmentColor(step.environment, true)} wrap="truncate-end">
            {`⚠  ${step.environment.toUpperCase()}: checks will run against production.`}
          </Text>
          {problem ? (
            <Text color="yellow" wrap="truncate-end">
              {problem}
            </Text>
          ) : null}
          <TextPrompt
            key={wrongTries}
            title={step.checklist.title}
            label={`Type '${step.environment}' to go on:`}
            onSubmit={(typed) => {
              if (typed.trim() === step.environment) {
                setProblem(null)
                step.onConfirmed()
              } else {
                setProblem(`That is not '${step.environment}'. Type it exactly, or esc to leave.`)
                setWrongTries((tries) => tries + 1)
              }
            }}
            onCancel={() => cancel('esc')}
          />
        </Box>,
      )
    case 'trust': {
      const { session: s } = step.opened
      // Every command of the file, those of items for other environments too: trust covers the
      // whole file, and `o` can make any of them run in this run.
      const commands = [...step.opened.layout.items.values()].filter(needsTrust)
      return withProblems(
        <TrustPrompt
          // The path on its own lines, whole: cut at its start, it lost what tells two files apart.
          title="This checklist runs shell commands. Trust it on this machine?"
          subtitle={s.checklist.path}
          commands={commands}
          note="Trusting is recorded with the file’s sha256: any change to it asks again."
          width={columns}
          height={height}
          yes="trust it and run them"
          no="not now (they stay manual; r on one asks again)"
          onAnswer={(isYes) => {
            if (isYes) {
              try {
                s.trust()
              } catch (error) {
                // Its commands stay manual, as if declined; the rest of the run goes on.
                setTrustProblem(`NOT TRUSTED: ${(error as Error).message}`)
              }
            }
            showChangesThenWizard(step.opened)
          }}
        />,
      )
    }
    case 'changes':
      return withProblems(
        <ChangesScreen
          changes={step.changes.changes}
          before={step.changes.before}
          layout={step.opened.layout}
          width={columns}
          height={height}
          onContinue={() => setStep({ name: 'wizard', opened: step.opened })}
        />,
      )
    case 'wizard':
      return (
        <Wizard
          session={step.opened.session}
          layout={step.opened.layout}
          staleAfterMs={options.staleAfterMs}
          initialChecks={step.opened.initialChecks}
          sheetPath={options.sheetPathFor(step.opened.session.id)}
          today={options.today}
          {...(trustProblem || problemLine
            ? { notice: { tone: 'warn', text: trustProblem ?? problemLine ?? '' } as const }
            : {})}
          onExit={(exitWith: WizardExit) =>
            done(
              exitWith.kind === 'finished'
                ? { kind: 'finished', session: step.opened.session, sheetPath: exitWith.sheetPath }
                : { kind: 'quit', session: step.opened.session },
            )
          }
        />
      )
  }
}

/** One line for run files set aside; the paths are printed when the wizard closes. */
function describeProblems(problems: readonly StoreProblem[]): string {
  const files = problems.length === 1 ? '1 run file' : `${problems.length} run files`
  return `⚠ ${files} could not be used; the details are printed when you leave`
}

/** Where a change's text starts, after `  ~ reworded  `: its wrapped lines are indented as far. */
const CHANGE_INDENT = ' '.repeat(14)

/** What changed in the checklist since a resumed run last saw it; a long list scrolls. */
function ChangesScreen({
  changes,
  before,
  layout,
  width,
  height,
  onContinue,
}: {
  readonly changes: ChecklistChanges
  readonly before: readonly ItemSnapshot[]
  readonly layout: Layout
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
      text: `  - removed   ${oldText(id)}  (its answer stays in the run's journal and on the sheet)`,
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

function describeRun(run: RunSummary, now: Date): string {
  const { answered, total } = run.progress
  const locked = run.locked ? ` — open in PID ${run.locked.pid} on ${run.locked.host}` : ''
  // The id first: it is the one field that tells two runs apart, so a narrow terminal cuts the rest.
  return `${run.id} · ${run.header.checklist.title} · ${answered}/${total} answered · ${run.header.operator} · ${formatAge(run.lastActivityAt, now)}${locked}`
}
