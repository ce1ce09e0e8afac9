/**
 * GitHub's emoji shortcodes (`:white_check_mark:`, `:tada:`) as the emoji they stand for,
 * from GitHub's own list (gemoji). A word between colons that is no shortcode stays as it is
 * (`10:30:00`, `key:value:`).
 *
 * Only what is shown is converted: ids are made from the text as written, so a run keeps
 * its answers (see ids.ts).
 */
import { nameToEmoji } from 'gemoji'

/** The shortcode syntax remark-gemoji reads: `:+1:`, `:white_check_mark:`, `:t-rex:`. */
const SHORTCODE = /:(\+1|[-\w]+):/g

export function emojify(text: string): string {
  if (!text.includes(':')) return text
  return text.replace(SHORTCODE, (whole, name: string) =>
    Object.hasOwn(nameToEmoji, name) ? (nameToEmoji[name] ?? whole) : whole,
  )
}
