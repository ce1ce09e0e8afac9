import assert from 'node:assert/strict'
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import semver from 'semver'
import { checklistOf, runChecklist } from '../helpers/checks.ts'

let dir: string
let bin: string
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dw-tool-'))
  bin = join(dir, 'bin')
  await mkdir(bin)
  await script('aws', 'echo "aws-cli/2.15.0 Python/3.11.6 Linux/6.5.0 exe/x86_64.ubuntu.22"')
  await script('terraform', 'printf "\\033[1mTerraform v1.7.4\\033[0m\\non linux_amd64\\n"')
  await script('legacy', 'echo "legacy version 3.2.1" >&2')
  await script('pg_dump', 'echo "pg_dump (PostgreSQL) 15.8"')
  await script('ancient', 'echo "ancient v2 (build 20240101)"')
  await script('quiet', 'echo "usage: quiet [options]"')
  await script('broken', 'echo "cannot start" >&2; exit 2')
  await script('hangs', 'sleep 30')
  await script(
    'kubectl',
    '[ "$1 $2" = "version --client" ] && echo "Client Version: v1.29.2" || exit 1',
  )
  await writeFile(join(bin, 'not-executable'), '#!/bin/sh\necho 1.0.0\n')
})
after(() => rm(dir, { recursive: true, force: true }))

async function script(name: string, body: string): Promise<void> {
  await writeFile(join(bin, name), `#!/bin/sh\n${body}\n`)
  await chmod(join(bin, name), 0o755)
}

/** The checks see a PATH of the temp bin folder, then /usr/bin and /bin for sh and sleep. */
async function check(directive: string, path = `${bin}:/usr/bin:/bin`) {
  const run = await runChecklist(checklistOf(directive), { cwd: dir, processEnv: { PATH: path } })
  return run.result()
}

describe('tool', () => {
  const node = process.versions.node
  const nodePath = `${dirname(process.execPath)}:/usr/bin:/bin`

  it('passes when the version is in the range (real node)', async () => {
    const major = semver.major(node)
    const result = await check(`tool name=node version=">=${major}"`, nodePath)
    assert.equal(result.status, 'pass')
    assert.equal(result.summary, `node ${node} (satisfies >=${major})`)
    assert.equal(result.evidence?.path, process.execPath)
  })

  it('fails when the version is outside the range (real node)', async () => {
    const above = semver.major(node) + 1
    const result = await check(`tool name=node version=">=${above}"`, nodePath)
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, `node ${node} does not satisfy >=${above}`)
  })

  it('reads real tools whose output has words around the version (git, python3)', async () => {
    const git = await check('tool name=git version=">=2"', process.env.PATH)
    assert.equal(git.status, 'pass')
    assert.match(git.summary, /^git 2\.\d+\.\d+ \(satisfies >=2\)$/)
    const python = await check('tool name=python3 version=">=3.0"', process.env.PATH)
    assert.equal(python.status, 'pass')
    assert.match(python.summary, /^python3 3\.\d+\.\d+ \(satisfies >=3\.0\)$/)
  })

  it('shows the version as the program printed it, reading it as semver only to compare', async () => {
    const dump = await check('tool name=pg_dump version=">=15.8"')
    assert.equal(dump.status, 'pass')
    assert.equal(dump.summary, 'pg_dump 15.8 (satisfies >=15.8)')
    assert.equal(dump.evidence?.version, '15.8')
    const newer = await check('tool name=pg_dump version=">=15.9"')
    assert.equal(newer.summary, 'pg_dump 15.8 does not satisfy >=15.9')
    assert.equal(
      (await check('tool name=ancient version=2.x')).summary,
      'ancient 2 (satisfies 2.x)',
    )
    // psql prints two parts, as PostgreSQL numbers its releases since 10.
    const psql = await check(
      'tool name=psql version=">=10"',
      `${process.env.PATH}:/usr/lib/postgresql/15/bin`,
    )
    assert.match(psql.summary, /^psql \d+\.\d+ \(satisfies >=10\)$/)
  })

  it('reads AWS CLI v2 from aws-cli/2.x', async () => {
    assert.equal((await check('tool name=aws version=^2')).summary, 'aws 2.15.0 (satisfies ^2)')
    const older = await check('tool name=aws version=">=3"')
    assert.equal(older.status, 'fail')
    assert.equal(older.summary, 'aws 2.15.0 does not satisfy >=3')
  })

  it('takes x-ranges, coloured output and versions printed on stderr', async () => {
    assert.equal((await check('tool name=terraform version=1.x')).status, 'pass')
    const legacy = await check('tool name=legacy version=3.2.x')
    assert.equal(legacy.status, 'pass')
    assert.equal(legacy.summary, 'legacy 3.2.1 (satisfies 3.2.x)')
  })

  it('runs the given args instead of --version', async () => {
    const result = await check('tool name=kubectl args="version --client" version=">=1.28"')
    assert.equal(result.status, 'pass')
    assert.equal(result.summary, 'kubectl 1.29.2 (satisfies >=1.28)')
  })

  it('passes on presence alone when no range is asked', async () => {
    const result = await check('tool name=quiet')
    assert.equal(result.status, 'pass')
    assert.equal(result.summary, `quiet is at ${join(bin, 'quiet')}`)
  })

  it('fails when the program is not on PATH', async () => {
    const result = await check('tool name=python3 version=">=3.11"', bin)
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, 'python3 is not on PATH')
  })

  it('does not take a file without the execute bit', async () => {
    const result = await check('tool name=not-executable')
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, 'not-executable is not on PATH')
  })

  it('is an error when the output holds no version', async () => {
    const result = await check('tool name=quiet version=">=1"')
    assert.equal(result.status, 'error')
    assert.equal(result.summary, 'no version in the output of `quiet --version`')
    assert.deepEqual(result.details, ['usage: quiet [options]'])
  })

  it('is an error when the program fails without printing a version', async () => {
    const result = await check('tool name=broken version=">=1"')
    assert.equal(result.status, 'error')
    assert.equal(result.summary, '`broken --version` exited with code 2')
    assert.deepEqual(result.details, ['cannot start'])
  })

  it('is an error when the program does not finish in time', async () => {
    const result = await check('tool name=hangs version=">=1"; timeout: 1s')
    assert.equal(result.status, 'error')
    assert.equal(result.summary, 'timed out after 1s')
  })
})
