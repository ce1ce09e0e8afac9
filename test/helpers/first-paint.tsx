/**
 * The wizard's first frame both ways: as Ink writes it for <Wizard> (App's case 'wizard') in a
 * terminal of given columns × rows, and as phaseScreenFrame writes it before Ink. Runs are opened
 * as the run command opens them (openRun, real services, a temporary home): every bundled
 * checklist and a generated 500-item one, fresh or resumed with answers and stored check results.
 * Import it after colour is set for the file: chalk reads the setting once.
 */
import { readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { render } from 'ink'
import { loadChecklist } from '../../src/checklist/load.ts'
import type { StoredCheckResult } from '../../src/run/model.ts'
import { wizardServices } from '../../src/run/start.ts'
import type { Ask } from '../../src/ui/ask.ts'
import { type OpenedRun, openRun } from '../../src/ui/open-run.ts'
import { Wizard } from '../../src/ui/wizard.tsx'
import { Keyboard, Terminal } from './ink-terminal.ts'
import { tempDir } from './temp.ts'

const ROOT = new URL('../../', import.meta.url).pathname
const TODAY = '2026-11-22'
const STALE_AFTER_MS = 60 * 60_000

/** The frame Ink writes first for the wizard of `opened`, as App renders it. */
export function inkFirstFrame(
  opened: OpenedRun,
  notice: string | null,
  columns: number,
  rows: number,
): string {
  return inkFrame(
    <Wizard
      session={opened.session}
      layout={opened.layout}
      staleAfterMs={STALE_AFTER_MS}
      initialChecks={opened.initialChecks}
      sheetPath="sheet.md"
      today={TODAY}
      {...(notice ? { notice: { tone: 'warn', text: notice } as const } : {})}
      onExit={() => {}}
    />,
    columns,
    rows,
  )
}

/** Questions as the run command meets them with every flag given: only trust is asked (declined). */
const ask: Ask = {
  loading: () => {},
  choose: () => Promise.reject(new Error('nothing to choose')),
  text: () => Promise.reject(new Error('nothing to type')),
  confirmName: () => Promise.reject(new Error('no production run here')),
  trust: () => Promise.resolve(false),
  changes: () => Promise.resolve(),
  confirm: () => Promise.reject(new Error('nothing to confirm')),
}

/** A checklist to open: a bundled one, or the bench's generated one. */
export interface Case {
  readonly name: string
  readonly path: string
  readonly environment: string
}

/** Every bundled checklist for dev and staging (where it has them), and 500 generated items. */
export async function cases(): Promise<Case[]> {
  const dir = tempDir('first-paint')
  const big = join(dir, 'big.md')
  // The bench's checklist (bench/startup.mjs, plain JavaScript: its types are not checked here).
  const bench: { userChecklist(count: number): string } = await import(
    join(ROOT, 'bench', 'startup.mjs')
  )
  writeFileSync(big, bench.userChecklist(500))
  const out: Case[] = []
  for (const file of readdirSync(join(ROOT, 'checklists')).filter((f) => f.endsWith('.md'))) {
    const path = join(ROOT, 'checklists', file)
    const { checklist } = await loadChecklist(path)
    for (const environment of ['dev', 'staging'].filter((env) =>
      checklist.environments.includes(env),
    ))
      out.push({ name: `${file} ${environment}`, path, environment })
  }
  return [...out, { name: 'generated 500 items dev', path: big, environment: 'dev' }]
}

/** The services of a fresh home, and how a run of `one` is opened in it. */
export function opener(one: Case) {
  const dir = tempDir('first-paint-home')
  const env = { DEPLOY_WIZARD_HOME: join(dir, 'home') }
  const services = wizardServices({ env, cwd: dir, staleAfterMs: STALE_AFTER_MS })
  const options = {
    checklistPath: one.path,
    environment: one.environment,
    operator: 'ana',
    staleAfterMs: STALE_AFTER_MS,
    sheetPathFor: (id: string) => join(dir, `${id}.md`),
    today: TODAY,
    now: () => new Date(),
  }
  return {
    /** A new run. */
    fresh: () => openRun(ask, services, { ...options, isNew: true }),
    /** The run `id` opened again. */
    resume: (id: string) => openRun(ask, services, { ...options, resume: id }),
  }
}

/**
 * Answers and check results in `opened`'s run, so that it reopens mid-way: the first items of
 * each phase answered every way there is, every check given a fresh result (none is due: opening
 * starts none), the cursor left on an item in the middle of the second phase.
 */
export async function answerSome(opened: OpenedRun): Promise<void> {
  const { session, layout } = opened
  const states = ['done', 'failed', 'skipped', 'na'] as const
  for (const phase of layout.phases) {
    for (const [index, item] of phase.items.slice(0, 4).entries()) {
      session.answer(
        item.id,
        states[index % states.length] ?? 'done',
        index === 2 ? 'why not' : undefined,
      )
    }
  }
  const at = new Date().toISOString()
  let n = 0
  for (const item of layout.items.values()) {
    if (!item.check) continue
    const status = (['pass', 'fail', 'error', 'blocked'] as const)[n++ % 4] ?? 'pass'
    const result: StoredCheckResult = {
      status,
      summary: `${status}: as the test says`,
      details: status === 'fail' ? ['expected 200, got 503'] : [],
      evidence: { status: 503, headers: { 'content-type': 'text/plain' } },
      outputs: {},
      durationMs: 1234,
      at,
    }
    session.adopt({ type: 'check-finished', at, itemId: item.id, result })
  }
  const phase = layout.phases[Math.min(1, layout.phases.length - 1)]
  const item = phase?.items[Math.floor(phase.items.length / 2)]
  session.leave({ phaseId: phase?.id ?? null, itemId: item?.id ?? null })
  await session.close()
}

/** The frame Ink writes first for `element` in a terminal `columns` wide. */
export function inkFrame(element: React.ReactElement, columns: number, rows = 10): string {
  const stdout = new Terminal(columns, rows, { isTTY: true })
  const instance = render(element, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: new Keyboard() as unknown as NodeJS.ReadStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  })
  const [first = ''] = stdout.frames
  instance.unmount()
  instance.cleanup()
  return first
}
