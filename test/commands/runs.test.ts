/**
 * `runs`, `runs rm`, `export` and `verify` through the built CLI, over runs
 * written by the real store into a temporary DEPLOY_WIZARD_HOME.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { before, describe, it } from 'node:test'
import { loadChecklist } from '../../src/checklist/load.ts'
import { sealSheet } from '../../src/report/sheet-digest.ts'
import { createRun } from '../../src/run/store.ts'
import { runCli } from '../helpers/cli.ts'
import { SEEDS, seedPath } from '../helpers/fixtures.ts'
import { readRunFiles } from '../helpers/run-files.ts'
import { simulateRun } from '../helpers/runs.ts'
import { tempDir } from '../helpers/temp.ts'

let home: string
let finishedId: string
let openId: string
const env = () => ({ DEPLOY_WIZARD_HOME: home })

/** A run of `seed` written through the store, its journal replayed from a simulated run. */
async function storedRun(seed: (typeof SEEDS)[number], finished: boolean): Promise<string> {
  const { checklist } = await loadChecklist(seedPath(seed))
  const simulated = simulateRun(checklist, { finished, path: checklist.path })
  const handle = createRun({ checklist, environment: 'prod', operator: 'ana', env: env() })
  for (const entry of simulated.journal.slice(1)) handle.append(entry)
  handle.close()
  return handle.id
}

before(async () => {
  home = tempDir('runs')
  finishedId = await storedRun(SEEDS[0], true)
  openId = await storedRun(SEEDS[3], false)
})

describe('deploy-wizard runs', () => {
  it('lists unfinished runs with progress and status; --all adds finished ones', async () => {
    const open = await runCli(['runs'], env())
    assert.equal(open.code, 0, open.stderr)
    assert.match(open.stdout, new RegExp(`^${openId} `, 'm'))
    assert.doesNotMatch(open.stdout, new RegExp(finishedId))
    assert.match(open.stdout, /\d+\/\d+ answered · last activity .+ · in progress/)
    const all = await runCli(['runs', '--all', '--json'], env())
    const listed = JSON.parse(all.stdout) as { id: string; status: string; environment: string }[]
    assert.deepEqual(
      new Set(listed.map((r) => `${r.id} ${r.status}`)),
      new Set([`${openId} in-progress`, `${finishedId} finished`]),
    )
  })

  it('reports a corrupt run file moved aside, and goes on', async () => {
    const bad = join(home, 'runs', 'dev-20261122-zzzz.json')
    await writeFile(bad, '{"header": {')
    const { code, stderr, stdout } = await runCli(['runs'], env())
    assert.equal(code, 0)
    assert.match(stderr, /dev-20261122-zzzz\.json/)
    assert.match(stdout, new RegExp(openId))
    assert.ok(
      (await readdir(join(home, 'runs'))).some((f) =>
        f.startsWith('dev-20261122-zzzz.json.corrupt'),
      ),
    )
  })
})

