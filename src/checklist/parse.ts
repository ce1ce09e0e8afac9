/**
 * Markdown checklist → checklist model.
 *
 * Reads a GitHub-flavoured markdown file as it is: `##` headings are phases,
 * deeper headings groups, every task item (`- [ ]`, `* [x]`, `1. [ ]`, `- ☐`, nested,
 * in block quotes) a step, and the prose, code fences and tables around them are
 * kept to show the operator. A bullet that starts with a ballot box (`- ☐`, `- ☑`) is a task
 * item too (ballot.ts). Directives in HTML comments add automation.
 *
 * Never throws for anything the file contains: every problem is collected with
 * its line and column, so `validate` can list them all. A file past the input
 * limits (limits.ts) is one such problem, found before the markdown is parsed;
 * so is anything that goes wrong while reading it, where it went wrong.
 *
 * No walk over the tree recurses deeper than the nesting limit, and no array the
 * file can make long is spread into a call's arguments: either would overflow
 * the stack on a hostile file.
 */
import { createHash } from 'node:crypto'
import type {
  Blockquote,
  Heading,
  Html,
  List,
  ListItem,
  Nodes,
  Paragraph,
  PhrasingContent,
  RootContent,
  Table,
  TableCell,
  TableRow,
} from 'mdast'
import { toString as plainText } from 'mdast-util-to-string'
import { provideSchemaLibraries } from '../checks/params.ts'
import * as schemaLibraries from '../checks/schema-libraries.ts'
import { readBallotBoxes } from './ballot.ts'
import { revealDetails } from './details.ts'
import { type Directive, parseDirectiveComment } from './directives.ts'
import { emojify } from './emoji.ts'
import { checklistTitle, parseFrontMatter, type VarPositions } from './front-matter.ts'
import { type GateDraft, placeGates } from './gates.ts'
import { headingSlug, IdAllocator, slug } from './ids.ts'
import { checkInputLimits, LIMITS, type LimitProblem } from './limits.ts'
import { parseMarkdown } from './markdown.ts'
import type {
  Block,
  Checklist,
  CheckSpec,
  FrontMatter,
  InferredScope,
  Item,
  ItemBlank,
  Phase,
  PhaseRole,
  Scope,
  Section,
  SignoffField,
} from './model.ts'
import { dividePhases, leadLine } from './phases.ts'
import { LineIndex, type Problem, Problems } from './problems.ts'
import {
  ALL,
  type Aliases,
  buildAliases,
  DEFAULT_ENVIRONMENTS,
  describeScope,
  intersect,
  scopeFromHeading,
  scopeFromItemText,
  subHeadingRestricts,
  type WordsReading,
} from './scope.ts'
import { labelWithoutCue, selectOneCue } from './select-one.ts'
import {
  choiceItems,
  emptyField,
  type FieldDraft,
  fieldsInFormTable,
  fieldsInTable,
  isFormTable,
  isLabel,
  isRollbackTitle,
  isSignatureTable,
  isSignoffLead,
  isSignoffTitle,
  isStatusTitle,
  itemFields,
  readLine,
  roleName,
  statusItems,
} from './signoff.ts'
import { namesPerson, namesSignoff, titleWords } from './signoff-words.ts'
import { readStepTable, type StepRow } from './step-table.ts'
import { type DirectiveOffsets, validateChecklist } from './validate.ts'

// The parser validates every check's parameters against its kind's schema, and it is
// loaded only on a cache miss: it hands the schemas' libraries over, so validation needs no await.
provideSchemaLibraries(schemaLibraries)

export interface ParseResult {
  readonly checklist: Checklist
  /** Every problem found, errors and warnings, in file order. */
  readonly problems: readonly Problem[]
  readonly hasErrors: boolean
}

export interface ParseOptions {
  /** The path shown in messages and recorded in the model. */
  readonly path: string
  /** sha256 of the file's bytes, when the caller read them; otherwise of the text. */
  readonly sha256?: string
}

/** Parses a checklist's text. Never throws for anything the text contains. */
export function parseChecklist(source: string, options: ParseOptions): ParseResult {
  const sha256 = options.sha256 ?? createHash('sha256').update(source).digest('hex')
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source
  const limit = checkInputLimits(text)
  if (limit) return pastLimit(limit, options.path, sha256)
  const problems = new Problems()
  const empty: Checklist = { path: options.path, sha256, ...emptyDraft() }
  const builder = new ChecklistBuilder(text, problems)
  let checklist = empty
  try {
    checklist = { path: options.path, sha256, ...builder.build() }
    validateChecklist(checklist, {
      directives: builder.directiveOffsets,
      vars: builder.varPositions,
      lines: builder.lines,
      problems,
      text,
    })
  } catch (error) {
    // Our bug, or a shape the limits did not foresee: still an error in the file
    // (so the checklist is not run), at the line being read, never a crash.
    problems.error(
      checklist === empty ? builder.lastLine : 1,
      1,
      `deploy-wizard could not read the checklist from here: ${describeFailure(error)}`,
      'this is a bug in deploy-wizard: please report it with the file; simplifying the lines here may get around it',
    )
  }
  return { checklist, problems: problems.list, hasErrors: problems.hasErrors }
}

/** The result for a file past an input limit: that one error, and nothing read from it. */
export function pastLimit(limit: LimitProblem, path: string, sha256: string): ParseResult {
  const problems = new Problems()
  problems.error(limit.line, limit.column, limit.message, limit.hint)
  return { checklist: { path, sha256, ...emptyDraft() }, problems: problems.list, hasErrors: true }
}

function describeFailure(error: unknown): string {
  if (error instanceof RangeError && /call stack/i.test(error.message)) return 'it nests too deeply'
  return error instanceof Error ? error.message : String(error)
}

function emptyDraft(): Draft {
  return {
    title: 'Checklist',
    frontMatter: {},
    environments: DEFAULT_ENVIRONMENTS,
    sections: [],
    phases: [],
    items: [],
    signoff: [],
    inferredScopes: [],
    gates: [],
  }
}

interface SectionDraft {
  id: string
  title: string
  kind: 'phase' | 'group'
  level: number
  line: number
  blocks: Block[]
  items: ItemDraft[]
  sections: SectionDraft[]
  /** Worked out once the whole file is read (see `#resolveScopes`). */
  scope: Scope
  /** The `only:` on the heading or right below it. */
  only: OnlyDraft | null
  /** What the heading's words say about environments; null when they name none (or inference is off). */
  words: WordsReading | null
  role: PhaseRole
  isSignoff: boolean
  childIds: IdAllocator
  fieldIds: IdAllocator
  /** Nothing but the heading yet: a directive comment here belongs to the section. */
  isFresh: boolean
  /** Opened by a bold lead line (`**Git**` over a list): its items take their ids from the section around it. */
  isLead: boolean
  /** That line, as the block it was before it opened a group (see dissolveLoneLeads). */
  leadBlock?: Block
  /** The lines under a lead line's bold one, its group's first prose (already in `leadBlock`). */
  leadDescription?: Block
  /**
   * For a group opened by a lead line that names a sign-off (`**Sign-off Status:**` over
   * boxes): the section whose ids its fields take, as they did before it was a group.
   */
  fieldOwner?: SectionDraft
  parent: SectionDraft | null
  phase: SectionDraft | null
}

interface ItemDraft {
  id: string
  hasExplicitId: boolean
  namesSignoff: boolean
  text: string
  plain: string
  checked: boolean
  line: number
  depth: number
  parentId: string | null
  phaseId: string
  sectionId: string
  blocks: Block[]
  check: CheckSpec | null
  needs: string[]
  timeoutMs: number | null
  /** Worked out once the whole file is read (see `#resolveScopes`). */
  scope: Scope
  fields: SignoffField[]
  blanks: ItemBlank[]
  childIds: IdAllocator
  fieldIds: IdAllocator
  only: OnlyDraft | null
  /** "(production only)" in the item's text, or a parenthesis that names an environment beside an "only". */
  words: (WordsReading & { readonly words: string }) | null
  parent: ItemDraft | null
  section: SectionDraft
}

/** An `only:` directive: its environments (null for `only: all`), where it is written. */
interface OnlyDraft {
  readonly environments: readonly string[] | null
  readonly line: number
  readonly offset: number
}

/** A gate directive where it is written: on a heading (`section`), or on a line of its own with its `only:`. */
interface WrittenGate {
  readonly directive: Extract<Directive, { name: 'gate' }>
  readonly section: SectionDraft | null
  readonly only: OnlyDraft | null
}

