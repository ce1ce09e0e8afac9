/**
 * An item's blanks (`  - Link al PR: ____` under `- [ ] PR approved`), filled in when it is
 * done, are kept in its note as `Link al PR: https://…; Tag creado: v1.4.0`: the sheet prints
 * the note on the item's line, and a run needs no other entry for them. A part of the note
 * that is no blank's (a note the operator wrote) is kept as it is.
 */

const PART = '; '

/** What the note already gives the blank `label`, or '' (the prompt starts from it). */
export function blankValue(note: string | null | undefined, label: string): string {
  const part = parts(note).find((p) => isFor(p, label))
  return part ? part.slice(label.length + 1).trim() : ''
}

/** The note with `label: value` in it: in place of the blank's part, else after the rest; none for ''. */
export function withBlank(note: string | null | undefined, label: string, value: string): string {
  const all = parts(note)
  const at = all.findIndex((p) => isFor(p, label))
  const part = value.trim() ? `${label}: ${value.trim()}` : null
  if (at >= 0) all.splice(at, 1, ...(part ? [part] : []))
  else if (part) all.push(part)
  return all.join(PART)
}

function parts(note: string | null | undefined): string[] {
  return (note ?? '').split(PART).filter((p) => p.trim() !== '')
}

function isFor(part: string, label: string): boolean {
  return part.startsWith(`${label}:`)
}
