/**
 * Opening a run, from the first question to the wizard: resume a saved run or
 * start one, pick a checklist, pick the environment (production asks for its
 * name), say who is answering, trust the checklist's commands or not, see what
 * changed since a resumed run last saw the checklist. A sequence of awaited
 * questions (ask.ts); nothing here draws.
 *
 * A team run (one whose store is named, or this machine's copy of one) is opened
 * the same way, with two more questions: who is answering, for a run found only
 * in the store, and whether to take it over from whoever drives it (or, its store silent, to
 * go on offline with this machine's copy, unless the operator says yes). Its store is
 * read before anything is asked about it, so a run finished there is refused
 * before production is confirmed. With a store named, the list of runs to
 * resume has the store's runs not on this machine too, and leaves out this
 * machine's copies of runs finished there (team/offered.ts): shown at once, and
 * brought up to date in place when the store answers (resume-list.ts).
 */
import { isProduction } from '../checklist/environments.ts'
import type { Checklist } from '../checklist/model.ts'
import { noStepsToRun } from '../checklist/no-steps.ts'
import { isInScope } from '../checklist/scope.ts'
import { needsTrust } from '../checks/registry.ts'
import { UserError } from '../errors.ts'
import type { RunHeader } from '../run/model.ts'
import { hasChanges } from '../run/resume.ts'
import type { RunSession } from '../run/session.ts'
import type { ResumeQuestions, WizardServices } from '../run/start.ts'
import type { StoreProblem } from '../run/store.ts'
import type { TeamRunsOffered } from '../run/team/offered.ts'
import { type Ask, Cancelled, type ChooseQuestion, type ChooseUpdate } from './ask.ts'
import { type Layout, layoutOf } from './layout.ts'
import { isBareList, isStoreRun, type ResumeChoice, resumeListQuestion } from './resume-list.ts'
import { environmentColor } from './theme.ts'

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

/** A run open, and what the wizard needs to show it. */
export interface OpenedRun {
  readonly session: RunSession
  readonly layout: Layout
  /** Checks to run as the wizard opens: a resumed run's stale results. */
  readonly initialChecks: readonly string[]
  /** Trust that could not be recorded (a read-only or full home): said on the first screen. */
  readonly trustProblem: string | null
  /** What the operator should know as the run opens: a team run taken over, entries kept aside. */
  readonly notices?: readonly string[]
}

export interface OpenRunHooks {
  /** A saved run is being reopened: cancelling now leaves it as it was (null: back to the list). */
  readonly onResuming?: (runId: string | null) => void
  /** Told of the run as soon as it is open, so a signal from outside can still close it. */
  readonly onOpen?: (session: RunSession) => void
  /** Run files that had to be set aside while looking for saved runs. */
  readonly onStoreProblems?: (problems: readonly StoreProblem[]) => void
  /**
   * What to say in full once the screens are gone (the list has a line for each): a team run
   * set aside here because it was finished elsewhere, a team store that refused to be read.
   */
  readonly onNotices?: (notices: readonly string[]) => void
}

