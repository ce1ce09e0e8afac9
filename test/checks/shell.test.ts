import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import fc from 'fast-check'
import { parseChecklist } from '../../src/checklist/parse.ts'
import { parseTemplate } from '../../src/checklist/variables.ts'
import { runProcess } from '../../src/checks/process.ts'
import { resolveShellTemplate, type ShellProblem } from '../../src/checks/shell.ts'
import { shellQuote } from '../../src/checks/shell-quote.ts'
import { scanShell } from '../../src/checks/shell-scan.ts'
import { type Shell, shellMatrix } from '../helpers/shells.ts'

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

// The shells `sh` may be, each as a folder whose `sh` it is; a work folder for the commands,
// where a value that ran as code would leave its marker file.
let matrix: ReturnType<typeof shellMatrix>
let work: string
let marker: string
before(() => {
  matrix = shellMatrix()
  work = mkdtempSync(join(tmpdir(), 'dw-shell-'))
  marker = join(work, 'pwned')
})
after(() => {
  matrix?.remove()
  if (work) rmSync(work, { recursive: true, force: true })
})

type Ran = { output: string; status: number | null; stderr: string } | { problem: ShellProblem }

/** Runs `template` under `shell` with every reference's value `value`; or the problem that stopped it. */
function run(shell: Shell, template: string, value: string): Ran {
  const resolved = resolveShellTemplate(parseTemplate(template), () => value)
  assert.deepEqual(resolved.missing, [])
  if (resolved.problem) return { problem: resolved.problem }
  const result = spawnSync(shell.program, ['-c', resolved.value], {
    cwd: work,
    env: { PATH: shell.path, HOME: work, ...resolved.env },
    encoding: 'utf8',
    timeout: 10_000,
  })
  return { output: result.stdout, status: result.status, stderr: result.stderr }
}

/** Values written to break out of wherever they land; MARK is the marker file's path. */
const HOSTILE = [
  '$(touch MARK)',
  '`touch MARK`',
  'a[$(touch MARK)]',
  'x[$(touch MARK)]+1',
  'PATH[$(touch MARK)]',
  "'; touch MARK; '",
  '"; touch MARK; "',
  '"$(touch MARK)"',
  "'$(touch MARK)'",
  '\ntouch MARK\n',
  'EOF\ntouch MARK\nEOF',
  '\tEOF\ntouch MARK',
  '}; touch MARK; ${x',
  ')); touch MARK; ((',
  '$((1+1))',
  '${HOME}',
  '$HOME',
  '*',
  '?',
  '[a-z]*',
  '-e',
  '-n',
  '-v',
  '(',
  '!',
  '=',
  ']',
  ']]',
  ' a  b ',
  '',
  '\\',
  'a\\',
  '\\n\\t',
  '~',
  '%s%d%n',
  '{a,b}',
  '1+1',
  '08',
  'é ☃ \u2028',
]
const hostile = () => HOSTILE.map((v) => v.replaceAll('MARK', marker))

/** Any text a value can be: environment variables hold no NUL. */
const anyValue = () =>
  fc.oneof(
    fc
      .string({ unit: 'binary' })
      // Without NUL or half a surrogate pair: text an environment variable can hold.
      .filter((s) => !s.includes('\0') && Buffer.from(s).toString() === s),
    fc.constantFrom(...hostile()),
    fc
      .array(fc.constantFrom(...hostile(), 'a', ' ', '\n', '"', "'", '$', '`', '\\'), {
        maxLength: 4,
      })
      .map((pieces) => pieces.join('')),
  )

/** `$(…)` drops trailing newlines from what it captures. */
const captured = (value: string) => value.replace(/\n+$/, '')

interface LiteralContext {
  readonly name: string
  readonly template: string
  /** What the command prints for the value. */
  readonly expected: (value: string) => string
  /** Only bash and zsh have it. */
  readonly extended?: boolean
}

