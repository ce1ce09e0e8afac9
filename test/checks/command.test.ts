import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { checklistOf, runChecklist } from '../helpers/checks.ts'
import { waitFor } from '../helpers/servers.ts'
import { type Shell, shellMatrix } from '../helpers/shells.ts'

let dir: string
let shells: ReturnType<typeof shellMatrix>
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dw-command-'))
  await mkdir(join(dir, 'api'))
  shells = shellMatrix()
})
after(async () => {
  shells?.remove()
  await rm(dir, { recursive: true, force: true })
})

/** The checks' environment: only what is given here (plus PATH, for sh and its tools). */
const env = (extra: Record<string, string> = {}): Record<string, string | undefined> => ({
  PATH: process.env.PATH,
  ...extra,
})

async function check(directive: string, processEnv: Record<string, string | undefined> = env()) {
  const run = await runChecklist(checklistOf(directive), { cwd: dir, processEnv })
  return run.result()
}

/** True once `pid` has exited (a zombie awaiting its new parent counts as exited). */
function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return true
  }
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? ''
    return state.startsWith('Z') || state.startsWith('X')
  } catch {
    return true
  }
}

describe('command', () => {
  it('passes when the command exits 0, keeping its output as evidence', async () => {
    const result = await check('command run="echo hello; echo world >&2"')
    assert.equal(result.status, 'pass')
    assert.equal(result.summary, 'exit code 0')
    assert.deepEqual(result.evidence, { exitCode: 0, output: ['hello', 'world'] })
  })

  it('passes when the output matches the pattern', async () => {
    const result = await check(`command run="echo 42 tests passed" output='\\d+ tests passed'`)
    assert.equal(result.status, 'pass')
    assert.equal(result.summary, 'exit code 0, output matches /\\d+ tests passed/')
  })

  it('answers at once on a pattern that backtracks for minutes in JavaScript', async () => {
    // ^(a|a)+$ against 30 a's and a '!' froze the wizard for over a minute, keys and Ctrl-C too.
    const result = await check(`command run="printf ${'a'.repeat(30)}!" output='^(a|a)+$'`)
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, 'output does not match /^(a|a)+$/')
  })

  it('reads (?i) in a pattern as ignoring case', async () => {
    const result = await check(`command run="echo Service READY" output='(?i)service ready$'`)
    assert.equal(result.status, 'pass')
  })

  it('matches the output without its final newline, so $ anchors at the last line', async () => {
    assert.equal((await check(`command run="echo ok" output='^ok$'`)).status, 'pass')
    assert.equal((await check(`command run="echo ok; echo" output='^ok$'`)).status, 'pass')
    assert.equal((await check(`command run="echo ok; echo more" output='^ok$'`)).status, 'fail')
  })

  it('passes with the expected non-zero exit code', async () => {
    const result = await check('command run="exit 3" exit=3')
    assert.equal(result.status, 'pass')
    assert.equal(result.summary, 'exit code 3')
  })

  it('fails on another exit code, showing the end of the output', async () => {
    const result = await check('command run="echo building; echo oops >&2; exit 3"')
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, 'exit code 3 (expected 0)')
    assert.deepEqual(result.details, [
      'exit code 3 (expected 0)',
      'last 2 lines of output:',
      'building',
      'oops',
    ])
  })

  it('says "last line of output" over a single line, not "last 1 lines"', async () => {
    const result = await check(`command run="echo boom >&2; exit 3"`)
    assert.deepEqual(result.details, ['exit code 3 (expected 0)', 'last line of output:', 'boom'])
  })

  it('fails when the output does not match, with every unmet expectation', async () => {
    const result = await check('command run="echo starting; exit 1" output=ready')
    assert.equal(result.status, 'fail')
    assert.deepEqual(result.details?.slice(0, 2), [
      'exit code 1 (expected 0)',
      'output does not match /ready/',
    ])
  })

  it('fails when a signal ends the command', async () => {
    const result = await check('command run="kill -9 $$"')
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, 'killed by SIGKILL (expected 0)')
  })

  it('runs in cwd, relative to the checklist folder, with the checks environment', async () => {
    const result = await check('command run="pwd; echo $GREETING; echo home=$HOME" cwd=api', {
      PATH: process.env.PATH ?? '',
      GREETING: 'hi there',
    })
    assert.equal(result.status, 'pass')
    assert.deepEqual(result.evidence?.output, [join(dir, 'api'), 'hi there', 'home='])
  })

  it('is an error when cwd does not exist', async () => {
    const result = await check('command run=true cwd=./nope')
    assert.equal(result.status, 'error')
    assert.equal(result.summary, 'cwd ./nope does not exist')
  })

  for (const evil of [
    "'; touch pwned; '",
    '$(touch pwned)',
    '`touch pwned`',
    'two words; touch pwned',
  ]) {
    it(`passes a variable holding ${evil} to the command as one literal word`, async () => {
      const result = await check(
        'command run="printf %s ${env:EVIL} > got.txt"',
        env({ EVIL: evil }),
      )
      assert.equal(result.status, 'pass')
      assert.equal(await readFile(join(dir, 'got.txt'), 'utf8'), evil)
      assert.equal(existsSync(join(dir, 'pwned')), false, 'the value ran as shell code')
    })
  }

  // Whichever shell `sh` is: dash, or bash or zsh started as sh (macOS, Fedora, RHEL).
  for (const shellName of ['dash', 'bash as sh', 'zsh as sh']) {
    const shell = (): Shell => {
      const found = shells.shells.find((s) => s.name === shellName)
      if (!found) throw new Error(`no shell ${shellName}`)
      return found
    }
    const underShell = (values: Record<string, string>) => env({ PATH: shell().path, ...values })
    const arithmeticAttack = 'a[$(touch pwned)]'

    it(`under ${shellName}, runs $((…)) with a number, and refuses any other value without running`, async () => {
      const ok = await check('command run="echo $((${env:N} + 1))"', underShell({ N: '41' }))
      assert.equal(ok.status, 'pass')
      assert.deepEqual(ok.evidence?.output, ['42'])
      const attacked = await check(
        'command run="echo $((${env:N} + 1)) > arithmetic-ran.txt"',
        underShell({ N: arithmeticAttack }),
      )
      assert.equal(attacked.status, 'error')
      assert.equal(
        attacked.summary,
        '${env:N} is used as a number in $((…)), but its value is not a plain decimal integer, so the command was not run',
      )
      assert.match(attacked.details?.[0] ?? '', /compare it as a string/)
      assert.equal(existsSync(join(dir, 'pwned')), false, 'the value ran as shell code')
      assert.equal(existsSync(join(dir, 'arithmetic-ran.txt')), false, 'the command ran')
    })

    it(`under ${shellName}, compares numbers with test -ge, and refuses any other value`, async () => {
      const run = (n: string) => check('command run="test ${env:N} -ge 2"', underShell({ N: n }))
      assert.equal((await run('3')).status, 'pass')
      assert.equal((await run('1')).status, 'fail')
      const attacked = await run(arithmeticAttack)
      assert.equal(attacked.status, 'error')
      assert.match(attacked.summary, /^\$\{env:N\} is used as a number as an operand of -ge/)
      assert.equal(existsSync(join(dir, 'pwned')), false, 'the value ran as shell code')
    })

    it(`under ${shellName}, keeps a value quoted inside "$(…)" as one literal word`, async () => {
      const value = '  a  *  b  '
      const result = await check(
        'command run="printf %s \\"$(printf %s \\"${env:X}\\")\\" > got.txt"',
        underShell({ X: value }),
      )
      assert.equal(result.status, 'pass', result.summary)
      assert.equal(await readFile(join(dir, 'got.txt'), 'utf8'), value)
    })

    it(`under ${shellName}, follows a value through a variable into arithmetic`, async () => {
      const attacked = await check(
        'command run="N=${env:N}; [ $((N + 1)) -gt 0 ]"',
        underShell({ N: arithmeticAttack }),
      )
      assert.equal(attacked.status, 'error')
      assert.match(attacked.summary, /\(through \$N\)/)
      assert.equal(existsSync(join(dir, 'pwned')), false, 'the value ran as shell code')
    })
  }

  it('keeps only the tail of a long output', async () => {
    const result = await check('command run="seq 1 200000"')
    assert.equal(result.status, 'pass')
    const output = result.evidence?.output as string[]
    assert.equal(output.length, 40)
    assert.equal(output.at(-1), '200000')
    assert.equal(output[0], '199961')
    assert.equal(result.evidence?.outputTruncated, true)
  })

  it('kills the whole process group on timeout', async () => {
    const result = await check('command run="sleep 30 & echo $! > sleeper.pid; wait"; timeout: 1s')
    assert.equal(result.status, 'error')
    assert.equal(result.summary, 'timed out after 1s')
    const pid = Number(await readFile(join(dir, 'sleeper.pid'), 'utf8'))
    await waitFor(() => isGone(pid), `sleep 30 (pid ${pid}) has exited`)
  })

  it('kills the whole process group on cancel', async () => {
    const pidFile = join(dir, 'cancelled.pid')
    const controller = new AbortController()
    const running = runChecklist(
      checklistOf('command run="sleep 30 & echo $! > cancelled.pid; wait"'),
      { cwd: dir, processEnv: env(), signal: controller.signal },
    )
    await waitFor(
      () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n'),
      'pid written',
    )
    controller.abort()
    const result = (await running).result()
    assert.equal(result.status, 'skipped')
    assert.equal(result.summary, 'cancelled')
    const pid = Number(readFileSync(pidFile, 'utf8'))
    await waitFor(() => isGone(pid), `sleep 30 (pid ${pid}) has exited`)
  })

  it('stops what the command left running in the background', async () => {
    const result = await check('command run="sleep 30 & echo $! > background.pid"; timeout: 20s')
    assert.equal(result.status, 'pass')
    const pid = Number(await readFile(join(dir, 'background.pid'), 'utf8'))
    await waitFor(() => isGone(pid), `sleep 30 (pid ${pid}) has exited`)
  })

  it('is skipped, not run, when the checklist is not trusted', async () => {
    const run = await runChecklist(checklistOf('command run="touch ran.txt"'), {
      cwd: dir,
      processEnv: env(),
      commands: 'skip',
    })
    assert.equal(run.result().status, 'skipped')
    assert.equal(existsSync(join(dir, 'ran.txt')), false)
  })
})
