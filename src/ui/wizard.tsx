/**
 * The wizard once a run is open: a header (checklist, environment, operator,
 * run id, progress), the phase's list in a window that follows the cursor, the
 * selected item's details or an open prompt, and a footer of keys. The screen
 * is exactly as tall as the terminal and never grows past it; in a terminal
 * smaller than MIN_COLUMNS×MIN_ROWS, one line says so instead.
 */
import { Box, useWindowSize } from 'ink'
import { useRef } from 'react'
import { fieldKind, proposedValue, type SignoffLine, signoffLabel } from '../checklist/signoff.ts'
import { needsTrust } from '../checks/registry.ts'
import { describeUnsaved, progressWords } from '../run/describe.ts'
import type { RunSession } from '../run/session.ts'
import { type RunSnapshot, startedCount } from '../run/snapshot.ts'
import { AnimationTick, useTick } from './animation.tsx'
import { type DetailInput, type DetailRoom, detailLines } from './detail-lines.ts'
import { DetailPane } from './detail-pane.tsx'
import { Footer } from './footer.tsx'
import { footerHeight, type KeySet } from './footer-keys.ts'
import {
  progressLine,
  progressLineInput,
  progressLook,
  type RunLineInput,
  ruleLine,
  runLine,
  runLineExtras,
  runLineInput,
  runLineParts,
} from './header-lines.ts'
import { blankValue } from './item-blanks.ts'
import { ItemRow } from './item-row.tsx'
import { type Layout, type Progress, progressOf } from './layout.ts'
import { ChoicePrompt, ConfirmPrompt, HelpPanel, TextPrompt, TrustPrompt } from './prompts.tsx'
import { ReferencePage } from './reference-page.tsx'
import { LineText } from './span-text.tsx'
import { Text } from './text.tsx'
import { plainLine } from './text-line.ts'
import { barParts } from './theme.ts'
import { useWizard, type WizardExit } from './use-wizard.ts'
import { itemsIn, type Notice, pendingCount, type WizardState } from './use-wizard-state.ts'
import {
  detailInputOf,
  hasChecks,
  hasScoped,
  MIN_COLUMNS,
  MIN_ROWS,
  phaseListRows,
  screenSize,
} from './wizard-screen.ts'

// App (app.tsx) asks the wizard's smallest size of it.
export { MIN_COLUMNS, MIN_ROWS } from './wizard-screen.ts'

export interface WizardProps {
  readonly session: RunSession
  readonly layout: Layout
  readonly staleAfterMs: number
  readonly initialChecks: readonly string[]
  readonly sheetPath: string
  readonly onExit: (exit: WizardExit) => void
  /** Today's date for sign-off date fields, YYYY-MM-DD. */
  readonly today: string
  /** Shown in the footer when the wizard opens (moving on clears it): something to know. */
  readonly notice?: Notice
}

/** What the screen draws: where the operator is, and the run as the session holds it now. */
export type WizardView = WizardState & RunSnapshot

/**
 * Said in place of a screen the terminal is too small for: the size needed first and wrapped,
 * not cut, so that a narrow terminal still shows it, and the one key that still works.
 */
export function TooSmall({ quitKey }: { readonly quitKey: string }) {
  return <Text>{`need ${MIN_COLUMNS}×${MIN_ROWS}: terminal too small (${quitKey} quits)`}</Text>
}

