/** A sign-off choice that claims success, held against the items that failed. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { contradiction } from '../../src/run/claims.ts'

const PASSED = { type: 'choice', label: 'All checks passed' } as const

describe('contradiction', () => {
  it('is "Yes" to "All checks passed" while items failed, naming them', () => {
    assert.equal(
      contradiction(PASSED, 'Yes', ['Smoke tests pass', 'Port open']),
      'chosen while 2 items had failed: Smoke tests pass · Port open',
    )
  })

  it('is nothing when nothing failed, or the answer is No', () => {
    assert.equal(contradiction(PASSED, 'Yes', []), null)
    assert.equal(contradiction(PASSED, 'No', ['Smoke tests pass']), null)
  })

  it('is nothing for a field that claims no success, or is not a choice', () => {
    assert.equal(
      contradiction({ type: 'choice', label: 'Rollback plan tested' }, 'Yes', ['x']),
      null,
    )
    assert.equal(contradiction({ type: 'text', label: 'All checks passed' }, 'Yes', ['x']), null)
  })

  it('reads Portuguese checklists too', () => {
    assert.match(
      contradiction({ type: 'choice', label: 'Todos os testes passaram' }, 'Sim', ['x']) ?? '',
      /1 item had failed: x/,
    )
  })
})
