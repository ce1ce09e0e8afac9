/**
 * The sign-off's lines, the one definition the sheet prints and the wizard
 * shows: every field, and one signature line per role.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  fieldKind,
  isOperatorName,
  isSignoffTitle,
  signoffLines,
} from '../../src/checklist/signoff.ts'
import { parse } from '../helpers/fixtures.ts'

/** The lines of a checklist's sign-off as `role | label | kind`. */
function linesOf(signoff: string): string[] {
  const { checklist } = parse(`# T\n\n## Steps\n- [ ] One\n\n## Sign-Off\n\n${signoff}\n`)
  return signoffLines(checklist.signoff).map((line) =>
    [line.role ?? '', line.label, line.kind].join(' | '),
  )
}

describe('sign-off lines', () => {
  it('end a role the checklist asks only a name and a date of with a line to sign', () => {
    assert.deepEqual(linesOf('- [ ] QA Lead: ________ Date: ______'), [
      'QA Lead | Name | field',
      'QA Lead | Date | field',
      'QA Lead | Signature | signature',
    ])
  })

  it('read "Deployed by: ____" as a role with its own line to sign', () => {
    assert.deepEqual(linesOf('- [ ] Deployed by: ________\n- [ ] Approved by: ________'), [
      'Deployed by | Name | field',
      'Deployed by | Signature | signature',
      'Approved by | Name | field',
      'Approved by | Signature | signature',
    ])
  })

  it('keep the signature column of a table, and add none beside it', () => {
    const table = [
      '| Role | Name | Date | Signature |',
      '|------|------|------|-----------|',
      '| Developer | | | |',
      '| Manager | | | |',
    ].join('\n')
    assert.deepEqual(linesOf(table), [
      'Developer | Name | field',
      'Developer | Date | field',
      'Developer | Signature | signature',
      'Manager | Name | field',
      'Manager | Date | field',
      'Manager | Signature | signature',
    ])
  })

  it('take a Signature the table already fills in as the role’s, and a line of underscores as a blank', () => {
    const table = [
      '| Role | Name | Signature |',
      '|------|------|-----------|',
      '| Security reviewer | | approved in SEC-88 |',
      '| Manager | ________ | ________ |',
      '| QA Lead | | - |',
      '| Product owner | … | [sign here] |',
    ].join('\n')
    assert.deepEqual(linesOf(table), [
      'Security reviewer | Name | field',
      'Security reviewer | Signature | signature',
      'Manager | Name | field',
      'Manager | Signature | signature',
      'QA Lead | Name | field',
      'QA Lead | Signature | signature',
      'Product owner | Name | field',
      'Product owner | Signature | signature',
    ])
    const { checklist } = parse(`# T\n\n## Sign-Off\n\n${table}\n`)
    // A dash, an ellipsis or a bracketed placeholder is a blank too, not a signature given.
    assert.deepEqual(
      checklist.signoff.map((field) => field.given),
      [null, 'approved in SEC-88', null, null, null, null, null, null],
    )
  })

  it('give a Signature blank on a line of its own to the role just above it', () => {
    assert.deepEqual(
      linesOf(
        '- [ ] Deployed by: ______\n- [ ] Date: ______\n- [ ] Signature: ______\n- [ ] Version: ______',
      ),
      [
        'Deployed by | Name | field',
        'Deployed by | Date | field',
        'Deployed by | Signature | signature',
        ' | Version | field',
      ],
    )
  })

  it('give a date, a version or a choice none', () => {
    assert.deepEqual(
      linesOf(
        '**Deployment Date**: ______\n\n- [ ] Version: ______\n- [ ] All checks passed: Yes / No',
      ),
      [' | Deployment Date | field', ' | Version | field', ' | All checks passed | field'],
    )
  })
})

/** The sign-off of a checklist as `role | label | kind[: answers]`, the sheet's lines in order. */
function fieldsOf(markdown: string): string[] {
  const { checklist } = parse(`# T\n\n## Steps\n- [ ] One\n\n${markdown}\n`)
  return signoffLines(checklist.signoff).map((line) => {
    const answers = line.field?.type === 'choice' ? `: ${line.field.choices.join(' / ')}` : ''
    return `${line.role ?? ''} | ${line.label} | ${fieldKind(line)}${answers}`
  })
}

