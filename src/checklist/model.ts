/**
 * The checklist model: what a markdown checklist means once parsed.
 * Pure data, no behaviour; built by `parse.ts`, read by every other part.
 */
import type { Nodes } from 'mdast'

/** A place in the checklist file, 1-based, as editors show it. */
export interface SourcePosition {
  readonly line: number
  readonly column: number
}

/** Markdown that is shown to the operator beside an item or a section. */
export interface Block {
  readonly kind: 'code' | 'prose' | 'table' | 'list' | 'quote' | 'other'
  /** The block exactly as written in the file. */
  readonly markdown: string
  /** For code fences: the info string's language (`bash`, `sql`…) and the code. */
  readonly lang?: string
  readonly code?: string
  readonly line: number
  /** The block as parsed: what the wizard draws (bold, links, tables) instead of the raw text. */
  readonly node?: Nodes
}

/**
 * Which environments something applies to. `null` means all of them.
 * `reason` says where the restriction came from, for the operator.
 */
export interface Scope {
  readonly environments: readonly string[] | null
  readonly reason: string | null
}

/**
 * Environment words the parser read in a heading or an item ("Production Environment",
 * "(staging only)"), and what it made of them: `plan` and `validate` list these, so an
 * author sees every scope read from words and can pin it or cancel it with `only:`.
 */
export interface InferredScope {
  readonly line: number
  readonly source: 'heading' | 'item'
  /** The heading's title, or the item's words that name the environment: "(production only)". */
  readonly text: string
  readonly environments: readonly string[]
  /** Whether the words restrict their section or item (an `only:` beside them still decides). */
  readonly restricts: boolean
  /** Why they do or do not, in words: "a sub-heading, with no heading beside it for another environment". */
  readonly why: string
  /** An `only:` on the same heading or item, which decides instead of the words. */
  readonly only: { readonly environments: readonly string[] | null; readonly line: number } | null
}

/** An automated check attached to an item by a `check:` directive. */
export interface CheckSpec {
  readonly kind: string
  /** Parameter templates as written; `${…}` references are resolved just before the check runs. */
  readonly params: Readonly<Record<string, string>>
  readonly position: SourcePosition
}

export type SignoffFieldType = 'text' | 'date' | 'choice' | 'signature'

/** A blank the sign-off asks someone to fill: a name, a date, a choice, a signature. */
export interface SignoffField {
  readonly id: string
  readonly label: string
  /** The role the field belongs to ("QA Lead", "Developer"), when the checklist names one. */
  readonly role: string | null
  readonly type: SignoffFieldType
  readonly choices: readonly string[]
  /**
   * A signature the checklist itself already holds (a sign-off table's Signature cell filled
   * in), shown as it is and never asked for; null for a blank. Other filled cells are no fields.
   */
  readonly given: string | null
  /** The item that holds the field, when it is written as a task item. */
  readonly itemId: string | null
  /**
   * For a choice read from boxes outside a sign-off, the words that said to pick one of them
   * ("Select one by marking with an 'x'", select-one.ts): `validate` names what it read so.
   */
  readonly cue?: string
  readonly line: number
  readonly scope: Scope
}

/**
 * A blank written under a task item outside a sign-off (`  - Link al PR: ____`): what the step
 * asks to be written down when it is done, evidence of that step and never a sign-off field.
 */
export interface ItemBlank {
  readonly label: string
  readonly type: SignoffFieldType
  /** A choice's answers (`Estado: ☐ Exitoso ☐ Rollback`); empty for any other blank. */
  readonly choices: readonly string[]
  readonly line: number
}

export interface Item {
  /** Stable across unrelated edits; see `ids.ts`. */
  readonly id: string
  readonly hasExplicitId: boolean
  /** The item's text as inline markdown, directives removed. */
  readonly text: string
  /** The same text without markdown, for matching and display in narrow places. */
  readonly plain: string
  /** Started as `[x]` in the file. */
  readonly checked: boolean
  readonly line: number
  /** 0 for an item at the top of its list, 1 for one nested under another item… */
  readonly depth: number
  readonly parentId: string | null
  readonly phaseId: string
  readonly sectionId: string
  /** Code fences, prose and tables written inside the item. */
  readonly blocks: readonly Block[]
  readonly check: CheckSpec | null
  /** Ids of items whose checks must pass before this one's runs. */
  readonly needs: readonly string[]
  readonly timeoutMs: number | null
  /** Effective scope: the item's own and every enclosing section's, intersected. */
  readonly scope: Scope
  /** Sign-off blanks written in the item ("Deployed by: ____"). */
  readonly fields: readonly SignoffField[]
  /** Blanks written under it, outside a sign-off: recorded with the item when it is done. */
  readonly blanks: readonly ItemBlank[]
  /**
   * Its text names an approval or a sign-off ("Client approval received"), as signoff-words.ts
   * reads a heading: read with the parse, so a run's first screen (left-out.ts) does not run
   * those words' patterns over its items, a few milliseconds of its start-up.
   */
  readonly namesSignoff: boolean
}

