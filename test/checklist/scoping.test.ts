/**
 * Environment scoping read from words: a heading scopes its section only when it is about
 * an environment, never when the environment word qualifies something else; a lone
 * sub-heading does not hide general prerequisites; every reading is listed with its line.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  buildAliases,
  DEFAULT_ENVIRONMENTS,
  scopeFromHeading,
  scopeFromItemText,
} from '../../src/checklist/scope.ts'
import { parse, problemLines } from '../helpers/fixtures.ts'

const aliases = buildAliases(DEFAULT_ENVIRONMENTS)

/** The environments a `##` phase with this title is restricted to; null when it applies everywhere. */
function phaseScope(title: string): readonly string[] | null {
  const { checklist } = parse(`## ${title}\n- [ ] a step\n`)
  return checklist.items[0]?.scope.environments ?? null
}

describe('a heading about an environment scopes its section', () => {
  const cases: [string, string][] = [
    ['Production Environment', 'prod'],
    ['Staging Deployment', 'staging'],
    ['Deploy to Staging', 'staging'],
    ['Deploying to production', 'prod'],
    ['Release to Production', 'prod'],
    ['Production servers', 'prod'],
    ['Production config', 'prod'],
    ['Production', 'prod'],
    ['Configuration (production only)', 'prod'],
    ['Backup (Production Only)', 'prod'],
    ['3. Deploy to Development', 'dev'],
    ['🚀 Fase 3: Deploy em Produção', 'prod'],
    ['Deploy em PROD', 'prod'],
    ['Ambiente de Produção', 'prod'],
    ['Implantação em homologação', 'staging'],
    ['Despliegue en producción', 'prod'],
    ['Entorno de desarrollo', 'dev'],
    ['Pase a producción', 'prod'],
    ['Mise en production', 'prod'],
    ['Environnement de développement', 'dev'],
    ['Déploiement en production (uniquement)', 'prod'],
    ['Produktionsumgebung', 'prod'],
    ['Deployment auf Staging', 'staging'],
    ['Bereitstellung in der Produktion', 'prod'],
    ['Entwicklungsumgebung', 'dev'],
    ['本番環境', 'prod'],
    ['本番環境へのデプロイ', 'prod'],
    ['ステージング環境', 'staging'],
    ['生产环境部署', 'prod'],
    ['开发环境', 'dev'],
    ['部署到生产环境', 'prod'],
    // Words about the document itself leave the heading about its environment, as "deployment" does.
    ['Staging Deployment Checklist', 'staging'],
    ['Staging Deploy Checklist', 'staging'],
    ['Production Deploy Steps', 'prod'],
    ['Production Tasks', 'prod'],
    ['Production Runbook', 'prod'],
    ['Staging Deployment Procedure', 'staging'],
    ['Procedimiento de despliegue en producción', 'prod'],
    ['Tarefas de implantação em produção', 'prod'],
    ['Étapes de déploiement en production', 'prod'],
    ['Checkliste für die Produktionsumgebung', 'prod'],
    ['生产环境部署检查清单', 'prod'],
    ['本番環境デプロイ手順', 'prod'],
    ['Dev / Preview Deployment', 'dev'],
  ]
  for (const [title, env] of cases) {
    it(`"${title}" → ${env} only`, () => {
      assert.deepEqual(phaseScope(title), [env])
    })
  }
})

describe('an environment word that qualifies something else scopes nothing', () => {
  const cases = [
    'Production Features',
    'Production Readiness & Validation',
    'Optional (Production Ready)',
    'Production-ready checklist',
    'Production Readiness Checklist',
    'Pre-Production Checklist',
    'Production Rollback Procedure',
    'Preview Features in Production',
    'Release to the dev channel',
    'dev channel',
    'Production Release Candidate',
    'Pre-Production Checks',
    'Post-Production',
    'Validação em Staging',
    'Aprovação para Produção',
    'Executar Migration em DEV',
    'Ambiente DEV (estimativa mensal)',
    'Checklist de Preparación para Producción',
    'Funcionalidades de producción',
    'Fonctionnalités de production',
    'Préparation de la mise en production',
    'Produktionsreife',
    'Funktionen der Produktion',
    '本番リリース前チェック',
    '生产就绪检查',
    '1. 检出 dist/dev 下的 brpc 仓库目录',
  ]
  for (const title of cases) {
    it(`"${title}" applies everywhere`, () => {
      assert.equal(phaseScope(title), null)
    })
  }

  it('says which words it is about instead', () => {
    assert.deepEqual(scopeFromHeading('Production Readiness & Validation', aliases), {
      environments: ['prod'],
      restricts: null,
      others: ['Readiness', 'Validation'],
    })
  })
})