/** A sign-off field whose scope is its owner's, known once the whole file is read. */
type MutableField = { -readonly [K in keyof SignoffField]: SignoffField[K] }

type Draft = Omit<Checklist, 'path' | 'sha256'>

/**
 * How deep the walk goes into quotes and lists before it stops with an error.
 * Above `LIMITS.nesting`, which the input scan enforces: this only catches what
 * gets past the scan, far from the stack's end.
 */
const MAX_WALK_DEPTH = LIMITS.nesting * 2

class ChecklistBuilder {
  readonly lines: LineIndex
  /** Where each item's directives are, for the errors found once the whole file is read. */
  readonly directiveOffsets = new Map<string, DirectiveOffsets>()
  readonly varPositions: VarPositions = new Map()
  #text: string
  readonly #problems: Problems
  readonly #phases: SectionDraft[] = []
  readonly #items: ItemDraft[] = []
  readonly #signoff: SignoffField[] = []
  /** Each sign-off field and the section or item whose scope it takes. */
  readonly #fieldOwners: [MutableField, { readonly scope: Scope }][] = []
  readonly #inferred: InferredScope[] = []
  /** Gates as written: on a heading (its scope known once the file is read), or on a line of their own. */
  readonly #gates: WrittenGate[] = []
  readonly #phaseIds = new IdAllocator()
  readonly #explicitIds = new Map<string, number>()
  readonly #sectionIds = new Set<string>()
  #frontMatter: FrontMatter = {}
  #environments: readonly string[] = DEFAULT_ENVIRONMENTS
  #aliases: Aliases = buildAliases(DEFAULT_ENVIRONMENTS)
  #inferScope = true
  #title: string | null = null
  /** The phase of items written before any `##` heading, once there is one. */
  #implicit: SectionDraft | null = null
  /** The innermost open section; `null` before the first heading. */
  #current: SectionDraft | null = null
  /** Block quotes and lists entered on the way to the node being read. */
  #depth = 0
  /** The line of the node being read, for an error that stops the reading. */
  lastLine = 1
  /** Sections where a lead line ("**Sign-off:**") opened a sign-off after their heading. */
  readonly #signoffLeads = new WeakSet<SectionDraft>()
  /**
   * A comment or line saying to pick one ("<!-- Select one by marking with an 'x' -->"), right
   * before the node being read: the boxes of a list right after it are one choice (select-one.ts).
   */
  #selectCue: { words: string; label: string } | null = null
  /** Sections whose heading's "(select one)" has made its first list of boxes a choice. */
  readonly #headingCueUsed = new WeakSet<SectionDraft>()
  /** A paragraph that ended in "Label:" alone: the lead of a list below it, or a blank. */
  #lead: { label: string; line: number } | null = null
  /**
   * Blanks written after the last task item of a section that is no sign-off: a completion
   * record ("Deployed on: ___ Version: ___") once one of them is a line of underscores.
   */
  #tail: { drafts: FieldDraft[]; line: number; isPlaceholder: boolean }[] = []
  #isTailForm = false

  constructor(text: string, problems: Problems) {
    this.#text = text
    this.#problems = problems
    this.lines = new LineIndex(text)
  }

