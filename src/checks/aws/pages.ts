/**
 * The lists AWS hands back: reading every page of a list call, finding a
 * resource by its name in one (AWS lets several API Gateway APIs or Cognito user
 * pools share a name), and showing a long one briefly in a detail.
 */

/** One page: its items and the token of the next page, if there is one. */
export interface Page<T> {
  readonly items: readonly T[]
  readonly next?: string | undefined
}

/**
 * A page token handed back a second time: an endpoint that does this would keep
 * the check reading the same pages until its timeout.
 */
export class RepeatedPageToken extends Error {
  override readonly name = 'RepeatedPageToken'
  constructor() {
    super('it handed back a page token it had already given, so its pages never end')
  }
}

/** Every item of every page, reading the pages one after the other. */
export async function allPages<T>(read: (token: string | undefined) => Promise<Page<T>>) {
  const items: T[] = []
  const seen = new Set<string>()
  let token: string | undefined
  do {
    const page = await read(token)
    items.push(...page.items)
    token = page.next || undefined
    if (token !== undefined) {
      if (seen.has(token)) throw new RepeatedPageToken()
      seen.add(token)
    }
  } while (token !== undefined)
  return items
}

/** What looking a resource up by its name found. */
export type ByName<T> =
  | { readonly found: T }
  | { readonly missing: true }
  | { readonly ambiguous: readonly T[] }

/** The one resource of `candidates` named `name`, or why there is not exactly one. */
export function byName<T>(
  candidates: readonly T[],
  name: string,
  nameOf: (candidate: T) => string | undefined,
): ByName<T> {
  const named = candidates.filter((candidate) => nameOf(candidate) === name)
  const [first, ...others] = named
  if (first === undefined) return { missing: true }
  return others.length === 0 ? { found: first } : { ambiguous: named }
}

/** `a, b, c`, or the first ten and how many more: a detail stays one readable line. */
export function shortList(items: readonly string[], max = 10): string {
  if (items.length <= max) return items.join(', ')
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`
}
