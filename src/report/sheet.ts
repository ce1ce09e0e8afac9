/**
 * The sign-off sheet: a run over a checklist, as markdown a change board reads
 * on GitHub or in plain text. From the top: who ran what where and when; what
 * needs attention (failures, skips, pending items, checks that did not pass);
 * a summary per phase; every item in checklist order with its result, who and
 * when, the note, and the check's evidence (an item the checklist scopes to other
 * environments is n/a with the reason, or says who had it apply here after all);
 * answers to items the checklist no longer has; the reference pages (sections
 * with nothing to complete); the approvals at the checklist's gates (who, as which AWS
 * identity, when) and the run's hand-overs between drivers; the sign-off fields with what was entered, blank
 * lines for the rest and one for each role's signature; and a digest over all of
 * it (see sheet-digest.ts).
 *
 * Pure: the same checklist, state and options give the same bytes.
 *
 * Everything people typed (notes, names, sign-off entries) and everything a
 * check reported (summaries, evidence) is escaped, so it reads as text and can
 * neither break a table nor add HTML. Item texts are the checklist's own inline
 * markdown, kept as written unless they hold HTML.
 */
import type { Nodes } from 'mdast'
import { fromMarkdown } from 'mdast-util-from-markdown'
import { gfmFromMarkdown } from 'mdast-util-gfm'
import { gfm } from 'micromark-extension-gfm'
import type { Checklist, Gate, Item, Section, SignoffField } from '../checklist/model.ts'
import {
  type NumberedProcedure,
  numberedProcedures,
  unansweredWords,
} from '../checklist/numbered-procedures.ts'
import { isProseStep, numberedStepPages } from '../checklist/prose-steps.ts'
import { referencePages } from '../checklist/reference.ts'
import { describeScope, isInScope } from '../checklist/scope.ts'
import { signoffLines } from '../checklist/signoff.ts'
import { formatDuration } from '../duration.ts'
import { escapeControls } from '../output/terminal.ts'
import { approvalAt, gatesIn } from '../run/approvals.ts'
import { standingWarnings } from '../run/claims.ts'
import {
  type BlankEntries,
  blankEntries,
  blankSignoff,
  decisionsAgainst,
  failedItems,
  overrideOf,
} from '../run/describe.ts'
import type {
  Approval,
  Handover,
  ItemRecord,
  RunState,
  ScopeOverride,
  StoredCheckResult,
} from '../run/model.ts'
import { VERSION } from '../version.ts'
import {
  answerOf,
  CHECK_STATUSES,
  type CheckStatus,
  ITEM_STATES,
  type ItemState,
  isProblem,
} from '../vocabulary.ts'
import { sealSheet, sheetDigest } from './sheet-digest.ts'

export interface SheetOptions {
  /** When the sheet is exported. */
  readonly now: Date
  /** The exporting deploy-wizard's version; this package's by default. */
  readonly toolVersion?: string
}

/** An item's result on the sheet: the run's state, or `na` when the item is out of scope. */
export type SheetResult = ItemState

const RESULTS: readonly SheetResult[] = ITEM_STATES

/** A mark that renders on GitHub and a word that reads in plain text. */
const MARK: Readonly<Record<SheetResult, string>> = {
  done: '✅ done',
  failed: '❌ **failed**',
  skipped: '⏭️ **skipped**',
  na: '➖ n/a',
  pending: '⬜ **pending**',
}

const CHECK_MARK: Readonly<Record<CheckStatus, string>> = {
  pass: '✅ pass',
  fail: '❌ **fail**',
  error: '⚠️ **error**',
  blocked: '⛔ **blocked**',
  skipped: '⏭️ skipped',
}

const CHECK_WORD: Readonly<Record<CheckStatus | 'not run', string>> = {
  pass: 'passed',
  fail: 'failed',
  error: 'error',
  blocked: 'blocked',
  skipped: 'skipped',
  'not run': 'not run',
}

const MAX_EVIDENCE = 10
const MAX_VALUE = 100
const MAX_DETAILS = 5
const BLANK = '______'

/** An answer as the sheet shows it: a checklist item's, or one to an item since removed. */
interface Entry {
  readonly result: SheetResult
  readonly record: ItemRecord | null
  /** Why the item does not apply here, when it is out of scope. */
  readonly outOfScope: string | null
  /** Who said it applies here after all, and the scope the checklist gives it. */
  readonly override: (ScopeOverride & { readonly scope: string }) | null
  /** `[x]` in the file and never answered in the run. */
  readonly checkedInFile: boolean
  /** The item's check kind, when it is automated. */
  readonly checkKind: string | null
}

/** One checklist item as the sheet shows it. */
interface Row extends Entry {
  readonly item: Item
  /** What its sign-off blanks hold, when it is blanks and some are filled. */
  readonly blanks: BlankEntries | null
}

/**
 * The sign-off sheet for a run, sealed with its digest. It is made inert before it is
 * sealed (control characters and bidi controls from the checklist or the run shown as
 * escapes, see output/terminal.ts): a sheet is read by people — printed by `export`, or
 * a file someone `cat`s, `less`es or diffs in a terminal — and is the same bytes either
 * way, so `verify` holds for both. The exact data is `export --format json`.
 */
/** The sign-off sheet as a run session writes it when the run finishes (see `SheetFormat`). */
export const SIGN_OFF_SHEET = { render: renderSheet, digest: sheetDigest } as const