describe('sign-off headings', () => {
  it('are found behind an emoji, a number or a "Section N:", in eight languages', () => {
    const titles = [
      '✅ SIGN-OFF',
      ':white_check_mark: Sign-off',
      'Section 10: Final Sign-Off & Go/No-Go',
      '8. Approvals',
      '8.1 Technical Sign-offs',
      'Stakeholder Sign-offs',
      'Required sign‑offs',
      'Go / No-Go Decision Matrix 🚦',
      'Decision',
      '🏁 Conclusion',
      'Deployment Complete',
      'Fase 2: Aprovação para Produção',
      'Assinaturas',
      'Aprobación',
      '✅ Aprobación',
      'Validación Final',
      'Validation métier',
      'Validation',
      'Freigabe',
      'Go/No-Go-Entscheidung',
      'Unterschriften',
      '5. 承認',
      'サインオフ',
      '判定サマリ',
      '审批签字',
      '签字',
      '최종 판단',
    ]
    assert.deepEqual(
      titles.filter((title) => !isSignoffTitle(title)),
      [],
    )
  })

  it('are not headings where these words mean something else', () => {
    const titles = [
      'Input Validation',
      'Validação em Staging',
      '🧪 Phase 1 : Tests & Validation',
      'Decision Matrix',
      'Pre-Sign-off Verification',
      '6. 生成签名文件',
      'Final Checks',
      'Rollback Plan',
      '完了済み',
    ]
    assert.deepEqual(titles.filter(isSignoffTitle), [])
  })

  it('recognises numbered sign-off and rollback headings, and only at the start', () => {
    const { checklist } = parse(
      '## 6. Sign-Off\n- [ ] Deployed by: ______\n## 7. Rollback Plan\n- [ ] a\n## Pre-deployment: rollback plan ready\n- [ ] b\n',
    )
    assert.deepEqual(
      checklist.phases.map((p) => p.role),
      ['signoff', 'rollback', 'standard'],
    )
    assert.equal(checklist.signoff[0]?.label, 'Deployed by')
  })
})