  build(): Draft {
    let root = parseMarkdown(this.#text)
    // A heading or items right under `<details>` count (details.ts): read what it hides.
    const revealed = revealDetails(this.#text, root)
    if (revealed !== null) {
      this.#text = revealed
      root = parseMarkdown(revealed)
    }
    // `- ☐ Deploy` is a task item as `- [ ] Deploy` is (ballot.ts).
    readBallotBoxes(root)
    const yaml = root.children.find((node) => node.type === 'yaml')
    if (yaml) this.#readFrontMatter(yaml.value, (yaml.position?.start.line ?? 1) + 1)
    for (const [i, node] of root.children.entries()) this.#flow(node, root.children, i)
    this.#endOfSection()
    for (const phase of this.#phases) dissolveLoneLeads(phase, this.#items)
    const title = emojify(checklistTitle(this.#frontMatter, this.#title))
    // Named after the checklist as its header shows it; its id stays what it was made from.
    if (this.#implicit) this.#implicit.title = title
    this.#resolveScopes()

    const counts = new Map<string, number>()
    for (const item of this.#items)
      counts.set(item.sectionId, (counts.get(item.sectionId) ?? 0) + 1)
    const roles = new Map<string, PhaseRole>()
    const frozen = this.#phases.map((s) => freezeSection(s, counts, roles))
    const divided = dividePhases(frozen, this.#items.map(freezeItem), (section) => {
      return roles.get(section.id) ?? 'standard'
    })
    const sections = divided.sections
    const phases = sections.filter((s): s is Phase => s.kind === 'phase' && s.itemCount > 0)
    const gates = placeGates(
      this.#gates.map((g) => this.#gateDraft(g)),
      { sections, phases, items: divided.items },
      {
        error: (at, message, hint) => this.#errorAt(at, message, hint),
        warning: (at, message, hint) => this.#warningAt(at, message, hint),
      },
    )
    return {
      title,
      frontMatter: this.#frontMatter,
      environments: this.#environments,
      sections,
      phases,
      items: divided.items,
      signoff: this.#signoff,
      inferredScopes: this.#inferred,
      gates,
    }
  }

  /**
   * A gate once scopes are known: one on a heading stands where its section applies (an
   * `only:` beside it is the section's, as on any heading); one on a line of its own, where
   * its own `only:` says, else everywhere.
   */
  #gateDraft(written: WrittenGate): GateDraft {
    const { directive, section, only } = written
    const scope: Scope = section
      ? section.scope
      : only?.environments
        ? { environments: only.environments, reason: `only: directive, line ${only.line}` }
        : ALL
    return {
      name: directive.gate,
      approver: directive.approver,
      offset: directive.offset,
      line: this.lines.position(directive.offset).line,
      heading: section ? { id: section.id, title: section.title, line: section.line } : null,
      scope,
    }
  }

  #readFrontMatter(yamlText: string, firstLine: number): void {
    this.#frontMatter = parseFrontMatter(yamlText, firstLine, this.#problems, this.varPositions)
    this.#environments = this.#frontMatter.environments ?? DEFAULT_ENVIRONMENTS
    this.#aliases = buildAliases(this.#environments, this.#frontMatter.aliases)
    this.#inferScope = this.#frontMatter.inferEnvironments ?? true
  }

  /** A block-level node at the top of the document or inside a block quote, `siblings[index]`. */
  #flow(node: RootContent, siblings: readonly RootContent[], index: number): void {
    this.lastLine = line(node)
    if (node.type === 'yaml') return
    // "Label:" alone leads the list or table right below it ("**Completar al finalizar el
    // despliegue:**" over a signature table); before anything else it is a blank.
    const lead = this.#lead
    this.#lead = null
    const cue = this.#selectCue
    this.#selectCue = null
    if (lead && node.type !== 'list' && node.type !== 'table' && !this.#isCue(node))
      this.#leadIsBlank(lead)
    const bullet = node.type === 'heading' ? this.#overEmptyBullet(node) : null
    if (bullet) {
      if (!this.#leadGroup(bullet[0], bullet, 0)) this.#block(bullet[0])
    } else if (node.type === 'heading') this.#heading(node)
    else if (node.type === 'list') this.#list(node, null, lead?.label ?? null, cue)
    else if (node.type === 'blockquote' && containsTask(node)) {
      if (!this.#enter(node)) return
      for (const [i, child] of node.children.entries()) this.#flow(child, node.children, i)
      this.#depth--
    } else if (node.type === 'html') this.#looseHtml(node)
    else if (node.type !== 'paragraph' || !this.#leadGroup(node, siblings, index)) this.#block(node)
    // Read after the node, which may be a lead line ("**Priority** (select one):") as well.
    if (node.type === 'html' || node.type === 'paragraph') this.#noteCue(node, lead)
  }

  /** Whether a comment or a line says to pick one of the boxes right after it. */
  #isCue(node: RootContent): boolean {
    if (node.type === 'html') return selectOneCue(node.value) !== null
    return node.type === 'paragraph' && selectOneCue(proseText(node)) !== null
  }

  /**
   * Keeps a cue for the list right after it: a comment's words, a line's ("Select one:"), and
   * the label the line gives the choice, if it names one ("**Priority** (select one):"). A
   * comment between a label line and its list keeps that label.
   */
  #noteCue(node: Html | Paragraph, lead: { label: string } | null): void {
    const text = node.type === 'html' ? node.value : proseText(node)
    const words = selectOneCue(text)
    if (words === null) return
    const own = node.type === 'paragraph' ? labelWithoutCue(text) : ''
    this.#selectCue = { words, label: own || (node.type === 'html' ? (lead?.label ?? '') : '') }
    if (node.type === 'paragraph') this.#lead = null
  }

  /**
   * A bold lead line over a list (`**Git**`, `**Before release**:`) heads what follows, as a
   * heading would, up to the next one or the next heading: it opens a group (not in the
   * sign-off section, whose lines are fields). Returns whether it did.
   */
  #leadGroup(node: Paragraph, siblings: readonly RootContent[], index: number): boolean {
    const lead = leadLine(node, siblings, index)
    // A sign-off's lines are its fields (signoff.ts), whatever their shape; so are those under a
    // lead line that names one, but for task items (`**Approvals Required**` over `- [ ] …`).
    if (lead === null || this.#current?.isSignoff) return false
    const isSignoff = isSignoffTitle(lead.title)
    if (isSignoff && !this.#leadsTasks(siblings, index)) return false
    let container = this.#current ?? this.#implicitPhase(line(node))
    if (container.isLead && container.parent) container = container.parent
    this.#openLeadGroup(container, lead.title, line(node), this.#toBlock(node))
    // The lines under the bold one describe the group: its prose, from the second line on.
    const group = this.#current
    if (lead.description && node.position && group) {
      const start = this.#text.indexOf('\n', offset(node)) + 1
      const description: Paragraph = {
        ...lead.description,
        position: {
          start: { ...this.lines.position(start), offset: start },
          end: node.position.end,
        },
      }
      group.leadDescription = this.#toBlock(description)
      this.#addBlock(group.leadDescription, null)
    }
    // "**Approvals Required**" over task items heads them as any lead line does, and the
    // blanks in them are still sign-off fields, as under it before there was a group.
    if (isSignoff && group) {
      group.fieldOwner = idOwner(group)
      this.#paragraphFields(node, group)
    }
    return true
  }

  /**
   * "**Dependencies**" and "List any external dependencies:" over an empty bullet `- `, as issue
   * templates leave one to fill in: CommonMark reads the lone dash as a setext underline, making
   * the lines a `##` heading, "Dependencies List any external dependencies:". Nobody underlines
   * a heading with one dash: read as the paragraph and the empty list they were written as.
   * Null for any other heading.
   */
  #overEmptyBullet(node: Heading): [Paragraph, List] | null {
    const end = node.position?.end.offset
    if (node.depth !== 2 || end === undefined) return null
    const lineStart = this.#text.lastIndexOf('\n', end - 1) + 1
    if (!/^ {0,3}-[ \t]*$/.test(this.#text.slice(lineStart, end))) return null
    const before = Math.max(offset(node), lineStart - 1)
    const paragraph: Paragraph = {
      type: 'paragraph',
      children: node.children,
      ...(node.position
        ? {
            position: {
              start: node.position.start,
              end: { ...this.lines.position(before), offset: before },
            },
          }
        : {}),
    }
    return [paragraph, { type: 'list', ordered: false, spread: false, children: [] }]
  }

  /** Whether the list under the lead line `siblings[index]` holds task items. */
  #leadsTasks(siblings: readonly RootContent[], index: number): boolean {
    const list = siblings.slice(index + 1).find((node) => node.type === 'list')
    return list !== undefined && containsTask(list)
  }

  /** A group opened by a lead line (or a step table's label row) in `container`, now the current section. */
  #openLeadGroup(container: SectionDraft, title: string, lineNumber: number, block: Block): void {
    // Its id is a section's only: the items under it keep the ids they had without it.
    const owner = idOwner(container)
    const base = `${owner.id}/${headingSlug(title)}`
    let id = base
    for (let n = 2; this.#sectionIds.has(id); n++) id = `${base}~${n}`
    this.#sectionIds.add(id)
    const group: SectionDraft = {
      id,
      title: emojify(title),
      kind: 'group',
      level: container.level + 1,
      line: lineNumber,
      blocks: [],
      items: [],
      sections: [],
      // A lead line says nothing of environments, as the text under it never did.
      scope: container.scope,
      only: null,
      words: null,
      role: isRollbackTitle(title) ? 'rollback' : container.role,
      isSignoff: false,
      childIds: new IdAllocator(),
      fieldIds: new IdAllocator(),
      isFresh: false,
      isLead: true,
      leadBlock: block,
      parent: container,
      phase: container.phase ?? container,
    }
    container.sections.push(group)
    container.isFresh = false
    this.#current = group
  }

  /**
   * One level deeper into quotes and lists. The input limits keep files far from
   * the stack's end; should a shape get past them, the reading stops here with an
   * error rather than overflowing. Returns false when it stopped.
   */
  #enter(node: Nodes): boolean {
    if (this.#depth >= MAX_WALK_DEPTH) {
      this.#errorAt(
        offset(node),
        `lists and block quotes are nested more than ${LIMITS.nesting} deep here`,
        'flatten the nesting: a checklist reads best at two or three levels',
      )
      return false
    }
    this.#depth++
    return true
  }

  #heading(node: Heading): void {
    this.#endOfSection()
    const title = headingText(node)
    if (node.depth === 1 && this.#title === null) {
      this.#title = title
      return
    }
    const directives = this.#inlineDirectives(node.children)
    const level = Math.max(node.depth, 2)
    while (this.#current && this.#current.level >= level) this.#current = this.#current.parent
    const parent = level === 2 ? null : (this.#current ?? this.#implicitPhase(line(node)))
    this.#openSection(title, level, line(node), parent, directives)
  }

  #openSection(
    title: string,
    level: number,
    lineNumber: number,
    parent: SectionDraft | null,
    directives: Directive[],
  ): SectionDraft {
    const explicit = this.#explicitId(directives)
    // Under a bold lead line, ids are made as if it were not there (see #leadGroup).
    const owner = parent ? idOwner(parent) : null
    const base = owner ? `${owner.id}/${headingSlug(title)}` : headingSlug(title)
    const allocator = owner ? owner.childIds : this.#phaseIds
    let id = explicit ?? allocator.next(base)
    // A generated id never takes one already given, explicitly or not.
    while (!explicit && this.#sectionIds.has(id)) id = allocator.next(base)
    if (explicit && this.#sectionIds.has(explicit)) {
      this.#errorAt(
        this.#explicitIds.get(explicit) ?? 0,
        `id '${explicit}' is already the id of another section`,
        'choose another id',
      )
    }
    this.#sectionIds.add(id)
    const isSignoff =
      (parent?.isSignoff ?? false) ||
      directives.some((d) => d.name === 'signoff') ||
      isSignoffTitle(title)
    const section: SectionDraft = {
      id,
      title: emojify(title),
      kind: parent ? 'group' : 'phase',
      level,
      line: lineNumber,
      blocks: [],
      items: [],
      sections: [],
      scope: ALL,
      only: this.#onlyOf(directives),
      words: this.#inferScope ? scopeFromHeading(title, this.#aliases) : null,
      role: isSignoff ? 'signoff' : isRollbackTitle(title) ? 'rollback' : 'standard',
      isSignoff,
      childIds: new IdAllocator(),
      fieldIds: new IdAllocator(),
      isFresh: true,
      isLead: false,
      parent,
      phase: parent ? (parent.phase ?? parent) : null,
    }
    for (const d of directives) {
      if (d.name === 'check' || d.name === 'needs' || d.name === 'timeout')
        this.#errorAt(
          d.offset,
          `'${d.name}:' belongs on a task item, not on a heading`,
          'move it to the item it checks',
        )
      else if (d.name === 'gate') this.#gates.push({ directive: d, section, only: null })
    }
    if (parent) {
      parent.sections.push(section)
      parent.isFresh = false
    } else this.#phases.push(section)
    this.#current = section
    return section
  }

  /** Items written before any `##` heading go in a phase named after the checklist. */
  #implicitPhase(lineNumber: number): SectionDraft {
    if (this.#current) return this.#current
    this.#implicit = this.#openSection(
      this.#frontMatter.title ?? this.#title ?? 'Checklist',
      2,
      lineNumber,
      null,
      [],
    )
    // Its title is the checklist's, about the whole file: "# Deploy to Production" must not
    // scope the items above the first section and none below it, nor cite a line it is not on.
    this.#implicit.words = null
    return this.#implicit
  }

  #list(
    list: List,
    parent: ItemDraft | null,
    lead: string | null = null,
    cue: { words: string; label: string } | null = null,
  ): void {
    if (!this.#enter(list)) return
    try {
      if (parent === null && (this.#choiceList(list, lead) || this.#selectOneList(list, cue)))
        return
      this.#listItems(list, parent, lead)
    } finally {
      this.#depth--
    }
  }

  #listItems(list: List, parent: ItemDraft | null, lead: string | null = null): void {
    let looseStart: number | null = null
    let looseEnd = 0
    let loose: ListItem[] = []
    const flushLoose = () => {
      if (looseStart === null) return
      this.#addBlock(
        {
          kind: 'list',
          markdown: this.#text.slice(looseStart, looseEnd),
          line: this.lines.position(looseStart).line,
          node: { ...list, children: loose },
        },
        parent,
      )
      looseStart = null
      loose = []
    }
    for (const listItem of list.children) {
      this.lastLine = line(listItem)
      if (typeof listItem.checked === 'boolean') {
        flushLoose()
        this.#item(listItem, parent)
      } else if (containsTask(listItem)) {
        flushLoose()
        this.#listGroup(listItem, parent)
      } else {
        looseStart ??= offset(listItem)
        looseEnd = endOffset(listItem)
        loose.push(listItem)
        this.#bulletFields(listItem, parent, lead)
      }
    }
    flushLoose()
  }

  /**
   * A plain list item with task items under it ("3. **Verify Rollback**" then
   * `- [ ]` lines) reads as a heading for those items: under an item its text is
   * shown with the item, elsewhere it becomes a group.
   */
  #listGroup(listItem: ListItem, parent: ItemDraft | null): void {
    const [first, ...rest] = listItem.children
    if (parent) {
      for (const child of listItem.children) {
        if (child.type === 'list') this.#list(child, parent)
        else this.#addBlock(this.#toBlock(child), parent)
      }
      return
    }
    const container = this.#current ?? this.#implicitPhase(line(listItem))
    const title =
      first?.type === 'paragraph' ? plainText(first).trim() : `Steps (line ${line(listItem)})`
    const saved = this.#current
    const group = this.#openSection(title, container.level + 1, line(listItem), container, [])
    for (const child of first?.type === 'paragraph' ? rest : listItem.children) {
      if (child.type === 'list') this.#list(child, null)
      else if (child.type === 'html') this.#looseHtml(child)
      else this.#addBlock(this.#toBlock(child), null)
    }
    this.#current = saved
    group.isFresh = false
  }

  #item(listItem: ListItem, parent: ItemDraft | null): void {
    const section = this.#current ?? this.#implicitPhase(line(listItem))
    section.isFresh = false
    const [first, ...rest] = listItem.children
    const paragraph = first?.type === 'paragraph' ? first : null
    const { text, plain } = paragraph ? this.#itemText(paragraph) : { text: '', plain: '' }
    const directives = paragraph ? this.#inlineDirectives(paragraph.children) : []
    for (const child of paragraph ? rest : listItem.children) {
      if (child.type === 'html') append(directives, this.#directivesIn(child) ?? [])
    }
    const item = this.#newItem({
      text,
      plain,
      checked: listItem.checked === true,
      line: line(listItem),
      parent,
      section,
      directives,
    })
    if (this.#readsFields(section)) {
      // Hard breaks leave no space in the plain text: "Deployed by: ___" + "Date: ___".
      const itemLine = paragraph ? plainLines(paragraph).join(' ') : plain
      const isLead = (paragraph ? rest : []).some((child) => child.type === 'list')
      item.fields = this.#fields(
        itemFields(itemLine, parent ? this.#roleOf(parent) : null, isLead),
        item.line,
        item,
        item.fieldIds,
        item.id,
        item.id,
      )
      append(this.#signoff, item.fields)
    }
    if (!parent) section.items.push(item)
    this.#items.push(item)

    for (const child of paragraph ? rest : listItem.children) {
      if (child.type === 'list') this.#list(child, item)
      else if (child.type !== 'html') this.#addBlock(this.#toBlock(child), item)
    }
  }

