/**
 * A wizard's session driving a team run in a process of its own, to be killed:
 *
 *   node --import tsx test/helpers/team-driver.ts <s3-url> <home> <checklist> <operator>
 *
 * Starts a run of the checklist for `dev` in the team store through the wizard's
 * own services (start.ts), answers every item (each saved on this machine before
 * the next), prints `id <run-id>` and then `answered`, and waits to be killed.
 * The AWS endpoint comes from the environment (AWS_ENDPOINT_URL).
 */
import { writeSync } from 'node:fs'
import { dirname } from 'node:path'
import { wizardServices } from '../../src/run/start.ts'

const [store, home, path, operator] = process.argv.slice(2)
if (!store || !home || !path || !operator) {
  throw new Error('usage: team-driver.ts <s3-url> <home> <checklist> <operator>')
}
const services = wizardServices({
  cwd: dirname(path),
  staleAfterMs: 3_600_000,
  env: { DEPLOY_WIZARD_HOME: home },
  store,
})
const checklist = await services.loadChecklist(path)
const session = await services.startRun(checklist, 'dev', operator)
writeSync(1, `id ${session.id}\n`)
for (const item of checklist.items) session.answer(item.id, 'done')
writeSync(1, 'answered\n')
// Sending goes on in the background until the test kills this process.
setInterval(() => {}, 60_000)
