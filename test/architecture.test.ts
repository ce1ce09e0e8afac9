/**
 * ARCHITECTURE.md in force: every import in src/ (static, dynamic and
 * type-only alike) points at a layer no higher than its own, and no module
 * reaches itself again through its imports. The layers are ranked here as the
 * document ranks them.
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

const SRC = fileURLToPath(new URL('../src', import.meta.url))

/** Lowest first; a module belongs to the longest prefix that matches its path in src/. */
const LAYERS: readonly (readonly [rank: number, prefixes: readonly string[]])[] = [
  [
    0,
    [
      'atomic-write.ts',
      'duration.ts',
      'errors.ts',
      'home.ts',
      'package-root.ts',
      'version.ts',
      'vocabulary.ts',
      'output/',
      'demo/',
    ],
  ],
  [1, ['checklist/']],
  [2, ['checks/', 'trust.ts']],
  [3, ['run/']],
  [4, ['report/']],
  [5, ['ui/']],
  [6, ['commands/']],
  [7, ['cli.ts']],
]

/**
 * The one sanctioned import against the ranks: validating a checklist asks the
 * check kinds' declarations (their names and parameter schemas), never the code
 * that runs a check, which each declaration imports only when a check runs.
 */
const CHECK_DECLARATIONS = [
  'checks/registry.ts',
  'checks/kind.ts',
  'checks/kinds/',
  'checks/params.ts',
  // What the schemas are built with (zod, RE2, semver): the parser hands it to params.ts.
  'checks/schema-libraries.ts',
  // What some kinds' rules are worked out with: validate hands it to rules.ts.
  'checks/rules.ts',
  'checks/rule-libraries.ts',
  'checks/shell-scan.ts',
  'checks/shown-params.ts',
]

/** Pure modules of checks/ that both the declarations and the runners use. */
const SHARED_WITH_DECLARATIONS = [
  'checks/outcome.ts',
  'checks/redact.ts',
  'checks/socket-errors.ts',
  'checks/http-hosts.ts',
  'checks/aws/target.ts',
  // The `aws` kind reads its call= text at validate: the CLI's words, the read-only operations, the services.
  'checks/aws/cli-call.ts',
  'checks/aws/read-operations.ts',
  'checks/aws/read-verbs.ts',
  'checks/aws/services.ts',
  'checks/words.ts',
  'checks/postgres/problem.ts',
  'checks/postgres/read-only.ts',
  'checks/postgres/settings.ts',
  'checks/postgres/sql-lexer.ts',
  'checks/postgres/sql-template.ts',
  'checks/postgres/ssl-modes.ts',
]

function rankOf(path: string): number {
  let best: { rank: number; length: number } | undefined
  for (const [rank, prefixes] of LAYERS) {
    for (const prefix of prefixes) {
      if (path.startsWith(prefix) && (!best || prefix.length > best.length)) {
        best = { rank, length: prefix.length }
      }
    }
  }
  assert.ok(best, `${path} is in no layer: add it to ARCHITECTURE.md and to LAYERS here`)
  return best.rank
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name))
    .map((entry) => relative(SRC, join(entry.parentPath, entry.name)))
    .sort()
}

interface Import {
  readonly target: string
  /** `import('…')`: loaded when first used, not with the module. */
  readonly isDynamic: boolean
  /** `import type`: gone from the code that runs. */
  readonly isTypeOnly: boolean
}

/**
 * The relative imports of a module: `import … from`, `export … from`, `import '…'`
 * and `import('…')`. Comments are dropped first so that an example in one is not
 * read as an import.
 */
