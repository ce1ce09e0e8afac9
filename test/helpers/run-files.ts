/**
 * A run as its files hold it, read the way a person would (not through the store): the
 * snapshot `<run-id>.json` and the lines of `<run-id>.journal` after it. Tests check what is
 * on disk with this, so a store that only kept answers in memory would not pass.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { JournalEntry } from '../../src/run/model.ts'

export interface RunOnDisk {
  readonly header: Record<string, unknown>
  /** The snapshot's entries, then the journal file's whole lines after them. */
  readonly journal: JournalEntry[]
  /** Entries in the snapshot alone. */
  readonly inSnapshot: number
  /** Bytes after the journal file's last newline: a torn append, if any. */
  readonly torn: string
}

/** Reads the snapshot text and journal text of a run (either may come from another mount). */
export function parseRunFiles(snapshotText: string, journalText: string): RunOnDisk {
  const snapshot = JSON.parse(snapshotText) as {
    header: Record<string, unknown>
    journal: JournalEntry[]
  }
  const lines = journalText.split('\n')
  const torn = lines.pop() ?? ''
  const journal = [...snapshot.journal]
  for (const line of lines) {
    const framed = JSON.parse(line) as { seq: number; sha: string; entry: JournalEntry }
    // Lines the snapshot already holds (a compaction cut short) are not read twice.
    if (framed.seq < snapshot.journal.length) continue
    if (framed.seq !== journal.length)
      throw new Error(`line seq ${framed.seq}, expected ${journal.length}`)
    journal.push(framed.entry)
  }
  return { header: snapshot.header, journal, inSnapshot: snapshot.journal.length, torn }
}

/** A run's files under `runs` (the runs folder). A missing journal file is an empty one. */
export function readRunFiles(runs: string, id: string): RunOnDisk {
  let journalText = ''
  try {
    journalText = readFileSync(join(runs, `${id}.journal`), 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  return parseRunFiles(readFileSync(join(runs, `${id}.json`), 'utf8'), journalText)
}
