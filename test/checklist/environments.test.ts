import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  isProduction,
  productionReason,
  readsAsProduction,
} from '../../src/checklist/environments.ts'
import { parse, problemLines } from '../helpers/fixtures.ts'

/** Names that must ask for the typed confirmation: a write there can take production down. */
const PRODUCTION_NAMES = [
  'prod',
  'production',
  'prd',
  'live',
  'production-eu',
  'prod-eu',
  'prod_us',
  'eu-prod',
  'live-eu',
  'prd2',
  'prod1',
  'pro',
  'des-pro',
  'prod-pre',
  'prod-like',
  'no-prod',
] as const

/** Names that are no production: the confirmation would only teach operators to type past it. */
const NON_PRODUCTION_NAMES = [
  'dev',
  'staging',
  'qa',
  'uat',
  'test',
  'preprod',
  'pre-prod',
  'pre_production',
  'nonprod',
  'non-prod',
  'not-prod',
  'pre-live',
  'product-demo',
  'produs',
] as const

describe('which environment names read as production', () => {
  for (const name of PRODUCTION_NAMES) {
    it(`${name} does`, () => assert.equal(readsAsProduction(name), true))
  }
  for (const name of NON_PRODUCTION_NAMES) {
    it(`${name} does not`, () => assert.equal(readsAsProduction(name), false))
  }

  it('reads Portuguese and Spanish, in any case', () => {
    for (const alias of ['Produção', 'producao', 'PRODUCCIÓN', 'produccion', 'PROD'])
      assert.equal(readsAsProduction(alias), true, alias)
    assert.equal(readsAsProduction('pré-produção'), false)
    assert.equal(readsAsProduction('pre-producción'), false)
  })
})

describe('production in a checklist', () => {
  const checklist = (frontMatter: string) =>
    parse(`---\n${frontMatter}\n---\n# Deploy\n## Steps\n- [ ] a\n`)

  it('is an environment whose alias reads as production', () => {
    const { checklist: c, problems } = checklist(
      'environments: [dev, eu, us]\naliases: { eu: [production, europe] }',
    )
    assert.deepEqual(problems, [])
    assert.equal(isProduction(c, 'eu'), true)
    assert.equal(productionReason(c, 'eu'), "its alias 'production' reads as production")
    assert.equal(isProduction(c, 'us'), false)
    assert.equal(isProduction(c, 'dev'), false)
  })

  it('is an environment the front matter declares production', () => {
    const { checklist: c, problems } = checklist(
      'environments: [dev, main, blue]\nproduction: [main, blue]',
    )
    assert.deepEqual(problems, [])
    assert.equal(productionReason(c, 'main'), 'declared in the front matter')
    assert.equal(isProduction(c, 'blue'), true)
    assert.equal(isProduction(c, 'dev'), false)
  })

  it('takes one name as well as a list', () => {
    const { checklist: c } = checklist('environments: [dev, main]\nproduction: main')
    assert.equal(isProduction(c, 'main'), true)
  })

  it('cannot be switched off: a name that reads as production stays production', () => {
    const { checklist: c, problems } = checklist(
      'environments: [dev, prod, eu-main]\nproduction: [eu-main]',
    )
    assert.deepEqual(problems, [])
    assert.equal(isProduction(c, 'prod'), true)
    const none = checklist('environments: [dev, prod]\nproduction: []')
    assert.equal(isProduction(none.checklist, 'prod'), true)
    assert.deepEqual(problemLines(none), [
      "3:13 warning front matter 'production': an empty list changes nothing",
    ])
  })

  it('is prod by default, with the default environments', () => {
    const { checklist: c } = parse('# Deploy\n## Steps\n- [ ] a\n')
    assert.deepEqual(
      c.environments.filter((env) => isProduction(c, env)),
      ['prod'],
    )
  })

  it('reports a declared environment the checklist does not have, and a value of another kind', () => {
    const unknown = checklist(
      'production: [prod, eu-main]\nenvironments: [dev, staging, prod, eu-prod]',
    )
    assert.deepEqual(problemLines(unknown), [
      "2:20 error front matter 'production': 'eu-main' is not one of this checklist's environments",
    ])
    assert.equal(unknown.problems[0]?.hint, 'environments: dev, staging, prod, eu-prod')
    const flag = checklist('production: false')
    assert.deepEqual(problemLines(flag), [
      "2:13 error front matter 'production': expected a list of environment names",
    ])
  })
})
