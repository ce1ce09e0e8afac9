/**
 * Where a team's runs live: `s3://bucket/prefix`. A run is local unless one of
 * these names a team store, first found wins: the `--store` flag, the
 * DEPLOY_WIZARD_STORE variable, the checklist's front matter (`store:`), so an
 * operator can always point one run elsewhere, and everyone running a checklist
 * that names a store shares its runs without passing anything.
 */
import { UserError } from '../../errors.ts'

type Env = Readonly<Record<string, string | undefined>>

/** The variable naming a team store for every run of this shell. */
export const STORE_VARIABLE = 'DEPLOY_WIZARD_STORE'

/** A team store: a bucket and the key prefix (no leading or trailing `/`, may be empty). */
export interface S3StoreAddress {
  readonly kind: 's3'
  readonly bucket: string
  readonly prefix: string
  /** Who named it, for messages: `--store`, `DEPLOY_WIZARD_STORE`, `the checklist's store:`. */
  readonly source: string
}

export type StoreAddress = { readonly kind: 'local' } | S3StoreAddress

/** S3's rules for a bucket name, less the rare legacy forms: 3–63 of a-z 0-9 . - , a letter or digit at each end. */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/

const EXAMPLE = 's3://team-deploys/deploy-wizard'

/**
 * Reads `s3://bucket/prefix`. Refuses anything else with the reason, so a typo
 * never quietly sends a team's runs to a bucket nobody reads.
 */
export function parseStoreAddress(text: string, source: string): S3StoreAddress {
  const trimmed = text.trim()
  const refuse = (why: string) =>
    new UserError(`${source} ${JSON.stringify(trimmed)} is not a team store: ${why}`, {
      hint: `name one as s3://bucket/prefix, e.g. ${EXAMPLE}`,
    })
  const match = /^s3:\/\/([^/]*)(?:\/(.*))?$/i.exec(trimmed)
  if (!match) throw refuse('it does not start with s3://')
  const bucket = match[1] ?? ''
  if (!BUCKET.test(bucket) || bucket.includes('..')) {
    throw refuse(`${JSON.stringify(bucket)} is not a bucket name (3–63 of a-z 0-9 . -)`)
  }
  const prefix = (match[2] ?? '').replace(/\/+$/, '')
  const segments = prefix === '' ? [] : prefix.split('/')
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw refuse('the prefix has an empty, "." or ".." part')
  }
  // Control characters in a key would reach terminals through listings.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing exactly these
  if (/[\u0000-\u001f\u007f]/.test(prefix)) throw refuse('the prefix has control characters')
  return { kind: 's3', bucket, prefix, source }
}

/**
 * The store a run uses: `--store`, else DEPLOY_WIZARD_STORE, else the checklist's
 * `store:`, else the local store. An empty flag or variable counts as unset.
 */
export function resolveStore({
  flag,
  env = process.env,
  frontMatter,
}: {
  readonly flag?: string | undefined
  readonly env?: Env
  readonly frontMatter?: string | undefined
}): StoreAddress {
  if (flag?.trim()) return parseStoreAddress(flag, '--store')
  const variable = env[STORE_VARIABLE]
  if (variable?.trim()) return parseStoreAddress(variable, STORE_VARIABLE)
  if (frontMatter?.trim()) return parseStoreAddress(frontMatter, "the checklist's store:")
  return { kind: 'local' }
}

/** `s3://bucket/prefix`, as an operator writes it. */
export function storeUrl(address: S3StoreAddress): string {
  return `s3://${address.bucket}${address.prefix ? `/${address.prefix}` : ''}`
}

/** The key of `path` (`runs/<id>/header.json`) under the store's prefix. */
export function storeKey(address: S3StoreAddress, path: string): string {
  return address.prefix ? `${address.prefix}/${path}` : path
}
