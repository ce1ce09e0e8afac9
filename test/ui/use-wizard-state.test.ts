import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { JournalEntry, RunHeader, RunState } from '../../src/run/model.ts'
import { initialRunState, RUN_FORMAT, reduceRun } from '../../src/run/model.ts'
import {
  type ChecksInFlight,
  liveCheck,
  type SessionEvent,
  startedCount,
  trackChecks,
} from '../../src/run/snapshot.ts'
import { layoutOf, outOfScopeReason, progressOf } from '../../src/ui/layout.ts'
import {
  dueChecks,
  firstUnfinishedPhase,
  initialWizardState,
  pendingCount,
  selectedItem,
  type WizardAction,
  type WizardState,
  wizardReducer,
} from '../../src/ui/use-wizard-state.ts'
import { parse } from '../helpers/fixtures.ts'

const { checklist } = parse(`---
title: Reducer
environments: [dev, prod]
---
## Before
- [ ] One
- [x] Two, ticked in the file
- [ ] Three <!-- check: env name=HOME -->

## During
### Group A
- [ ] Four
- [ ] Production only <!-- only: prod -->
### Empty for dev <!-- only: prod -->
- [ ] Five

## Sign-Off
- [ ] Deployed by: ________ Date: ______
`)

const header: RunHeader = {
  format: RUN_FORMAT,
  id: 'dev-20261122-abcd',
  checklist: { path: '/x/reducer.md', title: 'Reducer' },
  environment: 'dev',
  operator: 'ana',
  host: 'h',
  startedAt: '2026-11-22T09:00:00.000Z',
  toolVersion: '0.1.0',
}

/** Where the operator is, and the run and its checks as the session's snapshot holds them. */
type State = WizardState & { readonly run: RunState; readonly running: ChecksInFlight }

/** A move, or what the session reports; `move-to-next-open` reads the run as it stands. */
type Action = WizardAction | SessionEvent | { readonly type: 'move-to-next-open' }

function start(layout = layoutOf(checklist, 'dev')): State {
  const run = initialRunState(header)
  return { ...initialWizardState(layout, run), run, running: {} }
}

/** As the wizard sees it: the session folds what it reports, the wizard's reducer the moves. */
function apply(state: State, ...actions: Action[]): State {
  let current = state
  for (const action of actions) current = step(current, action)
  return current
}

function step(state: State, action: Action): State {
  switch (action.type) {
    case 'journal':
      return {
        ...state,
        run: reduceRun(state.run, action.entry),
        running: trackChecks(state.running, action),
      }
    case 'check-queued':
    case 'check-waiting':
    case 'check-started':
    case 'check-progress':
    case 'check-dropped':
      return { ...state, running: trackChecks(state.running, action) }
    case 'unsaved':
    case 'aws-identity':
    case 'trusted':
    case 'sync':
      return state
    case 'move-to-next-open':
      return { ...state, ...wizardReducer(state, { type: action.type, run: state.run }) }
    default:
      return { ...state, ...wizardReducer(state, action) }
  }
}

const answered = (itemId: string, state: 'done' | 'skipped' = 'done'): Action => ({
  type: 'journal',
  entry: { type: 'item-answered', at: '2026-11-22T09:01:00.000Z', by: 'ana', itemId, state },
})

const checked = (
  itemId: string,
  status: 'pass' | 'fail' | 'error',
  at = '2026-11-22T09:02:00.000Z',
): Action => ({
  type: 'journal',
  entry: {
    type: 'check-finished',
    at,
    itemId,
    result: { status, summary: status, details: [], evidence: {}, outputs: {}, durationMs: 3, at },
  },
})

