import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { shellQuote } from '../../src/checks/shell.ts'

/** What `sh` passes to a program for `word`, read back through printf. */
function throughShell(word: string): string {
  return execFileSync('sh', ['-c', `printf '%s' ${word}`], { encoding: 'utf8' })
}

describe('shellQuote', () => {
  it('turns hostile values into one literal word', () => {
    for (const value of [
      "'; touch pwned; '",
      '$(touch pwned)',
      '`id`',
      'a b\tc\nd',
      '"$HOME"',
      "it's",
      '',
      '-n',
      '*',
      '\\',
    ]) {
      assert.equal(throughShell(shellQuote(value)), value, JSON.stringify(value))
    }
  })

  it('leaves plain words readable', () => {
    assert.equal(shellQuote('Sessions-prod'), 'Sessions-prod')
    assert.equal(shellQuote('us-east-1'), 'us-east-1')
    assert.equal(shellQuote('a b'), "'a b'")
  })

  it('round-trips any string without NUL through sh', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }).filter((s) => !s.includes('\0')),
        (value) => {
          assert.equal(throughShell(shellQuote(value)), value)
        },
      ),
      { numRuns: 150 },
    )
  })
})
