/**
 * Markdown checklist → checklist model.
 *
 * Reads a GitHub-flavoured markdown file as it is: `##` headings are phases,
 * deeper headings groups, every task item (`- [ ]`, `* [x]`, `1. [ ]`, nested,
 * in block quotes) a step, and the prose, code fences and tables around them are
 * kept to show the operator. Directives in HTML comments add automation.
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
} from 'mdast'
import { toString as plainText } from 'mdast-util-to-string'
import { type Directive, parseDirectiveComment } from './directives.ts'
import { parseFrontMatter, type VarPositions } from './front-matter.ts'
import { headingSlug, IdAllocator, slug } from './ids.ts'
import { checkInputLimits, LIMITS, type LimitProblem } from './limits.ts'
import { parseMarkdown } from './markdown.ts'
import type {
  Block,
  Checklist,
  CheckSpec,
  FrontMatter,
  Item,
  Phase,
  PhaseRole,
  Scope,
  Section,
  SignoffField,
} from './model.ts'
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
} from './scope.ts'
import {
  choiceItems,
  emptyField,
  type FieldDraft,
  fieldsInTable,
  fieldsInText,
  isRollbackTitle,
  isSignatureTable,
  isSignoffLead,
  isSignoffTitle,
  readLine,
  roleName,
} from './signoff.ts'
import { namesPerson, namesSignoff, titleWords } from './signoff-words.ts'
import { type DirectiveOffsets, validateChecklist } from './validate.ts'

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
  scope: Scope
  role: PhaseRole
  isSignoff: boolean
  childIds: IdAllocator
  fieldIds: IdAllocator
  /** Nothing but the heading yet: a directive comment here belongs to the section. */
  isFresh: boolean
  parent: SectionDraft | null
  phase: SectionDraft | null
}