/** Places a value reaches as literal text, whatever it is. */
const LITERAL: LiteralContext[] = [
  { name: 'unquoted', template: "printf '%s' ${env:V}", expected: (v) => v },
  { name: 'in "…"', template: `printf '%s' "a \${env:V} b"`, expected: (v) => `a ${v} b` },
  { name: "in '…'", template: "printf '%s' 'a ${env:V} b'", expected: (v) => `a ${v} b` },
  {
    name: 'glued to quoted and unquoted text',
    template: `printf '%s' x"\${env:V}"'y'\${env:V}\\"z`,
    expected: (v) => `x${v}y${v}"z`,
  },
  {
    name: 'in "$(…)" inside "…" (quoting starts afresh)',
    template: `printf '%s' "$(printf '%s' "\${env:V}")"`,
    expected: captured,
  },
  {
    name: 'unquoted in "$(…)"',
    template: `printf '%s' "$(printf '%s' \${env:V})"`,
    expected: captured,
  },
  {
    name: 'in $(…) nested in "$(…)"',
    template: `printf '%s' "$(printf '%s' "$(printf '%s' "\${env:V}")")"`,
    expected: captured,
  },
  {
    name: 'in a here-document',
    template: 'cat <<EOF\na $${HOME+set} ${env:V} b\nEOF',
    expected: (v) => `a set ${v} b\n`,
  },
  {
    name: "in a quoted here-document (<<'EOF')",
    template: "cat <<'EOF'\na $HOME \\ `x` $${y} ${env:V} b\nEOF\nprintf after",
    expected: (v) => `a $HOME \\ \`x\` \${y} ${v} b\nafter`,
  },
  {
    name: 'in a quoted here-document (<<"EOF")',
    template: 'cat <<"EOF"\n$HOME ${env:V}\nEOF',
    expected: (v) => `$HOME ${v}\n`,
  },
  {
    name: 'in a quoted here-document (<<\\EOF)',
    template: 'cat <<\\EOF\n$HOME ${env:V}\nEOF',
    expected: (v) => `$HOME ${v}\n`,
  },
  {
    name: "in a quoted here-document with tabs stripped (<<-'EOF')",
    template: "cat <<-'EOF'\n\t$HOME ${env:V}\n\tEOF",
    expected: (v) => `$HOME ${v}\n`,
  },
  {
    name: 'in ${x:-…} unquoted',
    template: "printf '%s' $${unset_var:-${env:V}}",
    expected: (v) => v,
  },
  {
    name: 'in "${x:-…}"',
    template: `printf '%s' "$\${unset_var:-\${env:V}}"`,
    expected: (v) => v,
  },
  {
    name: 'as a pattern in "${x#…}"',
    template: `x="\${env:V}tail"; printf '%s' "$\${x#\${env:V}}"`,
    expected: () => 'tail',
  },
  {
    name: 'as a pattern in "${x%…}"',
    template: `x="head\${env:V}"; printf '%s' "$\${x%\${env:V}}"`,
    expected: () => 'head',
  },
  {
    name: 'as a case word and pattern',
    template: 'case x in ${env:V}) printf match;; *) printf other;; esac',
    expected: (v) => (v === 'x' ? 'match' : 'other'),
  },
  {
    name: 'as a case pattern inside $(…)',
    template: `printf '%s' "$(case "\${env:V}" in \${env:V}) printf same;; esac)"`,
    expected: () => 'same',
  },
  {
    name: 'assigned to a variable',
    template: 'X=${env:V}; printf \'%s\' "$X"',
    expected: (v) => v,
  },
  {
    name: 'exported',
    template: 'export X=${env:V}; printf \'%s\' "$X"',
    expected: (v) => v,
  },
  {
    name: 'local in a function',
    template: 'f() { local x=${env:V}; printf \'%s\' "$x"; }; f',
    expected: (v) => v,
  },
  {
    name: 'as a function argument',
    template: 'f() { printf \'%s\' "$1"; }; f ${env:V}',
    expected: (v) => v,
  },
  {
    name: 'as a for word',
    template: 'for i in ${env:V}; do printf \'%s\' "$i"; done',
    expected: (v) => v,
  },
  {
    name: 'as an argument after sh -c text',
    template: `sh -c 'printf "%s" "$1"' sh \${env:V}`,
    expected: (v) => v,
  },
  {
    name: 'compared as a string by test',
    template: '[ ${env:V} = "${env:V}" ] && printf same',
    expected: () => 'same',
  },
  { name: 'in a comment', template: 'printf ok # ${env:V}', expected: () => 'ok' },
  {
    name: 'in a here-string',
    template: 'cat <<< ${env:V}',
    expected: (v) => `${v}\n`,
    extended: true,
  },
  {
    name: 'compared by [[ == ]]',
    template: '[[ x == ${env:V} ]] && printf match || printf other',
    expected: (v) => (v === 'x' ? 'match' : 'other'),
    extended: true,
  },
  {
    name: 'as an array element',
    template: 'a=(${env:V} "${env:V}"); printf \'%s|\' "$${a[@]}"',
    expected: (v) => `${v}|${v}|`,
    extended: true,
  },
]

