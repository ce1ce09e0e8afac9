/**
 * A command line split into words as a shell quotes them, with nothing expanded,
 * and a `${…}` value always one word that is never an option.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { type Lookup, parseTemplate } from '../../src/checklist/variables.ts'
import {
  joinWords,
  resolveWordTemplate,
  splitLine,
  splitWords,
  type Word,
} from '../../src/checks/words.ts'

function texts(line: string): string[] {
  const split = splitLine(line)
  assert.ok('words' in split, 'problem' in split ? split.problem.message : '')
  return split.words.map((word) => word.text)
}

function problemOf(line: string): string {
  const split = splitLine(line)
  assert.ok('problem' in split, `split into ${JSON.stringify(split)}`)
  return split.problem.message
}

describe('splitting a command line into words', () => {
  it('quotes as a shell does: single, double, backslashes, line continuations', () => {
    assert.deepEqual(texts(`aws  lambda\tget-function --query 'Environment.Variables'`), [
      'aws',
      'lambda',
      'get-function',
      '--query',
      'Environment.Variables',
    ])
    assert.deepEqual(texts(`--query "UserPools[?Name=='a b'].Id"`), [
      '--query',
      "UserPools[?Name=='a b'].Id",
    ])
    assert.deepEqual(texts(`--query 'Items[?Name==\`api\`].ApiId'`), [
      '--query',
      'Items[?Name==`api`].ApiId',
    ])
    assert.deepEqual(texts(`a\\ b "c\\"d" 'e\\f' ''`), ['a b', 'c"d', 'e\\f', ''])
    assert.deepEqual(texts('aws ec2 describe-security-groups \\\n  --group-ids sg-1'), [
      'aws',
      'ec2',
      'describe-security-groups',
      '--group-ids',
      'sg-1',
    ])
  })

  it('refuses what a shell would expand or run, rather than passing it on as text', () => {
    assert.match(problemOf('aws sns list-topics | grep alarms'), /a pipe/)
    assert.match(problemOf('aws sns list-topics > out.json'), /'>' is shell syntax/)
    assert.match(problemOf('aws sns list-topics; rm -rf /'), /';' is shell syntax/)
    assert.match(problemOf('--api-id $API_ID'), /^\$API_ID would be expanded/)
    assert.match(problemOf('--api-id "$(aws apigatewayv2 get-apis)"'), /^\$\(…\) would be expanded/)
    assert.match(problemOf('--query "Items[?Name==`api`]"'), /^`…` would be expanded/)
    assert.match(problemOf(`--query 'Items[0]`), /a ' is not closed/)
  })

  it('keeps $ where a shell keeps it: in single quotes, and before what is no name', () => {
    assert.deepEqual(texts(`'$connect' a$ "b$%"`), ['$connect', 'a$', 'b$%'])
  })
})

describe('values from ${…} references', () => {
  const values: Record<string, string> = {
    spaced: 'High latency alarm',
    option: '--region=eu-west-1',
    quotes: `it's "quoted" \\ $(not run)`,
    empty: '',
  }
  const lookup: Lookup = (ref) => (ref.type === 'var' ? values[ref.name] : undefined)

  it('stays one word, wherever the reference is written, and is never an option', () => {
    for (const template of [
      '--alarm-names ${spaced}',
      "--alarm-names '${spaced}'",
      '--alarm-names "${spaced}"',
    ]) {
      const split = splitWords(parseTemplate(template), lookup)
      assert.ok('words' in split)
      assert.deepEqual(
        split.words.map((w) => [w.text, w.bare]),
        [
          ['--alarm-names', true],
          ['High latency alarm', false],
        ],
        template,
      )
    }
    const resolved = resolveWordTemplate(
      parseTemplate('--names ${option} ${quotes} x${empty}'),
      lookup,
    )
    const split = splitLine(resolved.value)
    assert.ok('words' in split)
    assert.deepEqual(
      split.words.map((w) => [w.text, w.bare]),
      [
        ['--names', true],
        ['--region=eu-west-1', false],
        [values.quotes, false],
        ['x', false],
      ],
    )
  })

  it('says which references have no value', () => {
    const resolved = resolveWordTemplate(parseTemplate('--name ${nope}'), lookup)
    assert.deepEqual(
      resolved.missing.map((part) => part.source),
      ['${nope}'],
    )
  })

  it('joins any words into a line that splits back into exactly them', () => {
    const word = fc.record({
      text: fc.string({
        unit: fc.constantFrom('a', '-', ' ', "'", '"', '\\', '$', '`', '|', '\n', '(', '=', 'é'),
      }),
      bare: fc.boolean(),
    })
    fc.assert(
      fc.property(fc.array(word, { maxLength: 6 }), (written) => {
        // A bare word is one the splitter read without quotes: make such words by splitting.
        const words: Word[] = written.flatMap((w) => {
          if (!w.bare) return [{ text: w.text, bare: false, dynamic: false }]
          const split = splitLine(w.text)
          return 'words' in split ? split.words.filter((x) => x.bare) : []
        })
        const again = splitLine(joinWords(words))
        assert.ok('words' in again)
        assert.deepEqual(
          again.words.map((w) => [w.text, w.bare]),
          words.map((w) => [w.text, w.bare]),
        )
      }),
    )
  })
})