export function Wizard(props: WizardProps) {
  const { columns, rows } = useWindowSize()
  const hasPages = props.layout.references.length > 0
  const { isTooSmall, height, width, paneHeight, chrome } = screenSize(columns, rows, hasPages)
  // The expanded pane's room, as last drawn: PgUp/PgDn scroll it within that.
  const detailRoom = useRef({ max: 0, page: 1 })
  const {
    state: navigation,
    snapshot,
    answerPrompt,
    closePrompt,
    reopenPrompt,
  } = useWizard({
    ...props,
    pageSize: height - chrome - paneHeight,
    detailScroll: () => detailRoom.current,
    isHidden: isTooSmall,
  })
  if (isTooSmall) {
    return <TooSmall quitKey="q" />
  }
  const state: WizardView = { ...navigation, ...snapshot }
  // Expanded, the detail pane leaves the list three lines. Under the sign-off's fields it takes
  // only the rows its summary needs: the fields get the rest of the height.
  const detailHeight = state.isExpanded
    ? height - chrome - 3
    : state.screen === 'signoff' && !state.prompt
      ? Math.min(paneHeight, signoffSummaryRows(state, width))
      : paneHeight
  const listHeight = height - chrome - detailHeight
  // Under the header: the list, its separator, the detail pane and the footer.
  const bodyHeight = listHeight + 1 + detailHeight + footerHeight(width, hasPages)
  return (
    <AnimationTick isActive={startedCount(state.running) > 0}>
      <Box flexDirection="column" width={width} height={height} overflow="hidden">
        <Header state={state} session={props.session} width={width} />
        {state.prompt?.kind === 'help' ? (
          // Every key is listed: the footer's lines are the help's too.
          // A column, so the help's box is as tall as its keys, not stretched to the body.
          <Box height={bodyHeight} flexDirection="column" overflow="hidden">
            <HelpPanel
              onClose={closePrompt}
              hasChecks={hasChecks(state.layout)}
              hasPages={hasPages}
              hasScoped={hasScoped(state.layout)}
            />
          </Box>
        ) : state.prompt?.kind === 'pages' || state.prompt?.kind === 'page' ? (
          // A page is read in full: it takes all the room there is, and scrolls.
          <Box height={bodyHeight} flexDirection="column" overflow="hidden">
            <ReferencePages
              state={state}
              width={width}
              height={bodyHeight}
              answer={answerPrompt}
              cancel={closePrompt}
              reopen={reopenPrompt}
            />
          </Box>
        ) : state.prompt?.kind === 'trust' ? (
          // Every command is read before the answer: the question takes all the room there is.
          <Box height={bodyHeight} flexDirection="column" overflow="hidden">
            <PromptView
              width={width}
              height={bodyHeight}
              state={state}
              answer={answerPrompt}
              cancel={closePrompt}
              today={props.today}
              session={props.session}
            />
          </Box>
        ) : (
          <>
            <Body
              state={state}
              session={props.session}
              width={width}
              listHeight={listHeight}
              detailHeight={detailHeight}
              detailRoom={detailRoom.current}
              answer={answerPrompt}
              cancel={closePrompt}
              today={props.today}
            />
            <Footer
              screen={keySetOf(state)}
              notice={state.notice}
              width={width}
              hasChecks={hasChecks(state.layout)}
              hasPages={hasPages}
              hasScoped={hasScoped(state.layout)}
            />
          </>
        )}
      </Box>
    </AnimationTick>
  )
}

function Body({
  state,
  session,
  width,
  listHeight,
  detailHeight,
  detailRoom,
  answer,
  cancel,
  today,
}: {
  readonly state: WizardView
  readonly session: RunSession
  readonly width: number
  readonly listHeight: number
  readonly detailHeight: number
  readonly detailRoom: DetailRoom
  readonly answer: ReturnType<typeof useWizard>['answerPrompt']
  readonly cancel: () => void
  readonly today: string
}) {
  return (
    <>
      {state.screen === 'phase' ? (
        <PhaseList state={state} height={listHeight} width={width} />
      ) : (
        <SignoffList
          state={state}
          height={listHeight}
          proposals={{ today, operator: session.operator }}
        />
      )}
      <LineText line={ruleLine(width)} />
      <Box height={detailHeight} flexDirection="column" overflow="hidden">
        {state.prompt ? (
          <PromptView
            width={width}
            height={detailHeight}
            state={state}
            answer={answer}
            cancel={cancel}
            today={today}
            session={session}
          />
        ) : (
          <Detail state={state} width={width} height={detailHeight} room={detailRoom} />
        )}
      </Box>
    </>
  )
}

function Header({
  state,
  session,
  width,
}: {
  readonly state: WizardView
  readonly session: RunSession
  readonly width: number
}) {
  const env = session.environment
  const running = startedCount(state.running)
  // Each line one text node where it can be, laid out as its boxes would lay it out
  // (header-lines.ts).
  const input = {
    ...runLineInput(session),
    extras: runLineExtras(state.sync, state.awsIdentity, session.expectedAccount, env),
  }
  const second = progressLine(progressLineInput(state, env, running), width)
  return (
    <Box flexDirection="column">
      <RunLineText input={input} width={width} />
      {second ? (
        <LineText line={second} />
      ) : (
        <ProgressLineBoxes state={state} env={env} width={width} running={running} />
      )}
      {state.unsaved.length > 0 ? (
        // In place of the rule under the header, so the screen keeps its height, until saved after all.
        <Text bold color="red" inverse wrap="truncate-end">
          {unsavedBanner(state.unsaved).padEnd(width)}
        </Text>
      ) : state.sync?.lost ? (
        // A team run taken over: said at once, and for as long as the wizard stays open.
        <Text bold color="red" inverse wrap="truncate-end">
          {`⚠ ${state.sync.lost}`.padEnd(width)}
        </Text>
      ) : (
        <LineText line={ruleLine(width)} />
      )}
    </Box>
  )
}

