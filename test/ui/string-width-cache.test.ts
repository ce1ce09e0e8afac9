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
import { LONE_GRAPHEMES, widthByCharacter } from '../../src/ui/text-kit.ts'

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

/** Every character LONE_GRAPHEMES takes, from all of Unicode. */
function loneCharacters(): string[] {
  const found: string[] = []
  for (let code = 0; code <= 0x10ffff; code++) {
    if (code >= 0xd800 && code <= 0xdfff) continue
    const character = String.fromCodePoint(code)
    if (LONE_GRAPHEMES.test(character)) found.push(character)
  }
  return found
}

test('each character measured without segmenting is a grapheme of its own beside any other, as wide as string-width says', () => {
  const segmenter = new Intl.Segmenter()
  const graphemes = (text: string) => [...segmenter.segment(text)].length
  const lone = loneCharacters()
  // Latin-1, the box drawing and the icons the wizard draws, kana, CJK and emoji among them.
  for (const character of ['é', '─', '○', '✔', '›', '…', 'カ', '数', '🚀', '✅'])
    assert.ok(lone.includes(character), character)
  for (const character of lone) {
    const code = character.codePointAt(0)?.toString(16)
    // Joined to nothing before or after it, not even to itself (jamo, regional indicators).
    assert.equal(graphemes(`a${character}a`), 3, code)
    assert.equal(graphemes(`${character}${character}`), 2, code)
    // Drawn as a cell of its own: Ink leaves out a default-ignorable character, which the first
    // paint's coding of a line (first-paint/ink-codes.ts) need not then do.
    assert.ok(!/\p{Default_Ignorable_Code_Point}/u.test(character), code)
    assert.equal(widthByCharacter(character), stringWidth(character), code)
    const text = `a${character}b${character}${character}`
    assert.equal(widthByCharacter(text), stringWidth(text), code)
  }
})

test('a text of such characters measures as string-width measures it; any other is left to string-width', () => {
  const lone = loneCharacters()
  let seed = 19
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    return seed
  }
  for (let n = 0; n < 5000; n++) {
    const text = Array.from({ length: 1 + (n % 60) }, () => lone[next() % lone.length]).join('')
    assert.equal(widthByCharacter(text), stringWidth(text), JSON.stringify(text))
  }
  // A combining accent, a joiner, a variation selector, a flag, a tab, an escape code, a jamo.
  for (const text of [
    'e\u0301',
    '👩\u200d💻',
    '✔\ufe0f',
    '🇧🇷',
    'a\tb',
    '\u001b[1mx',
    '\u1100\u1161',
  ]) {
    assert.equal(widthByCharacter(text), undefined, JSON.stringify(text))
    assert.equal(cachedStringWidth(text), stringWidth(text), JSON.stringify(text))
  }
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
