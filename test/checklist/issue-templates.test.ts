import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { hasPlaceholder } from '../../src/checklist/front-matter.ts'
import { parse, problemLines } from '../helpers/fixtures.ts'

const TEMPLATE = `---
name: Release checklist
about: Checklist for a new release
title: "Release v[X.Y.Z]"
labels: [release, "status: todo"]
assignees: ''
---
`

describe('issue-template front matter', () => {
  it('gives no warnings for name, about, title, labels and assignees', () => {
    const result = parse(`${TEMPLATE}# Release\n## Steps\n- [ ] tag\n`)
    assert.deepEqual(problemLines(result), [])
  })

  it('still warns about keys that are neither ours nor an issue template’s', () => {
    const result = parse(`${TEMPLATE.replace('---\n', '---\nowner: me\n')}## Steps\n- [ ] tag\n`)
    assert.deepEqual(problemLines(result), [
      "2:1 warning front matter key 'owner' is not used by deploy-wizard",
    ])
    assert.match(result.problems[0]?.hint ?? '', /issue template's name, about, labels, assignees/)
  })

  it('lets the # heading beat a template title with placeholders', () => {
    const { checklist } = parse(`${TEMPLATE}# Release Process\n## Steps\n- [ ] tag\n`)
    assert.equal(checklist.title, 'Release Process')
  })

  it('keeps a template title with placeholders when the file has no # heading', () => {
    const { checklist } = parse(`${TEMPLATE}## Steps\n- [ ] tag\n`)
    assert.equal(checklist.title, 'Release v[X.Y.Z]')
  })

  it('keeps a template title without placeholders over the # heading', () => {
    const front = TEMPLATE.replace('"Release v[X.Y.Z]"', 'Monthly release')
    assert.equal(parse(`${front}# Release\n## S\n- [ ] x\n`).checklist.title, 'Monthly release')
  })

  it('keeps a title: that is not an issue template’s, placeholders or not', () => {
    const { checklist } = parse('---\ntitle: Deploy v[X.Y.Z]\n---\n# Deploy\n## S\n- [ ] x\n')
    assert.equal(checklist.title, 'Deploy v[X.Y.Z]')
  })

  it('takes an empty template title as none: the heading, else the template’s name', () => {
    const empty = TEMPLATE.replace('"Release v[X.Y.Z]"', "''")
    assert.equal(parse(`${empty}# Release vX\n## S\n- [ ] x\n`).checklist.title, 'Release vX')
    assert.equal(parse(`${empty}## S\n- [ ] x\n`).checklist.title, 'Release checklist')
  })

  it('takes a template title that is only the issue title’s prefix as none: the heading, else the name', () => {
    const front = (title: string) =>
      `---\nname: 🔄 Change Request\nabout: x\ntitle: ${title}\n---\n`
    for (const prefix of ['"[CHANGE] "', '"[CHANGE]"', "'Change: '", '"【Release】"']) {
      const { checklist } = parse(`${front(prefix)}## Change Information\n- [ ] x\n`)
      assert.equal(checklist.title, '🔄 Change Request', prefix)
      assert.equal(parse(`${front(prefix)}# CR\n## S\n- [ ] x\n`).checklist.title, 'CR', prefix)
    }
    // A title that names something is kept, trimmed; outside a template, one is only trimmed.
    assert.equal(
      parse(`${front('"[CHANGE] Database upgrade"')}## S\n- [ ] x\n`).checklist.title,
      '[CHANGE] Database upgrade',
    )
    assert.equal(parse('---\ntitle: "[CHANGE] "\n---\n## S\n- [ ] x\n').checklist.title, '[CHANGE]')
  })

  it('names the phase of items before any ## after the title, keeping its id', () => {
    const { checklist } = parse(
      `${TEMPLATE}# Release Process for v6.x.x\n- [ ] Update the changelog\n`,
    )
    assert.equal(checklist.phases[0]?.title, 'Release Process for v6.x.x')
    // The id is made as before, from the template's title: a run started earlier resumes.
    assert.equal(checklist.items[0]?.id, 'release-v-x-y-z/update-the-changelog')
  })

  it('tells placeholders from ordinary titles', () => {
    for (const title of [
      'Release v[X.Y.Z]',
      'Release: <version number>',
      'Cut release v1.?.?',
      '[RELEASE] Release Process for v6.x.x',
      'Release v0.XX.0',
      'Release PyGMT vX.Y.Z',
      'Plugin Release {{ env.RELEASE_NAME }}',
      'Release MM/DD/YYYY',
      'Release ____',
    ])
      assert.equal(hasPlaceholder(title), true, title)
    for (const title of ['Monthly release', 'Release 2.4.1', 'Deploy to prod', 'Release v1.2'])
      assert.equal(hasPlaceholder(title), false, title)
  })
})
