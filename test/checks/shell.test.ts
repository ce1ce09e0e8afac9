import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { parseTemplate } from '../../src/checklist/variables.ts'
import { resolveShellTemplate, shellQuote } from '../../src/checks/shell.ts'

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

/** What `sh` prints for `template` with `${env:V}` set to `value`, via printf. */
function printed(template: string, value: string): string {
  const { value: command, env } = resolveShellTemplate(parseTemplate(template), () => value)
  return execFileSync('sh', ['-c', command], { encoding: 'utf8', env: { ...process.env, ...env } })
}

describe('substituting into shell text', () => {
  const hostile = [
    "'; touch pwned; '",
    '$(touch pwned)',
    '`id`',
    '"$HOME"',
    "it's",
    'a\\b',
    '\\',
    '"',
    "'",
  ]

  it('keeps a value literal unquoted, in double quotes and in single quotes', () => {
    for (const value of hostile) {
      assert.equal(
        printed("printf '%s' ${env:V}", value),
        value,
        `unquoted ${JSON.stringify(value)}`,
      )
      assert.equal(
        printed('printf \'%s\' "hello ${env:V}!"', value),
        `hello ${value}!`,
        `double ${JSON.stringify(value)}`,
      )
      assert.equal(
        printed("printf '%s' 'hello ${env:V}!'", value),
        `hello ${value}!`,
        `single ${JSON.stringify(value)}`,
      )
    }
  })

  it('follows the quoting across the literal text, escapes included', () => {
    assert.equal(printed('printf \'%s\' "a \\" ${env:V}"', '$(id)'), 'a " $(id)')
    // printf prints both words, the escaped quote and the value, back to back.
    assert.equal(printed("printf '%s' \\' ${env:V}", '$(id)'), "'$(id)")
  })

  it('never runs a value as code: in $(…), in backticks, in a here-document', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-shell-'))
    const marker = join(dir, 'pwned')
    const attack = `x; touch ${marker}; echo y`
    try {
      assert.equal(printed('echo "$(echo ${env:V})"', attack), `${attack}\n`)
      assert.equal(printed('echo "`echo ${env:V}`"', attack), `${attack}\n`)
      assert.equal(
        printed('cat <<EOF\nbefore ${env:V} after\nEOF', `$(touch ${marker})`),
        `before $(touch ${marker}) after\n`,
      )
      assert.equal(printed('echo $(echo ${env:V})', attack), `${attack}\n`)
      // A quote in a here-document's body is text; after its closing line, quoting resumes.
      assert.equal(
        printed("cat <<-SQL\n\tit's ${env:V}\n\tSQL\nprintf '%s' ' and ${env:V}'", "o'k"),
        "it's o'k\n and o'k",
      )
      assert.equal(existsSync(marker), false, 'a value ran as code')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('writes no value into the shell text: each is in a variable of its own', () => {
    const { value, env } = resolveShellTemplate(
      parseTemplate('curl -H "Authorization: Bearer ${env:T}" ${env:U} \'x ${env:T}\''),
      (ref) => (ref.type === 'process-env' ? `value-of-${ref.name}` : undefined),
    )
    assert.doesNotMatch(value, /value-of/)
    assert.deepEqual(Object.values(env), ['value-of-T', 'value-of-U', 'value-of-T'])
  })

  it('round-trips any value in any quoting', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }).filter((s) => !s.includes('\0')),
        fc.constantFrom('X${env:V}X', '"X${env:V}X"', "'X${env:V}X'"),
        (value, word) => {
          assert.equal(printed(`printf '%s' ${word}`, value), `X${value}X`)
        },
      ),
      { numRuns: 150 },
    )
  })
})