describe('sign-off fields, in the shapes public checklists write them', () => {
  it('read a colon inside the bold as well as after it', () => {
    assert.deepEqual(fieldsOf('## Sign-Off\n\n**Deployed by:** ____ **Date:** ____'), [
      'Deployed by | Name | name',
      'Deployed by | Date | date',
      'Deployed by | Signature | signature',
    ])
    assert.deepEqual(fieldsOf('## Sign-Off\n\n**Deployed by**: ____ **Date**: ____'), [
      'Deployed by | Name | name',
      'Deployed by | Date | date',
      'Deployed by | Signature | signature',
    ])
  })

  it('read blanks of escaped underscores, however a formatter left them', () => {
    const tail = [
      '## Sign-Off',
      '',
      '**Deployment Date:** ********\\_\\_\\_********',
      '',
      '**Deployed By:** ********\\_\\_\\_********',
      '',
      '**Total Pods:** **\\_** / **\\_**',
      '',
      'Data: **/**/\\_\\_\\_\\_',
    ].join('\n')
    assert.deepEqual(fieldsOf(tail), [
      ' | Deployment Date | date',
      'Deployed By | Name | name',
      'Deployed By | Signature | signature',
      ' | Total Pods | text',
      ' | Data | date',
    ])
  })

  it('read [Signature], [Date] and other placeholders as blanks, a bracketed choice as a choice', () => {
    const markdown = [
      '## Approval',
      '',
      '- QA Lead: [Signature] [Date]',
      '',
      '**Rollback Plan Approved By**: [Name] [Title]',
      '**Date**: [Date]',
      '',
      '- [ ] Scheduled for CAB: [Date]',
      '- [ ] CAB Decision: [Approved / Rejected / Deferred]',
      '- 判定: `<GO|NO-GO>`',
      '- 承認: `<name>`',
    ].join('\n')
    assert.deepEqual(fieldsOf(markdown), [
      'QA Lead | Signature | signature',
      'QA Lead | Date | date',
      'Rollback Plan Approved By | Name | name',
      'Rollback Plan Approved By | Title | text',
      'Rollback Plan Approved By | Signature | signature',
      ' | Date | date',
      ' | Scheduled for CAB | date',
      ' | CAB Decision | choice: Approved / Rejected / Deferred',
      ' | 判定 | choice: GO / NO-GO',
      '承認 | Name | name',
      '承認 | Signature | signature',
    ])
  })

  it('read "Role: GO / NO-GO - [Signature] [Date]" as the role’s decision, date and signature', () => {
    const markdown = [
      '## Sign-Off',
      '',
      '- [ ] **Business Owner:** GO / NO-GO - [Signature] [Date]',
      '- [ ] **Smoke tests:** Pass / Fail – [Date]',
    ].join('\n')
    assert.deepEqual(fieldsOf(markdown), [
      'Business Owner | Decision | choice: GO / NO-GO',
      'Business Owner | Signature | signature',
      'Business Owner | Date | date',
      ' | Smoke tests | choice: Pass / Fail',
      ' | Date | date',
    ])
  })

  it('read "[ ] ____ (署名/日付)" as the fields the parentheses name', () => {
    assert.deepEqual(
      fieldsOf('## 承認\n\n- 開発責任者 [ ] ____ (署名/日付)\n- [ ] ____ (署名/日付)'),
      [
        '開発責任者 | 署名 | signature',
        '開発責任者 | 日付 | date',
        ' | 署名 | signature',
        ' | 日付 | date',
      ],
    )
  })

  it('read plain bullets, empty or with blanks, and sub-bullets under a role', () => {
    const markdown = [
      '## Sign-off',
      '',
      '- Engineering owner:',
      '- Program / Delivery Manager: ______  Date: ____',
      '- **QA Lead**',
      '  - Name: ____',
      '  - Date: ____',
      '- Notes:',
    ].join('\n')
    assert.deepEqual(fieldsOf(markdown), [
      'Engineering owner | Name | name',
      'Engineering owner | Signature | signature',
      'Program / Delivery Manager | Name | name',
      'Program / Delivery Manager | Date | date',
      'Program / Delivery Manager | Signature | signature',
      'QA Lead | Name | name',
      'QA Lead | Date | date',
      'QA Lead | Signature | signature',
      ' | Notes | text',
    ])
  })

  it('give a signature line under a task item to the role the item names', () => {
    const markdown = [
      '## Section 8: Stakeholder Sign-offs',
      '',
      '### 8.1 Technical Sign-offs',
      '',
      '- [ ] **Tech Lead Approval**',
      '  - [ ] Code quality standards met',
      '  - Signature: _______________ Date: _______',
    ].join('\n')
    assert.deepEqual(fieldsOf(markdown), [
      'Tech Lead | Signature | signature',
      'Tech Lead | Date | date',
    ])
  })

  it('read sign-off tables in any language, one role per row', () => {
    const tables = [
      '## Assinaturas',
      '| Papel | Nome | Assinatura | Data |',
      '|---|---|---|---|',
      '| Gerente | | | |',
      '',
      '### 4. Autorización',
      '| Nombre | Cargo | Fecha | Firma |',
      '|---|---|---|---|',
      '| | Gerente TI | | |',
      '',
      '## 5. 承認',
      '| 項目 | 氏名 | 承認日 |',
      '|------|------|--------|',
      '| 承認者 | [氏名] | [日付] |',
      '',
      '## ✅ Sign-Off',
      '| Rôle | Nom | Signature | Date |',
      '|---|---|---|---|',
      '| Lead Dev | Thomas Bernard | _____________ | __/__/__ |',
    ].join('\n')
    assert.deepEqual(fieldsOf(tables), [
      'Gerente | Nome | name',
      'Gerente | Assinatura | signature',
      'Gerente | Data | date',
      'Gerente TI | Nombre | name',
      'Gerente TI | Fecha | date',
      'Gerente TI | Firma | signature',
      '承認者 | 氏名 | name',
      '承認者 | 承認日 | date',
      '承認者 | Signature | signature',
      // The name is written in the file already: only the signature and the date are blank.
      'Lead Dev | Signature | signature',
      'Lead Dev | Date | date',
    ])
  })

  it('read a column of boxed answers as each role’s choice, and a Field/Value table as one field a row', () => {
    const markdown = [
      '## Approvals',
      '### Technical Approvals',
      '| Role | Name | Date | Approved |',
      '|------|------|------|----------|',
      '| Technical Lead | | | [ ] Yes [ ] No |',
      '| Security | Sam Ortiz | YYYY-MM-DD | [ ] Yes [ ] No |',
      '',
      '### CAB Decision',
      '| Field | Value |',
      '|-------|-------|',
      '| **CAB Meeting Date** | YYYY-MM-DD |',
      '| **Decision** | [ ] Approved [ ] Rejected [ ] Deferred |',
      '| **Conditions** | |',
      '| **Change ID** | CHG-1042 |',
    ].join('\n')
    assert.deepEqual(fieldsOf(markdown), [
      'Technical Lead | Name | name',
      'Technical Lead | Date | date',
      'Technical Lead | Approved | choice: Yes / No',
      'Technical Lead | Signature | signature',
      'Security | Date | date',
      'Security | Approved | choice: Yes / No',
      'Security | Signature | signature',
      ' | CAB Meeting Date | date',
      ' | Decision | choice: Approved / Rejected / Deferred',
      ' | Conditions | text',
    ])
  })

  it('read a Campo/Valor form with lines to write on as fields under any heading, not one with values', () => {
    const markdown = [
      '## Información General del Despliegue',
      '| Campo | Valor |',
      '|-------|-------|',
      '| **Versión a Desplegar** | ___________ |',
      '| **Responsable del Despliegue** | ___________ |',
      '| **Reviewer/Aprobador** | ___________ |',
      '| **Entorno Destino** | ☐ Testing ☐ Staging ☐ Production |',
      '| **Ventana de Mantenimiento** | Inicio: _______ Fin: _______ |',
      '',
      '## Metadata',
      '| Champ | Valeur |',
      '|-------|--------|',
      '| **Projet** | Atlas |',
      '| **Date prévue** | [Date] |',
      '| **Release Manager** | {{Nom}} |',
    ].join('\n')
    assert.deepEqual(fieldsOf(markdown), [
      ' | Versión a Desplegar | text',
      'Responsable del Despliegue | Name | name',
      'Responsable del Despliegue | Signature | signature',
      'Reviewer/Aprobador | Name | name',
      'Reviewer/Aprobador | Signature | signature',
      ' | Entorno Destino | choice: Testing / Staging / Production',
      ' | Ventana de Mantenimiento: Inicio | text',
      ' | Ventana de Mantenimiento: Fin | text',
    ])
  })

  it('read a table that asks for signatures under any heading, and a row of placeholders as a role to fill', () => {
    const markdown = [
      '## 👥 Participantes y Responsables',
      '| Rol | Nombre | Firma |',
      '|---|---|---|',
      '| Líder de Proyecto |  |  |',
      '',
      '## Approvals',
      '| Approver | Role | Signature | Date |',
      '|---|---|---|---|',
      '| [REPLACE: Name] | [REPLACE: Role] | [REPLACE: Sign] | [REPLACE: Date] |',
      '',
      '### Acceptance Criteria',
      '| Criterion | Status | Evidence |',
      '|---|---|---|',
      '| [Criterion] | Pass/Fail | [Link] |',
      '',
      '### Stakeholder Review',
      '| Stakeholder | Role | Status | Date |',
      '|---|---|---|---|',
      '| [Name] | [Role] | Approved/Pending | [Date] |',
      '| [Name] | [Role] | Approved/Pending | [Date] |',
    ].join('\n')
    assert.deepEqual(fieldsOf(markdown), [
      'Líder de Proyecto | Nombre | name',
      'Líder de Proyecto | Firma | signature',
      'Approver | Name | name',
      'Approver | Role | text',
      'Approver | Signature | signature',
      'Approver | Date | date',
      'Stakeholder 1 | Name | name',
      'Stakeholder 1 | Role | text',
      'Stakeholder 1 | Status | choice: Approved / Pending',
      'Stakeholder 1 | Date | date',
      'Stakeholder 1 | Signature | signature',
      'Stakeholder 2 | Name | name',
      'Stakeholder 2 | Role | text',
      'Stakeholder 2 | Status | choice: Approved / Pending',
      'Stakeholder 2 | Date | date',
      'Stakeholder 2 | Signature | signature',
    ])
  })

  it('read choices: GO / NO-GO, Yes / No, Sí / No, ballots, pipes, and answers with emoji', () => {
    const markdown = [
      '## Go/No-Go',
      '',
      '- [ ] All checks passed: Yes / No',
      '- [ ] ¿Aprobado?: Sí / No',
      '- [ ] Rollback tested: Yes/No',
      '',
      '**Decision: `GO` / `NO-GO`**',
      '',
      '**Entscheidung:** ☐ GO ☐ NO-GO',
      '',
      '**Go/No-Go Decision:** GO | NO_GO | CONDITIONAL',
      '',
      '**Status**: ✅ Sucesso / ⚠️ Com avisos / ❌ Rollback',
    ].join('\n')
    assert.deepEqual(fieldsOf(markdown), [
      ' | All checks passed | choice: Yes / No',
      ' | ¿Aprobado? | choice: Sí / No',
      ' | Rollback tested | choice: Yes / No',
      ' | Decision | choice: GO / NO-GO',
      ' | Entscheidung | choice: GO / NO-GO',
      ' | Go/No-Go Decision | choice: GO / NO_GO / CONDITIONAL',
      ' | Status | choice: Sucesso / Com avisos / Rollback',
    ])
  })

  it('read a ballot choice whatever the length of its answers or its question', () => {
    const markdown = [
      '## Sign-off',
      '',
      '**Estado Final del Despliegue:** ☐ Exitoso ☐ Exitoso con observaciones ☐ Rollback ejecutado',
      '',
      '**Final status:** ☐ OK ☐ Success with observations',
      '',
      '**Have the on-call engineer and the product owner both confirmed the rollback path:** ☐ Yes ☐ No',
    ].join('\n')
    assert.deepEqual(fieldsOf(markdown), [
      ' | Estado Final del Despliegue | choice: Exitoso / Exitoso con observaciones / Rollback ejecutado',
      ' | Final status | choice: OK / Success with observations',
      ' | Have the on-call engineer and the product owner both confirmed the rollback path | choice: Yes / No',
    ])
  })

  it('read long answers parted by bare slashes as a text field, and say so, never as nothing', () => {
    const markdown = [
      '## Sign-off',
      '',
      '**Rollback path:** revert the merge commit / redeploy the previous tag',
    ].join('\n')
    assert.deepEqual(fieldsOf(markdown), [' | Rollback path | text'])
    const { problems } = parse(`# T\n\n## Steps\n- [ ] One\n\n${markdown}\n`)
    assert.deepEqual(
      problems.map((p) => `${p.line} ${p.severity} ${p.message}`),
      [
        '8 warning "Rollback path" is read as a text field, not a choice: answers parted by " / " may be at most 24 characters long unless they are decision words',
      ],
    )
  })

  it('read a GO / NO-GO written as boxes as one choice, and make no item of its answers', () => {
    const markdown = [
      '## Decision',
      '',
      '- [ ] GO',
      '- [ ] NO-GO',
      '',
      '## 🏁 Conclusion',
      '',
      '- [ ] **GO**: Ready for Release',
      '- [ ] **NO GO**: Release Aborted',
      '',
      '## Notes',
      '',
      '**Sign-off Status:**',
      '',
      '- [ ] Approved',
      '- [ ] Approved with conditions',
      '- [ ] Not approved',
    ].join('\n')
    assert.deepEqual(fieldsOf(markdown), [
      ' | Decision | choice: GO / NO-GO',
      ' | Conclusion | choice: GO / NO GO',
      ' | Sign-off Status | choice: Approved / Approved with conditions / Not approved',
    ])
    const { checklist } = parse(`# T\n\n## Steps\n- [ ] One\n\n${markdown}\n`)
    assert.deepEqual(
      checklist.items.map((item) => item.plain),
      ['One'],
    )
  })

  it('read boxes of an approval’s states under a Status heading as one choice, and a Status section’s steps as steps', () => {
    const markdown = [
      '## Status',
      '',
      '- [ ] Submitted',
      '- [ ] Under Review',
      '- [ ] Approved',
      '- [ ] Rejected',
      '- [ ] Deferred',
      '',
      '## Deployment Status',
      '',
      '- [ ] Completed',
      '- [ ] Pending',
      '',
      '## Status Checks',
      '',
      '- [ ] Approved',
      '- [ ] Rejected',
    ].join('\n')
    assert.deepEqual(fieldsOf(markdown), [
      ' | Status | choice: Submitted / Under Review / Approved / Rejected / Deferred',
    ])
    const { checklist } = parse(`# T\n\n## Steps\n- [ ] One\n\n${markdown}\n`)
    assert.deepEqual(
      checklist.items.map((item) => item.plain),
      ['One', 'Completed', 'Pending', 'Approved', 'Rejected'],
    )
  })

  it('keep role boxes with no blank as items: each role ticks its own approval', () => {
    const { checklist } = parse('# T\n\n## Approvals\n\n- [ ] Change Coordinator\n- [ ] QA\n')
    assert.deepEqual(
      checklist.items.map((item) => item.plain),
      ['Change Coordinator', 'QA'],
    )
    assert.deepEqual(checklist.signoff, [])
  })

  it('read a role left empty after its colon as a blank for its name, not an item to tick', () => {
    const markdown = [
      '## Approvals',
      '- [ ] Technical Lead Approval: ',
      '- [ ] Business Owner Approval: ',
      '- [ ] Smoke tests verified:',
      '- [ ] QA Lead:',
      '  - [ ] Regression suite green',
    ].join('\n')
    assert.deepEqual(fieldsOf(markdown), [
      'Technical Lead Approval | Name | name',
      'Technical Lead Approval | Signature | signature',
      'Business Owner Approval | Name | name',
      'Business Owner Approval | Signature | signature',
    ])
    // As `- [ ] Deployed by: ____`: the item is done by filling its blank, not by a tick.
    const { checklist } = parse(`# T\n\n## Steps\n- [ ] One\n\n${markdown}\n`)
    const held = checklist.signoff.map((field) => field.itemId)
    assert.deepEqual(held, [
      'approvals/technical-lead-approval',
      'approvals/business-owner-approval',
    ])
  })

  it('read a count "__ / 20" as a number to fill in, not a role to sign for', () => {
    const markdown = ['## Sign-off', '', '- Infrastructure: __ / 30', '- Security: __ / 20']
    assert.deepEqual(fieldsOf(markdown.join('\n')), [
      ' | Infrastructure (/ 30) | text',
      ' | Security (/ 20) | text',
    ])
  })

  it('read every labelled blank under a list of signatures as a role, a slash in its name too', () => {
    const markdown = [
      '## Release',
      '',
      '- [ ] Deploy',
      '',
      'Signatures:',
      '- QA Lead: ______',
      '- Product/Client: ______',
    ].join('\n')
    assert.deepEqual(fieldsOf(markdown), [
      'QA Lead | Name | name',
      'QA Lead | Signature | signature',
      'Product/Client | Name | name',
      'Product/Client | Signature | signature',
    ])
    assert.deepEqual(fieldsOf('## 审批\n\n**部署人员**: ____'), [
      '部署人员 | Name | name',
      '部署人员 | Signature | signature',
    ])
  })

  it('read a blank a formatter wrapped in escaped stars, with text after it', () => {
    const markdown = [
      '## Sign-off',
      '',
      '- Deploy started: \\***\\*\\_\\_\\_\\*\\***',
      '- Total downtime: \\***\\*\\_\\_\\_\\*\\*** (target: 0 seconds)',
    ].join('\n')
    assert.deepEqual(fieldsOf(markdown), [' | Deploy started | text', ' | Total downtime | text'])
  })

  it('take a "Label:" line over a signature table for its caption, not a blank', () => {
    const markdown = [
      '## ✅ FIRMA DE APROBACIÓN',
      '',
      '**Completar al finalizar el despliegue:**',
      '',
      '| Rol | Nombre | Firma |',
      '|-----|--------|-------|',
      '| **Desplegador** | ____ | ____ |',
    ].join('\n')
    assert.deepEqual(fieldsOf(markdown), [
      'Desplegador | Nombre | name',
      'Desplegador | Firma | signature',
    ])
  })

  it('read a lead line as opening a sign-off inside another section', () => {
    const markdown = [
      '## 检查命令快速参考',
      '',
      '**审批签字**:',
      '- [ ] Tech Lead: _______________  Date: _______',
      '',
      '**发布时间**: _______________  ',
      '**发布人**: _______________',
      '',
      '## Review',
      '',
      '- [ ] Checklist reviewed',
      '',
      '署名:',
      '',
      '- SRE: ',
      '- Sec: ',
      '- 備考: ',
    ].join('\n')
    assert.deepEqual(fieldsOf(markdown), [
      'Tech Lead | Name | name',
      'Tech Lead | Date | date',
      'Tech Lead | Signature | signature',
      ' | 发布时间 | date',
      '发布人 | Name | name',
      '发布人 | Signature | signature',
      'SRE | Name | name',
      'SRE | Signature | signature',
      'Sec | Name | name',
      'Sec | Signature | signature',
      ' | 備考 | text',
    ])
  })

  it('read a "Label:" alone as a blank, unless it leads a list', () => {
    const markdown = [
      '## Aprobación',
      '',
      '**Fecha del deploy:** ____________________',
      '',
      '**Responsable:** ____________________',
      '',
      '**Teilnehmer:**',
      '- Service Owner',
      '',
      '**Notas:**',
    ].join('\n')
    assert.deepEqual(fieldsOf(markdown), [
      ' | Fecha del deploy | date',
      'Responsable | Name | name',
      'Responsable | Signature | signature',
      ' | Notas | text',
    ])
  })

  it('take a sentence ending in a colon for prose, not a blank to fill', () => {
    const markdown = [
      '## Go/No-Go Decision Meeting',
      '### Decision Criteria',
      '',
      'Each criterion must be satisfied for GO decision:',
      '',
      '#### Technical Readiness',
      '- [ ] No P0 bugs remaining',
      '',
      '### Sign-off',
      '- Los siguientes pasos deben completarse antes:',
      '- Approved by the change board:',
    ].join('\n')
    assert.deepEqual(fieldsOf(markdown), [' | Approved by the change board | text'])
  })

  it('record the fields of a completion section, and a completion record with no sign-off heading', () => {
    assert.deepEqual(fieldsOf('## Deployment complete\n\nDeployed on: ___ Version: ___'), [
      ' | Deployed on | date',
      ' | Version | text',
    ])
    const tail = [
      '## 6. Smoke Tests Pós-Deploy',
      '- [ ] Login/logout',
      '',
      '---',
      '',
      '- ***',
      '',
      '  **Responsável pelo Deploy:**',
      '',
      'Data: **/**/\\_\\_\\_\\_',
      '',
      'Versão/Release: **\\_\\_\\_\\_**',
    ].join('\n')
    assert.deepEqual(fieldsOf(tail), [
      'Responsável pelo Deploy | Name | name',
      'Responsável pelo Deploy | Signature | signature',
      ' | Data | date',
      ' | Versão/Release | text',
    ])
  })

  it('read lines of placeholders after a section’s last task item as a completion record', () => {
    const record = [
      '## Go-Live Day',
      '- [ ] Final backup completed',
      '',
      '---',
      '',
      '**Go-Live Date:** [Date]',
      '**Primary Contact:** [Name and Contact]',
    ].join('\n')
    assert.deepEqual(fieldsOf(record), [' | Go-Live Date | date', ' | Primary Contact | text'])
    // One placeholder beside a value is a detail of the items, as are an item's own bullets.
    const details = [
      '## Planning',
      '- [ ] Release scope defined',
      '',
      '**Owner**: Product Manager  ',
      '**Due Date**: [Date]',
      '',
      '## Cutover Tasks',
      '- [ ] **Change ticket raised**',
      '  - Owner: [PM]',
      '  - CAB approval: [MM/DD]',
    ].join('\n')
    assert.deepEqual(fieldsOf(details), [])
  })

  it('take no blank outside a sign-off that a task item follows, or that no line to write on marks', () => {
    const markdown = [
      '## Release Information',
      '**Date**: [Date]',
      '**Rollback Manager**: [Name]',
      '',
      '## Type of Change',
      '- [ ] Other: _______________',
      '',
      '## Steps',
      'Version: ____',
      '',
      '- [ ] Tag the release',
    ].join('\n')
    assert.deepEqual(fieldsOf(markdown), [])
  })

  it('keep the blanks under a task item with that item, the last of its section as any other', () => {
    const markdown = [
      '## Fase 1',
      '### 1.1 Code',
      '- [ ] **PR approved**',
      '  - Verificar que el PR tiene al menos 1 aprobación',
      '  - Link al PR: ____',
      '- [ ] **Version tagged**',
      '  - Comando: `git tag -a vX.Y.Z`',
      '  - Tag creado: ____',
      '  - Estado: ☐ Exitoso ☐ Rollback ejecutado',
      '',
      '### 1.2 Deps',
      '- [ ] Steps:',
      '  - Pasos:',
      '  - pip check',
      '',
      '## Sign-off',
      '- Released by: ____',
    ].join('\n')
    const { checklist } = parse(markdown)
    assert.deepEqual(
      checklist.signoff.map((f) => f.label),
      ['Released by'],
    )
    assert.deepEqual(
      checklist.items.map((item) => [
        item.plain,
        item.blanks.map((b) => [b.label, b.line, b.choices.join('/')]),
      ]),
      [
        ['PR approved', [['Link al PR', 5, '']]],
        [
          'Version tagged',
          [
            ['Tag creado', 8, ''],
            ['Estado', 9, 'Exitoso/Rollback ejecutado'],
          ],
        ],
        ['Steps:', []],
      ],
    )
  })

  it('types sign-off fields by their words, and gives table fields their row line', () => {
    const { checklist } = parse(
      '## Sign-off\n- [ ] Data Engineer: ____ Date: ____\n\n| Role | Name |\n|---|---|\n| QA | |\n| Ops | |\n',
    )
    assert.deepEqual(
      checklist.signoff.map((f) => [f.label, f.type, f.line]),
      [
        ['Data Engineer', 'text', 2],
        ['Date', 'date', 2],
        ['Name', 'text', 6],
        ['Name', 'text', 7],
      ],
    )
  })
})

