/**
 * A line's styles as Ink writes them, for the first paint, without the packages Ink writes them
 * with: chalk puts a `<Text>`'s styles on its string, cli-truncate (through slice-ansi) cuts the
 * styled string, and ansi-tokenize codes each cell of Ink's output afresh. Loading those (with
 * string-width, which each of them imports) costs the paint about as much CPU as all the rest it
 * does (text-kit.ts says why that matters), so this module does what they do for the only strings
 * the paint gives it: lone graphemes (text-kit.ts) and the SGR codes of the styles below, one
 * number per code. It follows their sources step by step (chalk 5's applyStyle, slice-ansi 10's
 * SliceOutput, ansi-tokenize 0.3's reduce, diff and styledCharsToString), so that the frame
 * painted is the frame Ink then writes over it, code for code; test/ui/ink-codes.test.ts checks
 * it against the packages on generated lines, and the first-paint equality tests against Ink.
 */
// chalk's own colour support, the module chalk reads its level from: chalk keeps it private,
// so tsconfig.json names its file (`paths`, which tsx and esbuild follow).
import supportsColor from 'chalk-supports-color'
import { widthByCharacter } from '../text-kit.ts'
import type { Style } from '../text-line.ts'
import type { Color } from '../theme.ts'

/** chalk's level on this process's stdout: 0, no codes at all (NO_COLOR: bin/deploy-wizard.js sets FORCE_COLOR=0). */
export const COLOR_LEVEL: number = supportsColor.stdout ? supportsColor.stdout.level : 0

/** ansi-styles' open and close numbers of the styles a `<Text>` takes. */
const MODIFIERS = {
  isDim: [2, 22],
  isBold: [1, 22],
  isItalic: [3, 23],
  isUnderline: [4, 24],
  isStrikethrough: [9, 29],
  isInverse: [7, 27],
} as const
const COLORS: Record<Color, number> = {
  red: 31,
  green: 32,
  yellow: 33,
  blue: 34,
  magenta: 35,
  cyan: 36,
  gray: 90,
}
/** The foreground colours' close. */
const COLOR_CLOSE = 39
/** Each open number's close, and every close number (as ansi-styles' `codes` lists them). */
const CLOSE_OF = new Map<number, number>([
  ...Object.values(MODIFIERS).map(([open, close]) => [open, close] as const),
  ...Object.values(COLORS).map((open) => [open, COLOR_CLOSE] as const),
])
const CLOSES = new Set([0, ...CLOSE_OF.values()])

const sgr = (n: number) => `\u001B[${n}m`

/** chalk's `chalk.<style>(text)`: opened and closed, each close inside followed by its open again. */
function chalkStyle(text: string, open: number, close: number, level: number): string {
  if (level <= 0 || text === '') return text
  const inner = text.includes('\u001B')
    ? text.replaceAll(sgr(close), `${sgr(close)}${sgr(open)}`)
    : text
  return `${sgr(open)}${inner}${sgr(close)}`
}

/**
 * `text` in `style`, as Ink's Text puts its props on with chalk, in its order: dim, the colour,
 * bold, italic, underline, strikethrough, inverse.
 */
export function styled(text: string, style: Style, level = COLOR_LEVEL): string {
  let out = style.isDim ? chalkStyle(text, ...MODIFIERS.isDim, level) : text
  if (style.color) out = chalkStyle(out, COLORS[style.color], COLOR_CLOSE, level)
  for (const key of [
    'isBold',
    'isItalic',
    'isUnderline',
    'isStrikethrough',
    'isInverse',
  ] as const) {
    const [open, close] = MODIFIERS[key]
    if (style[key]) out = chalkStyle(out, open, close, level)
  }
  return out
}

/** A styled string's parts: an SGR code's number, or one lone grapheme and its columns. */
type Part = { readonly code: number } | { readonly character: string; readonly width: number }

