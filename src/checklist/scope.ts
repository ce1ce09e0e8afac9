/**
 * Which environments a section or an item applies to.
 *
 * Besides the explicit `only:` directive, checklists say it in words: headings
 * such as "Production Environment", "Deploy to Staging" or "Deploy em PROD", and
 * items ending in "(production only)". Those words are matched against each
 * environment's aliases; front matter can change the aliases or turn inference off.
 *
 * Reading words errs safe: an item the wizard wrongly leaves out of a run is a step
 * nobody takes, while one wrongly kept costs a key press (`a`, not applicable). So
 * words restrict only when they are about the environment and nothing else:
 *
 * - a heading whose words are an environment's name and words that name the
 *   environment itself — environment, deployment, release, servers, config, only,
 *   "deploy to", "em", "en", "auf"… in several languages ("Production Environment",
 *   "Deploy to Staging", "Deploy em PROD", "Ambiente de Produção", "本番環境");
 * - a heading with a parenthesis that is an environment and "only"
 *   ("Configuration (Production Only)"), and an item's "(production only)".
 *
 * An environment word that qualifies something else names no scope: "Production
 * Features", "Production Readiness & Validation", "Optional (Production Ready)",
 * "dev channel", "Validação em Staging". Nor does a word joined by a hyphen to the
 * word before it ("Pre-Production"). Where a sub-heading's words may restrict is the
 * parser's to decide (see `subHeadingRestricts`); the checklist's title restricts nothing.
 */
import type { InferredScope, Scope } from './model.ts'

export const DEFAULT_ENVIRONMENTS = ['dev', 'staging', 'prod'] as const

export const DEFAULT_ALIASES: Readonly<Record<string, readonly string[]>> = {
  dev: [
    'dev',
    'development',
    'desenvolvimento',
    'desarrollo',
    'développement',
    'developpement',
    'entwicklung',
    'entwicklungsumgebung',
    '開発',
    '开发',
    '開發',
  ],
  staging: ['staging', 'homologação', 'homologacao', 'hml', 'ステージング', '预发布', '預發布'],
  prod: [
    'prod',
    'production',
    'produção',
    'producao',
    'prd',
    'producción',
    'produccion',
    'produktion',
    'produktionsumgebung',
    'produktivumgebung',
    '本番',
    '生产',
    '生產',
  ],
}

/**
 * Words that, beside an environment's name, keep a heading about that environment:
 * what an environment is called and what is done to it (compared lowercased, without
 * accents). Anything else — features, readiness, ready, channel — makes the environment
 * word a qualifier of something else (words about the document are DOCUMENT_WORDS).
 */
const SUBJECT_WORDS = new Set([
  // English
  'environment',
  'environments',
  'env',
  'envs',
  'deploy',
  'deploys',
  'deploying',
  'deployment',
  'deployments',
  'release',
  'releases',
  'releasing',
  'rollout',
  'promote',
  'promoting',
  'promotion',
  'go',
  'going',
  'server',
  'servers',
  'config',
  'configs',
  'configuration',
  'configurations',
  // Vercel's and Netlify's name for a branch's own environment: "Dev / Preview Deployment".
  'preview',
  'previews',
  // Portuguese, Spanish
  'ambiente',
  'ambientes',
  'implantacao',
  'implantacoes',
  'lancamento',
  'liberacao',
  'publicacao',
  'publicacion',
  'despliegue',
  'despliegues',
  'desplegar',
  'lanzamiento',
  'entorno',
  'entornos',
  'servidor',
  'servidores',
  'configuracao',
  'configuracoes',
  'configuracion',
  'configuraciones',
  'subir',
  'pasar',
  'passar',
  'pase',
  'passagem',
  'ir',
  // French
  'environnement',
  'environnements',
  'deploiement',
  'deploiements',
  'deployer',
  'mise',
  'livraison',
  'passage',
  'serveur',
  'serveurs',
  // German
  'umgebung',
  'umgebungen',
  'bereitstellung',
  'auslieferung',
  'konfiguration',
])

/**
 * Words about the document itself, not about what is done: "Staging Deployment Checklist",
 * "Production Runbook", "Procedimiento de despliegue en producción". Like "deployment", they
 * leave a heading about its environment. (Numbering words, "Step", "Task", are STEP_WORDS.)
 */
