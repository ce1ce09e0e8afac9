/**
 * The check batch: the one pipeline `check` and the wizard's session both run
 * their checks through. Real checks against a real local HTTP server and real
 * processes; no terminal.
 */
import assert from 'node:assert/strict'
import type { ServerResponse } from 'node:http'
import { after, before, describe, it } from 'node:test'
import { type BatchEvent, CheckBatch } from '../../src/checks/batch.ts'
import { parse } from '../helpers/fixtures.ts'
import { type LocalServer, startHttpServer } from '../helpers/servers.ts'
import { waitFor } from '../helpers/wait.ts'

let server: LocalServer
/** Requests to /held wait here until the test answers them. */
const held: ServerResponse[] = []
let inFlight = 0
let peak = 0

before(async () => {
  server = await startHttpServer((req, res) => {
    if (req.url?.startsWith('/held')) {
      held.push(res)
      return
    }
    inFlight++
    peak = Math.max(peak, inFlight)
    // Answered a moment later, so that requests allowed at once overlap.
    setTimeout(() => {
      inFlight--
      res.end('ok')
    }, 20)
  })
})
after(() => server.close())

function answerHeld(): void {
  for (const res of held.splice(0)) res.end('ok')
}

function checklistWith(lines: string): ReturnType<typeof parse>['checklist'] {
  return parse(`# Batch\n\n## Checks\n\n${lines}`, 'batch.md').checklist
}

function batchFor(
  lines: string,
  options: Partial<ConstructorParameters<typeof CheckBatch>[0]> = {},
): CheckBatch {
  return new CheckBatch({
    checklist: checklistWith(lines),
    environment: 'dev',
    commands: 'run',
    processEnv: { PATH: process.env.PATH },
    ...options,
  })
}

describe('a check batch', () => {
  it('runs the checks of the items, tells its listeners each start and result, and resolves with the results', async () => {
    const batch = batchFor(
      `- [ ] API up <!-- id: api; check: http url=${server.url}/health -->\n- [ ] Smoke <!-- id: smoke; check: http url=${server.url}/smoke; needs: api -->\n- [ ] Prose only\n`,
    )
    const seen: BatchEvent[] = []
    batch.subscribe((event) => seen.push(event))
    try {
      const results = await batch.run(batch.checklist.items)
      assert.deepEqual(
        [...results].map(([id, result]) => [id, result.status]),
        [
          ['api', 'pass'],
          ['smoke', 'pass'],
        ],
      )
      assert.deepEqual(
        seen.map((event) => `${event.type} ${'id' in event ? event.id : ''}`),
        [
          // Smoke waits for api, which it needs, and says so.
          'check-queued smoke',
          'check-started api',
          'check-finished api',
          'check-started smoke',
          'check-finished smoke',
        ],
      )
      const started = seen.find((event) => event.type === 'check-started')
      assert.ok(started && started.type === 'check-started' && started.at > 0)
      assert.equal(batch.running.size, 0, 'nothing is left running')
    } finally {
      await batch.close()
    }
  })

  it('says which checks run and since when while they run, and cancelling skips them', async () => {
    const batch = batchFor(
      `- [ ] Slow <!-- id: slow; check: http url=${server.url}/held -->\n- [ ] After <!-- id: after; check: http url=${server.url}/after; needs: slow -->\n`,
    )
    try {
      const before = Date.now()
      const running = batch.run(batch.checklist.items)
      assert.deepEqual([...batch.running].sort(), ['after', 'slow'], 'both asked for at once')
      await waitFor(() => held.length === 1, 'the slow check reaches the server')
      assert.deepEqual([...batch.started.keys()], ['slow'], 'only the slow one has started')
      assert.ok((batch.started.get('slow') ?? 0) >= before)
      assert.equal(batch.isCancelled, false)
      batch.cancel()
      const results = await running
      assert.equal(batch.isCancelled, true)
      assert.equal(results.get('slow')?.status, 'skipped')
      assert.equal(results.get('slow')?.summary, 'cancelled')
      assert.equal(results.get('after')?.status, 'skipped')
      assert.equal(batch.running.size, 0)
      assert.equal(batch.started.size, 0)
    } finally {
      answerHeld()
      await batch.close()
    }
  })

  it('tells a call its own events as well as the batch’s listeners', async () => {
    const batch = batchFor(
      `- [ ] One <!-- id: one; check: http url=${server.url}/one -->\n- [ ] Two <!-- id: two; check: http url=${server.url}/two -->\n`,
    )
    const [one, two] = batch.checklist.items
    assert.ok(one && two)
    const all: string[] = []
    const ofFirst: string[] = []
    batch.subscribe((event) => event.type === 'check-finished' && all.push(event.id))
    try {
      await Promise.all([
        batch.run([one], {
          onEvent: (event) => event.type === 'check-finished' && ofFirst.push(event.id),
        }),
        batch.run([two]),
      ])
      assert.deepEqual(ofFirst, ['one'])
      assert.deepEqual(all.sort(), ['one', 'two'])
    } finally {
      await batch.close()
    }
  })

  it('holds calls running at the same time to one concurrency cap together', async () => {
    const items = Array.from(
      { length: 4 },
      (_, i) => `- [ ] Ping ${i} <!-- id: ping-${i}; check: http url=${server.url}/ping-${i} -->\n`,
    )
    const batch = batchFor(items.join(''), { concurrency: 1 })
    const [a, b, c, d] = batch.checklist.items
    assert.ok(a && b && c && d)
    peak = 0
    try {
      await Promise.all([batch.run([a, b]), batch.run([c, d])])
      assert.equal(peak, 1, 'never two requests at once')
    } finally {
      await batch.close()
    }
  })

  it('skips shell commands until they are allowed, then runs them', async () => {
    const batch = batchFor('- [ ] Echo <!-- id: echo; check: command run="true" -->\n', {
      commands: 'skip',
      commandsSkipReason: 'commands are off (--skip-commands)',
    })
    try {
      const skipped = await batch.run(batch.checklist.items)
      assert.equal(skipped.get('echo')?.status, 'skipped')
      assert.equal(skipped.get('echo')?.summary, 'not run: commands are off (--skip-commands)')
      assert.equal(batch.commands, 'skip')
      batch.allowCommands()
      assert.equal(batch.commands, 'run')
      const ran = await batch.run(batch.checklist.items)
      assert.equal(ran.get('echo')?.status, 'pass')
    } finally {
      await batch.close()
    }
  })

  it('closes twice without complaint, cancelling what still runs', async () => {
    const batch = batchFor(`- [ ] Slow <!-- id: slow; check: http url=${server.url}/held -->\n`)
    const running = batch.run(batch.checklist.items)
    await waitFor(() => held.length === 1, 'the check reaches the server')
    await batch.close()
    await batch.close()
    assert.equal(batch.isCancelled, true)
    assert.equal((await running).get('slow')?.summary, 'cancelled')
    answerHeld()
  })
})
