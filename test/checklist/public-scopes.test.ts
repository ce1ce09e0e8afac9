/**
 * The environment scopes read from the words of every public checklist (test/fixtures/public,
 * see SOURCES.md) and of the five bundled ones (checklists/), as `plan` and `validate` list
 * them: `L<line> <heading|item> "<words>" → <environments>` for a reading that scopes its
 * section or item, `→ not a scope for <environments>` for one that names an environment and
 * scopes nothing; the parser's why in parentheses. Each was reviewed by reading the heading
 * in its file: it scopes only when the environment is the heading's subject.
 *
 * And for every file and every environment it is written for, the wizard's layout shows every
 * item, and each item it shows as not applying carries a reason that names the line saying so.
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { BUNDLED_FOLDER } from '../../src/checklist/bundled.ts'
import type { InferredScope } from '../../src/checklist/model.ts'
import { parseChecklist } from '../../src/checklist/parse.ts'
import { isInScope } from '../../src/checklist/scope.ts'
import { layoutOf, outOfScopeReason } from '../../src/ui/layout.ts'
import { fixturePath } from '../helpers/fixtures.ts'

type Scopes = Readonly<Record<string, readonly string[]>>

/*
 * Reviewed by reading each file. Most public checklists name no environment in a heading, or
 * only in their title, which is the whole file's subject and scopes nothing (not listed).
 * - brpc: "dist/dev" is a folder of the Apache SVN repository, not an environment.
 * - duplistatus: "rama de desarrollo" is the development branch.
 * - eduautismo: phase 1 is validating in staging before production, a gate every run passes
 *   (its lone "1.1 Deploy em Staging" hides none of it); phase 2 approves the production
 *   deploy; phase 3 is the deploy to production, for prod only.
 * - spec-factory: "### Staging" and "### Production" under "## Déploiement" each hold that
 *   environment's deploy and smoke tests: the environment is the subject of each.
 * - waterfox: the "Production Release Candidate" is a build, not an environment; "Production
 *   Release" is the release to the Production channel of Google Play, this app's production
 *   (the channel's name is the environment's: a staging run shows its items dimmed).
 */
