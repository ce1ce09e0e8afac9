/**
 * Ink's text packages given to text-kit.ts, for text it does not work out itself: imported by
 * Ink's Text (text.tsx), so that whatever Ink draws is measured, cut and wrapped by what Ink
 * draws with; the first paint, drawn before these load, never imports this module.
 */
import cliTruncate from 'cli-truncate'
import stringWidth from 'string-width'
import wrapAnsi from 'wrap-ansi'
import { provideTextPackages } from './text-kit.ts'

provideTextPackages({ width: stringWidth, truncate: cliTruncate, wrap: wrapAnsi })