export function renderSheet(checklist: Checklist, state: RunState, options: SheetOptions): string {
  const rows = checklist.items.map((item) => rowOf(item, state, checklist.signoff))
  const sections = sectionPaths(checklist)
  const parts = [
    headerPart(checklist, state, rows, options),
    attentionPart(checklist, state, rows, sections),
    summaryPart(checklist, rows),
    itemsPart(
      rows,
      proseSteps(checklist, state.header.environment),
      sections,
      formerWordings(state),
    ),
    removedPart(checklist, state),
    referencePart(checklist, state),
    approvalsPart(checklist, state),
    handoversPart(state),
    signoffPart(checklist, state),
    footerPart(options),
  ]
  return sealSheet(escapeControls(parts.filter((part) => part !== '').join('\n\n')))
}

function rowOf(item: Item, state: RunState, signoff: readonly SignoffField[]): Row {
  const record = state.items[item.id] ?? null
  const override = overrideOf(item, state)
  if (!isInScope(item.scope, state.header.environment) && !override) {
    return {
      item,
      result: 'na',
      record,
      outOfScope: `applies to ${describeScope(item.scope)}`,
      blanks: null,
      override: null,
      checkedInFile: false,
      checkKind: item.check?.kind ?? null,
    }
  }
  // `[x]` items start as done; an answer in the run overrides the file.
  const answered = record !== null && record.by !== null
  const checkedInFile = item.checked && !answered
  const result: SheetResult = answerOf(item.checked, record)
  return {
    item,
    result,
    record,
    outOfScope: null,
    blanks: blankEntries(item, signoff, state),
    override: override ? { ...override, scope: describeScope(item.scope) } : null,
    checkedInFile,
    checkKind: item.check?.kind ?? null,
  }
}

// --- header -------------------------------------------------------------------------------

function headerPart(
  checklist: Checklist,
  state: RunState,
  rows: readonly Row[],
  options: SheetOptions,
): string {
  const h = state.header
  const tool = options.toolVersion ?? VERSION
  const finished = state.finishedAt
    ? timestamp(state.finishedAt)
    : `**not finished** (last activity ${timestamp(state.lastActivityAt)})`
  const lines = [
    `# Sign-off sheet: ${inline(checklist.title)}`,
    '',
    `- **Checklist:** ${inline(checklist.title)} (${code(h.checklist.path)})`,
    `- **Environment:** ${inline(h.environment)}`,
    `- **Run:** ${code(h.id)}`,
    `- **Operators:** ${operators(state).map(inline).join(', ')}`,
    `- **Started:** ${timestamp(h.startedAt)} by ${inline(h.operator)} on ${inline(h.host)}`,
    `- **Finished:** ${finished}`,
    `- **Exported:** ${timestamp(options.now.toISOString())}`,
    `- **Tool:** deploy-wizard ${inline(tool)}${h.toolVersion !== tool ? ` (run started with ${inline(h.toolVersion)})` : ''}`,
    `- **Checklist sha256:** ${code(checklist.sha256)}`,
    ...shaHistoryLines(checklist, state),
    '',
    `**Result:** ${verdict(checklist, state, rows)}`,
  ]
  return lines.join('\n')
}

/** Everyone who answered an item or entered a sign-off field; the one who started the run first. */
function operators(state: RunState): string[] {
  const others = new Set<string>()
  for (const record of Object.values(state.items)) if (record.by) others.add(record.by)
  for (const entry of Object.values(state.signoff)) others.add(entry.by)
  others.delete(state.header.operator)
  return [state.header.operator, ...[...others].sort()]
}

/** Says whether the checklist stayed the same through the run, and as exported. */
function shaHistoryLines(checklist: Checklist, state: RunState): string[] {
  const versions = state.sha256History.filter((sha, i, all) => all.indexOf(sha) === i)
  const lines: string[] = []
  if (versions.length > 1) {
    const list = versions.map((sha) => code(sha)).join(' → ')
    lines.push(`  - ⚠️ **changed during the run**: ${list}; answers were carried over by item id`)
  } else {
    lines.push('  - unchanged during the run')
  }
  const last = state.sha256History.at(-1)
  if (last !== undefined && last !== checklist.sha256) {
    lines.push(
      `  - ⚠️ **differs from the version the run last used** (${code(last)}); the items below are as the checklist is now`,
    )
  }
  return lines
}

/**
 * The run in one line, its sign-off fields still blank (see `blankSignoff`) counted too; led by
 * what the sign-off decided against the release, whatever the items say.
 */
function verdict(checklist: Checklist, state: RunState, rows: readonly Row[]): string {
  const against = decisionsAgainst(checklist.signoff, state)
  const items = itemsVerdict(checklist, state, rows)
  return against.length > 0
    ? `⛔ decided against: ${against.map(inline).join(', ')}; ${items}`
    : items
}

function itemsVerdict(checklist: Checklist, state: RunState, rows: readonly Row[]): string {
  // Nothing asked is nothing done: never "complete" over no steps at all.
  const noSteps = noStepsWords(checklist, state, rows)
  if (noSteps !== null) return `⚠️ no steps: ${noSteps}`
  const blanks = blankSignoff(checklist.signoff, state).length
  const count = countResults(rows)
  const problems = rows.filter(hasCheckProblem).length
  const blank = blanks > 0 ? plural(blanks, 'blank sign-off field') : ''
  const parts = [
    count.failed > 0 ? plural(count.failed, 'failed item') : '',
    problems > 0 ? plural(problems, 'check that did not pass', 'checks that did not pass') : '',
    count.skipped > 0 ? plural(count.skipped, 'skipped item') : '',
    count.pending > 0 ? plural(count.pending, 'pending item') : '',
  ].filter(Boolean)
  if (count.failed > 0 || problems > 0)
    return `❌ not ready: ${[...parts, blank].filter(Boolean).join(', ')}`
  if (count.pending > 0) return `⬜ incomplete: ${[...parts, blank].filter(Boolean).join(', ')}`
  // The items are done, and the sheet says so; it is not signed off while a field is blank.
  const review = count.skipped > 0 ? `, with ${parts.join(', ')} to review` : ''
  // Every item done is not every step done when a procedure was written as numbered lines.
  const unanswered = unansweredNote(numberedProcedures(checklist, state.header.environment))
  if (blanks > 0)
    return `⬜ incomplete: every item that applies is done${review}, but ${blank} ${blanks === 1 ? 'is' : 'are'} left${unanswered ? ` and ${unanswered}` : ''}`
  const but = unanswered ? `, but ${unanswered}` : ''
  if (count.skipped > 0) return `✅ complete${review}${but}`
  return `✅ complete: every item that applies is done${but}`
}

