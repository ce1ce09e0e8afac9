/**
 * The sign-off sheet: golden files for a simulated run over each seed checklist
 * (and one with automated checks), the markdown parsed back with the same mdast
 * tooling the checklist parser uses, escaping of everything people type, and the
 * digest that makes edits evident.
 *
 * Golden files live in test/fixtures/sheets/. After an intended change to the
 * sheet, regenerate them and read the diff before committing:
 *
 *   UPDATE_GOLDEN=1 node --import tsx --test test/report/sheet.test.ts
 */
import assert from 'node:assert/strict'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import type { ListItem, Nodes, Root, Table } from 'mdast'
import { fromMarkdown } from 'mdast-util-from-markdown'
import { gfmFromMarkdown } from 'mdast-util-gfm'
import { toString as plainText } from 'mdast-util-to-string'
import { gfm } from 'micromark-extension-gfm'
import type { Checklist } from '../../src/checklist/model.ts'
import { isInScope } from '../../src/checklist/scope.ts'
import { renderSheet } from '../../src/report/sheet.ts'
import { sealSheet, sheetDigest, verifySheet } from '../../src/report/sheet-digest.ts'
import { foldJournal, type JournalEntry, type RunState, reduceRun } from '../../src/run/model.ts'
import { diffChecklist, snapshotOf } from '../../src/run/resume.ts'
import { parse, parseSeed, SEEDS } from '../helpers/fixtures.ts'
import {
  EXPORTED_AT,
  FAILED_NOTE,
  NA_NOTE,
  OPERATOR,
  SECOND_OPERATOR,
  type SimulateOptions,
  SKIP_REASON,
  simulateRun,
  TOOL_VERSION,
} from '../helpers/runs.ts'

const UPDATE = process.env.UPDATE_GOLDEN === '1'
const GOLDEN_DIR = fileURLToPath(new URL('../fixtures/sheets/', import.meta.url))

/** A checklist with every kind of check result, nested items and a sign-off table. */
const AUTOMATED = `---
title: Session API release
vars:
  region: eu-west-1
  stack: SessionApi-\${env}
---
# Session API release

## Pre-Deployment

### Tools
- [ ] Node.js 22 or newer <!-- check: tool name=node version=">=22" -->
- [ ] \`JWT_SECRET\` is at least 32 characters and not the default <!-- check: env name=JWT_SECRET min-length=32 not=changeme -->
- [ ] Change request approved
  - [ ] Rollback owner named in the change request

### Build
- [ ] Build passes <!-- check: command run="npm run build"; timeout: 5m -->

## Deployment
- [ ] Stack is healthy <!-- id: stack; check: cfn.stack name=\${stack} -->
- [ ] Sessions table has TTL on \`expiresAt\` <!-- check: dynamodb.table name=Sessions-\${env} ttl=expiresAt billing=on-demand -->
- [ ] Database credentials exist <!-- id: db-secret; check: secret name=/session-api/\${env}/db -->
- [ ] API answers its health check <!-- check: http url=\${stack.outputs.ApiUrl}/health status=200 -->
- [ ] Sessions endpoint answers <!-- check: http url=\${stack.outputs.ApiUrl}/sessions status=401; needs: db-secret -->

### Production Environment
- [ ] Point-in-time recovery is on <!-- check: dynamodb.table name=Sessions-\${env} pitr=true -->
- [ ] On-call engineer told (production only)

### Staging Environment
- [ ] Load test run against staging

## Sign-Off

| Role | Name | Date | Signature |
|------|------|------|-----------|
| Release manager | | | |
| Service owner | | | |
| Security reviewer | | | approved in SEC-88 |

- [ ] All checks passed: Yes / No
`

const SEED_OPTIONS: Readonly<Record<(typeof SEEDS)[number], SimulateOptions>> = {
  '000_b909c6aec69adf30.txt': {},
  '001_f520cc071e4c9f76.txt': { finished: false },
  '002_330113bd9a5ec9a1.txt': { environment: 'dev' },
  '003_fa378dcafbaacd4c.txt': { changedMidway: true },
  '004_af71a0f7626eb14b.txt': {},
}

interface Case {
  readonly golden: string
  readonly checklist: () => Checklist
  readonly options: SimulateOptions
  /** Entries a team run adds to the simulated journal: approvals, hand-overs. */
  readonly more?: readonly JournalEntry[]
}

/** Two approval gates, for a team run that was handed over and approved at one of them. */
const GATED = `---
title: Gated release
---
# Gated release

## Pre-Deployment
- [ ] Backup taken
- [ ] Release notes reviewed

<!-- gate: approval "Change board" -->

## Deployment
- [ ] Deploy the stack

<!-- gate: approval "Go decision" approver=anyone -->

## Verify
- [ ] Dashboards green
`

const GATED_MORE: readonly JournalEntry[] = [
  {
    type: 'lease-taken-over',
    at: '2026-11-22T10:15:00.000Z',
    by: 'bruno',
    host: 'desk-2',
    arn: 'arn:aws:sts::111111111111:assumed-role/deployer/bruno',
    reason: 'expired',
    from: {
      holder: 'ana',
      host: 'ops-laptop-07',
      arn: 'arn:aws:sts::111111111111:assumed-role/deployer/ana',
      lastSeen: '2026-11-22T10:02:00.000Z',
    },
  },
  {
    type: 'approval-recorded',
    at: '2026-11-22T10:31:00.000Z',
    by: 'Carla Mendes',
    gate: 'Change board',
    arn: 'arn:aws:sts::222222222222:assumed-role/approver/carla',
    account: '222222222222',
    host: 'cab-desk',
    note: 'CAB-1234: go *ahead* | with the rollback plan\nat hand',
  },
]

const CASES: readonly Case[] = [
  ...SEEDS.map(
    (seed): Case => ({
      golden: seed.replace(/\.txt$/, '.md'),
      checklist: () => parseSeed(seed).checklist,
      options: SEED_OPTIONS[seed],
    }),
  ),
  {
    golden: 'automated.md',
    checklist: () => parse(AUTOMATED, 'release.md').checklist,
    options: {},
  },
]

/** A team run with gates, a hand-over and an approval: a golden file of its own. */
const GATED_CASE: Case = {
  golden: 'gated.md',
  checklist: () => parse(GATED, 'gated.md').checklist,
  options: { finished: false },
  more: GATED_MORE,
}

/**
 * An unfinished prod run of a checklist with sign-off fields, answered as ana: `field` finds a
 * field's id by label and role, `entered` and `done` are journal entries, and `sheetAfter`
 * renders the sheet once they are in.
 */
function signoffRun(lines: readonly string[]) {
  const checklist = parse(lines.join('\n'), 'r.md').checklist
  const { header } = simulateRun(checklist, { environment: 'prod', finished: false })
  const at = '2026-11-22T10:00:00.000Z'
  return {
    checklist,
    field: (label: string, role: string | null) =>
      checklist.signoff.find((f) => f.label === label && f.role === role)?.id ?? '',
    entered: (fieldId: string, value: string): JournalEntry => ({
      type: 'signoff-entered',
      at,
      by: 'ana',
      fieldId,
      value,
    }),
    done: (itemId: string): JournalEntry => ({
      type: 'item-answered',
      at,
      by: 'ana',
      itemId,
      state: 'done',
    }),
    sheetAfter: (entries: readonly JournalEntry[]) =>
      renderSheet(checklist, foldJournal(header, entries), {
        now: EXPORTED_AT,
        toolVersion: TOOL_VERSION,
      }),
  }
}

function sheetFor(c: Case): { checklist: Checklist; state: RunState; sheet: string } {
  const checklist = c.checklist()
  const simulated = simulateRun(checklist, c.options).state
  const state = (c.more ?? []).reduce(reduceRun, simulated)
  return {
    checklist,
    state,
    sheet: renderSheet(checklist, state, { now: EXPORTED_AT, toolVersion: TOOL_VERSION }),
  }
}

function mdast(markdown: string): Root {
  return fromMarkdown(markdown, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] })
}

function nodesOf<T extends Nodes['type']>(tree: Nodes, type: T): Extract<Nodes, { type: T }>[] {
  const found: Nodes[] = []
  const visit = (node: Nodes) => {
    if (node.type === type) found.push(node)
    if ('children' in node) for (const child of node.children) visit(child as Nodes)
  }
  visit(tree)
  return found as Extract<Nodes, { type: T }>[]
}

