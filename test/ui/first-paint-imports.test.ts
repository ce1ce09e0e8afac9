/**
 * The first paint is drawn before Ink loads: nothing it imports, directly or through what it
 * imports, is Ink, React, an ink-* package or a .tsx module (which would bring them).
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

const SRC = fileURLToPath(new URL('../../src/', import.meta.url))

/** Every module `path` loads through its imports, static and dynamic: src files and packages. */
function reached(path: string, seen = new Set<string>(), packages = new Set<string>()) {
  if (seen.has(path)) return { seen, packages }
  seen.add(path)
  // Type-only imports are erased: they load nothing.
  const text = readFileSync(path, 'utf8').replace(/^(import|export) type [^']*'[^']+'/gm, '')
  for (const match of text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
    const spec = match[1] ?? ''
    if (spec.startsWith('.')) reached(resolve(dirname(path), spec), seen, packages)
    else packages.add(spec)
  }
  return { seen, packages }
}

test('the phase screen’s first paint loads no Ink, no React and no .tsx module', () => {
  const { seen, packages } = reached(`${SRC}ui/first-paint/phase-screen.ts`)
  const tsx = [...seen].filter((path) => path.endsWith('.tsx'))
  assert.deepEqual(tsx, [])
  const ui = [...packages].filter((name) => /^(ink|react)($|\/|-)|^ink-/.test(name))
  assert.deepEqual(ui, [])
  assert.ok(seen.size > 10, 'the walk follows the imports')
})