/** The parts of a string of lone graphemes and one-number SGR codes; null for any other string. */
function partsOf(text: string): Part[] | null {
  const parts: Part[] = []
  // biome-ignore lint/suspicious/noControlCharactersInRegex: reading SGR codes is the point
  const piece = /\u001B\[(\d+)m|[^\u001B]+/y
  for (let at = 0; at < text.length; at = piece.lastIndex) {
    piece.lastIndex = at
    const match = piece.exec(text)
    if (match === null) return null
    if (match[1] !== undefined) {
      parts.push({ code: Number(match[1]) })
      continue
    }
    if (widthByCharacter(match[0]) === undefined) return null
    for (const character of match[0]) {
      parts.push({ character, width: widthByCharacter(character) ?? 1 })
    }
  }
  return parts
}

/** The columns a styled string takes (its codes take none); null for a string it cannot read. */
export function styledWidth(text: string): number | null {
  const parts = partsOf(text)
  return parts === null ? null : widthOf(parts)
}

function widthOf(parts: readonly Part[]): number {
  return parts.reduce((sum, part) => sum + ('width' in part ? part.width : 0), 0)
}

/**
 * A styled string cut to `columns` with `…` at its end, as cli-truncate cuts it: slice-ansi
 * keeps the characters that fit whole in the columns the `…` leaves, its styles re-opened and
 * closed (one per close code: a bold and a dim both open, it keeps the later), and the `…` goes
 * before the closes at the end, in the last character's styles. Null for a string it cannot
 * read (see partsOf).
 */
export function cutStyledEnd(text: string, columns: number): string | null {
  const parts = partsOf(text)
  if (parts === null) return null
  if (columns < 1) return ''
  const width = widthOf(parts)
  if (width <= columns) return text
  if (columns === 1) return '…'
  const kept = sliceStart(parts, columns - 1)
  // The `…` before the closes at the end of what was kept.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: cli-truncate's trailing SGR codes
  const closes = /(?:\u001B\[[0-9;]*m)*$/.exec(kept)?.[0] ?? ''
  return `${kept.slice(0, kept.length - closes.length)}…${closes}`
}

/** slice-ansi's `sliceAnsi(text, 0, end)` of a string's parts. */
function sliceStart(parts: readonly Part[], end: number): string {
  let isEmitting = false
  let styles = new Map<number, number>() // close → open
  let checkpoint: { readonly length: number; readonly styles: Map<number, number> } | undefined
  const output: string[] = []
  let position = 0
  for (const part of parts) {
    const isPastEnd = position >= end
    if ('character' in part) {
      if (isPastEnd || position + part.width > end) {
        if (checkpoint) {
          output.length = checkpoint.length
          styles = checkpoint.styles
          checkpoint = undefined
        }
        break
      }
      if (!isEmitting) {
        isEmitting = true
        output.push(...[...styles.values()].map(sgr))
      }
      output.push(part.character)
      checkpoint = undefined
      position += part.width
      continue
    }
    const { code } = part
    const isStart = !CLOSES.has(code)
    if (isPastEnd) {
      const closes = code === 0 ? styles.size > 0 : !isStart && styles.has(code)
      if (isStart || !closes) continue
    }
    if (isStart && !checkpoint && isEmitting) {
      checkpoint = { length: output.length, styles: new Map(styles) }
    }
    if (code === 0) styles.clear()
    else if (!isStart) styles.delete(code)
    else {
      const close = CLOSE_OF.get(code) ?? 0
      styles.delete(close)
      styles.set(close, code)
    }
    if (isEmitting) output.push(sgr(code))
  }
  if (!isEmitting) return ''
  output.push(...[...styles.keys()].reverse().map(sgr))
  return output.join('')
}

/** An SGR code as ansi-tokenize keeps it: its number and the number that ends it. */
interface Code {
  readonly code: number
  readonly endCode: number
}

const isIntensity = (code: Code) => code.code === 1 || code.code === 2

/** ansi-tokenize's reduceAnsiCodesIncremental, a code at a time. */
function reduce(codes: readonly Code[], next: Code): Code[] {
  if (next.code === 0) return []
  if (CLOSES.has(next.code)) return codes.filter((code) => code.endCode !== next.code)
  if (isIntensity(next)) {
    return codes.some((code) => code.code === next.code) ? [...codes] : [...codes, next]
  }
  return [...codes.filter((code) => code.endCode !== next.endCode), next]
}

/** ansi-tokenize's diffAnsiCodes: the codes that take a cell in `from`'s styles to `to`'s. */
function diff(from: readonly Code[], to: readonly Code[]): Code[] {
  const endsInTo = new Set(to.map((code) => code.endCode))
  const startsInTo = new Set(to.map((code) => code.code))
  const startsInFrom = new Set(from.map((code) => code.code))
  const undone = from.filter((code) =>
    isIntensity(code) ? !startsInTo.has(code.code) : !endsInTo.has(code.endCode),
  )
  const undoesIntensity = undone.some(isIntensity)
  return [
    ...undone
      .reduce<Code[]>(reduce, [])
      .reverse()
      .map((code) => ({ code: code.endCode, endCode: code.endCode })),
    ...to.filter((code) => !startsInFrom.has(code.code) || (undoesIntensity && isIntensity(code))),
  ]
}

const codesText = (codes: readonly Code[]) => [...new Set(codes.map((c) => sgr(c.code)))].join('')
const isSame = (a: readonly Code[], b: readonly Code[]) =>
  a.length === b.length && a.every((code, i) => code.code === b[i]?.code)

/**
 * A line as Ink's output writes it (ink/build/output.js, through ansi-tokenize): its cells'
 * styles coded afresh, a change of style at a time, every style closed at its end, and the
 * blanks at its end dropped. Null for a string it cannot read (see partsOf).
 */
export function inkLine(line: string): string | null {
  const parts = partsOf(line)
  if (parts === null) return null
  let codes: Code[] = []
  let previous: Code[] | undefined
  let out = ''
  for (const part of parts) {
    if ('code' in part) {
      codes = reduce(codes, { code: part.code, endCode: CLOSE_OF.get(part.code) ?? part.code })
      continue
    }
    if (previous === undefined) out += codesText(codes)
    else if (!isSame(previous, codes)) out += codesText(diff(previous, codes))
    out += part.character
    previous = codes
  }
  if (previous !== undefined) out += codesText(diff(previous, []))
  return out.trimEnd()
}
