import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Checklist, Phase, Section } from '../../src/checklist/model.ts'
import { parse, problemLines } from '../helpers/fixtures.ts'

const phases = (checklist: Checklist) =>
  checklist.phases.map((p) => [p.title, p.itemCount] as [string, number])
const ids = (checklist: Checklist) => checklist.items.map((i) => i.id)
const titles = (sections: readonly Section[]) => sections.map((s) => s.title)

describe('phases when one phase would hold nearly all the items', () => {
  it('are its ### sub-headings, keeping every id', () => {
    const { checklist, problems } = parse(
      [
        '# Release',
        '## Release Checklist',
        '### Before',
        '- [ ] freeze the branch',
        '- [ ] write the notes',
        '### During',
        '- [ ] tag',
        '### After',
        '- [ ] announce',
        '',
      ].join('\n'),
    )
    assert.deepEqual(problems, [])
    assert.deepEqual(phases(checklist), [
      ['Before', 2],
      ['During', 1],
      ['After', 1],
    ])
    assert.deepEqual(ids(checklist), [
      'release-checklist/before/freeze-the-branch',
      'release-checklist/before/write-the-notes',
      'release-checklist/during/tag',
      'release-checklist/after/announce',
    ])
    // Each phase is a phase: its items say so, and it sits where a ## would.
    assert.deepEqual(
      checklist.items.map((i) => i.phaseId),
      [
        'release-checklist/before',
        'release-checklist/before',
        'release-checklist/during',
        'release-checklist/after',
      ],
    )
    assert.deepEqual(
      checklist.phases.map((p) => [p.kind, p.level]),
      [
        ['phase', 2],
        ['phase', 2],
        ['phase', 2],
      ],
    )
  })

  it('are the ### steps of a file with only a # heading', () => {
    const { checklist } = parse(
      '# Deploy\n### 1. Build\n- [ ] compile\n### 2. Ship\n- [ ] upload\n- [ ] verify\n',
    )
    assert.deepEqual(phases(checklist), [
      ['1. Build', 1],
      ['2. Ship', 2],
    ])
    assert.deepEqual(ids(checklist), [
      'deploy/build/compile',
      'deploy/ship/upload',
      'deploy/ship/verify',
    ])
  })

  it('are its numbered bold list items', () => {
    const { checklist } = parse(
      [
        '## Rollback Steps',
        '1. **Immediate Actions**',
        '   - [ ] stop the traffic',
        '2. **Application Rollback**',
        '   - [ ] redeploy the last build',
        '   - [ ] check the health',
        '',
      ].join('\n'),
    )
    assert.deepEqual(phases(checklist), [
      ['Immediate Actions', 1],
      ['Application Rollback', 2],
    ])
    // Divisions of a rollback phase are rollback phases.
    assert.deepEqual(
      checklist.phases.map((p) => p.role),
      ['rollback', 'rollback'],
    )
  })

  it('are its bold lead lines, the items before the first staying in a phase of their own', () => {
    const text = [
      '# Release checklist',
      '',
      '- [ ] Not on a Friday',
      '',
      '**Git**',
      '',
      '- [ ] PRs have context',
      '- [ ] Version tagged',
      '',
      '**Testing**:',
      '- [ ] All tests pass',
      '',
      '❌ **Blockers**',
      '> Read this first',
      '',
      '- [ ] No open P0',
      '',
    ].join('\n')
    const { checklist } = parse(text)
    assert.deepEqual(phases(checklist), [
      ['Release checklist', 1],
      ['Git', 2],
      ['Testing', 1],
      ['❌ Blockers', 1],
    ])
    // The ids are those the items had when these lines were read as prose.
    const asProse = text.replace(/\*\*/g, '')
    assert.deepEqual(ids(checklist), ids(parse(asProse).checklist))
    assert.equal(parse(asProse).checklist.phases.length, 1)
  })

  it('take a step written as prose along with the phase before it, or the first one', () => {
    const { checklist } = parse(
      [
        '## Release',
        '### Read first',
        'Nothing to tick here.',
        '### Build',
        '- [ ] compile',
        '### Purge the CDN cache',
        '```bash',
        'curl -X POST https://purge.example/all',
        '```',
        '### Publish',
        '- [ ] publish',
        '',
      ].join('\n'),
    )
    assert.deepEqual(phases(checklist), [
      ['Build', 1],
      ['Publish', 1],
    ])
    const [build, publish] = checklist.phases
    assert.deepEqual(titles(build?.sections ?? []), ['Read first', 'Purge the CDN cache'])
    assert.deepEqual(
      build?.sections.map((s) => s.level),
      [3, 3],
    )
    assert.deepEqual(titles(publish?.sections ?? []), [])
  })

  it('leave the prose written above the divisions as a section to read', () => {
    const { checklist } = parse(
      '## Release Summary\n- Title / Repo\n### Validation\n- [ ] tests pass\n### Release\n- [ ] tag\n',
    )
    assert.deepEqual(phases(checklist), [
      ['Validation', 1],
      ['Release', 1],
    ])
    assert.deepEqual(
      checklist.sections.map((s) => [s.title, s.itemCount, s.blocks.length]),
      [
        ['Release Summary', 0, 1],
        ['Validation', 1, 0],
        ['Release', 1, 0],
      ],
    )
  })

  it('move the groups under a division up with it', () => {
    const { checklist } = parse(
      '## Go-Live\n### Phase 1\n#### Planning\n- [ ] plan\n### Phase 2\n#### Training\n- [ ] train\n',
    )
    const [first] = checklist.phases
    assert.deepEqual(
      first?.sections.map((s) => [s.title, s.level, s.kind]),
      [['Planning', 3, 'group']],
    )
    assert.equal(checklist.items[0]?.sectionId, 'go-live/phase-1/planning')
  })
})