describe('layout', () => {
  test('shows every item and group, those that do not apply to the environment too', () => {
    const layout = layoutOf(checklist, 'dev')
    assert.deepEqual(
      layout.phases.map((p) => p.title),
      ['Before', 'During', 'Sign-Off'],
    )
    const during = layout.phases[1]
    assert.deepEqual(
      during?.rows.map((r) =>
        r.kind === 'group'
          ? `# ${r.title}`
          : r.kind === 'item'
            ? r.item.plain
            : r.kind === 'prose'
              ? r.section.title
              : r.kind,
      ),
      ['# Group A', 'Four', 'Production only', '# Empty for dev', 'Five'],
    )
    assert.equal(layout.items.size, checklist.items.length)
    const reasons = during?.items.map((item) => outOfScopeReason(item, 'dev'))
    assert.deepEqual(reasons, [
      null,
      'prod only (only: directive, line 13)',
      'prod only (only: directive, line 14)',
    ])
    assert.equal(layoutOf(checklist, 'prod').phases[1]?.items.length, 3)
  })

  test('a phase none of whose items apply is shown all the same', () => {
    const { checklist: scoped } = parse(
      '## Build\n- [ ] Compile\n## Production Deployment\n- [ ] Flip DNS\n',
    )
    const layout = layoutOf(scoped, 'dev')
    assert.deepEqual(
      layout.phases.map((p) => p.title),
      ['Build', 'Production Deployment'],
    )
    const run = initialRunState(header)
    assert.deepEqual(progressOf(layout.phases[1]?.items ?? [], run), {
      answered: 0,
      total: 0,
      failed: 0,
      skipped: 0,
    })
  })

  test('shows items nested under an item after it, deeper, in the order of the file', () => {
    const nested = parse(
      `# Nested\n\n## Checks\n- [ ] Docs are up\n  - [ ] Swagger <!-- check: env name=HOME -->\n    - [ ] Its JSON\n  - [ ] ReDoc\n- [ ] After\n  - [ ] Prod only <!-- only: prod -->\n`,
    ).checklist
    const rows = layoutOf(nested, 'dev').phases[0]?.rows ?? []
    assert.deepEqual(
      rows.map((row) =>
        row.kind === 'item'
          ? `${row.depth}:${row.item.plain}`
          : row.kind === 'group'
            ? row.title
            : row.kind === 'prose'
              ? row.section.title
              : row.kind,
      ),
      ['0:Docs are up', '1:Swagger', '2:Its JSON', '1:ReDoc', '0:After', '1:Prod only'],
    )
    assert.equal(layoutOf(nested, 'dev').items.size, nested.items.length)
  })
})

