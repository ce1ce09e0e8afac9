/** `command`: shell text exits as expected. The code that runs it is in ../command.ts. */
import type * as Zod from 'zod'
import { defineCheck } from '../kind.ts'
import { integer, regex, text, z } from '../params.ts'

const schema = () =>
  z
    .object({
      run: text(),
      cwd: text().optional(),
      exit: integer(0, 255).optional(),
      output: regex().optional(),
    })
    .strict()

export type CommandParams = Zod.output<ReturnType<typeof schema>>

export const command = defineCheck({
  kind: 'command',
  description:
    'A shell command exits with the expected code (and output); runs only once the checklist is trusted',
  params: schema,
  example: 'check: command run="npm run build" cwd=./api',
  // Builds, test suites and image builds take minutes.
  defaultTimeoutMs: 10 * 60_000,
  shellParams: ['run'],
  // Shell text from the checklist: it runs only once the operator trusts the checklist.
  needsTrust: () => true,
  load: () => import('../command.ts').then((m) => m.checkCommand),
})