describe('"(… only)" in an item', () => {
  const cases: [string, string[] | null][] = [
    ['Backup existing database (production only)', ['prod']],
    ['Test rollback procedure (staging only)', ['staging']],
    ['Backup do banco (apenas produção)', ['prod']],
    ['Copia de seguridad (solo producción)', ['prod']],
    ['Sicherung (nur Produktion)', ['prod']],
    ['Sauvegarde (uniquement en production)', ['prod']],
    ['バックアップ（本番のみ）', ['prod']],
    ['备份数据库（仅生产环境）', ['prod']],
    ['Rotate keys (prod & staging only)', ['staging', 'prod']],
    ['Use TLS (only if production uses a proxy)', null],
    ['All tests pass in staging', null],
    ['Production database is set up with SSL', null],
  ]
  for (const [text, environments] of cases) {
    it(`"${text}" → ${environments?.join(', ') ?? 'everywhere'}`, () => {
      const { checklist } = parse(`## Steps\n- [ ] ${text}\n`)
      assert.deepEqual(checklist.items[0]?.scope.environments ?? null, environments)
    })
  }

  it('keeps a parenthesis with an "only" about something else as a near miss, to list', () => {
    const reading = scopeFromItemText('Use TLS (only if production uses a proxy)', aliases)
    assert.equal(reading?.restricts, null)
    assert.equal(reading?.words, '(only if production uses a proxy)')
  })
})

describe('a sub-heading', () => {
  it('alone inside a phase of general prerequisites hides none of them', () => {
    const { checklist } = parse(
      [
        '## Pre-Deployment',
        '### Development Environment',
        '- [ ] All tests passing',
        '- [ ] Code reviewed',
        '### Build',
        '- [ ] Image built',
        '',
      ].join('\n'),
    )
    assert.deepEqual(
      checklist.items.map((i) => i.scope.environments),
      [null, null, null],
    )
  })

  it('beside a sub-heading for another environment scopes its section', () => {
    const { checklist } = parse(
      [
        '## Pre-Deployment',
        '### Development Environment',
        '- [ ] `.env.api` exists',
        '### Production Environment',
        '- [ ] `.env.api.production` exists',
        '### Common',
        '- [ ] Docker installed',
        '',
      ].join('\n'),
    )
    assert.deepEqual(
      checklist.items.map((i) => i.scope.environments),
      [['dev'], ['prod'], null],
    )
    assert.equal(checklist.items[0]?.scope.reason, 'section "Development Environment", line 2')
  })

  it('called a checklist, beside one for another environment, scopes its section as the alternative it is', () => {
    const { checklist } = parse(
      [
        '## Pre-Deployment Checklist',
        '- [ ] All tests passing',
        '## Staging Deployment Checklist',
        '- [ ] Deploy candidate build to staging',
        '## Production Deployment Checklist',
        '- [ ] Deploy release artifact',
        '',
      ].join('\n'),
    )
    assert.deepEqual(
      checklist.items.map((i) => i.scope.environments),
      [null, ['staging'], ['prod']],
    )
    assert.deepEqual(
      checklist.inferredScopes.map((s) => [s.text, s.restricts]),
      [
        ['Staging Deployment Checklist', true],
        ['Production Deployment Checklist', true],
      ],
    )
  })

  it('beside one pinned with only: for another environment scopes too; one cancelled does not count', () => {
    const pinned = parse(
      '## Deploy\n### Staging\n- [ ] a\n### Live <!-- only: prod -->\n- [ ] b\n',
    ).checklist
    assert.deepEqual(
      pinned.items.map((i) => i.scope.environments),
      [['staging'], ['prod']],
    )
    const cancelled = parse(
      '## Deploy\n### Staging\n- [ ] a\n### Production <!-- only: all -->\n- [ ] b\n',
    ).checklist
    assert.deepEqual(
      cancelled.items.map((i) => i.scope.environments),
      [null, null],
    )
  })

  it('saying "only" scopes its section even alone', () => {
    const { checklist } = parse(
      '## Post-Deployment\n### Verification\n- [ ] a\n### Configuration (Production Only)\n- [ ] b\n',
    )
    assert.deepEqual(
      checklist.items.map((i) => i.scope.environments),
      [null, ['prod']],
    )
  })

  it('in the sign-off, one per environment, scopes its fields', () => {
    const { checklist } = parse(
      '## Sign-Off\n### Staging Environment\n- [ ] Deployed by: ____\n### Production Environment\n- [ ] Approved by: ____\n',
    )
    assert.deepEqual(
      checklist.signoff.map((f) => f.scope.environments),
      [['staging'], ['prod']],
    )
  })
})

