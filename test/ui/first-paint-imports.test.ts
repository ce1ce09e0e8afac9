/**
 * The first paint is drawn before Ink loads: nothing it imports, directly or through what it
 * imports, is Ink, React, an ink-* package or a .tsx module (which would bring them); nor the
 * packages Ink draws text with, which cost the paint as much as all it does (text-kit.ts).
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

/** The packages Ink measures, cuts, wraps, styles and codes text with, and what they import. */
const TEXT_PACKAGES =
  /node_modules\/(string-width|cli-truncate|wrap-ansi|slice-ansi|ansi-styles|@alcalzone\/ansi-tokenize|strip-ansi|ansi-regex|get-east-asian-width|emoji-regex|chalk\/source\/index\.js)/

/** Every file bundled into the first paint, from its entry (first-frame.ts) down. */
async function paintBundleInputs(): Promise<string[]> {
  const { build } = await import('esbuild')
  const result = await build({
    entryPoints: [`${SRC}ui/first-paint/first-frame.ts`],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'silent',
  })
  return Object.keys(result.metafile.inputs)
}

test('both first screens are painted from pure modules: neither Ink, React nor any .tsx is bundled in', async () => {
  const inputs = await paintBundleInputs()
  for (const screen of ['trust-screen.ts', 'phase-screen.ts', 'confirm-layout.ts']) {
    assert.ok(
      inputs.some((input) => input.endsWith(screen)),
      screen,
    )
  }
  assert.deepEqual(
    inputs.filter((input) =>
      /node_modules\/(ink|react|ink-[^/]+|react-[^/]+)\/|\.tsx$/.test(input),
    ),
    [],
  )
})

test('the first paint bundles none of the packages Ink draws text with, only chalk’s colour support', async () => {
  const inputs = await paintBundleInputs()
  assert.ok(inputs.some((input) => input.endsWith('src/ui/text-kit.ts')))
  assert.ok(inputs.some((input) => input.includes('chalk/source/vendor/supports-color')))
  assert.deepEqual(
    inputs.filter((input) => TEXT_PACKAGES.test(input)),
    [],
  )
})
