/**
 * For a test file that scripts the team store's faults: S3 goes through our fault server, which
 * forwards to moto when told to, and STS (who the caller is) to moto itself. The sessions and
 * store clients the file pushes onto the lists returned are closed after its tests, then the
 * fault server.
 */
import { after } from 'node:test'
import type { RunSession } from '../../src/run/session.ts'
import { pointAwsAt, startAwsFaultServer } from './aws-fault-server.ts'
import { backend } from './checks.ts'

export async function faultedTeamStore() {
  const moto = backend('moto')
  const fault = await startAwsFaultServer()
  pointAwsAt(fault.url)
  process.env.AWS_ENDPOINT_URL_STS = moto
  const open: RunSession[] = []
  const stores: { close(): Promise<void> }[] = []
  after(async () => {
    for (const session of open) await session.close(0)
    for (const objects of stores) await objects.close()
    await fault.close()
  })
  return { moto, fault, open, stores }
}