const PUBLIC: Scopes = {
  'azure-mdw-release-issue-template.md': [],
  'backend-kit-prod-readiness-frontmatter.md': [],
  'bmad-cab-change-rollback-zh.md': [],
  'bmad-release-change-control-zh-flat.md': [],
  'brpc-release-cn-step-by-step.md': [
    'L260 heading "1. 检出 dist/dev 下的 brpc 仓库目录" → not a scope for dev (the words are about “检出”, “dist”, “下”, …, not the environment)',
    'L505 heading "1. 将软件包从 Apache SVN 仓库的 dist/dev 目录移至 dist/release 目录" → not a scope for dev (the words are about “将软件包从”, “Apache”, “SVN”, …, not the environment)',
  ],
  'brpc-releasecheck-zh-vote.md': [],
  'bubblematee-release-checkliste-de.md': [],
  'chilean-rut-release-workflow-es-alert.md': [],
  'claude-sdlc-go-live.md': [],
  'country-coder-release-h2-h4.md': [],
  'country-coder-release-no-checkboxes.md': [],
  'coup-deployment-checklist-ko.md': [],
  'data-safe-haven-release-shortcodes.md': [],
  'datagov-release-ticket-envs.md': [],
  'delivery-excellence-release-readiness-tables.md': [],
  'doodle-on-demand-release-steps-table.md': [],
  'doodle-release-tracking-table-signoff.md': [],
  'duplistatus-gestion-versiones-es-heading-ids.md': [
    'L89 heading "Paso 2: Fusionar rama de desarrollo" → not a scope for dev (the words are about “Fusionar”, “rama”, not the environment)',
  ],
  'dwarves-release-bold-lead-lines.md': [],
  'eduautismo-deploy-checklist-pt-fases.md': [
    'L29 heading "🧪 Fase 1: Validação em Staging" → not a scope for staging (the words are about “Validação”, not the environment)',
    'L31 heading "1.1 Deploy em Staging" → not a scope for staging (a sub-heading, with no heading beside it for another environment)',
    'L161 heading "✅ Fase 2: Aprovação para Produção" → not a scope for prod (the words are about “Aprovação”, not the environment)',
    'L179 heading "🚀 Fase 3: Deploy em Produção" → prod (a section about the environment)',
  ],
  'epinio-release-checklist-star-loose.md': [],
  'festival-signoff-gate-approvals-table.md': [],
  'flores-victoria-checklist-produccion-es.md': [],
  'handbook-generator-golive-checkliste-de.md': [],
  'jib-plugin-release-checklist.md': [],
  'kittycad-release-issue-details.md': [],
  'leo-plataforma-checklist-deploy-pt-escaped.md': [],
  'lifeready-go-no-go.md': [],
  'mockoon-release-issue-bold-leads.md': [],
  'mosip-go-nogo-no-checkboxes.md': [],
  'netsuite-deployment-checklist.md': [],
  'netsuite-rollback-plan-approval.md': [],
  'octoacme-change-request-template.md': [],
  'octoacme-release-deployment-guide.md': [],
  'powercat-releasing-ascii-moons.md': [],
  'powershell-release-process-issue.md': [],
  'pygmt-release-checklist-bold-leads-tada.md': [],
  'runs-on-release-checklist-envs.md': [],
  'sinproject-talk-release-issue-ja.md': [],
  'spec-factory-checklist-release-fr.md': [
    'L105 heading "Staging" → staging (beside “Production” (line 112), for prod)',
    'L112 heading "Production" → prod (beside “Staging” (line 105), for staging)',
  ],
  'terraformer-release-checklist-go-nogo.md': [],
  'test-kanteen-npm-publish-ja.md': [],
  'virtual-ip-browser-release-signoff-table.md': [],
  'voluntary-warehouse-release-issue-template.md': [],
  'waterfox-android-release-channels.md': [
    'L28 heading "Production Release Candidate" → not a scope for prod (the words are about “Candidate”, not the environment)',
    'L32 heading "Production Release" → prod (a section about the environment)',
  ],
  'web-agency-checklist-lancement-fr-fenced.md': [],
  'workflow-cookbook-release-checklist-ja-no-boxes.md': [],
}

/*
 * The bundled checklists. The cost estimates per environment (painel, lines 293 and 304) are
 * reference pages shown in every run; "Executar Migration em DEV" runs the migration in dev as
 * a step of the preparation; "Configurar Cognito PROD" is inside "Deploy em PROD" already.
 */
const BUNDLED: Scopes = {
  'document-agents-ecs.md': [],
  'marketplace-api.md': [
    'L122 heading "3. Deploy to Development" → not a scope for dev (a sub-heading, with no heading beside it for another environment); only: all (L122) decides',
    'L278 heading "Staging Deployment" → staging (a section about the environment)',
    'L291 heading "Production Deployment" → prod (a section about the environment)',
    'L301 heading "Production Deployment" → prod (inside “Production Deployment” (line 291), which is for prod already)',
  ],
  'painel-operacional-alquimista.md': [
    'L143 heading "Executar Migration em DEV" → not a scope for dev (the words are about “Executar”, “Migration”, not the environment)',
    'L296 heading "Ambiente DEV (estimativa mensal)" → not a scope for dev (the words are about “estimativa”, “mensal”, not the environment)',
    'L307 heading "Ambiente PROD (estimativa mensal)" → not a scope for prod (the words are about “estimativa”, “mensal”, not the environment)',
    'L322 heading "Deploy em DEV" → dev (beside “Deploy em PROD” (line 388), for prod)',
    'L388 heading "Deploy em PROD" → prod (beside “Deploy em DEV” (line 322), for dev)',
    'L418 heading "Passo 3: Configurar Cognito PROD" → not a scope for prod (the words are about “Configurar”, “Cognito”, not the environment)',
  ],
  'session-management-websocket.md': [
    'L159 heading "Configuration (Production Only)" → prod (it says “only”)',
    'L202 heading "Development Environment" → dev (beside “Staging Environment” (line 210), for staging)',
    'L210 heading "Staging Environment" → staging (beside “Development Environment” (line 202), for dev)',
    'L219 heading "Production Environment" → prod (beside “Development Environment” (line 202), for dev)',
  ],
  'workflow-management-api.md': [
    'L29 heading "Development Environment" → dev (beside “Production Environment” (line 37), for prod)',
    'L37 heading "Production Environment" → prod (beside “Development Environment” (line 29), for dev)',
    'L93 item "(production only)" → prod (it says “only”)',
    'L100 item "(staging only)" → staging (it says “only”)',
    'L252 heading "Development Deployment" → dev (beside “Production Deployment” (line 260), for staging, prod)',
    'L260 heading "Production Deployment" → prod (beside “Development Deployment” (line 252), for dev); only: staging, prod (L260) decides',
  ],
}

