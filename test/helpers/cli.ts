import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const BIN = fileURLToPath(new URL('../../bin/deploy-wizard.js', import.meta.url))

export interface CliResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs the built CLI as an operator would (in `cwd`); `npm test` builds it first. */
export function runCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  cwd?: string,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(cwd ? { cwd } : {}),
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/**
 * Runs the built CLI with standard output, error or both going into a real pipe
 * whose reader has already gone (`deploy-wizard runs | head -1` once head has
 * exited): every write to it fails with EPIPE. What the other stream carries is
 * kept.
 */
export function runCliIntoClosedPipe(
  args: readonly string[],
  closed: 'stdout' | 'stderr' | 'both',
  env: NodeJS.ProcessEnv = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    // Closing our end of the pipe before the CLI writes is the reader going away.
    if (closed !== 'stderr') child.stdout.destroy()
    else child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    if (closed !== 'stdout') child.stderr.destroy()
    else child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/**
 * Runs the built CLI into a real pipe read as `… | head -n <lines>` reads it:
 * the first lines, then the reader goes away, and the CLI's next write to it
 * fails with EPIPE. Returns what was read, and how long the CLI took to exit.
 */
export function runCliLikeHead(
  args: readonly string[],
  lines: number,
  env: NodeJS.ProcessEnv = {},
): Promise<CliResult & { readonly ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
      const kept = stdout.split('\n').slice(0, lines)
      if (kept.length === lines && stdout.split('\n').length > lines) {
        stdout = `${kept.join('\n')}\n`
        child.stdout.destroy()
      }
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - started }))
  })
}
