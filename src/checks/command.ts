import { z } from 'zod'
import { defineCheck } from './kind.ts'
import { integer, regex, text } from './params.ts'

export const command = defineCheck({
  kind: 'command',
  description:
    'A shell command exits with the expected code (and output); runs only once the checklist is trusted',
  params: z
    .object({
      run: text(),
      cwd: text().optional(),
      exit: integer(0, 255).optional(),
      output: regex().optional(),
    })
    .strict(),
  example: 'check: command run="npm run build" cwd=./api',
})
