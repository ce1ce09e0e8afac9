/**
 * The widths the bundle measures text with (src/ui/string-width-cache.ts): string-width's own,
 * kept, and what every bundled package that imports string-width gets.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import stringWidth from 'string-width'
import cachedStringWidth from '../../src/ui/string-width-cache.ts'

const TEXTS = [
  '',
  'plain ascii',
  '› ○ FibonacciStack (Aurora, Cognito, EventBus)',
  '─'.repeat(100),
  '数据库迁移',
  'Ship it 🚀 👩‍👩‍👧 1️⃣',
  'e\u0301 combining, \u200b zero width',
  '\u001b[1mbold\u001b[22m',
]

test('a text measures as string-width measures it, the first time and from what is kept', () => {
  for (const text of TEXTS) {
    assert.equal(cachedStringWidth(text), stringWidth(text), JSON.stringify(text))
    assert.equal(cachedStringWidth(text), stringWidth(text), JSON.stringify(text))
  }
})

test('options go to string-width as given, escape codes counted when asked', () => {
  const bold = '\u001b[1mbold\u001b[22m'
  assert.equal(cachedStringWidth(bold), 4)
  assert.equal(
    cachedStringWidth(bold, { countAnsiEscapeCodes: true }),
    stringWidth(bold, { countAnsiEscapeCodes: true }),
  )
  assert.notEqual(cachedStringWidth(bold, { countAnsiEscapeCodes: true }), 4)
})

test('past the most it keeps, it forgets and still measures right', () => {
  for (let n = 0; n < 10_000; n++) cachedStringWidth(`clock ${n} ○`)
  for (const text of TEXTS) assert.equal(cachedStringWidth(text), stringWidth(text))
})

test('the bundle measures through it: every import of string-width but its own is given it', () => {
  const metafile = join(fileURLToPath(new URL('../..', import.meta.url)), '.build', 'metafile.json')
  const { inputs } = JSON.parse(readFileSync(metafile, 'utf8')) as {
    inputs: Record<string, { imports: { path: string; original?: string }[] }>
  }
  const importers = Object.entries(inputs).flatMap(([file, { imports }]) =>
    imports.filter((i) => i.original === 'string-width').map((i) => [file, i.path] as const),
  )
  assert.ok(importers.some(([file]) => file === 'node_modules/ink/build/output.js'))
  for (const [file, path] of importers) {
    assert.equal(
      path,
      file === 'src/ui/string-width-cache.ts'
        ? 'node_modules/string-width/index.js'
        : 'src/ui/string-width-cache.ts',
      file,
    )
  }
})