describe('wizardReducer', () => {
  test('moves the cursor within the phase and stops at both ends', () => {
    let state = start()
    assert.equal(selectedItem(state)?.plain, 'One')
    state = apply(state, { type: 'move', by: 1 }, { type: 'move', by: 1 }, { type: 'move', by: 1 })
    assert.equal(selectedItem(state)?.plain, 'Three')
    state = apply(state, { type: 'move', by: -10 })
    assert.equal(selectedItem(state)?.plain, 'One')
    state = apply(state, { type: 'move-to', position: 'last' })
    assert.equal(selectedItem(state)?.plain, 'Three')
  })

  test('each phase keeps its own cursor; past the last phase is the sign-off screen', () => {
    let state = apply(start(), { type: 'move', by: 2 }, { type: 'go-phase', by: 1 })
    assert.equal(selectedItem(state)?.plain, 'Four')
    state = apply(state, { type: 'go-phase', by: -1 })
    assert.equal(selectedItem(state)?.plain, 'Three')
    state = apply(state, { type: 'go-phase', by: 5 })
    assert.equal(state.screen, 'signoff')
    assert.equal(selectedItem(state), null)
    state = apply(state, { type: 'move', by: 1 })
    assert.equal(state.signoffCursor, 1)
    state = apply(state, { type: 'go-phase', by: -1 })
    assert.equal(state.screen, 'phase')
    assert.equal(state.phaseIndex, 2)
  })

  test('a retry keeps the check’s first start and what the try before ended on', () => {
    const id = 'before/three'
    const why = 'no answer from http://127.0.0.1:5063 to sts:GetCallerIdentity within 20s'
    const state = apply(
      start(),
      { type: 'check-queued', itemId: id },
      { type: 'check-waiting', itemId: id, why: '4 checks to this server are running' },
      { type: 'check-started', itemId: id, attempt: 1, tries: 4, at: 1000 },
      { type: 'check-progress', itemId: id, message: `${why}; retrying (1/3)` },
      { type: 'check-started', itemId: id, attempt: 2, tries: 4, at: 21_500, lastTry: why },
    )
    assert.deepEqual(state.running[id], {
      startedAt: 1000,
      attempt: 2,
      tries: 4,
      progress: null,
      lastTry: why,
    })
  })

  test('a check asked for says why it waits its turn, until it starts', () => {
    const id = 'before/three'
    let state = apply(start(), { type: 'check-queued', itemId: id })
    assert.equal(state.running[id], null)
    state = apply(state, {
      type: 'check-waiting',
      itemId: id,
      why: '4 checks to this server are running',
    })
    assert.deepEqual(state.running[id], { queued: '4 checks to this server are running' })
    assert.equal(startedCount(state.running), 0)
    state = apply(state, { type: 'check-started', itemId: id, attempt: 1, tries: 4, at: 5 })
    assert.equal(liveCheck(state.running[id])?.startedAt, 5)
    assert.equal(startedCount(state.running), 1)
  })

  test('a check is running from check-started until its result is in the journal', () => {
    const id = 'before/three'
    let state = apply(start(), { type: 'check-started', itemId: id, attempt: 1, at: 1000 })
    assert.deepEqual(state.running[id], {
      startedAt: 1000,
      attempt: 1,
      tries: 0,
      progress: null,
      lastTry: null,
    })
    state = apply(state, { type: 'check-progress', itemId: id, message: 'waiting' })
    assert.equal(liveCheck(state.running[id])?.progress, 'waiting')
    const finished: JournalEntry = {
      type: 'check-finished',
      at: '2026-11-22T09:02:00.000Z',
      itemId: id,
      result: {
        status: 'pass',
        summary: 'HOME is set',
        details: [],
        evidence: {},
        outputs: {},
        durationMs: 3,
        at: '2026-11-22T09:02:00.000Z',
      },
    }
    state = apply(state, { type: 'journal', entry: finished })
    assert.equal(state.running[id], undefined)
    assert.equal(state.run.items[id]?.check?.status, 'pass')
  })

  test('progress for a check that is not running is ignored; a dropped check stops running', () => {
    const state = apply(start(), { type: 'check-progress', itemId: 'before/three', message: 'x' })
    assert.deepEqual(state.running, {})
    const dropped = apply(
      start(),
      { type: 'check-started', itemId: 'before/three', attempt: 1, at: 1 },
      { type: 'check-dropped', itemId: 'before/three' },
    )
    assert.deepEqual(dropped.running, {})
  })

  test('a prompt opens over the screen and closes without touching the run', () => {
    const opened = apply(start(), {
      type: 'open-prompt',
      prompt: { kind: 'skip', itemId: 'before/one' },
    })
    assert.deepEqual(opened.prompt, { kind: 'skip', itemId: 'before/one' })
    const closed = apply(opened, { type: 'close-prompt' })
    assert.equal(closed.prompt, null)
    assert.equal(closed.run, opened.run)
  })

  test('answers from the journal show at once; a run resumes at its first unanswered phase', () => {
    const layout = layoutOf(checklist, 'dev')
    let state = apply(start(), answered('before/one'), answered('before/three', 'skipped'))
    assert.equal(state.run.items['before/one']?.state, 'done')
    // "Two" is [x] in the file: it counts as done.
    assert.equal(firstUnfinishedPhase(layout, state.run), 1)
    state = apply(state, answered('during/group-a/four'), answered('sign-off/deployed-by-date'))
    assert.equal(firstUnfinishedPhase(layout, state.run), 2)
    assert.equal(firstUnfinishedPhase(layout, initialRunState(header)), 0)
  })

  test('checks are due to run when never run, stale or not passed, and not while running', () => {
    const id = 'before/three'
    const hour = 60 * 60_000
    const at = Date.parse('2026-11-22T09:02:00.000Z')
    const due = (state: State, now = at) => dueChecks(state, now, hour).map((item) => item.id)
    assert.deepEqual(due(start()), [id], 'never run')
    const passed = apply(start(), checked(id, 'pass'))
    assert.deepEqual(due(passed, at + 60_000), [], 'passed a minute ago')
    assert.deepEqual(due(passed, at + 2 * hour), [id], 'passed two hours ago')
    assert.deepEqual(due(apply(start(), checked(id, 'fail'))), [id], 'failed')
    assert.deepEqual(due(apply(start(), checked(id, 'error'))), [id], 'could not tell')
    const running = apply(start(), { type: 'check-started', itemId: id, attempt: 1, at })
    assert.deepEqual(due(running), [], 'running now')
  })

  test('after an answer the cursor goes to the next item to answer, round to the top, else down one', () => {
    const cursor = (state: State) => selectedItem(state)?.id
    const one = apply(start(), answered('before/one'), { type: 'move-to-next-open' })
    assert.equal(cursor(one), 'before/three', 'past Two, ticked in the file')
    const three = apply(start(), { type: 'move', by: 2 }, answered('before/three'), {
      type: 'move-to-next-open',
    })
    assert.equal(cursor(three), 'before/one', 'round to the one still open above')
    const all = apply(start(), answered('before/one'), answered('before/three'), {
      type: 'move-to-next-open',
    })
    assert.equal(cursor(all), 'before/two-ticked-in-the-file', 'nothing open: the next item')
  })

  test('an item said to apply here after all counts, is due its check, and can be taken back', () => {
    const { checklist: scoped } = parse(
      '---\nenvironments: [dev, prod]\n---\n## Checks\n- [ ] Home <!-- check: env name=HOME -->\n- [ ] Prod home <!-- only: prod; check: env name=HOME -->\n',
    )
    const layout = layoutOf(scoped, 'dev')
    const overridden = (applies: boolean): Action => ({
      type: 'journal',
      entry: {
        type: 'scope-overridden',
        at: '2026-11-22T09:03:00.000Z',
        by: 'ana',
        itemId: 'checks/prod-home',
        applies,
      },
    })
    const before = start(layout)
    const due = (state: State) =>
      dueChecks(state, Date.parse('2026-11-22T09:04:00.000Z'), 60_000).map((item) => item.id)
    assert.equal(pendingCount(before), 1)
    assert.deepEqual(progressOf(layout.items.values(), before.run), {
      answered: 0,
      total: 1,
      failed: 0,
      skipped: 0,
    })
    assert.deepEqual(due(before), ['checks/home'])
    const after = apply(before, overridden(true))
    assert.deepEqual(after.run.overrides, {
      'checks/prod-home': { by: 'ana', at: '2026-11-22T09:03:00.000Z' },
    })
    assert.equal(pendingCount(after), 2)
    assert.deepEqual(progressOf(layout.items.values(), after.run), {
      answered: 0,
      total: 2,
      failed: 0,
      skipped: 0,
    })
    assert.deepEqual(due(after), ['checks/home', 'checks/prod-home'])
    const undone = apply(after, overridden(false))
    assert.deepEqual(undone.run.overrides, {})
    assert.equal(pendingCount(undone), 1)
  })
})

