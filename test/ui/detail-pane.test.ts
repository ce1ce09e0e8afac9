/** The detail pane's lines: the id kept whole, evidence as lines to read. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { detailLines, evidenceLines } from '../../src/ui/detail-lines.ts'
import { parse } from '../helpers/fixtures.ts'
// The line functions measure text Ink's way, through Ink's packages (src/ui/text-kit.ts).
import '../../src/ui/text-packages.ts'

const { checklist } = parse(`---
title: Pane
---
## Pre-Deployment
### Testing
- [ ] All unit tests are passing with make test and the coverage report is uploaded
- [ ] Health checks include dependencies <!-- check: http url=https://example.test/health -->
`)

describe('the detail pane', () => {
  it('puts the id on a line of its own when it does not fit beside the state, never splitting it', () => {
    const item = checklist.items[0]
    assert.ok(item)
    const lines = detailLines({
      item,
      record: null,
      live: undefined,
      width: 60,
      now: 0,
      isUntrustedCommand: false,
    }).map((line) => line.text)
    assert.ok(lines.includes('○ pending'), lines.join('\n'))
    const at = lines.findIndex((line) => line.startsWith('id: pre-deployment/'))
    assert.ok(at !== -1, lines.join('\n'))
    assert.equal(lines.slice(at, at + 2).join(''), `id: ${item.id}`)
    // Broken where the id has a boundary, never inside a word.
    assert.match(lines[at] ?? '', /[/-]$/)
  })

  it('counts a retrying check from its first try, and keeps what the last try ended on', () => {
    const item = checklist.items[1]
    assert.ok(item)
    const why =
      'no answer from https://sts.us-east-1.amazonaws.com to sts:GetCallerIdentity within 20s'
    const lines = detailLines({
      item,
      record: null,
      live: { startedAt: 0, attempt: 4, tries: 4, progress: null, lastTry: why },
      width: 200,
      now: 134_000,
      isUntrustedCommand: false,
    }).map((line) => line.text)
    assert.ok(lines.includes('running 2m14s · try 4/4'), lines.join('\n'))
    assert.ok(lines.includes(`last try: ${why}`), lines.join('\n'))
  })

  it('names no one on an item taken back to pending', () => {
    const item = checklist.items[0]
    assert.ok(item)
    const lines = detailLines({
      item,
      // What u leaves: a pending answer, recorded by whoever pressed it.
      record: {
        state: 'pending',
        by: 'ana',
        at: '2026-12-04T18:20:40.000Z',
        note: null,
        check: null,
      },
      live: undefined,
      width: 60,
      now: 0,
      isUntrustedCommand: false,
    }).map((line) => line.text)
    assert.ok(lines.includes('○ pending'), lines.join('\n'))
    assert.doesNotMatch(lines.join('\n'), /ana|18:20/)
  })

  it('warns beside sign-off entries that read against the run, as the sheet does', () => {
    const item = checklist.items[0]
    assert.ok(item)
    const warning = 'chosen while 1 item had failed: Deploy the API'
    const lines = detailLines({
      item,
      record: { state: 'done', by: 'ana', at: '2026-12-04T18:20:40.000Z', note: null, check: null },
      blanks: { text: 'All checks passed: Yes', by: ['ana'], warnings: [warning] },
      live: undefined,
      width: 80,
      now: 0,
      isUntrustedCommand: false,
    })
    const at = lines.findIndex((line) => line.text === 'All checks passed: Yes')
    assert.ok(at !== -1, lines.map((line) => line.text).join('\n'))
    // It said only the answer, in green: a clean claim to whoever reads the pane.
    assert.deepEqual(lines[at + 1], { text: `⚠ ${warning}`, color: 'yellow' })
  })

  it('shows evidence as lines, not JSON', () => {
    assert.deepEqual(evidenceLines('gsi', {}, 1), ['  gsi: none'])
    assert.deepEqual(evidenceLines('ttl', { status: 'DISABLED' }, 1), [
      '  ttl:',
      '    status: DISABLED',
    ])
    assert.deepEqual(evidenceLines('ports', [80, 443], 1), ['  ports: 80, 443'])
    assert.deepEqual(evidenceLines('tables', [{ name: 'a' }], 1), [
      '  tables:',
      '    1:',
      '      name: a',
    ])
    assert.deepEqual(evidenceLines('count', 3, 1), ['  count: 3'])
  })
  it('says why a blocked check never ran, with no duration it never had', () => {
    const item = checklist.items[1]
    assert.ok(item)
    const lines = detailLines({
      item,
      record: {
        state: 'failed',
        by: 'ana',
        byCheck: true,
        at: '2026-12-04T17:13:21.000Z',
        note: null,
        check: {
          status: 'blocked',
          summary: 'blocked: needs stack, which errored',
          details: [],
          evidence: {},
          outputs: {},
          durationMs: 0,
          at: '2026-12-04T17:13:21.000Z',
        },
      },
      live: undefined,
      width: 120,
      now: 0,
      isUntrustedCommand: false,
    }).map((line) => line.text)
    const shown = lines.join('\n')
    assert.match(shown, /^✘ failed by check at \S+ \(blocked: needs stack, which errored\)$/m)
    assert.match(shown, /^⊘ blocked at \S+ — blocked: needs stack, which errored$/m)
    assert.doesNotMatch(shown, /0ms/)
  })

  const failed = (
    check: { summary: string; details: string[]; evidence: Record<string, unknown> },
    width = 80,
  ) => {
    const item = checklist.items[1]
    assert.ok(item)
    return detailLines({
      item,
      record: {
        state: 'failed',
        by: 'ana',
        byCheck: true,
        at: '2026-12-04T17:13:21.000Z',
        note: null,
        check: {
          status: 'fail',
          ...check,
          outputs: {},
          durationMs: 40,
          at: '2026-12-04T17:13:21.000Z',
        },
      },
      live: undefined,
      width,
      now: 0,
      isUntrustedCommand: false,
    }).map((line) => line.text)
  }

  it('keeps nested evidence indented under its field, and a long value beside its key', () => {
    const arn = 'arn:aws:cloudformation:us-east-1:000000000000:stack/DemoShop-dev/6f1e2d3c-demo'
    const lines = failed({
      summary: 'status 500',
      details: [],
      evidence: { headers: { 'content-type': 'application/json' }, stackId: arn },
    })
    const at = lines.indexOf('  headers:')
    assert.ok(at !== -1, lines.join('\n'))
    assert.equal(lines[at + 1], '    content-type: application/json')
    const key = lines.findIndex((line) => line.startsWith('  stackId:'))
    assert.ok(key !== -1 && lines[key] !== '  stackId:', lines.join('\n'))
    assert.equal(`${lines[key]}${lines[key + 1]?.trim()}`, `  stackId: ${arn}`)
    assert.ok(lines.every((line) => line.length <= 80))
  })

  it('does not repeat a detail the summary says, nor evidence the details show', () => {
    const lines = failed(
      {
        summary:
          'table Carts-dev is not as required: TTL is DISABLED (expected ENABLED on expiresAt)',
        details: [
          'TTL is DISABLED (expected ENABLED on expiresAt)',
          'last line of output:',
          'boom',
        ],
        evidence: { table: 'Carts-dev', output: ['boom'] },
      },
      200,
    )
    assert.equal(
      lines.filter((line) => line.includes('TTL is DISABLED')).length,
      1,
      lines.join('\n'),
    )
    assert.equal(lines.filter((line) => line.includes('boom')).length, 1, lines.join('\n'))
    assert.ok(lines.includes('  table: Carts-dev'))
  })
})
