/**
 * The wizard's header lines drawn both ways at every width from 40 to 160: as one text node laid
 * out by header-lines.ts, and as the boxes the wizard keeps for what that cannot lay out
 * (RunLineBoxes, ProgressLineBoxes), each in a box as wide as the wizard's. Import it after
 * colour is set for the file.
 */
import assert from 'node:assert/strict'
import { Box } from 'ink'
import type { ReactElement } from 'react'
import type { RunSession } from '../../src/run/session.ts'
import {
  progressLine,
  progressLineInput,
  runLine,
  runLineInput,
} from '../../src/ui/header-lines.ts'
import { LineText } from '../../src/ui/span-text.tsx'
import { ProgressLineBoxes, RunLineBoxes } from '../../src/ui/wizard.tsx'
import { answerSome, cases, inkFrame, opener } from './first-paint.tsx'

const TITLES = [
  'Release',
  'Document Agents on ECS Fargate',
  'Preparação para Deploy - Painel Operacional AlquimistaAI',
  'A very long checklist title that goes on and on about the deployment it is for, in detail',
  '数据库迁移检查清单与回滚计划',
  'Ship it 🚀 and watch 📈',
]
const RUNS = [
  { environment: 'dev', operator: 'ana', id: 'dev-20261122-a1b2', production: false },
  {
    environment: 'staging',
    operator: 'Maria da Conceição Albuquerque',
    id: 'staging-20261122-zz9k',
    production: false,
  },
  { environment: 'prod', operator: 'bo', id: 'prod-20261122-0000', production: true },
  {
    environment: 'qa-long-environment-name',
    operator: 'someone with a long name',
    id: 'qa-long-environment-name-20261122-abcd',
    production: false,
  },
]

/** Where the bars and the short counts change, and the narrowest widths, where the parts give way. */
const EDGES = [40, 41, 99, 100, 119, 120, 160]
/** Every width where the parts give way for these texts (up to 90), then every third, and the edges. */
const WIDTHS = [
  ...new Set([...Array.from({ length: 51 }, (_, n) => 40 + n), ...EDGES]),
  ...Array.from({ length: 24 }, (_, n) => 91 + n * 3).filter((w) => !EDGES.includes(w)),
].sort((a, b) => a - b)

/** A session as the header reads it. */
function sessionOf(title: string, run: (typeof RUNS)[number]): RunSession {
  return {
    checklist: {
      title,
      frontMatter: run.production ? { production: [run.environment] } : {},
    },
    environment: run.environment,
    operator: run.operator,
    id: run.id,
    expectedAccount: undefined,
  } as unknown as RunSession
}

function inBox(element: ReactElement, width: number): ReactElement {
  return (
    <Box flexDirection="column" width={width} overflow="hidden">
      {element}
    </Box>
  )
}

/** Every run line at every width; returns how many were compared. */
export function assertRunLinesDrawnAsBoxesDraw(): number {
  let compared = 0
  for (const title of TITLES) {
    for (const run of RUNS) {
      const session = sessionOf(title, run)
      for (const width of WIDTHS) {
        const line = runLine(runLineInput(session), width)
        const boxes = inkFrame(inBox(<RunLineBoxes input={runLineInput(session)} />, width), width)
        if (!line) continue
        const one = inkFrame(inBox(<LineText line={line} />, width), width)
        assert.equal(one, boxes, `"${title}" ${run.environment} ${run.operator} at ${width}`)
        compared++
      }
    }
  }
  return compared
}

/** Every phase's progress line of each case's runs, fresh and resumed, at every width. */
export async function assertProgressLinesDrawnAsBoxesDraw(): Promise<number> {
  let compared = 0
  for (const one of (await cases()).slice(0, 2)) {
    const open = opener(one)
    const first = await open.fresh()
    await answerSome(first)
    const opened = await open.resume(first.session.id)
    const { layout, session } = opened
    try {
      for (const [screen, phaseIndex] of [
        ...layout.phases.map((_, index) => ['phase', index] as const),
        ['signoff', 0] as const,
      ]) {
        const state = { layout, run: session.snapshot.run, screen, phaseIndex }
        for (const width of WIDTHS.filter(
          (_, n) => n % 2 === phaseIndex % 2 || EDGES.includes(_),
        )) {
          const running = width % 3
          const line = progressLine(progressLineInput(state, one.environment, running), width)
          const boxes = inkFrame(
            inBox(
              <ProgressLineBoxes
                state={state}
                env={one.environment}
                width={width}
                running={running}
              />,
              width,
            ),
            width,
          )
          if (!line) continue
          const drawn = inkFrame(inBox(<LineText line={line} />, width), width)
          assert.equal(drawn, boxes, `${one.name} ${screen} ${phaseIndex} at ${width}`)
          compared++
        }
      }
    } finally {
      await opened.session.close(0)
    }
  }
  return compared
}