/**
 * "37 numbered steps were not answered (Manual Deployment Process, Data Deployment)": the
 * procedures written as numbered lines in sections with no task items; '' for none.
 */
function unansweredNote(procedures: readonly NumberedProcedure[]): string {
  if (procedures.length === 0) return ''
  const steps = procedures.reduce((n, p) => n + p.steps, 0)
  const titles = procedures.map((p) => inline(p.section.title)).join(', ')
  return `${plural(steps, 'numbered step')} ${steps === 1 ? 'was' : 'were'} not answered (${titles})`
}

/**
 * Why the run had no step to answer, when it had none: the checklist has no task items, or
 * none of them applies in the run's environment. Null when some step applied.
 */
function noStepsWords(checklist: Checklist, state: RunState, rows: readonly Row[]): string | null {
  if (rows.some((row) => row.outOfScope === null)) return null
  if (checklist.items.length === 0)
    return 'this checklist has no steps to answer (no task items), so the run asked only for its sign-off'
  return `none of the checklist's ${plural(checklist.items.length, 'item')} applies to ${inline(state.header.environment)}, so the run asked only for its sign-off`
}

// --- needs attention ----------------------------------------------------------------------

/** Failed first, then checks that did not pass, then skipped, then pending; each in file order. */
function attentionRank(row: Row): number | null {
  if (row.result === 'failed') return 0
  if (hasCheckProblem(row)) return 1
  if (row.result === 'skipped') return 2
  if (row.result === 'pending') return 3
  return null
}

function attentionPart(
  checklist: Checklist,
  state: RunState,
  rows: readonly Row[],
  sections: SectionPaths,
): string {
  const overridden = rows.filter((row) => row.override !== null).length
  const ranked = rows
    .map((row) => ({ row, rank: attentionRank(row) }))
    .filter((r): r is { row: Row; rank: number } => r.rank !== null)
    .sort((a, b) => a.rank - b.rank)
  const notices = attentionNotices(checklist, state)
  const noSteps = noStepsWords(checklist, state, rows)
  if (noSteps !== null) {
    notices.unshift(
      `- ⚠️ **No steps were answered**: ${noSteps}.${checklist.items.length === 0 ? ' Steps written other than as task items (numbered lines, bullets, table rows) were not asked.' : ''}`,
    )
  }
  if (overridden > 0) {
    notices.push(
      `- ⚠️ **${plural(overridden, 'item applies', 'items apply')} here after all**: the checklist scopes ${overridden === 1 ? 'it' : 'them'} to other environments; the operator said otherwise (see [Items](#items)).`,
    )
  }
  const lines = ['## Needs attention', '']
  if (ranked.length === 0 && notices.length === 0) {
    lines.push(
      'Nothing needs attention: no item failed, was skipped or is pending, and every check that ran passed.',
    )
    return lines.join('\n')
  }
  for (const { row } of ranked) {
    const where = sections.breadcrumb(row.item)
    const head = `${MARK[row.result]} — ${where} › ${itemText(row.item)}${whoWhen(row)}`
    lines.push(...entryLines(head, row, 0, false))
  }
  lines.push(...notices)
  return lines.join('\n')
}

/** Things about the run as a whole a reviewer must not miss. */
function attentionNotices(checklist: Checklist, state: RunState): string[] {
  const notices: string[] = []
  if (new Set(state.sha256History).size > 1) {
    notices.push(
      '- ⚠️ **The checklist changed during the run**: answers were carried over by item id (see the header).',
    )
  }
  const last = state.sha256History.at(-1)
  if (last !== undefined && last !== checklist.sha256) {
    notices.push(
      '- ⚠️ **The checklist file is not the version the run last used**: the items are shown as the file is now (see the header).',
    )
  }
  for (const gate of gatesIn(checklist, state.header.environment)) {
    if (approvalAt(gate, state)) continue
    notices.push(
      `- ⬜ **Not approved: ${inline(gate.name)}**: the run cannot go past this gate until someone approves it (see [Approvals](#approvals)).`,
    )
  }
  const against = decisionsAgainst(checklist.signoff, state)
  if (against.length > 0) {
    notices.push(
      `- ⛔ **Decided against the release**: ${against.map(inline).join(', ')} (see [Sign-off entries](#sign-off-entries)).`,
    )
  }
  const blanks = blankSignoff(checklist.signoff, state)
  if (blanks.length > 0) {
    notices.push(
      `- ⬜ **${plural(blanks.length, 'sign-off field is', 'sign-off fields are')} blank**: ${blanks.map(inline).join(', ')} (see [Sign-off entries](#sign-off-entries)).`,
    )
  }
  const removed = removedIds(checklist, state).length
  if (removed > 0) {
    notices.push(
      `- ⚠️ **${plural(removed, 'answer')} to items no longer in the checklist** (see [Answers to removed items](#answers-to-removed-items)).`,
    )
  }
  return notices
}

