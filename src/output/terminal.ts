/**
 * Plain-text output for the headless commands: colour only on a terminal and
 * never with NO_COLOR set (https://no-color.org), forced with FORCE_COLOR.
 */
import { styleText } from 'node:util'

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
