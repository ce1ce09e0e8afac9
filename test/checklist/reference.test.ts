/**
 * Reference pages: the `##` sections with prose and no items (a rollback plan, contacts,
 * troubleshooting) that the wizard opens with `p` and the sheet lists; and the numbered
 * steps written as prose that the wizard shows with the items next to them.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { isNumberedStep, referencePages } from '../../src/checklist/reference.ts'
import { layoutOf, type Row } from '../../src/ui/layout.ts'
import { fixturePath, parse } from '../helpers/fixtures.ts'

const titles = (markdown: string) => referencePages(parse(markdown).checklist).map((s) => s.title)

describe('reference pages', () => {
  it('are the sections with prose and no items, in file order', () => {
    const markdown = [
      '## Deploy',
      '- [ ] Ship it',
      '## Rollback plan',
      'Revert the tag, then redeploy the previous image.',
      '## Contacts',
      '| Role | Name |',
      '|---|---|',
      '| On call | Ana |',
      '## After',
      '- [ ] Check it',
      '',
    ].join('\n')
    assert.deepEqual(titles(markdown), ['Rollback plan', 'Contacts'])
  })

  it('count prose under their sub-headings, but not a heading with nothing under it', () => {
    const markdown = [
      '## Deploy',
      '- [ ] Ship it',
      '## Troubleshooting',
      '### Pods crash-loop',
      'Read `kubectl logs` first.',
      '## Notes',
      '<!-- nothing yet -->',
      '## Appendix',
      '',
    ].join('\n')
    assert.deepEqual(titles(markdown), ['Troubleshooting'])
  })

  it('leave out a sign-off section whose blanks are the sign-off screen’s', () => {
    const markdown = [
      '## Deploy',
      '- [ ] Ship it',
      '## Sign-off',
      '- [ ] Deployed by: ________ Date: ______',
      '',
    ].join('\n')
    const { checklist } = parse(markdown)
    assert.ok(checklist.signoff.length > 0, 'the fields are read')
    assert.deepEqual(titles(markdown), [])
  })

  it('keep a sign-off section’s text when no fields were read from it', () => {
    const markdown = [
      '## Deploy',
      '- [ ] Ship it',
      '## Sign-off',
      'The change board signs on the printed sheet, not here.',
      '',
    ].join('\n')
    assert.deepEqual(titles(markdown), ['Sign-off'])
  })

  it('in the wizard, are those of the environment it runs in', () => {
    const { checklist } = parse(
      [
        '---',
        'environments: [dev, prod]',
        '---',
        '## Deploy',
        '- [ ] Ship it',
        '## Production rollback <!-- only: prod -->',
        'Page the DBA before anything else.',
        '## Contacts',
        'Ana, on call.',
        '',
      ].join('\n'),
    )
    const pages = (env: string) => layoutOf(checklist, env).references.map((s) => s.title)
    assert.deepEqual(pages('prod'), ['Production rollback', 'Contacts'])
    assert.deepEqual(pages('dev'), ['Contacts'])
  })

  it('of public checklists: contacts, rollback triggers, procedures', () => {
    const pages = (name: string) => titles(readFileSync(fixturePath(`public/${name}`), 'utf8'))
    assert.deepEqual(pages('claude-sdlc-go-live.md'), [
      '🚦 Go/No-Go Decision',
      '🚨 Rollback Triggers',
      '📞 Emergency Contacts',
      '📝 Post-Launch Tasks',
      '💡 Pro Tips',
      '🎓 Lessons Learned',
      'Next Steps',
    ])
    // Its sign-off table is read as fields: not a page.
    assert.deepEqual(pages('virtual-ip-browser-release-signoff-table.md'), [
      '📊 Release Metrics',
      '🆘 Rollback Plan',
    ])
    // Fields read outside a sign-off heading: a completion record, a choice under "Notes".
    assert.deepEqual(pages('data-safe-haven-release-shortcodes.md'), [])
    assert.ok(!pages('festival-signoff-gate-approvals-table.md').includes('Notes'))
    assert.deepEqual(pages('dwarves-release-bold-lead-lines.md'), [])
  })
})

describe('steps written as prose', () => {
  it('are told by the number that heads them, in any of the usual shapes', () => {
    for (const title of [
      '3. Draft release notes',
      '🌒 1. Bump the Module Version',
      '2.1 Tag',
      'Step 2: Tag',
      'Paso 1',
      '第1步 准备',
      '1단계',
    ])
      assert.ok(isNumberedStep(title), title)
    for (const title of ['Troubleshooting', 'Contacts', '2026 roadmap notes', 'v2 rollout'])
      assert.ok(!isNumberedStep(title), title)
  })

  it('sit in the phase where they are written, shown with the item before them', () => {
    const { checklist } = parse(
      [
        '## Release',
        '### Tag',
        '- [ ] Push a new tag',
        '### 2. Wait for CI',
        'The pipeline builds and uploads the artifacts; it takes about 20 minutes.',
        '### Publish',
        '- [ ] Publish the release',
        '## After',
        '- [ ] Announce it',
        '- [ ] Close the milestone',
        '',
      ].join('\n'),
    )
    const [phase] = layoutOf(checklist, 'dev').phases
    const row = (r: Row) =>
      `${r.kind}:${r.kind === 'item' ? r.item.plain : r.kind === 'prose' ? r.section.title : r.kind === 'group' ? r.title : ''}`
    assert.deepEqual(phase?.rows.map(row), [
      'group:Tag',
      'item:Push a new tag',
      'prose:2. Wait for CI',
      'group:Publish',
      'item:Publish the release',
    ])
    const tag = checklist.items[0]
    assert.deepEqual(
      phase?.prose.get(tag?.id ?? '')?.map((step) => [step.section.title, step.where]),
      [['2. Wait for CI', 'after']],
    )
  })

  it('a numbered ## page whose title says it is no step (an overview, troubleshooting) stays a page', () => {
    const { checklist } = parse(
      [
        '## 1. Overview',
        'What this runbook covers.',
        '## 2. Deploy',
        '- [ ] Release published',
        '## 3. Troubleshooting Guide',
        'If the build fails, retry.',
        '',
      ].join('\n'),
    )
    const layout = layoutOf(checklist, 'dev')
    assert.deepEqual(
      layout.phases.map((phase) => phase.rows.filter((row) => row.kind === 'prose').length),
      [0],
    )
    assert.deepEqual(
      layout.references.map((s) => s.title),
      ['1. Overview', '3. Troubleshooting Guide'],
    )
  })

  it('a numbered ## step with no items goes with the phase before it, or the first after', () => {
    const { checklist } = parse(
      [
        '## 1. Push a new tag',
        'Run `make tag`; CI does the rest.',
        '## 2. Check the artifacts',
        '- [ ] Linux build runs',
        '- [ ] macOS build runs',
        '## 3. Draft release notes',
        'Copy the changelog into the release.',
        '## 4. Publish',
        '- [ ] Release published',
        '## Contacts',
        'Ana, on call.',
        '',
      ].join('\n'),
    )
    const layout = layoutOf(checklist, 'dev')
    const shown = layout.phases.map((phase) => [
      phase.title,
      phase.rows.flatMap((row) => (row.kind === 'prose' ? [row.section.title] : [])),
    ])
    assert.deepEqual(shown, [
      ['2. Check the artifacts', ['1. Push a new tag', '3. Draft release notes']],
      ['4. Publish', []],
    ])
    const first = layout.phases[0]?.items[0]
    assert.deepEqual(
      layout.phases[0]?.prose.get(first?.id ?? '')?.map((step) => step.where),
      ['before'],
    )
    // They stay reference pages too, with the section that is not a step.
    assert.deepEqual(
      layout.references.map((s) => s.title),
      ['1. Push a new tag', '3. Draft release notes', 'Contacts'],
    )
  })
})