interface NumberContext {
  readonly name: string
  readonly template: string
  /** What the command prints for an integer value, when the test checks it. */
  readonly expected?: (value: bigint) => string
  readonly extended?: boolean
}

/** Arithmetic places: an integer is used as one, anything else stops the command before it runs. */
const NUMBER: NumberContext[] = [
  {
    name: 'in $((…))',
    template: "printf '%s' $((${env:V} + 1))",
    expected: (n) => String(n + 1n),
  },
  {
    name: 'subtracted in $((…)) (a negative value stays one operand)',
    template: "printf '%s' $((1-${env:V}))",
    expected: (n) => String(1n - n),
  },
  {
    name: 'as an operand of test -ge',
    template: 'test ${env:V} -ge 0 && printf yes || printf no',
    expected: (n) => (n >= 0n ? 'yes' : 'no'),
  },
  {
    name: 'as an operand of [ -eq ]',
    template: '[ "${env:V}" -eq "${env:V}" ] && printf equal',
    expected: () => 'equal',
  },
  {
    name: 'through a variable into $((…))',
    template: "N=${env:V}; printf '%s' $((N * 2))",
    expected: (n) => String(n * 2n),
  },
  {
    name: 'through a function argument into $((…))',
    template: "f() { printf '%s' $(($1 + 0)); }; f ${env:V}",
    expected: (n) => String(n),
  },
  {
    name: 'through sh -c into $((…))',
    template: `sh -c 'printf "%s" $(($1 + 0))' sh \${env:V}`,
    expected: (n) => String(n),
  },
  { name: 'as a printf %d argument', template: "printf '%d' ${env:V}", expected: String },
  {
    name: 'through a variable into the text of eval',
    template: "x=${env:V}; eval 'printf %s $((x + 0))'",
    expected: String,
  },
  {
    name: 'through a variable into a trap',
    template: "trap 'printf %s $((x + 0))' EXIT; x=${env:V}",
    expected: String,
  },
  {
    name: 'through the environment into the text of sh -c',
    template: "export N=${env:V}; sh -c 'printf %s $((N + 0))'",
    expected: String,
  },
  {
    name: 'through a here-document read by read',
    template: "read x <<EOF\n${env:V}\nEOF\nprintf '%s' $((x + 0))",
    expected: String,
  },
  {
    name: 'as an operand of [[ -eq ]]',
    template: '[[ ${env:V} -eq ${env:V} ]] && printf equal',
    expected: () => 'equal',
    extended: true,
  },
  {
    name: 'in ((…))',
    template: '(( ${env:V} >= 0 )) && printf yes || printf no',
    expected: (n) => (n >= 0n ? 'yes' : 'no'),
    extended: true,
  },
  {
    name: 'in let',
    template: 'let "x = ${env:V} + 1"; printf \'%s\' "$x"',
    expected: (n) => String(n + 1n),
    extended: true,
  },
  {
    name: 'in $[…]',
    template: "printf '%s' $[${env:V} + 1]",
    expected: (n) => String(n + 1n),
    extended: true,
  },
  { name: 'as an array index', template: 'a=(x y); printf %s "$${a[${env:V}]}"', extended: true },
  { name: 'as an assigned array index', template: 'a[${env:V}]=x', extended: true },
  {
    name: 'as a substring offset',
    template: 'x=abcdef; printf %s "$${x:${env:V}:2}"',
    extended: true,
  },
  {
    name: 'assigned to an integer variable',
    template: 'typeset -i n; n=${env:V}; printf \'%s\' "$n"',
    expected: String,
    extended: true,
  },
  { name: 'assigned to SECONDS', template: 'SECONDS=${env:V}', extended: true },
  { name: 'as the status of exit', template: '(exit ${env:V}) 2>/dev/null; printf done' },
]