/**
 * The header's first line as boxes of the widths runLineParts gives them, where runLine cannot
 * draw it as one line: a cut text's style is its whole Text's, as runLine's cut span has it (a
 * line whose environment and run id do not fit is one box, cut at its end).
 */
export function RunLineBoxes({
  input,
  width,
}: {
  readonly input: RunLineInput
  readonly width: number
}) {
  return (
    <Box>
      {runLineParts(input, width).map((part, index) => {
        const [{ text, ...style } = { text: '' }] = part.spans
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: the line's boxes have no identity beyond their place
          <Box key={index} width={part.width} flexShrink={0}>
            <LineText
              line={
                part.isCut && part.spans.length === 1
                  ? plainLine(text, style, true)
                  : { spans: part.spans, isCut: part.isCut }
              }
            />
          </Box>
        )
      })}
    </Box>
  )
}

/** The header's first line: one text node where runLine lays it out, else its boxes. */
export function RunLineText({
  input,
  width,
}: {
  readonly input: RunLineInput
  readonly width: number
}) {
  const line = runLine(input, width)
  return line ? <LineText line={line} /> : <RunLineBoxes input={input} width={width} />
}

/** The header's second line as boxes that give way, where progressLine cannot lay it out. */
export function ProgressLineBoxes({
  state,
  env,
  width,
  running,
}: {
  readonly state: Pick<WizardView, 'layout' | 'run' | 'screen' | 'phaseIndex'>
  readonly env: string
  readonly width: number
  readonly running: number
}) {
  return (
    <Box>
      <ProgressRow state={state} env={env} width={width} />
      {running > 0 ? (
        <Box flexShrink={0} marginLeft={2}>
          <Text color="cyan">{`${running} running`}</Text>
        </Box>
      ) : null}
    </Box>
  )
}

/**
 * The header's second line, the wizard's and the watch's alike: the run's bar, then the phase on
 * screen with its own bar (or "Sign-off").
 */
export function ProgressRow({
  state,
  env,
  width,
}: {
  readonly state: Pick<WizardView, 'layout' | 'run' | 'screen' | 'phaseIndex'>
  readonly env: string
  readonly width: number
}) {
  const overall = progressOf(state.layout.items.values(), state.run)
  const phase = state.screen === 'phase' ? state.layout.phases[state.phaseIndex] : null
  const phaseProgress = phase ? progressOf(phase.items, state.run) : null
  const { barWidth, isShort, overallLabel } = progressLook(width)
  return (
    <>
      <Box flexShrink={0}>
        <Text>
          {overallLabel}
          <ProgressBar progress={overall} width={barWidth} isShort={isShort} />
        </Text>
      </Box>
      {phase && phaseProgress ? (
        <>
          {/* The phase's title gives way before its counts do. */}
          <Box flexShrink={1} marginLeft={2}>
            <Text wrap="truncate-end">
              {`${state.phaseIndex + 1}/${state.layout.phases.length} ${phase.title}`}
            </Text>
          </Box>
          <Box flexShrink={0} marginLeft={1}>
            {phaseProgress.total === 0 ? (
              // Shown all the same, dimmed: nothing the checklist holds disappears from a run.
              <Text dimColor>{`does not apply to ${env}`}</Text>
            ) : (
              <Text>
                <ProgressBar progress={phaseProgress} width={barWidth} isShort={isShort} />
              </Text>
            )}
          </Box>
        </>
      ) : (
        <Box marginLeft={2}>
          <Text bold>Sign-off</Text>
        </Box>
      )}
    </>
  )
}

/** A bar and its count, failed and skipped items apart in both: `███░ 5/5 · 1 failed`. */
export function ProgressBar({
  progress,
  width,
  isShort,
}: {
  readonly progress: Progress
  readonly width: number
  readonly isShort: boolean
}) {
  return (
    <>
      {barParts(progress, width).map((part) => (
        <Text key={part.color ?? 'open'} {...(part.color ? { color: part.color } : {})}>
          {part.cells}
        </Text>
      ))}
      {` ${progressWords(progress, isShort)}`}
    </>
  )
}