/** Every table has as many cells in each row as in its header, and nothing but the digest is HTML. */
function assertParsesCleanly(sheet: string, label: string): void {
  const tree = mdast(sheet)
  for (const table of nodesOf(tree, 'table') as Table[]) {
    const widths = table.children.map((row) => row.children.length)
    assert.ok(
      widths.every((w) => w === widths[0]),
      `${label}: a table at line ${table.position?.start.line} has rows of ${widths.join(', ')} cells`,
    )
  }
  const html = nodesOf(tree, 'html')
  assert.equal(
    html.length,
    1,
    `${label}: HTML other than the digest: ${html.map((h) => h.value).join(' ')}`,
  )
  assert.match(html[0]?.value ?? '', /^<!-- deploy-wizard sha256:[0-9a-f]{64} -->$/)
  assert.equal(tree.children.at(-1), html[0], `${label}: the digest comment is not the last block`)
}

/** The markdown between a `## title` heading and the next `## `. */
function section(sheet: string, title: string): string {
  const start = sheet.indexOf(`\n## ${title}\n`)
  assert.ok(start >= 0, `no section ${title}`)
  const end = sheet.indexOf('\n## ', start + 1)
  return sheet.slice(start, end < 0 ? undefined : end)
}

const ITEM_LINE = /^\s*- (✅|❌|⏭️|➖|⬜) /

