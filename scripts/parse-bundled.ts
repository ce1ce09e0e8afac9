/**
 * `node --import tsx scripts/parse-bundled.ts <dist> <build>`, run by scripts/build.mjs:
 * parses each bundled checklist (checklists/*.md) once, at build time, and writes its
 * parse-cache entry to `<dist>/parsed/<name>.md.json.br` for the build named `<build>`, so
 * the wizard starts on a bundled checklist without loading the parser
 * (src/checklist/parse-cache.ts reads it when the file's sha256 is the same).
 */
import { createHash } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { brotliCompressSync, constants } from 'node:zlib'
import { BUNDLED_FOLDER } from '../src/checklist/bundled.ts'
import { parseChecklist } from '../src/checklist/parse.ts'
import { serializeEntry } from '../src/checklist/parse-cache.ts'

const [dist, build] = process.argv.slice(2)
if (!dist || !build) throw new Error('usage: parse-bundled.ts <dist> <build>')
const out = join(dist, 'parsed')
mkdirSync(out, { recursive: true })
for (const name of readdirSync(BUNDLED_FOLDER).filter((n) => n.endsWith('.md'))) {
  const path = join(BUNDLED_FOLDER, name)
  const bytes = readFileSync(path)
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  const result = parseChecklist(bytes.toString('utf8'), { path, sha256 })
  // Brotli at its best, with a window the whole entry fits in: ~10 kB for ~250 kB of JSON.
  const packed = brotliCompressSync(serializeEntry(result, build), {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_LGWIN]: 24 },
  })
  writeFileSync(join(out, `${name}.json.br`), packed)
}
