/**
 * The foot of the wizard: a line for a notice (what just happened, or why it
 * did not) and the keys of the screen, as footer-keys.ts lays them out.
 */
import { Box } from 'ink'
import { footerHeight, type KeySet, keyLines } from './footer-keys.ts'
import { Text } from './text.tsx'
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
      {notice ? (
        <Text color={notice.tone === 'warn' ? 'red' : 'cyan'} wrap="truncate-end">
          {notice.text}
        </Text>
      ) : (
        <Text> </Text>
      )}
      {keyLines(screen, width, hasChecks, hasPages, hasScoped, readOnly).map((line) => (
        <Text key={line} dimColor wrap="truncate-end">
          {line}
        </Text>
      ))}
    </Box>
  )
}