const INTEGER = /^-?(0|[1-9][0-9]{0,17})$/
const integers = () =>
  fc.oneof(
    fc.constantFrom('0', '-0', '7', '-3', '123456789012345678', '-123456789012345678'),
    fc.bigInt({ min: -(10n ** 17n), max: 10n ** 17n }).map(String),
  )

for (const shellName of ['dash', 'bash as sh', 'zsh as sh', 'bash', 'zsh']) {
  const shellNamed = () => {
    const shell = matrix.shells.find((s) => s.name === shellName)
    if (!shell) throw new Error(`no shell ${shellName}`)
    return shell
  }
  const extendedShell = shellName !== 'dash'

  describe(`values under ${shellName}`, () => {
    for (const context of LITERAL) {
      if (context.extended && !extendedShell) continue
      it(`reach the command literally ${context.name}, never as code`, () => {
        const shell = shellNamed()
        fc.assert(
          fc.property(anyValue(), (value) => {
            const ran = run(shell, context.template, value)
            assert.ok('output' in ran, `refused: ${'problem' in ran ? ran.problem.message : ''}`)
            assert.equal(existsSync(marker), false, `${JSON.stringify(value)} ran as code`)
            assert.equal(
              ran.output,
              context.expected(value),
              `${JSON.stringify(value)}: ${ran.stderr}`,
            )
          }),
          { numRuns: 12, examples: hostile().map((v) => [v]) },
        )
      })
    }

    for (const context of NUMBER) {
      if (context.extended && !extendedShell) continue
      it(`are used as numbers ${context.name}, and anything else stops the command`, () => {
        const shell = shellNamed()
        fc.assert(
          fc.property(fc.oneof(anyValue(), integers()), (value) => {
            const ran = run(shell, context.template, value)
            assert.equal(existsSync(marker), false, `${JSON.stringify(value)} ran as code`)
            if (!INTEGER.test(value)) {
              assert.ok('problem' in ran, `${JSON.stringify(value)} was not stopped`)
              assert.match(
                ran.problem.message,
                /\$\{env:V\} is used as a number .*not a plain decimal integer/,
              )
              return
            }
            assert.ok('output' in ran, `${value} was refused`)
            if (context.expected)
              assert.equal(ran.output, context.expected(BigInt(value)), `${value}: ${ran.stderr}`)
          }),
          { numRuns: 12, examples: hostile().map((v) => [v]) },
        )
      })
    }
  })
}

/**
 * Shell texts built from the grammar, with `${env:V}` in any place: commands, quotes, `$(…)`,
 * arithmetic, expansions, here-documents, pipes, functions, `eval`, `sh -c`, `read`…
 */
