import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { type ParseResult, parseChecklist } from '../../src/checklist/parse.ts'

/** The five real checklists from ../shared/seeds, copied byte for byte. */
export const SEEDS = [
  '000_b909c6aec69adf30.txt',
  '001_f520cc071e4c9f76.txt',
  '002_330113bd9a5ec9a1.txt',
  '003_fa378dcafbaacd4c.txt',
  '004_af71a0f7626eb14b.txt',
] as const

export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url))
}

export function seedPath(name: (typeof SEEDS)[number]): string {
  return fixturePath(`seeds/${name}`)
}

export function readSeed(name: (typeof SEEDS)[number]): string {
  return readFileSync(seedPath(name), 'utf8')
}

export function parseSeed(name: (typeof SEEDS)[number]): ParseResult {
  return parseChecklist(readSeed(name), { path: name })
}

/** Parses markdown written in a test; the path is what messages will name. */
export function parse(markdown: string, path = 'test.md'): ParseResult {
  return parseChecklist(markdown, { path })
}

/** Problems as `line:column severity message`, the shape tests compare. */
export function problemLines(result: ParseResult): string[] {
  return result.problems.map((p) => `${p.line}:${p.column} ${p.severity} ${p.message}`)
}
