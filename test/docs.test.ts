/**
 * The README is the user's manual: these tests keep it true to the code, and
 * keep what ships (bundled checklists, the packed files) what it should be.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { DIRECTIVE_NAMES } from '../src/checklist/directives.ts'
import { loadChecklist } from '../src/checklist/load.ts'
import { isInScope } from '../src/checklist/scope.ts'
import { loadSchemaLibraries } from '../src/checks/params.ts'
import { CHECK_KINDS } from '../src/checks/registry.ts'
import { runCli } from './helpers/cli.ts'

// The kinds' parameter schemas are built with libraries loaded on demand (the wizard's
// first frame does without them).
await loadSchemaLibraries()

const root = fileURLToPath(new URL('..', import.meta.url))
const readme = readFileSync(`${root}/README.md`, 'utf8')

describe('the README', () => {
  it('documents every check kind with every parameter', () => {
    for (const [name, kind] of CHECK_KINDS) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${name}\` |`))
      assert.ok(row, `no row for ${name}`)
      const connection = readme.slice(readme.indexOf('PostgreSQL connection parameters'))
      for (const param of Object.keys(kind.params.shape)) {
        if (['region', 'profile'].includes(param)) continue // documented once for all AWS kinds
        const isDocumented =
          row.includes(`\`${param}\``) ||
          (name.startsWith('pg.') && connection.includes(`\`${param}\``))
        assert.ok(isDocumented, `${name} ${param}`)
      }
    }
  })

  it('documents every directive', () => {
    for (const name of DIRECTIVE_NAMES)
      assert.match(readme, new RegExp(`^\\| \`${name}[:\` ]`, 'm'), name)
  })

  it('documents every command', async () => {
    const { stdout } = await runCli(['--help'])
    const commands = [...stdout.matchAll(/^ {2}([a-z]+) /gm)]
      .map((m) => m[1])
      .filter((c) => c !== 'help')
    assert.ok(commands.length >= 2)
    for (const command of commands)
      assert.match(readme, new RegExp(`### \`deploy-wizard ${command}[ \`]`), command)
  })
})

describe('bundled checklists', () => {
  it('validate without a problem', async () => {
    const files = readdirSync(`${root}/checklists`).filter((f) => f.endsWith('.md'))
    assert.ok(files.length > 0)
    for (const file of files) {
      const { problems } = await loadChecklist(`${root}/checklists/${file}`)
      assert.deepEqual(problems, [], file)
    }
  })

  it('are each listed in the README with their true counts', async () => {
    for (const file of readdirSync(`${root}/checklists`).filter((f) => f.endsWith('.md'))) {
      const { checklist } = await loadChecklist(`${root}/checklists/${file}`)
      const dev = checklist.items.filter((item) => isInScope(item.scope, 'dev'))
      const automated = (items: typeof checklist.items) => items.filter((item) => item.check).length
      const name = file.slice(0, -3)
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${name}\` |`))
      assert.ok(row, `the README lists ${name}`)
      const cells = row.split(' | ')
      assert.equal(cells[2], `${automated(checklist.items)} / ${checklist.items.length}`, name)
      assert.equal(cells[3], `${automated(dev)} / ${dev.length}`, `${name} on dev`)
    }
  })
})

describe('the published package', () => {
  it('carries the read commands of the AWS clients, for any aws check, and no write command', () => {
    const dist = `${root}/dist`
    const bundle = readdirSync(dist)
      .filter((name) => name.endsWith('.js'))
      .map((name) => readFileSync(`${dist}/${name}`, 'utf8'))
      .join('\n')
    for (const read of [
      'DescribeVpcsCommand',
      'GetFunctionConfigurationCommand',
      'ListBucketsCommand',
    ])
      assert.ok(bundle.includes(read), read)
    for (const write of [
      'TerminateInstancesCommand',
      'DeleteFunctionCommand',
      'DeleteBucketCommand',
    ])
      assert.ok(!bundle.includes(write), write)
  })

  it('holds only what running it needs', async () => {
    const { stdout } = await promisify(execFile)(
      'npm',
      ['pack', '--dry-run', '--json', '--ignore-scripts'],
      { cwd: root },
    )
    const [pack] = JSON.parse(stdout) as { files: { path: string }[] }[]
    const paths = pack?.files.map((f) => f.path) ?? []
    assert.ok(paths.includes('bin/deploy-wizard.js'))
    assert.ok(paths.includes('dist/cli.js'))
    assert.ok(paths.includes('demo/demo-shop.md'), 'the demo checklist ships')
    const unexpected = paths.filter(
      (p) =>
        !/^(bin\/|dist\/.*\.js$|dist\/yoga-[A-Z0-9]+\.wasm$|dist\/THIRD_PARTY_LICENSES\.md$|dist\/parsed\/[^/]+\.md\.json\.br$|checklists\/.*\.md$|demo\/.*\.md$|README\.md$|LICENSE$|package\.json$)/.test(
          p,
        ),
    )
    assert.deepEqual(unexpected, [])
  })
})
