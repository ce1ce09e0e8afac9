/**
 * A fresh clone installs cleanly: `npm install` prints no warning and leaves
 * package-lock.json as committed, so `git status` stays clean.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const pkg = JSON.parse(readFileSync(`${root}/package.json`, 'utf8'))
const lock = JSON.parse(readFileSync(`${root}/package-lock.json`, 'utf8'))
const packages: Record<string, LockEntry> = lock.packages

interface LockEntry {
  readonly optionalDependencies?: Record<string, string>
  readonly hasInstallScript?: boolean
}

describe('a fresh clone', () => {
  it('has every platform package in the lock file, so npm install does not add them', () => {
    // npm locks the optional packages of every platform (Biome's and esbuild's binaries), not
    // only this machine's. A lock file written without them (pruned by hand, or by an install
    // with optional packages left out) is rewritten by the next `npm install` on a fresh clone.
    const missing: string[] = []
    for (const [path, entry] of Object.entries(packages)) {
      for (const name of Object.keys(entry.optionalDependencies ?? {})) {
        const locked = packages[`node_modules/${name}`] ?? packages[`${path}/node_modules/${name}`]
        if (!locked) missing.push(`${name} (for ${path})`)
      }
    }
    assert.deepEqual(missing, [])
  })

  it('approves the install script of every package that has one, so npm does not warn', () => {
    const scripted = Object.entries(packages)
      .filter(([, entry]) => entry.hasInstallScript)
      .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length))
    assert.ok(scripted.length > 0)
    for (const name of scripted) assert.equal(pkg.allowScripts?.[name], true, name)
  })
})
