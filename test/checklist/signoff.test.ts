/**
 * The sign-off's lines, the one definition the sheet prints and the wizard
 * shows: every field, and one signature line per role.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { signoffLines } from '../../src/checklist/signoff.ts'
import { parse } from '../helpers/fixtures.ts'

/** The lines of a checklist's sign-off as `role | label | kind`. */
function linesOf(signoff: string): string[] {
  const { checklist } = parse(`# T\n\n## Steps\n- [ ] One\n\n## Sign-Off\n\n${signoff}\n`)
  return signoffLines(checklist.signoff).map((line) =>
    [line.role ?? '', line.label, line.kind].join(' | '),
  )
}

describe('sign-off lines', () => {
  it('end a role the checklist asks only a name and a date of with a line to sign', () => {
    assert.deepEqual(linesOf('- [ ] QA Lead: ________ Date: ______'), [
      'QA Lead | Name | field',
      'QA Lead | Date | field',
      'QA Lead | Signature | signature',
    ])
  })

  it('read "Deployed by: ____" as a role with its own line to sign', () => {
    assert.deepEqual(linesOf('- [ ] Deployed by: ________\n- [ ] Approved by: ________'), [
      'Deployed by | Name | field',
      'Deployed by | Signature | signature',
      'Approved by | Name | field',
      'Approved by | Signature | signature',
    ])
  })

  it('keep the signature column of a table, and add none beside it', () => {
    const table = [
      '| Role | Name | Date | Signature |',
      '|------|------|------|-----------|',
      '| Developer | | | |',
      '| Manager | | | |',
    ].join('\n')
    assert.deepEqual(linesOf(table), [
      'Developer | Name | field',
      'Developer | Date | field',
      'Developer | Signature | signature',
      'Manager | Name | field',
      'Manager | Date | field',
      'Manager | Signature | signature',
    ])
  })

  it('take a Signature the table already fills in as the role’s, and a line of underscores as a blank', () => {
    const table = [
      '| Role | Name | Signature |',
      '|------|------|-----------|',
      '| Security reviewer | | approved in SEC-88 |',
      '| Manager | ________ | ________ |',
      '| QA Lead | | - |',
      '| Product owner | … | [sign here] |',
    ].join('\n')
    assert.deepEqual(linesOf(table), [
      'Security reviewer | Name | field',
      'Security reviewer | Signature | signature',
      'Manager | Name | field',
      'Manager | Signature | signature',
      'QA Lead | Name | field',
      'QA Lead | Signature | signature',
      'Product owner | Name | field',
      'Product owner | Signature | signature',
    ])
    const { checklist } = parse(`# T\n\n## Sign-Off\n\n${table}\n`)
    // A dash, an ellipsis or a bracketed placeholder is a blank too, not a signature given.
    assert.deepEqual(
      checklist.signoff.map((field) => field.given),
      [null, 'approved in SEC-88', null, null, null, null, null, null],
    )
  })

  it('give a Signature blank on a line of its own to the role just above it', () => {
    assert.deepEqual(
      linesOf(
        '- [ ] Deployed by: ______\n- [ ] Date: ______\n- [ ] Signature: ______\n- [ ] Version: ______',
      ),
      [
        'Deployed by | Name | field',
        'Deployed by | Date | field',
        'Deployed by | Signature | signature',
        ' | Version | field',
      ],
    )
  })

  it('give a date, a version or a choice none', () => {
    assert.deepEqual(
      linesOf(
        '**Deployment Date**: ______\n\n- [ ] Version: ______\n- [ ] All checks passed: Yes / No',
      ),
      [' | Deployment Date | field', ' | Version | field', ' | All checks passed | field'],
    )
  })
})
