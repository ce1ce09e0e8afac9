import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { isInScope } from '../../src/checklist/scope.ts'
import { parseSeed, SEEDS, seedPath } from '../helpers/fixtures.ts'

const SHA256 = {
  '000_b909c6aec69adf30.txt': 'f30bdfd60812dce69301f2f41e441ddf50e8e749ffc833a6ce6d3cfc90182dee',
  '001_f520cc071e4c9f76.txt': 'd64a4d17a988985a2dff89fd4865a2ebcd248b2b2687dd36d6ad04c0aa4435a9',
  '002_330113bd9a5ec9a1.txt': '606c58cdaad381304469bd4633de9b00ef9389802e995ca70bb1c090d37b9eda',
  '003_fa378dcafbaacd4c.txt': '3657334aa47fa938cc89424d821f6ef36e370751b9800bf54f90596bc9982310',
  '004_af71a0f7626eb14b.txt': '28f4d5407b261e2b6e5269cb3b7e01e35e788135df9af6187ff65a5fe2242801',
} as const

describe('the five seed checklists', () => {
  it('are the unchanged files from shared/seeds', () => {
    for (const name of SEEDS) {
      const digest = createHash('sha256')
        .update(readFileSync(seedPath(name)))
        .digest('hex')
      assert.equal(digest, SHA256[name], name)
    }
  })

  it('yield every task item, and only task items', () => {
    const counts = SEEDS.map((name) => parseSeed(name).checklist.items.length)
    assert.deepEqual(counts, [121, 63, 99, 116, 128])
  })

  it('parse without a single problem, but for the one sign-off gap a staging run would meet', () => {
    for (const name of SEEDS) {
      const problems = parseSeed(name).problems.map((p) => `${p.line} ${p.severity} ${p.message}`)
      // The workflow seed signs off dev and prod only: a staging run would have nothing to sign.
      assert.deepEqual(
        problems,
        name === '002_330113bd9a5ec9a1.txt'
          ? [
              '232 warning no sign-off field applies to staging: the sign-off is for dev only (section "Development Deployment", line 230); prod only (section "Production Deployment", line 238)',
            ]
          : [],
        name,
      )
    }
  })

  it('start [x] items as checked: 12 in the production checklist, none elsewhere', () => {
    const checked = SEEDS.map(
      (name) => parseSeed(name).checklist.items.filter((i) => i.checked).length,
    )
    assert.deepEqual(checked, [0, 0, 0, 0, 12])
    const first = parseSeed('004_af71a0f7626eb14b.txt').checklist.items[0]
    assert.equal(first?.text, 'All agents implement BaseAgent contract')
    assert.equal(first?.checked, true)
  })

  it('give every item a unique id', () => {
    for (const name of SEEDS) {
      const ids = parseSeed(name).checklist.items.map((i) => i.id)
      assert.equal(new Set(ids).size, ids.length, name)
    }
  })

  it('make ## sections with items phases, and keep the others as reference', () => {
    const { checklist } = parseSeed('000_b909c6aec69adf30.txt')
    assert.equal(checklist.title, 'Marketplace API Deployment Checklist')
    assert.deepEqual(
      checklist.phases.map((p) => [p.title, p.itemCount, p.role]),
      [
        ['Pre-Deployment', 27, 'standard'],
        ['Deployment Steps', 53, 'standard'],
        ['Post-Deployment', 13, 'standard'],
        ['Staging Deployment', 4, 'standard'],
        ['Production Deployment', 16, 'standard'],
        ['Rollback Procedure', 4, 'rollback'],
        ['Sign-Off', 4, 'signoff'],
      ],
    )
    const reference = checklist.sections.filter((s) => s.itemCount === 0).map((s) => s.title)
    assert.deepEqual(reference, ['Troubleshooting', 'Support Contacts'])
    const troubleshooting = checklist.sections.find((s) => s.title === 'Troubleshooting')
    assert.match(
      troubleshooting?.sections[0]?.blocks.map((b) => b.markdown).join('\n') ?? '',
      /Lambda timeout/,
    )
  })

  it('read the Portuguese checklist with its phases named in Portuguese', () => {
    const { checklist } = parseSeed('001_f520cc071e4c9f76.txt')
    assert.equal(checklist.title, 'Preparação para Deploy - Painel Operacional AlquimistaAI')
    assert.deepEqual(
      checklist.phases.map((p) => [p.title, p.itemCount]),
      [
        ['Pré-requisitos', 9],
        ['Procedimento de Deploy', 11],
        ['Validação Pós-Deploy', 43],
      ],
    )
    assert.ok(checklist.phases[0]?.id.startsWith('pre-requisitos'))
  })

  it('keep the code fences and prose around items with their group', () => {
    const { checklist } = parseSeed('000_b909c6aec69adf30.txt')
    const build = checklist.sections[1]?.sections.find((s) => s.title === '1. Build and Synthesize')
    assert.deepEqual(
      build?.blocks.map((b) => [b.kind, b.lang, b.code]),
      [['code', 'bash', 'npm run build\nnpm run synth']],
    )
    const listAgents = checklist.items.find((i) => i.text === 'Returns list of agents')
    const group = checklist.sections[1]?.sections
      .flatMap((s) => s.sections)
      .find((s) => s.id === listAgents?.sectionId)
    assert.equal(group?.title, 'List Agents')
    assert.match(group?.blocks[0]?.code ?? '', /curl -X GET/)
  })

  it('keep a code fence written inside an item with that item', () => {
    const { checklist } = parseSeed('002_330113bd9a5ec9a1.txt')
    const item = checklist.items.find((i) => i.text === 'Docker image builds successfully')
    assert.deepEqual(
      item?.blocks.map((b) => b.code),
      ['docker build -f Dockerfile.api -t workflow-api:latest .'],
    )
  })

  it('nest task items under their parent item', () => {
    const { checklist } = parseSeed('002_330113bd9a5ec9a1.txt')
    const parent = checklist.items.find((i) => i.text === 'API documentation is accessible')
    const children = checklist.items.filter((i) => i.parentId === parent?.id)
    assert.deepEqual(
      children.map((c) => [c.text, c.depth]),
      [
        ['Swagger UI: http://localhost:8000/docs', 1],
        ['ReDoc: http://localhost:8000/redoc', 1],
        ['OpenAPI spec: http://localhost:8000/openapi.json', 1],
      ],
    )
  })

  it('read numbered task items, and a plain numbered step that holds tasks as a group', () => {
    const prod = parseSeed('004_af71a0f7626eb14b.txt').checklist
    const rollback = prod.phases.find((p) => p.title === 'Rollback Plan')
    assert.equal(rollback?.sections[0]?.items[0]?.text, 'ALB target group: drain connections')
    const marketplace = parseSeed('000_b909c6aec69adf30.txt').checklist
    const procedure = marketplace.phases.find((p) => p.title === 'Rollback Procedure')
    assert.deepEqual(
      procedure?.sections.map((s) => [s.title, s.itemCount]),
      [['Verify Rollback', 4]],
    )
    assert.match(procedure?.blocks.map((b) => b.markdown).join('\n') ?? '', /rollback-stack/)
  })

  it('keep inline markdown, emoji and double-encoded UTF-8 as written', () => {
    const marketplace = parseSeed('000_b909c6aec69adf30.txt').checklist
    assert.equal(
      marketplace.items[0]?.text,
      '`agents` table with columns: id, name, description, category, version, status, pricing, created_at, updated_at',
    )
    const prod = parseSeed('004_af71a0f7626eb14b.txt').checklist
    assert.ok(prod.items.some((i) => i.text === 'HTTP â†’ HTTPS redirect'))
    const dashboard = parseSeed('001_f520cc071e4c9f76.txt').checklist
    const infra = dashboard.phases[0]?.sections[0]
    assert.match(infra?.blocks[0]?.markdown ?? '', /^✅ \*\*Verificar/)
  })

  it('scope sections and items that name an environment', () => {
    const workflow = parseSeed('002_330113bd9a5ec9a1.txt').checklist
    const scoped = (text: string) =>
      workflow.items.find((i) => i.text.startsWith(text))?.scope.environments
    assert.deepEqual(scoped('`.env.api` file exists'), ['dev'])
    assert.deepEqual(scoped('`.env.api.production` file exists'), ['prod'])
    assert.deepEqual(scoped('Backup existing database (production only)'), ['prod'])
    assert.deepEqual(scoped('Test rollback procedure (staging only)'), ['staging'])
    assert.equal(scoped('Docker image builds successfully'), null)

    const session = parseSeed('003_fa378dcafbaacd4c.txt').checklist
    const pitr = session.items.find((i) => i.text === 'DynamoDB Point-in-Time Recovery enabled')
    assert.deepEqual(pitr?.scope.environments, ['prod'])
    assert.match(pitr?.scope.reason ?? '', /Configuration \(Production Only\)/)

    const dashboard = parseSeed('001_f520cc071e4c9f76.txt').checklist
    const dev = dashboard.items.find((i) => i.text === 'DynamoDB Table criada')
    const prod = dashboard.items.find((i) => i.text === 'Deploy em DEV validado')
    assert.deepEqual(dev?.scope.environments, ['dev'])
    assert.deepEqual(prod?.scope.environments, ['prod'])

    const marketplace = parseSeed('000_b909c6aec69adf30.txt').checklist
    const inDev = marketplace.items.filter((i) => isInScope(i.scope, 'dev')).length
    const inProd = marketplace.items.filter((i) => isInScope(i.scope, 'prod')).length
    // "3. Deploy to Development" is a lone sub-heading in a phase every run goes through:
    // its three items stay in a prod run (they used to vanish from it).
    assert.deepEqual([inDev, inProd], [121 - 4 - 16, 121 - 4])
  })
})

