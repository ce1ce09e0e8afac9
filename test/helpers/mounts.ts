/**
 * Real file systems that refuse writes, for the tests of what deploy-wizard does
 * when the disk is full or read-only: a small tmpfs (`mount -t tmpfs -o size=64k`)
 * and a read-only view of a folder (a bind mount remounted read-only).
 *
 * As root the mount is made here and everyone sees it. Otherwise it is made in a
 * user and mount namespace of its own (`unshare --user --map-root-user --mount`),
 * kept open by a holder process; only processes started through `wrap` (nsenter
 * into that namespace) see it, so tests reach the mount only through `wrap`,
 * `sh` and `runCli`, never with `fs` directly. Where neither works, the test
 * fails with one line saying so: it never skips.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BIN, type CliResult } from './cli.ts'

export interface Mount {
  /** Where it is mounted. */
  readonly path: string
  /** `argv` as a command that runs where the mount is seen. */
  wrap(argv: readonly string[]): string[]
  /** Runs `script` with sh where the mount is seen; resolves with its stdout, rejects on failure. */
  sh(script: string, ...args: readonly string[]): Promise<string>
  /** Runs the built CLI where the mount is seen, as test/helpers/cli.ts's runCli does. */
  runCli(args: readonly string[], env?: NodeJS.ProcessEnv, cwd?: string): Promise<CliResult>
  /** Unmounts, stops the holder, removes the folder it made. */
  close(): Promise<void>
}

/** A tmpfs of `kib` KiB at a fresh folder. */
export function smallDisk(kib: number): Promise<Mount> {
  const path = mkdtempSync(join(tmpdir(), 'dw-small-disk-'))
  return mountWith(
    path,
    'mount -t tmpfs -o "size=$2k,mode=0777" tmpfs "$1"',
    [String(kib)],
    `a ${kib} KiB tmpfs`,
    true,
  )
}

/** `folder` seen read-only (a bind mount of itself, remounted read-only); the folder is kept. */
export function readOnly(folder: string): Promise<Mount> {
  return mountWith(
    folder,
    'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1"',
    [],
    'a read-only bind mount',
    false,
  )
}

async function mountWith(
  path: string,
  script: string,
  args: readonly string[],
  what: string,
  ownsFolder: boolean,
): Promise<Mount> {
  const removeFolder = () => {
    if (ownsFolder) rmSync(path, { recursive: true, force: true })
  }
  const isRoot = process.getuid?.() === 0
  let asRoot = 'not root'
  if (isRoot) {
    const mounted = spawnSync('sh', ['-c', script, 'sh', path, ...args], { encoding: 'utf8' })
    if (mounted.status === 0) return direct(path, removeFolder)
    asRoot = (mounted.stderr || mounted.error?.message || 'failed').trim()
  }
  try {
    return await namespaced(path, script, args, removeFolder)
  } catch (error) {
    removeFolder()
    throw new Error(
      `these tests need ${what}: mount as root failed (${asRoot}) and unshare --user --map-root-user --mount failed (${(error as Error).message})`,
    )
  }
}

/** Made by us as root: seen by every process. */
function direct(path: string, removeFolder: () => void): Mount {
  const wrap = (argv: readonly string[]) => [...argv]
  return {
    path,
    wrap,
    sh: (script, ...args) => run(['sh', '-c', script, 'sh', ...args]),
    runCli: (args, env, cwd) => runCli(wrap, args, env, cwd),
    async close() {
      // Lazily: a process of a failed test may still have a file open on it.
      spawnSync('umount', ['-l', path])
      removeFolder()
    },
  }
}

/** Made in a namespace of its own, held open by a process that only waits. */
async function namespaced(
  path: string,
  script: string,
  args: readonly string[],
  removeFolder: () => void,
): Promise<Mount> {
  const holder = spawn(
    'unshare',
    [
      '--user',
      '--map-root-user',
      '--mount',
      'sh',
      '-c',
      `${script} && echo mounted && exec sleep 86400`,
      'sh',
      path,
      ...args,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  await new Promise<void>((resolve, reject) => {
    let out = ''
    let err = ''
    holder.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk
      if (out.includes('mounted\n')) resolve()
    })
    holder.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk
    })
    holder.on('error', reject)
    holder.on('close', () => reject(new Error(err.trim() || 'the holder exited')))
  })
  const pid = String(holder.pid)
  const wrap = (argv: readonly string[]) => [
    'nsenter',
    '--target',
    pid,
    '--user',
    '--mount',
    '--preserve-credentials',
    '--',
    ...argv,
  ]
  return {
    path,
    wrap,
    sh: (shScript, ...shArgs) => run(wrap(['sh', '-c', shScript, 'sh', ...shArgs])),
    runCli: (cliArgs, env, cwd) => runCli(wrap, cliArgs, env, cwd),
    async close() {
      await stop(holder)
      removeFolder()
    },
  }
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    child.once('close', () => resolve())
    child.kill('SIGKILL')
  })
}

function run(argv: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const [command = '', ...rest] = argv
    const child = spawn(command, rest, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk
    })
    child.on('error', reject)
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${argv.join(' ')} exited ${code}: ${err}`)),
    )
  })
}

function runCli(
  wrap: (argv: readonly string[]) => string[],
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  cwd?: string,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const [command = '', ...rest] = wrap([process.execPath, BIN, ...args])
    const child = spawn(command, rest, {
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