describe('the sign-off sheet of a simulated run', () => {
  for (const c of [...CASES, GATED_CASE]) {
    it(`matches test/fixtures/sheets/${c.golden}`, () => {
      const { sheet } = sheetFor(c)
      const path = `${GOLDEN_DIR}${c.golden}`
      if (UPDATE) {
        mkdirSync(GOLDEN_DIR, { recursive: true })
        writeFileSync(path, sheet)
      }
      assert.equal(
        sheet,
        readFileSync(path, 'utf8'),
        `${c.golden} differs: UPDATE_GOLDEN=1 regenerates it`,
      )
    })

    it(`${c.golden} parses back cleanly, verifies, and lists every item once`, () => {
      const { checklist, sheet } = sheetFor(c)
      assertParsesCleanly(sheet, c.golden)
      assert.deepEqual(verifySheet(sheet).ok, true)
      const items = section(sheet, 'Items')
        .split('\n')
        .filter((line) => ITEM_LINE.test(line))
      assert.equal(items.length, checklist.items.length)
      const overall = sheet.split('\n').find((line) => line.startsWith('| **Overall** |'))
      assert.ok(overall?.endsWith(`| **${checklist.items.length}** |`), overall)
    })
  }

  it('shows each gate: who approved it, as which AWS identity and account, when, and the note; and which wait', () => {
    const { sheet } = sheetFor(GATED_CASE)
    assert.equal(
      section(sheet, 'Approvals'),
      [
        '',
        '## Approvals',
        '',
        '- ✅ **Change board** (after Pre-Deployment, before Deployment): approved by **Carla Mendes**, 2026-11-22 10:31:00 UTC\\',
        '  as `arn:aws:sts::222222222222:assumed-role/approver/carla` (AWS account `222222222222`) on cab-desk\\',
        '  Note: CAB-1234: go \\*ahead\\* \\| with the rollback plan\\',
        '  at hand',
        '- ⬜ **Go decision** (after Deployment, before Verify): **not approved**',
        '',
      ].join('\n'),
    )
    assert.match(
      section(sheet, 'Needs attention'),
      /- ⬜ \*\*Not approved: Go decision\*\*: the run cannot go past this gate until someone approves it/,
    )
    assert.doesNotMatch(section(sheet, 'Needs attention'), /Change board/)
  })

  it('shows who handed the run to whom, when, why, and as which AWS identities', () => {
    const { sheet } = sheetFor(GATED_CASE)
    assert.equal(
      section(sheet, 'Hand-overs'),
      [
        '',
        '## Hand-overs',
        '',
        'The run changed driver; each driver wrote as the AWS identity shown.',
        '',
        "- 2026-11-22 10:15:00 UTC: **bruno** on desk-2 took over from **ana** on ops-laptop-07, last seen 2026-11-22 10:02:00 UTC — ana's lease had expired\\",
        '  from `arn:aws:sts::111111111111:assumed-role/deployer/ana` to `arn:aws:sts::111111111111:assumed-role/deployer/bruno`',
        '',
      ].join('\n'),
    )
  })

  it('has no approvals or hand-overs section for a run with neither', () => {
    const { sheet } = sheetFor(CASES[0] as Case)
    assert.doesNotMatch(sheet, /## Approvals|## Hand-overs/)
  })

  it('puts the run on top: checklist, environment, run id, operators, times, tool, sha256', () => {
    const { checklist, state, sheet } = sheetFor(CASES[0] as Case)
    const head = sheet.slice(0, sheet.indexOf('\n## '))
    assert.match(head, /^# Sign-off sheet: Marketplace API Deployment Checklist\n/)
    assert.ok(head.includes(`- **Environment:** prod`))
    assert.ok(head.includes(`- **Run:** \`${state.header.id}\``))
    assert.ok(head.includes(`- **Operators:** ${OPERATOR}\n`))
    assert.ok(head.includes('- **Started:** 2026-11-22 09:00:00 UTC by ana'))
    assert.match(head, /- \*\*Finished:\*\* 2026-11-22 \d\d:\d\d:00 UTC/)
    assert.ok(head.includes(`- **Tool:** deploy-wizard ${TOOL_VERSION}`))
    assert.ok(head.includes(`\`${checklist.sha256}\`\n  - unchanged during the run`))
  })

  it('says a run is not finished, and names everyone who answered', () => {
    const unfinished = sheetFor(CASES[1] as Case).sheet
    assert.match(unfinished, /- \*\*Finished:\*\* \*\*not finished\*\* \(last activity 2026-11-22 /)
    const resumed = sheetFor(CASES[3] as Case).sheet
    assert.ok(resumed.includes(`- **Operators:** ${OPERATOR}, ${SECOND_OPERATOR}\n`))
    assert.ok(resumed.includes('⚠️ **changed during the run**'))
  })

  it('warns when the checklist file is not the version the run last used', () => {
    const { checklist, state } = sheetFor(CASES[0] as Case)
    const edited = { ...checklist, sha256: 'f'.repeat(64) }
    const sheet = renderSheet(edited, state, { now: EXPORTED_AT, toolVersion: TOOL_VERSION })
    assert.ok(
      sheet.includes(`⚠️ **differs from the version the run last used** (\`${checklist.sha256}\`)`),
    )
    assert.ok(section(sheet, 'Needs attention').includes('not the version the run last used'))
    assert.ok(!sheetFor(CASES[0] as Case).sheet.includes('last used'))
  })

  it('calls out failed, skipped and pending items and failed checks before anything else', () => {
    const { sheet } = sheetFor(CASES.at(-1) as Case)
    const attention = section(sheet, 'Needs attention')
    assert.ok(sheet.indexOf('## Needs attention') < sheet.indexOf('## Summary'))
    const heads = attention.split('\n').filter((line) => line.startsWith('- '))
    assert.deepEqual(
      heads.map((line) => line.replace(/\\$/, '').split(' — ').slice(0, 2).join(' — ')),
      [
        '- ❌ **failed** — Pre-Deployment › Tools › Rollback owner named in the change request',
        '- ❌ **failed** — Deployment › Production Environment › Point-in-time recovery is on',
        '- ⬜ **pending** — Deployment › Database credentials exist',
        '- ⬜ **pending** — Deployment › Sessions endpoint answers',
        '- ⏭️ **skipped** — Pre-Deployment › Build › Build passes',
      ],
    )
    assert.ok(attention.includes('Check `secret`: ⚠️ **error** — AccessDenied'))
    assert.ok(
      attention.includes(
        'Check `http`: ⛔ **blocked** — blocked: needs deployment/database-credentials-exist, which errored',
      ),
    )
    assert.ok(attention.includes('Reason: Built and tested in CI'))
    assert.match(
      sheet,
      /\*\*Result:\*\* ❌ not ready: 2 failed items, 3 checks that did not pass, 1 skipped item, 2 pending items/,
    )
  })

  it('names the blank sign-off fields in the result and under Needs attention, though every item is done', () => {
    const { field, entered, done, sheetAfter } = signoffRun([
      '# R',
      '',
      '## Steps',
      '- [ ] One',
      '',
      '## Sign-off',
      '',
      '**QA Lead:** ____ **Date:** ____',
      '',
      '**Tech Lead:** ____',
      '',
      '**Decision:** GO / NO-GO',
      '',
      '**Notes:** ____',
    ])
    const sheet = sheetAfter([done('steps/one'), entered(field('QA Lead', 'QA Lead'), 'Bo')])
    assert.ok(
      sheet.includes(
        '**Result:** ⬜ incomplete: every item that applies is done, but 3 blank sign-off fields are left',
      ),
    )
    assert.equal(
      section(sheet, 'Needs attention').trim(),
      '## Needs attention\n\n- ⬜ **3 sign-off fields are blank**: QA Lead: Date, Tech Lead, Decision (see [Sign-off entries](#sign-off-entries)).',
    )
  })

  it('leads the result with a decision against the release, and names it under Needs attention', () => {
    const { field, entered, done, sheetAfter } = signoffRun([
      '# R',
      '',
      '## Steps',
      '- [ ] One',
      '',
      '## Sign-off',
      '',
      '**Decision:** GO / NO-GO',
      '',
      '| Role | Name | Approved |',
      '| --- | --- | --- |',
      '| CAB | | [ ] Yes [ ] No |',
    ])
    const sheet = sheetAfter([
      done('steps/one'),
      entered(field('Decision', null), 'NO-GO'),
      entered(field('Name', 'CAB'), 'Bo'),
      entered(field('Approved', 'CAB'), 'No'),
    ])
    assert.ok(
      sheet.includes(
        '**Result:** ⛔ decided against: Decision: NO-GO, CAB: Approved: No; ✅ complete: every item that applies is done',
      ),
      sheet,
    )
    assert.match(
      section(sheet, 'Needs attention'),
      /- ⛔ \*\*Decided against the release\*\*: Decision: NO-GO, CAB: Approved: No/,
    )
    // GO and Yes decide nothing against it.
    const go = sheetAfter([
      done('steps/one'),
      entered(field('Decision', null), 'GO'),
      entered(field('Name', 'CAB'), 'Bo'),
      entered(field('Approved', 'CAB'), 'Yes'),
    ])
    assert.doesNotMatch(go, /⛔/)
  })

  it('names the role of an item answered by a decision on its line, once', () => {
    const { checklist, entered, done, sheetAfter } = signoffRun([
      '# R',
      '',
      '## Sign-Off',
      '',
      '- [ ] **Business Owner:** GO / NO-GO - [Signature] [Date]',
    ])
    const [decision, date] = checklist.signoff.filter((f) => f.type !== 'signature')
    const sheet = sheetAfter([
      entered(decision?.id ?? '', 'NO-GO'),
      entered(date?.id ?? '', '2026-11-22'),
      done(checklist.items[0]?.id ?? ''),
    ])
    assert.match(
      sheet,
      /^- ✅ done — Business Owner — Decision: NO-GO · Date: 2026-11-22 — entered by ana/m,
    )
  })

  it('says when a team run was driven offline from a machine’s copy, and by whom', () => {
    const checklist = parse('# R\n\n## Steps\n- [ ] One\n', 'r.md').checklist
    const { header, journal } = simulateRun(checklist, { environment: 'prod', finished: false })
    const resumed = (offline: boolean): JournalEntry => ({
      type: 'resumed',
      at: '2026-11-22T10:05:00.000Z',
      by: 'ana',
      sha256: checklist.sha256,
      items: [],
      changes: { added: [], removed: [], reworded: [] },
      ...(offline ? { offline: true as const } : {}),
    })
    const render = (entries: JournalEntry[]) =>
      renderSheet(checklist, foldJournal(header, [...journal, ...entries]), {
        now: EXPORTED_AT,
        toolVersion: TOOL_VERSION,
      })
    assert.match(
      section(render([resumed(true)]), 'Hand-overs'),
      /^- ⚠️ \*\*Driven offline\*\* from .+ by \*\*ana\*\*: opened from that machine's copy/m,
    )
    assert.doesNotMatch(render([resumed(false)]), /Driven offline|## Hand-overs/)
  })

  it('says nothing needs attention when everything that applies is done', () => {
    const checklist = parse(
      '# R\n\n## Steps\n- [ ] One\n- [ ] Two (staging only)\n',
      'r.md',
    ).checklist
    const { header, journal } = simulateRun(checklist, { environment: 'prod' })
    const state = foldJournal(header, [
      ...journal,
      {
        type: 'item-answered',
        at: '2026-11-22T10:00:00.000Z',
        by: 'ana',
        itemId: 'steps/one',
        state: 'done',
      },
    ])
    const sheet = renderSheet(checklist, state, { now: EXPORTED_AT, toolVersion: TOOL_VERSION })
    assert.ok(section(sheet, 'Needs attention').includes('Nothing needs attention'))
    assert.ok(sheet.includes('**Result:** ✅ complete: every item that applies is done'))
    assert.ok(
      sheet.includes('- ➖ n/a — Two (staging only) — applies to staging only (item text, line 5)'),
    )
  })

  it('says how many numbered steps of a procedure with no task items were not answered, never just complete', () => {
    const checklist = parse(
      [
        '# R',
        '## Pre-Deployment',
        '- [ ] Backup created',
        '## Deployment',
        '### Deploy to Server',
        '1. Stop the application',
        '2. Copy the new version',
        '3. Start the application',
        '## 4. Publish the release',
        '1. Publish the draft',
        '## Next Steps',
        '1. Celebrate',
        '',
      ].join('\n'),
      'r.md',
    ).checklist
    const { header, journal } = simulateRun(checklist, { environment: 'prod' })
    const state = foldJournal(header, [
      ...journal,
      {
        type: 'item-answered',
        at: '2026-11-22T10:00:00.000Z',
        by: 'ana',
        itemId: 'pre-deployment/backup-created',
        state: 'done',
      },
    ])
    const sheet = renderSheet(checklist, state, { now: EXPORTED_AT, toolVersion: TOOL_VERSION })
    assert.ok(
      sheet.includes(
        '**Result:** ✅ complete: every item that applies is done, but 4 numbered steps were not answered (Deployment, 4. Publish the release)',
      ),
      sheet,
    )
    assert.ok(
      sheet.includes(
        '- Deployment (line 4): 3 numbered steps, not answered: write them as "1. \\[ \\] …"',
      ),
      section(sheet, 'Reference pages'),
    )
    assert.ok(
      sheet.includes(
        '- ≡ 4. Publish the release — 1 numbered step, not answered: write them as "1. \\[ \\] …"',
      ),
      section(sheet, 'Items'),
    )
    // A list of next steps is no procedure of the deployment.
    assert.ok(sheet.includes('- Next Steps (line 11)\n'), section(sheet, 'Reference pages'))
    assertParsesCleanly(sheet, 'r.md')
  })

  it('never calls a run of a checklist with no task items complete: it says it had no steps to answer', () => {
    const checklist = parse(
      '# R\n\n## Steps\n\n1. Deploy to production\n2. Run smoke tests\n\n## Sign-off\n\n- Approved by: ____\n',
      'r.md',
    ).checklist
    assert.equal(checklist.items.length, 0)
    const { header, journal } = simulateRun(checklist, { environment: 'prod' })
    const sheet = renderSheet(checklist, foldJournal(header, journal), {
      now: EXPORTED_AT,
      toolVersion: TOOL_VERSION,
    })
    assert.ok(!sheet.includes('✅ complete'), sheet)
    assert.ok(!sheet.includes('every item'), sheet)
    assert.ok(!sheet.includes('Nothing needs attention'), sheet)
    assert.ok(
      sheet.includes(
        '**Result:** ⚠️ no steps: this checklist has no steps to answer (no task items), so the run asked only for its sign-off',
      ),
      sheet,
    )
    assert.ok(section(sheet, 'Needs attention').includes('⚠️ **No steps were answered**'))
    assert.ok(section(sheet, 'Items').includes('None: the checklist has no task items.'))
  })

  it('says so when none of the checklist’s items applies to the run’s environment', () => {
    const checklist = parse('# R\n\n## Steps\n- [ ] Two (staging only)\n', 'r.md').checklist
    const { header, journal } = simulateRun(checklist, { environment: 'prod' })
    const sheet = renderSheet(checklist, foldJournal(header, journal), {
      now: EXPORTED_AT,
      toolVersion: TOOL_VERSION,
    })
    assert.ok(
      sheet.includes(
        "**Result:** ⚠️ no steps: none of the checklist's 1 item applies to prod, so the run asked only for its sign-off",
      ),
      sheet,
    )
    assert.ok(!section(sheet, 'Needs attention').includes('Nothing needs attention'))
  })

  it('shows an item said to apply here after all with its answer, who said so and the checklist’s scope', () => {
    const checklist = parse(
      '# R\n\n## Steps\n- [ ] One\n- [ ] Two (staging only)\n',
      'r.md',
    ).checklist
    const { header, journal } = simulateRun(checklist, { environment: 'prod' })
    const state = foldJournal(header, [
      ...journal,
      {
        type: 'scope-overridden',
        at: '2026-11-22T10:00:00.000Z',
        by: 'bruno',
        itemId: 'steps/two-staging-only',
        applies: true,
      },
      {
        type: 'item-answered',
        at: '2026-11-22T10:01:00.000Z',
        by: 'bruno',
        itemId: 'steps/two-staging-only',
        state: 'done',
      },
    ])
    const sheet = renderSheet(checklist, state, { now: EXPORTED_AT, toolVersion: TOOL_VERSION })
    assert.ok(
      section(sheet, 'Items').includes(
        '- ✅ done — Two (staging only) — bruno, 2026-11-22 10:01\\\n' +
          '  Applies here after all: bruno, 2026-11-22 10:00; the checklist says staging only (item text, line 5)',
      ),
      section(sheet, 'Items'),
    )
    assert.ok(
      section(sheet, 'Needs attention').includes(
        '- ⚠️ **1 item applies here after all**: the checklist scopes it to other environments; the operator said otherwise (see [Items](#items)).',
      ),
    )
    assert.match(section(sheet, 'Summary'), /\| Steps \| 2 \| 0 \| 0 \| 0 \| 0 \| 2 \|/)
    // Taken back, the checklist's scope stands again: n/a, with its reason.
    const undone = foldJournal(header, [
      ...journal,
      {
        type: 'scope-overridden',
        at: '2026-11-22T10:00:00.000Z',
        by: 'bruno',
        itemId: 'steps/two-staging-only',
        applies: true,
      },
      {
        type: 'scope-overridden',
        at: '2026-11-22T10:02:00.000Z',
        by: 'bruno',
        itemId: 'steps/two-staging-only',
        applies: false,
      },
    ])
    assert.ok(
      renderSheet(checklist, undone, { now: EXPORTED_AT, toolVersion: TOOL_VERSION }).includes(
        '- ➖ n/a — Two (staging only) — applies to staging only (item text, line 5)',
      ),
    )
  })

  it('shows items that do not apply to the environment as n/a, with why', () => {
    const c = CASES[0] as Case
    const { checklist, sheet } = sheetFor(c)
    const outside = checklist.items.filter((i) => !isInScope(i.scope, 'prod'))
    assert.ok(outside.length > 0)
    const items = section(sheet, 'Items')
    for (const item of outside) {
      assert.ok(items.includes(`- ➖ n/a — ${item.text} — applies to `), item.text)
    }
    assert.ok(items.includes('applies to staging only (section "Staging Deployment", line 205)'))
    // A lone sub-heading naming an environment inside a phase every run goes through scopes
    // nothing: its items are answered in prod too.
    assert.ok(!items.includes('section "3. Deploy to Development"'))
  })

  it('writes notes and skip reasons under their items, line by line', () => {
    const { sheet } = sheetFor(CASES[3] as Case)
    const [first, second] = FAILED_NOTE.split('\n')
    assert.ok(sheet.includes(`  Note: ${first}\\\n  ${second}\n`))
    assert.ok(sheet.includes(`  Reason: ${SKIP_REASON}\n`))
  })

  it('shows a check compactly: status, summary, duration, and evidence as key: value', () => {
    const items = section(sheetFor(CASES.at(-1) as Case).sheet, 'Items')
    assert.ok(
      items.includes(
        'Check `cfn.stack`: ✅ pass — SessionApi-prod UPDATE_COMPLETE, 2 outputs (1.4s, ',
      ),
    )
    assert.ok(
      items.includes(
        '  * outputs.ApiUrl: https://k3x9q2.execute-api.eu-west-1.amazonaws.com/prod\n',
      ),
    )
    assert.ok(items.includes('  * ttl.status: ENABLED\n  * ttl.attribute: expiresAt\n'))
    assert.ok(items.includes('  * gsi: (none)\n'))
    assert.ok(
      !/\{"(stack|table|ttl|outputs)"/.test(items),
      'evidence objects are flattened, not dumped',
    )
  })

  it('credits a result the check decided to the check, and a person’s answer to the person', () => {
    const items = section(sheetFor(CASES.at(-1) as Case).sheet, 'Items')
    // The check passed and marked it done: no person attested it.
    assert.match(
      items,
      /^- ✅ done — Node\.js 22 or newer — verified by check, 2026-11-22 \d\d:\d\d\\$/m,
    )
    assert.doesNotMatch(items, /Node\.js 22 or newer — ana/)
    // The operator answered the failure, with a note: theirs, and the check's result beside it.
    assert.match(
      items,
      /^- ❌ \*\*failed\*\* — Point-in-time recovery is on — ana, 2026-11-22 \d\d:\d\d\\\n(?: {2}.+\\\n)* {2}Check `dynamodb\.table`: ❌ \*\*fail\*\*/m,
    )
  })

  it('labels a note on an n/a item a note, and a skip’s reason a reason', () => {
    const { sheet } = sheetFor(CASES[0] as Case)
    assert.ok(sheet.includes(`  Note: ${NA_NOTE}\n`))
    assert.doesNotMatch(sheet, /^\s*Why:/m)
  })

  it('lists answers to items no longer in the checklist on their own', () => {
    const { sheet } = sheetFor(CASES[3] as Case)
    const removed = section(sheet, 'Answers to removed items')
    assert.ok(
      removed.includes(
        '- ✅ done — Announce the release in the #legacy channel (`pre-deployment/announce-the-release-in-the-legacy-channel`) — ana, ',
      ),
    )
    assert.ok(removed.includes('Note: Done before the step was dropped from the checklist.'))
    assert.ok(
      section(sheet, 'Needs attention').includes('1 answer to items no longer in the checklist'),
    )
    assert.ok(!sheetFor(CASES[0] as Case).sheet.includes('## Answers to removed items'))
  })

  it('shows a reworded item’s answer once, on the item as it reads now, with its old wording', () => {
    const checklist = parse('# R\n\n## Steps\n- [ ] Tell the team\n', 'r.md').checklist
    const { header, journal } = simulateRun(checklist, { finished: false })
    const state = foldJournal(header, [
      ...journal.slice(0, 1), // started, nothing answered yet
      {
        type: 'item-answered',
        at: '2026-11-22T10:00:00.000Z',
        by: 'ana',
        itemId: 'steps/tell-the-teams',
        state: 'done',
      },
      {
        type: 'resumed',
        at: '2026-11-22T10:05:00.000Z',
        by: 'ana',
        sha256: checklist.sha256,
        items: [],
        changes: {
          added: [],
          removed: [],
          reworded: [{ from: 'steps/tell-the-teams', to: 'steps/tell-the-team' }],
        },
      },
    ])
    const sheet = renderSheet(checklist, state, { now: EXPORTED_AT, toolVersion: TOOL_VERSION })
    assert.ok(sheet.includes('- ✅ done — Tell the team — ana, 2026-11-22 10:00'))
    assert.ok(!sheet.includes('## Answers to removed items'), 'its answer was not lost')
    assert.doesNotMatch(sheet, /no longer in the checklist/)
  })

  it('counts and lists only answers to items truly removed, not rewordings carried over', () => {
    const versions = [
      '# R\n\n## Steps\n- [ ] Announce in the channel\n- [ ] Ring the bell\n',
      '# R\n\n## Steps\n- [ ] Announce in the #deploys channel\n- [ ] Ring the bell\n',
      '# R\n\n## Steps\n- [ ] Announce in the #deploys channel on Slack, and email the list\n',
    ].map((text) => parse(text, 'r.md').checklist)
    const [v1, v2, v3] = versions as [Checklist, Checklist, Checklist]
    const { header, journal } = simulateRun(v1, { finished: false })
    const answered = (itemId: string, state: 'done' | 'failed', at: string) =>
      ({ type: 'item-answered', at, by: 'ana', itemId, state, note: 'bot down' }) as const
    const state = foldJournal(header, [
      ...journal.slice(0, 1),
      answered('steps/announce-in-the-channel', 'failed', '2026-11-22T10:00:00.000Z'),
      answered('steps/ring-the-bell', 'done', '2026-11-22T10:01:00.000Z'),
      {
        type: 'resumed',
        at: '2026-11-22T10:05:00.000Z',
        by: 'ana',
        sha256: v2.sha256,
        items: snapshotOf(v2, 'dev'),
        changes: diffChecklist(snapshotOf(v1, 'dev'), snapshotOf(v2, 'dev')),
      },
      {
        type: 'resumed',
        at: '2026-11-22T10:10:00.000Z',
        by: 'ana',
        sha256: v3.sha256,
        items: snapshotOf(v3, 'dev'),
        changes: diffChecklist(snapshotOf(v2, 'dev'), snapshotOf(v3, 'dev')),
      },
    ])
    assert.equal(Object.keys(state.rewordedTo ?? {}).length, 2, 'reworded twice')
    const sheet = renderSheet(v3, state, { now: EXPORTED_AT, toolVersion: TOOL_VERSION })
    assert.ok(
      section(sheet, 'Needs attention').includes('1 answer to items no longer in the checklist'),
    )
    const removed = section(sheet, 'Answers to removed items')
    assert.ok(removed.includes('- ✅ done — Ring the bell (`steps/ring-the-bell`) — ana, '))
    assert.doesNotMatch(removed, /Announce/)
    assert.equal(sheet.match(/❌ \*\*failed\*\*/g)?.length, 2, 'in Needs attention and Items only')
    assert.ok(
      section(sheet, 'Items').includes(
        '- ❌ **failed** — Announce in the #deploys channel on Slack, and email the list — ana, 2026-11-22 10:00\\\n' +
          '  Reworded during the run; it read “Announce in the channel”, then “Announce in the #deploys channel”\\\n' +
          '  Note: bot down',
      ),
    )
  })

  it('shows the words an answer was given to when an item was reworded without a new id', () => {
    const versions = [
      '# R\n\n## Steps\n- [ ] Check the DNS records\n- [ ] Announce in the channel\n',
      '# R\n\n## Steps\n- [ ] check the dns records\n- [ ] announce in the channel\n',
      '# R\n\n## Steps\n- [ ] check the dns records!\n- [ ] Announce in the #deploys channel\n',
    ].map((text) => parse(text, 'r.md').checklist)
    const [v1, v2, v3] = versions as [Checklist, Checklist, Checklist]
    const { header, journal } = simulateRun(v1, { finished: false })
    const resumed = (at: string, from: Checklist, to: Checklist): JournalEntry => ({
      type: 'resumed',
      at,
      by: 'ana',
      sha256: to.sha256,
      items: snapshotOf(to, 'dev'),
      changes: diffChecklist(snapshotOf(from, 'dev'), snapshotOf(to, 'dev')),
    })
    const answered = (itemId: string, at: string): JournalEntry => ({
      type: 'item-answered',
      at,
      by: 'ana',
      itemId,
      state: 'done',
    })
    const state = foldJournal(header, [
      ...journal.slice(0, 1),
      answered('steps/check-the-dns-records', '2026-11-22T10:00:00.000Z'),
      answered('steps/announce-in-the-channel', '2026-11-22T10:01:00.000Z'),
      resumed('2026-11-22T10:05:00.000Z', v1, v2),
      resumed('2026-11-22T10:10:00.000Z', v2, v3),
    ])
    const items = section(
      renderSheet(v3, state, { now: EXPORTED_AT, toolVersion: TOOL_VERSION }),
      'Items',
    )
    assert.ok(
      items.includes(
        '- ✅ done — check the dns records! — ana, 2026-11-22 10:00\\\n' +
          '  Reworded during the run; it read “Check the DNS records”, then “check the dns records”',
      ),
      items,
    )
    // Its case changed, then its id: the wordings in the order they were read.
    assert.ok(
      items.includes(
        '- ✅ done — Announce in the #deploys channel — ana, 2026-11-22 10:01\\\n' +
          '  Reworded during the run; it read “Announce in the channel”, then “announce in the channel”',
      ),
      items,
    )
  })

  it('names an answer to a removed item by the text it had, not only its id', () => {
    const before = parse(
      '# R\n\n## Steps\n- [ ] Tell the team\n- [ ] Ring the bell\n',
      'r.md',
    ).checklist
    const after = parse('# R\n\n## Steps\n- [ ] Tell the team\n', 'r.md').checklist
    const { header, journal } = simulateRun(before, { finished: false })
    const state = foldJournal(header, [
      ...journal.slice(0, 1),
      {
        type: 'item-answered',
        at: '2026-11-22T10:00:00.000Z',
        by: 'ana',
        itemId: 'steps/ring-the-bell',
        state: 'done',
      },
      {
        type: 'resumed',
        at: '2026-11-22T10:05:00.000Z',
        by: 'ana',
        sha256: after.sha256,
        items: snapshotOf(after, 'dev'),
        changes: { added: [], removed: ['steps/ring-the-bell'], reworded: [] },
      },
    ])
    const sheet = renderSheet(after, state, { now: EXPORTED_AT, toolVersion: TOOL_VERSION })
    assert.ok(
      section(sheet, 'Answers to removed items').includes(
        '- ✅ done — Ring the bell (`steps/ring-the-bell`) — ana, 2026-11-22 10:00',
      ),
    )
  })

  it('lists the sign-off fields with what was entered, and blank lines for the rest', () => {
    const signoff = section(sheetFor(CASES.at(-1) as Case).sheet, 'Sign-off entries')
    assert.deepEqual(signoff.trim().split('\n').slice(1), [
      '',
      '| Role | Field | Entry | Entered by |',
      '| --- | --- | --- | --- |',
      '| Release manager | Name | Ana Souza | ana, 2026-11-22 09:42 |',
      '| Release manager | Date | 2026-11-22 | ana, 2026-11-22 09:44 |',
      '| Release manager | Signature | ______ |  |',
      '| Service owner | Name | Diego Ferreira | ana, 2026-11-22 09:46 |',
      '| Service owner | Date | 2026-11-22 | ana, 2026-11-22 09:48 |',
      '| Service owner | Signature | ______ |  |',
      '| Security reviewer | Name | Bruno Lima | ana, 2026-11-22 09:50 |',
      '| Security reviewer | Date | 2026-11-22 | ana, 2026-11-22 09:52 |',
      '| Security reviewer | Signature | approved in SEC-88 | in the checklist |',
      // "Yes" entered while two items had failed, with no warning recorded (the simulated run
      // never asks): the sheet does not show it clean.
      '|  | All checks passed | ☑ Yes · ☐ No · ⚠ chosen while 2 items had failed: Rollback owner named in the change request · Point-in-time recovery is on | ana, 2026-11-22 09:54 |',
      '',
      '---',
      '',
      `Exported by deploy-wizard ${TOOL_VERSION} at 2026-11-22 23:30:00 UTC. Times are UTC.`,
      'The digest below covers everything above it; `deploy-wizard verify <sheet.md>` says whether the sheet was edited after export.',
      '',
      signoff.trim().split('\n').at(-2),
      signoff.trim().split('\n').at(-1),
    ])
    const dev = section(sheetFor(CASES[2] as Case).sheet, 'Sign-off entries')
    assert.ok(dev.includes('| All checks passed | ☑ Yes · ☐ No '))
    assert.ok(
      dev.includes(
        '8 fields for other environments not shown: prod only (section "Production Deployment", line 238).',
      ),
    )
  })
})

describe('reference pages', () => {
  it('lists the sections with nothing to complete that apply, by title and line', () => {
    const checklist = parse(
      [
        '---',
        'environments: [dev, prod]',
        '---',
        '# R',
        '## Steps',
        '- [ ] One',
        '## Rollback *plan*',
        'Revert the tag.',
        '## Dev reset (dev only)',
        'Drop the dev database.',
        '## Contacts | on call',
        'Ana.',
        '',
      ].join('\n'),
      'r.md',
    ).checklist
    const { header, journal } = simulateRun(checklist, { environment: 'prod' })
    const sheet = renderSheet(checklist, foldJournal(header, journal), {
      now: EXPORTED_AT,
      toolVersion: TOOL_VERSION,
    })
    assert.ok(sheet.indexOf('## Reference pages') < sheet.indexOf('## Sign-off entries'))
    assert.deepEqual(
      section(sheet, 'Reference pages')
        .split('\n')
        .filter((line) => line.startsWith('- ')),
      ['- Rollback plan (line 7)', '- Contacts \\| on call (line 11)'],
    )
    assertParsesCleanly(sheet, 'r.md')
  })

  it('leaves the part out when every section has items', () => {
    const checklist = parse('# R\n\n## Steps\n- [ ] One\n', 'r.md').checklist
    const { header, journal } = simulateRun(checklist, { environment: 'prod' })
    const sheet = renderSheet(checklist, foldJournal(header, journal), {
      now: EXPORTED_AT,
      toolVersion: TOOL_VERSION,
    })
    assert.ok(!sheet.includes('## Reference pages'))
  })
})

describe('steps written as prose', () => {
  const checklist = parse(
    [
      '---',
      'environments: [dev, prod]',
      '---',
      '# R',
      '## Deploy',
      '### Step 1: Back up the database (mandatory)',
      '```bash',
      'mysqldump app > backup.sql',
      '```',
      '### Step 2: Functional test',
      '- [ ] Log in works',
      '### Dev reset (dev only)',
      'Drop the dev database.',
      '## 3. Tell the team',
      'Say so in the release channel.',
      '## Rollback plan',
      'Revert the tag.',
      '',
    ].join('\n'),
    'p.md',
  ).checklist
  const sheetFor = (environment: string) => {
    const { header, journal } = simulateRun(checklist, { environment })
    return renderSheet(checklist, foldJournal(header, journal), {
      now: EXPORTED_AT,
      toolVersion: TOOL_VERSION,
    })
  }

  it('lists each in its phase where the wizard shows it, saying it was not answered', () => {
    const sheet = sheetFor('prod')
    assert.deepEqual(
      section(sheet, 'Items')
        .split('\n')
        .filter((line) => line.startsWith('#') || line.startsWith('- ')),
      [
        '## Items',
        '### Deploy',
        '- ≡ Step 1: Back up the database (mandatory) — written as prose, not answered',
        '#### Step 2: Functional test',
        '- ✅ done — Log in works — ana, 2026-11-22 09:02',
        '### Deploy (continued)',
        '- ≡ 3. Tell the team — written as prose, not answered',
      ],
    )
    assertParsesCleanly(sheet, 'p.md')
    // Sealed as any sheet: verify still holds.
    assert.ok(verifySheet(sheet).ok)
  })

  it('leaves out a step written as prose for another environment, as the wizard does', () => {
    assert.ok(!sheetFor('prod').includes('Dev reset'))
    assert.ok(sheetFor('dev').includes('- ≡ Dev reset (dev only) — written as prose, not answered'))
  })
})

describe('signature lines', () => {
  /** The sign-off table's rows as [role, field] pairs. */
  function signoffRows(sheet: string): [string, string][] {
    const table = nodesOf(mdast(section(sheet, 'Sign-off entries')), 'table')[0]
    if (!table) return []
    const [header, ...rows] = table.children.map((row) => row.children.map((c) => plainText(c)))
    if (header?.[0] !== 'Role') return (rows as string[][]).map((r) => ['', r[0] ?? ''])
    return (rows as string[][]).map((r) => [r[0] ?? '', r[1] ?? ''])
  }

  it('gives every role in the sign-off one line to sign, whatever the checklist wrote', () => {
    for (const c of CASES) {
      const rows = signoffRows(sheetFor(c).sheet)
      const roles = [...new Set(rows.map(([role]) => role).filter(Boolean))]
      for (const role of roles) {
        const signatures = rows.filter(([r, field]) => r === role && field === 'Signature')
        assert.equal(signatures.length, 1, `${c.golden}: ${role} has ${signatures.length}`)
      }
    }
  })

  it('adds one after a role the checklist asks only a name and a date of', () => {
    const rows = signoffRows(sheetFor(CASES[0] as Case).sheet)
    assert.deepEqual(rows.slice(0, 3), [
      ['Development Lead', 'Name'],
      ['Development Lead', 'Date'],
      ['Development Lead', 'Signature'],
    ])
  })

  it('reads "Deployed by: ____" and "Approved by: ____" as roles, each with its own line', () => {
    const { sheet } = sheetFor(CASES[3] as Case)
    assert.deepEqual(signoffRows(sheet), [
      ['Deployed by', 'Name'],
      ['Deployed by', 'Signature'],
      ['Approved by', 'Name'],
      ['Approved by', 'Signature'],
      ['', 'Date'],
    ])
    assert.ok(sheet.includes('| Deployed by | Name | Ana Souza | bruno, 2026-11-22 12:30 |'))
    assert.ok(sheet.includes('| Deployed by | Signature | ______ |  |'))
  })

  it('takes a Signature the checklist’s table already holds as the role’s, adding no blank one', () => {
    const checklist = parse(
      [
        '# R',
        '## Steps',
        '- [ ] Deploy',
        '## Sign-Off',
        '| Role | Name | Signature |',
        '|------|------|-----------|',
        '| Security reviewer | | approved in SEC-88 |',
        '| Change board | CAB-12 | ______ |',
        '',
      ].join('\n'),
    ).checklist
    const { state } = simulateRun(checklist)
    const sheet = renderSheet(checklist, state, { now: EXPORTED_AT, toolVersion: TOOL_VERSION })
    const table = section(sheet, 'Sign-off entries')
    assert.deepEqual(signoffRows(sheet), [
      ['Security reviewer', 'Name'],
      ['Security reviewer', 'Signature'],
      ['Change board', 'Signature'],
    ])
    assert.ok(
      table.includes('| Security reviewer | Signature | approved in SEC-88 | in the checklist |'),
    )
    // A cell drawn as a line to write on is a blank, not a signature.
    assert.ok(table.includes('| Change board | Signature | ______ |  |'))
  })

  it('prints every field found, in the checklist’s order and words, whatever shape it was written in', () => {
    const checklist = parse(
      [
        '# Liberação',
        '## Passos',
        '- [ ] Implantar',
        '## ✅ Aprovação',
        '**Deploy concluído por:** \\_\\_\\_\\_ **Data:** \\_\\_\\_\\_',
        '',
        '- [ ] Rollback testado: Sim / Não',
        '',
        '| Papel | Nome | Assinatura |',
        '|---|---|---|',
        '| Gerente de TI | | |',
        '',
        '**Unterschriften:**',
        '- CIO: ____ Datum: ____',
        '',
        '## 判定',
        '- [ ] GO',
        '- [ ] NO-GO',
        '',
      ].join('\n'),
    ).checklist
    const { state } = simulateRun(checklist)
    const sheet = renderSheet(checklist, state, { now: EXPORTED_AT, toolVersion: TOOL_VERSION })
    const rows = nodesOf(mdast(section(sheet, 'Sign-off entries')), 'tableRow')
      .slice(1)
      .map((row) =>
        row.children
          .slice(0, 3)
          .map((cell) => plainText(cell))
          .join(' | '),
      )
    assert.deepEqual(rows, [
      'Deploy concluído por | Name | Ana Souza',
      'Deploy concluído por | Data | 2026-11-22',
      'Deploy concluído por | Signature | ______',
      ' | Rollback testado | ☐ Sim · ☐ Não',
      'Gerente de TI | Nome | Diego Ferreira',
      'Gerente de TI | Assinatura | ______',
      'CIO | Name | ______',
      'CIO | Datum | 2026-11-22',
      'CIO | Signature | ______',
      ' | 判定 | ☑ GO · ☐ NO-GO',
    ])
  })

  it('leaves a version, a date or a choice without one', () => {
    const rows = signoffRows(sheetFor(CASES[2] as Case).sheet)
    assert.deepEqual(
      rows.filter(([, field]) => field === 'Signature'),
      [['Deployed by', 'Signature']],
    )
  })
})

describe('text people type or checks report', () => {
  const NASTY = [
    'pipe | in a table',
    'stars *bold* and _under_ and ~~strike~~ and `code` and ``two``',
    '<script>alert(1)</script> <img src=x onerror=alert(1)> <!-- comment -->',
    '# not a heading',
    '- not a list',
    '1. not a numbered list',
    '> not a quote',
    '---',
    '[link](https://evil.example) ![img](x.png) &amp; &#60; $x^2$ \\ trailing backslash \\',
  ].join('\n')

  function nastyRun(): { checklist: Checklist; sheet: string } {
    const checklist = parse(
      '# R\n\n## Steps\n- [ ] Check <!-- check: tool name=node -->\n- [ ] Plain step\n\n## Sign-off\n- [ ] Deployed by: ________\n',
      'r.md',
    ).checklist
    const journal: JournalEntry[] = [
      {
        type: 'run-started',
        at: '2026-11-22T09:00:00.000Z',
        by: 'a*n|a',
        sha256: checklist.sha256,
        items: [],
      },
      {
        type: 'check-finished',
        at: '2026-11-22T09:01:00.000Z',
        itemId: 'steps/check',
        result: {
          status: 'fail',
          summary: 'summary | with <b>html</b>\nand a newline',
          details: ['detail | `tick`'],
          evidence: {
            'k|ey': 'v | <i>x</i>\n# h',
            long: 'x'.repeat(500),
            nested: { deep: { deeper: { deepest: 1 } } },
          },
          outputs: {},
          durationMs: 5,
          at: '2026-11-22T09:01:00.000Z',
        },
      },
      {
        type: 'item-answered',
        at: '2026-11-22T09:02:00.000Z',
        by: 'a*n|a',
        itemId: 'steps/check',
        state: 'failed',
        note: NASTY,
      },
      {
        type: 'item-answered',
        at: '2026-11-22T09:03:00.000Z',
        by: 'a*n|a',
        itemId: 'steps/plain-step',
        state: 'skipped',
        note: NASTY,
      },
      {
        type: 'signoff-entered',
        at: '2026-11-22T09:04:00.000Z',
        by: 'a*n|a',
        fieldId: checklist.signoff[0]?.id ?? '',
        value: 'Ana | <b>Souza</b>\nsecond line',
      },
    ]
    const header = simulateRun(checklist).header
    const state = foldJournal({ ...header, operator: 'a*n|a' }, journal)
    return {
      checklist,
      sheet: renderSheet(checklist, state, { now: EXPORTED_AT, toolVersion: TOOL_VERSION }),
    }
  }

  it('cannot break a table or add HTML', () => {
    const { sheet } = nastyRun()
    assertParsesCleanly(sheet, 'nasty')
    const tree = mdast(sheet)
    for (const type of [
      'heading',
      'blockquote',
      'thematicBreak',
      'link',
      'image',
      'emphasis',
      'strong',
      'delete',
      'inlineCode',
    ] as const) {
      // A bare URL is linked by GitHub wherever it appears; what must not happen is markdown
      // link syntax in a note becoming a link.
      const found = nodesOf(tree, type)
        .filter((n) => n.type !== 'link' || plainText(n) !== n.url)
        .map((n) => plainText(n))
      const ours = found.filter((t) =>
        /not a|evil|img|bold|under|strike|code|two|tick|<i>|Souza/.test(t),
      )
      assert.deepEqual(ours, [], `user text became ${type}`)
    }
    assert.ok(verifySheet(sheet).ok)
  })

  it('reads back as exactly what was typed', () => {
    const { sheet } = nastyRun()
    const tree = mdast(sheet)
    const texts = (nodesOf(tree, 'listItem') as ListItem[]).map((li) =>
      plainText(li.children[0] as Nodes),
    )
    const lines = NASTY.split('\n')
    for (const label of ['Note', 'Reason']) {
      const text = texts.find((t) => t.includes(`${label}: ${lines[0]}`))
      assert.ok(text, `no ${label}`)
      // Hard breaks parse as line breaks: the note comes back line for line.
      for (const line of lines) assert.ok(text.includes(line.trim()), `${label} lost: ${line}`)
    }
    const cells = (nodesOf(tree, 'tableCell') as Nodes[]).map((c) => plainText(c))
    assert.ok(cells.includes('Ana | <b>Souza</b> second line'), cells.join(' / '))
    assert.ok(cells.includes('a*n|a, 2026-11-22 09:04'))
    const evidence = texts.find((t) => t.startsWith('k|ey: '))
    assert.equal(evidence, 'k|ey: v | <i>x</i> # h')
  })

  it('cuts long evidence values and shows deep structure compactly', () => {
    const { sheet } = nastyRun()
    const long = sheet.split('\n').find((line) => line.includes('* long: '))
    assert.equal(long, `  * long: ${'x'.repeat(99)}…`)
    assert.ok(sheet.includes('  * nested.deep: {"deeper":{"deepest":1}}\n'))
  })

  it('caps evidence at ten pairs', () => {
    const checklist = parse(
      '# R\n\n## Steps\n- [ ] Check <!-- check: tool name=node -->\n',
      'r.md',
    ).checklist
    const evidence = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`key${i}`, i]))
    const { header, journal } = simulateRun(checklist)
    const state = foldJournal(header, [
      ...journal,
      {
        type: 'check-finished',
        at: '2026-11-22T10:00:00.000Z',
        itemId: 'steps/check',
        result: {
          status: 'pass',
          summary: 'ok',
          details: [],
          evidence,
          outputs: {},
          durationMs: 1,
          at: '2026-11-22T10:00:00.000Z',
        },
      },
    ])
    const sheet = renderSheet(checklist, state, { now: EXPORTED_AT, toolVersion: TOOL_VERSION })
    const pairs = sheet.split('\n').filter((line) => line.startsWith('  * '))
    assert.equal(pairs.length, 11)
    assert.equal(pairs.at(-1), '  * …: 15 more')
  })

  it('keeps the checklist’s own markdown in item texts, but never its HTML', () => {
    const checklist = parse(
      '# R\n\n## Steps\n- [ ] Restart `api` <b>now</b>\n- [ ] Deploy `web`\n',
      'r.md',
    ).checklist
    const sheet = renderSheet(checklist, simulateRun(checklist).state, { now: EXPORTED_AT })
    assertParsesCleanly(sheet, 'html item')
    assert.ok(sheet.includes('Restart api \\<b>now\\</b>'))
    assert.ok(sheet.includes('Deploy `web`'))
  })
})

describe('the digest', () => {
  const { sheet } = sheetFor(CASES.at(-1) as Case)

  it('is the last line, over everything above the visible digest line', () => {
    const lines = sheet.trimEnd().split('\n')
    const hex = /^<!-- deploy-wizard sha256:([0-9a-f]{64}) -->$/.exec(lines.at(-1) ?? '')?.[1]
    assert.ok(hex)
    assert.equal(lines.at(-2), `Digest: \`sha256:${hex}\``)
    assert.equal(sheetDigest(`${lines.slice(0, -2).join('\n')}\n`), hex)
    assert.deepEqual(verifySheet(sheet), { ok: true, expected: hex, actual: hex, sealed: true })
  })

  it('shows any change of a character above it', () => {
    const body = sheet.slice(0, sheet.indexOf('Digest: `sha256:'))
    fc.assert(
      fc.property(
        fc.nat({ max: body.length - 1 }),
        fc.string({ minLength: 1, maxLength: 3 }),
        (at, replacement) => {
          const edited = body.slice(0, at) + replacement + body.slice(at + 1)
          fc.pre(
            edited !== body &&
              !replacement.includes('\r') &&
              !(at === 0 && replacement.startsWith('\uFEFF')),
          )
          const result = verifySheet(edited + sheet.slice(body.length))
          assert.deepEqual([result.ok, result.sealed], [false, true])
          // Changing the blank line before the digest moves the visible digest line: also an edit.
          assert.match(
            result.reason ?? '',
            /no longer matches its digest|visible digest line was edited/,
          )
        },
      ),
      { numRuns: 300, seed: 4 },
    )
  })

  it('does not count CRLF line endings, a byte-order mark or the final newline as edits', () => {
    assert.ok(verifySheet(sheet.replace(/\n/g, '\r\n')).ok)
    assert.ok(verifySheet(`\uFEFF${sheet}`).ok)
    assert.ok(verifySheet(sheet.trimEnd()).ok)
    assert.ok(verifySheet(`${sheet}\n\n`).ok)
  })

  it('counts a lone CR, trailing spaces and text after the digest', () => {
    assert.equal(
      verifySheet(sheet.replace('\n## Summary', '\r\n## Summary')).ok,
      true,
      'CRLF is a line end',
    )
    assert.equal(verifySheet(sheet.replace('\n## Summary', '\r## Summary')).ok, false)
    assert.equal(verifySheet(sheet.replace('## Summary\n', '## Summary \n')).ok, false)
    const after = verifySheet(`${sheet}Approved, with changes.\n`)
    assert.deepEqual([after.ok, after.reason], [false, 'text was added after the digest line'])
  })

  it('says why when the digest lines are missing, malformed or edited', () => {
    const body = sheet.slice(0, sheet.indexOf('Digest: `sha256:'))
    const none = verifySheet(body)
    assert.equal(none.ok, false)
    assert.equal(none.expected, undefined)
    assert.match(none.reason ?? '', /no digest line/)
    assert.equal(none.sealed, false)
    assert.equal(none.actual, sheetDigest(body))

    const malformed = verifySheet(sheet.replace(/sha256:([0-9a-f]{64}) -->/, 'sha256:$1 -- >'))
    assert.deepEqual([malformed.ok, malformed.reason], [false, 'the digest line is malformed'])
    const short = verifySheet(sheet.replace(/sha256:([0-9a-f]{64}) -->/, 'sha256:abc -->'))
    assert.deepEqual([short.ok, short.reason], [false, 'the digest line is malformed'])

    const visible = verifySheet(
      sheet.replace(/Digest: `sha256:[0-9a-f]{4}/, 'Digest: `sha256:0000'),
    )
    assert.deepEqual(
      [visible.ok, visible.reason],
      [false, 'the visible digest line was edited or removed'],
    )
    const gone = verifySheet(sheet.replace(/Digest: `sha256:[0-9a-f]{64}`\n/, ''))
    assert.deepEqual(
      [gone.ok, gone.reason],
      [false, 'the visible digest line was edited or removed'],
    )
  })

  it('reseals an edited sheet to a different digest', () => {
    const body = sheet.slice(0, sheet.indexOf('Digest: `sha256:'))
    const resealed = sealSheet(body.replace('Session API', 'Session  API'))
    assert.ok(verifySheet(resealed).ok)
    assert.notEqual(verifySheet(resealed).actual, verifySheet(sheet).actual)
  })
})

describe('a sign-off item whose text is the blanks', () => {
  const checklist = parse(
    [
      '# R',
      '## Sign-off',
      '- [ ] Approved by: ________',
      '- [ ] Deployed by: ____ Date: ____',
      '',
    ].join('\n'),
  ).checklist
  const header = simulateRun(checklist).header
  const [approver] = checklist.signoff
  const itemId = approver?.itemId ?? ''
  const entered = (at: string, value: string): JournalEntry => ({
    type: 'signoff-entered',
    at,
    by: OPERATOR,
    fieldId: approver?.id ?? '',
    value,
  })
  const filled: JournalEntry[] = [
    entered('2026-11-22T09:00:00.000Z', 'Bob Boss'),
    { type: 'item-answered', at: '2026-11-22T09:00:00.000Z', by: OPERATOR, itemId, state: 'done' },
  ]
  const sheetOf = (journal: JournalEntry[]) =>
    renderSheet(checklist, foldJournal(header, journal), {
      now: EXPORTED_AT,
      toolVersion: TOOL_VERSION,
    })

  it('taken back to pending with its entries cleared, names no one on the item or the entry', () => {
    const sheet = sheetOf([
      ...filled,
      entered('2026-11-22T09:05:00.000Z', ''),
      {
        type: 'item-answered',
        at: '2026-11-22T09:05:00.000Z',
        by: OPERATOR,
        itemId,
        state: 'pending',
      },
    ])
    assert.match(sheet, /^- ⬜ \*\*pending\*\* — Approved by: _+$/m)
    assert.ok(
      sheet.includes('| Approved by | Name | ______ |  |'),
      section(sheet, 'Sign-off entries'),
    )
  })
  it('answered by filling, shows the entries on the item line and credits who entered them', () => {
    const sheet = sheetOf(filled)
    assert.match(sheet, /^- ✅ done — Approved by: Bob Boss — entered by ana, 2026-11-22 09:00$/m)
    assert.ok(!/✅ done — Approved by: _/.test(sheet))
  })
})

describe('a sign-off choice that reads against the run', () => {
  const checklist = parse(
    [
      '# R',
      '## Build',
      '- [ ] Deploy the API',
      '## Sign-off',
      '- [ ] All checks passed: Yes / No',
      '',
    ].join('\n'),
  ).checklist
  const [field] = checklist.signoff
  const [deploy] = checklist.items
  const WARNING = 'chosen while 1 item had failed: Deploy the API'

  it('is warned of on the item line as in the entries table: "All checks passed: Yes" chosen while an item had failed', () => {
    const { header } = simulateRun(checklist)
    const at = '2026-11-22T09:00:00.000Z'
    const state = foldJournal(header, [
      { type: 'item-answered', at, by: OPERATOR, itemId: deploy?.id ?? '', state: 'failed' },
      // As the wizard writes it once the operator confirms the choice (run/claims.ts).
      {
        type: 'signoff-entered',
        at,
        by: OPERATOR,
        fieldId: field?.id ?? '',
        value: 'Yes',
        note: WARNING,
      },
      { type: 'item-answered', at, by: OPERATOR, itemId: field?.itemId ?? '', state: 'done' },
    ])
    const sheet = renderSheet(checklist, state, { now: EXPORTED_AT, toolVersion: TOOL_VERSION })
    assert.ok(
      section(sheet, 'Sign-off entries').includes(
        `| All checks passed | ☑ Yes · ☐ No · ⚠ ${WARNING} |`,
      ),
    )
    // The item line said only `All checks passed: Yes`.
    assert.match(
      section(sheet, 'Items'),
      /^- ✅ done — All checks passed: Yes · ⚠ chosen while 1 item had failed: Deploy the API — entered by ana, 2026-11-22 09:00$/m,
    )
  })

  it("chosen before an item failed, is warned of in an unfinished run's sheet (as export writes it), never shown clean", () => {
    const { header, journal } = simulateRun(checklist)
    const state = foldJournal(header, [
      ...journal.filter((entry) => entry.type === 'run-started'),
      // "Yes" with nothing failed: entered at once, with no warning.
      {
        type: 'signoff-entered',
        at: '2026-11-22T09:00:00.000Z',
        by: OPERATOR,
        fieldId: field?.id ?? '',
        value: 'Yes',
      },
      {
        type: 'item-answered',
        at: '2026-11-22T09:00:00.000Z',
        by: OPERATOR,
        itemId: field?.itemId ?? '',
        state: 'done',
      },
      {
        type: 'item-answered',
        at: '2026-11-22T09:05:00.000Z',
        by: OPERATOR,
        itemId: deploy?.id ?? '',
        state: 'failed',
      },
    ])
    assert.equal(state.finishedAt, null)
    const sheet = renderSheet(checklist, state, { now: EXPORTED_AT, toolVersion: TOOL_VERSION })
    const AFTER = '1 item failed after it was chosen: Deploy the API'
    // Both said a bare `☑ Yes · ☐ No` and `All checks passed: Yes`.
    assert.ok(
      section(sheet, 'Sign-off entries').includes(
        `| All checks passed | ☑ Yes · ☐ No · ⚠ ${AFTER} |`,
      ),
      section(sheet, 'Sign-off entries'),
    )
    assert.match(
      section(sheet, 'Items'),
      /^- ✅ done — All checks passed: Yes · ⚠ 1 item failed after it was chosen: Deploy the API — entered by ana, 2026-11-22 09:00$/m,
    )
  })

  it('confirmed while an item had failed, adds only what failed after it', () => {
    const { header, journal } = simulateRun(checklist)
    const state = foldJournal(header, [
      ...journal.filter((entry) => entry.type === 'run-started'),
      {
        type: 'item-answered',
        at: '2026-11-22T09:00:00.000Z',
        by: OPERATOR,
        itemId: deploy?.id ?? '',
        state: 'failed',
      },
      {
        type: 'signoff-entered',
        at: '2026-11-22T09:00:00.000Z',
        by: OPERATOR,
        fieldId: field?.id ?? '',
        value: 'Yes',
        note: WARNING,
      },
    ])
    const sheet = renderSheet(checklist, state, { now: EXPORTED_AT, toolVersion: TOOL_VERSION })
    // The failure it was confirmed over is said once, as confirmed.
    assert.ok(section(sheet, 'Sign-off entries').includes(`| ☑ Yes · ☐ No · ⚠ ${WARNING} |`))
    assert.ok(!sheet.includes('after it was chosen'))
  })
})
