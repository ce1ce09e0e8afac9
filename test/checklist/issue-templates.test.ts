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

describe('issue-template lead lines with a description line under them', () => {
  const body = [
    '---',
    'name: Deployment Request',
    '---',
    '# Deployment Request',
    '',
    '**Deployment Type**',
    '- [ ] Regular deployment',
    '- [ ] Hotfix',
    '',
    '**Dependencies**',
    'List any external dependencies:',
    '- ',
    '',
    '**Testing Plan**',
    'Describe how the deployment will be tested:',
    '- [ ] Smoke tests',
    '',
    '**Approvals Required**',
    '- [ ] Product Owner approval',
    '',
  ].join('\n')

  /** Every section as "title: its prose | its items", depth by indent. */
  function outline(markdown: string): string[] {
    const { checklist } = parse(markdown)
    const lines: string[] = []
    const walk = (section: (typeof checklist.sections)[number], depth: number) => {
      const prose = section.blocks.map((b) => b.markdown).join(' / ')
      const items = section.items.map((i) => i.plain).join(', ')
      lines.push(`${'  '.repeat(depth)}${section.title}: ${prose} | ${items}`)
      for (const child of section.sections) walk(child, depth + 1)
    }
    for (const section of checklist.sections) walk(section, 0)
    return lines
  }

  it('names each group by its bold text, the line under it kept as the group’s prose', () => {
    assert.deepEqual(outline(body), [
      'Deployment Type:  | Regular deployment, Hotfix',
      '  Dependencies: List any external dependencies: | ',
      'Testing Plan: Describe how the deployment will be tested: | Smoke tests',
      'Approvals Required:  | Product Owner approval',
    ])
  })

  it('reads "text" over an empty bullet "- " as the text and a bullet, not as a heading underlined', () => {
    const { checklist } = parse(body)
    assert.ok(!checklist.sections.some((s) => s.title.includes('List any')))
    // Not a sign-off lead line's whole paragraph either: the phase keeps none of the description.
    assert.deepEqual(
      checklist.items.map((i) => i.id),
      [
        'deployment-request/regular-deployment',
        'deployment-request/hotfix',
        'deployment-request/smoke-tests',
        'deployment-request/product-owner-approval',
      ],
    )
  })

  it('keeps the ids of the fields under a lead line that names a sign-off, now a group', () => {
    const { checklist } = parse(
      [
        '# R',
        '## Deploy',
        '- [ ] Deployed',
        '## Notes',
        'Anything else.',
        '',
        '**Sign-off Status:**',
        '',
        '- [ ] Approved',
        '- [ ] Not approved',
        '',
      ].join('\n'),
    )
    assert.deepEqual(
      checklist.signoff.map((f) => [f.id, f.type, f.choices]),
      [['notes#sign-off-status', 'choice', ['Approved', 'Not approved']]],
    )
  })
})
