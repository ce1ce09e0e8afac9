/**
 * The wizard's header lines drawn both ways at every width from 40 to 160: as one text node laid
 * out by header-lines.ts, and as the boxes the wizard keeps for what that cannot lay out
 * (RunLineBoxes, ProgressLineBoxes), each in a box as wide as the wizard's. Import it after
 * colour is set for the file.
 */
import assert from 'node:assert/strict'
import { stripVTControlCharacters } from 'node:util'
import { Box } from 'ink'
import type { ReactElement } from 'react'
import type { RunSession } from '../../src/run/session.ts'
import {
  progressLine,
  progressLineInput,
  type RunLineInput,
  runLine,
  runLineExtras,
  runLineInput,
} from '../../src/ui/header-lines.ts'
import { LineText } from '../../src/ui/span-text.tsx'
import { textWidth } from '../../src/ui/text-kit.ts'
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

/** A run line's input for each title and run, and with a team run's sync words and the AWS account. */
function runLineInputs(): RunLineInput[] {
  const inputs: RunLineInput[] = []
  for (const title of TITLES) {
    for (const [index, run] of RUNS.entries()) {
      const input = runLineInput(sessionOf(title, run))
      inputs.push(input)
      // Two of the runs again, as a team run whose AWS checks have run.
      if (index % 2 === 1)
        inputs.push({
          ...input,
          extras: runLineExtras(
            { text: index === 1 ? '4 waiting, offline since 12:03' : 'synced' },
            { account: '111111111111', arn: 'arn:aws:iam::111111111111:user/ana', alias: 'acme' },
            index === 1 ? { id: '111111111111' } : { id: '222222222222' },
            run.environment,
          ),
        })
    }
  }
  return inputs
}

/** A run line as runLine lays it out and as its boxes draw it, at a width. */
interface RunLineCase {
  readonly input: RunLineInput
  readonly width: number
  /** Ink's frame of runLine's one text node; null where runLine leaves it to the boxes. */
  readonly line: string | null
  /** Ink's frame of the boxes. */
  readonly boxes: string
}

let drawnRunLines: RunLineCase[] | undefined

/** Every run line at every width, both ways (drawn once per process). */
function runLineCases(): RunLineCase[] {
  drawnRunLines ??= runLineInputs().flatMap((input) =>
    WIDTHS.map((width) => {
      const line = runLine(input, width)
      return {
        input,
        width,
        line: line && inkFrame(inBox(<LineText line={line} />, width), width),
        boxes: inkFrame(inBox(<RunLineBoxes input={input} width={width} />, width), width),
      }
    }),
  )
  return drawnRunLines
}

function nameOf({ input, width }: RunLineCase): string {
  return `"${input.title}" ${input.environment} ${input.operator}${input.extras?.length ? ' (team, aws)' : ''} at ${width}`
}

/** Every run line at every width; returns how many were compared. */
export function assertRunLinesDrawnAsBoxesDraw(): number {
  let compared = 0
  for (const one of runLineCases()) {
    if (one.line === null) continue
    assert.equal(one.line, one.boxes, nameOf(one))
    compared++
  }
  return compared
}

/**
 * `text` as a cut part of the line shows it: whole, or its start then `…` (one space after it
 * where a wide character did not fit).
 */
function assertWholeOrCut(shown: string, text: string, what: string): void {
  if (shown === text) return
  const cut = shown.replace(/… ?$/, '')
  assert.ok(cut !== shown && text.startsWith(cut), `${what}: ${JSON.stringify(shown)}`)
}

/**
 * In every run line the boxes draw (and so runLine's line, where it is one), the title, the
 * operator and what follows the run id are whole or cut with `…`, and the environment and the
 * run id whole, where they fit; returns how many lines were read.
 */
export function assertRunLinesCutWithEllipsis(): number {
  let read = 0
  for (const one of runLineCases()) {
    const { input, width } = one
    const [drawn = ''] = stripVTControlCharacters(one.boxes).split('\n')
    const env = `  ${input.isProduction ? ` ${input.environment.toUpperCase()} ⚠ ` : ` ${input.environment} `}`
    const id = ` · ${input.runId}`
    const extras = (input.extras ?? []).map((extra) => extra.span.text)
    // Only where the parts that stay whole fit with one cell for each that gives way.
    const whole =
      textWidth(env) +
      textWidth(id) +
      (input.extras?.[1]?.shrink === 0 ? textWidth(extras[1] ?? '') : 0)
    if (whole + 2 + extras.length > width) continue
    const name = nameOf(one)
    assert.ok(textWidth(drawn) <= width, `${name}: wider than the row`)
    const envAt = drawn.indexOf(env)
    const idAt = drawn.indexOf(id, envAt)
    assert.ok(envAt >= 0 && idAt >= 0, `${name}: environment and run id whole: ${drawn}`)
    assertWholeOrCut(drawn.slice(0, envAt), input.title, `${name}: the title`)
    assertWholeOrCut(
      drawn.slice(envAt + env.length, idAt),
      `  ${input.operator}`,
      `${name}: the operator`,
    )
    let rest = drawn.slice(idAt + id.length).trimEnd()
    for (const [index, text] of extras.entries()) {
      const next = extras[index + 1]
      const end = next === undefined ? rest.length : rest.indexOf(next.slice(0, 2))
      assertWholeOrCut(rest.slice(0, end), text.trimEnd(), `${name}: extra ${index}`)
      rest = rest.slice(end)
    }
    read++
  }
  return read
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
