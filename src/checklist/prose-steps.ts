/**
 * Steps written as prose: a `###` (or deeper) heading in a phase with prose and no task items
 * (`### Step 1: Back up the database`), and a `##` page whose title numbers a step
 * (`## 3. Draft release notes`), shown in the phase before it. Nothing in them can be answered,
 * but they are steps of the procedure: the wizard shows them as `≡` rows, `plan` lists them and
 * the sign-off sheet names them, so a reader sees the step existed. One home for which sections
 * these are, in each environment; pure.
 */
import type { Checklist, Section } from './model.ts'
import { hasText, isNumberedStep, referencePages } from './reference.ts'
import { isInScope } from './scope.ts'

/**
 * Words of a numbered `##` title that make it a page about the document, not a step of it
 * ("1. Overview", "8. Troubleshooting Guide", "9. Contacts"), in the languages the parser reads.
 */
const ABOUT =
  /\b(?:overview|introduction|intro|summary|contents|toc|troubleshoot\w*|faq|help|contacts?|references?|appendix|glossary|changelog|history|resumen|resumo|introducci[óo]n|introdu[çc][ãa]o|contactos?|contatos?|ayuda|ajuda|übersicht|einleitung|zusammenfassung|kontakte?|hilfe|fehlerbehebung|aperçu|sommaire|introduction|dépannage|aide)\b|概述|概要|目录|目次|개요|목차|故障|トラブル|문제 해결/iu

/** The `##` steps written as prose shown in a phase: those before every phase go with the first. */
export interface PhaseProseSteps {
  readonly before: readonly Section[]
  readonly after: readonly Section[]
}

/**
 * Whether `section`, a sub-section of a phase or of one of its groups, is a step written as
 * prose in `environment`: it has prose and no items, and applies there.
 */
export function isProseStep(section: Section, environment: string): boolean {
  return section.itemCount === 0 && hasText(section) && isInScope(section.scope, environment)
}

/**
 * The `##` pages that number a step (`3. Draft release notes`; not `1. Overview` or `8.
 * Troubleshooting Guide`, whose titles say they are no steps), by the id of the phase that shows them: the phase before each, or the first phase for those before every phase.
 */
export function numberedStepPages(
  checklist: Checklist,
  environment: string,
): ReadonlyMap<string, PhaseProseSteps> {
  const pages = new Set(
    referencePages(checklist).filter((page) => isInScope(page.scope, environment)),
  )
  const phaseIds = new Set(checklist.phases.map((phase) => phase.id))
  const steps = new Map<string, { before: Section[]; after: Section[] }>()
  let previous: string | null = null
  let waiting: Section[] = []
  for (const section of checklist.sections) {
    if (phaseIds.has(section.id) && section.itemCount > 0) {
      steps.set(section.id, { before: waiting, after: [] })
      waiting = []
      previous = section.id
    } else if (pages.has(section) && isNumberedStep(section.title) && !ABOUT.test(section.title)) {
      if (previous) steps.get(previous)?.after.push(section)
      else waiting.push(section)
    }
  }
  return steps
}
