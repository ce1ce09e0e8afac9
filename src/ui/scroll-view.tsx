/**
 * Lines from a scroll position, in a fixed number of rows, each cut to the
 * width: as on the phase screen, the first and last row give way to "↑ n more"
 * and "↓ n more" when there is more that way.
 */
import { Box } from 'ink'
import type { SpanLine } from './markdown-lines.ts'
import { SpanText } from './span-text.tsx'
import { Text } from './text.tsx'
import type { Color } from './theme.ts'

export interface ScrollLine {
  readonly text: string
  readonly color?: Color
  /** Rendered markdown, drawn in place of `text`. */
  readonly spans?: SpanLine
}

export function ScrollView({
  lines,
  top,
  height,
}: {
  readonly lines: readonly ScrollLine[]
  /** The first line shown (see use-scroll.ts). */
  readonly top: number
  readonly height: number
}) {
  const shown = lines.slice(top, top + height)
  const below = lines.length - top - shown.length
  // Under three rows the markers would leave no line to read: scrolling shows each in turn.
  const hasMarkers = height >= 3
  return (
    <Box flexDirection="column" flexShrink={0}>
      {shown.map((line, index) => {
        const at = top + index
        if (hasMarkers && index === shown.length - 1 && below > 0) {
          return <Text key="below" dimColor>{`  ↓ ${below + 1} more`}</Text>
        }
        if (hasMarkers && index === 0 && top > 0) {
          return <Text key="above" dimColor>{`  ↑ ${top + 1} more`}</Text>
        }
        if (line.spans) return <SpanText key={at} line={line.spans} />
        return (
          <Text key={at} wrap="truncate-end" {...(line.color ? { color: line.color } : {})}>
            {line.text}
          </Text>
        )
      })}
    </Box>
  )
}
