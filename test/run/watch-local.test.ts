/**
 * Watching a run on this machine (no team store): its files read again on each
 * tick, while a wizard — here, the store's own handle — holds it open and
 * answers. The watch takes no lock and writes nothing in the home.
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { loadChecklist } from '../../src/checklist/load.ts'
import { parseChecklist } from '../../src/checklist/parse.ts'
import type { JournalEntry } from '../../src/run/model.ts'
import { resumeRun, startRun } from '../../src/run/start.ts'
import { createRun, readRunUnlocked } from '../../src/run/store.ts'
import {
  checklistOfRun,
  describeHolder,
  localRunSource,
  openingChecklist,
  RunWatcher,
} from '../../src/run/watch.ts'
import { parseSeed, SEEDS } from '../helpers/fixtures.ts'
import { tempDir } from '../helpers/temp.ts'

const checklist = parseSeed(SEEDS[0]).checklist

function answer(itemId: string): JournalEntry {
  return { type: 'item-answered', at: new Date().toISOString(), by: 'ana', itemId, state: 'done' }
}

/** Every file of the home with its size and modification time: what a write would change. */
function homeFiles(home: string): string[] {
  return readdirSync(home, { recursive: true, encoding: 'utf8' })
    .sort()
    .map((name) => {
      const stat = statSync(join(home, name))
      return `${name} ${stat.size} ${stat.mtimeMs}`
    })
}

/** Every file of the home with its size: a file written or added changes it. */
function homeNames(home: string): string[] {
  return readdirSync(home, { recursive: true, encoding: 'utf8' })
    .sort()
    .map((name) => `${name} ${statSync(join(home, name)).size}`)
}

