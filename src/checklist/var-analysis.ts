/**
 * What each front-matter var is in one environment, worked out once: its value
 * when it is known before running, whether it waits for something known only at
 * run time, or why it has no value (it does not parse, it uses an undefined var,
 * it refers to itself, it nests too deep or grows too long).
 *
 * Each var is expanded once, from the vars it uses, so the work is proportional
 * to the front matter: a chain of 1,000 vars, or 21 vars that each double the
 * one before, cost no more than their text. Cycles are found once for all vars
 * (Tarjan's strongly connected components, walked with an explicit stack so a
 * long chain cannot overflow the call stack).
 */
import { parseTemplate, type TemplatePart, TemplateSyntaxError, VAR_LIMITS } from './variables.ts'

/** Whether a template can be resolved now, only at run time, or not at all. */
export type Analysis =
  | { readonly kind: 'static'; readonly value: string; readonly depth: number }
  | { readonly kind: 'dynamic'; readonly depth: number }
  | { readonly kind: 'invalid'; readonly reason: InvalidReason }

/**
 * Why a var or template has no value. `own` reasons are the var's own fault and
 * are reported where it is defined; `inherited` means it uses a var that has one.
 */
export type InvalidReason =
  | { readonly type: 'syntax'; readonly error: TemplateSyntaxError }
  | { readonly type: 'cycle' }
  | { readonly type: 'undefined' }
  | { readonly type: 'too-deep' }
  | { readonly type: 'too-long'; readonly length: number }
  | { readonly type: 'inherited' }

/** Undefined names kept per var, for messages: a few say what to fix. */
const MAX_UNDEFINED_SHOWN = 10

export class VarAnalysis {
  readonly #environment: string
  readonly #parts = new Map<string, TemplatePart[] | TemplateSyntaxError>()
  readonly #cyclic = new Set<string>()
  readonly #analysis = new Map<string, Analysis>()
  /** Undefined vars each var reaches through references without a fallback (a few at most). */
  readonly #undefinedReach = new Map<string, readonly string[]>()

