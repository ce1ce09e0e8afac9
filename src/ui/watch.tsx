/**
 * `watch`: a run driven elsewhere, drawn with the wizard's own phase screens
 * (its phase list, item rows, detail pane, sign-off list, progress bars,
 * reference pages) and nothing that acts. The header says who drives the run
 * and when it was last read; the footer lists only the keys that look. The
 * screen is exactly as tall as the terminal, as the wizard's is; smaller than
 * MIN_COLUMNS×MIN_ROWS, one line says so. The checklist is the one the run is
 * on (the watcher's snapshot says which), so an edit the driver resumed with
 * shows here as it does on the driver's screen.
 */
import { Box, useWindowSize } from 'ink'
import { useRef } from 'react'
import { isProduction } from '../checklist/environments.ts'
import type { Checklist } from '../checklist/model.ts'
import {
  describeFreshness,
  describeHolder,
  type RunWatcher,
  type WatchSnapshot,
} from '../run/watch.ts'
import { Footer } from './footer.tsx'
import { footerHeight } from './footer-keys.ts'
import { HelpPanel } from './prompts.tsx'
import { Text } from './text.tsx'
import { useWatch, useWatchedRun, type WatchExit } from './use-watch.ts'
import {
  Detail,
  PhaseList,
  ProgressRow,
  ReferencePages,
  RunLineText,
  SignoffList,
  TooSmall,
  type WizardView,
} from './wizard.tsx'
import {
  CHROME_LINES,
  hasChecks as hasChecksIn,
  hasScoped as hasScopedIn,
  MIN_COLUMNS,
  MIN_ROWS,
} from './wizard-screen.ts'

export interface WatchProps {
  /** The run, and the checklist it is on, as last read. */
  readonly watcher: RunWatcher
  readonly runId: string
  readonly onExit: (exit: WatchExit) => void
  /** The time "last seen" is counted to; the clock by default. */
  readonly now?: () => Date
}

export function Watch(props: WatchProps) {
  const { columns, rows } = useWindowSize()
  const isTooSmall = columns < MIN_COLUMNS || rows < MIN_ROWS
  const height = Math.max(rows, MIN_ROWS)
  const width = Math.max(columns, MIN_COLUMNS)
  const paneHeight = Math.max(4, Math.min(12, Math.floor(height * 0.35)))
  const { snapshot, layout } = useWatchedRun(props.watcher)
  const hasPages = layout.references.length > 0
  const footer = footerHeight(width, hasPages, true)
  const chrome = CHROME_LINES + footer
  const detailRoom = useRef({ max: 0, page: 1 })
  const {
    state: navigation,
    closePrompt,
    reopenPrompt,
    answerPrompt,
  } = useWatch({
    snapshot,
    layout,
    pageSize: height - chrome - paneHeight,
    detailScroll: () => detailRoom.current,
    isHidden: isTooSmall,
    onExit: props.onExit,
  })
  if (isTooSmall) return <TooSmall quitKey="q" />
  // The wizard's view of a run, with nothing running here and nothing of this machine's to say.
  const state: WizardView = {
    ...navigation,
    run: snapshot.state,
    running: {},
    unsaved: [],
    awsIdentity: null,
    isTrusted: true,
  }
  const detailHeight = state.isExpanded ? height - chrome - 3 : paneHeight
  const listHeight = height - chrome - detailHeight
  const bodyHeight = listHeight + 1 + detailHeight + footer
  const hasChecks = hasChecksIn(layout)
  const hasScoped = hasScopedIn(layout)
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <WatchHeader
        state={state}
        snapshot={snapshot}
        checklist={snapshot.checklist}
        runId={props.runId}
        width={width}
        now={(props.now ?? (() => new Date()))()}
      />
      {state.prompt?.kind === 'help' ? (
        <Box height={bodyHeight} flexDirection="column" overflow="hidden">
          <HelpPanel
            onClose={closePrompt}
            hasChecks={hasChecks}
            hasPages={hasPages}
            hasScoped={hasScoped}
            readOnly
          />
        </Box>
      ) : state.prompt?.kind === 'pages' || state.prompt?.kind === 'page' ? (
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
      ) : (
        <>
          {state.screen === 'phase' ? (
            <PhaseList state={state} height={listHeight} width={width} />
          ) : (
            <SignoffList state={state} height={listHeight} readOnly />
          )}
          <Text dimColor>{'─'.repeat(width)}</Text>
          <Box height={detailHeight} flexDirection="column" overflow="hidden">
            <Detail
              state={state}
              width={width}
              height={detailHeight}
              room={detailRoom.current}
              readOnly
            />
          </Box>
          <Footer
            screen={state.screen}
            notice={state.notice}
            width={width}
            hasChecks={hasChecks}
            hasPages={hasPages}
            hasScoped={hasScoped}
            readOnly
          />
        </>
      )}
    </Box>
  )
}

/**
 * The wizard's header, with the watch's line in place of the rule under it:
 * "watching prod-… — driven by ana@laptop-7, last seen 12 s ago · updated 09:41:03".
 */
function WatchHeader({
  state,
  snapshot,
  checklist,
  runId,
  width,
  now,
}: {
  readonly state: WizardView
  readonly snapshot: WatchSnapshot
  readonly checklist: Checklist
  readonly runId: string
  readonly width: number
  readonly now: Date
}) {
  const env = state.run.header.environment
  const isProd = isProduction(checklist, env)
  const isFailing = snapshot.failingSince !== null
  const color = isFailing ? 'yellow' : state.run.finishedAt ? 'green' : 'cyan'
  const holder = describeHolder(snapshot, now)
  const freshness = describeFreshness(snapshot)
  // The run id is on the first line too: left out here before who drives is cut.
  const hasRoomForId = `watching ${runId} — ${holder} · ${freshness}`.length <= width
  return (
    <Box flexDirection="column">
      <RunLineText
        input={{
          title: checklist.title,
          environment: env,
          isProduction: isProd,
          operatorLabel: 'started by ',
          operator: state.run.header.operator,
          runId,
        }}
        width={width}
      />
      <Box>
        <ProgressRow state={state} env={env} width={width} />
      </Box>
      {/* Who drives gives way first: when the run was last read, or that it cannot be, stays. */}
      <Box>
        <Box flexShrink={1}>
          <Text color={color} wrap="truncate-end">
            {`watching${hasRoomForId ? ` ${runId}` : ''} — ${holder}`}
          </Text>
        </Box>
        <Box flexShrink={0}>
          <Text color={color} bold={isFailing}>{` · ${freshness}`}</Text>
        </Box>
      </Box>
    </Box>
  )
}
