/**
 * The first `npx deploy-wizard`: install the packed package from a local
 * tarball into an empty project with an empty npm cache (the registry serves
 * whatever it depends on), against the same install of a one-file package with
 * no dependencies (npm's own floor). Reports time, installed size and the
 * number of packages installed.
 */
import { execFileSync } from 'node:child_process'
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { interleave, ROOT, report, row, timeRun } from './lib.mjs'

/** The package's size budget (issue 14): packed, as npm downloads it. */
const PACKED_BUDGET = 1_500_000

const REPS = 3
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm'

function pack(folder, into) {
  const out = execFileSync(NPM, ['pack', '--json', '--pack-destination', into], {
    cwd: folder,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  const [info] = JSON.parse(out)
  return { file: join(into, info.filename), size: info.size, unpacked: info.unpackedSize }
}

/** A package with one file and no dependencies: what any `npx` install costs at least. */
function referencePackage(work) {
  const folder = join(work, 'reference')
  mkdirSync(join(folder, 'bin'), { recursive: true })
  writeFileSync(
    join(folder, 'package.json'),
    JSON.stringify({ name: 'bench-reference', version: '1.0.0', bin: { ref: 'bin/ref.js' } }),
  )
  writeFileSync(join(folder, 'bin', 'ref.js'), '#!/usr/bin/env node\n')
  return pack(folder, work)
}

function folderBytes(path) {
  let total = 0
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const full = join(path, entry.name)
    if (entry.isDirectory()) total += folderBytes(full)
    else if (entry.isFile()) total += statSync(full).size
  }
  return total
}

/** Installs `tarball` into a fresh empty project with a fresh empty cache. */
async function install(work, tarball, label, counter) {
  const n = counter.next++
  const project = join(work, `${label}-${n}`)
  const cache = join(work, `cache-${label}-${n}`)
  mkdirSync(project)
  writeFileSync(join(project, 'package.json'), '{"name":"bench-project","private":true}\n')
  const { ms, code, stderr } = await timeRun(
    [NPM, 'install', tarball, '--cache', cache, '--no-audit', '--no-fund', '--loglevel=error'],
    { cwd: project },
  )
  if (code !== 0) throw new Error(`npm install ${label} failed: ${stderr.trim()}`)
  const lock = JSON.parse(readFileSync(join(project, 'node_modules', '.package-lock.json'), 'utf8'))
  const packages = Object.keys(lock.packages).filter((key) => key.startsWith('node_modules/'))
  const bytes = folderBytes(join(project, 'node_modules'))
  rmSync(cache, { recursive: true, force: true })
  return { ms, packages: packages.length, bytes }
}

export async function run() {
  const work = mkdtempSync(join(tmpdir(), 'dw-bench-install-'))
  try {
    const subject = pack(ROOT, work)
    const reference = referencePackage(work)
    const counter = { next: 0 }
    let sizes
    const times = await interleave(
      async () => (await install(work, reference.file, 'ref', counter)).ms,
      async () => {
        sizes = await install(work, subject.file, 'subject', counter)
        return sizes.ms
      },
      { reps: REPS, warmup: 0 },
    )
    const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`
    return report(
      'First npx',
      [
        row(
          '`npm install` of the packed tarball, empty cache, empty project',
          times.subject,
          times.ref,
          null,
        ),
      ],
      [
        `tarball ${(subject.size / 1e3).toFixed(0)} kB packed (budget ${PACKED_BUDGET / 1e6} MB: ${subject.size <= PACKED_BUDGET ? 'PASS' : 'MISS'}), ${(subject.unpacked / 1e3).toFixed(0)} kB unpacked`,
        `installed: ${sizes.packages} packages (deploy-wizard and ${sizes.packages - 1} dependencies), ${mb(sizes.bytes)} in node_modules`,
        `reference = the same install of a one-file package with no dependencies (npm's floor); medians of ${REPS} interleaved installs, each with its own empty cache, dependencies from ${execFileSync(NPM, ['config', 'get', 'registry'], { encoding: 'utf8' }).trim()}`,
      ],
    )
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}