const shellText = fc.letrec((tie) => ({
  lit: fc.constantFrom('a', 'x', '1', '-', '*', 'b c', '%s', '=', '-e', '0'),
  ref: fc.constant('${env:V}'),
  piece: fc.oneof(
    { weight: 3, arbitrary: tie('lit') },
    { weight: 4, arbitrary: tie('ref') },
    { weight: 1, arbitrary: fc.tuple(tie('dpiece'), tie('dpiece')).map(([a, b]) => `"${a}${b}"`) },
    { weight: 1, arbitrary: tie('lit').map((a) => `'${a}'`) },
    { weight: 1, arbitrary: tie('ref').map((a) => `'${a}'`) },
    { weight: 1, arbitrary: tie('cmd').map((c) => `$(${c})`) },
    { weight: 1, arbitrary: tie('arith').map((a) => `$((${a}))`) },
    { weight: 1, arbitrary: tie('word').map((w) => `$\${x:-${w}}`) },
    { weight: 1, arbitrary: tie('word').map((w) => `$\${x#${w}}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '$x',
        '$1',
        '"$x"',
        '"$@"',
        '$((x))',
        '$${#x}',
        '$${!x}',
        '$${a[x]}',
        '$${x:1}',
      ),
    },
  ),
  dpiece: fc.oneof(
    tie('lit'),
    tie('ref'),
    tie('cmd').map((c) => `$(${c})`),
    tie('arith').map((a) => `$((${a}))`),
    fc.constantFrom('$x', "'", '\\"', '$${x:-${env:V}}', '$${x#${env:V}}'),
  ),
  word: fc.array(tie('piece'), { minLength: 1, maxLength: 3 }).map((p) => p.join('')),
  arith: fc.oneof(
    fc.constantFrom('x', '1', 'x+1', '${env:V}', '${env:V}+1', '1-${env:V}', 'a[x]', '$x', '$1'),
    tie('ref'),
  ),
  name: fc.constantFrom(
    'echo',
    "printf '%s'",
    'printf %d',
    'cat',
    'test',
    'eval',
    'sh -c',
    'bash -c',
    'let',
    'read',
    'exit',
    'export',
    'local',
    'declare',
    'typeset -i',
    'printf -v',
    'return',
    'shift',
    ':',
    'true',
    'x=',
    'set --',
    'trap',
    '.',
    'unset',
    'command',
    'exec',
    'env',
    'sh',
    'alias',
    'printf',
    'integer x',
    'SECONDS=',
    'PS4=',
    'RANDOM=',
    'getopts a',
    'mapfile',
    'printf -v x',
    'source',
    'builtin eval',
    'command eval',
    'exec sh -c',
    'time',
    'nohup sh -c',
    'env sh -c',
    'xargs sh -c',
    'docker exec c sh -c',
    'zsh -c',
    'bash',
    'sh -s',
    'sh -',
    'repeat',
    'print',
    'echo -e',
    'declare -i x',
    'local -n x',
    'export x',
    'readonly x',
  ),
  simple: fc
    .tuple(
      fc.option(
        tie('word').map((w) => `x=${w} `),
        { nil: '' },
      ),
      tie('name'),
      fc.array(tie('word'), { maxLength: 3 }),
      fc.option(
        fc.constantFrom(' > /dev/null', ' 2>&1', ' <<< ${env:V}', ' <<< x', ' < /dev/null'),
        { nil: '' },
      ),
    )
    .map(([a, n, args, r]) => `${a}${n} ${args.join(' ')}${r}`),
  heredoc: fc
    .tuple(
      fc.constantFrom('cat', 'sh', 'read x', 'bash -s'),
      fc.constantFrom('EOF', "'EOF'", '"EOF"', '\\EOF', '-EOF', "-'EOF'"),
      fc.array(tie('piece'), { maxLength: 3 }),
    )
    .map(([c, d, body]) => `${c} <<${d}\n${body.join(' ')}\nEOF\n`),
  cmd: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 5, arbitrary: tie('simple') },
    {
      weight: 1,
      arbitrary: fc.tuple(tie('cmd'), tie('cmd')).map(([a, b]) => `if ${a}; then ${b}; fi`),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(tie('word'), tie('cmd')).map(([w, c]) => `for x in ${w}; do ${c}; done`),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(tie('word'), tie('word'), tie('cmd'))
        .map(([w, p, c]) => `case ${w} in ${p}) ${c};; esac`),
    },
    { weight: 1, arbitrary: tie('cmd').map((c) => `{ ${c}; }`) },
    { weight: 1, arbitrary: tie('cmd').map((c) => `( ${c} )`) },
    { weight: 1, arbitrary: tie('cmd').map((c) => `f() { ${c}; }; f \${env:V}`) },
    { weight: 1, arbitrary: fc.tuple(tie('cmd'), tie('cmd')).map(([a, b]) => `${a} | ${b}`) },
    { weight: 1, arbitrary: fc.tuple(tie('cmd'), tie('cmd')).map(([a, b]) => `${a}; ${b}`) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(tie('word'), fc.constantFrom('-eq', '==', '=~', '-v', '-lt', '!='), tie('word'))
        .map(([a, o, b]) => `[[ ${a} ${o} ${b} ]]`),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(tie('word'), fc.constantFrom('-eq', '=', '-v', '-lt', '!=', '-t'), tie('word'))
        .map(([a, o, b]) => `[ ${a} ${o} ${b} ]`),
    },
    { weight: 1, arbitrary: tie('arith').map((a) => `(( ${a} ))`) },
    { weight: 1, arbitrary: tie('heredoc') },
    { weight: 1, arbitrary: tie('word').map((w) => `sh -c 'echo $((x)); eval "$1"' sh ${w}`) },
    { weight: 1, arbitrary: tie('word').map((w) => `a=(${w}); echo "$\${a[@]}"`) },
    { weight: 1, arbitrary: tie('cmd').map((c) => `while false; do ${c}; done`) },
    { weight: 1, arbitrary: tie('word').map((w) => `echo $\${x:${w}} $[${w}]`) },
    { weight: 1, arbitrary: tie('heredoc').map((h) => String(h).replace('\n', ' | sh\n')) },
    {
      weight: 1,
      arbitrary: tie('word').map(
        (w) =>
          `x=${w}; ${['eval "$x"', 'echo $((x))', '[[ $x -eq 1 ]]', 'read $x', 'echo $${!x}', 'sh -c "$x"', 'exit $x', 'printf %d "$x"', 'test $x -gt 1', 'typeset -i y=$x'][String(w).length % 10]}`,
      ),
    },
  ),
})).cmd as fc.Arbitrary<string>

describe('any command text deploy-wizard accepts', () => {
  const VALUES = [
    'a[$(touch MARK)]',
    'x[$(touch MARK)]',
    '$(touch MARK)',
    '`touch MARK`',
    "'; touch MARK; '",
    '"; touch MARK; "',
    '\ntouch MARK\n',
    'EOF\ntouch MARK\nEOF',
    'touch MARK',
    '-c',
    '-s',
  ]

  it('never runs a value as code, under any shell', async () => {
    await fc.assert(
      fc.asyncProperty(
        shellText,
        fc.constantFrom(...VALUES),
        fc.constantFrom(...matrix.shells),
        async (template, attack, shell) => {
          let parts: ReturnType<typeof parseTemplate>
          try {
            parts = parseTemplate(template)
          } catch {
            return // not a template
          }
          const value = attack.replaceAll('MARK', marker)
          const resolved = resolveShellTemplate(parts, () => value)
          if (resolved.problem) return // refused, or not a number where one is needed
          // runProcess stops the whole process group: nothing the text starts outlives it.
          await runProcess(shell.program, ['-c', resolved.value], {
            cwd: work,
            env: { PATH: shell.path, HOME: work, ...resolved.env },
            signal: AbortSignal.timeout(2_000),
          }).catch(() => {})
          const ran = existsSync(marker)
          rmSync(marker, { force: true })
          assert.equal(
            ran,
            false,
            `${JSON.stringify(value)} ran as code in ${shell.name}: ${resolved.value}`,
          )
        },
      ),
      { numRuns: 800 },
    )
  })
})

/** Places where a value would be code or a variable name: refused, with the reason. */
const REFUSED: [template: string, reason: RegExp][] = [
  ['eval "echo ${env:V}"', /argument of eval, which runs it as shell code/],
  ['sh -c "echo ${env:V}"', /command text of sh -c, which it runs as code/],
  ['docker exec app bash -lc "ls ${env:V}"', /command text of bash -c/],
  ['bash ${env:V} "echo $1"', /where bash takes its options/],
  // Found by the property above: `$x` unset leaves `sh -` reading its commands from the here-string.
  [
    'f() { sh - $x <<< ${env:V}; }; f ${env:V}',
    /standard input of sh, which runs it as code when the script named after - expands to nothing/,
  ],
  [
    'sh -- $script <<< ${env:V}',
    /standard input of sh, which runs it as code when the script named after -- expands/,
  ],
  ['. ${env:V}', /argument of \., which runs the file/],
  ['source ./env.sh ${env:V}', /argument of source/],
  ['trap "echo ${env:V}" EXIT', /argument of trap/],
  ['read -r ${env:V}', /argument of read, which can take it as a variable name/],
  ['printf -v ${env:V} %s x', /variable name of printf -v/],
  ['printf ${env:V}', /printf's format/],
  ['declare ${env:V}=1', /variable name for declare|option or variable name of declare/],
  ['declare -n ref=${env:V}', /reference to the variable its value names/],
  ['test -v ${env:V}', /variable name of test -v/],
  ['[[ -v ${env:V} ]]', /variable name of -v in \[\[/],
  ['[[ $x =~ ${env:V} ]]', /=~ in \[\[ … \]\], which zsh reads as a regular expression/],
  ['x=${env:V}; echo $${!x}', /reaches \$x, which is used as the name of a variable to look up/],
  ['x=${env:V}; eval "$x"', /reaches \$x, which is used as an argument of eval/],
  ['x=$(echo ${env:V}); eval "$x"', /reaches \$x, which is used as an argument of eval/],
  ['echo "`echo ${env:V}`"', /inside `…`/],
  ["echo $'\\t' ${env:V}", /cannot read with confidence/],
  ['echo $${x/${env:V}/y}', /which dash does not have/],
  ['echo \\${env:V}', /comes right after a backslash/],
  ['echo "\\${env:V}"', /comes right after a backslash/],
  ['PS4=${env:V}; set -x', /value of PS4/],
  ['alias e=eval; e ${env:V}', /alias/],
  ['cat <<EOF | sh\necho ${env:V}\nEOF', /standard input of sh/],
  ['printf "%s" "${env:V}" | bash', /pipe into a shell/],
  ['bash -s <<< ${env:V}', /standard input of bash/],
  ['ssh deploy@host <<EOF\nsystemctl restart ${env:V}\nEOF', /standard input of ssh/],
  ['ssh deploy@host systemctl restart ${env:V}', /command ssh runs on the other host/],
  ['sudo -i systemctl restart ${env:V}', /sudo -s\/-i/],
  ['su - deploy -c "systemctl restart ${env:V}"', /su -c/],
  ['watch ls ${env:V}', /watch, which runs its arguments with sh -c/],
  ['$CMD ${env:V}', /command whose name is not written in the checklist/],
  ['echo @(a|b) ${env:V}', /cannot read with confidence/],
  ['y=${env:V}; . ./script.sh', /kept in \$y, which code this tool cannot read/],
  ['command_not_found_handle() { eval "$1"; }; nosuch ${env:V}', /argument of eval/],
  ['alias x="y z"; x ${env:V}', /argument of the alias x/],
  ['${env:V} --version', /as the name of the command to run/],
  ['env FOO=1 ${env:V} --version', /as the program env runs/],
  ['f() { exec $1; }; f ${env:V}', /\$1, \$@…\), which is used as the name of the command/],
  ['sh -c - ${env:V}', /command text of sh -c/],
  ['sh $${x#a} <<< ${env:V}', /standard input of sh/],
  ['bash -s <<EOF\n$(echo ${env:V})\nEOF', /standard input of bash/],
  [`sh -c 'eval "$(cat)"' <<< \${env:V}`, /standard input of sh -c/],
  [`xargs sh -c 'echo "$1"' sh <<< \${env:V}`, /standard input of (sh -c|xargs)/],
  ['eval "$(cat)" <<< ${env:V}', /standard input of eval/],
]

describe('references the shell would read as code or a name', () => {
  for (const [template, reason] of REFUSED) {
    it(`are refused, never run: ${JSON.stringify(template)}`, () => {
      const sites = scanShell(parseTemplate(template)).sites
      const refused = sites.find((site) => site.refusal)
      assert.ok(refused, 'no reference was refused')
      assert.match(`${refused.part.source} ${refused.refusal?.message}`, reason)
      const resolved = resolveShellTemplate(parseTemplate(template), () => 'value')
      assert.ok(resolved.problem, 'resolving it did not stop the command')
      assert.match(resolved.problem.message, /^\$\{env:V\} /)
    })
  }

  it('are validate errors at the reference, with a hint', () => {
    const text = [
      '# Release',
      '',
      '## Checks',
      '',
      '- [ ] Migrated <!-- check: command run="echo ok; eval \\"${env:STEP}\\"" -->',
      '- [ ] Counted <!-- check: command run="test ${env:N} -ge 2" -->',
      '',
    ].join('\n')
    const { problems } = parseChecklist(text, { path: 'release.md' })
    const errors = problems.filter((p) => p.severity === 'error')
    assert.equal(errors.length, 1, JSON.stringify(problems))
    const [error] = errors
    assert.equal(error?.line, 5)
    assert.equal(error?.column, (text.split('\n')[4] ?? '').indexOf('${env:STEP}') + 1)
    assert.match(
      error?.message ?? '',
      /^command run: \$\{env:STEP\} is used as an argument of eval, which runs it as shell code$/,
    )
    assert.match(error?.hint ?? '', /run the program directly/)
  })
})

describe('the shell text a command runs', () => {
  it('holds no value: each is in a variable of its own', () => {
    const { value, env } = resolveShellTemplate(
      parseTemplate('curl -H "Authorization: Bearer ${env:T}" ${env:U} \'x ${env:T}\''),
      (ref) => (ref.type === 'process-env' ? `value-of-${ref.name}` : undefined),
    )
    assert.doesNotMatch(value, /value-of/)
    assert.deepEqual(Object.values(env), ['value-of-T', 'value-of-U', 'value-of-T'])
  })

  it('keeps a quoted here-document quoted when no value is in it', () => {
    const { value } = resolveShellTemplate(parseTemplate("cat <<'EOF'\n$HOME\nEOF"), () => 'v')
    assert.equal(value, "cat <<'EOF'\n$HOME\nEOF")
  })

  it('names the reference, never the value, when a number is not one', () => {
    const { problem } = resolveShellTemplate(
      parseTemplate('echo $((${env:N} + 1))'),
      () => 'secret-value',
    )
    assert.ok(problem)
    assert.doesNotMatch(`${problem.message} ${problem.hint}`, /secret-value/)
    assert.match(problem.message, /^\$\{env:N\} is used as a number in \$\(\(…\)\)/)
  })
})
