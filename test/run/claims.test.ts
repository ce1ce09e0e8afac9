/** A sign-off choice that claims success, held against the items that failed. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  contradiction,
  decidesAgainst,
  standingWarnings,
  unconfirmedWarnings,
} from '../../src/run/claims.ts'

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

  it('is an answer that is itself the claim, "Deployment Status: Success", in any language it knows', () => {
    const status = { type: 'choice', label: 'Deployment Status' } as const
    for (const answer of ['Success', 'Successful', 'Exitoso', 'Sucesso', 'Erfolgreich', 'Réussi']) {
      assert.equal(
        contradiction(status, answer, ['Smoke test']),
        'chosen while 1 item had failed: Smoke test',
        answer,
      )
    }
    // An answer that admits what went wrong claims nothing; nor does one with nothing failed.
    for (const answer of ['Success with Issues', 'Exitoso con observaciones', 'Rolled Back']) {
      assert.equal(contradiction(status, answer, ['Smoke test']), null, answer)
    }
    assert.equal(contradiction(status, 'Success', []), null)
    assert.equal(contradiction({ type: 'text', label: 'Status' }, 'Success', ['x']), null)
  })

  it('reads Portuguese checklists too', () => {
    assert.match(
      contradiction({ type: 'choice', label: 'Todos os testes passaram' }, 'Sim', ['x']) ?? '',
      /1 item had failed: x/,
    )
  })
})

describe('a standing claim held against the run as it is now', () => {
  const AT = '2026-11-22T09:00:00.000Z'
  const LATER = '2026-11-22T09:05:00.000Z'
  const clean = { value: 'Yes', at: AT }

  it('names the items failed after it was chosen', () => {
    assert.deepEqual(
      unconfirmedWarnings(PASSED, clean, [
        { text: 'Smoke tests pass', at: LATER },
        { text: 'Port open', at: LATER },
      ]),
      ['2 items failed after it was chosen: Smoke tests pass · Port open'],
    )
  })

  it('adds to a confirmed warning only what failed after it', () => {
    const confirmed = { ...clean, note: 'chosen while 1 item had failed: Port open' }
    const failed = [
      { text: 'Port open', at: AT },
      { text: 'Smoke tests pass', at: LATER },
    ]
    assert.deepEqual(unconfirmedWarnings(PASSED, confirmed, failed.slice(0, 1)), [])
    assert.deepEqual(standingWarnings(PASSED, confirmed, failed), [
      'chosen while 1 item had failed: Port open',
      '1 item failed after it was chosen: Smoke tests pass',
    ])
  })

  it('warns of an entry made with no warning while items had failed', () => {
    assert.deepEqual(unconfirmedWarnings(PASSED, clean, [{ text: 'Port open', at: AT }]), [
      'chosen while 1 item had failed: Port open',
    ])
  })

  it('is nothing for "No", for a run with nothing failed, or for a label that claims nothing', () => {
    const later = [{ text: 'Port open', at: LATER }]
    assert.deepEqual(unconfirmedWarnings(PASSED, { value: 'No', at: AT }, later), [])
    assert.deepEqual(unconfirmedWarnings(PASSED, clean, []), [])
    assert.deepEqual(
      unconfirmedWarnings({ type: 'choice', label: 'Rollback plan tested' }, clean, later),
      [],
    )
  })
})

describe('an answer that decides against the release', () => {
  const choice = (label: string) => ({ type: 'choice', label }) as const

  it('is NO-GO, Rejected, Deferred, Rolled back… whatever the question, in the languages it knows', () => {
    for (const answer of [
      'NO-GO',
      'No Go',
      'NO_GO',
      'Rejected',
      'Deferred',
      'Rolled Back',
      'Rechazado',
      'Rejeitado',
      'Abgelehnt',
      'Refusé',
    ]) {
      assert.equal(decidesAgainst(choice('Final status'), answer), true, answer)
    }
  })

  it('is a bare No only to an approval or a decision', () => {
    assert.equal(decidesAgainst(choice('Approved'), 'No'), true)
    assert.equal(decidesAgainst(choice('Go/No-Go'), 'Nein'), true)
    assert.equal(decidesAgainst(choice('Rollback needed'), 'No'), false)
  })

  it('is never GO, Yes, Approved, a text field, or a blank', () => {
    for (const answer of ['GO', 'Yes', 'Approved', 'Success', '']) {
      assert.equal(decidesAgainst(choice('Decision'), answer), false, answer)
    }
    assert.equal(decidesAgainst({ type: 'text', label: 'Decision' }, 'NO-GO'), false)
  })
})
