import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { emojify } from '../../src/checklist/emoji.ts'
import { parse } from '../helpers/fixtures.ts'

describe('emoji shortcodes', () => {
  it('are shown as the emoji GitHub draws for them', () => {
    assert.equal(emojify(':white_check_mark: Checklist'), '✅ Checklist')
    assert.equal(emojify('Party :tada: :+1: :t-rex:'), 'Party 🎉 👍 🦖')
  })

  it('leave words between colons that are no shortcode, and times, as they are', () => {
    assert.equal(
      emojify('at 10:30:00, key:value: :no_such_emoji:'),
      'at 10:30:00, key:value: :no_such_emoji:',
    )
  })

  it('turn into emoji in headings, titles and item text, while ids keep the shortcode words', () => {
    const { checklist } = parse(
      '---\ntitle: ":rocket: Release"\n---\n## :white_check_mark: Checklist\n- [ ] Party :tada:\n',
    )
    assert.equal(checklist.title, '🚀 Release')
    assert.equal(checklist.phases[0]?.title, '✅ Checklist')
    assert.equal(checklist.items[0]?.plain, 'Party 🎉')
    // The text as written stays for the sheet, which GitHub renders itself.
    assert.equal(checklist.items[0]?.text, 'Party :tada:')
    assert.equal(checklist.items[0]?.id, 'white-check-mark-checklist/party-tada')
  })
})