// --- summary ------------------------------------------------------------------------------

function summaryPart(checklist: Checklist, rows: readonly Row[]): string {
  const lines = [
    '## Summary',
    '',
    '| Phase | Done | Failed | Skipped | N/A | Pending | Total |',
    '| :-- | --: | --: | --: | --: | --: | --: |',
  ]
  for (const phase of checklist.phases) {
    const inPhase = rows.filter((row) => row.item.phaseId === phase.id)
    if (inPhase.length === 0) continue
    lines.push(tableRow([cell(phase.title), ...countCells(inPhase, (n) => String(n))]))
  }
  lines.push(tableRow(['**Overall**', ...countCells(rows, (n) => `**${n}**`)]))
  const checks = checkTotals(rows)
  if (checks !== '') lines.push('', checks)
  return lines.join('\n')
}

function countCells(rows: readonly Row[], show: (n: number) => string): string[] {
  const count = countResults(rows)
  return [...RESULTS.map((r) => show(count[r])), show(rows.length)]
}

/** "Automated checks (5 that apply): 3 passed, 1 failed, 1 not run." — empty without checks. */
function checkTotals(rows: readonly Row[]): string {
  const automated = rows.filter((row) => row.item.check !== null && row.outOfScope === null)
  if (automated.length === 0) return ''
  const order: readonly (CheckStatus | 'not run')[] = [...CHECK_STATUSES, 'not run']
  const counts = new Map<CheckStatus | 'not run', number>()
  for (const row of automated) {
    const status = row.record?.check?.status ?? 'not run'
    counts.set(status, (counts.get(status) ?? 0) + 1)
  }
  const parts = order.flatMap((status) => {
    const n = counts.get(status)
    if (n === undefined) return []
    return status === 'error' ? [plural(n, 'error')] : [`${n} ${CHECK_WORD[status]}`]
  })
  return `Automated checks (${automated.length} that apply): ${parts.join(', ')}.`
}

// --- items --------------------------------------------------------------------------------

function itemsPart(
  rows: readonly Row[],
  prose: readonly ProseEntry[],
  sections: SectionPaths,
  formerly: ReadonlyMap<string, readonly string[]>,
): string {
  const lines = ['## Items']
  if (rows.length === 0) lines.push('', 'None: the checklist has no task items.')
  let open: readonly Section[] = []
  const shown = new Set<string>()
  const openPath = (path: readonly Section[]) => {
    let common = commonPrefix(open, path)
    // Out of a group and back in the section around it (a step written as prose after the
    // group): its heading again, so the step does not read as the group's.
    if (common === path.length && open.length > path.length) common--
    for (const section of path.slice(common)) {
      // Back in a section after one of its groups: say so rather than repeat its heading bare.
      const again = shown.has(section.id) ? ' (continued)' : ''
      if (lines.at(-1) !== '') lines.push('')
      lines.push(
        `${'#'.repeat(Math.min(section.level + 1, 6))} ${heading(section.title)}${again}`,
        '',
      )
      shown.add(section.id)
    }
    open = path
  }
  // Steps written as prose go where the file has them, among the items, in the phase the wizard shows them in.
  let next = 0
  const proseUpTo = (line: number) => {
    for (; next < prose.length && (prose[next]?.section.line ?? 0) < line; next++) {
      const step = prose[next] as ProseEntry
      openPath(step.path)
      const words = step.procedure
        ? unansweredWords(step.procedure)
        : 'written as prose, not answered'
      lines.push(`- ≡ ${inline(step.section.title)} — ${inline(words)}`)
    }
  }
  for (const row of rows) {
    proseUpTo(row.item.line)
    openPath(sections.pathOf(row.item))
    const head = `${MARK[row.result]} — ${row.blanks ? blanksText(row.blanks) : itemText(row.item)}${whoWhen(row)}`
    const entry = entryLines(head, row, row.item.depth, true)
    const wordings = formerly.get(row.item.id)
    if (wordings) {
      // Its own line, after the head: a reviewer matching the journal finds the old wording.
      const more = entry[0]?.endsWith('\\') ?? false
      if (!more) entry[0] = `${entry[0]}\\`
      entry.splice(
        1,
        0,
        `${'  '.repeat(row.item.depth + 1)}Reworded during the run; it read ${wordings.map((w) => `“${inline(w)}”`).join(', then ')}${more ? '\\' : ''}`,
      )
    }
    lines.push(...entry)
  }
  proseUpTo(Number.POSITIVE_INFINITY)
  return lines.join('\n')
}

/** A step written as prose, and the phase and groups the wizard shows it in, outermost first. */
interface ProseEntry {
  readonly section: Section
  readonly path: readonly Section[]
  /** A `##` page whose numbered steps are a procedure (numbered-procedures.ts), none answered. */
  readonly procedure?: NumberedProcedure
}

/**
 * The steps written as prose the wizard shows in `environment` (prose-steps.ts), in file order:
 * each with the sections it is written in, or, for a `##` page that numbers a step, the phase
 * that shows it.
 */
