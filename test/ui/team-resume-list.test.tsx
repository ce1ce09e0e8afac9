/**
 * The list of runs to resume on screen, with a team store named that is slow to answer: App
 * drawn by Ink into ink-testing-library's terminal over the wizard's real services, the store in
 * moto behind our fault server, which holds the listing until the test has seen the list. The
 * list is there at once; when the store answers it changes in place (its run added, this
 * machine's run it finished taken out) and the highlight stays on the run it was on.
 */
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, test } from 'node:test'
import { render } from 'ink-testing-library'
import { SIGN_OFF_SHEET } from '../../src/report/sheet.ts'
import { wizardServices } from '../../src/run/start.ts'
import { type S3StoreAddress, storeUrl } from '../../src/run/team/address.ts'
import { App, type AppOutcome } from '../../src/ui/app.tsx'
import type { AwsReply } from '../helpers/aws-fault-server.ts'
import { faultedTeamStore } from '../helpers/faulted-store.ts'
import { newTeamStore } from '../helpers/team-store.ts'
import { tempDir } from '../helpers/temp.ts'
import { inputSettled, waitFor, waitForContent } from '../helpers/wait.ts'

const ARROW_DOWN = '\u001B[B'
const ENTER = '\r'

// The fake terminal is 24 rows high; each test makes it 140 columns wide (the store's long
// test url and the note after it fit).
process.env.LINES = '24'

const { moto, fault, open } = await faultedTeamStore()
const forwardAll = () => fault.script(() => ({ forward: moto }))

const outcomes: AppOutcome[] = []
const screens: { unmount(): void }[] = []
afterEach(async () => {
  for (const screen of screens.splice(0)) screen.unmount()
  for (const outcome of outcomes.splice(0)) await outcome.session?.close()
})

const CHECKLIST = `---
title: Team release
environments: [dev]
---
## Before
- [ ] Change request approved
- [ ] Backup taken
`

/** A laptop: a home of its own, the team's checklist, the wizard's services with the store named. */
function laptop(label: string, address: S3StoreAddress) {
  const dir = tempDir(`team-list-${label}`)
  const path = join(dir, 'release.md')
  writeFileSync(path, CHECKLIST)
  const env = {
    DEPLOY_WIZARD_HOME: join(dir, 'home'),
    DEPLOY_WIZARD_STORE_POLL: '100ms',
    DEPLOY_WIZARD_STORE_TIMEOUT: '10s',
  }
  const services = wizardServices({
    cwd: dir,
    staleAfterMs: 3_600_000,
    env,
    store: storeUrl(address),
  })
  /** The same laptop with no store named: its runs are this machine's only. */
  const here = wizardServices({ cwd: dir, staleAfterMs: 3_600_000, env })
  return { dir, path, env, services, here }
}

/** The store holding every request until released; then they go to moto. */
function holdStore() {
  let release: (reply: AwsReply) => void = () => {}
  const released = new Promise<AwsReply>((resolve) => {
    release = resolve
  })
  fault.script(() => released)
  return () => release({ forward: moto })
}

describe('the list of runs to resume, the team store slow to answer', () => {
  test('is drawn at once; when the store answers its run is added and a run it finished taken out, the highlight staying on the run it was on', async () => {
    forwardAll()
    const address = await newTeamStore('ui-list')
    const ana = laptop('ana', address)
    const checklist = await ana.services.loadChecklist(ana.path)
    // Ana's own run, on her laptop only.
    const local = await ana.here.startRun(checklist, 'dev', 'ana')
    await local.close()
    // A team run of Ana's, that Ben then finishes: her copy is set aside once the store says so.
    const finished = await ana.services.startRun(checklist, 'dev', 'ana')
    open.push(finished)
    await waitFor(() => finished.snapshot.sync?.text === 'synced', 'ana synced')
    await finished.close()
    const ben = laptop('ben', address)
    const found = await ben.services.findTeamRun?.(finished.id)
    assert.ok(found)
    const resumed = await ben.services.resumeRun(
      finished.id,
      await ben.services.loadChecklist(found.header.checklist.path),
      'ben',
    )
    open.push(resumed.session)
    for (const item of checklist.items) resumed.session.answer(item.id, 'done')
    resumed.session.finish(join(ben.dir, 'sheet.md'), SIGN_OFF_SHEET)
    await resumed.session.close()
    // A run of Ben's in the store, not on Ana's laptop.
    const bens = await ben.services.startRun(checklist, 'dev', 'ben')
    open.push(bens)
    await bens.close()

    const release = holdStore()
    const screen = render(
      <App
        services={ana.services}
        options={{
          checklistPath: ana.path,
          environment: 'dev',
          operator: 'ana',
          staleAfterMs: 3_600_000,
          sheetPathFor: (id) => join(ana.dir, `${id}.md`),
          today: '2026-12-05',
          now: () => new Date(),
        }}
        onDone={(done) => outcomes.push(done)}
      />,
    )
    screens.push(screen)
    Object.defineProperty(screen.stdout, 'columns', { value: 140, configurable: true })
    screen.stdout.emit('resize')
    const frame = () => screen.lastFrame() ?? ''
    const see = async (pattern: RegExp) => {
      await waitForContent(frame, pattern)
      await inputSettled()
    }
    const press = async (key: string) => {
      screen.stdin.write(key)
      await inputSettled(key)
    }

    // At once: this machine's runs, the newest first, and the store being asked.
    await see(
      new RegExp(
        `looking for runs in the team store ${storeUrl(address)} — they are added here when it answers`,
      ),
    )
    assert.match(frame(), new RegExp(`^❯ ${finished.id} · `, 'm'))
    assert.match(frame(), new RegExp(`^ {2}${local.id} · `, 'm'))
    await press(ARROW_DOWN)
    await see(new RegExp(`^❯ ${local.id} · `, 'm'))

    release()
    await see(/from the team store/)
    const list = frame()
    assert.match(list, /Unfinished runs on this machine and in the team store/)
    assert.match(list, new RegExp(`^⚠ run ${finished.id} was finished by ben at `, 'm'))
    assert.doesNotMatch(list, /looking for runs/)
    // The finished run's row is gone: the highlight stays on Ana's own run, now the first row.
    assert.doesNotMatch(list, new RegExp(`^. ${finished.id} · `, 'm'))
    assert.match(list, new RegExp(`^❯ ${local.id} · `, 'm'))
    assert.match(list, new RegExp(`^ {2}${bens.id} · .* · from the team store, `, 'm'))
    await press(ENTER)
    await see(new RegExp(`ana · ${local.id}`))
    await press('q')
    await waitFor(() => outcomes.length === 1, 'the wizard closed')
    assert.equal(outcomes[0]?.kind, 'quit')
    assert.equal(outcomes[0]?.session?.id, local.id)
  })
})
