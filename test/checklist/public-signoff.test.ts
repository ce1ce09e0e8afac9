/**
 * The sign-off of every checklist in the public corpus (test/fixtures/public, see SOURCES.md):
 * the fields each one asks for, in its order and words, as `role | label | kind` (a choice's
 * answers after a colon), reviewed by reading the file. One row per file, so that more about
 * each file (its phases, its items) can be added to the same table.
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { fieldKind, signoffLines } from '../../src/checklist/signoff.ts'
import { fixturePath, parse } from '../helpers/fixtures.ts'

interface CorpusFile {
  readonly file: string
  /** Where the fields come from, or why there are none. */
  readonly note: string
  /** `role | label | kind[: answers]`, the sheet's lines in order; [] where none is asked for. */
  readonly signoff: readonly string[]
}

export const CORPUS: readonly CorpusFile[] = [
  {
    file: 'azure-mdw-release-issue-template.md',
    note: 'no sign-off: "### Validation" is a group of test items',
    signoff: [],
  },
  {
    file: 'backend-kit-prod-readiness-frontmatter.md',
    note: '"## ✅ Final Sign-Off": Role/Name/Date/Signature table, empty cells',
    signoff: [
      'Engineering Lead | Name | name',
      'Engineering Lead | Date | date',
      'Engineering Lead | Signature | signature',
      'Security Review | Name | name',
      'Security Review | Date | date',
      'Security Review | Signature | signature',
      'SRE/Operations | Name | name',
      'SRE/Operations | Date | date',
      'SRE/Operations | Signature | signature',
      'Product Owner | Name | name',
      'Product Owner | Date | date',
      'Product Owner | Signature | signature',
    ],
  },
  {
    file: 'bmad-cab-change-rollback-zh.md',
    note: 'no sign-off section or blanks',
    signoff: [],
  },
  {
    file: 'bmad-release-change-control-zh-flat.md',
    note: '"Go/No-Go与责任人签署" is one task item in a flat list, no blanks',
    signoff: [],
  },
  {
    file: 'brpc-release-cn-step-by-step.md',
    note: '"签名" here is a GPG signature file; no task items, no blanks',
    signoff: [],
  },
  {
    file: 'brpc-releasecheck-zh-vote.md',
    note: 'a vote check list: no blanks to fill',
    signoff: [],
  },
  {
    file: 'bubblematee-release-checkliste-de.md',
    note: 'no sign-off section or blanks',
    signoff: [],
  },
  {
    file: 'chilean-rut-release-workflow-es-alert.md',
    note: 'no sign-off section or blanks',
    signoff: [],
  },
  {
    file: 'claude-sdlc-go-live.md',
    note: '"## 🚦 Go/No-Go Decision" holds prose options (GREEN / YELLOW / RED), no blanks',
    signoff: [],
  },
  {
    file: 'country-coder-release-h2-h4.md',
    note: 'no sign-off section or blanks',
    signoff: [],
  },
  {
    file: 'country-coder-release-no-checkboxes.md',
    note: 'no sign-off section or blanks',
    signoff: [],
  },
  {
    file: 'coup-deployment-checklist-ko.md',
    note: '"## 최종 확인" (final check) is task items, no blanks',
    signoff: [],
  },
  {
    file: 'data-safe-haven-release-shortcodes.md',
    note: '"## :computer: Release information": a completion record of `- **Version number:** _` bullets',
    signoff: [
      ' | Version number | text',
      ' | SHM ID | text',
      ' | T2 SRE ID | text',
      ' | T3 SRE ID | text',
    ],
  },
  {
    file: 'datagov-release-ticket-envs.md',
    note: 'no sign-off section or blanks',
    signoff: [],
  },
  {
    file: 'delivery-excellence-release-readiness-tables.md',
    note: '"## 8. Go / No-Go Decision Matrix 🚦": ``**Decision: `GO` / `NO-GO`**`` and `**Sign-off:**` bullets `Role: ____  Date: ____`; the criteria matrix has no person column',
    signoff: [
      ' | Decision | choice: GO / NO-GO',
      'Program / Delivery Manager | Name | name',
      'Program / Delivery Manager | Date | date',
      'Program / Delivery Manager | Signature | signature',
      'QE / Quality Lead | Name | name',
      'QE / Quality Lead | Date | date',
      'QE / Quality Lead | Signature | signature',
      'Product / Business Owner | Name | name',
      'Product / Business Owner | Date | date',
      'Product / Business Owner | Signature | signature',
      'CTO / CIO / CXO (if applicable) | Name | name',
      'CTO / CIO / CXO (if applicable) | Date | date',
      'CTO / CIO / CXO (if applicable) | Signature | signature',
    ],
  },
  {
    file: 'doodle-on-demand-release-steps-table.md',
    note: 'no headings and no task items: a steps table with no person or signature column',
    signoff: [],
  },
  {
    file: 'doodle-release-tracking-table-signoff.md',
    note: 'no headings and no task items: one wide table whose sign-off rows are labels, not a header',
    signoff: [],
  },
  {
    file: 'duplistatus-gestion-versiones-es-heading-ids.md',
    note: 'no sign-off section or blanks',
    signoff: [],
  },
  {
    file: 'dwarves-release-bold-lead-lines.md',
    note: 'no sign-off section or blanks',
    signoff: [],
  },
  {
    file: 'eduautismo-deploy-checklist-pt-fases.md',
    note: '"### 2.1 Sign-off" is role items with statements (no blanks); "## ✅ Sign-Off Final" has bold blanks, a status choice with emoji and `**Notas**:` above a fence',
    signoff: [
      'Deploy concluído por | Name | name',
      'Deploy concluído por | Signature | signature',
      ' | Data/Hora | date',
      ' | Status | choice: Sucesso / Com avisos / Rollback',
      ' | Notas | text',
    ],
  },
  {
    file: 'epinio-release-checklist-star-loose.md',
    note: 'no sign-off section or blanks',
    signoff: [],
  },
  {
    file: 'festival-signoff-gate-approvals-table.md',
    note: 'Stakeholder and Approvals tables of placeholder rows; "**Sign-off Status:**" above three boxes is one choice; the acceptance-criteria table has no person column',
    signoff: [
      'Stakeholder | Name | name',
      'Stakeholder | Role | text',
      'Stakeholder | Status | choice: Approved / Pending',
      'Stakeholder | Date | date',
      'Stakeholder | Signature | signature',
      'Approver | Name | name',
      'Approver | Role | text',
      'Approver | Signature | signature',
      'Approver | Date | date',
      ' | Sign-off Status | choice: Approved / Approved with conditions / Not approved',
    ],
  },
  {
    file: 'flores-victoria-checklist-produccion-es.md',
    note: '"## Validación Final" is task items, no blanks',
    signoff: [],
  },
  {
    file: 'handbook-generator-golive-checkliste-de.md',
    note: '"## Go/No-Go-Entscheidung": `☐ GO ☐ NO-GO`, `**Begründung:** [TODO]` and `**Unterschriften:**` bullets `Service Owner: ____ Datum: ____`; "**Teilnehmer:**" leads a list of names, no blank',
    signoff: [
      ' | Entscheidung | choice: GO / NO-GO',
      ' | Begründung | text',
      'Service Owner | Name | name',
      'Service Owner | Datum | date',
      'Service Owner | Signature | signature',
      'IT Operations Manager | Name | name',
      'IT Operations Manager | Datum | date',
      'IT Operations Manager | Signature | signature',
      'CIO | Name | name',
      'CIO | Datum | date',
      'CIO | Signature | signature',
    ],
  },
  {
    file: 'jib-plugin-release-checklist.md',
    note: 'no sign-off section or blanks',
    signoff: [],
  },
  {
    file: 'kittycad-release-issue-details.md',
    note: '"Workflow run: ???" lines are outside any sign-off and hold no line to write on',
    signoff: [],
  },
  {
    file: 'leo-plataforma-checklist-deploy-pt-escaped.md',
    note: 'the formatter-mangled tail after the last item: `**Responsável pelo Deploy:**`, then `Data:` and `Versão/Release:` with escaped underscores inside bold markers',
    signoff: [
      'Responsável pelo Deploy | Name | name',
      'Responsável pelo Deploy | Signature | signature',
      ' | Data | date',
      ' | Versão/Release | text',
    ],
  },
  {
    file: 'lifeready-go-no-go.md',
    note: '"## Sign-off" empty plain bullets; "## Decision" `- [ ] GO` / `- [ ] NO-GO` is one choice; "## Release candidate" empty bullets are no sign-off',
    signoff: [
      'Engineering owner | Name | name',
      'Engineering owner | Signature | signature',
      'Security owner | Name | name',
      'Security owner | Signature | signature',
      'QA owner | Name | name',
      'QA owner | Signature | signature',
      ' | Decision | choice: GO / NO-GO',
    ],
  },
  {
    file: 'mockoon-release-issue-bold-leads.md',
    note: 'no sign-off section or blanks',
    signoff: [],
  },
  {
    file: 'mosip-go-nogo-no-checkboxes.md',
    note: 'no `##` heading and no task items: the Role/Status/Comments table sits in the introduction',
    signoff: [],
  },
  {
    file: 'netsuite-deployment-checklist.md',
    note: 'no sign-off section or blanks',
    signoff: [],
  },
  {
    file: 'netsuite-rollback-plan-approval.md',
    note: '"## Approval": `[Name] [Title]` placeholders and `[Date]`; the "Release Information" header and the contacts table are no sign-off',
    signoff: [
      'Rollback Plan Approved By | Name | name',
      'Rollback Plan Approved By | Title | text',
      'Rollback Plan Approved By | Signature | signature',
      ' | Date | date',
      ' | Next Review Date | date',
    ],
  },
  {
    file: 'octoacme-change-request-template.md',
    note: '"## Approvals" → "### CAB Review" items with `[Date]`, `[Approved / Rejected / …]` and a notes placeholder; "### Required Approvals" are role items with no blank',
    signoff: [
      ' | Scheduled for CAB | date',
      ' | CAB Decision | choice: Approved / Rejected / Deferred / Emergency Exception',
      ' | CAB Notes | text',
    ],
  },
  {
    file: 'octoacme-release-deployment-guide.md',
    note: '"## Release Notes Template" empty bullets are a template, not a sign-off',
    signoff: [],
  },
  {
    file: 'powercat-releasing-ascii-moons.md',
    note: 'no sign-off section or blanks',
    signoff: [],
  },
  {
    file: 'powershell-release-process-issue.md',
    note: '"Sign the MSI packages" is a task, no blanks',
    signoff: [],
  },
  {
    file: 'pygmt-release-checklist-bold-leads-tada.md',
    note: 'no sign-off section or blanks',
    signoff: [],
  },
  {
    file: 'runs-on-release-checklist-envs.md',
    note: 'no sign-off section or blanks',
    signoff: [],
  },
  {
    file: 'sinproject-talk-release-issue-ja.md',
    note: 'no sign-off section or blanks',
    signoff: [],
  },
  {
    file: 'spec-factory-checklist-release-fr.md',
    note: '"## Validation métier" → "### Sign-off": "PO sign-off obtenu"… are task items, no blanks',
    signoff: [],
  },
  {
    file: 'terraformer-release-checklist-go-nogo.md',
    note: '"## 🏁 Conclusion": `- [ ] **GO**: …` / `- [ ] **NO GO**: …` is one choice',
    signoff: [' | Conclusion | choice: GO / NO GO'],
  },
  {
    file: 'test-kanteen-npm-publish-ja.md',
    note: '"## ✅ 完了済み" is already-checked items, no blanks',
    signoff: [],
  },
  {
    file: 'virtual-ip-browser-release-signoff-table.md',
    note: '"## ✅ Sign-off": Role/Name/Date/Signature table, empty cells',
    signoff: [
      'Release Manager | Name | name',
      'Release Manager | Date | date',
      'Release Manager | Signature | signature',
      'Security Review | Name | name',
      'Security Review | Date | date',
      'Security Review | Signature | signature',
      'QA Lead | Name | name',
      'QA Lead | Date | date',
      'QA Lead | Signature | signature',
    ],
  },
  {
    file: 'voluntary-warehouse-release-issue-template.md',
    note: 'no sign-off section or blanks',
    signoff: [],
  },
  {
    file: 'waterfox-android-release-channels.md',
    note: '"QA signoff" only in item text, no blanks',
    signoff: [],
  },
  {
    file: 'web-agency-checklist-lancement-fr-fenced.md',
    note: '"## ✅ Sign-Off" Rôle/Nom/Signature/Date table (outside the fence that closed early): names filled in, signatures and `__/__/__` dates blank',
    signoff: [
      'Lead Dev | Signature | signature',
      'Lead Dev | Date | date',
      'CDP | Signature | signature',
      'CDP | Date | date',
      'Client | Signature | signature',
      'Client | Date | date',
    ],
  },
  {
    file: 'workflow-cookbook-release-checklist-ja-no-boxes.md',
    note: 'no sign-off section or blanks',
    signoff: [],
  },
]