/** The line that stays under the header while something is not saved. */
export function unsavedBanner(unsaved: RunSnapshot['unsaved']): string {
  const last = unsaved.at(-1)
  const them = unsaved.length === 1 ? 'it' : 'them'
  const reason = last?.reason ?? 'the run file could not be written'
  const fix = reason === 'the disk is full' ? 'free some space' : 'fix that'
  // The screen shows only what is saved: these are not on it either.
  return `⚠ NOT SAVED: ${describeUnsaved(unsaved)} (${reason}): ${fix}, then give ${them} again`
}

/** The phase's rows that fit, the selected one marked. */
export function PhaseList({
  state,
  height,
  width,
}: {
  readonly state: WizardView
  readonly height: number
  readonly width: number
}) {
  if (!state.layout.phases[state.phaseIndex]) return <Box height={height} />
  return (
    <Box flexDirection="column" height={height} width={width} overflow="hidden">
      {phaseListRows(state, height).map((row) =>
        row.kind === 'line' ? (
          <LineText key={row.key} line={row.line} />
        ) : (
          <ItemRow key={row.key} {...row.input} live={row.live} width={width} />
        ),
      )}
    </Box>
  )
}

/** The sign-off's fields and what was entered in them; `readOnly` (watch): no word of keys. */
export function SignoffList({
  state,
  height,
  readOnly = false,
  proposals,
}: {
  readonly state: WizardView
  readonly height: number
  readonly readOnly?: boolean
  /** What fields start with when opened (`proposedValue`), shown dimmed until entered; none in watch. */
  readonly proposals?: Proposals
}) {
  const lines = state.layout.signoffLines
  if (lines.length === 0) {
    return (
      <Box height={height} flexDirection="column">
        <Text>This checklist asks for no sign-off fields.</Text>
        {readOnly ? null : (
          <Text dimColor>Press f to finish the run and write the sign-off sheet.</Text>
        )}
      </Box>
    )
  }
  const selected = state.layout.signoff[state.signoffCursor]
  const at = Math.max(
    0,
    lines.findIndex((line) => line.field !== null && line.field === selected),
  )
  const start = Math.min(
    Math.max(0, at - Math.floor(height / 2)),
    Math.max(0, lines.length - height),
  )
  const shown = lines.slice(start, start + height)
  const below = lines.length - start - shown.length
  // As on the phase screen: the first and last row say what is above and below.
  const hasMarkers = height >= 3
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      {shown.map((line, index) => {
        const isSelected = line.field !== null && line.field === selected
        if (hasMarkers && index === 0 && start > 0) {
          return <Text key="above" dimColor>{`  ↑ ${start + 1} more`}</Text>
        }
        if (hasMarkers && index === shown.length - 1 && below > 0) {
          return <Text key="below" dimColor>{`  ↓ ${below + 1} more`}</Text>
        }
        return (
          <Box key={line.field?.id ?? `${line.role}#signature-${start + index}`}>
            {/* Never squeezed by a long value: every row's label starts in the same column. */}
            <Box flexShrink={0}>
              <Text color="cyan">{isSelected ? '›' : ' '}</Text>
            </Box>
            {/* A label as wide as its column is cut with "…" a cell short: a space before the value. */}
            <Box width={36} flexShrink={0} marginLeft={1} paddingRight={1}>
              <Text bold={isSelected} wrap="truncate-end" dimColor={line.kind === 'signature'}>
                {signoffLabel(line)}
              </Text>
            </Box>
            <SignoffValue line={line} state={state} proposals={proposals} />
          </Box>
        )
      })}
    </Box>
  )
}

/**
 * What was entered, a blank, or for a signature the line it is signed on, on paper. A field not
 * yet entered that starts with a value when opened (a date, the operator's own name) shows it,
 * dimmed: a blank there read as if it would be left empty. It is "proposed" until entered: the
 * sheet has a blank for it till then.
 */
