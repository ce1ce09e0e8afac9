/**
 * Plain-text output for the headless commands: colour only on a terminal and
 * never with NO_COLOR set (https://no-color.org), forced with FORCE_COLOR.
 */
import { stripVTControlCharacters, styleText } from 'node:util'

type Style = Parameters<typeof styleText>[0]

export interface Painter {
  readonly isColor: boolean
  paint(style: Style, text: string): string
}

export function painterFor(
  stream: { readonly isTTY?: boolean },
  env: NodeJS.ProcessEnv = process.env,
): Painter {
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0'
  const isColor =
    env.NO_COLOR === undefined || env.NO_COLOR === '' ? forced || stream.isTTY === true : false
  return {
    isColor,
    paint: (style, text) => (isColor ? styleText(style, text, { validateStream: false }) : text),
  }
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g

/**
 * Control characters written as escapes (`\x1b`, `\x07`), so that text from
 * outside — a checklist's command, a server's answer — cannot move the cursor,
 * clear the screen or hide what follows. Newlines and tabs stay.
 */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
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