describe('deploy-wizard export and verify', () => {
  it('writes the sign-off sheet, which verify accepts until someone edits it', async () => {
    const sheet = join(home, 'sheet.md')
    const exported = await runCli(['export', finishedId, '-o', sheet], env())
    assert.equal(exported.code, 0, exported.stderr)
    const text = await readFile(sheet, 'utf8')
    assert.match(text, /^# Sign-off sheet: /)
    assert.match(text, new RegExp(`\\*\\*Run:\\*\\* \`${finishedId}\``))
    const intact = await runCli(['verify', sheet], env())
    assert.equal(intact.code, 0)
    assert.match(intact.stdout, /is as exported/)

    assert.match(intact.stdout, new RegExp(`exported by run ${finishedId} on this machine`))

    await writeFile(sheet, text.replace('✅ done', '❌ **failed**'))
    const edited = await runCli(['verify', sheet], env())
    assert.equal(edited.code, 1)
    // Said once, not 'changed after export: the sheet was edited after export: …'.
    assert.match(
      edited.stdout,
      /^✗ \S+ was changed after export: its content no longer matches its digest\n$/,
    )

    // A file that was never exported is not called changed.
    const plain = join(home, 'notes.md')
    await writeFile(plain, '# Notes\n\nnot a sheet\n')
    const never = await runCli(['verify', plain], env())
    assert.equal(never.code, 1)
    assert.match(never.stdout, /cannot be verified: no digest line: this is not a sheet exported/)
    assert.doesNotMatch(never.stdout, /changed after export/)
    await rm(plain)

    // Edited on purpose and sealed again, as anyone can: the run on this machine never exported it.
    const body = text.slice(0, text.indexOf('Digest: `sha256:'))
    await writeFile(sheet, sealSheet(body.replace('✅ done', '❌ **failed**')))
    const resealed = await runCli(['verify', sheet], env())
    assert.equal(resealed.code, 1, resealed.stdout)
    assert.match(resealed.stdout, /is sealed, but run \S+ on this machine never exported it/)

    // Elsewhere, without the run, only the seal can be checked, and verify says so.
    const away = await runCli(['verify', sheet], { DEPLOY_WIZARD_HOME: join(home, 'elsewhere') })
    assert.equal(away.code, 0)
    assert.match(away.stdout, /is not on this machine, so whether it was resealed/)
  })

  it('says in words why a sheet cannot be read', async () => {
    const folder = await runCli(['verify', home], env())
    assert.equal(folder.code, 2)
    assert.match(folder.stderr, /cannot read \S+: it is a folder/)
    // A device is not read at all (it would never end).
    const device = await runCli(['verify', '/dev/zero'], env())
    assert.equal(device.code, 2)
    assert.match(device.stderr, /cannot read \/dev\/zero: it is a device/)
    assert.doesNotMatch(folder.stderr, /EISDIR/)
  })

  it('records the export in the run journal', async () => {
    await runCli(['export', finishedId, '-o', join(home, 'again.md')], env())
    const file = readRunFiles(join(home, 'runs'), finishedId)
    assert.ok(file.journal.some((e) => e.type === 'exported' && e.format === 'md'))
  })

  it('exports JSON and JUnit too', async () => {
    const json = await runCli(['export', finishedId, '--format', 'json'], env())
    assert.equal(JSON.parse(json.stdout).header.id, finishedId)
    const junit = await runCli(['export', finishedId, '--format', 'junit'], env())
    assert.equal(junit.code, 0, junit.stderr)
    assert.match(junit.stdout, /^<\?xml version="1.0"/)
  })

  it('exits 2 with a hint for an unknown run or format', async () => {
    const run = await runCli(['export', 'prod-2026'], env())
    assert.equal(run.code, 2)
    assert.match(run.stderr, /no run 'prod-2026'/)
    assert.match(run.stderr, /did you mean: /)
    const format = await runCli(['export', finishedId, '--format', 'pdf'], env())
    assert.equal(format.code, 2)
    assert.match(format.stderr, /choose one of: md, json, junit/)
  })
})

describe('deploy-wizard runs rm', () => {
  it('removes a run, and refuses while another process has it open', async () => {
    const id = await storedRun(SEEDS[1], true)
    const holder = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `
        const { openRun } = await import(${JSON.stringify(new URL('../../src/run/store.ts', import.meta.url).href)});
        openRun(${JSON.stringify(id)});
        console.log('open');
        setInterval(() => {}, 1000);`,
      ],
      { env: { ...process.env, ...env() }, stdio: ['ignore', 'pipe', 'inherit'] },
    )
    await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()))
    const refused = await runCli(['runs', 'rm', id], env())
    holder.kill('SIGKILL')
    assert.equal(refused.code, 2)
    assert.match(refused.stderr, new RegExp(`is open in PID ${holder.pid}`))
    const removed = await runCli(['runs', 'rm', id], env())
    assert.equal(removed.code, 0, removed.stderr)
    const listed = await runCli(['runs', '--all', '--json'], env())
    assert.ok(!JSON.parse(listed.stdout).some((r: { id: string }) => r.id === id))
  })
})

describe('a deploy-wizard folder that cannot be used', () => {
  it('is named, with what to do, and no stack trace: a file in the way, or no permission', async () => {
    const dir = tempDir('home')
    const file = join(dir, 'not-a-folder')
    await writeFile(file, '')
    for (const args of [
      ['runs'],
      ['export', 'dev-20261122-abcd'],
      ['trust', 'workflow-management-api', '--yes'],
    ]) {
      const { code, stderr } = await runCli(args, { DEPLOY_WIZARD_HOME: file })
      assert.equal(code, 2, `${args[0]}: ${stderr}`)
      assert.match(
        stderr,
        /cannot use \S*not-a-folder\S* to keep runs and trust: a file is in the way/,
      )
      assert.match(stderr, /set DEPLOY_WIZARD_HOME to a folder you can write to/)
      assert.doesNotMatch(stderr, /hit a bug|\n\s+at /)
    }
  })
})
