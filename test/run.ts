/**
 * `npm test`: starts the real backends (see backends/start.ts), runs the test
 * files given (all of them by default) with Node's test runner, stops the
 * backends whatever happens, and exits with the runner's code.
 *
 *   node --import tsx test/run.ts                      every test
 *   node --import tsx test/run.ts test/checks/aws.test.ts
 */
import { spawn } from 'node:child_process'
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

const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    ...(files.length > 0 ? files : ['test/**/*.test.ts', 'test/**/*.test.tsx']),
  ],
  { stdio: 'inherit', env: { ...process.env, ...backends.env } },
)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => child.kill(signal))
}
const code = await new Promise<number>((resolve) =>
  child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0))),
)
await backends.stop()
process.exit(code)