/** Asks what it must and opens the run; rejects with `Cancelled` when the operator backs out. */
export async function openRun(
  ask: Ask,
  services: WizardServices,
  options: AppOptions,
  hooks: OpenRunHooks = {},
): Promise<OpenedRun> {
  const unfinishedRuns = (filter: Parameters<WizardServices['unfinishedRuns']>[0]) => {
    const { runs, problems } = services.unfinishedRuns(filter)
    if (problems.length > 0) hooks.onStoreProblems?.(problems)
    return runs
  }

  /**
   * Production is confirmed first: nobody is asked their name for a run they will not start.
   * `warning`: said over it (a team store that did not answer, which a new run needs).
   */
  const confirmProduction = async (checklist: Checklist, environment: string, warning?: string) => {
    if (isProduction(checklist, environment))
      await ask.confirmName({
        title: checklist.title,
        name: environment,
        hasChecks: checklist.items.some(
          (item) => item.check !== null && isInScope(item.scope, environment),
        ),
        ...(warning ? { warning } : {}),
      })
  }

  /** The run opened: its commands trusted or not, and what changed shown, before the wizard. */
  const opened = async (
    session: RunSession,
    initialChecks: readonly string[],
    resumed?: Omit<Parameters<Ask['changes']>[0], 'answered'>,
    notices: readonly string[] = [],
  ): Promise<OpenedRun> => {
    hooks.onOpen?.(session)
    const layout = layoutOf(session.checklist, session.environment)
    let trustProblem: string | null = null
    if (services.needsTrustPrompt(session.checklist, session.environment)) {
      // Every command of the file, those of items for other environments too: trust covers the
      // whole file, and `o` can make any of them run in this run.
      const commands = [...layout.items.values()].filter(needsTrust)
      if (await ask.trust({ path: session.checklist.path, commands })) {
        try {
          session.trust()
        } catch (error) {
          // Its commands stay manual, as if declined; the rest of the run goes on.
          trustProblem = `NOT TRUSTED: ${(error as Error).message}`
        }
      }
    }
    // After the trust question too: trust goes with the file's sha256, so an edited checklist with
    // commands always asks again, and what the edit changed must still be shown.
    if (resumed && hasChanges(resumed.changes)) {
      const answered = Object.entries(session.state.items)
        .filter(([, record]) => record.by !== null)
        .map(([id]) => id)
      await ask.changes({ ...resumed, layout, answered })
      // Only now: a kill or a quit on that screen shows the same changes on the next resume.
      session.changesSeen()
    }
    return { session, layout, initialChecks, trustProblem, ...(notices.length ? { notices } : {}) }
  }

  /** Asked when someone else drives a team run: refusing leaves it to them, nothing written. */
  const questions = (runId: string): ResumeQuestions => ({
    takeOver: async ({ name, arn, lastSeen }) => {
      // Leaving it comes first: enter alone never takes a run from someone still at it.
      const isTaken = await ask.choose({
        title: `Take over run ${runId} from ${name}, last seen ${lastSeen}?`,
        choices: [
          { label: `Leave it to ${name}: nothing is written`, value: false },
          {
            label: `Take over: ${name} can no longer record anything in it (they drive as ${arn})`,
            value: true,
          },
        ],
      })
      if (!isTaken) throw new Cancelled(`Left run ${runId} to ${name}: nothing was written.`)
      return true
    },
    // No unless said: going on without knowing who drives the run is the exception.
    goOffline: ({ store, problem }) =>
      ask.confirm({
        title: `The team store is not answering: go on with run ${runId} offline? [y/N]`,
        subtitle: `The team store ${store} is not answering (${problem}). Go on with run ${runId} from this machine's copy? Who drives it is known only in the store: if someone else took it over meanwhile, what you answer here is kept aside, not sent.`,
        yes: "go on from this machine's copy",
        no: 'leave it (enter): open it again once the store answers',
      }),
  })

  /**
   * `isImported`: found only in a team store, so whoever opens it here says who they are.
   * `isFinishedHere`: finished on this machine, the store not told yet: opening it only sends
   * what waits (nothing is run), so production is not confirmed again.
   */
  const resume = async (
    run: {
      readonly id: string
      readonly header: RunHeader
      readonly isFinishedHere?: boolean
    },
    isImported = false,
  ): Promise<OpenedRun> => {
    ask.loading(`opening run ${run.id}`)
    hooks.onResuming?.(run.id)
    // Its team store first: a run finished there is refused before production is confirmed.
    await services.checkResumable?.(run.id, questions(run.id))
    const checklist = await services.loadChecklist(run.header.checklist.path).catch((error) => {
      throw new UserError(
        `the checklist of run ${run.id} cannot be read: ${(error as Error).message}`,
        {
          hint: `restore ${run.header.checklist.path}, or export what was answered: deploy-wizard export ${run.id}`,
        },
      )
    })
    if (!run.isFinishedHere) await confirmProduction(checklist, run.header.environment)
    // The run's operator goes on with it; another person taking over says so (--operator).
    // A run from the team store is someone else's so far: whoever opens it here is asked.
    const operator =
      options.operator ??
      (isImported
        ? (
            await ask.text({
              title: `${checklist.title} — ${run.header.environment}, run ${run.id}`,
              label: 'Your name, as the sheet should show it:',
              initial: await services.guessOperator(),
              requiredMessage: 'The sign-off sheet needs a name.',
            })
          ).trim()
        : run.header.operator)
    ask.loading(`opening run ${run.id}`)
    const resumed = await services.resumeRun(run.id, checklist, operator, questions(run.id))
    return opened(
      resumed.session,
      resumed.stale,
      {
        changes: resumed.changes,
        before: resumed.before,
        layout: layoutOf(checklist, run.header.environment),
      },
      resumed.notices,
    )
  }

  /** A path typed by the operator, asked again, saying why, while it cannot be read. */
  const typedChecklist = async (): Promise<Checklist> => {
    let problem: string | undefined
    for (;;) {
      const path = await ask.text({
        title: 'Open a checklist',
        label: 'Path:',
        requiredMessage: 'Type the path of a markdown checklist.',
        ...(problem ? { problem } : {}),
      })
      ask.loading(`reading ${path.trim()}`)
      try {
        return await services.loadChecklist(path.trim())
      } catch (error) {
        if (!(error instanceof UserError)) throw error
        problem = [error.message, error.hint].filter(Boolean).join(' — ')
      }
    }
  }

  const pickChecklist = async (): Promise<Checklist> => {
    if (options.checklistPath) {
      ask.loading(`reading ${options.checklistPath}`)
      return services.loadChecklist(options.checklistPath)
    }
    ask.loading('looking for checklists')
    const found = await services.discoverChecklists()
    const path = await ask.choose({
      title: 'Which checklist?',
      limit: 12,
      choices: [
        ...found.map((one) => ({
          label: `${one.title}  (${one.source === 'bundled' ? `bundled: ${one.shown}` : one.shown}, ${one.items} items)`,
          value: one.path,
        })),
        { label: 'Another file… (type its path)', value: '' },
      ],
    })
    if (!path) return typedChecklist()
    ask.loading(`reading ${path}`)
    return services.loadChecklist(path)
  }

  const chooseEnvironment = async (checklist: Checklist): Promise<string> => {
    const environment = options.environment
    if (environment === undefined) {
      return ask.choose({
        title: `${checklist.title} — which environment?`,
        choices: checklist.environments.map((env) =>
          isProduction(checklist, env)
            ? {
                label: `${env}  (production: you will type its name to confirm)`,
                value: env,
                color: environmentColor(env, true),
              }
            : { label: env, value: env },
        ),
      })
    }
    if (!checklist.environments.includes(environment)) {
      throw new UserError(`'${environment}' is not an environment of ${checklist.path}`, {
        hint: `choose one of: ${checklist.environments.join(', ')}`,
      })
    }
    return environment
  }

  /** `silent`: the team store the list asked did not answer ("the team store s3://… did not answer within 10s"). */
  const start = async (silent?: string): Promise<OpenedRun> => {
    const checklist = await pickChecklist()
    // Named on the command line it was refused before; picked or typed, it is refused here.
    const refusal = noStepsToRun(checklist, checklist.path)
    if (refusal) throw refusal
    const environment = await chooseEnvironment(checklist)
    // Before production's name is typed: a new team run cannot start until the store answers.
    await confirmProduction(
      checklist,
      environment,
      silent && `⚠ ${silent}: a new team run cannot start until it answers`,
    )
    const operator =
      options.operator ??
      (
        await ask.text({
          title: `${checklist.title} — ${environment}`,
          label: 'Your name, as the sheet should show it:',
          initial: await services.guessOperator(),
          requiredMessage: 'The sign-off sheet needs a name.',
        })
      ).trim()
    ask.loading(`starting the run`)
    return opened(await services.startRun(checklist, environment, operator), [])
  }

  // A run named on the command line, saved runs to resume, or a checklist to pick.
  ask.loading('looking for saved runs')
  const runs = unfinishedRuns({
    ...(options.checklistPath ? { checklistPath: options.checklistPath } : {}),
    ...(options.environment ? { environment: options.environment } : {}),
  })
  if (options.resume) {
    const run = unfinishedRuns({}).find((r) => r.id === options.resume)
    if (run) return resume(run)
    // Not on this machine (or finished here): a team store named may have it.
    ask.loading(`looking for run ${options.resume} in the team store`)
    const named = options.checklistPath
      ? await services.loadChecklist(options.checklistPath)
      : undefined
    const found = await services.findTeamRun?.(options.resume, named)
    if (found) return resume(found, !found.isHere)
    throw new UserError(`no unfinished run '${options.resume}'`, {
      hint: 'deploy-wizard runs lists the runs saved on this machine (--all for finished ones); a team run is found with --store s3://bucket/prefix',
    })
  }
  if (options.isNew) return start()
  // With a team store named, its runs are asked for now, and added to the list when it answers
  // (resume-list.ts); the list does not wait for them.
  const named = options.checklistPath
    ? await services.loadChecklist(options.checklistPath)
    : undefined
  // Aborted once the list is left: the store's answer is no longer waited for, or acted on.
  const leaving = new AbortController()
  const team = services.teamRuns?.(
    {
      ...(named ? { checklist: named } : {}),
      ...(options.environment ? { environment: options.environment } : {}),
    },
    { signal: leaving.signal },
  )
  let offered: TeamRunsOffered | null = null
  const answered = team?.listing.then((answer) => {
    offered = answer
    if (answer.notices.length > 0) hooks.onNotices?.(answer.notices)
  })
  // A failure is the list's while it waits for it (its update); once left, nobody's.
  answered?.catch(() => {})
  // A run picked that cannot be opened (open in another wizard, or a run of the store's finished
  // or taken since the list was drawn) is said so of, over the list asked again: nothing was
  // opened, and another run, or a new one, may be what is wanted.
  let refusal: string | null = null
  const listed = () =>
    resumeListQuestion({
      here: runs,
      team: team ? { store: team.store, offered } : null,
      refusal,
      now: options.now(),
    })
  /** The list now; while the store is being asked, with what it becomes when it answers. */
  const asked = (): ChooseQuestion<ResumeChoice> => {
    const question = listed()
    if (!answered || offered) return question
    const update = answered.then((): ChooseUpdate<ResumeChoice> => {
      const now = listed()
      // It was there only while the store was asked: a new run, with no key pressed.
      return isBareList(now) ? { answer: null } : now
    })
    // Its failure is the question's to say; one answered before it came leaves it unread.
    update.catch(() => {})
    return { ...question, update }
  }
  try {
    for (;;) {
      const question = asked()
      if (isBareList(question)) break
      const picked = await ask.choose(question)
      if (!picked) break
      if (isStoreRun(picked)) {
        // Read again now, as the list may have stood a while.
        ask.loading(`reading run ${picked.id} from the team store`)
        try {
          const found = await services.findTeamRun?.(picked.id, named)
          if (!found) break
          return await resume(found, !found.isHere)
        } catch (error) {
          if (!(error instanceof UserError)) throw error
          hooks.onResuming?.(null)
          refusal = error.hint
            ? `⚠ ${error.message}: said in full when you leave`
            : `⚠ ${error.message}`
          if (error.hint) hooks.onNotices?.([`${error.message}\n  ${error.hint}`])
          continue
        }
      }
      refusal = services.openElsewhere?.(picked.id) ?? null
      if (refusal === null) {
        leaving.abort()
        return resume(picked)
      }
    }
  } finally {
    leaving.abort()
  }
  return start((offered as TeamRunsOffered | null)?.unanswered)
}
