/**
 * Quoting a value for a command line the operator is shown (a command to copy,
 * a resume hint). Apart from shell.ts, whose scanner of where values land in a
 * check's shell text is large: what prints a hint need not load it.
 */

/** POSIX quoting of one value as one word, for an unquoted place. */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value
  return `'${value.replaceAll("'", `'\\''`)}'`
}