  #applyItemDirectives(item: ItemDraft, directives: Directive[]): void {
    const offsets: DirectiveOffsets = {}
    this.directiveOffsets.set(item.id, offsets)
    for (const d of directives) {
      switch (d.name) {
        case 'check': {
          if (item.check) {
            this.#errorAt(
              d.offset,
              'an item has at most one check',
              'split it into two items, one check each',
            )
            break
          }
          item.check = { kind: d.kind, params: d.params, position: this.lines.position(d.offset) }
          offsets.kind = d.kindOffset
          offsets.params = d.paramOffsets
          break
        }
        case 'needs':
          append(item.needs, d.ids)
          offsets.needs = d.offset
          break
        case 'timeout':
          item.timeoutMs = d.ms
          offsets.timeout = d.offset
          break
        case 'signoff':
          this.#errorAt(
            d.offset,
            `'signoff' belongs on a heading`,
            'put <!-- signoff --> on the sign-off section heading',
          )
          break
        case 'gate':
          this.#errorAt(
            d.offset,
            `'gate:' stands between phases, not on an item`,
            "write it on a line of its own just above the phase it holds back, or on that phase's ## heading",
          )
          break
        default:
          break
      }
    }
  }

  /** An HTML block outside any item: a directive right under a heading applies to that section. */
  #looseHtml(node: Html): void {
    const directives = this.#directivesIn(node)
    if (directives === null) return
    const section = this.#current
    if (section?.isFresh) {
      const idDirective = directives.find((d) => d.name === 'id')
      if (idDirective) {
        this.#errorAt(
          idDirective.offset,
          `'id:' on a section must be written in its heading line`,
          'write it as ## Title <!-- id: … -->',
        )
      }
      section.only = this.#onlyOf(directives) ?? section.only
      for (const d of directives) {
        if (d.name === 'only') continue
        if (d.name === 'signoff') {
          section.isSignoff = true
          section.role = 'signoff'
        } else if (d.name === 'gate') {
          this.#gates.push({ directive: d, section, only: null })
        } else if (d.name !== 'id') {
          this.#errorAt(
            d.offset,
            `'${d.name}:' belongs on a task item, not on a heading`,
            'move it to the item it checks',
          )
        }
      }
      return
    }
    // A gate stands where it is written, between phases; an `only:` beside it is the gate's.
    const gates = directives.filter((d) => d.name === 'gate')
    if (gates.length > 0) {
      const only = this.#onlyOf(directives)
      for (const gate of gates) this.#gates.push({ directive: gate, section: null, only })
    }
    const others = directives.filter(
      (d) => gates.length === 0 || (d.name !== 'gate' && d.name !== 'only'),
    )
    if (others.length > 0) {
      this.#errorAt(
        gates.length > 0 ? (others[0]?.offset ?? offset(node)) : offset(node),
        'this directive is not attached to an item or a heading',
        "write it at the end of the item's line, indented under the item, or right below a heading",
      )
    }
  }

  #block(node: RootContent): void {
    if (node.type === 'table' && this.#stepTable(node)) return
    const section = this.#current
    const block = this.#toBlock(node)
    if (section && node.type === 'paragraph') this.#paragraphFields(node, section)
    else if (section && node.type === 'table') this.#tableFields(node, section)
    if (node.type === 'thematicBreak' || node.type === 'definition') return
    this.#addBlock(block, null)
  }

  // --- step tables ---------------------------------------------------------------------------

  /**
   * A table whose status cells are boxes (step-table.ts): one task item per step row, its text
   * from the row's other cells, a label row heading the rows below it as a bold lead line does.
   * Not in a sign-off (its tables are fields), nor a table that asks for signatures. Returns
   * whether the table was read so.
   */
  #stepTable(node: Table): boolean {
    if (this.#readsFields(this.#current)) return false
    const [head, ...rows] = node.children
    const header = head?.children.map((cell) => plainText(cell)) ?? []
    if (isSignatureTable(header)) return false
    const reading = readStepTable(
      header,
      rows.map((row) => row.children.map((cell) => plainText(cell))),
    )
    if (!reading) return false
    let container = this.#current ?? this.#implicitPhase(line(node))
    // Its labels head groups beside a lead line's, not inside it.
    if (container.isLead && container.parent) container = container.parent
    const restore = this.#current ?? container
    container.isFresh = false
    for (const [i, row] of rows.entries()) {
      const read = reading.rows[i]
      if (!read) continue
      this.lastLine = line(row)
      if (read.kind === 'label') {
        const cell = row.children[read.cell]
        const title = cell ? plainText(cell).trim() : ''
        const markdown = cell ? this.#itemText(cell).text : title
        // Shown as the line it is, should the group dissolve (dissolveLoneLeads).
        const node: Paragraph = {
          type: 'paragraph',
          children: cell?.children ?? [],
          ...(cell?.position ? { position: cell.position } : {}),
        }
        this.#openLeadGroup(container, title, line(row), {
          kind: 'prose',
          markdown,
          line: line(row),
          node,
        })
      } else {
        this.#tableItem(row, read, header, this.#current ?? container)
      }
    }
    // What follows the table is the section's again, as it was before the table.
    this.#current = restore
    return true
  }

  /**
   * A task item's draft, its directives applied: a list's task item or a step table's row.
   * `named` is the text its id and scope words are read from (`plain` unless a row's notes
   * follow its step). Blanks after it are no longer its section's closing record.
   */
  #newItem(parts: {
    readonly text: string
    readonly plain: string
    readonly named?: string
    readonly checked: boolean
    readonly line: number
    readonly parent: ItemDraft | null
    readonly section: SectionDraft
    readonly directives: Directive[]
  }): ItemDraft {
    const { text, plain, named = parts.plain, parent, section, directives } = parts
    const explicit = this.#explicitId(directives)
    const owner = parent ?? idOwner(section)
    const item: ItemDraft = {
      id: explicit ?? owner.childIds.next(`${owner.id}/${slug(named || 'item')}`),
      hasExplicitId: explicit !== null,
      text,
      plain: emojify(plain),
      namesSignoff: namesSignoff(plain),
      checked: parts.checked,
      line: parts.line,
      depth: parent ? parent.depth + 1 : 0,
      parentId: parent?.id ?? null,
      phaseId: (section.phase ?? section).id,
      sectionId: section.id,
      blocks: [],
      check: null,
      needs: [],
      timeoutMs: null,
      scope: ALL,
      fields: [],
      blanks: [],
      childIds: new IdAllocator(),
      fieldIds: new IdAllocator(),
      only: this.#onlyOf(directives),
      words: this.#inferScope ? scopeFromItemText(named, this.#aliases) : null,
      parent,
      section,
    }
    this.#applyItemDirectives(item, directives)
    this.#tail = []
    this.#isTailForm = false
    return item
  }

  /** A step row's task item: its text from its step cells, what annotates it after them. */
  #tableItem(
    row: TableRow,
    read: Extract<StepRow, { kind: 'step' }>,
    header: readonly string[],
    section: SectionDraft,
  ): void {
    section.isFresh = false
    const cells = (indexes: readonly number[]) =>
      indexes.flatMap((index) => {
        const cell = row.children[index]
        return cell ? [{ cell, index, ...this.#itemText(cell) }] : []
      })
    const steps = cells(read.steps)
    const notes = cells(read.notes)
    const directives: Directive[] = []
    for (const { cell } of [...steps, ...notes])
      append(directives, this.#inlineDirectives(cell.children))
    const stepText = steps.map((s) => s.text).join(' — ')
    const stepPlain = steps.map((s) => s.plain).join(' — ')
    // "Verifiziert durch: IT Ops Manager" is kept with the step, never in its id.
    const noteText = notes.map((n) => `${(header[n.index] ?? '').trim()}: ${n.text}`).join('; ')
    const notePlain = notes.map((n) => `${(header[n.index] ?? '').trim()}: ${n.plain}`).join('; ')
    const text = noteText ? `${stepText} (${noteText})` : stepText
    const plain = notePlain ? `${stepPlain} (${notePlain})` : stepPlain
    const item = this.#newItem({
      text,
      plain,
      named: stepPlain,
      checked: read.checked,
      line: line(row),
      parent: null,
      section,
      directives,
    })
    section.items.push(item)
    this.#items.push(item)
  }

  // --- sign-off fields outside task items ---------------------------------------------------

  /** Whether blanks in `section` are sign-off fields: its heading, or a lead line in it, says so. */
  #readsFields(section: SectionDraft | null): boolean {
    return section !== null && (section.isSignoff || this.#signoffLeads.has(section))
  }

  /**
   * Each line of a paragraph may hold its own blanks ("**Deployed By**: ____"), name a choice
   * ("**Decision:** GO / NO-GO"), open a sign-off ("**Unterschriften:**"), or be a "Label:" alone.
   */
  #paragraphFields(node: Paragraph, section: SectionDraft): void {
    const lines = plainLines(node)
    lines.forEach((text, i) => {
      const at = line(node) + i
      const isLast = i === lines.length - 1
      const read = readLine(text)
      if (read.fields.length === 0 && isSignoffLead(text)) {
        this.#openLead(section)
        if (isLast) this.#lead = { label: read.emptyLabel ?? text, line: at }
      } else if (read.fields.length > 0)
        this.#found(read.fields, at, read.isUnderscored, read.isPlaceholder)
      else if (read.emptyLabel !== null) {
        if (isLast) this.#lead = { label: read.emptyLabel, line: at }
        else if (isLabel(read.emptyLabel))
          this.#found([emptyField(read.emptyLabel, false, null)], at, false)
      }
    })
  }

  /** A sign-off's tables, and a table that asks for signatures wherever it stands: one role per row. */
  #tableFields(node: Table, section: SectionDraft): void {
    const [head, ...rows] = node.children
    const header = head?.children.map((cell) => plainText(cell)) ?? []
    const cells = rows.map((row) => row.children.map((cell) => plainText(cell)))
    if (isFormTable(header)) {
      // A form's rows are read as lines are: fields in a sign-off, else a completion record.
      for (const [i, read] of fieldsInFormTable(cells).entries()) {
        const row = rows[i]
        if (row && read.fields.length > 0) this.#found(read.fields, line(row), read.isUnderscored)
      }
      return
    }
    if (!this.#readsFields(section) && !isSignatureTable(header)) return
    const drafts = fieldsInTable(header, cells)
    for (const [i, row] of rows.entries()) {
      append(
        this.#signoff,
        this.#fields(drafts[i] ?? [], line(row), section, section.fieldIds, section.id, null),
      )
    }
  }

  /** A sign-off opened by a lead line: what the section held before is read as it stands. */
  #openLead(section: SectionDraft): void {
    if (this.#readsFields(section)) return
    this.#endOfSection()
    this.#signoffLeads.add(section)
  }

  /** "**Notas:**" with no list below: a blank to fill, unless it only named the sign-off. */
  #leadIsBlank(lead: { label: string; line: number }): void {
    if (namesSignoff(lead.label) || !isLabel(lead.label)) return
    this.#found([emptyField(lead.label, false, null)], lead.line, false)
  }

  /**
   * A list of boxes that are the answers of one decision (`- [ ] GO` / `- [ ] NO-GO`) in a
   * sign-off: one choice field, named by the line above or the heading, and no task items
   * (else one of them would stay pending for good).
   */
  #choiceList(list: List, lead: string | null): boolean {
    const section = this.#current
    if (!section) return false
    // Under a Status heading too, boxes of an approval's states are one choice.
    const isSignoff = this.#readsFields(section)
    if (!isSignoff && !isStatusTitle(section.title)) return false
    const texts: string[] = []
    for (const listItem of list.children) {
      const [first, ...rest] = listItem.children
      if (typeof listItem.checked !== 'boolean' || first?.type !== 'paragraph') return false
      if (rest.some((child) => child.type !== 'html')) return false
      texts.push(plainLines(first).join(' '))
    }
    const choices = isSignoff ? choiceItems(texts) : statusItems(texts)
    if (!choices) return false
    const label = roleName(lead ?? titleWords(section.title)) || section.title
    this.#choiceOfList(list, section, { label, role: null, type: 'choice', choices, given: null })
    return true
  }

  /** A list of boxes read as one choice `field` of `section`: kept as its prose, no items. */
  #choiceOfList(list: List, section: SectionDraft, field: FieldDraft): void {
    section.isFresh = false
    this.#addBlock(this.#toBlock(list), null)
    append(
      this.#signoff,
      this.#fields([field], line(list), section, section.fieldIds, section.id, null),
    )
  }

  /**
   * Sibling boxes the checklist says to pick one of (select-one.ts), in any section (in a
   * sign-off, boxes of decision words are read as a choice before, cue or not): one
   * choice field named by the cue's line or the heading, answered on the sign-off screen, and
   * no task items (else all but one would stay pending for good). The cue is the comment or
   * line right above the list, or the heading's own "(select one)" for its first list. Boxes
   * that are no bare answers (nested lines, a directive, one ticked already) stay items.
   */
  #selectOneList(list: List, cue: { words: string; label: string } | null): boolean {
    const section = this.#current
    if (!section) return false
    const fromHeading =
      cue === null && section.items.length === 0 && !this.#headingCueUsed.has(section)
        ? selectOneCue(section.title)
        : null
    const words = cue?.words ?? fromHeading
    if (words === null) return false
    const choices: string[] = []
    for (const listItem of list.children) {
      const [first, ...rest] = listItem.children
      if (listItem.checked !== false || first?.type !== 'paragraph' || rest.length > 0) return false
      if (first.children.some((child) => child.type === 'html')) return false
      const text = plainLines(first).join(' ').replace(/[*`]+/g, '').trim()
      if (!text) return false
      choices.push(text)
    }
    if (choices.length < 2) return false
    if (fromHeading) this.#headingCueUsed.add(section)
    const label = cue?.label || labelWithoutCue(titleWords(section.title)) || section.title
    this.#choiceOfList(list, section, {
      label,
      role: null,
      type: 'choice',
      choices,
      given: null,
      cue: words,
    })
    return true
  }

  /**
   * The blanks of a plain bullet and of the bullets under it: `- Engineering owner:`,
   * `- Service Owner: ____ Datum: ____`, and sub-bullets under a role (`- **QA Lead**` then
   * `  - Name: ____`). Under a task item, the item names the role.
   *
   * Outside a sign-off, blanks under a task item (`  - Link al PR: ____`) are that step's
   * evidence: the item's, whatever its place, never a completion record (see `#found`).
   */
  #bulletFields(listItem: ListItem, parent: ItemDraft | null, lead: string | null): void {
    const section = this.#current
    if (!section) return
    if (parent && !this.#readsFields(section)) {
      this.#itemBlanks(listItem, parent)
      return
    }
    const isRoleList = lead !== null && namesSignoff(lead)
    const leadRole = lead !== null && !isRoleList && namesPerson(lead) ? lead : null
    const stack: { node: ListItem; role: string | null }[] = [
      { node: listItem, role: parent ? this.#roleOf(parent) : leadRole },
    ]
    for (let next = stack.pop(); next; next = stack.pop()) {
      const { node, role } = next
      let own: string | null = null
      let hasFields = false
      for (const child of node.children) {
        if (child.type !== 'paragraph') continue
        const lines = plainLines(child)
        for (let i = 0; i < lines.length; i++) {
          const text = lines[i] ?? ''
          const at = line(child) + i
          own ??= text
          const read = readLine(text, role, isRoleList)
          if (read.fields.length > 0)
            this.#found(read.fields, at, read.isUnderscored, read.isPlaceholder)
          else if (read.emptyLabel !== null && isLabel(read.emptyLabel))
            this.#found([emptyField(read.emptyLabel, isRoleList, role)], at, false)
          else continue
          hasFields = true
        }
      }
      // A bullet with no blank of its own names the role of the bullets under it.
      const childRole = !hasFields && own !== null && own.length <= 60 ? roleName(own) : role
      const nested = node.children.filter((child): child is List => child.type === 'list')
      for (const list of nested.reverse()) {
        for (const item of [...list.children].reverse()) stack.push({ node: item, role: childRole })
      }
    }
  }

  /**
   * The blanks of a plain bullet under a task item, and of the bullets under it, as the item's.
   * A "Label:" alone is not one: under a step it leads what follows ("- Steps:").
   */
  #itemBlanks(listItem: ListItem, item: ItemDraft): void {
    const stack: ListItem[] = [listItem]
    for (let node = stack.pop(); node; node = stack.pop()) {
      for (const child of node.children) {
        if (child.type !== 'paragraph') continue
        plainLines(child).forEach((text, i) => {
          for (const f of readLine(text).fields) {
            item.blanks.push({
              label: f.label,
              type: f.type,
              choices: f.choices,
              line: line(child) + i,
            })
          }
        })
      }
      const nested = node.children.filter((child): child is List => child.type === 'list')
      for (const list of nested.reverse()) {
        for (const sub of [...list.children].reverse()) stack.push(sub)
      }
    }
  }

  /** The role an item names for the blanks under it: "**Tech Lead Approval**" → "Tech Lead". */
  #roleOf(item: ItemDraft): string | null {
    if (item.fields.length > 0 || item.plain.length > 60) return null
    const role = roleName(item.plain)
    return role && (namesPerson(role) || role !== cleanTitle(item.plain)) ? role : null
  }

  /**
   * Blanks found outside task items: fields now in a sign-off; elsewhere kept until the section
   * ends, and fields then if one of them was a line of underscores, or a label and placeholders
   * after the section's task items (a completion record).
   */
  #found(
    drafts: FieldDraft[],
    lineNumber: number,
    isUnderscored: boolean,
    isPlaceholder = false,
  ): void {
    const section = this.#current
    if (!section) return
    if (this.#readsFields(section)) {
      append(
        this.#signoff,
        this.#fields(drafts, lineNumber, section, section.fieldIds, section.id, null),
      )
      return
    }
    this.#tail.push({ drafts, line: lineNumber, isPlaceholder })
    // Two lines of placeholders after the section's task items ("Go-Live Date: [Date]",
    // "Primary Contact: [Name]") are a completion record, as one "____" is; one alone is a
    // detail of the items ("**Owner**: PM" / "**Due Date**: [Date]").
    const placeholders = this.#tail.filter((t) => t.isPlaceholder).length
    this.#isTailForm ||= isUnderscored || (placeholders >= 2 && section.items.length > 0)
  }

  /** The section ends: a pending "Label:" is a blank, and a completion record is kept. */
  #endOfSection(): void {
    const lead = this.#lead
    this.#lead = null
    if (lead) this.#leadIsBlank(lead)
    const section = this.#current
    if (section && this.#isTailForm) {
      for (const { drafts, line: at } of this.#tail) {
        append(this.#signoff, this.#fields(drafts, at, section, section.fieldIds, section.id, null))
      }
    }
    this.#tail = []
    this.#isTailForm = false
  }

  #fields(
    drafts: FieldDraft[],
    lineNumber: number,
    owner: { readonly scope: Scope },
    ids: IdAllocator,
    ownerId: string,
    itemId: string | null,
  ): SignoffField[] {
    // Fields under a sign-off lead line's group keep the ids they had before it was one: a run
    // holds its entries by them.
    const under = 'fieldOwner' in owner ? (owner as SectionDraft).fieldOwner : undefined
    const allocator = under?.fieldIds ?? ids
    const prefix = under?.id ?? ownerId
    return drafts.map((d) => {
      if (d.note) this.#problems.warning(lineNumber, 1, d.note, WRITE_A_CHOICE)
      const field: MutableField = {
        id: allocator.next(
          `${prefix}#${d.role && d.role !== d.label ? `${slug(d.role)}.` : ''}${slug(d.label)}`,
        ),
        label: d.label,
        role: d.role,
        type: d.type,
        choices: d.choices,
        given: d.given,
        itemId,
        line: lineNumber,
        scope: ALL,
        ...(d.cue ? { cue: d.cue } : {}),
      }
      this.#fieldOwners.push([field, owner])
      return field
    })
  }

  #addBlock(block: Block, item: ItemDraft | null): void {
    if (item) {
      item.blocks.push(block)
      return
    }
    const section = this.#current
    if (!section) return // before the first heading: the document's introduction
    section.blocks.push(block)
    section.isFresh = false
  }

  #toBlock(node: Nodes): Block {
    const markdown = this.#text.slice(offset(node), endOffset(node))
    const at = line(node)
    switch (node.type) {
      case 'code':
        return { kind: 'code', markdown, lang: node.lang ?? '', code: node.value, line: at, node }
      case 'paragraph':
        return { kind: 'prose', markdown, line: at, node }
      case 'table':
        return { kind: 'table', markdown, line: at, node }
      case 'list':
        return { kind: 'list', markdown, line: at, node }
      case 'blockquote':
        return { kind: 'quote', markdown, line: at, node }
      default:
        return { kind: 'other', markdown, line: at, node }
    }
  }

  /** An item's text as written (inline markdown kept), comments removed, lines joined. */
  #itemText(paragraph: Paragraph | TableCell): { text: string; plain: string } {
    let text = ''
    // The paragraph's own start can sit on the "[ ]" marker; its first child never does.
    const first = paragraph.children[0]
    let cursor = first ? offset(first) : offset(paragraph)
    for (const child of paragraph.children) {
      if (child.type === 'html' && child.value.startsWith('<!--')) {
        text += this.#text.slice(cursor, offset(child))
        cursor = endOffset(child)
      }
    }
    // A cell ends at its text, not at the `|` after it.
    const last = paragraph.type === 'tableCell' ? paragraph.children.at(-1) : undefined
    text += this.#text.slice(cursor, endOffset(last ?? paragraph))
    const plain = paragraph.children
      .filter((c) => !(c.type === 'html' && c.value.startsWith('<!--')))
      .map((c) => plainText(c))
      .join('')
    return { text: joinLines(text), plain: joinLines(plain) }
  }

  #inlineDirectives(children: PhrasingContent[]): Directive[] {
    const directives: Directive[] = []
    for (const child of children) {
      if (child.type === 'html') append(directives, this.#directivesIn(child) ?? [])
    }
    return directives
  }

  #directivesIn(node: Html): Directive[] | null {
    if (!node.value.startsWith('<!--')) return null
    // Inside lists and quotes the node's value lacks the indentation and `>` of its
    // continuation lines; map positions in the value back to the file.
    const toSource = sourceMapper(node.value, this.#text, offset(node))
    const directives = parseDirectiveComment(
      node.value,
      0,
      (at, message, hint) => this.#errorAt(toSource(at), message, hint),
      (at, message, hint) => this.#warningAt(toSource(at), message, hint),
    )
    return directives?.map((d) => mapOffsets(d, toSource)) ?? null
  }

  #explicitId(directives: Directive[]): string | null {
    const ids = directives.filter((d) => d.name === 'id')
    for (const extra of ids.slice(1))
      this.#errorAt(extra.offset, 'an item or heading has at most one id')
    const first = ids[0]
    if (first?.name !== 'id') return null
    const seen = this.#explicitIds.get(first.id)
    if (seen !== undefined) {
      this.#errorAt(
        first.offset,
        `id '${first.id}' is already used on line ${this.lines.position(seen).line}`,
        'ids must be unique in a checklist',
      )
      return null
    }
    this.#explicitIds.set(first.id, first.offset)
    return first.id
  }

  /** The `only:` directive among `directives`; null when there is none, or it names no known environment. */
  #onlyOf(directives: Directive[]): OnlyDraft | null {
    const only = directives.filter((d) => d.name === 'only')
    for (const extra of only.slice(1))
      this.#errorAt(extra.offset, `at most one 'only:' per item or heading`)
    const first = only[0]
    if (first?.name !== 'only') return null
    const line = this.lines.position(first.offset).line
    if (!first.environments) return { environments: null, line, offset: first.offset }
    const unknown = first.environments.filter((e) => !this.#environments.includes(e))
    for (const env of unknown) {
      this.#errorAt(
        first.offset,
        `'${env}' is not one of this checklist's environments`,
        `environments: ${this.#environments.join(', ')}`,
      )
    }
    const known = first.environments.filter((e) => this.#environments.includes(e))
    if (known.length === 0) return null // already an error; don't also call the item dead
    return { environments: known, line, offset: first.offset }
  }

  /**
   * Every section's, item's and sign-off field's scope, once the whole file is read: whether
   * a sub-heading's words restrict it depends on the headings beside it, which may come later.
   * Sections first, outermost first; then items in file order (a parent before its children).
   */
  #resolveScopes(): void {
    const visit = (section: SectionDraft) => {
      section.scope = this.#sectionScope(section)
      for (const child of section.sections) visit(child)
    }
    for (const phase of this.#phases) visit(phase)
    for (const item of this.#items) item.scope = this.#itemScope(item)
    for (const [field, owner] of this.#fieldOwners) field.scope = owner.scope
    this.#inferred.sort((a, b) => a.line - b.line)
  }

  #sectionScope(section: SectionDraft): Scope {
    const inherited = section.parent?.scope ?? ALL
    const { only, words } = section
    const reading = words ? this.#headingReading(section, words) : null
    if (words && reading) {
      this.#inferred.push({
        line: section.line,
        source: 'heading',
        text: section.title,
        environments: words.environments,
        restricts: reading.restricts,
        why: reading.why,
        only: only ? { environments: only.environments, line: only.line } : null,
      })
    }
    const fromWords = reading?.restricts ? (words?.environments ?? null) : null
    if (only?.environments === null) {
      this.#warnIdleOnlyAll(only.offset, inherited, words?.environments ?? null, 'heading')
      // `only: all` cancels what the heading's words implied, not what encloses it.
      return inherited
    }
    if (only) {
      const reason = `only: directive, line ${only.line}`
      return intersect(inherited, { environments: only.environments, reason })
    }
    if (fromWords) {
      const reason = `section "${section.title}", line ${section.line}`
      return intersect(inherited, { environments: fromWords, reason })
    }
    return inherited
  }

  /** Whether a heading's words restrict its section, and why (see `subHeadingRestricts`). */
  #headingReading(section: SectionDraft, words: WordsReading): { restricts: boolean; why: string } {
    if (words.restricts === null) return { restricts: false, why: aboutOthers(words) }
    if (words.restricts === 'only') return { restricts: true, why: 'it says “only”' }
    if (section.kind === 'phase') return { restricts: true, why: 'a section about the environment' }
    // "Production Deployment" inside "Production Deployment": the same scope, said again.
    const parent = section.parent
    const outer = parent?.scope.environments
    if (parent && outer && outer.length > 0 && outer.every((e) => words.environments.includes(e))) {
      return {
        restricts: true,
        why: `inside “${parent.title}” (line ${parent.line}), which is for ${outer.join(', ')} already`,
      }
    }
    const siblings = (section.parent?.sections ?? []).filter((s) => s !== section)
    const other = siblings.find((s) => {
      const own = ownEnvironments(s)
      return own !== null && subHeadingRestricts(words, [own])
    })
    if (other) {
      return {
        restricts: true,
        why: `beside “${other.title}” (line ${other.line}), for ${ownEnvironments(other)?.join(', ')}`,
      }
    }
    return {
      restricts: false,
      why: 'a sub-heading, with no heading beside it for another environment',
    }
  }

  #itemScope(item: ItemDraft): Scope {
    const outer = item.parent?.scope ?? item.section.scope
    const { only, words } = item
    if (words) {
      this.#inferred.push({
        line: item.line,
        source: 'item',
        text: words.words,
        environments: words.environments,
        restricts: words.restricts !== null,
        why: words.restricts !== null ? 'it says “only”' : aboutOthers(words),
        only: only ? { environments: only.environments, line: only.line } : null,
      })
    }
    const fromWords = words?.restricts ? words.environments : null
    if (only?.environments === null) {
      this.#warnIdleOnlyAll(only.offset, outer, words?.environments ?? null, 'item')
      return outer
    }
    if (only) {
      const reason = `only: directive, line ${only.line}`
      return intersect(outer, { environments: only.environments, reason })
    }
    if (fromWords) {
      return intersect(outer, { environments: fromWords, reason: `item text, line ${item.line}` })
    }
    return outer
  }

  /**
   * `only: all` cancels the environment words of its own heading or item ("Production
   * Environment", "(staging only)"); it cannot widen the section around it. Where it
   * changes nothing it is a mistake — most often an item meant to escape its section.
   * Written where the words name an environment but do not restrict ("Deploy to
   * Development" alone under a phase), it says so for good, whatever the words are read as.
   */
  #warnIdleOnlyAll(
    offset: number,
    outer: Scope,
    inferred: readonly string[] | null,
    what: 'item' | 'heading',
  ): void {
    const without = inferred
      ? intersect(outer, { environments: inferred, reason: null }).environments
      : outer.environments
    const isSame =
      without === outer.environments ||
      (without !== null &&
        outer.environments !== null &&
        without.length === outer.environments.length &&
        without.every((e) => outer.environments?.includes(e)))
    if (!isSame) return
    const own = what === 'item' ? "the item's own text" : 'its own heading'
    if (outer.environments !== null) {
      this.#warningAt(
        offset,
        `'only: all' does not widen the section around this ${what}: it still applies to ${describeScope(outer)}`,
        `'only: all' cancels only what ${own} implies; to apply everywhere, the ${what === 'item' ? 'item' : 'section'} must move out of that section`,
      )
    } else {
      this.#warningAt(
        offset,
        `'only: all' has no effect here: ${own} names no environment, and nothing above restricts it`,
        'remove it',
      )
    }
  }

  #errorAt(at: number, message: string, hint?: string): void {
    const { line, column } = this.lines.position(at)
    this.#problems.error(line, column, message, hint)
  }

  #warningAt(at: number, message: string, hint?: string): void {
    const { line, column } = this.lines.position(at)
    this.#problems.warning(line, column, message, hint)
  }
}