function SignoffValue({
  line,
  state,
  proposals,
}: {
  readonly line: SignoffLine
  readonly state: WizardView
  readonly proposals: Proposals | undefined
}) {
  const given = line.field?.given ?? null
  if (given !== null) return <Text wrap="truncate-end">{`${given}  (in the checklist)`}</Text>
  const entry = line.field ? state.run.signoff[line.field.id] : undefined
  if (entry?.value) {
    return (
      <Text color="green" wrap="truncate-end">
        {entry.value}
      </Text>
    )
  }
  const proposed = proposals ? proposedValue(line, proposals) : null
  return (
    <Text dimColor wrap="truncate-end">
      {line.kind === 'signature'
        ? `${SIGNATURE_LINE}  (on paper)`
        : proposed !== null
          ? `${proposed}  (proposed)`
          : '______'}
    </Text>
  )
}

/** What the sign-off's fields start with when opened (`proposedValue`). */
type Proposals = Parameters<typeof proposedValue>[1]

/** A signature is signed by hand on the printed sheet, never typed: its line is drawn. */
const SIGNATURE_LINE = '________________'

const SIGNOFF_KEYS = 'enter: fill the selected field · f: finish and write the sign-off sheet'
const ALL_ANSWERED = 'Every item is answered, and none failed or was skipped.'
/** A run with no item to answer: said as it is, never as every item answered. */
const NO_STEPS = 'This checklist has no steps to answer: only its sign-off fields.'

function noStepsWords(state: WizardView): string {
  if (state.layout.items.size === 0) return NO_STEPS
  return `No step of this checklist applies to ${state.run.header.environment}: only its sign-off fields are asked.`
}

/** Whether the run has no item that applies in its environment (nothing answered, nothing to). */
function hasNoSteps(state: WizardView): boolean {
  return progressOf(state.layout.items.values(), state.run).total === 0
}
const ON_PAPER = 'Signatures are signed by hand on the printed sheet.'

function pendingWords(pending: number): string {
  return `${countOf(pending, 'item is', 'items are')} still pending; ← goes back to them.`
}

/** The rows the sign-off's summary under its fields takes at `width` (see Detail). */
function signoffSummaryRows(state: WizardView, width: number): number {
  const rows = (text: string) => Math.max(1, Math.ceil(text.length / width))
  const pending = pendingCount(state)
  const failed = itemsIn(state, 'failed').length
  const skipped = itemsIn(state, 'skipped').length
  const hasSignature = state.layout.signoffLines.some((line) => line.kind === 'signature')
  return (
    rows(SIGNOFF_KEYS) +
    (pending > 0 ? rows(pendingWords(pending)) : 0) +
    (failed > 0 ? 1 : 0) +
    (skipped > 0 ? 1 : 0) +
    (pending === 0 && failed === 0 && skipped === 0
      ? rows(hasNoSteps(state) ? noStepsWords(state) : ALL_ANSWERED)
      : 0) +
    (hasSignature ? rows(ON_PAPER) : 0)
  )
}

/** The selected item in full, or under the sign-off's fields a summary of the run; `readOnly` (watch): no word of keys that act. */
export function Detail({
  state,
  width,
  height,
  room,
  readOnly = false,
}: {
  readonly state: WizardView
  readonly width: number
  readonly height: number
  readonly room?: DetailRoom
  readonly readOnly?: boolean
}) {
  if (state.screen === 'signoff') {
    const pending = pendingCount(state)
    const failed = itemsIn(state, 'failed').map((item) => item.plain)
    const skipped = itemsIn(state, 'skipped').map((item) => item.plain)
    return (
      <Box flexDirection="column">
        {readOnly ? null : <Text>{SIGNOFF_KEYS}</Text>}
        {pending > 0 ? <Text color="yellow">{pendingWords(pending)}</Text> : null}
        {failed.length > 0 ? (
          <Text
            color="red"
            wrap="truncate-end"
          >{`✘ ${failed.length} failed: ${failed.join(' · ')}`}</Text>
        ) : null}
        {skipped.length > 0 ? (
          <Text
            color="yellow"
            wrap="truncate-end"
          >{`» ${skipped.length} skipped: ${skipped.join(' · ')}`}</Text>
        ) : null}
        {pending === 0 && failed.length === 0 && skipped.length === 0 ? (
          hasNoSteps(state) ? (
            <Text color="yellow">{noStepsWords(state)}</Text>
          ) : (
            <Text color="green">{ALL_ANSWERED}</Text>
          )
        ) : null}
        {state.layout.signoffLines.some((line) => line.kind === 'signature') ? (
          <Text dimColor>{ON_PAPER}</Text>
        ) : null}
      </Box>
    )
  }
  const input = detailInputOf(state, width, readOnly)
  if (!input) return null
  return input.live ? (
    <RunningDetail input={input} height={height} />
  ) : (
    <DetailPane
      lines={detailLines(input)}
      height={height}
      {...(state.isExpanded ? { scroll: { offset: state.detailOffset, room } } : {})}
    />
  )
}

