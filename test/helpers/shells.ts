/**
 * The shells `sh` is on the machines operators use: dash (Debian, Ubuntu), bash
 * started as `sh` (macOS, Fedora, RHEL: bash in POSIX mode) and zsh started as
 * `sh` (its sh emulation); and bash and zsh under their own names, as a checklist
 * may start them (`bash -c …`). Each is a folder whose `sh` is that shell, to put
 * first on PATH: `command` runs `sh` from the PATH of the checks' environment, so
 * the same test runs under each.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'

export interface Shell {
  /** `dash`, `bash as sh`, `zsh as sh`, `bash`, `zsh`. */
  readonly name: string
  /** The program to run: a link named `sh`, or the shell itself. */
  readonly program: string
  /** PATH with `sh` (and `dash`, `bash`, `zsh`) resolving to this shell's family first. */
  readonly path: string
  /** True for dash and shells started as `sh`; false for bash and zsh under their own names. */
  readonly posix: boolean
  /** bash or zsh: `[[`, `((`, arrays, `let`… exist. */
  readonly extended: boolean
}

/** The shells the tests need, as a one-line message when some are missing, or null. */
export function missingShells(): string | null {
  const missing = ['dash', 'bash', 'zsh'].filter((name) => locate(name) === null)
  if (missing.length === 0) return null
  return `the shell tests run every case under dash, bash and zsh as sh; not installed: ${missing.join(', ')} (Debian: apt-get install -y ${missing.join(' ')})`
}

/** Every shell of the matrix, each in a folder of its own; `remove()` deletes the folders. */
export function shellMatrix(): { shells: Shell[]; remove(): void } {
  const missing = missingShells()
  if (missing) throw new Error(missing)
  const dirs: string[] = []
  const inherited = process.env.PATH ?? ''
  const asSh = (name: string, target: string, extended: boolean): Shell => {
    const dir = mkdtempSync(join(tmpdir(), `dw-sh-${target}-`))
    dirs.push(dir)
    const program = join(dir, 'sh')
    symlinkSync(locate(target) ?? target, program)
    return { name, program, path: `${dir}${delimiter}${inherited}`, posix: true, extended }
  }
  const native = (name: string): Shell => {
    // Its `sh -c` inside a command is still sh: make that the same shell, as itself.
    const dir = mkdtempSync(join(tmpdir(), `dw-sh-${name}-`))
    dirs.push(dir)
    symlinkSync(locate(name) ?? name, join(dir, 'sh'))
    return {
      name,
      program: locate(name) ?? name,
      path: `${dir}${delimiter}${inherited}`,
      posix: false,
      extended: true,
    }
  }
  const shells = [
    asSh('dash', 'dash', false),
    asSh('bash as sh', 'bash', true),
    asSh('zsh as sh', 'zsh', true),
    native('bash'),
    native('zsh'),
  ]
  return {
    shells,
    remove: () => {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
    },
  }
}

function locate(name: string): string | null {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' })
  const path = found.stdout.trim()
  return found.status === 0 && path.startsWith('/') ? path : null
}