  constructor(vars: Readonly<Record<string, string>>, environment: string) {
    this.#environment = environment
    for (const [name, template] of Object.entries(vars)) {
      try {
        this.#parts.set(name, parseTemplate(template))
      } catch (error) {
        if (!(error instanceof TemplateSyntaxError)) throw error
        this.#parts.set(name, error)
      }
    }
    // Components come out dependencies first: each var is analysed after the vars it uses.
    for (const component of stronglyConnected([...this.#parts.keys()], (name) =>
      this.#uses(name),
    )) {
      const [only] = component
      const isCycle =
        component.length > 1 || (only !== undefined && this.#uses(only).includes(only))
      for (const name of component) {
        if (isCycle) this.#cyclic.add(name)
        this.#analysis.set(name, this.#analyseVar(name))
        this.#undefinedReach.set(name, this.#undefinedFrom(name))
      }
    }
  }

  /** The var's analysis; `undefined` for a name that is not a var in this environment. */
  var(name: string): Analysis | undefined {
    return this.#analysis.get(name)
  }

  /** The var's parsed template, or the error it does not parse with. */
  parts(name: string): TemplatePart[] | TemplateSyntaxError | undefined {
    return this.#parts.get(name)
  }

  /** Whether the var refers to itself, directly or through others. */
  isCyclic(name: string): boolean {
    return this.#cyclic.has(name)
  }

  /** A parameter's template, against the vars. */
  analyse(parts: readonly TemplatePart[]): Analysis {
    return this.#analyseParts(parts, false)
  }

  /** The vars a template uses, directly or through other vars, that have no value. */
  undefinedVars(parts: readonly TemplatePart[]): string[] {
    const found = new Set<string>()
    for (const part of parts) {
      if (part.type !== 'ref' || part.ref.type !== 'var' || part.fallback !== null) continue
      for (const name of this.#undefinedReach.get(part.ref.name) ?? [part.ref.name]) found.add(name)
    }
    return [...found]
  }

  /** Names of the vars `name` refers to (with or without a fallback). */
  #uses(name: string): string[] {
    const parts = this.#parts.get(name)
    if (!Array.isArray(parts)) return []
    const uses: string[] = []
    for (const part of parts) {
      if (part.type === 'ref' && part.ref.type === 'var' && this.#parts.has(part.ref.name))
        uses.push(part.ref.name)
    }
    return uses
  }

  #analyseVar(name: string): Analysis {
    const parts = this.#parts.get(name)
    if (parts === undefined) return { kind: 'invalid', reason: { type: 'undefined' } }
    if (parts instanceof TemplateSyntaxError)
      return { kind: 'invalid', reason: { type: 'syntax', error: parts } }
    if (this.#cyclic.has(name)) return { kind: 'invalid', reason: { type: 'cycle' } }
    return this.#analyseParts(parts, true)
  }

  /**
   * Uses only vars analysed already: `#analysis` holds every var this template
   * refers to. The depth limit is on vars; a parameter may use the deepest var.
   */
  #analyseParts(parts: readonly TemplatePart[], isVar: boolean): Analysis {
    let value = ''
    let depth = 1
    let isDynamic = false
    for (const part of parts) {
      if (part.type === 'text') {
        value += part.text
      } else if (part.ref.type === 'environment') {
        value += this.#environment
      } else if (part.ref.type === 'process-env' || part.ref.type === 'output') {
        isDynamic = true
      } else {
        const inner = this.#analysis.get(part.ref.name)
        if (inner === undefined) {
          if (part.fallback === null) return { kind: 'invalid', reason: { type: 'undefined' } }
          value += part.fallback
          continue
        }
        if (inner.kind === 'invalid') return { kind: 'invalid', reason: { type: 'inherited' } }
        depth = Math.max(depth, inner.depth + 1)
        if (inner.kind === 'dynamic') isDynamic = true
        else value += inner.value
      }
      if (value.length > VAR_LIMITS.length)
        return { kind: 'invalid', reason: { type: 'too-long', length: value.length } }
    }
    if (isVar && depth > VAR_LIMITS.depth) return { kind: 'invalid', reason: { type: 'too-deep' } }
    return isDynamic ? { kind: 'dynamic', depth } : { kind: 'static', value, depth }
  }

  /**
   * The undefined vars `name` reaches through references without a fallback,
   * from what the vars it uses reach (worked out before it). A var in a cycle
   * reaches none: it is reported on its own.
   */
  #undefinedFrom(name: string): readonly string[] {
    const parts = this.#parts.get(name)
    if (!Array.isArray(parts) || this.#cyclic.has(name)) return []
    const found = new Set<string>()
    for (const part of parts) {
      if (part.type !== 'ref' || part.ref.type !== 'var' || part.fallback !== null) continue
      for (const missing of this.#undefinedReach.get(part.ref.name) ?? [part.ref.name]) {
        if (found.size >= MAX_UNDEFINED_SHOWN) break
        found.add(missing)
      }
    }
    return [...found]
  }
}

/**
 * Tarjan's strongly connected components of the graph `edges` draws over
 * `nodes`, each component emitted after every component it has an edge to.
 * Iterative: the depth of the graph is the file's to choose.
 */
export function stronglyConnected(
  nodes: readonly string[],
  edges: (node: string) => readonly string[],
): string[][] {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const onStack = new Set<string>()
  const stack: string[] = []
  const components: string[][] = []
  let counter = 0
  for (const root of nodes) {
    if (index.has(root)) continue
    const work: { node: string; next: readonly string[]; at: number }[] = []
    const open = (node: string) => {
      index.set(node, counter)
      low.set(node, counter)
      counter++
      stack.push(node)
      onStack.add(node)
      work.push({ node, next: edges(node), at: 0 })
    }
    open(root)
    while (work.length > 0) {
      const frame = work[work.length - 1] as (typeof work)[number]
      const target = frame.next[frame.at]
      if (target !== undefined) {
        frame.at++
        if (!index.has(target)) open(target)
        else if (onStack.has(target))
          low.set(frame.node, Math.min(low.get(frame.node) ?? 0, index.get(target) ?? 0))
        continue
      }
      work.pop()
      const parent = work[work.length - 1]
      if (parent)
        low.set(parent.node, Math.min(low.get(parent.node) ?? 0, low.get(frame.node) ?? 0))
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = []
        for (;;) {
          const member = stack.pop() as string
          onStack.delete(member)
          component.push(member)
          if (member === frame.node) break
        }
        components.push(component)
      }
    }
  }
  return components
}