/** A reading as the tables above write it. */
function compact(reading: InferredScope): string {
  const environments = reading.environments.join(', ')
  const target = reading.restricts ? environments : `not a scope for ${environments}`
  const only = reading.only
    ? `; only: ${reading.only.environments?.join(', ') ?? 'all'} (L${reading.only.line}) decides`
    : ''
  return `L${reading.line} ${reading.source} "${reading.text}" → ${target} (${reading.why})${only}`
}

function checklistsIn(folder: string): string[] {
  return readdirSync(folder)
    .filter((file) => file.endsWith('.md') && file !== 'SOURCES.md')
    .sort()
}

for (const [corpus, folder, expected] of [
  ['the public checklists', fixturePath('public'), PUBLIC],
  ['the bundled checklists', BUNDLED_FOLDER, BUNDLED],
] as const) {
  describe(`environment scopes of ${corpus}`, () => {
    it('have an entry here for every file', () => {
      assert.deepEqual(Object.keys(expected).sort(), checklistsIn(folder))
    })

    for (const [file, scopes] of Object.entries(expected)) {
      describe(file, () => {
        const text = readFileSync(join(folder, file), 'utf8')
        const { checklist } = parseChecklist(text, { path: file })
        const lines = text.split(/\r?\n/)

        it('reads the scopes reviewed by hand', () => {
          assert.deepEqual(checklist.inferredScopes.map(compact), scopes)
        })

        if (corpus === 'the bundled checklists' && checklist.signoff.length > 0)
          for (const environment of checklist.environments)
            it(`leaves a ${environment} run something to sign off`, () => {
              assert.ok(
                checklist.signoff.some((field) => isInScope(field.scope, environment)),
                `no sign-off field applies to ${environment}`,
              )
            })

        for (const environment of checklist.environments) {
          it(`shows every item in a ${environment} run, and why one does not apply, with its line`, () => {
            const layout = layoutOf(checklist, environment)
            assert.deepEqual(
              [...layout.items.keys()].sort(),
              checklist.items.map((item) => item.id).sort(),
            )
            // The lines a reason may name: a reading that scopes, or an only: directive.
            const sources = new Set(
              checklist.inferredScopes.filter((r) => r.restricts).map((r) => r.line),
            )
            for (const item of layout.items.values()) {
              const reason = outOfScopeReason(item, environment)
              if (reason === null) continue
              const named = [...reason.matchAll(/line (\d+)/g)].map((m) => Number(m[1]))
              assert.ok(named.length > 0, `${item.plain}: ${reason}`)
              for (const line of named) {
                const says = sources.has(line) || /only:/.test(lines[line - 1] ?? '')
                assert.ok(
                  says,
                  `${item.plain}: ${reason} names line ${line}, which says nothing of it`,
                )
              }
            }
          })
        }
      })
    }
  })
}