function proseSteps(checklist: Checklist, environment: string): ProseEntry[] {
  const found: ProseEntry[] = []
  const walk = (section: Section, path: readonly Section[]) => {
    for (const child of section.sections) {
      if (child.itemCount > 0) walk(child, [...path, child])
      else if (isProseStep(child, environment)) found.push({ section: child, path })
    }
  }
  const pages = numberedStepPages(checklist, environment)
  const procedures = new Map(
    numberedProcedures(checklist, environment).map((p) => [p.section.id, p] as const),
  )
  const page = (section: Section, phase: Section): ProseEntry => {
    const procedure = procedures.get(section.id)
    return procedure ? { section, path: [phase], procedure } : { section, path: [phase] }
  }
  for (const phase of checklist.phases) {
    const steps = pages.get(phase.id)
    for (const section of steps?.before ?? []) found.push(page(section, phase))
    walk(phase, [phase])
    for (const section of steps?.after ?? []) found.push(page(section, phase))
  }
  return found.sort((a, b) => a.section.line - b.section.line)
}

/**
 * An item's sign-off blanks as its line shows them: what was entered, and beside it, as the
 * sign-off entries' table has it, why an entry reads against the run ("All checks passed: Yes ·
 * ⚠ chosen while 1 item had failed: …").
 */
function blanksText(blanks: BlankEntries): string {
  return `${inline(blanks.text)}${blanks.warnings.map((warning) => ` · ⚠ ${inline(warning)}`).join('')}`
}

function commonPrefix(a: readonly Section[], b: readonly Section[]): number {
  let i = 0
  while (i < a.length && i < b.length && a[i]?.id === b[i]?.id) i++
  return i
}

/**
 * " — ana, 2026-11-22 09:04", or where the result came from when nobody answered. A result
 * the item's check decided is the check's (" — verified by check, …"), never read as a
 * person's attestation; a person's answer names the person, and the check line below it
 * still says what the check found.
 */
function whoWhen(row: Entry & { readonly blanks?: BlankEntries | null }): string {
  if (row.outOfScope !== null) return ` — ${inline(row.outOfScope)}`
  if (row.checkedInFile) return ' — checked in the checklist file'
  const record = row.record
  // Taken back to pending, an item is nobody's answer (a note on it is still someone's).
  if (!record?.by || (record.state === 'pending' && !record.note)) return ''
  const when = record.at ? `, ${shortTime(record.at)}` : ''
  if (record.byCheck) return ` — ${record.state === 'done' ? 'verified' : 'failed'} by check${when}`
  // Filling an item's blanks answers it: the names in them are the entries, not who typed them.
  if (row.blanks && record.state === 'done')
    return ` — entered by ${row.blanks.by.map(inline).join(', ')}${when}`
  return ` — ${inline(record.by)}${when}`
}

/**
 * An item as a list entry: its line, then in the same paragraph (hard breaks,
 * as a soft break renders as a space on GitHub) its note or reason and its
 * check — status, summary, duration, details — then its evidence as a sub-list.
 */
function entryLines(head: string, row: Entry, depth: number, withEvidence: boolean): string[] {
  const pad = '  '.repeat(depth + 1)
  const paragraph = [head, ...detailLines(row, pad)]
  const lines = paragraph.map(
    (line, i) =>
      `${i === 0 ? `${'  '.repeat(depth)}- ` : pad}${line}${i < paragraph.length - 1 ? '\\' : ''}`,
  )
  const check = row.record?.check
  if (withEvidence && check && row.outOfScope === null) {
    lines.push(...evidenceLines(check).map(([key, value]) => `${pad}* ${text(key)}: ${value}`))
  }
  return lines
}

function detailLines(row: Entry, pad: string): string[] {
  const lines: string[] = []
  if (row.override) {
    const { by, at, scope } = row.override
    lines.push(
      `Applies here after all: ${inline(by)}, ${shortTime(at)}; the checklist says ${inline(scope)}`,
    )
  }
  const note = row.record?.note
  if (note) {
    // A skip's note was asked for as its reason; any other is a note, n/a's too.
    const label = row.result === 'skipped' ? 'Reason' : 'Note'
    lines.push(`${label}: ${block(note, pad)}`)
  } else if (row.result === 'skipped') {
    lines.push('Reason: (none given)')
  }
  const check = row.record?.check ?? null
  if (row.checkKind !== null && row.outOfScope === null) {
    lines.push(checkLine(row.checkKind, check))
    if (check && check.status !== 'pass' && check.details.length > 0) {
      const shown = check.details.slice(0, MAX_DETAILS).map((d) => text(truncate(oneLine(d))))
      const more = check.details.length - MAX_DETAILS
      lines.push(`Details: ${shown.join('; ')}${more > 0 ? `; … ${more} more` : ''}`)
    }
  }
  return lines
}

function checkLine(kind: string, check: StoredCheckResult | null): string {
  if (!check) return `Check ${code(kind)}: not run`
  const took = formatDuration(check.durationMs)
  return `Check ${code(kind)}: ${CHECK_MARK[check.status]} — ${text(oneLine(check.summary))} (${took}, ${shortTime(check.at)})`
}

/**
 * Evidence as short `key: value` pairs: nested objects flattened with dotted
 * keys, lists joined, long values cut, at most MAX_EVIDENCE pairs. The check's
 * outputs are added when its evidence does not already hold them.
 */
function evidenceLines(check: StoredCheckResult): [string, string][] {
  const pairs: [string, string][] = []
  flatten(check.evidence, '', pairs, 0)
  if (!('outputs' in check.evidence) && Object.keys(check.outputs).length > 0) {
    flatten(check.outputs, 'outputs', pairs, 1)
  }
  const shown = pairs
    .slice(0, MAX_EVIDENCE)
    .map(([k, v]): [string, string] => [k, text(truncate(oneLine(v)))])
  if (pairs.length > MAX_EVIDENCE) shown.push(['…', `${pairs.length - MAX_EVIDENCE} more`])
  return shown
}

