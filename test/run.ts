/**
 * `npm test`: starts the real backends (see backends/start.ts), runs the test
 * files given (all of them by default) with Node's test runner, stops the
 * backends whatever happens, and exits with the runner's code.
 *
 * The tests get a temporary folder of their own (TMPDIR): whatever a test run
 * leaves in it fails the run, each entry named, since leaving files behind is a
 * defect (test/helpers/temp.ts makes folders that clean up after themselves).
 *
 *   node --import tsx test/run.ts                      every test
 *   node --import tsx test/run.ts test/checks/aws.test.ts
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startBackends } from './backends/start.ts'
import { missingShells } from './helpers/shells.ts'

const files = process.argv.slice(2)
// Commands are tested under every shell `sh` can be: one line names those not installed.
const missing = missingShells()
if (missing) {
  process.stderr.write(`${missing}\n`)
  process.exit(1)
}
const backends = await startBackends().catch((error: unknown) => {
  process.stderr.write(`test backends failed to start: ${(error as Error).message}\n`)
  process.exit(1)
})

// Caches the tools keep there on purpose (tsx's, Node's compile cache) are not leftovers.
const TOOL_CACHES = /^(tsx-\d+|node-compile-cache)$/
const testTmp = mkdtempSync(join(tmpdir(), 'dw-suite-'))

const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    ...(files.length > 0 ? files : ['test/**/*.test.ts', 'test/**/*.test.tsx']),
  ],
  {
    stdio: 'inherit',
    env: {
      ...process.env,
      ...backends.env,
      TMPDIR: testTmp,
      // Every test parses afresh, and none leaves entries in the operator's own home: the
      // parse cache's tests turn it on in homes of their own (test/checklist/parse-cache.test.ts).
      DEPLOY_WIZARD_NO_CACHE: '1',
    },
  },
)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => child.kill(signal))
}
const code = await new Promise<number>((resolve) =>
  child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0))),
)
await backends.stop()
const leftovers = readdirSync(testTmp).filter((name) => !TOOL_CACHES.test(name))
rmSync(testTmp, { recursive: true, force: true })
if (leftovers.length > 0) {
  process.stderr.write(
    `\nthe tests left these in the temporary folder (remove them in after/finally, or use test/helpers/temp.ts):\n${leftovers.map((name) => `  ${name}\n`).join('')}`,
  )
  process.exit(code === 0 ? 1 : code)
}
process.exit(code)
