/**
 * The selected item's detail lines (detail-lines.ts) in the rows the pane is given: collapsed,
 * the first of them and how many more; expanded, scrolled.
 */
import { Box } from 'ink'
import { type DetailLine, type DetailRoom, paneRows } from './detail-lines.ts'
import { SpanText } from './span-text.tsx'
import { Text } from './text.tsx'

/**
 * The detail lines in `height` rows, as paneRows lays them out: collapsed, the first of them and
 * how many more (enter expands); expanded (`scroll`), from `offset` on, with what is above and
 * below and the keys that get there. `scroll.room` is told how far it can go.
 */
export function DetailPane({
  lines,
  height,
  scroll,
}: {
  readonly lines: readonly DetailLine[]
  readonly height: number
  readonly scroll?: { readonly offset: number; readonly room?: DetailRoom | undefined }
}) {
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      {paneRows(lines, height, scroll).map((row, index) =>
        row.kind === 'marker' ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity beyond their place
          <Text key={index} dimColor>
            {row.text}
          </Text>
        ) : row.line.spans && row.line.spans.length > 0 ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity beyond their place
          <SpanText key={index} line={row.line.spans} />
        ) : (
          <Text
            // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity beyond their place
            key={index}
            wrap="truncate-end"
            {...(row.line.color ? { color: row.line.color } : {})}
            bold={row.line.isBold ?? false}
            dimColor={row.line.isDim ?? false}
          >
            {row.line.text || ' '}
          </Text>
        ),
      )}
    </Box>
  )
}
