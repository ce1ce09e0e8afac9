/**
 * Reference pages: the `##` sections with prose and no items — a backup procedure, an
 * emergency rollback plan, troubleshooting, contacts. Nothing in them is to be completed, but
 * the operator may need them mid-deploy: the wizard opens them (`p`), and the sign-off sheet
 * lists them. A sign-off section whose blanks the sign-off screen asks for is not one; an
 * empty section (a heading over a comment) neither.
 */
import type { Checklist, Phase, Section } from './model.ts'

export function referencePages(checklist: Checklist): Section[] {
  const top = checklist.sections
  return top.filter((section, index) => {
    if (section.itemCount > 0 || !hasText(section)) return false
    if ((section as Phase).role !== 'signoff') return true
    // Its fields are the sign-off screen's; its text is a page only when none were read from it.
    const end = top[index + 1]?.line ?? Number.POSITIVE_INFINITY
    return !checklist.signoff.some((field) => field.line >= section.line && field.line < end)
  })
}

/**
 * A heading that numbers a step: `3. Draft release notes`, `🌒 1. Bump the version`, `Step 2:`,
 * `Paso 1`, `第1步`, `1단계`. Such a section written as prose is a step of the procedure, shown
 * with the items next to it.
 */
export function isNumberedStep(title: string): boolean {
  return NUMBERED_STEP.test(title)
}

// At most three digits: `2026 roadmap` is a year, not a step.
const NUMBERED_STEP =
  /^[^\p{L}\p{N}]*(?:\d{1,3}(?:\.\d+)*[.):]?(?:\s|$)|(?:step|paso|passo|schritt|étape|etapa|stage)\s*\d+|第\s*\d+\s*[步章节]|\d+\s*단계)/iu

/** Whether there is anything to read in the section or under it. */
export function hasText(section: Section): boolean {
  return section.blocks.length > 0 || section.sections.some(hasText)
}