const DOCUMENT_WORDS = new Set([
  'checklist',
  'checklists',
  'tasks',
  'procedure',
  'procedures',
  'runbook',
  'runbooks',
  'playbook',
  'playbooks',
  // Portuguese, Spanish
  'procedimento',
  'procedimentos',
  'procedimiento',
  'procedimientos',
  'tarefas',
  'tareas',
  'passos',
  'pasos',
  'etapas',
  // French ("procédure" is "procedure" without its accent)
  'taches',
  'etapes',
  // German
  'checkliste',
  'checklisten',
  'aufgaben',
  'schritte',
  'ablauf',
])

/** Words that make the environment named beside them a restriction: "(staging only)". */
const ONLY_WORDS = new Set([
  'only',
  'apenas',
  'somente',
  'solo',
  'solamente',
  'unicamente',
  'uniquement',
  'seulement',
  'nur',
  'ausschliesslich',
])

/** Small words between the others: "Deploy to Staging", "Ambiente de Produção", "Mise en production". */
const CONNECTORS = new Set([
  'to',
  'in',
  'into',
  'on',
  'for',
  'the',
  'a',
  'an',
  'of',
  'and',
  'or',
  'at',
  'em',
  'no',
  'na',
  'nos',
  'nas',
  'para',
  'pra',
  'o',
  'os',
  'as',
  'de',
  'do',
  'da',
  'dos',
  'das',
  'e',
  'ou',
  'ao',
  'en',
  'al',
  'el',
  'la',
  'los',
  'las',
  'del',
  'y',
  'au',
  'aux',
  'vers',
  'le',
  'les',
  'l',
  'du',
  'des',
  'd',
  'sur',
  'pour',
  'et',
  'dans',
  'im',
  'ins',
  'nach',
  'zu',
  'zur',
  'zum',
  'auf',
  'die',
  'der',
  'das',
  'den',
  'dem',
  'fur',
  'und',
  'oder',
])

/** Numbering words before a step's number: "Fase 3: Deploy em Produção", "Step 2 — Deploy to staging". */
const STEP_WORDS = new Set([
  'phase',
  'fase',
  'step',
  'steps',
  'passo',
  'paso',
  'etape',
  'etapa',
  'schritt',
  'stage',
  'task',
  'tarefa',
  'tarea',
  'tache',
  'aufgabe',
  'part',
  'parte',
  'teil',
])

/**
 * The same, in scripts written without spaces (Japanese, Chinese): taken out of a run of
 * such letters, longest first, so that "本番環境へのデプロイ" reads as production + environment
 * + "to" + deploy. Whatever is left over is a word of another kind.
 */
const CJK_SUBJECT = [
  '環境',
  '环境',
  'デプロイ',
  'リリース',
  '部署',
  '发布',
  '發布',
  'サーバー',
  'サーバ',
  '服务器',
  '伺服器',
  '設定',
  '配置',
]
/** The same as DOCUMENT_WORDS: checklist, procedure, steps, tasks. */
const CJK_DOCUMENT = [
  'チェックリスト',
  '手順書',
  '手順',
  '检查清单',
  '檢查清單',
  '清单',
  '清單',
  '步骤',
  '步驟',
  '任务',
  '任務',
]
const CJK_ONLY = ['のみ', 'だけ', '限定', '専用', '专用', '仅', '僅', '只']
const CJK_CONNECTORS = ['への', 'へ', 'に', 'の', 'で', 'と', '到', '的', '在', '和', '及']
const CJK_WORDS = [...CJK_SUBJECT, ...CJK_DOCUMENT, ...CJK_ONLY, ...CJK_CONNECTORS].sort(
  (a, b) => b.length - a.length,
)
const CJK_LETTER = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u

export const ALL: Scope = { environments: null, reason: null }

/** Where an alias was found in a text. */
interface AliasMatch {
  readonly env: string
  readonly start: number
  readonly end: number
}

export interface Aliases {
  /** Environments named in `text`, each at most once, in the checklist's order. */
  named(text: string): string[]
  /** Every place in `text` an environment is named, in text order, none overlapping. */
  find(text: string): AliasMatch[]
}

