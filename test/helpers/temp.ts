/**
 * Temporary folders for tests. Each is removed when the test file's process
 * exits, whatever happened in it: `node --test` runs every file in a process of
 * its own, so one exit hook covers every folder a file made, even when a test
 * fails half-way or forgets its `after`. test/run.ts fails the run naming any
 * entry a test still leaves in the temporary folder.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const made: string[] = []

function removeAll(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true })
}

/** A fresh folder `dw-<label>-XXXXXX` in the temporary folder, removed when the process exits. */
export function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `dw-${label}-`))
  if (made.length === 0) process.once('exit', removeAll)
  made.push(dir)
  return dir
}
