/**
 * Lines from a scroll position, in a fixed number of rows, each cut to the
 * width: as on the phase screen, the first and last row give way to "↑ n more"
 * and "↓ n more" when there is more that way (scroll-rows.ts).
 */
import { Box } from 'ink'
import { type ScrollLine, scrollRows } from './scroll-rows.ts'
import { SpanText } from './span-text.tsx'
import { Text } from './text.tsx'

export type { ScrollLine } from './scroll-rows.ts'

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
  return (
    <Box flexDirection="column" flexShrink={0}>
      {scrollRows(lines, top, height).map((row) => {
        if (row.kind !== 'line') {
          return (
            <Text key={row.kind} dimColor>
              {row.text}
            </Text>
          )
        }
        const { line, at } = row
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
