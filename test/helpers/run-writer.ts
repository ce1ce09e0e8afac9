/**
 * A second process for the run store's tests: one to kill while it writes, or
 * one that keeps a run open. DEPLOY_WIZARD_HOME comes from the environment.
 *
 *   node --import tsx test/helpers/run-writer.ts append <run-id>
 *     opens the run, prints `opened`, then answers items for ever, printing an
 *     answer's number only once `append` has returned (the answer is on disk);
 *     an answer the disk refuses (full) is printed as `not-saved <n>` the moment
 *     `append` throws, and tried again a moment later
 *   node --import tsx test/helpers/run-writer.ts create <environment>
 *     starts a run of the first seed checklist and prints its id
 *   node --import tsx test/helpers/run-writer.ts hold <run-id>
 *     opens the run, prints `opened`, and keeps it open until killed
 */
import { writeSync } from 'node:fs'
import { createRun, NotSavedError, openRun } from '../../src/run/store.ts'

/**
 * Writes straight to fd 1: nothing buffered, so a printed line is a line the parent can read.
 * The pipe may be non-blocking and full while the parent is busy: then it is tried again.
 */
function say(line: string): void {
  const bytes = Buffer.from(`${line}\n`)
  for (let written = 0; written < bytes.length; ) {
    try {
      written += writeSync(1, bytes, written)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error
    }
  }
}

async function main(): Promise<void> {
  const [mode, id] = process.argv.slice(2)
  if (mode === 'create' && id) {
    // Loaded only here: the markdown parser would slow every start of the writer being killed.
    const { parseSeed, SEEDS } = await import('./fixtures.ts')
    const run = createRun({ checklist: parseSeed(SEEDS[0]).checklist, environment: id })
    run.close()
    say(run.id)
    return
  }
  if ((mode !== 'append' && mode !== 'hold') || !id) {
    throw new Error('usage: run-writer.ts create <environment> | append|hold <run-id>')
  }
  const run = openRun(id)
  say('opened')
  if (mode === 'hold') {
    setInterval(() => {}, 60_000)
    return
  }
  const answered = run.journal.filter((e) => e.type === 'item-answered').length
  const items = run.state.snapshot
  for (let n = answered + 1; ; n++) {
    const item = items[n % items.length]
    if (!item) throw new Error('the run has no items')
    try {
      run.append({
        type: 'item-answered',
        at: new Date().toISOString(),
        by: 'writer',
        itemId: item.id,
        state: 'done',
        // The test finds answer n in the journal by this note.
        note: `answer ${n}`,
      })
    } catch (error) {
      if (!(error instanceof NotSavedError)) throw error
      say(`not-saved ${n}`)
      n--
      await new Promise((resolve) => setTimeout(resolve, 5))
      continue
    }
    say(String(n))
    // Let the event loop breathe now and then, as the wizard would between keypresses.
    if (n % 50 === 0) await new Promise((resolve) => setImmediate(resolve))
  }
}

await main()
