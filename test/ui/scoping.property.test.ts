/**
 * Environment scoping errs safe, over checklists made up from the words real ones use:
 * adding an environment word to a heading never takes an item out of the wizard's view,
 * and an item that does not apply is never out of sight without a reason, with its line,
 * that the screen shows.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import type { Checklist } from '../../src/checklist/model.ts'
import { parseChecklist } from '../../src/checklist/parse.ts'
import { initialRunState, RUN_FORMAT, type RunState, reduceRun } from '../../src/run/model.ts'
import { detailLines } from '../../src/ui/detail-lines.ts'
import { appliesIn, layoutOf, scopeNote } from '../../src/ui/layout.ts'
// The line functions measure text Ink's way, through Ink's packages (src/ui/text-kit.ts).
import '../../src/ui/text-packages.ts'

const TITLES = [
  'Pre-Deployment',
  'Deployment',
  'Checks',
  'Configuration',
  'Features',
  'Readiness & Validation',
  'Environment',
  'Sign-Off',
  'Verificação',
  'Despliegue',
  'Mise en production',
  'Umgebung',
  '環境',
  'Optional',
]
const ENVIRONMENT_WORDS = [
  'Production',
  'Staging',
  'Development',
  'prod',
  'DEV',
  'Produção',
  'homologação',
  'producción',
  'Produktion',
  '本番',
  '生产',
  'Pre-Production',
]
/** Ways an environment word joins a heading. */
const JOINS: readonly ((title: string, word: string) => string)[] = [
  (title, word) => `${word} ${title}`,
  (title, word) => `${title} ${word}`,
  (title, word) => `${title} (${word} only)`,
  (title, word) => `${title} (${word})`,
  (title, word) => `Deploy to ${word} — ${title}`,
  (_, word) => `${word} Environment`,
  (_, word) => word,
]
const ITEMS = [
  'All tests passing',
  'Code reviewed',
  'Backup taken (production only)',
  'Rollback tested (staging only)',
  'Deployed by: ______',
  'Smoke tests pass',
]

interface Section {
  readonly level: 2 | 3
  readonly title: string
  readonly items: readonly string[]
}

const section = fc.record({
  level: fc.constantFrom<2 | 3>(2, 3),
  title: fc.oneof(
    fc.constantFrom(...TITLES),
    fc
      .tuple(
        fc.constantFrom(...TITLES),
        fc.constantFrom(...ENVIRONMENT_WORDS),
        fc.nat(JOINS.length - 1),
      )
      .map(([title, word, join]) => (JOINS[join] as (t: string, w: string) => string)(title, word)),
  ),
  items: fc.array(fc.constantFrom(...ITEMS), { minLength: 1, maxLength: 3 }),
})

/** The checklist's markdown: every heading and item on a line of its own, so lines stay put. */
function markdown(sections: readonly Section[]): string {
  const lines = ['---', 'environments: [dev, staging, prod]', '---', '# Checklist']
  for (const s of sections) {
    lines.push(`${'#'.repeat(s.level)} ${s.title}`)
    for (const item of s.items) lines.push(`- [ ] ${item}`)
  }
  return `${lines.join('\n')}\n`
}

function parsed(sections: readonly Section[]): Checklist {
  return parseChecklist(markdown(sections), { path: 'property.md' }).checklist
}

/** What the wizard lists for an environment: each item by its line and text. */
function view(checklist: Checklist, environment: string): string[] {
  return [...layoutOf(checklist, environment).items.values()]
    .map((item) => `${item.line}:${item.plain}`)
    .sort()
}

function runOf(environment: string): RunState {
  return initialRunState({
    format: RUN_FORMAT,
    id: `${environment}-20261122-abcd`,
    checklist: { path: '/x/property.md', title: 'Checklist' },
    environment,
    operator: 'ana',
    host: 'h',
    startedAt: '2026-11-22T09:00:00.000Z',
    toolVersion: '0.1.0',
  })
}

const ENVIRONMENTS = ['dev', 'staging', 'prod']

describe('environment scoping, over made-up checklists', () => {
  it('adding an environment word to a heading never removes an item from the wizard’s view', () => {
    fc.assert(
      fc.property(
        fc.array(section, { minLength: 1, maxLength: 6 }),
        fc.nat(),
        fc.constantFrom(...ENVIRONMENT_WORDS),
        fc.nat(JOINS.length - 1),
        (sections, at, word, join) => {
          const index = at % sections.length
          const target = sections[index] as Section
          const joined = (JOINS[join] as (t: string, w: string) => string)(target.title, word)
          const worded = sections.map((s, i) => (i === index ? { ...s, title: joined } : s))
          const before = parsed(sections)
          const after = parsed(worded)
          for (const environment of ENVIRONMENTS) {
            const shown = new Set(view(after, environment))
            for (const item of view(before, environment)) {
              assert.ok(shown.has(item), `${item} left the ${environment} view: ${joined}`)
            }
          }
        },
      ),
      { numRuns: 300 },
    )
  })

  it('never hides an item: one that does not apply shows why, with its line, and can be taken in', () => {
    fc.assert(
      fc.property(fc.array(section, { minLength: 1, maxLength: 6 }), (sections) => {
        const checklist = parsed(sections)
        for (const environment of ENVIRONMENTS) {
          const layout = layoutOf(checklist, environment)
          const run = runOf(environment)
          for (const item of checklist.items) {
            assert.ok(
              layout.items.has(item.id),
              `${item.plain} is not on the ${environment} screen`,
            )
            if (appliesIn(item, run)) continue
            const note = scopeNote(item, run)
            assert.ok(note, `${item.plain} does not apply to ${environment} and says nothing`)
            assert.match(note.reason, /line \d+/)
            const lines = detailLines({
              item,
              record: null,
              live: undefined,
              width: 10_000,
              now: 0,
              isUntrustedCommand: false,
              scope: note,
            }).map((line) => line.text)
            assert.ok(
              lines.some((line) => line.includes(note.reason)),
              `the screen does not show why: ${note.reason}`,
            )
            const taken = reduceRun(run, {
              type: 'scope-overridden',
              at: '2026-11-22T09:05:00.000Z',
              by: 'ana',
              itemId: item.id,
              applies: true,
            })
            assert.ok(appliesIn(item, taken))
          }
        }
      }),
      { numRuns: 200 },
    )
  })
})
