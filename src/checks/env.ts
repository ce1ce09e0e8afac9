/**
 * `env`: an environment variable, or a key of a dotenv file, is set and fit
 * for production: long enough, not a known default, without forbidden text,
 * matching a pattern. Its value is never shown, only its length. When it is a
 * secret — its name looks like one (`JWT_SECRET`, `DB_PASSWORD`) or the check
 * asks for a `min-length` — it is also handed to the redactor before anything
 * else happens, so no later output of the run shows it either. Plain settings
 * (`LOG_FORMAT=json`) are not masked elsewhere: masking `json` or `INFO` would
 * garble every other check's output.
 */
import { resolve } from 'node:path'
import { parseEnv } from 'node:util'
import { type CheckContext, error, fail, pass, type RunCheck } from './kind.ts'
import type { EnvParams as Params } from './kinds/env.ts'
import type { Pattern } from './params.ts'
import { readTextFile } from './read-file.ts'
import { isSecretVariable } from './redact.ts'
import type { CheckOutcome } from './runner.ts'

/** Runs an `env` check (its parameters: kinds/env.ts). */
export const checkEnv: RunCheck<Params> = async (params, context) => {
  const source = await readSource(params.file, context)
  if ('problem' in source) return source.problem
  const value = source.values[params.name]
  // Before anything could print it: every later output of this run masks a secret.
  if (isSecretVariable(params.name, value) || params['min-length'] !== undefined) {
    context.redactor.add(value)
  }
  const name = params.name
  const where = params.file ? ` in ${params.file}` : ''
  const evidence = {
    name,
    source: params.file ?? 'environment',
    ...(value === undefined ? {} : { length: value.length }),
  }
  if (value === undefined) return fail(`${name} is not set${where}`, { evidence })
  if (value === '') return fail(`${name} is empty${where}`, { evidence })
  const unmet = unmetRequirements(name, value, params)
  const [first] = unmet
  if (first !== undefined) return fail(first, { details: unmet, evidence })
  return pass(`${name} is set${where} (${characters(value.length)})`, { evidence })
}

interface Requirements {
  readonly 'min-length'?: number | undefined
  readonly not?: readonly string[] | undefined
  readonly 'not-contains'?: string | undefined
  readonly matches?: Pattern | undefined
  readonly equals?: string | undefined
}

/** One sentence per requirement the value misses; none of them shows the value. */
function unmetRequirements(name: string, value: string, params: Requirements): string[] {
  const unmet: string[] = []
  const minLength = params['min-length']
  if (minLength !== undefined && value.length < minLength) {
    unmet.push(`${name} is ${characters(value.length)} (at least ${minLength} required)`)
  }
  if (params.not?.includes(value)) unmet.push(`${name} is one of the default values`)
  const forbidden = params['not-contains']
  if (forbidden !== undefined && value.includes(forbidden)) {
    unmet.push(`${name} contains '${forbidden}'`)
  }
  if (params.matches && !params.matches.test(value)) {
    unmet.push(`${name} does not match ${params.matches}`)
  }
  if (params.equals !== undefined && value !== params.equals) {
    unmet.push(`${name} is not '${params.equals}'`)
  }
  return unmet
}

type Source =
  | { readonly values: Readonly<Record<string, string | undefined>> }
  | { readonly problem: CheckOutcome }

/** The variables to look in: the checks' environment, or a dotenv file's keys. */
async function readSource(file: string | undefined, context: CheckContext): Promise<Source> {
  if (file === undefined) return { values: context.env }
  try {
    const read = await readTextFile(resolve(context.cwd, file), context.signal)
    if (read.kind === 'not-a-file') {
      return { problem: error(`${file} is ${read.what}, not a dotenv file`) }
    }
    if (read.kind === 'too-large')
      return { problem: error(`${file} is too large for a dotenv file`) }
    return { values: parseEnv(read.text) }
  } catch (cause) {
    if (context.signal.aborted) throw cause
    const code = (cause as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return { problem: fail(`${file} does not exist`) }
    if (code === 'EISDIR') return { problem: error(`${file} is a folder, not a dotenv file`) }
    return { problem: error(`cannot read ${file}: ${(cause as Error).message}`) }
  }
}

function characters(count: number): string {
  return count === 1 ? '1 character' : `${count} characters`
}
