/**
 * A second process for the team store's tests. The store comes from the
 * arguments, the AWS endpoint from the environment (AWS_ENDPOINT_URL).
 *
 *   node --import tsx test/helpers/team-writer.ts race <bucket> <prefix> <run-id> <count> <label>
 *     prints `ready`, waits for a line on stdin, then writes `count` entries
 *     (`{type: 'raced', by: label, n}`) each from entry 1 on, as a writer that
 *     knows nothing of the other would; prints `done`
 *   node --import tsx test/helpers/team-writer.ts outbox <bucket> <prefix> <run-id> <folder> <count>
 *     takes the lease as ana@laptop-7, opens the outbox in `folder`, adds
 *     entries until it holds `count` (`{type: 'item-answered', n}`), prints
 *     `added`, waits until the store has them all and prints `synced`
 */
import { writeSync } from 'node:fs'
import { createInterface } from 'node:readline'
import type { S3StoreAddress } from '../../src/run/team/address.ts'
import { Lease } from '../../src/run/team/lease.ts'
import { StoreObjects } from '../../src/run/team/objects.ts'
import { Outbox } from '../../src/run/team/outbox.ts'
import { writeEvent } from '../../src/run/team/team-run.ts'

function say(line: string): void {
  writeSync(1, `${line}\n`)
}

async function main(): Promise<void> {
  const [mode, bucket, prefix, runId, fourth, fifth] = process.argv.slice(2)
  if (!bucket || prefix === undefined || !runId || !fourth || !fifth) {
    throw new Error('usage: team-writer.ts race|outbox <bucket> <prefix> <run-id> …')
  }
  const address: S3StoreAddress = { kind: 's3', bucket, prefix, source: 'test' }
  const objects = new StoreObjects(address, {
    retry: { attempts: 4, baseDelayMs: 20, maxDelayMs: 100 },
  })
  if (mode === 'race') {
    say('ready')
    const input = createInterface({ input: process.stdin })
    await new Promise<void>((resolve) => input.once('line', () => resolve()))
    // Stdin stays open in the parent: let go of it, or this process never ends.
    input.close()
    process.stdin.destroy()
    let next = 1
    for (let n = 0; n < Number(fourth); n++) {
      next =
        (await writeEvent(objects, runId, next, {
          id: `${fifth}-${n}`,
          entry: { type: 'raced', by: fifth, n },
        })) + 1
    }
    say('done')
  } else if (mode === 'outbox') {
    const lease = await Lease.acquire(objects, runId, {
      driver: {
        holder: 'ana',
        host: 'laptop-7',
        arn: 'arn:aws:sts::123456789012:assumed-role/deployer/ana',
      },
    })
    const outbox = await Outbox.open({
      folder: fourth,
      objects,
      lease,
      backoff: { baseDelayMs: 20, maxDelayMs: 100 },
    })
    for (let n = outbox.entries.length; n < Number(fifth); n++)
      outbox.add({ type: 'item-answered', n })
    say('added')
    const state = await outbox.flush()
    say(state.waiting === 0 ? 'synced' : `stuck ${state.waiting}`)
    await outbox.close()
  } else {
    throw new Error(`unknown mode ${mode}`)
  }
  await objects.close()
}

await main()
