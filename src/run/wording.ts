/**
 * When an item's text counts as changed for the operator. An id is a slug (checklist/ids.ts), so
 * a change of letter case, punctuation or emoji keeps it, and an `id:` directive keeps it through
 * any rewording at all: the answer stays on the item, and the operator must still be shown the
 * new words (the sheet says they were answered under the old ones). Only a change of white space
 * (a line wrapped differently, a double space) or of how the same characters are encoded
 * (Unicode normalization) is no change: the item reads the same.
 */

/** Whether two texts of an item read the same: equal but for white space and Unicode normalization. */
export function isSameWording(a: string, b: string): boolean {
  return wording(a) === wording(b)
}

function wording(text: string): string {
  return text.normalize('NFC').replace(/\s+/g, ' ').trim()
}
