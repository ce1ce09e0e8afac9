/**
 * `watch` lag against a moto_server started here (src/run, loaded with tsx):
 * a writer appends events to a team run at random moments, as a driver's
 * outbox does, while a watcher reads the run on its interval — the same
 * `RunWatcher` over `teamRunSource` the `watch` command draws from. The lag of
 * an event is from the moment its write returned (it is in the store) to the
 * moment the watcher's snapshot holds it (what the screen draws next; Ink
 * renders within 17 ms of that, at 60 fps). Measured at the library level,
 * not by reading a terminal. Also: what one refresh costs on a long run, where
 * it reads only the new event, against reading the whole run again.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { register } from 'tsx/esm/api'
import { freePort, isMain, median, percentile, ROOT, report, row, sleep } from './lib.mjs'

register()
const source = (path) => import(join(ROOT, 'src', path))

const MOTO = process.env.MOTO_SERVER ?? '/root/.pyenv/shims/moto_server'

async function startMoto() {
  const port = await freePort()
  const child = spawn(MOTO, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: 'ignore',
    detached: true,
  })
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; i < 150; i++) {
    try {
      await fetch(`${url}/moto-api/`)
      return { url, child }
    } catch {
      await sleep(100)
    }
  }
  process.kill(-child.pid, 'SIGTERM')
  throw new Error('moto_server did not start')
}

function answer(i) {
  return {
    type: 'item-answered',
    at: new Date().toISOString(),
    by: 'ana',
    itemId: `phase-${i % 4}/item-${i}`,
    state: 'done',
  }
}

export async function run({ intervals = [2000, 500], events = 60, longRun = 2000, reps = 7 } = {}) {
  const moto = await startMoto()
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: moto.url,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
  })
  const { StoreObjects } = await source('run/team/objects.ts')
  const { createTeamRun, TeamRunWriter, writeEvent } = await source('run/team/team-run.ts')
  const { readTeamRunState } = await source('run/team/read-state.ts')
  const { Lease } = await source('run/team/lease.ts')
  const { TeamRunFollower } = await source('run/team/follow.ts')
  const { followedChecklist, RunWatcher, teamRunRead, teamRunSource } = await source('run/watch.ts')
  const { S3Client, CreateBucketCommand } = await import('@aws-sdk/client-s3')
  const { default: pLimit } = await import('p-limit')
  const bucket = 'dw-bench-watch'
  const s3 = new S3Client({ forcePathStyle: true })
  await s3.send(new CreateBucketCommand({ Bucket: bucket }))
  s3.destroy()
  const address = { kind: 's3', bucket, prefix: 'dw', source: 'bench' }
  // The writer and the watcher each with a client of their own, as two machines.
  const writerObjects = new StoreObjects(address)
  const watcherObjects = new StoreObjects(address)
  const header = (id) => ({
    format: 'deploy-wizard/run@2',
    id,
    checklist: { path: '/bench.md', title: 'Bench' },
    environment: 'prod',
    operator: 'ana',
    host: 'bench',
    startedAt: new Date().toISOString(),
    toolVersion: 'bench',
  })
  const driver = { holder: 'ana', host: 'bench', arn: 'arn:aws:iam::123456789012:user/ana' }
  const rows = []
  const notes = []
  try {
    for (const [n, intervalMs] of intervals.entries()) {
      const id = `prod-20261204-w${n}l${n}`
      await createTeamRun(writerObjects, header(id), '# Bench\n')
      const lease = await Lease.acquire(writerObjects, id, { driver })
      const writer = new TeamRunWriter(writerObjects, lease, 1)
      await writer.append({ id: 'first', entry: answer(0) })
      const follower = await TeamRunFollower.open(watcherObjects, id)
      const checklist = await followedChecklist(follower.run)
      const watcher = new RunWatcher(
        teamRunSource(follower, checklist),
        teamRunRead(follower.run, checklist),
        { intervalMs },
      )
      // When each item first appears in the watcher's view.
      const seenAt = new Map()
      watcher.subscribe(() => {
        const now = performance.now()
        for (const itemId of Object.keys(watcher.snapshot.state.items)) {
          if (!seenAt.has(itemId)) seenAt.set(itemId, now)
        }
      })
      watcher.start()
      const writtenAt = new Map()
      for (let i = 1; i <= events; i++) {
        // At random moments, so the writes fall anywhere in the watcher's interval.
        await sleep(Math.random() * intervalMs * 1.3)
        const entry = answer(i)
        await writer.append({ id: `e${i}`, entry })
        writtenAt.set(entry.itemId, performance.now())
      }
      const deadline = Date.now() + intervalMs * 3 + 10_000
      while (seenAt.size < events + 1 && Date.now() < deadline) await sleep(20)
      watcher.stop()
      const lags = [...writtenAt].map(([itemId, at]) => (seenAt.get(itemId) ?? Number.NaN) - at)
      const missed = lags.filter((lag) => Number.isNaN(lag)).length
      if (missed > 0) throw new Error(`${missed} events never reached the watcher`)
      const every = `every ${intervalMs >= 1000 ? `${intervalMs / 1000} s` : `${intervalMs} ms`}`
      rows.push(
        row(
          `watch lag, read ${every}: event in the store → in the view, p50`,
          percentile(lags, 50),
          null,
          null,
        ),
        row(`watch lag, read ${every}: p99`, percentile(lags, 99), null, null),
      )
      notes.push(
        `read ${every}: ${events} events written one at a time at random moments (0–1.3 intervals apart); worst ${Math.max(...lags).toFixed(0)} ms; a lag is at most about one interval and two reads (an event landing just after a read began waits for the next)`,
      )
    }

    // One refresh of a long run: only what is new, against reading it all again.
    const id = 'prod-20261204-wlng'
    await createTeamRun(writerObjects, header(id), '# Bench\n')
    const fill = pLimit(16)
    await Promise.all(
      Array.from({ length: longRun }, (_, i) =>
        fill(() => writeEvent(writerObjects, id, i + 1, { id: `l${i}`, entry: answer(i) })),
      ),
    )
    // The segments a driver leaves behind, written once (the follower itself never writes).
    await readTeamRunState(writerObjects, id)
    const follower = await TeamRunFollower.open(watcherObjects, id)
    const refreshes = []
    const wholes = []
    for (let i = 0; i < reps; i++) {
      await writeEvent(writerObjects, id, longRun + i + 1, {
        id: `more${i}`,
        entry: answer(longRun + i),
      })
      let started = performance.now()
      const added = await follower.refresh()
      refreshes.push(performance.now() - started)
      if (added !== 1) throw new Error(`refresh read ${added} events, not 1`)
      started = performance.now()
      await readTeamRunState(watcherObjects, id, { seal: false })
      wholes.push(performance.now() - started)
    }
    rows.push(
      row(
        `one refresh of a ${longRun}-event run with 1 new event (list after the last, 1 get, the lease)`,
        median(refreshes),
        median(wholes),
        null,
        'ms',
        'reference: reading the run whole again',
      ),
    )
    notes.push(
      'against one moto_server on a free port; the writer and the watcher each have their own S3 client; the watcher is the `RunWatcher` the `watch` command draws (a read starts an interval after the last one ended)',
      `refresh: median of ${reps}, reference the whole read (segments, then the events after them) of the same run`,
      "end to end, an operator's answer reaches a watcher in the outbox's answer → store time (the Team store row) plus this lag",
    )
    return report('Watch', rows, notes)
  } finally {
    await writerObjects.close()
    await watcherObjects.close()
    try {
      process.kill(-moto.child.pid, 'SIGTERM')
    } catch {}
  }
}

if (isMain(import.meta.url))
  await run(process.env.BENCH_QUICK ? { intervals: [500], events: 10, longRun: 300, reps: 2 } : {})