describe('watching a run on this machine', () => {
  it('shows answers as they are saved, and who has the run open, without a lock or a write', async () => {
    const home = tempDir('watch-local')
    const env = { DEPLOY_WIZARD_HOME: home }
    const run = createRun({ checklist, environment: 'prod', env })
    const [first, second] = checklist.items
    assert.ok(first && second)
    run.append(answer(first.id))
    const source = localRunSource(run.id, checklist, env)
    const watcher = new RunWatcher(source, await source.read(), { intervalMs: 1_000 })
    assert.equal(watcher.snapshot.state.items[first.id]?.state, 'done')
    assert.match(
      describeHolder(watcher.snapshot, new Date()),
      new RegExp(`^open in PID ${process.pid} on `),
    )

    run.append(answer(second.id))
    const before = homeFiles(home)
    await watcher.tick()
    assert.equal(watcher.snapshot.state.items[second.id]?.state, 'done')
    assert.deepEqual(homeFiles(home), before, 'the watch wrote in the home')

    run.append({ type: 'finished', at: '2026-12-04T12:30:05.000Z', by: 'ana' })
    run.close()
    await watcher.tick()
    const at = new Date('2026-12-04T12:30:05.000Z').toTimeString().slice(0, 8)
    assert.equal(describeHolder(watcher.snapshot, new Date()), `finished at ${at} by ana`)
  })

  it('keeps the last view and says so when the run file can no longer be read', async () => {
    const home = tempDir('watch-local-gone')
    const env = { DEPLOY_WIZARD_HOME: home }
    const run = createRun({ checklist, environment: 'prod', env })
    run.close()
    const source = localRunSource(run.id, checklist, env)
    const watcher = new RunWatcher(source, await source.read(), { intervalMs: 1_000 })
    // Damaged by hand: the watch tells, and does not move it aside (that is a write).
    const file = join(home, 'runs', `${run.id}.json`)
    writeFileSync(file, '{ not json')
    await watcher.tick()
    assert.ok(watcher.snapshot.failingSince)
    assert.equal(watcher.snapshot.state.header.id, run.id)
    assert.match(watcher.snapshot.problem ?? '', /cannot be read/)
    assert.equal(readFileSync(file, 'utf8'), '{ not json')
    assert.equal(readRunUnlocked('prod-20990101-zzzz', { env }), undefined)
  })

  it('lays the run out from the checklist it is on: an edited file once the run is resumed with it', async () => {
    const home = tempDir('watch-local-edited')
    const env = { DEPLOY_WIZARD_HOME: join(home, 'home') }
    const path = join(home, 'deploy.md')
    const before = '# Deploy\n\n## Steps\n- [ ] Tag the release\n- [ ] Announce it\n'
    const edited = before.replace(
      '- [ ] Announce it',
      '- [ ] Drain the old nodes\n- [ ] Announce it',
    )
    writeFileSync(path, before)
    const started = startRun((await loadChecklist(path, env)).checklist, 'dev', 'ana', { env })
    await started.close()
    const source = localRunSource(started.id, started.checklist, env)
    const watcher = new RunWatcher(source, await source.read(), { intervalMs: 1_000 })
    const texts = () => watcher.snapshot.checklist.items.map((item) => item.plain)

    // Edited, not yet resumed: the run is still on the text it started with.
    writeFileSync(path, edited)
    await watcher.tick()
    assert.deepEqual(texts(), ['Tag the release', 'Announce it'])

    // Resumed with it in another terminal: the watch changes over at its next read.
    const newer = (await loadChecklist(path, env)).checklist
    const resumed = resumeRun(started.id, newer, 'ana', 3_600_000, { env })
    // Nothing written: the run's files as they were, no file added or changed anywhere (the
    // parse cache's entry it read is only marked as used, as every read of it does).
    const files = homeFiles(join(env.DEPLOY_WIZARD_HOME, 'runs'))
    const names = homeNames(env.DEPLOY_WIZARD_HOME)
    await watcher.tick()
    assert.deepEqual(texts(), ['Tag the release', 'Drain the old nodes', 'Announce it'])
    assert.equal(watcher.snapshot.checklist.sha256, newer.sha256)
    assert.deepEqual(homeFiles(join(env.DEPLOY_WIZARD_HOME, 'runs')), files, 'the watch wrote')
    assert.deepEqual(homeNames(env.DEPLOY_WIZARD_HOME), names, 'the watch wrote in the home')

    // Edited again while the run is on the last one: a watch opened now finds that one's parse.
    writeFileSync(path, `${edited}- [ ] Close the ticket\n`)
    const found = await checklistOfRun(path, newer.sha256, env)
    assert.deepEqual(
      found?.items.map((item) => item.plain),
      ['Tag the release', 'Drain the old nodes', 'Announce it'],
    )
    await resumed.session.close()
  })

  it('opens on the file as it is now when the text the run is on is gone, writing no parse to the cache', async () => {
    const home = tempDir('watch-local-fallback')
    const env = { DEPLOY_WIZARD_HOME: join(home, 'home') }
    const path = join(home, 'deploy.md')
    writeFileSync(path, '# Deploy\n\n## Steps\n- [ ] Tag the release\n')
    // Started from a parse that never reached the cache (DEPLOY_WIZARD_NO_CACHE, a full disk).
    const parsed = parseChecklist('# Deploy\n\n## Steps\n- [ ] Tag the release\n', { path })
    const run = createRun({ checklist: parsed.checklist, environment: 'dev', env })
    run.close()
    // Edited since, never resumed with: neither the cache nor the file has the run's text.
    writeFileSync(path, '# Deploy\n\n## Steps\n- [ ] Tag the release\n- [ ] Announce it\n')
    const read = readRunUnlocked(run.id, { env })
    assert.ok(read)
    const names = homeNames(env.DEPLOY_WIZARD_HOME)
    const checklist = await openingChecklist(read, env)
    assert.deepEqual(
      checklist.items.map((item) => item.plain),
      ['Tag the release', 'Announce it'],
    )
    assert.deepEqual(homeNames(env.DEPLOY_WIZARD_HOME), names, 'the watch wrote in the home')
  })
})