function flatten(value: unknown, key: string, out: [string, string][], depth: number): void {
  if (value === undefined) return
  if (value === null || typeof value !== 'object') {
    out.push([key, String(value)])
    return
  }
  if (Array.isArray(value)) {
    const items = value.map((v) =>
      typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v),
    )
    out.push([key, items.length > 0 ? items.join(', ') : '(none)'])
    return
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined)
  if (entries.length === 0) {
    if (key !== '') out.push([key, '(none)'])
    return
  }
  // Two levels of keys read well (`ttl.status`); deeper structure is shown compact.
  if (depth >= 2) {
    out.push([key, JSON.stringify(value)])
    return
  }
  for (const [k, v] of entries) flatten(v, key ? `${key}.${k}` : k, out, depth + 1)
}

// --- removed items ------------------------------------------------------------------------

/**
 * Answered items the checklist no longer has. An item reworded (once or more) is the same item:
 * its answer was carried over to the current wording and is shown there, not here.
 */
function removedIds(checklist: Checklist, state: RunState): string[] {
  const current = new Set(checklist.items.map((item) => item.id))
  return Object.keys(state.items).filter(
    (id) => !current.has(id) && state.items[id]?.by && !rewordedInto(state, id, current),
  )
}

/** Each item's earlier wordings, oldest first, by its current id: an answer carried over is read with them. */
function formerWordings(state: RunState): Map<string, string[]> {
  const found = new Map<string, string[]>()
  // Rewordings that kept the id (letter case, punctuation): told with the id's other wordings.
  const inPlace = state.rewordedInPlace ?? {}
  const told = new Set<string>()
  for (const [from, to] of Object.entries(state.rewordedTo ?? {})) {
    const text = state.formerTexts?.[from]
    if (text === undefined) continue
    // The current id at the end of the chain; wording changed back and forth ends where it started.
    let at = to
    const seen = new Set([from])
    while (state.rewordedTo?.[at] !== undefined && !seen.has(at)) {
      seen.add(at)
      at = state.rewordedTo[at] as string
    }
    if (at === from) continue
    told.add(from)
    found.set(at, [...(found.get(at) ?? []), ...(inPlace[from] ?? []), text])
  }
  for (const [id, texts] of Object.entries(inPlace))
    if (!told.has(id)) found.set(id, [...(found.get(id) ?? []), ...texts])
  return found
}

/** Whether `id` was reworded, once or over several resumes, into an item the checklist has. */
function rewordedInto(state: RunState, id: string, current: ReadonlySet<string>): boolean {
  const seen = new Set<string>()
  // Wording can change back and forth: each id is followed once.
  for (let at = state.rewordedTo?.[id]; at !== undefined && !seen.has(at); ) {
    if (current.has(at)) return true
    seen.add(at)
    at = state.rewordedTo?.[at]
  }
  return false
}

function removedPart(checklist: Checklist, state: RunState): string {
  const ids = removedIds(checklist, state)
  if (ids.length === 0) return ''
  const lines = [
    '## Answers to removed items',
    '',
    'Answered during the run, but no longer in the checklist; the run keeps them.',
    '',
  ]
  for (const id of ids) {
    const record = state.items[id] as ItemRecord
    const result: SheetResult = record.state
    const row: Entry = {
      result,
      record,
      outOfScope: null,
      override: null,
      checkedInFile: false,
      checkKind: null,
    }
    lines.push(
      ...entryLines(`${MARK[result]} — ${former(state, id)}${whoWhen(row)}`, row, 0, false),
    )
  }
  return lines.join('\n')
}

/** A removed item as it last read, then its id: the id alone rarely says what was answered. */
function former(state: RunState, id: string): string {
  const text = state.formerTexts?.[id]
  return text ? `${inline(text)} (${code(id)})` : code(id)
}

// --- reference pages ----------------------------------------------------------------------

/**
 * The sections with nothing to complete that the wizard opens with `p` (a rollback plan,
 * contacts): listed by title and line, so a reviewer knows they were at hand. Their text is
 * not copied: it is the checklist's, whose sha256 is in the header.
 */
function referencePart(checklist: Checklist, state: RunState): string {
  const pages = referencePages(checklist).filter((page) =>
    isInScope(page.scope, state.header.environment),
  )
  if (pages.length === 0) return ''
  // A procedure of numbered steps among them is said to be one, none of its steps answered.
  const procedures = new Map(
    numberedProcedures(checklist, state.header.environment).map((p) => [p.section.id, p] as const),
  )
  return [
    '## Reference pages',
    '',
    'Sections of the checklist with nothing to complete, open in the wizard during the run:',
    '',
    ...pages.map((page) => {
      const procedure = procedures.get(page.id)
      const words = procedure ? `: ${inline(unansweredWords(procedure))}` : ''
      return `- ${inline(page.title)} (line ${page.line})${words}`
    }),
  ].join('\n')
}

// --- approvals and hand-overs -------------------------------------------------------------

/**
 * Each gate of the checklist that stands in the run, approved (by whom, when, as which AWS
 * identity and account, from which host, with the note) or not yet; then approvals of gates
 * the checklist no longer has. Absent when the run has neither.
 */
function approvalsPart(checklist: Checklist, state: RunState): string {
  const gates = gatesIn(checklist, state.header.environment)
  const named = new Set(gates.map((gate) => gate.name))
  const others = Object.entries(state.approvals ?? {}).filter(([name]) => !named.has(name))
  if (gates.length === 0 && others.length === 0) return ''
  const lines = ['## Approvals', '']
  for (const gate of gates) {
    const approval = approvalAt(gate, state)
    const head = `**${inline(gate.name)}** (${gatePlace(checklist, gate)})`
    if (!approval) lines.push(`- ⬜ ${head}: **not approved**`)
    else lines.push(...approvalLines(`✅ ${head}`, approval))
  }
  for (const [name, approval] of others) {
    lines.push(
      ...approvalLines(`✅ **${inline(name)}** (no longer a gate of the checklist)`, approval),
    )
  }
  return lines.join('\n')
}