export type SectionKind = 'phase' | 'group'
export type PhaseRole = 'standard' | 'rollback' | 'signoff'

/** A heading and what follows it up to the next heading of the same or a higher level. */
export interface Section {
  readonly id: string
  readonly title: string
  readonly kind: SectionKind
  /** 2 for a phase (`##`), deeper for groups; list-item groups sit one below their parent. */
  readonly level: number
  readonly line: number
  readonly blocks: readonly Block[]
  /** Items written directly in this section (not in a sub-section), in file order. */
  readonly items: readonly Item[]
  readonly sections: readonly Section[]
  readonly scope: Scope
  /** Number of items in this section and below it. */
  readonly itemCount: number
}

/** A `##` section that holds items: a step of the deployment the operator completes. */
export interface Phase extends Section {
  readonly kind: 'phase'
  readonly role: PhaseRole
}

/**
 * Who may approve at a gate: anyone but the people who drove the run (`not-driver`, the
 * default: an approval is a second pair of eyes), or anyone at all (`anyone`).
 */
export type GateApprover = 'not-driver' | 'anyone'

/**
 * `<!-- gate: approval "Change board" -->`: the run cannot enter the phases after the gate
 * until someone approves it (`deploy-wizard approve`). Written on a phase's heading, it stands
 * before that phase; on a line of its own, where it is written: before the next phase.
 */
export interface Gate {
  readonly kind: 'approval'
  /** As the checklist writes it: the run's approvals are kept by this name. */
  readonly name: string
  readonly line: number
  /** Who may approve: not the people who drove the run (the default), or anyone. */
  readonly approver: GateApprover
  /** The last phase before the gate, what the approver reviews; null when none comes before it. */
  readonly after: string | null
  /** The first phase it holds back; null when no phase follows it: it holds back the sign-off. */
  readonly before: string | null
  /** The environments it stands in: its heading's scope, or its own `only:`. */
  readonly scope: Scope
}

export interface FrontMatter {
  readonly title?: string
  readonly environments?: readonly string[]
  readonly aliases?: Readonly<Record<string, readonly string[]>>
  /** Environments declared production, besides those whose names say so (environments.ts). */
  readonly production?: readonly string[]
  readonly vars?: Readonly<Record<string, string>>
  readonly env?: Readonly<Record<string, Readonly<Record<string, string>>>>
  readonly inferEnvironments?: boolean
  /** The AWS account each environment lives in: AWS checks refuse any other. */
  readonly accounts?: Readonly<Record<string, AwsAccount>>
  /** The team store everyone running this checklist shares runs in: `s3://bucket/prefix` (run/team/address.ts). */
  readonly store?: string
  /** Present when the front matter is a GitHub issue template's (`name`, `about`, `labels`, `assignees`). */
  readonly issueTemplate?: { readonly name: string | null }
}

/** An environment's AWS account, and optionally the region and profile its checks use. */
export interface AwsAccount {
  /** Twelve digits. */
  readonly id: string
  readonly region?: string
  readonly profile?: string
}

export interface Checklist {
  /** The path the checklist was read from, as given. */
  readonly path: string
  readonly title: string
  /** sha256 of the file's bytes, hex. */
  readonly sha256: string
  readonly frontMatter: FrontMatter
  /** The environments this checklist is written for. */
  readonly environments: readonly string[]
  /** Every `##` section in file order; those without items are reference material. */
  readonly sections: readonly Section[]
  /** The sections that hold items, in file order. */
  readonly phases: readonly Phase[]
  /** Every item in file order, nested ones right after their parent. */
  readonly items: readonly Item[]
  /** Sign-off blanks found in the sign-off section, in file order. */
  readonly signoff: readonly SignoffField[]
  /** Every heading and item whose words name an environment, in file order. */
  readonly inferredScopes: readonly InferredScope[]
  /** Approval gates between phases, in file order. */
  readonly gates: readonly Gate[]
}
