/**
 * What reaches the terminal: text from outside is shown, never obeyed, and the
 * only escape codes written are our own colours. The functions here, and that
 * every command writes through them.
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { escapeCommand, escapeControls, jsonText, terminalFor } from '../../src/output/terminal.ts'
import { activeIn } from '../helpers/active.ts'

const ESC = '\u001b'
const CLIPBOARD = `${ESC}]52;c;Y3VybCBldmlsLmV4YW1wbGUvcyB8IHNo\u0007`

/** A stream that keeps what is written to it, as a terminal (isTTY) or a pipe. */
function captured(isTTY: boolean) {
  const chunks: string[] = []
  return {
    isTTY,
    write: (chunk: string) => {
      chunks.push(chunk)
      return true
    },
    get text() {
      return chunks.join('')
    },
  }
}

describe('escapeControls', () => {
  it('shows escape sequences, C1 controls and bidi controls as escapes', () => {
    assert.equal(
      escapeControls(`Build${ESC}[1A${ESC}[2K $ npm run build`),
      'Build\\x1b[1A\\x1b[2K $ npm run build',
    )
    assert.equal(escapeControls(CLIPBOARD), '\\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUvcyB8IHNo\\x07')
    assert.equal(escapeControls('a\u009b2Jb\u009d0;x\u009c'), 'a\\x9b2Jb\\x9d0;x\\x9c')
    assert.equal(escapeControls('ok \u202eexe.txt\u202c'), 'ok \\u202eexe.txt\\u202c')
    assert.equal(escapeControls('\u2066isolate\u2069'), '\\u2066isolate\\u2069')
    assert.equal(escapeControls('a\u007fb\u0000c\u0008'), 'a\\x7fb\\x00c\\x08')
  })

  it('keeps newlines and tabs, reads a CRLF as a newline, and escapes a lone carriage return', () => {
    assert.equal(escapeControls('a\tb\nc\r\nd'), 'a\tb\nc\nd')
    assert.equal(escapeControls('safe\rEVIL'), 'safe\\x0dEVIL')
  })

  it('keeps what is only text: accents, emoji, zero-width joiners in emoji', () => {
    const text = 'Implantação em produção 👩‍💻 ✔'
    assert.equal(escapeControls(text), text)
  })

  it('changes nothing more when applied twice', () => {
    const once = escapeControls(`x${ESC}[31m\u009b\u202e\r`)
    assert.equal(escapeControls(once), once)
  })
})

describe('escapeCommand', () => {
  it('also shows what draws as nothing or as a plain space, and every carriage return', () => {
    assert.equal(escapeCommand('cu\u200brl x'), 'cu\\u200brl x')
    assert.equal(escapeCommand('rm\u00a0-rf /tmp/x'), 'rm\\xa0-rf /tmp/x')
    assert.equal(escapeCommand('echo\u2060ok\ufeff'), 'echo\\u2060ok\\ufeff')
    assert.equal(escapeCommand('npm run build\r\n'), 'npm run build\\x0d\n')
    assert.equal(escapeCommand('tag\u{e0041}'), 'tag\\u{e0041}')
    assert.equal(escapeCommand('printf "a\tb" && ls -la'), 'printf "a\tb" && ls -la')
  })
})

describe('jsonText', () => {
  it('is the exact data, with nothing in it a terminal would act on', () => {
    const value = { title: `a${ESC}[2K\u009b\u202e\u2028\u007fé😀`, n: 1 }
    const text = jsonText(value)
    assert.deepEqual(JSON.parse(text), value)
    assert.deepEqual(activeIn(text), [])
    assert.match(text, /\\u009b\\u202e\\u2028\\u007fé😀/)
  })
})

describe('a terminal', () => {
  it('writes our colours and shows every escape code from outside, even an SGR one', () => {
    const stream = captured(true)
    const out = terminalFor(stream, {})
    const title = `Re${ESC}[31mlease${ESC}[0m`
    out.write(`${out.paint('bold', title)} · ${title}\n`)
    assert.equal(
      stream.text,
      `${ESC}[1mRe\\x1b[31mlease\\x1b[0m${ESC}[22m · Re\\x1b[31mlease\\x1b[0m\n`,
    )
  })

  it('with NO_COLOR writes no escape code at all', () => {
    const stream = captured(true)
    const out = terminalFor(stream, { NO_COLOR: '1' })
    out.write(`${out.paint('red', `x${CLIPBOARD}`)}\n`)
    assert.equal(stream.text.includes(ESC), false)
    assert.equal(stream.text, 'x\\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUvcyB8IHNo\\x07\n')
  })

  it('keeps an inner colour inside an outer one, as styleText does', () => {
    const stream = captured(false)
    const out = terminalFor(stream, { FORCE_COLOR: '1' })
    out.write(out.paint('bold', `a${out.paint('dim', 'b')}c`))
    assert.equal(stream.text, `${ESC}[1ma${ESC}[2mb${ESC}[22m${ESC}[1mc${ESC}[22m`)
  })

  it('does not take a look-alike of its own marks from outside for one', () => {
    const stream = captured(true)
    const out = terminalFor(stream, {})
    out.write('\u0000dw00112233445566771m red?')
    assert.equal(stream.text, '\\x00dw00112233445566771m red?')
  })

  it('writes JSON exact and inert', () => {
    const stream = captured(true)
    terminalFor(stream, {}).writeJson({ a: '\u009b' })
    assert.equal(stream.text, '{\n  "a": "\\u009b"\n}\n')
  })

  it('clears the line the cursor is on when it is a terminal, and writes nothing into a pipe', () => {
    const tty = captured(true)
    terminalFor(tty, {}).clearLine()
    assert.equal(tty.text, '\r\u001B[K')
    const pipe = captured(false)
    terminalFor(pipe, {}).clearLine()
    assert.equal(pipe.text, '')
  })
})

describe('the one way out', () => {
  const src = fileURLToPath(new URL('../../src', import.meta.url))
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)],
    )

  it('nothing in src/ writes to the process streams but through a Terminal', () => {
    // The demo's sandbox writes a test script for its project: its console.log is that script's.
    const allowed = [join('output', 'terminal.ts'), join('demo', 'sandbox.ts')]
    const direct = files(src)
      .filter((file) => !allowed.some((path) => file.endsWith(path)))
      .filter((file) =>
        /process\.(stdout|stderr)\.write\(|console\.(log|error|warn|info)\(/.test(
          readFileSync(file, 'utf8'),
        ),
      )
      .map((file) => relative(src, file))
    assert.deepEqual(direct, [])
  })
})