interface ItemDraft {
  id: string
  hasExplicitId: boolean
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
  scope: Scope
  fields: SignoffField[]
  childIds: IdAllocator
  fieldIds: IdAllocator
}

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
  readonly #text: string
  readonly #problems: Problems
  readonly #phases: SectionDraft[] = []
  readonly #items: ItemDraft[] = []
  readonly #signoff: SignoffField[] = []
  readonly #phaseIds = new IdAllocator()
  readonly #explicitIds = new Map<string, number>()
  readonly #sectionIds = new Set<string>()
  #frontMatter: FrontMatter = {}
  #environments: readonly string[] = DEFAULT_ENVIRONMENTS
  #aliases: Aliases = buildAliases(DEFAULT_ENVIRONMENTS)
  #inferScope = true
  #title: string | null = null
  /** The innermost open section; `null` before the first heading. */
  #current: SectionDraft | null = null
  /** Block quotes and lists entered on the way to the node being read. */
  #depth = 0
  /** The line of the node being read, for an error that stops the reading. */
  lastLine = 1
  /** Sections where a lead line ("**Sign-off:**") opened a sign-off after their heading. */
  readonly #signoffLeads = new WeakSet<SectionDraft>()
  /** A paragraph that ended in "Label:" alone: the lead of a list below it, or a blank. */
  #lead: { label: string; line: number } | null = null
  /**
   * Blanks written after the last task item of a section that is no sign-off: a completion
   * record ("Deployed on: ___ Version: ___") once one of them is a line of underscores.
   */
  #tail: { drafts: FieldDraft[]; line: number }[] = []
  #isTailForm = false

  constructor(text: string, problems: Problems) {
    this.#text = text
    this.#problems = problems
    this.lines = new LineIndex(text)
  }

  build(): Draft {
    const root = parseMarkdown(this.#text)
    const yaml = root.children.find((node) => node.type === 'yaml')
    if (yaml) this.#readFrontMatter(yaml.value, (yaml.position?.start.line ?? 1) + 1)
    for (const node of root.children) this.#flow(node)
    this.#endOfSection()

    const counts = new Map<string, number>()
    for (const item of this.#items)
      counts.set(item.sectionId, (counts.get(item.sectionId) ?? 0) + 1)
    const sections = this.#phases.map((s) => freezeSection(s, counts))
    const phases = sections.filter((s): s is Phase => s.kind === 'phase' && s.itemCount > 0)
    return {
      title: this.#frontMatter.title ?? this.#title ?? 'Checklist',
      frontMatter: this.#frontMatter,
      environments: this.#environments,
      sections,
      phases,
      items: this.#items.map(freezeItem),
      signoff: this.#signoff,
    }
  }

  #readFrontMatter(yamlText: string, firstLine: number): void {
    this.#frontMatter = parseFrontMatter(yamlText, firstLine, this.#problems, this.varPositions)
    this.#environments = this.#frontMatter.environments ?? DEFAULT_ENVIRONMENTS
    this.#aliases = buildAliases(this.#environments, this.#frontMatter.aliases)
    this.#inferScope = this.#frontMatter.inferEnvironments ?? true
  }

  /** A block-level node at the top of the document or inside a block quote. */
  #flow(node: RootContent): void {
    this.lastLine = line(node)
    if (node.type === 'yaml') return
    // "Label:" alone leads the list right below it; before anything else it is a blank.
    const lead = this.#lead
    this.#lead = null
    if (lead && node.type !== 'list') this.#leadIsBlank(lead)
    if (node.type === 'heading') this.#heading(node)
    else if (node.type === 'list') this.#list(node, null, lead?.label ?? null)
    else if (node.type === 'blockquote' && containsTask(node)) {
      if (!this.#enter(node)) return
      for (const child of node.children) this.#flow(child)
      this.#depth--
    } else if (node.type === 'html') this.#looseHtml(node)
    else this.#block(node)
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
    const base = parent ? `${parent.id}/${headingSlug(title)}` : headingSlug(title)
    const allocator = parent ? parent.childIds : this.#phaseIds
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
    const inherited = parent?.scope ?? ALL
    const inferHeading = () => (this.#inferScope ? scopeFromHeading(title, this.#aliases) : null)
    const own = this.#ownScope(directives, inferHeading)
    this.#warnIdleOnlyAll(directives, inherited, inferHeading(), 'heading')
    const ownScope: Scope = own
      ? {
          environments: own.environments,
          reason: own.reason ?? `section "${title}", line ${lineNumber}`,
        }
      : ALL
    const isSignoff =
      (parent?.isSignoff ?? false) ||
      directives.some((d) => d.name === 'signoff') ||
      isSignoffTitle(title)
    const section: SectionDraft = {
      id,
      title,
      kind: parent ? 'group' : 'phase',
      level,
      line: lineNumber,
      blocks: [],
      items: [],
      sections: [],
      // `only: all` cancels what the heading's words implied, not what encloses it.
      scope: own && own.environments === null ? inherited : intersect(inherited, ownScope),
      role: isSignoff ? 'signoff' : isRollbackTitle(title) ? 'rollback' : 'standard',
      isSignoff,
      childIds: new IdAllocator(),
      fieldIds: new IdAllocator(),
      isFresh: true,
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
    return this.#openSection(
      this.#frontMatter.title ?? this.#title ?? 'Checklist',
      2,
      lineNumber,
      null,
      [],
    )
  }

  #list(list: List, parent: ItemDraft | null, lead: string | null = null): void {
    if (!this.#enter(list)) return
    try {
      if (parent === null && this.#choiceList(list, lead)) return
      this.#listItems(list, parent, lead)
    } finally {
      this.#depth--
    }
  }

  #listItems(list: List, parent: ItemDraft | null, lead: string | null = null): void {
    let looseStart: number | null = null
    let looseEnd = 0
    const flushLoose = () => {
      if (looseStart === null) return
      this.#addBlock(
        {
          kind: 'list',
          markdown: this.#text.slice(looseStart, looseEnd),
          line: this.lines.position(looseStart).line,
        },
        parent,
      )
      looseStart = null
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
    const explicit = this.#explicitId(directives)
    const owner = parent ?? section
    const id = explicit ?? owner.childIds.next(`${owner.id}/${slug(plain || 'item')}`)
    const inferItem = () => (this.#inferScope ? scopeFromItemText(plain, this.#aliases) : null)
    const own = this.#ownScope(directives, inferItem)
    const outer = parent?.scope ?? section.scope
    this.#warnIdleOnlyAll(directives, outer, inferItem(), 'item')
    const item: ItemDraft = {
      id,
      hasExplicitId: explicit !== null,
      text,
      plain,
      checked: listItem.checked === true,
      line: line(listItem),
      depth: parent ? parent.depth + 1 : 0,
      parentId: parent?.id ?? null,
      phaseId: (section.phase ?? section).id,
      sectionId: section.id,
      blocks: [],
      check: null,
      needs: [],
      timeoutMs: null,
      scope: own
        ? own.environments === null
          ? outer
          : intersect(outer, {
              environments: own.environments,
              reason: own.reason ?? `item text, line ${line(listItem)}`,
            })
        : outer,
      fields: [],
      childIds: new IdAllocator(),
      fieldIds: new IdAllocator(),
    }
    this.#applyItemDirectives(item, directives)
    // Blanks after this item are no longer the section's closing record.
    this.#tail = []
    this.#isTailForm = false
    if (this.#readsFields(section)) {
      // Hard breaks leave no space in the plain text: "Deployed by: ___" + "Date: ___".
      const itemLine = paragraph ? plainLines(paragraph).join(' ') : plain
      item.fields = this.#fields(
        fieldsInText(itemLine, parent ? this.#roleOf(parent) : null),
        item.line,
        item.scope,
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
      const own = this.#ownScope(directives, () => null)
      const inherited = section.parent?.scope ?? ALL
      this.#warnIdleOnlyAll(
        directives,
        inherited,
        this.#inferScope ? scopeFromHeading(section.title, this.#aliases) : null,
        'heading',
      )
      if (own) {
        section.scope =
          own.environments === null
            ? inherited
            : intersect(inherited, { environments: own.environments, reason: own.reason })
      }
      for (const d of directives) {
        if (d.name === 'only') continue
        if (d.name === 'signoff') {
          section.isSignoff = true
          section.role = 'signoff'
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
    if (directives.length > 0) {
      this.#errorAt(
        offset(node),
        'this directive is not attached to an item or a heading',
        "write it at the end of the item's line, indented under the item, or right below a heading",
      )
    }
  }

  #block(node: RootContent): void {
    const section = this.#current
    const block = this.#toBlock(node)
    if (section && node.type === 'paragraph') this.#paragraphFields(node, section)
    else if (section && node.type === 'table') this.#tableFields(node, section)
    if (node.type === 'thematicBreak' || node.type === 'definition') return
    this.#addBlock(block, null)
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
      } else if (read.fields.length > 0) this.#found(read.fields, at, read.isUnderscored)
      else if (read.emptyLabel !== null) {
        if (isLast) this.#lead = { label: read.emptyLabel, line: at }
        else this.#found([emptyField(read.emptyLabel, false, null)], at, false)
      }
    })
  }

  /** A sign-off's tables, and a table that asks for signatures wherever it stands: one role per row. */
  #tableFields(node: Table, section: SectionDraft): void {
    const [head, ...rows] = node.children
    const header = head?.children.map((cell) => plainText(cell)) ?? []
    if (!this.#readsFields(section) && !isSignatureTable(header)) return
    const cells = rows.map((row) => row.children.map((cell) => plainText(cell)))
    const drafts = fieldsInTable(header, cells)
    for (const [i, row] of rows.entries()) {
      append(
        this.#signoff,
        this.#fields(drafts[i] ?? [], line(row), section.scope, section.fieldIds, section.id, null),
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
    if (namesSignoff(lead.label)) return
    this.#found([emptyField(lead.label, false, null)], lead.line, false)
  }

  /**
   * A list of boxes that are the answers of one decision (`- [ ] GO` / `- [ ] NO-GO`) in a
   * sign-off: one choice field, named by the line above or the heading, and no task items
   * (else one of them would stay pending for good).
   */
  #choiceList(list: List, lead: string | null): boolean {
    const section = this.#current
    if (!section || !this.#readsFields(section)) return false
    const texts: string[] = []
    for (const listItem of list.children) {
      const [first, ...rest] = listItem.children
      if (typeof listItem.checked !== 'boolean' || first?.type !== 'paragraph') return false
      if (rest.some((child) => child.type !== 'html')) return false
      texts.push(plainLines(first).join(' '))
    }
    const choices = choiceItems(texts)
    if (!choices) return false
    const label = roleName(lead ?? titleWords(section.title)) || section.title
    section.isFresh = false
    this.#addBlock(this.#toBlock(list), null)
    append(
      this.#signoff,
      this.#fields(
        [{ label, role: null, type: 'choice', choices, given: null }],
        line(list),
        section.scope,
        section.fieldIds,
        section.id,
        null,
      ),
    )
    return true
  }

  /**
   * The blanks of a plain bullet and of the bullets under it: `- Engineering owner:`,
   * `- Service Owner: ____ Datum: ____`, and sub-bullets under a role (`- **QA Lead**` then
   * `  - Name: ____`). Under a task item, the item names the role.
   */
  #bulletFields(listItem: ListItem, parent: ItemDraft | null, lead: string | null): void {
    const section = this.#current
    if (!section) return
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
          const read = readLine(text, role)
          if (read.fields.length > 0) this.#found(read.fields, at, read.isUnderscored)
          else if (read.emptyLabel !== null)
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

  /** The role an item names for the blanks under it: "**Tech Lead Approval**" → "Tech Lead". */
  #roleOf(item: ItemDraft): string | null {
    if (item.fields.length > 0 || item.plain.length > 60) return null
    const role = roleName(item.plain)
    return role && (namesPerson(role) || role !== cleanTitle(item.plain)) ? role : null
  }

  /**
   * Blanks found outside task items: fields now in a sign-off; elsewhere kept until the section
   * ends, and fields then if one of them was a line of underscores (a completion record).
   */
  #found(drafts: FieldDraft[], lineNumber: number, isUnderscored: boolean): void {
    const section = this.#current
    if (!section) return
    if (this.#readsFields(section)) {
      append(
        this.#signoff,
        this.#fields(drafts, lineNumber, section.scope, section.fieldIds, section.id, null),
      )
      return
    }
    this.#tail.push({ drafts, line: lineNumber })
    this.#isTailForm ||= isUnderscored
  }

  /** The section ends: a pending "Label:" is a blank, and a completion record is kept. */
  #endOfSection(): void {
    const lead = this.#lead
    this.#lead = null
    if (lead) this.#leadIsBlank(lead)
    const section = this.#current
    if (section && this.#isTailForm) {
      for (const { drafts, line: at } of this.#tail) {
        append(
          this.#signoff,
          this.#fields(drafts, at, section.scope, section.fieldIds, section.id, null),
        )
      }
    }
    this.#tail = []
    this.#isTailForm = false
  }

  #fields(
    drafts: FieldDraft[],
    lineNumber: number,
    scope: Scope,
    ids: IdAllocator,
    ownerId: string,
    itemId: string | null,
  ): SignoffField[] {
    return drafts.map((d) => ({
      id: ids.next(
        `${ownerId}#${d.role && d.role !== d.label ? `${slug(d.role)}.` : ''}${slug(d.label)}`,
      ),
      label: d.label,
      role: d.role,
      type: d.type,
      choices: d.choices,
      given: d.given,
      itemId,
      line: lineNumber,
      scope,
    }))
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
        return { kind: 'code', markdown, lang: node.lang ?? '', code: node.value, line: at }
      case 'paragraph':
        return { kind: 'prose', markdown, line: at }
      case 'table':
        return { kind: 'table', markdown, line: at }
      case 'list':
        return { kind: 'list', markdown, line: at }
      case 'blockquote':
        return { kind: 'quote', markdown, line: at }
      default:
        return { kind: 'other', markdown, line: at }
    }
  }

  /** An item's text as written (inline markdown kept), comments removed, lines joined. */
  #itemText(paragraph: Paragraph): { text: string; plain: string } {
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
    text += this.#text.slice(cursor, endOffset(paragraph))
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

  /** The scope an `only:` directive gives, else what `infer` reads from the text. */
  #ownScope(directives: Directive[], infer: () => string[] | null): Scope | null {
    const only = directives.filter((d) => d.name === 'only')
    for (const extra of only.slice(1))
      this.#errorAt(extra.offset, `at most one 'only:' per item or heading`)
    const first = only[0]
    if (first?.name === 'only') {
      if (first.environments) {
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
        return {
          environments: known,
          reason: `only: directive, line ${this.lines.position(first.offset).line}`,
        }
      }
      return { environments: null, reason: null }
    }
    const inferred = infer()
    return inferred ? { environments: inferred, reason: null } : null
  }

  /**
   * `only: all` cancels the environment words of its own heading or item ("Production
   * Environment", "(staging only)"); it cannot widen the section around it. Where it
   * changes nothing it is a mistake — most often an item meant to escape its section.
   */
  #warnIdleOnlyAll(
    directives: Directive[],
    outer: Scope,
    inferred: readonly string[] | null,
    what: 'item' | 'heading',
  ): void {
    const only = directives.find((d) => d.name === 'only')
    if (only?.name !== 'only' || only.environments !== null) return
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
        only.offset,
        `'only: all' does not widen the section around this ${what}: it still applies to ${describeScope(outer)}`,
        `'only: all' cancels only what ${own} implies; to apply everywhere, the ${what === 'item' ? 'item' : 'section'} must move out of that section`,
      )
    } else {
      this.#warningAt(
        only.offset,
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

/** `counts` holds, per section id, the items written in it (nested ones included). */
function freezeSection(s: SectionDraft, counts: ReadonlyMap<string, number>): Section | Phase {
  const sections = s.sections.map((child) => freezeSection(child, counts))
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
  const { childIds: _ids, fieldIds: _fields, ...item } = d
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
  )
}

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

/** An item's text as a role would be read from it, to tell "Tech Lead Approval" from "Tech Lead". */
function cleanTitle(text: string): string {
  return text
    .replace(/[*`]+/g, '')
    .replace(/[\s:：]+$/, '')
    .trim()
}