function importsOf(path: string): Import[] {
  const text = readFileSync(join(SRC, path), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '')
  const found: Import[] = []
  const add = (specifier: string, isDynamic: boolean, isTypeOnly: boolean) => {
    if (specifier.startsWith('.')) {
      found.push({ target: join(dirname(path), specifier), isDynamic, isTypeOnly })
    }
  }
  for (const m of text.matchAll(
    /^\s*(?:import|export)\b(\s+type\b)?[^'"`]*?\bfrom\s*'([^']+)'/gm,
  )) {
    add(m[2] as string, false, m[1] !== undefined)
  }
  for (const m of text.matchAll(/^\s*import\s*'([^']+)'/gm)) add(m[1] as string, false, false)
  for (const m of text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)) add(m[1] as string, true, false)
  return found
}

const modules = sources(SRC)
const graph = new Map(modules.map((path) => [path, importsOf(path)]))

describe('the layers of src/ (ARCHITECTURE.md)', () => {
  it('reads the imports of every module, each naming a module that exists', () => {
    assert.ok(modules.length > 100, `only ${modules.length} modules found in ${SRC}`)
    for (const [path, imports] of graph) {
      for (const { target } of imports) {
        assert.ok(graph.has(target), `${path} imports ${target}, which is not in src/`)
      }
    }
    // The scan sees all three shapes of import.
    assert.ok(graph.get('cli.ts')?.some((i) => i.isDynamic))
    assert.ok(graph.get('checks/registry.ts')?.some((i) => i.target === 'checks/kinds/acm.ts'))
  })

  it('has no import from a layer above', () => {
    const upward: string[] = []
    for (const [path, imports] of graph) {
      for (const { target } of imports) {
        if (rankOf(target) <= rankOf(path)) continue
        const isDeclaration = CHECK_DECLARATIONS.some((prefix) => target.startsWith(prefix))
        if (path.startsWith('checklist/') && isDeclaration) continue
        upward.push(`${path} → ${target}`)
      }
    }
    assert.deepEqual(upward, [])
  })

  it('lets checklist/ load no code that runs a check: only the kinds’ declarations', () => {
    // Followed through the imports that load code with the module: a declaration's `load()`
    // imports its runner lazily, and types are gone once compiled.
    const reached = new Set<string>()
    const visit = (path: string) => {
      if (reached.has(path)) return
      reached.add(path)
      for (const { target, isDynamic, isTypeOnly } of graph.get(path) ?? []) {
        if (!isDynamic && !isTypeOnly) visit(target)
      }
    }
    for (const path of modules) if (path.startsWith('checklist/')) visit(path)
    const runners = [...reached].filter(
      (path) =>
        path.startsWith('checks/') &&
        !CHECK_DECLARATIONS.some((prefix) => path.startsWith(prefix)) &&
        // What the declarations share with the runners: pure names and parsers, no I/O.
        !SHARED_WITH_DECLARATIONS.includes(path),
    )
    assert.deepEqual(runners, [])
  })

  it('has no cycle of imports, type-only and dynamic ones included', () => {
    const cycles: string[] = []
    const state = new Map<string, 'open' | 'done'>()
    const stack: string[] = []
    const visit = (path: string) => {
      state.set(path, 'open')
      stack.push(path)
      for (const { target, isDynamic } of graph.get(path) ?? []) {
        // The one designed loop: a kind's declaration loads its runner when a check runs,
        // and the runner types its parameters from the declaration.
        if (isDynamic && path.startsWith('checks/kinds/')) continue
        if (state.get(target) === 'open') {
          cycles.push([...stack.slice(stack.indexOf(target)), target].join(' → '))
        } else if (!state.has(target)) {
          visit(target)
        }
      }
      stack.pop()
      state.set(path, 'done')
    }
    for (const path of modules) if (!state.has(path)) visit(path)
    assert.deepEqual(cycles, [])
  })
})

describe('the shared vocabulary (src/vocabulary.ts)', () => {
  /** Ways a second copy of a shared word list or rule would be written. */
  const COPIES: readonly (readonly [what: string, pattern: RegExp, home: string])[] = [
    [
      'the check statuses',
      /'pass',\s*'fail',\s*'error',\s*'blocked',\s*'skipped'/,
      'vocabulary.ts',
    ],
    ['the item states', /\[\s*'(?:done|pending)',\s*'(?:failed|done)',[^\]]*'na'/, 'vocabulary.ts'],
    [
      'which statuses are problems',
      /'fail'[^\n]*'error'[^\n]*'blocked'|=== 'blocked' \|\|/,
      'vocabulary.ts',
    ],
    ['"has errors; fix them"', /has errors; fix them/, 'checklist/problems.ts'],
  ]

  it('is the one home of each word list and rule: src/ holds no second copy', () => {
    const copies: string[] = []
    for (const path of modules) {
      const text = readFileSync(join(SRC, path), 'utf8')
      for (const [what, pattern, home] of COPIES) {
        if (path !== home && pattern.test(text)) copies.push(`${path}: ${what} (see ${home})`)
      }
    }
    assert.deepEqual(copies, [])
  })
})
