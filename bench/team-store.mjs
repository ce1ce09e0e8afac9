/**
 * The team store against a moto_server started here (src/run/team, loaded
 * with tsx): reading a run of 2,000 events — its segments, then the events
 * after them, 32 gets at a time — against the first read, which fetches every
 * event and writes the segments, and how
 * long an answer takes from saved locally (the outbox's `add`) to being in
 * the store (p50/p99, report only).
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { register } from 'tsx/esm/api'
import { absRow, freePort, isMain, median, percentile, ROOT, report, row, sleep } from './lib.mjs'

register()
const source = (path) => import(join(ROOT, 'src', path))

const MOTO = process.env.MOTO_SERVER ?? '/root/.pyenv/shims/moto_server'

/** A moto_server of its own on a free port (also the persistence bench's, for a team run). */
export async function startMoto() {
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

export async function run({ events = 2000, reps = 5, answers = 200 } = {}) {
  const moto = await startMoto()
  const dir = mkdtempSync(join(tmpdir(), 'dw-bench-team-'))
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: moto.url,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
  })
  const { StoreObjects } = await source('run/team/objects.ts')
  const { createTeamRun, readTeamRun, writeEvent } = await source('run/team/team-run.ts')
  const { Lease } = await source('run/team/lease.ts')
  const { Outbox } = await source('run/team/outbox.ts')
  const { S3Client, CreateBucketCommand } = await import('@aws-sdk/client-s3')
  const { default: pLimit } = await import('p-limit')
  const bucket = 'dw-bench-team'
  const s3 = new S3Client({ forcePathStyle: true })
  await s3.send(new CreateBucketCommand({ Bucket: bucket }))
  s3.destroy()
  const objects = new StoreObjects({ kind: 's3', bucket, prefix: 'dw', source: 'bench' })
  try {
    const id = 'prod-20261204-b3c4'
    const header = {
      format: 'deploy-wizard/run@1',
      id,
      checklist: { path: '/bench.md', title: 'Bench' },
      environment: 'prod',
      operator: 'ana',
      host: 'bench',
      startedAt: new Date().toISOString(),
      toolVersion: 'bench',
    }
    await createTeamRun(objects, header, '# Bench\n')
    // Filled in parallel, each event at its own entry: what a long run leaves behind.
    const fill = pLimit(16)
    await Promise.all(
      Array.from({ length: events }, (_, i) =>
        fill(() =>
          writeEvent(objects, id, i + 1, {
            id: `e${i}`,
            entry: {
              type: 'item-answered',
              at: new Date().toISOString(),
              by: 'ana',
              itemId: `phase-${i % 4}/item-${i}`,
              state: 'done',
            },
          }),
        ),
      ),
    )
    const time = async () => {
      const started = performance.now()
      const read = await readTeamRun(objects, id)
      if (read.events.length !== events) throw new Error(`read ${read.events.length} events`)
      return performance.now() - started
    }
    // The first read fetches every event and writes the segments; later reads use them.
    const cold = await time()
    const warm = []
    for (let i = 0; i < reps; i++) warm.push(await time())

    // Answer → in the store, through the outbox, one at a time.
    const answerRun = 'prod-20261204-d5e6'
    await createTeamRun(objects, { ...header, id: answerRun }, '# Bench\n')
    const lease = await Lease.acquire(objects, answerRun, {
      driver: { holder: 'ana', host: 'bench', arn: 'arn:aws:iam::123456789012:user/ana' },
    })
    const outbox = await Outbox.open({ folder: join(dir, 'outbox'), objects, lease })
    const latencies = []
    for (let i = 0; i < answers; i++) {
      const started = performance.now()
      outbox.add({
        type: 'item-answered',
        at: new Date().toISOString(),
        by: 'ana',
        itemId: `i${i}`,
        state: 'done',
      })
      await outbox.flush()
      latencies.push(performance.now() - started)
    }
    await outbox.close()

    const rows = [
      absRow(`read a ${events}-event run (segments + events after them)`, median(warm), cold, 2000),
      row(
        `first read of it (one get per event, 32 at a time; writes the segments)`,
        cold,
        null,
        null,
      ),
      row('answer → in the store, p50', percentile(latencies, 50), null, null),
      row('answer → in the store, p99', percentile(latencies, 99), null, null),
    ]
    const notes = [
      `against one moto_server on a free port; read: median of ${reps}, reference the first read of the same run`,
      'moto answers one GET in about 3.6 ms of its own CPU, so one get per event cannot read 2,000 in 2 s here whatever the concurrency; segments of 100 events make it a few dozen gets',
      `answer → store: ${answers} answers, each a lease check (GET) and a conditional PUT, plus the local outbox's fsync'd append and state file`,
    ]
    return report('Team store', rows, notes)
  } finally {
    await objects.close()
    try {
      process.kill(-moto.child.pid, 'SIGTERM')
    } catch {}
    rmSync(dir, { recursive: true, force: true })
  }
}

if (isMain(import.meta.url))
  await run(process.env.BENCH_QUICK ? { events: 300, reps: 2, answers: 20 } : {})