/** "after Pre-Deployment, before Deployment" */
function gatePlace(checklist: Checklist, gate: Gate): string {
  const title = (id: string) =>
    inline(checklist.phases.find((phase) => phase.id === id)?.title ?? id)
  return [
    gate.after ? `after ${title(gate.after)}` : 'before every phase',
    gate.before ? `before ${title(gate.before)}` : 'before the sign-off',
  ].join(', ')
}

function approvalLines(head: string, approval: Approval): string[] {
  const host = approval.host ? ` on ${inline(approval.host)}` : ''
  const lines = [
    `- ${head}: approved by **${inline(approval.by)}**, ${timestamp(approval.at)}\\`,
    `  as ${code(approval.arn)} (AWS account ${code(approval.account)})${host}`,
  ]
  if (approval.note) {
    lines[1] = `${lines[1]}\\`
    lines.push(`  Note: ${block(approval.note, '  ')}`)
  }
  return lines
}

/**
 * Who handed the run to whom, when and why (team runs: a lease taken over), and when it was
 * driven offline from a machine's copy. Absent without either.
 */
function handoversPart(state: RunState): string {
  const handovers = state.handovers ?? []
  const offline = state.offlineOpens ?? []
  if (handovers.length === 0 && offline.length === 0) return ''
  const lines = ['## Hand-overs', '']
  if (handovers.length > 0) {
    lines.push('The run changed driver; each driver wrote as the AWS identity shown.', '')
    for (const handover of handovers) lines.push(...handoverLines(handover))
  }
  for (const open of offline) {
    lines.push(
      `- ⚠️ **Driven offline** from ${timestamp(open.at)} by **${inline(open.by)}**: opened from that machine's copy while the team store did not answer, and driven without the lease until the store answered again.`,
    )
  }
  return lines.join('\n')
}

function handoverLines(handover: Handover): string[] {
  const { from, to } = handover
  const why =
    handover.reason === 'expired'
      ? `${inline(from.holder)}'s lease had expired`
      : handover.reason === 'explicit'
        ? 'taken over explicitly'
        : inline(handover.reason)
  return [
    `- ${timestamp(handover.at)}: **${inline(to.holder)}** on ${inline(to.host)} took over from **${inline(from.holder)}** on ${inline(from.host)}, last seen ${timestamp(from.lastSeen)} — ${why}\\`,
    `  from ${code(from.arn)} to ${code(to.arn)}`,
  ]
}

// --- sign-off -----------------------------------------------------------------------------

function signoffPart(checklist: Checklist, state: RunState): string {
  const env = state.header.environment
  const lines = ['## Sign-off entries', '']
  const fields = checklist.signoff.filter((f) => isInScope(f.scope, env))
  const others = checklist.signoff.length - fields.length
  if (checklist.signoff.length === 0) {
    lines.push('The checklist has no sign-off fields.')
    return lines.join('\n')
  }
  if (fields.length > 0) {
    const failed = failedItems(state)
    const signoff = signoffLines(fields)
    const hasRoles = signoff.some((line) => line.role !== null)
    const header = [...(hasRoles ? ['Role'] : []), 'Field', 'Entry', 'Entered by']
    lines.push(tableRow(header), tableRow(header.map(() => '---')))
    for (const line of signoff) {
      const roleCell = hasRoles ? [line.role ? cell(line.role) : ''] : []
      const given = line.field?.given ?? null
      if (given !== null) {
        lines.push(tableRow([...roleCell, cell(line.label), cell(given), 'in the checklist']))
        continue
      }
      const entry = line.field ? state.signoff[line.field.id] : undefined
      // A cleared entry (its item taken back to pending) is blank: nobody's entry stands.
      const by = entry?.value.trim() ? `${cell(entry.by)}, ${shortTime(entry.at)}` : ''
      // What the run says against the entry: as confirmed, and what failed since (run/claims.ts).
      const warnings =
        line.field && entry?.value.trim() ? standingWarnings(line.field, entry, failed) : []
      const value = line.field
        ? `${fieldEntry(line.field, entry?.value)}${warnings.map((w) => ` · ⚠ ${cell(w)}`).join('')}`
        : BLANK
      lines.push(tableRow([...roleCell, cell(line.label), value, by]))
    }
  }
  if (others > 0) {
    const where = [
      ...new Set(
        checklist.signoff.filter((f) => !fields.includes(f)).map((f) => describeScope(f.scope)),
      ),
    ]
    lines.push(
      '',
      `${plural(others, 'field')} for other environments not shown: ${where.map(inline).join('; ')}.`,
    )
  }
  return lines.join('\n')
}

/** What was entered, the choices with the one chosen ticked, or a blank line to fill by hand. */
function fieldEntry(field: SignoffField, value: string | undefined): string {
  if (field.type === 'choice' && field.choices.length > 0) {
    const chosen = field.choices.find((c) => c.toLowerCase() === value?.trim().toLowerCase())
    const ticks = field.choices.map((c) => `${c === chosen ? '☑' : '☐'} ${cell(c)}`).join(' · ')
    return value !== undefined && chosen === undefined ? `${ticks} · ☑ ${cell(value)}` : ticks
  }
  return value !== undefined && value.trim() !== '' ? cell(value) : BLANK
}

