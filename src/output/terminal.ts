/**
 * Everything deploy-wizard prints goes out through here (the headless commands
 * through a `Terminal`, the wizard through ui/text.tsx), made inert on the way:
 * text from outside — a checklist, a run file, a server, a process, the
 * environment, the command line — can carry escape sequences that move the
 * cursor, erase lines, set the clipboard (OSC 52) or reorder what is read
 * (bidi overrides). None of them reaches the terminal: each is shown as an
 * escape (`\x1b`, `\x9b`, `\u202e`) instead. Newlines and tabs stay, as layout.
 *
 * Colour only on a terminal and never with NO_COLOR set (https://no-color.org),
 * forced with FORCE_COLOR; the colours are the only escape codes written.
 */
import { randomBytes } from 'node:crypto'
import { inspect, stripVTControlCharacters } from 'node:util'

/** The styles the commands paint with. */
export type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan' | 'magenta' | 'gray'

export interface Painter {
  readonly isColor: boolean
  /**
   * `text` in `style`. The colour codes are marked as this process's own, so that only a
   * `Terminal`'s `write` turns them into colour: the string is for writing, not for measuring.
   */
  paint(style: Style, text: string): string
}

/** A stream the headless commands write to, with everything in it made inert but their colours. */
export interface Terminal extends Painter {
  /** Writes `text`, every control character and escape sequence in it shown as an escape. */
  write(text: string): void
  /** Writes `value` as indented JSON: the exact data, with no character a terminal acts on. */
  writeJson(value: unknown): void
  /** What `write` would write: for a prompt that readline writes. */
  shown(text: string): string
  /**
   * On a terminal, erases the line the cursor is on and goes back to its start (what the
   * terminal echoed there, such as keys typed before the wizard read them); else nothing.
   */
  clearLine(): void
}

/**
 * What a terminal acts on or what reorders what is read: C0 controls but tab and
 * newline, DEL, C1 controls (U+009B is CSI to some terminals), the bidi marks,
 * embeddings, overrides and isolates ("Trojan Source"), and the line and
 * paragraph separators. An escape sequence (CSI, OSC, DCS, APC…) starts with
 * ESC or a C1 control, so escaping those leaves the rest of it plain text.
 */
const ACTIVE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g

/**
 * Characters that show as nothing, or as a plain space, but are not one to a
 * shell: the default-ignorable ones (zero-width, format and tag characters,
 * variation selectors, the Hangul fillers), other format characters, spaces
 * other than U+0020, and the blank Braille pattern.
 */
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}\p{Zs}\p{Zl}\p{Zp}\u2800]/gu

/** One character as an escape a reader can look up: `\x1b`, `\u202e`, `\u{e0041}`. */
function escapeChar(char: string): string {
  const code = char.codePointAt(0) ?? 0
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`
  if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, '0')}`
  return `\\u{${code.toString(16)}}`
}

/**
 * Text from outside, made safe to show: control characters and the bidi
 * controls written as escapes (`\x1b`, `\x07`, `\u202e`), so that nothing in it
 * can move the cursor, erase what was shown, talk to the terminal or reorder
 * what the operator reads. Newlines and tabs stay, and a CRLF is a newline.
 * Applying it twice changes nothing more.
 */
export function escapeControls(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(ACTIVE, escapeChar)
}

/**
 * A shell command as the operator reviews it before trusting it: every
 * character that is not what it looks like is shown as an escape — controls and
 * bidi controls as in `escapeControls`, a carriage return even before a newline
 * (the shell keeps it), and what draws as nothing or as a plain space. What is
 * read is what runs.
 */
export function escapeCommand(command: string): string {
  return command
    .replace(/\r/g, '\\x0d')
    .replace(ACTIVE, escapeChar)
    .replace(INVISIBLE, (char) => (char === ' ' ? char : escapeChar(char)))
}

/** Text from outside, made safe to show: escape sequences dropped, other controls escaped. */
export function inert(text: string): string {
  return escapeControls(stripVTControlCharacters(text))
}