describe('phases that stay as written', () => {
  it('unless the sub-sections are numbered as phases: they divide their phase whatever its share', () => {
    const { checklist } = parse(
      '## Go-Live\n### Phase 1: Prepare\n- [ ] a\n- [ ] b\n### Phase 2: Launch\n- [ ] c\n- [ ] d\n' +
        '## Acceptance\n- [ ] e\n- [ ] f\n',
    )
    assert.deepEqual(phases(checklist), [
      ['Phase 1: Prepare', 2],
      ['Phase 2: Launch', 2],
      ['Acceptance', 2],
    ])
    // Words that only contain a phase word, or a phase not numbered, are not such a title.
    const { checklist: plain } = parse(
      '## Go-Live\n### Phase out the old API\n- [ ] a\n- [ ] b\n### Phases\n- [ ] c\n- [ ] d\n' +
        '## Acceptance\n- [ ] e\n- [ ] f\n',
    )
    assert.deepEqual(phases(plain), [
      ['Go-Live', 4],
      ['Acceptance', 2],
    ])
  })

  it('when no phase holds nearly all the items', () => {
    const { checklist } = parse(
      '## Pre\n### A\n- [ ] a\n- [ ] b\n### B\n- [ ] c\n- [ ] d\n## Post\n- [ ] e\n- [ ] f\n',
    )
    assert.deepEqual(phases(checklist), [
      ['Pre', 4],
      ['Post', 2],
    ])
  })

  it('when only one of its sub-sections holds items', () => {
    const { checklist } = parse(
      '## Release\n#### Publish\n- [ ] tag\n- [ ] push\n### Purge the cache\nrun curl\n',
    )
    assert.deepEqual(phases(checklist), [['Release', 2]])
  })

  it('when it is the sign-off', () => {
    const { checklist } = parse(
      '## Sign-off\n### QA\n- [ ] QA Lead: ____\n### Ops\n- [ ] Ops Lead: ____\n',
    )
    assert.deepEqual(
      checklist.phases.map((p: Phase) => [p.title, p.role]),
      [['Sign-off', 'signoff']],
    )
  })

  it('when a bold lead line divides nothing: it is the section’s label, kept as its prose', () => {
    const { checklist } = parse(
      [
        '## Deploy',
        '### Auth',
        '**Checklist**:',
        '- [ ] login works',
        '',
        '**Docs**:',
        '- [guide](guide.md)',
        '### Chat',
        '- [ ] messages arrive',
        '## Verify',
        '- [ ] smoke test',
        '- [ ] dashboards green',
        '- [ ] alarms quiet',
        '',
      ].join('\n'),
    )
    const auth = checklist.phases[0]?.sections[0]
    assert.deepEqual(
      auth?.sections.map((s) => s.title),
      [],
    )
    assert.deepEqual(
      auth?.blocks.map((b) => b.markdown),
      ['**Checklist**:', '**Docs**:', '- [guide](guide.md)'],
    )
    assert.equal(checklist.items[0]?.sectionId, 'deploy/auth')
  })

  it('when a bold line is a sign-off’s: it stays the sign-off’s to read', () => {
    const { checklist, problems } = parse(
      '## Deploy\n- [ ] ship\n\n**Sign-off:**\n- [ ] QA\n- [ ] Ops\n\n**Notes**\n- [ ] none\n',
    )
    assert.deepEqual(problemLines({ checklist, problems, hasErrors: false }), [])
    assert.equal(
      checklist.sections.flatMap((s) => s.sections).some((s) => s.title === 'Sign-off'),
      false,
    )
  })
})