function parseCorpus(file: string) {
  return parse(readFileSync(fixturePath(`public/${file}`), 'utf8'), file)
}

/** A checklist's sign-off as the table writes it. */
function signoffOf(file: string): string[] {
  return signoffLines(parseCorpus(file).checklist.signoff).map((line) => {
    const answers = line.field?.type === 'choice' ? `: ${line.field.choices.join(' / ')}` : ''
    return `${line.role ?? ''} | ${line.label} | ${fieldKind(line)}${answers}`
  })
}

describe('the public corpus', () => {
  it('has a row here for every file', () => {
    const files = readdirSync(fixturePath('public'))
      .filter((file) => file.endsWith('.md') && file !== 'SOURCES.md')
      .sort()
    assert.deepEqual(
      CORPUS.map((row) => row.file),
      files,
    )
  })

  for (const row of CORPUS) {
    describe(row.file, () => {
      it(`asks for ${row.signoff.length === 0 ? 'no sign-off fields' : 'its sign-off fields, in order'}: ${row.note}`, () => {
        assert.deepEqual(signoffOf(row.file), row.signoff)
      })

      it('keeps no answer of a choice, and no blank it reads as a field, as an item to tick alone', () => {
        const { checklist } = parseCorpus(row.file)
        for (const item of checklist.items) {
          // "- [ ] GO" / "- [ ] NO-GO" is one choice field: as items, one would stay pending.
          assert.doesNotMatch(item.plain, /^\W*(?:go|no[\s-]?go)\W*(?:[:：].*)?$/i)
          // An item whose text is blanks holds them: filling them answers it (session.sign).
          for (const field of checklist.signoff.filter((f) => f.line === item.line))
            assert.equal(field.itemId, item.id, `${item.plain}: ${field.label}`)
        }
      })
    })
  }
})