describe('a run laid out again from another checklist (a watched run resumed with an edit)', () => {
  const text = (before: string, after: string) =>
    layoutOf(
      parse(`# R\n\n## Before\n${before}\n## After\n${after}\n## Contacts\n\nCall 555-0100.\n`)
        .checklist,
      'dev',
    )
  const first = text('- [ ] One\n- [ ] Two\n- [ ] Three\n', '- [ ] Four\n- [ ] Five\n')

  test('stays on its phase and on the items it had selected, found by id', () => {
    let state: WizardState = initialWizardState(first, initialRunState(header))
    state = wizardReducer(state, { type: 'move', by: 2 }) // Three
    state = wizardReducer(state, { type: 'go-phase', by: 1 })
    state = wizardReducer(state, { type: 'move', by: 1 }) // Five
    const edited = text(
      '- [ ] Zero\n- [ ] One\n- [ ] Three\n',
      '- [ ] Four and a half\n- [ ] Four\n- [ ] Five\n',
    )
    const after = wizardReducer(state, { type: 'relayout', layout: edited })
    assert.equal(after.layout, edited)
    assert.equal(after.phaseIndex, 1)
    assert.equal(selectedItem(after)?.plain, 'Five')
    const back = wizardReducer(after, { type: 'go-phase', by: -1 })
    assert.equal(selectedItem(back)?.plain, 'Three')
  })

  test('an item removed leaves the cursor where it was; a phase removed, the nearest one', () => {
    let state: WizardState = initialWizardState(first, initialRunState(header))
    state = wizardReducer(state, { type: 'go-phase', by: 1 })
    state = wizardReducer(state, { type: 'move', by: 1 }) // Five
    const shorter = layoutOf(parse('# R\n\n## Before\n- [ ] One\n').checklist, 'dev')
    const after = wizardReducer(state, { type: 'relayout', layout: shorter })
    assert.equal(after.phaseIndex, 0)
    assert.equal(selectedItem(after)?.plain, 'One')
  })

  test('a reference page no longer there goes back to the list, or closes when none is left', () => {
    let state: WizardState = initialWizardState(first, initialRunState(header))
    const page = first.references[0]?.id ?? ''
    state = wizardReducer(state, { type: 'open-prompt', prompt: { kind: 'page', sectionId: page } })
    const kept = wizardReducer(state, { type: 'relayout', layout: text('- [ ] One\n', '') })
    assert.deepEqual(kept.prompt, { kind: 'page', sectionId: page })
    const none = layoutOf(parse('# R\n\n## Before\n- [ ] One\n').checklist, 'dev')
    assert.equal(wizardReducer(state, { type: 'relayout', layout: none }).prompt, null)
    const other = layoutOf(
      parse('# R\n\n## Before\n- [ ] One\n\n## Rollback\n\nRevert the tag.\n').checklist,
      'dev',
    )
    assert.deepEqual(wizardReducer(state, { type: 'relayout', layout: other }).prompt, {
      kind: 'pages',
    })
  })
})