const WRITE_A_CHOICE =
  'to make it a choice, mark each answer with a box: ☐ First answer ☐ Second answer'

/** The section whose id an item or sub-section's id starts with: a bold lead line's is the one around it. */
function idOwner(section: SectionDraft): SectionDraft {
  let owner = section
  while (owner.isLead && owner.parent) owner = owner.parent
  return owner
}

/**
 * Bold lead lines that divide nothing are labels, not groups: in a section with no items of
 * its own, fewer than two of them holding items (`#### Auth`, then `**Checklist**:` over the
 * list and `**Docs**:` over links). What they held goes back to the section, as it was read
 * without them: their lines as prose, their items, their sub-sections.
 */
function dissolveLoneLeads(section: SectionDraft, items: readonly ItemDraft[]): void {
  for (const child of section.sections) dissolveLoneLeads(child, items)
  const leads = section.sections.filter((child) => child.isLead)
  if (leads.length === 0) return
  const holding = leads.filter(holdsItems).length
  if (holding >= 2 || (holding >= 1 && section.items.length > 0)) return
  const moved = new Set(leads.map((lead) => lead.id))
  for (const lead of leads) {
    if (lead.leadBlock) section.blocks.push(lead.leadBlock)
    for (const block of lead.blocks) if (block !== lead.leadDescription) section.blocks.push(block)
    for (const item of lead.items) section.items.push(item)
    for (const sub of lead.sections) sub.parent = section
  }
  section.sections = section.sections.flatMap((child) => (child.isLead ? child.sections : [child]))
  for (const item of items) if (moved.has(item.sectionId)) item.sectionId = section.id
}

