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
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const dist = join(root, 'dist')

/**
 * Each AWS SDK client package's index also exports what deploy-wizard never
 * uses: the aggregated client class (`EC2`, every operation as a method), the
 * waiters and every enum (EC2's alone is 100 kB). A dynamic `import()` takes a
 * module whole, so src/'s imports of `@aws-sdk/client-*` are given a module of
 * their own with only the client class, the commands, the paginators and the
 * errors: the same files, a fifth less code (the package budget is 1.5 MB
 * packed). The packages have no `exports` map, so their files may be named.
 *
 * Of the commands, only those deploy-wizard may send: the read operations an
 * `aws` check may call (src/checks/aws/read-operations.ts) and every command
 * src/ names. A write command's schema then leaves the bundle with it (EC2's
 * client: 277 → 252 kB gzipped); a command src/ came to import and this missed
 * would fail the build, never a run.
 */
const slimAwsClients = {
  name: 'slim-aws-clients',
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/client-[a-z0-9-]+$/ }, (args) =>
      args.importer.startsWith(join(root, 'src'))
        ? { path: args.path, namespace: 'slim-aws-client' }
        : undefined,
    )
    const sendable = sendableCommands()
    build.onLoad({ filter: /.*/, namespace: 'slim-aws-client' }, (args) => {
      const dir = join(root, 'node_modules', args.path, 'dist-es')
      const client = readdirSync(dir).find((name) => /^[A-Za-z0-9]+Client\.js$/.test(name))
      const parts = [
        client,
        ...readdirSync(join(dir, 'commands'))
          .filter((name) => sendable.has(name.replace(/\.js$/, '')))
          .map((name) => `commands/${name}`),
        'pagination/index.js',
        'models/errors.js',
        ...readdirSync(join(dir, 'models'))
          .filter((name) => name.endsWith('ServiceException.js'))
          .map((name) => `models/${name}`),
        // acm-certificate.ts lists every key type, so that ListCertificates shows them all.
        ...(args.path === '@aws-sdk/client-acm' ? ['models/enums.js'] : []),
      ].filter((part) => part && existsSync(join(dir, part)))
      return {
        contents: parts
          .map((part) => `export * from ${JSON.stringify(`${args.path}/dist-es/${part}`)}`)
          .join('\n'),
        resolveDir: root,
        loader: 'js',
      }
    })
  },
}

/**
 * `XCommand` for every operation X an `aws` check may call (the generated list of
 * read operations, all services together) and every `…Command` named in src/.
 */
function sendableCommands() {
  const names = new Set()
  const operations = readFileSync(join(root, 'src', 'checks', 'aws', 'read-operations.ts'), 'utf8')
  for (const [, list] of operations.matchAll(/'([A-Za-z0-9 ]+)'/g)) {
    for (const operation of list.split(' ')) names.add(`${operation}Command`)
  }
  const walk = (folder) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (/\.tsx?$/.test(entry.name)) {
        for (const [name] of readFileSync(path, 'utf8').matchAll(/\b[A-Z][A-Za-z0-9]*Command\b/g))
          names.add(name)
      }
    }
  }
  walk(join(root, 'src'))
  return names
}

/**
 * yoga (Ink's layout engine) ships its WASM as a base64 `data:` URL and, where
 * `fetch` exists, loads it with `fetch()`: on Node that first call loads undici,
 * about 40 ms of CPU at every start of the wizard, for a file already in memory.
 * The bytes go into the build as a file of their own (dist/yoga-*.wasm, 28 kB
 * packed instead of 39 kB of base64) that the module reads with `readFileSync`
 * and hands to the loader as its `wasmBinary`, the loader's own option for bytes
 * it already has: no fetch, no base64 to decode. The patch names the exact text
 * it replaces and fails the build when a new yoga no longer has it.
 */
