/**
 * App's trust question as Ink draws it, in a fake terminal of any size: App opened over real
 * services (a temporary DEPLOY_WIZARD_HOME) on a checklist with commands, and the frames Ink
 * writes recorded, as a terminal would receive them. Import it after colour is set for the
 * file: chalk reads the setting once.
 */
import assert from 'node:assert/strict'
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { stripVTControlCharacters } from 'node:util'
import { render } from 'ink'
import { loadChecklist } from '../../src/checklist/load.ts'
import { needsTrust } from '../../src/checks/registry.ts'
import type { RunSession } from '../../src/run/session.ts'
import { needsTrustPrompt, wizardServices } from '../../src/run/start.ts'
import { App, type AppOutcome } from '../../src/ui/app.tsx'
import type { TrustQuestion } from '../../src/ui/ask.ts'
import { trustScreenFrame } from '../../src/ui/first-paint/trust-screen.ts'
import { layoutOf } from '../../src/ui/layout.ts'
import { Keyboard, Terminal } from './ink-terminal.ts'
import { tempDir } from './temp.ts'
import { waitFor } from './wait.ts'

/** Waits turns of the event loop, not time, until `condition` holds: fails after a hundred. */
async function waitForTurns(condition: () => boolean, what: string): Promise<void> {
  for (let turn = 0; !condition(); turn++) {
    if (turn === 100) throw new Error(`still not true after 100 turns: ${what}`)
    await new Promise((done) => setImmediate(done))
  }
}

/** What App says above its screens when a run file was set aside (one, as made here). */
export const ONE_FILE_SET_ASIDE =
  '⚠ 1 run file could not be used; the details are printed when you leave'

/** Shown on the trust question at every width: how its first frame is told from loading lines. */
const ANSWER = 'y: trust it and run them'

/** The question App asks for `path` opened for dev, as open-run.ts builds it. */
export async function trustQuestionOf(path: string): Promise<TrustQuestion> {
  const { checklist } = await loadChecklist(path)
  const layout = layoutOf(checklist, 'dev')
  return { path: checklist.path, commands: [...layout.items.values()].filter(needsTrust) }
}

/** App on its trust question in a fake terminal: the first frame Ink wrote for it, and more sizes. */
export interface InkTrustScreen {
  /** The first frame Ink wrote for the trust question. */
  readonly first: string
  /**
   * The frame Ink writes once the terminal is `columns` × `rows`, as a window resized to that:
   * nothing typed, the list still at its top, so the frame a first render at that size writes.
   */
  resize(columns: number, rows: number): Promise<string>
  close(): Promise<void>
}

/**
 * App's trust question on `path` (a checklist with commands) opened for dev in a `columns` ×
 * `rows` terminal; with `setAside`, a broken run file is in the home first, so that App has its
 * problem line to show.
 */
export async function inkTrustScreen(
  path: string,
  columns: number,
  rows: number,
  { setAside = false }: { readonly setAside?: boolean } = {},
): Promise<InkTrustScreen> {
  const dir = tempDir('trust-frame')
  const env = { DEPLOY_WIZARD_HOME: join(dir, 'home'), DEPLOY_WIZARD_OPERATOR: 'ana' }
  if (setAside) {
    mkdirSync(join(dir, 'home', 'runs'), { recursive: true })
    writeFileSync(join(dir, 'home', 'runs', 'dev-20261122-zzzz.json'), '{ "header": ')
  }
  const stdout = new Terminal(columns, rows)
  let outcome: AppOutcome | null = null
  let session: RunSession | null = null
  const instance = render(
    <App
      services={wizardServices({ env, cwd: dir, staleAfterMs: 60 * 60_000 })}
      options={{
        checklistPath: path,
        environment: 'dev',
        operator: 'ana',
        isNew: true,
        staleAfterMs: 60 * 60_000,
        sheetPathFor: (id) => join(dir, `${id}.md`),
        today: '2026-11-22',
        now: () => new Date(),
      }}
      onOpen={(opened) => {
        session = opened
      }}
      onDone={(done) => {
        outcome = done
      }}
    />,
    {
      stdout: stdout as unknown as NodeJS.WriteStream,
      stderr: new Terminal(columns, rows) as unknown as NodeJS.WriteStream,
      stdin: new Keyboard() as unknown as NodeJS.ReadStream,
      debug: true,
      exitOnCtrlC: false,
      patchConsole: false,
    },
  )
  const close = async () => {
    instance.unmount()
    await (session as RunSession | null)?.close()
  }
  const isTrust = (frame: string) => stripVTControlCharacters(frame).includes(ANSWER)
  try {
    await waitFor(
      () => stdout.frames.some(isTrust) || outcome !== null,
      `the trust question at ${columns}×${rows}`,
    )
  } catch (error) {
    await close()
    throw error
  }
  const first = stdout.frames.find(isTrust)
  if (first === undefined) {
    await close()
    throw new Error(`App ended before its trust question: ${JSON.stringify(outcome)}`)
  }
  return {
    first,
    resize: async (newColumns, newRows) => {
      stdout.columns = newColumns
      stdout.rows = newRows
      const before = stdout.frames.length
      stdout.emit('resize')
      // App draws the new size once React has run the size's update: a turn or two.
      await waitForTurns(() => stdout.frames.length > before, `a frame at ${newColumns}×${newRows}`)
      return stdout.frames.at(-1) ?? ''
    },
    close,
  }
}

