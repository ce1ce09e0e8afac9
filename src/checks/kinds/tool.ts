/** `tool`: a program is on PATH at a version. The code that asks it is in ../tool.ts. */
import type * as Zod from 'zod'
import { defineCheck } from '../kind.ts'
import { semverRange, text, z } from '../params.ts'

const schema = () =>
  z.object({ name: text(), version: semverRange().optional(), args: text().optional() }).strict()

export type ToolParams = Zod.output<ReturnType<typeof schema>>

export const tool = defineCheck({
  kind: 'tool',
  description: 'A program is on PATH, with a version in a semver range',
  params: schema,
  example: 'check: tool name=python3 version=">=3.11"',
  // `node --version` is harmless; a program at a path the checklist names, or arguments it
  // chooses, run what the checklist wants: only once it is trusted.
  needsTrust: (params) => params.args !== undefined || (params.name ?? '').includes('/'),
  load: () => import('../tool.ts').then((m) => m.checkTool),
})
