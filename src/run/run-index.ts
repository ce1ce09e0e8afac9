/**
 * A small index of the runs, `<home>/runs-index.json`: each run's header and
 * progress, so `runs` and the wizard's resume list read one file instead of
 * every journal. It is a cache, never the truth: each entry carries the size,
 * time and inode of the run's two files when it was made, and an entry whose
 * files have changed since (another process answered, a run was copied in) is
 * read again from the run itself. So a stale, missing or damaged index costs
 * one full read, never a wrong answer, and it is simply rebuilt. Written with
 * `writeFileAtomic` like every file of the home; a write that fails (read-only
 * home, full disk) is skipped, as nothing depends on it.
 */
import { statSync } from 'node:fs'
// zod's mini build, as the store's (store.ts says why).
import * as z from 'zod/mini'
import { removeLeftTemporaries } from '../atomic-write.ts'
import { homeFile, readJsonFile, writeJsonFile } from '../home.ts'
import type { RunHeader } from './model.ts'

type Env = Readonly<Record<string, string | undefined>>

const INDEX_FORMAT = 'deploy-wizard/runs-index@1'

/** What the index keeps of a run: enough to list it and offer it for resuming. */
export interface IndexedRun {
  /** The run's files as they were when this was read (see `filesKey`). */
  readonly key: string
  readonly header: RunHeader
  readonly answered: number
  readonly total: number
  readonly lastActivityAt: string
  readonly finishedAt: string | null
  readonly skippedEntries: number
}

export type RunIndex = Record<string, IndexedRun>

/** `<home>/runs-index.json`. */
export function indexFile(env?: Env): string {
  return homeFile('runs-index', env)
}

/** The index, or an empty one when it is missing, damaged or of another version. */
export function readIndex(env?: Env): RunIndex {
  let read: ReturnType<typeof readJsonFile>
  try {
    read = readJsonFile(indexFile(env))
  } catch {
    return {}
  }
  if (read.kind !== 'ok') return {}
  const parsed = indexSchema.safeParse(read.value)
  return parsed.success ? (parsed.data.runs as RunIndex) : {}
}

/** Saves the index if the home lets it; a cache that cannot be saved is read again next time. */
export function writeIndex(runs: RunIndex, env?: Env): void {
  const file = indexFile(env)
  try {
    writeJsonFile(file, { format: INDEX_FORMAT, runs })
  } catch {
    // Read-only or full: the next listing reads the runs themselves.
    return
  }
  // `runs` and every wizard rewrite the index: one killed mid-write leaves its temporary file.
  removeLeftTemporaries(file)
}

/**
 * Records one run's entry (a writer closing its run), keeping the others. Two processes
 * doing this at once may lose one's entry: that run is then read again, nothing more.
 */
export function updateIndex(id: string, run: IndexedRun | null, env?: Env): void {
  const runs = readIndex(env)
  if (run) runs[id] = run
  else delete runs[id]
  writeIndex(runs, env)
}

/** What the run's snapshot and journal files are now; null when the snapshot is gone. */
export function filesKey(snapshot: string, journal: string): string | null {
  const one = (path: string) => {
    const stat = statSync(path, { throwIfNoEntry: false, bigint: true })
    return stat ? `${stat.ino}:${stat.size}:${stat.mtimeNs}` : '-'
  }
  try {
    const first = one(snapshot)
    return first === '-' ? null : `${first}/${one(journal)}`
  } catch {
    return null
  }
}

const indexSchema = z.object({
  format: z.literal(INDEX_FORMAT),
  runs: z.record(
    z.string(),
    z.object({
      key: z.string(),
      header: z.object({
        format: z.string(),
        id: z.string(),
        checklist: z.object({ path: z.string(), title: z.string() }),
        environment: z.string(),
        operator: z.string(),
        host: z.string(),
        startedAt: z.string(),
        toolVersion: z.string(),
      }),
      answered: z.number(),
      total: z.number(),
      lastActivityAt: z.string(),
      finishedAt: z.nullable(z.string()),
      skippedEntries: z.number(),
    }),
  ),
})
