import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Checklist } from '../../src/checklist/model.ts'
import { runProgress } from '../../src/run/describe.ts'
import { foldJournal, type JournalEntry, RUN_FORMAT, type RunHeader } from '../../src/run/model.ts'
import { diffChecklist, similarity, snapshotOf, staleChecks } from '../../src/run/resume.ts'
import { parse } from '../helpers/fixtures.ts'

const before = parse(`# R

## Deploy

- [ ] Deploy the sessions table to DynamoDB
- [ ] Verify the health endpoint answers
- [ ] Tell the on-call engineer
`).checklist

const after = parse(`# R

## Deploy

- [ ] Deploy the sessions table to DynamoDB in eu-west-1
- [ ] Verify the health endpoint answers
- [ ] Run the smoke tests

## Verify

- [ ] Tell the on-call engineer
`).checklist

describe('what changed in a checklist since a run saw it', () => {
  it('keeps ids that stayed, pairs reworded items, and lists the rest as added and removed', () => {
    const changes = diffChecklist(snapshotOf(before, 'dev'), snapshotOf(after, 'dev'))
    assert.deepEqual(changes.reworded, [
      {
        from: 'deploy/deploy-the-sessions-table-to-dynamodb',
        to: 'deploy/deploy-the-sessions-table-to-dynamodb-in-eu',
      },
    ])
    assert.deepEqual(changes.added, [
      'deploy/run-the-smoke-tests',
      'verify/tell-the-on-call-engineer',
    ])
    assert.deepEqual(changes.removed, ['deploy/tell-the-on-call-engineer'])
  })

  it('does not pair unrelated texts, nor the same text across phases', () => {
    assert.ok(similarity('Run the smoke tests', 'Tell the on-call engineer') < 0.6)
    assert.equal(similarity('Same words', 'same  WORDS'), 1)
  })

  it('pairs an item whose text only grew as reworded, however many words were added', () => {
    const short = parse('# R\n\n## Release\n\n- [ ] Release notes drafted\n').checklist
    const grown = parse(
      '# R\n\n## Release\n\n- [ ] Release notes drafted and reviewed by the release manager\n',
    ).checklist
    const changes = diffChecklist(snapshotOf(short, 'dev'), snapshotOf(grown, 'dev'))
    assert.deepEqual(changes.reworded, [
      { from: 'release/release-notes-drafted', to: grown.items[0]?.id },
    ])
    assert.deepEqual([changes.added, changes.removed], [[], []])
  })

  it('reports an item whose words changed but not its id as reworded into itself', () => {
    const text = (items: string[]) =>
      parse(`# R\n\n## Steps\n${items.map((item) => `- [ ] ${item}\n`).join('')}`).checklist
    const was = text([
      'Check the DNS records',
      'Rotate the Aws keys',
      'Drain the old nodes',
      'Deploy the API',
      'Pinned wording <!-- id: pinned -->',
    ])
    const now = text([
      'check the dns records',
      'Rotate the AWS keys',
      'Drain the old nodes!',
      '🚀 Deploy the API',
      'Another wording altogether <!-- id: pinned -->',
    ])
    assert.deepEqual(
      now.items.map((item) => item.id),
      was.items.map((item) => item.id),
      'the ids did not change',
    )
    const changes = diffChecklist(snapshotOf(was, 'dev'), snapshotOf(now, 'dev'))
    assert.deepEqual(changes.reworded, [
      { from: 'steps/check-the-dns-records', to: 'steps/check-the-dns-records' },
      { from: 'steps/rotate-the-aws-keys', to: 'steps/rotate-the-aws-keys' },
      { from: 'steps/drain-the-old-nodes', to: 'steps/drain-the-old-nodes' },
      { from: 'steps/deploy-the-api', to: 'steps/deploy-the-api' },
      { from: 'pinned', to: 'pinned' },
    ])
    assert.deepEqual([changes.added, changes.removed], [[], []])
  })

  it('reports no change when only white space changed, an item wrapped onto two lines', () => {
    const was = parse('# R\n\n## Steps\n- [ ] Check the DNS records\n').checklist
    const now = parse('# R\n\n## Steps\n- [ ] Check  the DNS\n  records\n').checklist
    assert.notEqual(now.items[0]?.plain, was.items[0]?.plain)
    const changes = diffChecklist(snapshotOf(was, 'dev'), snapshotOf(now, 'dev'))
    assert.deepEqual(changes, { added: [], removed: [], reworded: [] })
  })

  it('reports nothing for an unchanged checklist', () => {
    const changes = diffChecklist(snapshotOf(before, 'dev'), snapshotOf(before, 'dev'))
    assert.deepEqual(changes, { added: [], removed: [], reworded: [] })
  })
})

