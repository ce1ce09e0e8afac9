/**
 * Which environments are production: where a mistake costs most, so the wizard
 * draws them in red and `run` and `check` ask for the name to be typed first.
 *
 * The one rule, read by every command and screen. An environment is production when
 *
 * - its name reads as production: split on `-`, `_`, digits and anything else that
 *   is not a letter, one word is prod, production, prd, pro, live, produção/producao
 *   or producción/produccion (`prod`, `prod-eu`, `eu_prod`, `prd2`, `live-eu`) — unless
 *   the word before it is pre, pré, non or not (`pre-prod`, `non-prod`, `pré-produção`);
 *   `preprod` and `nonprod` are single words that are not production words;
 * - or one of its aliases does (`aliases: { eu: [production] }`);
 * - or the front matter says so: `production: [eu-main]`.
 *
 * Nothing turns production off: a name that reads as production asks for its
 * confirmation whatever the checklist says, because a checklist can come from
 * anyone and the typed name is the last guard before a check writes to prod.
 * An unclear name costs a typed confirmation; a missed one costs an outage.
 */
import type { FrontMatter } from './model.ts'
import { DEFAULT_ALIASES } from './scope.ts'

/** Words that name production on their own (compared lowercased). */
const PRODUCTION_WORDS = new Set([
  'prod',
  'production',
  'prd',
  'pro',
  'live',
  'produção',
  'producao',
  'producción',
  'produccion',
])

/** A word right before a production word that makes it mean "not production yet". */
const NEGATIONS = new Set(['pre', 'pré', 'non', 'not'])

/** Why `environment` is production, in words for the operator; null when it is not. */
export function productionReason(
  checklist: { readonly frontMatter: FrontMatter },
  environment: string,
): string | null {
  const { frontMatter } = checklist
  if (frontMatter.production?.includes(environment)) return 'declared in the front matter'
  if (readsAsProduction(environment)) return 'its name reads as production'
  const aliases = frontMatter.aliases?.[environment] ?? DEFAULT_ALIASES[environment] ?? []
  const alias = aliases.find(readsAsProduction)
  return alias === undefined ? null : `its alias '${alias}' reads as production`
}

/** True when `environment` of this checklist needs the typed confirmation. */
export function isProduction(
  checklist: { readonly frontMatter: FrontMatter },
  environment: string,
): boolean {
  return productionReason(checklist, environment) !== null
}

/** `prod-eu`, `eu_prod`, `prd2`, `live`: a name with a production word not negated. */
export function readsAsProduction(name: string): boolean {
  const words = name
    .normalize('NFC')
    .toLowerCase()
    .split(/[^\p{L}]+/u)
    .filter((word) => word !== '')
  return words.some((word, i) => PRODUCTION_WORDS.has(word) && !NEGATIONS.has(words[i - 1] ?? ''))
}
