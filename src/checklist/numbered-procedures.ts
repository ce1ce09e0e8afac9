/**
 * A procedure written as numbered steps in a `##` section with no task items
 * (`## Manual Deployment Process` › `### Deploy to Server` › `1. Stop the application`): a run
 * shows it as a reference page and asks nothing of it, so a run could read complete while the
 * deployment itself was never answered. Numbered lists are not turned into items — most `##`
 * sections of them are a table of contents, do's and don'ts, troubleshooting, "how to use this
 * checklist" — so only a section whose title, or a sub-section's, names a procedure (deploy,
 * release, rollback, steps, procedure, Pasos, Schritte, Étapes, 步骤, 단계…) counts: `validate`
 * warns of it, `plan` and the sign-off sheet say its steps were not answered. Pure.
 */
import type { Checklist, Section } from './model.ts'
import { stepsIn, sumOf } from './no-steps.ts'
import { referencePages } from './reference.ts'
import { isInScope } from './scope.ts'

/** A `##` section with no task items whose numbered steps are a procedure. */
export interface NumberedProcedure {
  readonly section: Section
  /** Its numbered steps under a heading that names a procedure (its own, or a sub-section's). */
  readonly steps: number
  /** The first of them. */
  readonly line: number
}

/**
 * Words of a heading that names a procedure, in the languages the parser knows. A sub-section
 * with one of them counts only its own steps; a `##` section with one, all of its steps.
 */
const PROCEDURE = new RegExp(
  [
    // English
    String.raw`\b(?:deploy(?:s|ing|ment|ments)?|releas(?:e|es|ing)|roll[\s-]?(?:back|out)|back[\s-]?out|steps?|procedures?|process|implementation|execution|migrations?|publish(?:ing)?|cut[\s-]?over|runbook|hotfix)\b`,
    // Spanish, Portuguese
    String.raw`\b(?:despliegue|desplegar|implantaç[ãa]o|implementaci[óo]n|implementaç[ãa]o|lanzamiento|lançamento|publicaci[óo]n|publicaç[ãa]o|reversi[óo]n|revers[ãa]o|pasos?|passos?|procedimientos?|proceso|processo|ejecuci[óo]n|execuç[ãa]o|migraci[óo]n|migraç[ãa]o)\b`,
    // French
    String.raw`(?:\bdéploiement|\bmise en production|\blivraison|\bpublication|\bretour arrière|(?<![\p{L}])étapes?\b|\bprocédures?|\bprocessus\b|(?<![\p{L}])exécution)`,
    // German: the words end compounds ("Rollback-Prozedur", "Bereitstellungsschritte")
    String.raw`(?:bereitstellung|veröffentlichung|rücksetzung|schritte\b|schritt\s*\d|prozedur|verfahren|ablauf|durchführung|umsetzung|implementierung)`,
    // Chinese, Japanese, Korean
    '部署|发布|发版|上线|回滚|步骤|流程|执行|迁移|实施|デプロイ|リリース|ロールバック|手順|切り戻し|배포|릴리[스즈]|롤백|단계|절차|마이그레이션|이관',
  ].join('|'),
  'iu',
)

/**
 * Words of a heading over numbered lines that are no procedure to run, whatever else it says:
 * a table of contents, help, do's and don'ts, principles, troubleshooting and errors, contacts,
 * next steps, a summary, risks, criteria, a FAQ, history, notes, known issues, lessons,
 * requirements. They win over PROCEDURE ("Next Steps", "Our
 * Deployment Principles", "Getting Help").
 */
const NOT_A_PROCEDURE = new RegExp(
  [
    String.raw`\b(?:contents|toc|índice|sommaire|inhalt\w*|help|how to use|ayuda|aide|hilfe|do['’]?s|don['’]?ts|principles?|principios|princípios|principes|grundsätze|best practices|tips|troubleshoot\w*|errors?|erro|erros|erreurs?|fehler\w*|contacts?|contactos?|contatos?|kontakte?|summary|resumen|resumo|résumé|zusammenfassung|overview|übersicht|risks?|riesgos?|riscos?|risques?|risiken|criteria|criterios|critérios|critères|kriterien)\b`,
    // What is about a release rather than steps of one: its FAQ, history, notes, known issues,
    // lessons, requirements ("Deployment FAQ", "Release History", "Lessons Learned from …").
    String.raw`\b(?:faqs?|questions|preguntas|perguntas|history|historial|histórico|historique|historie|changelog|(?:release|version)\s+notes|notas|notes de version|known issues|problemas conocidos|problemas conhecidos|problèmes connus|bekannte probleme|lessons?|lecciones|lições|leçons|requirements?|requisitos?|prérequis|exigences|anforderungen|voraussetzungen|prerequisites?)\b`,
    String.raw`\bnext steps\b|\bpróximos pas+os\b|\bprochaines étapes\b|\bnächste schritte\b`,
    '目次|目录|목차|帮助|도움|ヘルプ|问题|故障|错误|문제|오류|トラブル|エラー|联系|연락|連絡|下一步|다음 단계|次のステップ|概要|概述|개요|风险|위험|リスク|标准|기준|基準',
  ].join('|'),
  'iu',
)

/** Whether a heading's title names a procedure and nothing that says its lines are no steps. */
export function namesProcedure(title: string): boolean {
  return PROCEDURE.test(title) && !NOT_A_PROCEDURE.test(title)
}

/**
 * The `##` sections with no task items whose numbered steps are a procedure, in file order;
 * with `environment`, those that apply to it. A section the sign-off fields were read from is
 * none (reference.ts).
 */
export function numberedProcedures(
  checklist: Checklist,
  environment: string | null = null,
): NumberedProcedure[] {
  return referencePages(checklist).flatMap((page) => {
    if (environment !== null && !isInScope(page.scope, environment)) return []
    if (NOT_A_PROCEDURE.test(page.title)) return []
    const found = sumOf(procedureSections(page).map((section) => stepsIn(section.blocks)))
    if (found.numbered === 0 || found.line === null) return []
    return [{ section: page, steps: found.numbered, line: found.line }]
  })
}

/**
 * The sections of `page` whose numbered lines are steps of a procedure: all of it when its
 * title names one; else the sub-sections whose title does, and everything under them. A
 * sub-section whose title says its lines are no steps ("### Troubleshooting") is left out,
 * with what is under it.
 */
function procedureSections(page: Section): Section[] {
  const found: Section[] = []
  const walk = (section: Section, isProcedure: boolean) => {
    if (section !== page && NOT_A_PROCEDURE.test(section.title)) return
    const counts = isProcedure || namesProcedure(section.title)
    if (counts) found.push(section)
    for (const child of section.sections) walk(child, counts)
  }
  walk(page, false)
  return found
}

/** `13 numbered steps, not answered: write them as "1. [ ] …"`, as plan and the sheet say it. */
export function unansweredWords(procedure: NumberedProcedure): string {
  const steps = `${procedure.steps} numbered step${procedure.steps === 1 ? '' : 's'}`
  return `${steps}, not answered: write them as "1. [ ] …"`
}