/** A running item's detail: its "running for" counts on the spinners' tick, with its row's clock. */
function RunningDetail({
  input,
  height,
}: {
  readonly input: DetailInput
  readonly height: number
}) {
  useTick()
  return <DetailPane lines={detailLines({ ...input, now: Date.now() })} height={height} />
}

/** The list of reference pages (`p`), or the one chosen, read in full. */
export function ReferencePages({
  state,
  width,
  height,
  answer,
  cancel,
  reopen,
}: {
  readonly state: WizardView
  readonly width: number
  readonly height: number
  readonly answer: ReturnType<typeof useWizard>['answerPrompt']
  readonly cancel: () => void
  readonly reopen: ReturnType<typeof useWizard>['reopenPrompt']
}) {
  const prompt = state.prompt
  const pages = state.layout.references
  if (prompt?.kind === 'page') {
    const section = pages.find((page) => page.id === prompt.sectionId)
    if (!section) return null
    return (
      <ReferencePage
        section={section}
        width={width}
        height={height}
        onBack={() => reopen({ kind: 'pages', at: section.id })}
      />
    )
  }
  if (prompt?.kind !== 'pages') return null
  return (
    <ChoicePrompt
      title={`Reference pages: sections with nothing to complete (${pages.length}) · enter: read · esc: back`}
      height={height}
      initial={Math.max(
        0,
        pages.findIndex((page) => page.id === prompt.at),
      )}
      choices={pages.map((page) => ({
        label: `${page.title}  (line ${page.line})`,
        value: page.id,
      }))}
      onChoose={(id) => answer(prompt, id)}
      onCancel={cancel}
    />
  )
}