// --- footer -------------------------------------------------------------------------------

function footerPart(options: SheetOptions): string {
  return [
    '---',
    '',
    `Exported by deploy-wizard ${inline(options.toolVersion ?? VERSION)} at ${timestamp(options.now.toISOString())}. Times are UTC.`,
    'The digest below covers everything above it; `deploy-wizard verify <sheet.md>` says whether the sheet was edited after export.',
  ].join('\n')
}

// --- sections -----------------------------------------------------------------------------

interface SectionPaths {
  /** The phase and groups an item sits in, outermost first. */
  pathOf(item: Item): readonly Section[]
  /** "Deployment › Task 13.1: Deploy DynamoDB Tables", escaped. */
  breadcrumb(item: Item): string
}

function sectionPaths(checklist: Checklist): SectionPaths {
  const paths = new Map<string, readonly Section[]>()
  const walk = (section: Section, above: readonly Section[]) => {
    const path = [...above, section]
    paths.set(section.id, path)
    for (const sub of section.sections) walk(sub, path)
  }
  for (const phase of checklist.phases) walk(phase, [])
  const pathOf = (item: Item) => paths.get(item.sectionId) ?? paths.get(item.phaseId) ?? []
  return {
    pathOf,
    breadcrumb: (item) =>
      pathOf(item)
        .map((s) => inline(s.title))
        .join(' › '),
  }
}

// --- counting -----------------------------------------------------------------------------

function countResults(rows: readonly Row[]): Record<SheetResult, number> {
  const count = { done: 0, failed: 0, skipped: 0, na: 0, pending: 0 }
  for (const row of rows) count[row.result]++
  return count
}

function hasCheckProblem(row: Row): boolean {
  const status = row.record?.check?.status
  return row.outOfScope === null && isProblem(status)
}

// --- markdown -----------------------------------------------------------------------------

/**
 * The item's text as the checklist wrote it (code spans, emphasis, links), on one
 * line — unless it holds HTML, which the sheet never carries: then its plain text, escaped.
 */
function itemText(item: Item): string {
  const oneLined = item.text.replace(/\s*\n\s*/g, ' ').trim()
  return hasHtml(oneLined) ? text(item.plain.replace(/\s+/g, ' ').trim()) : oneLined
}

function hasHtml(markdown: string): boolean {
  const tree = fromMarkdown(markdown, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] })
  const visit = (node: Nodes): boolean =>
    node.type === 'html' ||
    ('children' in node && node.children.some((child) => visit(child as Nodes)))
  return visit(tree)
}

/** Text anyone typed or a check reported, escaped to read as itself inside a line. */
function text(value: string): string {
  return (
    value
      .replace(/[\\`*[\]|~$]/g, '\\$&')
      // `_` between letters or digits cannot start or end emphasis; elsewhere it can.
      .replace(/_/g, (m, offset: number, all: string) =>
        /[\p{L}\p{N}]/u.test(all[offset - 1] ?? '') && /[\p{L}\p{N}]/u.test(all[offset + 1] ?? '')
          ? m
          : '\\_',
      )
      // Only `<` before a letter, `/`, `!` or `?` can open a tag, a comment or an autolink.
      .replace(/<(?=[A-Za-z/!?])/g, '\\<')
      .replace(/&(?=#?[A-Za-z0-9]+;)/g, '\\&')
  )
}

/** `text` for anything one line long: newlines become spaces. */
function inline(value: string): string {
  return text(oneLine(value))
}

/** A heading's text: `inline`, and a trailing `#` run that would be read as the heading's end. */
function heading(value: string): string {
  return inline(value).replace(/#+$/, (run) => run.replace(/#/g, '\\#'))
}

/** A table cell: `inline` already escapes `|`, which would otherwise split the cell. */
function cell(value: string): string {
  return inline(value)
}

/**
 * Multi-line text inside a list item's paragraph: each line escaped, joined by
 * hard breaks and indented to stay in the item; what would start a block at the
 * beginning of a line (`#`, `>`, `-`, `+`, `=`, `1.`) is escaped there too.
 */
function block(value: string, pad: string): string {
  const lines = value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line, i) => (i === 0 ? text(line) : atLineStart(text(line))))
  return lines.join(`\\\n${pad}`)
}

/** Escapes what would open a block at the start of a line: a heading, quote, list or underline. */
function atLineStart(escaped: string): string {
  return escaped.replace(/^[#>+=-]/, '\\$&').replace(/^(\d+)([.)])/, '$1\\$2')
}

function tableRow(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`
}

/** A code span that holds any text: a fence longer than any run of backticks in it. */
function code(value: string): string {
  const one = oneLine(value)
  const longest = Math.max(0, ...[...one.matchAll(/`+/g)].map((m) => m[0].length))
  const fence = '`'.repeat(longest + 1)
  const padded = one.startsWith('`') || one.endsWith('`') ? ` ${one} ` : one
  // `|` ends a table cell even in a code span; the sheet's code spans are outside tables.
  return `${fence}${padded}${fence}`
}

function oneLine(value: string): string {
  return value.replace(/\s*[\r\n]+\s*/g, ' ').trim()
}

function truncate(value: string): string {
  return value.length > MAX_VALUE ? `${value.slice(0, MAX_VALUE - 1)}…` : value
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`
}

// --- time ---------------------------------------------------------------------------------

/** "2026-11-22 09:04:31 UTC" */
function timestamp(iso: string): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return inline(iso)
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`
}

/** "2026-11-22 09:04": the header says times are UTC. */
function shortTime(iso: string): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return inline(iso)
  return date.toISOString().slice(0, 16).replace('T', ' ')
}
