/**
 * A line of rendered markdown (markdown-lines.ts): each span in its style — bold, italic,
 * underlined for a link, cyan for code — drawn through the inert Text, the line cut at the
 * edge of the screen.
 */
import type { SpanLine } from './markdown-lines.ts'
import { Text } from './text.tsx'

export function SpanText({ line }: { readonly line: SpanLine }) {
  return (
    <Text wrap="truncate-end">
      {line.length === 0
        ? ' '
        : line.map((span, index) => (
            <Text
              // biome-ignore lint/suspicious/noArrayIndexKey: spans have no identity beyond their place
              key={index}
              bold={span.isBold ?? false}
              italic={span.isItalic ?? false}
              underline={span.isUnderline ?? false}
              strikethrough={span.isStrikethrough ?? false}
              dimColor={span.isDim ?? false}
              {...(span.color ? { color: span.color } : {})}
            >
              {span.text}
            </Text>
          ))}
    </Text>
  )
}