describe('whose name a field starts with', () => {
  /** The sign-off's name fields, and whether each is the operator's own. */
  function operatorNames(markdown: string): string[] {
    const { checklist } = parse(`# T\n\n## Steps\n- [ ] One\n\n${markdown}\n`)
    return signoffLines(checklist.signoff)
      .filter((line) => line.kind === 'field' && line.field.type === 'text')
      .map(
        (line) =>
          `${line.role ?? ''} | ${line.label} | ${isOperatorName(line) ? 'operator' : 'empty'}`,
      )
  }

  it('is the operator only where the field names the operator’s own role', () => {
    const markdown = [
      '## Sign-off',
      '',
      '- [ ] Deployed by: ____',
      '- [ ] Operator: ____',
      '- [ ] Executed by: ____',
      '- [ ] Approved by: ____',
      '- [ ] Verified by: ____',
      '- [ ] QA Lead: ____ Date: ____',
      '- [ ] Version: ____',
      '',
      '**Deploy concluído por**: ____',
      '**Reviewed by**: ____',
    ].join('\n')
    assert.deepEqual(operatorNames(markdown), [
      'Deployed by | Name | operator',
      'Operator | Name | operator',
      'Executed by | Name | operator',
      'Approved by | Name | empty',
      'Verified by | Name | empty',
      'QA Lead | Name | empty',
      ' | Version | empty',
      'Deploy concluído por | Name | operator',
      'Reviewed by | Name | empty',
    ])
  })
})
