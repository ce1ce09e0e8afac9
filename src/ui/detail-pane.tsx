/**
 * The selected item's detail lines (detail-lines.ts) in the rows the pane is given: collapsed,
 * the first of them and how many more; expanded, scrolled.
 */
import { Box } from 'ink'
import { type DetailLine, type DetailRoom, paneRowLine, paneRows } from './detail-lines.ts'
import { LineText } from './span-text.tsx'

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
      {paneRows(lines, height, scroll).map((row, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity beyond their place
        <LineText key={index} line={paneRowLine(row)} />
      ))}
    </Box>
  )
}