export function buildAliases(
  environments: readonly string[],
  overrides: Readonly<Record<string, readonly string[]>> = {},
): Aliases {
  // A hyphen before the word disqualifies it: "Pre-Production" names a moment, not an environment.
  // Japanese and Chinese write words without spaces: there an alias is found anywhere.
  const patterns = environments.map((env) => {
    const words = [env, ...(overrides[env] ?? DEFAULT_ALIASES[env] ?? [env])]
    const spaced = words.filter((w) => !CJK_LETTER.test(w)).map(escapeRegExp)
    const unspaced = words.filter((w) => CJK_LETTER.test(w)).map(escapeRegExp)
    const parts = [
      ...(spaced.length > 0
        ? [`(?<![\\p{L}\\p{N}-])(?:${spaced.join('|')})(?![\\p{L}\\p{N}])`]
        : []),
      ...(unspaced.length > 0 ? [`(?:${unspaced.join('|')})`] : []),
    ]
    return { env, pattern: new RegExp(parts.join('|'), 'giu') }
  })
  const find = (text: string): AliasMatch[] => {
    const found: AliasMatch[] = []
    for (const { env, pattern } of patterns) {
      for (const m of text.matchAll(pattern))
        found.push({ env, start: m.index, end: m.index + m[0].length })
    }
    found.sort((a, b) => a.start - b.start || b.end - a.end)
    // The longest of overlapping matches wins ("prod" named as an alias of two environments).
    // The same word can be an alias of two environments: both are named.
    const kept: AliasMatch[] = []
    for (const match of found) {
      const last = kept.at(-1)
      const isSameWord = last?.start === match.start && last.end === match.end
      if (!last || match.start >= last.end || isSameWord) kept.push(match)
    }
    return kept
  }
  return {
    find,
    named: (text) => {
      const names = new Set(find(text).map((m) => m.env))
      return environments.filter((env) => names.has(env))
    },
  }
}

/** What a heading's or a parenthesis' words say about environments. */
export interface WordsReading {
  /** The environments named, in the checklist's order. */
  readonly environments: readonly string[]
  /**
   * How the words restrict: `subject` — they are about the environment ("Production
   * Environment"); `only` — "(production only)"; null — they name it but do not restrict.
   */
  readonly restricts: 'subject' | 'only' | null
  /** The words that are about something else, as written, when they do not restrict. */
  readonly others: readonly string[]
}

/**
 * What a heading's words say about environments, or null when they name none. A heading
 * restricts when it is about an environment, or has a parenthesis "(… only)" that is.
 */
export function scopeFromHeading(title: string, aliases: Aliases): WordsReading | null {
  const whole = readWords(title, aliases)
  if (whole === null || whole.restricts !== null) return whole
  for (const inside of parentheses(title)) {
    const part = readWords(inside, aliases)
    if (part?.restricts === 'only') return { ...part, environments: whole.environments }
  }
  return whole
}

/**
 * The environments an item restricts itself to with "(… only)", and the words that say so;
 * null when no parenthesis of the item names an environment beside an "only".
 */
export function scopeFromItemText(
  text: string,
  aliases: Aliases,
): (WordsReading & { readonly words: string }) | null {
  let nearMiss: (WordsReading & { readonly words: string }) | null = null
  for (const inside of parentheses(text)) {
    const reading = readWords(inside, aliases)
    if (reading === null || !hasOnlyWord(inside)) continue
    if (reading.restricts === 'only') return { ...reading, words: `(${inside.trim()})` }
    // "(only if production uses SSL)": named, with "only", but about something else.
    nearMiss ??= { ...reading, restricts: null, words: `(${inside.trim()})` }
  }
  return nearMiss
}

/**
 * Whether a sub-heading's words restrict its section. A phase's do; a sub-heading's only when
 * they say "only", or when a heading beside it (the same parent) is for another environment:
 * "Staging" and "Production" side by side are alternatives, while a lone "Development
 * Environment" inside "Pre-Deployment" most often holds prerequisites every run needs.
 * `siblings` are the environments each other sub-heading of the parent restricts itself to.
 */
export function subHeadingRestricts(
  reading: WordsReading,
  siblings: readonly (readonly string[])[],
): boolean {
  if (reading.restricts === 'only') return true
  if (reading.restricts !== 'subject') return false
  return siblings.some((other) => !sameEnvironments(other, reading.environments))
}

/** The scope that satisfies both: the inner restriction within the outer one. */
export function intersect(outer: Scope, inner: Scope): Scope {
  if (inner.environments === null) return outer
  if (outer.environments === null) return inner
  // "Pre-Production Checklist" inside "Production Deployment" narrows nothing.
  if (outer.environments.every((e) => inner.environments?.includes(e))) return outer
  const environments = inner.environments.filter((e) => outer.environments?.includes(e))
  return { environments, reason: `${inner.reason}, within ${outer.reason}` }
}