/** `inert` over every string of a value (a check's summary, details and evidence). */
export function inertDeep<T>(value: T): T {
  if (typeof value === 'string') return inert(value) as T
  if (Array.isArray(value)) return value.map(inertDeep) as T
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [inert(k), inertDeep(v)])) as T
  }
  return value
}

/**
 * `value` as indented JSON, ending in a newline: exactly the data, with the
 * characters a terminal acts on that JSON.stringify leaves as they are (DEL, C1,
 * the bidi controls, the line separators) written as `\u` escapes, so that the
 * JSON is as safe to print as it is to parse.
 */
export function jsonText(value: unknown): string {
  const json = JSON.stringify(value, null, 2) ?? 'null'
  return `${json.replace(ACTIVE, (char) => `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`)}\n`
}

/**
 * Our own colour codes travel marked with a token this process chose at random,
 * so that `write` can tell them from codes the text carries from outside: a
 * checklist's author can read our source, not this process's memory.
 */
const MARK = `\u0000dw${randomBytes(8).toString('hex')}`
const MARKED_CODE = /^(\d+)m/

export function terminalFor(
  stream: Pick<NodeJS.WritableStream, 'write'> & { readonly isTTY?: boolean },
  env: NodeJS.ProcessEnv = process.env,
): Terminal {
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0'
  const isColor =
    env.NO_COLOR === undefined || env.NO_COLOR === '' ? forced || stream.isTTY === true : false
  const shown = (text: string): string => {
    const [head = '', ...marked] = text.split(MARK)
    let out = escapeControls(head)
    for (const part of marked) {
      const code = MARKED_CODE.exec(part)
      if (code && isColor) out += `\u001b[${code[1]}m`
      out += escapeControls(code ? part.slice(code[0].length) : part)
    }
    return out
  }
  const write = (text: string) => {
    stream.write(shown(text))
  }
  return {
    isColor,
    paint: (style, text) => (isColor ? paintMarked(style, text) : text),
    write,
    writeJson: (value) => write(jsonText(value)),
    shown,
    clearLine: () => {
      if (stream.isTTY) stream.write(CLEAR_LINE)
    },
  }
}

/** Back to the start of the line, and the line erased. */
const CLEAR_LINE = '\r\u001B[K'

/** Our own colour codes in a string: they take no room on the screen. */
const MARKED_CODES = new RegExp(`${MARK}\\d+m`, 'g')

/** Where a wrapped line goes on: under the text after `FAIL  `, or deeper when the line is. */
const HANGING_INDENT = 6

/**
 * `text` (painted or not) with each line longer than `columns` broken at spaces, its
 * further lines indented under it (as deep as it is, and at least `hanging`: under a result's
 * text after `FAIL  ` unless told), so that a terminal never breaks a word
 * (`(--s` / `kip-commands)`). A word longer than a line is left for the terminal.
 */
export function wrapToWidth(text: string, columns: number, hanging = HANGING_INDENT): string {
  const width = (part: string) => [...part.replace(MARKED_CODES, '')].length
  return text
    .split('\n')
    .map((line) => {
      if (width(line) <= columns) return line
      const leading = /^ */.exec(line.replace(MARKED_CODES, ''))?.[0].length ?? 0
      const indent = ' '.repeat(Math.min(Math.max(leading, hanging), columns >> 1))
      const out: string[] = []
      let current: string | null = null
      let used = 0
      let words = 0
      for (const word of line.split(' ')) {
        const size = width(word)
        if (current !== null && words > 0 && size > 0 && used + 1 + size > columns) {
          out.push(current)
          current = indent + word
          used = indent.length + size
          words = 1
        } else {
          used += (current === null ? 0 : 1) + size
          current = current === null ? word : `${current} ${word}`
          if (size > 0) words++
        }
      }
      out.push(current ?? '')
      return out.join('\n')
    })
    .join('\n')
}

/** `text` between the marked codes that open and close `style`; an inner close re-opens it. */
function paintMarked(style: Style, text: string): string {
  const [open, close] = inspect.colors[style] ?? [0, 0]
  const closing = `${MARK}${close}m`
  return `${MARK}${open}m${text.replaceAll(closing, `${closing}${MARK}${open}m`)}${closing}`
}