function holdsItems(section: SectionDraft): boolean {
  return section.items.length > 0 || section.sections.some(holdsItems)
}

/** The environments a section restricts itself to by its own `only:` or words, before the rule for sub-headings. */
function ownEnvironments(section: SectionDraft): readonly string[] | null {
  if (section.only) return section.only.environments
  return section.words?.restricts ? section.words.environments : null
}

/** "the words are about “Readiness”, “Validation”, not the environment" */
function aboutOthers(words: WordsReading): string {
  const shown = words.others.slice(0, 3).map((w) => `“${w}”`)
  const more = words.others.length > 3 ? ', …' : ''
  return `the words are about ${shown.join(', ')}${more}, not the environment`
}

/**
 * `counts` holds, per section id, the items written in it (nested ones included); `roles`
 * gets every section's role, groups' too (a group may become a phase: phases.ts).
 */
function freezeSection(
  s: SectionDraft,
  counts: ReadonlyMap<string, number>,
  roles: Map<string, PhaseRole>,
): Section | Phase {
  roles.set(s.id, s.role)
  const sections = s.sections.map((child) => freezeSection(child, counts, roles))
  const items = s.items.map(freezeItem)
  const itemCount = (counts.get(s.id) ?? 0) + sections.reduce((n, child) => n + child.itemCount, 0)
  const base = {
    id: s.id,
    title: s.title,
    level: s.level,
    line: s.line,
    blocks: s.blocks,
    items,
    sections,
    scope: s.scope,
    itemCount,
  }
  return s.kind === 'phase' ? { ...base, kind: 'phase', role: s.role } : { ...base, kind: 'group' }
}