describe('a resumed run', () => {
  const header: RunHeader = {
    format: RUN_FORMAT,
    id: 'dev-20261122-abcd',
    checklist: { path: '/r.md', title: 'R' },
    environment: 'dev',
    operator: 'ana',
    host: 'laptop',
    startedAt: '2026-11-22T08:00:00.000Z',
    toolVersion: '0.1.0',
  }
  const old = 'deploy/deploy-the-sessions-table-to-dynamodb'
  const journal: JournalEntry[] = [
    {
      type: 'run-started',
      at: header.startedAt,
      by: 'ana',
      sha256: 'a',
      items: snapshotOf(before, 'dev'),
    },
    {
      type: 'item-answered',
      at: '2026-11-22T08:01:00.000Z',
      by: 'ana',
      itemId: old,
      state: 'done',
      note: 'took 3 min',
    },
    {
      type: 'check-finished',
      at: '2026-11-22T08:02:00.000Z',
      itemId: 'deploy/verify-the-health-endpoint-answers',
      result: {
        status: 'pass',
        summary: 'HTTP 200',
        details: [],
        evidence: {},
        outputs: {},
        durationMs: 40,
        at: '2026-11-22T08:02:00.000Z',
      },
    },
  ]

  it('carries answers to reworded items and keeps the old answer in the journal', () => {
    const changes = diffChecklist(snapshotOf(before, 'dev'), snapshotOf(after, 'dev'))
    const state = foldJournal(header, [
      ...journal,
      {
        type: 'resumed',
        at: '2026-11-22T12:00:00.000Z',
        by: 'ana',
        sha256: 'b',
        items: snapshotOf(after, 'dev'),
        changes,
      },
    ])
    assert.equal(state.items['deploy/deploy-the-sessions-table-to-dynamodb-in-eu']?.state, 'done')
    assert.equal(
      state.items['deploy/deploy-the-sessions-table-to-dynamodb-in-eu']?.note,
      'took 3 min',
    )
    assert.equal(state.items[old]?.state, 'done')
    assert.deepEqual(state.sha256History, ['a', 'b'])
  })

  it('keeps the changes of resumes until they are seen, a rewording of a rewording as one', () => {
    const texts = ['Tell the team', 'Tell the whole team', 'Tell the whole team by mail']
    const [v1, v2, v3] = texts.map(
      (text) => parse(`# R\n\n## Steps\n- [ ] ${text}\n`, 'r.md').checklist,
    ) as [Checklist, Checklist, Checklist]
    const snap = (checklist: Checklist) => snapshotOf(checklist, 'dev')
    const resumed = (at: string, from: Checklist, to: Checklist): JournalEntry => ({
      type: 'resumed',
      at,
      by: 'ana',
      sha256: 'x',
      items: snap(to),
      changes: diffChecklist(snap(from), snap(to)),
    })
    const started: JournalEntry = {
      type: 'run-started',
      at: header.startedAt,
      by: 'ana',
      sha256: 'a',
      items: snap(v1),
    }
    // Killed on the what-changed screen after the first resume: nothing says it was seen.
    const unseen = foldJournal(header, [
      started,
      resumed('2026-11-22T09:00:00.000Z', v1, v2),
      resumed('2026-11-22T10:00:00.000Z', v2, v2),
      resumed('2026-11-22T11:00:00.000Z', v2, v3),
    ])
    assert.deepEqual(unseen.unseenChanges?.changes, {
      added: [],
      removed: [],
      reworded: [{ from: 'steps/tell-the-team', to: 'steps/tell-the-whole-team-by-mail' }],
    })
    assert.equal(
      unseen.unseenChanges?.before.find((item) => item.id === 'steps/tell-the-team')?.text,
      'Tell the team',
    )
    const seen = foldJournal(header, [
      started,
      resumed('2026-11-22T09:00:00.000Z', v1, v2),
      { type: 'changes-seen', at: '2026-11-22T09:01:00.000Z', by: 'ana' },
      resumed('2026-11-22T10:00:00.000Z', v2, v2),
    ])
    assert.equal(seen.unseenChanges, undefined)
  })

  it('keeps an item reworded without a new id unseen until seen, from the words last seen', () => {
    const texts = ['Check the DNS records', 'check the dns records', 'Check the DNS records.']
    const [v1, v2, v3] = texts.map(
      (text) => parse(`# R\n\n## Steps\n- [ ] ${text}\n`, 'r.md').checklist,
    ) as [Checklist, Checklist, Checklist]
    const id = 'steps/check-the-dns-records'
    const snap = (checklist: Checklist) => snapshotOf(checklist, 'dev')
    const resumed = (at: string, from: Checklist, to: Checklist): JournalEntry => ({
      type: 'resumed',
      at,
      by: 'ana',
      sha256: to.sha256,
      items: snap(to),
      changes: diffChecklist(snap(from), snap(to)),
    })
    const started: JournalEntry = {
      type: 'run-started',
      at: header.startedAt,
      by: 'ana',
      sha256: v1.sha256,
      items: snap(v1),
    }
    const answered: JournalEntry = {
      type: 'item-answered',
      at: '2026-11-22T08:30:00.000Z',
      by: 'ana',
      itemId: id,
      state: 'done',
    }
    // Twice reworded, the screen never left with enter: shown once, from the words answered.
    const twice = foldJournal(header, [
      started,
      answered,
      resumed('2026-11-22T09:00:00.000Z', v1, v2),
      resumed('2026-11-22T10:00:00.000Z', v2, v3),
    ])
    assert.deepEqual(twice.unseenChanges?.changes.reworded, [{ from: id, to: id }])
    assert.equal(
      twice.unseenChanges?.before.find((item) => item.id === id)?.text,
      'Check the DNS records',
    )
    assert.equal(twice.items[id]?.state, 'done', 'the answer stays on the item')
    assert.deepEqual(twice.rewordedInPlace, {
      [id]: ['Check the DNS records', 'check the dns records'],
    })
    assert.equal(twice.rewordedTo, undefined, 'nothing to carry')
    // Reworded and back, unseen: nothing to show.
    const back = foldJournal(header, [
      started,
      resumed('2026-11-22T09:00:00.000Z', v1, v2),
      resumed('2026-11-22T10:00:00.000Z', v2, v1),
    ])
    assert.deepEqual(back.unseenChanges?.changes, { added: [], removed: [], reworded: [] })
    // Seen: not shown again.
    const seen = foldJournal(header, [
      started,
      resumed('2026-11-22T09:00:00.000Z', v1, v2),
      { type: 'changes-seen', at: '2026-11-22T09:01:00.000Z', by: 'ana' },
      resumed('2026-11-22T10:00:00.000Z', v2, v2),
    ])
    assert.equal(seen.unseenChanges, undefined)
  })

  it('an item reworded to a new id and back with other letter case is still a change', () => {
    const texts = ['Check DNS', 'Check the DNS', 'check dns']
    const [v1, v2, v3] = texts.map(
      (text) => parse(`# R\n\n## Steps\n- [ ] ${text}\n`, 'r.md').checklist,
    ) as [Checklist, Checklist, Checklist]
    const snap = (checklist: Checklist) => snapshotOf(checklist, 'dev')
    const resumed = (at: string, from: Checklist, to: Checklist): JournalEntry => ({
      type: 'resumed',
      at,
      by: 'ana',
      sha256: to.sha256,
      items: snap(to),
      changes: diffChecklist(snap(from), snap(to)),
    })
    const state = foldJournal(header, [
      { type: 'run-started', at: header.startedAt, by: 'ana', sha256: 'a', items: snap(v1) },
      resumed('2026-11-22T09:00:00.000Z', v1, v2),
      resumed('2026-11-22T10:00:00.000Z', v2, v3),
    ])
    assert.deepEqual(state.unseenChanges?.changes.reworded, [
      { from: 'steps/check-dns', to: 'steps/check-dns' },
    ])
  })

  it('wording changed and changed back: the answer given last is the one that stands', () => {
    const neu = 'deploy/deploy-the-sessions-table-to-dynamodb-in-eu'
    const there = diffChecklist(snapshotOf(before, 'dev'), snapshotOf(after, 'dev'))
    const back = diffChecklist(snapshotOf(after, 'dev'), snapshotOf(before, 'dev'))
    const state = foldJournal(header, [
      ...journal,
      {
        type: 'resumed',
        at: '2026-11-22T09:00:00.000Z',
        by: 'ana',
        sha256: 'b',
        items: snapshotOf(after, 'dev'),
        changes: there,
      },
      {
        type: 'item-answered',
        at: '2026-11-22T09:05:00.000Z',
        by: 'ana',
        itemId: neu,
        state: 'failed',
        note: 'wrong region',
      },
      {
        type: 'resumed',
        at: '2026-11-22T10:00:00.000Z',
        by: 'ana',
        sha256: 'a',
        items: snapshotOf(before, 'dev'),
        changes: back,
      },
    ])
    assert.equal(state.items[old]?.state, 'failed')
    assert.equal(state.items[old]?.note, 'wrong region')
  })

  it('runs again only automated results older than the threshold', () => {
    const state = foldJournal(header, journal)
    assert.deepEqual(staleChecks(state, new Date('2026-11-22T08:30:00.000Z')), [])
    assert.deepEqual(staleChecks(state, new Date('2026-11-22T09:30:00.000Z')), [
      'deploy/verify-the-health-endpoint-answers',
    ])
    assert.deepEqual(staleChecks(state, new Date('2026-11-22T08:30:00.000Z'), 60_000), [
      'deploy/verify-the-health-endpoint-answers',
    ])
  })
})

describe('a run’s progress, as `runs` and the resume list show it', () => {
  it('counts what applies to the run’s environment, and an item ticked in the file as done', () => {
    const { checklist } = parse(`---
environments: [dev, prod]
---
# P

## Deploy

- [x] Ticked in the file
- [ ] Answered
- [ ] Pending
- [ ] Production only <!-- only: prod -->
`)
    const header: RunHeader = {
      format: RUN_FORMAT,
      id: 'dev-20261122-prog',
      checklist: { path: '/p.md', title: 'P' },
      environment: 'dev',
      operator: 'ana',
      host: 'laptop',
      startedAt: '2026-11-22T08:00:00.000Z',
      toolVersion: '0.1.0',
    }
    const state = foldJournal(header, [
      {
        type: 'run-started',
        at: header.startedAt,
        by: 'ana',
        sha256: 'a',
        items: snapshotOf(checklist, 'dev'),
      },
      {
        type: 'item-answered',
        at: '2026-11-22T08:01:00.000Z',
        by: 'ana',
        itemId: 'deploy/answered',
        state: 'done',
      },
    ])
    assert.deepEqual(runProgress(state), { answered: 2, total: 3 })
  })
})
