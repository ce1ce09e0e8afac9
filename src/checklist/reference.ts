/**
 * Reference pages: the `##` sections with prose and no items — a backup procedure, an
 * emergency rollback plan, troubleshooting, contacts. Nothing in them is to be completed, but
 * the operator may need them mid-deploy: the wizard opens them (`p`), and the sign-off sheet
 * lists them. A section the sign-off fields were read from is not one, whatever its heading (a
 * sign-off table, a "Release information" record, a GO / NO-GO choice under "Notes"): what it
 * asks is on the sign-off screen; one whose only fields are "select one" choices still is. An
 * empty section (a heading over a comment) is not one either.
 */
import type { Checklist, Section } from './model.ts'

export function referencePages(checklist: Checklist): Section[] {
  const top = checklist.sections
  return top.filter((section, index) => {
    if (section.itemCount > 0 || !hasText(section)) return false
    const end = top[index + 1]?.line ?? Number.POSITIVE_INFINITY
    // A "select one" choice (select-one.ts) is asked on the sign-off screen; the prose beside
    // it (a risk table under "Risk Assessment") is still only to be read here.
    return !checklist.signoff.some(
      (field) => !field.cue && field.line >= section.line && field.line < end,
    )
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