const frozen = new WeakMap<ItemDraft, Item>()

function freezeItem(d: ItemDraft): Item {
  const cached = frozen.get(d)
  if (cached) return cached
  const {
    childIds: _ids,
    fieldIds: _fields,
    only: _only,
    words: _words,
    parent: _parent,
    section: _section,
    ...item
  } = d
  frozen.set(d, item)
  return item
}

/** Maps an index in `value` to the file offset of the same character; `value` is `text` from `start` less container prefixes. */
function sourceMapper(value: string, text: string, start: number): (index: number) => number {
  const map: number[] = []
  let j = start
  for (let i = 0; i < value.length; i++) {
    while (j < text.length && text[j] !== value[i]) j++
    map.push(j)
    j++
  }
  return (index) => map[index] ?? start + index
}

function mapOffsets(d: Directive, toSource: (index: number) => number): Directive {
  const offset = toSource(d.offset)
  if (d.name !== 'check') return { ...d, offset }
  const paramOffsets = Object.fromEntries(
    Object.entries(d.paramOffsets).map(([k, v]) => [k, toSource(v)]),
  )
  return { ...d, offset, kindOffset: toSource(d.kindOffset), paramOffsets }
}

/** Whether a task item is anywhere under `node`: a walk with its own stack, so any depth will do. */
function containsTask(node: Nodes): boolean {
  const stack: Nodes[] = [node]
  for (let next = stack.pop(); next; next = stack.pop()) {
    if (next.type === 'listItem' && typeof next.checked === 'boolean') return true
    if ('children' in next) for (const child of next.children as Nodes[]) stack.push(child)
  }
  return false
}

