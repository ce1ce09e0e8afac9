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
import { drawLine, inkFrame as paintFrame } from '../../src/ui/first-paint/ink-draw.ts'
import {
  OPERATOR_LEAST,
  progressLine,
  progressLineInput,
  type RunLineInput,
  runLine,
  runLineExtras,
  runLineInput,
  runLineParts,
  TITLE_LEAST,
} from '../../src/ui/header-lines.ts'
import { LineText } from '../../src/ui/span-text.tsx'
import { cutText, textWidth, withoutTextPackages } from '../../src/ui/text-kit.ts'
import { ProgressLineBoxes, RunLineBoxes } from '../../src/ui/wizard.tsx'
import { answerSome, cases, inkFrame, opener } from './first-paint.tsx'

const TITLES = [
  'Release',
  'Document Agents on ECS Fargate',
  'Preparação para Deploy - Painel Operacional AlquimistaAI',
  'A very long checklist title that goes on and on about the deployment it is for, in detail',
  '数据库迁移检查清单与回滚计划',
  'Ship it 🚀 and watch 📈',
  'Quarterly Platform Release for the Marketplace Payments and Settlement Services Cluster',
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
  {
    environment: 'staging-eu-west-1-blue',
    operator: 'John Smith',
    id: 'staging-eu-west-1-blue-20261205-6gyq',
    production: false,
  },
]
/** A team run's sync words, as the header has them (team/sync.ts). */
const SYNCS = [
  '4 waiting, offline since 12:03',
  'synced',
  'not driving',
  '1 not sent: run dev-20261205-zok8 is now driven by bea@vm',
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

/**
 * A run line's input for each title and run, with a team run's sync words and the AWS account,
 * and as watch has it (`started by `).
 */
function runLineInputs(): RunLineInput[] {
  const inputs: RunLineInput[] = []
  for (const [titleIndex, title] of TITLES.entries()) {
    for (const [index, run] of RUNS.entries()) {
      const input = runLineInput(sessionOf(title, run))
      inputs.push(input)
      if (index === 0) inputs.push({ ...input, operatorLabel: 'started by ' })
      // Two of the runs again, as a team run whose AWS checks have run.
      if (index % 2 === 1)
        inputs.push({
          ...input,
          extras: runLineExtras(
            { text: SYNCS[(titleIndex + index) % SYNCS.length] ?? '' },
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
  return `"${input.title}" ${input.environment} ${input.operatorLabel ?? ''}${input.operator}${input.extras?.length ? ` (team: ${input.extras[0]?.span.text}, aws)` : ''} at ${width}`
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
 * Every run line the first paint writes (runLine, drawLine, without Ink's text packages as the
 * paint runs) is Ink's frame of it; returns how many were compared.
 */
export function assertRunLinesPaintedAsInkDraws(): number {
  let compared = 0
  for (const one of runLineCases()) {
    const painted = withoutTextPackages(() => {
      const line = runLine(one.input, one.width)
      const drawn = line && drawLine(line, one.width)
      return drawn === null || drawn === undefined ? null : paintFrame([drawn])
    })
    if (painted === null) continue
    assert.equal(painted, one.line, nameOf(one))
    compared++
  }
  return compared
}

/** `text` as a part shows it: whole, or its start then `…` (never a lone `…` for the words after the run id). */
function assertWholeOrCut(shown: string, text: string, what: string, least = 0): void {
  if (shown === text) return
  const cut = shown.replace(/…$/, '')
  assert.ok(
    cut !== shown && cut.length >= least && text.startsWith(cut.replace(/[,:;]$/, '')),
    `${what}: ${JSON.stringify(shown)}`,
  )
}

/**
 * In every run line the boxes draw (and so runLine's line, where it is one): each part whole,
 * cut with `…` or left out, the line exactly its parts' cells (a cut part as wide as its text,
 * no blank cell a wide character left), the words after the run id whole, cut at a word after
 * their first clause or left out (never a lone `…`), the environment and the run id whole
 * wherever they fit, else the line's end cut with `…`; and the parts giving way in their order:
 * the title down to TITLE_LEAST before the operator, the operator down to OPERATOR_LEAST before
 * the title goes further, title and operator before the sync words. Returns how many were read.
 */
export function assertRunLinesCutWithEllipsis(): number {
  let read = 0
  for (const one of runLineCases()) {
    const { input, width } = one
    const name = nameOf(one)
    const [drawn = ''] = stripVTControlCharacters(one.boxes).split('\n')
    assert.ok(textWidth(drawn) <= width, `${name}: wider than the row`)
    const parts = runLineParts(input, width)
    const env = ` ${input.isProduction ? `${input.environment.toUpperCase()} ⚠` : input.environment} `
    const id = ` · ${input.runId}`
    const kept = (input.extras ?? []).filter((extra) => extra.least === undefined)
    const whole = [env, id, ...kept.map((extra) => extra.span.text)]
    if (whole.reduce((sum, text) => sum + textWidth(text), 0) > width) {
      // Not even the environment and run id fit: one part, the line's end cut.
      assert.equal(parts.length, 1, `${name}: one part`)
      assert.ok(drawn.startsWith(env) && drawn.endsWith('…'), `${name}: cut at its end: ${drawn}`)
      read++
      continue
    }
    const texts = parts.map((part) => part.spans.map((span) => span.text).join(''))
    const shown = parts.map((part, index) => {
      const text = texts[index] ?? ''
      if (!part.isCut || textWidth(text) <= part.width) return text
      const cut = cutText(text, part.width, 'end')
      assert.equal(textWidth(cut), part.width, `${name}: a cut part as wide as its text: ${cut}`)
      return cut
    })
    assert.equal(drawn.trimEnd(), shown.join('').trimEnd(), `${name}: the line is its parts`)
    const at = (text: string) => texts.indexOf(text)
    assert.ok(at(env) >= 0 && at(id) > at(env), `${name}: environment and run id whole: ${drawn}`)
    const operator = `  ${input.operatorLabel ?? ''}${input.operator}`
    const title = parts[0]?.spans[0]?.text === input.title ? parts[0] : undefined
    const op = parts.find((part) => part.spans[0]?.text === operator)
    if (title) assertWholeOrCut(shown[0] ?? '', input.title, `${name}: the title`)
    if (op) assertWholeOrCut(shown[parts.indexOf(op)] ?? '', operator, `${name}: the operator`)
    const titleWidth = title?.width ?? 0
    const titleLeast = Math.min(TITLE_LEAST, textWidth(input.title))
    const opLeast =
      2 + textWidth(input.operatorLabel ?? '') + Math.min(OPERATOR_LEAST, textWidth(input.operator))
    const opWidth = op?.width ?? 0
    // A wide character may leave the title one cell short of a width, that cell the operator's.
    if (opWidth < textWidth(operator))
      assert.ok(titleWidth <= titleLeast, `${name}: the operator is cut before the title: ${drawn}`)
    if (titleWidth < titleLeast - 1)
      assert.ok(opWidth <= opLeast + 1, `${name}: the title is cut past its least first: ${drawn}`)
    if (opWidth < opLeast) assert.ok(titleWidth <= 1, `${name}: the operator past its least first`)
    const after = texts.slice(at(id) + 1)
    for (const extra of input.extras ?? []) {
      const least = extra.least ?? extra.span.text.length
      const text = after.find((one) => one.startsWith(extra.span.text.slice(0, least)))
      if (extra.least === undefined) assert.equal(text, extra.span.text, `${name}: stays whole`)
      if (text !== undefined)
        assertWholeOrCut(text, extra.span.text, `${name}: ${extra.kind}`, least)
      // The title and operator may have the cells back that a cut at a word left, too few for its next word.
      const free = (title ? titleWidth + 2 : 0) + opWidth + width - textWidth(drawn.trimEnd())
      if (extra.kind === 'sync' && text !== extra.span.text)
        assert.ok(
          textWidth(extra.span.text) > textWidth(text ?? '') + free,
          `${name}: the sync words give way after the title and operator: ${drawn}`,
        )
      if (extra.kind === 'account' && text !== extra.span.text)
        assert.ok(
          textWidth(extra.span.text) >
            textWidth(text ?? '') +
              Math.max(0, titleWidth - titleLeast) +
              width -
              textWidth(drawn.trimEnd()),
          `${name}: the account gives way after the title: ${drawn}`,
        )
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
