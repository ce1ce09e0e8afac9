/**
 * A whole run on dev, as the wizard drives it, in a process of its own (so it
 * sees only its sandbox's environment, as the AWS SDK reads credentials from
 * the process): trusted, every automated item checked, every manual item that
 * applies marked done, every sign-off field filled, finished.
 *
 *   node --import tsx test/bundled/wizard-run.ts <checklist.md> <sheet.md>
 *
 * Run in the sandbox's project folder with its environment (see fixture.ts).
 */
import { loadChecklist } from '../../src/checklist/load.ts'
import type { SignoffField } from '../../src/checklist/model.ts'
import { isInScope } from '../../src/checklist/scope.ts'
import { SIGN_OFF_SHEET } from '../../src/report/sheet.ts'
import { startRun } from '../../src/run/start.ts'

const [checklistPath, sheetPath] = process.argv.slice(2) as [string, string]

/** Made-up but plausible entries for each kind of sign-off field. */
function entryFor(field: SignoffField): string {
  switch (field.type) {
    case 'date':
      return '2026-11-22'
    case 'choice':
      return field.choices[0] ?? 'Yes'
    case 'signature':
      return ''
    default:
      if (/version/i.test(field.label)) return 'v1.4.0'
      if (/note/i.test(field.label)) return 'None.'
      return 'Ana Souza'
  }
}

const { checklist } = await loadChecklist(checklistPath)
// The sheet's times must be the same on every run: checks finish in any order,
// so their answers all get 09:00; after them, each answer takes a minute.
let clock = Date.parse('2026-11-22T09:00:00Z')
let ticking = false
const session = startRun(checklist, 'dev', 'Ana Souza', {
  now: () => {
    if (ticking) clock += 60_000
    return new Date(clock)
  },
})
try {
  session.trust()
  const applies = checklist.items.filter((item) => isInScope(item.scope, 'dev'))
  // Every check, asked for: the writes too (a smoke test's POST), which the wizard runs only
  // when the operator presses r on them.
  await session.runChecks(
    applies.filter((item) => item.check).map((item) => item.id),
    { isExplicit: true },
  )
  ticking = true
  const signed = new Set(checklist.signoff.flatMap((field) => (field.itemId ? [field.itemId] : [])))
  for (const item of applies) {
    if (!item.check && !signed.has(item.id) && !item.checked) session.answer(item.id, 'done')
  }
  for (const field of checklist.signoff) {
    const value = entryFor(field)
    if (isInScope(field.scope, 'dev') && value) session.sign(field.id, value)
  }
  session.finish(sheetPath, SIGN_OFF_SHEET)
} finally {
  await session.close()
}