describe('every reading of environment words is listed with its line', () => {
  it('those that scope, those that do not and why, and the only: that decides instead', () => {
    const { checklist, problems } = parse(
      [
        '## Production Features', // 1
        '- [ ] Dark mode',
        '## Pre-Deployment', // 3
        '### Development Environment',
        '- [ ] All tests passing',
        '- [ ] Backup (production only)', // 6
        '## Deploy',
        '### Staging', // 8
        '- [ ] a',
        '### Production <!-- only: prod -->', // 10
        '- [ ] b',
        '',
      ].join('\n'),
    )
    assert.deepEqual(problems, [])
    assert.deepEqual(
      checklist.inferredScopes.map((s) => [s.line, s.source, s.text, s.restricts, s.why, s.only]),
      [
        [
          1,
          'heading',
          'Production Features',
          false,
          'the words are about “Features”, not the environment',
          null,
        ],
        [
          4,
          'heading',
          'Development Environment',
          false,
          'a sub-heading, with no heading beside it for another environment',
          null,
        ],
        [6, 'item', '(production only)', true, 'it says “only”', null],
        [8, 'heading', 'Staging', true, 'beside “Production” (line 10), for prod', null],
        [
          10,
          'heading',
          'Production',
          true,
          'beside “Staging” (line 8), for staging',
          { environments: ['prod'], line: 10 },
        ],
      ],
    )
  })

  it('is empty with infer-environments: false', () => {
    const { checklist } = parse(
      '---\ninfer-environments: false\n---\n## Production Deployment\n- [ ] x (staging only)\n',
    )
    assert.deepEqual(checklist.inferredScopes, [])
  })

  it('keeps only: all on a heading whose words scope nothing without a warning: it pins intent', () => {
    const result = parse('## Pre\n### Deploy to Development <!-- only: all -->\n- [ ] a\n')
    assert.deepEqual(problemLines(result), [])
    assert.equal(result.checklist.items[0]?.scope.environments, null)
  })
})

describe("the checklist's title", () => {
  // Items above the first `##` are gathered under a phase named after the title; the title is
  // the whole file's subject, so it must not scope those items alone (and cite their line).
  for (const [how, markdown] of [
    [
      'as its # heading',
      '# Deploy to Production\n\n- [ ] Backup taken\n\n## Verify\n- [ ] Smoke tests\n',
    ],
    [
      'in front matter',
      '---\ntitle: Production Deployment\n---\n- [ ] Backup taken\n\n## Verify\n- [ ] Smoke tests\n',
    ],
  ] as const) {
    it(`${how} scopes none of the items above the first section`, () => {
      const { checklist } = parse(markdown)
      assert.deepEqual(
        checklist.items.map((i) => [i.text, i.scope.environments]),
        [
          ['Backup taken', null],
          ['Smoke tests', null],
        ],
      )
      assert.deepEqual(checklist.inferredScopes, [])
    })
  }
})
