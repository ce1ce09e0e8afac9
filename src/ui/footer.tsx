/**
 * The foot of the wizard: a line for a notice (what just happened, or why it
 * did not) and the keys of the screen, as footer-keys.ts lays them out.
 */
import { Box } from 'ink'
import { footerHeight, footerLines, type KeySet } from './footer-keys.ts'
import { LineText } from './span-text.tsx'
import type { Notice } from './use-wizard-state.ts'

export function Footer({
  screen,
  notice,
  width,
  hasChecks = true,
  hasPages = false,
  hasScoped = true,
  readOnly = false,
}: {
  readonly screen: KeySet
  readonly notice: Notice | null
  readonly width: number
  readonly hasChecks?: boolean
  readonly hasPages?: boolean
  readonly hasScoped?: boolean
  /** A view that changes nothing (watch): only the keys that look are listed. */
  readonly readOnly?: boolean
}) {
  return (
    <Box
      flexDirection="column"
      justifyContent="flex-end"
      height={footerHeight(width, hasPages, readOnly)}
      overflow="hidden"
    >
      {footerLines(screen, notice, width, hasChecks, hasPages, hasScoped, readOnly).map(
        (line, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the footer's lines, in order
          <LineText key={index} line={line} />
        ),
      )}
    </Box>
  )
}
