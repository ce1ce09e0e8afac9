/**
 * A line of styled spans drawn through the inert Text: a line of rendered markdown
 * (markdown-lines.ts), each span in its style — bold, italic, underlined for a link, cyan for
 * code — cut at the edge of the screen; or any line described as data (text-line.ts), as the
 * first paint writes it too.
 */
import type { Span, SpanLine } from './markdown-lines.ts'
import { Text } from './text.tsx'
import type { TextLine } from './text-line.ts'

/** A style as Ink's Text props. */
function props(style: Omit<Span, 'text'>) {
  return {
    bold: style.isBold ?? false,
    italic: style.isItalic ?? false,
    underline: style.isUnderline ?? false,
    strikethrough: style.isStrikethrough ?? false,
    dimColor: style.isDim ?? false,
    inverse: style.isInverse ?? false,
    ...(style.color ? { color: style.color } : {}),
  }
}

export function SpanText({ line }: { readonly line: SpanLine }) {
  return (
    <Text wrap="truncate-end">
      {line.length === 0
        ? ' '
        : line.map((span, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: spans have no identity beyond their place
            <Text key={index} {...props(span)}>
              {span.text}
            </Text>
          ))}
    </Text>
  )
}

/** A line described as data (text-line.ts): its spans, cut or not, in the line's own style. */
export function LineText({ line }: { readonly line: TextLine }) {
  return (
    <Text wrap={line.isCut ? 'truncate-end' : 'wrap'} {...props(line.style ?? {})}>
      {line.spans.map((span, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: spans have no identity beyond their place
        <Text key={index} {...props(span)}>
          {span.text}
        </Text>
      ))}
    </Text>
  )
}