const yogaWasmFromFile = {
  name: 'yoga-wasm-from-file',
  setup(build) {
    const PREFIX = 'data:application/octet-stream;base64,'
    let wasmBytes
    build.onLoad(
      { filter: /[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/ },
      (args) => {
        const source = readFileSync(args.path, 'utf8')
        const dataUrl = new RegExp(`H="${PREFIX}([A-Za-z0-9+/=]+)"`).exec(source)
        const options = 'var w;h.wasmBinary&&(w=h.wasmBinary);'
        if (!dataUrl || source.split(options).length !== 2)
          throw new Error(
            `yoga-layout changed: ${args.path} is not the loader yogaWasmFromFile patches`,
          )
        wasmBytes = Buffer.from(dataUrl[1], 'base64')
        return {
          contents: [
            "import{readFileSync as __readWasm}from'node:fs';",
            "import __wasmFile from'yoga-wasm-bytes';",
            source
              .replace(dataUrl[0], `H="${PREFIX}"`)
              .replace(
                options,
                'var w=h.wasmBinary||__readWasm(new URL(__wasmFile,import.meta.url));',
              ),
          ].join(''),
          loader: 'js',
        }
      },
    )
    build.onResolve({ filter: /^yoga-wasm-bytes$/ }, () => ({
      path: 'yoga.wasm',
      namespace: 'yoga-wasm',
    }))
    build.onLoad({ filter: /.*/, namespace: 'yoga-wasm' }, () => ({
      contents: wasmBytes,
      loader: 'file',
    }))
  },
}

/**
 * Every bundled `import 'string-width'` (Ink's, cli-truncate's, wrap-ansi's, ours) gets
 * src/ui/string-width-cache.ts, which calls the real one once per text: Ink measures each line
 * it draws three times a frame, and a line that is not plain ASCII costs string-width tens of
 * microseconds (the file says more). Same answers, so the screen cannot change.
 */
const CACHED_STRING_WIDTH = join(root, 'src', 'ui', 'string-width-cache.ts')
const cachedStringWidth = {
  name: 'cached-string-width',
  setup(build) {
    build.onResolve({ filter: /^string-width$/ }, (args) =>
      args.importer === CACHED_STRING_WIDTH ? undefined : { path: CACHED_STRING_WIDTH },
    )
  },
}

/**
 * yaml's `exports` give Node its CommonJS build; every other platform gets its ES-module build
 * (`browser/`), the same code and files. esbuild bundles a CommonJS module as a closure that
 * is run whole, and ES modules flattened into one scope, with what is never imported left out:
 * the parser loads yaml for every checklist not in the parse cache, so the ES build is taken.
 * The builds differ only in how a warning is printed (emitWarning, console.warn), and only
 * `toJS` and `parse` warn; front-matter.ts reads the document's nodes.
 */
const yamlEsm = {
  name: 'yaml-esm',
  setup(build) {
    build.onResolve({ filter: /^yaml$/ }, () => ({
      path: join(root, 'node_modules', 'yaml', 'browser', 'index.js'),
    }))
  },
}

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
  plugins: [slimAwsClients, yogaWasmFromFile, cachedStringWidth, yamlEsm],
  // Some bundled dependencies are CommonJS and call require() for Node's built-ins.
  banner: {
    js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
  },
}

/** Where the build leaves esbuild's metafile (which package went into which chunk), for the bench. */
export const METAFILE = join(root, '.build', 'metafile.json')

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  rmSync(dist, { recursive: true, force: true })
  const buildId = sourcesHash()
  const result = await build({
    ...bundleOptions,
    // The parse cache keeps only what this very code parsed (src/checklist/parse-cache.ts).
    define: { ...bundleOptions.define, __DEPLOY_WIZARD_BUILD__: JSON.stringify(buildId) },
    absWorkingDir: root,
    entryPoints: ['src/cli.ts'],
    outdir: 'dist',
  })
  writeFileSync(join(dist, 'THIRD_PARTY_LICENSES.md'), licences(result.metafile))
  mkdirSync(dirname(METAFILE), { recursive: true })
  writeFileSync(METAFILE, JSON.stringify(result.metafile))
  if (!existsSync(join(dist, 'cli.js'))) throw new Error('the build wrote no dist/cli.js')
  // The bundled checklists parsed now, so that running one loads no parser.
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/parse-bundled.ts', dist, buildId], {
    cwd: root,
    stdio: 'inherit',
  })
}

/** A hash of package.json, the lock file and every file under src/: what the bundle was built from. */
function sourcesHash() {
  const hash = createHash('sha256')
    .update(readFileSync(join(root, 'package.json')))
    .update(readFileSync(join(root, 'package-lock.json')))
  const walk = (folder) => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      const path = join(folder, entry.name)
      if (entry.isDirectory()) walk(path)
      else hash.update(`\0${relative(root, path)}\0`).update(readFileSync(path))
    }
  }
  walk(join(root, 'src'))
  return hash.digest('hex').slice(0, 16)
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
