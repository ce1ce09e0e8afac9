/**
 * Naming a team store: `s3://bucket/prefix` read strictly, and the first of
 * `--store`, DEPLOY_WIZARD_STORE and the checklist's `store:` wins.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { UserError } from '../../src/errors.ts'
import { parseStoreAddress, resolveStore, storeKey, storeUrl } from '../../src/run/team/address.ts'

describe('a team store address', () => {
  it('reads the bucket and the prefix, without the slashes around it', () => {
    assert.deepEqual(parseStoreAddress('s3://team-deploys/deploy-wizard/prod/', '--store'), {
      kind: 's3',
      bucket: 'team-deploys',
      prefix: 'deploy-wizard/prod',
      source: '--store',
    })
    const bare = parseStoreAddress('s3://team-deploys', '--store')
    assert.equal(bare.prefix, '')
    assert.equal(storeKey(bare, 'runs/x/header.json'), 'runs/x/header.json')
    assert.equal(storeUrl(bare), 's3://team-deploys')
    const prefixed = parseStoreAddress('s3://team-deploys/dw', '--store')
    assert.equal(storeKey(prefixed, 'runs/x/header.json'), 'dw/runs/x/header.json')
  })

  for (const [text, why] of [
    ['team-deploys/dw', /does not start with s3:\/\//],
    ['https://team-deploys.s3.amazonaws.com/dw', /does not start with s3:\/\//],
    ['s3://', /is not a bucket name/],
    ['s3://Team_Deploys/dw', /is not a bucket name/],
    ['s3://ab/dw', /is not a bucket name/],
    ['s3://team..deploys/dw', /is not a bucket name/],
    ['s3://team-deploys//dw', /empty, "\." or "\.\." part/],
    ['s3://team-deploys/dw/../other', /empty, "\." or "\.\." part/],
    ['s3://team-deploys/dw\u001b[2J', /control characters/],
  ] as const) {
    it(`refuses ${JSON.stringify(text)}, saying why and how to write one`, () => {
      assert.throws(
        () => parseStoreAddress(text, 'DEPLOY_WIZARD_STORE'),
        (error: unknown) =>
          error instanceof UserError &&
          error.message.startsWith('DEPLOY_WIZARD_STORE ') &&
          why.test(error.message) &&
          /s3:\/\/bucket\/prefix/.test(error.hint ?? ''),
      )
    })
  }
})

describe('which store a run uses', () => {
  const flag = 's3://from-flag/dw'
  const env = { DEPLOY_WIZARD_STORE: 's3://from-env/dw' }
  const frontMatter = 's3://from-checklist/dw'

  it('is the flag first, then the variable, then the checklist, else the local store', () => {
    const bucket = (store: ReturnType<typeof resolveStore>) =>
      store.kind === 's3' ? `${store.bucket} (${store.source})` : 'local'
    assert.equal(bucket(resolveStore({ flag, env, frontMatter })), 'from-flag (--store)')
    assert.equal(bucket(resolveStore({ env, frontMatter })), 'from-env (DEPLOY_WIZARD_STORE)')
    assert.equal(
      bucket(resolveStore({ env: {}, frontMatter })),
      "from-checklist (the checklist's store:)",
    )
    assert.equal(bucket(resolveStore({ env: {} })), 'local')
  })

  it('takes an empty flag or variable as unset', () => {
    const store = resolveStore({ flag: '  ', env: { DEPLOY_WIZARD_STORE: '' }, frontMatter })
    assert.equal(store.kind === 's3' && store.bucket, 'from-checklist')
  })

  it('names where a bad address came from', () => {
    assert.throws(
      () => resolveStore({ env: {}, frontMatter: 'team-deploys' }),
      /^UserError: the checklist's store: "team-deploys" is not a team store/,
    )
  })
})