function PromptView({
  width,
  height,
  state,
  session,
  answer,
  cancel,
  today,
}: {
  readonly width: number
  readonly height: number
  readonly state: WizardView
  readonly session: RunSession
  readonly answer: ReturnType<typeof useWizard>['answerPrompt']
  readonly cancel: () => void
  readonly today: string
}) {
  const prompt = state.prompt
  if (!prompt) return null
  const itemText = (id: string) => state.layout.items.get(id)?.plain ?? id
  switch (prompt.kind) {
    case 'help':
    case 'pages':
    case 'page':
      return null
    case 'skip':
      return (
        <TextPrompt
          title={`Skip: ${itemText(prompt.itemId)}`}
          label="Why?"
          requiredMessage="A skip needs a reason: the sign-off sheet shows it."
          onSubmit={(value) => answer(prompt, value)}
          onCancel={cancel}
        />
      )
    case 'fail':
      return (
        <TextPrompt
          title={`Failed: ${itemText(prompt.itemId)}`}
          label="What happened? (optional)"
          onSubmit={(value) => answer(prompt, value)}
          onCancel={cancel}
        />
      )
    case 'note':
      return (
        <TextPrompt
          title={`Note on: ${itemText(prompt.itemId)}`}
          label="Note:"
          initial={state.run.items[prompt.itemId]?.note ?? ''}
          onSubmit={(value) => answer(prompt, value)}
          onCancel={cancel}
        />
      )
    case 'blanks': {
      const item = state.layout.items.get(prompt.itemId)
      const blank = item?.blanks[prompt.index]
      if (!item || !blank) return null
      const count = item.blanks.length
      const answers = blank.choices.length > 0 ? ` (${blank.choices.join(' / ')})` : ''
      return (
        <TextPrompt
          // One blank after another is a new prompt, not the last one edited.
          key={`${item.id}:${prompt.index}`}
          title={`Done: ${item.plain} — to write down${count > 1 ? ` (${prompt.index + 1} of ${count})` : ''}`}
          label={`${blank.label}${answers}:`}
          initial={blankValue(state.run.items[item.id]?.note, blank.label)}
          enterDoes={`${prompt.index + 1 < count ? 'next' : 'save'} (empty: leave it blank)`}
          onSubmit={(value) => answer(prompt, value)}
          onCancel={cancel}
        />
      )
    }
    case 'signoff': {
      const line = state.layout.signoffLines.find((l) => l.field?.id === prompt.fieldId)
      const field = line?.field
      if (!line || !field) return null
      const current = state.run.signoff[field.id]?.value
      const kind = fieldKind(line)
      if (field.type === 'choice' && field.choices.length > 0) {
        return (
          <ChoicePrompt
            // One field after another (an item's blanks) is a new prompt, not the last one edited.
            key={field.id}
            title={signoffLabel(line)}
            height={height}
            choices={field.choices.map((choice) => ({ label: choice, value: choice }))}
            onChoose={(value) => answer(prompt, value)}
            onCancel={cancel}
          />
        )
      }
      return (
        <TextPrompt
          key={field.id}
          title={signoffLabel(line)}
          label={kind === 'date' ? 'Date:' : kind === 'name' ? 'Name:' : 'Value:'}
          // Only the operator's own role starts with their name: an approver signs for themself.
          initial={current ?? proposedValue(line, { today, operator: session.operator }) ?? ''}
          requiredMessage="Type a value, or esc to leave it blank."
          onSubmit={(value) => answer(prompt, value)}
          onCancel={cancel}
        />
      )
    }
    case 'trust': {
      // Every command of the file, as at the start: trusting covers them all (see App).
      const commands = [...state.layout.items.values()].filter(needsTrust)
      return (
        <TrustPrompt
          title={`Trust this checklist to run its ${countOf(commands.length, 'command', 'commands')} on this machine?`}
          subtitle={session.checklist.path}
          commands={commands}
          yes="trust it (recorded; any change to the file asks again)"
          no="not now"
          width={width}
          height={height}
          onAnswer={(isYes) => answer(prompt, isYes)}
        />
      )
    }
    case 'contradicts': {
      const field = state.layout.signoff.find((f) => f.id === prompt.fieldId)
      // Asked again on finishing: items failed after the entry was made.
      const isAgain = prompt.andFinish === true
      return (
        <ConfirmPrompt
          title={`${field?.label ?? 'This field'}: ${prompt.value}? Items failed${isAgain ? ' after it was chosen' : ''}.`}
          lines={[`  ${prompt.since ?? prompt.note}`]}
          note={
            isAgain
              ? `Confirmed, it is entered again and the sheet shows beside it: ${prompt.note}.`
              : 'Confirmed, the sheet shows the entry with this note beside it.'
          }
          color="red"
          yes={isAgain ? `keep “${prompt.value}” and finish` : `enter “${prompt.value}” anyway`}
          no={isAgain ? 'go back without finishing' : 'go back'}
          width={width}
          height={height}
          onAnswer={(isYes) => answer(prompt, isYes)}
        />
      )
    }
    case 'finish':
      return (
        <ConfirmPrompt
          title={`${finishWords(prompt.pending, prompt.blank.length)}. Finish the run anyway?`}
          lines={prompt.blank.map((name) => `  ⬜ ${name}`)}
          note={
            prompt.blank.length === 0
              ? 'The sheet lists them as pending, at the top, for the reviewer.'
              : 'The sheet lists them, at the top, for the reviewer.'
          }
          yes="finish and write the sheet"
          no="go back"
          width={width}
          height={height}
          onAnswer={(isYes) => answer(prompt, isYes)}
        />
      )
  }
}

/** The keys the footer lists: an open prompt's, which has the keys, else the screen's. */
function keySetOf(state: WizardState): KeySet {
  const prompt = state.prompt
  if (!prompt) return state.screen
  switch (prompt.kind) {
    case 'skip':
    case 'fail':
    case 'note':
    case 'blanks':
      return 'text-prompt'
    case 'signoff': {
      const field = state.layout.signoff.find((f) => f.id === prompt.fieldId)
      return field?.type === 'choice' && field.choices.length > 0 ? 'choice-prompt' : 'text-prompt'
    }
    default:
      return 'confirm-prompt'
  }
}

/** "2 items are still pending and 3 sign-off fields are blank". */
function finishWords(pending: number, blank: number): string {
  const items = pending > 0 ? `${countOf(pending, 'item is', 'items are')} still pending` : ''
  const fields =
    blank > 0 ? `${countOf(blank, 'sign-off field is', 'sign-off fields are')} blank` : ''
  return [items, fields].filter(Boolean).join(' and ')
}

/** "1 item is", "3 items are" */
function countOf(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`
}
