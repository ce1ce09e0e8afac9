/**
 * text-kit.ts works out widths, cuts and wraps of lone graphemes itself, and must answer as
 * Ink's packages do (string-width, cli-truncate, wrap-ansi): checked on generated text, every
 * width of cut and wrap, against the packages themselves; any other text is theirs to answer,
 * and without them (the first paint) the screen is left to Ink.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import cliTruncate from 'cli-truncate'
import stringWidth from 'string-width'
import wrapAnsi from 'wrap-ansi'
import {
  cutText,
  graphemes,
  LONE_GRAPHEMES,
  textWidth,
  withoutTextPackages,
  wrapText,
} from '../../src/ui/text-kit.ts'
import '../../src/ui/text-packages.ts'
import { seededRandom } from '../helpers/seeded-random.ts'

/** Characters of every kind the kit measures itself: narrow, wide, and the odd ones out. */
const ALPHABET = [
  ...'abcXYZ019-_/.:',
  ...'      ', // spaces weigh more: words
  'é',
  'Ω',
  'Ж',
  '…',
  '─',
  '→',
  '\u00a0', // no-break space (trimmed by trimStart, not a word break)
  '\u3000', // ideographic space: wide, and whitespace
  '中',
  '数',
  'ア',
  'Ａ',
  '⌚', // one UTF-16 unit, two columns
  '🚀', // a surrogate pair, two columns
  '🌡', // a surrogate pair string-width measures one column wide
  '\u2126', // OHM SIGN: normalizes to Ω (wrap-ansi normalizes first)
]

function texts(count: number, extra: readonly string[] = []): string[] {
  const next = seededRandom(7)
  const alphabet = [...ALPHABET, ...extra]
  return Array.from({ length: count }, () => {
    const length = Math.floor(next() * 40)
    let text = ''
    for (let i = 0; i < length; i++) text += alphabet[Math.floor(next() * alphabet.length)]
    return text
  })
}

test('the generated text is what the kit measures itself: lone graphemes only', () => {
  for (const text of texts(200)) assert.ok(LONE_GRAPHEMES.test(text), JSON.stringify(text))
})

test('a lone-grapheme text is as wide as string-width says, the packages withheld', () => {
  for (const text of texts(400)) {
    assert.equal(
      withoutTextPackages(() => textWidth(text)),
      stringWidth(text),
      JSON.stringify(text),
    )
  }
})

test('a lone-grapheme text is cut at its end or its start as cli-truncate cuts it, at every width', () => {
  for (const text of texts(250)) {
    for (let columns = -1; columns <= stringWidth(text) + 1; columns++) {
      for (const position of ['end', 'start'] as const) {
        assert.equal(
          withoutTextPackages(() => cutText(text, columns, position)),
          cliTruncate(text, columns, { position }),
          `${JSON.stringify(text)} to ${columns} at its ${position}`,
        )
      }
    }
  }
})

test('a lone-grapheme text, tabs and newlines in it, is wrapped as wrap-ansi wraps it hard, at every width', () => {
  for (const text of texts(250, ['\t', '\n', '  '])) {
    for (let columns = 1; columns <= 24; columns++) {
      const ours = withoutTextPackages(() => wrapText(text, columns))
      const wrapped = wrapAnsi(text, columns, { hard: true })
      // Only a text Unicode normalization changes is wrap-ansi's to wrap.
      if (text.normalize() !== text) assert.equal(ours, null)
      else assert.equal(ours, wrapped, `${JSON.stringify(text)} at ${columns}`)
    }
  }
})

/** Text string-width segments into graphemes of more than one character: the packages' to measure. */
const JOINED = [
  'e\u0301 combining',
  'family 👩‍👩‍👧',
  'keycap 1️⃣',
  'flag 🇵🇹',
  'zero\u200bwidth',
  'soft\u00adhyphen',
  'escape \u001b[1mbold\u001b[22m',
]

test('other text is measured, cut and wrapped by the packages, and without them leaves the screen to Ink', () => {
  for (const text of JOINED) {
    assert.equal(textWidth(text), stringWidth(text), text)
    assert.equal(cutText(text, 6, 'end'), cliTruncate(text, 6, { position: 'end' }), text)
    assert.equal(cutText(text, 6, 'start'), cliTruncate(text, 6, { position: 'start' }), text)
    assert.equal(wrapText(text, 6), wrapAnsi(text, 6, { hard: true }), text)
    assert.equal(
      withoutTextPackages(() => textWidth(text)),
      null,
      text,
    )
    assert.equal(
      withoutTextPackages(() => wrapText(text, 6)),
      null,
      text,
    )
  }
})

test('what goes wrong inside withoutTextPackages other than a package needed is thrown as it is', () => {
  assert.throws(
    () =>
      withoutTextPackages(() => {
        throw new RangeError('a bug')
      }),
    RangeError,
  )
  // And the packages are back after it.
  assert.equal(textWidth('e\u0301'), stringWidth('e\u0301'))
})

test('a text’s graphemes are Intl.Segmenter’s, lone graphemes or not', () => {
  const segmenter = new Intl.Segmenter()
  for (const text of [...texts(100), ...JOINED]) {
    assert.deepEqual(
      graphemes(text),
      Array.from(segmenter.segment(text), ({ segment }) => segment),
      JSON.stringify(text),
    )
  }
})
