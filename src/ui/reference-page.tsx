/**
 * A reference page read in full: a section of the checklist with prose and no items (a
 * rollback procedure, troubleshooting, contacts), its markdown rendered, in a pane that
 * scrolls (↑ ↓, PgUp PgDn, Home End). Esc goes back to the list of pages.
 */
import { Box, useInput } from 'ink'
import type { Section } from '../checklist/model.ts'
import { keysOf } from './keys.ts'
import { sectionLines } from './markdown-lines.ts'
import { ScrollView } from './scroll-view.tsx'
import { Text } from './text.tsx'
import { useScroll } from './use-scroll.ts'

/** Lines the pane takes besides the page: its border above and below, the title and the keys. */
const CHROME = 4
/** Columns it takes besides the page: the border and a space of padding, each side. */
const SIDES = 4

export function ReferencePage({
  section,
  width,
  height,
  onBack,
}: {
  readonly section: Section
  readonly width: number
  readonly height: number
  readonly onBack: () => void
}) {
  const lines = sectionLines(section, Math.max(8, width - SIDES), false)
  const room = Math.max(1, height - CHROME)
  const top = useScroll(lines.length, room)
  useInput((input, key) => {
    for (const next of keysOf(input, key)) if (next.key.escape) return onBack()
  })
  const isScrolled = lines.length > room
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="cyan" paddingX={1}>
      <Text bold wrap="truncate-end">
        {`${section.title}  `}
        <Text dimColor>{`reference page · line ${section.line}`}</Text>
      </Text>
      <ScrollView lines={lines.map((spans) => ({ text: '', spans }))} top={top} height={room} />
      <Text dimColor wrap="truncate-end">
        {isScrolled
          ? '↑↓ PgUp PgDn Home End: scroll · esc: back to the list'
          : 'esc: back to the list'}
      </Text>
    </Box>
  )
}
