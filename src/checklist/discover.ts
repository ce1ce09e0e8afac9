/**
 * Checklists the wizard offers to open: the ones bundled with deploy-wizard,
 * and markdown checklists in the current project — files named like
 * `*CHECKLIST*.md` at its top, anything in `checklists/`, and files under
 * `docs/` (two levels) that hold task items.
 */
import { readdir, readFile, stat } from 'node:fs/promises'
import { basename, join, relative } from 'node:path'
import { BUNDLED_FOLDER } from './bundled.ts'
import { checkSize } from './limits.ts'
import { loadChecklist } from './load.ts'

export interface FoundChecklist {
  readonly path: string
  /** The path as the operator knows it: relative to the project, or the file name when bundled. */
  readonly shown: string
  readonly title: string
  readonly source: 'bundled' | 'project'
  /** Items in the file, to tell a real checklist from a note. */
  readonly items: number
}

const MAX_FILES = 50
/** A task list item: `- [ ]`, `* [x]`, `1. [ ]`. A cheap filter only; the parser decides. */
const TASK_ITEM = /^\s*(?:[-*+]|\d+[.)])\s+\[[ xX]\]\s/m

export async function discoverChecklists(
  cwd: string,
  bundled: string = BUNDLED_FOLDER,
): Promise<FoundChecklist[]> {
  const project = [
    // The name within the project: the project's own folder may well be called "…checklist…".
    ...(await markdownIn(cwd)).filter((file) => /checklist/i.test(relative(cwd, file))),
    ...(await markdownIn(join(cwd, 'checklists'))),
    ...(await markdownIn(join(cwd, 'docs'), 2)),
  ]
  const found: FoundChecklist[] = []
  const seen = new Set<string>()
  const add = async (path: string, shown: string, source: FoundChecklist['source']) => {
    if (seen.has(path) || found.length >= MAX_FILES) return
    seen.add(path)
    // A file past the checklist size limit is not a checklist to offer, and is not read.
    const size = await stat(path).then(
      (info) => info.size,
      () => Number.POSITIVE_INFINITY,
    )
    if (checkSize(size)) return
    const text = await readFile(path, 'utf8').catch(() => '')
    if (!TASK_ITEM.test(text)) return
    try {
      const { checklist } = await loadChecklist(path)
      found.push({ path, shown, title: checklist.title, source, items: checklist.items.length })
    } catch {
      // unreadable: not offered
    }
  }
  for (const path of project) await add(path, relative(cwd, path), 'project')
  for (const path of await markdownIn(bundled)) await add(path, basename(path), 'bundled')
  return found
}

async function markdownIn(folder: string, depth = 1): Promise<string[]> {
  let entries: import('node:fs').Dirent[]
  try {
    entries = await readdir(folder, { withFileTypes: true })
  } catch {
    return []
  }
  const files: string[] = []
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(folder, entry.name)
    if (entry.isFile() && /\.md$/i.test(entry.name)) files.push(path)
    else if (entry.isDirectory() && depth > 1 && !entry.name.startsWith('.'))
      files.push(...(await markdownIn(path, depth - 1)))
  }
  return files
}
