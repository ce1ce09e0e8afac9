/**
 * The one way the wizard draws text: Ink's `Text`, with every string in it made
 * inert first (see output/terminal.ts), so that a checklist's title, a phase
 * name, an operator's name or a run file's note cannot move the cursor, erase
 * a line, set the clipboard or reorder what the operator reads. Nested `Text`s
 * are this one too: Biome refuses Ink's own `Text` anywhere else.
 */
// biome-ignore lint/style/noRestrictedImports: the one place Ink's Text is wrapped
import { Text as InkText } from 'ink'
import { Children, type ComponentProps } from 'react'
import { escapeControls } from '../output/terminal.ts'
// What Ink measures, cuts and wraps text with measures the screens' lines too (text-kit.ts).
import './text-packages.ts'

export function Text({ children, ...props }: ComponentProps<typeof InkText>) {
  return (
    <InkText {...props}>
      {Children.map(children, (child) =>
        typeof child === 'string' ? escapeControls(child) : child,
      )}
    </InkText>
  )
}
