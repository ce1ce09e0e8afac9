/**
 * The run line's parts give way in their order (header-lines.ts, runLineParts), read as the QA
 * report's panes read them: the title down to its least before the operator, the operator and
 * title before a team run's sync words, which are whole, cut at a word or left out; the
 * environment and run id whole where they fit, else the line's end cut; a wide character's cut
 * leaving no blank cell. The drawing itself is header-fit*.test.ts's.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { type RunLineInput, runLine, runLineExtras } from '../../src/ui/header-lines.ts'
import '../../src/ui/text-packages.ts'

const TITLE =
  'Quarterly Platform Release for the Marketplace Payments and Settlement Services Cluster'
const LONG_OPERATOR = 'Maximiliana Alexandrovna Konstantinopolskaya-Featherstonehaugh'
const RUN: RunLineInput = {
  title: TITLE,
  environment: 'dev',
  isProduction: false,
  operator: 'John Smith',
  runId: 'dev-20261205-s5ti',
}

/** The line's text as drawn at `width` (a line cut at its end: its text before the cut). */
function shown(input: RunLineInput, width: number): string {
  const line = runLine(input, width)
  assert.ok(line, `one line at ${width}`)
  return line.spans.map((span) => span.text).join('')
}

/** A team run's line with these sync words. */
function team(text: string, operator = RUN.operator): RunLineInput {
  return { ...RUN, operator, extras: runLineExtras({ text }, null, undefined, 'dev') }
}

test('a short operator stays whole while the title has more than its least (12 cells)', () => {
  assert.equal(
    shown(RUN, 96),
    'Quarterly Platform Release for the Marketplace Payments …   dev   John Smith · dev-20261205-s5ti',
  )
  for (let width = 40; width <= 96; width++)
    assert.match(shown(RUN, width), / {3}dev {3}John Smith · /, `at ${width}`)
  for (let width = 40; width <= 48; width++)
    assert.match(shown({ ...RUN, operator: 'ana' }, width), / {3}dev {3}ana · /, `at ${width}`)
})

test('a long operator is cut to its least (12 cells) only once the title is at its least, and further only once the title is down to …', () => {
  const long = { ...RUN, operator: LONG_OPERATOR }
  assert.match(shown(long, 60), /^Quarterly P… {3}dev {3}Maximiliana Alexan… · /)
  assert.match(shown(long, 50), /^Quarterl… {3}dev {3}Maximiliana… · /)
  assert.match(shown(long, 42), /^… {3}dev {3}Maximiliana… · /)
  assert.match(shown(long, 40), /^… {3}dev {3}Maximilia… · /)
})

test('watch keeps `started by` and the operator whole while the title has room to give', () => {
  const watch = { ...RUN, operator: 'ana', operatorLabel: 'started by ' }
  for (let width = 60; width <= 110; width++)
    assert.match(shown(watch, width), / {3}dev {3}started by ana · /, `at ${width}`)
})

test('a team run’s sync words stay whole while the title and operator give way', () => {
  for (const width of [80, 100, 120]) {
    assert.match(shown(team('synced'), width), / · dev-20261205-s5ti · synced$/, `at ${width}`)
    assert.match(
      shown(team('1 waiting, offline since 05:34'), width),
      / · dev-20261205-s5ti · 1 waiting, offline since 05:34$/,
      `at ${width}`,
    )
    assert.match(shown(team('not driving'), width), / · not driving$/, `at ${width}`)
  }
  assert.match(shown(team('synced', LONG_OPERATOR), 160), / · dev-20261205-s5ti · synced$/)
})

test('sync words with no room are cut after their first clause or left out with their separator, never a lone … after the run id', () => {
  const narrow = team('1 waiting, offline since 05:34', LONG_OPERATOR)
  // The operator has back the cells the cut at a word left.
  assert.equal(shown(narrow, 40), ' dev  … · dev-20261205-s5ti · 1 waiting…')
  // Words of one clause are whole or left out; the cells they leave go back to the others.
  assert.equal(
    shown(team('not driving', LONG_OPERATOR), 36),
    '…   dev   Maxim… · dev-20261205-s5ti',
  )
  for (let width = 40; width <= 160; width++) {
    for (const text of ['synced', '1 waiting, offline since 05:34', 'not driving']) {
      const line = shown(team(text, LONG_OPERATOR), width)
      assert.ok(!line.endsWith('s5ti…') && !line.endsWith('· …'), `${text} at ${width}: ${line}`)
      assert.ok(!/· (not|1|synce?d?)…$/.test(line), `${text} at ${width}: ${line}`)
    }
  }
})

test('a long environment and its run id stay whole where they fit, the title and operator left out first; narrower, the line’s end is cut', () => {
  const long = {
    ...RUN,
    environment: 'staging-eu-west-1-blue',
    runId: 'staging-eu-west-1-blue-20261205-6gyq',
  }
  assert.equal(shown(long, 63), ' staging-eu-west-1-blue  · staging-eu-west-1-blue-20261205-6gyq')
  const cut = runLine(long, 60)
  assert.ok(cut?.isCut, 'cut at its end (with …) where even they do not fit')
})

test('a wide-character title cut leaves its … right after its last whole character, three cells before the environment', () => {
  const cjk = {
    ...RUN,
    title: '市場決済および精算サービスクラスタの四半期プラットフォームリリース計画書',
  }
  for (let width = 60; width <= 108; width++)
    assert.match(shown(cjk, width), /^[^ ]*… {3}dev {3}John Smith · /, `at ${width}`)
})

test('the AWS account follows the run id after one space and a dot, as every other part does', () => {
  const identity = { account: '123456789012', arn: 'arn:aws:iam::123456789012:user/ana' }
  const input = { ...RUN, extras: runLineExtras(null, identity, undefined, 'dev') }
  assert.match(shown(input, 200), / · dev-20261205-s5ti · aws 123456789012$/)
  const both = { ...RUN, extras: runLineExtras({ text: 'synced' }, identity, undefined, 'dev') }
  assert.match(shown(both, 200), / · dev-20261205-s5ti · synced · aws 123456789012$/)
})