/** The first frame Ink writes for App's trust question (see inkTrustScreen). */
export async function inkTrustFrame(
  path: string,
  columns: number,
  rows: number,
  options: { readonly setAside?: boolean } = {},
): Promise<string> {
  const screen = await inkTrustScreen(path, columns, rows, options)
  await screen.close()
  return screen.first
}

/** A checklist whose trust question the equality tests draw both ways. */
export interface TrustCase {
  readonly name: string
  readonly path: string
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** The bench's generated checklist (bench/startup.mjs, plain JavaScript: typed here). */
const { userChecklist } = (await import(join(ROOT, 'bench', 'startup.mjs'))) as {
  readonly userChecklist: (count: number) => string
}

/** A dev/prod checklist with these items, each `- [ ] …` line as given. */
function checklistOf(title: string, items: readonly string[]): string {
  return `---\ntitle: ${title}\nenvironments: [dev, prod]\n---\n## Before\n${items.map((item) => `- [ ] ${item}\n`).join('')}`
}

const command = (text: string, run: string) => `${text} <!-- check: command run="${run}" -->`

/**
 * Every bundled checklist that asks for trust in dev, the bench's 500-item checklist, and the
 * cases that wrap and count: a path longer than a screen line, commands longer than the screen
 * (words, and one unbroken token), wide characters at the wrap, the same command many times.
 */
export async function trustCases(): Promise<TrustCase[]> {
  const dir = tempDir('trust-cases')
  const bundled: TrustCase[] = []
  for (const name of readdirSync(join(ROOT, 'checklists')).sort()) {
    if (!name.endsWith('.md')) continue
    const path = join(ROOT, 'checklists', name)
    const { checklist } = await loadChecklist(path)
    // As App decides it: commands for dev, in a home that trusts nothing yet.
    if (needsTrustPrompt(checklist, 'dev', { DEPLOY_WIZARD_HOME: join(dir, 'home') })) {
      bundled.push({ name: `bundled ${name}`, path })
    }
  }
  const write = (name: string, relativePath: string, markdown: string): TrustCase => {
    const path = join(dir, relativePath)
    mkdirSync(join(path, '..'), { recursive: true })
    writeFileSync(path, markdown)
    return { name, path }
  }
  const deep = Array.from({ length: 6 }, (_, i) => `release-engineering-runbooks-${i}`).join('/')
  return [
    ...bundled,
    write('the bench’s 500-item checklist', 'bench.md', userChecklist(500)),
    write(
      'a path longer than the screen is wide',
      `${deep}/the-deployment-checklist-for-the-payments-service.md`,
      checklistOf('Deep', [command('Migrate', 'npm run migrate'), command('Seed', 'npm run seed')]),
    ),
    write(
      'commands longer than the screen',
      'long.md',
      checklistOf('Long', [
        command(
          'Deploy',
          `aws ecs update-service --cluster payments-production-cluster --service payments-api --force-new-deployment --desired-count 6 ${'--tag release=2026.11.22 '.repeat(6)}`,
        ),
        command('Checksum', `sha256sum ${'0123456789abcdef'.repeat(16)}`),
        command('Short', 'make test'),
      ]),
    ),
    write(
      'wide characters where the commands wrap',
      'wide.md',
      checklistOf('Wide', [
        command('CJK', `echo ${'数据库迁移已经完成并且备份已经验证通过'.repeat(4)}`),
        command('Emoji', `echo ${'ship 🚀 then watch 📈 '.repeat(8)}`),
        command('Accents', `echo ${'Café naïve façade — ½ résumé '.repeat(6)}`),
      ]),
    ),
    write(
      'the same command run by many items',
      'same.md',
      checklistOf('Same', [
        ...Array.from({ length: 30 }, (_, i) => command(`Check ${i + 1}`, 'make check')),
        command('Lint', 'npm run lint'),
        ...Array.from({ length: 3 }, (_, i) => command(`Build ${i + 1}`, 'npm run build')),
      ]),
    ),
  ]
}

/** The edges the equality tests cover in every case. */
export const EDGE_WIDTHS = [40, 41, 99, 100, 119, 120, 160]
export const EDGE_HEIGHTS = [14, 15, 24, 60]

/** Every width from the wizard's narrowest to 160 and every height from 14 to 60. */
export const WIDTHS = Array.from({ length: 121 }, (_, i) => 40 + i)
export const HEIGHTS = Array.from({ length: 47 }, (_, i) => 14 + i)

/** What an equality run compared: frames, and those left to Ink (null, each checked why). */
export interface Compared {
  readonly frames: number
  readonly nulls: number
}

/**
 * Asserts that trustScreenFrame is the frame Ink writes for App's trust question on `trust`,
 * at `sizes` (the first a first render; each next one as the terminal resized to it, nothing
 * typed: the frame a first render at that size writes). Where it is null, Ink's frame must be
 * taller than the terminal: the one reason these checklists give to leave a frame to Ink.
 */
export async function assertTrustFramesAsInkDraws(
  trust: TrustCase,
  sizes: readonly (readonly [number, number])[],
  { setAside = false }: { readonly setAside?: boolean } = {},
): Promise<Compared> {
  const [first, ...rest] = sizes
  if (!first) return { frames: 0, nulls: 0 }
  const question = await trustQuestionOf(trust.path)
  const problemLine = setAside ? ONE_FILE_SET_ASIDE : null
  let nulls = 0
  const check = ([columns, rows]: readonly [number, number], ink: string, what: string) => {
    const at = `${trust.name}${setAside ? ', a run file set aside' : ''}, at ${columns}×${rows}`
    const ours = trustScreenFrame({ question, problemLine, columns, rows })
    if (ours === null) {
      nulls++
      assert.ok(ink.split('\n').length > rows, `null, yet Ink's ${what} fits: ${at}\n${ink}`)
    } else {
      assert.equal(ours, ink, `${what}: ${at}`)
    }
  }
  const screen = await inkTrustScreen(trust.path, first[0], first[1], { setAside })
  try {
    check(first, screen.first, 'the first frame')
    for (const size of rest) check(size, await screen.resize(...size), 'the frame')
  } finally {
    await screen.close()
  }
  return { frames: sizes.length, nulls }
}

/**
 * The sizes case number `index` is compared at: a first render at one of the edges, then every
 * width at one height, every height at one width, and every edge (widths 40, 41, 99, 100, 119,
 * 120, 160 by heights 14, 15, 24, 60), the height and width swept changing from case to case.
 */
export function sizesFor(index: number): [number, number][] {
  const edges = EDGE_WIDTHS.flatMap((columns) =>
    EDGE_HEIGHTS.map((rows): [number, number] => [columns, rows]),
  )
  const sweptRows = HEIGHTS[(index * 11) % HEIGHTS.length] ?? 24
  const sweptColumns = EDGE_WIDTHS[(index + 3) % EDGE_WIDTHS.length] ?? 100
  return [
    ...edges.slice(index % edges.length),
    ...WIDTHS.map((columns): [number, number] => [columns, sweptRows]),
    ...HEIGHTS.map((rows): [number, number] => [sweptColumns, rows]),
    ...edges.slice(0, index % edges.length),
  ]
}