describe('sign-off fields in the seeds', () => {
  const fields = (name: (typeof SEEDS)[number]) =>
    parseSeed(name).checklist.signoff.map((f) =>
      [f.role, f.label, f.type, f.choices.join('/'), f.scope.environments?.join(',') ?? 'all'].join(
        ' | ',
      ),
    )

  it('reads roles with a name and a date blank on one line', () => {
    assert.deepEqual(fields('000_b909c6aec69adf30.txt'), [
      'Development Lead | Development Lead | text |  | all',
      'Development Lead | Date | date |  | all',
      'QA Lead | QA Lead | text |  | all',
      'QA Lead | Date | date |  | all',
      'Security Lead | Security Lead | text |  | all',
      'Security Lead | Date | date |  | all',
      'Product Owner | Product Owner | text |  | all',
      'Product Owner | Date | date |  | all',
    ])
  })

  it('reads blanks and Yes / No choices per environment subsection', () => {
    assert.deepEqual(fields('002_330113bd9a5ec9a1.txt'), [
      ' | Deployed by | text |  | dev',
      ' | Date | date |  | dev',
      ' | Version | text |  | dev',
      ' | All checks passed | choice | Yes/No | dev',
      ' | Notes | text |  | dev',
      ' | Deployed by | text |  | prod',
      ' | Approved by | text |  | prod',
      ' | Date | date |  | prod',
      ' | Version | text |  | prod',
      ' | All checks passed | choice | Yes/No | prod',
      ' | Rollback plan tested | choice | Yes/No | prod',
      ' | Monitoring confirmed | choice | Yes/No | prod',
      ' | Notes | text |  | prod',
    ])
  })

  it('reads per-environment sign-off subsections', () => {
    assert.deepEqual(fields('003_fa378dcafbaacd4c.txt'), [
      ' | Deployed by | text |  | dev',
      ' | Date | date |  | dev',
      ' | Deployed by | text |  | staging',
      ' | Date | date |  | staging',
      ' | Deployed by | text |  | prod',
      ' | Approved by | text |  | prod',
      ' | Date | date |  | prod',
    ])
  })

  it('reads a Role | Name | Date | Signature table and blanks in prose', () => {
    assert.deepEqual(fields('004_af71a0f7626eb14b.txt'), [
      'Developer | Name | text |  | all',
      'Developer | Date | date |  | all',
      'Developer | Signature | signature |  | all',
      'DevOps | Name | text |  | all',
      'DevOps | Date | date |  | all',
      'DevOps | Signature | signature |  | all',
      'Security | Name | text |  | all',
      'Security | Date | date |  | all',
      'Security | Signature | signature |  | all',
      'Manager | Name | text |  | all',
      'Manager | Date | date |  | all',
      'Manager | Signature | signature |  | all',
      ' | Deployment Date | date |  | all',
      ' | Deployed By | text |  | all',
    ])
  })

  it('ties fields written as items to their item, with unique ids', () => {
    const { checklist } = parseSeed('003_fa378dcafbaacd4c.txt')
    for (const field of checklist.signoff) {
      const item = checklist.items.find((i) => i.id === field.itemId)
      assert.ok(item?.fields.includes(field), field.id)
    }
    const ids = checklist.signoff.map((f) => f.id)
    assert.equal(new Set(ids).size, ids.length)
  })

  it('finds none where a checklist has no sign-off section', () => {
    assert.deepEqual(fields('001_f520cc071e4c9f76.txt'), [])
  })
})
