import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { parseChecklist } from '../../src/checklist/parse.ts'
import { fixturePath } from '../helpers/fixtures.ts'

/**
 * The phases of each public checklist (test/fixtures/public, described in SOURCES.md), as
 * [title, items], reviewed against the file. Single-`##` files whose steps are `###`
 * headings (azure, bubblematee, data-safe-haven, kittycad, terraformer) or bold lead
 * lines (dwarves, mockoon, pygmt, voluntary-warehouse) are divided; the rest keep their `##`.
 */
const PHASES: Readonly<Record<string, readonly (readonly [string, number])[]>> = {
  'azure-mdw-release-issue-template.md': [
    ['Validation', 13],
    ['Release', 9],
  ],
  'backend-kit-prod-readiness-frontmatter.md': [
    ['🔧 Configuration & Environment', 14],
    ['🧪 Testing & Quality', 14],
    ['📊 Observability (Logs, Metrics, Traces)', 19],
    ['🔒 Security', 20],
    ['🚀 Deployment & Reliability', 20],
    ['📋 Documentation & Operations', 15],
    // A "✓" column of [ ] boxes: a step table, one item per factor.
    ['Quick Reference: The Twelve-Factor App', 12],
  ],
  'bmad-cab-change-rollback-zh.md': [
    ['申请', 2],
    ['发布', 2],
  ],
  'bmad-release-change-control-zh-flat.md': [['Checklist', 6]],
  'brpc-release-cn-step-by-step.md': [],
  'brpc-releasecheck-zh-vote.md': [],
  'bubblematee-release-checkliste-de.md': [
    ['Vor dem Release', 6],
    ['Während des Release', 4],
    ['Nach dem Release', 4],
  ],
  'chilean-rut-release-workflow-es-alert.md': [],
  'claude-sdlc-go-live.md': [
    ['🧪 Testing & Quality', 5],
    ['🔐 Security & Compliance', 4],
    ['📚 Documentation', 4],
    ['🗄️ Database & Data', 4],
    ['🌐 Infrastructure & Environment', 4],
    ['📊 Monitoring & Observability', 5],
    ['🚀 Deployment', 4],
    ['⚡ Performance & Scalability', 4],
    ['💰 Cost & Budget', 2],
    ['👥 Team & Communication', 4],
    ['🎯 Business Readiness', 3],
    ['🔄 Rollback & Contingency', 3],
    ['✅ Final Checks', 3],
    ['📋 Deployment Day Checklist', 25],
    ['📊 Success Metrics', 5],
  ],
  'country-coder-release-h2-h4.md': [['Release Checklist', 11]],
  'country-coder-release-no-checkboxes.md': [],
  'coup-deployment-checklist-ko.md': [
    ['배포 전 체크리스트', 103],
    ['배포 중 체크리스트', 15],
    ['배포 후 체크리스트', 21],
    ['롤백 절차', 11],
    ['긴급 배포 (Hotfix)', 5],
    ['최종 확인', 11],
  ],
  'data-safe-haven-release-shortcodes.md': [
    ['✅ Checklist', 3],
    ['For patch releases only', 1],
    ['For minor releases and above', 5],
    ['For major releases only', 1],
    ['Update documentation', 2],
  ],
  'datagov-release-ticket-envs.md': [['Release MM/DD/YYYY', 4]],
  'delivery-excellence-release-readiness-tables.md': [],
  'doodle-on-demand-release-steps-table.md': [],
  'doodle-release-tracking-table-signoff.md': [],
  'duplistatus-gestion-versiones-es-heading-ids.md': [
    ['Lista de Verificación Previa al Lanzamiento', 7],
  ],
  'dwarves-release-bold-lead-lines.md': [
    ['Release checklist', 2],
    ['Git', 3],
    ['Testing', 3],
    ['Changelog', 3],
    ['Dependencies', 1],
    ['Database', 4],
    ['Variables', 4],
    ['Monitoring', 5],
    ['Environment', 5],
    ['Everyone aware of new release', 3],
  ],
  'eduautismo-deploy-checklist-pt-fases.md': [
    ['🎯 Pré-Requisitos', 6],
    ['🧪 Fase 1: Validação em Staging', 28],
    ['✅ Fase 2: Aprovação para Produção', 8],
    ['🚀 Fase 3: Deploy em Produção', 10],
    ['📊 Fase 4: Monitoramento Pós-Deploy', 21],
    ['🔄 Rollback Plan', 5],
    ['📝 Pós-Deploy', 11],
  ],
  'epinio-release-checklist-star-loose.md': [
    ['Epinio', 6],
    ['Helm Charts', 2],
    ['Docs', 1],
  ],
  'festival-signoff-gate-approvals-table.md': [
    ['Requirements', 5],
    ['Sign-off Checklist', 4],
    ['Definition of Done', 4],
    // "Notes" holds only the "Sign-off Status" choice (public-signoff.test.ts): no phase.
  ],
  'flores-victoria-checklist-produccion-es.md': [
    ['Entorno', 2],
    ['Métricas y Monitoreo', 3],
    ['Logs', 2],
    ['Backups', 3],
    ['CI/CD', 3],
    ['Seguridad', 3],
    ['Validación Final', 3],
  ],
  // The acceptance criteria and the metrics after go-live are step tables (a Status column of
  // ☐): 26 items more, so "Go-Live-Checkliste" no longer holds nearly all of them (97 of 123)
  // and its ### phases stay groups in it.
  'handbook-generator-golive-checkliste-de.md': [
    ['Phase 1: Vorbereitung (4-6 Wochen vor Go-Live)', 17],
    ['Phase 2: Dokumentation (3-4 Wochen vor Go-Live)', 16],
    ['Phase 3: Training (2-3 Wochen vor Go-Live)', 17],
    ['Phase 4: Testing (1-2 Wochen vor Go-Live)', 17],
    ['Phase 5: Go-Live (Go-Live-Tag)', 18],
    ['Phase 6: Hypercare (1-4 Wochen nach Go-Live)', 12],
    ['Acceptance-Kriterien', 21],
    ['Post-Implementation-Review', 5],
  ],
  'jib-plugin-release-checklist.md': [
    ['Requirements', 1],
    ['GCS', 1],
    ['Github', 7],
  ],
  'kittycad-release-issue-details.md': [
    ['Windows via ???', 7],
    ['macOS via ???', 7],
    ['Linux via ???', 7],
  ],
  'leo-plataforma-checklist-deploy-pt-escaped.md': [
    ['1. Infraestrutura & Configuração', 4],
    ['2. Banco de Dados', 3],
    ['3. Segurança', 4],
    ['4. Monitoramento & Logs', 3],
    ['5. Plano de Rollback', 2],
    ['6. Smoke Tests Pós-Deploy', 6],
  ],
  'lifeready-go-no-go.md': [
    ['Quality gates', 6],
    // "Decision" (GO / NO-GO) is a sign-off choice, not items.
  ],
  'mockoon-release-issue-bold-leads.md': [
    ['Versions', 1],
    ['Desktop app binaries', 3],
    ['Release the libs (commons, commons-server, cloud, serverless, CLI)', 1],
    ['Sync server(s)', 1],
    ['Deploy server(s)', 1],
    ['Release desktop app', 2],
    ['Website (publish changelogs)', 1],
    ['Web app', 2],
    ['API', 3],
    ['Website (update desktop version)', 1],
    ['Distribution', 5],
    ['Misc', 3],
  ],
  'mosip-go-nogo-no-checkboxes.md': [],
  'netsuite-deployment-checklist.md': [
    ['Pre-Deployment', 14],
    ['Deployment Execution', 10],
    ['Post-Deployment', 12],
  ],
  'netsuite-rollback-plan-approval.md': [
    ['Trigger Conditions', 8],
    ['Rollback Steps', 18],
    ['Verification Steps', 15],
    ['Communication Plan', 4],
    ['Lessons Learned', 5],
  ],
  'octoacme-change-request-template.md': [
    ['Change Details', 8],
    ['Risk Assessment', 4],
    ['Testing & Validation', 6],
    ['Approvals', 9],
    ['Communication Plan', 3],
    ['Implementation', 4],
  ],
  'octoacme-release-deployment-guide.md': [['Deployment Checklist', 6]],
  'powercat-releasing-ascii-moons.md': [],
  'powershell-release-process-issue.md': [['Release Process for v6.x.x', 25]],
  'pygmt-release-checklist-bold-leads-tada.md': [
    ['Priority PRs/issues to complete prior to release', 2],
    ['Before release', 16],
    ['Release', 5],
    ['After release', 7],
  ],
  'runs-on-release-checklist-envs.md': [['Release checklist', 7]],
  'sinproject-talk-release-issue-ja.md': [
    ['Before Working on the Issue', 5],
    ['Tasks', 5],
    ['GitHub', 7],
    ['Server', 6],
    ['Check', 1],
  ],
  'spec-factory-checklist-release-fr.md': [
    ['Pré-release', 21],
    ['Validation métier', 13],
    ['Déploiement', 13],
    ['Post-release', 12],
  ],
  // Its GO / NO GO boxes are a sign-off choice: the 13 items of "✅ Checklist" are then 13 of
  // 16, and its numbered ### steps are the phases.
  'terraformer-release-checklist-go-nogo.md': [
    ['1. Operation Check', 3],
    ['2. Quality & Security', 3],
    ['3. Documentation', 3],
    ['4. Artifacts', 2],
    ['5. Version Control', 2],
    ['✅ Exit Criteria', 3],
  ],
  'test-kanteen-npm-publish-ja.md': [['✅ 完了済み', 9]],
  'virtual-ip-browser-release-signoff-table.md': [
    ['📋 Pre-Release Checklist', 34],
    ['🚀 Release Execution Checklist', 27],
    ['📢 Release Announcement Checklist', 6],
    ['🔍 Post-Release Verification', 13],
  ],
  'voluntary-warehouse-release-issue-template.md': [
    ['New features', 2],
    ['Fixes', 2],
    ['Pre-release tasks', 3],
    ['Post-release tasks', 2],
  ],
  'waterfox-android-release-channels.md': [
    ['Cutting a Beta', 6],
    ['Production Release', 4],
  ],
  'web-agency-checklist-lancement-fr-fenced.md': [
    ['Structure du Contenu', 8],
    ['Exemple', 14],
    ['📅 J+1 : Post-Launch', 10],
    ['📅 J+7 : Revue', 7],
  ],
  'workflow-cookbook-release-checklist-ja-no-boxes.md': [],
}

const CORPUS = fixturePath('public')

function read(name: string) {
  return parseChecklist(readFileSync(`${CORPUS}/${name}`, 'utf8'), { path: name }).checklist
}

describe('phases of the public checklists', () => {
  it('cover every file of the corpus', () => {
    const files = readdirSync(CORPUS).filter((f) => f.endsWith('.md') && f !== 'SOURCES.md')
    assert.deepEqual(files.sort(), Object.keys(PHASES).sort())
  })

  for (const [name, expected] of Object.entries(PHASES)) {
    it(name, () => {
      const checklist = read(name)
      assert.deepEqual(
        checklist.phases.map((p) => [p.title, p.itemCount]),
        expected,
      )
      // However they are divided, every item is in exactly one phase.
      const total = checklist.phases.reduce((n, p) => n + p.itemCount, 0)
      assert.equal(total, checklist.items.length)
    })
  }
})
