/**
 * `tool`: a program is on PATH (the PATH the checks see, not necessarily
 * ours), and the version it reports is within a semver range. The version is
 * the first version-looking token of `<name> --version` (or `args`), so
 * "Python 3.11.7", "git version 2.39.5", "v22.3.0" and "aws-cli/2.15.0
 * Python/3.11.6 …" all read as what they mean. It is shown as printed
 * ("psql (PostgreSQL) 15.8" is 15.8); only the comparison reads it as semver.
 */
import { constants } from 'node:fs'
import { access, stat } from 'node:fs/promises'
import { delimiter, join, resolve } from 'node:path'
import { stripVTControlCharacters } from 'node:util'
import semver from 'semver'
import { type CheckContext, error, fail, pass, type RunCheck } from './kind.ts'
import type { ToolParams as Params } from './kinds/tool.ts'
import { lastLines, type ProcessResult, runProcess } from './process.ts'

/** Runs a `tool` check (its parameters: kinds/tool.ts). */
export const checkTool: RunCheck<Params> = async (params, context) => {
  const path = await findExecutable(params.name, context)
  if (!path) {
    return params.name.includes('/')
      ? fail(`${params.name} is not an executable file`)
      : fail(`${params.name} is not on PATH`, {
          details: [`install ${params.name}, or add the folder that holds it to PATH`],
        })
  }
  // Plain words, no shell: `args` is a program's arguments, not shell text.
  const args = params.args?.split(/\s+/).filter(Boolean) ?? ['--version']
  const asked = `\`${[params.name, ...args].join(' ')}\``
  let result: ProcessResult
  try {
    result = await runProcess(path, args, {
      cwd: context.cwd,
      env: context.env,
      signal: context.signal,
    })
  } catch (cause) {
    if (context.signal.aborted) throw cause
    return error(`cannot run ${path}: ${(cause as Error).message}`)
  }
  const output = lastLines(result.output, 5)
  const version = versionIn(result.output)
  const evidence = { path, ...(version ? { version: version.printed } : {}), output }
  if (!version) {
    if (result.exitCode !== 0) {
      const ended =
        result.exitCode === null
          ? `was killed by ${result.signal}`
          : `exited with code ${result.exitCode}`
      return error(`${asked} ${ended}`, { details: output, evidence })
    }
    if (!params.version) return pass(`${params.name} is at ${path}`, { evidence })
    return error(`no version in the output of ${asked}`, { details: output, evidence })
  }
  if (params.version && !semver.satisfies(version.comparable, params.version, { loose: true })) {
    return fail(`${params.name} ${version.printed} does not satisfy ${params.version}`, {
      evidence,
    })
  }
  const within = params.version ? ` (satisfies ${params.version})` : ''
  return pass(`${params.name} ${version.printed}${within}`, { evidence })
}

/**
 * Where `name` runs from: a path (with a slash) relative to the checklist's
 * folder, else the first executable file of that name in the checks' PATH.
 */
async function findExecutable(name: string, context: CheckContext): Promise<string | null> {
  if (name.includes('/')) {
    const path = resolve(context.cwd, name)
    return (await isExecutableFile(path)) ? path : null
  }
  for (const folder of (context.env.PATH ?? '').split(delimiter)) {
    if (!folder) continue
    const path = join(resolve(context.cwd, folder), name)
    if (await isExecutableFile(path)) return path
  }
  return null
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    if (!(await stat(path)).isFile()) return false
    await access(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** A version as the program printed it, and as semver reads it to compare. */
export interface ToolVersion {
  /** `15.8`, `2.39.5`, `2`: the digits as printed, never padded. */
  readonly printed: string
  /** `15.8.0`: what a range is checked against. */
  readonly comparable: string
}

/**
 * The first version-looking token (`1.2`, `1.2.3`) of a program's output;
 * failing that, the first number of the first line ("v2"). Null when there is
 * none.
 */
export function versionIn(output: string): ToolVersion | null {
  const plain = stripVTControlCharacters(output)
  const firstLine = plain.trim().split('\n')[0] ?? ''
  const printed = /\d+\.\d+(?:\.\d+)?/.exec(plain)?.[0] ?? /\d+/.exec(firstLine)?.[0]
  const comparable = printed ? semver.coerce(printed, { loose: true })?.version : undefined
  return printed && comparable ? { printed, comparable } : null
}
