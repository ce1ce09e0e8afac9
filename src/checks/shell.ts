/**
 * POSIX shell quoting for values substituted into a `command` check: whatever a
 * variable or a stack output holds, it reaches the command as one literal word.
 */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value
  return `'${value.replaceAll("'", `'\\''`)}'`
}
