/**
 * `npm run build`: bundles src/ and every runtime dependency into dist/ with
 * esbuild, so `npx deploy-wizard` installs one package instead of ~180 and
 * starts without resolving ~1,000 modules (the figures are in the README's
 * Benchmarks). Code split at each dynamic import: the AWS SDK, `pg`, the
 * markdown stack and Ink load only when a command needs them. Type-checking is
 * `npm run typecheck`; esbuild only strips types.
 *
 * The licences of the bundled packages are gathered into
 * dist/THIRD_PARTY_LICENSES.md, as their terms ask when their code is shipped.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const dist = join(root, 'dist')

/** How everything is bundled; the start-up bench builds its reference Ink app the same way. */
export const bundleOptions = {
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  jsx: 'automatic',
  // The ES-module builds where a package has both (the AWS SDK): a dynamic import() of a
  // CommonJS chunk would only have a default export, and ESM shakes better.
  mainFields: ['module', 'main'],
  // React and Ink pick their production builds from this; left undefined, they run their
  // development builds (extra checks on every render: twice the CPU while spinners turn).
  define: { 'process.env.NODE_ENV': '"production"' },
  minifySyntax: true,
  minifyWhitespace: true,
  minifyIdentifiers: true,
  keepNames: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  // Optional at run time and absent here: pg's native driver, Ink's React DevTools hook (DEV=true).
  external: ['pg-native', 'react-devtools-core'],
  // Some bundled dependencies are CommonJS and call require() for Node's built-ins.
  banner: {
    js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
  },
}

/** Where the build leaves esbuild's metafile (which package went into which chunk), for the bench. */
export const METAFILE = join(root, '.build', 'metafile.json')

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  rmSync(dist, { recursive: true, force: true })
  const result = await build({
    ...bundleOptions,
    absWorkingDir: root,
    entryPoints: ['src/cli.ts'],
    outdir: 'dist',
  })
  writeFileSync(join(dist, 'THIRD_PARTY_LICENSES.md'), licences(result.metafile))
  mkdirSync(dirname(METAFILE), { recursive: true })
  writeFileSync(METAFILE, JSON.stringify(result.metafile))
  if (!existsSync(join(dist, 'cli.js'))) throw new Error('the build wrote no dist/cli.js')
}

/**
 * Every bundled package (name@version) with its licence text; packages whose
 * texts are identical (the AWS SDK's many Apache-2.0 copies) share one section.
 */
function licences(metafile) {
  const seen = new Set()
  const byText = new Map()
  for (const input of Object.keys(metafile.inputs)) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input)
    if (!match || seen.has(match[1])) continue
    seen.add(match[1])
    const folder = join(root, match[1])
    const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'))
    const file = readdirSync(folder).find((name) => /^(licen[cs]e|copying)/i.test(name))
    const text = file
      ? readFileSync(join(folder, file), 'utf8').trim()
      : `License: ${manifest.license}`
    byText.set(text, [...(byText.get(text) ?? []), `${manifest.name}@${manifest.version}`])
  }
  const sections = [...byText]
    .map(([text, ids]) => ({ ids: ids.sort(), text }))
    .sort((a, b) => a.ids[0].localeCompare(b.ids[0]))
    .map(({ ids, text }) => `## ${ids.join(', ')}\n\n\`\`\`text\n${text}\n\`\`\`\n`)
  return `# Third-party licences\n\ndeploy-wizard's dist/ bundles code from these packages.\n\n${sections.join('\n')}`
}
