/**
 * The table of read operations that `validate` reads (src/checks/aws/read-operations.ts)
 * is the installed SDK's, service by service: an SDK upgrade or a new service
 * that leaves it behind fails here, with the command that brings it up to date.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { readOperationsOfSdk } from '../../scripts/aws-read-operations.ts'
import { READ_OPERATIONS } from '../../src/checks/aws/read-operations.ts'
import { REFUSED_OPERATIONS } from '../../src/checks/aws/read-verbs.ts'
import { AWS_SERVICES } from '../../src/checks/aws/services.ts'

const UPDATE = 'run: node --import tsx scripts/aws-read-operations.ts'

describe('the read operations of each service', () => {
  it('are those of the installed SDK', async () => {
    const sdk = await readOperationsOfSdk()
    assert.deepEqual(Object.keys(READ_OPERATIONS).sort(), Object.keys(AWS_SERVICES).sort(), UPDATE)
    for (const [id, operations] of Object.entries(sdk)) {
      assert.deepEqual(
        READ_OPERATIONS[id as keyof typeof READ_OPERATIONS].split(' '),
        operations,
        `${id}: ${UPDATE}`,
      )
    }
  })

  it('include every operation refused by name, so no refusal is for an operation that is not there', () => {
    for (const [id, refused] of Object.entries(REFUSED_OPERATIONS)) {
      const operations = READ_OPERATIONS[id as keyof typeof READ_OPERATIONS]?.split(' ') ?? []
      for (const name of Object.keys(refused)) assert.ok(operations.includes(name), `${id} ${name}`)
    }
  })
})