/** "staging only (section "Staging Deployment", line 205)" */
export function describeScope(scope: Scope): string {
  if (scope.environments === null) return 'all environments'
  const which =
    scope.environments.length === 0 ? 'no environment' : `${scope.environments.join(', ')} only`
  return scope.reason ? `${which} (${scope.reason})` : which
}

/**
 * A reading of environment words, as `plan` and `validate` list it: "heading “Development
 * Environment” scopes its section to dev only: beside “Production Environment” (line 31), for prod".
 */
export function describeInferred(reading: InferredScope): string {
  const what = reading.source === 'heading' ? `heading “${reading.text}”` : `item “${reading.text}”`
  const target = reading.source === 'heading' ? 'its section' : 'the item'
  const environments = reading.environments.join(', ')
  const does = reading.restricts
    ? `scopes ${target} to ${environments} only`
    : `names ${environments} but scopes nothing`
  const only = reading.only
    ? `; its only: ${reading.only.environments?.join(', ') ?? 'all'} (line ${reading.only.line}) decides instead`
    : ''
  return `${what} ${does}: ${reading.why}${only}`
}

export function isInScope(scope: Scope, environment: string): boolean {
  return scope.environments === null || scope.environments.includes(environment)
}

export function sameEnvironments(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((e) => b.includes(e))
}

/**
 * Reads `text` word by word: the environments it names, and whether every other word is one
 * that keeps it about them (a subject word, a word about the document, "only", a connector, a
 * step's number).
 */
function readWords(text: string, aliases: Aliases): WordsReading | null {
  const matches = aliases.find(text)
  if (matches.length === 0) return null
  let rest = ''
  let from = 0
  for (const match of matches) {
    rest += `${text.slice(from, match.start)} `
    from = match.end
  }
  rest += text.slice(from)
  const others: string[] = []
  let hasOnly = false
  for (const word of rest.match(/[\p{L}\p{N}]+/gu) ?? []) {
    for (const piece of splitUnspaced(word)) {
      const kind = wordKind(piece)
      if (kind === 'only') hasOnly = true
      else if (kind === 'other') others.push(piece)
    }
  }
  return {
    environments: aliases.named(text),
    restricts: others.length > 0 ? null : hasOnly ? 'only' : 'subject',
    others,
  }
}

function hasOnlyWord(text: string): boolean {
  return (text.match(/[\p{L}\p{N}]+/gu) ?? [])
    .flatMap(splitUnspaced)
    .some((word) => wordKind(word) === 'only')
}

type WordKind = 'subject' | 'document' | 'only' | 'connector' | 'step' | 'other'

function wordKind(word: string): WordKind {
  if (/^\p{N}+$/u.test(word)) return 'step'
  if (CJK_LETTER.test(word)) {
    if (CJK_ONLY.includes(word)) return 'only'
    if (CJK_SUBJECT.includes(word)) return 'subject'
    if (CJK_DOCUMENT.includes(word)) return 'document'
    return CJK_CONNECTORS.includes(word) ? 'connector' : 'other'
  }
  const plain = word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/ß/g, 'ss')
  if (ONLY_WORDS.has(plain)) return 'only'
  if (SUBJECT_WORDS.has(plain)) return 'subject'
  if (DOCUMENT_WORDS.has(plain)) return 'document'
  if (CONNECTORS.has(plain)) return 'connector'
  // "1단계", "3a": a step's number with a letter or a counter word.
  if (STEP_WORDS.has(plain) || /^\p{N}+\p{L}{0,2}$/u.test(plain)) return 'step'
  return 'other'
}

/**
 * A word of Japanese or Chinese letters, cut at the known words in it; the letters between
 * them stay together as one other word. Words in other scripts come back as they are.
 */
function splitUnspaced(word: string): string[] {
  if (!CJK_LETTER.test(word)) return [word]
  const pieces: string[] = []
  let other = ''
  let i = 0
  while (i < word.length) {
    const known = CJK_WORDS.find((w) => word.startsWith(w, i))
    if (known) {
      if (other) pieces.push(other)
      other = ''
      pieces.push(known)
      i += known.length
    } else {
      other += word[i]
      i++
    }
  }
  if (other) pieces.push(other)
  return pieces
}

/** The text inside each pair of parentheses, ASCII or full-width: "(production only)", "（仅生产环境）". */
function parentheses(text: string): string[] {
  return [...text.matchAll(/[(（]([^()（）]*)[)）]/g)].map((m) => m[1] ?? '')
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