/** `target.push(...items)` without spreading: a spread of 130,000 items overflows the stack. */
function append<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item)
}

function headingText(node: Heading): string {
  return joinLines(
    node.children
      .filter((c) => !(c.type === 'html' && c.value.startsWith('<!--')))
      .map((c) => plainText(c))
      .join(''),
  ).replace(HEADING_ANCHOR, '')
}

/**
 * A heading's anchor written for a site generator (Docusaurus, MkDocs, Pandoc, kramdown:
 * `## Paso 1: Crear solicitud {#step-1-create-pull-request}`, `{#id .class}`): markup, not
 * words of its title, shown nowhere, read for no scope.
 */
const HEADING_ANCHOR = /\s*\{#[^\s{}]+(?:\s+[^{}]*)?\}\s*$/u

function joinLines(text: string): string {
  return text.replace(/[ \t]*\r?\n[\s>]*/g, ' ').trim()
}

function offset(node: Nodes | Blockquote | Table): number {
  return node.position?.start.offset ?? 0
}

function endOffset(node: Nodes): number {
  return node.position?.end.offset ?? 0
}

function line(node: Nodes): number {
  return node.position?.start.line ?? 1
}

/**
 * A paragraph's plain text, line by line: emphasis and escapes resolved ("**Date:** \\_\\_" →
 * "Date: __"), comments dropped, soft and hard breaks both ending a line. A walk with its own
 * stack, so any nesting of emphasis will do.
 */
function plainLines(paragraph: Paragraph): string[] {
  let text = ''
  const stack: Nodes[] = [...paragraph.children].reverse()
  for (let next = stack.pop(); next; next = stack.pop()) {
    if (next.type === 'break') text += '\n'
    else if (next.type === 'html') continue
    else if ('value' in next && typeof next.value === 'string') text += next.value
    else if (next.type === 'image') text += next.alt ?? ''
    else if ('children' in next) {
      const children = next.children as Nodes[]
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as Nodes)
    }
  }
  return text.split(/\r?\n/).map((l) => l.replace(/[ \t]+/g, ' ').trim())
}

/** A line's words without its code spans: "Run `select 1`" says to pick nothing. */
function proseText(paragraph: Paragraph): string {
  return paragraph.children
    .filter((child) => child.type !== 'inlineCode' && child.type !== 'html')
    .map((child) => plainText(child))
    .join('')
}

/** An item's text as a role would be read from it, to tell "Tech Lead Approval" from "Tech Lead". */
function cleanTitle(text: string): string {
  return text
    .replace(/[*`]+/g, '')
    .replace(/[\s:：]+$/, '')
    .trim()
}
